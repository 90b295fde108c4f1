"""What people say about their machine and their torch, in any wording.

Besides the three kinds below, a GPU said to be throttled and a fault the report ties to the
hardware (a faulty card or node, a reboot needed to recover) are kept for the health rule.

Three kinds of statement decide how a CPU-only torch is judged (an error only where the
machine has, or is meant to use, an NVIDIA GPU):

- **a CPU build**: "pip installed the CPU version of torch", "PyTorch安装的是CPU版本",
  "2.0.0+cpu", conda's ``pytorch-mutex … cpu`` (:data:`Obs.CPU_BUILD_STATED`);
- **an NVIDIA GPU, or the intent to use one**: "a Nvidia GPU with CUDA 11.7", "I want to use
  my GPU", "GPU版本", "有显卡" (:data:`Obs.NVIDIA_GPU_STATED`, :data:`Obs.GPU_INTENT`);
- **no NVIDIA GPU**: an Apple-silicon Mac, Intel or AMD graphics only, "without a CUDA GPU",
  "I want to run it on the CPU" (:data:`Obs.NO_NVIDIA_GPU`).

Each recogniser needs its literal keyword on the line (the document's index), so the cost
stays linear in the input.
"""
from __future__ import annotations

import re

from ...observations import Obs
from ..document import STATEMENT_CHARS, Document
from ..facts import Facts
from ...lazy_regex import lazy_compile, lower_compile

_NOT = lazy_compile(r"(?:\bnot|\bno|n't|instead of|rather than|非|不是)\W{0,3}(?:the\W+|a\W+)?$", re.IGNORECASE)
_CPU_BUILD = lazy_compile(
    r"(?<![a-z])cpu(?:[- ]only)?\s*(?:version|build|variant|wheel|package|flavou?r|edition|版本|版|バージョン|버전)"
    r"|(?<![a-z])cpu[- ]?(?:only\s+)?(?:torch|pytorch)\b|download\.pytorch\.org/whl/cpu\b|(?:torch|pytorch)\s*\(?\s*cpu(?:[- ]only)?\s*\)?\s*(?:version|build)"
    r"|\bwithout\s+cuda\s+support|\[cpu\]\s*version|versi[oó]n\s+(?:de\s+|para\s+)?cpu|vers[ãa]o\s+(?:de\s+|para\s+)?cpu"
    r"|cpu[- ]верси|верси[яюи]\s+(?:для\s+)?cpu|\bpytorch-cpu\b|\bpytorch-mutex\s+\S+\s+cpu\b"
    r"|(?<![\w.])\d+\.\d+(?:\.\d+)?\+rocm[\d.]*|`\+rocm[\d.]+`"
    # a `conda list` row whose build string is the CPU one ("py3.11_cpu_0", conda-forge's "cpu_generic_py311h…"), and
    # collect_env's "CUDA used to build PyTorch: None" pasted without its other lines
    r"|^\s*(?:py)?torch\s+\d+\.\d+(?:\.\d+)?\s+(?:py\d+\.?\d*_)?cpu_|^\s*cuda\s+used\s+to\s+build\s+pytorch\s*:\s*none\s*$"
    # conda's plan putting a CPU build in place ("pytorch::pytorch-1.12.1-py3.10_cuda11~ --> pkgs/main::pytorch-1.12.1-
    # cpu_py310h…", or a NEW package "pkgs/main/linux-64::pytorch-2.0.1-cpu_py310h…")
    r"|(?:-->|→)\s*\S*?\bpytorch-\d+\.\d+(?:\.\d+)?-(?:py\d+\.?\d*_)?cpu_"
    r"|^\s*pytorch\s+(?![^\n]*-->)\S*?::pytorch-\d+\.\d+(?:\.\d+)?-(?:py\d+\.?\d*_)?cpu_",
    re.IGNORECASE)
_BUILD_LACKS_CUDA = lazy_compile(
    # the build (not the GPU) said to lack CUDA: "a wheel that doesn't support cuda", "pytorch without cuda"
    r"\b(?:torch|pytorch|wheel|build|version|package|binary|binaries|installation|install)\b[^\n]{0,40}?"
    r"(?:(?:doesn'?t|does\s+not|didn'?t|did\s+not|don'?t|do\s+not)\s+(?:support|have|include|come\s+with)|has\s+no|"
    r"have\s+no|with\s+no|without)\s+(?:any\s+)?(?:cuda|gpu)(?:\s+(?:support|acceleration|enabled))?\b"
    r"|\bcuda\s+support\s+(?:is\s+|was\s+)?not\s+(?:being\s+)?(?:installed|included|enabled|compiled)"
    # "forcing a non-CUDA version of Torch to be installed", "a non-GPU torch"
    r"|\bnon[- ]?(?:cuda|gpu)\s+(?:(?:version|build|variant|wheel|package)\s+of\s+)?(?:py)?torch\b"
    r"|\bnon[- ]?(?:cuda|gpu)\s+(?:version|build|variant|wheel)\b"
    # torch changed into one without CUDA: "it has dumbed down torch to no cuda", "reverted pytorch to non-CUDA"
    r"|\b(?:py)?torch\b[^\n]{0,40}?\bto\s+(?:a\s+|the\s+)?(?:no|non)[- ]?(?:cuda|gpu)\b",
    re.IGNORECASE)
_BUILD_LACKS_ANCHORS = ("without cuda", "without gpu", "without any", "support cuda", "support gpu", "have cuda",
                        "have gpu", "no cuda", "no gpu", "include cuda", "come with cuda", "cuda support", "non-cuda",
                        "non cuda", "noncuda", "non-gpu", "non gpu")
