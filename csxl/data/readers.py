"""Reading raw tables from a CSV file, an XLSX workbook or a folder of CSV / XLSX / Parquet files.

- One CSV (or Parquet) file is the MRR: subscriptions when its headers show a
  start date, an amount and an interval, snapshots otherwise.
- One workbook gives its sheets named after tables (`schema.table_for`), or
  else its first sheet as the MRR.
- A folder gives its files named after tables and the named sheets of its
  other workbooks.

A reader returns each table as it stands in the file - headers as written,
values as text (CSV), as Excel typed them (XLSX) or as stored (Parquet) -
with the spreadsheet row number of each row, so validation can name the file,
sheet and row (the header is row 1) of any problem. Parsing is validation's
job, so a reader never guesses at values.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from csxl.data.schema import MRR, SUBSCRIPTIONS, Table, match_columns, table_for
from csxl.errors import CsxlDataError

SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".parquet")
# Size limits, checked before a file is parsed, so that a hostile file is refused in a moment instead of keeping
# openpyxl or pandas busy for minutes: a 5 KB workbook whose one value sits at XFD1048576 (17 billion empty
# cells), a zip bomb, a CSV with a million columns.
MAX_COLUMNS = 1_000  # of a CSV header or a sheet
MAX_CELLS = 20_000_000  # of a sheet, as its dimension says (1,048,576 rows x 19 columns, 100,000 x 200)
MAX_UNCOMPRESSED = 2 * 1024**3  # bytes, all parts of a workbook together
MAX_RATIO = 200  # uncompressed / compressed size of a workbook part over 10 MB; real sheets compress 5 to 50 times


@dataclass
class RawTable:
    """One table as read: the canonical table it stands for, its cells, and where its rows are."""

    table: Table
    frame: pd.DataFrame  # columns are the headers as written
    rows: np.ndarray  # spreadsheet row number of each frame row
    file: str
    sheet: str | None = None
    header_row: int = 1  # spreadsheet row of the headers

    @property
    def where(self) -> str:
        """The file, and the sheet of a workbook, as a message names them."""
        return f"{self.file}, sheet {self.sheet}" if self.sheet else self.file


_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def _decode(path: Path) -> str:
    """The file's text: a BOM decides (Excel's "Unicode text" is UTF-16), else UTF-8, else Windows-1252.

    Latin-1 is the last resort because it decodes any byte: an old export
    from a Brazilian ERP still reads, accents and all.
    """
    data = path.read_bytes()
    encodings = [name for bom, name in _BOMS if data.startswith(bom)] or ["utf-8", "cp1252", "latin-1"]
    if len(encodings) > 1 and b"\0" in data[:4096]:  # no BOM, and a NUL no text export holds
        head = data[:4096]
        wide = max(head[0::2].count(0), head[1::2].count(0)) > len(head) // 4  # every other byte: UTF-16
        raise CsxlDataError("the file is UTF-16 text without a byte-order mark" if wide else
                            "the file holds NUL bytes: it is not a CSV text file", file=str(path),
                            fix="save it as CSV UTF-8 (in Excel: Save As, CSV UTF-8 (comma delimited))")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CsxlDataError(f"the file is not {encodings[0]} text", file=str(path), fix="save it as CSV UTF-8")


def _delimiter(text: str) -> str:
    """The separator that splits the header into most columns and the next rows into as many.

    csv.Sniffer guesses from character frequencies and is thrown by decimal
    commas ("1.234,56" in a ';' file); counting fields per row is not.
    """
    lines = [line for line in text[:65_536].splitlines()[:50] if line.strip()]
    scores = {}
    for delimiter in (",", ";", "\t", "|"):
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if widths and widths[0] > 1:
            scores[delimiter] = (sum(w == widths[0] for w in widths), widths[0])
    return max(scores, key=lambda d: scores[d]) if scores else ","


def _read_csv(path: Path) -> pd.DataFrame:
    text = _decode(path)
    if not text.strip():
        raise CsxlDataError("the file is empty", file=str(path), fix="export the table again with its header row")
    try:
        delimiter = _delimiter(text)
        width = len(next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))
    except csv.Error as err:
        raise CsxlDataError(f"cannot read the CSV ({err})", file=str(path),
                            fix="export the table again as CSV") from None
    if width > MAX_COLUMNS:
        raise CsxlDataError(f"the header has {width:,} columns; csxl reads at most {MAX_COLUMNS:,}", file=str(path),
                            row=1, fix="export only the table's columns")
    try:  # the header is read as a row, so that pandas does not rename a repeated header ("mrr", "mrr.1")
        cells = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            skip_blank_lines=False, header=None)
    except (pd.errors.ParserError, ValueError) as err:
        # pandas's messages, turned into rows: it counts lines from 1 here and rows from 0 there
        fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(err))
        quote = re.search(r"EOF inside string starting at row (\d+)", str(err))
        if quote:
            raise CsxlDataError("a quote opened in this row is never closed", file=str(path),
                                row=int(quote.group(1)) + 1,
                                fix='close the quote, or write a quote in a value as ""') from None
        if fields:
            width, row, saw = (int(n) for n in fields.groups())
            raise CsxlDataError(f"this row has {saw} fields where the header has {width}", file=str(path), row=row,
                                fix='remove the extra separator, or quote a value that holds one ("1,5")') from None
        raise CsxlDataError(f"cannot read the CSV ({' '.join(str(err).split())})", file=str(path),
                            fix="check that every row has as many separators as the header") from None
    frame = cells.iloc[1:].reset_index(drop=True)
    frame.columns = cells.iloc[0].tolist()
    return frame


def _sheet_frame(ws) -> tuple[pd.DataFrame, int] | None:
    """A worksheet's cells under its first non-blank row (the header), and that row's number; None when empty.

    Rows are read from A1 whatever the sheet's stored dimensions say, so the
    row numbers in errors are the ones Excel shows.
    """
    rows = list(ws.iter_rows(min_row=1, min_col=1, values_only=True))
    filled = [i for i, r in enumerate(rows) if any(v is not None and str(v).strip() != "" for v in r)]
    if not filled:
        return None
    top = filled[0]
    header = [("" if h is None else str(h)).strip() for h in rows[top]]
    width = len(header)
    body = [list(r[:width]) + [None] * (width - len(r)) for r in rows[top + 1: filled[-1] + 1]]
    return pd.DataFrame(body, columns=header, dtype=object), top + 1


def _check_archive(path: Path) -> None:
    """Refuse a workbook whose parts would unpack to more than `MAX_UNCOMPRESSED`, or one part of which is packed
    beyond `MAX_RATIO` (a zip bomb), from the sizes the zip directory states; zipfile never unpacks more."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
    total = sum(p.file_size for p in parts)
    if total > MAX_UNCOMPRESSED:
        raise CsxlDataError(f"the workbook unpacks to {total:,} bytes; csxl reads at most {MAX_UNCOMPRESSED:,}",
                            file=str(path), fix="split the data, or export it as CSV")
    for part in parts:
        if part.file_size > 10 * 1024**2 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise CsxlDataError(f"its part {part.filename} unpacks {part.file_size // max(part.compress_size, 1):,} "
                                "times larger than it is stored, as no spreadsheet does (a zip bomb?)", file=str(path),
                                fix="save the workbook again from Excel, or export the data as CSV")


