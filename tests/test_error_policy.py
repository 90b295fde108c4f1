"""The one error policy (cudacheck/errors.py): bad input is a UsageError → one line, exit 2
(health: 1); a bug in a rule or probe is a CC100 finding — or, under the test suite, an
exception; anything else reaches the last net: one line, exit 70 (health: unhealthy, 1)."""
from __future__ import annotations

import pytest

from cudacheck import cli, errors, health
from cudacheck.errors import RAISE_BUGS_ENV, ConfigError, CudacheckError, OutputError, UnreadableInput, UsageError
from cudacheck.policy import Policy
from cudacheck.rules import engine
from cudacheck.rules.registry import REGISTRY, Rule
from cudacheck.snapshot import BUG, ProbeError
from cudacheck.testing import findings as by_code, gpu, make_snapshot


def _raising(code: str = "CC999", *, symptom: bool = False, category: str = "driver_too_old") -> Rule:
    def check(ctx):
        raise KeyError("no-such-key")
        yield  # pragma: no cover  (a generator, as rules are)

    return Rule(code, "test-raising-rule", category, "driver", "error", check, "A test rule.", {}, symptom)


def _old_driver():
    return make_snapshot(driver="470.82.01", cuda="11.4", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0")],
                         torch="2.4.1+cu121", torch_cuda="12.1")


@pytest.fixture
def bugs_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """As users run cudacheck: a bug becomes a finding instead of raising."""
    monkeypatch.delenv(RAISE_BUGS_ENV, raising=False)


def test_every_error_of_bad_input_is_a_usage_error():
    for kind in (ConfigError, UnreadableInput, OutputError):
        assert issubclass(kind, UsageError) and issubclass(kind, CudacheckError)
    from cudacheck.compat.db import CompatDataError

    assert issubclass(CompatDataError, UsageError)
    assert issubclass(ConfigError, ValueError)  # the API's wrong values are also ValueErrors


def test_the_test_suite_makes_bugs_raise():
    assert errors.raise_bugs()
    with pytest.raises(KeyError):
        engine.run_rules(_old_driver(), Policy(), engine.default_db(), rules=[_raising()])


def test_a_rule_that_raises_is_a_warning_naming_the_rule_and_the_exception(bugs_reported, monkeypatch):
    monkeypatch.setitem(REGISTRY, "CC999", _raising(symptom=True))  # a symptom of CC210's category
    report = engine.check(_old_driver())
    [bug] = by_code(report, "CC100")
    assert bug.severity == "warning" and bug.category == "config" and bug.layer == "driver"
    assert bug.title == "cudacheck bug in CC999 (test-raising-rule): KeyError: 'no-such-key'"
    assert bug.evidence == ["rules.CC999"]
    [cause] = by_code(report, "CC210")  # the other rules still judged
    assert "CC100" not in cause.symptoms and "CC999" not in cause.symptoms  # a bug is never folded away
    assert report.summary.warnings >= 1


def test_a_probe_that_raises_is_a_warning_and_its_area_could_not_be_checked(bugs_reported):
    snapshot = _old_driver()
    snapshot.probe_errors.append(ProbeError("packages", BUG, "KeyError: 'Name'", None, 0.01))
    report = engine.check(snapshot)
    [bug] = by_code(report, "CC100")
    assert bug.title == "cudacheck bug in probe packages: KeyError: 'Name'" and bug.layer == "packages"
    assert not by_code(report, "CC111")  # said once, as a bug, not as a failed probe
    [area] = [a for a in report.coverage if a.area == "packages"]
    assert area.state == "failed" and "cudacheck bug" in area.reason


def test_no_bug_no_finding():
    assert not by_code(engine.check(_old_driver()), "CC100")


def test_the_probe_runner_records_a_bug_or_raises(monkeypatch):
    from cudacheck.probes import _timed

    snapshot, errors_ = make_snapshot(), []

    def broken():
        raise ValueError("bad")

    with pytest.raises(ValueError):
        _timed(snapshot, "packages", broken, errors_)
    monkeypatch.delenv(RAISE_BUGS_ENV)
    assert _timed(snapshot, "packages", broken, errors_) is None
    assert [(e.probe, e.kind, e.message) for e in errors_] == [("packages", BUG, "ValueError: bad")]
    assert "packages" in snapshot.timings


def _run(args, capsys):
    code = cli.run(args)
    captured = capsys.readouterr()
    return code, captured.out, [line for line in captured.err.splitlines() if line.strip()]


def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path):
    code, out, err = _run(["triage", str(tmp_path / "missing.txt")], capsys)
    assert (code, out) == (2, "") and err == [f"cudacheck: error: {tmp_path / 'missing.txt'}: no such file"]
    code, out, err = _run(["doctor", "--snapshot", ""], capsys)
    assert (code, out) == (2, "") and err == ["cudacheck: error: --snapshot: empty file name"]


def test_a_bug_outside_rules_and_probes_is_one_line_and_exit_70(capsys, monkeypatch, tmp_path):
    import cudacheck.triage.core as core

    def broken(*args, **kwargs):
        raise AttributeError("'NoneType' object has no attribute 'x'")

    monkeypatch.setattr(core, "triage", broken)
    paste = tmp_path / "issue.txt"
    paste.write_text("RuntimeError: CUDA error: no kernel image is available\n", encoding="utf-8")
    code, out, err = _run(["triage", str(paste)], capsys)
    assert (code, out) == (70, "") and len(err) == 1
    assert err[0].startswith("cudacheck: error: internal error: AttributeError: 'NoneType' object has no attribute")
    assert "cudacheck bug" in err[0]


def test_health_answers_unhealthy_on_a_bug_never_2(capsys, monkeypatch):
    def broken(args, timeout):
        raise RuntimeError("boom")

    monkeypatch.setattr(health, "_evaluate", broken)
    code = health.main(["--timeout", "5"])
    out = capsys.readouterr().out
    assert code == 1 and out.startswith("unhealthy: internal error: RuntimeError: boom -- this is a cudacheck bug")


def test_the_last_net_line_is_one_line_whatever_the_message():
    line = errors.internal_error(ValueError("two\nlines"))
    assert "\n" not in line and line.startswith("internal error: ValueError: two lines")
    assert errors.exception_text(KeyError()) == "KeyError"
