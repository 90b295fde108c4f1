"""Seeded generators of hostile input for every surface: command lines, ``CUDACHECK_*``,
``[tool.cudacheck]``, snapshot files and pasted text. Each takes a ``random.Random`` and
returns plain data, so a failing case is reproduced from its seed and index."""
from __future__ import annotations

import codecs
import json
import random
import re
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

# Values that have broken parsers somewhere: empty, signs, overflow, NaN, huge, non-ASCII,
# undecodable argv bytes (lone surrogates), shell and format syntax, special files.
HOSTILE: Tuple[str, ...] = (
    "", " ", "-", "--", "inf", "-inf", "Infinity", "nan", "NaN", "1e308", "-1e308", "1e309", "-1", "0", "-0",
    "1e-320", "9" * 30, "9" * 5000, "x" * 5000, "é", "日本語", "\udcff\udcfe", "%s%n", "{}", "[]", "null",
    "$(true)", "a\nb", "a\tb", "../../../../etc/passwd", "/dev/full", "/dev/null", "/proc/self/mem", "/",
    "0x10", "1_000", "+1", "1.5", "8", "8.0.0", "99.9", "-5", "-16GiB", "1e400GiB", "16 GiB", "16gib", "16XB",
    "bf16,fp8", "all", "none", "CC201", "\x7f", "\u202e", "True", "yes",
)
VALID: Dict[str, Tuple[str, ...]] = {
    "timeout": ("0.5", "1", "2.5", "10"),
    "int": ("0", "1", "2", "8"),
    "cc": ("7.0", "8.0", "8.6", "9.0", "12.0"),
    "size": ("16GiB", "512MiB", "80G", "1024", "0"),
    "feature": ("bf16", "tf32", "fp8"),
    "cuda": ("12.4", "13.0", "11.8", "12.8"),
    "torch": ("2.5.1", "2.8.0", "2.4.0", "1.13.1"),
    "gpu": ("A100", "NVIDIA GeForce RTX 4090", "H100", "Tesla K80", "RTX 5090"),
    "driver": ("535.104.05", "470.82.01", "580.65.06", "550"),
    "driver_cuda": ("12.2", "11.4", "13.0"),
    "python": ("3.11", "3.9", "3.13"),
    "code": ("CC201", "gpu-arch-not-in-build", "CC101", "CC990"),
    "sizes": ("1MiB,8MiB", "4MiB", "256MiB, 1M"),
}
NODES = str(Path(__file__).resolve().parent.parent / "fleet" / "data" / "k8s_nodes.json")
"""A `kubectl get nodes -o json` list (fleet-file's input)."""
REQUIREMENTS = {"--require-gpu": "flag", "--min-gpus": "int", "--min-compute-capability": "cc",
                "--min-gpu-memory": "size", "--feature": "feature", "--min-shm": "size"}


COMMANDS: Dict[str, Tuple[List[str], Dict[str, Any], List[str]]] = {
    # name: (argv prefix, {option: kind or tuple of choices}, positional kinds)
    "doctor": (["doctor"], {"--deep": "flag", "--format": ("text", "json", "markdown", "prometheus"),
                            "--snapshot": "snapshot", "--strict": "flag", "--timeout": "timeout",
                            "--no-config": "flag", "-v": "flag", **REQUIREMENTS}, []),
    "health": (["health"], {"--timeout": "timeout", "--quiet": "flag", "-q": "flag", **REQUIREMENTS}, []),
    "snapshot": (["snapshot"], {"--level": ("quick", "standard"), "--timeout": "timeout",
                                "-o": "output"}, []),
    "triage": (["triage"], {"--format": ("text", "json", "markdown"), "--strict": "flag", "-v": "flag"},
               ["paste"]),
    "compat cuda": (["compat", "cuda"], {"--format": ("text", "json")}, ["cuda"]),
    "compat gpu": (["compat", "gpu"], {"--format": ("text", "json")}, ["gpu"]),
    "compat torch": (["compat", "torch"], {"--format": ("text", "json")}, ["torch"]),
    "compat plan": (["compat", "plan"], {"--driver": "driver", "--driver-cuda": "driver_cuda", "--gpu": "gpu",
                                         "--python": "python", "--platform": ("linux", "windows"),
                                         "--format": ("text", "json")}, []),
    "rules": (["rules"], {"--format": ("text", "json")}, []),
    "explain": (["explain"], {}, ["code"]),
    "schema": (["schema"], {}, []),
    "kernels": (["kernels"], {"--format": ("text", "json"), "--gpu": "gpu", "--driver-cuda": "driver_cuda",
                              "--timeout": "timeout", "--no-cache": "flag"}, []),
    "diff": (["diff"], {"--format": ("text", "markdown", "json"), "--no-config": "flag", **REQUIREMENTS},
             ["snapshot", "snapshot"]),
    "fleet": (["fleet"], {"--format": ("text", "markdown", "json"), "--strict": "flag", "--no-config": "flag",
                          "-v": "flag", **REQUIREMENTS}, ["snapshot", "snapshot"]),
    "fleet-file": (["fleet-file"], {"--from-k8s": "nodes", "--format": ("toml", "json"), "-o": "output"}, []),
    "preflight": (["preflight"], {"--format": ("text", "markdown", "json"), "--check-timeout": "timeout",
                                  "--gather-timeout": "timeout", "--collective-timeout": "timeout",
                                  "--backend": ("auto", "nccl", "gloo"), "--sizes": "sizes", "--iters": "int",
                                  "--expect-world-size": "int", "--allow-cpu": "flag", **REQUIREMENTS}, []),
}


