# Set-up and checks.  `make demo` and `make test` are all a fresh clone needs.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: install demo test test-fast lint bench wheel-check clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev,all,torch]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/certify qlearning seed-sls --alpha 0.5

# The whole suite (slow tests included: they fit the CI budget).  pytest's exit code 5
# ("no tests collected") is a failure here, like any other non-zero code.
test: install
	$(VENV)/bin/ruff check certify tests examples benchmarks tools
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check certify tests examples benchmarks tools

bench: install
	$(PY) benchmarks/run_all.py

# The wheel in a fresh venv (no editable install), outside the tree: install size, start-up
# time, and every command of README.md as written (tools/wheel_check.py).
wheel-check: install
	$(PY) tools/wheel_check.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
