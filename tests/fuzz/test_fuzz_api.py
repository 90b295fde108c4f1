"""Seeded fuzzing of the Python API with wrong types and values: every call either returns
a Report / Snapshot, raises NotReadyError, or raises TypeError / ValueError / ConfigError
whose message names the argument. Probing is replaced by a fixed snapshot (the API's
argument checks run before any probe), so no case touches the machine."""
from __future__ import annotations

import math
import random
from typing import Any, Dict, List, Tuple

import pytest

import cudacheck
from cudacheck.testing import gpu, make_snapshot
from fuzz_harness import fuzz_cases, fuzz_seed

POOL: Tuple[Any, ...] = (
    None, 0, 1, -1, 2**70, 1.5, -0.5, math.inf, -math.inf, math.nan, True, False, "", "x", "quick", "deep",
    "8.0", "16GiB", "-5", "inf", b"bytes", [], ["bf16"], [1], {}, {"min_gpus": 1}, (), object(), len,
    cudacheck.Policy(), cudacheck.Policy(min_gpus=-3), cudacheck.Policy(features="bf16"),
    cudacheck.Policy(min_gpu_memory="lots"), cudacheck.Policy(min_compute_capability=8),
)
REQUIREMENT_NAMES = ("require_gpu", "min_gpus", "min_compute_capability", "min_gpu_memory", "features",
                     "min_shm", "min_gpu", "timeout_s")


@pytest.fixture
def no_probing(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """Replace the probes with a fixed snapshot; record each collection."""
    import cudacheck.probes

    calls: List[str] = []

    def collect(level: str = "standard", timeout: float = 10.0) -> cudacheck.Snapshot:
        calls.append(level)
        return make_snapshot(driver="550.54.14", cuda="12.4", gpus=[gpu("NVIDIA A100-SXM4-80GB", "8.0")])

    monkeypatch.setattr(cudacheck.probes, "collect", collect)
    return calls


def _call(rng: random.Random) -> Tuple[str, Dict[str, Any], List[Any]]:
    function = rng.choice(["collect", "check", "doctor", "assert_ready"])
    args: List[Any] = []
    kwargs: Dict[str, Any] = {}
    if function == "check":
        args.append(make_snapshot() if rng.random() < 0.6 else rng.choice(POOL))
        if rng.random() < 0.4:
            args.append(rng.choice(POOL))
    elif rng.random() < 0.5:
        kwargs["level"] = rng.choice(POOL)
    if function != "check" and rng.random() < 0.5:
        kwargs["timeout"] = rng.choice(POOL)
    if function in ("doctor", "assert_ready"):
        if rng.random() < 0.3:
            kwargs["use_config"] = rng.choice(POOL)
        if function == "assert_ready" and rng.random() < 0.3:
            kwargs["strict"] = rng.choice(POOL)
    if function != "collect":
        for name in rng.sample(REQUIREMENT_NAMES, rng.randint(0, 2)):
            kwargs[name] = rng.choice(POOL)
    return function, kwargs, args


def test_api_calls_with_wrong_types_and_values(no_probing: List[str], tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # no pyproject.toml
    for name in list(__import__("os").environ):
        if name.startswith("CUDACHECK_"):
            monkeypatch.delenv(name)
    seed = fuzz_seed()
    rng = random.Random(seed + 10)
    failures = []
    raised = 0
    for _ in range(fuzz_cases(300)):
        function, kwargs, args = _call(rng)
        named = set(kwargs) | ({"snapshot"} if args else set()) | ({"policy"} if len(args) > 1 else set())
        try:
            result = getattr(cudacheck, function)(*args, **kwargs)
        except cudacheck.NotReadyError:
            continue
        except (TypeError, ValueError, cudacheck.ConfigError) as exc:
            raised += 1
            message = str(exc)
            if not any(name in message for name in named | {"check()"}):
                failures.append(f"{function}(*{args!r:.80}, **{kwargs!r:.200}): {type(exc).__name__} "
                                f"does not name the argument: {message}")
            continue
        except Exception as exc:  # noqa: BLE001 - the contract allows nothing else
            failures.append(f"{function}(*{args!r:.80}, **{kwargs!r:.200}) raised {type(exc).__name__}: {exc}")
            continue
        wanted = cudacheck.Snapshot if function == "collect" else cudacheck.Report
        if not isinstance(result, wanted):
            failures.append(f"{function} returned {type(result).__name__}")
    assert not failures, f"{len(failures)} calls broke the contract (FUZZ_SEED={seed}):\n" + "\n".join(failures[:8])
    assert raised > 0


@pytest.mark.parametrize("call, name, error", [
    (lambda: cudacheck.check({}), "snapshot", TypeError),
    (lambda: cudacheck.check([]), "snapshot", TypeError),
    (lambda: cudacheck.check(make_snapshot(), {}), "policy", TypeError),
    (lambda: cudacheck.check(make_snapshot(), cudacheck.Policy(), min_gpus=1), "not both", TypeError),
    (lambda: cudacheck.check(make_snapshot(), cudacheck.Policy(min_gpus=-1)), "policy.min_gpus", ValueError),
    (lambda: cudacheck.collect(5), "level", TypeError),
    (lambda: cudacheck.collect("thorough"), "level", ValueError),
    (lambda: cudacheck.collect(timeout="3"), "timeout", TypeError),
    (lambda: cudacheck.collect(timeout=math.inf), "timeout", ValueError),
    (lambda: cudacheck.collect(timeout=math.nan), "timeout", ValueError),
    (lambda: cudacheck.collect(timeout=1e308), "timeout", ValueError),
    (lambda: cudacheck.collect(timeout=True), "timeout", TypeError),
    (lambda: cudacheck.doctor(use_config="yes"), "use_config", TypeError),
    (lambda: cudacheck.assert_ready(strict=1), "strict", TypeError),
    (lambda: cudacheck.doctor(min_gpu_memory=-5), "min_gpu_memory", ValueError),
    (lambda: cudacheck.doctor(min_gpu_memory=math.inf), "min_gpu_memory", ValueError),
    (lambda: cudacheck.doctor(features=5), "features", ValueError),
])
def test_wrong_argument_is_named(no_probing: List[str], call, name: str, error: type) -> None:
    with pytest.raises(error, match=name.replace(".", r"\.")):
        call()
    assert no_probing == [], "arguments are checked before anything is probed"


def test_config_error_is_a_cudacheck_usage_error_and_a_value_error() -> None:
    assert issubclass(cudacheck.ConfigError, cudacheck.UsageError)
    assert issubclass(cudacheck.ConfigError, cudacheck.CudacheckError)
    assert issubclass(cudacheck.ConfigError, ValueError)
