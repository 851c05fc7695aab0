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
import sys
from typing import Any

import numpy as np
import pandas as pd

from csxl.data.parse import parse_numbers
from csxl.data.readers import RawTable
from csxl.data.schema import MRR
from csxl.data.validate import canonical_table
from csxl.errors import CsxlDataError


def _kind(value: Any) -> str | None:
    """What a cell holds where a number is due, when it is not one: "TRUE or FALSE", "a date", "a range"."""
    if isinstance(value, (bool, np.bool_)):
        return "TRUE or FALSE"
    if isinstance(value, (dt.date, dt.time, dt.timedelta, np.datetime64)):
        return "a date"
    if isinstance(value, (list, tuple, dict, set)):
        return "a range"
    return None


def _from_text(value: str) -> float:
    """A number typed as text, read as the data files are read (csxl.data.parse): "1,234" is 1234, "12,5" 12.5."""
    parsed, bad = parse_numbers(pd.Series([value], dtype=object))
    return np.nan if bad[0] else float(parsed.iloc[0])


def number(value: Any, name: str) -> float:
    """One finite number from a cell; text that reads as a number is accepted, blanks, words, TRUE/FALSE and
    dates are not."""
    if isinstance(value, list):
        raise ValueError(f"{name} must be one cell, not a range")
    kind = _kind(value)
    if kind:
        raise ValueError(f"{name} must be a number, not {kind}")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(f"{name} must be a number")
    try:
        result = _from_text(value) if isinstance(value, str) else float(value)
    except OverflowError:  # a Python int beyond any float
        result = np.inf
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number") from None
    if np.isinf(result):
        raise ValueError(f"{name} must be a number a cell can hold (it is too large)")
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
    """The numbers of a range, blanks dropped and a header row skipped.

    A column of answers usually starts with its title, and `=CS_NPS(F:F)`
    brings it along: a first row holding only text and blanks is that header
    and is skipped (in a one-column range passed as a flat list, the first
    cell). Anything else that is not a number - text, TRUE/FALSE, a date - is
    an error naming the argument and where it is, counted from the range's
    first row: `scores, row 3: "great" is not a number`. A single cell is
    never a header. Numbers typed as text are read as the data files are.
    """
    if values is None:
        return np.empty(0)
    if isinstance(values, list):
        values = _trimmed(values)
        _check_shape(values, name)
        skip = int(bool(values) and _is_header(values[0]))
        values = values[skip:] if skip else values
    else:
        values, skip = [values], 0
    width = len(values[0]) if values and isinstance(values[0], list) else 0
    cells = list(itertools.chain.from_iterable(values)) if width else values
    kinds = set(map(type, cells))
    _no_ranges_inside(kinds, name)
    too_large = f"{name} holds a number too large for a cell"
    if int in kinds and any(type(c) is int and abs(c) > sys.float_info.max for c in cells):
        raise ValueError(too_large)  # a Python int beyond any float, before any other cell's error
    if kinds <= _NUMBERS:
        array = np.fromiter(cells, float, len(cells))
    elif kinds <= _NUMBERS | {type(None)}:
        array = np.array(cells, dtype=float)  # None -> NaN
    else:
        array = _slow_numbers(cells, name, skip, width)
    array = array[~np.isnan(array)]
    if not np.isfinite(array).all():
        raise ValueError(too_large)
    return array


_NUMBERS = {float, int}


def _check_shape(values: list, name: str) -> None:
    """A range is a flat list of cells or a list of rows of one length; anything else is refused by name."""
    if not values or not isinstance(values[0], list):
        return
    try:
        widths = set(map(len, values))
    except TypeError:  # a cell among the rows
        widths = set()
    if len(widths) != 1:
        raise ValueError(f"{name} must be a rectangular range of cells")


def _no_ranges_inside(kinds: set[type], name: str) -> None:
    if kinds & {list, tuple, dict}:
        raise ValueError(f"{name} must be a range of cells, not a range of ranges")


def _is_header(first: Any) -> bool:
    """Whether a range's first row is a header: some text, the rest blank, no number (not even as text)."""
    cells = first if isinstance(first, list) else [first]
    strings = [c for c in cells if isinstance(c, str)]
    if not strings or len(strings) + cells.count(None) != len(cells):
        return False
    parsed, bad = parse_numbers(pd.Series(strings, dtype=object))
    return bool(np.isnan(parsed.to_numpy()).all()) and bool(bad.any())


