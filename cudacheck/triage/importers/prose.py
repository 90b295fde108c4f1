"""Free text: GPU names ("RTX 3090", "my GPU is a 5090"), driver versions ("driver 470"),
torch versions ("torch 2.1.0+cu121"), operating systems, Python versions, install
commands, environment variables, and ``nvcc --version`` output.

Values read here have the lowest priority: a tool's output elsewhere in the paste wins.
"""
from __future__ import annotations

import re
from typing import List, Optional

from ..document import Document
from ..facts import PROSE, REPORTED, TOOL, Facts, GpuClaim, TorchClaim, gpu_row
from . import platform_words
from ...observations import Obs
from ...versions import cuda_from_int, cuda_from_tag, major_minor
from ...lazy_regex import lazy_compile

_GPU = lazy_compile(
    # ASCII word characters only around a name: Chinese or Japanese text runs straight into it ("显卡是RTX3060")
    r"(?<![A-Za-z0-9_/\\.-])(?<!rev )(?P<name>"  # not lspci's "(rev a2)"
    # a data-centre part first, with its form factor and memory: "Tesla V100-SXM2-32GB", "A100 80GB PCIe"
    r"(?:nvidia\s+)?(?:tesla\s+|grid\s+)?(?:a|h|b|l|v|p|t|k|m|gb|gh)\d{1,4}[a-z]?"
    r"(?:[\s-]*(?:sxm\d?|pcie|nvl|hbm\d?e?|\d+\s?g(?:i?b)?))*(?![A-Za-z0-9_])|"
    r"(?:nvidia\s+)?(?:geforce\s+|quadro\s+(?=rtx))?(?:rtx|gtx|gt|mx|quadro|tesla)\s*(?:pro\s+)?[a-z]{0,2}\s?-?\d{2,4}"
    r"[a-z]{0,3}"
    r"(?:\s+(?:ti|super|a(?=\s+laptop)|le|v2|m(?![\w-])|laptop(?:\s+gpu)?|max-q|mobile|black|xp|ada(?:\s+generation)?|"
    r"blackwell"
    r"|server\s+edition|workstation\s+edition|\d+\s?g(?:i?b)?))*"
    r"|(?:nvidia\s+)?(?:geforce\s+)?(?:gtx\s+)?titan(?:\s+(?:x|xp|v|rtx|black|z))?(?:\s*\(pascal\))?"
    # laptop parts without a series prefix: "GeForce 940MX", "GeForce 840M", a bare "940MX"
    r"|(?:nvidia\s+)?geforce\s+\d{3}(?:mx|m|a)?|\d{3}mx"
    r"|jetson\s+(?:agx\s+|orin\s+)?\w+(?:\s+nano|\s+nx)?"
    r"|(?:nvidia\s+)?nvs\s+\d{3,4}m?"
    r")(?![A-Za-z0-9_])", re.IGNORECASE)
_EXAMPLE = lazy_compile(r"(?:\be\.\s?g\.?|\bsuch as|\bfor example|\bfor instance|\blike)[\s,:]*(?:an?\s+|the\s+)?"
                      r"(?:nvidia\s+)?(?:geforce\s+)?(?:rtx\s+|gtx\s+)?$", re.IGNORECASE)
"""What precedes a GPU named as an example ("(e.g., RTX 4090)", "GPUs like the A100"), not as this machine's."""
_MODEL_NUMBER = r"(?:10|16|20|30|40|50)[5-9]0"
"""A GeForce model number without its series prefix: 1080, 1660, 2070, 3090, 4060, 5090."""
_BARE_MODEL = lazy_compile(r"(?<![A-Za-z0-9_.$/-])(?P<num>" + _MODEL_NUMBER + r")(?:\s*(?P<suffix>ti|super))?"
                           r"(?![A-Za-z0-9_.%])",
                         re.IGNORECASE)
_NOT_A_CARD = (r"(?!\s*(?:mb|gb|mhz|rpm|w\b|watts?|rows|samples|images|steps|epochs|tokens|lines|files|px|pixels|ms|"
               r"seconds|iterations|items|records|words|dollars?|euros?|usd|eur|yuan|rmb|points|pages|km|kg))")
