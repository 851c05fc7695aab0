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

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from csxl.data.parse import DATE_RANGE, outside_date_range, parse_months
from csxl.errors import CsxlDataError

MRR_COLUMNS = ["customer_id", "product", "month", "mrr", "price_adjustment"]

# a quarter as people write it: 2026-Q2, 2026Q2, Q2 2026, 2Q26, and in Portuguese 2T26, T2 2026, 2026-T2
_QUARTERS = (r"(?P<y>\d{4})[-/ ]?[QT](?P<q>[1-4])", r"[QT](?P<q>[1-4])[-/ ]?(?P<y>\d{4}|\d{2})",
             r"(?P<q>[1-4])[QT][-/ ]?(?P<y>\d{4}|\d{2})")


def month_of(value: str | pd.Timestamp) -> pd.Timestamp:
    """The month an --as-of value means: a month (2026-06, 06/2026, jun/2026, a date in it), or the LAST month of
    a quarter (2026-Q2, 2T26: June) or of a year (2026: December), so that a period ends where its label says."""
    spelled = str(value).strip().upper()
    quarter = next((m for m in (re.fullmatch(p, spelled) for p in _QUARTERS) if m), None)
    read = value
    if re.fullmatch(r"\d{4}", spelled) or quarter:
        year = int(quarter["y"] if quarter else spelled)
        read = f"{year + (2000 if year < 100 else 0)}-{3 * int(quarter['q']) if quarter else 12:02d}"
    month, bad = parse_months(pd.Series([read], dtype=object))  # a month in DATE_RANGE, or bad
    if bad.any() and outside_date_range(read, "month"):
        low, high = DATE_RANGE
        raise CsxlDataError(f"--as-of {value!r} is outside the dates csxl reads ({low} to {high})",
                            fix="pick a month of the data")
    if bad.any() or pd.isna(month.iloc[0]):
        raise CsxlDataError(f"--as-of {value!r} is not a month, a quarter or a year",
                            fix="write a month (2026-09), a quarter (2026-Q3) or a year (2026)")
    return month.iloc[0]


@dataclass
class Dataset:
    mrr: pd.DataFrame
    customers: pd.DataFrame | None = None
    nps: pd.DataFrame | None = None
    csat: pd.DataFrame | None = None
    ces: pd.DataFrame | None = None
    health: pd.DataFrame | None = None
    pipeline: pd.DataFrame | None = None
    touchpoints: pd.DataFrame | None = None  # meetings (customer_id, date, type): the CSMs' account coverage
    goals: pd.DataFrame | None = None
    subscriptions: pd.DataFrame | None = None
    plan: pd.DataFrame | None = None  # the company's planned MRR by month (not per customer)
    source: str = ""
    # what loading skipped or assumed, one line each, for the command to print (rows of unknown customers)
    warnings: list[str] = field(default_factory=list)
    # where the customers table was read (file, and sheet) and the spreadsheet row of each of its rows, so that a
    # message about a customer's row can point at it; None for a Dataset built in Python
    customer_rows: tuple[str, np.ndarray] | None = None

    def __post_init__(self) -> None:
        # one datetime resolution everywhere, whatever pandas or the reader chose
        for name in ("mrr", "customers", "nps", "csat", "ces", "health", "pipeline", "goals", "subscriptions",
                     "plan"):
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
    def products(self) -> list[str]:
        """The products of the MRR data, sorted ("" alone when MRR is not known per product)."""
        return sorted(self.mrr["product"].unique())

    @property
    def first_month(self) -> pd.Timestamp:
        return self.mrr["month"].min()

    @property
    def last_month(self) -> pd.Timestamp:
        return self.mrr["month"].max()

    def as_of(self, month: str) -> pd.Timestamp:
        """The month a report is as of (--as-of, see `month_of`), which must be one of the months of the MRR data:
        before the first there is nothing to report, after the last the data would read as all churned."""
        stamp = month_of(month)
        first, last = self.first_month, self.last_month
        if not first <= stamp <= last:
            raise CsxlDataError(f"--as-of {month} is outside the MRR data, which runs from {first:%Y-%m} to "
                                f"{last:%Y-%m}", file=self.source,
                                fix=f"pick a month from {first:%Y-%m} to {last:%Y-%m}")
        return stamp

    def _currencies(self) -> pd.Series | None:
        """Each customer's currency code, "" where its row gives none; None without a currency column."""
        if self.customers is None or "currency" not in self.customers:
            return None
        return self.customers["currency"].fillna("").astype(str)

    @property
    def has_currency(self) -> bool:
        """True when the customers table states the currency of at least one customer."""
        codes = self._currencies()
        return codes is not None and bool((codes != "").any())

    def currency(self, account: str | None = None) -> str | None:
        """The ISO code a book's amounts are in, from the customers table's currency column; None when the data
        states no currency.

        One account's book (a QBR) is in that account's currency, or in the data's when the account's row does
        not say; a book over the whole data (a portfolio, a forecast) is in the one currency of every customer.
        Two currencies in one book, or a customer without one beside customers with one, are refused naming
        both rows: csxl does not convert amounts, so their sum would mean nothing.
        """
        codes = self._currencies()
        if codes is None or not self.has_currency:
            return None
        if account is not None:
            own = codes[(self.customers["customer_id"] == account).to_numpy()]  # type: ignore[index]
            if len(own) and own.iloc[0]:
                return str(own.iloc[0])
        other = codes.ne(codes.iloc[0]).to_numpy()
        if not other.any():
            return str(codes.iloc[0])
        raise self._mixed_currencies(codes, 0, int(np.flatnonzero(other)[0]), account)

    def _mixed_currencies(self, codes: pd.Series, i: int, j: int, account: str | None) -> CsxlDataError:
        """The error for a book over rows `i` and `j` of the customers table, whose currencies (`codes`) differ."""
        ids = self.customers["customer_id"]  # type: ignore[index]  # codes come from the customers table
        where, rows = self.customer_rows if self.customer_rows is not None else (None, None)

        def said(k: int) -> str:
            at = f"row {int(rows[k])}, " if rows is not None else ""
            return f"{at}customer {ids.iloc[k]!r} " + (f"in {codes.iloc[k]}" if codes.iloc[k] else "with no currency")

        if account is not None:
            book, fix = f"{account!r} has no currency of its own, and", f"write the currency of {account!r}"
        else:
            book, fix = "a workbook is in one currency, and", ("write one workbook per currency (split the data): "
                                                               "csxl does not convert amounts")
        if not codes.iloc[i] or not codes.iloc[j]:
            fix = "write the currency of every customer in the currency column"
        return CsxlDataError(f"{book} the customers are in two currencies: {said(i)}; {said(j)}", file=where,
                             fix=fix)
