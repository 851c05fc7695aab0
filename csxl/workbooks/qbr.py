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
from openpyxl.chart import Reference
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from csxl.data.dataset import Dataset
from csxl.data.schema import OPPORTUNITY_TYPES, STAGES
from csxl.errors import CsxlDataError
from csxl.metrics.health import (
    COMPONENT_DEFAULTS,
    COMPONENTS,
    FLAGS,
    GREEN_FROM,
    NRR_HEALTHY_ABOVE,
    NRR_LOW_BELOW,
    RED_BELOW,
)
from csxl.metrics.surveys import CSAT_SATISFIED_FROM, DETRACTOR_UP_TO, PROMOTER_FROM, z_score
from csxl.workbooks.cells import (
    BOLD,
    KPI_FONT,
    SUBTITLE,
    TOP_RULE,
    WRAP,
    absolute,
    col,
    fit_amounts,
    fit_labels,
    formula,
    header_row,
    label,
    print_setup,
    title,
    widths,
)
from csxl.workbooks.charts import bar_chart, gapped, line_chart
from csxl.workbooks.checks import checks_sheet, ok_colours
from csxl.workbooks.inputs import InputsSheet, define
from csxl.workbooks.labels import Locale
from csxl.workbooks.template import DataTable, add_data_sheet, fill_table, peak_arr, set_input

HISTORY = 24  # months of MRR history shown; one more column holds the month before
PRODUCT_ROWS = 10
GOAL_ROWS = 15
COMMENT_ROWS = 12
HEALTH_MONTHS = 12

_SURVEY = (("customer_id", "text"), ("date", "date"), ("score", "number"), ("comment", "text"))
TABLES = {
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
}
# Defined names of the key outputs; other workbooks can link to them.
OUTPUT_NAMES = ("Account", "AsOf", "MRR", "ARR", "NRR", "GRR", "NrrBand", "HealthScore", "HealthFlag", "NPS",
                "NpsMargin", "CSAT", "CES", "RenewalDate")
# Goal statuses the Success plan sheet translates (labels goal.<status>); any other text shows as written.
GOAL_STATUSES = ("on_track", "at_risk", "achieved", "missed")


def D(table: str, column: str) -> str:
    """Defined name of a Data column, for formulas."""
    return TABLES[table].column_name(column)


# ---------------------------------------------------------------------------------------------- layout


def qbr_template(locale: Locale) -> Workbook:
    """The QBR layout in `locale`, with empty Data tables."""
    wb = Workbook()
    cover = wb.active
    cover.title = locale("sheet.cover")
    sheets = {key: wb.create_sheet(locale(f"sheet.{key}")) for key in
              ("mrr", "products", "health", "voice", "plan", "opportunities", "benchmark")}
    inputs = _inputs(wb, locale)
    checks = wb.create_sheet(locale("sheet.checks"))
    for table in TABLES.values():
        add_data_sheet(wb, table, f"{locale('sheet.data')}_{table.name}", locale)
    mrr_rows = _mrr_sheet(sheets["mrr"], locale)
    _products_sheet(sheets["products"], locale, mrr_rows)
    _health_sheet(wb, sheets["health"], locale)
    _voice_sheet(wb, sheets["voice"], locale)
    _plan_sheet(sheets["plan"], locale)
    _opportunities_sheet(sheets["opportunities"], locale, inputs)
    _benchmark_sheet(sheets["benchmark"], locale)
    _checks_sheet(wb, checks, locale, mrr_rows)
    _cover_sheet(wb, cover, locale, mrr_rows)
    fit_labels(wb.worksheets)
    print_setup(wb.worksheets)  # Inputs and Data too: a printed QBR is 10 report pages, not 36
    sheets["mrr"].page_setup.fitToWidth = 2  # 25 months do not fit one page legibly
    wb.calculation.fullCalcOnLoad = True
    return wb


