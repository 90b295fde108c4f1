"""Per-worker readiness check for ``torchrun`` jobs.

    torchrun --nproc-per-node 8 examples/torchrun_assert_ready.py
    torchrun --nproc-per-node 2 examples/torchrun_assert_ready.py --allow-cpu   # gloo, no GPU

Who checks what:
- torchrun starts one worker per GPU and sets LOCAL_RANK / LOCAL_WORLD_SIZE; it does
  NOT set CUDA_VISIBLE_DEVICES per worker. Every worker sees every GPU of the node
  and picks its own with ``torch.cuda.set_device(LOCAL_RANK)``.
- So each worker checks *its own* GPU: the check runs with CUDA_VISIBLE_DEVICES
  narrowed to the one device this worker will use (the LOCAL_RANK-th entry of an
  existing CUDA_VISIBLE_DEVICES, else index LOCAL_RANK), which is exactly how
  cudacheck's requirement rules count visible GPUs. The narrowing is undone right
  after the check, before torch is imported.
- Local rank 0 additionally checks the node as a whole: LOCAL_WORLD_SIZE GPUs
  must be visible.
- The quick check imports no torch and creates no CUDA context, so N workers
  probing at once cost a fraction of a second and no GPU memory.
- A worker that is not ready prints the reason (prefixed with its rank) and exits
  1; torchrun's agent then stops the other workers, and the job fails before NCCL
  initialisation can hang on a broken GPU.

Caveat: index entries in CUDA_VISIBLE_DEVICES follow CUDA's device order, which is
FASTEST_FIRST unless CUDA_DEVICE_ORDER=PCI_BUS_ID; NVML (and so cudacheck) numbers
GPUs in PCI bus order. On nodes with identical GPUs the two orders agree; on mixed
nodes export CUDA_DEVICE_ORDER=PCI_BUS_ID (or use GPU UUIDs) so that "GPU 3" means
the same device everywhere.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import Iterator, Optional

import cudacheck

GPU_REQUIREMENTS = dict(min_compute_capability="8.0", features=["bf16"], min_gpu_memory="40GiB")
"""Each of these implies that a GPU must be visible; a CPU (gloo) dry run leaves them out."""
OTHER_REQUIREMENTS = dict(min_shm="8GiB")


def own_device(local_rank: int, visible: Optional[str]) -> str:
    """The CUDA_VISIBLE_DEVICES entry this worker's ``cuda:LOCAL_RANK`` refers to."""
    if visible is None:
        return str(local_rank)
    entries = [entry.strip() for entry in visible.split(",") if entry.strip()]
    if local_rank >= len(entries):
        # Fewer visible devices than workers: no device for this rank. An empty
        # mask makes the check report "a GPU is required but none is visible".
        return ""
    return entries[local_rank]


@contextlib.contextmanager
def narrowed_visible_devices(value: str) -> Iterator[None]:
    """Temporarily set CUDA_VISIBLE_DEVICES (before torch is imported), then restore it."""
    before = os.environ.get("CUDA_VISIBLE_DEVICES")
    os.environ["CUDA_VISIBLE_DEVICES"] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("CUDA_VISIBLE_DEVICES", None)
        else:
            os.environ["CUDA_VISIBLE_DEVICES"] = before


def check_worker(local_rank: int, local_world_size: int, allow_cpu: bool) -> None:
    """Exit 1 with the reason unless this worker (and, on local rank 0, the node) is ready."""
    requirements = dict(OTHER_REQUIREMENTS, **({} if allow_cpu else GPU_REQUIREMENTS))
    prefix = f"[local rank {local_rank}]"
    try:
        device = own_device(local_rank, os.environ.get("CUDA_VISIBLE_DEVICES"))
        with narrowed_visible_devices(device):
            cudacheck.assert_ready(**requirements)
        if local_rank == 0 and not allow_cpu:
            cudacheck.assert_ready(**requirements, min_gpus=local_world_size)
    except cudacheck.NotReadyError as exc:
        print(f"{prefix} {exc}".replace("\n", f"\n{prefix} "), file=sys.stderr, flush=True)
        sys.exit(1)
    print(f"{prefix} cudacheck: ready (device {device or 'none'})", flush=True)


def train(local_rank: int) -> None:
    import torch
    import torch.distributed as dist

    use_cuda = torch.cuda.is_available()
    if use_cuda:
        torch.cuda.set_device(local_rank)
    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
    if distributed:
        dist.init_process_group("nccl" if use_cuda else "gloo")
    device = torch.device("cuda", local_rank) if use_cuda else torch.device("cpu")
    value = torch.ones(1, device=device) * (local_rank + 1)
    if distributed:
        dist.all_reduce(value)
        dist.destroy_process_group()
    print(f"[local rank {local_rank}] all_reduce -> {value.item():.0f} on {device}", flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allow-cpu", action="store_true", help="Do not require GPUs (gloo dry runs).")
    parser.add_argument("--check-only", action="store_true", help="Stop after the environment check.")
    args = parser.parse_args(argv)
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    local_world_size = int(os.environ.get("LOCAL_WORLD_SIZE", "1"))
    check_worker(local_rank, local_world_size, args.allow_cpu)
    if not args.check_only:
        train(local_rank)


if __name__ == "__main__":
    main()
