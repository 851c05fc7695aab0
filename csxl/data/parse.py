"""Parsing the values users export: decimal commas, day-first dates, Excel serials, month names.

Each parser takes a whole column (a pandas Series of strings, numbers or
datetimes, as the CSV, XLSX and Parquet readers give them) and returns the
parsed values with a mask of the entries it could not read, so the validator
can name the first bad row. Blank cells are not errors here: they come back
as NaN / NaT / "" and the validator decides whether the column may be blank.

A column of a million rows holds few distinct spellings (36 months, a few
thousand dates), so every parser reads each distinct value once and spreads
the result back with the factorisation codes; the text itself is parsed with
vectorised string operations, never a Python loop per row.

Conventions (docs/data.md):
- Numbers: the decimal separator is decided per column from the values that
  prove it ("12,5", "1.234,56" and "1.234.567" prove a decimal comma;
  "12.5", "1,234.56" and "1,234,567" a decimal point); the first proof in
  file order wins and values contradicting it are errors. A column with no
  proof and a value like "99.000" or "1.500" is ambiguous (99 or 99,000?):
  `AmbiguousDecimal`, unless the caller states the separator (`decimal`).
  Without proof, "1,500" is fifteen hundred.
- Dates are ISO (2026-03-15), day first (15/03/2026, 15.03.26), 20260315,
  "15 mar 2026", or Excel serial numbers from 1950 on (46096); never month first.
  Only dates from 1950-01-01 to 2200-12-31 are read (`DATE_RANGE`): pandas
  counts nanoseconds, so a year past 2262 would wrap round to 1816; an end
  date in the year 9999, the ERP spelling of "no end", is read as empty.
- Months are 2026-03, 03/2026, 202603, mar/2026, "março de 2026" (pt, es, en
  names) or any date or serial in the month.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from typing import Any

import numpy as np
import pandas as pd

from csxl.data.schema import canonical_value, fold

_NAT = np.datetime64("NaT", "ns")
_NAT_DAY = np.datetime64("NaT", "D")
# the dates csxl reads; dates are computed in days (numpy's datetime64[D] spans any year) and checked against it
# before they become pandas nanoseconds
DATE_RANGE = (np.datetime64("1950-01-01", "D"), np.datetime64("2200-12-31", "D"))
_OPEN_END_YEAR = 9999

_MONTH_WORDS = (
    ("january", "janeiro", "enero"), ("february", "fevereiro", "febrero"), ("march", "marco", "marzo"),
    ("april", "abril"), ("may", "maio", "mayo"), ("june", "junho", "junio"), ("july", "julho", "julio"),
    ("august", "agosto"), ("september", "setembro", "septiembre", "setiembre", "sept"),
    ("october", "outubro", "octubre"), ("november", "novembro", "noviembre"),
    ("december", "dezembro", "diciembre"),
)
MONTH_NAMES = {spelling: number for number, words in enumerate(_MONTH_WORDS, start=1)
               for word in words for spelling in (word, word[:3])}

Parsed = tuple[pd.Series, np.ndarray]


class _Cells:
    """The distinct values of a column split by what they are: numbers, datetimes or text.

    XLSX columns mix Python types (a serial next to a typed date next to a
    string); CSV columns are all text; Parquet columns are typed. Each parser
    handles the three parts, so it does not matter where a value came from.
    """

    def __init__(self, values: pd.Series) -> None:
        self.codes, uniques = pd.factorize(values, use_na_sentinel=True)
        n = len(uniques)
        self.numbers = np.full(n, np.nan)
        self.stamps = np.full(n, _NAT_DAY).astype("datetime64[s]")  # seconds, not nanoseconds: any year fits
        text = pd.Series("", index=range(n), dtype=str)
        if _is_text_dtype(uniques.dtype) or pd.api.types.is_bool_dtype(uniques.dtype):
            text = pd.Series(uniques.astype(str).array)
        elif pd.api.types.is_numeric_dtype(uniques.dtype):
            self.numbers = np.asarray(uniques, dtype=float)
        elif pd.api.types.is_datetime64_any_dtype(uniques.dtype):
            stamps = pd.DatetimeIndex(uniques)
            self.stamps = (stamps.tz_localize(None) if stamps.tz is not None else stamps).to_numpy().astype(
                "datetime64[s]")
        else:
            items = pd.Series(np.asarray(uniques, dtype=object))
            number = items.map(lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_)))
            stamp = items.map(lambda v: isinstance(v, (dt.date, np.datetime64)))
            if number.any():
                self.numbers[number.to_numpy()] = items[number].map(_as_float).to_numpy(dtype=float)
            if stamp.any():
                # wall time, as for a typed column: numpy has no time zones
                naive = [v.replace(tzinfo=None) if isinstance(v, dt.datetime) else v for v in items[stamp]]
                self.stamps[stamp.to_numpy()] = np.array(naive, dtype="datetime64[s]")
            rest = ~(number | stamp)
            text[rest] = items[rest].astype(str)
        self.text = text.str.strip()
        self.is_text = (self.text != "").to_numpy(dtype=bool)

    def spread(self, parsed: np.ndarray, bad: np.ndarray, index: pd.Index, fill: object) -> Parsed:
        """Per-row values and bad mask from per-distinct-value ones; missing cells get `fill`."""
        values = pd.api.extensions.take(parsed, self.codes, allow_fill=True, fill_value=fill)
        bad_rows = pd.api.extensions.take(bad, self.codes, allow_fill=True, fill_value=False)
        return pd.Series(values, index=index), np.asarray(bad_rows, dtype=bool)


def _as_float(value: Any) -> float:
    """A cell's number as a float; a Python int beyond float's range (no spreadsheet holds one, a caller of the
    functions may pass it) becomes an infinity, which the checks then refuse as not a finite number."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _is_text_dtype(dtype: Any) -> bool:
    """A pandas string dtype (CSV columns); object columns (XLSX) may mix types and are looked at per value."""
    return pd.api.types.is_string_dtype(dtype) and not isinstance(dtype, np.dtype)


