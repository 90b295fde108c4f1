"""Fail fast at the top of a training script, with the reason and the fix.

    python examples/train_assert_ready.py              # needs a GPU
    python examples/train_assert_ready.py --allow-cpu  # dry run on a laptop / CI

Without the check, a wrong driver, a CPU-only torch or a GPU without bf16 shows up
20 minutes later as an obscure CUDA error, or not at all (training silently runs
on the CPU). ``assert_ready`` runs the quick check (NVML and libcuda in child
processes, torch's build read from its files: no torch import, no CUDA context),
typically in well under a second, and raises ``cudacheck.NotReadyError`` listing
each problem with its remedy.

Requirements given here override ``[tool.cudacheck]`` in ./pyproject.toml and the
``CUDACHECK_*`` environment variables, which fill in the rest.
"""
from __future__ import annotations

import argparse
import sys

import cudacheck


def check_environment(allow_cpu: bool) -> "cudacheck.Report":
    # Every GPU requirement implies that a GPU must be visible; a CPU dry run asks for none.
    gpu = {} if allow_cpu else {
        "min_compute_capability": "8.0",    # Ampere or newer ...
        "features": ["bf16"],               # ... because we train in bfloat16
    }
    try:
        return cudacheck.assert_ready(
            **gpu,
            min_shm="1GiB",                 # DataLoader workers share batches through /dev/shm
        )
    except cudacheck.NotReadyError as exc:
        # str(exc) lists every error finding with its fix; exc.report has the full Report.
        print(exc, file=sys.stderr)
        sys.exit(1)


def train() -> None:
    import torch  # imported only after the environment is known to be usable

    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    model = torch.nn.Linear(64, 8).to(device=device, dtype=dtype)
    optimiser = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        x = torch.randn(32, 64, device=device, dtype=dtype)
        loss = model(x).float().pow(2).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    print(f"trained 3 steps on {device}, last loss {loss.item():.4f}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allow-cpu", action="store_true", help="Do not require a GPU (dry runs).")
    parser.add_argument("--check-only", action="store_true", help="Stop after the environment check.")
    args = parser.parse_args(argv)
    report = check_environment(args.allow_cpu)
    print(f"cudacheck: {report.summary.line}")
    if not args.check_only:
        train()


if __name__ == "__main__":
    main()
