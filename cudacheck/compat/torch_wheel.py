"""What a torch wheel says about its build, read from the wheel without installing or importing it.

The facts and where each comes from:

* ``torch/version.py`` — the version (``2.14.1+cu130``), CUDA (``13.0``, ``None`` for a CPU
  build) and git commit, through the torch build probe's parser;
* the dist-info ``METADATA`` — ``Version`` (no local label such as ``+cu130``: the file
  PyPI serves to a plain ``pip install torch``), ``Requires-Python`` and every
  ``Requires-Dist`` (the exact ``nvidia-*``/``cuda-*`` pins, cuDNN and NCCL among them,
  and triton), through the same probe's METADATA reader;
* ``torch/lib/*.so`` — the kernel inventory's reader over each library's fatbin headers:
  the build's SASS and PTX targets are those at least half of ``libtorch_cuda.so``'s
  containers carry (per-kernel extras such as ``sm_90a`` are not the build's list);
  the compiled ``CUDA_ARCH_FLAGS`` string in ``libtorch_python.so`` (what
  ``torch._C._cuda_getArchFlags()`` returns); NCCL's own version string where NCCL is
  linked into ``libtorch_cuda.so``.

Members of a ``.whl`` are deflated, so a library is streamed to a temporary file one at a
time (1 MiB at a time, never a whole member in memory), read with ``pread`` and deleted.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import ContextManager, Dict, Iterator, List, Optional, Set, Tuple

from ..kernels.coverage import main_targets, target_key
from ..kernels.elf import ElfError, ElfFile
from ..kernels.inventory import _SHARED_LIBRARY
from ..kernels.scan import scan_library
from ..probes.torch_build import DistMetadata, parse_version_py, read_metadata, text_value
from ..versions import cuda_tag, major_minor, torch_local_tag, torch_public
from .archs import parse_arch
from ..lazy_regex import lazy_compile

TORCH_CUDA = "torch/lib/libtorch_cuda.so"
TORCH_PYTHON = "torch/lib/libtorch_python.so"
VERSION_PY = "torch/version.py"
CHUNK = 1 << 20

_TARGET = rb"(?:sm|compute)_\d+[af]?"
_ARCH_FLAGS = lazy_compile(rb"^" + _TARGET + rb"(?: " + _TARGET + rb")*$")
_ARCH_FLAGS_TAIL = lazy_compile(_TARGET + rb"(?: " + _TARGET + rb")+$")
"""Two or more targets ending a longer string: the linker can place the flags right after a
character array that has no NUL of its own (torch 2.8 and 2.9: ``…std::string ipc_hsm_70 sm_75 …``)."""
_NCCL_VERSION = lazy_compile(rb"NCCL version (\d+\.\d+\.\d+)[^\0+\s]*\+cuda\d+\.\d+")
_EXACT_PIN = lazy_compile(r"^==\s*([0-9][0-9A-Za-z.+!-]*)$")
_PIN_PREFIXES = ("nvidia-", "cuda-")


class WheelError(ValueError):
    """The file is not a torch wheel this reader understands (the message says why)."""


class WheelFiles(ABC):
    """The members of one wheel, readable as text or as a file path for the ELF reader."""

    filename: str
    size: Optional[int] = None

    @abstractmethod
    def members(self) -> List[str]:
        """Every member's path inside the wheel."""

    @abstractmethod
    def text(self, member: str) -> str:
        """A small member (``version.py``, ``METADATA``) as text."""

    @abstractmethod
    def local_path(self, member: str) -> ContextManager[str]:
        """A path on disk holding the member, valid inside the ``with`` block."""

    @property
    @abstractmethod
    def sha256(self) -> str:
        """The sha256 of the wheel file."""


class ZipWheel(WheelFiles):
    """A ``.whl`` file; libraries are streamed to a scratch folder one at a time."""

    def __init__(self, path: str, scratch: Optional[str] = None) -> None:
        self.path = path
        self.filename = os.path.basename(path)
        self.scratch = scratch
        try:
            self._zip = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as exc:
            raise WheelError(f"{path}: not a readable wheel ({exc})") from None
        self._sha256: Optional[str] = None
        self.size = os.path.getsize(path)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "ZipWheel":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def members(self) -> List[str]:
        return self._zip.namelist()

    def text(self, member: str) -> str:
        return self._zip.read(member).decode("utf-8", "replace")

    @contextmanager
    def local_path(self, member: str) -> Iterator[str]:
        fd, temporary = tempfile.mkstemp(prefix="torch-wheel-", suffix="-" + os.path.basename(member),
                                         dir=self.scratch)
        try:
            with os.fdopen(fd, "wb") as out, self._zip.open(member) as source:
                shutil.copyfileobj(source, out, CHUNK)
            yield temporary
        finally:
            os.unlink(temporary)

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            hasher = hashlib.sha256()
            with open(self.path, "rb") as handle:
                for block in iter(lambda: handle.read(CHUNK), b""):
                    hasher.update(block)
            self._sha256 = hasher.hexdigest()
        return self._sha256



