"""Health score, flags, touch model, NRR bands and the retention benchmark ([15], [11] in docs/sources.md).

The health score is a weighted average of component scores from 0 to 100.
Two statuses override it ("Kanban de Retention" of [15] in docs/sources.md): an account still
onboarding is flagged Activation, a frozen contract Freeze. Components are
simple closed formulas (ratios, MIN, MAX) so that the QBR workbook restates
them cell by cell with its constants in the Inputs sheet; every constant is a
keyword parameter here with the same default as there.

Sources
-------
- [15] in docs/sources.md: "Customer Success Playbook 2022" (Health Score / Retention kanban
  with Activation, Green, Yellow, Red and Account Freeze; Tipos de Touch:
  high-, mid-, low- and tech-touch by ticket medio; MRR per flag in the CSM
  scorecard).
- [11] in docs/sources.md: NRR bands (above 100% healthy, 80-100% retains most, below 80% low).
- Gainsight, "Customer Health Score" (weighted measures, red/yellow/green):
  https://www.gainsight.com/essential-guide/customer-health-score/
- SaaS Capital, "2023 B2B SaaS Retention Benchmarks":
  https://www.saas-capital.com/research/saas-retention-benchmarks-for-private-b2b-companies/
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from csxl.data.schema import canonical_value
from csxl.metrics.benchmarks import SAAS_CAPITAL_2023
from csxl.metrics.csm import group_retention
from csxl.metrics.movements import mrr_grid

FLAGS = ("Activation", "Green", "Yellow", "Red", "Freeze")
COMPONENTS = ("adoption", "engagement", "support")
TOUCH_MODELS = ("high-touch", "mid-touch", "low-touch", "tech-touch")
# Default thresholds ([15] in docs/sources.md for the flags and touch models, [11] for the NRR bands); the
# workbooks' Inputs sheets start from these same values.
RED_BELOW, GREEN_FROM = 50.0, 75.0  # health score points
TOUCH_HIGH_MULTIPLE, TECH_BELOW_FRACTION = 3.0, 0.25  # x the portfolio ARPA
NRR_HEALTHY_ABOVE, NRR_LOW_BELOW = 1.0, 0.8  # NRR as a fraction
NRR_BANDS = ("healthy", "retains most", "low")
SIGNALS = ("active_users", "licensed_seats", "logins", "support_tickets", "sla_breaches")


def _div(num: np.ndarray | float, den: np.ndarray | float) -> np.ndarray:
    """num / den as floats, NaN where den is 0 (never inf, never a warning)."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den == 0, np.nan, num / np.where(den == 0, 1.0, den))


def _number(value: object, name: str, fix: str) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        out = math.nan
    if math.isnan(out) or math.isinf(out):
        raise ValueError(f"{name} must be a number ({fix}); got {value!r}")
    return out


def _numeric(values: object, name: str) -> pd.Series:
    """A Series of floats (blank -> NaN); ValueError naming `name` for a text that is not a number."""
    raw = pd.Series(values)
    out = pd.to_numeric(raw, errors="coerce").astype(float)
    bad = out.isna() & raw.notna()
    if bad.any():
        raise ValueError(f"{name} must be numbers (or blank); got {raw[bad].iloc[0]!r}")
    return out


def _check_scores(values: np.ndarray, name: str = "scores") -> None:
    known = values[~np.isnan(values)]
    bad = known[(known < 0) | (known > 100)]
    if len(bad):
        raise ValueError(f"{name} must be between 0 and 100; got {bad[0]:g}")


def _weights(weights: object, count: int, name: str = "weights") -> np.ndarray:
    w = np.ones(count) if weights is None else np.asarray(weights, dtype=float).ravel()
    if w.shape != (count,):
        raise ValueError(f"{name} must have one weight per score ({count}); got {w.size}")
    bad = w[~(w > 0) | np.isinf(w)]
    if len(bad):
        raise ValueError(f"{name} must be numbers > 0; got {bad[0]:g} (use a positive weight, or leave the "
                         "component out)")
    return w


# ---------------------------------------------------------------------------------------------- score


