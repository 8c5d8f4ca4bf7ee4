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

.PHONY: help install lock messages run serve smoke test coverage lint format superuser seed migrate audit bench backup restore clean

help:
	@echo "make run        set up .venv, migrate, load seed data, serve on http://$(HOST):$(PORT)"
	@echo "make serve      the production chain locally: nginx -> gunicorn, task worker, DEBUG off"
	@echo "make smoke      smoke-test that chain on PostgreSQL and Redis (CI runs it)"
	@echo "make test       run the whole test suite (DATABASE_URL selects the database)"
	@echo "make coverage   the suite with branch coverage (CI: on PostgreSQL)"
	@echo "make lint       pre-commit hooks on every file, hadolint, makemigrations --check"
	@echo "make lock       regenerate requirements/*.txt (hashes) from pyproject.toml"
	@echo "make messages   update locale/de and compile it"
	@echo "make backup     database and media into var/backups/ (BACKUP_DIR, KEEP=N)"
	@echo "make restore    BACKUP=<folder>: into an empty database and media folder"
	@echo "make superuser  create an admin account"
	@echo "make seed       load the seed data (idempotent)"
	@echo "make audit      browser quality gates: axe, HTML checker, reflow, budgets, Lighthouse"
	@echo "make bench      throughput and latency of the public pages under gunicorn (needs wrk)"

$(BIN)/activate:
	@if [ -z "$(PYTHON)" ]; then echo "Error: Python 3.12 or newer is needed (tried python3.13, python3.12, pyenv versions, python3)." >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)

# Dependencies come from the lock file only (exact versions, checked hashes); the project itself
# is installed on top without resolving anything.
$(VENV)/.installed: requirements/dev.txt pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	PYTHONWARNINGS=ignore $(PY) -m pip install --quiet --no-deps -e .
	@touch $@

install: $(VENV)/.installed

# The lock: runtime (requirements/base.txt) and development (requirements/dev.txt, the same
# runtime pins plus the dev extra), for every platform and Python >= 3.12. Existing pins are kept
# unless pyproject.toml needs others; LOCK_ARGS=--upgrade moves everything to the newest release.
# After a merge conflict in requirements/, take either side and run `make lock` again.
UV_VERSION := 0.13.8
LOCK := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.12 \
	--generate-hashes --custom-compile-command "make lock" --quiet $(LOCK_ARGS)

lock: | $(BIN)/activate
	$(PY) -m pip install --quiet uv==$(UV_VERSION)
	$(LOCK) --output-file requirements/base.txt
	$(LOCK) --extra dev --constraint requirements/base.txt --output-file requirements/dev.txt

# The German catalogue: German is the source language, so it holds the msgids for translators;
# the compiled .mo is committed (make run needs no gettext), CI checks it matches the .po.
messages: install
	$(MANAGE) makemessages --locale de --no-obsolete --ignore '.venv/*' --ignore 'node_modules/*' \
		--ignore 'staticfiles/*' --ignore 'scripts/*' --ignore 'tests/*' --ignore 'var/*'
	$(MANAGE) compilemessages --ignore '.venv/*'

migrate: install
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed

# Local development: DEBUG on (and so a development secret key) unless the caller says otherwise.
run seed migrate superuser lint messages backup restore: export DJANGO_DEBUG ?= 1

run: seed
	$(MANAGE) runserver $(HOST):$(PORT)

# nginx on SERVE_PORT, gunicorn on the next port, the task worker; Ctrl-C stops all three.
SERVE_PORT ?= 8080
serve: install
	$(PY) -m scripts.chain --port $(SERVE_PORT)

# Database and media into a new folder under BACKUP_DIR; `make restore BACKUP=var/backups/…`
# into an empty database and media folder (DATABASE_URL, DJANGO_MEDIA_ROOT). See README.
BACKUP_DIR ?= var/backups
backup: install
	$(MANAGE) backup $(BACKUP_DIR) $(if $(KEEP),--keep $(KEEP))

restore: install
	@if [ -z "$(BACKUP)" ]; then echo "Usage: make restore BACKUP=var/backups/kreativorte-…" >&2; exit 2; fi
	$(MANAGE) restore $(BACKUP)

superuser: migrate
	$(MANAGE) createsuperuser

# The production chain from a fresh runtime-only venv on PostgreSQL and Redis (tests/production).
SMOKE_PORT ?= 8130
smoke: install
	KREATIVORTE_SMOKE=1 SMOKE_PORT=$(SMOKE_PORT) $(BIN)/pytest tests/production -p no:cacheprovider $(PYTEST_ARGS)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# Branch coverage over every app; fails below [tool.coverage.report] fail_under.
coverage: install
	$(BIN)/pytest --cov --cov-report=term $(PYTEST_ARGS)

# pre-commit runs the tools installed from the lock (local hooks), so .venv/bin goes first on PATH.
PRE_COMMIT := PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pre-commit run --all-files

lint: install
	$(PRE_COMMIT) --show-diff-on-failure
	$(MANAGE) makemigrations --check --dry-run

# The same hooks, left to fix what they can; the second run shows what is left to do by hand.
format: install
	$(PRE_COMMIT) >/dev/null || $(PRE_COMMIT)

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
