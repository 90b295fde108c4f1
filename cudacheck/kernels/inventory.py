"""The kernel inventory of one Python environment: torch's libraries and every extension.

Which files: every shared library in torch's ``lib/`` (plus ``torch/_C*.so``), and every
``.so`` that an installed distribution's ``RECORD`` lists — except NVIDIA's own CUDA
library wheels (``nvidia-*``), which are not extensions. Files without GPU code are
dropped after a section-header read. Per library with GPU code: the targets per
container group, the CUDA runtime it links (and, when that differs from torch's,
whether the loader can find it), its torch interface, and which of the torch symbols
it needs the installed torch does not export (``.gnu.hash`` lookups, as the dynamic
loader does them).

Nothing is loaded or imported. A file that cannot be read or is malformed becomes a
``ProbeError`` naming it; the rest of the inventory goes on.
"""
from __future__ import annotations

import glob
import json
import os
import re
import sys
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from ..probes.loader import LD_CACHE, default_dirs, expand_origin, locate, read_ld_cache
from ..probes.library_files import path_list
from ..names import package_key
from ..probes.paths import folders, shorten
from ..snapshot import KernelBinary, KernelInventory, ProbeError, TorchFacts
from .cache import ScanCache, default_path
from .elf import ElfError, ElfFile
from .scan import CUDART_SONAME, LibraryScan, scan_library
from .symbols import GnuHashTable
from ..lazy_regex import lazy_compile

PROBE = "kernels"
MISSING_SHOWN = 20
#: c10::Error's constructor, exported by every torch 1.x/2.x libc10: its mangling names
#: the std::string ABI torch was built with.
_ERROR_CTOR_NEW = ("_ZN3c105ErrorC2ENS_14SourceLocationENSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE")
_ERROR_CTOR_OLD = "_ZN3c105ErrorC2ENS_14SourceLocationESs"
_SHARED_LIBRARY = lazy_compile(r"\.so(\.\d+)*$")
_LOCAL_VERSION = lazy_compile(r"\+([A-Za-z0-9.]+)")


class _Distribution:
    """An installed distribution: its dist-info folder and site directory."""

    def __init__(self, site: str, dist_info: str) -> None:
        self.site = site
        self.dist_info = dist_info
        stem = os.path.basename(dist_info)[:-len(".dist-info")]
        self.name, _, self.version = stem.partition("-")
        self._metadata: Optional[Dict[str, object]] = None

    def metadata(self) -> Dict[str, object]:
        """Name, Version, the ``Requires-Dist: torch`` specifier and a direct-URL local version."""
        if self._metadata is None:
            fields: Dict[str, object] = {}
            try:
                with open(os.path.join(self.dist_info, "METADATA"), encoding="utf-8", errors="replace") as handle:
                    for line in handle:
                        if not line.strip():
                            break
                        key, _, value = line.partition(":")
                        value = value.strip()
                        if key in ("Name", "Version"):
                            fields[key] = value
                        elif key == "Requires-Dist" and "extra ==" not in value:
                            match = re.match(r"^torch\s*(?:\((.*?)\)|([^;]*))", value)
                            if match and not value.startswith(("torchvision", "torchaudio", "torch-", "torch_")):
                                fields["torch"] = (match.group(1) or match.group(2) or "").strip()
            except OSError:
                pass
            try:
                with open(os.path.join(self.dist_info, "direct_url.json"), encoding="utf-8") as handle:
                    url = json.load(handle).get("url", "")
                match = _LOCAL_VERSION.search(os.path.basename(str(url)).replace("%2B", "+"))
                if match:
                    fields["url_local"] = match.group(1).rstrip(".")
            except (OSError, ValueError, AttributeError):
                pass
            self._metadata = fields
        return self._metadata

    def libraries(self, cache: ScanCache) -> List[str]:
        """Absolute paths of the shared libraries its RECORD lists (cached by RECORD identity)."""
        record = os.path.join(self.dist_info, "RECORD")
        try:
            stat = os.stat(record)
        except OSError:
            return []
        entry = cache.get(record, stat)
        if entry is None or not isinstance(entry.get("libraries"), list):
            names: List[str] = []
            try:
                with open(record, encoding="utf-8", errors="replace") as handle:
                    for line in handle:
                        relative = line.split(",", 1)[0]
                        if _SHARED_LIBRARY.search(relative):
                            names.append(relative)
            except OSError:
                return []
            entry = {"libraries": names}
            cache.put(record, stat, entry)
        return [os.path.normpath(os.path.join(self.site, rel)) for rel in entry["libraries"] if isinstance(rel, str)]