def _inputs(wb: Workbook, locale: Locale) -> InputsSheet:
    inputs = InputsSheet(wb, locale)
    inputs.add("AsOf", locale("as_of"), None, locale.month, locale("month"), locale("note.as_of_quarter"))
    inputs.section(locale("health_score"))
    inputs.add("RedBelow", locale("red_below"), RED_BELOW, locale.integer, locale("points"), locale("note.flags"))
    inputs.add("GreenFrom", locale("green_from"), GREEN_FROM, locale.integer, locale("points"), locale("note.flags"))
    for component in COMPONENTS:
        inputs.add(f"Weight{component.title()}", f"{locale('weight')}: {locale(component)}", 1, "0.00",
                   locale("relative_weight"), locale("note.weight"))
    constant = COMPONENT_DEFAULTS
    inputs.add("LoginsTarget", locale("logins_target"), constant["logins_target"], locale.integer,
               locale("logins_unit"), locale("note.component"))
    inputs.add("TicketPenalty", locale("ticket_penalty"), constant["ticket_penalty"], locale.integer,
               locale("points"), locale("note.component"))
    inputs.add("TicketSeats", locale("ticket_seats"), constant["ticket_seats"], locale.integer, locale("seats"),
               locale("note.component"))
    inputs.add("SlaPenalty", locale("sla_penalty"), constant["sla_penalty"], locale.integer, locale("points"),
               locale("note.component"))
    inputs.section(locale("nrr_band"))
    inputs.add("BandHealthy", locale("band.healthy"), NRR_HEALTHY_ABOVE, locale.percent, locale("fraction"),
               locale("note.band_healthy"))
    inputs.add("BandLow", locale("band.low"), NRR_LOW_BELOW, locale.percent, locale("fraction"), locale("note.band_low"))
    inputs.section(locale("title.voice"))
    inputs.add("SurveyMonths", locale("answers_last"), 12, locale.integer, locale("months"),
               locale("note.survey_months"))
    inputs.add("PromoterFrom", locale("promoters"), PROMOTER_FROM, locale.integer, locale("score"),
               locale("note.nps_scale"))
    inputs.add("DetractorTo", locale("detractors"), DETRACTOR_UP_TO, locale.integer, locale("score"),
               locale("note.nps_scale"))
    inputs.add("CsatFrom", locale("satisfied"), CSAT_SATISFIED_FROM, locale.integer, locale("score"),
               locale("note.csat_box"))
    inputs.add("NpsZ", locale("margin_of_error"), z_score(0.95), "0.00", "z", locale("note.z"))
    inputs.benchmarks()
    inputs.stage_probabilities()
    inputs.add("Tolerance", locale("check"), 0.005, "0.000", locale.currency, locale("note.tolerance"))
    return inputs


def _mrr_sheet(ws: Worksheet, locale: Locale) -> dict[str, int]:
    """Products by month, total MRR and the movements of each month; returns the row of each line."""
    title(ws, locale("title.mrr"))
    formula(ws, "A2", "=Account", font=Font(italic=True))
    header = 4
    label(ws, f"A{header}", locale("product"), BOLD)
    first_month_col = 2  # column B holds the month before the window
    last_col = first_month_col + HISTORY
    formula(ws, f"B{header}", f"=EDATE(AsOf,-{HISTORY})", locale.month, BOLD)
    for c in range(first_month_col + 1, last_col + 1):
        formula(ws, f"{col(c)}{header}", f"=EDATE({col(c - 1)}{header},1)", locale.month, BOLD)
    rows: dict[str, int] = {"header": header, "first_col": first_month_col, "last_col": last_col}
    first_product = header + 1
    for r in range(first_product, first_product + PRODUCT_ROWS):
        formula(ws, f"A{r}", f'=IFERROR(INDEX({D("products", "product")},ROWS($A${first_product}:A{r})),"")')
        for c in range(first_month_col, last_col + 1):
            m = f"{col(c)}${header}"
            formula(ws, f"{col(c)}{r}", f'=IF($A{r}="","",SUMIFS({D("mrr", "mrr")},{D("mrr", "product")},$A{r},'
                                        f'{D("mrr", "month")},{m}))', locale.money)
    rows["products"] = first_product
    total = first_product + PRODUCT_ROWS
    rows["total"] = total
    label(ws, f"A{total}", locale("total_mrr"), BOLD)
    for c in range(first_month_col, last_col + 1):
        cell = formula(ws, f"{col(c)}{total}", f"=ROUND(SUMIFS({D('mrr', 'mrr')},{D('mrr', 'month')},"
                                               f"{col(c)}${header}),6)", locale.money, BOLD)
        cell.border = TOP_RULE
    rows["product_gap"] = total + 1
    # the check's own name, as on the checks sheet: with a "Check:" prefix it would not fit column A
    label(ws, f"A{total + 1}", locale("check.products"), Font(italic=True, color="808080"))
    for c in range(first_month_col, last_col + 1):
        letter = col(c)
        formula(ws, f"{letter}{total + 1}", f"=ROUND(SUM({letter}{first_product}:{letter}{total - 1})-{letter}{total},6)",
                locale.money, Font(italic=True, color="808080"))

    label(ws, f"A{total + 3}", locale("movements"), BOLD)
    lines = ["start_mrr", "had_mrr_before", "new", "reactivation", "expansion", "contraction", "churn", "end_mrr"]
    for offset, line in enumerate(lines):
        rows[line] = total + 4 + offset
        label(ws, f"A{rows[line]}", locale(line), BOLD if line in ("start_mrr", "end_mrr") else None)
    for c in range(first_month_col + 1, last_col + 1):
        this, prev = col(c), col(c - 1)
        s, e, h = (f"{this}{rows['start_mrr']}", f"{this}{total}", f"{this}{rows['had_mrr_before']}")
        cells = {
            "start_mrr": f"={prev}{total}",
            "had_mrr_before": f'=IF(COUNTIFS({D("mrr", "month")},"<="&{prev}${header},{D("mrr", "mrr")},">0")>0,1,0)',
            "new": f"=IF(AND({s}=0,{e}>0,{h}=0),{e},0)",
            "reactivation": f"=IF(AND({s}=0,{e}>0,{h}=1),{e},0)",
            "expansion": f"=IF(AND({s}>0,{e}>{s}),{e}-{s},0)",
            "contraction": f"=IF(AND({s}>0,{e}>0,{e}<{s}),{s}-{e},0)",
            "churn": f"=IF(AND({s}>0,{e}=0),{s},0)",
            "end_mrr": (f"={s}+{this}{rows['new']}+{this}{rows['reactivation']}+{this}{rows['expansion']}"
                        f"-{this}{rows['contraction']}-{this}{rows['churn']}"),
        }
        for line, expression in cells.items():
            formula(ws, f"{this}{rows[line]}", expression, "0" if line == "had_mrr_before" else locale.money)
    ws.row_dimensions[rows["had_mrr_before"]].hidden = True  # a helper of new vs reactivation, not for the reader
    widths(ws, {"A": 30, **{col(c): 12 for c in range(first_month_col, last_col + 1)}})
    ws.freeze_panes = f"B{header + 1}"

    months = Reference(ws, min_col=first_month_col + 1, max_col=last_col, min_row=header, max_row=header)
    row_of = lambda line: Reference(ws, min_col=first_month_col + 1, max_col=last_col,  # noqa: E731
                                    min_row=rows[line], max_row=rows[line])
    anchor = rows["end_mrr"] + 2
    ws.add_chart(line_chart(locale("total_mrr"), row_of("total"), months, size=(7.5, 26)), f"A{anchor}")
    lines = ("new", "reactivation", "expansion", "contraction", "churn")
    # side by side, one under each half of the months, so that neither is cut by a page break
    ws.add_chart(bar_chart(locale("movements"), {locale(line): row_of(line) for line in lines}, months,
                           size=(7.5, 26)), f"{col(first_month_col + HISTORY // 2 + 1)}{anchor}")
    return rows