"""What makes a four-digit number a count or a size, not a card: "a 2080 rows table", "a 3090 MB cache"."""
_OWNED_MODEL = lazy_compile(
    # a GeForce model number the writer (or a user they speak for) has, with no other GPU word: "i have a 4090", "on my
    # 3060 ti", "their 1070", "two 3090s", "an nvidia 3080", "GeForce 4070 Super"
    r"\b(?:i\s+have|i'?ve\s+got|i\s+got|i\s+own|i'?m\s+using|i\s+use|using|with|on|running)\s+(?:an?\s+|my\s+|one\s+|"
    r"two\s+|dual\s+|a\s+single\s+|\d\s*x\s*)(?P<num>" + _MODEL_NUMBER + r")(?:\s*(?P<suffix>ti|super)|(?P<m>m))?s?\b"
    + _NOT_A_CARD + r"|\b(?:my|our|his|her|their|nvidia|geforce)\s+(?P<num2>" + _MODEL_NUMBER +
    r")(?:\s*(?P<suffix2>ti|super)|(?P<m2>m))?s?\b"
    + _NOT_A_CARD, re.IGNORECASE)
_OWNED_ANCHORS = ("have a", "have an", "ve got", "got a", "own a", "using a", "using my", "use a", "use my", "with a",
                  "with my", "on a", "on my", "running a", "running my", "my ", " our ", " his ", " her ", "their ", "two ",
                  "dual ", "single ", "nvidia ", "geforce ")
_GPU_CONTEXT = lazy_compile(r"gpu|graphics|card|nvidia|geforce|显卡|グラフィック|видеокарт", re.IGNORECASE)
_GPU_ANCHORS = ("rtx", "gtx", "geforce", "quadro", "tesla", "titan", "a100", "h100", "h200", "h800", "a800", "v100",
                "p100", "p40", "a10", "a30", "a40", "l40", "l4", "t4", "k80", "a6000", "a5000", "a4000", "a2000",
                "gb200", "gh200", "b200", "b100", "jetson", "gpu", "graphics card", "显卡", "0mx", "gt ", "gt6", "gt7",
                "gt1", "nvs ", "grid ")
_DRIVER = lazy_compile(
    r"(?:nvidia[\s-]*)?driver(?:\s*version)?\s*(?:is|:|=|of|was|v|version|branch|series)?\s*(?:r|v)?"
    r"(?P<v>[2-7]\d{2}(?:\.\d{1,3}){0,2})(?![\d.]*\d)", re.IGNORECASE)
_DRIVER_BEFORE = lazy_compile(r"(?<![\d.])(?P<v>[2-7]\d{2}(?:\.\d{1,3}){1,2})\s*(?:nvidia\s+)?drivers?\b",
                            re.IGNORECASE)
_DRIVER_WORDS = ("驱动", "驅動", "ドライバ", "드라이버", "драйвер", "treiber", "pilote", "controlador", "driver")
"""The driver in the languages reports are written in (the English word with another language's words around it)."""
_DRIVER_SAID = lazy_compile(
    # "驱动版本是535.104.05", "ドライバー 531.14", "드라이버 버전은 536.23", "el driver es 531.41", "Treiber 535.98"
    r"(?:驱动|驅動|ドライバー?|드라이버|драйвер\w*|treiber\w*|pilote|controlador(?:es)?|driver)"
    r"(?:[^A-Za-z0-9\n]{0,10}?|\s+(?:es|ist|est|é|era|war|était|version|versión|versão|версии|версия)\s*:?\s*)"
    r"(?P<v>[2-7]\d{2}\.\d{1,3}(?:\.\d{1,3})?)(?![\d.]*\d)", re.IGNORECASE)
_DRIVER_PACKAGE = lazy_compile(r"nvidia-(?:driver|dkms|utils|kernel-(?:source|common|open)|headless|compute-utils|"
                             r"fabricmanager)-(?P<v>[2-7]\d{2})\b", re.IGNORECASE)
_TORCH = lazy_compile(r"(?<![A-Za-z0-9_/\\.-])(?<!build )(?:py)?torch(?![A-Za-z_/\\-])(?:\.__version__)?"  # also "pytorch1.7"
                    r"(?:\s*[^\x00-\x7f\s\d]{1,6})?"  # another language's words between: "torch版本是2.1.0"
                    r"(?:\s*(?:version|ver\.?|is|says|shows|reports|==|=|:|@|\(if applicable\)|\())*\s*v?"
                    r"(?P<v>[0-3]\.\d+(?:\.\d+)?(?:(?:a|b|rc|\.dev)\d*)*(?:\+[A-Za-z0-9_.]+)?)(?![A-Za-z0-9_.])",
                    re.IGNORECASE)
_BARE_TORCH = lazy_compile(r"^\s*v?(?P<v>\d+\.\d+(?:\.\d+)?(?:(?:a|b|rc|\.dev)\d*)*)\+(?P<tag>cu\d{2,3}|cpu|rocm[\d.]+)"
                         r"\s*$", re.IGNORECASE)
