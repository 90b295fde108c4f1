"""Version parsing as integer tuples: never compare versions as floats ("12.10" > "12.9")."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional, Sequence, Tuple, Union
from .lazy_regex import lazy_compile

VersionTuple = Tuple[int, ...]

_NUMBERS = lazy_compile(r"\d+(?:\.\d+)*")
_CU_TAG = lazy_compile(r"^cu(\d{2,3})$")


@lru_cache(maxsize=8192)
def parse(version: Optional[str]) -> Optional[VersionTuple]:
    """``"535.104.05"`` → ``(535, 104, 5)``; the first dotted number run in the text, else None.

    Cached (the result is an immutable tuple): table versions are compared again and again."""
    if not version:
        return None
    match = _NUMBERS.search(str(version))
    if not match:
        return None
    parts = match.group(0).split(".")
    if any(len(part) > 18 for part in parts):
        return None  # no version has a part this long (and int() refuses 4,300+ digits)
    return tuple(int(part) for part in parts)


def parts(version: Optional[str]) -> VersionTuple:
    """:func:`parse`, with ``()`` instead of None: ``"12.9.79"`` → ``(12, 9, 79)``, ``"so"`` → ``()``."""
    return parse(version) or ()


def cuda_from_int(value: Optional[int]) -> Optional[str]:
    """CUDA's integer encoding (1000·major + 10·minor) → ``"12.4"``; 0 or None → None."""
    if not value or value <= 0:
        return None
    return f"{value // 1000}.{(value % 1000) // 10}"


def dotted(parts: Sequence[int]) -> str:
    """``[12, 4, 1]`` → ``"12.4.1"``."""
    return ".".join(str(int(part)) for part in parts)


def from_packed(value: int, major_unit: int) -> str:
    """A version packed as ``major·major_unit + minor·100 + patch`` → ``"major.minor.patch"``."""
    return f"{value // major_unit}.{(value % major_unit) // 100}.{value % 100}"


def major_minor(version: Optional[str]) -> Optional[Tuple[int, int]]:
    """``"12.4.1"`` → ``(12, 4)``; ``"12"`` → ``(12, 0)``."""
    parts = parse(version)
    if not parts:
        return None
    return (parts[0], parts[1] if len(parts) > 1 else 0)


def driver_branch(version: Optional[str]) -> Optional[int]:
    """The driver branch (major): ``"535.104.05"`` → 535."""
    parts = parse(version)
    return parts[0] if parts else None


def at_least(version: Optional[str], floor: Optional[str]) -> Optional[bool]:
    """``version >= floor`` on integer tuples; None when either is unknown."""
    have, need = parse(version), parse(floor)
    if have is None or need is None:
        return None
    width = max(len(have), len(need))
    return have + (0,) * (width - len(have)) >= need + (0,) * (width - len(need))


def torch_local_tag(version: Optional[str]) -> Optional[str]:
    """The local version label of a torch version: ``"2.4.1+cu121"`` → ``"cu121"``."""
    if version and "+" in version:
        return version.split("+", 1)[1]
    return None


def official_torch(version: Optional[str]) -> bool:
    """Whether a torch version is an official wheel's: a plain version (+cuXYZ or none); source builds carry
    +git…, NVIDIA's Jetson builds +nv…."""
    local = torch_local_tag(version)
    return local is None or local.startswith("cu")


def torch_public(version: Optional[str]) -> Optional[str]:
    """``"2.4.1+cu121"`` → ``"2.4.1"``."""
    return version.split("+", 1)[0] if version else None


def cuda_tag(cuda: str) -> str:
    """``"12.1"`` → ``"cu121"``."""
    major, minor = major_minor(cuda) or (0, 0)
    return f"cu{major}{minor}"


def cuda_from_digits(digits: str) -> str:
    """CUDA written without its dot, the last digit the minor: ``"121"`` → ``"12.1"``, ``"92"`` → ``"9.2"``.
    Two digits starting with 1 are a major alone (``"12"`` → ``"12"``, flash-attn's ``+cu12torch2.4``
    wheels): there never was a CUDA 1.x build to mean."""
    if len(digits) == 2 and digits.startswith("1"):
        return digits
    return f"{digits[:-1]}.{digits[-1]}"


def cuda_from_tag(tag: Optional[str]) -> Optional[str]:
    """A wheel's CUDA tag: ``"cu121"`` → ``"12.1"``, ``"cu92"`` → ``"9.2"``, ``"cu130"`` → ``"13.0"``; None
    for anything else (``"cpu"``, ``"rocm6.2"``)."""
    match = _CU_TAG.match(tag or "")
    return cuda_from_digits(match.group(1)) if match else None


def cudnn_from_int(value: Optional[int]) -> Optional[str]:
    """cudnnGetVersion() / torch.backends.cudnn.version() → ``"9.1.0"`` (cuDNN ≥ 9:
    major·10000 + minor·100 + patch; 8.x and older: major·1000 + minor·100 + patch)."""
    if not value:
        return None
    return from_packed(value, 10000 if value >= 10000 else 1000)


def nccl_from_int(value: Optional[int]) -> Optional[str]:
    """ncclGetVersion() → ``"2.21.5"`` (NCCL ≥ 2.9: major·10000 + minor·100 + patch; older:
    major·1000 + minor·100 + patch)."""
    if not value:
        return None
    return from_packed(value, 10000 if value >= 20900 else 1000)


def nccl_version(value: Union[int, Sequence[int], None]) -> Optional[str]:
    """torch.cuda.nccl.version() → ``"2.21.5"``: a tuple in newer torch, the packed integer in older."""
    if value is None or isinstance(value, bool):
        return None
    return nccl_from_int(value) if isinstance(value, int) else dotted(value)
