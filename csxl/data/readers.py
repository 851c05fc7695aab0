"""Reading raw tables from a CSV file, an XLSX workbook or a folder of CSV / XLSX / Parquet files.

A reader returns each table as it stands in the file - headers as written,
values as text (CSV) or as Excel typed them (XLSX) - together with where each
row came from, so validation can name the file, sheet and spreadsheet row
(the header is row 1) of any problem.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from csxl.data.schema import MRR, SUBSCRIPTIONS, Table, match_columns, table_for
from csxl.errors import CsxlDataError

SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".parquet")


@dataclass
class RawTable:
    """One table as read: the canonical table it stands for, its cells, and where its rows are."""

    table: Table
    frame: pd.DataFrame  # columns are the headers as written
    rows: np.ndarray  # spreadsheet row number of each frame row
    file: str
    sheet: str | None = None


def _decode(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CsxlDataError("the file is neither UTF-8 nor Windows-1252 text", file=str(path),
                        fix="save it as CSV UTF-8")  # pragma: no cover - cp1252 decodes nearly anything


def _read_csv(path: Path) -> pd.DataFrame:
    text = _decode(path)
    if not text.strip():
        raise CsxlDataError("the file is empty", file=str(path), fix="export the table again with its header row")
    try:
        delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    try:
        return pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                           skip_blank_lines=False)
    except (pd.errors.ParserError, ValueError) as err:
        raise CsxlDataError(f"cannot read the CSV ({err})", file=str(path),
                            fix="check that every row has as many separators as the header") from None


def _frame_from_rows(rows: list[tuple]) -> pd.DataFrame:
    header = [("" if h is None else str(h)).strip() for h in rows[0]]
    width = len(header)
    body = [list(r[:width]) + [None] * (width - len(r)) for r in rows[1:]]
    return pd.DataFrame(body, columns=header, dtype=object)


def _sheets(path: Path) -> dict[str, pd.DataFrame]:
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as err:
        raise CsxlDataError(f"cannot open the workbook ({err})", file=str(path),
                            fix="save it as an .xlsx workbook") from None
    try:
        sheets = {}
        for ws in wb.worksheets:
            rows = [r for r in ws.iter_rows(values_only=True)]
            while rows and all(v is None or str(v).strip() == "" for v in rows[-1]):
                rows.pop()
            if rows:
                sheets[ws.title] = _frame_from_rows(rows)
        return sheets
    finally:
        wb.close()


def _kind_by_headers(frame: pd.DataFrame) -> Table:
    """A lone table is subscriptions when its headers say so (start date, amount, interval), else MRR."""
    found = set(match_columns(SUBSCRIPTIONS, list(frame.columns)).values())
    return SUBSCRIPTIONS if {"start_date", "amount", "interval"} <= found else MRR


def _raw(table: Table, frame: pd.DataFrame, file: Path, sheet: str | None = None) -> RawTable:
    return RawTable(table, frame, np.arange(2, len(frame) + 2), str(file), sheet)


def _read_file(path: Path, named: Table | None, lone_sheet: bool = True) -> list[RawTable]:
    """The tables of one file; an XLSX gives its sheets named after tables, or else (when
    `lone_sheet`) its first sheet as the table the file is named after or its headers show."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        frame = _read_csv(path)
        return [_raw(named or _kind_by_headers(frame), frame, path)]
    if suffix == ".parquet":
        try:
            frame = pd.read_parquet(path)
        except (OSError, ValueError) as err:
            raise CsxlDataError(f"cannot read the Parquet file ({err})", file=str(path)) from None
        return [_raw(named or _kind_by_headers(frame), frame, path)]
    if suffix in (".xlsx", ".xlsm"):
        sheets = _sheets(path)
        if not sheets:
            raise CsxlDataError("the workbook has no data", file=str(path), fix="put a header row and data in it")
        by_name = {title: table_for(title) for title in sheets}
        tables = [_raw(t, sheets[title], path, title) for title, t in by_name.items() if t is not None]
        if tables or not lone_sheet:
            return tables
        title, frame = next(iter(sheets.items()))
        return [_raw(named or _kind_by_headers(frame), frame, path, title)]
    raise CsxlDataError(f"csxl reads {', '.join(SUFFIXES)} files, not {suffix or 'files without an extension'}",
                        file=str(path), fix="export the data as CSV or XLSX")


def read_source(path: Path) -> list[RawTable]:
    """Every table in a file or folder."""
    path = Path(path)
    if not path.exists():
        raise CsxlDataError("no such file or folder", file=str(path), fix="check the path")
    if path.is_file():
        return _read_file(path, table_for(path.stem))
    tables = []
    for file in sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith((".", "~$"))):
        named = table_for(file.stem)
        if named is not None or file.suffix.lower() in (".xlsx", ".xlsm"):
            tables += _read_file(file, named, lone_sheet=named is not None)
    seen: dict[str, RawTable] = {}
    for raw in tables:
        if raw.table.name in seen:
            raise CsxlDataError(f"the table {raw.table.name} is given twice", file=raw.file,
                                fix=f"keep one of {seen[raw.table.name].file} and {raw.file}")
        seen[raw.table.name] = raw
    if not tables:
        raise CsxlDataError("the folder has no table csxl knows", file=str(path),
                            fix="name the files after the tables: mrr.csv or subscriptions.csv, customers.csv, nps.csv...")
    return tables
