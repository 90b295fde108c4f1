"""Child process: dlopen CUDA libraries by path and ask each for its own version.

Usage: libs_child.py '[["cudnn", "/path/libcudnn.so.9"], ...]' PROGRESS_FILE

dlopen runs library constructors and can hang or crash; this runs where the parent can
abandon it. Before each library it appends ``{"start": path}`` to PROGRESS_FILE and
after it the answer, so a crash still tells which library did it. Prints
``{"results": {path: {"path": ..., "name": ..., "version": ..., "error": ...}}}``, the
version as the library gives it (an integer or a list of numbers; the parent decodes it).
Self-contained: imports nothing from cudacheck.
"""
import ctypes
import json
import os
import sys


def cudart(lib):
    value = ctypes.c_int(0)
    check(lib.cudaRuntimeGetVersion(ctypes.byref(value)), "cudaRuntimeGetVersion")
    return value.value  # 1000·major + 10·minor


def cudnn(lib):
    lib.cudnnGetVersion.restype = ctypes.c_size_t
    return int(lib.cudnnGetVersion())  # 9: major·10000 + minor·100 + patch; 8: major·1000 + …


def nccl(lib):
    value = ctypes.c_int(0)
    check(lib.ncclGetVersion(ctypes.byref(value)), "ncclGetVersion")
    return value.value  # 2.9+: major·10000 + minor·100 + patch; before: major·1000 + …


def properties(getter):
    parts = []
    for kind in (0, 1, 2):  # MAJOR_VERSION, MINOR_VERSION, PATCH_LEVEL
        value = ctypes.c_int(0)
        check(getter(kind, ctypes.byref(value)), "GetProperty")
        parts.append(value.value)
    return parts


def cublas(lib):
    return properties(lib.cublasGetProperty)


def cublas_lt(lib):
    if hasattr(lib, "cublasLtGetProperty"):
        return properties(lib.cublasLtGetProperty)
    lib.cublasLtGetVersion.restype = ctypes.c_size_t
    return int(lib.cublasLtGetVersion())  # major·10000 + minor·100 + patch


def nvrtc(lib):
    major, minor = ctypes.c_int(0), ctypes.c_int(0)
    check(lib.nvrtcVersion(ctypes.byref(major), ctypes.byref(minor)), "nvrtcVersion")
    return [major.value, minor.value]


CALLS = {"cudart": cudart, "cudnn": cudnn, "nccl": nccl, "cublas": cublas, "cublasLt": cublas_lt,
         "nvrtc": nvrtc}


class CallFailed(Exception):
    pass


def check(code, what):
    if code != 0:
        raise CallFailed(f"{what} returned {code}")


def main():
    targets = json.loads(sys.argv[1])
    progress = sys.argv[2] if len(sys.argv) > 2 else None
    fd = os.open(progress, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600) if progress else None

    def note(event):
        if fd is not None:
            os.write(fd, (json.dumps(event) + "\n").encode())

    results = {}
    sys.stdout.flush()
    real_stdout = os.dup(1)
    os.dup2(2, 1)  # a library constructor printing to stdout must not corrupt the JSON
    for name, path in targets:
        note({"start": path})
        answer = {"path": path, "name": name}
        try:
            lib = ctypes.CDLL(path)
        except OSError as exc:
            answer["error"] = f"dlopen failed: {exc}"
        else:
            try:
                answer["version"] = CALLS[name](lib)
            except AttributeError as exc:
                answer["error"] = f"no version function: {exc}"
            except Exception as exc:  # a wrong answer is a fact, not a crash
                answer["error"] = f"{type(exc).__name__}: {exc}"
        results[path] = answer
        note(answer)
    os.dup2(real_stdout, 1)
    os.close(real_stdout)
    return {"results": results}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main()))
