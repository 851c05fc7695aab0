"""What the `csxl metrics` and `csxl sql` commands do with SQL; cli.py only parses their options.

`csxl metrics` computes the movements with DuckDB over the file (see
csxl.sql.sources for when DuckDB reads it itself); `csxl sql` prints the
definition of a table metric for another engine, to run in a warehouse or
to drop into a dbt model (docs/warehouse.md).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from csxl.sql.dialects import transpile
from csxl.sql.engine import movements
from csxl.sql.movements import movements_sql
from csxl.sql.sources import open_book

# the metrics `csxl sql` prints, with what each is
METRICS = {
    "movements": "MRR movements per period: the bridge, NRR, GRR, logo churn, quick ratio, customer counts",
}


def metrics_table(path: Path, period: str) -> tuple[pd.DataFrame, pd.Timestamp]:
    """The movements table `csxl metrics` prints (no split) and the last month of the data."""
    book = open_book(path)
    try:
        return movements(book.con, period, split=False), book.last_month
    finally:
        book.con.close()


def metric_sql(metric: str, dialect: str, source: str, period: str = "month", split: bool = True) -> str:
    """The SQL of one table metric over the table `source`, written for `dialect`."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}, not {metric!r}")
    return transpile(movements_sql(period, split=split, source=source), dialect) + ";\n"
