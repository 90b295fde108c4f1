"""What a report says about where CUDA libraries are loaded from.

Two kinds of statement point at a library-path conflict without any loader message:

- **shadowing**: CUDA libraries (or DLLs, or one library such as libcudnn) said to be used,
  loaded, found or copied from one place *instead of* the ones the framework bundles
  ("JAX uses the CUDA libraries on LD_LIBRARY_PATH instead of the pip ones", "the DLLs are
  copied from C:\\Program Files\\NVIDIA GPU Computing Toolkit\\CUDA\\v11.7 rather than
  torch\\lib", "TF will first use the libcudnn in CONDA_PREFIX/lib");
- **a search path that breaks it**: the error said to appear while a CUDA folder is on
  PATH / LD_LIBRARY_PATH / CUDA_PATH and to go away once it is removed or changed, in
  English or another language ("cudaのパスが通っている場合エラーが出て", "删除环境变量里的CUDA路径后正常").

A third kind says a system CUDA breaks it ("torch is unusable when cuda-12.4 is installed locally",
"after removing /usr/local/cuda-12.4 it works"). All three become :data:`Obs.LIBRARY_SHADOWING_STATED`, as does
`ldd` run on a library of torch's pip wheel that resolves a CUDA library outside the wheels (a toolkit folder).
The same holds for NCCL: a process that runs another
NCCL than the one the report builds with, installs or names (:data:`Obs.NCCL_VERSIONS_DIFFER`). A statement may be wrapped over a few
lines (a path on a line of its own), so each anchor line is read with its neighbours.
Every recogniser needs its literal keyword on the line (the document's index), so the
cost stays linear in the input.
"""
from __future__ import annotations

import re
from typing import Optional

from ...observations import Obs
from ..document import STATEMENT_CHARS, Document
from ..facts import Facts
from ...lazy_regex import lazy_compile

_LIBRARY = (r"(?:cuda\s+(?:runtime\s+|toolkit\s+)?(?:librar\w*|dlls?|\.so\b|binaries)|\b(?:lib)?(?:cudart|cudnn|"
            r"cublas\w*|cufft|curand|cusparse|cusolver|nvrtc|nccl|nvjitlink)[\w.]*|\bdlls?\b|\w\.dll\b|"
            r"shared\s+librar\w*)")
_INSTEAD = r"(?:instead\s+of|rather\s+than|in\s+place\s+of|ahead\s+of|(?:takes?|taking)\s+precedence\s+over|over(?:rid|shadow)\w*)"
_LOADS = r"\b(?:uses?|used|using|loads?|loaded|loading|found|finds?|picks?|picked|cop(?:y|ies|ied)|link\w*|resolv\w*|first)\b"
_INSTEAD_RE = lazy_compile(r"\b" + _INSTEAD + r"\b", re.IGNORECASE)
_LIBRARY_RE = lazy_compile(_LIBRARY, re.IGNORECASE)
_LOADS_RE = lazy_compile(_LOADS, re.IGNORECASE)
_BUNDLED_RE = lazy_compile(
    r"bundled|pip\b|pip-installed|wheels?\b|torch[\\/]lib|site-packages|packaged|shipped|its\s+own|their\s+own|"
    r"the\s+ones?\b|installed\s+(?:by|with|in)|conda|nvidia-|lib(?:cudart|cudnn|cublas|nccl)|[\\/]lib\b", re.IGNORECASE)
_SHADOWING_SAID = lazy_compile(
    # "the system cuDNN shadows the one in the wheel", "the toolkit's libcublas is loaded first"
    r"\b(?:system|toolkit'?s?|/usr/local/cuda[\w.-]*|LD_LIBRARY_PATH'?s?)\s+(?:\w+\s+){0,2}" + _LIBRARY +
    r"\s+(?:shadows?|shadowed|overrides?|wins?\s+over|(?:is|are|gets?|got|was|were)\s+(?:loaded|picked(?:\s+up)?|used)"
    r"\s+(?:first|instead))"
    r"|\b(?:picks?|picked|picking)\s+up\s+(?:the\s+)?(?:wrong|system'?s?|other|old(?:er)?)\s+(?:\w+\s+){0,2}" + _LIBRARY +
    r"|\b(?:loads?|loaded|loading|uses?|used|using)\s+(?:the\s+)?wrong\s+(?:version\s+of\s+)?(?:the\s+)?"
    r"(?:\w+\s+)?" + _LIBRARY +
    # the library set on the search path is not the one used: "it still loads the system cudnn", "仍然使用的默认cudnn"
    r"|\bstill\s+(?:uses?|used|using|loads?|loaded|loading|picks?\s+up|picked\s+up)\s+(?:the\s+)?(?:default|system'?s?|"
    r"old(?:er)?|global)\s+(?:\w+\s+){0,2}" + _LIBRARY + r"(?!\s+(?:settings?|options?|flags?|config\w*|algorithms?))" +
    r"|(?:仍然|依然|还是)\s*(?:使用|用|加载|调用)(?:的|了)?\s*(?:默认|系统|旧)(?:的)?\s*(?:版本的?\s*)?"
    r"(?:cudnn|cuda|nccl|cublas)", re.IGNORECASE)


