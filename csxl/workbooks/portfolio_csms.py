"""The portfolio's CSM scorecard (`csxl.metrics.csm.csm_scorecard`): each CSM's accounts, MRR, retention,
expansion, NPS, growth, account coverage and flag shares, live over the book; their rank by MRR retained and a
total row over the whole book."""

from __future__ import annotations

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from csxl.metrics.health import FLAGS
from csxl.workbooks.anchors import Anchor, Anchors, column_span
from csxl.workbooks.cells import BOLD, col, formula, header_row, label, title, widths
from csxl.workbooks.formulas import count_where, exact, nps, sum_where, text, window_mask
from csxl.workbooks.labels import Locale
from csxl.workbooks.portfolio_window import MONTH_COLUMNS, WINDOW, window_month

CSM_ROWS = 20

_CSM_HEADS = ["csm", "accounts", "mrr", "mrr_retained", "logo_retention", "expansion_mrr", "accounts_expanded", "nps",
              "growth_mom", "account_coverage", *[f"flag.{flag}" for flag in FLAGS]]


def _csm_cells(at: dict[str, str], mine: str, said: str, locale: Locale) -> dict[str, tuple[str, str | None]]:
    """One scorecard row's formulas (`csxl.metrics.csm.csm_scorecard`) but its name: `at` the row's cells by head,
    `mine` the book rows it counts, `said` the NPS answers it counts (conditions over the book and the nps table).
    """
    last_year = range(WINDOW - 11, WINDOW + 1)  # movement columns of the 12 months to AsOf
    won = "+".join(f"INDEX(Upsell,0,{k})+INDEX(CrossSell,0,{k})" for k in last_year)
    now, year_ago, before = (f"D_book_{MONTH_COLUMNS[k]}" for k in (-1, -13, -2))
    csm, accounts = at["csm"], at["accounts"]
    start, end = lambda k: window_month(str(k)), lambda k: window_month(str(k + 1))  # noqa: E731
    expansion = "+".join(f"SUMPRODUCT({mine}*({start(k)}>0)*({end(k)}>{start(k)})*({end(k)}-{start(k)}))"
                         for k in last_year)
    answered = (said, window_mask("D_nps_date"))
    promoters = count_where(*answered, "D_nps_score>=PromoterFrom")
    detractors = count_where(*answered, "D_nps_score<=DetractorTo")
    given = lambda expression: f'=IF({csm}="","",{expression})'  # noqa: E731
    return {
        "accounts": (given(count_where(mine, f"{now}>0")), locale.integer),
        "mrr": (given(sum_where(now, mine)), locale.money),
        "mrr_retained": (given(f'IFERROR({sum_where(now, mine, f"{year_ago}>0")}/{sum_where(year_ago, mine)},"")'),
                         locale.percent),
        "logo_retention": (given(f'IFERROR({count_where(mine, f"{year_ago}>0", f"{now}>0")}/'
                                 f'{count_where(mine, f"{year_ago}>0")},"")'), locale.percent),
        "expansion_mrr": (given(expansion), locale.money),
        "accounts_expanded": (given(count_where(mine, f"({won})>0")), locale.integer),
        "nps": (given(nps(promoters, detractors, count_where(*answered))), "0.0"),
        "growth_mom": (given(f'IFERROR({at["mrr"]}/{sum_where(before, mine)}-1,"")'), locale.percent),
        # blank without touchpoints data
        "account_coverage": (f'=IF(OR({csm}="",{accounts}=0,COUNTA(D_touchpoints_customer_id)=0),"",'
                             f'{count_where(mine, "D_book_covered=1", f"{now}>0")}/{accounts})', locale.percent),
        **{f"flag.{flag}": (f'=IF(OR({csm}="",{accounts}=0),"",'
                            f'{count_where(mine, exact("D_book_flag", f"INDEX(FlagCode,{j})"), f"{now}>0")}'
                            f'/{accounts})', locale.percent) for j, flag in enumerate(FLAGS, start=1)},
    }


