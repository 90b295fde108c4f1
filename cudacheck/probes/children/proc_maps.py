"""The files this process has mapped, read from ``/proc/self/maps``: the libraries a child
really loaded (the loaded library wins over the installed one).

Shared by the child scripts, which import it as a sibling (a script's folder is first on
its import path; a forked child gets the same). Self-contained: imports nothing from
cudacheck.
"""


def mapped_files():
    """Absolute paths of the mapped files, first mapping first, each once; [] where there is
    no ``/proc`` (or it cannot be read)."""
    paths = []
    seen = set()
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                parts = line.rstrip("\n").split(None, 5)
                if len(parts) == 6 and parts[5].startswith("/"):
                    path = parts[5].replace(" (deleted)", "")
                    if path not in seen:
                        seen.add(path)
                        paths.append(path)
    except OSError:
        pass
    return paths


def mapped_file(prefix):
    """The first mapped file whose name starts with ``prefix`` (``"libcuda.so"``), or None."""
    return next((path for path in mapped_files() if path.rsplit("/", 1)[-1].startswith(prefix)), None)
