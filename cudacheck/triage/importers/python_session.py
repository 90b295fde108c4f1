"""Python sessions and tracebacks: REPL prompts (``>>>``, IPython ``In [1]:``,
``python -c "…"``) with their answers, the interpreter banner, and the file paths in
tracebacks (which torch, which Python, which OS, a user-site copy)."""
from __future__ import annotations

import re
from typing import List, Tuple

from ..document import Document
from ..facts import PROSE, REPORTED, Facts, GpuClaim, TorchClaim, TorchLocation
from ...observations import Obs
from ...lazy_regex import lazy_compile

_PROMPT = lazy_compile(r"^\s*(?:>>>|In \[\d*\]:)\s?(?P<code>.*)$")
_COMMAND = lazy_compile(r"\bpython[\d.]*(?:\.exe)?\s+-c\s+(?P<code>.+)$", re.IGNORECASE)
_OUT = lazy_compile(r"^\s*Out\[\d*\]:\s*(?P<value>.*)$")
_EXPR = lazy_compile(
    r"torch\.(?:(?P<version>__version__)|(?P<cuda>version\.cuda)|(?P<hip>version\.hip)|"
    r"(?P<available>cuda\.is_available\(\s*\))|(?P<count>cuda\.device_count\(\s*\))|"
    r"(?P<cudnn>backends\.cudnn\.version\(\s*\))|(?P<archs>cuda\.get_arch_list\(\s*\))|"
    r"(?P<name>cuda\.get_device_name\(\s*(?P<name_index>\d*)\s*\))|"
    r"(?P<capability>cuda\.get_device_capability\(\s*(?P<cap_index>\d*)\s*\))|(?P<file>__file__))")
_VERSION = lazy_compile(r"\b(\d+\.\d+(?:\.\d+)?(?:(?:a|b|rc|\.dev|\.post)\d*)*(?:\+[\w.]+)?)")
_BOOL = lazy_compile(r"\b(True|False)\b")
_BANNER = lazy_compile(r"^\s*Python (?P<version>\d\.\d{1,2}\.\d{1,2})\b(?P<rest>.*)$")
_TORCH_PATH = lazy_compile(
    r"(?P<root>(?:[A-Za-z]:[/\\]|[/~])[^\s\"'(<>,=:]*?[/\\](?:site|dist)-packages)[/\\](?P<package>torch)[/\\]")
_TORCH_FRAME = lazy_compile(r"^\s*File \"(?P<path>(?:[^\"]*[/\\])?torch[/\\]__init__\.py)\", line \d+")
_USER_BIN = lazy_compile(r"(?:~|/home/[^/\s]+|/root|/n/home\d*/[^/\s]+|[A-Za-z]:\\Users\\[^\\]+)[/\\]\.local[/\\]bin[/\\]"
                       r"(?:torchrun|torch-run)\b|AppData\\Roaming\\Python\\Python\d+\\Scripts\\torchrun")
_ENV_PROMPT = lazy_compile(r"^\s*\((?P<env>[\w.-]+)\)\s+(?:PS\s+[A-Za-z]:\\|[A-Za-z]:\\|[\w.-]+@[\w.-]+|~|\$|#|\S+[$#>])")
_PY_IN_PATH = lazy_compile(r"[/\\]python(?P<v>\d\.\d{1,2})[/\\]", re.IGNORECASE)
_WINDOWS_PATH = lazy_compile(r"(?:^|[\s\"'(=])[A-Za-z]:\\(?:[^\\\s]+\\)*")
_CONTAINER_PROMPT = lazy_compile(r"^\s*(?:\([\w.-]+\)\s*)?[a-z_][\w.-]*@[0-9a-f]{12}:[^#$\n]*[#$]")
"""A shell prompt whose host name is Docker's default, the container's 12-hex-digit id (any user)."""


_SAID_AS = (r"\)?[`'\"]?\s*(?:(?:#|->|=>|:|==?|is|was|returns?|returned|gives|prints?|printed|shows?|says?|outputs?|"
            r"输出|显示|返回|打印|结果是|是|为|が|は|出力(?:は|が|される)?|вывод\w*|возвращает|показывает)\s*)+[`'\"]?")
