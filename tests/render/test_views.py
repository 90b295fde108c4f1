"""What the views show: the environment, collapsed GPUs and library families, aligned ASCII
marks, per-GPU identity with -v, ignored findings, Markdown's environment summary, and the
notebook's HTML (parsed, escaped, redacted)."""
from __future__ import annotations

from html.parser import HTMLParser
from typing import Dict, List

from cudacheck.render import render
from cudacheck.render.facts import gpu_summary, layer_facts, library_summary
from cudacheck.render.style import Style
from cudacheck.rules.engine import check
from cudacheck.snapshot import EnvironmentFacts, LibrariesFacts, LibraryFacts
from cudacheck.testing import gpu, make_snapshot

PLAIN = Style(unicode=True, color=False)
ASCII = Style(unicode=False, color=False)


def _h100_node(count: int = 8):
    gpus = [gpu("NVIDIA H100 80GB HBM3", "9.0", 81559, uuid=f"GPU-5f3c2a1e-0000-4000-8000-00000000000{i}",
                pci_bus_id=f"00000000:{0x18 + i:02X}:00.0") for i in range(count)]
    snapshot = make_snapshot(driver="550.54.14", cuda="12.4", gpus=gpus, torch="2.4.1+cu124", torch_cuda="12.4",
                             shm_bytes=64 * 2**20, in_container=True,
                             dev_nodes=["/dev/nvidia-uvm", "/dev/nvidia0", "/dev/nvidiactl"], cuda_init_code=0)
    snapshot.environment = EnvironmentFacts(prefix="~/project/.venv", executable="~/project/.venv/bin/python",
                                            selected_by="VIRTUAL_ENV", kind="venv", python_version="3.11.9")
    return snapshot


def test_identical_gpus_collapse_and_different_ones_stay_apart():
    snapshot = _h100_node()
    assert gpu_summary(snapshot.nvml.gpus) == "8× NVIDIA H100 80GB HBM3 (sm_90, 80 GiB)"
    mixed = snapshot.nvml.gpus[:2] + [gpu("NVIDIA A100-SXM4-40GB", "8.0", 40960)]
    assert gpu_summary(mixed) == "2× NVIDIA H100 80GB HBM3 (sm_90, 80 GiB); NVIDIA A100-SXM4-40GB (sm_80, 40 GiB)"
    text = render(check(snapshot), "text", style=PLAIN, width=80)
    assert "8× NVIDIA H100 80GB HBM3 (sm_90, 80 GiB)" in text and text.count("H100") == 1
    assert "8x NVIDIA H100 80GB HBM3" in render(check(snapshot), "text", style=ASCII, width=80)


def test_a_torch_named_without_a_version_says_so_instead_of_an_empty_headline():
    named = make_snapshot(source="pasted")
    named.torch.installed = True  # "the container uses PyTorch 2.9+": torch is there, its version is not read
    assert layer_facts(named)["torch"] == "torch, version not known"
    unnamed = make_snapshot(source="pasted")
    unnamed.torch.installed = None  # nothing said about torch: nothing shown
    assert "torch" not in layer_facts(unnamed)
    assert layer_facts(make_snapshot(torch="2.4.1+cu124", torch_cuda="12.4"))["torch"] == "torch 2.4.1+cu124 (CUDA 12.4)"


