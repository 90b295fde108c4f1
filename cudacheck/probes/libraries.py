"""CUDA library discovery: which libcudart/libcudnn/libnccl/libcublas/libnvrtc files exist where."""
from __future__ import annotations

from typing import Dict

from ..snapshot import LibrariesFacts, TorchFacts


def libraries_facts(env: Dict[str, str], torch: TorchFacts) -> LibrariesFacts:
    """Library files by origin and the copy a loader would pick (filled in by the libraries probe)."""
    return LibrariesFacts(cuda_home=env.get("CUDA_HOME") or env.get("CUDA_PATH"))