_TORCH_WORD = lazy_compile(r"torch|pytorch|파이토치|パイトーチ", re.IGNORECASE)
_CPU_TAG = lazy_compile(r"(?<![\w.])(?:torch|pytorch)?[\s=:-]*v?(?P<version>\d+\.\d+(?:\.\d+)?)\+cpu\b", re.IGNORECASE)
_NO_GPU = lower_compile(
    r"(?<!compiled\s)(?<!built\s)\bwithout\s+(?:an?\s+|any\s+)?(?:nvidia\s+|cuda[- ]?(?:capable\s+)?|dedicated\s+|"
    r"discrete\s+)?(?:gpu|graphics card|video card)s?\b(?!\s+support)"
    r"|\b(?:don'?t|do not|doesn'?t|does not|didn'?t)\s+have\s+(?:an?\s+|any\s+)?(?:nvidia\s+|cuda[- ]?(?:capable\s+)?"
    r"|dedicated\s+|discrete\s+)?(?:gpu|graphics card|video card|cuda)\b"
    r"|\bno\s+(?:nvidia\s+|cuda[- ]?(?:capable\s+)?|dedicated\s+|discrete\s+)?(?:gpu|graphics card)s?\b"
    r"(?!\s*(?:is|are|was|were|found|detected|available|visible|device|in\b))"
    r"|\bcpu[- ]only\s+(?:ci\s+)?(?:machine|computer|laptop|server|host|node|environment|system|box|runner|vm|"
    r"instance|ci\b)"
    r"|\b(?:(?:it'?s|it\s+is|this\s+is|on)\s+(?:a|the|this|our)|(?:this|our))\s+cpu\s+(?:node|machine|server|host|"
    r"instance|vm|box|runner)\b"  # "it's a CPU node", "on this CPU machine"
    # (not a complaint: "generations only run on the CPU, not the GPU", "it runs on the CPU instead of the GPU")
    r"|(?P<on_cpu>\b(?:run|running|use|using|train|training)\s+(?:it\s+|this\s+|them\s+|the\s+(?:code|model|script)\s+|"
    r"this\s+code\s+|everything\s+)?(?:only\s+)?on\s+(?:the\s+|my\s+)?cpu\b(?!\s*,?\s*(?:not|instead|rather)\b)|"
    # the device chosen: "when device is set to cpu in colab", "I set the device to 'cpu'"
    r"\b(?:when|if|while|with)\s+(?:the\s+)?device\s+(?:is\s+)?set\s+to\s+['\"]?cpu\b|"
    r"\bi\s+(?:set|changed|switched)\s+(?:the\s+)?device\s+to\s+['\"]?cpu\b(?!\s*,?\s*(?:but|and\s+it\s+(?:still|works)))"
    r")"
    r"|\b(?:only\s+)?(?:run|running|do|doing)\s+(?:only\s+)?cpu[- ](?:inference|training|only)\b"
    r"|\bnot\s+installed\s+cuda\s+and\s+i\s+don'?t\s+want"
    # the writer asking to run without NVIDIA's stack: "Is it possible to test this without CUDA/NVIDIA?"
    r"|\b(?:possible|able|way|how)\s+to\s+(?:run|test|use|try)\s+(?:it\s+|this\s+|them\s+|the\s+\w+\s+)?without\s+"
    r"(?:an?\s+|any\s+)?(?:cuda|nvidia)\b"
    # the same in other languages: Chinese, Japanese, Russian, Spanish, Portuguese
    r"|没有\s*(?:独立|英伟达|nvidia|n卡|独显)?\s*的?\s*(?:显卡|gpu)|没有\s*n卡|无\s*gpu|只(?:想|能)?用\s*cpu"
    r"|(?:nvidia\s*の\s*)?gpu\s*(?:が|は)?\s*(?:ない|なし|ありません|搭載されていない)|cpu\s*で(?:動かしたい|実行したい|のみ)"
    r"|\bнет\s+(?:видеокарты|дискретной\s+видеокарты|gpu|nvidia)|\bбез\s+(?:видеокарты|gpu)|\bтолько\s+(?:на\s+)?cpu\b"
    r"|\bno\s+tengo\s+(?:una\s+)?(?:gpu|tarjeta\s+gr[aá]fica|nvidia)|\bsin\s+gpu\b"
    r"|\bn[aã]o\s+tenho\s+(?:uma\s+)?(?:gpu|placa\s+de\s+v[ií]deo|nvidia)|\bsem\s+gpu\b")
_MAC = lower_compile(
    r"\bmacbook(?:\s+(?:pro|air))?\b|\bmac\s?(?:os|mini|studio)\b|\bmac\s+m[1-5]\b|\bm[1-5](?:\s+(?:pro|max|ultra))?"
    r"\s+(?:mac|chip|macbook|series)\b|\bapple\s+(?:m[1-5]|silicon)\b|\b(?:on|my|an?)\s+m[1-5]\s+mac\b|\bm\s+series\s+chip")
_OTHER_GRAPHICS = lower_compile(
    r"\bintel\b[^\n]{0,40}?\b(?:graphics|iris|uhd|hd\s+\d{3,4}|arc)\b|\bintegrated\s+graphics\b|"
    r"\bamd\s+(?:radeon|gpu|graphics)|\bradeon\b")
_NVIDIA_GPU = lazy_compile(r"\bnvidia\s+(?:gpu|graphics card|card|geforce|rtx|gtx|quadro|tesla)\b|\bgeforce\b",
                         re.IGNORECASE)
