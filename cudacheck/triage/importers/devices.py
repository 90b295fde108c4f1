"""Which GPU a program gets (CUDA's numbering against nvidia-smi's, ranks against devices), and what a report
says about the GPU hardware.

- **Two numberings.** CUDA numbers GPUs fastest first unless ``CUDA_DEVICE_ORDER=PCI_BUS_ID``;
  nvidia-smi (and tools built on NVML: GPUtil, nvtop, launchers' GPU pickers) number them by
  PCI bus. On a machine with different GPUs the same index names different cards. Evidence: a
  listing of nvidia-smi (table rows, ``-L``, ``--query-gpu`` CSV) and a listing of CUDA's
  devices (llama.cpp/ggml's ``Device 0: …``, deviceQuery, TensorFlow's ``device: 0, name: …``,
  ``torch.cuda.get_device_name(1)`` in a Python session)
  that pair one index with different GPUs; or a report saying the orders differ or that
  ``CUDA_DEVICE_ORDER`` fixes it (:data:`Obs.DEVICE_ORDER_DIFFERS`).
- **A device picked by rank under a per-task binding.** A line that chooses the GPU from a
  rank (``torch.cuda.set_device(local_rank)``, ``cuda:{LOCAL_RANK}``, ``SLURM_LOCALID``) is kept
  as :data:`Obs.DEVICE_BY_RANK`; the configuration rule judges it together with a Slurm job
  that binds one GPU per task. A report that CUDA_VISIBLE_DEVICES is ignored or has no effect
  (set after CUDA started, not exported, reset by a launcher, or the job said to stay on the first GPU where the
  variable chose another) is :data:`Obs.VISIBLE_DEVICES_IGNORED`; the job said to stay on the first GPU where the
  program's own setting chose another (``cuda:5``, ``--gpu_ids 2``) is :data:`Obs.GPU_CHOICE_IGNORED`; one
  that NCCL_P2P_DISABLE or turning off IOMMU/ACS fixes it is :data:`Obs.NCCL_SETTING_FIX`. NCCL's
  "invalid usage" where the report says there is only one GPU is :data:`Obs.DUPLICATE_GPU`: NCCL needs a GPU of
  its own for every rank.
- **The hardware in the report's words** (:data:`Obs.HARDWARE_SIGN_STATED`): a GPU reseated,
  dead or lost from the system, fans jumping to full speed, ECC errors on the card, a weak
  power supply or overheating, an unstable overclock, a
  fault on one of several cards, or a kernel fault in well-tested code (the CUDA samples, the
  MNIST example). Unlike a faulty card merely named next to a crash, these point at the
  hardware on their own.

Every recogniser needs its literal keyword on the line (the document's index), so the cost
stays linear in the input.
"""
from __future__ import annotations

import re
from typing import Dict, Optional

from ...observations import Obs
from ..document import STATEMENT_CHARS, Document
from ..facts import Facts
from ...lazy_regex import lazy_compile, lower_compile

_GPU_NAME = r"(?:NVIDIA\s+)?(?:GeForce|Quadro|Tesla|TITAN|RTX|GTX|[AHLBV]\d{1,3}\b|A\d{4}|T4\b|P\d{2,3}\b)[^,|\"'\n]*?"
_SMI_ROW = lazy_compile(r"^\|\s*(?P<index>\d{1,2})\s+(?P<name>" + _GPU_NAME + r")\s+(?:On|Off)\s*\|")
_SMI_LIST = lazy_compile(r"^\s*GPU\s+(?P<index>\d{1,2}):\s+(?P<name>" + _GPU_NAME + r")\s*\(UUID")
_SMI_CSV = lazy_compile(r"^\s*(?:(?P<first>\d{1,2}),\s*)?(?P<name>" + _GPU_NAME + r")\s*,[^\n]*?(?:,\s*(?P<last>\d{1,2}))?\s*$")
_CUDA_LIST = lazy_compile(r"^\s*(?:ggml_cuda_init:\s*)?Device\s+(?P<index>\d{1,2})\s*:\s*\"?(?P<name>" + _GPU_NAME +
                        r")\"?\s*(?:,|$)|\bdevice:\s*(?P<index2>\d{1,2}),\s*name:\s*(?P<name2>" + _GPU_NAME + r"),\s*pci",
                        re.IGNORECASE)
_NAME_ASKED = lazy_compile(r"get_device_name\(\s*(\d{1,2})\s*\)\s*$")
_NAME_PRINTED = lazy_compile(r"^\s*(?:Out\[\d+\]:\s*)?['\"](?P<name>" + _GPU_NAME + r")['\"]\s*$", re.IGNORECASE)
_ORDER_STATED = lazy_compile(
    r"CUDA_DEVICE_ORDER[^\n]{0,80}?\b(?:fix\w*|solv\w*|resolv\w*|works?|worked|helps?|helped)\b|"
    r"\b(?:fix\w*|solv\w*|resolv\w*|works?|worked|helps?|helped)\b[^\n]{0,100}?CUDA_DEVICE_ORDER|"
    r"\b(?:nvidia-smi|gputil|nvtop|nvml|pci\s+bus|task\s+manager)\W+(?:\w+\W+){0,3}?(?:order\w*|index\w*|numbering|"
    r"ids?)\b[^\n]{0,120}?(?:(?:doesn'?t|does\s+not|don'?t|do\s+not|may\s+not|might\s+not|won'?t)\s+match|\bdiffer\w*|"
    r"\bswapped\b|\breversed\b|\bbackwards?\b|\bopposite\b|\b(?:in|un)consistent\b|\bnot\s+consistent\b|\bdisagree\w*|"
    r"\bmismatch\w*)|"
    # the other way round: "the ids selection using --gpus seems unconsistent with the ID nvidia-smi gave me"
    r"\b(?:ids?|index|indices|indexes|numbering|order(?:ing)?)\b[^\n]{0,80}?\b(?:(?:in|un)consistent|not\s+consistent|"
    r"disagree\w*|differ\w*|(?:doesn'?t|does\s+not|don'?t|do\s+not)\s+match|mismatch\w*|swapped|reversed|opposite)\b"
    r"[^\n]{0,60}?\b(?:nvidia-smi|gputil|nvtop|nvml)\b|"
    # "I selected GPU 2 and 3, but nvidia-smi says the training is happening on GPU 0 and 1"
    r"\b(?:select\w*|chose|choos\w*|set|specif\w*|pick\w*|assign\w*)\s+(?:the\s+)?gpus?\s*(?:ids?\s*)?(?P<asked>\d)\b"
    r"[^\n]{0,100}?\bbut\b[^\n]{0,60}?\bnvidia-smi\b[^\n]{0,80}?\bgpus?\s*(?P<seen>\d)\b|"
    r"\b(?:device|gpu|cuda)\s+(?:ids?|indices|indexes|numbering|numbers|order(?:ing)?)\s+(?:are|is|were|was|seem\s+to\s+be)\s+"
    r"(?:swapped|reversed|backwards?|inverted|mixed\s+up|shuffled|in\s+(?:a\s+)?different\s+order)|"
    r"\bactually\s+(?:uses?|using|runs?\s+on|selects?|picks?)\s+(?:the\s+)?[^\n]{0,40}?\bvice\s+versa\b",
    re.IGNORECASE)