class Paths:
    """Files the generated command lines may name."""

    def __init__(self, snapshots: Sequence[str], pastes: Sequence[str], output: str) -> None:
        self.snapshots = list(snapshots)
        self.pastes = list(pastes)
        self.output = output

    def valid(self, kind: str, rng: random.Random) -> str:
        if kind == "snapshot":
            return rng.choice(self.snapshots)
        if kind == "paste":
            return rng.choice(self.pastes + ["-"])
        if kind == "output":
            return self.output
        if kind == "nodes":
            return NODES
        return rng.choice(VALID[kind])


def value(kind: Any, rng: random.Random, paths: Paths) -> str:
    """A value for an option of ``kind``: valid three times in four, hostile otherwise."""
    if rng.random() < 0.75:
        return rng.choice(kind) if isinstance(kind, tuple) else paths.valid(kind, rng)
    return rng.choice(HOSTILE)


def command_line(rng: random.Random, name: str, paths: Paths) -> List[str]:
    """A command line for ``name``: some of its options with valid or hostile values, now and
    then an unknown option, a value missing at the end, a stray positional."""
    prefix, options, positionals = COMMANDS[name]
    groups: List[List[str]] = []
    for option, kind in options.items():
        if rng.random() < 0.35:
            groups.append([option] if kind == "flag" else [option, value(kind, rng, paths)])
    if rng.random() < 0.08:
        groups.append([rng.choice(["--bogus", "-x", "--format=", "--timeout=", "---", "--no-such-option=1"])])
    if rng.random() < 0.05 and options:
        groups.append([rng.choice(list(options))])  # maybe a value missing at the very end
    rng.shuffle(groups)
    argv = list(prefix) + [part for group in groups for part in group]
    for kind in positionals:
        if rng.random() < 0.9:
            argv.append(value(kind, rng, paths))
    if rng.random() < 0.05:
        argv.append(rng.choice(HOSTILE))
    return keep_it_cheap(argv, paths, rng)


def keep_it_cheap(argv: List[str], paths: Paths, rng: random.Random) -> List[str]:
    """Live probing is the one costly path: most doctor lines judge a saved snapshot, the
    snapshot command probes at the quick level, and nothing imports torch (--deep)."""
    argv = [part for part in argv if part != "--deep"]
    if argv[:1] == ["doctor"] and "--snapshot" not in argv and rng.random() < 0.9:
        argv += ["--snapshot", paths.valid("snapshot", rng)]
    if argv[:1] == ["snapshot"] and "--level" not in argv:
        argv += ["--level", "quick"]
    if argv[:1] == ["preflight"]:  # its options are what is fuzzed: a whole job's run (torch, a store,
        # collectives, leaving through os._exit) is tested in tests/preflight
        argv += rng.choice([["--iters", "0"], ["--check-timeout", "0"], ["--help"]])
    return argv


ENV_VARIABLES = {"CUDACHECK_REQUIRE_GPU": ("1", "true", "no", "0"), "CUDACHECK_MIN_GPUS": VALID["int"],
                 "CUDACHECK_MIN_COMPUTE_CAPABILITY": VALID["cc"], "CUDACHECK_MIN_GPU_MEMORY": VALID["size"],
                 "CUDACHECK_FEATURES": VALID["feature"] + ("bf16,tf32", "bf16 fp8"),
                 "CUDACHECK_MIN_SHM": VALID["size"]}


