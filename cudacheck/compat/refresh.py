"""Check or write ``torch_releases.json`` rows from the released torch wheels themselves.

A wheel's facts (:mod:`.torch_wheel`) decide one variant row — ``cuda``, ``arch_list``
(from the compiled arch flags), ``sm``/``ptx`` (from the fatbin of ``libtorch_cuda.so``),
``cudnn``, ``nccl`` and ``nvidia_pins`` — and, at the release level, that the patch is
listed, the lower bound of the Python range, and the PyPI default variant. A value the
wheel does not tell (``None``) is neither compared nor written.

The row of a variant describes the newest patch of its series; ``patch_overrides`` holds
older patches built differently. Writing an older patch that differs records an override;
writing a newer patch that differs keeps the previous values as overrides of the patches
listed before it. A CPU-only wheel has no variant: only the release-level facts are
checked or written, and never a new release.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence
from urllib.parse import quote

from ..versions import at_least, cuda_tag, major_minor, parse, torch_local_tag
from .archs import parse_arch, parse_arch_list
from .torch_wheel import TORCH_CUDA, TORCH_PYTHON, WheelFacts, arch_list_from_flags
from ..lazy_regex import lazy_compile

OK, DIFFERS, BAD_INPUT = 0, 1, 2
VARIANT_FIELDS = ("cuda", "arch_list", "sm", "ptx", "cudnn", "nccl", "nvidia_pins")
OVERRIDABLE = ("arch_list", "sm", "ptx", "cudnn", "nccl")
"""The fields ``patch_overrides`` can hold (``CompatDB.torch_variant`` applies these)."""
_LOWER_BOUND = lazy_compile(r">=\s*([0-9][0-9.]*)")


class RefreshError(ValueError):
    """A refresh that cannot be done as asked; the message says why and what to do."""


@dataclass
class Difference:
    """One value the table and the wheel disagree on (``None`` in the table: not known there)."""

    where: str
    field: str
    table: Any
    wheel: Any

    def line(self) -> str:
        return f"{self.where} {self.field}: table {_show(self.table)}, wheel {_show(self.wheel)}"


@dataclass
class Comparison:
    """The differences between one wheel and the table, and what was checked or not."""

    facts: WheelFacts
    differences: List[Difference] = field(default_factory=list)
    checked: List[str] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)


def _show(value: Any) -> str:
    if value is None:
        return "unknown (null)"
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]" if value else "[] (none)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}=={v}" for k, v in value.items()) + "}"
    return str(value)


# ---------------------------------------------------------------------------- the row a wheel gives
def variant_values(facts: WheelFacts) -> Dict[str, Any]:
    """The variant row's fields as the wheel tells them (``None``: the wheel does not say)."""
    mm = major_minor(facts.cuda)
    cuda_lib = facts.torch_cuda

    def ccs(targets: List[str]) -> List[str]:
        return [arch.cc for arch in map(parse_arch, targets) if arch is not None]

    return {
        "cuda": f"{mm[0]}.{mm[1]}" if mm else None,
        "arch_list": arch_list_from_flags(facts.arch_flags),
        "sm": ccs(cuda_lib.sass) if cuda_lib else None,
        "ptx": ccs(cuda_lib.ptx) if cuda_lib else None,
        "cudnn": facts.cudnn,
        "nccl": facts.nccl,
        "nvidia_pins": facts.pins if facts.requirements else None,
    }


def wheel_origin(facts: WheelFacts, index_url_base: str) -> str:
    """``pypi:<file>`` for PyPI's default build, else the file's URL on the official index."""
    if facts.pypi_default:
        return f"pypi:{facts.filename}"
    return f"{index_url_base}{facts.tag}/{quote(facts.filename)}"


def wheel_source(facts: WheelFacts, index_url_base: str) -> str:
    """The ``source`` of a row read from this wheel: its file, sha256 and what was read."""
    read = ["METADATA Requires-Dist", "torch/version.py"]
    if facts.arch_flags:
        read.append(f"CUDA_ARCH_FLAGS string in {TORCH_PYTHON}")
    if facts.torch_cuda:
        read.append(f"fatbin scan of {TORCH_CUDA}")
    return f"{wheel_origin(facts, index_url_base)} (sha256 {facts.sha256}; {'; '.join(read)})"


def names_wheel(source: str, facts: WheelFacts) -> bool:
    """Whether a row's source already names this exact wheel (file and sha256 prefix)."""
    return facts.filename in source and facts.sha256[:16] in source


