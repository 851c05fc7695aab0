"""The QBR workbook: one customer's quarterly business review as a live Excel model.

`qbr_template(locale)` lays the workbook out with empty Data tables: every
number on the report sheets is a formula over those tables and the Inputs
sheet. `fill_qbr(wb, data, account, as_of)` writes one customer's rows - and
nothing of any other customer - into the tables and sets `AsOf`. A team can
export the template, restyle it, add sheets and charts over the tables, and
fill its own copy every quarter.

The formulas restate the definitions of `csxl.metrics` (movements, cohort
NRR/GRR, health score, NPS, CSAT, CES) with functions that Excel 2010+,
LibreOffice and Google Sheets all compute; the parity tests recalculate a
generated file in LibreOffice and compare every named output with Python.
"""

from __future__ import annotations

import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from csxl.data.dataset import Dataset
from csxl.data.schema import OPPORTUNITY_TYPES, STAGES
from csxl.errors import CsxlDataError
from csxl.metrics.expansion import CLOSED_STAGES, OPEN_STAGES
from csxl.workbooks.anchors import Anchor, Anchors, Line, column_span, lines, row_span
from csxl.workbooks.cells import (
    BOLD,
    KPI_FONT,
    SUBTITLE,
    TOP_RULE,
    WRAP,
    col,
    fit_amounts,
    fit_labels,
    formula,
    header_row,
    hide_data_sheets,
    label,
    print_setup,
    print_wide,
    title,
    widths,
)
from csxl.workbooks.charts import bar_chart, gapped, line_chart
from csxl.workbooks.checks import checks_sheet
from csxl.workbooks.colours import band_colours, flag_colours, ok_colours
from csxl.workbooks.formulas import (
    Tables,
    exact,
    health_components,
    health_flag,
    health_score,
    nps,
    nps_counts,
    nps_margin,
    nrr_band,
    one_of,
    reported,
    sum_where,
    text,
    window_criteria,
)
from csxl.workbooks.inputs import InputsSheet
from csxl.workbooks.kind import Layout, WorkbookKind
from csxl.workbooks.labels import Locale
from csxl.workbooks.template import DataTable, add_data_sheet, fill_table, peak_arr, set_input

HISTORY = 24  # months of MRR history shown; one more column holds the month before
PRODUCT_ROWS = 10
GOAL_ROWS = 15
COMMENT_ROWS = 12
HEALTH_MONTHS = 12

_SURVEY = (("customer_id", "text"), ("date", "date"), ("score", "number"), ("comment", "text"))
TABLES = Tables({
    "customer": DataTable("customer", (
        ("customer_id", "text"), ("name", "text"), ("segment", "text"), ("tier", "text"), ("csm", "text"),
        ("industry", "text"), ("region", "text"), ("start_date", "date"), ("renewal_date", "date"),
        ("contract_term_months", "number"), ("status", "text"))),
    "products": DataTable("products", (("product", "text"),)),
    "mrr": DataTable("mrr", (("customer_id", "text"), ("product", "text"), ("month", "month"), ("mrr", "number"))),
    "health": DataTable("health", (
        ("customer_id", "text"), ("month", "month"), ("active_users", "number"), ("licensed_seats", "number"),
        ("logins", "number"), ("support_tickets", "number"), ("sla_breaches", "number"))),
    "nps": DataTable("nps", _SURVEY),
    "csat": DataTable("csat", _SURVEY),
    "ces": DataTable("ces", _SURVEY),
    "comments": DataTable("comments", (("date", "date"), ("survey", "text"), ("score", "number"),
                                       ("comment", "text"))),
    "pipeline": DataTable("pipeline", (
        ("opportunity_id", "text"), ("customer_id", "text"), ("stage", "text"), ("type", "text"),
        ("amount", "number"), ("expected_close_date", "date"), ("product", "text"))),
    "goals": DataTable("goals", (
        ("customer_id", "text"), ("goal", "text"), ("kpi", "text"), ("baseline", "number"), ("target", "number"),
        ("actual", "number"), ("due_date", "date"), ("status", "text"))),
})
D = TABLES  # D("mrr", "month"): the checked defined name of a Data column, for formulas
# Defined names of the key outputs; other workbooks can link to them.
OUTPUT_NAMES = ("Account", "AsOf", "MRR", "ARR", "NRR", "GRR", "NrrBand", "HealthScore", "HealthFlag", "NPS",
                "NpsMargin", "CSAT", "CES", "RenewalDate", "DaysToRenewal")
# Goal statuses the Success plan sheet translates (labels goal.<status>); any other text shows as written.
GOAL_STATUSES = ("on_track", "at_risk", "achieved", "missed")


# ---------------------------------------------------------------------------------------------- layout


