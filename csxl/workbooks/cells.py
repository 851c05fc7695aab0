"""Putting values, formulas and styles into cells, with untrusted text kept as text.

Two doors into a cell, never mixed: `value()` writes what came from data (a
customer called `=HYPERLINK(...)` is stored as a string, never a formula;
`clean_text()` drops the characters a cell cannot hold), `formula()` writes a
formula this package composed. Styles follow the
finance-model conventions ([9], [10] in docs/sources.md): inputs in blue on a pale fill, checks
in their own style, one number format per kind of value. Column widths and
header heights are fitted to what the cells hold (`fit_labels` when a layout
is built, `fit_amounts` when it is filled), so nothing shows cut or as ###.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import textwrap
from collections.abc import Callable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

INK = "1F3864"
BLUE_INPUT = Font(color="0000FF")
TITLE = Font(bold=True, size=16, color=INK)
SUBTITLE = Font(italic=True, size=10, color="595959")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor=INK)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
KPI_FONT = Font(bold=True, size=14, color=INK)
BOLD = Font(bold=True)
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
TOP_RULE = Border(top=Side(style="thin", color="000000"))
WRAP = Alignment(wrap_text=True, vertical="top")


def clean_text(value: object) -> str:
    """A string safe for the xlsx format: control characters dropped.

    Tab, line feed and carriage return stay. lxml, openpyxl's serialiser, writes a carriage return as the
    reference `&#13;`, which Excel, LibreOffice and openpyxl all read back as one (a raw one an XML reader
    turns into a line feed). Excel's own `_x000D_` is no better: openpyxl reads it as those seven characters.
    """
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def value(ws: Worksheet, ref: str, data: object, fmt: str | None = None) -> Cell:
    """Write a value from data: numbers and dates as they are, any text strictly as text."""
    return put(ws[ref], data, fmt)


def put(cell: Cell, data: object, fmt: str | None = None) -> Cell:
    """`value` into a cell already found: a Data table's million cells are found by row and column, which
    costs openpyxl a fraction of reading an "A1" reference."""
    if data is None or (isinstance(data, float) and math.isnan(data)):
        cell.value = None
    elif isinstance(data, str):
        cell.value = clean_text(data)
        cell.data_type = "s"  # never a formula, whatever it starts with
    elif isinstance(data, (dt.date, dt.datetime, int, float, bool)):
        cell.value = data
    else:
        cell.value = clean_text(data)
        cell.data_type = "s"
    if fmt:
        cell.number_format = fmt
    return cell



def formula(ws: Worksheet, ref: str, expression: str, fmt: str | None = None, font: Font | None = None) -> Cell:
    """Write a formula composed by csxl (it must start with '=')."""
    if not expression.startswith("="):
        raise ValueError(f"a formula starts with '=': {expression!r}")
    cell = ws[ref]
    cell.value = expression
    if fmt:
        cell.number_format = fmt
    if font:
        cell.font = font
    return cell


def label(ws: Worksheet, ref: str, words: str, font: Font | None = None) -> Cell:
    cell = ws[ref]
    cell.value = clean_text(words)
    cell.data_type = "s"
    if font:
        cell.font = font
    return cell


def header_row(ws: Worksheet, row: int, first_col: int, words: list[str]) -> None:
    for offset, word in enumerate(words):
        cell = label(ws, f"{get_column_letter(first_col + offset)}{row}", word, HEADER_FONT)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[row].height = 30


def mark_input(cell: Cell) -> Cell:
    cell.font = BLUE_INPUT
    cell.fill = INPUT_FILL
    cell.border = BOX
    return cell


def title(ws: Worksheet, words: str, subtitle: str | None = None) -> None:
    label(ws, "A1", words, TITLE)
    if subtitle:
        label(ws, "A2", subtitle, SUBTITLE)


def hide_data_sheets(wb: Workbook) -> None:
    """The Data sheets (those holding an Excel table) hidden: the figures stay traceable to them (Unhide shows
    them), but printing the workbook prints its report pages only, not thousands of data rows."""
    for ws in wb.worksheets:
        if ws.tables:
            ws.sheet_state = "hidden"


INTERNAL_NAME = "csxlInternal"
INTERNAL_TAB = "7F7F7F"


def mark_internal(ws: Worksheet) -> None:
    """Mark a sheet as the vendor's own (prep, inputs, checks): a grey tab for the reader and a sheet-scoped
    defined name for csxl, which survives a round trip through Excel or LibreOffice where a tab colour a user
    may change would not. The customer-facing PDF leaves these sheets out."""
    ws.sheet_properties.tabColor = INTERNAL_TAB
    ws.defined_names[INTERNAL_NAME] = DefinedName(INTERNAL_NAME, attr_text=f"{quote_sheetname(ws.title)}!$A$1")


def is_internal(ws: Worksheet) -> bool:
    """Whether `mark_internal` marked the sheet, or it holds data (an Excel table): neither is for the customer."""
    return INTERNAL_NAME in ws.defined_names or bool(ws.tables)


def widths(ws: Worksheet, columns: dict[str, float]) -> None:
    for letter, width in columns.items():
        ws.column_dimensions[letter].width = width


EXCEL_DEFAULT_WIDTH = 8.43  # characters of the default font, for a column no width was set for


def _scale(cell: Cell) -> float:
    """How much wider than the default font (11 pt, regular) the cell's font writes: size, and bold a tenth."""
    font = cell.font
    return (font.sz or 11) / 11 * (1.1 if font.b else 1.0) if font else 1.0


