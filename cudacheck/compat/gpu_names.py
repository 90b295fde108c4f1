"""GPU names as NVML, nvidia-smi, lspci, Kubernetes and people write them, resolved to rows of
``gpus.json`` — with no wrong answers: a name that fits several products answers with all of them.

How a name is read:

1. Tool wrappers are removed (``nvidia-smi -L`` lines, collect_env's ``GPU 0:``, nvidia-smi's
   table row and ``Product Name :``, torch's ``_CudaDeviceProperties(name=…)``, deviceQuery's
   ``Device 0: "…"``, lspci's ``NVIDIA Corporation GA102 [GeForce RTX 3090]``, GPU feature
   discovery labels ``NVIDIA-H100-80GB-HBM3-SHARED``, MIG profile suffixes). A PCI device id
   (``0x2684``, ``10de:2684``) is looked up by id.
2. The exact NVML string wins (every row that carries it).
3. Otherwise the name becomes a set of *model tokens*: case, vendor words ("NVIDIA",
   "GeForce", "Tesla", board makers), separators, glued forms ("RTX3090", "3050Ti") and
   memory sizes ("80G" = "80GB") are normalised; an architecture word ("Ada", "Blackwell",
   "(Pascal)") or an lspci chip name ("GP102") filters by architecture instead of matching.
   A row is a candidate when the query's tokens are all in one of its names and the name's
   remaining tokens are words people drop: series and line words ("RTX", "Quadro", "PRO")
   or variant words (memory, form factor, "SFF", "Max-Q", edition). Tokens that change the
   model ("Ti", "SUPER", "D", "Laptop", "A", a different number) are never dropped, so
   "RTX 5090" is not "RTX 5090 D" and "RTX 3050 Laptop" is not "RTX 3050 A Laptop" — except
   "Laptop" on a GeForce 10–50 model the table has only as a desktop part, whose laptop twin
   shares its architecture (not before the 10 series: GTX 960M is 5.0, the GTX 960 5.2).
4. One candidate is an exact answer; several that differ only by variant words from a row
   named exactly so give that row; otherwise several candidates are a *family* when they agree
   on compute capability (the capability is known, the SKU is not) and *ambiguous* when they
   do not ("RTX 6000": Quadro RTX 6000, RTX 6000 Ada, RTX PRO 6000 Blackwell). No candidate is
   *unknown* — never a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

from ..versions import parts
from .tables import GpuRow
from ..lazy_regex import lazy_compile

EXACT, FAMILY, AMBIGUOUS, UNKNOWN = "exact", "family", "ambiguous", "unknown"

# Words that never say which GPU it is (vendor, brand and board-maker words, filler).
_NOISE = frozenset("""
    nvidia nvidia® corporation corp geforce tesla gpu gpus graphics card video generation edition
    design with the series founders fe oc lhr lite hash rate rev accelerator module board
    discrete integrated wddm tcc wddm2 mcdm
    asus msi gigabyte zotac evga pny palit gainward inno3d galax kfa2 colorful leadtek manli
    rog strix tuf dual ventus gaming trio suprim aorus eagle windforce twin phantom amp xlr8
    turbo blower vision ichill x3 mini
