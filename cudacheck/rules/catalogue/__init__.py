"""The rule catalogue: one module per layer; importing a module registers its rules."""
from . import access, builds, gpus_vs_build, requirements  # noqa: F401