_ORDER_ANCHORS = ("cuda_device_order", "order", "index", "numbering", " id", "ids", "swapped", "reversed", "backward",
                  "vice versa", "mismatch", "differ", "consistent", "disagree", "select", "chose", "choos", "specif",
                  "pick", "assign", "set gpu")
_STILL_FIRST_ZH = (r"(?:还是|总是|永远|始终|依然|仍然|一直)[^\n，。,.]{0,12}?(?:第\s*[0一]\s*(?:张|块|号)|0\s*号|第一张|"
                   r"前[几两三四\d]+张|0\s*,\s*1\s*,)")
_MASK_IGNORED = lazy_compile(
    r"CUDA_VISIBLE_DEVICES\b[^\n]{0,60}?\b(?:is|gets?|was|seems?\s+to\s+be|being)\s+(?:completely\s+|simply\s+)?"
    r"(?:ignored|not\s+(?:respected|honou?red|applied|working|taking\s+effect))|"
    r"CUDA_VISIBLE_DEVICES\b[^\n]{0,60}?\b(?:has|had|have)\s+no\s+effect|"
    # a launcher that sets its own: "CUDA_VISIBLE_DEVICES would be reset if train on single node"
    r"CUDA_VISIBLE_DEVICES\b[^\n]{0,30}?\b(?:is|gets?|got|was|would\s+be|will\s+be|being)\s+(?:reset|overrid\w+|"
    r"overwritten|unset|cleared)\b|"
    r"CUDA_VISIBLE_DEVICES\b[^\n]{0,60}?\b(?:does\s*n[o']t|did\s*n[o']t|does\s+not|did\s+not)\s+have\s+(?:any\s+)?effect|"
    r"CUDA_VISIBLE_DEVICES\b[^\n]{0,40}?\b(?:does\s*n[o']t|did\s*n[o']t|does\s+not|did\s+not)\s+(?:work|take\s+effect|"
    r"apply|change\s+anything)|"
    r"CUDA_VISIBLE_DEVICES\b[^\n]{0,60}?\bafter\s+(?:the\s+)?(?:import(?:ing)?\s+(?:of\s+)?torch|torch\s+(?:is|was)\s+"
    r"imported|cuda\s+(?:is|was|has\s+been)\s+initiali[sz]ed)[^\n]{0,80}?\b(?:but|still|ignored|no\s+effect)\b|"
    r"CUDA_VISIBLE_DEVICES\b[^\n]{0,80}?\b(?:it|the\s+model|torch|pytorch|everything|the\s+job|the\s+program|the\s+process|"
    r"training)\s+(?:still\s+(?:uses?|goes\s+to|runs?\s+on|sees?|picks?|lands?\s+on|ends\s+up\s+on)|"
    r"(?:always|consistently)\s+(?:uses?|goes\s+to|runs?\s+on|picks?|lands?\s+on)\s+(?:the\s+)?(?:cuda\s*(?:index\s+|device\s+)?|"
    r"gpu\s*|device\s+|cuda:)?(?:0|zero|#0|first)\b)|"
    r"\b(?:ignor(?:es|ed|ing)|(?:is|are|was|were)\s+not\s+(?:respecting|honou?ring))\s+(?:the\s+|my\s+)?"
    r"CUD[AE]_VISIBLE_DEVICES\b|"  # "ollama now ignores CUDA_VISIBLE_DEVICES"
    r"CUDA_VISIBLE_DEVICES\b[^\n]{0,80}?(?:并?不生效|没有?(?:生效|效果|作用)|无效|不起作用|が効かない|効いていない|反映されない)|"
    # the writer's own lesson: it has to be set before torch (or a package importing it) is imported
    r"CUDA_VISIBLE_DEVICES\b[^\n]{0,80}?(?:\b(?:must|has\s+to|have\s+to|needs?\s+to)\s+be\s+set\s+before\s+"
    r"(?:the\s+first\s+|you\s+|any\s+)?import|(?:一定要|必须|需要|要)在\s*import[^\n]{0,40}?之前)|"
    # "…CUDA_VISIBLE_DEVICES=1，但是还是第0张卡"
    r"CUDA_VISIBLE_DEVICES\b[^\n]{0,80}?" + _STILL_FIRST_ZH,
    re.IGNORECASE)
_STILL_FIRST = lazy_compile(
    # the chosen GPUs not taking: "it still uses GPU 0", "always runs on the first GPU", "还是第0张卡", "总是默认前几张卡"
    r"\b(?:still|always)\s+(?:\w+\s+){0,3}?(?:uses?|using|runs?\s+on|running\s+on|goes\s+to|lands?\s+on|picks?|"
    r"selects?|starts?\s+on|occup\w+|allocat\w+\s+on)\s+(?:the\s+)?(?:first\s+(?:gpus?|cards?|devices?)|"
    r"(?:gpu|cuda|device|card)\s*(?:#|:|\s)?\s*0\b(?!\.\d))|" + _STILL_FIRST_ZH, re.IGNORECASE)
_DEVICE_CHOSEN = lazy_compile(r"\bcuda\s*:\s*[1-9]|\b(?:--)?(?:gpu_?ids?|gpus?|devices?|device_ids?)\b\s*[:=]?\s*\[?\s*"
                              r"['\"]?(?:cuda\s*:\s*)?[1-9]\b", re.IGNORECASE)
