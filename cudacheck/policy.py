"""What "ready" means: requirements from keyword arguments, CLI flags, environment
variables (``CUDACHECK_*``) and ``[tool.cudacheck]`` in ./pyproject.toml.

Precedence: explicit arguments > environment > pyproject.toml > defaults. Every GPU
requirement (compute capability, memory, features, a GPU count) implies that a GPU
must be visible, wherever it was given; the Policy records where each requirement
came from (``flag``, ``env``, ``pyproject``, ``marker``, ``API``).
"""
from __future__ import annotations

import math
import os
import re
import sys
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Dict, List, Mapping, Optional

from .errors import ConfigError
from .lazy_regex import lazy_compile

# Minimum compute capability of each feature a policy can ask for.
FEATURES: Dict[str, str] = {
    "bf16": "8.0",   # bfloat16 tensor cores: Ampere and newer
    "tf32": "8.0",   # TensorFloat-32: Ampere and newer
    "fp8": "8.9",    # FP8 tensor cores: Ada Lovelace and Hopper onwards
}

_SIZE = lazy_compile(r"^\s*(\d{1,30}(?:\.\d{1,30})?)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)
_UNIT = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}

MAX_SIZE = 2**60
"""Largest size a requirement may name (1 EiB): anything above is a typo, not a GPU."""
MAX_COUNT = 2**31 - 1
"""Largest whole number a requirement may name."""
MIN_TIMEOUT = 0.0
"""Timeouts must be above this (exclusive) ..."""
MAX_TIMEOUT = 3600.0
"""... and at most this many seconds: a probe that needs more than an hour is hung."""


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
    select: List[str] = field(default_factory=list)  # rule codes, code prefixes or slugs to report (empty: all)
    ignore: List[str] = field(default_factory=list)  # rule codes, code prefixes or slugs not to report
    sources: Dict[str, str] = field(default_factory=dict, compare=False)  # requirement -> where it was set

    def as_dict(self) -> Dict[str, Any]:
        """Only the requirements that are set (``require_torch=False`` included: it was asked for);
        which rules are reported (``select``/``ignore``) is :attr:`rule_selection`."""
        return {k: v for k, v in asdict(self).items()
                if k not in _NOT_REQUIREMENTS and (v not in (None, False, []) or (k == "require_torch" and v is False))}

    @property
    def rule_selection(self) -> Dict[str, List[str]]:
        """``{"select": [...], "ignore": [...]}`` as given (only the keys that are set)."""
        return {name: list(getattr(self, name)) for name in ("select", "ignore") if getattr(self, name)}

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


