"""What a container image tag says about the software inside it.

- ``pytorch/pytorch:2.1.0-cuda11.8-cudnn8-runtime``: torch 2.1.0 built with CUDA 11.8.
- ``nvidia/cuda:12.1.0-cudnn8-runtime-ubuntu22.04`` and other tags naming ``cudaX.Y`` /
  ``cuXYZ``: the image's CUDA, which the host driver must support (these images carry
  ``NVIDIA_REQUIRE_CUDA=cuda>=X.Y``).
- ``nvcr.io/nvidia/pytorch:24.01-py3``: an NGC release; its CUDA comes from the table
  below (NVIDIA's "Frameworks Support Matrix").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from ..versions import cuda_from_digits
from ..lazy_regex import lazy_compile

NGC_SOURCE = ("https://docs.nvidia.com/deeplearning/frameworks/support-matrix/index.html; "
              "https://docs.nvidia.com/deeplearning/frameworks/pytorch-release-notes/rel-YY-MM.html")
NGC_CONFIDENCE = "secondary"
"""The first release of each CUDA minor, as listed in NVIDIA's per-release notes ("Release
25.12 is based on CUDA 13.1.0"); collected by hand, so only the CUDA major/minor is used."""

# NGC PyTorch container release (YY.MM) → CUDA toolkit version inside it. Releases in
# between take the CUDA of the nearest earlier entry.
NGC_PYTORCH_CUDA = (
    ("20.06", "11.0"), ("20.09", "11.0"), ("20.10", "11.1"), ("21.02", "11.2"), ("21.06", "11.3"),
    ("21.07", "11.4"), ("21.11", "11.5"), ("22.01", "11.6"), ("22.05", "11.7"), ("22.09", "11.8"),
    ("23.01", "12.0"), ("23.03", "12.1"), ("23.08", "12.2"), ("23.11", "12.3"), ("24.03", "12.4"),
    ("24.06", "12.5"), ("24.08", "12.6"), ("25.01", "12.8"), ("25.04", "12.9"), ("25.08", "13.0"),
    ("25.12", "13.1"),
)


@dataclass
class ImageFacts:
    """What the tag tells."""

    image: str
    torch_version: Optional[str] = None
    torch_cuda: Optional[str] = None  # CUDA of the torch build inside
    cuda: Optional[str] = None  # the image's CUDA (what the driver must support)
    ngc_release: Optional[str] = None
    requires_cuda: bool = False  # an nvidia/cuda-based image with NVIDIA_REQUIRE_CUDA


_PYTORCH = lazy_compile(r"^(?:docker\.io/)?pytorch/pytorch:(?P<torch>\d+\.\d+(?:\.\d+)?)-cuda(?P<cuda>\d+\.\d+)",
                      re.IGNORECASE)
_NGC = lazy_compile(r"^nvcr\.io/nvidia/(?P<framework>pytorch|tensorflow|nemo|tritonserver|cuda|pytorch-\w+)"
                  r":(?P<release>\d{2}\.\d{2})", re.IGNORECASE)
_CUDA_TAG = lazy_compile(r"(?:^|[:_-])cuda[-_]?(?P<cuda>\d{1,2}\.\d)(?:\.\d+)?(?=$|[-_.])|"
                       r"(?:^|[:_-])cu(?P<cu>1[0-3]\d|\d\d)(?=$|[-_.])", re.IGNORECASE)
_NVIDIA_CUDA = lazy_compile(r"^(?:docker\.io/)?(?:nvidia|nvcr\.io/nvidia)/cuda:(?P<cuda>\d+\.\d+)", re.IGNORECASE)


def ngc_cuda(release: str) -> Optional[str]:
    """CUDA inside an NGC PyTorch release (``"23.09"`` → ``"12.2"``)."""
    best = None
    for first, cuda in NGC_PYTORCH_CUDA:
        if release >= first:
            best = cuda
    return best


def image_facts(image: str) -> ImageFacts:
    """Parse an image reference."""
    facts = ImageFacts(image=image)
    match = _PYTORCH.match(image)
    if match:
        facts.torch_version = match.group("torch")
        facts.torch_cuda = facts.cuda = match.group("cuda")
        return facts
    match = _NVIDIA_CUDA.match(image)
    if match:
        facts.cuda = match.group("cuda")
        facts.requires_cuda = True
        return facts
    match = _NGC.match(image)
    if match:
        facts.ngc_release = match.group("release")
        if match.group("framework").lower().startswith("pytorch"):
            facts.cuda = facts.torch_cuda = ngc_cuda(facts.ngc_release)
        facts.requires_cuda = True
        return facts
    tag = image.rsplit("/", 1)[-1]
    if ":" in tag:
        match = _CUDA_TAG.search(tag.split(":", 1)[1])
        if match:
            if match.group("cuda"):
                facts.cuda = match.group("cuda")
            else:
                facts.cuda = cuda_from_digits(match.group("cu"))
    return facts


def looks_like_gpu_image(image: Optional[str]) -> bool:
    """Whether an image is meant for GPUs (its name or tag says CUDA/GPU, or it is an NGC image)."""
    if not image:
        return False
    lowered = image.lower()
    return bool(re.search(r"cuda|gpu|nvcr\.io|nvidia|cu\d{2,3}|vllm|pytorch|tensorrt|triton|sglang|tgi|"
                          r"text-generation-inference|ollama", lowered))
