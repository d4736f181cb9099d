# indsats — `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The extension in $(VENV) is a release build ($(BUILD_STAMP)) or a debug build ($(DEV_STAMP)).
BUILD_STAMP := $(VENV)/.built
DEV_STAMP := $(VENV)/.built-debug
# Python sources are installed editable: only the Rust side needs a rebuild.
RUST_SRC := $(shell find src -name "*.rs") $(wildcard data/*) Cargo.toml Cargo.lock pyproject.toml
MATURIN := VIRTUAL_ENV=$(abspath $(VENV)) PATH=$(abspath $(VENV))/bin:$$PATH $(VENV)/bin/maturin
# `make test` installs the wheel into this fresh environment and tests it there.
WHEEL_DIR := target/wheel
WHEEL_VENV := target/wheel-venv
DRAWS ?= 10000
OUT ?= out

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements-dev.txt requirements-test.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

.PHONY: venv
venv: $(STAMP) ## Create the virtual environment with every Python dependency

$(BUILD_STAMP): $(STAMP) $(RUST_SRC)
	$(MATURIN) develop --release --quiet
	@rm -f $(DEV_STAMP)
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

# The notebooks run with warnings as errors: a ScenarioWarning is a UserWarning.
.PHONY: test
test: lint build ## Every check: lint, cargo test, the wheel in a fresh venv, pytest, notebooks
	cargo test
	$(PY) -m mypy.stubtest indsats._core
	$(MAKE) --no-print-directory test-wheel
	PYTHONWARNINGS=error::UserWarning $(VENV)/bin/pytest -q --nbmake notebooks

.PHONY: test-wheel
test-wheel: ## Build the wheel, install it into a fresh venv, run pytest against it
	rm -rf $(WHEEL_DIR) $(WHEEL_VENV)
	$(MATURIN) build --release --quiet --out $(WHEEL_DIR)
	python3 -m venv $(WHEEL_VENV)
	$(WHEEL_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(WHEEL_VENV)/bin/python -m pip install --quiet "$$(ls $(WHEEL_DIR)/indsats-*.whl)[excel]" -r requirements-test.txt
	cd $(WHEEL_VENV) && bin/python -c "import indsats, sys; assert indsats.__file__.startswith(sys.prefix), indsats.__file__"
	INDSATS_EXPECT_INSTALLED=$(abspath $(WHEEL_VENV)) $(WHEEL_VENV)/bin/pytest -q -p no:cacheprovider tests

.PHONY: test-fast
test-fast: $(STAMP) ## The inner loop: Rust tests in debug, pytest without notebooks or slow tests
	@if [ -f $(BUILD_STAMP) ] && [ -z "$$(find $(RUST_SRC) -newer $(BUILD_STAMP))" ]; then \
		echo "using the release build in $(VENV)"; \
	elif [ -f $(DEV_STAMP) ] && [ -z "$$(find $(RUST_SRC) -newer $(DEV_STAMP))" ]; then \
		echo "using the debug build in $(VENV)"; \
	else \
		$(MATURIN) develop --quiet && rm -f $(BUILD_STAMP) && touch $(DEV_STAMP); \
	fi
	cargo test --quiet
	$(VENV)/bin/pytest -q -m "not slow" tests

.PHONY: lab
lab: build ## Open the notebooks in JupyterLab (installed into the venv the first time)
	$(PY) -c "import jupyterlab" 2>/dev/null || $(PY) -m pip install --quiet jupyterlab
	cd notebooks && ../$(VENV)/bin/jupyter lab

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
	rm -rf $(OUT) $(BUILD_STAMP) $(DEV_STAMP) $(WHEEL_DIR) $(WHEEL_VENV)