class UnpackedWheel(WheelFiles):
    """A wheel already unpacked into a folder (members at their paths in the wheel), with the
    file name and sha256 of the wheel it came from, which the folder cannot tell."""

    def __init__(self, root: str, filename: str, sha256: str) -> None:
        self.root = root
        self.filename = filename
        self._sha256 = sha256

    def members(self) -> List[str]:
        found = []
        for folder, _dirs, files in os.walk(self.root):
            for name in files:
                found.append(os.path.relpath(os.path.join(folder, name), self.root).replace(os.sep, "/"))
        return sorted(found)

    def text(self, member: str) -> str:
        with open(os.path.join(self.root, member), encoding="utf-8", errors="replace") as handle:
            return handle.read()

    @contextmanager
    def local_path(self, member: str) -> Iterator[str]:
        yield os.path.join(self.root, member)

    @property
    def sha256(self) -> str:
        return self._sha256


@dataclass
class LibraryTargets:
    """The GPU code of one library of the wheel."""

    member: str
    containers: int
    sass: List[str]  # targets at least half the containers carry
    ptx: List[str]
    extras: List[str]  # targets only some containers carry


@dataclass
class WheelFacts:
    """Everything one torch wheel says about its build (``None``: the wheel does not say)."""

    filename: str
    sha256: str
    size: Optional[int] = None
    metadata: DistMetadata = field(default_factory=lambda: DistMetadata(None, None, {}))
    version: Optional[str] = None  # torch/version.py's (with the local label: 2.14.1+cu130)
    cuda: Optional[str] = None
    git_version: Optional[str] = None
    arch_flags: Optional[str] = None
    libraries: List[LibraryTargets] = field(default_factory=list)
    nccl_linked: Optional[str] = None  # NCCL's version string compiled into libtorch_cuda.so
    notes: List[str] = field(default_factory=list)

    @property
    def requires_python(self) -> Optional[str]:
        return self.metadata.requires_python

    @property
    def requirements(self) -> Dict[str, str]:
        return self.metadata.requirements

    @property
    def patch(self) -> Optional[str]:
        """``2.14.1``."""
        return torch_public(self.version)

    @property
    def series(self) -> Optional[str]:
        """``2.14``."""
        mm = major_minor(self.patch)
        return f"{mm[0]}.{mm[1]}" if mm else None

    @property
    def is_cuda(self) -> bool:
        return bool(self.cuda)

    @property
    def tag(self) -> Optional[str]:
        """The variant tag: the local label of ``torch/version.py``'s version (``cu130``),
        else the tag of its CUDA version; ``None`` for a build without CUDA."""
        if not self.cuda:
            return None
        local = torch_local_tag(self.version)
        return local if local and local.startswith("cu") else cuda_tag(self.cuda)

    @property
    def pypi_default(self) -> bool:
        """A CUDA build whose METADATA version has no local label: the file PyPI serves."""
        return self.is_cuda and bool(self.metadata.version) and torch_local_tag(self.metadata.version) is None

    @property
    def torch_cuda(self) -> Optional[LibraryTargets]:
        return next((lib for lib in self.libraries if lib.member == TORCH_CUDA), None)

    @property
    def pins(self) -> Dict[str, str]:
        """The exact ``==`` pins of ``nvidia-*`` and ``cuda-*`` requirements: ``{name: version}``."""
        pins = {}
        for name, spec in self.requirements.items():
            match = _EXACT_PIN.match(spec)
            if match and name.startswith(_PIN_PREFIXES):
                pins[name] = match.group(1)
        return pins

    def _pin(self, prefix: str) -> Optional[str]:
        return next((version for name, version in sorted(self.pins.items()) if name.startswith(prefix)), None)

    @property
    def cudnn(self) -> Optional[str]:
        """The pinned ``nvidia-cudnn-cuXX`` version."""
        return self._pin("nvidia-cudnn-")

    @property
    def nccl(self) -> Optional[str]:
        """The pinned ``nvidia-nccl-cuXX`` version, else the NCCL linked into libtorch_cuda.so."""
        return self._pin("nvidia-nccl-") or self.nccl_linked

    @property
    def triton(self) -> Optional[str]:
        """triton's requirement specifier (``~=3.8.0``), not a table field."""
        return self.requirements.get("triton")