def environment(rng: random.Random) -> Dict[str, str]:
    """Some CUDACHECK_* variables, valid or hostile (no NUL: the OS refuses it in a variable)."""
    env: Dict[str, str] = {}
    for name, valid in ENV_VARIABLES.items():
        if rng.random() < 0.4:
            env[name] = rng.choice(valid) if rng.random() < 0.5 else rng.choice(HOSTILE)
    return env


TOML_VALUES: Tuple[str, ...] = (
    "true", "false", "0", "2", "-5", "-1", "9223372036854775807", "-9223372036854775808", "inf", "-inf", "nan",
    "+inf", "1e308", "0.5", "8.0", "8", '"8.0"', '"16GiB"', '"-5"', '"inf"', '"nan"', '"1e400GiB"', '""',
    '"bf16"', '"bf16,fp8"', '["bf16", "fp8"]', '["nope"]', "[1, 2]", "[[1], [2]]", "[]", "{}", "{ a = 1 }",
    "1979-05-27", "1979-05-27T07:32:00Z", "07:32:00", '"\\u00e9"', "'literal'", '"""multi\nline"""', "0x10",
)
TOML_KEYS: Tuple[str, ...] = ("require-gpu", "require_gpu", "min-gpus", "min-compute-capability",
                              "min-gpu-memory", "features", "min-shm", "min-gpuz", "timeout", "level", "",
                              '"quoted key"', "a.b")


def pyproject(rng: random.Random) -> bytes:
    """A pyproject.toml that names cudacheck: valid or hostile table content, wrong table
    types, broken TOML, encodings TOML does not allow."""
    kind = rng.random()
    if kind < 0.12:
        text = rng.choice(["tool.cudacheck = 5\n", "[tool]\ncudacheck = [1, 2]\n", 'tool = "cudacheck"\n',
                           "tool = {cudacheck = true}\n", "[tool.cudacheck]\n[tool.cudacheck]\n",
                           "[[tool.cudacheck]]\nmin-gpus = 1\n", "[tool.cudacheck\n", "[tool.cudacheck]\nx = [" * 3,
                           "[tool.cudacheck]\nmin-gpus = " + "[" * 5000 + "\n",
                           "[tool.cudacheck]\nmin-gpus = 1\nmin-gpus = 2\n"])
    else:
        lines = ["[project]", 'name = "demo"', "", "[tool.cudacheck]"]
        for _ in range(rng.randint(0, 4)):
            lines.append(f"{rng.choice(TOML_KEYS)} = {rng.choice(TOML_VALUES)}")
        text = "\n".join(lines) + "\n"
    data = text.encode("utf-8")
    encoding = rng.random()
    if encoding < 0.06:
        data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    elif encoding < 0.1:
        data = text.encode("utf-8") + b"# caf\xe9 \xff\xfe\n"
    elif encoding < 0.13:
        data = codecs.BOM_UTF8 + data
    elif encoding < 0.15:
        data = data[:rng.randint(0, len(data))]
    return data


_RAW = "__fuzz_raw_%d__"


