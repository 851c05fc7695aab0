# Two commands: `make demo` and `make test`. Each sets up everything it needs from nothing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
SPARK_STAMP := $(VENV)/.installed-spark

.PHONY: demo test test-fast test-engines lint bench soffice postgres spark clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[all,test]'
	touch $(STAMP)

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[all,test,bench]'
	touch $(BENCH_STAMP)

# LibreOffice recalculates generated workbooks in the parity tests and prints them to PDF;
# poppler's pdftotext reads back what the printed pages show (tests/test_layout.py).
soffice:
	@{ command -v soffice && command -v pdftotext; } >/dev/null 2>&1 || { \
	  echo "Installing LibreOffice (headless) and poppler-utils with apt..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	    libreoffice-calc-nogui poppler-utils >/dev/null; }

# A PostgreSQL server runs the transpiled SQL in tests/test_sql_postgres.py, which starts and stops its own.
postgres:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { \
	  echo "Installing PostgreSQL with apt..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }

# Spark runs the transpiled SQL in tests/test_sql_spark.py: a Java runtime from Debian (17, or the default one)
# and pyspark from the `spark` extra
spark:
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing a Java runtime with apt..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  { DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless \
	    || DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends default-jre-headless; \
	  } >/dev/null; }

$(SPARK_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[all,test,spark]'
	touch $(SPARK_STAMP)

demo: $(STAMP)
	$(BIN)/csxl demo --out out

# ruff (style, imports, bugbear) and mypy (types, with pandas-stubs) over the package, the tests and the benchmarks
lint: $(STAMP)
	$(BIN)/ruff check csxl tests benchmarks docs
	$(BIN)/mypy

test: $(STAMP) soffice postgres lint
	$(BIN)/python -m pytest -q

# the suite without LibreOffice, new environments and the README's batch: for the edit-test loop, under two minutes
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not libreoffice and not slow and not spark"

# the engines too heavy for every `make test`: Spark (pyspark ~490 MB, a JRE, a session start of seconds)
test-engines: $(SPARK_STAMP) spark postgres
	$(BIN)/python -m pytest -q -m spark

bench: $(BENCH_STAMP) soffice
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
