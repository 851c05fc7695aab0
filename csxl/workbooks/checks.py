"""The Checks sheet every generated workbook ends with: named reconciliations and one master check.

Each check is a formula whose value should be 0 (a difference, a count of
problems); it passes when its absolute value is within the `Tolerance` input.
The master check, named `MasterCheck`, is OK only when every check is, and the
cover shows it, as finance-model conventions ask.
"""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from csxl.workbooks.anchors import Anchor, Anchors, column_span
from csxl.workbooks.cells import BOLD, KPI_FONT, formula, header_row, label, title, widths
from csxl.workbooks.colours import ok_colours
from csxl.workbooks.formulas import text
from csxl.workbooks.labels import Locale


def checks_sheet(ws: Worksheet, locale: Locale, checks: list[tuple[str, str]]) -> Anchors:
    """Write (label key, formula) checks and the master check, named MasterCheck.

    Anchors: each check's difference cell by its label key, "results" (the OK/ERROR column) and "master".
    """
    title(ws, locale("title.checks"))
    header_row(ws, 3, 1, [locale("check"), locale("difference"), locale("result")])
    ok, error = text(locale("ok")), text(locale("error"))
    results = column_span(ws, 3, 4, 3 + len(checks))
    a = Anchors({"results": results})
    for i, (key, expression) in enumerate(checks):
        a[key] = difference = Anchor(ws, results.row + i, 2)
        label(ws, f"A{difference.row}", locale(key))
        formula(ws, difference.local, expression, "#,##0.00")
        formula(ws, results.cell(i).local, f"=IF(ABS({difference.local})<=Tolerance,{ok},{error})", font=BOLD)
    a["master"] = master = Anchor(ws, results.bottom + 2, 3)
    label(ws, f"A{master.row}", locale("master_check"), BOLD)
    formula(ws, master.local, f"=IF(COUNTIF({results.local},{ok})={len(checks)},{ok},{error})", font=KPI_FONT)
    master.define(ws.parent, "MasterCheck")
    ok_colours(ws, f"{results.local.split(':')[0]}:{master.local}", locale)
    widths(ws, {"A": 64, "B": 14, "C": 12})
    return a