def _values_disagree(values: Dict[str, Any], row: Dict[str, Any]) -> Dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None and row.get(name) != value}


def _with_pair(names: Sequence[str]) -> List[str]:
    """The override fields for ``names``: ``sm`` and ``ptx`` only together (an arch list is
    known or unknown as a whole)."""
    wanted = [name for name in names if name in OVERRIDABLE]
    if ("sm" in wanted) != ("ptx" in wanted):
        wanted.append("ptx" if "sm" in wanted else "sm")
    return wanted


def _effective(variant: Dict[str, Any], patch: str) -> Dict[str, Any]:
    """The variant's values as built for ``patch`` (its override applied)."""
    values = {name: variant.get(name) for name in VARIANT_FIELDS}
    override = variant.get("patch_overrides", {}).get(patch, {})
    values.update({k: v for k, v in override.items() if k in OVERRIDABLE})
    return values


def _release(table: Dict[str, Any], series: str) -> Optional[Dict[str, Any]]:
    return next((r for r in table["releases"] if r["version"] == series), None)


def _variant(release: Dict[str, Any], tag: str) -> Optional[Dict[str, Any]]:
    return next((v for v in release["variants"] if v["tag"] == tag), None)


def _newest(patches: Sequence[str]) -> Optional[str]:
    return max(patches, key=lambda p: parse(p) or (0,)) if patches else None


def _patch_role(release: Dict[str, Any], patch: str) -> str:
    """``newest`` (the row's own patch), ``newer`` (after every listed patch) or ``older``."""
    newest = _newest(release["patches"])
    if newest is None or (parse(patch) or ()) > (parse(newest) or ()):
        return "newer"
    return "newest" if patch == newest else "older"


def _same_version(first: Optional[str], second: Optional[str]) -> bool:
    """``3.9.0`` and ``3.9`` are the same version."""
    return bool(at_least(first, second)) and bool(at_least(second, first))


def _lower_bound(spec: Optional[str]) -> Optional[str]:
    match = _LOWER_BOUND.search(spec or "")
    return match.group(1) if match else None


# ---------------------------------------------------------------------------- check
def compare(table: Dict[str, Any], facts: WheelFacts) -> Comparison:
    """What the wheel says against the table's rows for its release and variant."""
    result = Comparison(facts)
    series, patch = facts.series, facts.patch
    if series is None or patch is None:
        raise RefreshError(f"{facts.filename}: torch version {facts.version!r} does not parse")
    release = _release(table, series)
    if release is None:
        result.differences.append(Difference(f"torch {series}", "release", None, f"{patch} ({facts.tag or 'CPU'})"))
        return result
    _compare_release(release, facts, result)
    if not facts.is_cuda:
        _cpu_notes(release, facts, result)
        return result
    where = f"torch {series} {facts.tag}"
    variant = _variant(release, facts.tag or "")
    values = variant_values(facts)
    _consistency_notes(facts, values, result)
    if variant is None:
        result.differences.append(Difference(where, "variant", None, f"CUDA {values['cuda']}"))
        return result
    role = _patch_role(release, patch)
    expected = _effective(variant, patch) if role == "older" else {n: variant.get(n) for n in VARIANT_FIELDS}
    for name, value in values.items():
        if value is None:
            result.notes.append(f"{where} {name}: the wheel does not tell (table: {_show(expected[name])})")
        elif expected[name] != value:
            result.differences.append(Difference(where, name, expected[name], value))
        else:
            result.checked.append(f"{name} {_show(value)}")
    if role == "older" and patch in variant.get("patch_overrides", {}):
        result.notes.append(f"{where}: compared with the row as built for {patch} (its patch_overrides applied)")
    if not names_wheel(variant.get("source", ""), facts):
        result.notes.append(f"{where}: the row's source does not name this wheel (--write adds it)")
    if variant.get("confidence") != "official":
        result.notes.append(f"{where}: the row's confidence is {variant.get('confidence')!r}; from this wheel it "
                            "would be 'official'")
    return result


