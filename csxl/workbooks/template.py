"""Templates: workbooks whose outputs are formulas over Data tables, filled with data later.

A template holds the layout (labels, formulas, charts, styles) and empty Data
tables. Filling it writes rows into the Data tables and moves nothing else,
so a finance team can restyle a template, add its own sheets, formulas and
charts over the tables, and fill it again every quarter.

The contract between a layout and its data is by name, not by position:
- each Data table is an Excel Table named `t_<table>` (found on any sheet, wherever on the sheet it was moved);
- each of its columns is found by its header name inside the table's range, so columns may be reordered and
  the team may add its own columns (a formula in the table's first row is copied down to every row, as Excel
  fills a calculated column);
- each column has a defined name `D_<table>_<column>` over its rows, which the layout's formulas use and
  which filling re-points to the new rows;
- scalar inputs that filling sets (such as `AsOf`) are defined names too.
Cells outside the tables are never written: a table that would grow over a cell the team typed below it
is refused rather than overwriting that cell.

openpyxl keeps cells, styles, formulas, tables, defined names, conditional
formatting, data validation, charts and pictures of a template (pictures only
because Pillow, a dependency, is installed: without it openpyxl drops them
silently); it drops shapes and text boxes, pictures inside charts, EMF, WMF and
SVG pictures, sparklines, slicers, form controls and macros, and csxl drops pivot
tables (their cache is a copy of the rows they were made from). A template
containing any of those gets a warning naming what will be lost. What a template
may still hold of the data it was last filled with is dropped when it is opened
(`csxl.workbooks.leaks`).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import weakref
import zipfile
from collections.abc import Mapping
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.formatting.formatting import ConditionalFormatting, ConditionalFormattingList
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.formula.translate import Translator
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from csxl.errors import CsxlDataError
from csxl.metrics.rates import arr
from csxl.workbooks.anchors import Anchor
from csxl.workbooks.cells import HEADER_FILL, HEADER_FONT, col, label, put
from csxl.workbooks.labels import Locale
from csxl.workbooks.leaks import scrub


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
    for index, (column, kind) in enumerate(table.columns, start=1):
        cell = label(ws, f"{col(index)}1", column, HEADER_FONT)
        cell.fill = HEADER_FILL
        ws.column_dimensions[col(index)].width = 14 if column != "comment" else 60
        if kind.startswith("="):
            ws.cell(2, index).value = kind.format(row=2)
    last = col(len(table.columns))
    excel_table = Table(displayName=table.table_name, ref=f"A1:{last}2")
    excel_table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(excel_table)
    ws.freeze_panes = "A2"
    ws.sheet_properties.tabColor = "808080"
    _point_names(wb, ws, table, {c: index for index, (c, _) in enumerate(table.columns, start=1)}, 2, 2)
    return ws


def _formats(locale: Locale) -> dict[str, str | None]:
    return {"date": locale.date, "month": locale.month, "number": "#,##0.00", "text": None}


def _point_names(wb: Workbook, ws: Worksheet, table: DataTable, positions: Mapping[str, int], first: int,
                 last: int) -> None:
    """Re-point each column's defined name to its rows first..last, in the column it now sits in."""
    for column, _ in table.columns:
        Anchor(ws, first, positions[column], last, positions[column]).define(wb, table.column_name(column))


# ---------------------------------------------------------------------------------------------- where the user put it

# The template each opened workbook came from, to name it in errors (the built-in layouts are not in it).
_SOURCES: weakref.WeakKeyDictionary[Workbook, Path] = weakref.WeakKeyDictionary()
_KIND_NAMES = {"qbr": "QBR"}


def _where(wb: Workbook) -> str | None:
    source = _SOURCES.get(wb)
    return str(source) if source else None


def layout_tables() -> dict[str, tuple[DataTable, ...]]:
    """The Data tables of each built-in kind of workbook, to tell one kind of template from another."""
    from csxl.workbooks.builtin import KINDS  # here: the kinds' layouts import this module

    return {name: tuple(kind.tables.values()) for name, kind in KINDS.items()}


