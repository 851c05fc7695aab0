"""The portfolio's renewals at risk (`csxl.metrics.risk.renewals_at_risk`): the paying accounts whose next renewal
falls within 90 or 180 days (inputs) and whose health flag is Red, Yellow or Freeze, largest ARR first.

Live over the book: each account's next renewal date (written at filling: the customers' renewal date rolled
forward by whole contract terms past the as-of month, `csxl.metrics.forecast.next_renewal`), its MRR and its live
flag. The list ranks a key per account with LARGE, so no sort order is assumed: its ARR less a billionth of its
row, so that the book's order breaks ties as `renewals_at_risk` keeps the customers' order.
"""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.worksheet.worksheet import Worksheet

from csxl.metrics.risk import AT_RISK_FLAGS
from csxl.workbooks.anchors import Anchor, Anchors, Line, lines
from csxl.workbooks.cells import BOLD, KPI_FONT, formula, header_row, title, widths
from csxl.workbooks.formulas import text
from csxl.workbooks.inputs import InputsSheet
from csxl.workbooks.labels import Locale

RISK_ROWS = 15  # accounts listed for each window
WINDOWS = {"short": ("RenewalDaysShort", 90), "long": ("RenewalDaysLong", 180)}
_HEADS = ["account", "arr", "health_flag", "csm", "days_to_renewal"]


def renewal_columns(now: str, at: dict[str, str]) -> dict[str, str]:
    """The book's calculated columns for renewals: days from the end of the as-of month to the next renewal
    (`csxl.metrics.forecast.days_to_renewal`), and for each window the ranking key of a paying account at risk
    renewing within it (0 otherwise). `now` and `at` are the book row's cells (MRR now; renewal_date, flag,
    days)."""
    days, flag = at["days"], at["flag"]
    risky = "+".join(f'({flag}="{code}")' for code in AT_RISK_FLAGS)
    due = lambda name: f"AND({now}>0,ISNUMBER({days}),{days}>0,{days}<={name},({risky})>0)"  # noqa: E731
    return {"days": f'=IF({at["renewal_date"]}="","",{at["renewal_date"]}-EOMONTH(AsOf,0))',
            **{f"risk_{key}": f"=IF({due(name)},12*{now}-ROW()/1E9,0)" for key, (name, _) in WINDOWS.items()}}


def renewal_inputs(inputs: InputsSheet, locale: Locale) -> None:
    """RenewalDaysShort and RenewalDaysLong: the two windows of the list, in days."""
    inputs.section(locale("sheet.renewals_at_risk"))
    for key, (name, days) in WINDOWS.items():
        inputs.add(name, locale(f"renewal_window.{key}"), days, locale.integer, locale("days"),
                   locale("note.renewal_window"))


def renewals_sheet(ws: Worksheet, locale: Locale, book: Callable[[str], str], now: str) -> Anchors:
    """Both windows: the ARR at risk and number of accounts (named RenewalRiskARR / RenewalRiskAccounts + Short or
    Long) and the list (RenewalRiskShort / RenewalRiskLong: accounts x `_HEADS`). `book(column)` is the defined
    name of a book column, `now` that of its MRR in the as-of month; the flag shows in the reader's words
    (`FlagLabel` beside `FlagCode` on the Health sheet)."""
    title(ws, locale("sheet.renewals_at_risk"), locale("note.renewals"))
    a = Anchors()
    top = 4
    for key, (days, _) in WINDOWS.items():
        risk, suffix = book(f"risk_{key}"), key.title()
        formula(ws, f"A{top}", f'={text(locale("renewals_within") + " ")}&{days}&{text(" " + locale("days"))}',
                font=BOLD)
        a.update({f"{key}_{k}": v for k, v in lines(ws, top + 1, [
            Line("arr", locale("arr_at_risk"), f"=SUMPRODUCT(({risk}>0)*12*{now})", locale.money, KPI_FONT,
                 f"RenewalRiskARR{suffix}"),
            Line("accounts", locale("accounts"), f'=COUNTIF({risk},">0")', locale.integer, KPI_FONT,
                 f"RenewalRiskAccounts{suffix}"),
        ]).items()})
        header_row(ws, top + 4, 1, [locale(h) for h in _HEADS])
        block = Anchor(ws, top + 5, 1, top + 4 + RISK_ROWS, len(_HEADS))
        for i in range(RISK_ROWS):
            row = f"MATCH(LARGE({risk},{i + 1}),{risk},0)"
            columns = [(f"INDEX({book('name')},{row})", None), (f"12*INDEX({now},{row})", locale.money),
                       (f'IFERROR(INDEX(FlagLabel,MATCH(INDEX({book("flag")},{row}),FlagCode,0)),"")', None),
                       (f"INDEX({book('csm')},{row})", None), (f"INDEX({book('days')},{row})", locale.integer)]
            for cell, (expression, fmt) in zip(block.row_of(i).cells(), columns, strict=True):
                formula(ws, cell.local, f'=IF(COUNTIF({risk},">0")<{i + 1},"",{expression})', fmt)
        a[key] = block.define(ws.parent, f"RenewalRisk{suffix}")
        top = block.bottom + 3
    widths(ws, {"A": 34, "B": 18, "C": 14, "D": 22, "E": 16})
    return a
