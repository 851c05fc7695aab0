"""What makes the QBR's customer pages read like a deck: deck number formats and internal marking.

Summary figures show amounts in thousands without cents and a dash for zero
(the Data sheets keep every cent), NPS in whole points and differences of
rates in percentage points. The formats are plain Excel number formats that
LibreOffice also shows (the trailing comma divides by a thousand in both).
Every customer sheet prints landscape, one topic a page, its row labels on
every page (`printing.print_pages`); the vendor's own sheets are marked
internal (`cells.mark_internal`) and say so in a line of their own, so
`csxl qbr --pdf` and a reader both know.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from csxl.workbooks.cells import label, mark_internal
from csxl.workbooks.formulas import text
from csxl.workbooks.labels import Locale

POINTS = '+0.0" pp";-0.0" pp";0.0" pp"'  # a difference of two rates, in percentage points
SCORE_POINTS = "+0.0;-0.0;0.0"  # a difference of two scores (health), in points
CHANGE = "+0.0%;-0.0%;0.0%"  # a relative change of an amount
WHOLE = "0"  # NPS and other scores in whole points
AXIS_THOUSANDS = "#,##0,;-#,##0,;0"  # a chart's amount axis: whole thousands (its title says so), no cents
AXIS_TENTHS = "#,##0.0,;-#,##0.0,;0"  # the same for an account under 10 thousand a month: 0.5, 1.0, 1.5...
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