def qbr_layout(locale: Locale) -> Layout:
    """The QBR layout in `locale`, with empty Data tables, and the anchors of every sheet."""
    wb = Workbook()
    cover = wb.active
    cover.title = locale("sheet.cover")
    sheets = {key: wb.create_sheet(locale(f"sheet.{key}")) for key in
              ("mrr", "products", "health", "voice", "plan", "opportunities")}
    _inputs(wb, locale)
    checks = wb.create_sheet(locale("sheet.checks"))
    for table in TABLES.values():
        add_data_sheet(wb, table, f"{locale('sheet.data')}_{table.name}", locale)
    anchors = {"mrr": _mrr_sheet(sheets["mrr"], locale)}
    anchors["products"] = _products_sheet(sheets["products"], locale, anchors["mrr"])
    anchors["health"] = _health_sheet(sheets["health"], locale)
    anchors["voice"] = _voice_sheet(sheets["voice"], locale)
    anchors["plan"] = _plan_sheet(sheets["plan"], locale)
    anchors["opportunities"] = _opportunities_sheet(sheets["opportunities"], locale)
    anchors["checks"] = _checks_sheet(checks, locale, anchors)
    anchors["cover"] = _cover_sheet(cover, locale, anchors["mrr"])
    fit_labels(wb.worksheets)
    print_setup(wb.worksheets)
    print_wide(sheets["mrr"], 2)  # 25 months do not fit one page legibly
    hide_data_sheets(wb)
    wb.calculation.fullCalcOnLoad = True
    return Layout(wb, anchors)


def qbr_template(locale: Locale) -> Workbook:
    """The QBR layout in `locale`, with empty Data tables."""
    return qbr_layout(locale).wb


def _inputs(wb: Workbook, locale: Locale) -> InputsSheet:
    inputs = InputsSheet(wb, locale)
    inputs.add("AsOf", locale("as_of"), None, locale.month, locale("month"), locale("note.as_of_quarter"))
    inputs.health_score()
    inputs.nrr_bands()
    inputs.surveys(margin=True)
    inputs.stage_probabilities()
    inputs.tolerance()
    return inputs


_MOVEMENTS = ["start_mrr", "had_mrr_before", "new", "reactivation", "expansion", "contraction", "churn", "end_mrr"]


def _mrr_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """Products by month, total MRR and the movements of each month.

    Anchors: "months" (the month before the window, then the window), "window" (its months), "products" (the
    product names), "product_mrr" (products x months), "total", "product_gap", and each movement line.
    """
    title(ws, locale("title.mrr"))
    formula(ws, "A2", "=Account", font=Font(italic=True))
    header, first_col = 4, 2  # column B holds the month before the window
    last_col = first_col + HISTORY
    first_product = header + 1
    total = first_product + PRODUCT_ROWS
    a = Anchors({
        "months": row_span(ws, header, first_col, last_col),
        "window": row_span(ws, header, first_col + 1, last_col),
        "products": column_span(ws, 1, first_product, total - 1),
        "product_mrr": Anchor(ws, first_product, first_col, total - 1, last_col),
        "total": row_span(ws, total, first_col, last_col),
        "product_gap": row_span(ws, total + 1, first_col, last_col),
    })
    for offset, line in enumerate(_MOVEMENTS):
        a[line] = row_span(ws, total + 4 + offset, first_col + 1, last_col)

    label(ws, f"A{header}", locale("product"), BOLD)
    months = list(a["months"].cells())
    formula(ws, months[0].local, f"=EDATE(AsOf,-{HISTORY})", locale.month, BOLD)
    for previous, month in zip(months, months[1:]):
        formula(ws, month.local, f"=EDATE({previous.local},1)", locale.month, BOLD)
    mrr, product, month_col = D("mrr", "mrr"), D("mrr", "product"), D("mrr", "month")
    for i, name in enumerate(a["products"].cells()):
        rank = f"ROWS({a['products'].cell(0).a1(absolute=True)}:{name.local})"
        formula(ws, name.local, f'=IFERROR(INDEX({D("products", "product")},{rank}),"")')
        for month, cell in zip(months, a["product_mrr"].row_of(i).cells()):
            m, key = f"{month.letter}${header}", f"${name.local}"
            formula(ws, cell.local, f'=IF({key}="","",{sum_where(mrr, exact(product, key), f"{month_col}={m}")})',
                    locale.money)
    label(ws, f"A{total}", locale("total_mrr"), BOLD)
    for month, cell in zip(months, a["total"].cells()):
        formula(ws, cell.local, f"=ROUND(SUMIFS({mrr},{month_col},{month.letter}${header}),6)", locale.money,
                BOLD).border = TOP_RULE
    # the check's own name, as on the checks sheet: with a "Check:" prefix it would not fit column A
    grey = Font(italic=True, color="808080")
    label(ws, f"A{a['product_gap'].row}", locale("check.products"), grey)
    for c, cell in enumerate(a["product_gap"].cells()):
        products = a["product_mrr"].column_of(c).local
        formula(ws, cell.local, f"=ROUND(SUM({products})-{a['total'].cell(c).local},6)", locale.money, grey)

    label(ws, f"A{a['start_mrr'].row - 1}", locale("movements"), BOLD)
    for line in _MOVEMENTS:
        label(ws, f"A{a[line].row}", locale(line), BOLD if line in ("start_mrr", "end_mrr") else None)
    for k in range(HISTORY):
        at = {line: a[line].cell(k).local for line in _MOVEMENTS}
        s, e, h = at["start_mrr"], a["total"].cell(k + 1).local, at["had_mrr_before"]
        cells = {
            "start_mrr": f"={a['total'].cell(k).local}",
            "had_mrr_before": f'=IF(COUNTIFS({month_col},"<="&{months[k].letter}${header},{mrr},">0")>0,1,0)',
            "new": f"=IF(AND({s}=0,{e}>0,{h}=0),{e},0)",
            "reactivation": f"=IF(AND({s}=0,{e}>0,{h}=1),{e},0)",
            "expansion": f"=IF(AND({s}>0,{e}>{s}),{e}-{s},0)",
            "contraction": f"=IF(AND({s}>0,{e}>0,{e}<{s}),{s}-{e},0)",
            "churn": f"=IF(AND({s}>0,{e}=0),{s},0)",
            "end_mrr": f"={s}+{at['new']}+{at['reactivation']}+{at['expansion']}-{at['contraction']}-{at['churn']}",
        }
        for line, expression in cells.items():
            formula(ws, at[line], expression, "0" if line == "had_mrr_before" else locale.money)
    ws.row_dimensions[a["had_mrr_before"].row].hidden = True  # a helper of new vs reactivation, not for the reader
    widths(ws, {"A": 30, **{col(c): 12 for c in range(first_col, last_col + 1)}})
    ws.freeze_panes = f"B{header + 1}"

    window = a["window"].reference()
    below = a["end_mrr"].row + 2
    ws.add_chart(line_chart(locale("total_mrr"), a["total"].part(1, -1).reference(), window, size=(7.5, 26)),
                 f"A{below}")
    shown = ("new", "reactivation", "expansion", "contraction", "churn")
    # side by side, one under each half of the months, so that neither is cut by a page break
    ws.add_chart(bar_chart(locale("movements"), {locale(line): a[line].reference() for line in shown}, window,
                           size=(7.5, 26)), f"{a['window'].cell(HISTORY // 2).letter}{below}")
    return a


