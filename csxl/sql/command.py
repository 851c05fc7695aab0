"""What the `csxl metrics` and `csxl sql` commands do with SQL; cli.py only parses their options.

`csxl metrics` computes the movements with DuckDB over the file. Over a
plain Parquet file whose rows all pass the checks (csxl.sql.plain) the
command is answered by DuckDB alone, without pandas and before the
command-line framework is imported (`direct_records`, called by
csxl.entry): at a million rows importing pandas takes longer than the
movements query. Anything else, bad rows included, takes the full route
(`metrics_table`: csxl.sql.sources, then csxl.cli), which names the problem.
`csxl sql` prints the definition of a table metric for another engine, to
run in a warehouse or to drop into a dbt model (docs/warehouse.md).

Nothing here imports pandas at module level, so that the direct route
never does.
"""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from csxl.data.schema import MRR, table_for
from csxl.errors import CsxlDataError
from csxl.metrics.columns import MOVEMENT_COLUMNS
from csxl.sql.dialects import transpile
from csxl.sql.movements import movements_sql
from csxl.sql.retention import cohort_retention_sql, group_retention_sql, retention_trend_sql

if TYPE_CHECKING:
    import pandas as pd

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
    from csxl.sql.engine import movements
    from csxl.sql.sources import open_book

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


# the columns of the movements table that are counts, and those that are ratios (None where undefined)
COUNTS = ("customers_start", "new_customers", "reactivated_customers", "churned_customers", "customers_end")
RATES = ("nrr", "grr", "logo_churn", "quick_ratio")


def direct_records(path: Path, period: str) -> list[dict] | None:
    """The rows `csxl metrics PATH --period PERIOD --format csv|json` prints, computed by DuckDB alone, or None
    when the full route must answer: DuckDB missing, not a plain Parquet MRR file, a row failing a check, rows
    that may repeat a key, a file DuckDB cannot read.

    Two queries, both over the file as it stands: `csxl.sql.plain.clean`, then the movements, whose monthly
    form tells from its own aggregation whether any rows may repeat a key; only where some may (three
    products or more in a customer-month) are the keys counted, and the movements computed again, as
    `metrics_table` does. Amounts come back as DOUBLE, as the full route's DataFrame holds them.
    """
    path = Path(path)
    if (importlib.util.find_spec("duckdb") is None or path.suffix.lower() != ".parquet"
            or table_for(path.stem) not in (None, MRR) or not path.is_file()):
        return None
    import duckdb

    from csxl.sql.connection import connect
    from csxl.sql.plain import clean, column_types, is_plain, product, quoted, unique_keys

    def movement_records(repeats: bool) -> list[dict]:
        # the columns of csxl.sql.sources' view, but for the product: read only to find rows that may repeat a key,
        # which its 64-bit hash tells as well (a collision only makes the keys counted) for less than its text
        products = f"hash({product(types)})" if repeats else "''"
        source = (f"(SELECT CAST(customer_id AS VARCHAR) AS customer_id, {products} AS product, month, "
                  f"CAST(mrr AS DOUBLE) AS mrr, FALSE AS price_adjustment FROM read_parquet({quoted(path)}))")
        query = movements_sql(period, split=False, source=source, repeats=repeats)
        columns = [name if name == "period" or name in COUNTS or name in RATES else f"CAST({name} AS DOUBLE) AS {name}"
                   for name in MOVEMENT_COLUMNS] + (["repeated_keys"] if repeats else [])
        result = con.sql(f"SELECT {', '.join(columns)} FROM ({query}) ORDER BY period")
        return [dict(zip(result.columns, row)) for row in result.fetchall()]

    monthly = period == "month"
    con = connect()
    try:
        types = column_types(con, path)
        if not is_plain(types) or not clean(con, path, types, repeats=not monthly):
            return None
        records = movement_records(repeats=monthly)
        if monthly and sum(record.pop("repeated_keys") for record in records):
            if not unique_keys(con, path, types):
                return None
            records = movement_records(repeats=False)
        return records
    except (duckdb.Error, OSError):  # the full route reads the file again and says what is wrong
        return None
    finally:
        con.close()


def write_records(records: list[dict], format: str, out: TextIO) -> None:
    """The movements table's rows as `format` (csv or json) to `out`: what both routes of `csxl metrics` print.

    CSV as pandas writes a frame of these rows: a header, numbers as Python writes them, nothing for None.
    """
    if format == "json":
        json.dump(records, out, indent=1)
        out.write("\n")
        return
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(records[0] if records else MOVEMENT_COLUMNS)
    writer.writerows(record.values() for record in records)


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
