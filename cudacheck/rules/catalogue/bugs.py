"""cudacheck's own bugs: a rule or a probe that raised (the error policy of :mod:`cudacheck.errors`)."""
from __future__ import annotations

from typing import Iterator

from ...errors import exception_text
from ...report import Finding
from ...snapshot import BUG
from ..context import RuleContext
from ..registry import REGISTRY, Rule, finding, rule

CODE = "CC100"
_REMEDY = ("Please report it at the cudacheck issue tracker with this line and the output of `cudacheck snapshot`; "
           "upgrading cudacheck may already fix it.")


@rule(CODE, "cudacheck-bug", "config", "driver", severity="warning")
def cudacheck_bug(ctx: RuleContext) -> Iterator[Finding]:
    """A rule or probe of cudacheck itself raised an exception.

    What it checks:
        A probe that raised instead of returning its facts (a probe error of kind
        `bug`) and, reported by the rule engine, a rule that raised instead of judging.
        The finding names the rule or probe and the exception's type and message; the
        other rules and probes still ran.
    Why it matters:
        What the failing rule or probe would have said is missing, so the report may be
        incomplete: it is a warning, never silently green. It is a fault in cudacheck,
        not in this machine.
    How to fix:
        Report it at the cudacheck issue tracker with the line and the output of
        `cudacheck snapshot`; upgrading cudacheck may already fix it. `--ignore CC100`
        hides it (the failing rule's own code hides that rule and its bug).
    """
    from ..coverage import area_of

    for error in ctx.snapshot.probe_errors:
        if error.kind == BUG:
            yield ctx.finding(f"cudacheck bug in probe {error.probe}: {error.message}",
                              layer=area_of(error, ctx.snapshot),
                              detail=f"The {error.probe} probe raised instead of returning its facts; "
                                     "its area could not be checked.",
                              remedy=_REMEDY, evidence=[f"probe_errors[{error.probe}]"])


def rule_bug(rule_: Rule, exc: BaseException) -> Finding:
    """The finding for ``rule_`` having raised ``exc``: stamped CC100, in the failing rule's area."""
    return finding(REGISTRY[CODE], f"cudacheck bug in {rule_.code} ({rule_.slug}): {exception_text(exc)}",
                   layer=rule_.layer, detail=f"Rule {rule_.code} raised instead of judging; the other rules ran.",
                   remedy=_REMEDY, evidence=[f"rules.{rule_.code}"])