def _cell(ws: Worksheet, rows: dict[str, int], line: str, months_back: int = 0) -> str:
    """Absolute reference to the MRR sheet cell of `line`, `months_back` months before AsOf."""
    return absolute(ws, f"{col(rows['last_col'] - months_back)}{rows[line]}")


def _products_sheet(ws: Worksheet, locale: Locale, rows: dict[str, int]) -> None:
    title(ws, locale("title.products"))
    formula(ws, "A2", "=Account", font=Font(italic=True))
    header_row(ws, 4, 1, [locale("product"), locale("owned"), locale("mrr_now"), locale("mrr_year_ago"),
                          locale("difference"), locale("whitespace")])
    mrr_ws = ws.parent[locale("sheet.mrr")]
    now_col, ago_col = col(rows["last_col"]), col(rows["last_col"] - 12)
    for i in range(PRODUCT_ROWS):
        r, source = 5 + i, rows["products"] + i
        formula(ws, f"A{r}", f"={absolute(mrr_ws, f'A{source}')}")
        formula(ws, f"C{r}", f'=IF(A{r}="","",{absolute(mrr_ws, f"{now_col}{source}")})', locale.money)
        formula(ws, f"D{r}", f'=IF(A{r}="","",{absolute(mrr_ws, f"{ago_col}{source}")})', locale.money)
        formula(ws, f"E{r}", f'=IF(A{r}="","",C{r}-D{r})', locale.money)
        formula(ws, f"B{r}", f'=IF(A{r}="","",IF(C{r}>0,"{locale("yes")}","{locale("no")}"))')
        formula(ws, f"F{r}", f'=IF(A{r}="","",IF(C{r}>0,"","{locale("yes")}"))')
    last = 4 + PRODUCT_ROWS
    label(ws, f"A{last + 1}", locale("total"), BOLD)
    for letter in "CDE":
        formula(ws, f"{letter}{last + 1}", f"=SUM({letter}5:{letter}{last})", locale.money, BOLD).border = TOP_RULE
    green = PatternFill("solid", fgColor="C6EFCE")
    amber = PatternFill("solid", fgColor="FFEB9C")
    ws.conditional_formatting.add(f"B5:B{last}", CellIsRule(operator="equal", formula=[f'"{locale("yes")}"'],
                                                            fill=green))
    ws.conditional_formatting.add(f"F5:F{last}", CellIsRule(operator="equal", formula=[f'"{locale("yes")}"'],
                                                            fill=amber))
    widths(ws, {"A": 28, "B": 12, "C": 16, "D": 18, "E": 14, "F": 16})
    ws.add_chart(bar_chart(locale("mrr_now"), Reference(ws, min_col=3, min_row=4, max_row=last),
                           Reference(ws, min_col=1, min_row=5, max_row=last), horizontal=True), "H4")