""".split())
# Architecture words: a filter on the row's architecture, not a model token.
_GENERATIONS = {
    "fermi": "Fermi", "kepler": "Kepler", "maxwell": "Maxwell", "pascal": "Pascal",
    "volta": "Volta", "turing": "Turing", "ampere": "Ampere", "ada": "Ada Lovelace",
    "lovelace": "Ada Lovelace", "hopper": "Hopper", "blackwell": "Blackwell", "rubin": "Rubin",
}
# lspci chip prefixes ("GA102", "TU104GL") and the architecture they name.
_CHIPS = (("gf", "Fermi"), ("gk", "Kepler"), ("gm", "Maxwell"), ("gp", "Pascal"), ("gv", "Volta"),
          ("tu", "Turing"), ("ga", "Ampere"), ("ad", "Ada Lovelace"), ("gh", "Hopper"),
          ("gb", "Blackwell"))
# Words people leave out that say which product line it is: dropping one makes the name
# fit other products, so a query without them can be ambiguous.
_LINE_WORDS = frozenset({"rtx", "gtx", "gts", "gt", "mx", "quadro", "pro", "nvs"})
# Words for a variant of the same product (memory, form factor, edition): dropping one
# keeps the product.
_VARIANT_WORDS = frozenset("""
    pcie sxm nvl hgx fhhl dgxs ls lc h ac oem sff maxq server workstation active passive
    v2 e ddr3 ddr4 gddr3 gddr5 gddr5x gddr6 gddr6x 64bit 128bit 192bit jetson developer kit
    hbm hbm2 hbm2e hbm3 hbm3e
""".split())
# Product-line brands: a name that says one excludes rows of another ("GeForce 510" is not "NVS 510").
_BRANDS = ("geforce", "quadro", "tesla", "nvs", "grid")
_SERIES_GLUED = lazy_compile(r"^(rtx|gtx|gts|gt|mx|nvs)(\d.*)$")
_VGPU_BOARD = lazy_compile(r"^([a-z]\d{1,3})[a-z]{1,2}$")
_SAME_SERIES_LAPTOP = lazy_compile(r"^(?:10|16|20|30|40|50)[5-9]0$")
_DIGITS_SUFFIX = lazy_compile(r"^(\d{2,5})(ti|super|laptop|mobile|rtx|gtx|[a-z])$")
_MEMORY = lazy_compile(r"^(\d{1,3})(?:g|gb|gib)$")
_SXM = lazy_compile(r"^sxm\d$")
_PCI_QUERY = lazy_compile(r"^\s*(?:0x|10de:|10de:0x)([0-9a-f]{4})\s*$", re.IGNORECASE)
_PCI_KEY = lazy_compile(r"^\s*(?:0x|10de:|10de:0x)?([0-9a-f]{4})\s*$", re.IGNORECASE)


def normalise(name: str) -> str:
    """Lower case, no "NVIDIA" prefix, dashes/underscores/multiple spaces as one space."""
    text = name.lower().strip()
    text = re.sub(r"\(tm\)|\(r\)|™|®", "", text)
    text = re.sub(r"[-_/]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    while text.startswith("nvidia "):
        text = text[len("nvidia "):]
    return text


# --- reading the tool wrappers ------------------------------------------------------------
_WRAPPERS = (
    lazy_compile(r"^\s*gpu models and configuration\s*:\s*", re.IGNORECASE),
    lazy_compile(r"^\s*(?:gpu|device)\s*\d+\s*:\s*", re.IGNORECASE),             # nvidia-smi -L, collect_env
    lazy_compile(r"^\s*product name\s*:\s*", re.IGNORECASE),                       # nvidia-smi -q
    lazy_compile(r"^\s*\|\s*\d+\s+(?=\S)"),                                         # nvidia-smi table row
    lazy_compile(r"^\s*(?:nvidia\.com/)?gpu\.product\s*[=:]\s*", re.IGNORECASE),  # GFD label
)
_TRAILERS = (
    lazy_compile(r"\s*\(uuid:.*$", re.IGNORECASE),
    lazy_compile(r"\s+(?:on|off)\s*\|.*$", re.IGNORECASE),
    lazy_compile(r"\s*\|.*$"),
    lazy_compile(r"\s*\(rev [0-9a-f]+\)\s*$", re.IGNORECASE),
    lazy_compile(r"\s*\[(?:discrete|integrated)\]\s*$", re.IGNORECASE),
    lazy_compile(r"[-\s]+shared$", re.IGNORECASE),
    lazy_compile(r"[-\s]+mig[-\s]+\d+g\.\d+gb(?:[-+][a-z]+)*$", re.IGNORECASE),
    lazy_compile(r"\s+mig\s+\d+c\.\d+g\.\d+gb$", re.IGNORECASE),
)
VGPU_PROFILE = lazy_compile(r"(?<=[a-z0-9])-(?P<memory>\d{1,3})(?P<series>[abcq])$", re.IGNORECASE)
"""A vGPU profile's suffix on the physical GPU's name ("GRID T4-16Q", "NVIDIA A100-40C": framebuffer in GB and
the series, A virtual applications, B virtual PC, C compute, Q virtual workstation). The profile runs on that GPU,
so its compute capability is the GPU's."""
_TORCH_PROPS = lazy_compile(r"name\s*=\s*['\"]([^'\"]+)['\"]")
_TORCH_WARNINGS = (lazy_compile(r"found gpu\s*\d+\s+(.+?)\s+which is of cuda capability", re.IGNORECASE),
                   lazy_compile(r"^\s*(.+?)\s+with cuda capability sm_\d+", re.IGNORECASE))
