"""Renewals at risk: the paying accounts whose next renewal is close and whose health flag says it may not happen.

The portfolio review lists them for the next 90 and 180 days, largest ARR first, so a CS leader knows which
conversations come first.
"""

from __future__ import annotations

import pandas as pd

from csxl.metrics.forecast import next_renewal

AT_RISK_FLAGS = ("Red", "Yellow", "Freeze")


def renewals_at_risk(customers: pd.DataFrame, mrr_now: pd.Series, flags: pd.Series, as_of: str | pd.Timestamp,
                     days: int) -> pd.DataFrame:
    """The paying accounts flagged Red, Yellow or Freeze whose next renewal is 1 to `days` days after the end of
    the as-of month, largest ARR first.

    - next renewal: the customers table's `renewal_date` rolled forward by whole contract terms past the end of
      the as-of month (`csxl.metrics.forecast.next_renewal`; term 12 months when blank);
    - days = next renewal - end of the as-of month (`days_to_renewal`);
    - arr = 12 x MRR in the as-of month (`mrr_now` by customer_id; 0 or absent: not paying, out);
    - flags by customer_id (`csxl.metrics.health.flags_at`).

    Columns: customer_id (index), name, csm, arr, flag, days; ARR at risk is the sum of arr.

    Example
    -------
    >>> customers = pd.DataFrame({"customer_id": ["a", "b", "c"], "name": ["A", "B", "C"], "csm": "Ana",
    ...     "renewal_date": pd.to_datetime(["2026-11-15", "2025-12-01", "2026-10-20"]),
    ...     "contract_term_months": [12.0, 12.0, 12.0]})
    >>> table = renewals_at_risk(customers, pd.Series({"a": 100.0, "b": 300.0, "c": 50.0}),
    ...                          pd.Series({"a": "Red", "b": "Yellow", "c": "Green"}), "2026-09", 90)
    >>> table[["arr", "flag", "days"]].to_dict("index")
    {'b': {'arr': 3600.0, 'flag': 'Yellow', 'days': 62}, 'a': {'arr': 1200.0, 'flag': 'Red', 'days': 46}}
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"days must be a whole number of days >= 1; got {days!r}")
    paying = mrr_now[mrr_now > 0]
    book = customers.set_index("customer_id").reindex(paying.index)
    month_end = pd.Period(pd.Timestamp(as_of), "M").end_time.normalize()
    dated = book["renewal_date"].notna()
    term = book["contract_term_months"] if "contract_term_months" in book else pd.Series(12.0, index=book.index)
    renewal = next_renewal(book["renewal_date"][dated], term[dated], month_end)
    table = pd.DataFrame({"name": book["name"] if "name" in book else paying.index.to_series(),
                          "csm": book["csm"] if "csm" in book else "", "arr": 12 * paying,
                          "flag": flags.reindex(paying.index).fillna(""),
                          "days": (renewal - month_end).dt.days.reindex(paying.index)})
    risky = table["flag"].isin(AT_RISK_FLAGS) & (table["days"] > 0) & (table["days"] <= days)
    table = table[risky].astype({"days": int})
    return table.sort_values("arr", ascending=False, kind="stable").rename_axis("customer_id")