def distributions(search_path: Sequence[str]) -> List[_Distribution]:
    """Installed distributions on the search path (the first of each name wins)."""
    found: Dict[str, _Distribution] = {}
    for site in folders(search_path):
        try:
            names = sorted(os.listdir(site))
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                dist = _Distribution(site, os.path.join(site, name))
                found.setdefault(package_key(dist.name), dist)
    return list(found.values())


def torch_libraries(location: Optional[str]) -> List[str]:
    """torch's own shared libraries: ``lib/*.so*`` and ``_C*.so``."""
    if not location:
        return []
    root = os.path.expanduser(location)
    paths = glob.glob(os.path.join(glob.escape(root), "lib", "*.so*")) + \
        glob.glob(os.path.join(glob.escape(root), "_C*.so"))
    return sorted(p for p in paths if _SHARED_LIBRARY.search(p) and os.path.isfile(p))


class _Scanner:
    """Scans files through the cache; failures become ProbeErrors."""

    def __init__(self, cache: ScanCache, errors: List[ProbeError]) -> None:
        self.cache = cache
        self.errors = errors
        self.checked = 0

    def scan(self, path: str, keep_symbols: bool = True) -> Optional[Tuple[LibraryScan, os.stat_result, str]]:
        """The scan of one file (from the cache when unchanged); ``keep_symbols=False``
        drops the list of torch symbols it needs (torch's own libraries need their own)."""
        real = os.path.realpath(path)
        try:
            stat = os.stat(real)
        except OSError as exc:
            self.errors.append(ProbeError(PROBE, _kind(exc), f"{shorten(path)}: {exc.strerror or exc}"))
            return None
        self.checked += 1
        entry = self.cache.get(real, stat)
        if entry is not None and isinstance(entry.get("scan"), dict):
            try:
                return LibraryScan.from_dict(entry["scan"]), stat, real
            except (TypeError, ValueError):
                pass
        try:
            scan = scan_library(real, symbols=keep_symbols)
        except OSError as exc:
            self.errors.append(ProbeError(PROBE, _kind(exc), f"{shorten(path)}: {exc.strerror or exc}"))
            return None
        except (ElfError, ValueError, OverflowError, MemoryError) as exc:
            self.errors.append(ProbeError(PROBE, "error", f"{shorten(path)}: malformed ELF file: {exc}"))
            return None
        if scan.notes:
            self.errors.append(ProbeError(PROBE, "error", f"{shorten(path)}: malformed fatbin: {scan.notes[0]}"
                                          + (f" (+{len(scan.notes) - 1} more)" if len(scan.notes) > 1 else "")))
        self.cache.put(real, stat, {"scan": scan.as_dict()})
        return scan, stat, real


def _kind(exc: OSError) -> str:
    return "permission" if isinstance(exc, PermissionError) else "not_found" \
        if isinstance(exc, FileNotFoundError) else "error"


