"""Renderers only format a Report: text (doctor view), json, markdown, prometheus, html."""
from __future__ import annotations

from typing import Callable, Dict

from ..errors import UsageError
from ..report import Report

FORMATS = ("text", "json", "markdown", "prometheus", "html")


def render(report: Report, fmt: str = "text", **options) -> str:
    """Format ``report`` as ``fmt``; renderer modules are imported only when used."""
    renderers: Dict[str, Callable[[], Callable[..., str]]] = {
        "text": lambda: __import__("cudacheck.render.text", fromlist=["render"]).render,
        "json": lambda: __import__("cudacheck.render.json_format", fromlist=["render"]).render,
        "markdown": lambda: __import__("cudacheck.render.markdown", fromlist=["render"]).render,
        "prometheus": lambda: __import__("cudacheck.render.prometheus", fromlist=["render"]).render,
        "html": lambda: __import__("cudacheck.render.html", fromlist=["render"]).render,
    }
    if fmt not in renderers:
        raise UsageError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    return renderers[fmt]()(report, **options)
