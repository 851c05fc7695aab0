"""The portfolio's segment trends: the 12-month cohort NRR and GRR of each touch model and tier at the end of each
of the last `QUARTERS` quarters (`csxl.metrics.health.segments` at each quarter's last month).

Quarters are counted back from the as-of month in steps of three months, so an as-of month at a quarter's end
gives the calendar quarters. Accounts count in the segment they were in 12 months before each quarter's end: for
touch models the book has a calculated column per quarter (`touch_q<j>`) against that month's ARPA (`ArpaQ<j>`,
here), as `segments` classifies them; tiers do not move.
"""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.worksheet.worksheet import Worksheet

from csxl.workbooks.anchors import Anchor, Anchors
from csxl.workbooks.cells import BOLD, col, formula, header_row, label
from csxl.workbooks.formulas import exact, sum_where
from csxl.workbooks.labels import Locale

QUARTERS = 8


def quarter_back(j: int) -> int:
    """Months from quarter j's end back to the as-of month (j = 0: the quarter ending at the as-of month)."""
    return 3 * j


def segment_trends(ws: Worksheet, top: int, locale: Locale, month: Callable[[int], str],
                   touch: Callable[[int], str], segments: dict[str, tuple[list[str], str | None]]) -> Anchors:
    """From row `top`: the quarters' end months (named SegmentTrendMonths, oldest first), each quarter's ARPA 12
    months before its end (ArpaQ1..; quarter 0's is the Segments sheet's ArpaStart), and for each segment kind
    ("touch", "tier") an NRR and a GRR block (segments x quarters, named SegmentTrend<Kind>NRR / GRR).

    `month(back)` names the book's MRR column `back` months before the as-of month, `touch(j)` the touch model
    column of quarter j; `segments[kind]` = (the segment names, or blanks for names read from a table, and that
    table's column, or None).
    """
    a = Anchors()
    label(ws, f"A{top}", locale("segment_trends"), BOLD)
    months = Anchor(ws, top + 1, 2, top + 1, 1 + QUARTERS)
    arpa = months.offset(rows=1)
    label(ws, f"A{months.row}", locale("quarter_to"), BOLD)
    label(ws, f"A{arpa.row}", locale("arpa_start"))
    order = list(reversed(range(QUARTERS)))  # oldest quarter first, left to right
    for c, j in enumerate(order):
        back = quarter_back(j)
        formula(ws, months.cell(c).local, f"=EDATE(AsOf,-{back})", locale.month, BOLD)
        start = month(back + 12)
        formula(ws, arpa.cell(c).local, "=ArpaStart" if j == 0 else
                f'=IFERROR(SUM({start})/COUNTIF({start},">0"),"")', locale.money)
        if j:
            arpa.cell(c).define(ws.parent, f"ArpaQ{j}")
    months.define(ws.parent, "SegmentTrendMonths")
    row = arpa.row + 2
    for kind, (names, table) in segments.items():
        for measure in ("NRR", "GRR"):
            header_row(ws, row, 1, [f"{locale('touch_model' if kind == 'touch' else 'tier')}: {measure}"])
            block = Anchor(ws, row + 1, 2, row + len(names), 1 + QUARTERS)
            for i, name in enumerate(names):
                segment = f"A{row + 1 + i}"
                if table:
                    formula(ws, segment, f'=IFERROR(INDEX({table},{i + 1}),"")')
                else:
                    label(ws, segment, name)
                for c, j in enumerate(order):
                    now, start = month(quarter_back(j)), month(quarter_back(j) + 12)
                    was = exact(touch(j) if kind == "touch" else "D_book_tier", segment)
                    kept = (sum_where(now, was, f"{start}>0") if measure == "NRR" else
                            sum_where(f"(({now}<{start})*{now}+({now}>={start})*{start})", was, f"{start}>0"))
                    rate = f'=IF({segment}="","",IFERROR({kept}/{sum_where(start, was)},""))'
                    formula(ws, block.at(i, c).local, rate, locale.percent)
            a[f"{kind}_{measure}"] = block.define(ws.parent, f"SegmentTrend{kind.title()}{measure}")
            row = block.bottom + 2
    for c in range(2, 2 + QUARTERS):
        ws.column_dimensions[col(c)].width = max(ws.column_dimensions[col(c)].width or 0, 12)
    return a