_SAID_WORDS = ("shadow", "overrid", "wins over", "first", "instead", "wrong", "still", "仍然", "依然", "还是")
"""Every wording of :data:`_SHADOWING_SAID` holds one of these."""


def _shadowing(text: str, line: str) -> Optional["re.Match[str]"]:
    """Libraries said to be used from one place instead of the bundled ones (in ``text``, the line with its
    neighbours, or said on the ``line`` itself). Each "instead of" is checked with bounded searches before and after
    it (no nested unbounded repetition: linear in the line)."""
    for count, instead in enumerate(_INSTEAD_RE.finditer(text)):
        if count == 3:
            break
        before = text[max(instead.start() - 300, 0):instead.start()]
        if _LIBRARY_RE.search(before) and _LOADS_RE.search(before) and \
                _BUNDLED_RE.search(text, instead.end(), instead.end() + 160):
            return instead
    lowered = line.lower()
    if not any(word in lowered for word in _SAID_WORDS):
        return None
    return _SHADOWING_SAID.search(line)


_SHADOWING_ANCHORS = ("instead of", "rather than", "in place of", "ahead of", "precedence", "overrid", "overshadow",
                      "shadow", "wins over", "loaded first", "used first", "picked up first", "pick up", "picks up",
                      "picked up", "picking up", "wrong", "still", "仍然", "依然", "还是")
_SEARCH_PATH = r"(?:\$?(?:LD_LIBRARY_PATH|CUDA_PATH|PATH)\b|path\s+variable|environment\s+variables?|env\s+vars?)"
_PATH_BREAKS = lazy_compile(
    # the error appears while CUDA is on the search path ...
    r"\b(?:when|if|while|whenever|as\s+long\s+as)\s+(?:the\s+)?(?:system\s+)?cuda\s+(?:\w+\s+){0,2}(?:is|was|are|were)\s+"
    r"(?:in|on|added\s+to)\s+(?:the\s+|my\s+)?" + _SEARCH_PATH + r"[^\n]{0,60}?\b(?:error|fail\w*|crash\w*|break\w*)"
    # ... and goes away once CUDA is taken off it
    r"|\b(?:remov\w*|delet\w*|unset\w*|clear\w*|drop\w*|renam\w*|tak\w+\s+out)\s+(?:the\s+)?(?:system\s+)?(?:cuda|"
    r"[A-Z]:\\[^\n]{0,80}?cuda[^\n]{0,40}?)\s*(?:\w+\s+){0,3}(?:from|off|out\s+of)\s+(?:the\s+|my\s+)?"
    + _SEARCH_PATH + r"[^\n]{0,80}?\b(?:works?|worked|fix\w*|solv\w*|resolv\w*|helps?|helped|gone|disappear\w*)"
    r"|\b(?:remov\w*|delet\w*|unset\w*|renam\w*)\s+(?:the\s+)?CUDA_PATH\b[^\n]{0,60}?\b(?:works?|worked|fix\w*|solv\w*|"
    r"resolv\w*|helps?|helped|gone|disappear\w*)"
    # Japanese: "CUDA のパスが通っているとエラー", "CUDA のパスを外す/変更すると動く"
    r"|cuda\s*の?\s*(?:パス|path)\s*(?:が|を)?\s*(?:通っている|通して|通ってる)[^\n]{0,30}?(?:エラー|失敗|落ち|動かな)"
    r"|cuda\s*の?\s*(?:パス|path)\s*を\s*(?:変更|削除|外|消)[^\n]{0,30}?(?:使える|動く|動いた|動きま|直|解決|治)"
    # Chinese: "删除环境变量里的CUDA路径后正常", "环境变量里有CUDA就报错"
    r"|(?:删除|去掉|移除|删掉)[^\n]{0,20}?(?:环境变量|path|路径)[^\n]{0,20}?cuda[^\n]{0,30}?(?:正常|解决|好了|可以)"
    r"|(?:删除|去掉|移除|删掉)[^\n]{0,20}?cuda[^\n]{0,20}?(?:环境变量|path|路径)[^\n]{0,30}?(?:正常|解决|好了|可以)"
    r"|(?:环境变量|path)[^\n]{0,10}?(?:里|中)?有\s*cuda[^\n]{0,20}?(?:报错|出错|错误)",
    re.IGNORECASE)
