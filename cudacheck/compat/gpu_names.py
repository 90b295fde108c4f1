"""Matching GPU names as NVML, nvidia-smi and people write them to rows of ``gpus.json``.

Matching, in order: the exact NVML string; the normalised name (case, "NVIDIA " prefix,
dashes and spaces ignored) against every canonical and NVML name, also without the
"GeForce"/"Tesla"/"Quadro" brand word; finally the longest known name that the text
starts with (so "NVIDIA A100-SXM4-80GB" finds "A100 SXM4 80GB" or else "A100"), never a
shorter name that would change the model ("RTX 5090 D" is not "RTX 5090").
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

from .tables import GpuRow

_BRANDS = ("geforce ", "tesla ", "quadro ", "nvidia ")


def normalise(name: str) -> str:
    """Lower case, no "NVIDIA" prefix, dashes/underscores/multiple spaces as one space."""
    text = name.lower().strip()
    text = re.sub(r"\(tm\)|\(r\)", "", text)
    text = re.sub(r"[-_/]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    while text.startswith("nvidia "):
        text = text[len("nvidia "):]
    return text


def _keys(name: str) -> List[str]:
    key = normalise(name)
    keys = [key]
    for brand in _BRANDS:
        if key.startswith(brand):
            keys.append(key[len(brand):])
    return keys


class GpuIndex:
    """Name and PCI-id lookups over the GPU rows."""

    def __init__(self, rows: List[GpuRow]) -> None:
        self.rows = rows
        self._exact: Dict[str, GpuRow] = {}
        self._normalised: Dict[str, GpuRow] = {}
        self._pci: Dict[str, GpuRow] = {}
        for row in rows:
            for nvml_name in row.nvml_names:
                self._exact[nvml_name] = row
            for name in [row.name, *row.nvml_names]:
                for key in _keys(name):
                    self._normalised.setdefault(key, row)
            for device_id in row.pci_device_ids:
                self._pci[device_id.lower()] = row
        self._by_length: List[Tuple[str, GpuRow]] = sorted(
            self._normalised.items(), key=lambda item: len(item[0]), reverse=True)

    def match(self, name: Optional[str]) -> Optional[GpuRow]:
        """The row for a GPU name, or None when no known product fits."""
        if not name:
            return None
        if name in self._exact:
            return self._exact[name]
        for key in _keys(name):
            if key in self._normalised:
                return self._normalised[key]
        for key in _keys(name):
            for known, row in self._by_length:
                if key.startswith(known) and (len(key) == len(known) or not key[len(known)].isalnum()):
                    if _changes_model(key[len(known):]):
                        continue
                    return row
        return self._family(name)

    def _family(self, name: str) -> Optional[GpuRow]:
        """A bare family name ("A100", "V100") that prefixes several variants agreeing on
        compute capability: the shortest such row stands for the family."""
        for key in _keys(name):
            variants = {id(row): row for known, row in self._normalised.items()
                        if known.startswith(key + " ") and not _changes_model(known[len(key):])}
            rows = list(variants.values())
            if rows and len({r.compute_capability for r in rows}) == 1:
                return min(rows, key=lambda r: len(r.name))
        return None

    def by_pci_id(self, device_id: Optional[str]) -> Optional[GpuRow]:
        """The row for a PCI device id such as ``"0x2684"`` or ``"2684"``."""
        if not device_id:
            return None
        device_id = device_id.lower()
        if not device_id.startswith("0x"):
            device_id = "0x" + device_id[-4:]
        return self._pci.get(device_id)

    def closest(self, name: str, count: int = 5) -> List[str]:
        """Known canonical names closest to ``name``, for "did you mean" answers."""
        import difflib  # only for "did you mean" answers

        names = {key: row.name for key, row in self._normalised.items()}
        hits = difflib.get_close_matches(normalise(name), list(names), n=count * 3, cutoff=0.4)
        unique: List[str] = []
        for hit in hits:
            if names[hit] not in unique:
                unique.append(names[hit])
        return unique[:count]


def _changes_model(rest: str) -> bool:
    """A remainder such as " d", " ti", " super" or " laptop" names a different product."""
    words = rest.strip().split()
    return bool(words) and words[0] in {"d", "ti", "super", "laptop", "max", "mobile", "s", "x", "xt"}