_PYTHON = lazy_compile(r"\bpython\s*(?:version\s*)?(?:==|:|is|=)?\s*(?P<v>3\.\d{1,2}(?:\.\d{1,2})?)\b", re.IGNORECASE)
_CUDNN_SAID = lazy_compile(r"\bcudnn\s*(?:version\s*)?(?:is|:|：|=|==)?\s*v?(?P<v>[5-9]\.\d{1,2}(?:\.\d{1,2})?)\b(?![.\d])",
                          re.IGNORECASE)
"""The machine's cuDNN as the writer gives it: "CUDNN：8.9.1", "cudnn 7.6.5", "cuDNN version: 8.2"."""
_CUDA = lazy_compile(r"\bcuda\s*(?:toolkit\s*)?(?:version\s*)?(?:is|:|=)?\s*v?(?P<v>\d{1,2}\.\d)(?:\.\d+)?\b",
                   re.IGNORECASE)
_NVCC = lazy_compile(r"Cuda compilation tools, release (?P<v>\d+\.\d+), V(?P<full>\d+\.\d+\.\d+)", re.IGNORECASE)
_NVCC_SAID = lazy_compile(r"\bnvcc(?:\s+(?:--version|-V))?\s+(?:version\s+)?(?:is|says|shows|reports|gives|=|:)\s+(?:release\s+)?v?"
                        r"(?P<v>\d{1,2}\.\d)\b", re.IGNORECASE)
_ENV_NAMES = ("CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "LD_LIBRARY_PATH", "CUDA_HOME", "CUDA_PATH",
              "NVIDIA_REQUIRE_CUDA", "NVIDIA_DISABLE_REQUIRE", "NVIDIA_DRIVER_CAPABILITIES", "TORCH_CUDA_ARCH_LIST",
              "PYTORCH_NO_CUDA_MEMORY_CACHING", "LD_PRELOAD")
_ENV = lazy_compile(r"(?:\bexport\s+|\bset\s+|\$env:|\bENV\s+|-e\s+)?\b(?P<name>" + "|".join(_ENV_NAMES) +
                  r")\s*=\s*(?P<value>\"[^\"]*\"|'[^']*'|[^\s;&|`]*)")
_DEVICE_INDEX = lazy_compile(r"(?<![\w.])(?:cuda:(?P<a>\d{1,2})\b(?![.\d])|set_device\(\s*(?P<b>\d{1,2})\s*\)|"
                           r"--(?:gpus?|gpu[_-]ids?|device|gpu[_-]id)[ =](?P<c>\d{1,2})\b|"
                           r"\b(?:gpu_id|device_id|gpu)\s*=\s*(?P<d>\d{1,2})\b)", re.IGNORECASE)
_MASK_SAID = lazy_compile(
    # a sentence saying what a mask variable is set to: "the entrypoint overwrites NVIDIA_VISIBLE_DEVICES to `void`",
    # "CUDA_VISIBLE_DEVICES is set to an empty string", "CUDA_VISIBLE_DEVICES was set to 1"
    r"\b(?P<name>CUDA_VISIBLE_DEVICES|NVIDIA_VISIBLE_DEVICES)[`'\"]?\s+(?:is\s+|are\s+|was\s+|were\s+|gets\s+|got\s+|being\s+)?"
    r"(?:(?:forcibly|always|silently|systematically)\s+)?(?:set|overwritten|overridden|forced|reset|changed)?\s*"
    r"(?:to|as)\s+(?:an?\s+)?[`'\"]?(?P<value>void|none|empty(?:\s+string)?|\"\"|''|-?\d{1,2}(?:\s*,\s*-?\d{1,2})*)"
    r"(?![\w-])(?!\s*(?:gpus?|cards?|devices?|of)\b)|"
    r"\b(?:sets?|overwrites?|overrides?|forces?|resets?|changes?)\s+[`'\"]?(?P<name2>CUDA_VISIBLE_DEVICES|"
    r"NVIDIA_VISIBLE_DEVICES)[`'\"]?\s+(?:to|as)\s+(?:an?\s+)?[`'\"]?(?P<value2>void|none|empty(?:\s+string)?|"
    r"\"\"|''|-?\d{1,2}(?:\s*,\s*-?\d{1,2})*)(?![\w-])(?!\s*(?:gpus?|cards?|devices?|of)\b)", re.IGNORECASE)
_LD_DEBUG_PATH = lazy_compile(r"search path=(?P<value>\S+)\s*\(LD_LIBRARY_PATH\)")
_ENVIRON = lazy_compile(r"os\.environ\[\s*['\"](?P<name>" + "|".join(_ENV_NAMES) +
                      r")['\"]\s*\]\s*=\s*['\"](?P<value>[^'\"]*)['\"]")