def _path_breaks(text: str, line: str) -> Optional["re.Match[str]"]:
    return _PATH_BREAKS.search(line)


_SYSTEM_CUDA = r"(?:(?:the\s+)?(?:system|local|system-wide|old|older|other)\s+)?(?:cuda(?:\s+toolkit)?(?:\s+\d+(?:\.\d+)?)?|" \
               r"/usr/local/cuda[\w.-]*|/opt/cuda[\w.-]*|lib(?:cublas|cudart|cudnn|cusparse|nvjitlink)[\w.-]*|[A-Z]:\\[^\n]{0,60}?" \
               r"GPU Computing Toolkit[^\n]{0,20}?)"
_SYSTEM_CUDA_BREAKS = lazy_compile(
    # "after removing /usr/local/cuda-12.4 it works", "uninstalling the system CUDA 11.8 fixed it"
    r"\b(?:remov\w*|uninstall\w*|delet\w*|renam\w*|purg\w*)\s+(?:the\s+|my\s+)?" + _SYSTEM_CUDA +
    r"[^\n]{0,50}?\b(?:works?|worked|fix\w*|solv\w*|resolv\w*|helps?|helped|gone|disappear\w*)\b|"
    # "torch is unusable when cuda-12.4 is installed locally", "breaks if libcublas is already present"
    r"\b(?:unusable|breaks?|broken|fails?|crash\w*|errors?)\b[^\n]{0,40}?\b(?:when|if|once|while|because)\s+" +
    _SYSTEM_CUDA + r"\s+(?:is|are|was|were)\s+(?:already\s+)?(?:installed\s+(?:locally|system-?wide|on\s+the\s+system|"
    r"globally)|present|installed\s+too)", re.IGNORECASE)
_SYSTEM_CUDA_ANCHORS = ("remov", "uninstall", "delet", "renam", "purg", "installed locally", "system-wide",
                        "systemwide", "on the system", "globally", "already present", "is present", "are present",
                        "installed too")


def _system_cuda_breaks(text: str, line: str) -> Optional["re.Match[str]"]:
    return _SYSTEM_CUDA_BREAKS.search(line)


_SYSTEM32_DLL = lazy_compile(
    # a CUDA or cuDNN DLL in Windows' own folders, which the loader searches before PATH: "an old cudart64_110.dll in
    # C:\Windows\System32", "I copied the cudnn DLLs into System32"
    r"\b(?:cudart|cublas\w*|cudnn\w*|cufft|curand|cusparse|cusolver\w*|nvrtc\w*|nvjitlink|zlibwapi)[\w.-]*\.dll\b"
    r"[^\n]{0,80}?\b(?:system32|syswow64)\b|\b(?:system32|syswow64)\\+(?:cudart|cublas\w*|cudnn\w*|cufft|curand|cusparse|"
    r"cusolver\w*|nvrtc\w*|nvjitlink|zlibwapi)[\w.-]*\.dll\b|\b(?:cop(?:y|ied|ying)|put|moved?)\s+(?:the\s+|all\s+the\s+)?"
    r"(?:cuda|cudnn|cublas)\s+(?:\w+\s+)?dlls?\s+(?:in)?to\s+(?:c:\\+windows\\+)?(?:system32|syswow64)\b", re.IGNORECASE)


def _system32_dll(text: str, line: str) -> Optional["re.Match[str]"]:
    return _SYSTEM32_DLL.search(line)


