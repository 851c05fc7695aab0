"""What makes the QBR's customer pages read like a deck: deck number formats, print pages, internal marking.

Summary figures show amounts in thousands without cents and a dash for zero
(the Data sheets keep every cent), NPS in whole points and differences of
rates in percentage points. The formats are plain Excel number formats that
LibreOffice also shows (the trailing comma divides by a thousand in both).
Every customer sheet prints landscape, one topic a page, its row labels on
every page; the vendor's own sheets are marked internal (`cells.mark_internal`)
and say so in a line of their own, so `csxl qbr --pdf` and a reader both know.
"""

from __future__ import annotations

import math

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.worksheet.worksheet import Worksheet

from csxl.workbooks.cells import label, mark_internal, print_setup, print_wide
from csxl.workbooks.formulas import text
from csxl.workbooks.labels import Locale

POINTS = '+0.0" pp";-0.0" pp";0.0" pp"'  # a difference of two rates, in percentage points
SCORE_POINTS = "+0.0;-0.0;0.0"  # a difference of two scores (health), in points
CHANGE = "+0.0%;-0.0%;0.0%"  # a relative change of an amount
WHOLE = "0"  # NPS and other scores in whole points
AXIS_THOUSANDS = "#,##0,;-#,##0,;0"  # a chart's amount axis: whole thousands (its title says so), no cents
AXIS_TENTHS = "#,##0.0,;-#,##0.0,;0"  # the same for an account under 10 thousand a month: 0.5, 1.0, 1.5...
_ROW_CM = 0.53  # a row of the default height (15 points), in centimetres
_COLUMN_CM = 0.19  # one character of column width, in centimetres
_INTERNAL_FONT = Font(bold=True, color="C00000")


def _symbol(locale: Locale) -> str:
    """The quoted currency part of the locale's money format ('"R$ "'), whatever currency it carries."""
    return locale.money.split(";")[0].replace("#,##0.00", "")


def money_whole(locale: Locale) -> str:
    """Amounts without cents, a dash for zero: "R$ 17,208" / "-R$ 500" / "-"."""
    symbol = _symbol(locale)
    return f'{symbol}#,##0;-{symbol}#,##0;"-"'


def money_thousands(locale: Locale) -> str:
    """Amounts in thousands with one decimal, a dash for zero: "R$ 341.5 mil", "US$ 341.5K"."""
    symbol, unit = _symbol(locale), locale("thousands").replace('"', "")
    return f'{symbol}#,##0.0,"{unit}";-{symbol}#,##0.0,"{unit}";"-"'


def mark_vendor_sheet(ws: Worksheet, locale: Locale) -> None:
    """Mark a sheet as the vendor's own: grey tab and defined name (`mark_internal`), and a red line under its
    title in the first free cell of column A, so that a reader who unhides it knows too."""
    mark_internal(ws)
    row = next(r for r in (2, 3) if ws.cell(r, 1).value in (None, ""))  # every QBR sheet has one of them free
    label(ws, f"A{row}", locale("internal"), _INTERNAL_FONT)


def _chart_extent(ws: Worksheet) -> tuple[int, int]:
    """The last row and column that the sheet's charts cover, from their anchors and sizes."""
    last_row, last_col = 0, 0
    for chart in ws._charts:
        letters, row = coordinate_from_string(chart.anchor)
        first = column_index_from_string(letters)
        widths = [ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(first, first + 60)]
        cm, cols = 0.0, 0
        while cm < chart.width and cols < len(widths):
            cm += widths[cols] * _COLUMN_CM
            cols += 1
        last_row = max(last_row, row + math.ceil(chart.height / _ROW_CM))
        last_col = max(last_col, first + cols - 1)
    return last_row, last_col


def deck_page(ws: Worksheet, title_rows: str | None = None, pages_wide: int = 1) -> None:
    """Print the sheet as deck pages (`cells.print_setup`, landscape A4): its cells and charts as the print area,
    `pages_wide` pages wide and one page tall, with column A (the row labels) and `title_rows` on every page."""
    chart_row, chart_col = _chart_extent(ws)
    rows = max(ws.max_row, chart_row)
    while rows > 1 and ws.row_dimensions[rows].hidden:  # hidden helper rows at the bottom do not print
        rows -= 1
    ws.print_area = f"A1:{get_column_letter(max(ws.max_column, chart_col))}{rows}"
    print_setup([ws])
    print_wide(ws, pages_wide)
    ws.page_setup.fitToHeight = 1
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True

def quarter_label(date: str, locale: Locale) -> str:
    """A formula fragment naming the calendar quarter of `date` (a cell or an expression): "Q3 2026"."""
    return f'{text(locale("quarter_prefix"))}&ROUNDUP(MONTH({date})/3,0)&" "&YEAR({date})'


def fit_axes(wb: Workbook, largest: float) -> None:
    """Amount axes in thousands with a decimal when the account's largest monthly amount is under 10 thousand,
    whole thousands otherwise: the axis of an account of 2,180 a month in whole thousands reads 2, 2, 2."""
    wanted = AXIS_TENTHS if largest < 10_000 else AXIS_THOUSANDS
    for ws in wb.worksheets:
        for chart in ws._charts:
            axis = chart.y_axis
            if axis.numFmt is not None and axis.numFmt.formatCode in (AXIS_THOUSANDS, AXIS_TENTHS):
                axis.numFmt.formatCode = wanted
