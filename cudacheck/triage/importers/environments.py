"""Which Python environment runs the code: an environment created or activated in the paste
(``python -m venv``, ``source venv/bin/activate``, ``conda activate``, ``uv venv``), and the
report's own words that one environment works where another does not ("True outside the venv
but False inside it", "works in the base env, not in my conda env"), and a launcher script
(torchrun, ``accelerate launch``) that fails where ``python -m`` of the same module works: the
script's shebang names another Python, with its own torch and packages. Where pip says torch is
("Requirement already satisfied: torch in …", ``pip show``'s "Location:") is recorded like a
traceback's torch path.

CUDA available in one interpreter and unavailable in another means two torch installs: the
environment created or activated in between has its own (often generic or CPU-only) torch
that shadows the working one, also with ``--system-site-packages``. The rules compare the
lines of the answers with the line of the switch.
"""
from __future__ import annotations

import re
from typing import Dict, Tuple

from ...observations import Obs
from ..document import Document
from ..facts import Facts
from .python_session import record_torch_location
from ...lazy_regex import lazy_compile

_SWITCH = lazy_compile(
    r"\bpython[\d.]*(?:\.exe)?\s+-m\s+(?:venv|virtualenv)\b|\bvirtualenv\s+\S|\buv\s+venv\b|"
    r"(?:^|[\s;&$>])(?:source|\.)\s+\S*?(?:/|\\)?bin/activate\b|\\Scripts\\activate(?:\.bat|\.ps1)?\b|"
    r"\b(?:conda|mamba|micromamba)\s+activate\s+[\w./~-]+|\bpoetry\s+shell\b|\bpipenv\s+shell\b",
    re.IGNORECASE)
_SWITCH_ANCHORS = ("venv", "virtualenv", "activate", "poetry shell", "pipenv shell")
_ENV_WORD = r"(?:venv|virtual\s*env(?:ironment)?|virtualenv|conda\s+env(?:ironment)?|environment|env)"
_WORKS = r"(?:works?|working|worked|True|is\s+available|detects?\s+(?:the\s+)?gpu|sees?\s+(?:the\s+)?gpu)"
_FAILS = (r"(?:False|fails?|failed|doesn'?t\s+work|does\s+not\s+work|not\s+work\w*|not\s+available|"
          r"(?:doesn'?t|does\s+not|can'?t|cannot)\s+(?:see|detect|find)\s+(?:the\s+)?gpu)")
_OUTSIDE = (r"(?:outside\s+(?:of\s+)?(?:the\s+|my\s+|a\s+)?" + _ENV_WORD + r"|(?:in|with|from)\s+(?:the\s+)?(?:base|system|"
            r"global)\s+(?:python|env\w*|interpreter|install\w*)|(?:in|with|from)\s+(?:the\s+)?system\s+python)")
_INSIDE = (r"(?:inside\s+(?:of\s+)?(?:the\s+|my\s+|a\s+|that\s+)?" + _ENV_WORD + r"|(?:in|with|from)\s+(?:the\s+|my\s+|a\s+|"
           r"that\s+|this\s+)(?:new\s+|own\s+|activated\s+)?(?:[\w.-]+\s+)?" + _ENV_WORD + r"\b)")
_CONTRAST = lazy_compile(
    # "True outside the venv but False inside it", "works in the base env, not in my conda env"
    r"\b" + _WORKS + r"\b[^\n]{0,60}?" + _OUTSIDE + r"\b[^\n]{0,60}?(?:\bbut\b|\bwhile\b|\bwhereas\b|\bnot\b|,)[^\n]{0,60}?"
    r"(?:" + _FAILS + r"[^\n]{0,40}?" + _INSIDE + r"|" + _INSIDE + r"|\binside\b)|"
    r"\b" + _FAILS + r"\b[^\n]{0,60}?" + _INSIDE + r"[^\n]{0,60}?(?:\bbut\b|\bwhile\b|\bwhereas\b|,)[^\n]{0,60}?"
    r"\b" + _WORKS + r"\b[^\n]{0,60}?" + _OUTSIDE,
    re.IGNORECASE)
