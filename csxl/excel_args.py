"""Excel-shaped arguments turned into what `csxl.metrics` takes.

What xlwings hands a UDF: a single cell as a float, a str, a bool, a datetime
or None (blank); a range as a list of rows (a one-row or one-column range as
a flat list). A whole column (F:F) brings a million trailing blanks, so blanks
are dropped with numpy, never in a Python loop. Anything that cannot be used
raises `ValueError` with a short text naming the argument; the UDF layer shows
it in the cell.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import numpy as np
import pandas as pd

from csxl.data.readers import RawTable
from csxl.data.schema import MRR
from csxl.data.validate import canonical_table
from csxl.errors import CsxlDataError


def number(value: Any, name: str) -> float:
    """One number from a cell; text that reads as a number is accepted, blanks and words are not."""
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(f"{name} must be a number")
    if isinstance(value, list):
        raise ValueError(f"{name} must be one cell, not a range")
    try:
        result = float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number") from None
    if not np.isfinite(result):
        raise ValueError(f"{name} must be a number")
    return result


def optional_number(value: Any, name: str, default: float) -> float:
    """An optional numeric argument: omitted or blank means the default."""
    return default if value is None or (isinstance(value, str) and not value.strip()) else number(value, name)


def text(value: Any, default: str = "") -> str:
    return default if value is None else str(value).strip()


def trailing_blanks_start(values: list, blank: Any) -> int:
    """Where the run of blank items at the end of `values` begins.

    A whole-column selection brings a million blank rows after the data. A
    binary search over single rows finds the likely start in ~20 probes, and
    counting the blanks of the whole list and of the data part (`list.count`,
    done in C, no copy of the million rows) confirms it; only a range with
    blank rows inside its data needs the slower exact search.
    """
    n = len(values)
    if not n or values[-1] != blank:
        return n
    lo, hi = 0, n - 1  # values[hi] is blank
    while lo < hi:
        mid = (lo + hi) // 2
        if values[mid] == blank:
            hi = mid
        else:
            lo = mid + 1
    if values.count(blank) - values[:hi].count(blank) == n - hi:
        return hi
    lo, hi = hi, n  # invariant: values[hi:] is all blank
    while lo < hi:
        mid = (lo + hi) // 2
        if values[mid:hi] == [blank] * (hi - mid):
            hi = mid
        else:
            lo = mid + 1
    return hi


def _trimmed(values: list) -> list:
    if values and isinstance(values[0], list):
        return values[: trailing_blanks_start(values, [None] * len(values[0]))]
    return values[: trailing_blanks_start(values, None)]


def numbers(values: Any, name: str) -> np.ndarray:
    """The numbers of a range, blanks dropped; any text other than blanks is an error naming the argument."""
    if values is None:
        return np.empty(0)
    values = _trimmed(values) if isinstance(values, list) else [values]
    array = None
    if values and isinstance(values[0], list) and len(values[0]) == 1:
        try:  # one column of rows: numbers only, the common case, read without building a 2-D array
            array = np.fromiter(itertools.chain.from_iterable(values), float, len(values))
        except (TypeError, ValueError):
            array = None
    if array is None:
        try:
            array = np.asarray(values, dtype=float).ravel()
        except (TypeError, ValueError):
            array = _slow_numbers(values, name)
    return array[~np.isnan(array)]


def _slow_numbers(values: Any, name: str) -> np.ndarray:
    """The path for ranges holding text: find the first non-number to report it."""
    flat = pd.Series(np.asarray(values, dtype=object).ravel())
    blank = flat.isna() | (flat.astype(str).str.strip() == "")
    parsed = pd.to_numeric(flat.where(~blank), errors="coerce")
    bad = parsed.isna() & ~blank
    if bad.any():
        raise ValueError(f'{name} must hold numbers only ("{flat[bad].iloc[0]}" is text)')
    return parsed.to_numpy(dtype=float)


def rows(values: Any, name: str) -> list[list[Any]]:
    """A range as a list of rows, trailing blank rows cut off (a whole-column selection)."""
    if not isinstance(values, list) or not values:
        raise ValueError(f"{name} must be a range with a header row and data rows")
    return _trimmed(values if isinstance(values[0], list) else [values])


_FLOATS = {float, type(None)}
_DATETIMES = {dt.datetime, type(None)}


def _column(values: list) -> np.ndarray:
    """One column of a range as an array: floats and datetimes converted at once, anything else as it is.

    A column holding only numbers (or only dates) and blanks becomes float64
    (datetime64) so the parsers take their fast paths; a column mixing in text
    stays as objects and the parsers name the bad cell.
    """
    kinds = set(map(type, values))
    if kinds <= _FLOATS:
        return np.array(values, dtype=float)
    if kinds <= _DATETIMES:
        return pd.DatetimeIndex(values).as_unit("ns").to_numpy()
    return np.array(values, dtype=object)


def mrr_frame(data: Any, name: str = "data") -> pd.DataFrame:
    """Canonical MRR rows from a range whose first row holds the headers (customer, month, mrr[, product]).

    Problems are reported like the file readers do, with the range's own row
    numbers (the header is row 1): `data, row 14, column "mrr": "abc" is not a number`.
    """
    table = rows(data, name)
    if len(table) < 2:
        raise ValueError(f"{name} must have a header row and at least one data row")
    header = ["" if h is None else str(h) for h in table[0]]
    body = table[1:]
    try:  # one list per column; a comprehension, as zip(*body) is slow over 100,000 rows
        columns = [[row[i] for row in body] for i in range(len(header))]
    except IndexError:
        raise ValueError(f"{name} must be a rectangular range") from None
    frame = pd.DataFrame({i: _column(values) for i, values in enumerate(columns)})
    frame.columns = header
    raw = RawTable(MRR, frame, np.arange(2, len(frame) + 2), name)
    try:
        canonical = canonical_table(raw)
    except CsxlDataError as err:
        raise ValueError(str(err)) from None
    if "product" not in canonical:
        canonical["product"] = ""
    if "price_adjustment" not in canonical:
        canonical["price_adjustment"] = False
    return canonical.drop(columns="_row")
