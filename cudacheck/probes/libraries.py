"""CUDA library discovery: which libcudart/libcudnn/libnccl/libcublas/libnvrtc files exist
where, which copy the dynamic loader would give torch, and what version each really is.

Everything here is file reads (directory listings, ``/etc/ld.so.cache``, ELF dynamic
sections in pure Python) except two children started in parallel: ``nvcc --version``
(only when no ``version.json`` says it) and ``children/libs_child.py``, which dlopens the
chosen copies and asks each for its own version. dlopen can hang or crash; the child
runs with a deadline and its failure is a ProbeError, never a crash here.

Where the loader looks, for a library that torch's ``libtorch_cuda.so`` (or ``_C``)
names in DT_NEEDED (``ld.so(8)``): DT_RPATH of that object (only when it has no
DT_RUNPATH), ``LD_LIBRARY_PATH``, DT_RUNPATH, the ``ld.so.cache``, the default folders.
Official wheels carry a DT_RUNPATH like ``$ORIGIN/../../nvidia/cudnn/lib``, so an
``LD_LIBRARY_PATH`` holding another cuDNN wins over the pip one. A library already
loaded into the process under the same SONAME is reused whatever the path; the deep
level reports what a process really mapped.
"""
from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from ..snapshot import LibrariesFacts, LibraryFacts, PackageFacts, ProbeError, TorchFacts
from .loader import LD_CACHE, default_dirs, read_dynamic, read_ld_cache
from .paths import shorten

#: File names of the libraries this probe reports; the group is the library ``name``.
NAME_RE = re.compile(r"^lib(cudart|cudnn(?:_[a-z0-9_]+)?|nccl|cublasLt|cublas|nvrtc)\.so(?:\.(\d+(?:\.\d+)*))?$")
#: Libraries whose own version call the child makes (cuDNN sub-libraries have none).
CALLABLE = ("cudart", "cublasLt", "cublas", "nvrtc", "nccl", "cudnn")
#: torch's objects that link CUDA libraries, in the order their RUNPATH is consulted.
TORCH_OBJECTS = ("lib/libtorch_cuda.so", "lib/libtorch_cuda_cu.so", "lib/libtorch_cuda_cpp.so",
                 "lib/libc10_cuda.so", "lib/libcaffe2_nvrtc.so", "lib/libtorch_cuda_linalg.so",
                 "lib/libtorch_global_deps.so")
#: A found file's ``origin`` is the first of its ``origins`` in this order: what the file is
#: (a pip wheel's, a conda package's, a CUDA toolkit's) before how a loader reaches it.
ORIGIN_ORDER = ("pip", "conda", "cuda_home", "ld_library_path", "rpath", "ldconfig", "system_dirs")
LIBS_CHILD_TIMEOUT = 8.0
NVCC_TIMEOUT = 5.0


@dataclass
class _File:
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


def classify(file_name: str) -> Optional[Tuple[str, Optional[str]]]:
    """``libcudnn.so.9.1.0`` → ``("cudnn", "9.1.0")``; None for files this probe ignores."""
    match = NAME_RE.match(file_name)
    return (match.group(1), match.group(2)) if match else None


def _parts(version: Optional[str]) -> Tuple[int, ...]:
    """``"12.9.79"`` → ``(12, 9, 79)``; the leading dotted number only; ``()`` when none."""
    match = re.match(r"\d+(?:\.\d+)*", version or "")
    return tuple(int(p) for p in match.group(0).split(".")) if match else ()


class _Listings:
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


def _expand(path: str) -> str:
    return os.path.expanduser(path) if path.startswith("~") else path


def _path_list(value: Optional[str]) -> List[str]:
    """A colon-separated list as ld.so reads it: an empty entry is the current folder."""
    if value is None:
        return []
    return [os.path.abspath(_expand(part)) if part else os.getcwd() for part in value.split(":")]


def find_cuda_home(env: Dict[str, str]) -> Tuple[Optional[str], Optional[str]]:
    """(CUDA_HOME, how it was found), as ``torch.utils.cpp_extension`` finds it for builds."""
    for name in ("CUDA_HOME", "CUDA_PATH"):
        if env.get(name):
            return _expand(env[name]), "env"
    nvcc = shutil.which("nvcc")
    if nvcc:
        return os.path.dirname(os.path.dirname(nvcc)), "nvcc"
    if os.path.isdir("/usr/local/cuda"):
        return "/usr/local/cuda", "default"
    return None, None


