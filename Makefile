# Rolo: `make run` to try it, `make test` to check it.
SHELL := /bin/bash
VENV := .venv
# Local development and tests run with DEBUG on unless told otherwise; production sets DEBUG=false.
export DEBUG ?= true
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# `make run PORT=8001` serves on another port.
PORT ?= 8000

.PHONY: pango install run test lint e2e bench load clean messages screenshots

# Find a Python >= 3.12: the one .python-version names through pyenv, else any on PATH.
PYTHON ?= $(shell for c in "$$(pyenv which python3 2>/dev/null)" python3.13 python3.12 python3 \
	$$(ls -d $$HOME/.pyenv/versions/3.1[3-9]*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 2>/dev/null); do \
	[ -n "$$c" ] && command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$c; break; }; done)

$(STAMP): requirements.lock
	@if [ -z "$(PYTHON)" ]; then \
		echo "Rolo needs Python >= 3.12 (3.13 preferred, see .python-version); none was found." >&2; \
		echo "Install one (e.g. 'pyenv install 3.13') and run make again." >&2; exit 1; fi
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $(STAMP)

# The translations (issue 18): each catalogue compiled when its .po changes. msgfmt comes
# with Debian's gettext, installed here when missing (as .ci/run installs Chromium).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

%.mo: %.po
	@command -v msgfmt >/dev/null 2>&1 || { \
		if [ "$$(id -u)" -eq 0 ]; then apt-get install -y -qq gettext >/dev/null; \
		else sudo apt-get install -y -qq gettext >/dev/null; fi; }
	msgfmt --check -o $@ $<

# The documents' PDFs (issue 15): WeasyPrint needs Pango, installed here when missing.
pango:
	@ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || { \
		if [ "$$(id -u)" -eq 0 ]; then apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
		else sudo apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; fi; }

install: $(STAMP) $(MO_FILES) pango

# After changing user-facing strings: extract them into every catalogue, then translate the
# new entries (tests/i18n/test_catalogues.py fails until every one is).
messages: $(STAMP)
	$(PY) manage.py makemessages -l it -l es -l fr -l de --add-location=file \
		--ignore='.venv/*' --ignore='tests/*' --ignore='benchmarks/*' --ignore='staticfiles/*' --ignore='media/*'

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@# The worker runs large copies in the background beside the server, and stops with it.
	$(PY) manage.py run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

# The main pages at 1280 and 390 px in Italian and German, into docs/screenshots/ (issue 18),
# from the browser tests' fixtures and the demo data (tests/e2e/screenshots.py).
screenshots: install
	REQUIRE_E2E=1 DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest tests/e2e/screenshots.py -q -p no:cacheprovider

# PostgreSQL only: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/rolo_bench),
# BENCH_SCALE=0.01 for a small data set, BENCH_SKIP_GENERATE=1, BENCH_RESET=1; see benchmarks/README.md.
bench: install
	$(PY) benchmarks/run.py

# gunicorn under a bounded wrk load (Debian's wrk), PostgreSQL only: LOAD_DATABASE_URL (default
# postgres://postgres@127.0.0.1:5432/rolo_load), LOAD_CONNECTIONS=50, LOAD_DURATION=60,
# LOAD_RATE (requests/s; default: as fast as answered), LOAD_ARGS="--restart-db --copy" for
# the fault run on a throwaway cluster; see benchmarks/README.md.
load: install
	$(PY) benchmarks/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 media