_INSTALL = lazy_compile(r"(?P<tool>\b(?:uv\s+)?pip3?|\bpython[\d.]*\s+-m\s+pip|\bconda|\bmamba|\bmicromamba|\bpoetry|"
                      r"\buv)\s+(?P<verb>install|add)\s+(?P<rest>.+)$", re.IGNORECASE)
_BUILD_CUDA = lazy_compile(r"\s*(?:\+\s*cu(?P<tag>\d{2,3})\b|\(?\s*(?:with|built\s+(?:with|for)|for)\s+(?:cudatoolkit|cuda)"
                         r"[\s=-]*(?P<cuda>\d{1,2}(?:\.\d)?)\b\)?)", re.IGNORECASE)
_INSTALLING = lazy_compile(r"\binstall\b|--with\b|--index-url|--extra-index-url|\buvx\b|\s-f\s+https?://",
                         re.IGNORECASE)
_OS_ANCHORS = ("windows", "win32", "ubuntu", "debian", "centos", "fedora", "rhel", "red hat", "rocky", "almalinux",
               "arch linux", "manjaro", "opensuse", "wsl", "macos", "mac os", "darwin", "aarch64", "arm64", "linux",
               "cachyos", "mint", "nixos")


def parse(document: Document, facts: Facts) -> None:
    """Everything a sentence can tell."""
    _gpus(document, facts)
    _ambiguous_gpus(document, facts)
    _gpu_series(document, facts)
    _drivers(document, facts)
    _driver_cuda(document, facts)
    _torch(document, facts)
    _platform(document, facts)
    _installs(document, facts)
    _environment(document, facts)
    _device_requests(document, facts)
    # `nvcc --version` output (the tool's own words) or a sentence naming its version
    for anchor, pattern, group, priority in (("cuda compilation tools", _NVCC, "full", TOOL),
                                             ("nvcc", _NVCC_SAID, "v", PROSE)):
        for index in document.lines_with(anchor, distinct=True):
            match = pattern.search(document.line(index))
            if match:
                facts.set(lambda s: s.libraries.nvcc_version, match.group(group), priority)
                facts.seen("nvcc")
    for index in document.lines_with("cudnn", distinct=True):
        said = _CUDNN_SAID.search(document.line(index))
        if said:
            facts.set(lambda s: s.libraries.system_cudnn_version, said.group("v"), PROSE)
            break
    for index in document.lines_with("cuda", distinct=True):
        text = document.line(index)
        match = _CUDA.search(text)
        if match and "driver version" not in text.lower():
            facts.observe(Obs.CUDA_MENTIONED, text, document.number(index), version=match.group("v"))


def gpu_names(text: str, facts: Facts) -> List[str]:
    """Known GPU products named in a piece of text (their NVML names)."""
    index = facts.db.gpu_index
    names: List[str] = []
    for match in _GPU.finditer(text):
        if _EXAMPLE.search(text, max(match.start() - 24, 0), match.start()):
            continue  # "a GPU with compute capability 8.9 (e.g. an RTX 4090)": an example, not this machine's
        name = _known(index, match.group("name"))
        if name and name not in names:
            names.append(name)
    if not names and _GPU_CONTEXT.search(text):
        for match in _BARE_MODEL.finditer(text):
            if _EXAMPLE.search(text, max(match.start() - 24, 0), match.start()):
                continue
            name = _geforce(index, match.group("num"), match.group("suffix"))
            if name and name not in names:
                names.append(name)
    return names


def _geforce(index, number: str, suffix: Optional[str]) -> Optional[str]:
    """The known GeForce product a bare model number names: 10xx and 16xx are GTX, the others RTX."""
    family = "GTX" if number.startswith(("10", "16")) else "RTX"
    return _known(index, f"GeForce {family} {number}" + (f" {suffix}" if suffix else ""))


_KNOWN_CACHE: dict = {}


def _known(index, candidate: str) -> Optional[str]:
    key = (id(index), candidate.lower())
    if key not in _KNOWN_CACHE:
        if len(_KNOWN_CACHE) > 4096:
            _KNOWN_CACHE.clear()
        _KNOWN_CACHE[key] = _lookup(index, candidate)
    return _KNOWN_CACHE[key]


