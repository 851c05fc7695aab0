"""The time window of a pipeline view: the opportunities expected to close within the next N months.

The portfolio's expand funnel and weighted pipeline read the opportunities of a window so that a deal pencilled
in for two years from now does not count beside this quarter's.
"""

from __future__ import annotations

import pandas as pd

FUNNEL_MONTHS = 12  # the portfolio's default window: the coming year


def closing_within(pipeline: pd.DataFrame, as_of: str | pd.Timestamp, months: int = FUNNEL_MONTHS) -> pd.DataFrame:
    """The opportunities whose expected close date is on or before the end of the month `months` months after the
    as-of month; those without a date stay (nothing says they are later), and so do overdue and closed ones.

    Window::

        expected_close_date <= end of month (as-of month + months)   or blank

    Example
    -------
    >>> deals = pd.DataFrame({"opportunity_id": ["a", "b", "c", "d"],
    ...     "expected_close_date": pd.to_datetime(["2026-05-01", "2026-12-31", "2027-01-01", None])})
    >>> list(closing_within(deals, "2026-09", 3)["opportunity_id"])
    ['a', 'b', 'd']
    """
    if isinstance(months, bool) or not isinstance(months, int) or months < 0:
        raise ValueError(f"months must be a whole number of months >= 0; got {months!r}")
    if "expected_close_date" not in pipeline:
        return pipeline
    end = (pd.Period(pd.Timestamp(as_of), "M") + months).end_time.normalize()
    dates = pd.to_datetime(pipeline["expected_close_date"])
    return pipeline[dates.isna() | (dates.dt.normalize() <= end)]