def _health_component_formulas(c: str, rows: dict[str, int]) -> dict[str, str]:
    """Component scores of one month (column c) from the signal rows; blank when the month has no data."""
    has = f"{c}{rows['has_data']}"
    users, seats = f"{c}{rows['active_users']}", f"{c}{rows['licensed_seats']}"
    logins, tickets, sla = f"{c}{rows['logins']}", f"{c}{rows['support_tickets']}", f"{c}{rows['sla_breaches']}"
    return {
        "adoption": f'=IF(OR({has}=0,{seats}<=0),"",MIN(100,100*{users}/{seats}))',
        "engagement": f'=IF(OR({has}=0,{users}<=0),"",MIN(100,100*{logins}/{users}/LoginsTarget))',
        "support": (f'=IF(OR({has}=0,{seats}<=0),"",MAX(0,100-TicketPenalty*{tickets}/({seats}/TicketSeats)'
                    f'-SlaPenalty*{sla}))'),
    }


def _health_sheet(wb: Workbook, ws: Worksheet, locale: Locale) -> None:
    title(ws, locale("title.health"))
    formula(ws, "A2", "=Account", font=Font(italic=True))
    header = 12
    label(ws, f"A{header - 1}", locale("trend"), BOLD)
    label(ws, f"A{header}", locale("month"), BOLD)
    first, last = 2, 1 + HEALTH_MONTHS
    for c in range(first, last + 1):
        formula(ws, f"{col(c)}{header}", f"=EDATE(AsOf,{c - last})", locale.month, BOLD)
    signals = ["active_users", "licensed_seats", "logins", "support_tickets", "sla_breaches"]
    rows = {"has_data": header + 1}
    rows.update({s: header + 2 + i for i, s in enumerate(signals)})
    components = ["adoption", "engagement", "support"]
    rows.update({k: header + 3 + len(signals) + i for i, k in enumerate(components)})
    rows["score"] = rows["support"] + 1
    label(ws, f"A{rows['has_data']}", locale("answers"), Font(italic=True, color="808080"))
    for s in signals:
        label(ws, f"A{rows[s]}", locale(s))
    for k in components:
        label(ws, f"A{rows[k]}", locale(k))
    label(ws, f"A{rows['score']}", locale("health_score"), BOLD)
    weights = {"adoption": "WeightAdoption", "engagement": "WeightEngagement", "support": "WeightSupport"}
    for c in range(first, last + 1):
        letter = col(c)
        m = f"{letter}${header}"
        formula(ws, f"{letter}{rows['has_data']}", f"=COUNTIFS({D('health', 'month')},{m})", "0",
                Font(italic=True, color="808080"))
        for s in signals:
            formula(ws, f"{letter}{rows[s]}", f"=SUMIFS({D('health', s)},{D('health', 'month')},{m})", locale.integer)
        for k, expression in _health_component_formulas(letter, rows).items():
            formula(ws, f"{letter}{rows[k]}", expression, locale.number)
        used = "+".join(f"IF(ISNUMBER({letter}{rows[k]}),{weights[k]},0)" for k in components)
        weighted = "+".join(f"IF(ISNUMBER({letter}{rows[k]}),{letter}{rows[k]}*{weights[k]},0)" for k in components)
        formula(ws, f"{letter}{rows['score']}", f'=IF(({used})=0,"",({weighted})/({used}))', locale.number, BOLD)

    header_row(ws, 4, 1, [locale("component"), locale("weight"), locale("score")])
    now = col(last)
    for i, k in enumerate(components):
        r = 5 + i
        label(ws, f"A{r}", locale(k))
        formula(ws, f"B{r}", f"={weights[k]}", "0.00")
        formula(ws, f"C{r}", f"={now}{rows[k]}", locale.number)
    label(ws, "A8", locale("health_score"), BOLD)
    formula(ws, "C8", f"={now}{rows['score']}", locale.number, KPI_FONT)
    define(wb, "HealthScore", absolute(ws, "C8"))
    label(ws, "A9", locale("health_flag"), BOLD)
    status = f"INDEX({D('customer', 'status')},1)"
    flag = (f'=IF({status}="onboarding","{locale("flag.Activation")}",IF({status}="frozen","{locale("flag.Freeze")}",'
            f'IF(C8="","",IF(C8>=GreenFrom,"{locale("flag.Green")}",IF(C8>=RedBelow,"{locale("flag.Yellow")}",'
            f'"{locale("flag.Red")}")))))')
    formula(ws, "C9", flag, font=KPI_FONT)
    define(wb, "HealthFlag", absolute(ws, "C9"))
    _flag_colours(ws, "C9", locale)
    widths(ws, {"A": 40, **{col(c): 11 for c in range(first, last + 1)}})
    ws.add_chart(line_chart(locale("health_score"),
                            gapped(ws, Reference(ws, min_col=first, max_col=last, min_row=rows["score"],
                                                 max_row=rows["score"])),
                            Reference(ws, min_col=first, max_col=last, min_row=header, max_row=header),
                            size=(7, 16), y_range=(0, 100)), f"A{rows['score'] + 3}")