def _scan_dirs(env: Dict[str, str], cuda_home: Optional[str], search_path: Sequence[str],
               torch_dirs: Sequence[str]) -> List[Tuple[str, str]]:
    """(origin, folder) pairs to list; a file keeps the path under which it was first seen."""
    dirs: List[Tuple[str, str]] = [("ld_library_path", d) for d in _path_list(env.get("LD_LIBRARY_PATH"))]
    for entry in search_path:
        base = os.path.join(os.path.abspath(entry or os.getcwd()), "nvidia")
        try:
            packages = sorted(os.listdir(base))
        except OSError:
            continue
        dirs += [("pip", os.path.join(base, name, "lib")) for name in packages]
    if env.get("CONDA_PREFIX"):
        dirs.append(("conda", os.path.join(_expand(env["CONDA_PREFIX"]), "lib")))
    homes = [cuda_home] if cuda_home else []
    homes += sorted(glob.glob("/usr/local/cuda")) + sorted(glob.glob("/usr/local/cuda-*"))
    for home in homes:
        dirs += [("cuda_home", os.path.join(home, sub)) for sub in ("lib64", "lib")]
    dirs += [("rpath", d) for d in torch_dirs]
    return dirs


def _symlink_version(path: str, version: Optional[str]) -> Optional[str]:
    """The more precise version a symlink's target name carries (libcudnn.so.9 → 9.1.0)."""
    if not os.path.islink(path):
        return None
    target = classify(os.path.basename(os.path.realpath(path)))
    if target and target[1] and len(_parts(target[1])) > len(_parts(version)) \
            and (not version or _parts(target[1])[0] == _parts(version)[0]):
        return target[1]
    return None


class _Inventory:
    """Every library file found, keyed by its real folder and file name."""

    def __init__(self, listings: _Listings) -> None:
        self.listings = listings
        self.files: Dict[str, _File] = {}

    @staticmethod
    def key(path: str) -> str:
        return os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))

    def add(self, origin: str, path: str) -> Optional[_File]:
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
            found = _File(name, path, better or version, "filename" if (better or version) else None)
            self.files[key] = found
        if origin not in found.origins:
            found.origins.append(origin)
        return found

    def add_folder(self, origin: str, directory: str) -> None:
        for file_name in self.listings.names(directory):
            self.add(origin, os.path.join(directory, file_name))

    def get(self, path: str) -> Optional[_File]:
        return self.files.get(self.key(path))


@dataclass
class _TorchLinks:
    needed: Optional[List[str]] = None  # CUDA library sonames torch links
    owner: Dict[str, Tuple[str, List[str]]] = field(default_factory=dict)  # soname -> (kind, dirs)
    kind: Optional[str] = None  # runpath | rpath, of the first object that has one
    dirs: List[str] = field(default_factory=list)  # every torch object's search folders, in order


def torch_links(torch: Optional[TorchFacts]) -> _TorchLinks:
    """The CUDA libraries torch's shared objects need and the folders their RUNPATH names."""
    links = _TorchLinks()
    if torch is None or not torch.location:
        return links
    location = _expand(torch.location)
    paths = sorted(glob.glob(os.path.join(glob.escape(location), "_C*.so")))
    paths = [os.path.join(location, rel) for rel in TORCH_OBJECTS] + paths
    for path in paths:
        if not os.path.exists(path):
            continue
        dynamic = read_dynamic(path)
        if dynamic is None:
            continue
        if links.needed is None:
            links.needed = []
        dirs = dynamic.search_dirs()
        if dynamic.search_kind and links.kind is None:
            links.kind = dynamic.search_kind
        links.dirs += [d for d in dirs if d not in links.dirs]
        for soname in dynamic.needed:
            if classify(soname) and soname not in links.owner:
                links.needed.append(soname)
                links.owner[soname] = (dynamic.search_kind or "runpath", dirs)
    return links


def _canonical_soname(name: str, cuda_major: Optional[int], cudnn_major: Optional[int]) -> Optional[str]:
    """The SONAME a build for this CUDA major links (used when torch's ELF files say nothing)."""
    if name == "nccl":
        return "libnccl.so.2"
    if name.startswith("cudnn"):
        return f"lib{name}.so.{cudnn_major}" if cudnn_major else None
    if cuda_major is None:
        return None
    if cuda_major == 11 and name in ("cudart", "nvrtc"):
        return {"cudart": "libcudart.so.11.0", "nvrtc": "libnvrtc.so.11.2"}[name]
    return f"lib{name}.so.{cuda_major}"


