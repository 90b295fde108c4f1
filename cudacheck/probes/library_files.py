"""Which CUDA library files exist where: LD_LIBRARY_PATH, pip ``nvidia/*`` wheels, conda,
CUDA toolkits, torch's RUNPATH folders, the loader cache and the system folders.

A file is reported once, under the path where it was first seen, with every way it was
found (``origins``) and the wheels whose RECORD lists it (``packages``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from ..snapshot import LibraryFacts, PackageFacts
from ..versions import parts
from .cuda_toolkit import expand
from .host import HostRoots
from .paths import folders, shorten
from ..lazy_regex import lazy_compile

#: File names of the libraries this probe reports; the group is the library ``name``.
NAME_RE = lazy_compile(r"^lib(cudart|cudnn(?:_[a-z0-9_]+)?|nccl|cublasLt|cublas|nvrtc)\.so(?:\.(\d+(?:\.\d+)*))?$")
#: A found file's ``origin`` is the first of its ``origins`` in this order: what the file is
#: (a pip wheel's, a conda package's, a CUDA toolkit's) before how a loader reaches it.
ORIGIN_ORDER = ("pip", "conda", "cuda_home", "ld_library_path", "rpath", "ldconfig", "system_dirs")


def classify(file_name: str) -> Optional[Tuple[str, Optional[str]]]:
    """``libcudnn.so.9.1.0`` → ``("cudnn", "9.1.0")``; None for files this probe ignores."""
    match = NAME_RE.match(file_name)
    return (match.group(1), match.group(2)) if match else None


@dataclass
class FoundFile:
    """One library file and what is known about it so far."""

    name: str
    path: str  # as first found (not resolved through symlinks)
    version: Optional[str]
    version_source: Optional[str]
    origins: List[str] = field(default_factory=list)
    packages: List[str] = field(default_factory=list)
    call_version: Optional[str] = None
    load_error: Optional[str] = None

    def facts(self, path: Optional[str] = None, origin: Optional[str] = None) -> LibraryFacts:
        version, source = (self.call_version, "call") if self.call_version else (self.version, self.version_source)
        return LibraryFacts(name=self.name, path=shorten(path or self.path) or "",
                            origin=origin or self.origins[0], version=version, version_source=source,
                            origins=list(self.origins), packages=list(self.packages),
                            load_error=self.load_error)


class Listings:
    """Directory listings, filtered to CUDA library names, cached by real path."""

    def __init__(self) -> None:
        self._cache: Dict[str, List[str]] = {}

    def names(self, directory: str) -> List[str]:
        real = os.path.realpath(directory)
        if real not in self._cache:
            try:
                self._cache[real] = sorted(name for name in os.listdir(real) if NAME_RE.match(name))
            except OSError:
                self._cache[real] = []
        return self._cache[real]


def path_list(value: Optional[str]) -> List[str]:
    """A colon-separated list as ld.so reads it: an empty entry is the current folder; an empty
    value names nothing."""
    if not value:
        return []
    return folders(expand(part) for part in value.split(":"))


def scan_dirs(env: Dict[str, str], cuda_home: Optional[str], search_path: Sequence[str],
              torch_dirs: Sequence[str], roots: HostRoots) -> List[Tuple[str, str]]:
    """(origin, folder) pairs to list; a file keeps the path under which it was first seen."""
    dirs: List[Tuple[str, str]] = [("ld_library_path", d) for d in path_list(env.get("LD_LIBRARY_PATH"))]
    for site in folders(search_path):
        base = os.path.join(site, "nvidia")
        try:
            packages = sorted(os.listdir(base))
        except OSError:
            continue
        dirs += [("pip", os.path.join(base, name, "lib")) for name in packages]
    if env.get("CONDA_PREFIX"):
        dirs.append(("conda", os.path.join(expand(env["CONDA_PREFIX"]), "lib")))
    homes = ([cuda_home] if cuda_home else []) + [h for h in roots.cuda_homes if h != cuda_home]
    for home in homes:
        dirs += [("cuda_home", os.path.join(home, sub)) for sub in ("lib64", "lib")]
    dirs += [("rpath", d) for d in torch_dirs]
    return dirs


def _symlink_version(path: str, version: Optional[str]) -> Optional[str]:
    """The more precise version a symlink's target name carries (libcudnn.so.9 → 9.1.0)."""
    if not os.path.islink(path):
        return None
    target = classify(os.path.basename(os.path.realpath(path)))
    if target and target[1] and len(parts(target[1])) > len(parts(version)) \
            and (not version or parts(target[1])[0] == parts(version)[0]):
        return target[1]
    return None