def _lookup(index, candidate: str) -> Optional[str]:
    from ...compat.gpu_names import EXACT  # the resolver's answer kinds
    candidate = re.sub(r"\s+", " ", candidate).strip()
    candidate = re.sub(r"(\d) (mx?)$", r"\1\2", candidate, flags=re.IGNORECASE)  # "GTX 860 M": the laptop part
    candidate = re.sub(r"\b(\d+) ?gi?b?$", r"\1GB", candidate, flags=re.IGNORECASE)  # "1060 6G", "80GiB": sizes
    if len(candidate) < 2:
        return None
    attempts = [candidate]
    if re.match(r"^(?:rtx|gtx|gt|mx)\s*\d", candidate, re.IGNORECASE):
        attempts.append("GeForce " + re.sub(r"^(rtx|gtx|gt|mx)\s*", r"\1 ", candidate, flags=re.IGNORECASE))
    for attempt in list(attempts):
        # Form factor and memory words do not change the architecture: "A100 80GB SXM" → "A100 80GB" → "A100".
        shorter = attempt
        while True:
            trimmed = re.sub(r"[\s-]+(?:sxm\d?|pcie|nvl|hbm\d?e?|\d+\s?gb)$", "", shorter, flags=re.IGNORECASE)
            if trimmed == shorter:
                break
            attempts.append(trimmed)
            shorter = trimmed
    for attempt in attempts:
        row = gpu_row(index, attempt)
        if row is not None:
            if index.resolve(attempt).kind != EXACT:
                # a family whose products agree on compute capability ("A100": PCIe or SXM, 40 or 80 GB): the name
                # as written, not one product picked to stand for the family
                return attempt if attempt.lower().startswith("nvidia") else f"NVIDIA {attempt}"
            if not row.nvml_names:
                return row.name
            said = _bare_name(candidate)  # the variant the text names ("V100-SXM2-32GB"), where the row lists it
            return next((name for name in row.nvml_names if _bare_name(name) == said), row.nvml_names[0])
    return None


def _bare_name(name: str) -> str:
    """A GPU name without its vendor words, spaces and case: "Tesla V100-SXM2-32GB" → "v100-sxm2-32gb"."""
    return re.sub(r"^(?:nvidia\s+)?(?:tesla\s+|geforce\s+|quadro\s+)?|\s+", "", name.lower())


def _gpus(document: Document, facts: Facts) -> None:
    for position in document.lines_with_any(_GPU_ANCHORS, distinct=True):
        text = document.line(position)
        if text.lstrip().startswith(("|", "[pip", "[conda")) or "site-packages" in text:
            continue
        for name in gpu_names(text, facts):
            facts.add_gpu(GpuClaim(name=name, priority=PROSE))
            facts.seen("prose")
    for position in document.lines_with_any(_OWNED_ANCHORS, distinct=True):
        for match in _OWNED_MODEL.finditer(document.line(position)[:600]):
            owned = _geforce(facts.db.gpu_index, match.group("num") or match.group("num2"),
                             match.group("suffix") or match.group("suffix2")
                             or ("M" if match.group("m") or match.group("m2") else None))
            if owned:
                facts.add_gpu(GpuClaim(name=owned, priority=PROSE))
                facts.seen("prose")


def _ambiguous_gpus(document: Document, facts: Facts) -> None:
    """A GPU name shared by products of different architectures ("GT 710": Fermi GF119 or Kepler GK208) is no
    GPU fact, but the range of its compute capabilities still settles some questions (every GT 710 is older
    than any current build), so it is kept as an observation with its lowest and highest capability."""
    from ...compat.gpu_names import AMBIGUOUS  # the resolver's answer kinds

    index = facts.db.gpu_index
    for position in document.lines_with_any(_GPU_ANCHORS, distinct=True):
        text = document.line(position)
        if text.lstrip().startswith(("|", "[pip", "[conda")) or "site-packages" in text:
            continue
        for match in _GPU.finditer(text):
            candidate = re.sub(r"\s+", " ", match.group("name")).strip()
            if _EXAMPLE.search(text, max(match.start() - 24, 0), match.start()) or _known(index, candidate):
                continue
            attempts = [candidate]
            if re.match(r"^(?:rtx|gtx|gt|mx)\s*\d", candidate, re.IGNORECASE):
                attempts.append("GeForce " + re.sub(r"^(rtx|gtx|gt|mx)\s*", r"\1 ", candidate, flags=re.IGNORECASE))
            for attempt in attempts:
                resolution = index.resolve(attempt)
                capabilities = [major_minor(row.compute_capability) for row in resolution.candidates]
                if resolution.kind != AMBIGUOUS or not capabilities or None in capabilities:
                    continue
                known = [c for c in capabilities if c is not None]
                facts.observe(Obs.GPU_NAME_AMBIGUOUS, text, document.number(position), name=attempt,
                              lowest="%d.%d" % min(known), highest="%d.%d" % max(known))
                return