_NVIDIA_WORD = lazy_compile(r"\b(?:nvidia|geforce|rtx|gtx|quadro|tesla)\b", re.IGNORECASE)
_NVIDIA_MODEL = lazy_compile(r"\b(?:geforce|rtx|gtx|quadro|tesla|titan)\b|\b(?!h26[45]\b)[abhklv]\d{2,4}\b", re.IGNORECASE)
"""An NVIDIA product named on a line: a series word, or a data-centre or workstation model number (A100, H100, V100,
L40, K80, A6000, B200; not the H.264/H.265 codecs)."""
_INTENT = lower_compile(
    # one word boundary in front of the English alternatives: tried only where a word starts (long log lines)
    r"\b(?:(?:my|the|our|a)\s+(?:nvidia\s+)?(?:gpu|graphics card|video card)s?\b|gpu\s+(?:version|build|support|"
    r"acceleration|enabled)\b|(?:use|using|run on|utili[sz]e)\s+(?:the\s+|my\s+)?(?:gpu|cuda)\b|"
    r"cuda\s+(?:version|build)\s+of\s+(?:torch|pytorch)|gpu版|cuda版)|--use[-_]cuda\b|"
    r"显卡|グラボ|グラフィックボード|그래픽\s*카드|видеокарт")

_INTENT_ANCHORS = ("gpu", "graphics card", "video card", "use cuda", "using cuda", "on cuda", "utilize cuda",
                   "utilise cuda", "the cuda", "my cuda", "cuda version of", "cuda build of", "cuda版", "use-cuda",
                   "use_cuda", "显卡", "グラボ", "グラフィックボード", "그래픽", "видеокарт")
"""Every wording of :data:`_INTENT` holds one of these: CUDA alone (every line of a build log) is not one."""
_MESSAGE = lazy_compile(r"(?:error|exception|warning|warn)\b\s*[:\]](?!\s*$)|please|make sure|assert", re.IGNORECASE)
"""A program's message on the line (its words are not the writer's); a sentence ending "…dropped this error:" that
introduces the paste below is still the writer's."""
_NOT_SEEN = lazy_compile(
    r"\bgpus?\s+(?:is\s+|are\s+|was\s+|were\s+|shows?\s+(?:as\s+)?)?(?:not\s+(?:detected|found|recogni[sz]ed|visible|"
    r"available|seen|working)|undetected|missing)|\bgpus?\s+(?:don'?t|doesn'?t|does\s+not|do\s+not)\s+work|"
    r"(?:can'?t|cannot|doesn'?t|does\s+not|do\s+not|don'?t|didn'?t|did\s+not|not\s+able\s+to|unable\s+to)\s+"
    r"(?:see|detect|find|use|access|pick\s+up)\s+(?:the\s+|my\s+|any\s+|a\s+)?(?:nvidia\s+)?gpus?\b"
    # the GPU's processes or figures not shown (nvidia-smi in a container shows no processes) is not the GPU unseen
    r"(?!\s*(?:process\w*|threads?|usage|util\w*|memory|temp\w*|fans?|power|clocks?|stats|metrics|load|activity))|"
    # a cluster's login node sees the GPU, the job does not: "True on the login node, but False in the sbatch job"
    r"\b(?:True|works?)\b[^\n]{0,40}?\bon\s+the\s+(?:login|head|front-?end|submit)\s+node\b[^\n]{0,60}?\b(?:but|while|"
    r"whereas)\b[^\n]{0,60}?\b(?:False|fails?|not)\b|"
    r"\bnvidia-smi\s+(?:is\s+)?(?:unavailable|not\s+available)|"
    r"\b(?:runs?|running|uses?|using|trains?|training)\s+(?:on\s+)?(?:the\s+)?cpu\s+instead\s+of\s+(?:the\s+|my\s+)?"
    r"(?:nvidia\s+)?gpu|\bonly\s+(?:uses?|using)\s+(?:the\s+)?cpu\b|\bhas_gpu\W+false|"
    r"\bno\s+gpus?\s+(?:found|detected|available|visible)|"
    # tools saying they found no GPU: Ollama's "no compatible GPUs were discovered" / "No NVIDIA/AMD GPU detected",
    # TensorFlow's tutorial print "Num GPUs Available: 0", Lightning's "GPU available: False", "could not find any
    # GPU devices"
    r"\bno\s+(?:(?:compatible|supported|usable|available|nvidia(?:/amd)?|cuda(?:-capable)?)\s+)+gpus?\s+"
    r"(?:devices?\s+)?(?:were\s+|was\s+|are\s+|is\s+)?(?:found|detected|discovered|available)|"
    r"\bnum\s+gpus\s+available\s*:\s*0\b|^\s*number\s+of\s+gpus\s*:\s*0\s*$|\bgpu\s+available\s*:\s*false\b|"
    r"\b(?:could\s+not|couldn'?t)\s+(?:see|detect|find|locate)\s+(?:the\s+|my\s+|any\s+|a\s+)?(?:nvidia\s+|cuda\s+)?gpus?\b|"
    # CUDA itself said to be missing, or the work said to stay on the CPU
    r"\bcuda\s+(?:is\s+|was\s+)?(?:not\s+(?:detected|found|recogni[sz]ed|working|used)|undetected)|"
    r"(?:can'?t|cannot|doesn'?t|does\s+not|don'?t|do\s+not|not\s+able\s+to|unable\s+to)\s+(?:see|detect|find|use|access)"
    r"\s+(?:the\s+)?cuda\b|\bgpus?\s+(?:is|are)\s+not\s+(?:being\s+)?used|\bmaking\s+the\s+gpus?\s+unused\b|\bnot\s+using\s+(?:the\s+|my\s+)?gpu|"
    r"\b(?:falls?|fell|falling)\s+back\s+to\s+(?:the\s+)?cpu|(?:识别不到|检测不到|找不到|无法识别|没有识别)\s*(?:gpu|显卡|cuda)|"
    r"(?:gpu|显卡|cuda)\s*(?:识别不到|检测不到|不可用|无法使用|用不了)|(?:没有|没|并没有|不)\s*(?:会|會|能)?\s*(?:调用|使用|用上|用到)\s*(?:gpu|显卡|顯卡)|"
    r"(?:还是|仍然|依然|一直)\s*(?:显示|用的?是?|在用|使用)\s*cpu|(?:gpu|グラボ|グラフィックボード)\s*(?:が|を)?\s*(?:認識されない|"
    r"認識しない|認識されません|見えない|使えない)|(?:gpu|그래픽\s*카드)\s*(?:를|을|가|이)?\s*인식(?:하지|되지|을)\s*(?:못|않)|"
    r"не\s+(?:видит|определяет|обнаруживает|находит)\s+(?:gpu|видеокарт)|(?:gpu|видеокарт\w*)\s+не\s+(?:видна|видит|"
    r"определяется|обнаружена)|no\s+(?:detecta|reconoce|encuentra)\s+(?:la\s+)?gpu|não\s+(?:detecta|reconhece|encontra)"
    r"\s+(?:a\s+)?gpu|"
    # the GPU not used, in Japanese, Korean, Spanish, Portuguese, Russian, German and French
    r"gpu\s*(?:が|を)\s*(?:使われ(?:ない|ません|ていない)|使って(?:くれ)?(?:ない|ません)|使用され(?:ない|ません|ていない))|"
    r"gpu\s*(?:를|을|가)?\s*(?:사용하지\s*(?:않|못)|사용\s*안|안\s*쓰)|"
    r"\bno\s+(?:usa|utiliza|está\s+usando|está\s+utilizando)\s+(?:la\s+)?gpu|"
    r"não\s+(?:usa|utiliza|está\s+usando|está\s+utilizando)\s+(?:a\s+)?gpu|"
    r"не\s+(?:использует|задействует|использ\w+)\s+(?:gpu|видеокарт)|"
    r"\b(?:die\s+)?(?:gpu|grafikkarte)\s+wird\s+nicht\s+(?:genutzt|verwendet|benutzt|erkannt)|"
    r"\b(?:le\s+|la\s+)?gpu\s+n'est\s+pas\s+(?:utilisée?|détectée?|reconnue?)",
    re.IGNORECASE)
