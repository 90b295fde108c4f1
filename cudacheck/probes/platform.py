"""Platform probe: operating system, kernel, distribution, libc and interpreter."""
from __future__ import annotations

import os
import sys

from ..snapshot import PlatformFacts
from .paths import shorten


def platform_facts() -> PlatformFacts:
    """Facts about the OS and this Python, read without subprocesses."""
    uname = os.uname()
    prefix = sys.prefix if sys.prefix != getattr(sys, "base_prefix", sys.prefix) else None
    return PlatformFacts(
        system=uname.sysname, kernel=uname.release, machine=uname.machine,
        distro=_os_release(), libc=_libc(),
        python_version=".".join(str(part) for part in sys.version_info[:3]),
        python_implementation=sys.implementation.name,
        python_executable=shorten(sys.executable),
        virtualenv=shorten(prefix) if prefix else None,
        conda_prefix=shorten(os.environ["CONDA_PREFIX"]) if os.environ.get("CONDA_PREFIX") else None)


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