def arch_list_from_flags(flags: Optional[str]) -> Optional[str]:
    """``"sm_75 sm_80 sm_90 compute_90"`` → ``"7.5;8.0;9.0+PTX"`` (``TORCH_CUDA_ARCH_LIST``
    form, order kept; PTX of an architecture marks that entry ``+PTX``)."""
    if not flags:
        return None
    entries: List[str] = []
    for token in flags.split():
        arch = parse_arch(token)
        if arch is None:
            continue
        if token.startswith("compute_"):
            plain = arch.cc
            entries = [e + "+PTX" if e == plain else e for e in entries]
            if plain + "+PTX" not in entries:
                entries.append(plain + "+PTX")
        elif arch.cc not in entries:
            entries.append(arch.cc)
    return ";".join(entries) or None


def _flags_in(text: bytes) -> Optional[bytes]:
    if _ARCH_FLAGS.match(text):
        return text
    match = _ARCH_FLAGS_TAIL.search(text)
    return match.group(0) if match else None


def compiled_arch_flags(elf: ElfFile) -> Tuple[Optional[str], Optional[str]]:
    """(the ``CUDA_ARCH_FLAGS`` string in ``.rodata``, or None; a note when it is ambiguous):
    the one NUL-terminated string made only of ``sm_XY``/``compute_XY`` words, or ending in
    two or more of them."""
    section = elf.section(".rodata")
    if section is None:
        return None, None
    found: Set[bytes] = set()
    tail = b""
    for offset in range(section.offset, section.offset + section.size, CHUNK):
        block = tail + elf.read(offset, min(CHUNK, section.offset + section.size - offset))
        strings = block.split(b"\0")
        tail = strings.pop()  # may continue in the next block
        found.update(flags for flags in map(_flags_in, strings) if flags)
    last = _flags_in(tail) if tail else None
    if last:
        found.add(last)
    if len(found) > 1:
        return None, f"several arch-flag strings in .rodata: {sorted(s.decode() for s in found)}"
    return (found.pop().decode() if found else None), None


def linked_nccl_version(elf: ElfFile) -> Optional[str]:
    """NCCL's ``"NCCL version 2.21.5+cuda12.4"`` string in ``.rodata`` (NCCL linked in), or None."""
    section = elf.section(".rodata")
    if section is None:
        return None
    tail = b""
    for offset in range(section.offset, section.offset + section.size, CHUNK):
        block = tail + elf.read(offset, min(CHUNK, section.offset + section.size - offset))
        match = _NCCL_VERSION.search(block)
        if match:
            return match.group(1).decode()
        tail = block[-64:]
    return None


def _library_targets(member: str, path: str) -> Optional[LibraryTargets]:
    scan = scan_library(path, symbols=False)
    if not scan.containers:
        return None
    sass, ptx = main_targets(scan.groups)
    everything = sorted({t for g in scan.groups for t in g.sass + g.ptx}, key=target_key)
    return LibraryTargets(member, scan.containers, sass, ptx, [t for t in everything if t not in sass + ptx])


def read_wheel(files: WheelFiles) -> WheelFacts:
    """The facts of one torch wheel; :class:`WheelError` when it is not a torch wheel."""
    members = files.members()
    metadata = next((m for m in members if re.fullmatch(r"torch-[^/]+\.dist-info/METADATA", m)), None)
    if metadata is None or VERSION_PY not in members:
        raise WheelError(f"{files.filename}: not a torch wheel (no torch-*.dist-info/METADATA or {VERSION_PY})")
    facts = WheelFacts(filename=files.filename, sha256=files.sha256, size=files.size)
    facts.metadata = read_metadata(files.text(metadata))
    values = parse_version_py(files.text(VERSION_PY))
    facts.version = text_value(values, "__version__")
    facts.cuda = text_value(values, "cuda")
    facts.git_version = text_value(values, "git_version")
    if not facts.version:
        raise WheelError(f"{files.filename}: {VERSION_PY} names no __version__")
    libraries = sorted(m for m in members if m.startswith("torch/lib/") and "/" not in m[len("torch/lib/"):]
                       and _SHARED_LIBRARY.search(m))
    for member in libraries:
        try:
            with files.local_path(member) as path:
                targets = _library_targets(member, path)
                if targets is not None:
                    facts.libraries.append(targets)
                if member == TORCH_PYTHON:
                    with ElfFile.open(path) as elf:
                        facts.arch_flags, note = compiled_arch_flags(elf)
                    if note:
                        facts.notes.append(f"{member}: {note}")
                elif member == TORCH_CUDA:
                    with ElfFile.open(path) as elf:
                        facts.nccl_linked = linked_nccl_version(elf)
        except (OSError, ElfError, zipfile.BadZipFile, zlib.error) as exc:
            facts.notes.append(f"{member}: not read ({type(exc).__name__}: {exc})")
    return facts
