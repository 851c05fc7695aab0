"""Forward views: MRR projection by scenario, renewal forecast, cohort survival, NRR sensitivity.

Every step is a plain recurrence that a spreadsheet row repeats, because the
forecast workbook restates it cell by cell and a parity test compares the two:

    new_m         = new MRR per month x new multiplier
    expansion_m   = start_m x expansion rate x expansion multiplier
    contraction_m = start_m x contraction rate x contraction multiplier
    churn_m       = start_m x churn rate x churn multiplier
    end_m         = start_m + new_m + expansion_m - contraction_m - churn_m;  start_{m+1} = end_m
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from csxl.metrics.movements import mrr_grid, mrr_movements
from csxl.metrics.rates import ratio

MULTIPLIERS = ("new", "expansion", "contraction", "churn")
SCENARIOS: dict[str, dict[str, float]] = {
    "base": {"new": 1.0, "expansion": 1.0, "contraction": 1.0, "churn": 1.0},
    "upside": {"new": 1.2, "expansion": 1.2, "contraction": 0.8, "churn": 0.8},
    "downside": {"new": 0.8, "expansion": 0.8, "contraction": 1.2, "churn": 1.2},
}
RENEWAL_PROBABILITIES = {"Green": 0.95, "Yellow": 0.75, "Red": 0.45, "Freeze": 0.15, "Activation": 0.75}


@dataclass(frozen=True)
class ForecastRates:
    """Monthly drivers of the projection, measured on the trailing months of the data."""

    new_mrr: float  # new + reactivated MRR per month
    expansion: float  # fractions of the month's start MRR
    contraction: float
    churn: float
    start_mrr: float  # MRR at the as-of month
    months: int
    as_of: pd.Period


def trailing_rates(mrr: pd.DataFrame, months: int = 6, as_of: object | None = None) -> ForecastRates:
    """The trailing `months` months' average drivers, up to and including `as_of` (default: last month).

    Rates are pooled: the sum of a movement over the months / the sum of their
    start MRR, so a small early month does not weigh as much as a large late
    one (a mean of monthly ratios would).
    """
    table = mrr_movements(mrr)
    end = len(table) - 1 if as_of is None else int(np.flatnonzero(table["period"] == pd.Period(as_of, "M"))[0])
    window = table.iloc[max(end - months + 1, 1): end + 1]
    if window.empty:
        raise ValueError("the data needs at least two months to measure trailing rates")
    start = window["start_mrr"].sum()
    return ForecastRates(
        new_mrr=float((window["new"] + window["reactivation"]).mean()),
        expansion=float(ratio(window["expansion"].sum(), start)),
        contraction=float(ratio(window["contraction"].sum(), start)),
        churn=float(ratio(window["churn"].sum(), start)),
        start_mrr=float(table["end_mrr"].iloc[end]),
        months=len(window),
        as_of=table["period"].iloc[end],
    )


def project_mrr(rates: ForecastRates, horizon: int = 12, scenario: str = "base",
                multipliers: dict[str, dict[str, float]] = SCENARIOS) -> pd.DataFrame:
    """The monthly MRR bridge for `horizon` months after the as-of month, under one scenario."""
    if scenario not in multipliers:
        raise ValueError(f"scenario must be one of {', '.join(multipliers)}")
    if horizon < 1:
        raise ValueError("horizon must be a whole number >= 1")
    m = multipliers[scenario]
    rows, start = [], rates.start_mrr
    for step in range(1, horizon + 1):  # a recurrence over months, as the workbook row runs
        new = rates.new_mrr * m["new"]
        expansion = start * rates.expansion * m["expansion"]
        contraction = start * rates.contraction * m["contraction"]
        churn = start * rates.churn * m["churn"]
        end = start + new + expansion - contraction - churn
        rows.append((rates.as_of + step, start, new, expansion, contraction, churn, end))
        start = end
    table = pd.DataFrame(rows, columns=["month", "start_mrr", "new", "expansion", "contraction", "churn", "end_mrr"])
    table["arr"] = 12 * table["end_mrr"]
    return table


def implied_nrr(rates: ForecastRates, scenario: str = "base", multipliers=SCENARIOS) -> float:
    """Annual NRR of the existing base under a scenario: (1 + expansion - contraction - churn)^12."""
    m = multipliers[scenario]
    monthly = rates.expansion * m["expansion"] - rates.contraction * m["contraction"] - rates.churn * m["churn"]
    return float((1 + monthly) ** 12)


def project_all_scenarios(rates: ForecastRates, horizon: int = 12, multipliers=SCENARIOS) -> pd.DataFrame:
    """End MRR per month, one column per scenario, side by side."""
    return pd.DataFrame({name: project_mrr(rates, horizon, name, multipliers)["end_mrr"].to_numpy()
                         for name in multipliers},
                        index=pd.Index(project_mrr(rates, horizon)["month"], name="month"))


def _add_months(dates: pd.Series, months: np.ndarray) -> pd.Series:
    """Same day `months` months later, clamped to the end of shorter months (Jan 31 + 1 = Feb 28)."""
    month = dates.to_numpy().astype("datetime64[M]") + months.astype("timedelta64[M]")
    last_day = (month + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    day = month.astype("datetime64[D]") + (dates.dt.day.to_numpy() - 1).astype("timedelta64[D]")
    return pd.Series(np.minimum(day, last_day).astype("datetime64[ns]"), index=dates.index)


def next_renewal(renewal_date: pd.Series, term_months: pd.Series, after: pd.Timestamp) -> pd.Series:
    """Renewal dates rolled forward by whole contract terms (default 12 months) until they fall after `after`."""
    term = term_months.fillna(12).clip(lower=1).astype(int).to_numpy()
    behind = ((after.year - renewal_date.dt.year) * 12 + (after.month - renewal_date.dt.month)).to_numpy()
    terms = np.where(renewal_date <= after, np.maximum(behind // term, 0), 0)
    rolled = _add_months(renewal_date, terms * term)
    return rolled.where(rolled > after, _add_months(renewal_date, (terms + 1) * term))


def renewal_forecast(customers: pd.DataFrame, mrr_now: pd.Series, flags: pd.Series, as_of: object,
                     horizon: int = 12, probabilities: dict[str, float] = RENEWAL_PROBABILITIES) -> pd.DataFrame:
    """Contracts renewing in the `horizon` months after the as-of month, with ARR, flag, probability, weighted ARR.

    Customers with no MRR now are out. A renewal date already past is rolled
    forward by the contract term (default 12 months) to the next one.
    """
    month_end = pd.Period(as_of, "M").to_timestamp(how="end").normalize()
    limit = (pd.Period(as_of, "M") + horizon).to_timestamp(how="end").normalize()
    book = customers.set_index("customer_id")
    paying = mrr_now[mrr_now > 0]
    book = book.reindex(paying.index)
    book = book[book["renewal_date"].notna()]
    term = book["contract_term_months"] if "contract_term_months" in book else pd.Series(12.0, index=book.index)
    dates = next_renewal(book["renewal_date"], term, month_end)
    table = pd.DataFrame({"renewal_date": dates, "arr": 12 * paying.reindex(book.index),
                          "flag": flags.reindex(book.index).fillna("")})
    table = table[(table["renewal_date"] > month_end) & (table["renewal_date"] <= limit)]
    table["probability"] = table["flag"].map(probabilities).fillna(0.0)
    table["weighted_arr"] = table["arr"] * table["probability"]
    return table.sort_values(["renewal_date", "arr"], ascending=[True, False]).rename_axis("customer_id").reset_index()


def renewal_totals(renewals: pd.DataFrame) -> pd.DataFrame:
    """By renewal month: commit (Green ARR), weighted and best-case ARR."""
    month = renewals["renewal_date"].dt.to_period("M")
    green = renewals["arr"].where(renewals["flag"] == "Green", 0.0)
    return pd.DataFrame({"commit": green.groupby(month).sum(), "weighted": renewals["weighted_arr"].groupby(month).sum(),
                         "best_case": renewals["arr"].groupby(month).sum()})


def cohort_survivors(mrr: pd.DataFrame) -> pd.DataFrame:
    """Per start cohort, the customers still paying without a break k months after their first month.

    A customer who stops and comes back has churned for the survival curve
    (the sBG model has no return). Columns 0, 1, ...; NaN once unobserved.
    """
    grid = mrr_grid(mrr)
    paying = grid.values > 0
    paying = paying[paying.any(axis=1)]
    n_months = paying.shape[1]
    first = paying.argmax(axis=1)
    offsets = first[:, None] + np.arange(n_months)
    seen = offsets < n_months
    aligned = np.where(seen, paying[np.arange(len(paying))[:, None], np.minimum(offsets, n_months - 1)], False)
    unbroken = np.logical_and.accumulate(aligned, axis=1)
    cohort = pd.Index(grid.months[first], name="cohort")
    counts = pd.DataFrame(unbroken.astype(float)).groupby(cohort).sum()
    return counts.where(pd.DataFrame(seen).groupby(cohort).any())


def nrr_sensitivity(arr: float, nrr: float, years: int = 5, points: range = range(-5, 6)) -> pd.DataFrame:
    """ARR of today's base after 1..years years compounding at NRR + k points (k in `points`, 1 point = 0.01)."""
    if arr < 0 or not np.isfinite(nrr) or nrr <= 0:
        raise ValueError("arr must be >= 0 and nrr a fraction > 0")
    ks = list(points)
    return pd.DataFrame({y: [arr * (nrr + k / 100) ** y for k in ks] for y in range(1, years + 1)},
                        index=pd.Index(ks, name="points"))
