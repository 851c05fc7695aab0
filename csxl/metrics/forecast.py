"""Forward views: trailing drivers, MRR projection by scenario, renewal forecast, cohort survival, NRR sensitivity.

Every step is a plain recurrence or a sum that a spreadsheet row repeats,
because the forecast workbook restates each one cell by cell and a parity test
compares the two. docs/metrics.md ("Forecasting") has the formulas and sources.

    trailing_rates       pooled rates of the last 6 months of the MRR bridge
    project_mrr          end_m = start_m + new + start_m x (e - c - ch), each scaled by its scenario multiplier
    implied_nrr          (1 + e - c - ch)^12
    renewal_forecast     contracts renewing in the horizon, ARR x probability of the health flag
    renewals_in_horizon  every renewal of every contract inside the horizon, weighted ARR x probability^n
    renewal_totals       commit (Green ARR), weighted, best case by renewal month
    reconcile            renewal losses beside the projection's churn; NRR compounding beside the projection
    fiscal_rollup        revenue (sum of MRR), exit ARR, renewals and plan by fiscal quarter or year
    cohort_survivors     the survivor counts the sBG fit (csxl.metrics.sbg) takes
    nrr_sensitivity      ARR x (NRR + k points)^years; nrr_point_value: what +1 point is worth
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from numbers import Integral

import numpy as np
import pandas as pd

from csxl.metrics.movements import mrr_grid, mrr_movements
from csxl.metrics.rates import ratio

MULTIPLIERS = ("new", "expansion", "contraction", "churn")
# Scenario multipliers, inputs of the workbook: upside and downside move every
# driver 20% in their direction (a planning convention, not a published rate).
SCENARIOS: dict[str, dict[str, float]] = {
    "base": {"new": 1.0, "expansion": 1.0, "contraction": 1.0, "churn": 1.0},
    "upside": {"new": 1.2, "expansion": 1.2, "contraction": 0.8, "churn": 0.8},
    "downside": {"new": 0.8, "expansion": 0.8, "contraction": 1.2, "churn": 1.2},
}
# Renewal probability by health flag (csxl's defaults, inputs of the workbook);
# a customer with no flag, or a flag not listed, gets 0.
RENEWAL_PROBABILITIES = {"Green": 0.95, "Yellow": 0.75, "Red": 0.45, "Freeze": 0.15, "Activation": 0.75}
COMMIT_FLAG = "Green"  # commit: the ARR of the contracts under this flag, at face value (an input of the workbook)
ONE_POINT = 0.01  # one point of NRR
TRAILING_MONTHS = 6  # the default window of the drivers (an input of the workbook)


@dataclass(frozen=True)
class ForecastRates:
    """Monthly drivers of the projection, measured on the trailing months of the data (`trailing_rates`)."""

    new_mrr: float  # new + reactivated MRR per month, in the data's currency
    expansion: float  # monthly rates: fractions of the month's start MRR
    contraction: float
    churn: float
    start_mrr: float  # MRR at the end of the as-of month: where the projection starts
    months: int  # months in the window (fewer than asked when the data is short)
    as_of: pd.Period


def trailing_rates(mrr: pd.DataFrame, months: int = TRAILING_MONTHS, as_of: object | None = None) -> ForecastRates:
    """The drivers of the trailing `months` months up to and including `as_of` (default: the last month).

    From the monthly bridge of `mrr_movements`, over the window W:

        new_mrr     = sum_W (new + reactivation) / |W|       (average amount per month)
        expansion   = sum_W expansion   / sum_W start_mrr
        contraction = sum_W contraction / sum_W start_mrr
        churn       = sum_W churn       / sum_W start_mrr
        start_mrr   = end_mrr of the as-of month

    The rates are pooled ratios, not means of the monthly ratios: the pooled
    rate is the one that, applied to each month's start MRR, reproduces the
    window's total movement, so a month weighs in proportion to its MRR (a
    mean of ratios lets a small early month count as much as a large late one,
    and is undefined when a month starts at 0). In a spreadsheet:
    SUM(expansion range) / SUM(start range). The first month of the data (all
    of its MRR is new, start 0) is never in the window.

    >>> rows = pd.DataFrame({"customer_id": ["a", "a", "a"], "mrr": [100.0, 110.0, 99.0],
    ...                      "month": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"])})
    >>> r = trailing_rates(rows, months=2)  # expansion 10 / (100 + 110); contraction 11 / (100 + 110)
    >>> round(r.expansion, 4), round(r.contraction, 4), r.start_mrr
    (0.0476, 0.0524, 99.0)
    """
    if isinstance(months, bool) or not isinstance(months, Integral) or months < 1:
        raise ValueError("months must be a whole number >= 1")
    table = mrr_movements(mrr)
    if as_of is None:
        end = len(table) - 1
    else:
        found = np.flatnonzero(table["period"] == pd.Period(as_of, "M"))
        if not len(found):
            raise ValueError(f"as_of {pd.Period(as_of, 'M')} is outside the data "
                             f"({table['period'].iloc[0]} to {table['period'].iloc[-1]})")
        end = int(found[0])
    window = table.iloc[max(end - months + 1, 1): end + 1]
    if window.empty:
        raise ValueError("trailing rates need at least one month of data before as_of")
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


def _multipliers(scenario: str, multipliers: dict[str, dict[str, float]]) -> dict[str, float]:
    if scenario not in multipliers:
        raise ValueError(f"scenario must be one of {', '.join(multipliers)}, not {scenario!r}")
    missing = [m for m in MULTIPLIERS if m not in multipliers[scenario]]
    if missing:
        raise ValueError(f"multipliers of {scenario} miss {', '.join(missing)}")
    return multipliers[scenario]


def project_mrr(rates: ForecastRates, horizon: int = 12, scenario: str = "base",
                multipliers: dict[str, dict[str, float]] = SCENARIOS) -> pd.DataFrame:
    """The monthly MRR bridge for the `horizon` months after the as-of month, under one scenario.

    Month m (1..horizon), with the scenario's multipliers k:

        start_1       = rates.start_mrr;  start_m = end_{m-1}
        new           = rates.new_mrr x k_new
        expansion     = start_m x rates.expansion x k_expansion
        contraction   = start_m x rates.contraction x k_contraction
        churn         = start_m x rates.churn x k_churn
        end_m         = start_m + new + expansion - contraction - churn
        arr           = 12 x end_m

    Columns: month (Period), start_mrr, new, expansion, contraction, churn,
    end_mrr, arr. Each column is one formula a spreadsheet row repeats; the
    months run in sequence because each starts where the last ended.

    >>> rates = ForecastRates(5_000, 0.02, 0.01, 0.02, 100_000, 6, pd.Period("2026-09", "M"))
    >>> project_mrr(rates, 1)["end_mrr"].item()  # 100,000 + 5,000 + 2,000 - 1,000 - 2,000
    104000.0
    """
    if isinstance(horizon, bool) or not isinstance(horizon, Integral) or horizon < 1:
        raise ValueError("horizon must be a whole number >= 1")
    k = _multipliers(scenario, multipliers)
    rows, start = [], rates.start_mrr
    for step in range(1, horizon + 1):  # the recurrence along the months, as the workbook row runs
        new = rates.new_mrr * k["new"]
        expansion = start * rates.expansion * k["expansion"]
        contraction = start * rates.contraction * k["contraction"]
        churn = start * rates.churn * k["churn"]
        end = start + new + expansion - contraction - churn
        rows.append((rates.as_of + step, start, new, expansion, contraction, churn, end))
        start = end
    table = pd.DataFrame(rows, columns=["month", "start_mrr", "new", "expansion", "contraction", "churn", "end_mrr"])
    table["arr"] = 12 * table["end_mrr"]
    return table


def implied_nrr(rates: ForecastRates, scenario: str = "base",
                multipliers: dict[str, dict[str, float]] = SCENARIOS) -> float:
    """Annual NRR of today's base under a scenario: (1 + e x k_e - c x k_c - ch x k_ch)^12.

    The existing base alone (no new MRR) compounds by 1 + e - c - ch a month,
    so after 12 months it is that factor to the 12th power of its start.

    >>> rates = ForecastRates(5_000, 0.02, 0.01, 0.02, 100_000, 6, pd.Period("2026-09", "M"))
    >>> round(implied_nrr(rates), 4)  # 0.99^12
    0.8864
    """
    k = _multipliers(scenario, multipliers)
    monthly = rates.expansion * k["expansion"] - rates.contraction * k["contraction"] - rates.churn * k["churn"]
    return float((1 + monthly) ** 12)


def project_all_scenarios(rates: ForecastRates, horizon: int = 12,
                          multipliers: dict[str, dict[str, float]] = SCENARIOS) -> pd.DataFrame:
    """Every scenario's bridge side by side: columns (scenario, start_mrr ... arr), one row per month.

    `table.xs("end_mrr", axis=1, level=1)` gives the end MRR of each scenario.
    """
    bridges = {name: project_mrr(rates, horizon, name, multipliers).set_index("month") for name in multipliers}
    return pd.concat(bridges, axis=1, names=["scenario", None])


def _add_months(dates: pd.Series, months: np.ndarray) -> pd.Series:
    """Same day `months` months later, clamped to the end of shorter months (Jan 31 + 1 = Feb 28)."""
    month = dates.to_numpy().astype("datetime64[M]") + months.astype("timedelta64[M]")
    last_day = (month + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    day = month.astype("datetime64[D]") + (dates.dt.day.to_numpy() - 1).astype("timedelta64[D]")
    return pd.Series(np.minimum(day, last_day).astype("datetime64[ns]"), index=dates.index)


def next_renewal(renewal_date: pd.Series, term_months: pd.Series, after: pd.Timestamp) -> pd.Series:
    """Renewal dates rolled forward by whole contract terms (blank: 12 months) until they fall after `after`.

    next = EDATE(renewal_date, term x n) with the smallest n >= 0 that puts it
    after `after`; always counted from the original date, so a 31st stays the
    last day of shorter months without drifting (2024-01-31, term 1, after
    2024-02-29 -> 2024-03-31). A date already after `after` is kept.

    >>> next_renewal(pd.Series(pd.to_datetime(["2025-12-01"])), pd.Series([12.0]),
    ...              pd.Timestamp("2026-09-30")).dt.date.tolist()
    [datetime.date(2026, 12, 1)]
    """
    term = term_months.fillna(12).clip(lower=1).astype(int).to_numpy()
    behind = ((after.year - renewal_date.dt.year) * 12 + (after.month - renewal_date.dt.month)).to_numpy()
    terms = np.where(renewal_date <= after, np.maximum(behind // term, 0), 0)
    rolled = _add_months(renewal_date, terms * term)
    return rolled.where(rolled > after, _add_months(renewal_date, (terms + 1) * term))


def days_to_renewal(renewal_date: str | dt.date | None, as_of: str | dt.date) -> float:
    """Days from the end of the as-of month to the renewal date (negative once it passed); NaN without a date.

    The QBR's cover shows it beside the renewal date: a review held after the
    quarter closes counts from the quarter's last day.

    >>> days_to_renewal("2026-12-15", "2026-09")
    76.0
    """
    if renewal_date is None or pd.isna(renewal_date):
        return float("nan")
    month_end = pd.Period(pd.Timestamp(as_of), "M").end_time.normalize()
    return float((pd.Timestamp(renewal_date).normalize() - month_end).days)


def renewal_forecast(customers: pd.DataFrame, mrr_now: pd.Series, flags: pd.Series, as_of: object,
                     horizon: int = 12, probabilities: dict[str, float] = RENEWAL_PROBABILITIES) -> pd.DataFrame:
    """Contracts renewing in the `horizon` months after the as-of month, each weighted by its health flag.

    - Window: renewal date in (end of the as-of month, end of the month
      `horizon` months later], e.g. as-of 2026-09, horizon 12: 2026-10-01 to
      2027-09-30.
    - Renewal date: the customers table's `renewal_date`; a date on or before
      the end of the as-of month is rolled forward by whole contract terms
      (`contract_term_months`, 12 when blank) until it falls after it
      (`next_renewal`): a renewal that already happened is followed by the
      next one. In a spreadsheet: EDATE(date, term x (whole terms behind + 1)).
    - arr = 12 x MRR in the as-of month (`mrr_now`, by customer_id);
      customers with no MRR now (0 or absent) are out, as are customers
      without a renewal date.
    - probability = `probabilities[flag]` (flags by customer_id; no flag or an
      unknown one: 0); weighted_arr = arr x probability.

    Columns: customer_id, renewal_date, arr, flag, probability, weighted_arr;
    sorted by renewal date, then ARR descending. `renewal_totals` sums it by month.
    """
    if isinstance(horizon, bool) or not isinstance(horizon, Integral) or horizon < 1:
        raise ValueError("horizon must be a whole number >= 1")
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


def renewals_in_horizon(customers: pd.DataFrame, mrr_now: pd.Series, flags: pd.Series, as_of: str | pd.Timestamp,
                        horizon: int = 12, probabilities: dict[str, float] = RENEWAL_PROBABILITIES) -> pd.DataFrame:
    """Every renewal inside the horizon: the next one of each contract (`renewal_forecast`), then one every term.

    A 12-month contract renewing in November 2026 renews again in November
    2027 when the horizon reaches it. The n-th renewal inside the horizon
    (`renewal` = n, from 1) falls `(n - 1) x term` months after the next one,
    and is reached only if the contract renewed the n - 1 times before, so
    its weighted ARR is arr x probability^n; commit and best case count it at
    face value. In a spreadsheet, per contract and month k of the horizon
    (first = months from the as-of month to the next renewal): it renews in
    month k when first <= k and (k - first) / term is a whole number, with
    n = (k - first) / term + 1.

    Columns: those of `renewal_forecast` and renewal (n); sorted by renewal date, then ARR descending.
    """
    nxt = renewal_forecast(customers, mrr_now, flags, as_of, horizon, probabilities)
    book = customers.set_index("customer_id")
    terms = book["contract_term_months"] if "contract_term_months" in book else pd.Series(12.0, index=book.index)
    term = terms.reindex(nxt["customer_id"]).fillna(12).clip(lower=1).astype(int).to_numpy()
    start, dates = pd.Period(as_of, "M"), nxt["renewal_date"].dt
    first = ((dates.year - start.year) * 12 + dates.month - start.month).to_numpy(dtype=int)
    count = 1 + (horizon - first) // term
    every = nxt.loc[nxt.index.repeat(count)].reset_index(drop=True)
    every["renewal"] = every.groupby("customer_id").cumcount() + 1
    every["renewal_date"] = _add_months(every["renewal_date"],
                                        (every["renewal"].to_numpy() - 1) * np.repeat(term, count))
    every["weighted_arr"] = every["arr"] * every["probability"] ** every["renewal"]
    return every.sort_values(["renewal_date", "arr"], ascending=[True, False], ignore_index=True)


def renewal_totals(renewals: pd.DataFrame, commit_flag: str = COMMIT_FLAG) -> pd.DataFrame:
    """By renewal month (Period index): commit = ARR of the `commit_flag` (Green) contracts, weighted = sum of
    arr x probability, best_case = all ARR. In a spreadsheet: SUMIFS over the renewals table by month (and flag
    for commit). Commit and weighted are each at most best case (probabilities from 0 to 1); commit may exceed
    weighted, as in a book that is mostly Green."""
    month = renewals["renewal_date"].dt.to_period("M")
    green = renewals["arr"].where(renewals["flag"] == commit_flag, 0.0)
    return pd.DataFrame({"commit": green.groupby(month).sum(),
                         "weighted": renewals["weighted_arr"].groupby(month).sum(),
                         "best_case": renewals["arr"].groupby(month).sum()})


@dataclass(frozen=True)
class Reconciliation:
    """The renewal view and the MRR projection of one forecast side by side (`reconcile`)."""

    arr_today: float
    renewing_arr: float  # best case: every renewal inside the horizon at face value
    renewal_loss: float  # best case - weighted: the ARR the renewal probabilities expect to lose
    renewal_loss_year: float  # as a share of today's ARR per year
    projected_churn: float  # 12 x the projection's churned MRR summed over the horizon
    projected_churn_year: float
    implied_churn_rate: float  # the monthly churn rate that loses renewal_loss over the horizon on today's ARR
    base_at_implied_nrr: float  # today's ARR compounded at the projection's implied NRR over the horizon
    base_at_current_nrr: float  # today's ARR compounded at the cohort NRR (the sensitivity's 0 row)
    new_business: float  # projected ARR at the end of the horizon minus base_at_implied_nrr


def reconcile(rates: ForecastRates, current_nrr: float, renewals: pd.DataFrame, horizon: int = 12,
              scenario: str = "base", multipliers: dict[str, dict[str, float]] = SCENARIOS) -> Reconciliation:
    """Why the renewal view, the projection and the NRR sensitivity give three different numbers.

    Renewals (`renewals_in_horizon`) against the projection's churn, over the
    `horizon` months:

        renewal_loss       = sum arr - sum weighted_arr
        projected_churn    = 12 x sum_m churn_m                  (project_mrr, the scenario's)
        *_year             = amount / (12 x start_mrr) x 12 / horizon
        implied_churn_rate = renewal_loss / (12 x start_mrr x horizon)

    The projection's ARR at the end of the horizon splits exactly into the
    existing base compounding at the implied NRR and the new MRR added (the
    recurrence is linear), while the sensitivity compounds the base at the
    cohort NRR and adds nothing:

        base_at_implied_nrr = 12 x start_mrr x implied_nrr^(horizon / 12)
        new_business        = 12 x end_mrr_horizon - base_at_implied_nrr
        base_at_current_nrr = 12 x start_mrr x current_nrr^(horizon / 12)

    >>> rates = ForecastRates(0.0, 0.0, 0.0, 0.01, 100.0, 6, pd.Period("2026-09", "M"))
    >>> renewals = pd.DataFrame({"arr": [1200.0], "weighted_arr": [1080.0]})
    >>> r = reconcile(rates, 1.0, renewals, 12)
    >>> round(r.renewal_loss, 2), round(r.renewal_loss_year, 4), round(r.implied_churn_rate, 4)
    (120.0, 0.1, 0.0083)
    """
    arr_today = 12 * rates.start_mrr
    projection = project_mrr(rates, horizon, scenario, multipliers)
    loss = float(renewals["arr"].sum() - renewals["weighted_arr"].sum())
    churned = float(12 * projection["churn"].sum())
    per_year = 12 / horizon
    base_implied = arr_today * implied_nrr(rates, scenario, multipliers) ** (horizon / 12)
    return Reconciliation(
        arr_today=arr_today, renewing_arr=float(renewals["arr"].sum()), renewal_loss=loss,
        renewal_loss_year=float(ratio(loss, arr_today)) * per_year, projected_churn=churned,
        projected_churn_year=float(ratio(churned, arr_today)) * per_year,
        implied_churn_rate=float(ratio(loss, arr_today * horizon)), base_at_implied_nrr=base_implied,
        base_at_current_nrr=arr_today * current_nrr ** (horizon / 12),
        new_business=float(projection["arr"].iloc[-1]) - base_implied)


def fiscal_period(months: pd.Series, fiscal_start: int = 1, length: int = 3) -> pd.DataFrame:
    """The fiscal year and period (quarter: `length` 3; year: 12) of each month (Periods).

    A fiscal year starting in month `fiscal_start` is named after the calendar
    year it ends in (start April: April 2026 - March 2027 is FY2027; start
    January: the calendar year). In a spreadsheet:
    YEAR(m) + IF(AND(start > 1, MONTH(m) >= start), 1, 0) and
    ROUNDUP(MONTH(EDATE(m, 1 - start)) / length, 0).

    >>> fiscal_period(pd.Series(pd.period_range("2026-03", periods=2, freq="M")), 4).values.tolist()
    [[2026, 4], [2027, 1]]
    """
    if isinstance(fiscal_start, bool) or not isinstance(fiscal_start, Integral) or not 1 <= fiscal_start <= 12:
        raise ValueError("fiscal_start must be a month number from 1 to 12")
    month = months.dt.month.to_numpy()
    year = months.dt.year.to_numpy() + ((fiscal_start > 1) & (month >= fiscal_start))
    return pd.DataFrame({"fiscal_year": year, "period": (month - fiscal_start) % 12 // length + 1},
                        index=months.index)


def fiscal_rollup(projection: pd.DataFrame, renewals: pd.DataFrame, plan: pd.DataFrame | None,
                  fiscal_start: int = 1, length: int = 3) -> pd.DataFrame:
    """The projection, renewals and plan by fiscal period (quarters: `length` 3; years: 12), in order.

    Over the months of the projection (`project_mrr`) in each period:

        first_month  = the period's first month in the horizon
        months       = how many of the period's months the horizon holds
        revenue      = sum of end MRR              (MRR is a month's revenue)
        exit_arr     = 12 x end MRR of the period's last month in the horizon
        commit, weighted, best_case = renewing ARR (`renewal_totals`) in those months
        plan         = sum of the plan's MRR in those months (NaN when the plan has none of them)
        variance     = revenue - plan
        plan_exit_arr, exit_variance = 12 x the plan's MRR of that last month, exit_arr - it (NaN without it)

    Index: (fiscal_year, period).
    """
    months = projection["month"].reset_index(drop=True)
    table = fiscal_period(months, fiscal_start, length)
    table["month"] = months.dt.to_timestamp()
    table["end_mrr"] = projection["end_mrr"].to_numpy()
    totals = renewal_totals(renewals).reindex(months).fillna(0.0).reset_index(drop=True)
    table = table.join(totals)
    planned = (pd.Series(dtype=float) if plan is None or plan.empty
               else plan.groupby(plan["month"].dt.to_period("M"))["mrr"].sum())
    table["plan"] = planned.reindex(months).to_numpy(dtype=float)
    grouped = table.groupby(["fiscal_year", "period"], sort=False)
    out = pd.DataFrame({
        "first_month": grouped["month"].first(),
        "months": grouped.size(),
        "revenue": grouped["end_mrr"].sum(),
        "exit_arr": 12 * grouped["end_mrr"].last(),
        "commit": grouped["commit"].sum(), "weighted": grouped["weighted"].sum(),
        "best_case": grouped["best_case"].sum(),
        "plan": grouped["plan"].sum(min_count=1),
        "plan_exit_arr": 12 * grouped["plan"].agg(lambda p: p.iloc[-1]),
    })
    out["variance"] = out["revenue"] - out["plan"]
    out["exit_variance"] = out["exit_arr"] - out["plan_exit_arr"]
    return out


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


def _sensitivity_inputs(arr: float, nrr: float, years: int) -> None:
    if not (np.isfinite(arr) and arr >= 0):
        raise ValueError("arr must be a number >= 0")
    if not (np.isfinite(nrr) and nrr > 0):
        raise ValueError("nrr must be a fraction > 0 (1.05 for 105%)")
    if isinstance(years, bool) or not isinstance(years, Integral) or years < 1:
        raise ValueError("years must be a whole number >= 1")


def nrr_sensitivity(arr: float, nrr: float, years: int = 5, points: range = range(-5, 6)) -> pd.DataFrame:
    """ARR of today's base after 1..`years` years when it compounds at NRR + k points, k in `points`.

        ARR(k, y) = arr x (nrr + k x 0.01)^y

    Rows: k (index "points"); columns: years 1..`years`. New customers are not
    in it: this is what the book already won becomes. In a spreadsheet: one
    column NRR + k x OnePoint, and =ARR x NRR_k ^ y across the years.

    >>> nrr_sensitivity(1_000_000, 1.05, years=2, points=range(0, 2)).round(2).to_dict("index")
    {0: {1: 1050000.0, 2: 1102500.0}, 1: {1: 1060000.0, 2: 1123600.0}}
    """
    _sensitivity_inputs(arr, nrr, years)
    ks = np.array(list(points))
    rates = nrr + ks * ONE_POINT
    if len(ks) and rates.min() < 0:
        raise ValueError("nrr + points must stay >= 0: fewer points below, or a higher nrr")
    values = arr * rates[:, None] ** np.arange(1, years + 1)
    return pd.DataFrame(values, index=pd.Index(ks, name="points"), columns=pd.RangeIndex(1, years + 1, name="years"))


def nrr_point_value(arr: float, nrr: float, years: int = 5) -> float:
    """What one more point of NRR is worth after `years` years: arr x (nrr + 0.01)^years - arr x nrr^years.

    The argument of [11] in docs/sources.md: a point of NRR compounds, so its value grows with
    the years (at NRR 105% on 1M ARR: 10,000 after a year, about 62,000 after
    five). The workbook's "value of +1 point" row is the difference of the
    sensitivity rows +1 and 0.

    >>> round(nrr_point_value(1_000_000, 1.05, 1), 2), round(nrr_point_value(1_000_000, 1.05, 5), 2)
    (10000.0, 61944.02)
    """
    _sensitivity_inputs(arr, nrr, years)
    return float(arr * (nrr + ONE_POINT) ** years - arr * nrr ** years)