class FileInventory:
    """Every library file found, keyed by its real folder and file name."""

    def __init__(self, listings: Listings) -> None:
        self.listings = listings
        self.files: Dict[str, FoundFile] = {}

    @staticmethod
    def key(path: str) -> str:
        return os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))

    def add(self, origin: str, path: str) -> Optional[FoundFile]:
        file_name = os.path.basename(path)
        kind = classify(file_name)
        if kind is None:
            return None
        key = self.key(path)
        found = self.files.get(key)
        if found is None:
            if not os.path.exists(path):
                return None
            if file_name.endswith(".so") and os.path.islink(path):
                return None  # a development symlink (libcudnn.so): the loader never asks for it
            name, version = kind
            better = _symlink_version(path, version)
            found = FoundFile(name, path, better or version, "filename" if (better or version) else None)
            self.files[key] = found
        if origin not in found.origins:
            found.origins.append(origin)
        return found

    def add_folder(self, origin: str, directory: str) -> None:
        for file_name in self.listings.names(directory):
            self.add(origin, os.path.join(directory, file_name))

    def get(self, path: str) -> Optional[FoundFile]:
        return self.files.get(self.key(path))


def owners(packages: Optional[Sequence[PackageFacts]]) -> Dict[str, List[PackageFacts]]:
    """Installed wheels by the (real) paths of the library files their RECORD lists."""
    found: Dict[str, List[PackageFacts]] = {}
    for package in packages or ():
        if not package.location:
            continue
        location = expand(package.location)
        for relative in package.libraries:
            path = os.path.normpath(os.path.join(location, relative))
            found.setdefault(FileInventory.key(path), []).append(package)
    return found


def discover(env: Dict[str, str], cuda_home: Optional[str], search_path: Sequence[str], torch_dirs: Sequence[str],
             packages: Optional[Sequence[PackageFacts]], cache: List[Tuple[str, str]],
             roots: HostRoots) -> FileInventory:
    """Every CUDA library file in the places a loader or a person would look."""
    inventory = FileInventory(Listings())
    for origin, directory in scan_dirs(env, cuda_home, search_path, torch_dirs, roots):
        inventory.add_folder(origin, directory)
    for _key, path in cache:
        inventory.add("ldconfig", path)
    for directory in roots.lib_dirs:
        inventory.add_folder("system_dirs", directory)
    owned = owners(packages)
    for key, found in inventory.files.items():
        found.packages = [p.name for p in owned.get(key, [])]
    for found in inventory.files.values():
        found.origins.sort(key=ORIGIN_ORDER.index)
    return inventory


def note_mapped(facts, mapped) -> None:
    """Mark the files a process really mapped (the deep child's ``/proc/self/maps``).

    A found file gains the origin ``mapped``; a mapped file discovery missed (loaded
    through a path this probe does not search) is added with origin ``mapped``.
    """
    by_real: Dict[str, LibraryFacts] = {}
    for library in facts.found:
        by_real.setdefault(os.path.realpath(expand(library.path)), library)
    for path in mapped:
        kind = classify(os.path.basename(path))
        if kind is None:
            continue
        library = by_real.get(os.path.realpath(expand(path)))
        if library is None:
            library = LibraryFacts(name=kind[0], path=path, origin="mapped", version=kind[1],
                                   version_source="filename" if kind[1] else None)
            facts.found.append(library)
            by_real[os.path.realpath(expand(path))] = library
        if "mapped" not in library.origins:
            library.origins.append("mapped")
