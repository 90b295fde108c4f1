"""Build small real file trees for the library probe: site-packages with nvidia-* wheels,
a torch whose ``libtorch_cuda.so`` is a real ELF file with DT_NEEDED and RUNPATH/RPATH
(linked by gcc against the fake libraries), and libraries whose constructor misbehaves."""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Dict, Iterable, Optional, Sequence

from fakes.build import build_library, link_into

STUB = "int torch_cuda_stub(void) { return 0; }\n"


def gcc(args: Sequence[str]) -> None:
    proc = subprocess.run(["gcc", *args], capture_output=True, text=True, timeout=120, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"gcc {' '.join(args)} failed:\n{proc.stderr}")


def wheel(site: Path, name: str, version: str, files: Dict[str, Optional[Path]]) -> None:
    """An installed wheel: its dist-info (METADATA, RECORD) and its files (a built library
    linked in, or nothing when another wheel already wrote the same path)."""
    dist_info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir(parents=True, exist_ok=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n")
    (dist_info / "RECORD").write_text("".join(f"{rel},sha256=x,1\n" for rel in files)
                                      + f"{dist_info.name}/RECORD,,\n")
    for rel, built in files.items():
        if built is not None:
            target = site / rel
            link_into(target.parent, [built])
            if target.name != built.name:
                (target.parent / built.name).rename(target)


def fake_torch(site: Path, cache: Path, *, needed: Iterable[Path], rpath: str, new_dtags: bool = True,
               cuda: str = "12.4", version: str = "2.4.1+cu124", pins: Optional[Dict[str, str]] = None) -> Path:
    """A torch package whose lib/libtorch_cuda.so needs ``needed`` (by their SONAMEs)."""
    torch = site / "torch"
    (torch / "lib").mkdir(parents=True, exist_ok=True)
    (torch / "__init__.py").write_text("")
    (torch / "version.py").write_text(f"__version__ = '{version}'\ncuda = '{cuda}'\nhip = None\n")
    source = cache / "torch_cuda_stub.c"
    source.write_text(STUB)
    args = ["-shared", "-fPIC", "-o", str(torch / "lib" / "libtorch_cuda.so"), str(source),
            "-Wl,-soname,libtorch_cuda.so", "-Wl,--no-as-needed"]
    for library in needed:
        args += [f"-L{library.parent}", f"-l:{library.name}"]
    args += [f"-Wl,-rpath,{rpath}", "-Wl,--enable-new-dtags" if new_dtags else "-Wl,--disable-new-dtags"]
    gcc(args)
    dist_info = site / f"torch-{version}.dist-info"
    dist_info.mkdir(exist_ok=True)
    requires = "".join(f"Requires-Dist: {name} ({spec})\n" for name, spec in (pins or {}).items())
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: torch\nVersion: {version}\n{requires}\n")
    return torch


def misbehaving_library(directory: Path, soname: str, behaviour: str) -> Path:
    """A library whose constructor crashes (``segv``) or never returns (``hang``) on dlopen."""
    directory.mkdir(parents=True, exist_ok=True)
    body = {"segv": "raise(SIGSEGV);", "hang": "for (;;) sleep(1);"}[behaviour]
    source = directory / f"{behaviour}.c"
    source.write_text("#include <signal.h>\n#include <unistd.h>\n"
                      f"__attribute__((constructor)) static void misbehave(void) {{ {body} }}\n"
                      "int ncclGetVersion(int *v) { *v = 1; return 0; }\n")
    target = directory / soname
    gcc(["-shared", "-fPIC", "-o", str(target), str(source), f"-Wl,-soname,{soname}"])
    source.unlink()
    return target


def lib_dir(directory: Path, cache: Path, **kinds: Dict[str, str]) -> Path:
    """A folder holding fake libraries: ``lib_dir(d, cache, cudnn={"VERSION": "90100"})``."""
    return link_into(directory, [build_library(kind, cache, defines=defines) for kind, defines in kinds.items()])