_FLAG_FILLS = {"Activation": "BDD7EE", "Green": "C6EFCE", "Yellow": "FFEB9C", "Red": "FFC7CE", "Freeze": "D9D9D9"}


def _flag_colours(ws: Worksheet, ref: str, locale: Locale) -> None:
    for flag in FLAGS:
        ws.conditional_formatting.add(ref, CellIsRule(operator="equal", formula=[f'"{locale(f"flag.{flag}")}"'],
                                                      fill=PatternFill("solid", fgColor=_FLAG_FILLS[flag])))


_BAND_FILLS = {"band.healthy": _FLAG_FILLS["Green"], "band.retains": _FLAG_FILLS["Yellow"],
               "band.low": _FLAG_FILLS["Red"]}


def _band_colours(ws: Worksheet, ref: str, locale: Locale) -> None:
    for key, fill in _BAND_FILLS.items():
        ws.conditional_formatting.add(ref, CellIsRule(operator="equal", formula=[f'"{locale(key)}"'],
                                                      fill=PatternFill("solid", fgColor=fill)))


def _window(table: str) -> str:
    """COUNTIFS criteria selecting the survey answers of the window ending with the AsOf month."""
    return (f'{D(table, "date")},">="&EDATE(AsOf,1-SurveyMonths),{D(table, "date")},"<"&EDATE(AsOf,1)')


def _voice_sheet(wb: Workbook, ws: Worksheet, locale: Locale) -> None:
    title(ws, locale("title.voice"))
    formula(ws, "A2", f'="{locale("answers_last")} "&SurveyMonths&" {locale("months")}"', font=SUBTITLE)
    header_row(ws, 4, 1, [locale("nps"), locale("value")])
    w = _window("nps")
    score = D("nps", "score")
    lines = [
        ("answers", f"=COUNTIFS({w})", locale.integer),
        ("promoters", f'=COUNTIFS({w},{score},">="&PromoterFrom)', locale.integer),
        ("passives", f'=COUNTIFS({w},{score},">"&DetractorTo,{score},"<"&PromoterFrom)', locale.integer),
        ("detractors", f'=COUNTIFS({w},{score},"<="&DetractorTo)', locale.integer),
        ("nps", '=IF(B5=0,"",(B6-B8)/B5*100)', "0.0"),
        ("margin_of_error", '=IF(B5=0,"",NpsZ*SQRT((B6/B5+B8/B5-(B6/B5-B8/B5)^2)/B5)*100)', "0.0"),
    ]
    for i, (key, expression, fmt) in enumerate(lines):
        label(ws, f"A{5 + i}", locale(key))
        formula(ws, f"B{5 + i}", expression, fmt, KPI_FONT if key == "nps" else None)
    define(wb, "NPS", absolute(ws, "B9"))
    define(wb, "NpsMargin", absolute(ws, "B10"))

    header_row(ws, 12, 1, [locale("csat"), locale("value")])
    wc = _window("csat")
    label(ws, "A13", locale("answers"))
    formula(ws, "B13", f"=COUNTIFS({wc})", locale.integer)
    label(ws, "A14", locale("satisfied"))
    formula(ws, "B14", f'=COUNTIFS({wc},{D("csat", "score")},">="&CsatFrom)', locale.integer)
    label(ws, "A15", locale("csat"))
    formula(ws, "B15", '=IF(B13=0,"",B14/B13)', locale.percent, KPI_FONT)
    define(wb, "CSAT", absolute(ws, "B15"))

    header_row(ws, 17, 1, [locale("ces"), locale("value")])
    we = _window("ces")
    label(ws, "A18", locale("answers"))
    formula(ws, "B18", f"=COUNTIFS({we})", locale.integer)
    label(ws, "A19", locale("mean"))
    formula(ws, "B19", f'=IF(B18=0,"",AVERAGEIFS({D("ces", "score")},{we}))', "0.00", KPI_FONT)
    define(wb, "CES", absolute(ws, "B19"))

    header_row(ws, 4, 6, [locale("score"), locale("answers")])
    for k in range(11):
        r = 5 + k
        ws[f"F{r}"] = k
        formula(ws, f"G{r}", f"=COUNTIFS({w},{score},F{r})", locale.integer)
    ws.add_chart(bar_chart(locale("distribution"), Reference(ws, min_col=7, min_row=4, max_row=15),
                           Reference(ws, min_col=6, min_row=5, max_row=15), size=(7, 14)), "I4")

    top = 22
    label(ws, f"A{top}", locale("comments"), BOLD)
    header_row(ws, top + 1, 1, [locale("date"), locale("survey"), locale("score"), locale("comment")])
    # The comments table is sorted newest first: the window's comments follow those dated after AsOf.
    after = f'COUNTIFS({D("comments", "date")},">="&EDATE(AsOf,1))'
    for k in range(COMMENT_ROWS):
        r = top + 2 + k
        n = f"ROWS($A${top + 2}:A{r})"
        for letter, column in (("A", "date"), ("B", "survey"), ("C", "score"), ("D", "comment")):
            item = f'INDEX({D("comments", column)},{after}+{n})'
            formula(ws, f"{letter}{r}", f'=IF({n}>COUNTIFS({_window("comments")}),"",'
                                        f'IFERROR(IF({item}="","",{item}),""))', locale.date if letter == "A" else None)
        ws[f"D{r}"].alignment = WRAP
    widths(ws, {"A": 34, "B": 14, "C": 10, "D": 70, "E": 3, "F": 10, "G": 12})


