# Two commands for a fresh machine: `make demo` runs the platform, `make test` runs every test.
VENV ?= .venv
PYTHON ?= python3
TEST_DATA := $(CURDIR)/var/test

.PHONY: demo test bench

demo: $(VENV)/.installed
	$(VENV)/bin/fazhi demo

test: $(VENV)/.installed-test
	@test -x /usr/bin/chromium || echo "注意：未找到 /usr/bin/chromium，浏览器测试将被跳过（apt-get install chromium 后可运行）。"
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	FAZHI_DATA_DIR=$(TEST_DATA) $(VENV)/bin/pytest

bench: $(VENV)/.installed-test
	FAZHI_DATA_DIR=$(CURDIR)/var/bench $(VENV)/bin/python bench/api_bench.py
	$(VENV)/bin/python bench/workplan_bench.py
	$(VENV)/bin/python bench/registers_bench.py
	$(VENV)/bin/python bench/home_bench.py
	$(VENV)/bin/python bench/audit_bench.py
	$(VENV)/bin/python bench/annual_bench.py
	$(VENV)/bin/python bench/review_bench.py
	$(VENV)/bin/python bench/decisions_bench.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed
