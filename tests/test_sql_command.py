"""`csxl metrics` through the SQL engine and `csxl sql`: what the commands print."""

import importlib.util
import io

import pandas as pd
import pytest
import sqlglot
from typer.testing import CliRunner

from csxl.cli import app
from csxl.data.demo import demo_dataset
from csxl.metrics.movements import MOVEMENT_COLUMNS, mrr_movements, period_label
from csxl.sql import command
from tests.test_sql_movements import assert_same_movements

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_parquet(tmp_path_factory):
    path = tmp_path_factory.mktemp("book") / "book.parquet"
    demo_dataset().mrr.to_parquet(path, index=False)
    return path


@pytest.mark.parametrize("period", ["month", "year"])
def test_csxl_metrics_over_parquet_prints_the_numpy_engines_table(demo_parquet, period):
    result = runner.invoke(app, ["metrics", str(demo_parquet), "--format", "csv", "--period", period])
    assert result.exit_code == 0, result.output
    printed = pd.read_csv(io.StringIO(result.stdout), dtype={"period": str})
    expected = mrr_movements(pd.read_parquet(demo_parquet), period, split=False)
    assert list(printed.columns) == MOVEMENT_COLUMNS
    assert printed["period"].tolist() == [period_label(p) for p in expected["period"]]
    pd.testing.assert_frame_equal(printed.drop(columns="period"), expected.drop(columns="period"),
                                  check_dtype=False, atol=1e-6)


def test_without_duckdb_csxl_metrics_computes_the_same_table_with_numpy(demo_parquet, monkeypatch):
    ours, last = command.metrics_table(demo_parquet, "quarter")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "duckdb" else real(name, *a))
    theirs, their_last = command.metrics_table(demo_parquet, "quarter")
    assert last == their_last
    assert_same_movements(ours, theirs, 1)


@pytest.mark.parametrize("metric", list(command.METRICS))
@pytest.mark.parametrize("dialect", ["postgres", "spark", "databricks", "snowflake", "bigquery", "duckdb"])
def test_csxl_sql_prints_sql_of_the_dialect_over_the_given_table(metric, dialect):
    result = runner.invoke(app, ["sql", metric, "--dialect", dialect, "--source", "analytics.mrr_rows"])
    assert result.exit_code == 0, result.output
    tree = sqlglot.parse_one(result.stdout, read=dialect)
    assert "analytics.mrr_rows" in {t.sql(dialect) for t in tree.find_all(sqlglot.exp.Table)}


def test_csxl_sql_quarters_and_windows_are_options():
    quarters = runner.invoke(app, ["sql", "movements", "--period", "quarter"]).stdout
    assert "// 3" in quarters and "// 3" not in runner.invoke(app, ["sql", "movements"]).stdout
    assert "s.m + 6" in runner.invoke(app, ["sql", "retention", "--months", "6"]).stdout
    assert "JOIN crm.owners" in runner.invoke(app, ["sql", "groups", "--groups", "crm.owners"]).stdout


def test_csxl_sql_refuses_an_unknown_metric():
    result = runner.invoke(app, ["sql", "ltv"])
    assert result.exit_code == 2 and "movements" in result.output