def _plan_sheet(ws: Worksheet, locale: Locale) -> None:
    title(ws, locale("title.plan"))
    formula(ws, "A2", "=Account", font=Font(italic=True))
    columns = ["goal", "kpi", "baseline", "target", "actual", "progress", "due_date", "status"]
    header_row(ws, 4, 1, [locale(c) for c in columns])
    fmts = {"baseline": "#,##0.##", "target": "#,##0.##", "actual": "#,##0.##", "due_date": locale.date}
    for k in range(GOAL_ROWS):
        r = 5 + k
        n = f"ROWS($A$5:A{r})"
        for i, column in enumerate(columns):
            letter = "ABCDEFGH"[i]
            if column == "progress":
                formula(ws, f"{letter}{r}", f'=IF(OR(C{r}="",D{r}="",E{r}="",D{r}=C{r}),"",(E{r}-C{r})/(D{r}-C{r}))',
                        locale.percent)
                continue
            item = f'INDEX({D("goals", column)},{n})'
            shown = item
            if column == "status":  # a known status in the reader's language (exact comparison, no wildcards)
                for status in reversed(GOAL_STATUSES):
                    shown = f'IF({item}="{status}","{locale(f"goal.{status}")}",{shown})'
            formula(ws, f"{letter}{r}", f'=IFERROR(IF({item}="","",{shown}),"")', fmts.get(column))
        ws[f"A{r}"].alignment = WRAP
    widths(ws, {"A": 44, "B": 24, "C": 12, "D": 12, "E": 12, "F": 11, "G": 13, "H": 14})
    ws.conditional_formatting.add(f"F5:F{4 + GOAL_ROWS}", FormulaRule(formula=['AND(ISNUMBER(F5),F5>=1)'],
                                                                      fill=PatternFill("solid", fgColor="C6EFCE")))