def _products_sheet(ws: Worksheet, locale: Locale, mrr: Anchors) -> Anchors:
    """The products with their MRR now and a year ago. Anchors: "names", "now", "year_ago", "difference",
    "owned", "whitespace" (columns over the product rows) and "total_now"."""
    title(ws, locale("title.products"))
    formula(ws, "A2", "=Account", font=Font(italic=True))
    header_row(ws, 4, 1, [locale("product"), locale("owned"), locale("mrr_now"), locale("mrr_year_ago"),
                          locale("difference"), locale("whitespace")])
    first, last = 5, 4 + PRODUCT_ROWS
    a = Anchors({key: column_span(ws, c, first, last) for c, key in
                 enumerate(("names", "owned", "now", "year_ago", "difference", "whitespace"), start=1)})
    yes, no = text(locale("yes")), text(locale("no"))
    for i in range(PRODUCT_ROWS):
        name, now, ago = (a[k].cell(i).local for k in ("names", "now", "year_ago"))
        source = mrr["product_mrr"].row_of(i)
        formula(ws, name, f"={mrr['products'].cell(i).ref}")
        formula(ws, now, f'=IF({name}="","",{source.cell(-1).ref})', locale.money)
        formula(ws, ago, f'=IF({name}="","",{source.cell(-13).ref})', locale.money)
        formula(ws, a["difference"].cell(i).local, f'=IF({name}="","",{now}-{ago})', locale.money)
        formula(ws, a["owned"].cell(i).local, f'=IF({name}="","",IF({now}>0,{yes},{no}))')
        formula(ws, a["whitespace"].cell(i).local, f'=IF({name}="","",IF({now}>0,"",{yes}))')
    label(ws, f"A{last + 1}", locale("total"), BOLD)
    for key in ("now", "year_ago", "difference"):
        a[f"total_{key}"] = total = a[key].offset(rows=PRODUCT_ROWS).cell(0)
        formula(ws, total.local, f"=SUM({a[key].local})", locale.money, BOLD).border = TOP_RULE
    a["names"].define(ws.parent, "ProductNames")
    a["now"].define(ws.parent, "ProductsNow")
    green = PatternFill("solid", fgColor="C6EFCE")
    amber = PatternFill("solid", fgColor="FFEB9C")
    ws.conditional_formatting.add(a["owned"].local, CellIsRule(operator="equal", formula=[yes], fill=green))
    ws.conditional_formatting.add(a["whitespace"].local, CellIsRule(operator="equal", formula=[yes], fill=amber))
    widths(ws, {"A": 28, "B": 12, "C": 16, "D": 18, "E": 14, "F": 16})
    ws.add_chart(bar_chart(locale("mrr_now"), a["now"].grow(top=1).reference(),
                           a["names"].reference(), horizontal=True), "H4")
    return a


