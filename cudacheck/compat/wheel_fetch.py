"""Fetch torch wheels with pip for the refresh: PyPI's default build or an official variant.

``pip download --no-deps --only-binary=:all:`` for Linux x86_64 and one CPython version, into
an empty folder; nothing is installed.
"""
from __future__ import annotations

import os
import subprocess
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..versions import major_minor
from ..lazy_regex import lazy_compile

PLATFORMS = ("manylinux_2_28_x86_64", "manylinux2014_x86_64", "manylinux1_x86_64")
"""Linux x86_64 wheel tags, most preferred first (pip does not widen ``manylinux_2_28`` to the
``manylinux1`` of torch 2.6 and older)."""
PIP_TIMEOUT = 3600
_UNREACHABLE = lazy_compile(r"(?:Failed to resolve|Failed to establish a new connection[^']*|host=)'([^']+)'")


class FetchError(RuntimeError):
    """pip could not fetch the wheel (the message gives pip's reason)."""


def pip_download(requirement: str, dest: str, *, index_url: Optional[str] = None, find_links: Optional[str] = None,
                 python_version: str = "3.11") -> str:
    """``pip download --no-deps`` of one torch wheel for Linux x86_64 into the empty folder
    ``dest``; the wheel's path.

    ``find_links`` reads only that folder (a local mirror, ``--no-index``); ``index_url``
    replaces the configured index (``https://download.pytorch.org/whl/cu130``)."""
    abi = "cp" + python_version.replace(".", "")
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "download", "--no-deps",
               "--only-binary=:all:", "--python-version", python_version, "--implementation", "cp", "--abi", abi,
               "-d", dest]
    for platform in PLATFORMS:
        command += ["--platform", platform]
    if find_links:
        command += ["--no-index", "--find-links", find_links]
    elif index_url:
        command += ["--index-url", index_url]
    try:
        proc = subprocess.run(command + [requirement], capture_output=True, text=True, timeout=PIP_TIMEOUT,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise FetchError(f"pip download {requirement}: {exc}") from None
    if proc.returncode != 0:
        raise FetchError(f"pip download {requirement} failed: {pip_failure(proc.stderr)}")
    wheels = sorted(n for n in os.listdir(dest) if n.startswith("torch-") and n.endswith(".whl"))
    if len(wheels) != 1:
        raise FetchError(f"pip download {requirement}: expected one torch wheel in {dest}, found {wheels}")
    return os.path.join(dest, wheels[0])


def pip_failure(stderr: str) -> str:
    """The line of pip's error output that says why, with the host pip could not reach (pip
    reports an unreachable index only as "no matching distribution" or "ResolutionImpossible")."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR:")]
    reason = (errors or lines or ["no message"])[0]
    unreachable = sorted(set(_UNREACHABLE.findall(stderr)))
    if unreachable:
        reason += f" (could not reach {', '.join(unreachable)})"
    return reason


def requirements_for(table: Dict[str, Any], torch: str, variants: Sequence[str],
                     index_url: Optional[str]) -> List[Tuple[str, Optional[str]]]:
    """(requirement, index URL) for each wheel asked for: PyPI's default build when no variant
    is named; ``all`` = every variant the table lists for the release.

    PyPI's default build is asked for with ``===`` (the exact string): ``==2.13.0`` also
    matches ``2.13.0+cpu``, which sorts higher and would win wherever pip can see it."""
    if not variants:
        return [(f"torch==={torch}", index_url)]
    tags: List[str] = []
    for tag in variants:
        if tag == "all":
            mm = major_minor(torch)
            series = f"{mm[0]}.{mm[1]}" if mm else None
            release = next((r for r in table["releases"] if r["version"] == series), None)
            if release is None:
                raise FetchError(f"--variant all: torch {torch} has no release in the table")
            tags += [v["tag"] for v in release["variants"]]
        else:
            tags.append(tag)
    base = table.get("index_url_base", "https://download.pytorch.org/whl/")
    return [(f"torch=={torch}+{tag}", index_url or f"{base}{tag}") for tag in tags]
