"""The torch build's own configuration, where a paste shows it: ``torch.__config__.show()``
("USE_CUDA=OFF"), CMake's summary of a source build ("--   USE_CUDA : OFF"),
``torch.backends.cuda.is_built()`` answering False. Each says the build has no CUDA, whatever
the version string looks like (a source build has no ``+cpu`` tag).
"""
from __future__ import annotations

import re

from ...observations import Obs
from ..document import Document
from ..facts import Facts
from ...lazy_regex import lazy_compile

_CONFIG_OFF = lazy_compile(r"(?<![\w])USE_CUDA\s*(?:=|:)\s*(?:OFF|0|False|NO)\b", re.IGNORECASE)
_IS_BUILT = lazy_compile(r"torch\.backends\.cuda\.is_built\(\s*\)\s*(?:(?:->|=>|:|==?|is|returns?|returned|gives|prints?)\s*)*"
                       r"[`'\"]?(?P<value>True|False)\b", re.IGNORECASE)
_IS_BUILT_PROMPT = lazy_compile(r"^\s*(?:>>>|In \[\d*\]:)\s*(?:print\()?\s*torch\.backends\.cuda\.is_built\(\s*\)\)?\s*$")
_ANSWER = lazy_compile(r"^\s*(?:Out\[\d*\]:\s*)?(?P<value>True|False)\s*$")


def parse(document: Document, facts: Facts) -> None:
    """A build configuration that says CUDA is off."""
    for index in document.lines_with("use_cuda"):
        text = document.line(index)
        if _CONFIG_OFF.search(text) and not re.search(r"\b(?:export|set|env)\b|USE_CUDA\s*=\s*0\s+python", text,
                                                       re.IGNORECASE):
            facts.observe(Obs.CPU_BUILD_STATED, text, document.number(index), kind="config")
            return
    for index in document.lines_with("backends.cuda.is_built"):
        text = document.line(index)
        said = _IS_BUILT.search(text)
        value = said.group("value") if said else None
        if value is None and _IS_BUILT_PROMPT.match(text) and index + 1 < len(document):
            answer = _ANSWER.match(document.line(index + 1))
            value = answer.group("value") if answer else None
        if value is not None and value.lower() == "false":
            facts.observe(Obs.CPU_BUILD_STATED, text, document.number(index), kind="config")
            return
