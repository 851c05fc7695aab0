"""Pieces of SQL every table metric shares: the canonical rows with integer months, a spine, labels, ratios.

Months are integers (year x 12 + month - 1) everywhere: "the month before"
is m - 1 and "12 months later" is m + 12 on every engine, with no date
arithmetic, whose spelling differs from one engine to the next.
"""

from __future__ import annotations

_DIGITS = " UNION ALL ".join(f"SELECT {d} AS d" for d in range(10))


def rows_cte(source: str, *, products: bool = True) -> str:
    """The canonical MRR rows of `source` with integer months (m) and exact amounts, as the CTE book_rows.

    Without `products` only customer_id, month and mrr are read: what the cohort metrics need of a table.
    The month is cast to DATE first, whatever its type: DuckDB 2.0 computed wrong months from a Parquet
    file's TIMESTAMP_NS column in this query (every start MRR 0), and a DATE is what every engine reads alike.
    """
    return f"""book_rows AS (
    SELECT customer_id, {"product, price_adjustment, " if products else ""}CAST(mrr AS DECIMAL(18, 6)) AS mrr,
        CAST(EXTRACT(YEAR FROM CAST(month AS DATE)) AS INTEGER) * 12
        + CAST(EXTRACT(MONTH FROM CAST(month AS DATE)) AS INTEGER) - 1 AS m
    FROM {source}
)"""


def spine_cte(first: str, last: str, bounds: str = "bounds") -> str:
    """The integers p from `first` to `last` (up to 10,000 of them) of the one-row table `bounds`, as the CTE spine.

    Built from digits, not generate_series or arrays, which do not carry to every engine.
    """
    return f"""digits AS ({_DIGITS}),
spine AS (
    SELECT {first} + a.d + 10 * b.d + 100 * c.d + 1000 * e.d AS p
    FROM {bounds}, digits a, digits b, digits c, digits e
    WHERE {first} + a.d + 10 * b.d + 100 * c.d + 1000 * e.d <= {last}
)"""


def label(period: str, p: str = "spine.p") -> str:
    """The label of period number `p` as `period_label` writes it: '2026-03', '2026-Q1', '2026'."""
    if period == "month":
        return f"CAST({p} // 12 AS VARCHAR) || '-' || LPAD(CAST({p} % 12 + 1 AS VARCHAR), 2, '0')"
    if period == "quarter":
        return f"CAST({p} // 4 AS VARCHAR) || '-Q' || CAST({p} % 4 + 1 AS VARCHAR)"
    return f"CAST({p} AS VARCHAR)"


def ratio(numerator: str, denominator: str) -> str:
    """numerator / denominator in DOUBLE, NULL where the denominator is 0 (integer division never happens)."""
    return f"CAST({numerator} AS DOUBLE) / NULLIF(CAST({denominator} AS DOUBLE), 0)"


def month_number(month: object) -> int:
    """A month ('2026-03', a Timestamp or a Period) as the integer the SQL counts months in."""
    import pandas as pd  # here: the movements' SQL is built without pandas (csxl.sql.command's direct route)

    period = pd.Period(month, freq="M")  # type: ignore[arg-type]  # anything pandas reads as a month
    return period.year * 12 + period.month - 1
