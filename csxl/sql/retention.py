"""Cohort retention as SQL: NRR, GRR and logo churn over any window, cohort tables, group (segment, CSM) retention.

Each query restates a function of `csxl.metrics.retention` or
`csxl.metrics.csm` (the definitions and their sources are there) over the
customer's rows: a customer's MRR at the start of a window and at its end
are two of its customer-month rows, found by a join on m and m + months,
so memory grows with the rows and not with customers x months.
"""

from __future__ import annotations

from csxl.sql.fragments import label, month_number, ratio, rows_cte, spine_cte


def _customer_months(source: str) -> str:
    return f"""{rows_cte(source, products=False)},
bounds AS (
    SELECT MIN(m) AS first_m, MAX(m) AS last_m FROM book_rows
),
customer_months AS (
    SELECT customer_id, m, SUM(mrr) AS mrr FROM book_rows GROUP BY customer_id, m
)"""


def _check_months(months: int) -> None:
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ValueError("months must be a whole number >= 1")


def retention_trend_sql(months: int = 12, *, source: str = "mrr") -> str:
    """Cohort NRR, GRR and logo churn of the `months` months to each month that has that much history before it.

    One row per month from the data's first month + `months` to its last:
    month (label), start_mrr (MRR `months` earlier of the customers paying
    then), end_mrr (what those customers pay now), retained_mrr (each capped
    at its start), customers_start, customers_lost (paying then, not now),
    nrr, grr and logo_churn - `nrr_cohort`, `grr_cohort` and
    `logo_churn_cohort` of that month, and `retention_trend`'s nrr and grr.
    """
    _check_months(months)
    return f"""WITH {_customer_months(source)},
windows AS (
    SELECT s.m + {months} AS m, s.mrr AS start_mrr, COALESCE(e.mrr, 0) AS end_mrr
    FROM customer_months s
    CROSS JOIN bounds
    LEFT JOIN customer_months e ON e.customer_id = s.customer_id AND e.m = s.m + {months}
    WHERE s.mrr > 0 AND s.m + {months} <= bounds.last_m
),
sums AS (
    SELECT m, SUM(start_mrr) AS start_mrr, SUM(end_mrr) AS end_mrr,
        SUM(CASE WHEN end_mrr < start_mrr THEN end_mrr ELSE start_mrr END) AS retained_mrr,
        COUNT(*) AS customers_start, SUM(CASE WHEN end_mrr = 0 THEN 1 ELSE 0 END) AS customers_lost
    FROM windows
    GROUP BY m
),
{spine_cte(f"first_m + {months}", "last_m")}
SELECT {label("month")} AS month, COALESCE(w.start_mrr, 0) AS start_mrr, COALESCE(w.end_mrr, 0) AS end_mrr,
    COALESCE(w.retained_mrr, 0) AS retained_mrr, CAST(COALESCE(w.customers_start, 0) AS BIGINT) AS customers_start,
    CAST(COALESCE(w.customers_lost, 0) AS BIGINT) AS customers_lost,
    {ratio("w.end_mrr", "w.start_mrr")} AS nrr, {ratio("w.retained_mrr", "w.start_mrr")} AS grr,
    {ratio("w.customers_lost", "w.customers_start")} AS logo_churn
FROM spine
LEFT JOIN sums w ON w.m = spine.p
ORDER BY spine.p
"""


def cohort_retention_sql(*, source: str = "mrr") -> str:
    """`cohort_retention` in long form: one row per start cohort and month since its start, up to the data's end.

    Columns: cohort (label of the first month with MRR), customers and
    start_mrr (the cohort's size), months_since_start (0, 1, ...), revenue
    (the cohort's MRR then / its MRR in its first month) and logo (share of
    its customers paying then). Months after the data's end have no row.
    """
    return f"""WITH {_customer_months(source)},
paid AS (
    SELECT customer_id, m, mrr FROM customer_months WHERE mrr > 0
),
firsts AS (
    SELECT customer_id, MIN(m) AS cohort FROM paid GROUP BY customer_id
),
cells AS (
    SELECT f.cohort, p.m - f.cohort AS k, SUM(p.mrr) AS mrr, COUNT(*) AS customers
    FROM paid p
    JOIN firsts f ON f.customer_id = p.customer_id
    GROUP BY f.cohort, p.m - f.cohort
),
sizes AS (
    SELECT cohort, mrr AS start_mrr, customers FROM cells WHERE k = 0
),
{spine_cte("0", "last_m - first_m")}
SELECT {label("month", "z.cohort")} AS cohort, CAST(z.customers AS BIGINT) AS customers, z.start_mrr,
    spine.p AS months_since_start, {ratio("COALESCE(c.mrr, 0)", "z.start_mrr")} AS revenue,
    {ratio("COALESCE(c.customers, 0)", "z.customers")} AS logo
FROM sizes z
CROSS JOIN spine
CROSS JOIN bounds
LEFT JOIN cells c ON c.cohort = z.cohort AND c.k = spine.p
WHERE z.cohort + spine.p <= bounds.last_m
ORDER BY z.cohort, spine.p
"""


def group_retention_sql(months: int = 12, end_month: object | None = None, *, source: str = "mrr",
                        groups: str = "customer_groups") -> str:
    """`csxl.metrics.csm.group_retention` of the window of `months` months to `end_month` (default: the last).

    `groups` is a table of customer_id and group_name (a CSM, a tier, a
    segment: who the account was with at the start of the window); accounts
    with no group or an empty one are left out. One row per group with MRR
    at the start: group_name, start_mrr, end_mrr, nrr, grr, in name order.
    """
    _check_months(months)
    end = "bounds.last_m" if end_month is None else str(month_number(end_month))
    return f"""WITH {_customer_months(source)},
window_end AS (
    SELECT {end} AS end_m FROM bounds
),
starts AS (
    SELECT c.customer_id, c.mrr FROM customer_months c, window_end w WHERE c.m = w.end_m - {months} AND c.mrr > 0
),
ends AS (
    SELECT c.customer_id, c.mrr FROM customer_months c, window_end w WHERE c.m = w.end_m
),
accounts AS (
    SELECT g.group_name, s.mrr AS start_mrr, COALESCE(e.mrr, 0) AS end_mrr
    FROM starts s
    JOIN {groups} g ON g.customer_id = s.customer_id
    LEFT JOIN ends e ON e.customer_id = s.customer_id
    WHERE g.group_name IS NOT NULL AND g.group_name <> ''
)
SELECT group_name, SUM(start_mrr) AS start_mrr, SUM(end_mrr) AS end_mrr,
    {ratio("SUM(end_mrr)", "SUM(start_mrr)")} AS nrr,
    {ratio("SUM(CASE WHEN end_mrr < start_mrr THEN end_mrr ELSE start_mrr END)", "SUM(start_mrr)")} AS grr
FROM accounts
GROUP BY group_name
ORDER BY group_name
"""
