"""A synthetic but realistic bug-report paste for ``cudacheck triage`` benchmarks.

Each block is what people paste into a PyTorch GPU issue: a ``collect_env`` report
(old and new layouts), an ``nvidia-smi`` banner (pre- and post-R610 headers), a
``pip list`` excerpt and a traceback, sometimes quoted with ``> `` (a reply) or
wrapped in a Markdown code fence. Blocks vary (GPU, driver, torch, line numbers), so
nothing is trivially deduplicated. ``make_paste(size)`` repeats blocks up to ``size``
bytes. Everything here was written for this benchmark; no real report is copied.
"""
from __future__ import annotations

import argparse
import sys
from typing import Callable

GPUS = [("NVIDIA GeForce RTX 3090", "24576MiB", "8.6"), ("NVIDIA A100-SXM4-80GB", "81920MiB", "8.0"),
        ("Tesla V100-SXM2-32GB", "32768MiB", "7.0"), ("NVIDIA GeForce RTX 5090", "32607MiB", "12.0"),
        ("NVIDIA H100 80GB HBM3", "81559MiB", "9.0"), ("Tesla T4", "15360MiB", "7.5")]
DRIVERS = [("470.182.03", "11.4"), ("535.161.08", "12.2"), ("550.54.14", "12.4"), ("570.86.15", "12.8"),
           ("580.65.06", "13.0")]
TORCHES = [("2.0.1+cu117", "11.7", "8500"), ("2.4.1+cu124", "12.4", "90100"), ("2.6.0+cu126", "12.6", "90501"),
           ("2.7.1+cu128", "12.8", "90701"), ("1.13.1+cu116", "11.6", "8302")]
ERRORS = [
    "RuntimeError: CUDA error: no kernel image is available for execution on the device\n"
    "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below "
    "might be incorrect.\nFor debugging consider passing CUDA_LAUNCH_BLOCKING=1",
    "RuntimeError: The NVIDIA driver on your system is too old (found version 11040). Please update your GPU "
    "driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx",
    "OSError: libcudnn_cnn_infer.so.8: cannot open shared object file: No such file or directory",
    "ImportError: /usr/local/lib/python3.10/dist-packages/torch/lib/libtorch_cuda.so: undefined symbol: "
    "ncclCommRegister",
    "RuntimeError: DataLoader worker (pid 4172) is killed by signal: Bus error. It is possible that dataloader's "
    "workers are out of shared memory. Please try to raise your shared memory limit.",
    "RuntimeError: CUDA error: forward compatibility was attempted on non supported HW\n"
    "Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
]