def test_library_families_collapse_with_their_count():
    cudnn = ["cudnn"] + [f"cudnn_{part}" for part in ("adv", "cnn", "ops", "graph", "heuristic", "engines_precompiled",
                                                        "engines_runtime_compiled", "adv_infer", "adv_train",
                                                        "ops_infer")]
    resolved = {name: LibraryFacts(name=name, path=f"/x/lib{name}.so.9", origin="pip", version="9.24.0.43")
                for name in cudnn}
    resolved.update({"cudart": LibraryFacts(name="cudart", path="/x/libcudart.so.12", origin="pip", version="12.4.127"),
                     "cublas": LibraryFacts(name="cublas", path="/x/libcublas.so.12", origin="pip", version="12.4.5.8"),
                     "cublasLt": LibraryFacts(name="cublasLt", path="/x/libcublasLt.so.12", origin="pip",
                                              version="12.4.5.8")})
    summary = library_summary(LibrariesFacts(resolved=resolved))
    assert summary == "cuBLAS 12.4.5.8 (2 libraries), cudart 12.4.127, cuDNN 9.24.0.43 (11 libraries)"
    resolved["cudnn_cnn"].version = "9.1.0.70"
    assert "cuDNN 9.24.0.43 (11 libraries; also 9.1.0.70)" in library_summary(LibrariesFacts(resolved=resolved))


def test_the_header_names_the_environment_and_why():
    text = render(check(_h100_node()), "text", style=PLAIN, width=100)
    assert text.splitlines()[1] == "environment: ~/project/.venv (activated VIRTUAL_ENV) · Python 3.11.9"
    pasted = make_snapshot(driver="470.82.01", source="pasted")
    assert "environment:" not in render(check(pasted), "text", style=PLAIN)  # nothing was inspected


def test_ascii_marks_are_padded_so_the_columns_line_up():
    text = render(check(_h100_node()), "text", style=ASCII, width=100)
    rows = [line for line in text.splitlines() if line[:1] == "["]
    assert {line[:4] for line in rows} >= {"[ok]", "[!] "}  # a mark of 3 characters is padded to 4
    assert all(line[4] == " " and line[5] != " " for line in rows), rows  # every title starts in column 5
    assert {line[5:].split("  ")[0] for line in rows} >= {"NVIDIA driver", "GPUs", "Container and resources"}
    facts = {len(line) - len(line[5:].split("  ", 1)[1].lstrip()) for line in rows}
    assert len(facts) == 1, rows  # and every fact in one column
    assert all(ord(char) < 128 for char in text)


def test_verbose_lists_every_gpu_with_index_bus_id_and_uuid():
    text = render(check(_h100_node(2)), "text", style=PLAIN, verbose=True, width=120)
    assert "GPU 0: NVIDIA H100 80GB HBM3 (sm_90, 80 GiB) · bus 00000000:18:00.0 · GPU-5f3c2a1e-0000-4000-8000-000000000000" \
        in text
    assert "GPU 1: NVIDIA H100 80GB HBM3 (sm_90, 80 GiB) · bus 00000000:19:00.0" in text
    assert "bus 00000000:18:00.0" not in render(check(_h100_node(2)), "text", style=PLAIN, width=120)


def test_markdown_opens_with_the_environment_summary():
    snapshot = _h100_node()
    snapshot.platform.distro = "Ubuntu 22.04.4 LTS"
    snapshot.platform.kernel = "5.15.0-105-generic"
    lines = render(check(snapshot), "markdown").splitlines()
    assert lines[0].startswith("### cudacheck: ")
    table = lines[2:lines.index("", 2)]
    assert table[:2] == ["| Environment | |", "|---|---|"]
    rows = dict(row.strip("|").split("|", 1) for row in table[2:])
    rows = {k.strip(): v.strip() for k, v in rows.items()}
    assert rows["OS"] == "Ubuntu 22.04.4 LTS, Linux 5.15.0-105-generic, x86_64"
    assert rows["Python"] == "3.11.9 · ~/project/.venv (activated VIRTUAL_ENV)"
    assert rows["torch"] == "2.4.1+cu124 (CUDA 12.4)"
    assert rows["NVIDIA driver"] == "550.54.14 (supports CUDA ≤ 12.4)"
    assert rows["GPUs"] == "8× NVIDIA H100 80GB HBM3 (sm_90, 80 GiB)"


