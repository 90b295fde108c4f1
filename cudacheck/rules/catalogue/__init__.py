"""The rule catalogue: one module per layer; importing a module registers its rules.

Every module in this package is imported, so a new rule module needs no registration.
"""
import importlib
import pkgutil

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")