def _check_sheet(ws, path: Path) -> None:
    """Refuse a sheet whose stated dimension is beyond `MAX_COLUMNS` or `MAX_CELLS`: openpyxl would fill in every
    empty cell up to it."""
    rows, columns = ws.max_row or 0, ws.max_column or 0
    if columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        raise CsxlDataError(f"the sheet spans {rows:,} rows by {columns:,} columns; csxl reads at most "
                            f"{MAX_COLUMNS:,} columns and {MAX_CELLS:,} cells", file=str(path), sheet=ws.title,
                            fix="delete the cells beyond the table (select the empty rows and columns, Delete)")


def _workbook(path: Path, named: Table | None, lone_sheet: bool) -> list[RawTable]:
    """The sheets named after tables; failing that (when `lone_sheet`) the first sheet as one table."""
    # imported here: CSV and Parquet sources, the commonest, then start without openpyxl (about 0.1 s)
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        _check_archive(path)
        wb = load_workbook(path, read_only=True, data_only=True)
    except CsxlDataError:
        raise
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError) as err:
        raise CsxlDataError(f"cannot open the workbook ({err})", file=str(path),
                            fix="save it from Excel as an .xlsx workbook") from None
    try:
        chosen = [(ws, table_for(ws.title)) for ws in wb.worksheets if table_for(ws.title) is not None]
        if not chosen and lone_sheet and wb.worksheets:
            chosen = [(wb.worksheets[0], named)]
        tables = []
        for ws, table in chosen:
            _check_sheet(ws, path)
            read = _sheet_frame(ws)
            if read is not None:
                frame, header_row = read
                tables.append(RawTable(table or _kind_by_headers(frame), frame,
                                       np.arange(header_row + 1, header_row + 1 + len(frame)), str(path), ws.title,
                                       header_row))
    finally:
        wb.close()
    if not tables and lone_sheet:
        raise CsxlDataError("the workbook has no data", file=str(path),
                            fix="put a header row and data rows in a sheet named after its table (mrr, Clientes...)")
    return tables


