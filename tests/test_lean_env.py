"""The Excel functions in a lean environment: only numpy, pandas and scipy, csxl installed from its wheel without
its dependencies (no xlwings, openpyxl, pyarrow, typer, rich). Every documented example runs there with the
documented result, and csxl's code never reaches for pyarrow, duckdb, sqlglot, typer or rich."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from csxl.data.parse import parse_dates, parse_months, parse_numbers
from csxl.udfs import FUNCTIONS
from tests.venvs import ROOT, built, environment, run

pytestmark = pytest.mark.slow  # builds a virtual environment: left out of `make test-fast`


@pytest.fixture(scope="module")
def lean(tmp_path_factory):
    base = tmp_path_factory.getbasetemp()
    wheel, _ = built(base / "dist")
    return environment(base / "lean", "numpy pandas scipy", f"--no-deps {wheel}")


def test_the_lean_environment_has_only_the_three_libraries(lean, tmp_path):
    installed = {line.split("==")[0].lower() for line in run(lean, "-m", "pip", "freeze", cwd=tmp_path).stdout.split()}
    assert {"csxl", "numpy", "pandas", "scipy"} <= installed
    assert not installed & {"xlwings", "openpyxl", "pillow", "lxml", "pyarrow", "typer", "rich", "duckdb", "sqlglot"}
    where = run(lean, "-c", "import csxl; print(csxl.__file__)", cwd=tmp_path).stdout.strip()
    assert where.startswith(str(lean.parent.parent)) and not where.startswith(str(ROOT))  # the wheel, not the checkout


def test_every_documented_example_runs_in_the_lean_environment(lean, tmp_path):
    report = json.loads(run(lean, ROOT / "tests" / "examples.py", cwd=tmp_path).stdout)
    assert report["functions"] == sorted(FUNCTIONS)
    assert report["disagree"] == {}
    assert report["reached"] == [] and report["loaded"] == []


def test_the_command_says_which_extra_it_needs(lean, tmp_path):
    missing = subprocess.run([str(lean), "-m", "csxl", "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr == 'csxl: typer is not installed; install the command line with: pip install "csxl[cli]"\n'


COLUMNS = [  # each column as one export spells it, with a few cells that are not values
    (parse_numbers, ["1.234,56", "R$ 1.234,56", "(12,5)", "12-", "1 234,56", "US$ -3", "1e3", "0,02", "1.500", "abc",
                     "", " ", "\u0663"]),
    (parse_numbers, ["1,234.56", "1'234.56", "US$ 1,234", "-3.5", "12.5", "1,500", "2E3", "x1", ""]),
    (parse_months, ["2026-03", "03/2026", "mar/2026", "março de 2026", "202603", "15/03/2026", "2026-13", "abc", ""]),
    (parse_dates, ["15/03/2026", "15.03.26", "20260315", "15 mar 2026", "2026-03-15", "46096", "31/02/2026", "x"]),
]


@pytest.mark.parametrize("parse, spellings", COLUMNS)
def test_the_parsers_read_the_same_without_pyarrow(parse, spellings, monkeypatch):
    """Without pyarrow (a lean install, Pyodide) the text parsers use Python's re: every spelling reads the same."""
    column = pd.Series(spellings, dtype=object)
    with_arrow, bad_with = parse(column)
    assert "pyarrow.compute" in sys.modules
    monkeypatch.delitem(sys.modules, "pyarrow.compute")
    without, bad_without = parse(column)
    assert np.array_equal(bad_with, bad_without)
    pd.testing.assert_series_equal(with_arrow, without)
    assert with_arrow.notna().sum() >= len(spellings) // 2  # the comparison covers values read, not only errors
