"""Child process: describe the Python environment of the interpreter that runs it; print JSON.

Usage: PYTHON -E -s python_env_child.py

cudacheck reads an environment's files (torch, packages, libraries, extensions) from
the import path that environment's interpreter would have. Only the interpreter knows
it: venvs (``pyvenv.cfg``, ``--system-site-packages``), conda, uv, pipx and system
Pythons each lay out site-packages in their own way, and ``.pth`` files add more.

It runs isolated (``-E -s``, which is ``-I`` in the flags every Python knows: no
``PYTHON*`` variables, no user site; its own folder is dropped from the path), so
nothing of the caller's shell can break or hijack the answer; ``site`` still runs,
which is what puts site-packages and ``.pth`` entries on the path (``-S`` would hide
them). The two things a normal start in this shell would add are then computed
explicitly: ``PYTHONPATH`` in front, and the user site before site-packages when
Python would enable it (not in a venv without system site-packages, not when
``PYTHONNOUSERSITE`` is set, not for a setuid process).

Self-contained, importable (cudacheck describes its own interpreter in-process with
:func:`describe`), and written for every Python 3 (a Python 2 prints its version too,
so the caller can say why it is refused).
"""
import json
import os
import sys


def _read_cfg(path):
    values = {}
    try:
        with open(path) as handle:
            for line in handle:
                key, sep, value = line.partition("=")
                if sep:
                    values[key.strip().lower()] = value.strip()
    except (IOError, OSError):
        return None
    return values


def _pth_dirs(directory):
    """Folders that the ``.pth`` files of ``directory`` add (``import`` lines are not run)."""
    added = []
    try:
        names = sorted(name for name in os.listdir(directory) if name.endswith(".pth"))
    except OSError:
        return added
    for name in names:
        try:
            with open(os.path.join(directory, name)) as handle:
                lines = handle.read().splitlines()
        except (IOError, OSError, UnicodeDecodeError):
            continue
        for line in lines:
            line = line.strip()
            if not line or line.startswith(("#", "import ", "import\t")):
                continue
            path = os.path.normpath(os.path.join(directory, line))
            if os.path.isdir(path):
                added.append(path)
    return added


def describe(isolated=None):
    """The environment's facts, keyed by the field names of cudacheck's EnvironmentFacts;
    ``isolated`` (default: whether this interpreter started
    with ``-E -s`` or ``-I``) says that the user site and ``PYTHONPATH`` that a
    normal start would add are worked out here instead of read from ``sys.path``."""
    import site

    if isolated is None:
        isolated = bool(sys.flags.ignore_environment and sys.flags.no_user_site)
    prefix = sys.prefix
    base_prefix = getattr(sys, "base_prefix", getattr(sys, "real_prefix", sys.prefix))
    cfg = _read_cfg(os.path.join(prefix, "pyvenv.cfg")) if prefix != base_prefix else None
    system_site = None
    if cfg is not None:
        system_site = cfg.get("include-system-site-packages", "false").lower() == "true"
    script_dir = os.path.dirname(os.path.abspath(__file__)) if "__file__" in globals() else None
    path = [entry for entry in sys.path
            if not (isolated and entry in ("", script_dir))]  # not the child's own folder
    site_packages = list(site.getsitepackages()) if hasattr(site, "getsitepackages") else []
    user_site = site.getusersitepackages() if hasattr(site, "getusersitepackages") else None
    if isolated:
        enabled = (not os.environ.get("PYTHONNOUSERSITE") and system_site is not False
                   and (not hasattr(os, "getuid") or (os.getuid() == os.geteuid()
                                                      and os.getgid() == os.getegid())))
        user_entries = []
        if enabled and user_site and os.path.isdir(user_site):
            user_entries = [user_site] + _pth_dirs(user_site)
        first_site = min([path.index(entry) for entry in site_packages if entry in path] or [len(path)])
        path[first_site:first_site] = [entry for entry in user_entries if entry not in path]
        pythonpath = [os.path.abspath(entry) for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep)
                      if entry]
        path[0:0] = [entry for entry in pythonpath if entry not in path]
        user_site_enabled = bool(user_entries)
    else:
        user_site_enabled = bool(user_site) and user_site in sys.path
    conda = os.path.isdir(os.path.join(prefix, "conda-meta"))
    manager = None
    if cfg is not None:
        manager = "uv" if "uv" in cfg else "virtualenv" if "virtualenv" in cfg else "venv"
    elif conda:
        manager = "conda"
    implementation = getattr(sys, "implementation", None)
    return {
        "executable": sys.executable,  # a venv's bin/python as such: Python does not resolve it
        "prefix": prefix,
        "base_prefix": base_prefix,
        "kind": "venv" if cfg is not None or prefix != base_prefix else "conda" if conda else "system",
        "manager": manager,
        "python_version": ".".join(str(part) for part in sys.version_info[:3]),
        "implementation": implementation.name if implementation is not None else "cpython",
        "platform": sys.platform,
        "sys_path": path,
        "site_packages": site_packages,
        "user_site": user_site,
        "user_site_enabled": user_site_enabled,
        "system_site_packages": system_site,
    }


if __name__ == "__main__":
    if sys.version_info[0] < 3:
        sys.stdout.write(json.dumps({"python_version": ".".join(str(p) for p in sys.version_info[:3])}))
    else:
        sys.stdout.write(json.dumps(describe()))
