"""The accounts behind the movements: which customers expanded, contracted or churned from one month to another.

The portfolio review lists the largest of each over the last month and the last three months, so a CS leader sees
who made the bridge's numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MOVER_KINDS = ("expansion", "contraction", "churn")


def account_movements(mrr: pd.DataFrame, as_of: str | pd.Timestamp, months: int = 1) -> pd.DataFrame:
    """Each customer's MRR movement from `months` months before the as-of month to the as-of month, point to point
    (as `csxl.metrics.movements` compares the ends of two periods), largest amount first within each kind.

    With S = the customer's MRR then and E = its MRR in the as-of month::

        expansion     S > 0, E > S          amount E - S
        contraction   S > 0, 0 < E < S      amount S - E
        churn         S > 0, E = 0          amount S

    Customers with none of these (new, reactivated, unchanged) are left out. Columns: customer_id (index), kind,
    start, end, amount (to 6 decimals); sorted by kind (MOVER_KINDS order), then amount descending, then customer
    id.

    Example
    -------
    >>> rows = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c", "d"], "mrr": [100.0, 130.0, 80.0, 50.0, 40.0,
    ...     20.0], "month": pd.to_datetime(["2026-08-01", "2026-09-01"] * 2 + ["2026-08-01", "2026-09-01"])})
    >>> account_movements(rows, "2026-09")[["kind", "amount"]].to_dict("index")
    {'a': {'kind': 'expansion', 'amount': 30.0}, 'b': {'kind': 'contraction', 'amount': 30.0}, \
'c': {'kind': 'churn', 'amount': 40.0}}
    """
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ValueError(f"months must be a whole number of months >= 1; got {months!r}")
    end_month = pd.Timestamp(as_of).to_period("M").to_timestamp()
    start_month = end_month - pd.DateOffset(months=months)
    rows = mrr[mrr["month"].isin([start_month, end_month])]
    table = rows.pivot_table(index="customer_id", columns="month", values="mrr", aggfunc="sum", fill_value=0.0)
    start = (table[start_month] if start_month in table else pd.Series(0.0, index=table.index)).round(6)
    end = (table[end_month] if end_month in table else pd.Series(0.0, index=table.index)).round(6)
    kind = np.select([(start > 0) & (end > start), (start > 0) & (end > 0) & (end < start), (start > 0) & (end == 0)],
                     list(MOVER_KINDS), "")
    amount = np.select([kind == "expansion", kind == "contraction", kind == "churn"], [end - start, start - end,
                                                                                      start], 0.0)
    # rounded as the movements are, so that float noise never orders two equal amounts
    out = pd.DataFrame({"kind": kind, "start": start, "end": end, "amount": np.round(amount, 6)}, index=table.index)
    out = out[out["kind"] != ""].assign(order=lambda t: t["kind"].map(MOVER_KINDS.index))
    out = out.rename_axis("customer_id").reset_index()
    out = out.sort_values(["order", "amount", "customer_id"], ascending=[True, False, True], kind="stable")
    return out.drop(columns="order").set_index("customer_id")
