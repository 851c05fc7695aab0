"""Subscriptions (or invoice periods) normalised to monthly MRR snapshots per customer and product.

A subscription's MRR is its amount divided by the months of its billing
interval (a yearly plan of 2,000 is 166.67 a month). It counts in month M
when it is active at the end of M: start_date <= last day of M and (no
end_date, or end_date >= last day of M). A subscription ending on January 31
counts in January; one ending on March 14 does not count in March. Open
subscriptions run to the last month of the data: the latest month of any
start or end date, or the as-of month when one is given.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from csxl.data.dataset import MRR_COLUMNS
from csxl.data.schema import INTERVAL_MONTHS


def _ordinal(stamps: pd.Series) -> np.ndarray:
    return (stamps.dt.year * 12 + stamps.dt.month - 1).to_numpy()


def subscriptions_to_mrr(subs: pd.DataFrame, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Canonical MRR rows (customer_id, product, month, mrr, price_adjustment) from canonical subscriptions."""
    start, end = subs["start_date"], subs["end_date"] if "end_date" in subs else pd.Series(pd.NaT, index=subs.index)
    first = _ordinal(start)
    month_ends = end.dt.is_month_end.to_numpy()
    ended = end.notna().to_numpy()
    last_event = max(first.max(), np.nanmax(np.where(ended, _ordinal(end.fillna(start)), -1)))
    horizon = _ordinal(pd.Series([as_of])).item() if as_of is not None else last_event
    last = np.where(ended, _ordinal(end.fillna(start)) - (~month_ends).astype(int), horizon)
    last = np.minimum(last, horizon)
    spans = np.maximum(last - first + 1, 0)
    rows = np.repeat(np.arange(len(subs)), spans)
    offset = np.arange(spans.sum()) - np.repeat(np.cumsum(spans) - spans, spans)
    months = first[rows] + offset
    per_month = (subs["amount"].to_numpy(dtype=float) / subs["interval"].map(INTERVAL_MONTHS).to_numpy(dtype=float))
    flagged = subs["price_adjustment"].to_numpy(dtype=bool) if "price_adjustment" in subs else np.zeros(len(subs), bool)
    product = subs["product"] if "product" in subs else pd.Series("", index=subs.index)
    exploded = pd.DataFrame({
        "customer_id": subs["customer_id"].to_numpy()[rows],
        "product": product.fillna("").to_numpy()[rows],
        "month": months,
        "mrr": per_month[rows],
        "price_adjustment": flagged[rows] & (offset == 0),
    })
    grouped = exploded.groupby(["customer_id", "product", "month"], as_index=False, sort=True).agg(
        mrr=("mrr", "sum"), price_adjustment=("price_adjustment", "any"))
    grouped["month"] = pd.to_datetime({"year": grouped["month"] // 12, "month": grouped["month"] % 12 + 1, "day": 1})
    return grouped[MRR_COLUMNS]