"""What joins an expression to the value a sentence gives it: "torch.version.cuda is 12.1", "print(torch.__version__)
# 2.1.0", "torch.version.cuda returns None", "输出 1.13.1", "возвращает 1.13.1"."""
_CUDA_SAID = lazy_compile(r"torch\.version\.cuda" + _SAID_AS + r"(?P<cuda>\d+\.\d+)")
_VERSION_SAID = lazy_compile(r"torch\.__version__" + _SAID_AS + r"(?P<version>\d+\.\d+\.\d+(?:\+[\w.]+)?)")
_LISTED_SAID = lazy_compile(r"\b(?:but|while|whereas|yet|although|however)\b[^\n]{0,40}?\b(?:pip3?\s+(?:list|show|freeze)|"
                          r"conda\s+list|uv\s+pip\s+list)\b[`'\"]?\s*(?:shows?|says?|lists?|gives?|reports?|has|:)?\s*"
                          r"(?:torch|pytorch)\s*(?:==|=|\s)\s*(?P<version>\d+\.\d+\.\d+(?:\+[\w.]+)?)", re.IGNORECASE)
"""A sentence going on from the imported version to another one the package manager lists ("but `pip list` shows
torch 2.1.0"): a second install."""
_LISTED_BEFORE = lazy_compile(r"\b(?:pip3?\s+(?:list|show|freeze)|conda\s+list|uv\s+pip\s+list)\b[`'\"]?\s*(?:shows?|says?|"
                            r"lists?|gives?|reports?|has|:)\s*(?:(?:torch|pytorch)\s*(?:==|=|\s)\s*)?(?P<version>\d+\.\d+\.\d+"
                            r"(?:\+[\w.]+)?)\b[^\n]{0,20}?\b(?:but|while|whereas|yet|although|however)\b", re.IGNORECASE)
"""The package manager's version told first, in the sentence that goes on to the imported one ("pip list shows
2.1.0 but torch.__version__ prints 1.13.1")."""
_CUDA_NONE_SAID = lazy_compile(r"torch\.version\.cuda" + _SAID_AS + r"None\b")
_AVAILABLE_SAID = lazy_compile(
    r"is_available(?:\(\))?[)`'\"]{0,4}" + _SAID_AS + r"(?P<value>True|False)\b|"
    # the answer said before the call: "got True when I run torch.cuda.is_available()"
    r"\b(?:got|get|gets|returns?|returned|prints?|printed|gives|gave)\s+[`'\"]?(?P<before>True|False)[`'\"]?\s+"
    r"(?:when|if|from|for|with)\b[^\n]{0,80}?is_available")
"""A sentence giving torch.cuda.is_available()'s answer: "is_available() returns True", "返回`True`"."""


_CHECK_ANSWERED = lazy_compile(
    # a Chinese sentence giving the answer of a check of torch's GPU without naming the call: "我在源码中加上输出torch
    # 获取显卡信息，结果是False", "检测cuda返回false"
    r"(?:torch|cuda|显卡|gpu)[^\n]{0,40}?(?:结果|返回|输出|显示|打印|得到)的?(?:是|为|了)?\s*[`'\"]?(?P<value>True|False)\b",
    re.IGNORECASE)
_CHECK_ANCHORS = ("结果", "返回", "输出", "显示", "打印", "得到")
_DEVICE_LINE = lazy_compile(
    r"^\W*(?:[\d/:., -]*\s*info\W+)?(?:using\s+device|device|accelerator\s+device)\s*[:=]\s*['\"]?cuda(?::\d+)?['\"]?\s*"
    r"(?:[\w.-]+\.py:\d+)?\s*$", re.IGNORECASE)
"""A program's start-up line naming the device it got ("Using device: cuda", "accelerator device: cuda:0"): torch
saw the GPU, whatever a library's probe warned before."""