def _slow_numbers(cells: list, name: str, skipped: int, width: int) -> np.ndarray:
    """The path for ranges holding more than numbers: read text as the data files are, report the first cell that
    is not a number, counting the `skipped` header row."""
    series = pd.Series(cells, dtype=object)
    kinds = series.map(_kind)
    parsed, bad = parse_numbers(series.where(kinds.isna(), None))
    bad = bad | kinds.notna().to_numpy()
    if not bad.any():
        return parsed.to_numpy(dtype=float)
    i = int(np.flatnonzero(bad)[0])
    if width:
        where = f"row {i // width + 1 + skipped}" + (f", column {i % width + 1}" if width > 1 else "")
    else:  # a flat list: one column or one row of cells
        where = f"cell {i + 1 + skipped}"
    what = kinds.iloc[i] or f'"{cells[i]}"'
    raise ValueError(f"{name}, {where}: {what} is not a number")


def rows(values: Any, name: str) -> list[list[Any]]:
    """A range as a list of rows, trailing blank rows cut off (a whole-column selection)."""
    if not isinstance(values, list) or not values:
        raise ValueError(f"{name} must be a range with a header row and data rows")
    return _trimmed(values if isinstance(values[0], list) else [values])


_FLOATS = {float, type(None)}
_DATETIMES = {dt.datetime, type(None)}


# the dates pandas holds (nanoseconds from 1970); a date outside them would wrap around to another century
FIRST_DATE, LAST_DATE = pd.Timestamp.min.ceil("D"), pd.Timestamp.max.floor("D")


def check_date(value: Any, where: str) -> None:
    """Refuse a date cell csxl cannot hold, rather than read it as a date centuries away."""
    if isinstance(value, dt.date):
        day = dt.date(value.year, value.month, value.day)
        if not FIRST_DATE.date() <= day <= LAST_DATE.date():
            raise ValueError(f"{where}: {day.isoformat()} is outside the dates csxl reads "
                             f"({FIRST_DATE.date().isoformat()} to {LAST_DATE.date().isoformat()})")


def _year_in_range(value: dt.date) -> bool:
    return FIRST_DATE.year < value.year < LAST_DATE.year


def _column(values: list, where: str) -> np.ndarray:
    """One column of a range as an array: floats and datetimes converted at once, anything else as it is.

    A column holding only numbers (or only dates) and blanks becomes float64
    (datetime64) so the parsers take their fast paths; a column mixing in text
    stays as objects and the parsers name the bad cell. A date too far away
    for pandas is an error naming its row (`where` says the column).
    """
    kinds = set(map(type, values))
    if kinds <= _FLOATS:
        return np.array(values, dtype=float)
    dates = [(i, v) for i, v in enumerate(values) if isinstance(v, dt.date)] if not kinds <= _DATETIMES else []
    if kinds <= _DATETIMES:
        try:
            return pd.DatetimeIndex(values).as_unit("ns").to_numpy()
        except pd.errors.OutOfBoundsDatetime:
            dates = list(enumerate(values))
    for i, value in dates:
        if value is not None and not _year_in_range(value):
            check_date(value, where.format(row=i + 2))
    return np.array(values, dtype=object)


def mrr_frame(data: Any, name: str = "data") -> pd.DataFrame:
    """Canonical MRR rows from a range whose first row holds the headers (customer, month, mrr[, product]).

    Problems are reported like the file readers do, with the range's own row
    numbers (the header is row 1): `data, row 14, column "mrr": "abc" is not a number`.
    """
    table = rows(data, name)
    if len(table) < 2:
        raise ValueError(f"{name} must have a header row and at least one data row")
    _check_shape(table, name)
    _no_ranges_inside(set(map(type, table[0])), name)
    header = ["" if h is None else str(h) for h in table[0]]
    body = table[1:]
    # one list per column; a comprehension, as zip(*body) is slow over 100,000 rows
    columns = [[row[i] for row in body] for i in range(len(header))]
    for values in columns:
        _no_ranges_inside(set(map(type, values)), name)
    frame = pd.DataFrame({i: _column(values, f'{name}, row {{row}}, column "{header[i]}"')
                          for i, values in enumerate(columns)})
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
