"""Which accounts a CSM has met lately: the numerator of account coverage (`csxl.metrics.expansion.account_coverage`).

An account counts as covered at an as-of month when the touchpoints table (customer_id, date, type: EBR, QBR,
onboarding, check-in...) has at least one touchpoint of the chosen types dated in the `days` days to the end of
that month. The CSM scorecard divides the covered accounts of each CSM by the CSM's paying accounts.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

COVERAGE_DAYS = 90  # a quarter: a strategic review (EBR, QBR) at least once a quarter


def covered_accounts(touchpoints: pd.DataFrame | None, as_of: str | pd.Timestamp, days: int = COVERAGE_DAYS,
                     types: Iterable[str] | None = None) -> pd.Index:
    """The customer ids with a touchpoint dated in the `days` days to the end of the as-of month.

    Window::

        end of the as-of month - days < date <= end of the as-of month

    `types` keeps only those touchpoint types (compared without case, e.g. ["EBR", "QBR"] for strategic
    reviews); None counts every type. No table: no account is covered.

    Source: [15] in docs/sources.md ("Account Coverage": customers reached by a defined touchpoint relative to
    the total); the 90-day window is csxl's default (an input in the portfolio review).

    Example
    -------
    >>> meetings = pd.DataFrame({"customer_id": ["a", "b", "c"], "type": ["QBR", "EBR", "check-in"],
    ...                          "date": pd.to_datetime(["2026-07-02", "2026-06-30", "2026-09-30"])})
    >>> list(covered_accounts(meetings, "2026-09", days=91))  # 2 July to 30 September
    ['a', 'c']
    >>> list(covered_accounts(meetings, "2026-09", days=93, types=["QBR", "EBR"]))
    ['a', 'b']
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"days must be a whole number of days >= 1; got {days!r}")
    if touchpoints is None or not len(touchpoints):
        return pd.Index([], dtype=object, name="customer_id")
    end = pd.Period(pd.Timestamp(as_of), "M").end_time.normalize()
    dates = pd.to_datetime(touchpoints["date"]).dt.normalize()
    kept = (dates > end - pd.Timedelta(days=days)) & (dates <= end)
    if types is not None:
        wanted = {str(t).casefold() for t in types}
        kept &= touchpoints["type"].astype(str).str.casefold().isin(wanted)
    return pd.Index(sorted(touchpoints.loc[kept, "customer_id"].unique()), name="customer_id")
