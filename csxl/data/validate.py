"""Turning a raw table into its canonical DataFrame, or saying exactly what to fix.

Each problem raises `CsxlDataError` naming the file, the sheet (XLSX), the
spreadsheet row (header = row 1) and the column as the user wrote it, the
offending value, and what to write instead. The first problem in file order
is reported, so fixing errors one by one walks down the file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from csxl.data import parse
from csxl.data.readers import RawTable
from csxl.data.schema import Column, canonical_value, enum_choices, fold, match_columns
from csxl.errors import CsxlDataError

_ENUM_COLUMNS = {("subscriptions", "interval"): "interval", ("customers", "status"): "status",
                 ("pipeline", "stage"): "stage", ("pipeline", "type"): "type"}
_FIX = {
    "number": "write a number such as 1234.56 or 1.234,56",
    "integer": "write a whole number such as 12",
    "date": "write a date as 2026-03-15 or 15/03/2026",
    "month": "write a month as 2026-03, 03/2026 or a date in that month",
    "bool": "write sim/não, yes/no, true/false or 1/0",
    "id": "every row needs this identifier",
}


def fail(raw: RawTable, position: int, header: str | None, problem: str, fix: str) -> CsxlDataError:
    """The error for one cell (or one row when header is None) of a raw table."""
    return CsxlDataError(problem, file=raw.file, sheet=raw.sheet, row=int(raw.rows[position]),
                         column=f'"{header}"' if header else None, fix=fix)


def _shown(value: object) -> str:
    text = str(value).strip()
    return f'"{text[:40]}"' if text else "an empty cell"


def _columns(raw: RawTable) -> dict[str, str]:
    """Canonical column -> header as written; raises if a required column is missing."""
    headers = list(raw.frame.columns)
    found = {name: headers[i] for i, name in match_columns(raw.table, headers).items()}
    missing = [c for c in raw.table.required if c not in found]
    if missing:
        column = raw.table.column(missing[0])
        accepted = ", ".join([column.name, *[a for a in column.aliases if fold(a) != column.name][:6]])
        shown = ", ".join(f'"{h}"' for h in headers if str(h).strip()) or "none"
        raise CsxlDataError(f"the {raw.table.name} table has no {missing[0]} column (headers found: {shown})",
                            file=raw.file, sheet=raw.sheet, row=1,
                            fix=f"add a column headed {accepted}")
    return found


def _parse(raw: RawTable, column: Column, header: str, values: pd.Series) -> pd.Series:
    kind = column.kind
    if kind in ("number", "integer"):
        parsed, bad = parse.parse_numbers(values)
    elif kind == "date":
        parsed, bad = parse.parse_dates(values)
    elif kind == "month":
        parsed, bad = parse.parse_months(values)
    elif kind == "bool":
        parsed, bad = parse.parse_bools(values)
    elif kind == "id":
        parsed, bad = parse.parse_ids(values)
        bad &= column.required
    else:
        parsed, bad = parse.parse_ids(values)
        bad[:] = False
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        what = {"id": "is empty", "bool": "is not yes or no"}.get(kind, f"is not a {kind}")
        raise fail(raw, i, header, f"{_shown(values.iloc[i])} {what}", _FIX[kind])
    if column.required and kind not in ("id", "text"):
        empty = pd.isna(parsed).to_numpy()
        if empty.any():
            i = int(np.flatnonzero(empty)[0])
            raise fail(raw, i, header, f"{column.name} is empty", _FIX[kind])
    if kind in ("number", "integer"):
        _check_range(raw, column, header, parsed, values)
    if kind == "integer":
        whole = parsed.isna() | (parsed == parsed.round())
        if not whole.all():
            i = int(np.flatnonzero(~whole.to_numpy())[0])
            raise fail(raw, i, header, f"{_shown(values.iloc[i])} is not a whole number", _FIX["integer"])
    return parsed


def _check_range(raw, column: Column, header: str, parsed: pd.Series, values: pd.Series) -> None:
    low = parsed < column.minimum if column.minimum is not None else pd.Series(False, index=parsed.index)
    high = parsed > column.maximum if column.maximum is not None else pd.Series(False, index=parsed.index)
    out = (low | high).to_numpy()
    if out.any():
        i = int(np.flatnonzero(out)[0])
        if column.maximum is None:
            problem, fix = f"{_shown(values.iloc[i])} is negative", f"{column.name} must be {column.minimum:g} or more"
        else:
            problem = f"{_shown(values.iloc[i])} is outside {column.minimum:g} to {column.maximum:g}"
            fix = f"write a {column.name} from {column.minimum:g} to {column.maximum:g}"
        raise fail(raw, i, header, problem, fix)


def _enum(raw: RawTable, enum: str, header: str, values: pd.Series) -> pd.Series:
    spellings = {v: canonical_value(enum, v) if str(v).strip() else "" for v in values.dropna().unique()}
    canonical = values.map(spellings)
    canonical = canonical.where(values.notna(), "")
    unknown = canonical.isna().to_numpy()
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        raise fail(raw, i, header, f"{_shown(values.iloc[i])} is not a known {enum}",
                   f"write one of {', '.join(enum_choices(enum))}")
    return canonical.astype(str)


def canonical_table(raw: RawTable) -> pd.DataFrame:
    """The canonical DataFrame of a raw table, with a `_row` column keeping each row's spreadsheet row."""
    found = _columns(raw)
    frame = raw.frame
    content = ~np.all([parse.blank(frame[h]) for h in frame.columns], axis=0) if len(frame) else np.array([], bool)
    if not content.any():
        raise CsxlDataError(f"the {raw.table.name} table has a header but no rows", file=raw.file, sheet=raw.sheet,
                            fix="add data rows below the header, or leave the table out")
    raw = RawTable(raw.table, frame[content].reset_index(drop=True), raw.rows[content], raw.file, raw.sheet)
    out = pd.DataFrame(index=raw.frame.index)
    for column in raw.table.columns:
        if column.name not in found:
            continue
        header = found[column.name]
        values = raw.frame[header]
        if isinstance(values, pd.DataFrame):  # two columns with the same header
            raise fail(raw, 0, header, "this header appears twice", "rename or remove one of the two columns")
        enum = _ENUM_COLUMNS.get((raw.table.name, column.name))
        out[column.name] = _enum(raw, enum, header, values) if enum else _parse(raw, column, header, values)
    if raw.table.extra_numeric:
        for header in raw.frame.columns:
            if header not in found.values() and str(header).strip():
                numbers, bad = parse.parse_numbers(raw.frame[header])
                if not bad.any():
                    out[fold(header)] = numbers
    out["_row"] = raw.rows
    _check_duplicates(raw, out, found)
    return out


