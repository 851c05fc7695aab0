"""The figures of a quarterly business review that frame one account's quarter: changes on the previous quarter
and the same quarter a year before, seat utilisation, the quarter's support totals and success-plan progress.

Each is a small function over numbers or one account's rows; the QBR workbook restates them as formulas and
the parity tests bind the two.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import pandas as pd

# Goal statuses that count as on track in a review: still on course, or reached already.
ON_TRACK_STATUSES = ("on_track", "achieved")


def change(now: float, before: float) -> float:
    """Relative change of an amount (MRR, ARR) from `before` to `now`: now / before - 1; NaN when there was
    nothing before (a change on zero is not a percentage).

    >>> round(change(11_200.0, 10_000.0), 4)  # MRR up 12% on the quarter before
    0.12
    >>> math.isnan(change(500.0, 0.0))
    True
    """
    if not before > 0:
        return math.nan
    return now / before - 1


def points_change(now: float, before: float) -> float:
    """Change of a rate (NRR, GRR, a share) in percentage points: (now - before) x 100; NaN when either is
    unknown. A fall of NRR from 104.1% to 95.2% is -8.9 pp, not -8.5%.

    >>> round(points_change(0.952, 1.041), 1)
    -8.9
    """
    return (now - before) * 100


def seat_utilisation(active_users: float, licensed_seats: float) -> float:
    """Active users as a share of the seats licensed (may exceed 1 where the contract allows it); NaN without
    seats.

    >>> seat_utilisation(42, 50)
    0.84
    """
    if not licensed_seats > 0:
        return math.nan
    return active_users / licensed_seats


def quarter_months(as_of: str | dt.date, months: int = 3) -> pd.DatetimeIndex:
    """The first days of the `months` months that end with the as-of month (a quarter by default).

    >>> [f"{m:%Y-%m}" for m in quarter_months("2026-09-01")]
    ['2026-07', '2026-08', '2026-09']
    """
    end = pd.Timestamp(as_of).to_period("M").to_timestamp()
    return pd.date_range(end - pd.DateOffset(months=months - 1), end, freq="MS")


def quarter_total(rows: pd.DataFrame, column: str, as_of: str | dt.date, months: int = 3) -> float:
    """The sum of `column` over the rows (with a `month` column) of the quarter ending with the as-of month:
    SLA breaches or support tickets this quarter.

    >>> rows = pd.DataFrame({"month": pd.to_datetime(["2026-06-01", "2026-07-01", "2026-09-01"]),
    ...                      "sla_breaches": [5.0, 1.0, 1.0]})
    >>> quarter_total(rows, "sla_breaches", "2026-09-01")
    2.0
    """
    return float(rows.loc[rows["month"].isin(quarter_months(as_of, months)), column].sum())


def goal_progress(baseline: float, target: float, actual: float) -> float:
    """How far a goal has come from its baseline to its target: (actual - baseline) / (target - baseline). A
    goal to reduce (target below baseline) progresses as the actual falls; NaN when a figure is missing or the
    target is the baseline.

    >>> goal_progress(10, 5, 7)  # reduce closing time from 10 to 5 days; now 7
    0.6
    """
    if any(pd.isna(v) for v in (baseline, target, actual)) or target == baseline:
        return math.nan
    return (actual - baseline) / (target - baseline)


def goals_on_track(statuses: Iterable[object]) -> tuple[int, int]:
    """(goals on track or achieved, goals) of a success plan, from each goal's status (`ON_TRACK_STATUSES`
    compared exactly, as written in the data).

    >>> goals_on_track(["on_track", "achieved", "at_risk", "on_track"])
    (3, 4)
    """
    listed = list(statuses)
    return sum(status in ON_TRACK_STATUSES for status in listed), len(listed)
