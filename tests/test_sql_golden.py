"""Snowflake and BigQuery cannot run here: their SQL is compared with golden files reviewed by hand.

Each golden file in tests/golden/sql/ is what `csxl sql METRIC --dialect D` printed when it was reviewed
(regenerate one with that command after a reviewed change). The test parses the golden text and today's
output with sqlglot in that dialect and compares the trees, so a change of layout does not matter and a
change of meaning does. It then reads the golden text back into DuckDB's dialect and runs it on the demo
book: what a warehouse would run computes what DuckDB computes.
"""

from pathlib import Path

import numpy as np
import pytest
import sqlglot

from csxl.data.demo import demo_dataset
from csxl.sql.command import METRICS, metric_sql
from csxl.sql.engine import with_book

GOLDEN = Path(__file__).parent / "golden" / "sql"
# file name -> (metric, dialect, period)
CASES = {f"{metric}_{dialect}.sql": (metric, dialect, "month") for metric in METRICS
         for dialect in ("snowflake", "bigquery")}
CASES["movements_quarter_snowflake.sql"] = ("movements", "snowflake", "quarter")


def test_every_golden_file_is_checked():
    assert sorted(p.name for p in GOLDEN.glob("*.sql")) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_sql_printed_for_the_warehouse_is_the_reviewed_one(name):
    metric, dialect, period = CASES[name]
    golden = (GOLDEN / name).read_text()
    printed = metric_sql(metric, dialect, period=period)
    assert sqlglot.parse_one(printed, read=dialect) == sqlglot.parse_one(golden, read=dialect)


@pytest.fixture(scope="module")
def demo():
    data = demo_dataset()
    con = with_book(data.mrr)
    con.register("customer_groups", data.customers[["customer_id", "csm"]].rename(columns={"csm": "group_name"}))
    return con


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_reviewed_sql_read_back_computes_what_duckdb_computes(demo, name):
    metric, dialect, period = CASES[name]
    (back,) = sqlglot.transpile((GOLDEN / name).read_text(), read=dialect, write="duckdb")
    theirs = demo.sql(back).df()
    ours = demo.sql(metric_sql(metric, "duckdb", period=period)).df()
    assert list(theirs.columns) == list(ours.columns) and len(theirs) == len(ours) > 1
    assert theirs.iloc[:, 0].tolist() == ours.iloc[:, 0].tolist()
    np.testing.assert_allclose(theirs.iloc[:, 1:].to_numpy(float), ours.iloc[:, 1:].to_numpy(float), rtol=1e-9,
                               atol=0.005, equal_nan=True)
