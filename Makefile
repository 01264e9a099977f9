# Two commands on a fresh machine (Python 3.11 and Node): `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.DEFAULT_GOAL := help
.PHONY: help install run test lint format check-deploy security clean screenshots journeys bench

help:
	@echo "make run    - install, migrate, seed the demo once, start web + worker + beat on http://127.0.0.1:8000"
	@echo "make test   - install and run the whole test suite"
	@echo "make lint   - ruff check, ruff format --check, makemigrations --check"
	@echo "make security - bandit (medium and high findings) and the production deploy check"
	@echo "make journeys - the five role journeys in Chromium: axe-core, Nu Html Checker, phone width, screenshots"
	@echo "make screenshots - the journeys, rewriting the README's screenshots in docs/screenshots/"
	@echo "make bench  - seed 50,000 cases into a fresh PostgreSQL database and time the main pages (BENCH_ARGS=--help)"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a lock file changes.
$(VENV)/.installed: $(BIN)/activate requirements.lock requirements-dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@echo "Starting web, worker and beat on http://127.0.0.1:8000 (Ctrl-C stops all three)"
	$(BIN)/honcho -f Procfile.dev start

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

journeys: install
	$(BIN)/pytest tests/browser/journeys $(PYTEST_ARGS)

screenshots: install
	UPDATE_SCREENSHOTS=1 $(BIN)/pytest tests/browser/journeys $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

check-deploy: install
	DJANGO_SETTINGS_MODULE=buurtbemiddeling.settings.production \
	SECRET_KEY=$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-bemiddeling.example.nl} \
	$(PY) manage.py check --deploy --fail-level WARNING

security: install check-deploy
	$(BIN)/bandit -c pyproject.toml -r . --severity-level medium --quiet

# Performance at national scale (README, "Performance"): PostgreSQL at 127.0.0.1:5432 (user postgres),
# Redis db 7; wrk from Debian, installed here when missing and run as root.
bench: install
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; \
	  else echo "wrk is missing: sudo apt-get install wrk" >&2; exit 1; fi; }
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var
