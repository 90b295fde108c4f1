"""Child process: import torch and see what it sees; print JSON.

Usage: deep_child.py PROGRESS_FILE

Importing torch, initialising CUDA and running kernels can hang on a wedged GPU or
crash on a broken library; this runs where the parent can abandon it. Before each
step it appends ``{"step": name, "out": facts so far}`` to PROGRESS_FILE, so a crash
or a hang still leaves what was learnt and where it stopped. Every call is guarded:
a failing call is recorded in ``call_errors`` and the next step runs. Python
warnings and whatever native code writes to stdout/stderr are captured and returned
in ``warnings`` (stdout carries only the final JSON). Its keys are the field names of
cudacheck's DeepFacts and SmokeResult (``nccl_version`` as torch gives it: a tuple or an
integer; the parent decodes it). Self-contained: imports nothing from cudacheck
(``proc_maps`` is its sibling).
"""
import json
import os
import re
import sys
import tempfile
import warnings

from proc_maps import mapped_files  # type: ignore[import-not-found]  # a sibling script: on the path at run time

MAPPED = re.compile(r"^lib(cudart|cudnn[a-z0-9_]*|nccl|cublas|cublasLt|nvrtc|nvrtc-builtins|cuda|nvidia-ml"
                    r"|nvJitLink|cusparse|cusparseLt|cufft|curand|cusolver|cupti)\.so")
MAX_WARNINGS = 50
MAX_TEXT = 2000


class Run:
    def __init__(self, progress):
        self.out = {"ran": True, "call_errors": {}, "warnings": [], "smoke": []}
        self.fd = os.open(progress, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600) if progress else None

    def step(self, name):
        if self.fd is not None:
            os.write(self.fd, (json.dumps({"step": name, "out": self.out}, default=str) + "\n").encode())

    def call(self, key, function, convert=lambda value: value):
        """Run one guarded torch call; its exception text is a fact."""
        self.step(key)
        try:
            value = convert(function())
        except BaseException as exc:  # torch raises AssertionError, RuntimeError, even SystemExit
            if isinstance(exc, KeyboardInterrupt):
                raise
            self.out["call_errors"][key] = text(exc)
            return None
        self.out[key] = value
        return value


def text(exc):
    message = str(exc).strip() or type(exc).__name__
    return message[:MAX_TEXT]


def mapped_libraries():
    return [path for path in mapped_files() if MAPPED.match(path.rsplit("/", 1)[-1])]


def smoke(run, torch, index):
    result = {"index": index}
    run.out["smoke"].append(result)
    run.step(f"smoke test on GPU {index}")
    try:
        result["name"] = torch.cuda.get_device_name(index)
        major, minor = torch.cuda.get_device_capability(index)
        result["compute_capability"] = f"{major}.{minor}"
        torch.cuda.set_device(index)
        device = torch.device("cuda", index)
        generator = torch.Generator().manual_seed(index)
    except Exception as exc:
        result["error"] = text(exc)
        return
    try:
        a = torch.randn(256, 256, generator=generator)
        b = torch.randn(256, 256, generator=generator)
        reference = a @ b
        got = (a.to(device) @ b.to(device)).cpu()
        torch.cuda.synchronize(index)
        error = float((got - reference).abs().max())
        result["matmul_max_error"] = error
        result["matmul_ok"] = error <= 1e-3 * float(reference.abs().max()) + 1e-4
    except Exception as exc:  # "no kernel image is available", "CUBLAS_STATUS_...", an Xid
        result["matmul_ok"] = False
        result["error"] = text(exc)
        return
    run.step(f"cuDNN conv2d on GPU {index}")
    try:
        x = torch.randn(2, 3, 32, 32, generator=generator)
        w = torch.randn(8, 3, 3, 3, generator=generator)
        reference = torch.nn.functional.conv2d(x, w, padding=1)
        got = torch.nn.functional.conv2d(x.to(device), w.to(device), padding=1).cpu()
        torch.cuda.synchronize(index)
        error = float((got - reference).abs().max())
        result["conv_max_error"] = error
        result["conv_ok"] = error <= 1e-3 * float(reference.abs().max()) + 1e-4
    except Exception as exc:
        result["conv_ok"] = False
        result.setdefault("error", text(exc))
    run.step(f"bf16 support on GPU {index}")
    try:
        try:
            result["bf16_supported"] = bool(torch.cuda.is_bf16_supported(including_emulation=False))
        except TypeError:  # older torch: no including_emulation argument
            result["bf16_supported"] = bool(torch.cuda.is_bf16_supported())
    except Exception as exc:
        result.setdefault("error", text(exc))


def probe(run):
    run.step("import torch")
    try:
        import torch
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        run.out["import_error"] = f"{type(exc).__name__}: {text(exc)}"
        return
    run.out["torch_version"] = str(getattr(torch, "__version__", None))
    run.out["torch_file"] = getattr(torch, "__file__", None)
    run.out["torch_cuda"] = getattr(getattr(torch, "version", None), "cuda", None)
    # Every attribute is looked up inside the guarded call: a half-broken torch is a fact.
    available = run.call("cuda_available", lambda: torch.cuda.is_available(), bool)
    count = run.call("device_count", lambda: torch.cuda.device_count(), int)
    run.step("cuda_init")
    try:
        torch.cuda.init()
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        run.out["cuda_init_error"] = text(exc)
    get_flags = getattr(getattr(torch, "_C", None), "_cuda_getArchFlags", None)
    if get_flags is not None:
        run.call("arch_flags", get_flags, lambda v: v if v is None else str(v))
    run.call("arch_list", lambda: torch.cuda.get_arch_list(), list)
    run.call("cudnn_version", lambda: torch.backends.cudnn.version(), lambda v: v if v is None else int(v))
    run.call("nccl_version", lambda: torch.cuda.nccl.version(), lambda v: list(v) if isinstance(v, tuple) else v)
    if available:
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        for index in range(count or 0):
            smoke(run, torch, index)


def main(progress):
    run = Run(progress)
    real_stdout = os.dup(1)
    real_stderr = os.dup(2)
    capture = tempfile.TemporaryFile()
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(capture.fileno(), 1)  # native code writing to stdout must not corrupt the JSON
    os.dup2(capture.fileno(), 2)
    # Python-level prints too: when isolation forks this script, sys.stdout is its result buffer.
    saved_streams = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = open(os.dup(capture.fileno()), "w", buffering=1, encoding="utf-8",
                                   errors="replace")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            probe(run)
        run.step("mapped libraries")
        run.out["mapped_libraries"] = mapped_libraries()
    finally:
        sys.stdout.flush()
        sys.stdout.close()
        sys.stdout, sys.stderr = saved_streams
        os.dup2(real_stderr, 2)
        os.close(real_stderr)
    seen = run.out["warnings"]
    for warning in caught:
        message = f"{warning.category.__name__}: {str(warning.message).strip()}"[:MAX_TEXT]
        if message not in seen:
            seen.append(message)
    capture.seek(0)
    for line in capture.read().decode("utf-8", "replace").splitlines():
        line = line.strip()[:MAX_TEXT]
        if line and line not in seen:
            seen.append(line)
    del seen[MAX_WARNINGS:]
    run.step("done")
    os.dup2(real_stdout, 1)
    os.close(real_stdout)
    # sys.stdout, not fd 1: when isolation forks this script, sys.stdout is its capture buffer
    sys.stdout.write(json.dumps(run.out, default=str))
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