def _weighted_mean(values: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Row-wise weighted mean of a 2-D array, NaN cells dropped with their weight."""
    known = ~np.isnan(values)
    return _div(np.where(known, values, 0.0) @ w, known.astype(float) @ w)


def health_score(scores: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """Weighted mean of component scores (0-100); a missing component drops out with its weight.

    Formula::

        health = sum(w_i x s_i) / sum(w_i)   over the components s_i that are not blank

    Weights are any numbers > 0 (default equal); only their proportions
    matter. NaN when every component is blank (or there is none).

    Source: [15] in docs/sources.md (Health Score); Gainsight, "Customer Health Score"
    (https://www.gainsight.com/essential-guide/customer-health-score/):
    a weighted roll-up of measures scored 0-100.

    Examples
    --------
    >>> health_score([80, 75, 96])
    83.66666666666667
    >>> health_score([80, float("nan"), 60], [2, 1, 1])
    73.33333333333333
    """
    values = np.asarray(scores, dtype=float).ravel()
    w = _weights(weights, len(values))
    _check_scores(values)
    return float(_weighted_mean(values[None, :], w)[0]) if len(values) else math.nan


def health_scores(components: pd.DataFrame, weights: Mapping[str, float] | Sequence[float] | None = None) -> pd.Series:
    """`health_score` of each row of a DataFrame of component scores (0-100), vectorised.

    `weights` is None (equal weights over every column), a mapping
    {column: weight} (only those columns are used) or a sequence aligned with
    the columns. Blank components drop out with their weight, row by row.

    Example
    -------
    >>> parts = pd.DataFrame({"adoption": [80.0, 100.0], "support": [60.0, float("nan")]})
    >>> health_scores(parts, {"adoption": 3, "support": 1}).tolist()
    [75.0, 100.0]
    """
    if isinstance(weights, Mapping):
        missing = [c for c in weights if c not in components]
        if missing:
            raise ValueError(f"weights name components that are not columns: {', '.join(map(str, missing))}")
        columns = list(weights)
        w = _weights(list(weights.values()), len(columns))
    else:
        columns = list(components.columns)
        w = _weights(weights, len(columns))
    values = components[columns].to_numpy(dtype=float)
    _check_scores(values.ravel(), "components")
    return pd.Series(_weighted_mean(values, w), index=components.index, name="health_score")


# ---------------------------------------------------------------------------------------------- flags


def _statuses(statuses: pd.Series | None, index: pd.Index) -> np.ndarray:
    """Canonical statuses (onboarding / active / frozen, "" when blank) of each row."""
    if statuses is None:
        return np.full(len(index), "", dtype=object)
    raw = pd.Series(statuses).astype("object")
    blank = raw.isna() | (raw.astype(str).str.strip() == "")
    uniques = pd.unique(raw[~blank])
    mapping = {u: canonical_value("status", u) for u in uniques}
    unknown = [u for u, c in mapping.items() if c is None]
    if unknown:
        raise ValueError(f"statuses must be onboarding, active or frozen (or blank); got {unknown[0]!r}")
    out = raw.map(mapping).where(~blank, "")
    return out.to_numpy(dtype=object)


def health_flags(scores: pd.Series, statuses: pd.Series | None = None, red_below: float = RED_BELOW,
                 green_from: float = GREEN_FROM) -> pd.Series:
    """The flag of each account: Activation, Freeze, Green, Yellow or Red (vectorised `health_flag`).

    Rules, first match wins::

        status onboarding        -> "Activation"
        status frozen            -> "Freeze"
        score blank              -> ""        (nothing to say)
        score >= green_from      -> "Green"   (default 75)
        score >= red_below       -> "Yellow"  (default 50)
        otherwise                -> "Red"

    `statuses` (aligned with `scores` by position) holds onboarding, active,
    frozen or their aliases (implantacao, congelado, ...); blank = active.

    Source: [15] in docs/sources.md, "Kanban de Retention" (Activation, Green, Yellow, Red
    Flag, Account Freeze); the thresholds are csxl's defaults (RED_BELOW, GREEN_FROM).

    Example
    -------
    >>> health_flags(pd.Series([80.0, 60.0, 10.0]), pd.Series(["active", "frozen", None])).tolist()
    ['Green', 'Freeze', 'Red']
    """
    red = _number(red_below, "red_below", "a score from 0 to 100, e.g. 50")
    green = _number(green_from, "green_from", "a score from 0 to 100, e.g. 75")
    if red > green:
        raise ValueError(f"red_below ({red:g}) must not be above green_from ({green:g})")
    scores = pd.Series(scores)
    s = _numeric(scores, "scores").to_numpy()
    _check_scores(s)
    if statuses is not None and len(statuses) != len(scores):
        raise ValueError(f"statuses must have one status per score ({len(scores)}); got {len(statuses)}")
    status = _statuses(statuses, scores.index)
    flags = np.select([status == "onboarding", status == "frozen", np.isnan(s), s >= green, s >= red],
                      ["Activation", "Freeze", "", "Green", "Yellow"], "Red")
    return pd.Series(flags.astype(object), index=scores.index, name="flag")


def health_flag(score: float, red_below: float = RED_BELOW, green_from: float = GREEN_FROM,
                status: str | None = None) -> str:
    """The flag of one account: "Activation" if onboarding, "Freeze" if frozen, else Green / Yellow / Red.

    Green >= green_from (75), Yellow >= red_below (50), Red below; "" with no
    score and no overriding status. See `health_flags` for the rules and the
    source ([15] in docs/sources.md).

    Examples
    --------
    >>> health_flag(80), health_flag(60), health_flag(10), health_flag(90, status="frozen")
    ('Green', 'Yellow', 'Red', 'Freeze')
    """
    value = math.nan if score is None else score
    return str(health_flags(pd.Series([value], dtype=object), pd.Series([status], dtype=object),
                            red_below, green_from).iloc[0])


def mrr_by_flag(mrr_by_customer: pd.Series, flags: pd.Series) -> pd.DataFrame:
    """Accounts, MRR and share of MRR per flag, in FLAGS order: where the revenue sits.

    Formula::

        share(flag) = MRR of the accounts with that flag / MRR of all flagged accounts

    `flags` is aligned with `mrr_by_customer` by index (customer id).
    Accounts without a flag ("" or missing) are left out of every row and of
    the total; the share is NaN when flagged MRR is 0.

    Source: [15] in docs/sources.md, section 7 (percentage of customers in Green, Yellow,
    Red Flag and Freeze) and section 3 (is the revenue with healthy or
    critical customers?).

    Example
    -------
    >>> t = mrr_by_flag(pd.Series({"a": 100.0, "b": 300.0}), pd.Series({"a": "Red", "b": "Green"}))
    >>> t.loc[["Green", "Red"], "share"].tolist()
    [0.75, 0.25]
    """
    flag = flags.reindex(mrr_by_customer.index).astype("object").fillna("")
    unknown = sorted(set(pd.unique(flag)) - set(FLAGS) - {""})
    if unknown:
        raise ValueError(f"flags must be one of {', '.join(FLAGS)} (or blank); got {unknown[0]!r}")
    frame = pd.DataFrame({"mrr": mrr_by_customer.astype(float), "flag": flag})
    frame = frame[frame["flag"] != ""]
    table = frame.groupby("flag")["mrr"].agg(accounts="count", mrr="sum").reindex(list(FLAGS), fill_value=0)
    table["accounts"] = table["accounts"].astype("int64")
    table["share"] = _div(table["mrr"].to_numpy(), table["mrr"].sum())
    table.index.name = "flag"
    return pd.DataFrame(table)


# ---------------------------------------------------------------------------------------------- components


def _signal(health: pd.DataFrame, column: str) -> np.ndarray:
    if column not in health:
        return np.full(len(health), np.nan)
    values = pd.to_numeric(health[column], errors="coerce").to_numpy(dtype=float)
    if (values < 0).any():
        raise ValueError(f"{column} must be numbers >= 0; got {values[values < 0][0]:g}")
    return values


# The constants of the component formulas; the QBR's Inputs sheet starts from the same values.
COMPONENT_DEFAULTS = {"logins_target": 20, "ticket_penalty": 10, "sla_penalty": 15, "ticket_seats": 10}


def health_components(health: pd.DataFrame, logins_target: float = COMPONENT_DEFAULTS["logins_target"],
                      ticket_penalty: float = COMPONENT_DEFAULTS["ticket_penalty"],
                      sla_penalty: float = COMPONENT_DEFAULTS["sla_penalty"],
                      ticket_seats: float = COMPONENT_DEFAULTS["ticket_seats"],
                      nps: pd.Series | None = None) -> pd.DataFrame:
    """Component scores (0-100) of each row (customer, month) of the canonical health table.

    Formulas (the QBR workbook writes the same ones with these Inputs)::

        adoption   = MIN(100, 100 x active_users / licensed_seats)
        engagement = MIN(100, 100 x logins / active_users / logins_target)
        support    = MAX(0, 100 - ticket_penalty x support_tickets / (licensed_seats / ticket_seats)
                               - sla_penalty x sla_breaches)
        nps        = (NPS + 100) / 2                     (only when `nps` is given)

    Parameters (defaults):

    - logins_target = 20: logins per active user per month that score 100.
    - ticket_penalty = 10: points off per support ticket per `ticket_seats`
      licensed seats (a ticket weighs less in a larger account).
    - ticket_seats = 10: seats per ticket unit (10 -> "per 10 seats").
    - sla_penalty = 15: points off per SLA breach.
    - nps: optional Series of each customer's NPS (-100..100) indexed by
      customer_id, rescaled to 0-100 and repeated on every month of that
      customer (NaN for customers without answers).

    A component is NaN when its denominator is 0 or its signal is missing
    (a column absent from the table, or a blank cell), so it drops out of
    the health score with its weight.

    Source: [15] in docs/sources.md (health criteria: accesses, active and engaged users,
    support tickets); Gainsight, "Customer Health Score" (adoption,
    engagement, support and sentiment measures scored 0-100).

    Example
    -------
    >>> signals = pd.DataFrame({"customer_id": ["a"], "month": [pd.Timestamp("2026-09-01")],
    ...                         "active_users": [40.0], "licensed_seats": [50.0], "logins": [600.0],
    ...                         "support_tickets": [2.0], "sla_breaches": [1.0]})
    >>> health_components(signals)[list(COMPONENTS)].iloc[0].tolist()
    [80.0, 75.0, 81.0]
    """
    target = _number(logins_target, "logins_target", "logins per active user per month that score 100, e.g. 20")
    per_ticket = _number(ticket_penalty, "ticket_penalty", "points off per ticket, e.g. 10")
    per_breach = _number(sla_penalty, "sla_penalty", "points off per SLA breach, e.g. 15")
    seats_unit = _number(ticket_seats, "ticket_seats", "seats per ticket unit, e.g. 10")
    if target <= 0:
        raise ValueError(f"logins_target must be > 0 (e.g. 20 logins per user per month); got {logins_target!r}")
    if seats_unit <= 0:
        raise ValueError(f"ticket_seats must be > 0 (e.g. 10 seats); got {ticket_seats!r}")
    for name, value in (("ticket_penalty", per_ticket), ("sla_penalty", per_breach)):
        if value < 0:
            raise ValueError(f"{name} must be >= 0 points; got {value:g}")
    users, seats, logins, tickets, breaches = (_signal(health, c) for c in SIGNALS)
    out = health[["customer_id", "month"]].copy()
    out["adoption"] = np.minimum(100.0, 100.0 * _div(users, seats))
    out["engagement"] = np.minimum(100.0, 100.0 * _div(logins, users) / target)
    out["support"] = np.maximum(0.0, 100.0 - per_ticket * _div(tickets, seats / seats_unit) - per_breach * breaches)
    # MIN / MAX keep NaN (a blank signal), as a blank cell stays blank in the workbook
    if nps is not None:
        score = _numeric(nps, "nps")
        bad = score[(score < -100) | (score > 100)]
        if len(bad):
            raise ValueError(f"nps must be NPS points from -100 to 100; got {bad.iloc[0]:g}")
        out["nps"] = ((score + 100.0) / 2.0).reindex(health["customer_id"].to_numpy()).to_numpy()
    return out


def flags_at(health: pd.DataFrame | None, customers: pd.DataFrame | None, customer_ids: pd.Index,
             month: pd.Timestamp, **thresholds: float) -> pd.Series:
    """Each customer's flag in `month`: its status override, else the flag of its equally weighted
    component score that month ("" when it has neither).

    `thresholds` are `red_below` / `green_from` of `health_flags`.
    """
    scores = pd.Series(np.nan, index=customer_ids)
    if health is not None and len(health):
        now = health[health["month"] == month]
        parts = health_components(now).set_index("customer_id")[list(COMPONENTS)]
        scores.update(health_scores(parts))
    status = (customers.set_index("customer_id")["status"].reindex(customer_ids)
              if customers is not None and "status" in customers else None)
    return health_flags(scores, status, **thresholds)


# ---------------------------------------------------------------------------------------------- segments


def touch_models(account_mrr: pd.Series, portfolio_arpa: float | None = None,
                 high_multiple: float = TOUCH_HIGH_MULTIPLE,
                 tech_below_fraction: float = TECH_BELOW_FRACTION) -> pd.Series:
    """The touch model of each account by its MRR against the portfolio ARPA (vectorised `touch_model`).

    Rules, with A = portfolio ARPA::

        MRR >= high_multiple x A        -> "high-touch"   (default 3 x ARPA)
        MRR >= A                        -> "mid-touch"
        MRR >= tech_below_fraction x A  -> "low-touch"    (default 0.25 x ARPA)
        0 < MRR below that              -> "tech-touch"
        MRR 0 or blank                  -> ""             (not a paying account)

    `portfolio_arpa` defaults to the mean MRR of the paying accounts given
    (ARPA = MRR / paying customers, as in docs/metrics.md).

    Source: [15] in docs/sources.md, "Tipos de Touch": high-touch for the largest ticket
    medio (TM), mid-touch relevant TM, low-touch TM below the base's TM,
    tech-touch the smallest TM. The multiples are csxl's inputs.

    Example
    -------
    >>> touch_models(pd.Series([300.0, 100.0, 25.0, 24.0, 0.0]), 100.0).tolist()
    ['high-touch', 'mid-touch', 'low-touch', 'tech-touch', '']
    """
    high = _number(high_multiple, "high_multiple", "a multiple of ARPA, e.g. 3")
    low = _number(tech_below_fraction, "tech_below_fraction", "a fraction of ARPA, e.g. 0.25")
    if not 0 < low <= 1 <= high:
        raise ValueError(f"touch thresholds must satisfy 0 < tech_below_fraction <= 1 <= high_multiple; "
                         f"got {low:g} and {high:g}")
    mrr = _numeric(account_mrr, "account_mrr")
    if (mrr < 0).any():
        raise ValueError(f"account_mrr must be >= 0; got {mrr[mrr < 0].iloc[0]:g}")
    if portfolio_arpa is None:
        paying = mrr[mrr > 0]
        if not len(paying):
            raise ValueError("account_mrr has no account with MRR above 0: give portfolio_arpa")
        arpa = float(paying.mean())
    else:
        arpa = _number(portfolio_arpa, "portfolio_arpa", "the portfolio's MRR per paying account, > 0")
        if arpa <= 0:
            raise ValueError(f"portfolio_arpa must be > 0 (MRR per paying account); got {arpa:g}")
    m = mrr.to_numpy()
    model = np.select([~(m > 0), m >= high * arpa, m >= arpa, m >= low * arpa],
                      ["", *TOUCH_MODELS[:3]], TOUCH_MODELS[3])
    return pd.Series(model.astype(object), index=mrr.index, name="touch_model")


def touch_model(account_mrr: float | pd.Series, portfolio_arpa: float | None = None,
                high_multiple: float = TOUCH_HIGH_MULTIPLE,
                tech_below_fraction: float = TECH_BELOW_FRACTION) -> str | pd.Series:
    """Touch model of one account (a str) or of several (a Series; lists and arrays too): see `touch_models`.

    For one account `portfolio_arpa` is required (the portfolio's MRR per
    paying account); for a Series it defaults to the mean of its paying
    accounts.

    Examples
    --------
    >>> touch_model(300.0, 100.0), touch_model(60.0, 100.0), touch_model(10.0, 100.0)
    ('high-touch', 'low-touch', 'tech-touch')
    """
    if isinstance(account_mrr, (pd.Series, np.ndarray, list, tuple)):
        return touch_models(account_mrr, portfolio_arpa, high_multiple, tech_below_fraction)
    if portfolio_arpa is None:
        raise ValueError("portfolio_arpa is required for one account (the portfolio's MRR per paying account)")
    value = _number(account_mrr, "account_mrr", "the account's MRR, >= 0") if account_mrr is not None else math.nan
    return str(touch_models(pd.Series([value]), portfolio_arpa, high_multiple, tech_below_fraction).iloc[0])


def _touch_or_blank(mrr: pd.Series, high_multiple: float, tech_below_fraction: float) -> pd.Series:
    """`touch_models` against the ARPA of these accounts; all "" when none of them pays."""
    if not (mrr > 0).any():
        return pd.Series("", index=mrr.index, dtype=object)
    return touch_models(mrr, None, high_multiple, tech_below_fraction)


def segments(mrr: pd.DataFrame, end_month: object | None = None, months: int = 12, by: pd.Series | None = None,
             high_multiple: float = TOUCH_HIGH_MULTIPLE,
             tech_below_fraction: float = TECH_BELOW_FRACTION) -> pd.DataFrame:
    """Accounts, MRR and ARPA of each segment at `end_month`, and its cohort NRR and GRR over the window.

    - accounts, mrr, arpa: the accounts paying at `end_month` (default: the
      last month of the data) by the segment they are in then;
      arpa = mrr / accounts.
    - nrr, grr: `csxl.metrics.csm.group_retention` over the `months` months
      to `end_month`, of the accounts by the segment they were in at the
      START of the window. A churned account is in no segment at the end,
      so grouping by today's segment would drop its start MRR and bias
      every segment's NRR upwards.

    Segments: `by` None is the touch model (`touch_models` at each end of the
    window, against the portfolio ARPA of that month, with `high_multiple`
    and `tech_below_fraction`), rows in TOUCH_MODELS order; otherwise `by`
    maps customer_id to a segment that does not move (the tier of the
    customers table), rows in sorted order; accounts without one are left out.

    Example: a pays 300 -> 330, b 100 -> 0 (churned), c 100 -> 100 a year
    apart. The ARPA was 500 / 3 = 166.67: a was mid-touch (at least the ARPA,
    below 3 x ARPA), b and c low-touch (below the ARPA, at least 0.25 x).
    It is 430 / 2 = 215 now: a is mid-touch, c low-touch. Mid-touch NRR
    330 / 300 = 1.1; low-touch 100 / (100 + 100) = 0.5, b's churn included.

    >>> mrr = pd.DataFrame({"customer_id": ["a", "b", "c", "a", "c"], "mrr": [300.0, 100.0, 100.0, 330.0, 100.0],
    ...                     "month": pd.to_datetime(["2025-01-01"] * 3 + ["2026-01-01"] * 2)})
    >>> table = segments(mrr, "2026-01", months=12)
    >>> table.loc[["mid-touch", "low-touch"], ["accounts", "mrr", "nrr"]].to_numpy().tolist()
    [[1.0, 330.0, 1.1], [1.0, 100.0, 0.5]]
    """
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or months < 1:
        raise ValueError("months must be a whole number >= 1")
    grid = mrr_grid(mrr)
    end = len(grid.months) - 1 if end_month is None else grid.month_index(end_month)
    if not 0 <= end < len(grid.months):
        raise ValueError(f"end_month {end_month} is outside the data ({grid.months[0]} to {grid.months[-1]})")
    now = pd.Series(grid.values[:, end], index=grid.customers)
    start = pd.Series(grid.values[:, end - months] if end >= months else 0.0, index=grid.customers)
    if by is None:
        now_in = _touch_or_blank(now, high_multiple, tech_below_fraction)
        start_in = _touch_or_blank(start, high_multiple, tech_below_fraction)
        order = list(TOUCH_MODELS)
    else:
        now_in = start_in = by.reindex(grid.customers).astype("string").fillna("").astype(object)
        order = sorted((set(now_in[now > 0]) | set(start_in[start > 0])) - {""})
    paying = (now > 0) & (now_in != "")
    counts = now[paying].groupby(now_in[paying]).agg(["size", "sum"])
    retention = group_retention(start, now, start_in)
    out = pd.DataFrame(index=pd.Index(order, name="segment"))
    out["accounts"] = counts["size"].reindex(out.index, fill_value=0).astype(int)
    out["mrr"] = counts["sum"].reindex(out.index, fill_value=0.0)
    out["arpa"] = out["mrr"] / out["accounts"].where(out["accounts"] > 0)
    out["nrr"] = retention["nrr"].reindex(out.index)
    out["grr"] = retention["grr"].reindex(out.index)
    return out


def nrr_bands(nrr: pd.Series, healthy_above: float = NRR_HEALTHY_ABOVE, low_below: float = NRR_LOW_BELOW) -> pd.Series:
    """`nrr_band` of each value of a Series (NaN -> "")."""
    high = _number(healthy_above, "healthy_above", "an NRR fraction, e.g. 1.0")
    low = _number(low_below, "low_below", "an NRR fraction, e.g. 0.8")
    if low > high:
        raise ValueError(f"low_below ({low:g}) must not be above healthy_above ({high:g})")
    values = _numeric(nrr, "nrr")
    v = values.to_numpy()
    band = np.select([np.isnan(v), v > high, v >= low], ["", NRR_BANDS[0], NRR_BANDS[1]], NRR_BANDS[2])
    return pd.Series(band.astype(object), index=values.index, name="nrr_band")


def nrr_band(nrr: float, healthy_above: float = NRR_HEALTHY_ABOVE, low_below: float = NRR_LOW_BELOW) -> str:
    """NRR band of [11] in docs/sources.md: "healthy" above 100%, "retains most" from 80% to 100%, "low" below 80%.

    Rules (NRR as a fraction)::

        NRR > healthy_above (1.0)        -> "healthy"      (a growing base)
        low_below (0.8) <= NRR <= 1.0    -> "retains most"
        NRR < 0.8                        -> "low"          (needs a retention strategy)
        blank / NaN                      -> ""

    Source: [11] in docs/sources.md (NRR as the guiding metric of CS: "acima de 100%",
    "entre 80% e 100%", "abaixo de 80%").

    Examples
    --------
    >>> nrr_band(1.05), nrr_band(0.9), nrr_band(0.7), nrr_band(float("nan"))
    ('healthy', 'retains most', 'low', '')
    """
    if nrr is None:
        return ""
    value = _number(nrr, "nrr", "a fraction, 1.05 = 105%") if not (isinstance(nrr, float) and math.isnan(nrr)) \
        else math.nan
    return str(nrr_bands(pd.Series([value]), healthy_above, low_below).iloc[0])


def saas_capital_benchmark(acv: float) -> tuple[str, float, float]:
    """(ACV band, median NRR, median GRR) of private B2B SaaS companies at an annual contract value in USD.

    Bands (ACV from, in USD): < $12K 100% / 90%; $12K-$25K 102% / 90%;
    $25K-$50K 103% / 92%; $50K-$100K 105% / 93%; $100K-$250K 107% / 93%;
    > $250K 110% / 93%. A band includes its lower bound. Blank ACV ->
    ("", NaN, NaN). Convert other currencies to USD first.

    Source: SaaS Capital, "2023 B2B SaaS Retention Benchmarks"
    (https://www.saas-capital.com/research/saas-retention-benchmarks-for-private-b2b-companies/),
    [1] in docs/sources.md; the table is `csxl.metrics.benchmarks.SAAS_CAPITAL_2023`.

    Examples
    --------
    >>> saas_capital_benchmark(30_000)
    ('$25K-$50K', 1.03, 0.92)
    >>> saas_capital_benchmark(12_000)
    ('$12K-$25K', 1.02, 0.9)
    """
    if acv is None or (isinstance(acv, float) and math.isnan(acv)):
        return "", math.nan, math.nan
    value = _number(acv, "acv", "annual contract value in USD, >= 0")
    if value < 0:
        raise ValueError(f"acv must be >= 0 (annual contract value in USD); got {value:g}")
    starts = np.array([row[0] for row in SAAS_CAPITAL_2023], dtype=float)
    _, band, nrr, grr = SAAS_CAPITAL_2023[int(np.searchsorted(starts, value, side="right")) - 1]
    return band, nrr, grr