_CPU_FIGURES = r"(?!\s*(?:offload\w*|memory|ram|threads?|cores?|usage|util\w*|percent|%|\d))"
"""What follows "the CPU" when a line speaks of the CPU's own figures ("using CPU offload", "cpu usage 100%"), not of
the work landing there."""
_ON_CPU = lazy_compile(
    # the writer saying the work runs on the CPU ("I saw that it was using CPU", "everything runs on the CPU", "it
    # still uses cpu"), or a program's log saying which device it picked ("Using device: cpu"); not a choice ("when
    # using CPU", "--device cpu", "works on CPU but ..."), nor the CPU's own figures ("using CPU offload")
    r"\b(?:it|it'?s|that|everything|(?:the\s+)?(?:model|program|app|application|training|inference|job|script|"
    r"process|generation|whole\s+thing))\s+(?:is\s+|was\s+|still\s+|only\s+|always\s+|just\s+|"
    r"(?:seems?|appears?)\s+to\s+(?:be\s+)?)*"
    r"(?:using|uses|used|(?:running|runs|ran|run)\s+(?:on|off))\s+(?:only\s+)?(?:the\s+|my\s+)?cpu\b"
    + _CPU_FIGURES + r"(?![^\n]{0,40}\b(?:but|while|"
    r"whereas)\b[^\n]{0,40}\bgpu\b[^\n]{0,20}\b(?:works?|fine|fails?|crash\w*|errors?)\b)|"
    r"(?:^|[\"'`])\W*(?:info\W+)?using\s+device(?:[_ ]type)?\s*[:=]?\s*['\"]?cpu['\"]?\s*(?:$|[\"'`.,;)])|"
    # a program's own start-up line naming the device it got ("Device: cpu", ComfyUI's; "accelerator device: cpu",
    # kohya's trainers through accelerate, after a logger's time and level and before its source location)
    r"^\s*(?:[\d/:., -]*\s*info\s+)?(?:accelerator\s+)?device\s*:\s*cpu\s*(?:[\w.-]+\.py:\d+)?\s*$|"
    # an app named as the subject: "ComfyUI is running on CPU even though …", "Ollama is still using the CPU"
    r"\b[\w.-]{3,}\s+(?:is|keeps)\s+(?:still\s+|only\s+|always\s+|just\s+)*(?:using|running\s+on|running\s+off)\s+"
    r"(?:only\s+)?(?:the\s+|my\s+)?cpu\b" + _CPU_FIGURES +
    r"(?![^\n]{0,40}\b(?:as\s+(?:intended|expected|wanted)|on\s+purpose|which\s+is\s+fine)\b)",
    re.IGNORECASE)
_FAILS = lazy_compile(
    r"(?:\bnot|n'?t|\bnever|\bno\s+longer)\s+(?:works?|working|runs?|running|starts?|starting|launch\w*|open\w*|"
    r"load\w*)\b|"
    r"\bcrash(?:es|ed|ing)?\b|\bfail(?:s|ed|ing)?\b|\bbroken\b|\bstopped\s+working\b|\bunusable\b|"
    # the same in other languages: Japanese, Chinese, Korean, Russian, Spanish, Portuguese, German, French
    r"動作しない|動かない|起動しない|使えない|無法運行|无法运行|无法使用|用不了|跑不起来|不能用|不能运行|"
    r"작동하지\s*않|실행되지\s*않|\bне\s+работает|\bне\s+запускается|\bno\s+funciona|\bn[aã]o\s+funciona|"
    r"\bfunktioniert\s+nicht|\bne\s+(?:fonctionne|marche)\s+pas|"
    # asking for the GPU to be supported says it does not work yet: "5090対応お願いします", "could you add support for
    # the RTX 5080", "能出个50系能用的整合包吗", "什么时候支持50系" (a line with "please" is a program's, see _MESSAGE)
    r"対応(?:お願い|して(?:ください|下さい|ほしい|欲しい)|予定は?)|(?:出|做)个[^\n]{0,12}能用的|什么时候(?:能)?支持|"
    r"\b(?:could you|can you|when will you|plans? to)\s+(?:\w+\s+){0,2}(?:add|support)\b[^\n]{0,20}\bsupport"
    r"(?:ed)?\s+for\b|\b(?:add|adding|need|needs)\s+support\s+for\b",
    re.IGNORECASE)
