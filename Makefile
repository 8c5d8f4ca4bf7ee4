# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# Django 6.x needs Python 3.12+. The machine's python3 may be older: probe the usual names and pyenv.
PYTHON ?= $(shell for c in python3.13 python3.12 \
	$$(ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV) \
	python3 python; do \
	command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { command -v $$c; break; }; done)

.PHONY: help install run test lint format superuser seed migrate audit bench clean

help:
	@echo "make run        set up .venv, migrate, load seed data, serve on http://$(HOST):$(PORT)"
	@echo "make test       run the whole test suite (DATABASE_URL selects the database)"
	@echo "make lint       ruff check + format check, makemigrations --check"
	@echo "make superuser  create an admin account"
	@echo "make seed       load the seed data (idempotent)"
	@echo "make audit      browser quality gates: axe, HTML checker, reflow, budgets, Lighthouse"
	@echo "make bench      throughput and latency of the public pages under gunicorn (needs wrk)"

$(BIN)/activate:
	@if [ -z "$(PYTHON)" ]; then echo "Error: Python 3.12 or newer is needed (tried python3.13, python3.12, pyenv versions, python3)." >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed

# Local development: DEBUG on (and so a development secret key) unless the caller says otherwise.
run seed migrate superuser lint: export DJANGO_DEBUG ?= 1

run: seed
	$(MANAGE) runserver $(HOST):$(PORT)

superuser: migrate
	$(MANAGE) createsuperuser

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Node tools for the audit only (never at deploy time). --ignore-scripts: vnu-jar's postinstall
# would download a JDK; the machine's Java is used instead.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

audit: install node_modules/.installed
	$(PY) -m scripts.audit $(AUDIT_ARGS)

bench: install
	$(PY) scripts/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache staticfiles node_modules test-results