_MASK_VALUE = lazy_compile(r"CUDA_VISIBLE_DEVICES\W{0,6}?(?:=|:|\bto\b)\s*['\"]?(\d+(?:\s*,\s*\d+)*)")
_STILL_ANCHORS = ("still", "always", "还是", "总是", "永远", "始终", "仍然", "依然", "一直")
_P2P_OFF = (r"(?:NCCL_P2P_DISABLE|NCCL_P2P_LEVEL|(?:disabl\w*|turn\w*\s+off|switch\w*\s+off)\s+(?:the\s+)?(?:iommu|acs|"
            r"p2p|vt-d)\b|(?:intel_|amd_)?iommu=(?:off|pt)\b)")
_P2P_FIX = lazy_compile(
    _P2P_OFF + r"[^\n]{0,80}?\b(?:fix\w*|solv\w*|resolv\w*|works?|worked|helps?|helped|gone)\b|"
    r"\b(?:fix\w*|solv\w*|resolv\w*|works?|worked|helps?|helped)\b[^\n]{0,60}?" + _P2P_OFF, re.IGNORECASE)
_NET_SETTING = r"(?:NCCL_SOCKET_IFNAME|GLOO_SOCKET_IFNAME|NCCL_IB_DISABLE|NCCL_IB_HCA|NCCL_SOCKET_FAMILY|NCCL_NET_GDR_LEVEL)"
_NET_FIX = lazy_compile(
    _NET_SETTING + r"[^\n]{0,80}?\b(?:fix\w*|solv\w*|resolv\w*|works?|worked|helps?|helped|gone)\b|"
    r"\b(?:fix\w*|solv\w*|resolv\w*|worked|helped)\b[^\n]{0,60}?" + _NET_SETTING, re.IGNORECASE)
_HANG = lazy_compile(r"\b(?:stuck|hangs?|hanging|hung|deadlock\w*|freez\w*|frozen|no\s+progress)\b|卡住|卡死|卡在",
                     re.IGNORECASE)
_HANG_ANCHORS = ("stuck", "hang", "hung", "deadlock", "freez", "frozen", "no progress", "卡住", "卡死", "卡在")
_DISTRIBUTED = ("distributeddataparallel", "ddp", "torchrun", "init_process_group", "nccl", "all_reduce", "allreduce",
                "multi-gpu", "multi gpu", "multiple gpus", "multi-node", "deepspeed", "accelerate launch",
                "torch.distributed", "多卡")
_SEVERAL_GPUS = lazy_compile(r"\b(?:multiple|several|two|three|four|eight|[2-9])\s+(?:\w+\s+){0,2}?gpus\b|"
                             r"\b(?:rtx\s*)?\d{4}\s*[x×*]\s*[2-9]\b|\b[2-9]\s*[x×*]\s*(?:rtx\s*)?\d{4}\b", re.IGNORECASE)
_NEGATED_FIX = lazy_compile(r"\b(?:not|n't|no|never)\s+(?:\w+\s+){0,2}(?:fix|solv|help|work)", re.IGNORECASE)
_BY_RANK = lazy_compile(
    r"set_device\(\s*(?:self\.)?_?(?:local_?rank|rank|LOCAL_RANK|slurm_localid|local_id)\s*\)|"
    r"cuda:\{?\s*(?:self\.)?_?(?:local_?rank|LOCAL_RANK)\s*\}?|"
    r"SLURM_LOCALID[^\n]{0,60}?\b(?:device|gpu|cuda|rank)\b|\b(?:device|gpu)\w*[^\n]{0,40}?SLURM_LOCALID", re.IGNORECASE)


def parse(document: Document, facts: Facts) -> None:
    """Two numberings that disagree, or a report saying so; a multi-GPU job said to hang; a device chosen by rank."""
    _numberings(document, facts)
    _multi_gpu_hang(document, facts)
    hardware_signs(document, facts)
    masks = [m.group(1) for i in document.lines_with("visible_devices", distinct=True)
             for m in _MASK_VALUE.finditer(document.line(i))]
    first_only = bool(masks) and all(m == "0" for m in masks)  # only the first GPU chosen: staying on it is no sign
    for index in document.lines_with("visible_devices", distinct=True) if not first_only else ():
        text = document.line(index)
        match = _MASK_IGNORED.search(text)
        if match is None and len(text) < 200:  # "I set CUDA_VISIBLE_DEVICES=1" / "but it has no effect"
            text += " " + document.line(index + 1)
            match = _MASK_IGNORED.search(text)
        if match and not _NEGATED.search(text[:match.start()]):
            facts.observe(Obs.VISIBLE_DEVICES_IGNORED, text, document.number(index))
            break
    else:  # a GPU chosen on one line (the variable, or the program's own device setting), the job said to stay on
        # the first GPU(s) on another
        for index in document.lines_with_any(_STILL_ANCHORS, distinct=True) if not first_only else ():
            text = document.line(index)[:STATEMENT_CHARS]
            match = _STILL_FIRST.search(text)
            if match is None or _NEGATED.search(text[:match.start()]):
                continue
            if masks or _device_chosen(document):
                facts.observe(Obs.VISIBLE_DEVICES_IGNORED if masks else Obs.GPU_CHOICE_IGNORED, text,
                              document.number(index))
            break
    for index in document.lines_with_any(("nccl_p2p_disable", "iommu", " acs", "p2p"), distinct=True):
        text = document.line(index)
        if _P2P_FIX.search(text) and not _NEGATED_FIX.search(text):
            facts.observe(Obs.NCCL_SETTING_FIX, text, document.number(index))
            break
    for index in document.lines_with_any(("socket_ifname", "nccl_ib_", "nccl_net_gdr"), distinct=True):
        text = document.line(index)
        if _NET_FIX.search(text) and not _NEGATED_FIX.search(text):
            facts.observe(Obs.NCCL_NETWORK_FIX, text, document.number(index))
            break
    for index in document.lines_with_any(("set_device(", "cuda:", "slurm_localid"), distinct=True):
        if _BY_RANK.search(document.line(index)):
            facts.observe(Obs.DEVICE_BY_RANK, document.line(index), document.number(index))
            break
    _ranks_on_one_gpu(document, facts)


