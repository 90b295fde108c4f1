"""GPU name resolution: zero wrong compute capabilities over real and table-derived spellings,
and the Resolution API (exact | family | ambiguous | unknown)."""
from __future__ import annotations

from collections import defaultdict
from typing import Dict, List, Optional, Tuple

import pytest

from cudacheck.compat.db import CompatDB
from cudacheck.compat.gpu_names import AMBIGUOUS, EXACT, FAMILY, UNKNOWN, tokens

from .gpu_spellings import REAL, TRAPS

UUID = "GPU-00000000-1111-2222-3333-444444444444"


@pytest.fixture(scope="module")
def db() -> CompatDB:
    return CompatDB()


def _outcome(resolution, expected: Optional[str]) -> str:
    """``right``, ``unknown`` (no capability where one was expected) or ``wrong``."""
    got = resolution.compute_capability
    if expected is None:
        return "right" if got is None else "wrong"
    if expected.startswith("ambiguous:"):
        wanted = set(expected.split(":", 1)[1].split(","))
        have = {c.compute_capability for c in resolution.candidates}
        return "right" if got is None and wanted <= have else "wrong"
    if got is None:
        return "unknown"
    return "right" if got == expected else "wrong"


def _table_spellings(db: CompatDB) -> List[Tuple[str, Optional[str]]]:
    """Every name of every row as tools print it, with the row's own capability as the answer
    (names several rows carry answer with all of them)."""
    carriers: Dict[str, set] = defaultdict(set)
    for row in db.gpus.gpus:
        for name in {row.name, *row.aliases, *row.nvml_names}:
            carriers[name].add(row.compute_capability)
    spellings: Dict[str, Optional[str]] = {}
    for name, capabilities in carriers.items():
        if len(capabilities) > 1:
            expected = None if None in capabilities else "ambiguous:" + ",".join(sorted(capabilities))
        else:
            expected = next(iter(capabilities))
        forms = [name, name.lower(), name.upper()]
        if not name.startswith("NVIDIA "):
            forms.append(f"NVIDIA {name}")
        forms += [f"GPU 0: {name} (UUID: {UUID})", f"{name.replace(' ', '-')}", f"{name.replace(' ', '-')}-SHARED",
                  f"    Product Name                          : {name}",
                  f"_CudaDeviceProperties(name='{name}', major=0, minor=0, total_memory=1MB)"]
        for form in forms:
            spellings.setdefault(form, expected)
    return list(spellings.items())


def test_no_wrong_answer_and_few_unknowns(db):
    index = db.gpu_index
    corpus = dict(_table_spellings(db))
    corpus.update(dict(REAL))
    corpus.update(dict(TRAPS))
    counts = defaultdict(list)
    for spelling, expected in corpus.items():
        counts[_outcome(index.resolve(spelling), expected)].append(spelling)
    total = len(corpus)
    print(f"\n{total} spellings: {len(counts['right'])} right, {len(counts['unknown'])} unknown, "
          f"{len(counts['wrong'])} wrong")
    assert total >= 700
    assert counts["wrong"] == []
    assert len(counts["unknown"]) <= 0.05 * total, counts["unknown"][:40]


@pytest.mark.parametrize("spelling, expected", REAL + TRAPS)
def test_each_real_spelling_and_trap(db, spelling, expected):
    resolution = db.gpu_index.resolve(spelling)
    assert _outcome(resolution, expected) == "right", (spelling, resolution.kind,
                                                      [(c.name, c.compute_capability) for c in resolution.candidates])


def test_resolution_kinds(db):
    index = db.gpu_index
    exact = index.resolve("NVIDIA GeForce RTX 4090")
    assert exact.kind == EXACT and exact.row.name == "GeForce RTX 4090" and exact.compute_capability == "8.9"
    family = index.resolve("A100")
    assert family.kind == FAMILY and family.row is None and family.compute_capability == "8.0"
    assert {c.name for c in family.candidates} >= {"A100 SXM4 80GB", "A100 PCIe 40GB"}
    ambiguous = index.resolve("RTX 6000")
    assert ambiguous.kind == AMBIGUOUS and ambiguous.compute_capability is None and not ambiguous.known
    assert {"Quadro RTX 6000", "RTX 6000 Ada Generation"} <= {c.name for c in ambiguous.candidates}
    assert index.resolve("Voodoo 5").kind == UNKNOWN and index.resolve("").kind == UNKNOWN


def test_match_keeps_its_contract(db):
    index = db.gpu_index
    assert index.match("NVIDIA GeForce RTX 5090 D").name == "GeForce RTX 5090 D"
    assert index.match("NVIDIA GeForce RTX 5090").name == "GeForce RTX 5090"
    assert index.match("A100").compute_capability == "8.0"      # a family agreeing on capability
    assert index.match("RTX 6000") is None                       # products of different capability
    assert index.match("GeForce GT 730") is None
    assert index.match(None) is None