_PATH_ANCHORS = ("path", "パス", "路径", "环境变量")
_MESSAGE = lazy_compile(r"^\s*(?:[\w.]*(?:Error|Exception|Warning)\b|WARNING\b|E\d{4}\b|W\d{4}\b)|\bmake sure\b|"
                      r"\bplease\b", re.IGNORECASE)
"""An error or a hint that a program prints, not the report's own statement."""


def parse(document: Document, facts: Facts) -> None:
    """The first statement that CUDA libraries come from the wrong place, or that a CUDA search path breaks it;
    two NCCL versions where one is the NCCL that runs."""
    nccl_versions(document, facts)
    nccl_banner(document, facts)
    if _ldd_outside_the_wheel(document, facts):
        return
    for anchors, search, kind, before, after in ((_SHADOWING_ANCHORS, _shadowing, "shadowing", 2, 1),
                                                 (_PATH_ANCHORS, _path_breaks, "search path", 0, 0),
                                                 (_SYSTEM_CUDA_ANCHORS, _system_cuda_breaks, "system CUDA", 0, 0),
                                                 (("system32", "syswow64"), _system32_dll, "System32", 0, 0)):
        for index in document.lines_with_any(anchors):
            # a DLL path in Windows' folder counts in a program's message too; every search-path and system-CUDA
            # wording names CUDA on its own line
            if kind != "System32" and (_MESSAGE.search(document.line(index)) or (kind != "shadowing" and not any(
                    word in document.lower[index] for word in ("cuda", "libcu", "toolkit")))):
                continue
            window = range(max(index - before, 0), min(index + after + 1, len(document)))
            text = " ".join(document.line(i).strip()[:STATEMENT_CHARS] for i in window)
            if search(text, document.line(index)[:STATEMENT_CHARS]):
                said = text if len(document.line(index).strip()) < 40 else document.line(index)  # a wrapped statement
                facts.observe(Obs.LIBRARY_SHADOWING_STATED, said[:400], document.number(index), kind=kind)
                return


# --- ldd of a pip wheel's library -----------------------------------------------------------------------------------
_LDD_RESOLVED = lazy_compile(
    r"^\s*(?P<lib>lib(?:cudart|cublasLt|cublas|cudnn\w*|cufft|curand|cusparse|cusolver|nvrtc|nvJitLink|nccl|cupti)"
    r"\.so[.\d]*)\s*=>\s*(?P<path>/\S+)")
"""`ldd`'s line for a CUDA library and the file the loader resolved it to (not the driver's libcuda)."""
_LDD_COMMAND = lazy_compile(r"\bldd\s+(?:-\w+\s+)*(?P<target>\S+)")
_PIP_WHEEL = ("site-packages/torch/", "site-packages/nvidia/", "dist-packages/nvidia/")
"""Where a pip-installed torch and its nvidia-* wheels keep their libraries, which find each other by RUNPATH."""


def _ldd_outside_the_wheel(document: Document, facts: Facts) -> bool:
    """`ldd` run on a library of torch's pip wheel (or an nvidia-* wheel) that resolves one of its CUDA libraries
    outside the wheels, in a toolkit or system folder: LD_LIBRARY_PATH (or ld.so.conf) wins over their RUNPATH."""
    for index in document.lines_with("ldd ", distinct=True):
        command = _LDD_COMMAND.search(document.line(index))
        if command is None or not any(part in command.group("target").replace("\\", "/") for part in _PIP_WHEEL):
            continue
        for row in range(index + 1, min(index + 80, len(document))):
            resolved = _LDD_RESOLVED.match(document.line(row))
            if resolved is None:
                continue
            path = resolved.group("path")
            if "site-packages/" in path or "dist-packages/" in path:
                continue  # the wheels' own copy
            facts.observe(Obs.LIBRARY_SHADOWING_STATED, f"{command.group(0)}: {document.line(row).strip()}",
                          document.number(row), kind="ldd")
            return True
    return False


# --- which NCCL runs, against which one was meant -------------------------------------------------------------------
_NCCL_VERSION = lazy_compile(
    r"\b(?:lib)?nccl(?:2|\.so\.)?[\s_=:-]*(?:version)?\s*(?:is|was|=|:)?\s*(?:still\s+)?[`'\"]?v?(?P<version>\d\.\d{1,2}"
    r"(?:\.\d{1,2})?)(?![\d.]*\.\d)|\bnvidia-nccl-cu\d+\s*(?:==|\s)\s*(?P<wheel>\d\.\d{1,2}\.\d{1,2})", re.IGNORECASE)
