"""The QBR's account pages: the renewal (date, term, days to go, the ARR up for renewal) and the next steps the
CSM agrees with the customer.

The next steps are typed, not computed: blue input cells outside every Data table, so filling a template for
the next quarter keeps them (filling writes the Data tables only).
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from csxl.workbooks.anchors import Anchor, Anchors, Line, lines
from csxl.workbooks.cells import KPI_FONT, WRAP, formula, header_row, mark_input, title, widths
from csxl.workbooks.labels import Locale
from csxl.workbooks.qbr_deck import money_thousands, quarter_label
from csxl.workbooks.qbr_tables import D

NEXT_STEP_ROWS = 12
STEP_STATUSES = ("open", "in_progress", "done")


def renewal_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """The renewal: date, quarter, contract term, days from the end of the AsOf month
    (`csxl.metrics.forecast.days_to_renewal`), customer since, and the ARR up for renewal (today's ARR).
    Anchors: one per line; named RenewalDate, ContractTerm, DaysToRenewal, RenewalARR."""
    title(ws, locale("title.renewal"))
    formula(ws, "A2", "=Account", font=Font(italic=True))
    first = lambda column: f"INDEX({D('customer', column)},1)"  # noqa: E731
    renewal_quarter = quarter_label("RenewalDate", locale)
    given = lambda column: f'=IF({first(column)}="","",{first(column)})'  # noqa: E731
    a = lines(ws, 4, [
        Line("renewal_date", locale("renewal_date"), given("renewal_date"), locale.date, KPI_FONT, "RenewalDate"),
        Line("renewal_quarter", locale("renewal_quarter"), f'=IF(RenewalDate="","",{renewal_quarter})',
             font=KPI_FONT),
        Line("days_to_renewal", locale("days_to_renewal"), '=IF(RenewalDate="","",RenewalDate-EOMONTH(AsOf,0))',
             locale.integer, KPI_FONT, "DaysToRenewal"),
        Line("contract_term", locale("contract_term"), given("contract_term_months"), locale.integer, KPI_FONT,
             "ContractTerm"),
        Line("renewal_arr", locale("renewal_arr"), "=ARR", money_thousands(locale), KPI_FONT, "RenewalARR"),
        Line("customer_since", locale("contract_start"), given("start_date"), locale.date, KPI_FONT),
    ])
    for anchor in a.values():
        ws[anchor.local].alignment = Alignment(horizontal="right")
    widths(ws, {"A": 34, "B": 22})
    return a


def next_steps_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """The action table the CSM fills in: action, owner, due date and status (a list in the reader's language).
    Anchors: "steps" (the input area, named NextSteps)."""
    title(ws, locale("title.next_steps"))
    formula(ws, "A2", "=Account", font=Font(italic=True))
    header_row(ws, 4, 1, [locale("action"), locale("owner"), locale("due"), locale("step_status")])
    a = Anchors({"steps": Anchor(ws, 5, 1, 4 + NEXT_STEP_ROWS, 4)})
    for cell in a["steps"].cells():
        mark_input(ws[cell.local])
        if cell.col == 1:
            ws[cell.local].alignment = WRAP
        if cell.col == 3:
            ws[cell.local].number_format = locale.date
    statuses = ",".join(locale(f"step.{status}") for status in STEP_STATUSES)
    choice = DataValidation(type="list", formula1=f'"{statuses}"', allow_blank=True)
    choice.add(a["steps"].column_of(3).local)
    ws.add_data_validation(choice)
    a["steps"].define(ws.parent, "NextSteps")
    widths(ws, {"A": 60, "B": 24, "C": 14, "D": 16})
    return a