def _cudnn_major(torch: Optional[TorchFacts]) -> Optional[int]:
    if torch is None:
        return None
    for requirement, spec in (torch.nvidia_requirements or {}).items():
        if requirement.startswith("nvidia-cudnn"):
            match = re.search(r"(\d+)", spec)
            if match:
                return int(match.group(1))
    match = re.match(r"(\d+)", torch.cudnn_version or "")
    return int(match.group(1)) if match else None


def _best(names: Iterable[str]) -> Optional[str]:
    """Among file names of one library, the newest major's SONAME-like name."""
    ranked = sorted(names, key=lambda n: (-(_parts(classify(n)[1])[:1] or (0,))[0], len(n), n))  # type: ignore[index]
    return ranked[0] if ranked else None


class _Resolver:
    def __init__(self, listings: _Listings, ld_library_path: List[str], cache: List[Tuple[str, str]],
                 system_dirs: List[str]) -> None:
        self.listings = listings
        self.ld_library_path = ld_library_path
        self.cache = cache
        self.system_dirs = system_dirs

    def resolve(self, name: str, soname: Optional[str], kind: Optional[str],
                rpath_dirs: List[str]) -> Optional[Tuple[str, str]]:
        """(origin, path) of the copy the loader would open, or None."""
        steps: List[Tuple[str, List[str]]] = []
        if kind == "rpath":
            steps.append(("rpath", rpath_dirs))
        steps.append(("ld_library_path", self.ld_library_path))
        if kind != "rpath":
            steps.append(("rpath", rpath_dirs))
        steps.append(("ldconfig", []))
        steps.append(("system_dirs", self.system_dirs))
        for origin, dirs in steps:
            if origin == "ldconfig":
                keys = [key for key, _ in self.cache if self._matches(key, name, soname)]
                choice = soname if soname in keys else _best(keys)
                for key, path in self.cache:
                    if key == choice and os.path.exists(path):
                        return origin, path
                continue
            for directory in dirs:
                names = [n for n in self.listings.names(directory) if self._matches(n, name, soname)]
                choice = _best(names)
                if choice:
                    return origin, os.path.join(directory, choice)
        return None

    @staticmethod
    def _matches(file_name: str, name: str, soname: Optional[str]) -> bool:
        if soname:
            return file_name == soname
        kind = classify(file_name)
        return bool(kind and kind[0] == name and kind[1])


def _owners(packages: Optional[Sequence[PackageFacts]]) -> Dict[str, List[PackageFacts]]:
    owners: Dict[str, List[PackageFacts]] = {}
    for package in packages or ():
        if not package.location:
            continue
        location = _expand(package.location)
        for relative in package.libraries:
            path = os.path.normpath(os.path.join(location, relative))
            owners.setdefault(_Inventory.key(path), []).append(package)
    return owners


def _metadata_version(found: _File, owners: List[PackageFacts]) -> None:
    """A single owning wheel's version is more precise than ``.so.12``; two owners: ambiguous."""
    found.packages = [p.name for p in owners]
    if len(owners) != 1 or not owners[0].version:
        return
    package_version = owners[0].version
    file_major = _parts(found.version)[:1]
    if not file_major or _parts(package_version)[:1] == file_major:
        if len(_parts(found.version)) < 3:
            found.version, found.version_source = package_version, "metadata"


def nvcc_version_file(nvcc: str) -> Optional[str]:
    """The nvcc version from the toolkit's ``version.json`` (CUDA 11.1+) or ``version.txt``."""
    root = os.path.dirname(os.path.dirname(os.path.realpath(nvcc)))
    try:
        with open(os.path.join(root, "version.json"), encoding="utf-8") as handle:
            data = json.load(handle)
        for key in ("cuda_nvcc", "cuda"):
            version = (data.get(key) or {}).get("version")
            if version:
                return str(version)
    except (OSError, ValueError, AttributeError):
        pass
    try:
        with open(os.path.join(root, "version.txt"), encoding="utf-8") as handle:
            match = re.search(r"(\d+\.\d+(?:\.\d+)?)", handle.read())
            return match.group(1) if match else None
    except OSError:
        return None


def parse_nvcc_output(text: str) -> Optional[str]:
    """``Cuda compilation tools, release 12.4, V12.4.131`` → ``12.4.131``."""
    match = re.search(r"release (\d+\.\d+), V(\d+\.\d+(?:\.\d+)?)", text)
    if match:
        return match.group(2)
    match = re.search(r"release (\d+\.\d+)", text)
    return match.group(1) if match else None