_SIGNALS = ["active_users", "licensed_seats", "logins", "support_tickets", "sla_breaches"]
_COMPONENTS = ["adoption", "engagement", "support"]
_WEIGHTS = {"adoption": "WeightAdoption", "engagement": "WeightEngagement", "support": "WeightSupport"}


def _health_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """The health score now (components, weights, score, flag) and its trend by month.

    Anchors: "months", "has_data", each signal and component, "score" (lines over the months), "score_now",
    "flag".
    """
    title(ws, locale("title.health"))
    formula(ws, "A2", "=Account", font=Font(italic=True))
    header = 12
    first, last = 2, 1 + HEALTH_MONTHS
    a = Anchors({"months": row_span(ws, header, first, last), "has_data": row_span(ws, header + 1, first, last)})
    for i, signal in enumerate(_SIGNALS):
        a[signal] = row_span(ws, header + 2 + i, first, last)
    for i, component in enumerate(_COMPONENTS):
        a[component] = row_span(ws, header + 3 + len(_SIGNALS) + i, first, last)
    a["score"] = row_span(ws, a["support"].row + 1, first, last)
    label(ws, f"A{header - 1}", locale("trend"), BOLD)
    label(ws, f"A{header}", locale("month"), BOLD)
    grey = Font(italic=True, color="808080")
    label(ws, f"A{a['has_data'].row}", locale("answers"), grey)
    for key in (*_SIGNALS, *_COMPONENTS):
        label(ws, f"A{a[key].row}", locale(key))
    label(ws, f"A{a['score'].row}", locale("health_score"), BOLD)
    month_col = D("health", "month")
    for k, month in enumerate(a["months"].cells()):
        formula(ws, month.local, f"=EDATE(AsOf,{k + 1 - HEALTH_MONTHS})", locale.month, BOLD)
        m = f"{month.letter}${header}"
        at = {key: a[key].cell(k).local for key in ("has_data", *_SIGNALS, *_COMPONENTS, "score")}
        formula(ws, at["has_data"], f"=COUNTIFS({month_col},{m})", "0", grey)
        for signal in _SIGNALS:
            formula(ws, at[signal], f"=SUMIFS({D('health', signal)},{month_col},{m})", locale.integer)
        for component, expression in health_components(at).items():
            formula(ws, at[component], expression, locale.number)
        formula(ws, at["score"], "=" + health_score(at), locale.number, BOLD)

    header_row(ws, 4, 1, [locale("component"), locale("weight"), locale("score")])
    for i, component in enumerate(_COMPONENTS):
        r = 5 + i
        label(ws, f"A{r}", locale(component))
        formula(ws, f"B{r}", f"={_WEIGHTS[component]}", "0.00")
        formula(ws, f"C{r}", f"={a[component].cell(-1).local}", locale.number)
    now = lines(ws, 5 + len(_COMPONENTS), [
        Line("score_now", locale("health_score"), f"={a['score'].cell(-1).local}", locale.number, KPI_FONT,
             "HealthScore"),
        Line("flag", locale("health_flag"),
             lambda b: "=" + health_flag(b["score_now"].local, f"INDEX({D('customer', 'status')},1)", locale),
             font=KPI_FONT, name="HealthFlag"),
    ], value_col=3, label_font=BOLD)
    a.update(now)
    flag_colours(ws, a["flag"].local, locale)
    widths(ws, {"A": 40, **{col(c): 11 for c in range(first, last + 1)}})
    ws.add_chart(line_chart(locale("health_score"), gapped(ws, a["score"].reference()), a["months"].reference(),
                            size=(7, 16), y_range=(0, 100)), f"A{a['score'].row + 3}")
    return a