def known_tables() -> dict[str, set[str]]:
    """Each built-in kind's Excel table names (t_mrr, ...): the `known` argument of `open_template`."""
    return {kind: {t.table_name for t in tables} for kind, tables in layout_tables().items()}


def _wrong_kind(wb: Workbook, table: DataTable) -> CsxlDataError | None:
    """The error for a template of another kind than the one `table` belongs to, if that is what `wb` is."""
    layouts = layout_tables()
    found = template_kind(wb, {kind: {t.table_name for t in tables} for kind, tables in layouts.items()})
    wanted = [kind for kind, tables in layouts.items() if table in tables]
    if not found or not wanted or found in wanted:
        return None
    return _template_error(_where(wb), f"this is a {_kind_name(found)} template, not a {_kind_name(wanted[0])} "
                                       "template", wanted[0])


def _find_table(wb: Workbook, table: DataTable) -> tuple[Worksheet, Table]:
    for ws in wb.worksheets:
        if table.table_name in ws.tables:
            return ws, ws.tables[table.table_name]
    raise _wrong_kind(wb, table) or CsxlDataError(
        f"the template has no Excel table named {table.table_name}", file=_where(wb),
        fix="keep the Data tables of the exported template (rename sheets freely, not tables)")


@dataclass(frozen=True)
class _Placed:
    """Where a Data table sits now: its rows and the column of each header name."""

    first: int  # the first data row (below the header)
    last: int  # the last data row (above a totals row, if any)
    totals: int  # rows of totals at the bottom (Excel's "Total Row"), 0 or 1
    columns: dict[str, int]  # header name -> column index
    box: CellRange  # the whole table, header and totals included


def _placed(wb: Workbook, ws: Worksheet, excel_table: Table, table: DataTable) -> _Placed:
    box = CellRange(excel_table.ref)
    headers = int(excel_table.headerRowCount if excel_table.headerRowCount is not None else 1)
    if headers != 1:
        raise CsxlDataError(f"the Excel table {table.table_name} has no header row", file=_where(wb), sheet=ws.title,
                            fix="turn its Header Row back on (Table Design): csxl finds the columns by their names")
    span = range(box.min_col, box.max_col + 1)
    names = [c.name for c in excel_table.tableColumns] or [ws.cell(box.min_row, c).value for c in span]
    columns = {str(name).strip(): index for index, name in enumerate(names, start=box.min_col) if name is not None}
    missing = [c for c, _ in table.columns if c not in columns]
    if missing:
        named = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        raise _wrong_kind(wb, table) or CsxlDataError(
            f"the Excel table {table.table_name} has no column named {named}", file=_where(wb), sheet=ws.title,
            fix="give the column its header back (csxl writes the columns by name) or export a new template")
    totals = int(excel_table.totalsRowCount or 0)
    return _Placed(box.min_row + 1, max(box.max_row - totals, box.min_row + 1), totals, columns, box)


def _refuse_overrun(wb: Workbook, ws: Worksheet, excel_table: Table, placed: _Placed, bottom: int) -> None:
    """Refuse to grow the table over anything below it: a typed cell, a merged range, another table."""
    if bottom <= placed.box.max_row:
        return
    area = CellRange(min_col=placed.box.min_col, max_col=placed.box.max_col, min_row=placed.box.max_row + 1,
                     max_row=bottom)
    fix = (f"move it below row {bottom} or beside the table (the new data needs rows {area.min_row} to {bottom} "
           "of the table's columns), then fill again")
    for row in ws.iter_rows(min_row=area.min_row, max_row=min(bottom, ws.max_row), min_col=area.min_col,
                            max_col=area.max_col):
        for cell in row:
            if cell.value is not None:
                raise CsxlDataError(f"the Excel table {excel_table.displayName} needs the rows below it, and cell "
                                    f"{cell.coordinate} is in the way", file=_where(wb), sheet=ws.title, fix=fix)
    for merged in ws.merged_cells.ranges:
        if not merged.isdisjoint(area):
            raise CsxlDataError(f"the Excel table {excel_table.displayName} needs the rows below it, and merged "
                                f"cells {merged.coord} are in the way", file=_where(wb), sheet=ws.title, fix=fix)
    for other in ws.tables.values():
        if other is not excel_table and not CellRange(other.ref).isdisjoint(area):
            raise CsxlDataError(f"the Excel table {excel_table.displayName} needs the rows below it, and the table "
                                f"{other.displayName} is in the way", file=_where(wb), sheet=ws.title, fix=fix)