_SERIES = lazy_compile(
    r"\b(?:geforce\s+)?(?P<brand>rtx|gtx)\s*-?\s*(?:(?P<n>50|40|30|20|16|10)(?:xx\b|\s*-?\s*series\b|\s*系)|"
    r"(?P<n9>9)(?:00\s*-?\s*series\b|xx\b))|\b(?P<n2>50|40|30|20|16|10)xx\s+(?:series|cards?|gpus?|graphics)\b|"
    r"(?<![\d.])(?P<n3>50|40|30|20)\s*系列?\s*(?:的\s*)?(?:显卡|n卡|卡|能用|用不了|不能用|整合包)", re.IGNORECASE)
"""A GeForce series named without a model ("RTX 50 series", "50xx cards", "GTX 10XX", "40系显卡")."""
_SERIES_MODELS = {"50": r"GeForce RTX 50\d\d", "40": r"GeForce RTX 40\d\d", "30": r"GeForce RTX 30\d\d",
                  "20": r"GeForce RTX 20\d\d", "16": r"GeForce GTX 16\d\d", "10": r"GeForce GTX? 10\d\d",
                  "9": r"GeForce GTX 9\d\d\b"}
"""Which products of the GPU table a series stands for: their compute capabilities give the series' range."""


def _gpu_series(document: Document, facts: Facts) -> None:
    """A GeForce series named without its model is no GPU fact, but the range of its products' compute capabilities
    (every RTX 50 card is sm_120, every GTX 10 card sm_61) settles whether a build is too new or too old for it:
    kept as the same observation as an ambiguous name."""
    for position in document.lines_with_any(("rtx", "gtx", "xx ", "系"), distinct=True):
        text = document.line(position)
        match = _SERIES.search(text[:600])
        if match is None or _EXAMPLE.search(text, max(match.start() - 24, 0), match.start()):
            continue
        series = match.group("n") or match.group("n9") or match.group("n2") or match.group("n3")
        model = re.compile(_SERIES_MODELS[series])
        capabilities = [c for c in (major_minor(row.compute_capability) for row in facts.db.gpus.gpus
                                    if model.match(row.name)) if c is not None]
        if not capabilities:
            continue
        brand = (match.group("brand") or ("GTX" if series in ("16", "10", "9") else "RTX")).upper()
        facts.observe(Obs.GPU_NAME_AMBIGUOUS, text, document.number(position),
                      name=f"GeForce {brand} {series}{'00' if series == '9' else ''} series",
                      lowest="%d.%d" % min(capabilities), highest="%d.%d" % max(capabilities))
        return


def _drivers(document: Document, facts: Facts) -> None:
    for index in document.lines_with_any(_DRIVER_WORDS, distinct=True):
        text = document.line(index)
        match = _DRIVER.search(text) or _DRIVER_BEFORE.search(text) or _DRIVER_PACKAGE.search(text) or \
            _DRIVER_SAID.search(text)
        if match:
            facts.set(lambda s: s.nvml.driver_version, match.group("v"), PROSE)
            facts.seen("prose")


_DRIVER_CUDA = lazy_compile(
    # the newest CUDA the driver supports, said in CUDA's own terms: deviceQuery's "CUDA Driver Version / Runtime
    # Version 12.2 / 12.1", "CUDA driver version: 11040", "the installed CUDA driver is 11.4"
    r"CUDA Driver Version\s*/\s*Runtime Version\s+(?P<dq>\d{1,2}\.\d)\s*/|"
    r"\bCUDA\s+driver(?:\s+API)?(?:\s+version)?\s*(?:is|:|=|==)\s*:?\s*(?:(?P<int>1[0-3]0\d0)|(?P<mm>1[0-3]\.\d|[7-9]\.\d))\b"
    r"(?![.\d])", re.IGNORECASE)


def _driver_cuda(document: Document, facts: Facts) -> None:
    for index in document.lines_with("cuda driver", distinct=True):
        match = _DRIVER_CUDA.search(document.line(index))
        if match is None:
            continue
        if match.group("dq"):
            facts.set(lambda s: s.cuda_driver.driver_version, match.group("dq"), TOOL)
        else:
            value = cuda_from_int(int(match.group("int"))) if match.group("int") else match.group("mm")
            facts.set(lambda s: s.cuda_driver.driver_version, value, PROSE)
        facts.seen("prose")
        return