_ONE_GPU = lazy_compile(r"\b(?:only|just)\s+(?:one|1|a\s+single)\s+gpu\b|\b(?:a|one|my)\s+single[- ]gpu\b|"
                        r"\bsingle[- ]gpu\s+(?:machine|server|node|box|setup)\b|只有一张卡|只有一块|单卡", re.IGNORECASE)
_ONE_GPU_ANCHORS = ("gpu", "只有一", "单卡")


def _ranks_on_one_gpu(document: Document, facts: Facts) -> None:
    """NCCL's "invalid usage" where the report says there is one GPU: NCCL needs a GPU of its own for every rank, so
    two ranks (a trainer and a generation server, two workers) share it — what "Duplicate GPU detected" says."""
    if facts.observed(Obs.DUPLICATE_GPU):
        return
    usage = next((i for i in document.lines_with("invalid usage", distinct=True) if "nccl" in document.lower[i]), None)
    if usage is None:
        return
    if any(_ONE_GPU.search(document.line(i)) for i in document.lines_with_any(_ONE_GPU_ANCHORS, distinct=True)):
        facts.observe(Obs.DUPLICATE_GPU, document.line(usage), document.number(usage))


def _device_chosen(document: Document) -> bool:
    """Whether the paste chooses a GPU other than the first by the program's own setting (``cuda:5``,
    ``--gpu_ids 1``, ``device=[2]``)."""
    return any(_DEVICE_CHOSEN.search(document.line(index))
               for index in document.lines_with_any(("cuda", "gpu", "device"), distinct=True))


def _multi_gpu_hang(document: Document, facts: Facts) -> None:
    """A report that a job on several GPUs hangs (the first such line, not negated)."""
    for index in document.lines_with_any(_HANG_ANCHORS, distinct=True):
        text = document.line(index)[:STATEMENT_CHARS]
        match = _HANG.search(text)
        if match and not _NEGATED.search(text[max(match.start() - 60, 0):match.start()]):
            if _several_gpus(document):
                facts.observe(Obs.MULTI_GPU_HANG_STATED, document.line(index), document.number(index))
            return


def _several_gpus(document: Document) -> bool:
    """The job uses more than one GPU: a distributed launcher or API, or "multiple 4090 GPUs", "RTX 4090 * 5"."""
    if any(document.has(word) for word in _DISTRIBUTED):
        return True
    lines = document.lines_with_any(("gpu", "*", "×", " x"), distinct=True)[:200]
    return any(_SEVERAL_GPUS.search(document.line(index)) for index in lines)


def _key(name: str) -> str:
    return re.sub(r"\b(?:nvidia|geforce)\b|\s+", "", name.lower())


def _numberings(document: Document, facts: Facts) -> None:
    smi: Dict[int, str] = {}
    csv_rows = 0
    for index in document.lines_with_any(("|", "gpu ", ","), distinct=True):
        text = document.line(index)
        match = _SMI_ROW.match(text) or _SMI_LIST.match(text)
        if match:
            smi.setdefault(int(match.group("index")), match.group("name").strip())
            continue
        csv = _SMI_CSV.match(text) if "," in text and "device" not in document.lower[index] else None
        if csv:
            number = csv.group("first") or csv.group("last")
            smi.setdefault(int(number) if number else csv_rows, csv.group("name").strip())
            csv_rows += 1
    cuda: Dict[int, str] = {}
    first_line: Optional[int] = None
    for index in document.lines_with_any(("device ", "device:"), distinct=True):
        match = _CUDA_LIST.search(document.line(index))
        if match:
            number = match.group("index") or match.group("index2")
            cuda.setdefault(int(number), (match.group("name") or match.group("name2")).strip())
            first_line = index if first_line is None else first_line
    for index in document.lines_with("get_device_name("):  # a Python session: >>> torch.cuda.get_device_name(1)
        asked = _NAME_ASKED.search(document.line(index))
        following = document.next_nonblank(index)
        printed = _NAME_PRINTED.match(document.line(following)) if asked and following is not None else None
        if asked and printed:
            cuda.setdefault(int(asked.group(1)), printed.group("name").strip())
            first_line = index if first_line is None else first_line
    shared = sorted(set(smi) & set(cuda))
    same_gpus = sorted(_key(n) for n in smi.values()) == sorted(_key(n) for n in cuda.values())
    if first_line is not None and len(shared) >= 2 and same_gpus and \
            any(_key(smi[i]) != _key(cuda[i]) for i in shared):
        facts.observe(Obs.DEVICE_ORDER_DIFFERS, document.line(first_line), document.number(first_line),
                      kind="listings", cuda_0=cuda[shared[0]], smi_0=smi[shared[0]])
        return
    for index in document.lines_with_any(_ORDER_ANCHORS, distinct=True):
        match = _ORDER_STATED.search(document.line(index))
        if match and (match.group("asked") is None or match.group("asked") != match.group("seen")):
            facts.observe(Obs.DEVICE_ORDER_DIFFERS, document.line(index), document.number(index), kind="statement")
            return