def csm_sheet(ws: Worksheet, locale: Locale, csms: str) -> Anchors:
    """The CSM scorecard (`csxl.metrics.csm.csm_scorecard`), each CSM's rank by MRR retained (1 = highest) and a
    total row over the whole book. Anchors: "scorecard" (CSMs x `_CSM_HEADS`, named CsmScorecard), "rank" (beside
    it, CsmRank), "total" (below it, CsmTotal). `csms` is the defined name of the CSMs' list."""
    title(ws, locale("sheet.csms"), locale("note.coverage"))
    header_row(ws, 4, 1, [locale(h) if not h.startswith("flag.") else f"% {locale(h)}" for h in _CSM_HEADS])
    header_row(ws, 4, len(_CSM_HEADS) + 1, [locale("rank")])
    a = Anchors({"scorecard": Anchor(ws, 5, 1, 4 + CSM_ROWS, len(_CSM_HEADS)),
                 "rank": column_span(ws, len(_CSM_HEADS) + 1, 5, 4 + CSM_ROWS)})
    a["total"] = a["scorecard"].row_of(-1).offset(rows=1)
    retained = a["scorecard"].column_of(_CSM_HEADS.index("mrr_retained")).a1(absolute=True)
    rows = [(a["scorecard"].row_of(i), f'=IFERROR(INDEX({csms},{i + 1}),"")') for i in range(CSM_ROWS)]
    for k, (row, name) in enumerate([*rows, (a["total"], f"={text(locale('total'))}")]):
        at = dict(zip(_CSM_HEADS, (cell.local for cell in row.cells()), strict=True))
        total = k == CSM_ROWS
        mine, said = (('(D_book_customer_id<>"")', '(D_nps_customer_id<>"")') if total else
                      (f"EXACT(D_book_csm,{at['csm']})", exact("D_nps_csm", at["csm"])))
        formula(ws, at["csm"], name, font=BOLD if total else None)
        for head, (expression, fmt) in _csm_cells(at, mine, said, locale).items():
            formula(ws, at[head], expression, fmt, BOLD if total else None)
        if not total:
            mrr_retained = at["mrr_retained"]
            # compared as numbers: a criterion ">"&value would round the value to text
            formula(ws, a["rank"].cell(k).local, f'=IF(ISNUMBER({mrr_retained}),SUMPRODUCT(ISNUMBER({retained})*'
                                                 f'({retained}>{mrr_retained}))+1,"")', locale.integer)
    for key, name in (("scorecard", "CsmScorecard"), ("rank", "CsmRank"), ("total", "CsmTotal")):
        a[key].define(ws.parent, name)
    _touchpoint_window(ws, a["total"].row + 3, locale)
    widths(ws, {"A": 22, **{col(c): 15 for c in range(2, len(_CSM_HEADS) + 2)}})
    return a


# The touchpoints table is filled newest first, so the touchpoints of the coverage window are one block of rows:
# bounded once here, each account's coverage (D_book_covered) looks in that block only - a few thousand rows
# instead of every touchpoint, which LibreOffice takes 20 s over for 5,000 accounts. A table a user has appended
# to out of order (TouchSorted 0) is one block from its first row to its last.
_ROWS = "ROWS(D_touchpoints_date)"
_TOUCH_WINDOW = {
    "TouchSorted": f"=IF({_ROWS}<2,1,IF(SUMPRODUCT(--(INDEX(D_touchpoints_date,2):INDEX(D_touchpoints_date,{_ROWS})"
                   f">INDEX(D_touchpoints_date,1):INDEX(D_touchpoints_date,{_ROWS}-1)))=0,1,0))",
    "TouchFirst": '=IF(TouchSorted=1,COUNTIF(D_touchpoints_date,">"&EOMONTH(AsOf,0))+1,1)',
    "TouchLast": f'=IF(TouchSorted=1,COUNTIF(D_touchpoints_date,">"&(EOMONTH(AsOf,0)-CoverageDays)),{_ROWS})',
}


def _touchpoint_window(ws: Worksheet, row: int, locale: Locale) -> None:
    """Hidden helper rows from `row` on: whether the touchpoints table is newest first, and the first and last row
    of the block that holds the coverage window's touchpoints (names TouchSorted, TouchFirst, TouchLast)."""
    for k, (name, expression) in enumerate(_TOUCH_WINDOW.items()):
        label(ws, f"A{row + k}", name, Font(italic=True, color="808080"))
        cell = formula(ws, f"B{row + k}", expression, locale.integer)
        Anchor(ws, cell.row, cell.column).define(ws.parent, name)
        ws.row_dimensions[row + k].hidden = True
