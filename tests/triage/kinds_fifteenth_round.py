"""Kinds of evidence a fifteenth round found missing. Each kind fires on its wording and stays silent on a near miss
(tables read by test_kinds.py). Texts written here in the style of real reports."""
from cudacheck.observations import Obs  # noqa: F401  (rows name observations)

# --- what each wording leads with: (text, the first finding's category, words its title holds) -------------------
LEADS = [
    # PyPI's torch for Windows is a CPU build: a plain `pip install torch` there is not a driver too old for a CUDA
    # build it never installed
    ("Windows 11, RTX 3060. I did pip install torch torchvision and torch.cuda.is_available() returns False. "
     "nvidia-smi shows driver 560.94 CUDA Version: 12.6", "cpu_only_torch", "CPU-only build on Windows"),
]

# --- what a near miss must not lead with: (text, category) ----------------------------------------------------------
NOT_LEADS = [
    # a Windows driver of a branch after CUDA 13.x's (NVIDIA prints no Windows minimum for 13.x) is not "too old"
    ("Windows 11\nGPU: RTX 3090, 驱动: 596.99\ntorch.cuda.is_available() False", "driver_too_old"),
    # the same plain install on Windows: PyPI gave it a CPU build, so no driver is too old for it
    ("Windows 10\npip install torch\ntorch.cuda.is_available() False\nnvidia-smi: Driver Version: 560.94 CUDA "
     "Version: 12.6", "driver_too_old"),
]

# --- what each wording is read as: (text, observation) ---------------------------------------------------------------
OBSERVED: list = []
NOT_OBSERVED: list = []

# --- a rule that must stay silent: (text, code) ----------------------------------------------------------------------
SILENT: list = []
