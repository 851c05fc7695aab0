"""Health score, flags, touch model and NRR bands (seed 004: Health Score / Retention, segmentation).

The health score is a weighted average of component scores from 0 to 100.
Two statuses override it: an account still onboarding is flagged Activation,
a frozen contract Freeze. Components are simple closed formulas (ratios,
MIN, MAX) so that the QBR workbook restates them cell by cell with its
constants in the Inputs sheet.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from csxl.metrics.rates import ratio

FLAGS = ("Activation", "Green", "Yellow", "Red", "Freeze")
COMPONENTS = ("adoption", "engagement", "support")
TOUCH_MODELS = ("high-touch", "mid-touch", "low-touch", "tech-touch")


def health_score(scores: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """Weighted mean of component scores (0-100); a missing component drops out with its weight.

    >>> health_score([80, 75, 96])
    83.66666666666667
    >>> health_score([80, float("nan"), 60], [2, 1, 1])
    73.33333333333333
    """
    values = np.asarray(scores, dtype=float)
    w = np.ones_like(values) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != values.shape:
        raise ValueError("weights must have one weight per score")
    if (w <= 0).any() or np.isnan(w).any():
        raise ValueError("weights must be numbers > 0")
    known = ~np.isnan(values)
    if ((values[known] < 0) | (values[known] > 100)).any():
        raise ValueError("scores must be between 0 and 100")
    return float(ratio((values[known] * w[known]).sum(), w[known].sum()))


def health_flag(score: float, red_below: float = 50, green_from: float = 75, status: str | None = None) -> str:
    """Activation (onboarding), Freeze (frozen), else Green >= green_from, Yellow >= red_below, Red.

    With no score and no overriding status the flag is "" (nothing to say).

    >>> health_flag(80), health_flag(60), health_flag(10), health_flag(90, status="frozen")
    ('Green', 'Yellow', 'Red', 'Freeze')
    """
    return str(health_flags(pd.Series([score]), pd.Series([status]), red_below, green_from).iloc[0])


def health_flags(scores: pd.Series, statuses: pd.Series | None = None, red_below: float = 50,
                 green_from: float = 75) -> pd.Series:
    """`health_flag` over aligned Series of scores and statuses."""
    if red_below > green_from:
        raise ValueError("red_below must not be above green_from")
    s = scores.to_numpy(dtype=float)
    status = (statuses if statuses is not None else pd.Series(None, index=scores.index)).astype("object")
    status = status.fillna("").to_numpy()
    flags = np.select([status == "onboarding", status == "frozen", np.isnan(s), s >= green_from, s >= red_below],
                      ["Activation", "Freeze", "", "Green", "Yellow"], "Red")
    return pd.Series(flags, index=scores.index, name="flag")


def health_components(health: pd.DataFrame, logins_target: float = 20, ticket_penalty: float = 10,
                      sla_penalty: float = 15) -> pd.DataFrame:
    """Component scores (0-100) of each row of the health table (customer, month).

    - adoption = MIN(100, 100 x active_users / licensed_seats)
    - engagement = MIN(100, 100 x logins / active_users / logins_target)
      (logins_target logins per active user per month score 100)
    - support = MAX(0, 100 - ticket_penalty x tickets / (seats / 10) - sla_penalty x SLA breaches)
      (ticket_penalty points per ticket per 10 seats, sla_penalty points per breach)

    A component is NaN when its denominator is 0.
    """
    users = health["active_users"].to_numpy(dtype=float)
    seats = health["licensed_seats"].to_numpy(dtype=float)
    logins = health["logins"].to_numpy(dtype=float)
    tickets = health["support_tickets"].to_numpy(dtype=float)
    breaches = health["sla_breaches"].to_numpy(dtype=float)
    seats_or_nan = np.where(seats > 0, seats, np.nan)
    users_or_nan = np.where(users > 0, users, np.nan)
    out = health[["customer_id", "month"]].copy()
    out["adoption"] = np.minimum(100.0, 100.0 * users / seats_or_nan)
    out["engagement"] = np.minimum(100.0, 100.0 * logins / users_or_nan / logins_target)
    out["support"] = np.maximum(0.0, 100.0 - ticket_penalty * tickets / (seats_or_nan / 10) - sla_penalty * breaches)
    return out


def flags_at(health: pd.DataFrame | None, customers: pd.DataFrame | None, customer_ids: pd.Index,
             month: pd.Timestamp, **thresholds: float) -> pd.Series:
    """Each customer's flag in `month`: its status override, else the flag of its equally weighted
    component score that month ("" when it has neither)."""
    scores = pd.Series(np.nan, index=customer_ids)
    if health is not None and len(health):
        now = health[health["month"] == month]
        parts = health_components(now).set_index("customer_id")[list(COMPONENTS)]
        scores.update(parts.mean(axis=1))
    status = (customers.set_index("customer_id")["status"].reindex(customer_ids)
              if customers is not None and "status" in customers else None)
    return health_flags(scores, status, **thresholds)


def mrr_by_flag(mrr_by_customer: pd.Series, flags: pd.Series) -> pd.DataFrame:
    """Accounts, MRR and share of MRR per flag, in FLAGS order: where the revenue sits."""
    frame = pd.DataFrame({"mrr": mrr_by_customer, "flag": flags.reindex(mrr_by_customer.index)})
    table = frame.groupby("flag")["mrr"].agg(accounts="count", mrr="sum").reindex(list(FLAGS), fill_value=0)
    table["share"] = ratio(table["mrr"], table["mrr"].sum())
    return table


def touch_model(account_mrr: pd.Series, portfolio_arpa: float | None = None, high_multiple: float = 3.0,
                tech_below_fraction: float = 0.25) -> pd.Series:
    """High-touch (>= high_multiple x ARPA), mid-touch (>= ARPA), low-touch (>= tech_below_fraction x ARPA),
    tech-touch below. ARPA defaults to the mean MRR of the paying accounts given."""
    mrr = account_mrr.astype(float)
    arpa = float(mrr[mrr > 0].mean()) if portfolio_arpa is None else float(portfolio_arpa)
    model = np.select([mrr >= high_multiple * arpa, mrr >= arpa, mrr >= tech_below_fraction * arpa],
                      list(TOUCH_MODELS[:3]), TOUCH_MODELS[3])
    return pd.Series(model, index=account_mrr.index, name="touch_model")


def nrr_band(nrr: float, healthy_above: float = 1.0, low_below: float = 0.8) -> str:
    """Seed 000's bands: "healthy" above 100%, "retains most" from 80% to 100%, "low" below 80%.

    >>> nrr_band(1.05), nrr_band(0.9), nrr_band(0.7)
    ('healthy', 'retains most', 'low')
    """
    if nrr is None or math.isnan(nrr):
        return ""
    return "healthy" if nrr > healthy_above else "retains most" if nrr >= low_below else "low"