class _Nvcc:
    """``nvcc --version`` run in the background while the rest of the probe works."""

    def __init__(self, path: Optional[str]) -> None:
        self.path = path
        self.version = nvcc_version_file(path) if path else None
        self.process: Optional[subprocess.Popen] = None
        if path and self.version is None:
            try:
                self.process = subprocess.Popen([path, "--version"], stdin=subprocess.DEVNULL,
                                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                                start_new_session=True)
            except OSError:
                self.process = None

    def result(self, deadline: float) -> Optional[str]:
        if self.process is None:
            return self.version
        try:
            out, _ = self.process.communicate(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                self.process.kill()
                self.process.communicate(timeout=0.2)
            except (OSError, subprocess.TimeoutExpired):
                pass
            return None
        return parse_nvcc_output(out.decode("utf-8", "replace"))


_CUDNN_DEFINE = re.compile(r"#define\s+CUDNN_(MAJOR|MINOR|PATCHLEVEL)\s+(\d+)")


def cudnn_header_version(include_dirs: Iterable[str]) -> Optional[str]:
    """``CUDNN_MAJOR.MINOR.PATCHLEVEL`` from the first cudnn_version.h (or old cudnn.h) found."""
    for directory in include_dirs:
        for header in ("cudnn_version.h", "cudnn.h"):
            try:
                with open(os.path.join(directory, header), encoding="utf-8", errors="replace") as handle:
                    text = handle.read(65536)
            except OSError:
                continue
            values = dict(_CUDNN_DEFINE.findall(text))
            if "MAJOR" in values:
                return ".".join(values[k] for k in ("MAJOR", "MINOR", "PATCHLEVEL") if k in values)
    return None


def _system_cudnn(files: Iterable[_File], cuda_home: Optional[str], env: Dict[str, str]) -> Optional[str]:
    """What collect_env calls "cuDNN version": system headers, else system libcudnn file names."""
    multiarch = f"/usr/include/{os.uname().machine}-linux-gnu"
    includes = [os.path.join(cuda_home, "include")] if cuda_home else []
    includes += ["/usr/include", multiarch, "/usr/local/cuda/include"]
    if env.get("CONDA_PREFIX"):
        includes.append(os.path.join(_expand(env["CONDA_PREFIX"]), "include"))
    version = cudnn_header_version(includes)
    if version:
        return version
    candidates = [f.version for f in files
                  if f.name == "cudnn" and f.version and f.version_source == "filename"
                  and set(f.origins) & {"ldconfig", "system_dirs", "cuda_home"}]
    return max(candidates, key=lambda v: (len(_parts(v)), _parts(v))) if candidates else None


def libraries_facts(env: Dict[str, str], torch: Optional[TorchFacts] = None,
                    packages: Optional[Sequence[PackageFacts]] = None, *,
                    errors: Optional[List[ProbeError]] = None, deadline: Optional[float] = None,
                    search_path: Optional[Sequence[str]] = None, ld_cache: str = LD_CACHE,
                    call_versions: bool = True) -> LibrariesFacts:
    """Library files by origin, the copy the loader would pick for torch, and their versions.

    ``env`` is the snapshot's allow-listed environment (LD_LIBRARY_PATH, CUDA_HOME,
    CONDA_PREFIX); ``packages`` the packages probe's answer (which wheel owns which
    file); ``deadline`` (``time.monotonic()``) bounds the version child.
    """
    started = time.monotonic()
    deadline = deadline if deadline is not None else started + LIBS_CHILD_TIMEOUT
    errors = errors if errors is not None else []
    search_path = list(sys.path if search_path is None else search_path)
    cuda_home, cuda_home_source = find_cuda_home(env)
    nvcc_path = os.path.join(cuda_home, "bin", "nvcc") if cuda_home else None
    if not (nvcc_path and os.path.isfile(nvcc_path)):
        nvcc_path = shutil.which("nvcc")
    nvcc = _Nvcc(nvcc_path)

    listings = _Listings()
    links = torch_links(torch)
    inventory = _Inventory(listings)
    for origin, directory in _scan_dirs(env, cuda_home, search_path, links.dirs):
        inventory.add_folder(origin, directory)
    cache = [(key, path) for key, path in read_ld_cache(ld_cache) if classify(key)]
    for _key, path in cache:
        inventory.add("ldconfig", path)
    system_dirs = default_dirs()
    for directory in system_dirs:
        inventory.add_folder("system_dirs", directory)
    owners = _owners(packages)
    for key, found in inventory.files.items():
        if key in owners:
            _metadata_version(found, owners[key])
    for found in inventory.files.values():
        found.origins.sort(key=ORIGIN_ORDER.index)

    resolver = _Resolver(listings, _path_list(env.get("LD_LIBRARY_PATH")), cache, system_dirs)
    cuda_major = (_parts(torch.cuda)[:1] or [None])[0] if torch and torch.cuda else None
    cudnn_major = _cudnn_major(torch)
    wanted: Dict[str, Optional[str]] = {}
    for soname in links.needed or []:
        name, version = classify(soname)  # type: ignore[misc]
        wanted.setdefault(name, soname)
        if name == "cudnn" and version:
            cudnn_major = _parts(version)[0]  # what torch links beats what its metadata pins
    names = sorted({f.name for f in inventory.files.values()} | set(wanted))
    resolved: Dict[str, Tuple[str, str, _File]] = {}
    for name in names:
        soname = wanted.get(name) or _canonical_soname(name, cuda_major, cudnn_major)
        kind, dirs = links.owner.get(soname or "", (links.kind, links.dirs))
        hit = resolver.resolve(name, soname, kind, dirs)
        if hit is None:
            continue
        origin, path = hit
        found = inventory.get(path) or inventory.add(origin, path)
        if found is not None:
            resolved[name] = (origin, path, found)

    if call_versions:
        _call_versions([(name, path, found) for name, (_o, path, found) in resolved.items() if name in CALLABLE],
                       deadline, errors)
    facts = LibrariesFacts(
        found=[f.facts() for f in inventory.files.values()],
        resolved={name: found.facts(path, origin) for name, (origin, path, found) in resolved.items()},
        nvcc_path=shorten(nvcc_path), cuda_home=shorten(cuda_home), cuda_home_source=cuda_home_source,
        system_cudnn_version=_system_cudnn(inventory.files.values(), cuda_home, env),
        torch_needed=links.needed, torch_rpath_kind=links.kind,
        torch_rpath=[shorten(d) or d for d in links.dirs] if links.needed is not None else None)
    facts.nvcc_version = nvcc.result(min(deadline, time.monotonic() + NVCC_TIMEOUT))
    return facts


def _call_versions(targets: List[Tuple[str, str, _File]], deadline: float, errors: List[ProbeError]) -> None:
    """Ask each chosen library for its own version in ONE child process (dlopen may hang or crash)."""
    if not targets:
        return
    from .isolation import Child, progress_file

    order = {name: index for index, name in enumerate(CALLABLE)}
    targets = sorted(targets, key=lambda t: order[t[0]])
    with progress_file("cudacheck-libs-") as progress:
        arguments = [json.dumps([[name, path] for name, path, _ in targets])] + ([progress] if progress else [])
        child = Child("libs_child.py", arguments)
        result = child.result(deadline)
        answers: Dict[str, dict] = {}
        in_flight: Optional[str] = None
        if result.status == "ok" and result.data:
            answers = result.data.get("results", {})
        else:
            answers, in_flight = _read_progress(progress) if progress else ({}, None)
            what = f" while loading {shorten(in_flight)}" if in_flight else ""
            errors.append(ProbeError("libraries", result.status, f"{result.message}{what}", result.signal,
                                     round(result.seconds, 4)))
    for _name, path, found in targets:
        answer = answers.get(path)
        if answer is None:
            if path == in_flight:
                found.load_error = f"the version probe {result.status} while loading this library ({result.message})"
            continue
        found.call_version = answer.get("version")
        found.load_error = answer.get("error")


def _read_progress(path: str) -> Tuple[Dict[str, dict], Optional[str]]:
    """Partial answers a crashed or abandoned child left, and the library it was loading."""
    from .isolation import progress_events

    answers: Dict[str, dict] = {}
    in_flight: Optional[str] = None
    for event in progress_events(path):
        if event.get("start"):
            in_flight = event["start"]
        elif event.get("path"):
            answers[event["path"]] = event
            in_flight = None
    return answers, in_flight


def note_mapped(facts: LibrariesFacts, mapped: Iterable[str]) -> None:
    """Mark the files a process really mapped (the deep child's ``/proc/self/maps``).

    A found file gains the origin ``mapped``; a mapped file discovery missed (loaded
    through a path this probe does not search) is added with origin ``mapped``.
    """
    by_real: Dict[str, LibraryFacts] = {}
    for library in facts.found:
        by_real.setdefault(os.path.realpath(_expand(library.path)), library)
    for path in mapped:
        kind = classify(os.path.basename(path))
        if kind is None:
            continue
        library = by_real.get(os.path.realpath(_expand(path)))
        if library is None:
            library = LibraryFacts(name=kind[0], path=path, origin="mapped", version=kind[1],
                                   version_source="filename" if kind[1] else None)
            facts.found.append(library)
            by_real[os.path.realpath(_expand(path))] = library
        if "mapped" not in library.origins:
            library.origins.append("mapped")