def _escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _row_slots(reference: str) -> tuple[str, list[int]]:
    """A reference as a format string with a slot for each relative row number in it, and those numbers.

    The rules are those of openpyxl's `Translator.translate_range` (whole rows, whole columns, cells, ranges of
    them, with or without a sheet), kept apart so that each row of a copied-down formula is one `str.format`.
    """
    sheet, mark, area = reference.rpartition("!")
    text, rows = _escaped(sheet + mark), []
    if Translator.ROW_RANGE_RE.match(area):
        pieces = [("", row) for row in area.split(":")]
    elif Translator.COL_RANGE_RE.match(area):
        return _escaped(reference), []
    else:
        pieces = []
        for piece in area.split(":"):
            cell = Translator.CELL_REF_RE.match(piece)
            pieces.append((cell.group(1), cell.group(2)) if cell else (piece, ""))  # a name when no cell
    for index, (head, row) in enumerate(pieces):
        text += (":" if index else "") + _escaped(head)
        if row and not row.startswith("$"):
            text += "{}"
            rows.append(int(row))
        else:
            text += row
    return text, rows


class _RowFormula:
    """A formula of a table's first data row, copied down as Excel fills a calculated column.

    Tokenised once with openpyxl's formula tokenizer into a format string with a slot for each relative row
    number of its references, so that writing it on 20,000 rows costs one `str.format` a row.
    """

    def __init__(self, formula: str, origin_row: int) -> None:
        text, self.rows = "=", []
        for token in Tokenizer(formula).items:
            if token.type == Token.OPERAND and token.subtype == Token.RANGE:
                slots, rows = _row_slots(token.value)
                text += slots
                self.rows += [r - origin_row for r in rows]
            else:
                text += _escaped(token.value)
        self.text = text

    def at(self, row: int) -> str:
        return self.text.format(*[row + r for r in self.rows])


def _column_formulas(ws: Worksheet, table: DataTable, placed: _Placed) -> dict[int, _RowFormula]:
    """The formula of every column that is not data: the template's own first-row formula (the team's, or ours as
    Excel or LibreOffice kept it when they moved the table), else the declared one moved to where the table is."""
    data = {c for c, kind in table.columns if not kind.startswith("=")}
    declared = {c: (index, kind) for index, (c, kind) in enumerate(table.columns, start=1)}
    formulas: dict[int, _RowFormula] = {}
    for name, index in placed.columns.items():
        if name in data:
            continue
        written = ws.cell(placed.first, index).value
        if isinstance(written, str) and written.startswith("="):
            formulas[index] = _RowFormula(written, placed.first)
        elif name in declared:
            position, kind = declared[name]
            moved = Translator(kind.format(row=2), f"{col(position)}2").translate_formula(f"{col(index)}{placed.first}")
            formulas[index] = _RowFormula(moved, placed.first)
    return formulas


def _grow_rules(ws: Worksheet, placed: _Placed, last: int) -> None:
    """Conditional formats and data validations over exactly the table's old data rows cover its new rows, as
    they do when a table grows in Excel (openpyxl leaves their ranges as they were)."""
    def grown(ranges: MultiCellRange) -> MultiCellRange:
        return MultiCellRange([CellRange(min_col=r.min_col, max_col=r.max_col, min_row=r.min_row, max_row=last)
                               if placed.box.min_col <= r.min_col and r.max_col <= placed.box.max_col
                               and (r.min_row, r.max_row) == (placed.first, placed.last) else r for r in ranges.ranges])

    formats = ConditionalFormattingList()
    for kept in ws.conditional_formatting:
        moved = ConditionalFormatting(sqref=grown(kept.sqref), pivot=kept.pivot)
        for rule in kept.rules:
            formats.add(moved, rule)
    ws.conditional_formatting = formats
    for validation in ws.data_validations.dataValidation:
        validation.sqref = grown(validation.sqref)