def blank(values: pd.Series) -> np.ndarray:
    """True where a cell is empty (None, NaN or only spaces)."""
    if _is_text_dtype(values.dtype):
        return (values.isna() | (values.str.strip() == "")).to_numpy(dtype=bool)
    if values.dtype != object:
        return values.isna().to_numpy(dtype=bool)
    cells = _Cells(values)
    empty = ~cells.is_text & np.isnan(cells.numbers) & np.isnat(cells.stamps)
    return cells.spread(empty, empty, values.index, True)[0].to_numpy(dtype=bool)


# --- numbers ---------------------------------------------------------------------------------------------------

_CURRENCY = r"(?:R\$|US\$|U\$S|\$|€|£|BRL|USD|EUR|MXN|ARS|CLP|COP|PEN|UYU|GBP)?"
_NUMBER = (rf"^(?P<open>\()?(?P<sign>[+-])?{_CURRENCY}(?P<sign2>[+-])?(?P<body>\d[\d.,]*|[.,]\d[\d.,]*)"
           rf"(?P<exp>E[+-]?\d+)?{_CURRENCY}(?P<close>\))?(?P<trail>-)?$")
# the characters themselves, not \s or \u escapes, so pandas hands the pattern to pyarrow, not to Python's re
_SPACES = "[ \t\xa0\u202f']"
_SHAPE = r"^(?P<lead>\d*)(?:[\d.,]*(?P<last>[.,])(?P<after>\d*))?$"


def _extract(text: pd.Series, pattern: str) -> pd.DataFrame:
    """The named groups of `pattern` in each entry, with pyarrow's RE2; NaN where a group matched nothing.

    pandas runs str.extract through Python's re one entry at a time; a
    column of a million amounts would spend seconds there. pyarrow is optional
    (the `parquet` extra; Pyodide lacks it on some versions): pandas loads it
    whenever it is installed, and without it Python's re does the same work,
    with ASCII digits as RE2 has them.
    """
    if "pyarrow.compute" not in sys.modules:
        found = text.str.extract(pattern, flags=re.ASCII)
        return found.where(found.notna() & (found != ""))
    import pyarrow as pa
    import pyarrow.compute as pc

    groups = pc.extract_regex(pa.array(text, type=pa.large_string(), from_pandas=True), pattern)
    columns = {}
    for field in groups.type:
        values = pd.Series(groups.field(field.name), index=text.index, dtype=text.dtype)
        columns[field.name] = values.where(groups.is_valid().to_numpy(zero_copy_only=False) & (values != ""))
    return pd.DataFrame(columns, index=text.index)


