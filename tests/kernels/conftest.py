"""The kernel tests import their helpers (synth, real_parts) from this folder."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
