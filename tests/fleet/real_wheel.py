"""Find the real torch 2.14.1 CUDA wheel where pip finds it (its configured file:// indexes and
find-links folders, or ``CUDACHECK_TORCH_WHEEL``), and lay out the two files the torch probe
reads — ``torch/version.py`` and the dist-info ``METADATA`` — as a site-packages folder.
Reading two members of the wheel is far cheaper than installing 5.5 GB."""
from __future__ import annotations

import html.parser
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Iterator, Optional
from urllib.parse import unquote, urljoin, urlparse

WHEEL = "torch-2.14.1-cp311-cp311-manylinux_2_28_x86_64.whl"


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def _pip_locations() -> Iterator[str]:
    out = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, timeout=60)
    for line in out.stdout.splitlines():
        key, _, value = line.partition("=")
        if key.split(".")[-1] in ("index-url", "extra-index-url", "find-links"):
            yield from value.strip("'\"").split()


def find_wheel() -> Optional[Path]:
    given = os.environ.get("CUDACHECK_TORCH_WHEEL")
    if given:
        return Path(given) if Path(given).is_file() else None
    for location in _pip_locations():
        url = location if "://" in location else Path(location).resolve().as_uri()
        if not url.startswith("file://"):
            continue
        folder = Path(unquote(urlparse(url).path))
        if (folder / WHEEL).is_file():  # a find-links folder
            return folder / WHEEL
        page = folder / "torch" / "index.html"  # a simple index
        if page.is_file():
            links = _Links()
            links.feed(page.read_text(encoding="utf-8", errors="replace"))
            for href in links.hrefs:
                target = urljoin(page.as_uri(), href.split("#")[0])
                if target.endswith(WHEEL) and Path(unquote(urlparse(target).path)).is_file():
                    return Path(unquote(urlparse(target).path))
    return None


def site_packages_from(wheel: Path, destination: Path) -> Path:
    """A site-packages folder holding torch/version.py, an empty torch/__init__.py and METADATA."""
    with zipfile.ZipFile(wheel) as archive:
        wanted = [name for name in archive.namelist()
                  if name == "torch/version.py" or (name.startswith("torch-") and name.endswith(".dist-info/METADATA"))]
        for name in wanted:
            archive.extract(name, destination)
    (destination / "torch" / "__init__.py").touch()
    return destination
