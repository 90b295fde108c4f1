"""examples/: the files parse, their cudacheck commands are accepted by the real CLI, and
what can run here does (Python examples, the textfile script, the CI step)."""
from __future__ import annotations

import configparser
import importlib.util
import json
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

from .conftest import BIN, EXAMPLES, REPO, fake_gpu_env

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


def test_train_assert_ready_allow_cpu(tmp_path: Path, no_driver_env: Dict[str, str]) -> None:
    out = run_example("train_assert_ready.py", "--allow-cpu", cwd=tmp_path, env=no_driver_env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("cudacheck: ")
    assert "trained 3 steps on" in out.stdout


def test_train_assert_ready_fails_fast_without_gpu(tmp_path: Path, no_gpu_env: Dict[str, str]) -> None:
    out = run_example("train_assert_ready.py", cwd=tmp_path, env=no_gpu_env)
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


def test_torchrun_worker_check_only(tmp_path: Path, no_driver_env: Dict[str, str]) -> None:
    env = dict(no_driver_env, LOCAL_RANK="1", LOCAL_WORLD_SIZE="2")
    out = run_example("torchrun_assert_ready.py", "--allow-cpu", "--check-only", env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[local rank 1] cudacheck: ready (device 1)"


def test_torchrun_worker_not_ready(tmp_path: Path, no_gpu_env: Dict[str, str]) -> None:
    env = dict(no_gpu_env, LOCAL_RANK="0", LOCAL_WORLD_SIZE="1")
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

@pytest.mark.parametrize("doc", ["integrations.md", "performance.md", "fleet.md"])
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


# --- many machines: Slurm, Kubernetes, a Docker build step, a CI job ------------------------------

SBATCH = EXAMPLES / "slurm" / "preflight.sbatch"
PROLOG = EXAMPLES / "slurm" / "prolog-snapshot.sh"
PREFLIGHT_JOB = EXAMPLES / "kubernetes" / "preflight-job.yaml"
SNAPSHOT_DAEMONSET = EXAMPLES / "kubernetes" / "snapshot-daemonset.yaml"
FLEET_DOCKERFILE = EXAMPLES / "docker" / "Dockerfile.fleet-check"
FLEET_FILE = EXAMPLES / "docker" / "fleet.toml"
FLEET_WORKFLOW = EXAMPLES / "ci" / "fleet-check.yml"


def load_all(load_yaml, path: Path) -> List[dict]:
    """Every document of a multi-document YAML file."""
    return [load_yaml(part) for part in re.split(r"^---\s*$", path.read_text(encoding="utf-8"), flags=re.M)
            if part.strip() and not all(line.startswith("#") or not line.strip() for line in part.splitlines())]


def preflight_args(argv: List[str]):
    """The real preflight parser accepts the arguments (a usage error raises)."""
    from cudacheck.preflight.options import parse

    return parse(argv)


def torchrun_args(argv: List[str]):
    """torchrun's own parser accepts the arguments. It runs in a child: importing torch into the
    test process would change what later tests see (a forked probe child would reuse it)."""
    import types

    if importlib.util.find_spec("torch") is None:
        pytest.skip("torch is not installed")
    code = ("import json, sys\nfrom torch.distributed.run import get_args_parser\n"
            "print(json.dumps(vars(get_args_parser().parse_args(json.loads(sys.argv[1]))), default=str))")
    out = subprocess.run([sys.executable, "-c", code, json.dumps(argv)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return types.SimpleNamespace(**json.loads(out.stdout))


def shell_commands(text: str) -> List[List[str]]:
    """Logical command lines of a shell script (continuations joined, comments dropped)."""
    lines, current = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        lines.append(shlex.split(current + line))
        current = ""
    return lines


def test_slurm_batch_script_runs_the_preflight_then_trains() -> None:
    text = SBATCH.read_text(encoding="utf-8")
    directives = dict(re.findall(r"^#SBATCH --([\w-]+)=(\S+)", text, flags=re.M))
    commands = [argv for argv in shell_commands(text) if argv and argv[0] == "srun"]
    assert len(commands) == 2, commands
    preflight, train = commands
    assert "--kill-on-bad-exit=0" in preflight  # rank 0 must outlive a failing task to report
    start = preflight.index("python")
    assert preflight[start:start + 3] == ["python", "-m", "cudacheck.preflight"]
    options = preflight_args(preflight[start + 3:])
    assert options.expect_world_size == int(directives["nodes"]) * int(directives["ntasks-per-node"])
    assert options.output and options.fmt == "markdown"
    runner = train.index("torchrun")
    args = torchrun_args([a.replace("$SLURM_NNODES", directives["nodes"]).replace("${MASTER_ADDR}", "node-0")
                          .replace("$SLURM_JOB_ID", "1") for a in train[runner + 1:]])
    assert args.nproc_per_node == directives["ntasks-per-node"] and args.training_script == "train.py"
    assert "set -euo pipefail" in text  # training only after a passing preflight
    out = subprocess.run(["bash", "-n", str(SBATCH)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_slurm_prolog_writes_a_snapshot_and_never_fails(tmp_path: Path) -> None:
    env = dict(os.environ, CUDACHECK_SNAPSHOT_DIR=str(tmp_path / "snapshots"), CUDACHECK_BIN=str(BIN / "cudacheck"))
    out = subprocess.run(["sh", str(PROLOG)], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    (written,) = (tmp_path / "snapshots").glob("*.json")
    from cudacheck.serialize import load_snapshot

    assert load_snapshot(written).level == "standard"
    fleet = run_cudacheck(["cudacheck", "fleet", str(tmp_path / "snapshots")], tmp_path)
    assert fleet.returncode in (0, 1) and "1 machine" in fleet.stdout, fleet.stderr
    broken = subprocess.run(["sh", str(PROLOG)], env=dict(env, CUDACHECK_BIN="false"), capture_output=True, text=True)
    assert broken.returncode == 0  # a failing prolog would drain the node
    assert not list((tmp_path / "snapshots").glob(".*.tmp"))
    assert subprocess.run(["sh", "-n", str(PROLOG)]).returncode == 0


def test_kubernetes_preflight_job(load_yaml, tmp_path: Path) -> None:
    service, job = load_all(load_yaml, PREFLIGHT_JOB)
    assert service["kind"] == "Service" and service["spec"]["clusterIP"] == "None"
    assert job["kind"] == "Job" and job["spec"]["completionMode"] == "Indexed"
    spec, template = job["spec"], job["spec"]["template"]
    assert spec["completions"] == spec["parallelism"] and spec["backoffLimit"] == 0
    assert template["spec"]["subdomain"] == service["metadata"]["name"]
    assert service["spec"]["selector"] == {"job-name": job["metadata"]["name"]}
    (container,) = template["spec"]["containers"]
    command = container["command"]
    assert command[0] == "torchrun"
    split = command.index("-m")
    args = torchrun_args([a.replace("$(NODE_RANK)", "0") for a in command[1:split]] + ["-m", "cudacheck.preflight"])
    assert int(args.nnodes) == spec["completions"]
    assert args.master_addr == f"{job['metadata']['name']}-0.{service['metadata']['name']}"
    assert args.master_port == service["spec"]["ports"][0]["port"]
    env = {e["name"]: e for e in container["env"]}
    assert "job-completion-index" in env["NODE_RANK"]["valueFrom"]["fieldRef"]["fieldPath"]
    options = preflight_args(command[split + 2:])
    assert options.expect_world_size == int(args.nnodes) * int(args.nproc_per_node)
    assert container["resources"]["limits"]["nvidia.com/gpu"] == int(args.nproc_per_node)
    assert options.fmt == "json"
    # the same preflight, run here as a single process: its JSON contract comes out, exit 0/1/2
    run = subprocess.run([sys.executable, "-m", "cudacheck.preflight", *command[split + 2:], "--no-collectives"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120,
                         env={k: v for k, v in os.environ.items() if not k.startswith(("CUDACHECK_", "SLURM_"))})
    assert run.returncode in (0, 1, 2), run.stderr
    import json

    report = json.loads(run.stdout)
    assert report["schema"] == "cudacheck.preflight/1" and report["exit_code"] == run.returncode


def test_kubernetes_snapshot_daemonset(load_yaml, tmp_path: Path) -> None:
    claim, daemonset = load_all(load_yaml, SNAPSHOT_DAEMONSET)
    assert claim["kind"] == "PersistentVolumeClaim" and "ReadWriteMany" in claim["spec"]["accessModes"]
    assert daemonset["kind"] == "DaemonSet"
    spec = daemonset["spec"]["template"]["spec"]
    assert spec["volumes"][0]["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]
    (container,) = spec["containers"]
    env = {e["name"]: e for e in container["env"]}
    assert env["NODE_NAME"]["valueFrom"]["fieldRef"]["fieldPath"] == "spec.nodeName"
    assert "nvidia.com/gpu" not in container["resources"].get("limits", {})  # takes no GPU from the jobs
    script = container["command"][2]
    (line,) = [line.strip() for line in script.splitlines() if "cudacheck snapshot" in line]
    argv = shlex.split(line.split("if ", 1)[1].split(";")[0].replace("/snapshots", str(tmp_path))
                       .replace("${NODE_NAME}", "gpu-node-1"))
    assert_accepted(argv, tmp_path)
    (tmp_path / ".gpu-node-1.json.tmp").rename(tmp_path / "gpu-node-1.json")
    fleet = run_cudacheck(["cudacheck", "fleet", str(tmp_path)], tmp_path)
    assert fleet.returncode in (0, 1) and "1 machine" in fleet.stdout, fleet.stderr


def test_dockerfile_fleet_check_build_step(tmp_path: Path) -> None:
    instructions = list(dockerfile_instructions(FLEET_DOCKERFILE.read_text(encoding="utf-8")))
    copies = [args.split() for name, args in instructions if name == "COPY"]
    runs = [args for name, args in instructions if name == "RUN"]
    (check,) = [shlex.split(args) for args in runs if args.startswith("cudacheck doctor")]
    assert check[:3] == ["cudacheck", "doctor", "--targets"]
    source = next(src for src, dest in copies if dest == check[3])
    assert (REPO / source).is_file()
    assert runs.index(" ".join(check)) > next(i for i, r in enumerate(runs) if "pip install" in r)
    from cudacheck.fleet.targets import load_targets

    targets = load_targets(str(REPO / source))
    assert len(targets) == 3 and {t.name for t in targets} == {"a100-prod", "h100-train", "l4-inference"}
    out = assert_accepted(["cudacheck", "doctor", "--targets", str(REPO / source)], tmp_path)
    assert out.stdout.count(" — assuming ") + out.stdout.count(" - assuming ") == 3


def test_github_actions_fleet_check_runs(load_yaml, tmp_path: Path) -> None:
    workflow = load_yaml(FLEET_WORKFLOW.read_text(encoding="utf-8"))
    job = workflow["jobs"]["fleet-check"]
    assert "gpu" not in str(job["runs-on"])  # no GPU needed: drivers and GPUs are assumed
    step = next(s for s in job["steps"] if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    (tmp_path / ".venv").symlink_to(BIN.parent)
    shutil.copy(FLEET_FILE, tmp_path / "fleet.toml")
    summary = tmp_path / "summary.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUDACHECK_")}
    env["GITHUB_STEP_SUMMARY"] = str(summary)
    out = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode in (0, 1), out.stderr
    assert (tmp_path / "fleet-check.md").read_text(encoding="utf-8").startswith("### cudacheck what-if:")
    import json

    verdict = json.loads((tmp_path / "fleet-check.json").read_text(encoding="utf-8"))
    assert verdict["schema"] == "cudacheck.whatif/1" and len(verdict["targets"]) == 3
    assert bool(verdict["summary"]["failing"]) == (out.returncode == 1)
    upload = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert upload["if"] == "always()"
