"""Parsing the values users export: numbers with a decimal comma, day-first dates, Excel serials, months.

Each parser takes a whole column (a pandas Series of strings, numbers or
datetimes, as CSV and XLSX readers give them) and returns the parsed values
with a mask of the entries it could not read, so the validator can name the
first bad row. Nothing loops over rows in Python.

Conventions (docs/data.md):
- A column's decimal separator is decided once for the whole column: a comma
  when any value ends in a comma and one, two or four or more digits
  ("12,5", "1.234,56"), or when the last separator of any value is a comma; a
  dot otherwise. The other separator is a thousands separator and dropped.
- Dates are ISO (2026-03-15), day first (15/03/2026, 15.03.2026), or Excel
  serial numbers (46096); never month first.
- Months are 2026-03, 03/2026, mar/2026 (pt, es, en names) or any date or
  serial (its month).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from csxl.data.schema import fold

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_MONTH_NAMES = {
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                   "dec"), start=1)},
    **{m: i for i, m in enumerate(("jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov",
                                   "dez"), start=1)},
    **{m: i for i, m in enumerate(("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov",
                                   "dic"), start=1)},
}


def _text(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().fillna("")


def _instances(values: pd.Series, kinds: tuple[type, ...]) -> pd.Series:
    """Which cells hold Python objects of `kinds` (only mixed columns, as XLSX gives, need the check)."""
    if values.dtype != object:
        return pd.Series(False, index=values.index)
    return values.map(lambda v: isinstance(v, kinds) and not isinstance(v, bool))


def blank(values: pd.Series) -> np.ndarray:
    """True where a cell is empty (None, NaN or only spaces)."""
    if values.dtype != object and not pd.api.types.is_string_dtype(values):
        return values.isna().to_numpy()
    return (values.isna() | (_text(values) == "")).to_numpy()


def parse_numbers(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Numbers from a column; returns (floats with NaN for blanks, mask of unreadable entries)."""
    empty = blank(values)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype(float), np.zeros(len(values), dtype=bool)
    numeric = pd.to_numeric(values.where(_instances(values, (int, float, np.number))), errors="coerce").astype(
        "float64")
    text = _text(values.where(~_instances(values, (int, float, np.number))))
    cleaned = text.str.replace(r"[^0-9,.\-+eE()]", "", regex=True)
    negative = cleaned.str.startswith("(") & cleaned.str.endswith(")")
    cleaned = cleaned.str.strip("()")
    comma_decimal = bool(cleaned.str.contains(r",(?:\d{1,2}|\d{4,})$").any()
                         or cleaned.str.contains(r"\.\d*,\d*$").any())
    if comma_decimal:
        cleaned = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        cleaned = cleaned.str.replace(",", "", regex=False)
    from_text = pd.to_numeric(cleaned.where(cleaned != ""), errors="coerce").astype("float64")
    from_text = from_text.where(~negative, -from_text)
    # letters other than a currency prefix (R$, US$, BRL) or an exponent mean this is not a number
    letters = text.str.replace(r"^\s*(?:[A-Z]{3}|[A-Z]{0,2}\$|€)\s*", "", regex=True).str.contains(
        r"[A-DF-Za-df-z]", regex=True)
    parsed = numeric.fillna(from_text).where(~letters.to_numpy())
    bad = (~empty) & parsed.isna().to_numpy()
    return parsed.astype(float), bad


def _from_serial(numbers: pd.Series) -> pd.Series:
    ok = (numbers >= 1) & (numbers < 2_958_466)
    return (_EXCEL_EPOCH + pd.to_timedelta(numbers.where(ok).astype(float).round(6), unit="D")).where(ok)


def parse_dates(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Dates from a column; returns (datetime64 with NaT for blanks, mask of unreadable entries)."""
    empty = blank(values)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.to_datetime(values).astype("datetime64[ns]"), np.zeros(len(values), dtype=bool)
    stamps = _instances(values, (dt.date, np.datetime64))
    if stamps.any():
        out[stamps] = pd.to_datetime(values[stamps], errors="coerce")
    text = _text(values.where(~stamps))
    looks_like_date = text.str.contains(r"^\d{1,4}[-/.]\d{1,2}(?:[-/.]\d|$)", regex=True)
    numbers = pd.to_numeric(values.where(~stamps & ~looks_like_date), errors="coerce")
    serial = numbers.notna()
    if serial.any():
        out[serial] = _from_serial(numbers[serial])
    iso = text.str.match(r"^\d{4}-\d{1,2}(-\d{1,2})?([ T].*)?$") & out.isna()
    if iso.any():
        out[iso] = pd.to_datetime(text[iso], format="ISO8601", errors="coerce")
    dmy = text.str.match(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(\s.*)?$") & out.isna()
    if dmy.any():
        parts = text[dmy].str.extract(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})")
        year = parts[2].astype(int)
        year = year.where(year >= 100, year + 2000)
        out[dmy] = pd.to_datetime(pd.DataFrame({"year": year, "month": parts[1].astype(int),
                                                "day": parts[0].astype(int)}), errors="coerce")
    bad = (~empty) & out.isna().to_numpy()
    return out, bad


def parse_months(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Months (first day of the month) from a column of months or dates."""
    empty = blank(values)
    out, _ = parse_dates(values)
    text = _text(values)
    month_year = text.str.match(r"^\d{1,2}[/.-]\d{4}$") & out.isna()
    if month_year.any():
        parts = text[month_year].str.extract(r"^(\d{1,2})[/.-](\d{4})$").astype(int)
        out[month_year] = pd.to_datetime(pd.DataFrame({"year": parts[1], "month": parts[0], "day": 1}),
                                         errors="coerce")
    named = text.str.match(r"^[^\d\W]{3,}\.?[\s/.-]*(de\s+)?\d{2,4}$") & out.isna()
    if named.any():
        parts = text[named].map(fold).str.extract(r"^([a-z]{3})[a-z]*_(?:de_)?(\d{2,4})$")
        month = parts[0].map(_MONTH_NAMES)
        year = pd.to_numeric(parts[1], errors="coerce")
        year = year.where(year >= 100, year + 2000)
        ok = month.notna() & year.notna()
        out[named[named].index[ok.to_numpy()]] = pd.to_datetime(
            pd.DataFrame({"year": year[ok], "month": month[ok], "day": 1}).astype(int), errors="coerce").to_numpy()
    out = out.dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]")
    bad = (~empty) & out.isna().to_numpy()
    return out, bad


_TRUE = {"true", "1", "yes", "y", "sim", "s", "si", "x", "verdadeiro", "verdadero"}
_FALSE = {"false", "0", "no", "n", "nao", "", "falso"}


def parse_bools(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Flags: true/false, 1/0, sim/não, sí/no, yes/no, x; blank is false."""
    folded = _text(values).map(fold)
    truth = folded.isin(_TRUE)
    bad = (~truth & ~folded.isin(_FALSE)).to_numpy()
    return truth.astype(bool), bad


def parse_ids(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Identifiers as text: '007' stays '007', an Excel number 7.0 becomes '7'; blank is unreadable."""
    whole = _instances(values, (float,))
    if whole.any():
        as_int = values[whole].map(lambda v: str(int(v)) if float(v).is_integer() else str(v))
        values = values.astype("object").where(~whole, as_int)
    ids = _text(values)
    return ids.astype(str), (ids == "").to_numpy()
