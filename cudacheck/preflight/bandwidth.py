"""Bus bandwidth as nccl-tests defines it, and which ranks are slow.

nccl-tests (``doc/PERFORMANCE.md``): with ``t`` the time of one operation on ``S``
bytes, ``algbw = S / t`` and ``busbw = algbw × factor``; the factor is ``2(n−1)/n``
for all_reduce and ``(n−1)/n`` for all_gather (where ``S`` is the gathered output).
busbw is comparable across rank counts and with the hardware's link speed.

A rank is an outlier on the largest size when its busbw is below ``min_busbw`` (when
given) or below 0.8 × the median of all ranks; small sizes measure latency, not links.
"""
from __future__ import annotations

from statistics import median
from typing import Dict, List, Optional, Sequence, Tuple

OUTLIER_FRACTION = 0.8


def bus_factor(op: str, ranks: int) -> float:
    """nccl-tests' bus-bandwidth factor of ``op`` for ``ranks`` ranks."""
    if op == "all_reduce":
        return 2 * (ranks - 1) / ranks
    if op in ("all_gather", "reduce_scatter"):
        return (ranks - 1) / ranks
    return 1.0


def bandwidths(op: str, size_bytes: int, seconds: float, ranks: int) -> Tuple[float, float]:
    """(algbw, busbw) in GB/s (10⁹ bytes per second, as nccl-tests prints)."""
    if seconds <= 0:
        return 0.0, 0.0
    algbw = size_bytes / seconds / 1e9
    return algbw, algbw * bus_factor(op, ranks)


def parse_sizes(text: str) -> List[int]:
    """``"1MiB,256MiB"`` → bytes, each read as every size cudacheck reads (binary units; ``M`` and
    ``MB`` mean MiB, as in nccl-tests); ValueError for a part that is no size above 0."""
    from ..policy import parse_size

    sizes = [parse_size(part.strip(), "--sizes") for part in text.split(",") if part.strip()]
    if not sizes or any(size <= 0 for size in sizes):
        raise ValueError(f"no sizes in {text!r}")
    return sorted(set(sizes))


def size_label(size: int) -> str:
    """1048576 → "1MiB"."""
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor}{unit}"
    return f"{size}B"


def outliers(busbw_by_rank: Dict[int, float]) -> Tuple[List[int], Optional[float]]:
    """(ranks below 0.8 × the median, the median busbw) for one operation and size."""
    if not busbw_by_rank:
        return [], None
    middle = median(busbw_by_rank.values())
    return [rank for rank, value in sorted(busbw_by_rank.items()) if value < OUTLIER_FRACTION * middle], middle


def least_far(steps: Dict[int, Optional[int]], ranks: Sequence[int]) -> List[int]:
    """The ranks whose progress index is lowest, when not every rank got equally far.

    A rank with no progress at all (None) is behind every rank that has some."""
    known: Dict[int, int] = {}
    for rank in ranks:
        step = steps.get(rank)
        known[rank] = -1 if step is None else step
    if not known or len(set(known.values())) == 1:
        return []
    lowest = min(known.values())
    return sorted(rank for rank, step in known.items() if step == lowest)
