"""Remedies are plans, and plans are checked: every environment the planner offers passes the
rules on the machine it was planned for; doctor's remedy and `compat plan` agree."""
from __future__ import annotations

import itertools
import re

import pytest

from cudacheck import check
from cudacheck.compat.db import default_db
from cudacheck.compat.judgements import index_url
from cudacheck.compat.queries import plan_query
from cudacheck.policy import Policy
from cudacheck.rules.context import RuleContext
from cudacheck.testing import findings as by_code, gpu, make_snapshot

DB = default_db()

DRIVERS = [("470.82.01", "11.4"), ("535.104.05", "12.2"), ("550.54.14", "12.4"), ("570.124.04", "12.8"),
           ("580.95.05", "13.0")]
GPUS = [("NVIDIA GeForce GTX 1080 Ti", "6.1"), ("Tesla V100-SXM2-16GB", "7.0"), ("Tesla T4", "7.5"),
        ("NVIDIA A100-SXM4-80GB", "8.0"), ("NVIDIA GeForce RTX 4090", "8.9"), ("NVIDIA H100 80GB HBM3", "9.0"),
        ("NVIDIA GeForce RTX 5090", "12.0")]
INSTALLED = [(None, None, {}), ("2.14.1+cu130", "13.0", {"torchvision": "0.29.1+cu130"}),
             ("2.4.1+cu121", "12.1", {"torchvision": "0.19.1+cu121", "torchaudio": "2.4.1+cu121"})]


def _machine(driver, cuda, name, cc, torch, torch_cuda, companions):
    packages = dict(companions)
    if torch:
        packages["torch"] = torch
    return make_snapshot(driver=driver, cuda=cuda, gpus=[gpu(name, cc)], torch=torch, torch_cuda=torch_cuda,
                         packages=packages)


def _plans(snapshot):
    return RuleContext(snapshot, DB, Policy()).plans


def _installed(plan, driver, cuda, name, cc):
    """The machine with the plan installed, built here (not by the planner) from the plan's own words."""
    packages = {"torch": f"{plan.torch}+{plan.tag}"}
    packages.update({companion: f"{version}+{plan.tag}" for companion, version in plan.companions.items()})
    return make_snapshot(driver=driver, cuda=cuda, gpus=[gpu(name, cc)], torch=f"{plan.torch}+{plan.tag}",
                         torch_cuda=plan.cuda, packages=packages)


GRID = list(itertools.product(DRIVERS, GPUS, INSTALLED))


@pytest.mark.parametrize("driver, card, installed", GRID,
                         ids=[f"{d[0]}-{g[1]}-{i[0] or 'no torch'}" for d, g, i in GRID])
def test_every_offered_plan_passes_the_rules(driver, card, installed):
    snapshot = _machine(*driver, *card, *installed)
    plans = _plans(snapshot)
    for plan in plans:
        report = check(_installed(plan, *driver, *card))
        problems = [f"{f.code} {f.title}" for f in report.findings if f.severity != "info" or f.could_not_check]
        assert not problems, f"offered {plan.install}: {problems}"
        assert plan.checked == f"checked against driver {driver[0]} and {card[0]}: no errors"
        assert set(plan.companions) == set(installed[2]), plan.install
        for companion in installed[2]:
            assert f"{companion}=={plan.companions[companion]}" in plan.install
        url = re.search(r"--index-url (\S+)", plan.install).group(1)
        assert url == index_url(DB, plan.tag) and re.search(r"/cu\d+$", url)


def test_the_grid_offers_plans_and_refuses_some():
    offered = sum(bool(_plans(_machine(*d, *g, *i))) for d, g, i in GRID)
    assert offered > len(GRID) // 2
    assert not _plans(_machine("470.82.01", "11.4", "NVIDIA GeForce RTX 5090", "12.0", None, None, {}))


def test_gtx_1080_ti_with_a_cuda13_torch_gets_a_plan_whose_cudnn_passes_torch_on_sm61():
    snapshot = _machine("580.95.05", "13.0", "NVIDIA GeForce GTX 1080 Ti", "6.1", "2.14.1+cu130", "13.0",
                        {"torchvision": "0.29.1+cu130"})
    report = check(snapshot)
    [too_old] = by_code(report, "CC203")
    best = _plans(snapshot)[0]
    # 2.15.0+cu126's cuDNN is not known: it cannot be proven to pass torch's cuDNN check on sm_61.
    assert (best.torch, best.tag) == ("2.14.1", "cu126") and best.cudnn == "9.10.2.21"
    assert best.install == ("pip install torch==2.14.1 torchvision==0.29.1 "
                            "--index-url https://download.pytorch.org/whl/cu126")
    assert best.install in too_old.remedy
    assert "checked against driver 580.95.05 and NVIDIA GeForce GTX 1080 Ti: no errors" in too_old.remedy


@pytest.mark.parametrize("driver, card", list(itertools.product(DRIVERS, GPUS)))
def test_doctor_and_compat_plan_agree(driver, card):
    snapshot = _machine(*driver, *card, "2.4.1+cu121", "12.1", {})
    doctor = [(p.torch, p.tag) for p in _plans(snapshot)]
    compat = [(c["torch"], c["tag"]) for c in plan_query(DB, driver[0], [card[0]], "3.11")["candidates"]]
    assert doctor == compat


def test_rtx_3090_on_driver_470_both_name_the_same_wheel_first():
    snapshot = make_snapshot(driver="470.82.01", cuda="11.4", gpus=[gpu("NVIDIA GeForce RTX 3090", "8.6")],
                             torch="2.8.0+cu128", torch_cuda="12.8")
    [finding] = by_code(check(snapshot), "CC210")
    first = plan_query(DB, "470.82.01", ["RTX 3090"], "3.11")["candidates"][0]
    assert first["install"] in finding.remedy and first["torch"] == "2.5.1"
    assert first["notes"][0] in finding.remedy


def test_an_unknown_arch_list_is_never_offered():
    plans = _plans(_machine("550.54.14", "12.4", "NVIDIA A100-SXM4-80GB", "8.0", None, None, {}))
    tags = {(p.torch, p.tag) for p in plans}
    assert ("2.6.0", "cu126") not in tags and ("2.7.1", "cu118") not in tags
    assert ("2.6.0", "cu124") in tags


def test_index_urls_come_only_from_cuda_tags():
    assert index_url(DB, "cu128") == "https://download.pytorch.org/whl/cu128"
    for tag in ("rocm6.2", "cpu", "git7bcf7da", "cu", "xpu", None, ""):
        assert index_url(DB, tag) is None


def test_a_rocm_torch_without_nvidia_gpus_gets_no_cuda_remedy():
    snapshot = make_snapshot(torch="2.5.1+rocm6.2", torch_cuda=None, torch_hip="6.2.41133",
                             packages={"torch": "2.5.1+rocm6.2", "torchvision": "0.19.1+rocm6.1"})
    context = RuleContext(snapshot, DB, Policy())
    assert context.plans == [] and "ROCm" in context.best_wheel_text()
    [mismatch] = by_code(check(snapshot), "CC306")
    assert "--index-url" not in mismatch.remedy


def test_remedies_are_not_planned_while_a_plan_is_judged():
    snapshot = _machine("535.104.05", "12.2", "NVIDIA A100-SXM4-80GB", "8.0", None, None, {})
    context = RuleContext(snapshot, DB, Policy(), planning=True)
    assert context.plans == [] and context.best_wheel_text() == "(a planned environment)"