def _voice_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """NPS, CSAT and CES of the survey window, the NPS distribution and the latest comments.

    Anchors: "window" (the subtitle naming it), the NPS lines ("answers", "promoters", "passives", "detractors",
    "nps", "margin_of_error"),
    "csat_answers", "csat", "ces_answers", "ces", "distribution" and "comments".
    """
    title(ws, locale("title.voice"))
    header_row(ws, 4, 1, [locale("nps"), locale("value")])
    counts = nps_counts(D("nps", "score"), window_criteria(D("nps", "date")))
    a = lines(ws, 5, [
        *(Line(key, locale(key), f"={expression}", locale.integer, name="NpsAnswers" if key == "answers" else None)
          for key, expression in counts.items()),
        Line("nps", locale("nps"), lambda b: "=" + reported(nps(b["promoters"].local, b["detractors"].local,
                                                                 b["answers"].local), b["answers"].local, locale),
             "0", KPI_FONT, "NPS"),
        Line("margin_of_error", locale("margin_of_error"),
             lambda b: f'=IF({b["answers"].local}<MinAnswers,"",'
                       f'{nps_margin(b["promoters"].local, b["detractors"].local, b["answers"].local)})', "0.0",
             name="NpsMargin"),
    ])
    a["window"] = Anchor(ws, 2, 1)
    formula(ws, a["window"].local, f'={text(locale("answers_last") + " ")}&SurveyMonths&{text(" " + locale("months"))}',
            font=SUBTITLE)
    header_row(ws, a["margin_of_error"].row + 2, 1, [locale("csat"), locale("value")])
    satisfied = window_criteria(D("csat", "date"))
    a.update(lines(ws, a["margin_of_error"].row + 3, [
        Line("csat_answers", locale("answers"), f"=COUNTIFS({satisfied})", locale.integer, name="CsatAnswers"),
        Line("satisfied", locale("satisfied"), f'=COUNTIFS({satisfied},{D("csat", "score")},">="&CsatFrom)',
             locale.integer),
        Line("csat", locale("csat"), lambda b: "=" + reported(f'{b["satisfied"].local}/{b["csat_answers"].local}',
                                                              b["csat_answers"].local, locale),
             locale.percent, KPI_FONT, "CSAT"),
    ]))
    header_row(ws, a["csat"].row + 2, 1, [locale("ces"), locale("value")])
    effort = window_criteria(D("ces", "date"))
    last = "MAX(" + ",".join(f'SUMPRODUCT(MAX(({D(t, "date")}<EDATE(AsOf,1))*{D(t, "date")}))'
                             for t in ("nps", "csat", "ces")) + ")"
    a.update(lines(ws, a["csat"].row + 3, [
        Line("ces_answers", locale("answers"), f"=COUNTIFS({effort})", locale.integer, name="CesAnswers"),
        Line("ces", locale("mean"), lambda b: "=" + reported(f'AVERAGEIFS({D("ces", "score")},{effort})',
                                                             b["ces_answers"].local, locale), "0.00", KPI_FONT, "CES"),
        # the date of the newest answer of any survey up to AsOf: when the window has none, when the last one was
        Line("last_answer", locale("last_answer"), f'=IF({last}=0,"",{last})', locale.date, name="LastAnswer"),
    ]))

    header_row(ws, 4, 6, [locale("score"), locale("answers")])
    a["scores"] = column_span(ws, 6, 5, 15)
    a["distribution"] = column_span(ws, 7, 5, 15)
    w, score = window_criteria(D("nps", "date")), D("nps", "score")
    for k, (mark, cell) in enumerate(zip(a["scores"].cells(), a["distribution"].cells())):
        ws[mark.local] = k
        formula(ws, cell.local, f"=COUNTIFS({w},{score},{mark.local})", locale.integer)
    ws.add_chart(bar_chart(locale("distribution"), a["distribution"].grow(top=1).reference(),
                           a["scores"].reference(), size=(7, 14)), "I4")

    top = a["last_answer"].row + 3
    label(ws, f"A{top}", locale("comments"), BOLD)
    header_row(ws, top + 1, 1, [locale("date"), locale("survey"), locale("score"), locale("comment")])
    a["comments"] = Anchor(ws, top + 2, 1, top + 1 + COMMENT_ROWS, 4)
    # The comments table is sorted newest first: the window's comments follow those dated after AsOf.
    after = f'COUNTIFS({D("comments", "date")},">="&EDATE(AsOf,1))'
    window = window_criteria(D("comments", "date"))
    for k in range(COMMENT_ROWS):
        row = a["comments"].row_of(k)
        n = f"ROWS({a['comments'].cell(0).a1(absolute=True)}:{row.cell(0).local})"
        for cell, column in zip(row.cells(), ("date", "survey", "score", "comment")):
            item = f'INDEX({D("comments", column)},{after}+{n})'
            formula(ws, cell.local, f'=IF({n}>COUNTIFS({window}),"",IFERROR(IF({item}="","",{item}),""))',
                    locale.date if column == "date" else None)
        ws[row.cell(-1).local].alignment = WRAP
    widths(ws, {"A": 34, "B": 14, "C": 10, "D": 70, "E": 3, "F": 10, "G": 12})
    return a


_GOAL_COLUMNS = ["goal", "kpi", "baseline", "target", "actual", "progress", "due_date", "status"]