_CONTRAST_ANCHORS = ("outside", "base", "system", "global")
_LAUNCHER = r"(?:torchrun|torch-run|accelerate\s+launch|deepspeed|lightning\s+run)"
_MODULE_RUN = r"python[\d.]*(?:\.exe)?\s+-m\s+(?:torch\.distributed\.(?:run|launch)|accelerate\.commands\.launch|deepspeed)\b"
_LAUNCHER_VS_MODULE = lazy_compile(
    # "changing from torchrun to python3 -m torch.distributed.launch, then it all works"
    r"\b" + _LAUNCHER + r"\b[^\n]{0,80}?" + _MODULE_RUN + r"[^\n]{0,80}?\b(?:works?|worked|fine|fixe[sd]|solve[sd]|"
    r"no\s+(?:error|problem|issue)s?)\b|"
    r"\b" + _MODULE_RUN + r"[^\n]{0,40}?\b(?:works?|worked|fine)\b[^\n]{0,60}?\b(?:but|while|whereas|not)\b[^\n]{0,40}?"
    r"\b" + _LAUNCHER + r"\b",
    re.IGNORECASE)


_WHICH = lazy_compile(r"^\s*(?:\([\w.-]+\)\s*)?(?:\S*[$#>%]\s*)?"
                    r"(?:which|where|where\.exe|command\s+-v|type\s+-p|Get-Command)\s+"
                    r"(?P<tool>python[\d.]*|pip[\d.]*)(?:\.exe)?\s*$", re.IGNORECASE)
_TOOL_PATH = lazy_compile(r"^\s*(?P<path>(?:[A-Za-z]:\\|/|~)[^\s:*?\"<>|]*?[/\\](?:bin|Scripts)?[/\\]?"
                        r"(?P<tool>python[\d.]*|pip[\d.]*)(?:\.exe)?)\s*$", re.IGNORECASE)
_WHICH_SAID = lazy_compile(r"\b(?:which|where)\s+(?P<tool>python[\d.]*|pip[\d.]*)(?:\.exe)?[`'\"]?\s*(?:->|=>|→|:|=|"
                         r"gives|returns|shows|says|prints|points\s+to|is)\s*[`'\"]?(?P<path>(?:[A-Za-z]:\\|/|~)"
                         r"[^\s:*?\"<>|;,`']*?[/\\](?:bin|Scripts)?[/\\]?(?:python[\d.]*|pip[\d.]*)(?:\.exe)?)(?![\w.])",
                         re.IGNORECASE)
"""A sentence giving `which python` / `which pip`'s answer: "which python -> /usr/bin/python3; which pip -> …"."""
_PIP_VERSION = lazy_compile(r"^\s*pip\s+\d+(?:\.\d+)*\s+from\s+(?P<path>\S+?)[/\\]lib(?:64)?[/\\]python\d\.\d+[/\\]"
                          r"(?:site|dist)-packages[/\\]pip\b", re.IGNORECASE)
_PIP_VERSION_WIN = lazy_compile(r"^\s*pip\s+\d+(?:\.\d+)*\s+from\s+(?P<path>[A-Za-z]:\\\S+?)\\Lib\\site-packages\\pip\b",
                              re.IGNORECASE)
_ENV_ROOT = lazy_compile(r"[/\\](?:envs|venvs?|\.venv|virtualenvs|\.virtualenvs|pyenv[/\\]versions|\.pyenv)[/\\]|"
                       r"[/\\](?:\.?venv|env)$|conda|mamba|anaconda|miniforge", re.IGNORECASE)


def _root(path: str) -> str:
    """The environment a python/pip executable belongs to: the folder above bin/ or Scripts/, or the folder
    holding python.exe on Windows."""
    parts = re.split(r"[/\\]+", path.rstrip("/\\"))[:-1]
    if parts and parts[-1].lower() in ("bin", "scripts"):
        parts = parts[:-1]
    return "/".join(parts).lower()


