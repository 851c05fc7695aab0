"""The QBR's executive summary, its first page: the quarter framed as a quarter, three highlights written from the
data, and the wins, risks and asks the CSM types in.

Every figure is a formula: MRR and ARR at the quarter end with their change on the previous quarter and on
the same quarter a year before (`csxl.metrics.review.change`), NRR and GRR over 12 months with their change
in percentage points (`review.points_change`), the health score and its change in the quarter, NPS and CSAT
with their number of answers (the small-sample rule of `formulas.reported` applies), days to renewal and the
contract term. The highlights are sentences whose numbers are live (SUBSTITUTE into a sentence of the
reader's language), so they follow an edited Data table like every other figure.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from csxl.metrics.review import ON_TRACK_STATUSES
from csxl.workbooks.anchors import Anchor, Anchors, Line, column_span, lines
from csxl.workbooks.cells import (
    BOLD,
    HEADER_FILL,
    HEADER_FONT,
    KPI_FONT,
    WRAP,
    formula,
    header_row,
    label,
    mark_input,
    widths,
)
from csxl.workbooks.colours import flag_colours
from csxl.workbooks.formulas import count_where, exact, text
from csxl.workbooks.labels import Locale
from csxl.workbooks.qbr_deck import CHANGE, POINTS, SCORE_POINTS, WHOLE, money_thousands, quarter_label
from csxl.workbooks.qbr_tables import D

BOX_ROWS = 3  # typed lines in each of the wins, risks and asks boxes
_GREY = Font(color="595959")
_NOTE = Font(italic=True, color="595959")


def _sentence(words: str, **numbers: str) -> str:
    """A sentence of the labels with its {placeholders} replaced by formula values."""
    shown = text(words)
    for key, value in numbers.items():
        shown = f'SUBSTITUTE({shown},"{{{key}}}",{value})'
    return shown


def summary_sheet(ws: Worksheet, locale: Locale, mrr: Anchors, health: Anchors) -> Anchors:
    """Write the executive summary from the MRR sheet's totals (`mrr["total"]`, the month before the window first)
    and the Health sheet's monthly scores (`health["score"]`).

    Anchors: "account" (named Account), each key figure line ("mrr", "arr", "nrr", "grr", "health_score",
    "health_flag", "nps", "csat", "days_to_renewal", "contract_term") with its changes ("mrr_quarter",
    "mrr_year", "nrr_quarter", ...), "highlights" (named Highlights) and the input boxes "wins", "risks", "asks".
    """
    label(ws, "A1", locale("title.qbr"), Font(bold=True, size=12, color="595959"))
    a = Anchors({"account": Anchor(ws, 2, 1)})
    formula(ws, "A2", f"=INDEX({D('customer', 'name')},1)", font=Font(bold=True, size=20, color="1F3864"))
    a["account"].define(ws.parent, "Account")
    first = lambda column: f"INDEX({D('customer', column)},1)"  # noqa: E731
    formula(ws, "A3", f'={quarter_label("AsOf", locale)}&" - "&{text(locale("csm") + ": ")}&{first("csm")}',
            font=Font(size=12, color="595959"))
    previous, year_before = "EDATE(AsOf,-3)", "EDATE(AsOf,-12)"
    header_row(ws, 5, 1, [locale("key_figures"), locale("now"), "", ""])
    for column, date in ((3, previous), (4, year_before)):
        cell = formula(ws, f"{'CD'[column - 3]}5", f'={text(locale("vs") + " ")}&{quarter_label(date, locale)}')
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    total = mrr["total"]  # total.cell(-1) is the AsOf month, -4 the quarter before, -13 a year before
    end, quarter, year = (total.cell(k).ref for k in (-1, -4, -13))
    start_quarter, start_year = total.cell(-16).ref, total.cell(-25).ref
    score, score_before = health["score"].cell(-1).ref, health["score"].cell(-4).ref
    thousands = money_thousands(locale)

    def rate_change(now: str, then: str, start: str, capped: bool) -> str:
        """The change in pp of NRR (or GRR, `capped`) from its value at `then` (cohort start `start`)."""
        before = f"MIN({then},{start})/{start}" if capped else f"{then}/{start}"
        return f'=IF(AND(ISNUMBER({now}),{start}>0),({now}-{before})*100,"")'

    a.update(lines(ws, 6, [
        Line("mrr", locale("mrr"), f"={end}", thousands, KPI_FONT, "MRR"),
        Line("arr", locale("arr"), "=12*MRR", thousands, KPI_FONT, "ARR"),
        Line("nrr", locale("nrr"), f'=IF({year}>0,{end}/{year},"")', locale.percent, KPI_FONT, "NRR"),
        Line("grr", locale("grr"), f'=IF({year}>0,MIN({end},{year})/{year},"")', locale.percent, KPI_FONT, "GRR"),
        Line("health_score", locale("health_score"), "=HealthScore", WHOLE, KPI_FONT),
        Line("health_flag", locale("health_flag"), "=HealthFlag", font=KPI_FONT),
        Line("nps", locale("nps"), "=NPS", WHOLE, KPI_FONT),
        Line("csat", locale("csat"), "=CSAT", locale.percent, KPI_FONT),
        Line("days_to_renewal", locale("days_to_renewal"), "=DaysToRenewal", locale.integer, KPI_FONT),
        Line("contract_term", locale("contract_term"), "=ContractTerm", locale.integer, KPI_FONT),
    ], label_font=BOLD))
    # beside each figure: its change on the previous quarter (column C) and on a year before (column D)
    changes = {
        ("mrr", 3): ("mrr_quarter", f'=IF({quarter}>0,{end}/{quarter}-1,"")', CHANGE, "MrrChangeQuarter"),
        ("mrr", 4): ("mrr_year", f'=IF({year}>0,{end}/{year}-1,"")', CHANGE, "MrrChangeYear"),
        ("arr", 3): ("arr_quarter", "=MrrChangeQuarter", CHANGE, None),
        ("arr", 4): ("arr_year", "=MrrChangeYear", CHANGE, None),
        ("nrr", 3): ("nrr_quarter", rate_change("NRR", quarter, start_quarter, False), POINTS, "NrrChangeQuarter"),
        ("nrr", 4): ("nrr_year", rate_change("NRR", year, start_year, False), POINTS, "NrrChangeYear"),
        ("grr", 3): ("grr_quarter", rate_change("GRR", quarter, start_quarter, True), POINTS, "GrrChangeQuarter"),
        ("grr", 4): ("grr_year", rate_change("GRR", year, start_year, True), POINTS, "GrrChangeYear"),
        ("health_score", 3): ("health_quarter", f'=IF(AND(ISNUMBER({score}),ISNUMBER({score_before})),'
                                                f'{score}-{score_before},"")', SCORE_POINTS, "HealthChangeQuarter"),
        ("nps", 3): ("nps_n", '="n = "&NpsAnswers', None, None),
        ("csat", 3): ("csat_n", '="n = "&CsatAnswers', None, None),
    }
    for (line, column), (key, expression, fmt, name) in changes.items():
        a[key] = Anchor(ws, a[line].row, column)
        formula(ws, a[key].local, expression, fmt, BOLD if fmt else _NOTE).alignment = Alignment(horizontal="center")
        if name:
            a[key].define(ws.parent, name)
    for key in ("mrr", "arr", "nrr", "grr", "health_score", "health_flag", "nps", "csat", "days_to_renewal",
                "contract_term"):
        ws[a[key].local].alignment = Alignment(horizontal="right")
    flag_colours(ws, a["health_flag"].local, locale)

    # three highlights, each a sentence of live figures
    top = a["contract_term"].row + 2
    label(ws, f"A{top}", locale("highlights"), Font(bold=True, size=13, color="1F3864"))
    a["highlights"] = column_span(ws, 1, top + 1, top + 3)
    change, shown_quarter = a["mrr_quarter"].local, quarter_label(previous, locale)
    pct = f"ABS(ROUND({change}*100,0))"
    moved = f'IF({change}>0,{text(locale("hl.mrr_up"))},{text(locale("hl.mrr_down"))})'
    mrr_line = (f'=IF({change}="",{_sentence(locale("hl.mrr_new"), q=shown_quarter)},'
                f'IF(ROUND({change}*100,0)=0,{_sentence(locale("hl.mrr_flat"), q=shown_quarter)},'
                f'SUBSTITUTE(SUBSTITUTE({moved},"{{pct}}",{pct}),"{{q}}",{shown_quarter})))')
    goal, status = D("goals", "goal"), D("goals", "status")
    goals = count_where(f'{goal}<>""')
    on_track = "+".join(count_where(f'{goal}<>""', exact(status, text(s))) for s in ON_TRACK_STATUSES)
    goals_line = (f'=IF({goals}=0,{text(locale("hl.no_goals"))},'
                  f'{_sentence(locale("hl.goals"), k=f"({on_track})", n=goals)})')
    breaches = "SlaBreachesQuarter"
    sla = (f'IF({breaches}=0,{text(locale("hl.sla_none"))},IF({breaches}=1,{text(locale("hl.sla_one"))},'
           f'SUBSTITUTE({text(locale("hl.sla"))},"{{n}}",{breaches})))')
    sla_line = f'=SUBSTITUTE({sla},"{{t}}",TicketsQuarter)'
    for cell, expression in zip(a["highlights"].cells(), (mrr_line, goals_line, sla_line)):
        formula(ws, cell.local, expression, font=Font(size=12))
        ws.merge_cells(f"{cell.local}:D{cell.row}")
    a["highlights"].define(ws.parent, "Highlights")

    # the CSM's own words: wins, risks, asks
    row = 5
    for key in ("wins", "risks", "asks"):
        head = label(ws, f"F{row}", locale(key), HEADER_FONT)
        head.fill = HEADER_FILL
        a[key] = column_span(ws, 6, row + 1, row + BOX_ROWS)
        for cell in a[key].cells():
            mark_input(ws[cell.local]).alignment = WRAP
        a[key].define(ws.parent, key.title())
        row += BOX_ROWS + 1
    widths(ws, {"A": 30, "B": 34, "C": 16, "D": 16, "E": 3, "F": 60})
    ws.row_dimensions[2].height = 30
    for r in range(a["mrr"].row, a["contract_term"].row + 1):
        ws.row_dimensions[r].height = 21  # the figures' 14-point font
    return a