# --- the GPU itself, in the report's words -------------------------------------------------------------------------
_NEGATED = lazy_compile(r"(?:\bnot|n't|\bno|\bnever|\bwithout|\brule[sd]? out|\bruled out)\W+(?:\w+\W+){0,4}$", re.IGNORECASE)
_GPU = r"(?:gpus?|cards?|graphics\s+cards?|video\s+cards?|rtx\s*\d{4}|gtx\s*\d{3,4}|\w\d{2,3}s?)"
_HARDWARE_FAMILIES = (
    # a physical action or state: reseating, a card that died, a GPU lost from the system
    (("seat", "died", "dead", "burn", "fried", "lost", "losing", "loses", "disappear", "vanish", "dropp", "missing"),
     r"\b(?:re-?seat\w*)\s+(?:the\s+|a\s+|my\s+|that\s+|all\s+)?(?:\w+\s+)?" + _GPU + r"|\b" + _GPU +
     r"\s+(?:was|is|were|wasn'?t|isn'?t)\s+(?:not\s+)?(?:properly\s+|correctly\s+|fully\s+)?seated\b|\b" + _GPU +
     r"\s+(?:re-?seated|(?:has\s+|had\s+)?died|is\s+dead|burn(?:ed|t)\s+out|fried)\b|"
     r"\b(?:lost|losing|loses)\s+(?:a|one|an?\s+other|two|\d)\s+(?:of\s+(?:its|the|my|our)\s+)?" + _GPU + r"\b|"
     r"\b(?:gpu|card)s?\s*#?\d*\s+(?:disappear\w*|vanish\w*|dropp\w*\s+(?:out|off)|went\s+missing|goes\s+missing)|"
     r"\b(?:dropp\w*|disappear\w*)\s+(?:off|from)\s+the\s+(?:pcie?\s+)?bus\b|"
     # gone from the tools that list it: "one of the 8 GPUs disappears from nvidia-smi"
     r"\b(?:disappear\w*|vanish\w*|(?:drops?|dropped|dropping)\s+out)\s+(?:of|from)\s+(?:the\s+)?(?:nvidia-smi|lspci|"
     r"device\s+manager)\b"),
    # other languages: a card that drops out (掉卡), broke, overheats, a weak power supply
    (("掉卡", "显卡", "电源", "供电", "重启", "グラボ", "電源", "熱暴走"),
     r"掉卡|显卡(?:就|又|会|突然|经常)?(?:掉了|坏了|烧了|过热|温度过高)|电源(?:不足|功率不够|不够)|供电不足|グラボ(?:が)?(?:壊れ|死ん|落ちる)|"
     r"電源(?:容量)?不足|熱暴走|(?:毛病|问题|原因)[^\n]{0,8}电源|换(?:个|一个|了)?电源|"
     r"(?:电脑|机器|主机|系统)[^\n]{0,4}(?:就|会|直接|突然|自动)*重启"),
    # a defective card: returned, replaced under warranty
    (("defective", "faulty", "rma"),
     r"\brma(?:'?e?d|\s+(?:the|my|it|this))\b|\b(?:card|gpu)s?\b[^\n]{0,40}?\b(?:is|are|was|were|be|being)\s+"
     r"(?:(?!not\b|never\b)\w+\s+)?(?:defective|faulty)\b|\b(?:defective|faulty)\s+(?:\w+\s+){0,4}?(?:card|gpu)s?\b|"
     r"\b(?:signs\s+of\s+being|known\s+to\s+be)\s+defective\b"),
    # power, cabling and heat
    (("psu", "power", "spike", "riser", "pcie", "fan", "ecc", "vram", "gpu memory", "reboot", "restarts", "shuts",
      "turns off", "overheat", "thermal shutdown", "temp ", "temps ", "temperature", "overclock", "cold "),
     r"\b(?:psu|power\s+supply)\b[^\n]{0,60}?\b(?:too\s+weak|insufficient|not\s+enough|underpowered|undersized|"
     r"fail\w*|faulty|replac\w*|upgrad\w*)\b|\b(?:insufficient|not\s+enough)\s+power\b|"
     r"\b(?:undersized|insufficient|weak|underpowered|inadequate|faulty|failing|too\s+small\s+an?)\s+"
     r"(?:\d+\s*w\s+)?(?:psu|power\s+supply)\b|\bcold\s+(?:reboot|restart)s?\b|"
     r"\btemp(?:erature)?s?\s+(?:of|around|about|at|up\s+to|reach\w*|hit\w*|goes\s+up\s+to|were|was|is|are)\s+"
     r"(?:about\s+|around\s+)?(?:9[5-9]|1[0-2]\d)\s*(?:-\s*1?\d\d\s*)?(?:°\s*c\b|degrees|c\b)|"
     r"\bpower\s+(?:cables?|connectors?)\b[^\n]{0,40}?\b(?:loose|melt\w*|daisy|split\w*|adapter|replac\w*)|"
     r"\b(?:psu|power\s+supply)\s+(?:can'?t|cannot|could\s*n'?t|does\s*n'?t|is\s+not\s+able\s+to)\s+(?:handle|deliver|"
     r"keep\s+up)|\b(?:power|transient)\s+spikes?\b|"
     r"\b(?:replac\w*|swapp?\w*|chang\w*|remov\w*|reseat\w*)\s+(?:the\s+|my\s+|a\s+)?(?:pcie\s+)?(?:riser(?:\s+cable)?|"
     r"pcie\s+(?:cable|extender|slot)|power\s+cable)\b|"
     r"\bfans?\s+(?:\w+\s+)?(?:spins?|spinning|ramps?|ramping|goes|go|went|jumps?|running|runs?)\s+(?:up\s+)?(?:to\s+|at\s+)?"
     r"(?:full(?:\s+speed)?|max\w*|100\s*%)|\b(?:ecc|vram|gpu\s+memory)\s+errors?\s+(?:on|in|reported\s+(?:on|by)|from)\s+"
     r"(?:the\s+|my\s+|one\s+|a\s+)?(?:gpu|card)|"
     r"\b(?:pc|computer|machine|system|server|box|workstation)\s+(?:\w+\s+)?(?:reboots|restarts|shuts\s+(?:down|off)|"
     r"turns\s+off|powers\s+off|power\s+cycles)\s+(?:itself\s+)?(?:completely\s+|immediately\s+|instantly\s+)?"
     r"(?:when|as\s+soon\s+as|once|under|during|whenever|every\s+time|each\s+time)\b|"
     r"\b(?:when|as\s+soon\s+as|once|whenever|every\s+time|each\s+time)\s+(?:i\s+|we\s+)?(?:start|run|launch|begin|"
     r"execute)\w*\s+(?:the\s+|a\s+|my\s+)?"
     r"(?:training|inference|generation|generating|job|script|model|[\w./-]+\.(?:py|sh))\b[^\n]{0,30}?\b(?:my\s+|the\s+)?(?:pc|computer|"
     r"machine|system|workstation)\s+(?:\w+\s+)?(?:reboots|restarts|shuts\s+(?:down|off)|turns\s+off|powers\s+off)|"
     r"\boverheat\w*|\bthermal\s+shutdown\b|\b(?:gpu|card)\s+(?:\w+\s+)?(?:temp\w*)\s+(?:reaches|hits|goes\s+up\s+to|"
     r"is\s+at|climbs\s+to)\s+(?:9\d|1\d\d)\s*°?\s*c\b|"
     r"\b(?:remov\w*|disabl\w*|undo\w*|revert\w*)\s+(?:the\s+|my\s+)?overclock\w*|\boverclock\w*[^\n]{0,40}?"
     r"\b(?:caus\w*|culprit|unstable|fault)|"
     r"\b(?:pc|computer|machine|system|server|box|workstation)\s+(?:\w+\s+)?(?:switch(?:es)?\s+off|powers\s+down)\s+"
     r"(?:itself\s+)?(?:when|as\s+soon\s+as|once|under|during|whenever)\b|"
     r"\b(?:crash(?:es|ed)?|freez(?:es|ed))\s+and\s+(?:then\s+)?(?:reboots|restarts|rebooted|restarted)\s+(?:the\s+|my\s+|"
     r"our\s+)(?:whole\s+|entire\s+)?(?:pc|computer|machine|system|server|workstation|box)\b|"
     r"\b(?:it|training|which|that|this)\s+(?:\w+\s+)?(?:reboots|restarts|shuts\s+down|powers\s+off|turns\s+off)\s+"
     r"(?:the\s+|my\s+|our\s+)(?:whole\s+|entire\s+)?(?:pc|computer|machine|system|server|workstation|box)\b|"
     r"\b(?:during|while|in\s+the\s+middle\s+of)\s+(?:the\s+)?(?:training|inference|a\s+run|the\s+run)\b[^\n]{0,40}?"
     r"\b(?:the\s+)?(?:whole\s+|entire\s+)?(?:pc|computer|machine|system|server|workstation)\s+(?:just\s+|simply\s+)?"
     r"(?:reboots|restarts|shuts\s+(?:down|off)|turns\s+off|switches\s+off|powers\s+off)"),
    # the machine freezing and going down, and games failing too: the card, not the CUDA stack ("the whole machine
    # freezes and reboots", "other games crash too", "it also crashes in games")
    (("freez", "froze", "hangs", "locks up", "game", "gaming"),
     r"\b(?:pc|computer|machine|system|server|workstation|box)\s+(?:\w+\s+)?(?:freezes|froze|hangs|locks\s+up)\s+"
     r"(?:up\s+)?and\s+(?:then\s+)?(?:reboots|restarts|rebooted|restarted|shuts\s+(?:down|off)|powers\s+off)\b|"
     r"\b(?:other\s+|some\s+|my\s+)?(?:games|gaming)\s+(?:also\s+|even\s+)?(?:crash|freez|black[- ]?screen|artifact)\w*"
     r"(?:\s+(?:too|as\s+well))?|\b(?:also|even)\s+(?:crash|freez)\w*\s+(?:in|during|while)\s+(?:\w+\s+)?"
     r"(?:games?|gaming)\b"),
    # a lower power limit (or an undervolt) that makes the failures stop: the card or its supply cannot hold the peaks
    (("-pl", "power limit", "power", "undervolt"),
     r"(?:\bnvidia-smi\s+(?:-i\s+\d+\s+)?-pl\s+\d+|\b(?:lower\w*|limit\w*|reduc\w*|cap\w*|sett?\w*)\s+"
     r"(?:the\s+|my\s+)?(?:gpu'?s?\s+)?power(?:\s+limit)?|\bpower\s+limit\w*|\bundervolt\w*)\b[^\n]{0,80}?"
     r"\b(?:fix\w*|solv\w*|runs?\s+(?:fine|for\s+(?:days|hours)|stabl[ey])|is\s+stable|stable\s+now|no\s+(?:more\s+)?"
     r"(?:crash|error|problem|freez)\w*|without\s+(?:any\s+)?(?:problem|issue|crash|error)s?)|"
     r"\b(?:runs?|works?|stable|fine)\b[^\n]{0,40}?\b(?:when|after|once|if)\s+(?:i\s+|we\s+)?"
     r"(?:limit|lower|reduc|cap|set)\w*\s+(?:the\s+|my\s+)?(?:gpu'?s?\s+)?power"),
    # the whole machine going down hard under GPU load: "a sudden hardware shutdown", "freeze up and then crash hard"
    (("shutdown", "shut down", "crash hard", "crashes hard", "hard crash", "power off", "powers off", "freeze", "whole",
      "entire", "by itself", "on its own"),
     r"\b(?:sudden|hard|abrupt|instant)\s+(?:hardware\s+|system\s+|power\s+)?(?:shutdown|shut\s+down|power[- ]?off)\b|"
     # "whole pc crashes … and pc resets", "my computer restarts by itself when I start training"
     r"\b(?:whole|entire)\s+(?:pc|computer|machine|system|workstation)\s+(?:\w+\s+)?(?:crash(?:es|ed)?|resets|reboots|"
     r"restarts|shuts\s+(?:down|off)|powers\s+off|turns\s+off)\b(?![^\n]{0,30}?\b(?:oom|out\s+of\s+memory|ram|memory)\b)|"
     r"\b(?:pc|computer|machine|system|workstation)\s+(?:\w+\s+)?(?:resets|reboots|restarts|shuts\s+(?:down|off)|"
     r"powers\s+off|turns\s+off)\s+(?:\w+\s+)?(?:by\s+itself|on\s+its\s+own)\b|"
     r"\b(?:system|machine|pc|computer|workstation|server)\s+(?:will\s+|would\s+)?(?:freezes?|froze|freezing|hangs?)"
     r"\s+(?:up\s+)?and\s+(?:then\s+)?(?:crash(?:es)?|reboots?|restarts?|shuts?\s+(?:down|off))\s+hard\b"),
    # a stress test or memory test of the card that fails
    (("gpu-burn", "gpu_burn", "gpuburn", "memtest", "occt", "furmark", "stress test"),
     r"\b(?:gpu[-_]?burn|memtest\w*|memtest_vulkan|occt|furmark|(?:gpu\s+)?stress\s+test)\b[^\n]{0,40}?"
     r"\b(?:reports?|report(?:ed|s)|shows?|showed|found|finds|gives?|gave|throws?|fail\w*|crash\w*)\s+"
     r"(?:\w+\s+)?(?:errors?|faults?|fail\w*|artifacts?)|"
     r"\b(?:gpu[-_]?burn|memtest\w*|occt|furmark)\b\s+(?:test\s+)?(?:fails|failed)\b"),
    # nvidia-smi's ERR! as the report describes it
    (("err!",),
     r"\bnvidia-smi\b[^\n]{0,30}?\b(?:shows?|showed|displays?|reports?|prints?|gives?)\s+(?:an?\s+)?[\"']?err!|"
     r"\b(?:shows?|showed|displays?|reports?)\s+(?:an?\s+)?[\"']?err![\"']?\s+in\s+nvidia-smi\b"),
    # a GPU that works for a while and is gone until the next reboot
    (("reboot", "restart", "hours", "days", "until"),
     r"\b(?:works?|working|runs?|running|fine)\s+(?:again\s+)?(?:for\s+(?:a\s+few|some|several|\d+)\s+"
     r"(?:minutes|hours|days)|for\s+a\s+while)\s+(?:again\s+)?after\s+(?:a|each|every)\s+(?:reboot|restart)|"
     r"\bafter\s+(?:a|each|every)\s+(?:reboot|restart)\b[^\n]{0,30}?\b(?:works?|working|runs?|fine)\s+(?:again\s+)?"
     r"(?:for\s+(?:a\s+few|some|several|\d+)\s+(?:minutes|hours|days)|for\s+a\s+while)|"
     r"\bafter\s+(?:a\s+few|some|several|\d+)\s+(?:hours|days)\b[^\n]{0,60}?\b(?:gpu|card|nvidia-smi)\b[^\n]{0,40}?"
     r"\b(?:disappear\w*|is\s+lost|is\s+gone|no\s+devices\s+were\s+found|vanish\w*)|"
     # "after the crash nvidia-smi shows 'No devices were found' until I reboot"
     r"\bno\s+devices\s+were\s+found\b[^\n]{0,40}?\buntil\s+(?:i\s+|we\s+)?(?:a\s+|the\s+)?(?:reboot|restart)"),
    # throughput that falls the longer the GPU works (heat, power): "getting slower and slower", "slows down over time",
    # "drastic periodic change in epoch times"
    (("slower and slower", "slows down", "slowing down", "slower over time", "epoch time", "iteration time",
      "step time"),
     r"\b(?:gets?|getting|got|becomes?|becoming|became|runs?|running|goes|going)\s+slower\s+and\s+slower\b|"
     r"\bslow(?:s|ing)?\s+down\s+(?:over\s+time|gradually|more\s+and\s+more|after\s+(?:a\s+)?(?:few|some|\d+)\s+"
     r"(?:minutes|hours|epochs|steps|iterations))|\bslower\s+over\s+time\b|"
     r"\b(?:drastic|periodic|sudden)\w*\s+(?:\w+\s+){0,2}(?:change|drop|increase|jump)\w*\s+in\s+(?:the\s+)?"
     r"(?:epoch|iteration|step)\s+times?"),
    # the fault follows one card
    (("only happens on", "only occurs on", "fails only on", "happens only on", "the other ", "all other ", " only"),
     r"\b(?:only\s+(?:happens|occurs|fails|crashes)\s+on|happens\s+only\s+on|fails\s+only\s+on)\s+(?:the\s+)?"
     r"(?:gpu|card|device)\s*#?\s*\d+\b|\b(?:happens|occurs|fails|crash\w*|errors?)\b[^\n]{0,40}?\bon\s+"
     r"(?:gpu|card|device)\s*#?\s*\d+\s+only\b|"
     r"\b(?:same\s+(?:job|code|script|run)|it)\s+(?:works?|runs?|is)\s+(?:fine|ok(?:ay)?|well)\s+on\s+(?:all\s+)?the\s+"
     r"other\s+(?:\d+|two|three|four|five|six|seven)\b(?:\s+(?:gpus?|cards?))?|"
     r"\b(?:all\s+)?(?:the\s+)?other\s+(?:\d+\s+|two\s+|three\s+|seven\s+)?(?:gpus|cards)\b[^\n]{0,30}?\s(?:work|run|are)"
     r"\b[^\n]{0,30}?\b(?:fine|ok(?:ay)?|normally)\b"),
    (("one of",),
     r"\b(?:error|errors|crash\w*|fail\w*|issue|problem|xid)\b[^\n]{0,60}?\bon\s+(?:only\s+)?one\s+of\s+(?:my|the|our|"
     r"its|these)\s+" + _GPU + r"|\bone\s+of\s+(?:my|the|our)\s+(?:\d+\s+)?" + _GPU + r"(?:\s+(?:on|in)\s+[\w.-]+)?\s+"
     r"(?:keeps\s+)?(?:fail\w*|crash\w*|throws?|errors?\s+out|(?:is|seems(?:\s+to\s+be)?)\s+(?:broken|faulty|bad|dead|"
     r"defective)|(?:is|seems\s+to\s+be)\s+not\s+working|(?:isn'?t|doesn'?t|does\s+not)\s+work)"),
    # the machine going down under load, in Japanese and Chinese: "学習中にPCが落ちます", "训练时电脑自动重启"
    (("中に", "中にpc", "落ち", "重启", "关机", "断电", "黑屏", "掉卡"),
     r"(?:学習|推論|訓練|トレーニング|実行|生成)中に\s*(?:pc|パソコン|電源|マシン)が\s*(?:落ち|切れ|再起動)|"
     r"(?:训练|推理|跑|运行|生成)[^\n]{0,8}?(?:时|的时候|中)[^\n]{0,8}?(?:电脑|主机|机器|服务器)?\s*(?:会|就)?\s*"
     r"(?:自动)?(?:重启|关机|断电|黑屏)|掉卡"),
    # the same in Russian, Spanish and Portuguese: "при обучении компьютер перезагружается", "se reinicia el pc al
    # entrenar"
    (("перезагруж", "выключается", "отключается", "вырубается", "se reinicia", "se apaga", "reinicia", "desliga"),
     r"(?:при|во\s+время)\s+(?:обучени\w*|трениров\w*|нагрузк\w*|генераци\w*|запуск\w*)[^\n]{0,40}?"
     r"(?:компьютер|пк|система|машина|сервер)\s+(?:\w+\s+)?(?:перезагружается|выключается|отключается|вырубается)|"
     r"(?:компьютер|пк|система|машина|сервер)\s+(?:\w+\s+)?(?:перезагружается|выключается|отключается|вырубается)"
     r"[^\n]{0,20}?(?:при|во\s+время)\s+(?:обучени\w*|трениров\w*|нагрузк\w*|генераци\w*)|"
     r"(?:el\s+|la\s+|o\s+|a\s+)?(?:pc|computadora|ordenador|computador|máquina|maquina)\s+(?:se\s+)?(?:reinicia|apaga|"
     r"desliga|reinicializa)[^\n]{0,30}?(?:al|cuando|durante|ao|quando)\s+(?:\w+\s+)?(?:entren\w*|trein\w*|"
     r"generar|gerar|carga)|"
     r"(?:al|cuando|durante|ao|quando)\s+(?:\w+\s+){0,2}(?:entren\w*|trein\w*|generar|gerar)[^\n]{0,30}?"
     r"(?:pc|computadora|ordenador|computador|máquina|maquina)\s+(?:se\s+)?(?:reinicia|apaga|desliga|reinicializa)"),
    # the card's temperature in Japanese and Chinese: "温度が 90度近く", "显卡温度达到95℃"
    (("温度",),
     r"温度[がはも]?\s*(?:达到|到了|高达|超过|上升到|が)?\s*(?:9\d|1[0-2]\d)\s*(?:度|℃|°\s*c)"),
    # what a failing card shows outside CUDA: artifacts on screen, Windows stopping the device (Code 43), a card that
    # works in another slot
    (("artifact", "code 43", "slot"),
     r"\bartifact(?:ing|s)\b[^\n]{0,60}?\b(?:games?|gaming|screen|display|desktop|benchmarks?)\b|"
     r"\b(?:games?|gaming|screen|display|desktop)\b[^\n]{0,40}?\bartifact(?:ing|s)\b|"
     r"stopped\s+this\s+device\s+because\s+it\s+has\s+reported\s+problems\W+\(?code\s+43\b|"
     r"\b(?:swapp|mov|put|plugg|install)\w*\s+(?:the\s+|my\s+|that\s+)?" + _GPU + r"\s+(?:in)?to\s+(?:an?\s*other|a\s+"
     r"different|the\s+other|another)\s+(?:pcie?\s+)?slot\b"),
)
_HARDWARE_SIGNS = tuple((anchors, lower_compile(pattern)) for anchors, pattern in _HARDWARE_FAMILIES)
"""Each family of wordings runs only on the lines holding one of its own keywords, in their lower-cased twins."""
_TESTED_CODE = lower_compile(
    r"\b(?:mnist|cifar-?10|official\s+(?:pytorch\s+)?examples?|pytorch/examples|cuda[- ]samples|devicequery|vectoradd|"
    r"matrixmul|bandwidthtest|simplep2p|p2pbandwidthlatencytest|(?:a|the)\s+(?:simple|basic|tiny|plain)\s+"
    r"(?:matmul|matrix\s+multiplication|tensor\s+(?:op|operation)|example))\b[^\n]{0,120}?"
    r"(?:illegal\s+memory\s+access|unspecified\s+launch\s+failure|illegal\s+instruction|misaligned\s+address|"
    r"hardware\s+stack\s+error)")
