"""The real torch 2.14.1 CUDA wheel (fetched once by pip into the slow tier's cache, see
``tests/kernels/real_parts.py``), laid out as the two files the torch probe reads —
``torch/version.py`` and the dist-info ``METADATA`` — in a site-packages folder. Reading
two members of the wheel is far cheaper than installing 5.5 GB."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Optional

from kernels import real_parts


def find_wheel() -> Optional[Path]:
    """The wheel (``CUDACHECK_TORCH_WHEEL`` overrides), or None when pip cannot get it."""
    given = os.environ.get("CUDACHECK_TORCH_WHEEL")
    if given:
        return Path(given) if Path(given).is_file() else None
    try:
        return real_parts.download_wheel(real_parts.TORCH)
    except real_parts.Unavailable:
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
