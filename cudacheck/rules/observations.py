"""Observations: what a pasted report (or a deep child's output) shows that facts alone
cannot express, and the helpers the rules that read them share.

The observation rules CC8xx (``cudacheck/rules/catalogue/observed_*.py``) are *symptom*
rules: when a fact-based rule names a cause of the same category (CC201 from the GPU and
the build's arch list, CC210 from driver and build CUDA, …), the engine folds the
observation into that finding as evidence instead of reporting it twice. Alone, an
observation is reported with the certainty a single line deserves: ``likely`` when the
message states the cause itself ("The NVIDIA driver on your system is too old"),
``possible`` when it only points at it ("no space left on device" in a container).

Signature names are those of :mod:`cudacheck.triage.signatures`; context observations
(``docker_run``, ``cuda_available``, ``install_command``, ``environment``,
``torch_version_imported``, …) come from the triage importers.
"""
from __future__ import annotations

from typing import Dict, List, Optional

from ..compat.archs import Arch, parse_arch
from ..snapshot import Observation
from ..versions import major_minor
from .context import RuleContext

LIKELY = "likely"
POSSIBLE = "possible"
NEXT_STEP = "Run `cudacheck doctor --format markdown` on the affected machine and paste the output."


# --- observation helpers ---------------------------------------------------------------------
def signature_index(ctx: RuleContext) -> Dict[str, List[Observation]]:
    """The observations grouped by signature, built once per context and cached on it."""
    cached = getattr(ctx, "_observation_index", None)
    if cached is None:
        cached = {}
        for observation in ctx.snapshot.observations:
            cached.setdefault(observation.signature, []).append(observation)
        setattr(ctx, "_observation_index", cached)
    return cached


def all_of(ctx: RuleContext, *names: str) -> List[Observation]:
    """Every observation of the given signatures, signature by signature in the order given."""
    index = signature_index(ctx)
    found: List[Observation] = []
    for name in names:
        found.extend(index.get(name, ()))
    return found


def first_of(ctx: RuleContext, *names: str) -> Optional[Observation]:
    """The first observation of the first given signature that was observed, or None."""
    index = signature_index(ctx)
    for name in names:
        if index.get(name):
            return index[name][0]
    return None


def quote(observation: Optional[Observation]) -> str:
    """The observation as a quotation with its line number (text shortened past 200 characters)."""
    if observation is None:
        return ""
    where = f"line {observation.line}: " if observation.line else ""
    text = observation.text if len(observation.text) <= 200 else observation.text[:197] + "…"
    return f"{where}“{text}”"


def evidence(*observations: Optional[Observation]) -> List[str]:
    """Evidence keys (``observations.<signature>``) for the observations given; None is skipped."""
    return [f"observations.{o.signature}" for o in observations if o is not None]


def safe(function, default=None):
    """Call a compat-data lookup; a missing or partial table yields the default."""
    try:
        return function()
    except Exception:  # compat tables may be absent in a partial installation
        return default


def wheel_text(ctx: RuleContext) -> str:
    """The newest official wheel for this driver and GPU; without a known driver, the newest
    mainstream wheel for the GPU with the driver it needs."""
    fallback = "Run `cudacheck compat plan --driver <version from nvidia-smi>` to list the wheels that fit."
    if ctx.driver_cuda or ctx.driver_version:
        return safe(ctx.best_wheel_text, fallback)
    candidates = safe(ctx.wheels_for_machine, []) or []
    if not candidates:
        return fallback
    defaults = {}
    for release in safe(ctx.db.torch_releases_newest_first, []) or []:
        defaults[release.latest] = release.pypi_default
    best = next((c for c in candidates if defaults.get(c.torch) == c.tag), candidates[0])
    needed = driver_needed(ctx, best.cuda)
    gpu = f" for {gpu_label(ctx)}" if ctx.gpus else ""
    return (f"Newest official wheel{gpu}:\n  {best.install}\n"
            f"It needs an NVIDIA driver {needed or 'supporting CUDA ' + best.cuda}; with an older driver: "
            "`cudacheck compat plan --driver <version from nvidia-smi>`.")


def docker_run(ctx: RuleContext) -> Optional[Observation]:
    """The pasted ``docker run`` command, or None."""
    return first_of(ctx, "docker_run")


def cuda_unavailable(ctx: RuleContext) -> Optional[Observation]:
    """The observation saying CUDA is unavailable (is_available() False, no devices, the message)."""
    return next((o for o in all_of(ctx, "cuda_available") if o.values.get("value") == "false"), None) or \
        next((o for o in all_of(ctx, "cuda_device_count") if o.values.get("count") == "0"), None) or \
        first_of(ctx, "cuda_not_available")


def platform_system(ctx: RuleContext) -> str:
    """The platform's system in lower case (``linux``, ``windows``, ``darwin``), or ""."""
    return (ctx.snapshot.platform.system or "").lower()


def env_value(ctx: RuleContext, name: str) -> Optional[str]:
    """An environment variable as the snapshot recorded it, or None."""
    return ctx.snapshot.container.env.get(name)


def driver_needed(ctx: RuleContext, cuda: Optional[str]) -> Optional[str]:
    """"≥ 525.60.13 (…)" for a CUDA version, from the toolkit table."""
    mm = major_minor(cuda)
    if not mm:
        return None
    floor = safe(lambda: ctx.db.minor_floor(mm[0]))
    floor_driver = getattr(floor, ctx.platform, None) if floor else None
    full = safe(lambda: ctx.db.min_driver(f"{mm[0]}.{mm[1]}", ctx.platform))
    if floor_driver and full and full != floor_driver:
        return f"≥ {floor_driver} (any CUDA {mm[0]}.x; ≥ {full} for CUDA {mm[0]}.{mm[1]}'s full feature set)"
    if floor_driver or full:
        return f"≥ {floor_driver or full}"
    return None


def gpu_label(ctx: RuleContext) -> str:
    """The GPUs' labels joined by commas, or "this GPU" when none is known."""
    labels = [g.label for g in ctx.gpus]
    return ", ".join(labels) if labels else "this GPU"


# --- signs and views several rule groups read -------------------------------------------------
NO_GPU_SIGNS = ("no_cuda_device", "no_cuda_gpus", "no_nvidia_driver", "nvml_library_missing", "libcuda_missing",
                "smi_not_found", "ngc_no_driver", "smi_no_devices", "nvml_unknown_error", "cuda_init_failed")


def gpu_arch(ctx: RuleContext) -> Optional[Arch]:
    """The GPU's architecture: the first one known from the facts, else one named by an error line."""
    for gpu in ctx.gpus:
        if gpu.arch is not None:
            return gpu.arch
    for observation in all_of(ctx, "gpu_not_compatible", "ptxas_unknown_arch"):
        arch = parse_arch(observation.values.get("sm", "") and f"sm_{observation.values['sm']}"
                          or observation.values.get("arch", ""))
        if arch:
            return arch
    return None


def ld_entries(ctx: RuleContext, *words: str) -> List[str]:
    """The LD_LIBRARY_PATH entries that contain any of the words, deduplicated, in order."""
    path = env_value(ctx, "LD_LIBRARY_PATH") or ""
    entries: List[str] = []
    for part in path.split(":"):
        part = part.rstrip("/")
        if part and part not in entries and any(w in part.lower() for w in words):
            entries.append(part)
    return entries