def uncalculated_formula(raw: RawTable, position: int, header: str) -> str | None:
    """The formula of a workbook cell that reads as empty because Excel never calculated it (a file written by a
    program stores formulas without their values), or None; read again only to explain an empty cell."""
    if not raw.sheet or Path(raw.file).suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    from openpyxl import load_workbook

    row, column = int(raw.rows[position]), list(raw.frame.columns).index(header) + 1
    wb = load_workbook(raw.file, read_only=True, data_only=False)
    try:
        value = next(wb[raw.sheet].iter_rows(min_row=row, max_row=row, min_col=column, max_col=column,
                                             values_only=True))[0]
    finally:
        wb.close()
    return value if isinstance(value, str) and value.startswith("=") else None


def _kind_by_headers(frame: pd.DataFrame) -> Table:
    """A lone table is subscriptions when its headers say so (start date, amount, interval), else MRR."""
    found = set(match_columns(SUBSCRIPTIONS, list(frame.columns)).values())
    return SUBSCRIPTIONS if {"start_date", "amount", "interval"} <= found else MRR


def _read_file(path: Path, named: Table | None, lone_sheet: bool = True) -> list[RawTable]:
    """The tables of one file: a CSV or Parquet file is one table, `named` or else decided by its headers."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _workbook(path, named, lone_sheet)
    if suffix in (".csv", ".txt"):
        frame = _read_csv(path)
    elif suffix == ".parquet":
        try:
            # dates as datetime64, not one Python date object per row
            frame = pd.read_parquet(path, to_pandas_kwargs={"date_as_object": False})  # type: ignore[call-overload]
        except (OSError, ValueError) as err:
            raise CsxlDataError(f"cannot read the Parquet file ({err})", file=str(path),
                                fix="write it again, or export the table as CSV") from None
    else:
        raise CsxlDataError(f"csxl reads {', '.join(SUFFIXES)} files, not {suffix or 'files without an extension'}",
                            file=str(path), fix="save the data as CSV (UTF-8) or as an .xlsx workbook")
    return [RawTable(named or _kind_by_headers(frame), frame, np.arange(2, len(frame) + 2), str(path))]


def read_in_folder(file: Path) -> bool:
    """Whether reading a folder reads this file of it: a table file by its name (mrr.csv, clientes.parquet),
    or any workbook, whose sheets are named after the tables; hidden and Excel lock files are not read."""
    suffix = file.suffix.lower()
    return (suffix in SUFFIXES and not file.name.startswith((".", "~$"))
            and (table_for(file.stem) is not None or suffix in (".xlsx", ".xlsm")))


def read_source(path: Path) -> list[RawTable]:
    """Every table in a file or folder (see the module docstring and docs/data.md for what is read)."""
    path = Path(path)
    try:
        return _tables_of(path)
    except OSError as err:  # permissions, a file vanishing mid-read, an I/O error
        raise CsxlDataError(f"cannot read it ({err.strerror or err})", file=str(err.filename or path),
                            fix="check that the file can be opened and read") from None


def _tables_of(path: Path) -> list[RawTable]:
    if not path.exists():
        raise CsxlDataError("no such file or folder", file=str(path), fix="check the path")
    if not path.is_file() and not path.is_dir():  # a device or a pipe: /dev/zero would be read forever
        raise CsxlDataError("this is neither a file nor a folder", file=str(path),
                            fix="give a CSV or XLSX file, or a folder of tables")
    if path.is_file():  # one file holds the MRR: snapshots or subscriptions, as its headers show
        named = table_for(path.stem)
        return _once_each(_read_file(path, None if named in (MRR, SUBSCRIPTIONS) else named))
    tables = []
    for file in sorted(p for p in path.iterdir() if read_in_folder(p)):
        named = table_for(file.stem)
        tables += _read_file(file, named, lone_sheet=named is not None)
    if not tables:
        raise CsxlDataError("the folder has no table csxl knows", file=str(path),
                            fix="name the files after the tables: mrr.csv or subscriptions.csv, customers.csv, "
                                "nps.csv...")
    return _once_each(tables)


def _once_each(tables: list[RawTable]) -> list[RawTable]:
    """The tables, refused when one is given twice (two files, or two sheets such as `mrr` and `receita`)."""
    seen: dict[str, RawTable] = {}
    for raw in tables:
        if raw.table.name in seen:
            raise CsxlDataError(f"the table {raw.table.name} is given twice", file=raw.file,
                                fix=f"keep one of {seen[raw.table.name].where} and {raw.where}")
        seen[raw.table.name] = raw
    return tables
