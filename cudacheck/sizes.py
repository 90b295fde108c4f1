"""Sizes as reports write them."""
from __future__ import annotations

MIB = 2**20
GIB = 2**30


def gib(size_bytes: float, *, whole: bool = False) -> str:
    """A size in GiB: whole GiB without decimals (``"80 GiB"``), one decimal from 1 GiB up
    (``"15.6 GiB"``), two below it, so that Docker's 64 MiB ``/dev/shm`` reads ``"0.06 GiB"``.
    ``whole`` rounds to whole GiB, as a GPU's capacity is named (81,559 MiB: ``"80 GiB"``)."""
    value = size_bytes / GIB
    if whole:
        value = float(round(value))
    if value == int(value):
        return f"{int(value)} GiB"
    return f"{value:.2f} GiB" if value < 1 else f"{value:.1f} GiB"
