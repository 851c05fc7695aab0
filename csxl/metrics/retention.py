"""Retention over windows longer than a month: cohort NRR and GRR, and cohort tables.

The cohort form answers "of the MRR we had N months ago, how much do those
same customers pay now?". New customers since the start of the window are
out; customers who left and came back are in, with what they pay now.
GRR caps each customer's end MRR at its start MRR, so it never exceeds 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from csxl.metrics.movements import MrrGrid, mrr_grid
from csxl.metrics.rates import ratio


def _window(grid: MrrGrid, end_month: object | None, months: int) -> tuple[np.ndarray, np.ndarray]:
    if months < 1:
        raise ValueError("months must be a whole number >= 1")
    end = len(grid.months) - 1 if end_month is None else grid.month_index(end_month)
    if end < 0 or end >= len(grid.months):
        raise ValueError(f"end_month {end_month} is outside the data ({grid.months[0]} to {grid.months[-1]})")
    begin = end - months
    start = grid.values[:, begin] if begin >= 0 else np.zeros(len(grid.customers))
    return start, grid.values[:, end]


def nrr_cohort(mrr: pd.DataFrame, end_month: object | None = None, months: int = 12) -> float:
    """Cohort NRR: MRR at `end_month` of the customers who had MRR `months` earlier / their MRR then.

    Default: the trailing 12 months ending at the last month of the data
    (annual NRR). NaN when nobody had MRR at the start of the window.
    Source: SaaS Capital, "2023 B2B SaaS Retention Benchmarks" (method).
    """
    start, end = _window(mrr_grid(mrr), end_month, months)
    return ratio(end[start > 0].sum(), start.sum())


def grr_cohort(mrr: pd.DataFrame, end_month: object | None = None, months: int = 12) -> float:
    """Cohort GRR: as `nrr_cohort`, each customer's end MRR capped at its start MRR."""
    start, end = _window(mrr_grid(mrr), end_month, months)
    return ratio(np.minimum(start, end).sum(), start.sum())


def retention_trend(mrr: pd.DataFrame, months: int = 12) -> pd.DataFrame:
    """Cohort NRR and GRR for every month that has `months` of history before it.

    Columns: month (Period), nrr, grr. Used for trend charts.
    """
    grid = mrr_grid(mrr)
    start, end = grid.values[:, :-months], grid.values[:, months:]
    base = start.sum(axis=0)
    return pd.DataFrame({
        "month": grid.months[months:],
        "nrr": ratio((end * (start > 0)).sum(axis=0), base),
        "grr": ratio(np.minimum(start, end).sum(axis=0), base),
    })


def cohort_retention(mrr: pd.DataFrame, basis: str = "revenue") -> pd.DataFrame:
    """Retention by start cohort: rows are first months with MRR, columns months since (0, 1, ...).

    revenue: the cohort's MRR in month k / its MRR in its first month
    (above 1 when expansion outweighs churn). logo: share of the cohort's
    customers with MRR in month k. Cells not yet observed are NaN. The
    `customers` and `start_mrr` columns hold each cohort's size.
    """
    if basis not in ("revenue", "logo"):
        raise ValueError(f"basis must be 'revenue' or 'logo', not {basis!r}")
    grid = mrr_grid(mrr)
    paying = grid.values > 0
    values, paying = grid.values[paying.any(axis=1)], paying[paying.any(axis=1)]
    n_months = values.shape[1]
    first = paying.argmax(axis=1)
    offsets = first[:, None] + np.arange(n_months)
    seen = offsets < n_months
    aligned = np.where(seen, values[np.arange(len(values))[:, None], np.minimum(offsets, n_months - 1)], 0.0)
    measure = aligned if basis == "revenue" else (aligned > 0).astype(float)
    cohort = pd.Index(grid.months[first], name="cohort")
    sums = pd.DataFrame(measure).groupby(cohort).sum()
    table = sums.div(sums[0], axis=0).where(pd.DataFrame(seen).groupby(cohort).any())
    table.columns = pd.RangeIndex(n_months, name="months_since_start")
    table.insert(0, "start_mrr", pd.Series(aligned[:, 0]).groupby(cohort).sum())
    table.insert(0, "customers", pd.Series(first).groupby(cohort).size())
    return table


def logo_churn_cohort(mrr: pd.DataFrame, end_month: object | None = None, months: int = 12) -> float:
    """Customers paying `months` earlier who pay nothing at `end_month` / customers paying then.

    The window form of logo churn (trailing 12 months by default); customers
    who joined inside the window are in neither count.
    """
    start, end = _window(mrr_grid(mrr), end_month, months)
    return ratio(((start > 0) & (end == 0)).sum(), (start > 0).sum())