"""The writer saying the program does not work: "not working with 5090 rtx", "it crashes at start", "5090 rtx で動作
しない", "用不了"."""
_FAILS_ANCHORS = ("not ", "n't ", "nt ", "never ", "no longer", "crash", "fail", "broken", "stopped working",
                  "unusable", "動作しない", "動かない", "起動しない", "使えない", "無法運行", "无法运行", "无法使用", "用不了",
                  "跑不起来", "不能用", "不能运行", "작동하지", "실행되지", "не работает", "не запускается", "no funciona",
                  "não funciona", "nao funciona", "funktioniert nicht", "ne fonctionne pas", "ne marche pas",
                  "対応", "能用的", "支持", "support for")
_MULTIPLE = lazy_compile(
    r"\b(?:multiple|two|several|both|2|duplicate|conflicting)\s+(?:different\s+)?(?:py)?torch(?:\s+\w+)?\s+"
    r"(?:versions|copies|installations|installs|packages)\b|\b(?:multiple|two|several|2|duplicate)\s+(?:different\s+)?"
    r"(?:versions|copies|installations|installs)\s+of\s+(?:py)?torch\b|"
    r"\btorch\b[^\n]{0,60}\b(?:installed|version)\s+with\s+[`'\"]?(?:pip|conda)[`'\"]?\s+and\s+(?:one|another)\s+with\s+"
    r"[`'\"]?(?:conda|pip)|\binstall(?:s|ed)?\s+multiple\s+(?:py)?torch|\b(?:pip|conda)\s+and\s+(?:pip|conda)\s+(?:both\s+)?"
    r"install(?:ed)?\s+(?:py)?torch", re.IGNORECASE)
_UPGRADE_NOT_SEEN = lazy_compile(
    # an upgrade that the running program does not see: another torch is the one that imports ("I upgraded pytorch
    # in miniconda, it shows 2.4.1, but ComfyUI still got the version 2.3.1")
    r"\b(?:upgrad|updat|install|reinstall)\w*\b[^\n]{0,80}?\b(?:py)?torch\b[^\n]{0,120}?\b(?:but|yet|however)\b[^\n]{0,80}?"
    r"\bstill\s+(?:shows?|showing|got|gets?|getting|says|reports?|prints?|returns?|is|uses?|using|loads?|imports?|on|at)"
    r"\s+(?:me\s+)?(?:the\s+)?(?:old\s+)?(?:(?:py)?torch\s+)?(?:version\s+)?(?:is\s+)?v?\d+\.\d+(?:\.\d+)?\b"
    r"(?!\s*(?:it/s|s/it|%|[kmgt]i?b\b|ms\b|s\b|sec|seconds|fps|tokens))", re.IGNORECASE)
_TOOLS = r"(?:jupyter|notebook|ipython|kernel|pycharm|vs\s?code|visual studio|spyder|colab|the ide|my ide|conda env\w*|venv)"
_SHELLS = r"(?:terminal|command line|command prompt|cmd|shell|console|bash|powershell)"
_TWO_INTERPRETERS = lazy_compile(
    # "True in the terminal but False in Jupyter": two interpreters, two torch installs
    r"\b(?:works?|working|True)\b[^\n]{0,60}?\b(?:in|from|on|with)\s+(?:the\s+|my\s+|a\s+)?" + _SHELLS +
    r"\b[^\n]{0,60}?\b(?:but|while|whereas|yet)\b[^\n]{0,60}?\b" + _TOOLS + r"|"
    r"\b(?:works?|working|True)\b[^\n]{0,60}?\b(?:in|from|on|with)\s+(?:the\s+|my\s+|a\s+)?" + _TOOLS +
    r"\b[^\n]{0,60}?\b(?:but|while|whereas|yet)\b[^\n]{0,60}?\b" + _SHELLS + r"|"
    r"\b(?:in|from|on|with)\s+(?:the\s+|my\s+)?(?:" + _TOOLS[3:-1] + r"|" + _SHELLS[3:-1] + r")\b[^\n]{0,60}?"
    r"\b(?:False|fails?|doesn'?t work|not work\w*)\b[^\n]{0,60}?\b(?:but|while|whereas|yet)\b[^\n]{0,80}?\b(?:True|works?)\b|"
    # "is False in Jupyter but True in the terminal"
    r"\b(?:False|fails?|doesn'?t work|not work\w*)\s+(?:in|from|on|with)\s+(?:the\s+|my\s+|a\s+)?(?:" + _TOOLS[3:-1] +
    r"|" + _SHELLS[3:-1] + r")\b[^\n]{0,40}?\b(?:but|while|whereas|yet)\s+(?:it\s+)?(?:is\s+|returns\s+)?(?:True|works?)\s+"
    r"(?:fine\s+)?(?:in|from|on|with)\s+(?:the\s+|my\s+|a\s+)?(?:" + _TOOLS[3:-1] + r"|" + _SHELLS[3:-1] + r")\b",
    re.IGNORECASE)