def _torch(document: Document, facts: Facts) -> None:
    for index in document.lines_with("torch", distinct=True):
        text = document.line(index)
        if index in facts.claimed or text.lstrip().startswith(("[pip", "[conda", "|")) or "site-packages" in text \
                or "dist-packages" in text:
            continue
        match = _TORCH.search(text)
        if match:
            kind = "install" if _INSTALLING.search(text) else "reported"
            build = _BUILD_CUDA.match(text, match.end())
            cuda = None
            if build and "+" not in match.group("v"):
                cuda = cuda_from_tag(f"cu{build.group('tag')}") if build.group("tag") else build.group("cuda")
                cuda = cuda if cuda is None or "." in cuda else f"{cuda}.0"
            facts.add_torch(TorchClaim(kind=kind, source="text", version=match.group("v"), cuda=cuda,
                                       line=document.number(index)))
            facts.seen("prose")
    for index in document.lines_with_any(("+cu", "+cpu", "+rocm")):
        match = _BARE_TORCH.match(document.line(index))
        if not match:
            continue
        label = ""
        for back in range(index - 1, max(index - 3, -1), -1):
            if document.line(back).strip():
                label = document.lower[back]
                break
        version = f"{match.group('v')}+{match.group('tag')}"
        if "torch.__version__" in label and label.lstrip().startswith((">>>", "in [")):
            continue  # a REPL's answer: the Python session's reader decides which session is current
        if "vision" in label:
            facts.add_package("torchvision", version, REPORTED)
        elif "audio" in label:
            facts.add_package("torchaudio", version, REPORTED)
        elif not version.startswith("0."):
            facts.add_torch(TorchClaim(kind="reported", source="text", version=version, line=document.number(index)))


def _platform(document: Document, facts: Facts) -> None:
    for index in document.lines_with_any(_OS_ANCHORS, distinct=True):
        text = document.line(index)
        if "site-packages" in text or text.lstrip().startswith("|"):
            continue
        platform_words.apply(facts, text, PROSE)
    for index in document.lines_with("python", distinct=True):
        match = _PYTHON.search(document.line(index))
        if match:
            facts.set(lambda s: s.platform.python_version, match.group("v"), PROSE)


def _installs(document: Document, facts: Facts) -> None:
    for index in document.lines_with_any((" install", "\tinstall", " add "), distinct=True):  # after its tool
        text = document.line(index)
        match = _INSTALL.search(text.replace("`", " "))
        if not match:
            continue
        values = _install_values(match.group("tool"), match.group("rest"))
        if values is not None:
            facts.observe(Obs.INSTALL_COMMAND, text, document.number(index), **values)
            facts.seen("install_command")
            _pinned_torch(facts, values, document.number(index), conda_forge="conda-forge" in text.lower())


def _pinned_torch(facts: Facts, values: dict, line: int, conda_forge: bool = False) -> None:
    """``pip install torch==2.1.0 --index-url …/cu121`` names a build: torch 2.1.0 for CUDA 12.1; so does
    ``conda install pytorch==1.7.0 cudatoolkit=10.2`` (torch 1.7.0 for CUDA 10.2)."""
    pinned = re.match(r"^(?:py)?torch={1,2}(?P<v>\d+\.\d+(?:\.\d+)?)(?:\+(?P<tag>\w+))?$", values.get("torch_spec", ""))
    tag = values.get("index")
    if pinned and not tag and not pinned.group("tag") and values.get("conda_cuda") and not conda_forge:
        # only a build the pytorch channel has: asked for another CUDA, conda settles on the CPU build (CC807)
        release = facts.db.torch_release(pinned.group("v"))
        wanted = major_minor(values["conda_cuda"])
        if release is not None and any(major_minor(v.cuda) == wanted for v in release.variants if v.cuda):
            facts.add_torch(TorchClaim(kind="install", source="install command", version=pinned.group("v"),
                                       cuda=values["conda_cuda"], line=line))
        return
    if not pinned or not tag:
        return
    version = pinned.group("v") + f"+{pinned.group('tag') or tag}"
    facts.add_torch(TorchClaim(kind="install", source="install command", version=version, line=line))


