"""``python -m cudacheck.preflight``: see :mod:`cudacheck.preflight`."""
import sys

from .main import main

sys.exit(main())
