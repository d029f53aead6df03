# Jamsostek Portal — the two commands a regency IT officer needs:
#   make demo   install, migrate the embedded SQLite database, load Seluma + demo users, serve on :8000
#   make test   install, check the import contract (lint-imports), and run the whole suite on
#               PostgreSQL, Redis, a Celery worker and Chromium
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
# The demo always runs on the embedded default, whatever the shell has set.
DEMO_ENV := env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL -u CELERY_RESULT_BACKEND -u DJANGO_ENV
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/jamsostek)
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/1)

.PHONY: demo test install install-dev browser serve bench clean

demo: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py load_demo
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install-dev browser
	$(BIN)/lint-imports
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed-runtime
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-runtime: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
browser:
	@bash scripts/ensure_chromium.sh

# Figures in docs/BENCHMARKS.md.
BENCH_DATABASE_URL := postgres://postgres@127.0.0.1:5432/jamsostek_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/0
bench: install-dev
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(BIN)/python scripts/bench_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