_LD_FIX = lazy_compile(
    r"(?:unset(?:ting)?|remov\w*|delet\w*|clear\w*|drop\w*|empty\w*)\s+(?:the\s+)?(?:[\w./-]+\s+from\s+(?:the\s+|my\s+)?)?"
    r"\$?(?:LD_LIBRARY_PATH|DYLD_LIBRARY_PATH)[^\n]{0,80}?(?:works?|worked|fix\w*|solv\w*|resolv\w*|helps?|helped|gone)|"
    r"(?:works?|worked|fix\w*|solv\w*|resolv\w*)[^\n]{0,60}?(?:unset(?:ting)?|remov\w*|clear\w*)\s+(?:the\s+)?"
    r"\$?(?:LD_LIBRARY_PATH|DYLD_LIBRARY_PATH)", re.IGNORECASE)
_HARDWARE = lazy_compile(
    r"\b(?:faulty|defective|bad|broken|failing|dying|damaged)\s+(?:gpu|card|graphics card|video card|node|instance|"
    r"host|machine|hardware|vram|gpu memory)s?\b|\bhardware\s+(?:issue|problem|failure|fault|error|defect)s?\b|"
    r"\b(?:replac\w*|swapp?\w*|return\w*|rma'?d?)\s+(?:the\s+|my\s+|that\s+|this\s+)?(?:gpu|card|graphics card)s?\b|"
    r"\b(?:gpu|card)\s+(?:to|back\s+to)\s+(?:the\s+)?(?:vendor|manufacturer|seller)|\bRMA\b|"
    r"\b(?:only|until)\s+(?:a\s+)?(?:reboot|restart)\w*\s+(?:of\s+)?(?:the\s+)?(?:machine|server|system|node|host)?"
    r"[^\n]{0,30}?(?:fix|help|recover|work)|\b(?:must|have to|had to|need to|needs to)\s+(?:reboot|restart)\s+"
    r"(?:the\s+)?(?:machine|server|system|node|host|computer)\b|"
    r"\b(?:works?|worked|working|runs?|ran|running)\s+(?:fine\s+|ok\s+|well\s+|perfectly\s+)?on\s+(?:the\s+)?(?:other|another|"
    r"a\s+different|different)\s+(?:gpus?|cards?|machines?|nodes?|servers?|hosts?)\b|"
    r"\bonly\s+(?:on|with)\s+(?:one\s+(?:of\s+(?:the|my|our)\s+)?(?:gpus?|cards?|nodes?)|(?:gpu|card|node)\s*#?\d+)\b|"
    r"显卡(?:出|有)?(?:问题|故障|坏)|换了(?:一)?张显卡|(?:必须|需要)重启|グラボ(?:の)?故障|그래픽\s*카드\s*(?:고장|불량)",
    re.IGNORECASE)
_HARDWARE_ANCHORS = ("faulty", "defective", "bad ", "broken", "failing", "dying", "damaged", "hardware", "replac",
                     "swapp", "swapped", "returned", "returning", "return the", "return my", " rma", "rma'", "reboot",
                     "restart", "on another", "on the other", "on a different", "on different", "only on", "only with",
                     "显卡", "重启", "故障", "고장", "불량")
_THROTTLED = lazy_compile(
    r"\b(?:GPU|card)s?\b[^\n]{0,40}?\b(?:is|are|gets?|got|being|was|were)\s+(?:\w+\s+)?throttled\b|"
    r"\b(?:thermal|power)\s+throttling\b|\bthrottling\s+(?:on|of)\s+(?:my|the|our)\s+(?:\w+\s+){0,2}(?:GPU|card)",
    re.IGNORECASE)
_WARNING_WORD = r"(?:warnings?|警告|предупрежд\w*|advertencias?|avisos?|avertissements?|warnmeldung\w*)"
_RUNS_NORMALLY = (
    r"(?:\b(?:runs?|ran|running|works?|worked|working|trains?|training|finish(?:es|ed)?|completes?|completed)\s+"
    r"(?:just\s+|still\s+|perfectly\s+|completely\s+)?(?:normally|fine|well|ok(?:ay)?|correctly|properly|as\s+expected|"
    r"without\s+(?:any\s+)?(?:problems?|issues?|errors?))"
    r"|\b(?:can|could|still)\s+(?:run|work|train)\s+(?:normally|fine|well|correctly|properly)"
    r"|\beverything\s+(?:still\s+)?(?:works|runs|is\s+fine)|\bno\s+(?:effect|impact)\s+on\s+(?:the\s+)?(?:results?|training|program)"
    r"|正常运行|可以正常|能正常|运行正常|正常に動)")
_WORKS_DESPITE_WARNING = lower_compile(
    # "the warning still exists, but the program can run normally", "despite this warning everything works"
    _WARNING_WORD + r"[^\n]{0,120}?(?:\bbut\b|\bhowever\b|\byet\b|\bthough\b|,|，|但|但是)[^\n]{0,60}?" + _RUNS_NORMALLY +
    r"|" + _RUNS_NORMALLY + r"[^\n]{0,60}?\b(?:despite|although|even\s+though|though|but)\b[^\n]{0,40}?" + _WARNING_WORD +
    r"|\b(?:despite|ignor\w*|apart\s+from)\s+(?:the\s+|this\s+|that\s+)?" + _WARNING_WORD + r"[^\n]{0,60}?" + _RUNS_NORMALLY)
_NEGATED_RUN = lazy_compile(r"(?:\bnot|n't|\bnever|cannot|不能|无法)\s+(?:\w+\s+){0,2}(?:run|work|train)", re.IGNORECASE)
_WARNING_ANCHORS = ("warning", "警告", "предупрежд", "advertencia", "aviso", "avertissement", "warnmeldung")
_CPU_ANCHORS = ("cpu", "without cuda support", "pytorch-mutex", "+rocm", "whl/cpu", "cuda used to build pytorch")
_NO_GPU_ANCHORS = ("without", "have", "no ", "cpu", "cuda and i", "显卡", "gpu", "n卡", "нет ", "без ", "tengo", "tenho")
_MAC_ANCHORS = ("mac", "apple", "m1", "m2", "m3", "m4", "m series")
_OTHER_GRAPHICS_ANCHORS = ("intel", "integrated graphics", "amd", "radeon")