_XML_NAME = lazy_compile(r"<product_name>\s*([^<]+?)\s*</product_name>", re.IGNORECASE)
_QUOTED = lazy_compile(r"^\s*(?:device\s*\d+\s*:\s*)?[\"']([^\"']+)[\"']\s*$", re.IGNORECASE)
_LSPCI = lazy_compile(r"nvidia corporation\s+(?P<chip>[a-z]{2}\d{2,3}[a-z0-9]*)?\s*\[(?P<name>[^\]]+)\]",
                    re.IGNORECASE)
_TRUNCATED = lazy_compile(r"\s*(?:\.\.\.|…)\s*$")
_LSPCI_DEVICE = lazy_compile(r"nvidia corporation\s+device\s+([0-9a-f]{4})\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Query:
    """A name with its wrappers removed, and what the wrappers said."""

    text: str
    pci_id: Optional[str] = None
    chip_architecture: Optional[str] = None
    vgpu: bool = False  # a vGPU profile's name: the board, not one product's NVML name


def _unwrap(raw: str) -> _Query:
    text = raw.strip().strip("`")
    for pattern in (_TORCH_PROPS, _XML_NAME, *_TORCH_WARNINGS):
        found = pattern.search(text)
        if found:
            return _Query(found.group(1).strip())
    device = _LSPCI_DEVICE.search(text)
    if device:
        return _Query(text, pci_id=f"0x{device.group(1).lower()}")
    lspci = _LSPCI.search(text)
    if lspci:
        return _Query(lspci.group("name"), chip_architecture=_chip_architecture(lspci.group("chip")))
    quoted = _QUOTED.match(text)
    if quoted:
        text = quoted.group(1)
    for pattern in _WRAPPERS:
        text = pattern.sub("", text, count=1)
    for pattern in _TRAILERS:
        text = pattern.sub("", text)
    profile = VGPU_PROFILE.search(text.strip())
    if profile:  # the vGPU's own name: the board's name as the vGPU software spells it, "GRID" before older ones
        text = re.sub(r"^\s*grid\s+", "", text.strip()[:profile.start()], flags=re.IGNORECASE)
        return _Query(text.strip(), vgpu=True)
    pci = _PCI_QUERY.match(text)
    if pci:
        return _Query(text, pci_id=f"0x{pci.group(1).lower()}")
    return _Query(text.strip())


def _chip_architecture(chip: Optional[str]) -> Optional[str]:
    if not chip:
        return None
    chip = chip.lower()
    return next((arch for prefix, arch in _CHIPS if chip.startswith(prefix)), None)


# --- tokens -----------------------------------------------------------------------------
def tokens(name: str) -> Tuple[FrozenSet[str], FrozenSet[str]]:
    """(model tokens, architectures named) of a GPU name."""
    text = name.lower()
    text = re.sub(r"\(tm\)|\(r\)|™|®", " ", text)
    text = re.sub(r"pci[\s-]?e(?:xpress)?\b|pci express", "pcie", text)
    text = re.sub(r"max[\s-]?q\b", "maxq", text)
    text = re.sub(r"\b(\d+)\s*-?bit\b", r"\1bit", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    words: List[str] = []
    for word in text.split():
        glued = _SERIES_GLUED.match(word)
        if glued:
            words.append(glued.group(1))
            word = glued.group(2)
        memory = _MEMORY.match(word)
        if memory:
            words.append(f"{memory.group(1)}gb")
            continue
        split = _DIGITS_SUFFIX.match(word)
        if split:
            suffix = split.group(2)
            # "1070M", "965m": a GeForce model number with the mobile suffix glued on
            words += [split.group(1), "super" if suffix == "s" else "laptop" if suffix == "m" else suffix]
            continue
        words.append(word)
    out: List[str] = []
    for word in words:
        if word in ("gb", "g", "gib") and out and out[-1].isdigit() and len(out[-1]) <= 3:
            out[-1] = f"{out[-1]}gb"
            continue
        if word in ("notebook", "mobile") or word == "m" and out and out[-1].isdigit():  # "GTX 860 M" is "860M"
            word = "laptop"
        out.append(word)
    model: Set[str] = set()
    architectures: Set[str] = set()
    for word in out:
        if word in _NOISE:
            continue
        if word in _GENERATIONS:
            architectures.add(_GENERATIONS[word])
            continue
        model.add(word)
        if _SXM.match(word):
            model.add("sxm")
    return frozenset(model), frozenset(architectures)


# --- the answer ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Resolution:
    """What a GPU name means: ``exact`` (one product), ``family`` (several products that agree on
    compute capability), ``ambiguous`` (several that do not) or ``unknown`` (none)."""

    query: str
    kind: str
    candidates: Tuple[GpuRow, ...] = ()

    @property
    def row(self) -> Optional[GpuRow]:
        """The product, when the name names exactly one."""
        return self.candidates[0] if self.kind == EXACT else None

    @property
    def compute_capability(self) -> Optional[str]:
        """Known when every candidate has the same (known) compute capability."""
        values = {row.compute_capability for row in self.candidates}
        return next(iter(values)) if len(values) == 1 else None

    @property
    def architecture(self) -> Optional[str]:
        values = {row.architecture for row in self.candidates}
        return next(iter(values)) if len(values) == 1 else None

    @property
    def known(self) -> bool:
        """Whether rules can rely on the compute capability."""
        return self.compute_capability is not None

    def as_dict(self) -> Dict[str, object]:
        return {"query": self.query, "kind": self.kind, "compute_capability": self.compute_capability,
                "candidates": [{"name": r.name, "compute_capability": r.compute_capability,
                                "architecture": r.architecture, "segment": r.segment}
                               for r in self.candidates]}


def _brands(name: str) -> FrozenSet[str]:
    words = set(re.sub(r"[^a-z0-9]+", " ", name.lower()).split())
    return frozenset(b for b in _BRANDS if b in words)


@dataclass(frozen=True)
class _Entry:
    row: GpuRow
    model: FrozenSet[str]
    canonical: bool  # the row's own name or an alias (not only an NVML string)
    brands: FrozenSet[str] = frozenset()  # product-line brands any name of the row carries


class GpuIndex:
    """Name and PCI-id lookups over the GPU rows."""

    def __init__(self, rows: List[GpuRow]) -> None:
        self.rows = rows
        self._exact: Dict[str, List[GpuRow]] = {}
        self._pci: Dict[str, List[GpuRow]] = {}
        self._entries: List[_Entry] = []
        self._by_token: Dict[str, List[_Entry]] = {}
        for row in rows:
            names = [(row.name, True), *((a, True) for a in row.aliases), *((n, False) for n in row.nvml_names)]
            brands = frozenset().union(*(_brands(name) for name, _ in names))
            for name, canonical in names:
                if not canonical:
                    _add(self._exact, name, row)
                model, _ = tokens(name)
                if not model:
                    continue
                entry = _Entry(row, model, canonical, brands)
                self._entries.append(entry)
                for token in model:
                    self._by_token.setdefault(token, []).append(entry)
            for device_id in row.pci_device_ids:
                _add(self._pci, device_id.lower(), row)

    # --- public API -------------------------------------------------------------------
    def resolve(self, name: Optional[str]) -> Resolution:
        """Every product a GPU name can mean (see the module docstring)."""
        if not name or not name.strip():
            return Resolution(name or "", UNKNOWN)
        query = _unwrap(name)
        if query.pci_id:
            return self.resolve_pci_id(query.pci_id, query=name)
        exact = None if query.vgpu else self._exact.get(query.text)
        if exact:
            return _answer(name, exact)
        truncated = _TRUNCATED.search(query.text)
        if truncated:  # nvidia-smi cut the name: every product it can be the start of
            return _answer(name, self._starting_with(query.text[:truncated.start()]))
        model, architectures = tokens(query.text)
        if query.chip_architecture:
            architectures = architectures | {query.chip_architecture}
        if not model:
            return Resolution(name, UNKNOWN)
        brands = _brands(query.text)
        rows = self._candidates(model, architectures, brands)
        if not rows and "maxq" in model:  # a Max-Q design is a laptop part
            rows = self._candidates((model - {"maxq"}) | {"laptop"}, architectures, brands)
        if not rows and "laptop" not in model:  # a laptop-only product named without the word ("RTX 4050")
            rows = self._candidates(model | {"laptop"}, architectures, brands)
        if not rows and "laptop" in model and any(_SAME_SERIES_LAPTOP.match(t) for t in model):
            # a laptop part the table lacks, from a series whose laptop and desktop parts share the architecture
            # (GeForce 10 to 50: "RTX 2060 mobile" is a Turing 7.5 like the desktop RTX 2060); not the 900M and older
            # series, where a number names different chips (GTX 960M is GM107, 5.0; the GTX 960, GM206, 5.2)
            rows = self._candidates(model - {"laptop"}, architectures, brands)
        if not rows:
            reduced = frozenset(t for t in model if not _is_variant(t))
            if reduced and reduced != model:
                rows = self._candidates(reduced, architectures, brands)
        if not rows and query.vgpu:  # the vGPU software's board variants: "V100D", "V100DX", "A100X", "H100XM"
            rows = self._candidates(frozenset(_VGPU_BOARD.sub(r"\1", t) for t in model), architectures, brands)
        return _answer(name, rows)

    def resolve_pci_id(self, device_id: Optional[str], query: Optional[str] = None) -> Resolution:
        """The products a PCI device id is used by (several share some ids)."""
        key = _pci_key(device_id)
        return _answer(query or device_id or "", self._pci.get(key, []) if key else [])

    def match(self, name: Optional[str]) -> Optional[GpuRow]:
        """One row for a GPU name: the product, or a representative of a family whose members
        agree on compute capability; ``None`` when unknown or ambiguous."""
        resolution = self.resolve(name)
        if resolution.kind == EXACT:
            return resolution.row
        if resolution.kind == FAMILY:
            return min(resolution.candidates, key=lambda r: (len(r.name), r.name))
        return None

    def by_pci_id(self, device_id: Optional[str]) -> Optional[GpuRow]:
        """The row for a PCI device id such as ``"0x2684"`` or ``"2684"`` (``None`` when shared
        by products that differ in compute capability)."""
        resolution = self.resolve_pci_id(device_id)
        if resolution.kind == EXACT:
            return resolution.row
        return resolution.candidates[0] if resolution.kind == FAMILY else None

    def closest(self, name: str, count: int = 5) -> List[str]:
        """Known canonical names closest to ``name``, for "did you mean" answers."""
        import difflib  # only for "did you mean" answers

        names: Dict[str, str] = {}
        for row in self.rows:
            for known in (row.name, *row.aliases, *row.nvml_names):
                key = normalise(known)
                names.setdefault(key, row.name)
                for brand in ("geforce ", "tesla ", "quadro "):
                    if key.startswith(brand):
                        names.setdefault(key[len(brand):], row.name)
        hits = difflib.get_close_matches(normalise(_unwrap(name).text), list(names), n=count * 3, cutoff=0.4)
        unique: List[str] = []
        for hit in hits:
            if names[hit] not in unique:
                unique.append(names[hit])
        return unique[:count]

    # --- matching ---------------------------------------------------------------------
    def _starting_with(self, prefix: str) -> List[GpuRow]:
        wanted = normalise(prefix)
        if len(wanted) < 3:
            return []
        found: List[GpuRow] = []
        for row in self.rows:
            keys = [normalise(n) for n in (row.name, *row.aliases, *row.nvml_names)]
            keys += [k.split(" ", 1)[1] for k in keys if k.startswith(("geforce ", "tesla ")) and " " in k]
            if any(key.startswith(wanted) for key in keys):
                found.append(row)
        return found

    def _candidates(self, model: FrozenSet[str], architectures: FrozenSet[str],
                    brands: FrozenSet[str] = frozenset()) -> List[GpuRow]:
        """Rows a model-token set can mean, by the rule in the module docstring."""
        rarest = min(model, key=lambda t: len(self._by_token.get(t, ())))
        extras: Dict[int, Tuple[GpuRow, FrozenSet[str], bool]] = {}
        for entry in self._by_token.get(rarest, ()):
            if not model <= entry.model:
                continue
            if architectures and entry.row.architecture not in architectures:
                continue
            if brands and entry.brands and not brands & entry.brands:
                continue
            extra = entry.model - model
            if any(not (_is_variant(t) or t in _LINE_WORDS) for t in extra):
                continue
            key = id(entry.row)
            best = extras.get(key)
            exact_name = entry.canonical and not extra
            if best is None or _rank(extra, exact_name) < _rank(best[1], best[2]):
                extras[key] = (entry.row, extra, exact_name)
        if len(extras) <= 1:
            return [row for row, _, _ in extras.values()]
        named = [row for row, extra, exact_name in extras.values() if exact_name]
        variants_only = all(not (extra & _LINE_WORDS) for _, extra, _ in extras.values())
        if len(named) == 1 and variants_only:
            return named
        return [row for row, _, _ in extras.values()]


def _rank(extra: FrozenSet[str], exact_name: bool) -> Tuple[int, int, int]:
    return (0 if exact_name else 1, len(extra & _LINE_WORDS), len(extra))


def _is_variant(token: str) -> bool:
    return token in _VARIANT_WORDS or bool(_MEMORY.match(token)) or bool(_SXM.match(token))


def _answer(query: str, rows: Sequence[GpuRow]) -> Resolution:
    unique: List[GpuRow] = []
    for row in rows:
        if all(row is not seen for seen in unique):
            unique.append(row)
    if not unique:
        return Resolution(query, UNKNOWN)
    if len(unique) == 1:
        return Resolution(query, EXACT, tuple(unique))
    ordered = tuple(sorted(unique, key=_order))
    capabilities = {row.compute_capability for row in unique}
    kind = FAMILY if len(capabilities) == 1 and None not in capabilities else AMBIGUOUS
    return Resolution(query, kind, ordered)


def _order(row: GpuRow) -> Tuple[Tuple[int, ...], str]:
    return parts(row.compute_capability), row.name


def _add(mapping: Dict[str, List[GpuRow]], key: str, row: GpuRow) -> None:
    bucket = mapping.setdefault(key, [])
    if all(existing is not row for existing in bucket):
        bucket.append(row)


def _pci_key(device_id: Optional[str]) -> Optional[str]:
    if not device_id:
        return None
    match = _PCI_KEY.match(device_id)
    return f"0x{match.group(1).lower()}" if match else None