def _pip_and_python(document: Document, facts: Facts) -> None:
    """``which python`` and ``which pip`` (or ``pip -V``) naming different environments, one of them a
    virtual or conda environment: pip installs where python does not look."""
    roots: Dict[str, Tuple[str, str, int]] = {}
    for index in document.lines_with_any(("which", "where", "command -v", "type -p", "get-command")):
        for said in _WHICH_SAID.finditer(document.line(index)):
            roots.setdefault(said.group("tool").lower().rstrip("0123456789."),
                             (_root(said.group("path")), said.group(0), document.number(index)))
        asked = _WHICH.match(document.line(index))
        if not asked or index + 1 >= len(document):
            continue
        answer = _TOOL_PATH.match(document.line(index + 1))
        if answer and answer.group("tool").lower().rstrip("0123456789.") == \
                asked.group("tool").lower().rstrip("0123456789."):
            roots.setdefault(asked.group("tool").lower().rstrip("0123456789."),
                             (_root(answer.group("path")), document.line(index + 1), document.number(index + 1)))
    for index in document.lines_with(" from "):
        text = document.line(index)
        match = _PIP_VERSION.match(text) or _PIP_VERSION_WIN.match(text)
        if match:
            roots.setdefault("pip", (match.group("path").rstrip("/\\").replace("\\", "/").lower(), text,
                                     document.number(index)))
    if "pip" in roots and "python" in roots:
        (pip_root, pip_text, _), (python_root, python_text, line) = roots["pip"], roots["python"]
        if pip_root != python_root and (_ENV_ROOT.search(pip_root) or _ENV_ROOT.search(python_root)):
            facts.observe(Obs.PIP_PYTHON_DIFFER, f"{python_text.strip()} / {pip_text.strip()}", line,
                          pip=pip_root, python=python_root)


_PIP_HAS_TORCH = lazy_compile(r"Requirement already satisfied:\s+(?:py)?torch(?:\s*[=<>!~]=?\s*[\w.+]+)?\s+in\s+"
                            r"(?P<root>\S+?[/\\](?:site|dist)-packages)\b", re.IGNORECASE)
_PIP_SHOW_LOCATION = lazy_compile(r"^\s*Location:\s*(?P<root>\S+?[/\\](?:site|dist)-packages)\s*$", re.IGNORECASE)


def _pip_torch_locations(document: Document, facts: Facts) -> None:
    """Where pip says torch is: "Requirement already satisfied: torch in ~/.local/…/site-packages", and
    `pip show torch`'s "Location:" — the same facts as a traceback's torch path."""
    for index in document.lines_with("requirement already satisfied"):
        match = _PIP_HAS_TORCH.search(document.line(index))
        if match:
            record_torch_location(facts, match.group("root"), document.number(index))
            break
    for index in document.lines_with("location:"):
        match = _PIP_SHOW_LOCATION.match(document.line(index))
        shown = [document.lower[i].strip() for i in range(max(index - 12, 0), index)]
        if match and any(line in ("name: torch", "name: pytorch") for line in shown):
            record_torch_location(facts, match.group("root"), document.number(index))
            break


def parse(document: Document, facts: Facts) -> None:
    """Environment switches in the paste, statements that one environment works where another does not,
    launchers that run another Python, pip and python of different environments."""
    _pip_and_python(document, facts)
    _pip_torch_locations(document, facts)
    for index in document.lines_with_any(_SWITCH_ANCHORS):
        match = _SWITCH.search(document.line(index))
        if match:
            facts.observe(Obs.ENV_SWITCH, document.line(index), document.number(index), command=match.group(0).strip())
    for index in document.lines_with_any(("torchrun", "torch-run", "accelerate", "deepspeed", "lightning run")):
        text = " ".join(document.line(i) for i in range(index, min(index + 2, len(document))))
        if _LAUNCHER_VS_MODULE.search(text):
            facts.observe(Obs.LAUNCHER_OTHER_PYTHON, document.line(index), document.number(index))
            break
    for index in document.lines_with_any(_CONTRAST_ANCHORS):
        if _CONTRAST.search(document.line(index)):
            facts.observe(Obs.ENV_CONTRAST_STATED, document.line(index), document.number(index))
            break