class _TorchExports:
    """Symbol lookups in the installed torch's libraries (opened lazily, once)."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = list(paths)
        self._tables: Optional[List[GnuHashTable]] = None
        self._files: List[ElfFile] = []

    @property
    def tables(self) -> List[GnuHashTable]:
        if self._tables is None:
            self._tables = []
            for path in self.paths:
                try:
                    elf = ElfFile.open(path)
                except (OSError, ElfError):
                    continue
                try:
                    self._tables.append(GnuHashTable(elf))
                    self._files.append(elf)
                except (ElfError, ValueError):
                    elf.close()
        return self._tables

    def exports(self, name: str) -> bool:
        return any(table.exports(name) for table in self.tables)

    def missing(self, names: Iterable[str]) -> Optional[List[str]]:
        """The names no torch library exports; None when torch's tables cannot be read."""
        if not self.tables:
            return None
        try:
            return [name for name in names if not self.exports(name)]
        except (ElfError, OSError):
            return None

    def cxx11_abi(self) -> Optional[bool]:
        if not self.tables:
            return None
        if self.exports(_ERROR_CTOR_NEW):
            return True
        return False if self.exports(_ERROR_CTOR_OLD) else None

    def close(self) -> None:
        for elf in self._files:
            elf.close()


def _local_version(version: Optional[str]) -> Optional[str]:
    return version.split("+", 1)[1] if version and "+" in version else None


def kernel_facts(torch: Optional[TorchFacts], env: Optional[Dict[str, str]] = None, *,
                 search_path: Optional[Sequence[str]] = None, errors: Optional[List[ProbeError]] = None,
                 cache: Optional[ScanCache] = None, ld_cache: str = LD_CACHE) -> KernelInventory:
    """Inventory torch's libraries and every installed extension with GPU code.

    ``env`` is the snapshot's allow-listed environment (for LD_LIBRARY_PATH);
    ``cache`` defaults to the per-user cache file (pass ``ScanCache(None)`` for none).
    """
    env = env or {}
    errors = errors if errors is not None else []
    search_path = list(sys.path if search_path is None else search_path)
    cache = cache if cache is not None else ScanCache(default_path())
    scanner = _Scanner(cache, errors)
    inventory = KernelInventory()

    torch_paths = torch_libraries(torch.location if torch else None)
    torch_real = {os.path.realpath(p) for p in torch_paths}
    torch_scans: List[Tuple[str, LibraryScan]] = []
    for path in torch_paths:
        scanned = scanner.scan(path, keep_symbols=False)
        if scanned and scanned[0].fatbin:
            torch_scans.append((path, scanned[0]))
    torch_needed = {name for _p, scan in torch_scans for name in scan.needed}
    majors = {scan.cudart_major for _p, scan in torch_scans if scan.cudart_major is not None}
    inventory.torch_cudart_major = majors.pop() if len(majors) == 1 else None
    for path, scan in torch_scans:
        inventory.binaries.append(_binary(path, scan, "torch", torch.version if torch else None))

    exports = _TorchExports(torch_paths)
    torch_identity = [list(cache_id) for cache_id in _identities(torch_paths)]
    resolver = _CudartResolver(env, ld_cache, torch_needed)
    try:
        for dist in distributions(search_path):
            key = package_key(dist.name)
            if key == "torch" or key.startswith("nvidia-"):
                continue
            for path in dist.libraries(cache):
                if os.path.realpath(path) in torch_real or not os.path.isfile(path):
                    continue
                scanned = scanner.scan(path)
                if not scanned or not scanned[0].fatbin:
                    continue
                scan, stat, real = scanned
                metadata = dist.metadata()
                version = str(metadata.get("Version") or dist.version or "") or None
                binary = _binary(path, scan, str(metadata.get("Name") or dist.name), version)
                binary.requires_torch = str(metadata.get("torch") or "") or None
                binary.local_version = str(metadata.get("url_local") or "") or _local_version(version)
                _judge_symbols(binary, scan, real, stat, cache, exports, torch_identity)
                if binary.cudart_soname and binary.cudart_major != inventory.torch_cudart_major:
                    binary.cudart_resolves = resolver.resolves(binary.cudart_soname, path, scan)
                inventory.binaries.append(binary)
        abis = {scan.cxx11_abi for _p, scan in torch_scans if scan.cxx11_abi is not None}
        if len(abis) == 1:
            inventory.torch_cxx11_abi = abis.pop()
        elif any(b.torch_abi == "cxx" for b in inventory.binaries if b.package != "torch"):
            inventory.torch_cxx11_abi = exports.cxx11_abi()
    finally:
        exports.close()
    inventory.files_checked = scanner.checked
    inventory.files_cached = cache.hits
    cache.save()
    return inventory