def _plan_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """The success plan's goals with their progress. Anchors: one column area per goal column."""
    title(ws, locale("title.plan"))
    formula(ws, "A2", "=Account", font=Font(italic=True))
    header_row(ws, 4, 1, [locale(c) for c in _GOAL_COLUMNS])
    a = Anchors({c: column_span(ws, i, 5, 4 + GOAL_ROWS) for i, c in enumerate(_GOAL_COLUMNS, start=1)})
    fmts = {"baseline": "#,##0.##", "target": "#,##0.##", "actual": "#,##0.##", "due_date": locale.date}
    statuses = {status: locale(f"goal.{status}") for status in GOAL_STATUSES}
    for k in range(GOAL_ROWS):
        at = {c: a[c].cell(k).local for c in _GOAL_COLUMNS}
        n = f"ROWS({a['goal'].cell(0).a1(absolute=True)}:{at['goal']})"
        for column in _GOAL_COLUMNS:
            if column == "progress":
                b, t, x = at["baseline"], at["target"], at["actual"]
                formula(ws, at[column], f'=IF(OR({b}="",{t}="",{x}="",{t}={b}),"",({x}-{b})/({t}-{b}))',
                        locale.percent)
                continue
            item = f'INDEX({D("goals", column)},{n})'
            # a known status in the reader's language (compared exactly); any other text as written
            shown = one_of(statuses, item, item) if column == "status" else item
            formula(ws, at[column], f'=IFERROR(IF({item}="","",{shown}),"")', fmts.get(column))
        ws[at["goal"]].alignment = WRAP
    widths(ws, {"A": 44, "B": 24, "C": 12, "D": 12, "E": 12, "F": 11, "G": 13, "H": 14})
    first = a["progress"].cell(0).local
    ws.conditional_formatting.add(a["progress"].local, FormulaRule(formula=[f"AND(ISNUMBER({first}),{first}>=1)"],
                                                                  fill=PatternFill("solid", fgColor="C6EFCE")))
    return a


_EXPANSION_TYPES = tuple(t for t in OPPORTUNITY_TYPES if t != "renewal")


def _opportunities_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """The account's open pipeline by stage: expansion by type and renewals on their own, each weighted by the
    stage probabilities (`csxl.metrics.expansion.weighted_pipeline`); won and lost deals below, outside every
    total. Anchors: "open" (open stages x the columns), "open_total" (its total row), "closed" (won and lost),
    "weighted" (column over OPPORTUNITY_TYPES, named WeightedByType)."""
    title(ws, locale("title.opportunities"))
    formula(ws, "A2", "=Account", font=Font(italic=True))
    heads = [*(f"type.{t}" for t in _EXPANSION_TYPES), "expansion_total", "type.renewal", "probability",
             "weighted_expansion", "weighted_renewal"]
    header_row(ws, 4, 1, [locale("stage"), *[locale(h) for h in heads]])
    a = Anchors({"open": Anchor(ws, 5, 2, 4 + len(OPEN_STAGES), 1 + len(heads))})
    amount, stage_col, type_col = D("pipeline", "amount"), D("pipeline", "stage"), D("pipeline", "type")
    of = lambda stage, kind: sum_where(amount, exact(stage_col, text(stage)), exact(type_col, text(kind)))  # noqa: E731
    for i, stage in enumerate(OPEN_STAGES):
        at = dict(zip(heads, (cell.local for cell in a["open"].row_of(i).cells())))
        label(ws, f"A{a['open'].row + i}", locale(f"stage.{stage}"))
        for kind in _EXPANSION_TYPES:
            formula(ws, at[f"type.{kind}"], "=" + of(stage, kind), locale.money)
        expansion = ",".join(at[f"type.{kind}"] for kind in _EXPANSION_TYPES)
        formula(ws, at["expansion_total"], f"=SUM({expansion})", locale.money, BOLD)
        formula(ws, at["type.renewal"], "=" + of(stage, "renewal"), locale.money)
        formula(ws, at["probability"], f"=INDEX(StageProbability,{STAGES.index(stage) + 1})", locale.percent)
        formula(ws, at["weighted_expansion"], f"={at['expansion_total']}*{at['probability']}", locale.money)
        formula(ws, at["weighted_renewal"], f"={at['type.renewal']}*{at['probability']}", locale.money)
    a["open_total"] = total = a["open"].row_of(-1).offset(rows=1)
    label(ws, f"A{total.row}", locale("open_pipeline"), BOLD)
    for c, cell in enumerate(total.cells()):
        if heads[c] != "probability":
            formula(ws, cell.local, f"=SUM({a['open'].column_of(c).local})", locale.money, BOLD).border = TOP_RULE
    for key, c in (("OpenExpansion", heads.index("expansion_total")), ("OpenRenewals", heads.index("type.renewal")),
                   ("WeightedExpansion", heads.index("weighted_expansion")),
                   ("WeightedRenewals", heads.index("weighted_renewal"))):
        total.cell(c).define(ws.parent, key)

    top = total.row + 2
    label(ws, f"A{top}", locale("closed_deals"), BOLD)
    a["closed"] = Anchor(ws, top + 1, 2, top + len(CLOSED_STAGES), 1 + len(_EXPANSION_TYPES) + 2)
    for i, stage in enumerate(CLOSED_STAGES):
        cells = [closed.local for closed in a["closed"].row_of(i).cells()]
        label(ws, f"A{a['closed'].row + i}", locale(f"stage.{stage}"))
        for address, closed_type in zip(cells, (*_EXPANSION_TYPES, None, "renewal")):
            if closed_type:
                formula(ws, address, "=" + of(stage, closed_type), locale.money)
        formula(ws, cells[len(_EXPANSION_TYPES)], f"=SUM({','.join(cells[:len(_EXPANSION_TYPES)])})", locale.money)

    top = a["closed"].bottom + 2
    header_row(ws, top, 1, [locale("type"), locale("weighted")])
    a["weighted"] = column_span(ws, 2, top + 1, top + len(OPPORTUNITY_TYPES))
    for j, kind in enumerate(OPPORTUNITY_TYPES):
        label(ws, f"A{top + 1 + j}", locale(f"type.{kind}"))
        weighted = "+".join(f"{of(stage, kind)}*INDEX(StageProbability,{STAGES.index(stage) + 1})"
                            for stage in OPEN_STAGES)
        formula(ws, a["weighted"].cell(j).local, f"={weighted}", locale.money)
    a["weighted"].define(ws.parent, "WeightedByType")
    widths(ws, {"A": 24, **{col(c): 15 for c in range(2, 2 + len(heads))}})
    by_type = {locale(f"type.{t}"): a["open"].column_of(j).reference() for j, t in enumerate(_EXPANSION_TYPES)}
    ws.add_chart(bar_chart(locale("open_pipeline"), by_type,
                           column_span(ws, 1, a["open"].row, a["open"].bottom).reference(),
                           size=(8, 18), horizontal=True, stacked=True), f"A{a['weighted'].bottom + 3}")
    return a