def _available_said(document: Document, facts: Facts) -> None:
    """is_available()'s answers as sentences give them, where no session in the paste shows one."""
    for index in document.lines_with("is_available"):
        line = document.line(index)
        said = _AVAILABLE_SAID.search(line)
        if said and not _PROMPT.match(line):
            value = (said.group("value") or said.group("before")).lower()
            facts.observe(Obs.CUDA_AVAILABLE, line, document.number(index), value=value, source="text")
    if facts.observed(Obs.CUDA_AVAILABLE):
        return
    for index in document.lines_with("device"):
        if "cuda" in document.lower[index] and _DEVICE_LINE.match(document.line(index)):  # the program got the GPU
            facts.observe(Obs.CUDA_AVAILABLE, document.line(index), document.number(index), value="true",
                          source="device line")
            return
    for index in document.lines_with_any(_CHECK_ANCHORS):
        answered = _CHECK_ANSWERED.search(document.line(index))
        if answered:
            facts.observe(Obs.CUDA_AVAILABLE, document.line(index), document.number(index),
                          value=answered.group("value").lower(), source="text")
            return


def parse(document: Document, facts: Facts) -> None:
    """REPL answers, the Python banner, traceback paths, Windows paths, container prompts."""
    _repl(document, facts)
    for index in document.lines_with("torch.version.cuda"):
        said = _CUDA_SAID.search(document.line(index))
        if said and not _PROMPT.match(document.line(index)):
            facts.add_torch(TorchClaim(kind="imported", source="text", cuda=said.group("cuda"),
                                       line=document.number(index)))
    if not facts.observed(Obs.TORCH_VERSION_IMPORTED):
        for index in document.lines_with("torch.__version__"):
            said = _VERSION_SAID.search(document.line(index))
            if said and not _PROMPT.match(document.line(index)):
                version = said.group("version")
                facts.add_torch(TorchClaim(kind="imported", source="text", version=version,
                                           line=document.number(index)))
                facts.observe(Obs.TORCH_VERSION_IMPORTED, document.line(index), document.number(index),
                              version=version, source="text")
                listed = _LISTED_SAID.search(document.line(index), said.end()) or \
                    _LISTED_BEFORE.search(document.line(index), 0, said.start())
                if listed:
                    facts.add_torch(TorchClaim(kind="installed", source="text", version=listed.group("version"),
                                               line=document.number(index)))
                break
    if not facts.observed(Obs.TORCH_CUDA_NONE):
        for index in document.lines_with("torch.version.cuda"):
            if _CUDA_NONE_SAID.search(document.line(index)):
                facts.add_torch(TorchClaim(kind="imported", source="text", cuda="none", line=document.number(index)))
                facts.observe(Obs.TORCH_CUDA_NONE, document.line(index), document.number(index))
                break
    if not facts.observed(Obs.CUDA_AVAILABLE):
        _available_said(document, facts)
    _banner(document, facts)
    _paths(document, facts)
    for index in document.lines_with(":\\"):
        if _WINDOWS_PATH.search(document.line(index)):
            facts.set(lambda s: s.platform.system, "Windows", PROSE)
            break
    for index in document.lines_with("@"):
        if _CONTAINER_PROMPT.match(document.line(index)):
            facts.observe(Obs.CONTAINER_PROMPT, document.line(index), document.number(index))
            facts.set(lambda s: s.container.in_container, True, PROSE)
            break


_LATER = lazy_compile(
    # a sentence between two REPL sessions saying the second came later ("after install requirements.txt",
    # "now it says", "安装依赖之后", "その後", "после обновления"): the earlier answers are history, not a second torch
    r"^(?!\s*(?:>>>|In \[))[^\n]{0,80}?(?:\bafter\b|\bafterwards\b|\bnow\b|\bthen\b|\bbefore\b|\bpreviously\b|"
    r"之后|以后|后来|之前|以前|現在|その後|後に|以前は|\bпосле\b|\bтеперь\b|\bдо\b|\bdespu[eé]s\b|\bahora\b|"
    r"\bantes\b|\bdepois\b|\bagora\b|\bdanach\b|\bjetzt\b|\bvorher\b)", re.IGNORECASE)


