"""The kernel inventory: which GPU code torch and every CUDA extension really carry.

Read from the files, never loaded: ELF section headers (:mod:`.elf`), the fatbin
container and entry headers in ``.nv_fatbin`` (:mod:`.fatbin`), the dynamic section
and dynamic symbols (:mod:`.symbols`), summarised per library (:mod:`.scan`) and for a
whole environment (:mod:`.inventory`), with a per-file cache (:mod:`.cache`).
Judging the summaries against GPUs is :mod:`.coverage`; the rules live in
``cudacheck/rules/catalogue/extensions.py``. Nothing in this package imports torch.
"""
