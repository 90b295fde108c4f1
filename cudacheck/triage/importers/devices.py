"""Which GPU a program gets: CUDA's numbering against nvidia-smi's, and ranks against devices.

- **Two numberings.** CUDA numbers GPUs fastest first unless ``CUDA_DEVICE_ORDER=PCI_BUS_ID``;
  nvidia-smi (and tools built on NVML: GPUtil, nvtop, launchers' GPU pickers) number them by
  PCI bus. On a machine with different GPUs the same index names different cards. Evidence: a
  listing of nvidia-smi (table rows, ``-L``, ``--query-gpu`` CSV) and a listing of CUDA's
  devices (llama.cpp/ggml's ``Device 0: …``, deviceQuery, TensorFlow's ``device: 0, name: …``)
  that pair one index with different GPUs; or a report saying the orders differ or that
  ``CUDA_DEVICE_ORDER`` fixes it (:data:`Obs.DEVICE_ORDER_DIFFERS`).
- **A device picked by rank under a per-task binding.** A line that chooses the GPU from a
  rank (``torch.cuda.set_device(local_rank)``, ``cuda:{LOCAL_RANK}``, ``SLURM_LOCALID``) is kept
  as :data:`Obs.DEVICE_BY_RANK`; the configuration rule judges it together with a Slurm job
  that binds one GPU per task.

Every recogniser needs its literal keyword on the line (the document's index), so the cost
stays linear in the input.
"""
from __future__ import annotations

import re
from typing import Dict, Optional

from ...observations import Obs
from ..document import Document
from ..facts import Facts

_GPU_NAME = r"(?:NVIDIA\s+)?(?:GeForce|Quadro|Tesla|TITAN|RTX|GTX|[AHLBV]\d{1,3}\b|A\d{4}|T4\b|P\d{2,3}\b)[^,|\"'\n]*?"
_SMI_ROW = re.compile(r"^\|\s*(?P<index>\d{1,2})\s+(?P<name>" + _GPU_NAME + r")\s+(?:On|Off)\s*\|")
_SMI_LIST = re.compile(r"^\s*GPU\s+(?P<index>\d{1,2}):\s+(?P<name>" + _GPU_NAME + r")\s*\(UUID")
_SMI_CSV = re.compile(r"^\s*(?:(?P<first>\d{1,2}),\s*)?(?P<name>" + _GPU_NAME + r")\s*,[^\n]*?(?:,\s*(?P<last>\d{1,2}))?\s*$")
_CUDA_LIST = re.compile(r"^\s*(?:ggml_cuda_init:\s*)?Device\s+(?P<index>\d{1,2})\s*:\s*\"?(?P<name>" + _GPU_NAME +
                        r")\"?\s*(?:,|$)|\bdevice:\s*(?P<index2>\d{1,2}),\s*name:\s*(?P<name2>" + _GPU_NAME + r"),\s*pci",
                        re.IGNORECASE)
_ORDER_STATED = re.compile(
    r"CUDA_DEVICE_ORDER[^\n]{0,80}?\b(?:fix\w*|solv\w*|resolv\w*|works?|worked|helps?|helped)\b|"
    r"\b(?:fix\w*|solv\w*|resolv\w*|works?|worked|helps?|helped)\b[^\n]{0,100}?CUDA_DEVICE_ORDER|"
    r"\b(?:nvidia-smi|gputil|nvtop|nvml|pci(?:\s+bus)?|task\s+manager)\W+(?:\w+\W+){0,3}?(?:order\w*|index\w*|numbering|"
    r"ids?)\b[^\n]{0,120}?(?:(?:doesn'?t|does\s+not|don'?t|do\s+not|may\s+not|might\s+not|won'?t)\s+match|\bdiffer\w*|"
    r"\bswapped\b|\breversed\b|\bbackwards?\b|\bopposite\b|\binconsistent\b|\bmismatch\w*)|"
    r"\b(?:device|gpu|cuda)\s+(?:ids?|indices|indexes|numbering|numbers|order(?:ing)?)\s+(?:are|is|were|was|seem\s+to\s+be)\s+"
    r"(?:swapped|reversed|backwards?|inverted|mixed\s+up|shuffled|in\s+(?:a\s+)?different\s+order)|"
    r"\bactually\s+(?:uses?|using|runs?\s+on|selects?|picks?)\s+(?:the\s+)?[^\n]{0,40}?\bvice\s+versa\b",
    re.IGNORECASE)
_ORDER_ANCHORS = ("cuda_device_order", "order", "index", "numbering", " id", "ids", "swapped", "reversed", "backward",
                  "vice versa", "mismatch", "differ")
_BY_RANK = re.compile(
    r"set_device\(\s*(?:self\.)?_?(?:local_?rank|rank|LOCAL_RANK|slurm_localid|local_id)\s*\)|"
    r"cuda:\{?\s*(?:self\.)?_?(?:local_?rank|LOCAL_RANK)\s*\}?|"
    r"SLURM_LOCALID[^\n]{0,60}?\b(?:device|gpu|cuda|rank)\b|\b(?:device|gpu)\w*[^\n]{0,40}?SLURM_LOCALID", re.IGNORECASE)


def parse(document: Document, facts: Facts) -> None:
    """Two numberings that disagree, or a report saying so; a device chosen by rank."""
    _numberings(document, facts)
    for index in document.lines_with_any(("set_device(", "cuda:", "slurm_localid")):
        if _BY_RANK.search(document.line(index)):
            facts.observe(Obs.DEVICE_BY_RANK, document.line(index), document.number(index))
            break


def _key(name: str) -> str:
    return re.sub(r"\b(?:nvidia|geforce)\b|\s+", "", name.lower())


def _numberings(document: Document, facts: Facts) -> None:
    smi: Dict[int, str] = {}
    csv_rows = 0
    for index in document.lines_with_any(("|", "gpu ", ",")):
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
    for index in document.lines_with_any(("device ", "device:")):
        match = _CUDA_LIST.search(document.line(index))
        if match:
            number = match.group("index") or match.group("index2")
            cuda.setdefault(int(number), (match.group("name") or match.group("name2")).strip())
            first_line = index if first_line is None else first_line
    shared = sorted(set(smi) & set(cuda))
    same_gpus = sorted(_key(n) for n in smi.values()) == sorted(_key(n) for n in cuda.values())
    if first_line is not None and len(shared) >= 2 and same_gpus and \
            any(_key(smi[i]) != _key(cuda[i]) for i in shared):
        facts.observe(Obs.DEVICE_ORDER_DIFFERS, document.line(first_line), document.number(first_line),
                      kind="listings", cuda_0=cuda[shared[0]], smi_0=smi[shared[0]])
        return
    for index in document.lines_with_any(_ORDER_ANCHORS):
        if _ORDER_STATED.search(document.line(index)):
            facts.observe(Obs.DEVICE_ORDER_DIFFERS, document.line(index), document.number(index), kind="statement")
            return