def test_a_model_changing_word_is_never_dropped(db):
    index = db.gpu_index
    for name, other in [("RTX 5090", "RTX 5090 D"), ("RTX 3090", "RTX 3090 Ti"), ("RTX 3060", "RTX 3060 Laptop GPU"),
                        ("RTX 3050 Laptop GPU", "RTX 3050 A Laptop GPU"), ("L40", "L40S"), ("RTX 2080", "RTX 2080 SUPER")]:
        row = index.resolve(name).row
        assert row is not None and tokens(row.name)[0] != tokens(other)[0], (name, row and row.name)


def test_a_laptop_only_product_named_without_the_word_is_the_laptop_part(db):
    """The RTX 4050 exists only as a laptop GPU; people write "RTX 4050" for it. A name with a desktop part keeps
    meaning the desktop part."""
    index = db.gpu_index
    assert index.resolve("RTX 4050").row.name == "GeForce RTX 4050 Laptop GPU"
    assert index.resolve("NVIDIA GeForce RTX 4050").compute_capability == "8.9"
    assert index.resolve("RTX 3060").row.name == "GeForce RTX 3060"
    assert index.resolve("RTX 9999").row is None


def test_truncated_names_answer_with_every_product_they_can_start(db):
    resolution = db.gpu_index.resolve("NVIDIA GeForce RTX 30...")
    assert resolution.kind == AMBIGUOUS  # the RTX 3050 A Laptop GPU is Ada
    assert "8.9" in {c.compute_capability for c in resolution.candidates}


def test_pci_ids(db):
    index = db.gpu_index
    assert index.resolve_pci_id("0x2684").row.name == "GeForce RTX 4090"
    assert index.by_pci_id("2684").name == "GeForce RTX 4090"
    assert index.resolve("01:00.0 VGA compatible controller: NVIDIA Corporation Device 2b85 (rev a1)").compute_capability == "12.0"
    assert index.resolve_pci_id("0xffff").kind == UNKNOWN


def test_lspci_chip_names_the_architecture(db):
    # pci.ids names the Pascal TITAN X just "TITAN X": the chip tells it from the Maxwell one.
    assert db.gpu_index.resolve("NVIDIA Corporation GP102 [TITAN X]").compute_capability == "6.1"
    assert db.gpu_index.resolve("NVIDIA Corporation GM200 [GeForce GTX TITAN X]").compute_capability == "5.2"


def test_closest_names_for_unknown_gpus(db):
    assert db.gpu_index.closest("RTX 4099")[0] == "GeForce RTX 4090"


def test_a_laptop_part_missing_from_the_table_borrows_only_a_twin_of_the_same_chip(db):
    """GeForce 10 to 50 laptop parts share their desktop twin's architecture, so a laptop name the table lacks ("RTX
    2060 mobile") is read as the desktop part; before the 10 series a number named different chips (GTX 960M is
    GM107, 5.0; the GTX 960 is GM206, 5.2), so nothing is borrowed there."""
    index = db.gpu_index
    assert index.resolve("RTX 2060 mobile").compute_capability == "7.5"
    assert index.resolve("GTX 1070M").compute_capability == "6.1"
    assert index.resolve("GTX 960 mobile").compute_capability == "5.0"
    assert index.resolve("GTX 960").compute_capability == "5.2"


def test_a_vgpu_profile_is_the_board_it_runs_on(db):
    """A vGPU profile's name is its board's with the framebuffer and series ("GRID T4-16Q", "NVIDIA A100-40C"); it
    runs on that board, so it has the board's compute capability. It names the board, not one product's NVML name
    (no exact product), and the vGPU software's board variants ("V100D", "H100XM") are their family."""
    index = db.gpu_index
    assert index.resolve("GRID T4-16Q").compute_capability == "7.5"
    assert index.resolve("NVIDIA A10-24Q").compute_capability == "8.6"
    assert index.resolve("GRID V100D-32C").compute_capability == "7.0"
    assert index.resolve("NVIDIA H100XM-80C").compute_capability == "9.0"
    a100 = index.resolve("NVIDIA A100-40C")
    assert a100.compute_capability == "8.0" and a100.kind != "exact"
    assert index.resolve("NVIDIA H100-20C").kind != "exact"
    # the older vGPU naming glues "RTX6000": Turing's Quadro RTX 6000 or Ada's RTX 6000, not told apart
    assert index.resolve("GRID RTX6000-24Q").compute_capability is None
