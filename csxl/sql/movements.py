"""MRR movements by month, quarter or year as one SQL query over the customer's rows.

The query restates `csxl.metrics.movements.mrr_movements` (the definitions
are there and in docs/metrics.md) as a sparse plan whose memory grows with
the rows, not with customers x months as a dense grid does:

- months become integers (year x 12 + month - 1), so "the period before" is
  p - 1 on every engine, and a period is the month // 1, 3 or 12;
- each customer's MRR at the end of each period it paid in (the last month of
  the period, or the last month of the data when it ends inside the period)
  is one row; LAG over the customer's rows gives its MRR at the end of the
  period before when that row is p - 1, else 0;
- a customer paying at the end of a period and absent from the next one gets
  one churn event in that next period (when the data goes on);
- "paid before" (reactivation, not new) is any earlier row of the customer;
- the periods from the data's first to its last come from a spine of digits,
  so a period nobody paid in still appears.

Amounts are summed as DECIMAL(18, 6) - exact, where float sums drift past a
few million rows - and rates are computed in DOUBLE. The split of expansion
into upsell, cross-sell and price adjustment takes the same steps per
(customer, product) pair and scales each customer's gross product increases
to its expansion, as the numpy engine does.

The text is written once in DuckDB's dialect with only what sqlglot carries
to every engine csxl ships for: no named windows (Snowflake has none), no
arrays or generate_series, integer division as `//`.
"""

from __future__ import annotations

from csxl.metrics.columns import MOVEMENT_COLUMNS, PERIODS, SPLIT_COLUMNS
from csxl.sql.fragments import label, ratio, rows_cte, spine_cte

# months in a period
_LENGTH = {"month": 1, "quarter": 3, "year": 12}


def _period_of(length: int) -> str:
    return "m" if length == 1 else f"m // {length}"


def _at_period_end(length: int) -> str:
    """A row's MRR when its month ends its period (or the data), else 0."""
    if length == 1:
        return "mrr"
    return f"CASE WHEN m = LEAST(m // {length} * {length} + {length - 1}, last_m) THEN mrr ELSE 0 END"


def _split_ctes(length: int) -> str:
    at_end = _at_period_end(length)
    pair = "PARTITION BY customer_id, product ORDER BY p"
    return f""",
pair_periods AS (
    SELECT customer_id, product, {_period_of(length)} AS p, SUM({at_end}) AS pair_end,
        MAX(CASE WHEN price_adjustment THEN 1 ELSE 0 END) AS flagged
    FROM book_rows, bounds
    GROUP BY customer_id, product, {_period_of(length)}
),
pair_steps AS (
    SELECT customer_id, p, pair_end, flagged,
        CASE WHEN LAG(p) OVER ({pair}) = p - 1 THEN LAG(pair_end) OVER ({pair}) ELSE 0 END AS pair_start
    FROM pair_periods
),
gains AS (
    SELECT customer_id, p,
        SUM(CASE WHEN pair_start > 0 AND flagged = 0 THEN pair_end - pair_start ELSE 0 END) AS upsell,
        SUM(CASE WHEN pair_start = 0 THEN pair_end ELSE 0 END) AS cross_sell,
        SUM(CASE WHEN pair_start > 0 AND flagged = 1 THEN pair_end - pair_start ELSE 0 END) AS price_adjustment
    FROM pair_steps
    WHERE pair_end > pair_start
    GROUP BY customer_id, p
),
split AS (
    SELECT g.p, {", ".join(
        f"SUM(ROUND(CAST(CAST(g.{kind} AS DOUBLE) * (CAST(ev.e - ev.s AS DOUBLE) / CAST(g.upsell + g.cross_sell"
        f" + g.price_adjustment AS DOUBLE)) AS DECIMAL(38, 9)), 6)) AS {kind}" for kind in SPLIT_COLUMNS)}
    FROM events ev
    JOIN gains g ON g.customer_id = ev.customer_id AND g.p = ev.p
    WHERE ev.s > 0 AND ev.e > ev.s
    GROUP BY g.p
)"""


def _customer_periods(length: int, repeats: bool) -> str:
    """Each customer's MRR at the end of each period it paid in; with `repeats`, also whether the month may hold
    two rows of one product (see `movements_sql`)."""
    if not repeats:
        return f"""SELECT customer_id, {_period_of(length)} AS p, SUM({_at_period_end(length)}) AS e
    FROM book_rows, bounds
    WHERE mrr > 0
    GROUP BY customer_id, {_period_of(length)}"""
    suspect = "COUNT(*) > 1 AND (COUNT(*) > 2 OR MIN(product) = MAX(product))"
    return f"""SELECT customer_id, m AS p, SUM(mrr) AS e, {suspect} AS repeated
    FROM book_rows
    GROUP BY customer_id, m
    HAVING SUM(mrr) > 0 OR ({suspect})"""