class _Html(HTMLParser):
    """Collects the text per tag and checks that every tag opened is closed."""

    VOID = {"br", "hr", "img", "meta", "input"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: List[str] = []
        self.text: List[str] = []
        self.tags: Dict[str, int] = {}
        self.balanced = True

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.balanced = False

    def handle_data(self, data):
        self.text.append(data)


def _parse(markup: str) -> _Html:
    parser = _Html()
    parser.feed(markup)
    parser.close()
    return parser


def test_the_notebook_html_holds_the_report_escaped_and_redacted():
    snapshot = _h100_node(2)
    snapshot.nvml.gpus[1].name = 'NVIDIA <script>alert("x")</script> & Co'
    snapshot.torch.location = "~/venv/lib/python3.11/site-packages/torch"
    snapshot.container.env["HF_TOKEN"] = "hf_" + "a" * 34
    report = check(snapshot)
    report.findings[0].detail += " token hf_" + "b" * 34 + " seen"
    markup = report._repr_html_()
    parsed = _parse(markup)
    assert parsed.balanced and not parsed.stack
    assert "script" not in parsed.tags  # the GPU name stayed text
    text = " ".join(parsed.text)
    assert 'NVIDIA <script>alert("x")</script> & Co' in text  # shown as it is, after unescaping
    assert "&lt;script&gt;" in markup
    assert "hf_" + "b" * 34 not in markup and "[REDACTED]" in text
    assert report.summary.line in text
    for label in ("OS", "Python", "torch", "NVIDIA driver", "GPUs"):
        assert label in parsed.text
    assert "~/project/.venv (activated VIRTUAL_ENV)" in text
    first = report.findings[0]
    assert first.title in text and first.code in text
    if first.remedy:
        assert first.remedy.splitlines()[0] in text


def test_the_notebook_markdown_is_the_markdown_report_redacted():
    report = check(_h100_node())
    report.findings[0].detail += " key sk-proj-" + "c" * 40
    markdown = report._repr_markdown_()
    assert markdown.startswith("### cudacheck: ") and "| GPUs | 8× NVIDIA H100" in markdown
    assert "sk-proj-" + "c" * 40 not in markdown


def test_ignored_findings_are_counted_in_the_summary_and_listed_with_verbose():
    from cudacheck.policy import Policy

    snapshot = _h100_node()
    plain = check(snapshot)
    codes = sorted({f.code for f in plain.findings})
    assert "CC401" in codes  # /dev/shm of 64 MiB in a container
    report = check(snapshot, Policy(ignore=["CC401"]))
    assert "CC401" not in {f.code for f in report.findings}
    assert report.summary.ignored == 1 and report.summary.line.endswith("; 1 ignored.")
    assert report.summary.warnings == plain.summary.warnings - 1
    text = render(report, "text", style=PLAIN, verbose=True, width=100)
    assert "Ignored (ignore CC401):" in text
    assert "_1 ignored: `CC401`._" in render(report, "markdown")


SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8pLmN2vT"
PEM = ("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n"
       "-----END RSA PRIVATE KEY-----")


def test_wrapping_never_splits_a_secret_out_of_sight():
    """Secrets are masked before lines are broken: "NAME=value" over two lines or a PEM block
    would not be recognised afterwards."""
    from cudacheck.snapshot import ProbeError

    snapshot = _h100_node(1)
    snapshot.probe_errors.append(ProbeError("nvml", "error", "while reading the config of a very long job "
                                            f"name AWS_SECRET_ACCESS_KEY={SECRET_KEY} and more"))
    report = check(snapshot)
    report.findings[0].detail += "\n" + PEM
    for width in (40, 57, 80):
        for style in (PLAIN, ASCII):
            text = render(report, "text", style=style, verbose=True, width=width)
            assert SECRET_KEY not in text.replace("\n", "").replace(" ", "") and "MIIEpAIB" not in text
    for out in (render(report, "html", verbose=True), report._repr_html_(), report._repr_markdown_()):
        assert SECRET_KEY not in out and "MIIEpAIB" not in out
