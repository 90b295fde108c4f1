"""What triage makes of a pasted text, in the shapes the triage tests assert on."""
from __future__ import annotations

from typing import List, Optional, Set

from cudacheck.report import Finding
from cudacheck.triage import parse, triage


def signatures(text: str) -> Set[str]:
    """The observations recognised in ``text``, by name."""
    return {o.signature for o in parse(text).observations}


def problems(text: str) -> List[Finding]:
    """The error and warning findings for ``text``, most important first."""
    return [f for f in triage(text).findings if f.severity in ("error", "warning")]


def first(text: str) -> Optional[Finding]:
    """The first error or warning finding for ``text``; None when there is none."""
    found = problems(text)
    return found[0] if found else None