def _collect_env(i: int) -> str:
    torch, cuda, cudnn = TORCHES[i % len(TORCHES)]
    driver, _ = DRIVERS[(i // 2) % len(DRIVERS)]
    gpu = GPUS[i % len(GPUS)][0]
    return f"""Collecting environment information...
PyTorch version: {torch}
Is debug build: False
CUDA used to build PyTorch: {cuda}
ROCM used to build PyTorch: N/A

OS: Ubuntu 22.04.{i % 5} LTS (x86_64)
GCC version: (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0
Clang version: Could not collect
CMake version: version 3.{22 + i % 8}.1
Libc version: glibc-2.35

Python version: 3.{8 + i % 5}.{i % 17} (main, Nov 20 2023, 15:14:05) [GCC 11.4.0] (64-bit runtime)
Python platform: Linux-5.15.0-{80 + i % 40}-generic-x86_64-with-glibc2.35
Is CUDA available: {"True" if i % 3 else "False"}
CUDA runtime version: 12.{i % 9}.{100 + i % 60}
CUDA_MODULE_LOADING set to: LAZY
GPU models and configuration: GPU 0: {gpu}
Nvidia driver version: {driver}
cuDNN version: Probably one of the following:
/usr/lib/x86_64-linux-gnu/libcudnn.so.{cudnn[0]}.{i % 10}.0
/usr/lib/x86_64-linux-gnu/libcudnn_adv_infer.so.{cudnn[0]}.{i % 10}.0
HIP runtime version: N/A
MIOpen runtime version: N/A
Is XNNPACK available: True

CPU:
Architecture:                       x86_64
CPU op-mode(s):                     32-bit, 64-bit
Model name:                         AMD EPYC 7{i % 9}63 64-Core Processor
Thread(s) per core:                 2
Core(s) per socket:                 64

Versions of relevant libraries:
[pip3] numpy==1.{24 + i % 3}.{i % 5}
[pip3] nvidia-cudnn-cu12==9.1.0.70
[pip3] nvidia-nccl-cu12==2.{18 + i % 4}.3
[pip3] torch=={torch}
[pip3] torchvision==0.{15 + i % 6}.{i % 3}
[pip3] triton==2.{i % 4}.0
[conda] numpy                     1.26.{i % 5}           pypi_0    pypi
[conda] torch                     {torch.split('+')[0]}            pypi_0    pypi
"""


def _nvidia_smi(i: int) -> str:
    gpu, memory, _ = GPUS[(i + 1) % len(GPUS)]
    driver, cuda = DRIVERS[i % len(DRIVERS)]
    header = (f"| NVIDIA-SMI {driver}             KMD Version: {driver}     CUDA UMD Version: {cuda}     |"
              if i % 4 == 3 else
              f"| NVIDIA-SMI {driver}             Driver Version: {driver}     CUDA Version: {cuda}     |")
    return f"""{["Mon", "Tue", "Wed", "Thu", "Fri"][i % 5]} Jun {1 + i % 28} 10:{i % 60:02d}:12 2025
+-----------------------------------------------------------------------------------------+
{header}
|-----------------------------------------+------------------------+----------------------+
| GPU  Name                 Persistence-M | Bus-Id          Disp.A | Volatile Uncorr. ECC |
| Fan  Temp   Perf          Pwr:Usage/Cap |           Memory-Usage | GPU-Util  Compute M. |
|                                         |                        |               MIG M. |
|=========================================+========================+======================|
|   0  {gpu:<36}On | 00000000:{i % 200:02X}:00.0 Off |                    0 |
| N/A   {30 + i % 40}C    P0             {60 + i % 300}W /  400W |     {i % 4000}MiB / {memory:>9} |      {i % 100}%      Default |
|                                         |                        |             Disabled |
+-----------------------------------------+------------------------+----------------------+
"""


def _traceback(i: int) -> str:
    return f"""Traceback (most recent call last):
  File "/home/user{i % 7}/project/train.py", line {100 + i % 400}, in <module>
    main()
  File "/home/user{i % 7}/project/train.py", line {40 + i % 50}, in main
    model = build_model(cfg).cuda()
  File "/opt/conda/lib/python3.10/site-packages/torch/nn/modules/module.py", line 911, in cuda
    return self._apply(lambda t: t.cuda(device))
  File "/opt/conda/lib/python3.10/site-packages/torch/nn/modules/module.py", line 802, in _apply
    module._apply(fn)
{ERRORS[i % len(ERRORS)]}
"""


def block(i: int) -> str:
    """One issue-sized chunk; every fourth is a quoted reply, every third fenced."""
    parts = [f"### Bug report {i}\n\nTraining crashes right at the start on our node n{i:04d}. "
             "Steps: `python train.py --config base.yaml`.\n",
             "```\n" + _traceback(i) + "```\n" if i % 3 == 0 else _traceback(i),
             "Output of collect_env:\n", _collect_env(i), "nvidia-smi:\n", _nvidia_smi(i),
             f"docker run --gpus all --shm-size={2 ** (i % 5)}g -it nvcr.io/nvidia/pytorch:24.{1 + i % 12:02d}-py3\n"]
    text = "\n".join(parts)
    if i % 4 == 1:
        text = "".join(f"> {line}\n" for line in text.splitlines())
    return text + "\n"


def make_paste(size: int = 2**20) -> str:
    """Concatenate blocks until the text is at least ``size`` bytes (UTF-8)."""
    chunks = []
    total = 0
    i = 0
    while total < size:
        chunk = block(i)
        chunks.append(chunk)
        total += len(chunk.encode("utf-8"))
        i += 1
    return "".join(chunks)


def _lines_up_to(size: int, line: "Callable[[int], str]", last: str) -> str:
    """Lines ``line(1)``, ``line(2)``, … until ``size`` bytes, then ``last``."""
    lines = []
    total = 0
    i = 0
    while total < size:
        i += 1
        lines.append(line(i))
        total += len(lines[-1]) + 1
    lines.append(last)
    return "\n".join(lines) + "\n"


def _training_line(i: int) -> str:
    return (f"2025-06-{1 + i % 28:02d} 12:{i % 60:02d}:{(i * 7) % 60:02d},{i % 1000:03d} - INFO - train.py:"
            f"{100 + i % 50} - epoch {i // 500} step {i} loss {((i * 7919) % 10007) / 10007:.5f} "
            f"lr {((i * 104729) % 9973) / 9973e3:.3e} grad_norm {((i * 31) % 997) / 97:.3f} "
            f"tokens/s {1000 + (i * 37) % 8000} mem {10000 + (i * 53) % 70000}MiB")


def make_training_log(size: int = 2**20) -> str:
    """A training log of ``size`` bytes that ends in a CUDA error: no two lines alike (steps, losses, rates and
    memory change every line), so nothing is read once for many repeats."""
    return _lines_up_to(size, _training_line, ERRORS[0])


def _build_line(i: int) -> str:
    source = (f"csrc/flash_attn/src/flash_bwd_hdim{(32, 64, 96, 128, 160, 192, 256)[i % 7]}_"
              f"{('fp16', 'bf16')[i % 2]}_sm80_{i}.cu")
    if i % 3 == 0:
        return (f"[{i}/9000] /usr/local/cuda/bin/nvcc -I/tmp/pip-install-{i % 97}/flash-attn/csrc/cutlass/include "
                f"-I/opt/conda/lib/python3.10/site-packages/torch/include -c /tmp/pip-install/flash-attn/{source} "
                f"-o /tmp/build/temp.linux-x86_64-cpython-310/{source}.o -D__CUDA_NO_HALF_OPERATORS__ "
                "--expt-relaxed-constexpr -O3 -std=c++17 -gencode arch=compute_80,code=sm_80 "
                "-gencode arch=compute_90,code=sm_90 --threads 4 -DTORCH_EXTENSION_NAME=flash_attn_2_cuda "
                "-D_GLIBCXX_USE_CXX11_ABI=0")
    if i % 3 == 1:
        return (f"/opt/conda/lib/python3.10/site-packages/torch/include/c10/util/irange.h({54 + i % 40}): "
                "warning #186-D: pointless comparison of unsigned integer with zero detected during instantiation "
                "of \"__nv_bool c10::detail::integer_iterator<I, one_sided, <unnamed>>::operator==(const "
                f"c10::detail::integer_iterator<I, one_sided, <unnamed>> &) const [with I=size_t]\" at line {i % 300}")
    return (f"          instantiation of \"void flash::run_mha_bwd_hdim{i % 256}<T>(Flash_bwd_params &, "
            f"cudaStream_t) [with T=cutlass::half_t]\" at line {i % 99} of {source}")


def make_build_log(size: int = 2**20) -> str:
    """An extension's build log of ``size`` bytes (nvcc command lines, template warnings, instantiation notes,
    each naming another file): long, distinct lines full of the words triage looks for (cuda, nvcc, sm_80, bf16)."""
    return _lines_up_to(size, _build_line, "RuntimeError: Error compiling objects for extension")


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic bug-report paste to stdout.")
    parser.add_argument("--size", type=int, default=2**20, help="bytes (default 1 MiB)")
    args = parser.parse_args()
    sys.stdout.write(make_paste(args.size))


if __name__ == "__main__":
    main()