def _repl(document: Document, facts: Facts) -> None:
    answers: List[Tuple["re.Match[str]", str, str, int]] = []  # (expression, value, shown, line index)
    for index in document.lines_with_any(("torch.", )):
        text = document.line(index)
        match = _PROMPT.match(text) or _COMMAND.search(text)
        if not match:
            continue
        expressions = [m for m in _EXPR.finditer(match.group("code"))]
        if not expressions:
            continue
        outputs = _outputs(document, index, len(expressions))
        if not outputs:
            continue
        if len(outputs) < len(expressions) and len(outputs) == 1:
            tokens = outputs[0][1].split()
            if len(tokens) >= len(expressions):
                outputs = [(outputs[0][0], token) for token in tokens]
        for expression, (line_index, value) in zip(expressions, outputs):
            answers.append((expression, value.strip().strip("'\""), f"{expression.group(0)} → {value.strip()}",
                            line_index))
        facts.seen("python_session")
    start = _current_session(document, answers)
    for expression, value, shown, line_index in answers:
        if line_index >= start:
            _answer(facts, expression, value, shown, document.number(line_index))


def _current_session(document: Document, answers: List[Tuple["re.Match[str]", str, str, int]]) -> int:
    """The first line of the REPL answers that describe the torch as it is now: where two sessions print different
    torch versions and a sentence between them says the second came later ("before … / after install
    requirements.txt …"), the first is what the torch was before it was replaced; 0 otherwise."""
    versions: List[Tuple[int, str]] = []
    for expression, value, _, line in answers:
        match = _VERSION.search(value) if expression.group("version") else None
        if match:
            versions.append((line, match.group(1)))
    for (before, old), (after, new) in zip(versions, versions[1:]):
        if old == new:
            continue
        between = [i for i in range(before + 1, after) if _LATER.search(document.line(i))]
        if between:
            return between[-1]
    return 0


def _outputs(document: Document, index: int, wanted: int) -> List[Tuple[int, str]]:
    """Output lines after a prompt: up to ``wanted`` non-prompt lines, stopping at the next prompt."""
    found: List[Tuple[int, str]] = []
    for follow in range(index + 1, min(index + 1 + wanted + 3, len(document))):
        text = document.line(follow)
        if _PROMPT.match(text):
            if text.strip() in (">>>", "") or not found:
                break
            break
        if not text.strip():
            if found:
                break
            continue
        out = _OUT.match(text)
        if text.lstrip().startswith(("Traceback", "File ", "  File")):
            break
        found.append((follow, out.group("value") if out else text))
        if len(found) >= wanted:
            break
    return found


def _answer(facts: Facts, expression: "re.Match[str]", value: str, text: str, line: int) -> None:
    if expression.group("version"):
        match = _VERSION.search(value)
        if match:
            facts.add_torch(TorchClaim(kind="imported", source="python session", version=match.group(1), line=line))
            facts.observe(Obs.TORCH_VERSION_IMPORTED, text, line, version=match.group(1))
    elif expression.group("cuda"):
        if value.strip() == "None":
            facts.add_torch(TorchClaim(kind="imported", source="python session", cuda="none", line=line))
            facts.observe(Obs.TORCH_CUDA_NONE, text, line)
        else:
            match = re.match(r"(\d+\.\d+)", value)
            if match:
                facts.add_torch(TorchClaim(kind="imported", source="python session", cuda=match.group(1), line=line))
    elif expression.group("hip"):
        match = re.match(r"(\d+\.\d+[\w.-]*)", value)
        if match:
            facts.add_torch(TorchClaim(kind="imported", source="python session", hip=match.group(1), line=line))
    elif expression.group("available"):
        match = _BOOL.search(value)
        if match:
            facts.observe(Obs.CUDA_AVAILABLE, text, line, value=match.group(1).lower(), source="python session")
    elif expression.group("count"):
        match = re.search(r"\b(\d+)\b", value)
        if match:
            facts.observe(Obs.CUDA_DEVICE_COUNT, text, line, count=match.group(1))
    elif expression.group("archs"):
        archs = re.findall(r"(?:sm|compute)_\d{2,3}[a-z]?", value)
        if archs and facts.set(lambda s: s.torch.arch_list, archs, REPORTED):
            facts.set(lambda s: s.torch.arch_list_source, "pasted", REPORTED)
    elif expression.group("name"):
        if value and value[0].isalpha():
            number = expression.group("name_index")
            facts.add_gpu(GpuClaim(name=value, index=int(number) if number else 0, priority=REPORTED))
    elif expression.group("capability"):
        match = re.search(r"\(\s*(\d+)\s*,\s*(\d+)\s*\)", value)
        if match:
            number = expression.group("cap_index")
            facts.add_gpu(GpuClaim(index=int(number) if number else 0,
                                   compute_capability=f"{match.group(1)}.{match.group(2)}", priority=REPORTED))
    elif expression.group("file"):
        match = _TORCH_PATH.search(value.replace("'", "/"))
        if match:
            record_torch_location(facts, match.group("root"), line)