def _checks_sheet(ws: Worksheet, locale: Locale, anchors: dict[str, Anchors]) -> Anchors:
    mrr, voice = anchors["mrr"], anchors["voice"]
    one_account = "+".join(
        f'SUMPRODUCT(({D(t, "customer_id")}<>INDEX({D("customer", "customer_id")},1))*({D(t, "customer_id")}<>""))'
        for t in ("mrr", "health", "nps", "csat", "ces", "pipeline", "goals"))
    split = "-".join(voice[k].ref for k in ("answers", "promoters", "passives", "detractors"))
    return checks_sheet(ws, locale, [
        ("check.bridge", f"=SUMPRODUCT(ABS({mrr['end_mrr'].ref}-{mrr['total'].part(1, -1).ref}))"),
        ("check.products", f"=SUMPRODUCT(ABS({mrr['product_gap'].ref}))"),
        ("check.one_account", f"={one_account}+(COUNTA({D('customer', 'customer_id')})<>1)"),
        ("check.nps_split", f"=ABS({split})"),
        ("check.weights", "=" + "+".join(f"({w}<=0)" for w in _WEIGHTS.values())),
    ])


def _cover_sheet(ws: Worksheet, locale: Locale, mrr: Anchors) -> Anchors:
    label(ws, "A1", locale("title.qbr"), Font(bold=True, size=12, color="595959"))
    a = Anchors({"account": Anchor(ws, 2, 1)})
    formula(ws, "A2", f"=INDEX({D('customer', 'name')},1)", font=Font(bold=True, size=20, color="1F3864"))
    a["account"].define(ws.parent, "Account")
    formula(ws, "A3", f'={text(locale("period") + ": " + locale("quarter_prefix"))}&ROUNDUP(MONTH(AsOf)/3,0)&" "&'
                      f"YEAR(AsOf)", font=Font(size=12, color="595959"))
    end, start = mrr["total"].cell(-1).ref, mrr["total"].cell(-13).ref
    first = lambda column: f"INDEX({D('customer', column)},1)"  # noqa: E731
    grey = Font(color="595959")
    a.update(lines(ws, 5, [
        Line("account_id", locale("account_id"), f"={first('customer_id')}", font=BOLD),
        Line("csm", locale("csm"), f"={first('csm')}", font=BOLD),
        Line("segment", locale("segment"), f"={first('segment')}", font=BOLD),
        Line("tier", locale("tier"), f"={first('tier')}", font=BOLD),
        Line("as_of", locale("as_of"), "=AsOf", locale.month, BOLD),
        Line("renewal_date", locale("renewal_date"), f'=IF({first("renewal_date")}="","",{first("renewal_date")})',
             locale.date, BOLD, "RenewalDate"),
        Line("days_to_renewal", locale("days_to_renewal"), '=IF(RenewalDate="","",RenewalDate-EOMONTH(AsOf,0))',
             locale.integer, BOLD, "DaysToRenewal"),
    ], label_font=grey))
    a.update(lines(ws, 5, [
        Line("mrr", locale("mrr"), f"={end}", locale.money, KPI_FONT, "MRR"),
        Line("arr", locale("arr"), "=12*MRR", locale.money, KPI_FONT, "ARR"),
        Line("nrr", locale("nrr"), f'=IF({start}>0,{end}/{start},"")', locale.percent, KPI_FONT, "NRR"),
        Line("grr", locale("grr"), f'=IF({start}>0,MIN({end},{start})/{start},"")', locale.percent, KPI_FONT, "GRR"),
        Line("nrr_band", locale("nrr_band"), "=" + nrr_band("NRR", locale), font=BOLD, name="NrrBand"),
        Line("health_score", locale("health_score"), "=HealthScore", locale.number, KPI_FONT),
        Line("health_flag", locale("health_flag"), "=HealthFlag", font=KPI_FONT),
        Line("nps", locale("nps"), "=NPS", "0", KPI_FONT),
        Line("csat", locale("csat"), "=CSAT", locale.percent, KPI_FONT),
        Line("survey_answers", locale("survey_answers"), '=NpsAnswers&" / "&CsatAnswers&" / "&CesAnswers', font=BOLD),
        Line("master_check", locale("master_check"), "=MasterCheck", font=KPI_FONT),
    ], label_col=4, value_col=5, label_font=grey))
    for key in ("account_id", "csm", "segment", "tier", "as_of", "renewal_date", "days_to_renewal"):
        ws[a[key].local].alignment = Alignment(horizontal="left")
    for key in ("mrr", "arr", "nrr", "grr", "nrr_band", "health_score", "health_flag", "nps", "csat", "survey_answers",
                "master_check"):
        ws[a[key].local].alignment = Alignment(horizontal="right")
    band_colours(ws, a["nrr_band"].local, locale)
    flag_colours(ws, a["health_flag"].local, locale)
    ok_colours(ws, a["master_check"].local, locale)
    widths(ws, {"A": 22, "B": 30, "C": 4, "D": 22, "E": 34})
    ws.row_dimensions[2].height = 30
    ws.add_chart(line_chart(locale("total_mrr"), mrr["total"].part(1, -1).reference(), mrr["window"].reference()),
                 "A17")
    return a


