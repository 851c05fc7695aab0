"""Running the SQL table metrics in process with DuckDB, results shaped as `csxl.metrics` returns them.

DuckDB needs no server: a connection is a library call, it reads Parquet
and CSV files itself and a pandas DataFrame in place, and it spills to disk
when a book is larger than memory. The queries are the ones `csxl sql`
prints for other engines, so what runs here is what runs in a warehouse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from csxl.metrics.movements import PERIODS
from csxl.sql.movements import movements_sql

if TYPE_CHECKING:
    import duckdb


def connect() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB database (imported here: only the commands that run SQL pay for it)."""
    import duckdb

    return duckdb.connect()


def with_book(mrr: pd.DataFrame, name: str = "mrr") -> duckdb.DuckDBPyConnection:
    """A connection that reads the canonical MRR rows of a `Dataset` as the table `name`, without copying them."""
    con = connect()
    con.register(name, mrr)
    return con


def periods(labels: pd.Series, period: str) -> pd.PeriodIndex:
    """The SQL's period labels ('2026-03', '2026-Q1', '2026') as the pandas Periods `mrr_movements` returns."""
    return pd.PeriodIndex(labels.astype(str), freq=PERIODS[period])


def movements(con: duckdb.DuckDBPyConnection, period: str = "month", *, split: bool = True,
              source: str = "mrr") -> pd.DataFrame:
    """`csxl.metrics.movements.mrr_movements` computed by DuckDB over the table `source` of `con`."""
    table = con.sql(movements_sql(period, split=split, source=source)).df()
    table["period"] = periods(table["period"], period)
    return table


def book_movements(mrr: pd.DataFrame, period: str = "month", *, split: bool = True) -> pd.DataFrame:
    """The movements of canonical MRR rows in memory (a `Dataset.mrr`), computed by DuckDB."""
    return movements(with_book(mrr), period, split=split)