def _cell_value(item: object) -> object:
    """A frame's item as a cell takes it: timestamps as datetimes, missing values as blanks."""
    if pd.api.types.is_scalar(item) and pd.isna(item):  # type: ignore[call-overload]  # a scalar: one answer
        return None
    return item.to_pydatetime() if isinstance(item, pd.Timestamp) else item


def fill_table(wb: Workbook, table: DataTable, frame: pd.DataFrame, locale: Locale) -> None:
    """Replace the rows of a Data table with `frame` and re-point its defined names.

    Each column is found by its header name inside the table's range, wherever the table sits; data columns get
    the frame's column of that name, every other column its first row's formula, copied down. Rows grow from the
    table's top-left; the old rows beyond the new ones are cleared in the table's columns only.
    """
    ws, excel_table = _find_table(wb, table)
    placed = _placed(wb, ws, excel_table, table)
    rows = max(len(frame), 1)
    last = placed.first + rows - 1
    _refuse_overrun(wb, ws, excel_table, placed, last + placed.totals)
    formulas = _column_formulas(ws, table, placed)
    totals = [(c, ws.cell(placed.last + 1, c).value, copy(ws.cell(placed.last + 1, c)._style))
              for c in range(placed.box.min_col, placed.box.max_col + 1)] if placed.totals else []
    firsts = [ws.cell(placed.first, c) for c in range(placed.box.min_col, placed.box.max_col + 1)]
    styled = {cell.column: copy(cell._style) for cell in firsts if cell.has_style}
    keep_format = {cell.column: cell.number_format != "General" for cell in firsts}
    for row in ws.iter_rows(min_row=placed.first, max_row=placed.box.max_row, min_col=placed.box.min_col,
                            max_col=placed.box.max_col):
        for cell in row:
            cell.value = None
            cell.comment = None
    for r in range(placed.first + 1, last + 1):
        for c, style in styled.items():
            ws.cell(r, c)._style = copy(style)  # new rows look like the table's first row, as in Excel
    formats = _formats(locale)
    for column, kind in table.columns:
        if kind.startswith("="):
            continue
        index = placed.columns[column]
        fmt = None if keep_format[index] else formats[kind]  # a format the team gave the column is kept
        items = frame[column].tolist() if column in frame else []
        styles: dict[bytes, object] = {}  # a cell's style -> the same with the column's format (set once, copied)
        for r, item in enumerate(items, start=placed.first):
            item = _cell_value(item)
            if item is None and (r, index) not in ws._cells:
                continue  # a blank that is no cell yet stays none: most of a wide table's cells, unwritten
            cell = ws.cell(r, index)
            if not fmt:
                put(cell, item)
                continue
            before = b"" if cell._style is None else cell._style.tobytes()
            if before in styles:
                put(cell, item)
                cell._style = copy(styles[before])
            else:
                styles[before] = put(cell, item, fmt)._style
    for index, row_formula in formulas.items():
        for r in range(placed.first, last + 1):
            ws.cell(r, index).value = row_formula.at(r)
    for c, item, style in totals:
        ws.cell(last + 1, c).value = item
        ws.cell(last + 1, c)._style = style
    left, right = col(placed.box.min_col), col(placed.box.max_col)
    excel_table.ref = f"{left}{placed.box.min_row}:{right}{last + placed.totals}"
    if excel_table.autoFilter is not None:
        excel_table.autoFilter.ref = f"{left}{placed.box.min_row}:{right}{last}"
    _grow_rules(ws, placed, last)
    _point_names(wb, ws, table, placed.columns, placed.first, last)


def peak_arr(mrr: pd.DataFrame) -> float:
    """12 x the largest monthly MRR of these rows: the size of the largest amount a report sheet shows."""
    return float(arr(mrr.groupby("month")["mrr"].sum().max())) if len(mrr) else 0.0


