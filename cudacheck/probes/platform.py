"""Platform probe: operating system, kernel, distribution, libc and interpreter."""
from __future__ import annotations

import os
import sys
from typing import Optional

from ..snapshot import EnvironmentFacts, PlatformFacts
from .paths import shorten


def platform_facts(environment: Optional[EnvironmentFacts] = None) -> PlatformFacts:
    """Facts about the OS and the inspected Python (``environment``; default this one),
    read without subprocesses."""
    uname = os.uname()
    facts = PlatformFacts(system=uname.sysname, kernel=uname.release, machine=uname.machine,
                          distro=_os_release(), libc=_libc())
    conda = shorten(os.environ["CONDA_PREFIX"]) if os.environ.get("CONDA_PREFIX") else None
    if environment is not None and environment.selected_by != "own":
        facts.python_version = environment.python_version
        facts.python_implementation = environment.implementation
        facts.python_executable = environment.executable
        facts.virtualenv = environment.prefix if environment.kind == "venv" else None
        facts.conda_prefix = environment.prefix if environment.kind == "conda" else conda
        return facts
    prefix = sys.prefix if sys.prefix != getattr(sys, "base_prefix", sys.prefix) else None
    facts.python_version = ".".join(str(part) for part in sys.version_info[:3])
    facts.python_implementation = sys.implementation.name
    facts.python_executable = shorten(sys.executable)
    facts.virtualenv = shorten(prefix) if prefix else None
    facts.conda_prefix = conda
    return facts


def _os_release() -> str | None:
    for path in ("/etc/os-release", "/usr/lib/os-release"):
        try:
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith("PRETTY_NAME="):
                        return line.split("=", 1)[1].strip().strip('"')
        except OSError:
            continue
    return None


def _libc() -> str | None:
    try:
        name = os.confstr("CS_GNU_LIBC_VERSION")
    except (ValueError, OSError, AttributeError):
        return None
    return name or None
