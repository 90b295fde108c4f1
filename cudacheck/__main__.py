"""``python -m cudacheck``."""
from .cli import main

main()