def _install_values(tool: str, rest: str) -> Optional[dict]:
    from .docker import tokens as shell_words

    tokens = shell_words(rest)
    packages: List[str] = []
    indexes: List[str] = []
    channels: List[str] = []
    main_index = False  # an --index-url / -i replacing PyPI (not only an --extra-index-url next to it)
    position = 0
    while position < len(tokens):
        token = tokens[position]
        if token in ("--index-url", "-i", "--extra-index-url", "-f", "--find-links", "-c", "--channel"):
            if position + 1 < len(tokens):
                (channels if token in ("-c", "--channel") else indexes).append(tokens[position + 1])
            main_index = main_index or token in ("--index-url", "-i")
            position += 2
            continue
        if token.startswith(("--index-url=", "--extra-index-url=", "--find-links=")):
            indexes.append(token.split("=", 1)[1])
            main_index = main_index or token.startswith("--index-url=")
        elif token.startswith("--torch-backend"):  # uv's choice of PyTorch index: cpu, cu126, auto
            backend = token.split("=", 1)[1] if "=" in token else \
                (tokens[position + 1] if position + 1 < len(tokens) else "")
            if re.fullmatch(r"cu\d{2,3}|cpu|rocm[\d.]+|xpu", backend, re.IGNORECASE):
                indexes.append(f"https://download.pytorch.org/whl/{backend.lower()}")
            position += 1 if "=" in token else 2
            continue
        elif token.startswith(("#", "&&", ";", "|")):
            break
        elif not token.startswith("-"):
            packages.append(token)
        position += 1
    names = [re.split(r"[=<>!~\[@ ]", p, maxsplit=1)[0].lower() for p in packages]
    torch_spec = next((p for p, n in zip(packages, names) if n in ("torch", "pytorch")), None)
    if torch_spec is None:
        return None
    index = ""
    for url in indexes:
        match = re.search(r"download\.pytorch\.org/whl/(?:nightly/|test/)?(?P<tag>cu\d{2,3}|cpu|rocm[\d.]+|xpu)", url)
        if match:
            index = match.group("tag")
    local = re.search(r"\+(cu\d{2,3}|cpu|rocm[\d.]+)", torch_spec)
    if local:
        index = index or local.group(1)
    conda_cuda = next((re.split(r"[=<>]+", p, maxsplit=1)[1] for p, n in zip(packages, names)
                       if n in ("pytorch-cuda", "cudatoolkit", "cuda-version") and re.search(r"[=<>]", p)), "")
    return {"tool": tool.strip().lower(), "packages": ",".join(names)[:200], "torch_spec": torch_spec,
            "index": index, "has_index": "yes" if indexes else "no", "channels": ",".join(channels),
            "conda_cuda": conda_cuda, "cpuonly": "yes" if "cpuonly" in names else None,
            # PyPI stays the first index: pip takes the highest torch version of both, often PyPI's
            "extra_index_only": "yes" if "pip" in tool.lower() and index and indexes and not main_index else None}


def _device_requests(document: Document, facts: Facts) -> None:
    """The highest GPU index the program asks for (``cuda:1``, ``set_device(1)``, ``--gpu 1``)."""
    highest = None
    for index in document.lines_with_any(("cuda:", "set_device(", "--gpu", "--device", "gpu_id", "device_id", "gpu=",
                                          "gpu ="), distinct=True):
        for match in _DEVICE_INDEX.finditer(document.line(index)):
            number = int(next(g for g in match.groups() if g is not None))
            if highest is None or number > highest[0]:
                highest = (number, index)
    if highest is not None:
        facts.observe(Obs.DEVICE_REQUESTED, document.line(highest[1]), document.number(highest[1]),
                      index=str(highest[0]))


def _environment(document: Document, facts: Facts) -> None:
    for index in document.lines_with_any(tuple(name.lower() for name in _ENV_NAMES), distinct=True):
        text = document.line(index)
        for match in list(_ENVIRON.finditer(text)) + list(_ENV.finditer(text)):
            value = match.group("value").strip("'\"")
            name = match.group("name")
            if name == "LD_LIBRARY_PATH" and value.startswith("$"):
                continue
            facts.env(name, value, REPORTED)
            facts.observe(Obs.ENVIRONMENT, text, document.number(index), name=name, value=value[:300])
        said = _MASK_SAID.search(text)
        if said is not None and not _ENV.search(text):
            name = said.group("name") or said.group("name2")
            value = (said.group("value") or said.group("value2")).lower()
            value = "" if value.startswith("empty") or value in ('""', "''") else re.sub(r"\s+", "", value)
            facts.env(name.upper(), value, PROSE)
            facts.observe(Obs.ENVIRONMENT, text, document.number(index), name=name.upper(), value=value)
        searched = _LD_DEBUG_PATH.search(text)
        if searched is not None:  # LD_DEBUG=libs: the loader's own account of LD_LIBRARY_PATH
            facts.env("LD_LIBRARY_PATH", searched.group("value"), TOOL)
            facts.observe(Obs.ENVIRONMENT, text, document.number(index), name="LD_LIBRARY_PATH",
                          value=searched.group("value")[:300])
        if re.search(r"echo\s+\$\{?LD_LIBRARY_PATH|LD_LIBRARY_PATH\s*:\s*$", text):
            following = document.next_nonblank(index)
            if following is not None:
                value = document.line(following).strip()
                if "/" in value and " " not in value:
                    facts.env("LD_LIBRARY_PATH", value, TOOL)
                    facts.observe(Obs.ENVIRONMENT, value, document.number(following), name="LD_LIBRARY_PATH",
                                  value=value[:300])
