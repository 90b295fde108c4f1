"""torch build probe: what torch is installed and how it was built, WITHOUT importing it.

Reads ``torch/version.py`` and the ``torch-*.dist-info`` metadata of every torch on
``sys.path``. Importing torch costs seconds and hundreds of MiB, and a broken CUDA
setup can make it crash; the deep level imports it in a child process instead.
"""
from __future__ import annotations

import os
import sys
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

from ..snapshot import TorchFacts, TorchInstall
from .paths import folders, shorten
from ..lazy_regex import lazy_compile

_ASSIGN = lazy_compile(r"^(__version__|cuda|hip|xpu|debug|git_version)\s*(?::[^=]*)?=\s*(.+?)\s*$")
_REQUIRES = lazy_compile(r"^Requires-Dist:\s*([A-Za-z0-9_.-]+)\s*(?:\[[^\]]*\])?\s*(.*?)\s*(?:;.*)?$")


def parse_version_py(text: str) -> Dict[str, object]:
    """The literal assignments of ``torch/version.py`` (strings, None, booleans)."""
    values: Dict[str, object] = {}
    for line in text.splitlines():
        match = _ASSIGN.match(line)
        if not match:
            continue
        raw = match.group(2)
        if raw in ("None", "True", "False"):
            values[match.group(1)] = {"None": None, "True": True, "False": False}[raw]
        elif len(raw) >= 2 and raw[0] in "'\"" and raw[-1] == raw[0]:
            values[match.group(1)] = raw[1:-1]
    return values


def text_value(values: Dict[str, object], name: str) -> Optional[str]:
    """A string assignment of ``torch/version.py`` (None when absent, None or not a string)."""
    value = values.get(name)
    return value if isinstance(value, str) else None


class DistMetadata(NamedTuple):
    """The header fields of a dist-info METADATA file that cudacheck reads."""

    version: Optional[str]
    requires_python: Optional[str]
    requirements: Dict[str, str]  # every Requires-Dist outside an extra: lower-case name -> specifier


def read_metadata(text: str) -> DistMetadata:
    """Version, Requires-Python and the requirements (extras' own requirements left out; a
    requirement's extras such as ``cuda-toolkit[cudart]`` dropped) of a METADATA file."""
    version = requires_python = None
    requirements: Dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            break  # end of headers
        if line.startswith("Version:"):
            version = line.split(":", 1)[1].strip()
        elif line.startswith("Requires-Python:"):
            requires_python = line.split(":", 1)[1].strip()
        match = _REQUIRES.match(line)
        if match and "extra ==" not in line:
            requirements[match.group(1).lower()] = match.group(2).strip("() ")
    return DistMetadata(version, requires_python, requirements)


def parse_metadata(text: str) -> Tuple[Optional[str], Dict[str, str]]:
    """(Version, {nvidia-* requirement: specifier}) from a dist-info METADATA file."""
    metadata = read_metadata(text)
    return metadata.version, {name: spec for name, spec in metadata.requirements.items()
                              if name.startswith("nvidia-")}


def _read(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def _origin(entry: str, user_site: Optional[str] = None) -> str:
    user_site = user_site or getattr(__import__("site"), "USER_SITE", None) or ""
    if user_site and os.path.abspath(entry) == os.path.abspath(user_site):
        return "user-site"
    return "site-packages" if entry.rstrip("/").endswith(("site-packages", "dist-packages")) else "path"


def torch_facts(search_path: Optional[Sequence[str]] = None, *, user_site: Optional[str] = None) -> TorchFacts:
    """Find every torch on the search path (default ``sys.path``) and describe the one that
    would import; ``user_site`` is that environment's user site (default this Python's)."""
    entries = list(sys.path if search_path is None else search_path)
    installs: List[TorchInstall] = []
    dist_pins: Dict[str, Dict[str, str]] = {}
    importable_dir: Optional[str] = None
    seen = set()
    for directory in folders(entries):
        if directory in seen or not os.path.isdir(directory):
            continue
        seen.add(directory)
        package = os.path.join(directory, "torch", "__init__.py")
        if importable_dir is None and os.path.isfile(package):
            importable_dir = directory
        try:
            names = os.listdir(directory)
        except OSError:
            continue
        for name in names:
            if name.startswith("torch-") and name.endswith(".dist-info"):
                text = _read(os.path.join(directory, name, "METADATA")) or ""
                version, pins = parse_metadata(text)
                installs.append(TorchInstall(version=version, location=shorten(directory),
                                             origin=_origin(directory, user_site)))
                dist_pins[directory] = pins
    facts = TorchFacts(installed=bool(installs) or importable_dir is not None, installs=installs)
    if importable_dir is None:
        return facts
    facts.location = shorten(os.path.join(importable_dir, "torch"))
    if importable_dir not in dist_pins:
        facts.shadowed_by = facts.location  # a torch/ folder without an installed distribution
    facts.nvidia_requirements = dist_pins.get(importable_dir, {})
    values = parse_version_py(_read(os.path.join(importable_dir, "torch", "version.py")) or "")
    facts.version = text_value(values, "__version__")
    facts.cuda = text_value(values, "cuda")
    facts.hip = text_value(values, "hip")
    xpu = values.get("xpu")
    facts.xpu = bool(xpu) if "xpu" in values else None
    debug = values.get("debug")
    facts.debug = debug if isinstance(debug, bool) else None
    facts.git_version = text_value(values, "git_version")
    return facts