def brief_repr(value: Any) -> str:
    """``repr(value)``, cut short: an error line stays one readable line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:50] + "…" + text[-5:]


def parse_size(value: Any, key: str) -> int:
    """``"16GiB"``, ``"8G"``, ``"512M"`` or a number of bytes → bytes (0 to :data:`MAX_SIZE`).

    Every source (flag, ``CUDACHECK_*``, ``[tool.cudacheck]``, argument) gets the same check:
    a negative, infinite or NaN size is refused, never clamped.
    """
    bad = ConfigError(f"{key}: expected a size such as 16GiB or 512MiB, got {brief_repr(value)}")
    if isinstance(value, bool):
        raise bad
    if isinstance(value, (int, float)):
        number = float(value) if isinstance(value, float) else value
    else:
        match = _SIZE.match(str(value)) if isinstance(value, str) else None
        if not match:
            raise bad
        number = float(match.group(1)) * _UNIT[match.group(2).lower()]
    if isinstance(number, float) and not math.isfinite(number) or number < 0:
        raise bad
    if number > MAX_SIZE:
        raise ConfigError(f"{key}: {brief_repr(value)} is larger than any GPU or /dev/shm (at most 1 EiB)")
    return int(number)


def parse_timeout(value: Any, key: str) -> float:
    """A timeout in seconds: a finite number above 0 and at most :data:`MAX_TIMEOUT`."""
    bad = ConfigError(f"{key}: expected a number of seconds above 0 and at most {MAX_TIMEOUT:.0f}, "
                      f"got {brief_repr(value)}")
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise bad
    try:
        seconds = float(value)
    except (ValueError, OverflowError):
        raise bad from None
    if not math.isfinite(seconds) or not MIN_TIMEOUT < seconds <= MAX_TIMEOUT:
        raise bad
    return seconds


_NOT_REQUIREMENTS = ("sources", "select", "ignore")

_SELECTOR = lazy_compile(r"^(?:ALL|[A-Z]{1,4}\d{0,4}|[a-z0-9][a-z0-9-]{0,80})$")


def _selectors(value: Any, key: str) -> List[str]:
    """Rule selectors, the way ruff takes them: a list, or one string of comma- (or space-)
    separated items; each a code (``CC201``), a code prefix (``CC2``), a slug
    (``gpu-arch-not-in-build``) or ``ALL``. Whether a rule matches is checked by the engine."""
    if isinstance(value, str):
        items = re.split(r"[,\s]+", value)
    elif isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        items = [part for item in value for part in re.split(r"[,\s]+", item)]
    else:
        raise ConfigError(f"{key}: expected rule codes or slugs such as CC201 or gpu-arch-not-in-build "
                          f"(a list or a comma-separated string), got {brief_repr(value)}")
    selectors: List[str] = []
    for item in (item.strip() for item in items):
        if not item:
            continue
        normal = item.upper() if re.fullmatch(r"[A-Za-z]{1,4}\d{0,4}", item) else item.lower()
        if not _SELECTOR.match(normal):
            raise ConfigError(f"{key}: {brief_repr(item)} is not a rule code, code prefix or slug")
        if normal not in selectors:
            selectors.append(normal)
    return selectors


def _bool(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{key}: expected true or false, got {brief_repr(value)}")


def _int(value: Any, key: str) -> int:
    number: Optional[int] = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"\s*\+?\d{1,12}\s*", value):
        number = int(value)
    if number is None or number < 0 or number > MAX_COUNT:
        raise ConfigError(f"{key}: expected a non-negative whole number, got {brief_repr(value)}")
    return number


def _cc(value: Any, key: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ConfigError(f"{key}: expected a compute capability such as 8.0, got {brief_repr(value)}")
    text = str(value).strip()
    if not re.fullmatch(r"\d+\.\d", text):
        raise ConfigError(f"{key}: expected a compute capability such as 8.0, got {brief_repr(value)}")
    return text


def _features(value: Any, key: str) -> List[str]:
    if isinstance(value, (list, tuple)):
        items = list(value)
    elif isinstance(value, str):
        items = re.split(r"[,\s]+", value)
    else:
        raise ConfigError(f"{key}: expected feature names such as bf16 (a list or a comma-separated "
                          f"string), got {brief_repr(value)}")
    if any(not isinstance(item, str) for item in items):
        raise ConfigError(f"{key}: expected feature names such as bf16, got {brief_repr(value)}")
    names = [str(item).strip().lower() for item in items if str(item).strip()]
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise ConfigError(f"{key}: unknown feature {unknown[0]!r} (known: {', '.join(FEATURES)})")
    return names


_PARSERS = {
    "require_gpu": _bool, "min_gpus": _int, "min_compute_capability": _cc,
    "min_gpu_memory": parse_size, "features": _features, "min_shm": parse_size, "require_torch": _bool,
    "select": _selectors, "ignore": _selectors,
}


def _apply(values: Dict[str, Any], raw: Mapping[str, Any], where: str) -> None:
    for key, value in raw.items():
        name = str(key).replace("-", "_")
        if name not in _PARSERS:
            known = ", ".join(k.replace("_", "-") for k in _PARSERS)
            raise ConfigError(f"{where}: unknown key {key!r} (known: {known})")
        if value is None:
            continue
        values[name] = _PARSERS[name](value, f"{where} {key}")


def from_pyproject(directory: "Optional[os.PathLike | str]" = None) -> Dict[str, Any]:
    """The ``[tool.cudacheck]`` table of ``pyproject.toml`` in ``directory`` (default: cwd).

    No file, or a file that does not mention cudacheck: no requirements. A file that may
    hold requirements but cannot be read as TOML (not UTF-8, UTF-16 as PowerShell writes
    it, unreadable, broken) is a :class:`ConfigError` naming it: a gate that silently
    stopped enforcing its requirements would pass machines it should fail.
    """
    if directory is None:
        try:
            directory = os.getcwd()
        except OSError:  # the current folder was deleted: it holds no pyproject.toml
            return {}
    path = os.path.join(directory, "pyproject.toml")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_PYPROJECT_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    text = _pyproject_text(path, data)
    if text is None or "cudacheck" not in text:
        return {}
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML (nested too deeply)") from None
    tool = parsed.get("tool", {})
    table = tool.get("cudacheck", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.cudacheck] must be a table, not {_toml_type(table)}")
    values: Dict[str, Any] = {}
    _apply(values, table, f"{path} [tool.cudacheck]")
    return values


MAX_PYPROJECT_BYTES = 16 * 2**20
"""A pyproject.toml larger than this is not read (it is refused if it mentions cudacheck)."""


def _pyproject_text(path: str, data: bytes) -> Optional[str]:
    """The file as text, None when it cannot concern cudacheck; ConfigError when it may but
    cannot be read as the UTF-8 TOML requires."""
    if len(data) > MAX_PYPROJECT_BYTES:
        if b"cudacheck" in data:
            raise ConfigError(f"{path}: larger than {MAX_PYPROJECT_BYTES // 2**20} MiB; not read")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and not text.startswith("\ufeff") and "\x00" not in text[:200]:
        return text
    encoding = "UTF-8 with a byte-order mark"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:200]:
        encoding, lenient = "UTF-16", data.decode("utf-16", "replace")
    else:
        lenient = data.decode("latin-1")
        if text is None:
            encoding = "not UTF-8"
    if "cudacheck" not in lenient:
        return None
    raise ConfigError(f"{path}: {encoding}; TOML files must be UTF-8 (without a byte-order mark), "
                      "so its [tool.cudacheck] requirements cannot be read")


def _toml_type(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "an array"}.get(type(value), type(value).__name__)


def validated(policy: Policy, where: str = "policy") -> Policy:
    """``policy`` with every requirement checked as a flag would be (``Policy(min_gpus=-1)``
    is a ConfigError naming ``policy.min_gpus``) and normalised (``"40GiB"`` → bytes)."""
    values: Dict[str, Any] = {}
    for item in fields(Policy):
        value = getattr(policy, item.name)
        if item.name == "sources" or value is None or (isinstance(value, list) and not value):
            continue
        if value is False:  # "not required" is a statement too (require_torch=False)
            values[item.name] = False
            continue
        values[item.name] = _PARSERS[item.name](value, f"{where}.{item.name}")
    checked = Policy(**values)
    checked.sources = dict(policy.sources)
    return checked


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
    from ``origin``: ``flag``, ``marker`` or ``API``), recording where each value came from.

    Requirements: the highest source wins. Rule selection layers as ruff's does: a source
    that gives ``select`` starts afresh (its own ``ignore`` only); a source that gives only
    ``ignore`` adds to what the lower sources ignore."""
    values: Dict[str, Any] = {}
    sources: Dict[str, str] = {}
    layers = [(from_pyproject(directory), "pyproject"), (from_environment(environ), "env")] if use_config else []
    explicit: Dict[str, Any] = {}
    _apply(explicit, {k: v for k, v in (overrides or {}).items() if v is not None and v != ()}, "argument")
    for layer, where in layers + [(explicit, origin)]:
        layer = dict(layer)
        if "select" in layer:
            values.pop("ignore", None)
            sources.pop("ignore", None)
        elif "ignore" in layer and values.get("ignore"):
            layer["ignore"] = values["ignore"] + [item for item in layer["ignore"] if item not in values["ignore"]]
            where_ignore = f"{sources['ignore']}+{where}"
            values.update(layer)
            sources.update({name: where for name in layer})
            sources["ignore"] = where_ignore
            continue
        values.update(layer)
        sources.update({name: where for name in layer})
    known = {f.name for f in fields(Policy)} - {"sources"}
    policy = Policy(**{k: v for k, v in values.items() if k in known})
    policy.sources = {k: v for k, v in sources.items() if k in known}
    return policy
