"""Importers: one module per kind of pasted input, all writing into the same :class:`Facts`.

Order matters only for equal priorities (the first value wins): tools' own output is
read first, free text last.
"""
from __future__ import annotations

from ..document import Document
from ..facts import Facts
from . import (build_config, collect_env, cues, devices, docker, env_names, environments, extensions, library_paths,
               nvidia_smi, packages, prose, python_session, situations, statements)

IMPORTERS = (
    ("nvidia_smi", nvidia_smi.parse),
    ("collect_env", collect_env.parse),
    ("packages", packages.parse),
    ("docker", docker.parse),
    ("python_session", python_session.parse),
    ("environments", environments.parse),
    ("build_config", build_config.parse),
    ("extensions", extensions.parse),
    ("situations", situations.parse),
    ("statements", statements.parse),
    ("library_paths", library_paths.parse),
    ("devices", devices.parse),
    ("prose", prose.parse),
    ("env_names", env_names.parse),
    ("cues", cues.parse),
)


def run_all(document: Document, facts: Facts) -> None:
    """Run every importer over the document."""
    for _, parse in IMPORTERS:
        parse(document, facts)
