"""One vocabulary of observations: every name is a typed member, produced by triage and read by a rule;
rules never import triage."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cudacheck.messages import MESSAGES, recognise
from cudacheck.observations import KINDS, Obs
from cudacheck.rules.engine import check
from cudacheck.rules.observations import first_of
from cudacheck.snapshot import Observation, Snapshot
from cudacheck.triage.facts import Facts
from cudacheck.vocabulary import CATEGORIES

PACKAGE = Path(__file__).resolve().parents[2] / "cudacheck"
MEMBER = re.compile(r"\bObs\.([A-Z][A-Z0-9_]+)\b")


def members_named_in(*parts: str) -> set:
    found = set()
    for part in parts:
        root = PACKAGE / part
        files = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for path in files:
            found.update(MEMBER.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_observation_is_produced_by_triage():
    produced = members_named_in("triage", "messages.py")
    assert {o.name for o in Obs} - produced == set()


def test_every_observation_is_read_by_a_rule():
    read = members_named_in("rules")
    assert {o.name for o in Obs} - read == set()


def test_every_name_in_code_is_a_member():
    named = members_named_in("triage", "rules", "messages.py")
    assert named - {o.name for o in Obs} == set()


def test_categories_are_diagnoses_or_kinds():
    for obs in Obs:
        assert obs.category in CATEGORIES or obs.category in KINDS, obs
        assert obs.summary and obs.value == obs.value.lower()


def test_members_behave_as_their_names():
    assert Obs.NO_KERNEL_IMAGE == "no_kernel_image" and f"{Obs.NO_KERNEL_IMAGE}" == "no_kernel_image"
    assert {Obs.WSL: 1}["wsl"] == 1 and "wsl" in {Obs.WSL}
    with pytest.raises(ValueError):
        Obs("no_such_observation")


def test_a_plain_string_is_refused_where_observations_are_named():
    facts = Facts(db=None)
    with pytest.raises(TypeError):
        facts.observe("no_kernel_image", "text")

    class Context:
        snapshot = Snapshot(observations=[Observation(signature="wsl", text="WSL2")])

    with pytest.raises(TypeError):
        first_of(Context(), "wsl")
    assert first_of(Context(), Obs.WSL).text == "WSL2"  # a stored snapshot's plain names still match


def test_a_stored_snapshot_with_plain_names_is_judged():
    snapshot = Snapshot(source="pasted", observations=[
        Observation(signature="no_kernel_image", text="CUDA error: no kernel image is available", line=1)])
    assert any(f.code == "CC805" for f in check(snapshot).findings)


def test_message_catalogue_names_each_observation_once_with_lower_case_anchors():
    names = [m.obs for m in MESSAGES]
    assert len(names) == len(set(names))
    for message in MESSAGES:
        assert message.anchors and all(a == a.lower() for a in message.anchors), message.obs


def test_the_deep_rules_read_the_same_catalogue():
    found = [obs for obs, _ in recognise("RuntimeError: The NVIDIA driver on your system is too old "
                                         "(found version 11040).")]
    assert Obs.DRIVER_TOO_OLD in found and recognise(None) == []


def test_rules_do_not_import_triage_in_their_source():
    for path in sorted((PACKAGE / "rules").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(?:from|import)\s+[.\w]*triage\b", text, re.MULTILINE), path
        assert "triage." not in re.sub(r'"""[\s\S]*?"""|#.*', "", text).replace("triage-", ""), path


def test_rules_do_not_import_triage_when_loaded_and_run():
    code = ("import sys\nfrom cudacheck.rules.engine import check, load_rules\nfrom cudacheck.snapshot import Snapshot\n"
            "load_rules()\ncheck(Snapshot(source='pasted'))\n"
            "print(sorted(m for m in sys.modules if m.startswith('cudacheck.triage')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