_TESTED_ANCHORS = ("mnist", "cifar", "example", "samples", "devicequery", "vectoradd", "matrixmul", "bandwidthtest",
                   "simplep2p", "p2pbandwidth", "matmul", "matrix multiplication", "tensor op")


_WORKS_ELSEWHERE = lazy_compile(
    r"\b(?:works?|worked|working|runs?|ran|running)\s+(?:fine\s+|ok(?:ay)?\s+|well\s+|perfectly\s+|without\s+(?:any\s+)?"
    r"(?:errors?|problems?|issues?)\s+)?on\s+(?:my|our|his|her|their|a\s+colleague'?s?)\s+(?:other|second|another|"
    r"old(?:er)?|new(?:er)?|different)\s+(?:machine|computer|pc|server|node|laptop|workstation|gpu|card)s?\b|"
    r"\b(?:the\s+)?(?:same|identical)\s+(?:code|script|setup|model)\s+(?:works?|runs?)\s+(?:fine\s+)?on\s+(?:an?\s+)?"
    r"(?:other|another|different|second)\s+(?:machine|computer|pc|server|node|gpu|card)|"
    # a fault that follows one node of a cluster: "passes on every other node", "only node gpu-17 fails"
    r"\b(?:pass(?:es)?|works?|runs?|is\s+fine)\s+(?:fine\s+)?on\s+(?:every|each|all(?:\s+the)?)\s+other\s+"
    r"(?:\d+\s+)?(?:nodes?|machines?|servers?|hosts?)\b|"
    r"\bonly\s+(?:on\s+)?(?:node|host|server|machine)\s+[\w.-]*\d[\w.-]*\s+(?:fails|crashes|errors?|has|shows|gets)\b|"
    r"\b(?:only\s+(?:happens|occurs|fails|crashes)|(?:happens|occurs|fails|crashes)\s+only)\s+on\s+(?:one|a\s+single)\s+"
    r"(?:of\s+(?:our|the|my)\s+(?:\d+\s+)?)?(?:nodes?|machines?|servers?|hosts?)\b", re.IGNORECASE)