def _identities(paths: Sequence[str]) -> List[Tuple[int, ...]]:
    identities: List[Tuple[int, ...]] = []
    for path in paths:
        try:
            stat = os.stat(path)
        except OSError:
            continue
        identities.append((stat.st_ino, stat.st_size, stat.st_mtime_ns))
    return identities


def _judge_symbols(binary: KernelBinary, scan: LibraryScan, real: str, stat: os.stat_result, cache: ScanCache,
                   exports: _TorchExports, torch_identity: List[List[int]]) -> None:
    """Missing torch symbols, remembered in the cache for this torch's exact files."""
    if not scan.torch_symbols:
        binary.missing_torch_symbols, binary.missing_torch_symbols_count = ([], 0) if scan.torch_abi == "none" \
            else (None, None)
        return
    if not torch_identity:
        return  # no torch to look in: unknown
    entry = cache.peek(real, stat) or {}
    missing = entry.get("missing") if entry.get("torch") == torch_identity else None
    if not isinstance(missing, list):
        missing = exports.missing(scan.torch_symbols)
        if missing is not None and entry:
            cache.put(real, stat, dict(entry, torch=torch_identity, missing=missing))
    if missing is None:
        return
    binary.missing_torch_symbols = missing[:MISSING_SHOWN]
    binary.missing_torch_symbols_count = len(missing)


class _CudartResolver:
    """Whether the loader would find a CUDA runtime an extension needs."""

    def __init__(self, env: Dict[str, str], ld_cache: str, torch_needed: Iterable[str]) -> None:
        self.ld_library_path = path_list(env.get("LD_LIBRARY_PATH"))
        self.ld_cache = ld_cache
        self.torch_needed = set(torch_needed)
        self._cache: Optional[List[Tuple[str, str]]] = None
        self._system: Optional[List[str]] = None

    def resolves(self, soname: str, path: str, scan: LibraryScan) -> bool:
        if soname in self.torch_needed:
            return True  # torch loads it first; the loader reuses it by SONAME
        if self._cache is None:
            self._cache = [(k, p) for k, p in read_ld_cache(self.ld_cache) if CUDART_SONAME.match(k)]
            self._system = default_dirs()
        origin = os.path.dirname(os.path.abspath(path))
        raw = scan.runpath or scan.rpath
        kind = "runpath" if scan.runpath else "rpath" if scan.rpath else None
        dirs = [expand_origin(entry, origin) for entry in raw if entry]
        return locate(soname, search_kind=kind, search_dirs=dirs, ld_library_path=self.ld_library_path,
                      cache=self._cache, system_dirs=self._system or []) is not None


def _binary(path: str, scan: LibraryScan, package: Optional[str], version: Optional[str]) -> KernelBinary:
    return KernelBinary(
        path=shorten(path) or path, package=package, package_version=version, containers=scan.containers,
        groups=scan.groups, sass=scan.sass, ptx=scan.ptx, ptx_isa=scan.ptx_isa, relocatable=scan.relocatable,
        cudart=scan.cudart, cudart_soname=scan.cudart_soname, cudart_major=scan.cudart_major,
        torch_abi=scan.torch_abi, cxx11_abi=scan.cxx11_abi,
        torch_symbols=len(scan.torch_symbols) if scan.torch_abi and package != "torch" else None,
        needed=scan.needed, notes=list(scan.notes))
