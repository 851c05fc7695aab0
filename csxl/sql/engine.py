"""Running the SQL table metrics in process with DuckDB, results shaped as `csxl.metrics` returns them.

DuckDB needs no server: a connection is a library call, and it reads
Parquet and CSV files itself and a pandas DataFrame in place. The queries
are the ones `csxl sql` prints for other engines, so what runs here is what
runs in a warehouse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from csxl.metrics.columns import PERIODS
from csxl.sql.connection import connect
from csxl.sql.movements import movements_sql
from csxl.sql.retention import cohort_retention_sql, group_retention_sql, retention_trend_sql

if TYPE_CHECKING:
    import duckdb


def with_book(mrr: pd.DataFrame, name: str = "mrr") -> duckdb.DuckDBPyConnection:
    """A connection that reads the canonical MRR rows of a `Dataset` as the table `name`, without copying them."""
    con = connect()
    con.register(name, mrr)
    return con


def periods(labels: pd.Series, period: str) -> pd.PeriodIndex:
    """The SQL's period labels ('2026-03', '2026-Q1', '2026') as the pandas Periods `mrr_movements` returns."""
    return pd.PeriodIndex(labels.astype(str), freq=PERIODS[period])


def movements(con: duckdb.DuckDBPyConnection, period: str = "month", *, split: bool = True,
              source: str = "mrr", repeats: bool = False) -> pd.DataFrame:
    """`csxl.metrics.movements.mrr_movements` computed by DuckDB over the table `source` of `con`
    (and, with `repeats`, the column repeated_keys of `movements_sql`)."""
    table = con.sql(movements_sql(period, split=split, source=source, repeats=repeats)).df()
    table["period"] = periods(table["period"], period)
    return table


def book_movements(mrr: pd.DataFrame, period: str = "month", *, split: bool = True) -> pd.DataFrame:
    """The movements of canonical MRR rows in memory (a `Dataset.mrr`), computed by DuckDB."""
    return movements(with_book(mrr), period, split=split)


def retention_trend(con: duckdb.DuckDBPyConnection, months: int = 12, *, source: str = "mrr") -> pd.DataFrame:
    """Cohort NRR, GRR and logo churn to every month with `months` of history (`retention_trend_sql`), the month
    as a pandas Period as `csxl.metrics.retention.retention_trend` gives it."""
    table = con.sql(retention_trend_sql(months, source=source)).df()
    table["month"] = periods(table["month"], "month")
    return table


def _span(con: duckdb.DuckDBPyConnection, source: str) -> tuple[pd.Period, pd.Period]:
    """The first and last month of the data in `source`."""
    first, last = con.sql(f"SELECT MIN(month), MAX(month) FROM {source}").fetchall()[0]
    return pd.Period(first, "M"), pd.Period(last, "M")


def cohort_window(con: duckdb.DuckDBPyConnection, end_month: object | None = None, months: int = 12, *,
                  source: str = "mrr") -> pd.Series:
    """nrr, grr and logo_churn of the window of `months` months to `end_month` (default: the last month):
    `nrr_cohort`, `grr_cohort` and `logo_churn_cohort` from one query. NaN when the window starts before the data."""
    first, last = _span(con, source)
    end = last if end_month is None else pd.Period(end_month, "M")  # type: ignore[arg-type]  # any month
    if not first <= end <= last:
        raise ValueError(f"end_month {end_month} is outside the data ({first} to {last})")
    trend = retention_trend(con, months, source=source).set_index("month")
    if end not in trend.index:
        return pd.Series({"nrr": np.nan, "grr": np.nan, "logo_churn": np.nan})
    return trend.loc[end, ["nrr", "grr", "logo_churn"]].astype(float)  # type: ignore[index]  # one month's row


def cohort_retention(con: duckdb.DuckDBPyConnection, basis: str = "revenue", *, source: str = "mrr") -> pd.DataFrame:
    """`csxl.metrics.retention.cohort_retention`'s table (cohorts by months since start) from the SQL's long form."""
    if basis not in ("revenue", "logo"):
        raise ValueError(f"basis must be 'revenue' or 'logo', not {basis!r}")
    long = con.sql(cohort_retention_sql(source=source)).df()
    long["cohort"] = periods(long["cohort"], "month")
    first, last = _span(con, source)
    width = (last - first).n + 1
    table = long.pivot(index="cohort", columns="months_since_start", values=basis)
    table = table.reindex(columns=pd.RangeIndex(width, name="months_since_start"))
    sizes = long.drop_duplicates("cohort").set_index("cohort")
    table.insert(0, "start_mrr", sizes["start_mrr"].astype(float))
    table.insert(0, "customers", sizes["customers"])
    return table


def group_retention(con: duckdb.DuckDBPyConnection, months: int = 12, end_month: object | None = None, *,
                    source: str = "mrr", groups: str = "customer_groups") -> pd.DataFrame:
    """`csxl.metrics.csm.group_retention` of each group of the table `groups` (customer_id, group_name)."""
    return con.sql(group_retention_sql(months, end_month, source=source, groups=groups)).df().set_index("group_name")