class AmbiguousDecimal(ValueError):
    """No value of a number column shows whether its point is a decimal point: "99.000" may be 99 or 99,000.

    `position` is the position in the column of the first such value.
    """

    def __init__(self, position: int) -> None:
        super().__init__(f"ambiguous decimal separator at position {position}")
        self.position = position


def _decimal_separator(body: pd.Series) -> str | None:
    """The column's decimal separator: that of the first value proving one, else "." (no decimals: "1,500" is
    1500), or None when some value has a point that no value proves ("99.000": 99 or 99,000?).

    A value proves a separator when it cannot be a thousands separator there:
    both appear and it is the last one, the other one repeats, or it is
    followed by other than three digits or preceded by a lone 0.
    """
    dots, commas = body.str.count(r"\.").to_numpy(), body.str.count(",").to_numpy()
    shape = _extract(body, _SHAPE)
    last = shape["last"].to_numpy(dtype=object)
    lead = shape["lead"].str.len().to_numpy()
    grouped = (shape["after"].str.len().to_numpy() == 3) & (lead >= 1) & (lead <= 3) & ~body.str.match("0").to_numpy()
    both = (dots > 0) & (commas > 0)
    comma = (both & (last == ",")) | ((dots > 1) & (commas == 0)) | ((commas == 1) & (dots == 0) & ~grouped)
    dot = (both & (last == ".")) | ((commas > 1) & (dots == 0)) | ((dots == 1) & (commas == 0) & ~grouped)
    proof = comma | dot
    if proof.any():
        return "," if comma[np.argmax(proof)] else "."
    return None if (dots > 0).any() else "."


# digits with at most two decimals after a point: no thousands separator, nothing to decide, the common export
# ([0-9], not \d: Python's \d also matches other scripts' digits, which float() and pandas do not read)
_PLAIN = r"-?[0-9]+(?:\.[0-9]{1,2})?"


