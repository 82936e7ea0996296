# The two commands: `make run` (dashboard on the sample company) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DB     ?= warehouse/crm.duckdb
AS_OF  ?=
SCALE  ?= small
BENCH_SCALE ?= medium
BENCH_ARGS ?=
LOAD_SCALE ?= small
SESSIONS ?= 25
LOAD_ARGS ?=
PORT   ?= 8501

.PHONY: run test test-fast install install-dev browser java sample db lint bench load clean screenshots

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements-spark.txt requirements.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Build the sample company's export and load it, only when no live database exists yet: at small scale as
# 13 weekly exports loaded in order (about a minute), so Pipeline changes shows what moved week by week from
# the first run. An existing database of an older schema is rebuilt when it came from the sample (it is
# removed first: its snapshots cannot be carried across schemas); your own export must be loaded again by
# you (the dashboard says so).
FIRST_RUN_SNAPSHOTS ?= $(if $(filter small,$(SCALE)),13,)
db: install
	@if [ -e "$(DB)" ] && $(PY) -m data.ingest --check $(DB) >/dev/null 2>&1; then \
		echo "Using existing database $(DB) (run 'make sample' to rebuild the sample company)"; \
	elif [ -e "$(DB)" ] && ! $(PY) -c "import duckdb,sys; c=duckdb.connect('$(DB)', read_only=True); \
		sys.exit(0 if 'sample-export' in c.execute('select source from ingest_run').fetchone()[0] else 1)" 2>/dev/null; then \
		echo "$(DB) was built by an older version from your own export: load it again with python -m data.ingest"; \
	else \
		rm -rf "$(DB)" "$(DB).versions" "$(DB).lock"; \
		$(MAKE) --no-print-directory sample SNAPSHOTS=$(FIRST_RUN_SNAPSHOTS); \
	fi

sample: install
	rm -rf build/sample-export
ifeq ($(SNAPSHOTS),)
	$(PY) -m data.sample build/sample-export --scale $(SCALE) $(if $(AS_OF),--as-of $(AS_OF))
	$(PY) -m data.ingest build/sample-export --db $(DB)
else
	$(PY) -m data.sample build/sample-export --scale $(SCALE) $(if $(AS_OF),--as-of $(AS_OF)) --snapshots $(SNAPSHOTS)
	for d in build/sample-export/*/; do $(PY) -m data.ingest $$d --db $(DB) --as-of-export $$(basename $$d) || exit 1; done
endif

run: db
	CRM_DB=$(DB) $(VENV)/bin/streamlit run dashboard/app.py --server.port $(PORT) --server.headless true

# Debian's chromium for the browser tests (Playwright drives it; it never downloads a browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Java for Spark (the equality test runs Spark in local mode): Debian's default-jre-headless when `java` is missing.
java:
	@command -v java >/dev/null 2>&1 || { \
		echo "Installing Debian's default-jre-headless for the Spark tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless >/dev/null; }

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/sqlfluff lint --disable-progress-bar data/model queries

test: install-dev browser java
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest -q

# Everything but the browser, kill and property tests (marked slow): a quick check while working.
test-fast: install-dev
	$(PY) -m pytest -q -m "not slow"

# Regenerate the README's screenshots (docs/screenshots/) from the sample company as `make run AS_OF=2026-11-22`
# shows it (the same 13 weekly exports): every page at 1440 px (light) and the Overview on a phone (390 px, dark), by
# the layout browser test, which also checks every page at 1440, 1280 and 390 px in both themes (all its pictures:
# build/screenshots/layout).
SHOTS_AS_OF := 2026-11-22
screenshots: install-dev browser
	rm -rf build/screenshots-export build/screenshots.duckdb build/screenshots.duckdb.versions
	$(MAKE) --no-print-directory sample AS_OF=$(SHOTS_AS_OF) SCALE=small SNAPSHOTS=13 DB=build/screenshots.duckdb
	LAYOUT_DB=build/screenshots.duckdb README_SCREENSHOTS=docs/screenshots $(PY) -m pytest -q tests/test_browser_layout.py

# Speed at a large company's size (not part of `make test`): medium by default, BENCH_SCALE=small for a quick
# run, BENCH_SCALE=medium3x (three times medium) or large when asked. At medium and large it exits non-zero
# when a target is missed (bench/benchmark.py: TARGETS, TARGETS_LARGE). At medium it ends with the load section:
# 25 viewers at once on a copy of its database while the export is loaded into it twice (bench/load.py; about
# 6 minutes; BENCH_ARGS=--no-load skips it, BENCH_ARGS=--load adds it at another scale).
bench: install-dev browser
	$(PY) -m bench.benchmark --scale $(BENCH_SCALE) $(BENCH_ARGS) --out build/bench/results-$(BENCH_SCALE).json

# 25 viewers at once (no browser: Streamlit's websocket protocol) against `streamlit run` on 127.0.0.1 while the
# database is swapped twice; p50/p95 of the server's time per script run. The same measurement as `make bench`'s
# load section, on its own (it loads the sample into build/load/ first). LOAD_SCALE=medium for the target
# (p95 <= 3 s); more options through LOAD_ARGS, e.g. LOAD_ARGS="--reuse-db --swap-mode prepared" (python -m
# bench.load --help).
load: install-dev
	$(PY) -m bench.load --scale $(LOAD_SCALE) --sessions $(SESSIONS) $(LOAD_ARGS) --out build/load/results-$(LOAD_SCALE).json

clean:
	rm -rf build warehouse .pytest_cache
