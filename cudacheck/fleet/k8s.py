"""Fleet files from Kubernetes node labels (NVIDIA GPU Feature Discovery).

GFD labels every GPU node with its driver (``nvidia.com/cuda.driver-version.full``, or
the ``.major``/``.minor``/``.revision`` parts; before that ``nvidia.com/cuda.driver.*``),
the newest CUDA the driver supports (``nvidia.com/cuda.runtime-version.*`` — despite the
name, the driver's CUDA, like nvidia-smi's "CUDA Version"), the product
(``nvidia.com/gpu.product``: spaces as dashes, ``-SHARED`` under time-slicing, the MIG
profile appended under the ``single`` strategy), its compute capability
(``nvidia.com/gpu.compute.major``/``.minor``), count and memory (MiB). Nodes with the
same (driver, driver CUDA, product, compute capability, count, memory) become one target.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

from ..errors import UsageError
from .overlay import gpu_label
from .targets import Target

PREFIX = "nvidia.com/"
SOURCE = "GPU Feature Discovery node labels (kubectl get nodes -o json)"


def read_nodes(path: str) -> List[Dict[str, Any]]:
    """The Node objects of ``kubectl get nodes -o json`` (a List) or of one ``kubectl get node X -o json``."""
    from .loading import read_json

    data = read_json(path, hint="; use `kubectl get nodes -o json`")
    if isinstance(data, dict) and data.get("kind") == "Node":
        return [data]
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        return [item for item in data["items"] if isinstance(item, dict)]
    raise UsageError(f"{path}: not a Kubernetes node list (expected `kubectl get nodes -o json` output)")


def _label(labels: Dict[str, str], *names: str) -> Optional[str]:
    for name in names:
        value = labels.get(PREFIX + name)
        if value not in (None, ""):
            return str(value)
    return None


def _joined(labels: Dict[str, str], *names: str) -> Optional[str]:
    parts = [_label(labels, name) for name in names]
    if not parts[0]:
        return None
    known = [part for part in parts if part is not None]
    return ".".join(known)


def node_facts(labels: Dict[str, str]) -> Optional[Dict[str, Any]]:
    """The target-relevant facts of one node's labels; None for a node without GPU labels."""
    product = _label(labels, "gpu.product")
    driver = _label(labels, "cuda.driver-version.full") or \
        _joined(labels, "cuda.driver-version.major", "cuda.driver-version.minor", "cuda.driver-version.revision") or \
        _joined(labels, "cuda.driver.major", "cuda.driver.minor", "cuda.driver.rev")
    if not product and not driver:
        return None
    cuda = _label(labels, "cuda.runtime-version.full") or \
        _joined(labels, "cuda.runtime-version.major", "cuda.runtime-version.minor") or \
        _joined(labels, "cuda.runtime.major", "cuda.runtime.minor")
    if cuda and re.match(r"^\d+\.\d+\.\d+$", cuda):
        cuda = cuda.rsplit(".", 1)[0]
    cc = _joined(labels, "gpu.compute.major", "gpu.compute.minor")
    count = _label(labels, "gpu.count")
    return {"driver": driver, "driver_cuda": cuda if cuda and re.match(r"^\d+\.\d+$", cuda) else None,
            "gpu": gpu_label(product) if product else None,
            "cc": cc if cc and re.match(r"^\d+\.\d+$", cc) else None,
            "count": int(count) if count and count.isdigit() else None,
            "memory": _label(labels, "gpu.memory")}


def targets_from_nodes(nodes: List[Dict[str, Any]]) -> List[Target]:
    """One target per group of nodes with the same GPU facts, largest group first."""
    groups: Dict[Tuple[Any, ...], List[str]] = {}
    facts_of: Dict[Tuple[Any, ...], Dict[str, Any]] = {}
    for node in nodes:
        metadata = node.get("metadata") or {}
        facts = node_facts(metadata.get("labels") or {})
        if facts is None:
            continue
        key = tuple(facts[name] for name in ("driver", "driver_cuda", "gpu", "cc", "count", "memory"))
        groups.setdefault(key, []).append(str(metadata.get("name", "?")))
        facts_of[key] = facts
    if not groups:
        raise UsageError("no node carries GPU Feature Discovery labels (nvidia.com/gpu.product, "
                         "nvidia.com/cuda.driver-version.*); is GFD (or the GPU Operator) deployed?")
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), [str(part) for part in item[0]]))
    targets: List[Target] = []
    used: Dict[str, int] = {}
    for key, names in ordered:
        facts = facts_of[key]
        base = _slug(facts["gpu"] or (f"sm{facts['cc'].replace('.', '')}" if facts["cc"] else "gpu"))
        name = f"{base}-{facts['driver']}" if facts["driver"] else base
        used[name] = used.get(name, 0) + 1
        if used[name] > 1:
            name = f"{name}-{used[name]}"
        targets.append(Target(name=name, driver=facts["driver"], driver_cuda=facts["driver_cuda"], gpu=facts["gpu"],
                              cc=facts["cc"], count=facts["count"], memory=facts["memory"], nodes=sorted(names),
                              source=SOURCE))
    return targets


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-")