def _check_duplicates(raw: RawTable, out: pd.DataFrame, found: dict[str, str]) -> None:
    key = [k for k in raw.table.key if k in out]
    if not key:
        return
    repeated = out.duplicated(subset=key, keep=False).to_numpy()
    if repeated.any():
        first, second = np.flatnonzero(repeated)[:2]
        names = " and ".join(found[k] for k in key)
        raise fail(raw, int(second), None,
                   f"this row repeats {names} of row {int(raw.rows[first])}",
                   "keep one row per " + ", ".join(key) + " (add the amounts together if both are real)")


def check_ids(raw_tables: dict[str, RawTable], tables: dict[str, pd.DataFrame], known: set[str]) -> None:
    """Every id in a secondary table must be a customer of the MRR data."""
    for name, frame in tables.items():
        if "customer_id" not in frame:
            continue
        stray = ~frame["customer_id"].isin(known).to_numpy()
        if stray.any():
            i = int(np.flatnonzero(stray)[0])
            raw = raw_tables[name]
            header = _columns(raw)["customer_id"]
            raise CsxlDataError(f'customer "{frame["customer_id"].iloc[i]}" is not in the MRR data',
                                file=raw.file, sheet=raw.sheet, row=int(frame["_row"].iloc[i]),
                                column=f'"{header}"', fix="fix the id, or add the customer's MRR rows")