def hardware_signs(document: Document, facts: Facts) -> None:
    """A report pointing at the GPU hardware: a card reseated, died or lost, power or heat, a fault that follows
    one card, or a kernel fault in well-tested code (the CUDA samples, the MNIST example)."""
    found = []
    for anchors, pattern, kind in (*((a, p, "hardware") for a, p in _HARDWARE_SIGNS),
                                   (_TESTED_ANCHORS, _TESTED_CODE, "well-tested code")):
        for index in document.lines_with_any(anchors, distinct=True):
            text = document.lower[index][:STATEMENT_CHARS]
            match = pattern.search(text)
            if match and not _NEGATED.search(text[max(match.start() - 60, 0):match.start()]):
                found.append((index, kind))
                break
    if found:
        index, kind = min(found)
        facts.observe(Obs.HARDWARE_SIGN_STATED, document.line(index), document.number(index), kind=kind)
        return
    for index in document.lines_with_any(("on my ", "on our ", "on his ", "on her ", "on their ", "on a colleague",
                                          "same code", "same script", "same setup", "same model", "identical",
                                          "other node", "other machine", "other server", "other host", "only node",
                                          "only host", "only server", "only machine", "only on node", "only on host",
                                          "on one", "on a single"), distinct=True):
        if _WORKS_ELSEWHERE.search(document.line(index)):  # judged with a kernel fault by the health rule
            facts.observe(Obs.HARDWARE_FAULT_STATED, document.line(index), document.number(index))
            return