_CPU_INTENDED = lazy_compile(
    r"\bcpu\b[^\n]{0,60}?(?<!\bnot\s)\b(?:on\s+purpose|deliberately|intentionally|as\s+intended)\b|"
    r"(?<!\bnot\s)\b(?:on\s+purpose|deliberately|intentionally)\b[^\n]{0,40}?\bcpu\b", re.IGNORECASE)
"""The writer saying the CPU build or CPU run is chosen ("I installed the CPU build on purpose", "we deliberately use
the CPU wheel", "the CI job runs the CPU tests only, as intended")."""
_INTENT_DENIED = lazy_compile(r"\b(?:not|never|no)\b|n't\b", re.IGNORECASE)
"""A negation near the words ("I did not install the CPU build on purpose"): the choice is denied."""


def parse(document: Document, facts: Facts) -> None:
    """Statements of a CPU build, of an NVIDIA GPU or the intent to use one, and of no NVIDIA GPU."""
    _cpu_builds(document, facts)
    for index in document.lines_with_any(("purpose", "deliberate", "intentional", "as intended"), distinct=True):
        text = document.line(index)[:STATEMENT_CHARS]
        chosen = _CPU_INTENDED.search(text) if "cpu" in text.lower() else None
        if chosen and not _INTENT_DENIED.search(text, max(chosen.start() - 30, 0), chosen.end()):
            facts.observe(Obs.CPU_BUILD_INTENDED, document.line(index), document.number(index))
            break
    _no_nvidia(document, facts)
    for index in document.lines_with_any(("ld_library_path",), distinct=True):
        if _LD_FIX.search(document.line(index)):
            facts.observe(Obs.LIBRARY_PATH_FIX_STATED, document.line(index), document.number(index))
            break
    for index in document.lines_with("throttl", distinct=True):
        if _THROTTLED.search(document.line(index)):  # "the GPU gets throttled", "thermal throttling"
            facts.observe(Obs.GPU_THROTTLED, document.line(index), document.number(index), source="statement")
            break
    for index in document.lines_with_any(_HARDWARE_ANCHORS, distinct=True):
        text = document.line(index)
        if not _MESSAGE.search(text) and _HARDWARE.search(text):
            facts.observe(Obs.HARDWARE_FAULT_STATED, text, document.number(index))
            break
    for index in document.lines_with_any(("multiple", "two ", "several", "both", "duplicate", "conflicting", " 2 ",
                                          "installed with", " but ", " while ", " whereas ", " yet "), distinct=True):
        if _MULTIPLE.search(document.line(index)):
            facts.observe(Obs.MULTIPLE_INSTALLS_STATED, document.line(index), document.number(index))
            break
        if _TWO_INTERPRETERS.search(document.line(index)):
            facts.observe(Obs.MULTIPLE_INSTALLS_STATED, document.line(index), document.number(index),
                          kind="interpreters")
            break
    for index in document.lines_with("still", distinct=True):
        if _UPGRADE_NOT_SEEN.search(document.line(index)):
            facts.observe(Obs.MULTIPLE_INSTALLS_STATED, document.line(index), document.number(index), kind="upgrade")
            break
    for index in document.lines_with_any(_WARNING_ANCHORS, distinct=True):
        text = document.line(index)
        if (not _MESSAGE.search(text) and _WORKS_DESPITE_WARNING.search(document.lower[index])
                and not _NEGATED_RUN.search(text)):
            facts.observe(Obs.WORKS_DESPITE_WARNING, text, document.number(index))
            break
    for index in document.lines_with_any(("nvidia", "geforce"), distinct=True):
        text = document.line(index)
        if not text.lstrip().startswith("|") and not _MESSAGE.search(text) and _NVIDIA_GPU.search(text) and \
                not _NO_GPU.search(document.lower[index]):  # "my computer has no NVIDIA GPU" states none
            facts.observe(Obs.NVIDIA_GPU_STATED, text, document.number(index))
            break
    negated = set(document.lines_with_any(("not ", "n't", "undetected", "missing", "cannot", "unable", "unavailable",
                                           "has_gpu", "instead of", "only us", "识别不到", "检测不到", "找不到", "无法",
                                           "没有识别", "不可用", "認識", "見えない", "使えない", "인식", "не ", "no ",
                                           "não ", "no gpu", "gpus available", "gpu available", "unused",
                                           "number of gpus: 0", "login node", "head node", "front-end node",
                                           "frontend node", "submit node", "没", "不调用", "不使用", "不會", "不会", "还是", "仍然",
                                           "依然", "一直", "ない", "ません", "않", "사용 안", "안 쓰", "nicht",
                                           "n'est pas"),
                                          distinct=True))
    gpu_lines = set(document.lines_with_any(("gpu", "nvidia-smi", "显卡", "グラボ", "グラフィックボード", "그래픽",
                                             "видеокарт"), distinct=True))
    for index in sorted(gpu_lines | set(document.lines_with_any(("cuda", "back to", "还是", "仍然", "依然", "一直"),
                                                                distinct=True))):
        if index not in negated and "back to" not in document.lower[index]:
            continue
        text = document.line(index)
        if "executionprovider" in document.lower[index]:
            continue  # ONNX Runtime's providers: its own package, not whether the process sees a GPU
        said = index in gpu_lines or not _MESSAGE.search(text)  # CUDA's own error lines are read by the catalogue
        if said and _NOT_SEEN.search(text):
            facts.observe(Obs.GPU_NOT_SEEN, text, document.number(index))
            break
    if not facts.observed(Obs.GPU_NOT_SEEN):
        for index in document.lines_with("cpu", distinct=True):
            text = document.line(index)
            if not _MESSAGE.search(text) and _ON_CPU.search(text):
                facts.observe(Obs.GPU_NOT_SEEN, text, document.number(index))
                break
    for index in document.lines_with_any(_FAILS_ANCHORS, distinct=True):
        text = document.line(index)
        if not _MESSAGE.search(text) and _FAILS.search(text[:STATEMENT_CHARS]):
            facts.observe(Obs.FAILURE_STATED, text, document.number(index))
            break
    for index in document.lines_with_any(_INTENT_ANCHORS, distinct=True):
        text = document.line(index)
        lowered = document.lower[index]
        if _INTENT.search(lowered) and not _NO_GPU.search(lowered) and not _MESSAGE.search(text):
            facts.observe(Obs.GPU_INTENT, text, document.number(index))
            break


