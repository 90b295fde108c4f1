"""Operating system and machine from the words people and tools use for them."""
from __future__ import annotations

import re

from ..facts import Facts
from ...lazy_regex import lazy_compile

_WINDOWS = lazy_compile(r"\bwindows\b|\bwin(?:32|64|-amd64)\b|\bwin ?1[01]\b", re.IGNORECASE)
_MAC = lazy_compile(r"\bmac ?os\b|\bdarwin\b|\bos x\b|\bapple (?:m\d|silicon)", re.IGNORECASE)
_LINUX = lazy_compile(r"\blinux\b|\bubuntu\b|\bdebian\b|\bcentos\b|\bfedora\b|\brhel\b|\bred hat\b|\brocky\b|"
                    r"\balmalinux\b|\barch ?linux\b|\bmanjaro\b|\bopensuse\b|\bmint\b|\bpop!_os\b|\bwsl2?\b|"
                    r"\bcachyos\b|\bnixos\b|\bgentoo\b|\bamazon linux\b|\bglibc", re.IGNORECASE)
_MACHINE = lazy_compile(r"\b(?P<m>x86_64|amd64|aarch64|arm64|ppc64le|s390x)\b", re.IGNORECASE)
_WSL = lazy_compile(r"\bwsl2?\b|microsoft-standard", re.IGNORECASE)


def apply(facts: Facts, text: str, priority: int) -> bool:
    """Set platform.system / platform.machine from ``text``; True if something was recognised."""
    found = False
    system = None
    if _WINDOWS.search(text) and not _WSL.search(text):
        system = "Windows"
    elif _MAC.search(text):
        system = "Darwin"
    elif _LINUX.search(text):
        system = "Linux"
    if system:
        found = facts.set(lambda s: s.platform.system, system, priority) or found
    machine = _MACHINE.search(text)
    if machine:
        value = machine.group("m").lower()
        value = {"amd64": "x86_64"}.get(value, value)
        if value == "arm64" and system != "Darwin":
            value = "aarch64"
        found = facts.set(lambda s: s.platform.machine, value, priority) or found
    if _WSL.search(text):
        facts.set(lambda s: s.platform.system, "Linux", priority)  # the situations importer records WSL itself
    return found