def set_input(wb: Workbook, name: str, item: object) -> None:
    """Set the cell behind a defined name (an input such as AsOf)."""
    fix = "point it at one cell (Formulas > Name Manager in Excel), or export a new template"
    if name not in wb.defined_names:
        raise CsxlDataError(f"the template has no defined name {name}", file=_where(wb),
                            fix="keep the defined names of the template")
    defined = wb.defined_names[name]
    destinations = list(defined.destinations)
    sheet, coordinate = destinations[0] if len(destinations) == 1 else ("", "")
    if not re.fullmatch(r"\$?[A-Za-z]{1,3}\$?[1-9][0-9]*", coordinate):
        raise CsxlDataError(f"the defined name {name} points to {defined.attr_text}, not to one cell",
                            file=_where(wb), fix=fix)
    if sheet not in wb.sheetnames:
        raise CsxlDataError(f"the defined name {name} points to a sheet the template does not have ({sheet})",
                            file=_where(wb), fix=fix)
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


_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")


def _kind_name(kind: str | None) -> str:
    return _KIND_NAMES.get(kind, kind) if kind else ""


def _template_error(file: Path | str | None, problem: str, kind: str | None) -> CsxlDataError:
    """An error about the template as a whole, saying which kind of template is wanted and how to make one."""
    expected = f"a {_kind_name(kind)} template" if kind else "a template"
    export = f"csxl template export {kind or 'qbr|portfolio|forecast'}"
    return CsxlDataError(problem, file=str(file) if file else None,
                         fix=f"give {expected}: an .xlsx file made with `{export}`")


def _not_a_workbook(path: Path) -> str | None:
    """What the file at `path` is, when it is not a workbook openpyxl can read."""
    if not path.exists():
        return "there is no such file"
    if path.is_dir():
        return "it is a folder, not a workbook"
    if path.suffix.lower() not in _WORKBOOK_SUFFIXES:
        what = f"a {path.suffix} file" if path.suffix else "a file without the .xlsx extension"
        return f"it is {what}, not an Excel workbook"
    if path.stat().st_size == 0:
        return "the file is empty"
    if not zipfile.is_zipfile(path):
        return "it is not a complete .xlsx package (cut short, or another format named .xlsx)"
    return None


def _opened(path: Path, kind: str | None) -> Workbook:
    """The workbook at `path`, or an error that says what the file is instead of a template."""
    problem = _not_a_workbook(path)
    if problem:
        raise _template_error(path, f"cannot open the template: {problem}", kind)
    try:
        return load_workbook(path)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, TypeError, ElementTree.ParseError,
            InvalidFileException) as err:
        raise _template_error(path, f"cannot open the template ({type(err).__name__}: {err})", kind) from None


def _held(wb: Workbook) -> set[str]:
    return {name for ws in wb.worksheets for name in ws.tables}


def template_kind(wb: Workbook, known: Mapping[str, set[str]]) -> str | None:
    """Which kind of template `wb` is, from the Excel tables it holds: the kind whose tables (`known`: kind ->
    Excel table names such as t_mrr) are all there, the one with the most tables if several are."""
    held = _held(wb)
    kinds = sorted((k for k, names in known.items() if set(names) <= held), key=lambda k: -len(known[k]))
    return kinds[0] if kinds else None


def _check_kind(wb: Workbook, path: Path, kind: str, known: Mapping[str, set[str]]) -> None:
    missing = sorted(set(known[kind]) - _held(wb))
    if not missing:
        return
    found = template_kind(wb, known)
    if found:
        raise _template_error(path, f"this is a {_kind_name(found)} template, not a {_kind_name(kind)} template",
                              kind)
    raise _template_error(path, f"this is not a {_kind_name(kind)} template: it has no Excel table named "
                            f"{', '.join(missing)}", kind)


def open_template(path: Path, kind: str | None = None,
                  known: Mapping[str, set[str]] | None = None) -> tuple[Workbook, list[str]]:
    """Load a user's template, with the warnings about what will not survive.

    With `kind`, a template of another kind is refused by name ("this is a forecast template"); `known` (kind ->
    the Excel table names of that kind of template) defaults to the built-in kinds (`known_tables`). Whatever
    the template kept of the data it was last filled with (chart caches, document properties, ...) is dropped
    here, before anything is written into it.
    """
    path = Path(path)
    wb = _opened(path, kind)
    if kind:
        _check_kind(wb, path, kind, known or known_tables())
    scrub(wb)
    _SOURCES[wb] = path
    return wb, template_warnings(path)
