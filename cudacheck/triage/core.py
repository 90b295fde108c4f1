"""``triage(text) -> Report``: read a pasted bug report, build a Snapshot, judge it."""
from __future__ import annotations

import time
from typing import Optional

from ..compat.db import CompatDB, default_db
from ..policy import Policy
from ..report import Report
from ..snapshot import Snapshot
from .document import Document, plain_text
from .facts import Facts
from .reader import PastedText, describe_size, read_text
from ..observations import Obs


_NOT_RECOGNITION = frozenset({Obs.FAILURE_STATED})
"""Observations that alone recognise nothing of the GPU stack: "it does not work" says only that something fails."""


def parse(text: "str | PastedText", db: Optional[CompatDB] = None) -> Snapshot:
    """The Snapshot (``source="pasted"``) and observations of a pasted text.

    Secrets in the paste are masked first (:mod:`cudacheck.redact`): no fact, observation
    or quoted line — so no output format — ever holds them.
    """
    from ..redact import redact

    pasted = text if isinstance(text, PastedText) else read_text(text)
    db = db or default_db()
    started = time.monotonic()
    document = Document(redact(plain_text(pasted.text)))
    facts = Facts(db=db)
    from . import signatures
    from .importers import run_all

    run_all(document, facts)
    signatures.scan(document, facts)
    if pasted.truncated:
        facts.observe(Obs.INPUT_TRUNCATED, f"input of {describe_size(pasted.size)}", None,
                      size=describe_size(pasted.size))
    if not facts.recognised and document.text.strip() and \
            all(o.signature in _NOT_RECOGNITION for o in facts.observations):
        facts.observe(Obs.NOTHING_RECOGNISED, "", None, lines=str(len(document)))
    elif not document.text.strip():
        facts.observe(Obs.NOTHING_RECOGNISED, "", None, lines="0", empty="yes")
    snapshot = facts.finish()
    snapshot.level = None
    snapshot.timings["parse"] = round(time.monotonic() - started, 4)
    return snapshot


def triage(text: "str | PastedText", policy: Optional[Policy] = None, db: Optional[CompatDB] = None) -> Report:
    """Diagnose a pasted bug report: facts → rules → a Report with the likely cause first."""
    from ..rules.engine import check

    db = db or default_db()
    snapshot = parse(text, db)
    report = check(snapshot, policy or Policy(), db)
    if any(o.signature == "nothing_recognised" for o in snapshot.observations):
        report.summary.line = "Nothing recognised in the pasted text."
    return report