def _cpu_builds(document: Document, facts: Facts) -> None:
    for index in document.lines_with_any(_CPU_ANCHORS, distinct=True):
        text = document.line(index)
        if "+cpu" in document.lower[index]:
            match = _CPU_TAG.search(text)
            read = any(claim.line == document.number(index) for claim in facts.torch)
            if match and not read and not match.group("version").startswith("0."):
                facts.observe(Obs.CPU_BUILD_STATED, text, document.number(index), version=f"{match.group('version')}+cpu")
                continue
        match = _CPU_BUILD.search(text)
        if not match or _NOT.search(text[:match.start()]):
            continue
        if match.group(0).lower().lstrip().startswith("cuda used to build") and any(c.version for c in facts.torch):
            continue  # collect_env read whole: its torch claim already says the build has no CUDA
        _cpu_build_stated(document, facts, index, match)
    for index in document.lines_with_any(_BUILD_LACKS_ANCHORS):
        text = document.line(index)
        match = _BUILD_LACKS_CUDA.search(text)
        if match and not _NOT.search(text[:match.start()]):
            _cpu_build_stated(document, facts, index, match)


_UNNAMED_BINARY = lazy_compile(r"^(?:wheel|binary|binaries)\b", re.IGNORECASE)
_OTHER_FRAMEWORKS = ("tensorflow", "jax", "onnxruntime", "paddle", "mxnet", "cupy", "llama", "xformers", "bitsandbytes",
                     "vllm", "flash-attn", "flash_attn", "mmcv", "detectron", "faiss", "opencv", "cv2", "dlib", "tensorrt",
                     "deepspeed", "apex", "triton", "spconv", "ctranslate", "cuml", "rapids", "numba", "lightgbm",
                     "xgboost", "catboost", "mindspore", "sglang", "exllama", "auto_gptq", "auto-gptq", "gptq")


def _cpu_build_stated(document: Document, facts: Facts, index: int, match: "re.Match[str]") -> None:
    """A statement of a CPU build, kept when torch is named on its line or the lines around it, or when an
    unnamed wheel or binary is said to lack CUDA in a paste that names no other framework (the torch a
    setup.py or an installer pulled)."""
    said = match.group(0).lower()
    just_before = document.lower[index][max(0, match.start() - 24):match.start()]
    if any(name in said or name in just_before for name in _OTHER_FRAMEWORKS):
        # "the installed version of bitsandbytes was compiled without GPU support", "the TensorFlow CPU wheel":
        # another package's build
        return
    nearby = " ".join(document.line(i) for i in range(max(index - 2, 0), min(index + 3, len(document))))
    unnamed = _UNNAMED_BINARY.match(match.group(0)) is not None and not any(document.has(name) for name in _OTHER_FRAMEWORKS)
    if unnamed or _TORCH_WORD.search(nearby):
        facts.observe(Obs.CPU_BUILD_STATED, document.line(index), document.number(index),
                      kind="rocm" if "rocm" in match.group(0).lower() else None)


_PLATFORM_LIST = lazy_compile(r"\b(?:windows|linux)\s+(?:or|and|,)\s+mac\s?os\b|"
                              r"\bmac\s?os\s+(?:or|and|,)\s+(?:windows|linux)\b")
"""macOS named in a list of platforms (a program's notice), not as the machine the report comes from."""


def _no_nvidia(document: Document, facts: Facts) -> None:
    for anchors, pattern, kind in ((_NO_GPU_ANCHORS, _NO_GPU, "no GPU"), (_MAC_ANCHORS, _MAC, "Mac"),
                                   (_OTHER_GRAPHICS_ANCHORS, _OTHER_GRAPHICS, "other graphics")):
        for index in document.lines_with_any(anchors, distinct=True):
            text = document.line(index)
            if text.lstrip().startswith(("|", "[pip", "[conda")) or (kind == "no GPU" and _MESSAGE.search(text)):
                continue
            if kind == "Mac" and _PLATFORM_LIST.search(document.lower[index]):
                continue  # a program naming platforms: "Redirects are currently not supported in Windows or MacOs"
            match = pattern.search(document.lower[index])
            if match and kind == "no GPU" and (
                    match.group("on_cpu") and (_NVIDIA_WORD.search(text) or _ON_CPU.search(text))
                    or _NVIDIA_MODEL.search(text[:match.start()] + " " + text[match.end():])):
                # "running on CPU only, my nvidia 3080 is idle", "it's only running on CPU", "No GPU, but NVIDIA
                # RTX 5070 is installed": a complaint about a GPU the program does not use, not a machine without one
                continue
            if match:
                facts.observe(Obs.NO_NVIDIA_GPU, text, document.number(index), kind=kind)
                if kind == "Mac":
                    facts.set(lambda s: s.platform.system, "Darwin", 1)
                break
