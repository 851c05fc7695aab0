"""Turning a raw table into its canonical DataFrame, or saying exactly what to fix.

Each problem raises `CsxlDataError` naming the file, the sheet (XLSX), the
spreadsheet row (header = row 1) and the column as the user wrote it, the
offending value, and what to write instead. Within a column the first bad
row is reported, so fixing errors one by one walks down the file.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from csxl.currencies import USD_PER_UNIT, currency_code
from csxl.data import parse
from csxl.data.readers import RawTable, uncalculated_formula
from csxl.data.schema import Column, column_claims, enum_choices, fold, match_columns
from csxl.errors import CsxlDataError

# columns of kind "text" whose values are an enumeration of schema.py
_ENUM_COLUMNS = {("subscriptions", "interval"): "interval", ("customers", "status"): "status",
                 ("pipeline", "stage"): "stage", ("pipeline", "type"): "type"}
_PARSERS = {"month": parse.parse_months, "bool": parse.parse_bools, "id": parse.parse_ids, "text": parse.parse_ids}
_EXAMPLES = {
    "number": "as a number such as 1234.56 or 1.234,56",
    "integer": "as a whole number such as 12",
    "date": "as a date such as 2026-03-15 or 15/03/2026 (day first)",
    "month": "as a month such as 2026-03 or 03/2026, or a date in that month",
    "bool": "as sim/não, sí/no, yes/no, true/false or 1/0",
}
# the largest amount csxl reads: a thousand trillion, so that no sum of a book's amounts comes near overflowing
MAX_NUMBER = 1e15
# characters that do not show: control characters (C0, DEL, C1) and the invisible formatting ones (zero-width
# spaces and joiners, direction marks, the BOM); an id holding one looks like another id and is not the same
_INVISIBLE = "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
_LABELS = {"mrr": "MRR", "customer_id": "customer id", "subscription_id": "subscription id",
           "opportunity_id": "opportunity id"}


def _label(column: Column) -> str:
    return _LABELS.get(column.name, column.name.replace("_", " "))


def fail(raw: RawTable, position: int, header: str | None, problem: str, fix: str) -> CsxlDataError:
    """The error for one cell (or one row when header is None) of a raw table."""
    return CsxlDataError(problem, file=raw.file, sheet=raw.sheet, row=int(raw.rows[position]),
                         column=f'"{header}"' if header else None, fix=fix)


def _shown(value: object) -> str:
    text = str(value).strip()
    return f'"{text[:40]}"' if text else "an empty cell"


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _columns(raw: RawTable) -> dict[str, str]:
    """Canonical column -> header as written; raises if a required column is missing or two headers mean one."""
    headers: list[object] = list(raw.frame.columns)
    for name, positions in column_claims(raw.table, headers).items():
        if len(positions) > 1:
            first, second = (f'"{headers[i]}" (column {i + 1})' for i in positions[:2])
            raise CsxlDataError(f"the headers {first} and {second} both mean the {name} column", file=raw.file,
                                sheet=raw.sheet, row=raw.header_row, fix="keep one of them: rename or remove the other")
    found = {name: headers[i] for i, name in match_columns(raw.table, headers).items()}
    missing = [c for c in raw.table.required if c not in found]
    if missing:
        column = raw.table.column(missing[0])
        accepted = ", ".join(dict.fromkeys([column.name, *column.aliases]))
        shown = ", ".join(f'"{h}"' for h in headers if str(h).strip()) or "none"
        raise CsxlDataError(f"the {raw.table.name} table has no {column.name} column (headers found: {shown})",
                            file=raw.file, sheet=raw.sheet, row=raw.header_row,
                            fix=f"add a column headed with one of: {accepted}")
    return found  # type: ignore[return-value]  # headers as written: text, or a number an XLSX header holds


def _numbers(raw: RawTable, header: str, values: pd.Series, decimal: str | None) -> parse.Parsed:
    """A number column parsed, or the error saying how to state a decimal separator its values leave open."""
    try:
        return parse.parse_numbers(values, decimal)
    except parse.AmbiguousDecimal as err:
        text = str(values.iloc[err.position]).strip()
        point, comma = (parse.parse_numbers(pd.Series([text]), d)[0].iloc[0] for d in (".", ","))
        raise fail(raw, err.position, header, f'"{text}" is ambiguous: no value of the column shows whether "." '
                   f"is its decimal point ({point:,g}) or separates thousands ({comma:,g})",
                   'state it: --decimal . or --decimal , (in Python load(..., decimal=".")), or write the '
                   "amounts with a decimal comma or with at most two decimals") from None


def _parse(raw: RawTable, column: Column, header: str, values: pd.Series, decimal: str | None) -> pd.Series:
    """One column parsed and checked: readable, present when required, in range, enumerated."""
    enum = _ENUM_COLUMNS.get((raw.table.name, column.name))
    if enum:
        parsed, bad = parse.parse_enum(values, enum)
    elif column.kind == "date":
        parsed, bad = parse.parse_dates(values, open_end=column.open_end)
    elif column.kind in ("number", "integer"):
        parsed, bad = _numbers(raw, header, values, decimal)
    else:
        parsed, bad = _PARSERS[column.kind](values)
    if column.kind in ("id", "text") and not enum:
        bad = np.zeros(len(values), dtype=bool)  # blanks are checked below
    if bad.any():
        i = _first(bad)
        if enum:
            raise fail(raw, i, header, f"{_shown(values.iloc[i])} is not a known {enum}",
                       f"write one of {', '.join(enum_choices(enum))}")
        if column.kind in ("date", "month") and parse.outside_date_range(values.iloc[i], column.kind):
            low, high = parse.DATE_RANGE
            raise fail(raw, i, header, f"{_shown(values.iloc[i])} is outside the dates csxl reads ({low} to {high})",
                       f"write the {_label(column)} from {low} to {high}"
                       + (", or leave it empty (or write 9999-12-31) when there is no end" if column.open_end else ""))
        noun = "yes or no" if column.kind == "bool" else f"a {'number' if column.kind == 'integer' else column.kind}"
        raise fail(raw, i, header, f"{_shown(values.iloc[i])} is not {noun}",
                   f"write the {_label(column)} {_EXAMPLES[column.kind]}")
    if column.kind == "id":
        _check_visible(raw, column, header, parsed)
    if column.required:  # blanks parse to NaN, NaT or ""
        empty = (parsed == "" if column.kind in ("id", "text") else parsed.isna()).to_numpy(dtype=bool)
        if empty.any():
            i = _first(empty)
            formula = uncalculated_formula(raw, i, header)
            if formula:
                raise fail(raw, i, header, f'the {_label(column)} is the formula "{formula[:40]}", which Excel has not '
                           "calculated", "open the file in Excel and save it, so that its values are stored")
            raise fail(raw, i, header, f"the {_label(column)} is empty", f"every row needs its {_label(column)}")
    if column.kind in ("number", "integer"):
        _check_range(raw, column, header, parsed, values)
    if column.kind == "integer":
        fraction = (parsed.notna() & (parsed != parsed.round())).to_numpy()
        if fraction.any():
            i = _first(fraction)
            raise fail(raw, i, header, f"{_shown(values.iloc[i])} is not a whole number",
                       f"write the {_label(column)} {_EXAMPLES['integer']}")
    return parsed


def _check_visible(raw: RawTable, column: Column, header: str, ids: pd.Series) -> None:
    """No id with a character that does not show: "A\\x01B" would count apart from "AB" yet print the same."""
    hidden = ids.str.contains(_INVISIBLE, regex=True).to_numpy(dtype=bool)
    if hidden.any():
        i = _first(hidden)
        value = ids.iloc[i]
        char = re.search(_INVISIBLE, value).group()  # type: ignore[union-attr]  # `hidden` found one
        shown = re.sub(_INVISIBLE, lambda m: f"\\u{ord(m.group()):04x}", value)[:40]
        raise fail(raw, i, header, f'the {_label(column)} "{shown}" holds an invisible character (U+{ord(char):04X})',
                   f"remove it: a {_label(column)} is printable text")


def _check_size(raw: RawTable, header: str, parsed: pd.Series, values: pd.Series) -> None:
    """No infinity (1e309, inf in Parquet) and nothing beyond `MAX_NUMBER`, whose sums would lose their meaning."""
    huge = (np.abs(parsed.to_numpy(dtype=float)) > MAX_NUMBER)
    if huge.any():
        i = _first(huge)
        raise fail(raw, i, header, f"{_shown(values.iloc[i])} is too large: csxl reads numbers up to {MAX_NUMBER:,.0f}",
                   "check the value (a unit or separator mistake?)")


def _check_range(raw: RawTable, column: Column, header: str, parsed: pd.Series, values: pd.Series) -> None:
    _check_size(raw, header, parsed, values)
    low = (parsed < column.minimum).to_numpy() if column.minimum is not None else np.zeros(len(parsed), bool)
    high = (parsed > column.maximum).to_numpy() if column.maximum is not None else np.zeros(len(parsed), bool)
    if not (low | high).any():
        return
    i = _first(low | high)
    if column.maximum is not None:
        problem = f"{_shown(values.iloc[i])} is outside {column.minimum:g} to {column.maximum:g}"
        fix = f"write a {_label(column)} from {column.minimum:g} to {column.maximum:g}"
    else:
        problem = f"{_shown(values.iloc[i])} is " + ("negative" if column.minimum == 0 else f"below {column.minimum:g}")
        fix = f"the {_label(column)} must be {column.minimum:g} or more"
    raise fail(raw, i, header, problem, fix)


def _key_value(value: object, column: Column) -> str:
    """A key value as a message quotes it: a month as 2026-03, a date as 2026-03-15, an id in quotes."""
    if column.kind in ("month", "date"):
        return f"{value:%Y-%m}" if column.kind == "month" else f"{value:%Y-%m-%d}"
    return f'"{value}"'


def _check_duplicates(raw: RawTable, out: pd.DataFrame, found: dict[str, str]) -> None:
    """Two rows with the same key: name the second one and the first one it repeats."""
    key = [k for k in raw.table.key if k in out]
    if not key:
        return
    group = np.zeros(len(out), dtype=np.int64)  # one integer per distinct key: hashing it needs no sort
    for k in key:
        codes, uniques = pd.factorize(out[k], use_na_sentinel=False)
        group = group * len(uniques) + codes
    repeat = pd.Series(group).duplicated().to_numpy()
    if repeat.any():
        second = _first(repeat)
        first = _first(group == group[second])
        names = " and ".join(f'"{found[k]}" {_key_value(out[k].iloc[second], raw.table.column(k))}' for k in key)
        raise fail(raw, second, None, f"this row repeats the {names} of row {int(raw.rows[first])}",
                   "keep one row per " + ", ".join(_label(raw.table.column(k)) for k in key)
                   + " (add the amounts together if both are real)")


def _check_periods(raw: RawTable, out: pd.DataFrame, found: dict[str, str]) -> None:
    """A subscription cannot end before it starts (a swapped or mistyped date)."""
    if "end_date" not in out:
        return
    backwards = (out["end_date"] < out["start_date"]).to_numpy()
    if backwards.any():
        i = _first(backwards)
        raise fail(raw, i, found["end_date"], f"the end date {out['end_date'].iloc[i]:%Y-%m-%d} is before the start "
                   f"date {out['start_date'].iloc[i]:%Y-%m-%d}", "check both dates (day first: 15/03/2026)")


def _currencies(raw: RawTable, header: str, written: pd.Series) -> pd.Series:
    """The currency column as ISO codes ("brl" and "R$" read as BRL, an empty cell as ""), or the error naming
    the first code csxl does not know (it needs each currency's USD value for the benchmark bands)."""
    codes = written.map(lambda text: currency_code(text) if text else "")
    unknown = codes.isna().to_numpy()
    if unknown.any():
        i = _first(unknown)
        raise fail(raw, i, header, f"{_shown(written.iloc[i])} is not a currency csxl knows",
                   f"write an ISO code: {', '.join(USD_PER_UNIT)}")
    return codes.astype(str)


def _extra_signals(raw: RawTable, found: dict[str, str], decimal: str | None) -> dict[str, pd.Series]:
    """Further numeric columns of a table that keeps them (health signals), by folded header."""
    extra = {}
    for j, header in enumerate(raw.frame.columns):  # by position: unknown headers may repeat
        if header not in found.values() and str(header).strip() and fold(header) not in extra:
            values = raw.frame.iloc[:, j]
            numbers, bad = _numbers(raw, header, values, decimal)
            if not bad.any():
                _check_size(raw, header, numbers, values)
                extra[fold(header)] = numbers
    return extra


def canonical_table(raw: RawTable, decimal: str | None = None) -> pd.DataFrame:
    """The canonical DataFrame of a raw table, with a `_row` column keeping each row's spreadsheet row.

    Fully blank rows (a spacer row in a sheet) are dropped, not errors. `decimal` states the decimal separator
    of numbers written as text ("." or ","); None decides it per column from the values.
    """
    found = _columns(raw)
    frame = raw.frame
    content = ~np.logical_and.reduce([parse.blank(frame.iloc[:, j]) for j in range(frame.shape[1])]) \
        if len(frame) else np.zeros(0, bool)
    if not content.any():
        raise CsxlDataError(f"the {raw.table.name} table has a header but no rows", file=raw.file, sheet=raw.sheet,
                            fix="add data rows below the header, or leave the table out")
    if not content.all():
        raw = replace(raw, frame=frame[content].reset_index(drop=True), rows=raw.rows[content])
    out = pd.DataFrame(index=raw.frame.index)
    for column in raw.table.columns:
        if column.name in found:
            values = raw.frame[found[column.name]]
            out[column.name] = _parse(raw, column, found[column.name], values, decimal)
    if raw.table.extra_numeric:
        for name, numbers in _extra_signals(raw, found, decimal).items():
            out[name] = numbers
    out["_row"] = raw.rows
    if "currency" in found:
        out["currency"] = _currencies(raw, found["currency"], out["currency"])
    if raw.table.name == "subscriptions":
        _check_periods(raw, out, found)
    _check_duplicates(raw, out, found)
    return out


def check_ids(raw_tables: dict[str, RawTable], tables: dict[str, pd.DataFrame],
              known: np.ndarray) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The secondary tables without rows of customers the MRR data does not have, and one warning per table.

    A CRM export lists prospects and accounts lost before the data starts: their rows are skipped and counted.
    A table none of whose customers is in the MRR data is an error, since its ids are written differently.
    """
    kept, warnings = {}, []
    for name, frame in tables.items():
        stray = ~frame["customer_id"].isin(known).to_numpy() if "customer_id" in frame else np.zeros(len(frame), bool)
        raw = raw_tables[name]
        if len(frame) and stray.all():
            raise CsxlDataError(f'customer "{frame["customer_id"].iloc[0]}" is not in the MRR data, nor is any other '
                                f"customer of the {name} table", file=raw.file, sheet=raw.sheet,
                                row=int(frame["_row"].iloc[0]), column=f'"{_columns(raw)["customer_id"]}"',
                                fix="write the ids exactly as the MRR data does, or add the customers' MRR rows")
        if stray.any():
            ids = list(dict.fromkeys(frame["customer_id"][stray]))
            shown = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
            warnings.append(f"{raw.where}: skipped {int(stray.sum())} of {len(frame)} rows, of customers not in the "
                            f"MRR data ({shown})")
        kept[name] = frame[~stray]
    return kept, warnings