def _banner(document: Document, facts: Facts) -> None:
    for index in document.lines_with("python "):
        match = _BANNER.match(document.line(index))
        if not match:
            continue
        facts.set(lambda s: s.platform.python_version, match.group("version"), REPORTED)
        around = (match.group("rest") + " " + document.line(index + 1)).lower()
        if " on win32" in around or "msc v." in around:
            facts.set(lambda s: s.platform.system, "Windows", REPORTED)
        elif " on linux" in around:
            facts.set(lambda s: s.platform.system, "Linux", REPORTED)
        elif " on darwin" in around:
            facts.set(lambda s: s.platform.system, "Darwin", REPORTED)
        facts.seen("python_session")


def _paths(document: Document, facts: Facts) -> None:
    for index in document.lines_with("__init__.py"):
        frame = _TORCH_FRAME.match(document.line(index))
        if frame and not re.search(r"(?:site|dist)-packages", frame.group("path")) and _raises_after(document, index) \
                and not _loads_own_library(document, index):
            folder = re.sub(r"[/\\]__init__\.py$", "", frame.group("path"))
            facts.set(lambda s: s.torch.shadowed_by, folder, REPORTED)  # imported from a source folder, not an installed torch
            facts.set(lambda s: s.torch.installed, True, PROSE)
            facts.seen("traceback")
    for index in document.lines_with_any(("torchrun", "torch-run")):
        if _USER_BIN.search(document.line(index)):
            facts.observe(Obs.TORCH_USER_SITE, document.line(index), document.number(index), location="user site")
            break
    for index in document.lines_with("("):
        match = _ENV_PROMPT.match(document.line(index))
        if match and match.group("env") not in ("base",):
            facts.observe(Obs.ENV_PROMPT, document.line(index), document.number(index), env=match.group("env"))
            break
    for index in document.lines_with_any(("site-packages", "dist-packages")):
        text = document.line(index)
        match = _TORCH_PATH.search(text)
        if match:
            record_torch_location(facts, match.group("root"), document.number(index))
        python = _PY_IN_PATH.search(text)
        if python:
            facts.set(lambda s: s.platform.python_version, python.group("v"), PROSE)
        facts.seen("traceback")


def _raises_after(document: Document, index: int) -> bool:
    """Whether a traceback frame is followed, within a few lines, by the exception it ended in."""
    for follow in range(index + 1, min(index + 6, len(document))):
        if re.match(r"^\s*(?:[A-Z]\w*(?:Error|Exception)|NameError|ImportError|AttributeError)\b", document.line(follow)):
            return True
    return False


def _loads_own_library(document: Document, index: int) -> bool:
    """Whether the error after a torch frame is torch failing to load its own compiled libraries ("Error loading
    …\\torch\\lib\\cudnn_cnn64_9.dll", WinError 126/127): a built torch bundled by an application, not a source
    folder shadowing the package (that one fails on ``torch._C``)."""
    for follow in range(index + 1, min(index + 6, len(document))):
        if re.search(r"\bOSError\b|WinError \d+|Error loading", document.line(follow)):
            return True
    return False


def record_torch_location(facts: Facts, root: str, line: int) -> None:
    """A site-packages folder that holds torch (a user site is also an observation)."""
    user_site = "/.local/lib/" in root or "\\appdata\\roaming\\python" in root.lower()
    facts.torch_locations.append(TorchLocation(root=root, line=line, user_site=user_site))
    if user_site:
        facts.observe(Obs.TORCH_USER_SITE, root, line, location=root)
    if re.match(r"^[A-Za-z]:\\", root):
        facts.set(lambda s: s.platform.system, "Windows", PROSE)
    elif root.startswith("/"):
        facts.set(lambda s: s.platform.system, "Darwin" if root.startswith("/Users/") or "/Library/" in root else "Linux",
                  PROSE)