def movements_sql(period: str = "month", *, split: bool = True, source: str = "mrr", repeats: bool = False) -> str:
    """The MRR movements of the book in `source` by `period`, one row per period, in DuckDB's dialect.

    `source` is a table, view or parenthesised query with the canonical MRR
    columns of docs/data.md: customer_id, product ('' when none), month (a
    DATE in the month), mrr (>= 0) and price_adjustment (BOOLEAN). The columns
    are `csxl.metrics.movements.MOVEMENT_COLUMNS` - period as its label - and,
    when `split`, SPLIT_COLUMNS.

    `repeats` (monthly periods only) adds a last column, repeated_keys: the
    customer-months whose rows may repeat a product (two rows of one product,
    or three rows or more), found in the aggregation the query makes anyway,
    where a separate check would read and group the rows once more. Where it
    is not 0 the book may break the one-row-per-key rule: check the rows, and
    compute the movements without `repeats` if they keep it.
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    if repeats and period != "month":
        raise ValueError("repeats is counted for monthly periods only")
    length = _LENGTH[period]
    customer = "PARTITION BY customer_id ORDER BY p"
    amounts = {
        "start_mrr": "s",
        "new": "CASE WHEN s = 0 AND e > 0 AND NOT had_before THEN e ELSE 0 END",
        "reactivation": "CASE WHEN s = 0 AND e > 0 AND had_before THEN e ELSE 0 END",
        "expansion": "CASE WHEN s > 0 AND e > s THEN e - s ELSE 0 END",
        "contraction": "CASE WHEN s > 0 AND e > 0 AND e < s THEN s - e ELSE 0 END",
        "churn": "CASE WHEN s > 0 AND e = 0 THEN s ELSE 0 END",
        "end_mrr": "e",
    }
    counts = {
        "customers_start": "s > 0",
        "new_customers": "s = 0 AND e > 0 AND NOT had_before",
        "reactivated_customers": "s = 0 AND e > 0 AND had_before",
        "churned_customers": "s > 0 AND e = 0",
        "customers_end": "e > 0",
    }
    if repeats:
        counts["repeated_keys"] = "repeated"
    sums = ",\n        ".join([f"SUM({expr}) AS {name}" for name, expr in amounts.items()]
                           + [f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) AS {name}" for name, cond in counts.items()])
    rates = {
        "nrr": ratio("b.start_mrr + b.expansion - b.contraction - b.churn", "b.start_mrr"),
        "grr": ratio("b.start_mrr - b.contraction - b.churn", "b.start_mrr"),
        "logo_churn": ratio("b.churned_customers", "b.customers_start"),
        "quick_ratio": ratio("b.new + b.expansion + b.reactivation", "b.contraction + b.churn"),
    }
    columns = []
    for name in MOVEMENT_COLUMNS + (SPLIT_COLUMNS if split else []) + (["repeated_keys"] if repeats else []):
        if name == "period":
            columns.append(f"{label(period)} AS period")
        elif name in rates:
            columns.append(f"{rates[name]} AS {name}")
        elif name in counts:
            columns.append(f"CAST(COALESCE(b.{name}, 0) AS BIGINT) AS {name}")
        else:
            table = "x" if name in SPLIT_COLUMNS else "b"
            columns.append(f"COALESCE({table}.{name}, 0) AS {name}")
    return f"""WITH {rows_cte(source)},
bounds AS (
    SELECT MIN(m) AS first_m, MAX(m) AS last_m,
        MIN({_period_of(length)}) AS first_p, MAX({_period_of(length)}) AS last_p
    FROM book_rows
),
customer_periods AS (
    {_customer_periods(length, repeats)}
),
steps AS (
    SELECT customer_id, p, e{", repeated" if repeats else ""},
        LAG(p) OVER ({customer}) AS prev_p, LAG(e) OVER ({customer}) AS prev_e, LEAD(p) OVER ({customer}) AS next_p
    FROM customer_periods
),
events AS (
    SELECT customer_id, p, CASE WHEN prev_p = p - 1 THEN prev_e ELSE 0 END AS s, e, prev_p IS NOT NULL AS had_before
        {", repeated" if repeats else ""}
    FROM steps
    UNION ALL
    SELECT customer_id, p + 1 AS p, e AS s, 0 AS e, TRUE AS had_before{", FALSE AS repeated" if repeats else ""}
    FROM steps, bounds
    WHERE e > 0 AND (next_p IS NULL OR next_p > p + 1) AND p < last_p
),
bridge AS (
    SELECT p,
        {sums}
    FROM events
    GROUP BY p
){_split_ctes(length) if split else ""},
{spine_cte("first_p", "last_p")}
SELECT {", ".join(columns)}
FROM spine
LEFT JOIN bridge b ON b.p = spine.p{" LEFT JOIN split x ON x.p = spine.p" if split else ""}
ORDER BY spine.p
"""