# ---------------------------------------------------------------------------------------------- data


def quarter_end(data: Dataset, as_of: str | None) -> pd.Timestamp:
    """The last month of the period a QBR covers: as given, or the last complete quarter in the data."""
    if as_of:
        return data.as_of(as_of)
    last = pd.Period(data.last_month, freq="M")
    complete = last if last.month % 3 == 0 else pd.Period(last.asfreq("Q") - 1, freq="Q").asfreq("M", how="end")
    return complete.to_timestamp()


def account_tables(data: Dataset, account: str, as_of: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """The rows of one account, up to the end of the AsOf month, shaped for the QBR's Data tables."""
    if account not in set(data.mrr["customer_id"]):
        raise CsxlDataError(f"account {account!r} is not in the MRR data", file=data.source,
                            fix="pass an id from the customer_id column")
    end = as_of + pd.offsets.MonthBegin(1)
    mine = lambda df: None if df is None else df[df["customer_id"] == account]  # noqa: E731
    mrr = data.mrr[(data.mrr["customer_id"] == account) & (data.mrr["month"] < end)]
    products = sorted(data.mrr["product"].unique())
    if len(products) > PRODUCT_ROWS:
        raise CsxlDataError(f"the data has {len(products)} products; the QBR shows at most {PRODUCT_ROWS}",
                            file=data.source, fix="group small products together in the product column")
    customers = mine(data.customers)
    customer = (customers if customers is not None and len(customers)
                else pd.DataFrame({"customer_id": [account], "name": [account]}))
    customer = customer.assign(name=customer.get("name", pd.Series([account])).fillna(account))
    tables = {
        "customer": customer.head(1),
        "products": pd.DataFrame({"product": products}),
        "mrr": mrr,
        "health": _before(mine(data.health), "month", end),
        "pipeline": mine(data.pipeline),
        "goals": mine(data.goals),
    }
    comments = []
    for survey in ("nps", "csat", "ces"):
        answers = _before(mine(getattr(data, survey)), "date", end)
        tables[survey] = answers
        if answers is not None and "comment" in answers:
            said = answers[answers["comment"].fillna("").astype(str).str.strip() != ""]
            comments.append(said.assign(survey=survey.upper())[["date", "survey", "score", "comment"]])
    if comments:  # every comment up to AsOf, newest first: the Voice sheet shows those of the SurveyMonths window
        tables["comments"] = pd.concat(comments).sort_values("date", ascending=False, kind="stable")
    else:
        tables["comments"] = None
    return {k: (v if v is not None else pd.DataFrame()) for k, v in tables.items()}


def _before(df: pd.DataFrame | None, column: str, end: pd.Timestamp) -> pd.DataFrame | None:
    return None if df is None else df[df[column] < end]


def fill_qbr(wb: Workbook, data: Dataset, as_of: pd.Timestamp, locale: Locale, account: str) -> list[str]:
    """Write one account's data into a QBR template (the built-in one or a team's own); nothing to warn about."""
    tables = account_tables(data, account, as_of)
    for name, frame in tables.items():
        fill_table(wb, TABLES[name], frame, locale)
    fit_amounts(wb, peak_arr(tables["mrr"]))
    set_input(wb, "AsOf", as_of)
    wb.properties.title = None
    wb.properties.subject = None
    wb.properties.creator = "csxl"
    return []


KIND = WorkbookKind("qbr", TABLES, OUTPUT_NAMES, qbr_layout, fill_qbr)