def mutated_snapshot(rng: random.Random, original: Any) -> bytes:
    """A snapshot file: the fixture with one to three nodes replaced, removed or added (values
    that JSON can only carry as raw text — 10,000 digits, NaN, deep nesting — included), or
    a file-level fault (truncated, another encoding, another top-level type, a report)."""
    raw: List[str] = []

    def hostile_value() -> Any:
        pick = rng.random()
        if pick < 0.3:
            return rng.choice([None, [], {}, "", "x", True, False, -1, 0, 1.5, -1e300, "日本", "\udcff", "é",
                               [None], [{}], {"a": "b"}, "GPU-" + "f" * 5000, 2**63, -(2**63)])
        if pick < 0.45:
            raw.append(rng.choice(["9" * 10000, "-" + "9" * 25, "1e400", "-1e400", "NaN", "Infinity", "-Infinity",
                                   "[" * 100000 + "]" * 100000, "[" * 40 + "]" * 40,
                                   '{"a":' * 50 + "1" + "}" * 50, "1" + "0" * 400 + ".5"]))
            return _RAW % (len(raw) - 1)
        if pick < 0.6:
            return "x" * rng.choice([1, 10_000, 1_000_000])
        if pick < 0.7:
            return [rng.choice([1, "a", None, {}])] * rng.choice([1, 1000])
        return rng.choice([{"name": None}, {"index": "zero"}, {"compute_capability": 8.0},
                           {"compute_capability": "99.9"}, {"memory_total_mib": -5}])

    data = json.loads(json.dumps(original))
    for _ in range(rng.randint(1, 3)):
        parent, key = _random_node(rng, data)
        if parent is None:
            break
        action = rng.random()
        if action < 0.65:
            parent[key] = hostile_value()
        elif action < 0.8 and isinstance(parent, dict):
            del parent[key]
        elif isinstance(parent, dict):
            parent[rng.choice(["unknown_field", "x" * 100, ""])] = hostile_value()
        else:
            parent.append(hostile_value())
    fault = rng.random()
    if fault < 0.05:
        data = rng.choice([[data], "snapshot", None, 1, True])
    elif fault < 0.1:
        data = {"snapshot": rng.choice([data, [data], "x", None]), "findings": []}
    text = json.dumps(data)
    for index, chunk in enumerate(raw):
        text = text.replace(json.dumps(_RAW % index), chunk)
    blob = text.encode("utf-8", "surrogatepass")
    fault = rng.random()
    if fault < 0.04:
        blob = blob[:rng.randint(0, len(blob))]
    elif fault < 0.07:
        blob = codecs.BOM_UTF16_LE + text.encode("utf-16-le", "surrogatepass")
    elif fault < 0.09:
        blob = codecs.BOM_UTF8 + blob
    elif fault < 0.11:
        blob = blob.replace(b'"', b"\xff", 1)
    return blob


def _random_node(rng: random.Random, data: Any) -> Tuple[Optional[Any], Any]:
    """A random (container, key) inside ``data``, found by a short random walk."""
    parent: Optional[Any] = None
    key: Any = None
    node = data
    for _ in range(rng.randint(1, 5)):
        if isinstance(node, dict) and node:
            parent, key = node, rng.choice(list(node))
        elif isinstance(node, list) and node:
            parent, key = node, rng.randrange(len(node))
        else:
            break
        node = parent[key]
    return parent, key


def mutated_paste(rng: random.Random, texts: Sequence[str], planted: Sequence[str] = ()) -> bytes:
    """A pasted report: one or two real-looking samples, cut, shuffled, quoted, littered with
    control characters and odd Unicode, re-encoded; ``planted`` secrets inserted as lines."""
    lines: List[str] = []
    for _ in range(rng.randint(1, 2)):
        lines.extend(rng.choice(texts).splitlines())
    operations: List[Callable[[List[str]], List[str]]] = [
        lambda ls: ls[rng.randrange(len(ls) + 1):] if ls else ls,
        lambda ls: ls[:rng.randrange(len(ls) + 1)] if ls else ls,
        lambda ls: rng.sample(ls, len(ls)),
        lambda ls: ["> " + line for line in ls],
        lambda ls: [line + "\r" for line in ls],
        lambda ls: ls * rng.randint(2, 20),
        lambda ls: [_garble(rng, line) if rng.random() < 0.1 else line for line in ls],
        lambda ls: ls + ["x" * rng.choice([10_000, 200_000])],
        lambda ls: ls + [rng.choice(["\u202e", "\x1b[31m", "\ufeff", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\x0c", "\t" * 50])],
        lambda ls: [re.sub(r"\d+", lambda m: m.group(0) * rng.choice([1, 3, 800]), line) for line in ls],
    ]
    for _ in range(rng.randint(0, 3)):
        lines = rng.choice(operations)(lines)
    for secret in planted:
        lines.insert(rng.randint(0, len(lines)), secret)
    text = "\n".join(lines)
    encoding = rng.random()
    if encoding < 0.08:
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le", "surrogatepass")
    if encoding < 0.12:
        return text.encode("latin-1", "replace")
    if encoding < 0.14:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 4096)))
    return text.encode("utf-8", "surrogatepass")


def _garble(rng: random.Random, line: str) -> str:
    chars = list(line)
    for _ in range(rng.randint(1, 5)):
        if not chars:
            break
        chars[rng.randrange(len(chars))] = chr(rng.choice([0x0, 0x7, 0xA0, 0x2028, 0xFFFD, rng.randrange(32, 0x3000)]))
    return "".join(chars)