def _compare_release(release: Dict[str, Any], facts: WheelFacts, result: Comparison) -> None:
    where = f"torch {release['version']}"
    if facts.patch in release["patches"]:
        result.checked.append(f"patch {facts.patch} listed")
    else:
        result.differences.append(Difference(where, "patches", release["patches"], facts.patch))
    wheel_floor, table_floor = _lower_bound(facts.requires_python), _lower_bound(release.get("python"))
    if wheel_floor is None:
        result.notes.append(f"{where} python: the wheel has no Requires-Python lower bound")
    elif not _same_version(wheel_floor, table_floor):
        result.differences.append(Difference(where, "python", release.get("python"), facts.requires_python))
    else:
        result.checked.append(f"Requires-Python {facts.requires_python} (table {release.get('python')}; the upper "
                              "bound comes from PyPI's file list, not from the wheel)")
    if facts.pypi_default:
        if release.get("pypi_default") == facts.tag:
            result.checked.append(f"PyPI default {facts.tag}")
        else:
            result.differences.append(Difference(where, "pypi_default", release.get("pypi_default"), facts.tag))


def _cpu_notes(release: Dict[str, Any], facts: WheelFacts, result: Comparison) -> None:
    tags = ", ".join(v["tag"] for v in release["variants"]) or "none"
    result.notes.append(
        f"{facts.version} is a CPU-only build (torch/version.py cuda = None"
        f"{'; no CUDA arch flags in ' + TORCH_PYTHON if not facts.arch_flags else ''}"
        f"{'; no GPU code in torch/lib' if not facts.libraries else ''}): it has no CUDA variant row, and "
        f"no variant is read, checked or written from it. It cannot confirm any field of torch "
        f"{release['version']}'s CUDA variants ({tags}): CUDA, arch list, SASS/PTX, cuDNN, NCCL and "
        "nvidia-* pins come only from the CUDA wheels named in those rows' sources.")
    citing = [v["tag"] for v in release["variants"] if facts.filename in v.get("source", "")]
    if citing:
        result.notes.append(f"rows whose source cites this file: {', '.join(citing)} (for what it holds beyond "
                            "version.py, METADATA and the binaries, which this check does not read)")
    if facts.arch_flags or facts.libraries:
        result.notes.append(f"{facts.filename}: a CPU build that carries GPU code or arch flags: look at it")


def _consistency_notes(facts: WheelFacts, values: Dict[str, Any], result: Comparison) -> None:
    """Where the wheel disagrees with itself (the fatbin is the authority for sm/ptx)."""
    if values["arch_list"] and values["sm"] is not None and values["ptx"] is not None:
        sass, ptx = parse_arch_list(values["arch_list"])
        if {a.cc for a in sass} != set(values["sm"]) or {a.cc for a in ptx} != set(values["ptx"]):
            result.notes.append(f"the compiled arch flags ({facts.arch_flags}) and libtorch_cuda.so's fatbin "
                                f"(SASS {values['sm']}, PTX {values['ptx']}) disagree: sm/ptx come from the fatbin")
    local = torch_local_tag(facts.version)
    if local and local.startswith("cu") and values["cuda"] and local != cuda_tag(values["cuda"]):
        result.notes.append(f"torch/version.py's label {local} does not match its CUDA {values['cuda']}")
    if facts.torch_cuda is None:
        result.notes.append(f"{TORCH_CUDA}: no GPU code read, so sm/ptx stay as the table has them")
    result.notes += facts.notes


# ---------------------------------------------------------------------------- write
def apply(table: Dict[str, Any], facts: WheelFacts, today: Optional[str] = None) -> List[str]:
    """Write the wheel's facts into ``table`` (in place); the changes made, one line each.

    Raises :class:`RefreshError` when the wheel cannot be written as the rows are kept."""
    series, patch = facts.series, facts.patch
    if series is None or patch is None:
        raise RefreshError(f"{facts.filename}: torch version {facts.version!r} does not parse")
    base = table.get("index_url_base", "https://download.pytorch.org/whl/")
    release = _release(table, series)
    changes: List[str] = []
    if release is None:
        if not facts.is_cuda:
            raise RefreshError(f"{facts.filename} is a CPU-only build: it creates no torch {series} release; "
                               "refresh from a CUDA wheel of that release first")
        table["releases"].append(_new_release(facts, base))
        table["releases"].sort(key=lambda r: parse(r["version"]) or (0,))
        changes.append(f"torch {series}: new release with variant {facts.tag} from {facts.filename}")
    else:
        role = _patch_role(release, patch)
        changes += _write_release(release, facts)
        if facts.is_cuda:
            changes += _write_variant(release, facts, role, base)
    if changes and today and today > table.get("data_version", ""):
        table["data_version"] = today
        changes.append(f"data_version {today}")
    return changes


