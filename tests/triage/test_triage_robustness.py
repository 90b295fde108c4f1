"""Odd input never raises and never takes super-linear time (checked by operation counts and
sizes, not wall-clock: timings are measured by the benchmark, not asserted in tests)."""
import io
import random

import pytest

from cudacheck.triage import UnreadableInput, parse, read_text, triage
from cudacheck.triage.document import MAX_LINE, Document
from cudacheck.triage.reader import HEAD_BYTES, MAX_BYTES, decode, read_stream
from triage_samples import SAMPLES


@pytest.mark.parametrize("text", [
    "", "\n" * 10000, " " * 100000, "x" * (MAX_LINE * 3), "|" * 50000, ">" * 5000, "> " * 5000,
    "a" * 60000 + "!", "driver " * 20000, "(" * 30000 + ")" * 30000, "GPU 0: " * 10000,
    "docker run " + "-e X=1 " * 5000, ">>> torch.__version__\n" * 2000, "\\n" * 20000 + "x" * 2000,
    "pip install torch " + "--index-url " * 3000, "\u200b\xa0\x1b[0m" * 3000, "🔥" * 50000,
    "NVIDIA GeForce RTX " * 5000, "torch==" + "9." * 20000, "Found GPU0 " + "x " * 20000 + "which is of cuda",
])
def test_pathological_inputs(text):
    report = triage(text)
    assert report.snapshot.source == "pasted"


def test_random_text_is_harmless():
    rng = random.Random(1234)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 .:/\\|-_=+()[]{}'\"<>\n\tCUDA nvidia torch driver GPU sm_"
    for _ in range(30):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4000)))
        triage(text)


def test_work_is_linear_in_the_number_of_keyword_hits():
    """The keyword index finds each hit once; doubling the input doubles the hits, nothing more."""
    block = "\n".join(sample.text for sample in SAMPLES.values())
    one, two = Document(block), Document(block + "\n" + block)
    for keyword in ("driver", "torch", "no kernel image is available", "nvidia-smi"):
        assert len(two.lines_with(keyword)) == 2 * len(one.lines_with(keyword))


def test_repeated_lines_are_found_through_their_first_occurrence():
    text = "driver 470\nDriver 470\nother\n  driver 470\ndriver 535\n> driver 470"
    document = Document(text)
    assert document.lines_with("driver") == [0, 1, 3, 4, 5]  # "> " is a quote prefix: line 5 repeats line 0
    assert document.lines_with("driver", distinct=True) == [0, 3, 4]
    assert [document.occurrences(index) for index in (0, 3, 4)] == [3, 1, 1]
    assert document.lines_with_any(("470", "535"), distinct=True) == [0, 3, 4]


def test_a_keyword_on_many_lines_is_found_on_every_one_of_them():
    # past a few dozen hits the lines are tested one by one: the answer must be the same as a plain scan
    lines = [f"step {n}: {'cuda ok' if n % 3 else 'other'} {'CUDA again cuda' if n % 7 == 0 else ''}"
             for n in range(300)] + ["step 5: cuda ok "] * 3
    document = Document("\n".join(lines))
    expected = [index for index, line in enumerate(lines) if "cuda" in line.lower()]
    assert document.lines_with("cuda") == expected
    assert document.lines_with("cuda", distinct=True) == [index for index in expected if index < 300]


def test_keyword_positions_survive_lower_casing_that_changes_lengths():
    document = Document("İİİİİİİİ cuda\nab\nxy\ndriver")  # "İ".lower() is two characters
    assert document.lines_with("cuda") == [0] and document.lines_with("driver") == [3]


def test_many_repeats_keep_observations_bounded():
    block = "\n".join(sample.text for sample in SAMPLES.values())
    snapshot = parse(block * 40)
    assert len(snapshot.observations) < 600  # at most 3 kept per signature


def test_read_text_cuts_large_input_to_head_and_tail():
    text = "head line\n" + ("x" * 79 + "\n") * (MAX_BYTES // 40) + "tail line\n"
    pasted = read_text(text)
    assert pasted.truncated and len(pasted.text) <= MAX_BYTES + 1
    assert pasted.text.startswith("head line") and pasted.text.rstrip().endswith("tail line")


def test_read_stream_of_100_mb_keeps_head_and_tail():
    class Stream(io.RawIOBase):  # 100 MB without holding them in memory, not seekable
        def __init__(self):
            self.left = 100 * 2**20

        def readable(self):
            return True

        def readinto(self, buffer):
            if self.left <= 0:
                return 0
            count = min(len(buffer), self.left)
            chunk = (b"loss 0.1 step 2\n" * (count // 16 + 1))[:count]
            if self.left == count:
                chunk = chunk[:-len(b"\nNo CUDA GPUs are available\n")] + b"\nNo CUDA GPUs are available\n"
            buffer[:count] = chunk
            self.left -= count
            return count

    pasted = read_stream(io.BufferedReader(Stream()))
    assert pasted.truncated and pasted.size == 100 * 2**20
    assert len(pasted.text) <= MAX_BYTES + 1
    assert "No CUDA GPUs are available" in pasted.text[HEAD_BYTES:]


@pytest.mark.parametrize("data", [b"\x00" * 10, b"abc\x00def", bytes(range(32)) * 100])
def test_decode_refuses_binary(data):
    with pytest.raises(UnreadableInput):
        decode(data)


@pytest.mark.parametrize("data, encoding", [
    ("plain ascii".encode(), "utf-8"), ("\ufeffwith bom".encode("utf-8"), "utf-8"),
    ("wide text".encode("utf-16"), "utf-16"), ("ohne BOM".encode("utf-16-le"), "utf-16-le"),
    ("Größe".encode("cp1252") + b" error line " * 10, "utf-8 (with replacements)"),
])
def test_decode_text(data, encoding):
    text, used = decode(data)
    assert used == encoding and text.strip()
