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
    ours, last, _ = command.metrics_table(demo_parquet, "quarter")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "duckdb" else real(name, *a))
    theirs, their_last, _ = command.metrics_table(demo_parquet, "quarter")
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


def _metrics_csv(path):
    return runner.invoke(app, ["metrics", str(path), "--format", "csv"])


@pytest.mark.parametrize("rows", [
    [("a", "Core", "2026-01-01", 10.0), ("a", "Core", "2026-01-01", 5.0)],  # two rows of one product
    [("a", "Core", "2026-01-01", 0.0), ("a", "Core", "2026-01-01", 0.0)],  # both zero: in no movement
    [("a", "Core", "2026-01-01", 0.0), ("a", "Core", "2026-01-20", 7.0)],  # two dates in one month
], ids=["two rows", "two zero rows", "two dates"])
def test_monthly_metrics_find_a_repeated_key_in_their_own_aggregation(tmp_path, rows):
    path = tmp_path / "mrr.parquet"
    book = pd.DataFrame([("b", "Core", "2025-12-01", 3.0), *rows, ("b", "Core", "2026-01-01", 4.0)],
                        columns=["customer_id", "product", "month", "mrr"])
    book.assign(month=pd.to_datetime(book["month"])).to_parquet(path, index=False)
    result = _metrics_csv(path)
    assert result.exit_code == 2
    assert ('row 4: this row repeats the "customer_id" "a" and "month" 2026-01 and "product" "Core" of row 3'
            in " ".join(result.output.split()))


@pytest.mark.parametrize("products", [["Core", "Plus", "Seats"], ["Core", "Plus"]])
def test_many_products_in_a_month_or_zero_rows_of_two_are_no_repeat(tmp_path, products):
    # three products in a month are counted again to be sure; two zero rows of two products join no movement
    rows = [("a", p, m, 0.0 if m == "2026-01-01" else 10.0 * (i + 1)) for m in ("2026-01-01", "2026-02-01",
                                                                               "2026-03-01")
            for i, p in enumerate(products)] + [("b", "Core", "2026-01-01", 5.0), ("b", "Core", "2026-03-01", 6.0)]
    book = pd.DataFrame(rows, columns=["customer_id", "product", "month", "mrr"])
    book["month"] = pd.to_datetime(book["month"])
    path = tmp_path / "mrr.parquet"
    book.to_parquet(path, index=False)
    result = _metrics_csv(path)
    assert result.exit_code == 0, result.output
    printed = pd.read_csv(io.StringIO(result.stdout))
    expected = mrr_movements(book.assign(price_adjustment=False), split=False)
    a_in_february = sum(10 * (i + 1) for i in range(len(products)))
    assert printed["new"].tolist() == expected["new"].tolist() == [5, a_in_february, 0]
    assert printed["reactivated_customers"].tolist() == expected["reactivated_customers"].tolist() == [0, 0, 1]