def _write_release(release: Dict[str, Any], facts: WheelFacts) -> List[str]:
    changes = []
    where = f"torch {release['version']}"
    if facts.patch not in release["patches"]:
        release["patches"] = sorted(release["patches"] + [facts.patch], key=lambda p: parse(p) or (0,))
        changes.append(f"{where} patches: added {facts.patch}")
    wheel_floor = _lower_bound(facts.requires_python)
    if wheel_floor and not _same_version(wheel_floor, _lower_bound(release.get("python"))):
        old = release.get("python")
        release["python"] = _LOWER_BOUND.sub(f">={wheel_floor}", old, count=1) if old and _lower_bound(old) \
            else facts.requires_python
        changes.append(f"{where} python: {old} -> {release['python']} (check python_versions by hand)")
    if facts.pypi_default and release.get("pypi_default") != facts.tag:
        changes.append(f"{where} pypi_default: {release.get('pypi_default')} -> {facts.tag}")
        release["pypi_default"] = facts.tag
    return changes


def _write_variant(release: Dict[str, Any], facts: WheelFacts, role: str, base: str) -> List[str]:
    where = f"torch {release['version']} {facts.tag}"
    values = variant_values(facts)
    source = wheel_source(facts, base)
    variant = _variant(release, facts.tag or "")
    if variant is None:
        release["variants"].append(_new_variant(facts, values, source))
        release["variants"].sort(key=lambda v: parse(v["cuda"]) or (0,))
        return [f"{where}: new variant row from {facts.filename}"]
    if role == "older":
        changes = _write_override(variant, facts, values, source, where)
        if not changes and not names_wheel(variant.get("source", ""), facts):
            variant["source"] += f"; {wheel_origin(facts, base)} (sha256 {facts.sha256}; same checks)"
            changes.append(f"{where} source: added {facts.filename} (same values)")
        return changes
    changed = _values_disagree(values, variant)
    changes = []
    earlier = [patch for patch in release["patches"] if patch != facts.patch]
    if changed and role == "newer" and earlier:
        changes += _keep_earlier(variant, earlier, list(changed), where)
    for name, value in changed.items():
        changes.append(f"{where} {name}: {_show(variant.get(name))} -> {_show(value)}")
        variant[name] = value
    unknown = [name for name, value in values.items() if value is None]
    if changed or variant.get("confidence") != "official":
        old_source = variant.get("source", "")
        variant["source"] = source + (f"; {old_source} ({', '.join(unknown)})" if unknown and old_source else "")
        if variant.get("confidence") != "official":
            changes.append(f"{where} confidence: {variant.get('confidence')} -> official")
        variant["confidence"] = "official"
        changes.append(f"{where} source: {facts.filename} (the note is kept: review it)")
    elif not names_wheel(variant.get("source", ""), facts):
        variant["source"] += f"; {wheel_origin(facts, base)} (sha256 {facts.sha256}; same checks)"
        changes.append(f"{where} source: added {facts.filename} (same values)")
    return changes


def _keep_earlier(variant: Dict[str, Any], earlier: List[str], changed: List[str], where: str) -> List[str]:
    """Before a newer patch's values replace the row: the earlier patches keep the row's old
    values of ``changed`` as overrides (fields an override already holds stay as they are)."""
    kept = {name: variant.get(name) for name in _with_pair(changed)}
    overrides = variant.setdefault("patch_overrides", {})
    for patch in earlier:
        override = overrides.setdefault(patch, {})
        added = {name: value for name, value in kept.items() if name not in override}
        if not added:
            continue
        override.update(added)
        own = override.get("source")
        override["source"] = f"{own}; {variant['source']}" if own and own != variant["source"] else variant["source"]
        override.setdefault("confidence", variant["confidence"])
    if not overrides:
        del variant["patch_overrides"]
    changes = [f"{where} patch_overrides: {', '.join(earlier)} keep {', '.join(sorted(kept))} as before"] if kept \
        else []
    lost = [name for name in changed if name not in OVERRIDABLE]
    if lost:
        changes.append(f"{where}: the earlier patches' {', '.join(lost)} are not kept (patch_overrides cannot hold "
                       "them)")
    return changes


