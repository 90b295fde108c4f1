"""What "ready" means: requirements from keyword arguments, CLI flags, environment
variables (``CUDACHECK_*``) and ``[tool.cudacheck]`` in ./pyproject.toml.

Precedence: explicit arguments > environment > pyproject.toml > defaults. Every GPU
requirement (compute capability, memory, features, a GPU count) implies that a GPU
must be visible, wherever it was given; the Policy records where each requirement
came from (``flag``, ``env``, ``pyproject``, ``marker``, ``API``).
"""
from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Dict, List, Mapping, Optional

from .errors import UsageError

# Minimum compute capability of each feature a policy can ask for.
FEATURES: Dict[str, str] = {
    "bf16": "8.0",   # bfloat16 tensor cores: Ampere and newer
    "tf32": "8.0",   # TensorFloat-32: Ampere and newer
    "fp8": "8.9",    # FP8 tensor cores: Ada Lovelace and Hopper onwards
}

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)
_UNIT = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}


@dataclass
class Policy:
    """Requirements an environment must meet to be "ready"."""

    require_gpu: bool = False
    min_gpus: Optional[int] = None
    min_compute_capability: Optional[str] = None
    min_gpu_memory: Optional[int] = None  # bytes, per GPU
    features: List[str] = field(default_factory=list)
    min_shm: Optional[int] = None  # bytes
    require_torch: Optional[bool] = None  # None: missing torch is a warning; True: an error; False: fine
    sources: Dict[str, str] = field(default_factory=dict, compare=False)  # requirement -> where it was set

    def as_dict(self) -> Dict[str, Any]:
        """Only the requirements that are set (``require_torch=False`` included: it was asked for)."""
        return {k: v for k, v in asdict(self).items()
                if k != "sources" and (v not in (None, False, []) or (k == "require_torch" and v is False))}

    @property
    def gpu_requirements(self) -> List[str]:
        """The requirements given that need a visible GPU (each one implies it)."""
        wanted = [name for name in ("require_gpu", "min_compute_capability", "min_gpu_memory", "features")
                  if getattr(self, name)]
        if self.min_gpus:
            wanted.insert(1, "min_gpus")
        return wanted

    @property
    def wants_gpu(self) -> bool:
        """Whether any requirement needs a visible GPU."""
        return bool(self.gpu_requirements)

    def with_default(self, name: str, value: Any, source: str) -> "Policy":
        """This policy with ``name`` set to ``value`` unless a requirement already set it."""
        if getattr(self, name) is not None:
            return self
        setattr(self, name, value)
        self.sources[name] = source
        return self


def parse_size(value: Any, key: str) -> int:
    """``"16GiB"``, ``"8G"``, ``"512M"`` or a number of bytes → bytes."""
    if isinstance(value, bool):
        raise UsageError(f"{key}: expected a size such as 16GiB, got {value!r}")
    if isinstance(value, (int, float)):
        return int(value)
    match = _SIZE.match(str(value))
    if not match:
        raise UsageError(f"{key}: expected a size such as 16GiB or 512MiB, got {value!r}")
    return int(float(match.group(1)) * _UNIT[match.group(2).lower()])


def _bool(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise UsageError(f"{key}: expected true or false, got {value!r}")


def _int(value: Any, key: str) -> int:
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        number = None
    if number is None or number < 0:
        raise UsageError(f"{key}: expected a non-negative whole number, got {value!r}")
    return number


def _cc(value: Any, key: str) -> str:
    text = str(value).strip()
    if not re.fullmatch(r"\d+\.\d", text):
        raise UsageError(f"{key}: expected a compute capability such as 8.0, got {value!r}")
    return text


def _features(value: Any, key: str) -> List[str]:
    items = value if isinstance(value, list) else re.split(r"[,\s]+", str(value))
    names = [str(item).strip().lower() for item in items if str(item).strip()]
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise UsageError(f"{key}: unknown feature {unknown[0]!r} (known: {', '.join(FEATURES)})")
    return names


_PARSERS = {
    "require_gpu": _bool, "min_gpus": _int, "min_compute_capability": _cc,
    "min_gpu_memory": parse_size, "features": _features, "min_shm": parse_size, "require_torch": _bool,
}


def _apply(values: Dict[str, Any], raw: Mapping[str, Any], where: str) -> None:
    for key, value in raw.items():
        name = key.replace("-", "_")
        if name not in _PARSERS:
            known = ", ".join(k.replace("_", "-") for k in _PARSERS)
            raise UsageError(f"{where}: unknown key {key!r} (known: {known})")
        if value is None:
            continue
        values[name] = _PARSERS[name](value, f"{where} {key}")


def from_pyproject(directory: "Optional[os.PathLike | str]" = None) -> Dict[str, Any]:
    """The ``[tool.cudacheck]`` table of ``pyproject.toml`` in ``directory`` (default: cwd)."""
    path = os.path.join(directory if directory is not None else os.getcwd(), "pyproject.toml")
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return {}
    if "tool.cudacheck" not in text and "[tool]" not in text:
        return {}
    try:
        import tomllib  # type: ignore[import-not-found]
    except ImportError:  # Python < 3.11
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc})") from None
    table = data.get("tool", {}).get("cudacheck", {})
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [tool.cudacheck] must be a table")
    values: Dict[str, Any] = {}
    _apply(values, table, "[tool.cudacheck]")
    return values


def from_environment(environ: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    """Requirements from ``CUDACHECK_REQUIRE_GPU``, ``CUDACHECK_MIN_GPUS``, … (for images)."""
    environ = os.environ if environ is None else environ
    raw = {name: environ[f"CUDACHECK_{name.upper()}"] for name in _PARSERS
           if f"CUDACHECK_{name.upper()}" in environ}
    values: Dict[str, Any] = {}
    for name, value in raw.items():
        values[name] = _PARSERS[name](value, f"CUDACHECK_{name.upper()}")
    return values


def resolve_policy(overrides: Optional[Mapping[str, Any]] = None, *, directory: "Optional[os.PathLike | str]" = None,
                   environ: Optional[Mapping[str, str]] = None, use_config: bool = True,
                   origin: str = "API") -> Policy:
    """Merge defaults, pyproject.toml, the environment and explicit ``overrides`` (which came
    from ``origin``: ``flag``, ``marker`` or ``API``), recording where each value came from."""
    values: Dict[str, Any] = {}
    sources: Dict[str, str] = {}
    layers = [(from_pyproject(directory), "pyproject"), (from_environment(environ), "env")] if use_config else []
    explicit: Dict[str, Any] = {}
    _apply(explicit, {k: v for k, v in (overrides or {}).items() if v is not None and v != ()}, "argument")
    for layer, where in layers + [(explicit, origin)]:
        values.update(layer)
        sources.update({name: where for name in layer})
    known = {f.name for f in fields(Policy)} - {"sources"}
    policy = Policy(**{k: v for k, v in values.items() if k in known})
    policy.sources = {k: v for k, v in sources.items() if k in known}
    return policy
