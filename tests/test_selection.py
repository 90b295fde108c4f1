"""Choosing which rules report, the way ruff does: --select/--ignore (repeatable, comma lists),
CUDACHECK_SELECT/IGNORE and [tool.cudacheck] select/ignore, by code, code prefix or slug;
ignored findings are counted, an unknown rule is exit 2 naming the closest ones."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cudacheck.errors import ConfigError
from cudacheck.policy import Policy, resolve_policy
from cudacheck.rules.engine import check, is_selected, load_rules, validate_selection
from cudacheck.testing import gpu, make_snapshot

SNAPSHOT = str(Path(__file__).resolve().parent / "data" / "snapshots" / "a100_driver470_torch24_cu121.json")


def _rule(code):
    return next(r for r in load_rules() if r.code == code)


def _old_driver_small_shm():
    """CC210 (driver too old, error) and CC401 (/dev/shm 64 MiB, warning)."""
    return make_snapshot(driver="470.82.01", cuda="11.4", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0")],
                         torch="2.4.1+cu121", torch_cuda="12.1", in_container=True, shm_bytes=64 * 2**20,
                         dev_nodes=["/dev/nvidia-uvm", "/dev/nvidia0", "/dev/nvidiactl"])


def test_selectors_are_codes_prefixes_or_slugs_given_as_lists_or_comma_strings():
    policy = resolve_policy({"ignore": ["cc401,  CC2", "shm-too-small"], "select": "ALL"}, use_config=False)
    assert policy.ignore == ["CC401", "CC2", "shm-too-small"] and policy.select == ["ALL"]
    with pytest.raises(ConfigError, match="not a rule code"):
        resolve_policy({"ignore": ["CC401!"]}, use_config=False)
    with pytest.raises(ConfigError, match="expected rule codes"):
        resolve_policy({"ignore": 401}, use_config=False)


@pytest.mark.parametrize("select, ignore, code, expected", [
    ([], [], "CC401", True),
    ([], ["CC401"], "CC401", False),
    ([], ["CC4"], "CC401", False),
    ([], ["shm-too-small"], "CC401", False),
    (["CC2"], [], "CC401", False),
    (["CC2"], [], "CC210", True),
    (["CC2"], ["CC210"], "CC210", False),  # the more specific selector wins
    (["CC210"], ["CC2"], "CC210", True),
    (["CC21"], ["CC2"], "CC210", True),
    (["CC210"], ["CC210"], "CC210", False),  # a tie: ignore wins
    (["ALL"], ["CC4"], "CC401", False),
    (["ALL"], ["CC4"], "CC210", True),
])
def test_the_most_specific_selector_wins(select, ignore, code, expected):
    assert is_selected(_rule(code), Policy(select=select, ignore=ignore)) is expected


def test_ignored_findings_leave_the_report_and_are_counted():
    snapshot = _old_driver_small_shm()
    full = check(snapshot)
    assert {"CC210", "CC401"} <= {f.code for f in full.findings}
    report = check(snapshot, Policy(ignore=["CC210", "shm-too-small"]))
    assert not {"CC210", "CC401"} & {f.code for f in report.findings}
    assert sorted(f.code for f in report.ignored) == ["CC210", "CC401"]
    assert report.summary.ignored == 2 and report.summary.line.endswith("; 2 ignored.")
    assert report.summary.errors == full.summary.errors - 1
    assert report.rule_selection == {"ignore": ["CC210", "shm-too-small"]}
    only = check(snapshot, Policy(select=["CC4"]))
    assert {f.code for f in only.findings} <= {f.code for f in full.findings if f.code.startswith("CC4")}
    assert "CC401" in {f.code for f in only.findings}


def test_an_unknown_rule_is_refused_with_the_closest_names():
    with pytest.raises(ConfigError) as caught:
        validate_selection(Policy(ignore=["shm-to-small"], sources={"ignore": "flag"}))
    assert str(caught.value).startswith("--ignore: no rule 'shm-to-small'; closest: shm-too-small")
    with pytest.raises(ConfigError, match=r"\[tool.cudacheck\] select: no rule 'CC99'"):
        validate_selection(Policy(select=["CC99"], sources={"select": "pyproject"}))


def test_a_source_that_selects_starts_afresh_and_ignores_add_up(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.cudacheck]\nignore = ["CC401", "CC404"]\n')
    added = resolve_policy({"ignore": ["CC210"]}, directory=tmp_path, environ={}, origin="flag")
    assert added.ignore == ["CC401", "CC404", "CC210"] and added.sources["ignore"] == "pyproject+flag"
    fresh = resolve_policy({"select": ["CC401"]}, directory=tmp_path, environ={}, origin="flag")
    assert fresh.select == ["CC401"] and fresh.ignore == []
    from_env = resolve_policy({}, directory=tmp_path, environ={"CUDACHECK_IGNORE": "CC2"})
    assert from_env.ignore == ["CC401", "CC404", "CC2"]


def _cli(*args, cwd=None, env=None):
    environ = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "cudacheck", *args], capture_output=True, text=True, cwd=cwd,
                          env=environ, timeout=120)


def test_doctor_flags_change_the_exit_status_and_the_summary():
    assert _cli("doctor", "--snapshot", SNAPSHOT, "--no-config").returncode == 1
    result = _cli("doctor", "--snapshot", SNAPSHOT, "--no-config", "--ignore", "CC210", "--ignore", "CC401")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1].endswith("2 ignored.")
    report = json.loads(_cli("doctor", "--snapshot", SNAPSHOT, "--no-config", "--ignore", "CC210,CC401",
                             "--format", "json").stdout)
    assert report["summary"]["ignored"] == 2 and [f["code"] for f in report["ignored"]] == ["CC210", "CC401"]


def test_doctor_refuses_an_unknown_rule_before_probing():
    result = _cli("doctor", "--ignore", "CC2100")
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("cudacheck: error: --ignore: no rule 'CC2100'; closest: CC210, ")
    slug = _cli("doctor", "--select", "gpu-arch")
    assert slug.returncode == 2 and "closest: gpu-arch-not-in-build" in slug.stderr


def test_pyproject_ignore_applies_to_doctor_and_health(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.cudacheck]\nignore = ["CC210", "shm-too-small"]\n')
    doctor = _cli("doctor", "--snapshot", SNAPSHOT, cwd=tmp_path)
    assert doctor.returncode == 0 and "2 ignored" in doctor.stdout
    (tmp_path / "pyproject.toml").write_text('[tool.cudacheck]\nignore = ["no-such-rule"]\n')
    health = _cli("health", cwd=tmp_path)
    assert health.returncode == 1 and "no rule 'no-such-rule'" in health.stderr
    flag = _cli("health", "--ignore", "CC9999", cwd=tmp_path.parent)
    assert flag.returncode == 1 and "no rule 'CC9999'" in flag.stderr
