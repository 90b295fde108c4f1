#!/usr/bin/env python3
"""Check or write compat_data/torch_releases.json rows from the released torch wheels.

Reads each wheel without installing or importing it (torch/version.py, METADATA, the fatbin
headers of torch/lib/*.so, the compiled arch flags); see docs/compat-data.md.

    python scripts/refresh_compat.py --check --torch 2.14.1                 # PyPI's default build
    python scripts/refresh_compat.py --check --torch 2.14.1 --variant cu126 # download.pytorch.org/whl/cu126
    python scripts/refresh_compat.py --check --torch 2.14.1 --variant all   # every variant the table lists
    python scripts/refresh_compat.py --check --torch 2.14.1 --find-links DIR  # a local mirror only
    python scripts/refresh_compat.py --write --wheel torch-2.14.1-….whl     # a wheel on disk

Exit status: 0 the rows agree (--check) or were written (--write), 1 --check found
differences, 2 bad input (one line on stderr).
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator, List, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cudacheck.compat import refresh, table_file, wheel_fetch  # noqa: E402
from cudacheck.compat.torch_wheel import WheelError, ZipWheel, read_wheel  # noqa: E402


def options(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="print every field that differs; exit 1 if any")
    mode.add_argument("--write", action="store_true", help="update or create the rows from the wheels")
    parser.add_argument("--torch", metavar="VERSION", help="a torch release to download, e.g. 2.14.1")
    parser.add_argument("--variant", action="append", default=[], metavar="TAG",
                        help="a variant such as cu130 from the official index (repeatable; 'all' = every "
                             "variant the table lists); without it, PyPI's default build")
    parser.add_argument("--index-url", help="the index to download from instead of the default one")
    parser.add_argument("--find-links", metavar="DIR", help="download only from this folder (a local mirror)")
    parser.add_argument("--python-version", default="3.11", help="the wheel's Python (default 3.11)")
    parser.add_argument("--wheel", action="append", default=[], metavar="PATH", help="a torch wheel on disk")
    parser.add_argument("--keep-downloads", metavar="DIR", help="download into DIR and keep the wheels")
    parser.add_argument("--table", default=str(ROOT / "compat_data" / "torch_releases.json"),
                        help="the table to check or write (default: the repository's)")
    args = parser.parse_args(argv)
    if not args.torch and not args.wheel:
        parser.error("name a release (--torch VERSION) or wheel files (--wheel PATH)")
    if args.variant and not args.torch:
        parser.error("--variant needs --torch")
    return args


def wheels(args: argparse.Namespace, table: dict, download_dir: str) -> Iterator[str]:
    """The wheel files asked for, one at a time; a downloaded one is deleted once it has been read
    (unless --keep-downloads), so a run holds one wheel on disk at a time."""
    yield from args.wheel
    if not args.torch:
        return
    for number, (requirement, index_url) in enumerate(
            wheel_fetch.requirements_for(table, args.torch, args.variant, args.index_url)):
        dest = Path(download_dir) / f"{number}-{re.sub(r'[=<>~!]+', '-', requirement)}"
        dest.mkdir(parents=True, exist_ok=True)
        origin = args.find_links or index_url
        print(f"downloading {requirement}" + (f" from {origin}" if origin else ""), flush=True)
        yield wheel_fetch.pip_download(requirement, str(dest), index_url=index_url, find_links=args.find_links,
                                   python_version=args.python_version)
        if not args.keep_downloads:
            shutil.rmtree(dest, ignore_errors=True)


def main(argv: Optional[List[str]] = None) -> int:
    args = options(argv)
    download_dir = args.keep_downloads or tempfile.mkdtemp(prefix="refresh-compat-")
    status = refresh.OK
    try:
        table = table_file.load_table(args.table)
        changes: List[str] = []
        for path in wheels(args, table, download_dir):
            started = time.monotonic()
            with ZipWheel(path, scratch=download_dir) as wheel:
                facts = read_wheel(wheel)
            print("\n".join(refresh.describe(facts)))
            print(f"  read in {time.monotonic() - started:.1f} s")
            comparison = refresh.compare(table, facts)
            print("\n".join(refresh.report(comparison)))
            if args.check and comparison.differences:
                status = refresh.DIFFERS
            if args.write:
                changes += refresh.apply(table, facts, refresh.today())
        if args.write:
            if changes:
                table_file.save_table(args.table, table)
                print(f"wrote {args.table}:\n" + "\n".join(f"  {line}" for line in changes))
            else:
                print(f"{args.table}: nothing to change")
    except (refresh.RefreshError, table_file.TableFileError, wheel_fetch.FetchError, WheelError) as exc:
        print(f"refresh_compat: {exc}", file=sys.stderr)
        return refresh.BAD_INPUT
    finally:
        if not args.keep_downloads:
            shutil.rmtree(download_dir, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
