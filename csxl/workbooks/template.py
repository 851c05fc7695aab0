"""Templates: workbooks whose outputs are formulas over Data tables, filled with data later.

A template holds the layout (labels, formulas, charts, styles) and empty Data
tables. Filling it writes rows into the Data tables and moves nothing else,
so a finance team can restyle a template, add its own sheets, formulas and
charts over the tables, and fill it again every quarter.

The contract between a layout and its data is by name, not by position:
- each Data table is an Excel Table named `t_<table>` (found on any sheet);
- each of its columns has a defined name `D_<table>_<column>` over its rows,
  which the layout's formulas use and which filling re-points to the new rows;
- scalar inputs that filling sets (such as `AsOf`) are defined names too.

openpyxl keeps cells, styles, formulas, tables, defined names, conditional
formatting, data validation, charts and pictures of a template (pictures only
because Pillow, a dependency, is installed: without it openpyxl drops them
silently); it drops shapes and text boxes, pictures inside charts, EMF, WMF and
SVG pictures, sparklines, slicers, pivot tables, form controls and macros. A
template containing any of those gets a warning naming what will be lost.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from csxl.errors import CsxlDataError
from csxl.metrics.rates import arr
from csxl.workbooks.cells import HEADER_FILL, HEADER_FONT, absolute, col, label, value
from csxl.workbooks.labels import Locale


@dataclass(frozen=True)
class DataTable:
    """One Data table of a layout: its name and its columns with their kinds.

    Kinds are text, number, date and month for data; a kind starting with
    "=" is a calculated column, a formula template filled for each row
    ("=12*D{row}"), so per-row results stay live next to their data.
    """

    name: str
    columns: tuple[tuple[str, str], ...]

    @property
    def table_name(self) -> str:
        return f"t_{self.name}"

    def column_name(self, column: str) -> str:
        return f"D_{self.name}_{column}"


def ref(table: DataTable, column: str) -> str:
    """The defined name a layout formula uses for a Data column."""
    if column not in dict(table.columns):
        raise KeyError(f"{table.name} has no column {column}")
    return table.column_name(column)


def add_data_sheet(wb: Workbook, table: DataTable, title: str, locale: Locale) -> Worksheet:
    """Create the sheet of an empty Data table (header row, one blank row) and its defined names."""
    ws = wb.create_sheet(title)
    for index, (column, _) in enumerate(table.columns, start=1):
        cell = label(ws, f"{col(index)}1", column, HEADER_FONT)
        cell.fill = HEADER_FILL
        ws.column_dimensions[col(index)].width = 14 if column != "comment" else 60
    last = col(len(table.columns))
    excel_table = Table(displayName=table.table_name, ref=f"A1:{last}2")
    excel_table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(excel_table)
    ws.freeze_panes = "A2"
    ws.sheet_properties.tabColor = "808080"
    _write_formulas(ws, table, 2, 2)
    _point_names(wb, ws, table, rows=0)
    return ws


def _write_formulas(ws: Worksheet, table: DataTable, first: int, last: int) -> None:
    """The calculated columns of rows first..last."""
    for index, (_, kind) in enumerate(table.columns, start=1):
        if kind.startswith("="):
            for r in range(first, last + 1):
                ws[f"{col(index)}{r}"] = kind.format(row=r)


def _formats(locale: Locale) -> dict[str, str | None]:
    return {"date": locale.date, "month": locale.month, "number": "#,##0.00", "text": None}


def _point_names(wb: Workbook, ws: Worksheet, table: DataTable, rows: int) -> None:
    last_row = max(rows, 1) + 1
    for index, (column, _) in enumerate(table.columns, start=1):
        letter = col(index)
        name = table.column_name(column)
        if name in wb.defined_names:
            del wb.defined_names[name]
        wb.defined_names[name] = DefinedName(name, attr_text=absolute(ws, f"{letter}2:{letter}{last_row}"))


def _find_table(wb: Workbook, table: DataTable) -> tuple[Worksheet, Table]:
    for ws in wb.worksheets:
        if table.table_name in ws.tables:
            return ws, ws.tables[table.table_name]
    raise CsxlDataError(f"the template has no Excel table named {table.table_name}",
                        fix="keep the Data tables of the exported template (rename sheets freely, not tables)")


def fill_table(wb: Workbook, table: DataTable, frame: pd.DataFrame, locale: Locale) -> None:
    """Replace the rows of a Data table with `frame` and re-point its defined names."""
    ws, excel_table = _find_table(wb, table)
    formats = _formats(locale)
    kinds = dict(table.columns)
    for row in ws.iter_rows(min_row=2, max_row=max(ws.max_row, 2), max_col=len(table.columns)):
        for cell in row:
            cell.value = None
    columns = [c for c, kind in table.columns if not kind.startswith("=")]
    records = frame.reindex(columns=columns).itertuples(index=False, name=None)
    for r, record in enumerate(records, start=2):
        for index, (column, item) in enumerate(zip(columns, record), start=1):
            if isinstance(item, pd.Timestamp):
                item = item.to_pydatetime() if not pd.isna(item) else None
            elif item is pd.NaT:
                item = None
            value(ws, f"{col(index)}{r}", item, formats[kinds[column]])
    _write_formulas(ws, table, 2, max(len(frame), 1) + 1)
    last = col(len(table.columns))
    excel_table.ref = f"A1:{last}{max(len(frame), 1) + 1}"
    if excel_table.autoFilter is not None:
        excel_table.autoFilter.ref = excel_table.ref
    _point_names(wb, ws, table, rows=len(frame))


def peak_arr(mrr: pd.DataFrame) -> float:
    """12 x the largest monthly MRR of these rows: the size of the largest amount a report sheet shows."""
    return float(arr(mrr.groupby("month")["mrr"].sum().max())) if len(mrr) else 0.0


def set_input(wb: Workbook, name: str, item: object) -> None:
    """Set the cell behind a defined name (an input such as AsOf)."""
    if name not in wb.defined_names:
        raise CsxlDataError(f"the template has no defined name {name}", fix="keep the defined names of the template")
    (sheet, coordinate), = wb.defined_names[name].destinations
    if isinstance(item, (dt.date, pd.Timestamp)):
        item = pd.Timestamp(item).to_pydatetime()
    wb[sheet][coordinate.replace("$", "")].value = item


_LOST_PARTS = {
    "xl/drawings/vmlDrawing": "form controls or legacy shapes",
    "xl/pivotTables/": "pivot tables",
    "xl/slicers/": "slicers",
    "xl/vbaProject.bin": "macros (save the filled workbook as .xlsm from Excel to keep them)",
}
# openpyxl re-reads each picture with Pillow and drops those it cannot re-save: Pillow reports EMF and WMF
# both as "WMF", which openpyxl refuses, and cannot open SVG at all (the PNG copy Excel keeps of an SVG survives).
_LOST_PICTURES = {".emf": "EMF or WMF pictures", ".wmf": "EMF or WMF pictures",
                  ".svg": "SVG pictures (a PNG copy that Excel made of one is kept)"}
# Drawing anchors openpyxl does not write back: shapes and text boxes, connectors, groups.
_SHAPES = {"sp", "cxnSp", "grpSp"}


def _has_shapes(drawing: bytes) -> bool:
    """Whether a drawing part holds a shape, whatever namespace prefix the writing program chose."""
    return any(element.tag.rpartition("}")[2] in _SHAPES for element in ElementTree.fromstring(drawing).iter())


def template_warnings(path: Path) -> list[str]:
    """What openpyxl cannot keep from this template, one sentence each.

    Read from the package itself, because openpyxl drops these parts without a word when it loads it.
    """
    warnings = []
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        found = {what for part, what in _LOST_PARTS.items() if any(n.startswith(part) for n in names)}
        media = [n for n in names if n.startswith("xl/media/")]
        found |= {_LOST_PICTURES[Path(n).suffix.lower()] for n in media if Path(n).suffix.lower() in _LOST_PICTURES}
        if media and importlib.util.find_spec("PIL") is None:
            found.add("pictures (install Pillow to keep them)")
        for name in names:
            if name.startswith("xl/worksheets/sheet") and b"sparklineGroup" in package.read(name):
                found.add("sparklines")
            if re.fullmatch(r"xl/drawings/drawing\d+\.xml", name) and _has_shapes(package.read(name)):
                found.add("shapes and text boxes")
    for what in sorted(found):
        warnings.append(f"{path}: the template has {what}, which csxl cannot keep; they will be missing "
                        "from the filled workbook")
    return warnings


def open_template(path: Path) -> tuple[Workbook, list[str]]:
    """Load a user's template, with the warnings about what will not survive."""
    try:
        return load_workbook(path), template_warnings(path)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError) as err:
        raise CsxlDataError(f"cannot open the template ({err})", file=str(path),
                            fix="give an .xlsx file exported with `csxl template export`") from None
