# indsats — `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BUILD_STAMP := $(VENV)/.built
RUST_SRC := $(shell find src -name "*.rs") $(wildcard data/*.toml) Cargo.toml pyproject.toml
PY_SRC := $(wildcard python/indsats/*.py python/indsats/*.pyi)
DRAWS ?= 10000
OUT ?= out

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements-dev.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

.PHONY: venv
venv: $(STAMP) ## Create the virtual environment with every Python dependency

$(BUILD_STAMP): $(STAMP) $(RUST_SRC) $(PY_SRC)
	VIRTUAL_ENV=$(abspath $(VENV)) PATH=$(abspath $(VENV))/bin:$$PATH $(VENV)/bin/maturin develop --release --quiet
	@touch $@

.PHONY: build
build: $(BUILD_STAMP) ## Build the extension (release) into the virtual environment

.PHONY: demo
demo: build ## Run the Ballerup business case with uncertainty: table and fan chart
	$(PY) -m indsats run scenarios/ballerup.toml --draws $(DRAWS) --seed 2017 --lang da --plot $(OUT)/ballerup_net.png

.PHONY: lint
lint: $(STAMP) ## cargo fmt --check, clippy -D warnings, ruff, mypy
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --features python -- -D warnings
	$(VENV)/bin/ruff check python tests benches
	$(VENV)/bin/ruff format --check python tests benches
	$(VENV)/bin/mypy

.PHONY: test
test: lint build ## Every check: lint, cargo test, pytest (tests and notebooks)
	cargo test --release
	$(PY) -m mypy.stubtest indsats._core
	$(VENV)/bin/pytest -q --nbmake tests notebooks

.PHONY: bench
bench: build ## Speed figures: indsats vs the NumPy baseline, scaling, memory
	cargo bench --bench engine
	$(PY) benches/bench.py

.PHONY: fmt
fmt: $(STAMP) ## Format Rust and Python
	cargo fmt --all
	$(VENV)/bin/ruff format python tests benches
	$(VENV)/bin/ruff check --fix python tests benches

.PHONY: clean
clean: ## Remove build outputs (keeps the virtual environment)
	cargo clean
	rm -rf $(OUT) $(BUILD_STAMP)
