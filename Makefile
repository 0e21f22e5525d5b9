# Two commands on a fresh machine: `make run` serves the seed archive, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
WORKERS ?= 2
MANAGE := $(BIN)/python manage.py

# Local serving is plain HTTP on 127.0.0.1 with DEBUG off, so 404/500 pages and static
# files behave as in production; the secret key is generated once into var/.
LOCAL_ENV = DEBUG=$${DEBUG:-0} HTTPS=$${HTTPS:-0}

.DEFAULT_GOAL := help
.PHONY: help install setup run test lint format clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

install: $(VENV)/.installed var/secret_key  ## create .venv with every dependency (from pyproject.toml)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

var/secret_key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

setup: install  ## migrate, import the seed pages, build the search index, create the demo logins (superuser, 编辑, 审校)
	$(LOCAL_ENV) $(MANAGE) migrate --noinput
	$(LOCAL_ENV) $(MANAGE) collectstatic --noinput --verbosity 0
	$(LOCAL_ENV) $(MANAGE) setup_archive fixtures/pages --demo-logins

run: setup  ## serve the portal with the seed archive on http://127.0.0.1:$(PORT)/
	@echo "Serving on http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	$(LOCAL_ENV) $(BIN)/gunicorn archive.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --threads 4 --access-logfile -

test: install  ## run the whole test suite (DATABASE_URL=postgres://… to run it on PostgreSQL)
	$(BIN)/pytest

lint: install  ## ruff (lint and format), bandit and the migrations check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r archive articles -ll -x '*/migrations/*'
	$(LOCAL_ENV) $(MANAGE) makemigrations --check --dry-run

clean:  ## remove the local database, search index and virtualenv
	rm -rf var $(VENV)
