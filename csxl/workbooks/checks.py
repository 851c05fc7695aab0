"""The Checks sheet every generated workbook ends with: named reconciliations and one master check.

Each check is a formula whose value should be 0 (a difference, a count of
problems); it passes when its absolute value is within the `Tolerance` input.
The master check, named `MasterCheck`, is OK only when every check is, and the
cover shows it, as finance-model conventions ask.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from csxl.workbooks.cells import BOLD, KPI_FONT, absolute, formula, header_row, label, title, widths
from csxl.workbooks.inputs import define
from csxl.workbooks.labels import Locale


def ok_colours(ws: Worksheet, ref: str, locale: Locale) -> None:
    """Green for OK, red for ERROR."""
    for word, colour in (("ok", "C6EFCE"), ("error", "FFC7CE")):
        ws.conditional_formatting.add(ref, CellIsRule(operator="equal", formula=[f'"{locale(word)}"'],
                                                      fill=PatternFill("solid", fgColor=colour)))


def checks_sheet(wb: Workbook, ws: Worksheet, locale: Locale, checks: list[tuple[str, str]]) -> None:
    """Write (label key, formula) checks, the master check, and name it MasterCheck."""
    title(ws, locale("title.checks"))
    header_row(ws, 3, 1, [locale("check"), locale("difference"), locale("result")])
    ok, error = locale("ok"), locale("error")
    for i, (key, expression) in enumerate(checks):
        r = 4 + i
        label(ws, f"A{r}", locale(key))
        formula(ws, f"B{r}", expression, "#,##0.00")
        formula(ws, f"C{r}", f'=IF(ABS(B{r})<=Tolerance,"{ok}","{error}")', font=BOLD)
    last = 3 + len(checks)
    label(ws, f"A{last + 2}", locale("master_check"), BOLD)
    formula(ws, f"C{last + 2}", f'=IF(COUNTIF(C4:C{last},"{ok}")={len(checks)},"{ok}","{error}")', font=KPI_FONT)
    define(wb, "MasterCheck", absolute(ws, f"C{last + 2}"))
    ok_colours(ws, f"C4:C{last + 2}", locale)
    widths(ws, {"A": 64, "B": 14, "C": 12})