def _opportunities_sheet(ws: Worksheet, locale: Locale, inputs: InputsSheet) -> None:
    title(ws, locale("title.opportunities"))
    formula(ws, "A2", "=Account", font=Font(italic=True))
    types = list(OPPORTUNITY_TYPES)
    header_row(ws, 4, 1, [locale("stage"), *[locale(f"type.{t}") for t in types], locale("total"),
                          locale("probability"), locale("weighted")])
    for i, stage in enumerate(STAGES):
        r = 5 + i
        label(ws, f"A{r}", locale(f"stage.{stage}"))
        for j, kind in enumerate(types):
            letter = col(2 + j)
            formula(ws, f"{letter}{r}", f'=SUMIFS({D("pipeline", "amount")},{D("pipeline", "stage")},"{stage}",'
                                        f'{D("pipeline", "type")},"{kind}")', locale.money)
        total_col, p_col, w_col = col(2 + len(types)), col(3 + len(types)), col(4 + len(types))
        formula(ws, f"{total_col}{r}", f"=SUM(B{r}:{col(1 + len(types))}{r})", locale.money, BOLD)
        formula(ws, f"{p_col}{r}", f"=INDEX(StageProbability,{i + 1})", locale.percent)
        formula(ws, f"{w_col}{r}", f"={total_col}{r}*{p_col}{r}", locale.money)
    last = 4 + len(STAGES)
    label(ws, f"A{last + 1}", locale("total"), BOLD)
    for j in range(len(types) + 1):
        letter = col(2 + j)
        formula(ws, f"{letter}{last + 1}", f"=SUM({letter}5:{letter}{last})", locale.money, BOLD).border = TOP_RULE
    w_col = col(4 + len(types))
    formula(ws, f"{w_col}{last + 1}", f"=SUM({w_col}5:{w_col}{last})", locale.money, BOLD).border = TOP_RULE
    widths(ws, {"A": 22, **{col(c): 15 for c in range(2, 5 + len(types))}})
    open_rows = 4 + len(STAGES) - 2  # won and lost are not pipeline
    by_type = {locale(f"type.{t}"): Reference(ws, min_col=2 + j, min_row=5, max_row=open_rows) for j, t in enumerate(types)}
    ws.add_chart(bar_chart(locale("open_pipeline"), by_type, Reference(ws, min_col=1, min_row=5, max_row=open_rows),
                           size=(8, 18), horizontal=True, stacked=True), f"A{last + 4}")


def _benchmark_sheet(ws: Worksheet, locale: Locale) -> None:
    title(ws, locale("title.benchmark"), locale("benchmark_source"))
    lines = [
        ("acv", "=ARR", locale.money),
        ("acv_usd", "=ARR*UsdRate", '"US$ "#,##0'),
        ("acv_band", "=INDEX(BenchBand,MATCH(B5,BenchFrom,1))", None),
    ]
    for i, (key, expression, fmt) in enumerate(lines):
        label(ws, f"A{4 + i}", locale(key))
        formula(ws, f"B{4 + i}", expression, fmt)
    header_row(ws, 8, 1, [locale("metric"), locale("this_account"), "SaaS Capital", locale("difference")])
    for r, (metric, bench) in enumerate((("NRR", "BenchNRR"), ("GRR", "BenchGRR")), start=9):
        label(ws, f"A{r}", metric)
        formula(ws, f"B{r}", f"={metric}", locale.percent)
        formula(ws, f"C{r}", f"=INDEX({bench},MATCH($B$5,BenchFrom,1))", locale.percent)
        formula(ws, f"D{r}", f'=IF(B{r}="","",B{r}-C{r})', '+0.0%;-0.0%')
    widths(ws, {"A": 26, "B": 18, "C": 18, "D": 14})
    compared = {locale("this_account"): Reference(ws, min_col=2, min_row=9, max_row=10),
                "SaaS Capital": Reference(ws, min_col=3, min_row=9, max_row=10)}
    ws.add_chart(bar_chart(locale("title.benchmark"), compared, Reference(ws, min_col=1, min_row=9, max_row=10),
                           size=(7, 14), y_format="0%"), "F4")


def _checks_sheet(wb: Workbook, ws: Worksheet, locale: Locale, rows: dict[str, int]) -> None:
    mrr_ws = wb[locale("sheet.mrr")]
    first, last = col(rows["first_col"] + 1), col(rows["last_col"])
    gap = rows["product_gap"]
    bridge = "+".join(f"SUMPRODUCT(ABS({absolute(mrr_ws, f'{first}{rows[a]}:{last}{rows[a]}')}-"
                      f"{absolute(mrr_ws, f'{first}{rows[b]}:{last}{rows[b]}')}))"
                      for a, b in (("end_mrr", "total"),))
    one_account = "+".join(
        f'SUMPRODUCT(({D(t, "customer_id")}<>INDEX({D("customer", "customer_id")},1))*({D(t, "customer_id")}<>""))'
        for t in ("mrr", "health", "nps", "csat", "ces", "pipeline", "goals"))
    checks_sheet(wb, ws, locale, [
        ("check.bridge", f"={bridge}"),
        ("check.products", f"=SUMPRODUCT(ABS({absolute(mrr_ws, f'B{gap}:{last}{gap}')}))"),
        ("check.one_account", f"={one_account}+(COUNTA({D('customer', 'customer_id')})<>1)"),
        ("check.nps_split", f"=ABS({absolute(wb[locale('sheet.voice')], 'B5')}-"
                            f"{absolute(wb[locale('sheet.voice')], 'B6')}-{absolute(wb[locale('sheet.voice')], 'B7')}-"
                            f"{absolute(wb[locale('sheet.voice')], 'B8')})"),
        ("check.weights", "=(WeightAdoption<=0)+(WeightEngagement<=0)+(WeightSupport<=0)"),
    ])


