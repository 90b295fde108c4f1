# Quick start:
#   make doctor   install cudacheck (never torch) into .venv and check the Python you use:
#                 `python3` on PATH (your activated venv or conda env), or PY=/path/to/python
#   make test     add the pinned test tools (and the CPU torch 2.13.0 where Python >= 3.10), type-check
#                 cudacheck with mypy (Python >= 3.10), run every test
# Any Python 3.9-3.13 builds .venv: PYTHON=python3.9 make test.
PYTHON ?= python3
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
BASE := $(VENV)/.cudacheck
STAMP := $(VENV)/.installed

.PHONY: doctor test setup wheel docs eval bench clean

$(BASE): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e .
	touch $(BASE)

# The test tools, and the CPU torch the suite reads for real (torch 2.13.0 ships no wheel for
# Python 3.9: there the tests that need it skip).
$(STAMP): $(BASE)
	$(BIN)/python -m pip install -q -e '.[test]' 'nvidia-cuda-runtime-cu12'
	@if $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then \
		$(BIN)/python -m pip install -q 'torch==2.13.0'; \
	else \
		echo "Python < 3.10: no torch 2.13.0 for it; the tests that read a real torch skip"; \
	fi
	touch $(STAMP)

setup: $(STAMP)

doctor: $(BASE)
	$(BIN)/cudacheck doctor --python "$(PY)"

# The suite includes the slow tier of tests/kernels (the real torch/torchvision wheels read file by
# file, extensions built by nvcc from PyPI, cuobjdump as ground truth). What it downloads, extracts
# and builds is cached outside the repository, so only the first run pays for it.
export CUDACHECK_TEST_CACHE ?= $(HOME)/.cache/cudacheck-tests

# Triage accuracy: the acceptance cases (when present beside the repository) must stay at 100 %; the report
# corpus guards against regressions a little below today's scores (dev 85.0 %, holdout 67.6 %, false alarms
# 20 of 621 healthy reports). Each harvest joins at its blind score, so the floors move with the corpus.
EVAL_THRESHOLDS ?= --min dev=0.84 --min holdout=0.66 --max-false-alarms 0.05

test: $(STAMP)
	@if $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then \
		echo "$(BIN)/python -m mypy cudacheck"; $(BIN)/python -m mypy cudacheck; \
	else \
		echo "Python < 3.10: no mypy 2.4.1 for it; the type check is skipped"; \
	fi
	$(BIN)/python -m pytest -q
	$(BIN)/python scripts/eval_cases.py --sets cases --if-present --min cases=1.0 --no-confusion
	$(BIN)/python scripts/eval_cases.py --sets dev,holdout --no-confusion $(EVAL_THRESHOLDS)

docs: $(STAMP)
	$(BIN)/python -m cudacheck.rules.docs > docs/rules.md

eval: $(STAMP)
	$(BIN)/python scripts/eval_cases.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_cli.py

wheel: $(STAMP)
	$(BIN)/python -m pip wheel -q --no-deps -w dist .

clean:
	rm -rf $(VENV) dist build .pytest_cache
