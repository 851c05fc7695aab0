"""The validated, normalised input that every metric, UDF and workbook reads.

A `Dataset` holds one DataFrame per table with canonical columns (see
`csxl.data.schema`) and canonical types, so nothing downstream parses text:

- ids (customer_id, product, ...) are `str`; a missing product is "".
- months are `datetime64[ns]` on the first day of the month; dates are
  `datetime64[ns]` (NaT when empty).
- numbers are `float64`; enumerations hold their canonical values
  (interval: month/quarter/semester/year, status: onboarding/active/frozen,
  stage: expand_map..lost, type: upsell/cross_sell/price_adjustment/renewal).

`mrr` always exists (read from MRR snapshots or normalised from
subscriptions); the other tables are None when the source does not have them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from csxl.errors import CsxlDataError

MRR_COLUMNS = ["customer_id", "product", "month", "mrr", "price_adjustment"]


@dataclass
class Dataset:
    mrr: pd.DataFrame
    customers: pd.DataFrame | None = None
    nps: pd.DataFrame | None = None
    csat: pd.DataFrame | None = None
    ces: pd.DataFrame | None = None
    health: pd.DataFrame | None = None
    pipeline: pd.DataFrame | None = None
    goals: pd.DataFrame | None = None
    subscriptions: pd.DataFrame | None = None
    source: str = ""

    def __post_init__(self) -> None:
        # one datetime resolution everywhere, whatever pandas or the reader chose
        for name in ("mrr", "customers", "nps", "csat", "ces", "health", "pipeline", "goals", "subscriptions"):
            frame = getattr(self, name)
            if frame is not None:
                stamps = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
                if stamps:
                    setattr(self, name, frame.astype({c: "datetime64[ns]" for c in stamps}))

    @property
    def has_products(self) -> bool:
        """True when MRR is known per product (enables upsell / cross-sell and whitespace)."""
        return bool((self.mrr["product"] != "").any())

    @property
    def first_month(self) -> pd.Timestamp:
        return self.mrr["month"].min()

    @property
    def last_month(self) -> pd.Timestamp:
        return self.mrr["month"].max()

    def as_of(self, month: str) -> pd.Timestamp:
        """The month a report is as of (--as-of YYYY-MM), which must be one of the months of the MRR data:
        before the first there is nothing to report, after the last the data would read as all churned."""
        try:
            stamp = pd.Period(month, freq="M").to_timestamp()
        except ValueError:
            raise CsxlDataError(f"--as-of {month!r} is not a month", fix="write it as YYYY-MM, e.g. 2026-09") from None
        first, last = self.first_month, self.last_month
        if not first <= stamp <= last:
            raise CsxlDataError(f"--as-of {month} is outside the MRR data, which runs from {first:%Y-%m} to "
                                f"{last:%Y-%m}", file=self.source, fix=f"pick a month from {first:%Y-%m} to {last:%Y-%m}")
        return stamp
