"""What the `csxl metrics` and `csxl sql` commands do with SQL; cli.py only parses their options.

`csxl metrics` computes the movements with DuckDB over the file (see
csxl.sql.sources for when DuckDB reads it itself); `csxl sql` prints the
definition of a table metric for another engine, to run in a warehouse or
to drop into a dbt model (docs/warehouse.md).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

from csxl.errors import CsxlDataError
from csxl.sql.dialects import transpile
from csxl.sql.engine import movements
from csxl.sql.movements import movements_sql
from csxl.sql.retention import cohort_retention_sql, group_retention_sql, retention_trend_sql
from csxl.sql.sources import open_book

# the metrics `csxl sql` prints, with what each is
METRICS = {
    "movements": "MRR movements per period: the bridge with the expansion split, NRR, GRR, logo churn, quick ratio",
    "retention": "cohort NRR, GRR and logo churn of the trailing window to every month",
    "cohorts": "cohort retention table: revenue and logo retention by start cohort and months since start",
    "groups": "cohort NRR and GRR of each group of accounts (CSM, tier, segment) over the window to the last month",
}


def metrics_table(path: Path, period: str, decimal: str | None = None) -> tuple[pd.DataFrame, pd.Timestamp, list[str]]:
    """The movements table `csxl metrics` prints (no split), the last month of the data, and the loader's
    warnings (rows of customers the MRR does not have).

    Without DuckDB (csxl installed without its `sql` extra) the numpy engine computes the same table from the
    loader's rows: the tests bind the two to the cent. A stated `decimal` separator is the loader's to apply.
    """
    if importlib.util.find_spec("duckdb") is None:
        from csxl.data.load import load
        from csxl.metrics.movements import mrr_movements

        data = load(path, decimal=decimal)
        return mrr_movements(data.mrr, period, split=False), data.last_month, data.warnings
    book = open_book(path, defer_repeats=period == "month", decimal=decimal)
    try:
        if book.repeats is None:
            return movements(book.con, period, split=False), book.last_month, book.warnings
        # the movements' own aggregation tells whether any rows may repeat a key; only then are they checked
        table = movements(book.con, period, split=False, repeats=True)
        if table.pop("repeated_keys").sum():
            error = book.repeats()
            if error is not None:
                raise error
            table = movements(book.con, period, split=False)
        return table, book.last_month, book.warnings
    finally:
        book.con.close()


def metric_sql(metric: str, dialect: str, source: str = "mrr", *, period: str = "month", months: int = 12,
               groups: str = "customer_groups") -> str:
    """The SQL of one table metric of METRICS over the table `source`, written for `dialect`.

    `period` is the movements' period, `months` the retention window, `groups` the table of customer_id and
    group_name the group retention reads.
    """
    texts = {
        "movements": lambda: movements_sql(period, source=source),
        "retention": lambda: retention_trend_sql(months, source=source),
        "cohorts": lambda: cohort_retention_sql(source=source),
        "groups": lambda: group_retention_sql(months, source=source, groups=groups),
    }
    if metric not in texts:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}, not {metric!r}")
    if importlib.util.find_spec("sqlglot") is None:
        raise CsxlDataError("writing SQL for other engines needs sqlglot", fix="pip install 'csxl[sql]'")
    return transpile(texts[metric](), dialect) + ";\n"