def _numbers_from_text(text: pd.Series, decimal: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Numbers and the unreadable mask of distinct texts; raises `AmbiguousDecimal` (the position among them)."""
    if decimal != "," and text.str.fullmatch(_PLAIN).all():
        return pd.to_numeric(text).to_numpy(dtype=float), np.zeros(len(text), dtype=bool)
    spaced = text.str.contains(_SPACES).to_numpy(dtype=bool)
    if spaced.any():  # "1 234,56" (es), "R$ 1.234,56", "1'234.56"
        text = text.copy()
        text[spaced] = text[spaced].str.replace(_SPACES, "", regex=True)
    parts = _extract(text.str.upper(), _NUMBER)
    body = parts["body"]
    found = body.notna().to_numpy()
    if decimal is None:
        decimal = _decimal_separator(body[found]) if found.any() else "."
        if decimal is None:
            raise AmbiguousDecimal(int(np.argmax(body.str.contains(".", regex=False).fillna(False).to_numpy())))
    thousands = "." if decimal == "," else ","
    d, t = re.escape(decimal), re.escape(thousands)
    well_formed = body.str.fullmatch(rf"\d{{1,3}}(?:{t}\d{{3}})+(?:{d}\d*)?|\d*(?:{d}\d*)?").fillna(False)
    paren = parts["open"].notna() == parts["close"].notna()
    digits = body.str.replace(thousands, "", regex=False).str.replace(decimal, ".", regex=False)
    value = pd.to_numeric(digits + parts["exp"].fillna(""), errors="coerce").to_numpy(dtype=float)
    negative = (parts["sign"].eq("-") | parts["sign2"].eq("-") | parts["open"].notna() | parts["trail"].notna())
    value = np.where(negative.to_numpy(dtype=bool), -value, value)
    ok = (well_formed & paren).to_numpy(dtype=bool) & ~np.isnan(value)
    return np.where(ok, value, np.nan), ~ok


def parse_numbers(values: pd.Series, decimal: str | None = None) -> Parsed:
    """Numbers from a column: floats (NaN for blanks) and the mask of unreadable entries.

    `decimal` ("." or ",") states the decimal separator of text; None decides it from the values, and raises
    `AmbiguousDecimal` (the position of the first ambiguous row) when they cannot tell.
    """
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return values.astype(float), np.zeros(len(values), dtype=bool)
    cells = _Cells(values)
    parsed, bad = cells.numbers.copy(), ~np.isnat(cells.stamps)
    if cells.is_text.any():
        try:
            parsed[cells.is_text], bad[cells.is_text] = _numbers_from_text(cells.text[cells.is_text], decimal)
        except AmbiguousDecimal as err:
            distinct = np.flatnonzero(cells.is_text)[err.position]
            raise AmbiguousDecimal(int(np.argmax(cells.codes == distinct))) from None
    series, bad = cells.spread(parsed, bad, values.index, np.nan)
    return series.astype(float), bad


# --- dates and months --------------------------------------------------------------------------------------------

# Excel serials count days from 1899-12-30; those of plausible dates (1950 to 2173) have five digits, so a
# bare 2026 is not mistaken for a day of 1905 and 202603 / 20260315 are read as digits of a month or a day
_EXCEL_EPOCH = np.datetime64("1899-12-30", "s")
_SERIALS = (18_264, 100_000)


def _ymd(year: pd.Series, month: pd.Series, day: pd.Series | int = 1) -> np.ndarray:
    """Days from text parts (NaT where they make no date, like 31/02); years written with two digits are 20xx.

    numpy's calendar arithmetic in days, not pandas', so a year 9999 stays 9999 for the range check to refuse.
    """
    y = pd.to_numeric(year, errors="coerce").to_numpy(dtype=float)
    y = np.where(year.astype(str).str.len().to_numpy() <= 2, y + 2000, y)
    m = pd.to_numeric(month, errors="coerce").to_numpy(dtype=float)
    d = pd.to_numeric(day, errors="coerce").to_numpy(dtype=float) if isinstance(day, pd.Series) \
        else np.full(len(y), float(day))
    ok = np.isfinite(y + m + d) & (y < 10_000) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31)
    months = ((y[ok] - 1970) * 12 + m[ok] - 1).astype("int64").astype("datetime64[M]")
    days = months.astype("datetime64[D]") + (d[ok] - 1).astype("int64")
    real = days.astype("datetime64[M]") == months
    out = np.full(len(y), _NAT_DAY)
    out[np.flatnonzero(ok)[real]] = days[real]
    return out


_TIME = r"(?:[T ]\d.*)?"  # a time after the date is ignored
_DAY_DIGITS = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"
_MONTH_DIGITS = r"^(?P<y>\d{4})(?P<m>\d{2})$"
_DAYS = (
    rf"^(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_TIME}$",
    rf"^(?P<d>\d{{1,2}})[-/.](?P<m>\d{{1,2}})[-/.](?P<y>\d{{4}}|\d{{2}}){_TIME}$",
    _DAY_DIGITS,
)
# No two patterns match one text, so their order only decides how soon a column is read: the ISO month, the
# commonest spelling of a month column, first - each pattern is one pass over the values still unread.
_MONTHS = (r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})$", *_DAYS, r"^(?P<m>\d{1,2})[-/.](?P<y>\d{4})$", _MONTH_DIGITS)
_NAMED = (r"^(?:(?P<d>\d{1,2})_)?(?:de_)?(?P<name>[a-z]+)_(?:de_)?(?P<y>\d{4}|\d{2})$",
          r"^(?P<y>\d{4})_(?P<name>[a-z]+)$")


def _fill(out: np.ndarray, text: pd.Series, pattern: str) -> None:
    """Parse the entries of `text` still NaT in `out` that match `pattern` (groups y, m and maybe d)."""
    todo = np.isnat(out)
    if not todo.any():
        return
    parts = _extract(text[todo], pattern)
    hit = parts["y"].notna().to_numpy()
    if hit.any():
        day = parts["d"][hit] if "d" in parts else 1
        out[np.flatnonzero(todo)[hit]] = _ymd(parts["y"][hit], parts["m"][hit], day)


def _fill_named(out: np.ndarray, text: pd.Series, need_day: bool) -> None:
    """'mar/2026', 'Março de 2026', '2026 mar', '15-Mar-26' (pt, es, en month names)."""
    todo = np.isnat(out)
    if not todo.any():
        return
    folded = text[todo].map(fold)
    parts = _extract(folded, _NAMED[0])
    year_first = _extract(folded, _NAMED[1])
    parts["y"] = parts["y"].fillna(year_first["y"])
    month = parts["name"].fillna(year_first["name"]).map(MONTH_NAMES)
    hit = (month.notna() & (parts["d"].notna() | (not need_day))).to_numpy()
    if hit.any():
        out[np.flatnonzero(todo)[hit]] = _ymd(parts["y"][hit], month[hit], parts["d"].fillna("1")[hit])


def _from_numbers(numbers: np.ndarray, digit_patterns: tuple[str, ...]) -> np.ndarray:
    """Excel serials, and whole numbers whose digits spell a date or a month (20260315, 202603)."""
    out = np.full(len(numbers), _NAT_DAY)
    serial = (numbers >= _SERIALS[0]) & (numbers < _SERIALS[1])
    seconds = np.round(numbers[serial] * 86_400).astype("int64").astype("timedelta64[s]")
    out[serial] = (_EXCEL_EPOCH + seconds).astype("datetime64[D]")
    whole = (numbers >= _SERIALS[1]) & (numbers < 1e8) & (np.mod(numbers, 1) == 0)  # at most 8 digits: 20260315
    if whole.any():
        digits, spelled = pd.Series(numbers[whole].astype("int64").astype(str)), np.full(int(whole.sum()), _NAT_DAY)
        for pattern in digit_patterns:
            _fill(spelled, digits, pattern)
        out[whole] = spelled
    return out


def _parse_calendar(values: pd.Series, patterns: tuple[str, ...], digit_patterns: tuple[str, ...],
                    need_day: bool) -> tuple[_Cells, np.ndarray, np.ndarray]:
    """Days of the distinct values of a column, whatever their year, and which of them could not be read."""
    cells = _Cells(values)
    out = cells.stamps.astype("datetime64[D]")
    numeric = ~np.isnan(cells.numbers)
    out[numeric] = _from_numbers(cells.numbers[numeric], digit_patterns)
    if cells.is_text.any():
        text = cells.text[cells.is_text]
        found = np.full(len(text), _NAT_DAY)
        serial = text.str.fullmatch(r"\d{5}(?:[.,]\d+)?").to_numpy(dtype=bool)
        found[serial] = _from_numbers(
            pd.to_numeric(text[serial].str.replace(",", "."), errors="coerce").to_numpy(float), ())
        for pattern in patterns:
            _fill(found, text, pattern)
        _fill_named(found, text, need_day)
        out[cells.is_text] = found
    return cells, out, np.isnat(out) & (cells.is_text | numeric)


def _outside(days: np.ndarray) -> np.ndarray:
    """Days readable but outside `DATE_RANGE`."""
    return ~np.isnat(days) & ((days < DATE_RANGE[0]) | (days > DATE_RANGE[1]))


def _in_range(cells: _Cells, days: np.ndarray, bad: np.ndarray, index: pd.Index, open_end: bool) -> Parsed:
    """Per-row nanosecond dates: days outside `DATE_RANGE` are bad, or empty when they are an open end (9999)."""
    far = _outside(days)
    if open_end:
        endless = far & (days.astype("datetime64[Y]").astype("int64") + 1970 == _OPEN_END_YEAR)
        days, far = np.where(endless, _NAT_DAY, days), far & ~endless
    return cells.spread(np.where(far, _NAT_DAY, days).astype("datetime64[ns]"), bad | far, index, _NAT)


def parse_dates(values: pd.Series, open_end: bool = False) -> Parsed:
    """Dates from a column: datetime64 at midnight (NaT for blanks) and the mask of unreadable entries.

    Dates outside `DATE_RANGE` are unreadable; with `open_end` (an end date), one in the year 9999 is empty.
    """
    cells, days, bad = _parse_calendar(values, _DAYS, (_DAY_DIGITS,), need_day=True)
    return _in_range(cells, days, bad, values.index, open_end)


def parse_months(values: pd.Series) -> Parsed:
    """Months from a column of months or dates: datetime64 on the first of the month, and the unreadable mask."""
    cells, days, bad = _parse_calendar(values, _MONTHS, (_MONTH_DIGITS, _DAY_DIGITS), need_day=False)
    return _in_range(cells, days.astype("datetime64[M]").astype("datetime64[D]"), bad, values.index, False)


def outside_date_range(value: object, kind: str) -> bool:
    """Whether one unreadable date ("date") or month ("month") reads as a day outside `DATE_RANGE`, to say so."""
    month = kind == "month"
    _, days, _ = _parse_calendar(pd.Series([value], dtype=object), _MONTHS if month else _DAYS,
                                 (_MONTH_DIGITS, _DAY_DIGITS) if month else (_DAY_DIGITS,), need_day=not month)
    return bool(_outside(days)[0])


# --- flags, identifiers, enumerations ----------------------------------------------------------------------------

_TRUE = {"true", "1", "yes", "y", "sim", "s", "si", "x", "verdadeiro", "verdadero"}
_FALSE = {"false", "0", "no", "n", "nao", "falso"}


def parse_bools(values: pd.Series) -> Parsed:
    """Flags: true/false, 1/0, sim/não, sí/no, yes/no, x; blank is false."""
    cells = _Cells(values)
    folded = cells.text.map(fold)
    truth = folded.isin(_TRUE).to_numpy() | (cells.numbers == 1)
    known = truth | folded.isin(_FALSE).to_numpy() | (cells.numbers == 0)
    bad = ~known & (cells.is_text | ~np.isnan(cells.numbers) | ~np.isnat(cells.stamps))
    series, bad = cells.spread(truth, bad, values.index, False)
    return series.astype(bool), bad


def _as_text(cells: _Cells) -> np.ndarray:
    """Each distinct value as the text a user sees: a whole number 7.0 is '7', a date is 2026-03-15."""
    text = cells.text.to_numpy(dtype=object)
    numeric = ~np.isnan(cells.numbers)
    whole = numeric & (np.mod(cells.numbers, 1) == 0) & (np.abs(cells.numbers) < 2**63)
    text[whole] = cells.numbers[whole].astype("int64").astype(str)
    text[numeric & ~whole] = cells.numbers[numeric & ~whole].astype(str)
    stamped = ~np.isnat(cells.stamps)
    text[stamped] = np.datetime_as_string(cells.stamps[stamped], unit="D")
    return text


def parse_ids(values: pd.Series) -> Parsed:
    """Identifiers (and free text) as trimmed text: '007' stays '007', an Excel 7.0 is '7'; blank is bad."""
    if _is_text_dtype(values.dtype):  # CSV and Parquet text: trimmed in place, no distinct values to spread
        text = values.str.strip().fillna("")
        return text, (text == "").to_numpy(dtype=bool)
    cells = _Cells(values)
    distinct = _as_text(cells)
    series, bad = cells.spread(distinct, distinct == "", values.index, "")
    return series.astype(str), bad | (cells.codes == -1)


def parse_enum(values: pd.Series, enum: str) -> Parsed:
    """Canonical values of an enumeration ('Anual' -> 'year'); blank is "", unknown spellings are bad."""
    cells = _Cells(values)
    canonical = pd.Series(_as_text(cells)).map(lambda v: canonical_value(enum, v) if v else "")
    series, bad = cells.spread(canonical.fillna("").to_numpy(dtype=object), canonical.isna().to_numpy(),
                               values.index, "")
    return series.astype(str), bad