def _fit(ws: Worksheet, width_of: Callable[[Cell], float | None]) -> None:
    """Widen each column to the widest of its cells' needs (None: the cell needs nothing).

    Columns only grow: a width a team chose for its template is never taken away.
    """
    needed: dict[str, float] = {}
    for row in ws.iter_rows():
        for cell in row:
            width = width_of(cell)
            if width is not None:
                needed[cell.column_letter] = max(needed.get(cell.column_letter, 0.0), width)
    for letter, width in needed.items():
        current = ws.column_dimensions[letter].width if letter in ws.column_dimensions else EXCEL_DEFAULT_WIDTH
        if width > (current or EXCEL_DEFAULT_WIDTH):
            ws.column_dimensions[letter].width = round(width, 1)


def _label_width(cell: Cell) -> float | None:
    """The width a label needs when Excel would cut it: text on one line with a filled cell to its right."""
    ws = cell.parent
    cut = (cell.data_type == "s" and isinstance(cell.value, str) and not (cell.alignment and cell.alignment.wrap_text)
           and cell.coordinate not in ws.merged_cells and ws.cell(cell.row, cell.column + 1).value not in (None, ""))
    return len(cell.value) * _scale(cell) + 1 if cut else None


def _wrapped_lines(cell: Cell) -> int:
    """Lines a wrapped label takes in its column, wrapping at words as Excel does."""
    letter = cell.column_letter
    width = cell.parent.column_dimensions[letter].width if letter in cell.parent.column_dimensions else None
    chars = max(int(((width or EXCEL_DEFAULT_WIDTH) - 1) / _scale(cell)), 1)
    return max(len(textwrap.wrap(cell.value, chars)), 1)


def fit_labels(worksheets: list[Worksheet]) -> None:
    """Widen each column to the longest label the next cell would cut off, and deepen the rows of set height
    (header rows) to their wrapped labels.

    Excel lets a text run past its column only while the cell to its right is
    empty, and labels sit beside values; widths picked for the English labels
    cut the longer Portuguese and Spanish ones. A wrapped header in a row of
    fixed height shows only the lines that fit. Widths count characters of
    the default font; a line of it is 15 points high. Call it once the
    column widths are set.
    """
    for ws in worksheets:
        _fit(ws, _label_width)
        for row, dimension in ws.row_dimensions.items():
            if dimension.height:
                lines = [_wrapped_lines(c) * 15 * (c.font.sz or 11) / 11 for c in ws[row]
                         if isinstance(c.value, str) and c.data_type == "s" and c.alignment.wrap_text]
                dimension.height = max([dimension.height, *lines])


def shown_length(number_format: str, amount: float) -> int:
    """Characters `amount` takes in a money format such as '"R$ "#,##0.00': the quoted symbol, the grouped
    digits, the decimals and a minus sign.

    >>> len("-R$ 16.190.457,82"), shown_length('"R$ "#,##0.00;-"R$ "#,##0.00', 16_190_457.82)
    (17, 17)
    """
    positive = number_format.split(";")[0]
    symbol = "".join(re.findall(r'"([^"]*)"', positive))
    decimals = re.search(r"0\.(0+)", positive)
    fraction = len(decimals.group(1)) + 1 if decimals else 0
    return len(symbol) + len(f"{int(abs(amount)):,}") + fraction + 1


def fit_amounts(wb: Workbook, largest: float) -> None:
    """Widen the report columns that show money (a format with a quoted currency symbol) so `largest` fits.

    Excel shows ### for a number wider than its column, and how wide an MRR
    grid must be depends on the size of the book, known only at filling: a
    column sized for 2,335.57 shows ### for 23,355.70. Data sheets (those
    holding an Excel table) keep their widths, since one row never holds a
    book's total.
    """
    def money_width(cell: Cell) -> float | None:
        fmt = cell.number_format or ""
        if '"' in fmt and "#,##0" in fmt and cell.coordinate not in cell.parent.merged_cells:
            return shown_length(fmt, largest) * _scale(cell) + 1
        return None

    for ws in wb.worksheets:
        if not ws.tables:
            _fit(ws, money_width)


def col(index: int) -> str:
    return get_column_letter(index)