def _cover_sheet(wb: Workbook, ws: Worksheet, locale: Locale, rows: dict[str, int]) -> None:
    mrr_ws = wb[locale("sheet.mrr")]
    label(ws, "A1", locale("title.qbr"), Font(bold=True, size=12, color="595959"))
    formula(ws, "A2", f"=INDEX({D('customer', 'name')},1)", font=Font(bold=True, size=20, color="1F3864"))
    define(wb, "Account", absolute(ws, "A2"))
    formula(ws, "A3", f'="{locale("period")}: {locale("quarter_prefix")}"&ROUNDUP(MONTH(AsOf)/3,0)&" "&YEAR(AsOf)',
            font=Font(size=12, color="595959"))
    end, start = _cell(mrr_ws, rows, "total"), _cell(mrr_ws, rows, "total", 12)
    info = [
        ("account_id", f"=INDEX({D('customer', 'customer_id')},1)", None, None),
        ("csm", f"=INDEX({D('customer', 'csm')},1)", None, None),
        ("segment", f"=INDEX({D('customer', 'segment')},1)", None, None),
        ("tier", f"=INDEX({D('customer', 'tier')},1)", None, None),
        ("as_of", "=AsOf", locale.month, None),
        ("renewal_date", f'=IF(INDEX({D("customer", "renewal_date")},1)="","",INDEX({D("customer", "renewal_date")},1))',
         locale.date, "RenewalDate"),
    ]
    kpis = [
        ("mrr", f"={end}", locale.money, "MRR"),
        ("arr", "=12*MRR", locale.money, "ARR"),
        ("nrr", f'=IF({start}>0,{end}/{start},"")', locale.percent, "NRR"),
        ("grr", f'=IF({start}>0,MIN({end},{start})/{start},"")', locale.percent, "GRR"),
        ("nrr_band", f'=IF(NRR="","",IF(NRR>BandHealthy,"{locale("band.healthy")}",IF(NRR>=BandLow,'
                     f'"{locale("band.retains")}","{locale("band.low")}")))', None, "NrrBand"),
        ("health_score", "=HealthScore", locale.number, None),
        ("health_flag", "=HealthFlag", None, None),
        ("nps", "=NPS", "0.0", None),
        ("csat", "=CSAT", locale.percent, None),
        ("master_check", "=MasterCheck", None, None),
    ]
    for i, (key, expression, fmt, name) in enumerate(info):
        r = 5 + i
        label(ws, f"A{r}", locale(key), Font(color="595959"))
        cell = formula(ws, f"B{r}", expression, fmt, BOLD)
        cell.alignment = Alignment(horizontal="left")
        if name:
            define(wb, name, absolute(ws, f"B{r}"))
    for i, (key, expression, fmt, name) in enumerate(kpis):
        r = 5 + i
        label(ws, f"D{r}", locale(key), Font(color="595959"))
        cell = formula(ws, f"E{r}", expression, fmt, BOLD if key == "nrr_band" else KPI_FONT)
        cell.alignment = Alignment(horizontal="right")
        if name:
            define(wb, name, absolute(ws, f"E{r}"))
    _band_colours(ws, "E9", locale)
    _flag_colours(ws, "E11", locale)
    ok_colours(ws, "E14", locale)
    widths(ws, {"A": 22, "B": 30, "C": 4, "D": 22, "E": 34})
    ws.row_dimensions[2].height = 30
    span = {"min_col": rows["first_col"] + 1, "max_col": rows["last_col"]}
    ws.add_chart(line_chart(locale("total_mrr"), Reference(mrr_ws, **span, min_row=rows["total"], max_row=rows["total"]),
                            Reference(mrr_ws, **span, min_row=rows["header"], max_row=rows["header"])), "A17")


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
    mrr = mine(data.mrr)
    mrr = mrr[mrr["month"] < end]
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


def fill_qbr(wb: Workbook, data: Dataset, account: str, as_of: pd.Timestamp, locale: Locale) -> Workbook:
    """Write one account's data into a QBR template (the built-in one or a team's own)."""
    tables = account_tables(data, account, as_of)
    for name, frame in tables.items():
        fill_table(wb, TABLES[name], frame, locale)
    fit_amounts(wb, peak_arr(tables["mrr"]))
    set_input(wb, "AsOf", as_of)
    wb.properties.title = None
    wb.properties.subject = None
    wb.properties.creator = "csxl"
    return wb
