"""examples/: the files parse, their cudacheck commands are accepted by the real CLI, and
what can run here does (Python examples, the textfile script, the CI step)."""
from __future__ import annotations

import configparser
import importlib.util
import os
import py_compile
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest

from .conftest import BIN, EXAMPLES, REPO, fake_gpu_env, skip_or_xfail_unless_gpu_required_fails

DOCKERFILE = EXAMPLES / "docker" / "Dockerfile"
COMPOSE = EXAMPLES / "docker" / "compose.yaml"
POD = EXAMPLES / "kubernetes" / "pod.yaml"
WORKFLOW = EXAMPLES / "ci" / "github-actions.yml"
TEXTFILE = EXAMPLES / "prometheus" / "cudacheck-textfile.sh"
DURATION = re.compile(r"^(\d+)(ms|s|m|h)$")


def seconds(duration: str) -> float:
    match = DURATION.match(duration)
    assert match, duration
    return int(match.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def cli_timeout(argv: List[str]) -> float:
    """The --timeout a cudacheck command line asks for (its command's default otherwise)."""
    if "--timeout" in argv:
        return float(argv[argv.index("--timeout") + 1])
    return 10.0 if argv[1] == "health" else 30.0


def run_cudacheck(argv: List[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    assert argv[0] == "cudacheck", argv
    env = dict(os.environ, PATH=os.pathsep.join([str(BIN), os.environ.get("PATH", "")]))
    return subprocess.run([str(BIN / "cudacheck"), *argv[1:]], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=cli_timeout(argv) + 60, **kwargs)


def assert_accepted(argv: List[str], cwd: Path) -> subprocess.CompletedProcess:
    """The real CLI accepts the command line: no usage error, and an exit code of its contract."""
    out = run_cudacheck(argv, cwd)
    assert "usage:" not in out.stderr.lower() and "no such option" not in out.stderr.lower(), (argv, out.stderr)
    assert out.returncode in (0, 1), (argv, out.returncode, out.stderr)
    return out


# --- Dockerfile ----------------------------------------------------------------------------------

def dockerfile_instructions(text: str) -> Iterator[Tuple[str, str]]:
    """(INSTRUCTION, arguments) with comments dropped and continuation lines joined."""
    logical = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not logical and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            logical += stripped[:-1] + " "
            continue
        logical += stripped
        instruction, _, arguments = logical.partition(" ")
        yield instruction.upper(), " ".join(arguments.split())
        logical = ""
    assert not logical, "dangling line continuation"


def parse_healthcheck(arguments: str) -> Tuple[Dict[str, str], List[str]]:
    tokens = shlex.split(arguments)
    options: Dict[str, str] = {}
    while tokens and tokens[0].startswith("--"):
        key, _, val = tokens.pop(0)[2:].partition("=")
        options[key] = val
    assert tokens and tokens[0] == "CMD", tokens
    return options, tokens[1:]


def test_dockerfile_healthcheck(tmp_path: Path) -> None:
    instructions = list(dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8")))
    names = [name for name, _ in instructions]
    known = {"ARG", "FROM", "RUN", "ENV", "WORKDIR", "COPY", "HEALTHCHECK", "CMD", "LABEL", "USER", "EXPOSE"}
    assert set(names) <= known, set(names) - known
    assert names.count("HEALTHCHECK") == 1 and names.count("FROM") == 1
    base = dict(instructions)["ARG"]
    assert re.fullmatch(r"BASE_IMAGE=pytorch/pytorch:[\d.]+-cuda[\d.]+-cudnn\d+-runtime", base), base
    assert "pip install" in dict(instructions)["RUN"] and "cudacheck" in dict(instructions)["RUN"]
    options, command = parse_healthcheck(dict(instructions)["HEALTHCHECK"])
    assert options == {"interval": "30s", "timeout": "15s", "start-period": "30s", "retries": "3"}
    assert command == ["cudacheck", "health", "--timeout", "10"]
    # Docker kills the check at --timeout: cudacheck must answer before that.
    assert cli_timeout(command) < seconds(options["timeout"])
    assert_accepted(command, tmp_path)
    env = dict(instructions)["ENV"]
    assert "CUDACHECK_REQUIRE_GPU=1" in env


# --- YAML examples ---------------------------------------------------------------------------------

def test_compose(load_yaml, tmp_path: Path) -> None:
    compose = load_yaml(COMPOSE.read_text(encoding="utf-8"))
    services = compose["services"]
    for name in ("preflight", "train"):
        devices = services[name]["deploy"]["resources"]["reservations"]["devices"]
        assert devices[0]["capabilities"] == ["gpu"] and devices[0]["driver"] == "nvidia"
        assert services[name]["shm_size"]
    train = services["train"]
    assert train["depends_on"]["preflight"]["condition"] == "service_completed_successfully"
    check = train["healthcheck"]
    assert check["test"][0] == "CMD"
    command = check["test"][1:]
    assert cli_timeout(command) < seconds(check["timeout"])
    assert seconds(check["interval"]) == 30 and check["retries"] == 3
    assert_accepted(command, tmp_path)
    assert_accepted(services["preflight"]["command"], tmp_path)


def test_kubernetes_pod(load_yaml, tmp_path: Path) -> None:
    pod = load_yaml(POD.read_text(encoding="utf-8"))
    assert pod["apiVersion"] == "v1" and pod["kind"] == "Pod"
    spec = pod["spec"]
    (init,) = spec["initContainers"]
    assert init["command"][:3] == ["cudacheck", "doctor", "--require-gpu"]
    assert init["command"][init["command"].index("--format") + 1] == "json"
    assert init["resources"]["limits"]["nvidia.com/gpu"] >= 1
    (train,) = spec["containers"]
    assert train["resources"]["limits"]["nvidia.com/gpu"] >= 1
    volume = next(v for v in spec["volumes"] if v["name"] == "dshm")
    assert volume["emptyDir"]["medium"] == "Memory"
    assert {"name": "dshm", "mountPath": "/dev/shm"} in train["volumeMounts"]
    probes = {kind: train[kind] for kind in ("startupProbe", "livenessProbe", "readinessProbe")}
    for kind, probe in probes.items():
        command = probe["exec"]["command"]
        assert command[:2] == ["cudacheck", "health"]
        # the kubelet must not kill a check that would have answered in its own time
        assert probe["timeoutSeconds"] > cli_timeout(command), kind
        assert ("--deep" in command) == (kind == "startupProbe"), kind
    for command in {tuple(p["exec"]["command"]) for p in probes.values()} | {tuple(init["command"])}:
        assert_accepted(list(command), tmp_path)
    json_run = run_cudacheck(init["command"], tmp_path)
    import json

    assert "findings" in json.loads(json_run.stdout)


def test_github_actions_workflow(load_yaml) -> None:
    workflow = load_yaml(WORKFLOW.read_text(encoding="utf-8"))
    triggers = next(workflow[key] for key in ("on", True, "true") if key in workflow)  # YAML 1.1: on == true
    assert "workflow_dispatch" in triggers and "pull_request" in triggers
    preflight = workflow["jobs"]["preflight"]
    assert "self-hosted" in preflight["runs-on"] and "gpu" in preflight["runs-on"]
    steps = preflight["steps"]
    upload = next(step for step in steps if str(step.get("uses", "")).startswith("actions/upload-artifact@"))
    assert upload["if"] == "always()"
    assert {"cudacheck.md", "cudacheck.json"} <= set(upload["with"]["path"].split())
    doctor = next(step for step in steps if "GITHUB_STEP_SUMMARY" in step.get("run", ""))
    assert "--format markdown" in doctor["run"] and "--format json" in doctor["run"]
    assert "--require-gpu" in doctor["run"] and "--strict" in str(doctor["env"])
    assert workflow["jobs"]["gpu-tests"]["needs"] == "preflight"


def test_github_actions_doctor_step_runs(load_yaml, tmp_path: Path) -> None:
    """Run the workflow's doctor step as GitHub would (bash -eo pipefail), against this machine."""
    workflow = load_yaml(WORKFLOW.read_text(encoding="utf-8"))
    step = next(s for s in workflow["jobs"]["preflight"]["steps"] if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    (tmp_path / ".venv").symlink_to(BIN.parent)
    summary = tmp_path / "summary.md"
    env = dict(os.environ, GITHUB_STEP_SUMMARY=str(summary), **{k: str(v) for k, v in step["env"].items()})
    env["STRICT"] = ""
    env["CUDACHECK_MIN_SHM"] = "1MiB"
    out = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode in (0, 1), out.stderr
    markdown = (tmp_path / "cudacheck.md").read_text(encoding="utf-8")
    assert markdown.startswith("### cudacheck:")
    assert summary.read_text(encoding="utf-8") == markdown
    import json

    report = json.loads((tmp_path / "cudacheck.json").read_text(encoding="utf-8"))
    assert (report["summary"]["errors"] > 0) == (out.returncode == 1)
    assert (tmp_path / "cudacheck-snapshot.json").is_file()


def test_alert_rules(load_yaml) -> None:
    rules = load_yaml((EXAMPLES / "prometheus" / "alerts.yaml").read_text(encoding="utf-8"))
    exprs = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    from cudacheck.render.prometheus import render  # noqa: F401  (the metrics they use exist)

    source = (REPO / "cudacheck" / "render" / "prometheus.py").read_text(encoding="utf-8")
    for expr in exprs:
        for metric in re.findall(r"\bcudacheck_([a-z_]+)", expr):
            assert f'"{metric}"' in source, metric


# --- Python examples --------------------------------------------------------------------------------

@pytest.mark.parametrize("script", sorted(p.name for p in EXAMPLES.glob("*.py")))
def test_python_examples_compile(script: str, tmp_path: Path) -> None:
    py_compile.compile(str(EXAMPLES / script), cfile=str(tmp_path / "out.pyc"), doraise=True)


def run_example(script: str, *args: str, env: Dict[str, str] = None, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(EXAMPLES / script), *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=300)


def test_train_assert_ready_allow_cpu(tmp_path: Path) -> None:
    out = run_example("train_assert_ready.py", "--allow-cpu", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("cudacheck: ")
    assert "trained 3 steps on" in out.stdout


def test_train_assert_ready_fails_fast_without_gpu(tmp_path: Path) -> None:
    skip_or_xfail_unless_gpu_required_fails()
    out = run_example("train_assert_ready.py", cwd=tmp_path)
    assert out.returncode == 1
    assert out.stderr.startswith("cudacheck: environment not ready")
    assert "GPU" in out.stderr and "fix:" in out.stderr
    assert "trained" not in out.stdout


def load_torchrun_example():
    spec = importlib.util.spec_from_file_location("torchrun_assert_ready", EXAMPLES / "torchrun_assert_ready.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.mark.parametrize("rank, visible, expected", [
    (0, None, "0"), (3, None, "3"),
    (1, "2,3", "3"), (0, " 4 , 5 ", "4"),
    (1, "GPU-aaaa,GPU-bbbb", "GPU-bbbb"),
    (2, "0,1", ""),   # more workers than visible devices
    (0, "", ""),      # nothing visible stays nothing visible
])
def test_torchrun_own_device(rank, visible, expected) -> None:
    assert load_torchrun_example().own_device(rank, visible) == expected


def test_torchrun_narrowing_is_undone(monkeypatch: pytest.MonkeyPatch) -> None:
    module = load_torchrun_example()
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2,3")
    with module.narrowed_visible_devices("3"):
        assert os.environ["CUDA_VISIBLE_DEVICES"] == "3"
    assert os.environ["CUDA_VISIBLE_DEVICES"] == "2,3"
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES")
    with module.narrowed_visible_devices("1"):
        assert os.environ["CUDA_VISIBLE_DEVICES"] == "1"
    assert "CUDA_VISIBLE_DEVICES" not in os.environ


def test_torchrun_worker_check_only(tmp_path: Path) -> None:
    env = dict(os.environ, LOCAL_RANK="1", LOCAL_WORLD_SIZE="2")
    out = run_example("torchrun_assert_ready.py", "--allow-cpu", "--check-only", env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[local rank 1] cudacheck: ready (device 1)"


def test_torchrun_worker_not_ready(tmp_path: Path) -> None:
    skip_or_xfail_unless_gpu_required_fails()
    env = dict(os.environ, LOCAL_RANK="0", LOCAL_WORLD_SIZE="1")
    out = run_example("torchrun_assert_ready.py", "--check-only", env=env, cwd=tmp_path)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert lines and all(line.startswith("[local rank 0] ") for line in lines)


@pytest.mark.slow
def test_torchrun_two_workers_on_cpu(tmp_path: Path) -> None:
    torchrun = BIN / "torchrun"
    if not torchrun.exists():
        pytest.skip("torchrun is not installed")
    command = [str(torchrun), "--standalone", "--nproc-per-node", "2", str(EXAMPLES / "torchrun_assert_ready.py"),
               "--allow-cpu"]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)  # torchrun and both workers
        process.communicate()
        raise
    out = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    assert out.returncode == 0, out.stderr[-2000:]
    for rank in (0, 1):
        assert f"[local rank {rank}] cudacheck: ready" in out.stdout
        assert f"[local rank {rank}] all_reduce -> 3 on cpu" in out.stdout


# --- node_exporter textfile script -------------------------------------------------------------------

def run_textfile(directory: Path, env_extra: Dict[str, str], *args: str, base_env=None) -> subprocess.CompletedProcess:
    env = dict(base_env or os.environ)
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    env["CUDACHECK_TEXTFILE_DIR"] = str(directory)
    env.update(env_extra)
    return subprocess.run(["sh", str(TEXTFILE), *args], env=env, capture_output=True, text=True, timeout=180)


def parse_prom(path: Path) -> Dict[Tuple[str, Tuple[Tuple[str, str], ...]], float]:
    parser = pytest.importorskip("prometheus_client.parser")
    found = {}
    for family in parser.text_string_to_metric_families(path.read_text(encoding="utf-8")):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_textfile_script_writes_parseable_metrics(tmp_path: Path) -> None:
    assert os.access(TEXTFILE, os.X_OK)
    out = run_textfile(tmp_path / "collector", {})
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in (tmp_path / "collector").iterdir()) == ["cudacheck.prom"]  # no temp file left
    metrics = parse_prom(tmp_path / "collector" / "cudacheck.prom")
    assert metrics[("cudacheck_up", ())] == 1
    assert ("cudacheck_findings_by_severity", (("severity", "error"),)) in metrics
    assert oct((tmp_path / "collector" / "cudacheck.prom").stat().st_mode & 0o777) == "0o644"


def test_textfile_script_reports_failure_as_up_0(tmp_path: Path) -> None:
    out = run_textfile(tmp_path, {"CUDACHECK_BIN": str(tmp_path / "no-such-cudacheck")})
    assert out.returncode == 1
    assert "cudacheck doctor failed" in out.stderr
    assert parse_prom(tmp_path / "cudacheck.prom") == {("cudacheck_up", ()): 0}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cudacheck.prom"]


def test_textfile_script_usage_error_is_up_0(tmp_path: Path) -> None:
    out = run_textfile(tmp_path, {}, "--no-such-option")
    assert out.returncode == 1
    assert parse_prom(tmp_path / "cudacheck.prom") == {("cudacheck_up", ()): 0}


def test_textfile_script_with_fake_gpus(tmp_path: Path, fake_driver_dir: Path) -> None:
    """End to end through the real probes: fake NVML with one healthy GPU and one with
    uncorrectable ECC errors and a pending row remap."""
    gpus = ["NVIDIA A100-SXM4-80GB|8.0|81920|used=2048|temp=47|throttle=4",
            "NVIDIA A100-SXM4-80GB|8.0|81920|ecc_uncorrected=3|remap_pending=1"]
    env = fake_gpu_env(fake_driver_dir, gpus, FAKE_NVML_DRIVER="550.54.14", FAKE_NVML_CUDA="12040",
                       FAKE_CUDA_VERSION="12040")
    out = run_textfile(tmp_path, {}, base_env=env)
    assert out.returncode == 0, out.stderr
    metrics = parse_prom(tmp_path / "cudacheck.prom")

    def gpu(metric: str, index: int) -> float:
        key = (metric, (("gpu", str(index)), ("name", "NVIDIA A100-SXM4-80GB"),
                        ("uuid", f"GPU-00000000-0000-0000-0000-{index:012x}")))
        return metrics[key]

    assert metrics[("cudacheck_gpu_count", ())] == 2
    assert metrics[("cudacheck_driver_info", (("cuda_version", "12.4"), ("driver_version", "550.54.14"),
                                              ("nvml_status", "ok")))] == 1
    assert gpu("cudacheck_gpu_memory_total_bytes", 0) == 81920 * 2**20
    assert gpu("cudacheck_gpu_memory_used_bytes", 0) == 2048 * 2**20
    assert gpu("cudacheck_gpu_temperature_celsius", 0) == 47
    assert gpu("cudacheck_gpu_clock_event_reasons", 0) == 4
    assert gpu("cudacheck_gpu_healthy", 0) == 1
    assert gpu("cudacheck_gpu_ecc_uncorrected_volatile_errors", 1) == 3
    assert gpu("cudacheck_gpu_remapped_rows_pending", 1) == 1
    assert gpu("cudacheck_gpu_healthy", 1) == 0


def test_systemd_units() -> None:
    units = {}
    for name in ("cudacheck-textfile.service", "cudacheck-textfile.timer"):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str  # keys are case-sensitive
        parser.read_string((EXAMPLES / "prometheus" / name).read_text(encoding="utf-8"))
        units[name] = parser
    service = units["cudacheck-textfile.service"]
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"].startswith("/usr/local/bin/cudacheck-textfile.sh")
    assert "CUDACHECK_TEXTFILE_DIR=" in service["Service"]["Environment"]
    timer = units["cudacheck-textfile.timer"]
    assert timer["Timer"]["OnUnitActiveSec"] and timer["Install"]["WantedBy"] == "timers.target"


@pytest.mark.skipif(shutil.which("sh") is None, reason="no POSIX shell")
def test_textfile_script_is_posix_sh() -> None:
    out = subprocess.run(["sh", "-n", str(TEXTFILE)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert TEXTFILE.read_text(encoding="utf-8").startswith("#!/bin/sh\n")


# --- docs ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("doc", ["integrations.md", "performance.md"])
def test_doc_links_resolve(doc: str) -> None:
    path = REPO / "docs" / doc
    text = path.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if target.startswith(("http://", "https://")):
            continue
        assert (path.parent / target).exists(), target


def test_documented_metrics_exist() -> None:
    from cudacheck.render.prometheus import PREFIX

    text = (REPO / "docs" / "integrations.md").read_text(encoding="utf-8")
    text = text.split("## Monitoring: Prometheus", 1)[1].split("\n## ", 1)[0]
    source = (REPO / "cudacheck" / "render" / "prometheus.py").read_text(encoding="utf-8")
    documented = set(re.findall(r"`(cudacheck_[a-z_]+)`", text))
    assert documented
    for metric in documented:
        assert f'"{metric[len(PREFIX):]}"' in source, metric


def test_documented_environment_variables_exist() -> None:
    from cudacheck.policy import from_environment

    text = (REPO / "docs" / "integrations.md").read_text(encoding="utf-8")
    for name, value in set(re.findall(r"`(CUDACHECK_[A-Z_]+)=([^`]+)`", text)):
        if name in ("CUDACHECK_TEXTFILE_DIR", "CUDACHECK_BIN", "CUDACHECK_TIMEOUT"):
            continue  # the textfile script's own settings
        assert from_environment({name: value}), name