_NCCL_LOADED = lazy_compile(
    r"NCCL INFO[^\n]*NCCL version|NCCL error in:|nccl\.version\(\)|\b(?:outputs?|output\s+is|prints?|printed|shows?|"
    r"showed|reports?|reported|loads?|loaded|uses?|using|used|picks?|picked|runtime|actually|still)\b[^\n]{0,40}?nccl",
    re.IGNORECASE)
_NCCL_HISTORY = lazy_compile(r"\b(?:upgrad\w*|updat\w*|downgrad\w*|previous\w*|formerly|used\s+to|from\s+\S+\s+to)\b",
                           re.IGNORECASE)


def _release(version: str) -> tuple:
    return tuple(int(part) for part in version.split("."))


def _same_release(a: str, b: str) -> bool:
    left, right = _release(a), _release(b)
    size = min(len(left), len(right))
    return left[:size] == right[:size]


def _nccl_printed(text: str) -> Optional[str]:
    """`torch.cuda.nccl.version()` as printed: a tuple ``(2, 18, 1)`` (torch ≥ 1.11) or a number (``2708`` for
    2.7.8, ``21803`` for 2.18.3)."""
    triple = re.match(r"^\s*\(?(\d+),\s*(\d+),\s*(\d+)\)?\s*$", text)
    if triple:
        return ".".join(triple.groups())
    number = re.match(r"^\s*(\d{4,5})\s*$", text)
    if number is None:
        return None
    value = int(number.group(1))
    major, rest = (value // 10000, value % 10000) if value >= 10000 else (value // 1000, value % 1000)
    return f"{major}.{rest // 100}.{rest % 100}"


_NCCL_BANNER = lazy_compile(r"\bNCCL version (?P<nccl>\d+\.\d+\.\d+)\+cuda(?P<cuda>\d+\.\d+)\b")


def nccl_banner(document: Document, facts: Facts) -> None:
    """NCCL's banner ("NCCL INFO NCCL version 2.18.1+cuda12.1"): the NCCL a process loaded and the CUDA it was
    built for."""
    for index in document.lines_with("+cuda"):
        match = _NCCL_BANNER.search(document.line(index))
        if match:
            facts.observe(Obs.NCCL_BANNER, document.line(index), document.number(index), nccl=match.group("nccl"),
                          cuda=match.group("cuda"))
            return


def nccl_versions(document: Document, facts: Facts) -> None:
    """The NCCL a process loaded (NCCL's banner, torch's NCCL error, `torch.cuda.nccl.version()`, "the output
    is nccl 2.4.8") against another NCCL version the report builds with, installs or states:
    :data:`Obs.NCCL_VERSIONS_DIFFER`."""
    loaded = None
    others = []
    for index in document.lines_with("nccl"):
        text = document.line(index)
        if _NCCL_HISTORY.search(text):
            continue
        for match in _NCCL_VERSION.finditer(text):
            version = match.group("version") or match.group("wheel")
            if not version or version.startswith("0"):
                continue
            before = text[max(match.start() - 80, 0):match.end()]
            if loaded is None and match.group("version") and _NCCL_LOADED.search(before):
                loaded = (version, index)
            else:
                others.append(version)
    if loaded is None:
        for index in document.lines_with("nccl.version()"):
            following = document.next_nonblank(index)
            printed = document.line(following) if following is not None else ""
            same_line = re.search(r"nccl\.version\(\)\s*(?:->|=>|=|:|returns?|gives?|prints?|shows?)?\s*"
                                  r"(\(\s*\d+\s*,\s*\d+\s*,\s*\d+\s*\)|\d{4,5}\b)", document.line(index))
            value = _nccl_printed(same_line.group(1) if same_line else printed)
            if value is not None:
                loaded = (value, index)
                break
    if loaded is None:
        return
    version, index = loaded
    differing = next((o for o in others if not _same_release(o, version)), None)
    if differing is not None:
        facts.observe(Obs.NCCL_VERSIONS_DIFFER, document.line(index), document.number(index), loaded=version,
                      other=differing)