def _write_override(variant: Dict[str, Any], facts: WheelFacts, values: Dict[str, Any], source: str,
                    where: str) -> List[str]:
    changed = _values_disagree(values, _effective(variant, facts.patch or ""))
    if not changed:
        return []
    fixed = [name for name in changed if name not in OVERRIDABLE]
    if fixed:
        raise RefreshError(f"{where}: {facts.patch} differs from the row (which describes the newest patch) in "
                           f"{', '.join(fixed)}, which patch_overrides cannot hold: edit the row by hand")
    effective = _effective(variant, facts.patch or "")
    override = variant.setdefault("patch_overrides", {}).setdefault(facts.patch, {})
    override.update({name: values[name] if values[name] is not None else effective[name]
                     for name in _with_pair(list(changed))})
    override.update(source=source, confidence="official")
    return [f"{where} patch_overrides[{facts.patch}] {name}: {_show(effective[name])} -> {_show(value)}"
            for name, value in changed.items()]


def _new_variant(facts: WheelFacts, values: Dict[str, Any], source: str) -> Dict[str, Any]:
    kind = "PyPI default build" if facts.pypi_default else f"{facts.tag} build from the official index"
    unknown = [name for name, value in values.items() if value is None]
    note = (f"{kind}, read from {facts.filename} by scripts/refresh_compat.py: arch_list from the compiled "
            "CUDA_ARCH_FLAGS (PTX as +PTX), sm/ptx = the targets at least half of libtorch_cuda.so's fatbin "
            "containers carry, cuDNN/NCCL and nvidia_pins from the METADATA's exact pins.")
    if unknown:
        note += f" Not in the wheel: {', '.join(unknown)} (null)."
    row = {"tag": facts.tag, **{name: values[name] for name in VARIANT_FIELDS}}
    row["nvidia_pins"] = values["nvidia_pins"] or {}
    row.update(source=source, confidence="official", note=note)
    return row


def _new_release(facts: WheelFacts, base: str) -> Dict[str, Any]:
    values = variant_values(facts)
    source = wheel_source(facts, base)
    return {
        "version": facts.series,
        "patches": [facts.patch],
        "release_date": None,
        "python": facts.requires_python,
        "python_versions": [],
        "pypi_default": facts.tag if facts.pypi_default else None,
        "torchvision": None,
        "torchaudio": None,
        "source": source,
        "confidence": "official",
        "variants": [_new_variant(facts, values, source)],
        "note": (f"Created from {facts.filename} by scripts/refresh_compat.py. Not in the wheel: the upper bound "
                 "of the Python range, python_versions, release_date, torchvision, torchaudio, the other "
                 "variants (see docs/compat-data.md)."),
    }


def today() -> str:
    return datetime.datetime.now(datetime.timezone.utc).date().isoformat()


# ---------------------------------------------------------------------------- text
def describe(facts: WheelFacts) -> List[str]:
    """What was read from the wheel, a few lines."""
    size = f", {facts.size / 1e6:.1f} MB" if facts.size else ""
    lines = [f"{facts.filename} (sha256 {facts.sha256}{size})"]
    kind = f"CUDA {facts.cuda}, variant {facts.tag}" if facts.is_cuda else "CPU-only build (no CUDA)"
    default = ", PyPI's default build" if facts.pypi_default else ""
    lines.append(f"  torch {facts.version} (git {(facts.git_version or '?')[:8]}), {kind}{default}; "
                 f"Requires-Python {facts.requires_python or '?'}")
    if facts.pins:
        lines.append("  pins: " + " ".join(f"{n}=={v}" for n, v in facts.pins.items()))
    if facts.triton:
        lines.append(f"  triton {facts.triton} (not a table field)")
    if facts.arch_flags:
        lines.append(f"  arch flags ({TORCH_PYTHON}): {facts.arch_flags}")
    for lib in facts.libraries:
        extras = f"; in some containers only: {' '.join(lib.extras)}" if lib.extras else ""
        lines.append(f"  {lib.member}: {lib.containers} containers, SASS {' '.join(lib.sass) or 'none'}, "
                     f"PTX {' '.join(lib.ptx) or 'none'}{extras}")
    if facts.nccl_linked:
        lines.append(f"  NCCL linked into {TORCH_CUDA}: {facts.nccl_linked}")
    return lines


def report(comparison: Comparison) -> List[str]:
    """``--check``'s lines for one wheel: differences first, then what matched and the notes."""
    lines = [f"  DIFFERS {d.line()}" for d in comparison.differences]
    if comparison.checked:
        lines.append(f"  agrees with the table ({len(comparison.checked)}):")
        lines += [f"    {item}" for item in comparison.checked]
    lines += [f"  note: {note}" for note in comparison.notes]
    return lines
