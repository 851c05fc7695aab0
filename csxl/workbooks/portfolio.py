"""The portfolio review: the whole book of business for CS leadership, as a live Excel model.

The MRR data sits in one wide table, a row per customer and a column per
month (the 36 months to AsOf and the one before), with an "ever paid" block
of calculated columns beside it. Every monthly movement is then one
SUMPRODUCT over two adjacent month columns - linear in the number of
customers, so LibreOffice recalculates 5,000 customers in seconds - and
correcting one MRR cell updates the movements, NRR, cohorts, segments and
charts. Formulas restate `csxl.metrics`; the parity tests compare them.

Not live (computed by csxl at generation and labelled so): the split of
expansion into upsell / cross-sell / price adjustment (it needs product rows
per customer), the health flags, the whitespace matrix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from csxl.data.dataset import Dataset
from csxl.data.schema import OPPORTUNITY_TYPES, STAGES
from csxl.metrics.expansion import whitespace
from csxl.metrics.health import FLAGS, TOUCH_MODELS, flags_at
from csxl.metrics.movements import SPLIT_COLUMNS, mrr_grid, mrr_movements
from csxl.workbooks.cells import BOLD, KPI_FONT, absolute, col, formula, header_row, label, print_setup, title, widths
from csxl.workbooks.charts import bar_chart, line_chart
from csxl.workbooks.checks import checks_sheet
from csxl.workbooks.files import atomic_save
from csxl.workbooks.inputs import InputsSheet, define
from csxl.workbooks.labels import LABELS, Locale
from csxl.workbooks.template import DataTable, add_data_sheet, fill_table, open_template, set_input

WINDOW = 36  # months shown; the wide table also holds the month before them
CSM_ROWS, KANBAN_ROWS, WHITESPACE_ROWS, MAX_PRODUCTS, TIER_ROWS = 20, 15, 40, 10, 6
OUTPUT_NAMES = ("MRR", "ARR", "Customers", "ARPA", "NRR", "GRR", "LogoChurn", "QuickRatio", "NPS")

_M = [f"m{k:02d}" for k in range(WINDOW + 1)]
_E = [f"e{k:02d}" for k in range(WINDOW + 1)]
_FIRST_MONTH_COL = 9  # column I holds m00
_ever_col = lambda k: col(_FIRST_MONTH_COL + WINDOW + 1 + k)  # noqa: E731
_month_col = lambda k: col(_FIRST_MONTH_COL + k)  # noqa: E731
_EVER = [(_E[0], f"=IF(OR(H{{row}}>0,{_month_col(0)}{{row}}>0),1,0)")] + [
    (_E[k], f"=IF(OR({_ever_col(k - 1)}{{row}}=1,{_month_col(k)}{{row}}>0),1,0)") for k in range(1, WINDOW + 1)]
_NOW = _month_col(WINDOW)
TABLES = {
    "book": DataTable("book", (
        ("customer_id", "text"), ("name", "text"), ("csm", "text"), ("segment", "text"), ("tier", "text"),
        ("status", "text"), ("flag", "text"), ("before", "number"), *[(m, "number") for m in _M], *_EVER,
        ("first", f"=IF({_ever_col(0)}{{row}}=1,0,{WINDOW + 1}-SUM({_ever_col(0)}{{row}}:{_ever_col(WINDOW)}{{row}}))"),
        ("touch", f'=IF({_NOW}{{row}}<=0,"",IF({_NOW}{{row}}>=TouchHigh*ARPA,"high-touch",IF({_NOW}{{row}}>=ARPA,'
                  f'"mid-touch",IF({_NOW}{{row}}>=TouchLow*ARPA,"low-touch","tech-touch"))))'),
    )),
    "split": DataTable("split", (("month", "month"), *[(c, "number") for c in SPLIT_COLUMNS])),
    "csms": DataTable("csms", (("csm", "text"),)),
    "tiers": DataTable("tiers", (("tier", "text"),)),
    "nps": DataTable("nps", (("customer_id", "text"), ("date", "date"), ("score", "number"),
                             ("csm", '=IFERROR(INDEX(D_book_csm,MATCH(A{row},D_book_customer_id,0)),"")'))),
    "csat": DataTable("csat", (("customer_id", "text"), ("date", "date"), ("score", "number"))),
    "ces": DataTable("ces", (("customer_id", "text"), ("date", "date"), ("score", "number"))),
    "pipeline": DataTable("pipeline", (("opportunity_id", "text"), ("customer_id", "text"), ("stage", "text"),
                                       ("type", "text"), ("amount", "number"))),
    "whitespace": DataTable("whitespace", (("customer_id", "text"), ("name", "text"),
                                           *[(f"p{j}", "number") for j in range(1, MAX_PRODUCTS + 1)])),
    "products": DataTable("products", (("product", "text"),)),
}

LABELS.update({
    "title.portfolio": ("Portfolio review", "Revisão da carteira", "Revisión de la cartera"),
    "sheet.movements": ("Movements", "Movimentos", "Movimientos"),
    "sheet.retention": ("Retention", "Retenção", "Retención"),
    "sheet.cohorts": ("Cohorts", "Coortes", "Cohortes"),
    "sheet.segments": ("Segments", "Segmentos", "Segmentos"),
    "sheet.csms": ("CSM scorecard", "Scorecard de CSMs", "Scorecard de CSMs"),
    "sheet.funnel": ("Expand funnel", "Funil de expansão", "Embudo de expansión"),
    "sheet.whitespace": ("Whitespace", "Whitespace", "Whitespace"),
    "customers": ("Customers", "Clientes", "Clientes"),
    "arpa": ("ARPA", "Ticket médio (ARPA)", "ARPA"),
    "logo_churn": ("Logo churn (12 months)", "Churn de logos (12 meses)", "Churn de logos (12 meses)"),
    "quick_ratio": ("Quick ratio (12 months)", "Quick ratio (12 meses)", "Quick ratio (12 meses)"),
    "upsell": ("Upsell (not live)", "Upsell (não recalcula)", "Upsell (no se recalcula)"),
    "cross_sell": ("Cross-sell (not live)", "Cross-sell (não recalcula)", "Venta cruzada (no se recalcula)"),
    "price_adjustment": ("Price adjustment (not live)", "Reajuste (não recalcula)", "Ajuste de precio (no se recalcula)"),
    "customers_start": ("Customers at start", "Clientes no início", "Clientes al inicio"),
    "new_customers": ("New customers", "Clientes novos", "Clientes nuevos"),
    "reactivated_customers": ("Reactivated customers", "Clientes reativados", "Clientes reactivados"),
    "churned_customers": ("Churned customers", "Clientes perdidos", "Clientes perdidos"),
    "customers_end": ("Customers at end", "Clientes no fim", "Clientes al final"),
    "nrr_month": ("NRR of the month", "NRR do mês", "NRR del mes"),
    "grr_month": ("GRR of the month", "GRR do mês", "GRR del mes"),
    "trend_title": ("NRR and GRR, trailing 12 months (cohort form)", "NRR e GRR, 12 meses (coorte)",
                    "NRR y GRR, 12 meses (cohorte)"),
    "cohort_revenue": ("Revenue retention by start month", "Retenção de receita por mês de início",
                       "Retención de ingresos por mes de inicio"),
    "cohort_logo": ("Logo retention by start month", "Retenção de logos por mês de início",
                    "Retención de logos por mes de inicio"),
    "by_flag": ("Accounts and MRR by flag", "Contas e MRR por flag", "Cuentas y MRR por bandera"),
    "kanban": ("Retention kanban: largest accounts under each flag", "Kanban de retenção: maiores contas por flag",
               "Kanban de retención: mayores cuentas por bandera"),
    "accounts": ("Accounts", "Contas", "Cuentas"),
    "share": ("Share of MRR", "Participação no MRR", "Participación en el MRR"),
    "touch_model": ("Touch model", "Modelo de atendimento", "Modelo de atención"),
    "mrr_retained": ("MRR retained (12 months)", "MRR retido (12 meses)", "MRR retenido (12 meses)"),
    "logo_retention": ("Logo retention (12 months)", "Retenção de logos (12 meses)", "Retención de logos (12 meses)"),
    "expansion_mrr": ("Expansion MRR (12 months)", "MRR de expansão (12 meses)", "MRR de expansión (12 meses)"),
    "growth_mom": ("MRR growth month over month", "Crescimento do MRR no mês", "Crecimiento del MRR en el mes"),
    "opportunities": ("Opportunities", "Oportunidades", "Oportunidades"),
    "reached": ("Reached this stage", "Chegaram à etapa", "Llegaron a la etapa"),
    "conversion": ("Conversion to next stage", "Conversão para a próxima etapa", "Conversión a la siguiente etapa"),
    "weighted_by_type": ("Weighted open pipeline by type", "Pipeline aberto ponderado por tipo",
                         "Pipeline abierto ponderado por tipo"),
    "not_live": ("computed by csxl when the file was generated", "calculado pelo csxl ao gerar o arquivo",
                 "calculado por csxl al generar el archivo"),
    "high_multiple": ("High-touch from (x ARPA)", "High-touch a partir de (x ARPA)", "High-touch desde (x ARPA)"),
    "low_fraction": ("Low-touch from (x ARPA)", "Low-touch a partir de (x ARPA)", "Low-touch desde (x ARPA)"),
    "check.counts": ("Each month: customers at start + new + reactivated - churned = at end",
                     "Cada mês: clientes no início + novos + reativados - perdidos = no fim",
                     "Cada mes: clientes al inicio + nuevos + reactivados - perdidos = al final"),
    "check.flags": ("Every paying account has a known health flag or none",
                    "Toda conta pagante tem uma flag de saúde conhecida ou nenhuma",
                    "Toda cuenta que paga tiene una bandera de salud conocida o ninguna"),
})


def D(table: str, column: str) -> str:
    return TABLES[table].column_name(column)


def _months(k: str) -> str:
    """The MRR of every customer in month column k (1 = m00) of the wide table."""
    return f"INDEX(Months,0,{k})"


def portfolio_template(locale: Locale) -> Workbook:
    """The portfolio layout in `locale`, with empty Data tables."""
    wb = Workbook()
    cover = wb.active
    cover.title = locale("sheet.cover")
    sheets = {key: wb.create_sheet(locale(f"sheet.{key}")) for key in
              ("movements", "retention", "cohorts", "health", "segments", "csms", "funnel", "whitespace", "voice")}
    inputs = _inputs(wb, locale)
    checks = wb.create_sheet(locale("sheet.checks"))
    for table in TABLES.values():
        add_data_sheet(wb, table, f"{locale('sheet.data')}_{table.name}", locale)
    _point_blocks(wb, rows=0)
    rows = _movements_sheet(wb, sheets["movements"], locale)
    _retention_sheet(wb, sheets["retention"], locale)
    _cohorts_sheet(sheets["cohorts"], locale)
    _health_sheet(sheets["health"], locale)
    _segments_sheet(sheets["segments"], locale)
    _csm_sheet(sheets["csms"], locale)
    _funnel_sheet(sheets["funnel"], locale)
    _whitespace_sheet(sheets["whitespace"], locale)
    _voice_sheet(wb, sheets["voice"], locale)
    _checks_sheet(wb, checks, locale, rows)
    _cover_sheet(wb, cover, locale)
    print_setup([cover, inputs.ws, *sheets.values(), checks])
    wb.calculation.fullCalcOnLoad = True
    return wb


def _point_blocks(wb: Workbook, rows: int) -> None:
    """The month and ever-paid blocks of the wide table under one name each."""
    ws = next(ws for ws in wb.worksheets if TABLES["book"].table_name in ws.tables)
    last = max(rows, 1) + 1
    define(wb, "Months", absolute(ws, f"{_month_col(0)}2:{_month_col(WINDOW)}{last}"))
    define(wb, "Ever", absolute(ws, f"{_ever_col(0)}2:{_ever_col(WINDOW)}{last}"))


def _inputs(wb: Workbook, locale: Locale) -> InputsSheet:
    inputs = InputsSheet(wb, locale)
    inputs.add("AsOf", locale("as_of"), None, locale.month, locale("month"), "")
    inputs.add("TouchHigh", locale("high_multiple"), 3.0, "0.00", "x ARPA")
    inputs.add("TouchLow", locale("low_fraction"), 0.25, "0.00", "x ARPA")
    inputs.add("SurveyMonths", locale("window"), 12, locale.integer, locale("month"))
    inputs.benchmarks()
    inputs.stage_probabilities()
    inputs.add("Tolerance", locale("check"), 0.005, "0.000", locale.currency)
    return inputs


_LINES = ["start_mrr", "new", "reactivation", "expansion", "upsell", "cross_sell", "price_adjustment", "contraction",
          "churn", "end_mrr", "customers_start", "new_customers", "reactivated_customers", "churned_customers",
          "customers_end", "nrr_month", "grr_month"]


def _movements_sheet(wb: Workbook, ws: Worksheet, locale: Locale) -> dict[str, int]:
    title(ws, locale("sheet.movements"))
    rows = {"index": 4, "month": 5, **{line: 6 + i for i, line in enumerate(_LINES)}}
    label(ws, "A4", "#", Font(color="808080"))
    label(ws, "A5", locale("month"), BOLD)
    for line in _LINES:
        label(ws, f"A{rows[line]}", locale(line), BOLD if line in ("start_mrr", "end_mrr") else None)
    for k in range(1, WINDOW + 1):
        c = col(1 + k)
        ws[f"{c}4"] = k
        ws[f"{c}4"].font = Font(color="808080")
        i = f"{c}$4"
        P, C, E = _months(i), _months(f"{i}+1"), f"INDEX(Ever,0,{i})"
        r = {line: f"{c}{n}" for line, n in rows.items()}
        cells = {
            "month": (f"=EDATE(AsOf,{i}-{WINDOW})", locale.month),
            "start_mrr": (f"=SUM({P})", locale.money),
            "new": (f"=SUMPRODUCT(({P}=0)*({C}>0)*({E}=0)*{C})", locale.money),
            "reactivation": (f"=SUMPRODUCT(({P}=0)*({C}>0)*({E}=1)*{C})", locale.money),
            "expansion": (f"=SUMPRODUCT(({P}>0)*({C}>{P})*({C}-{P}))", locale.money),
            "contraction": (f"=SUMPRODUCT(({P}>0)*({C}>0)*({C}<{P})*({P}-{C}))", locale.money),
            "churn": (f"=SUMPRODUCT(({P}>0)*({C}=0)*{P})", locale.money),
            "end_mrr": (f"=SUM({C})", locale.money),
            "customers_start": (f"=SUMPRODUCT(--({P}>0))", locale.integer),
            "new_customers": (f"=SUMPRODUCT(({P}=0)*({C}>0)*({E}=0))", locale.integer),
            "reactivated_customers": (f"=SUMPRODUCT(({P}=0)*({C}>0)*({E}=1))", locale.integer),
            "churned_customers": (f"=SUMPRODUCT(({P}>0)*({C}=0))", locale.integer),
            "customers_end": (f"=SUMPRODUCT(--({C}>0))", locale.integer),
            "nrr_month": (f'=IF({r["start_mrr"]}>0,({r["start_mrr"]}+{r["expansion"]}-{r["contraction"]}'
                          f'-{r["churn"]})/{r["start_mrr"]},"")', locale.percent),
            "grr_month": (f'=IF({r["start_mrr"]}>0,({r["start_mrr"]}-{r["contraction"]}-{r["churn"]})'
                          f'/{r["start_mrr"]},"")', locale.percent),
        }
        for split in SPLIT_COLUMNS:
            cells[split] = (f"=SUMIFS({D('split', split)},{D('split', 'month')},{r['month']})", locale.money)
        for line, (expression, fmt) in cells.items():
            formula(ws, r[line], expression, fmt, Font(italic=True, color="808080") if line in SPLIT_COLUMNS else None)
    label(ws, f"A{rows['grr_month'] + 1}", f"({locale('upsell').split('(')[0].strip()}, ...: {locale('not_live')})",
          Font(italic=True, color="808080"))
    widths(ws, {"A": 30, **{col(1 + k): 13 for k in range(1, WINDOW + 1)}})
    ws.freeze_panes = "B6"
    months = Reference(ws, min_col=2, max_col=1 + WINDOW, min_row=5, max_row=5)
    series = {locale(line): Reference(ws, min_col=2, max_col=1 + WINDOW, min_row=rows[line], max_row=rows[line])
              for line in ("new", "reactivation", "expansion", "contraction", "churn")}
    ws.add_chart(bar_chart(locale("movements"), series, months, size=(9, 30)), f"A{rows['grr_month'] + 3}")
    ws.add_chart(line_chart(locale("end_mrr"), series_row(ws, rows["end_mrr"]), months, size=(9, 30)),
                 f"A{rows['grr_month'] + 22}")
    define(wb, "MovementEnd", absolute(ws, f"B{rows['end_mrr']}:{col(1 + WINDOW)}{rows['end_mrr']}"))
    return rows


def series_row(ws: Worksheet, row: int) -> Reference:
    return Reference(ws, min_col=2, max_col=1 + WINDOW, min_row=row, max_row=row)


def _retention_sheet(wb: Workbook, ws: Worksheet, locale: Locale) -> None:
    title(ws, locale("trend_title"), locale("benchmark_source"))
    header_row(ws, 4, 1, [locale("month"), "NRR", "GRR", f"NRR {locale('median_nrr')}", f"GRR {locale('median_grr')}"])
    label(ws, "G4", locale("acv_band"), BOLD)
    formula(ws, "H4", "=INDEX(BenchBand,MATCH(ARPA*12*UsdRate,BenchFrom,1))")
    for j, k in enumerate(range(12, WINDOW + 1)):
        r = 5 + j
        start, end = _months(str(k - 11)), _months(str(k + 1))
        formula(ws, f"A{r}", f"=EDATE(AsOf,{k}-{WINDOW})", locale.month)
        formula(ws, f"B{r}", f'=IFERROR(SUMPRODUCT(({start}>0)*{end})/SUM({start}),"")', locale.percent)
        formula(ws, f"C{r}", f'=IFERROR(SUMPRODUCT(({start}>0)*(({end}<{start})*{end}+({end}>={start})*{start}))'
                             f'/SUM({start}),"")', locale.percent)
        formula(ws, f"D{r}", "=INDEX(BenchNRR,MATCH(ARPA*12*UsdRate,BenchFrom,1))", locale.percent)
        formula(ws, f"E{r}", "=INDEX(BenchGRR,MATCH(ARPA*12*UsdRate,BenchFrom,1))", locale.percent)
    last = 5 + WINDOW - 12
    define(wb, "NRR", absolute(ws, f"B{last}"))
    define(wb, "GRR", absolute(ws, f"C{last}"))
    widths(ws, {"A": 14, "B": 12, "C": 12, "D": 22, "E": 22, "G": 14, "H": 14})
    lines = {name: Reference(ws, min_col=c, min_row=5, max_row=last) for c, name in
             ((2, "NRR"), (3, "GRR"), (4, f"NRR {locale('median_nrr')}"), (5, f"GRR {locale('median_grr')}"))}
    ws.add_chart(line_chart(locale("trend_title"), lines, Reference(ws, min_col=1, min_row=5, max_row=last),
                            size=(9, 20), y_format="0%"), "G6")


def _cohorts_sheet(ws: Worksheet, locale: Locale) -> None:
    title(ws, locale("sheet.cohorts"))
    for block, (key, basis) in enumerate((("cohort_revenue", "revenue"), ("cohort_logo", "logo"))):
        top = 4 + block * (WINDOW + 5)
        label(ws, f"A{top}", locale(key), BOLD)
        label(ws, f"A{top + 1}", locale("month"), BOLD)
        for t in range(WINDOW):
            cell = ws.cell(top + 1, 3 + t, t)
            cell.font = BOLD
        label(ws, f"B{top + 1}", locale("customers"), BOLD)
        for c in range(1, WINDOW + 1):
            r = top + 1 + c
            formula(ws, f"A{r}", f"=EDATE(AsOf,{c}-{WINDOW})", locale.month)
            formula(ws, f"B{r}", f"=COUNTIF(D_book_first,{c})", locale.integer)
            base = (f"SUMPRODUCT((D_book_first={c})*{_months(str(c + 1))})" if basis == "revenue"
                    else f"COUNTIF(D_book_first,{c})")
            for t in range(WINDOW - c + 1):
                column = col(3 + t)
                value = (f"SUMPRODUCT((D_book_first={c})*{_months(f'{c}+{column}${top + 1}+1')})" if basis == "revenue"
                         else f"SUMPRODUCT((D_book_first={c})*({_months(f'{c}+{column}${top + 1}+1')}>0))")
                formula(ws, f"{column}{r}", f'=IFERROR({value}/{base},"")', locale.percent)
        area = f"C{top + 2}:{col(2 + WINDOW)}{top + 1 + WINDOW}"
        ws.conditional_formatting.add(area, ColorScaleRule(start_type="num", start_value=0, start_color="F8696B",
                                                           mid_type="num", mid_value=0.75, mid_color="FFEB84",
                                                           end_type="num", end_value=1, end_color="63BE7B"))
    widths(ws, {"A": 12, "B": 10, **{col(3 + t): 7 for t in range(WINDOW)}})


def _health_sheet(ws: Worksheet, locale: Locale) -> None:
    title(ws, locale("by_flag"), locale("not_live"))
    header_row(ws, 4, 1, [locale("health_flag"), locale("accounts"), locale("mrr"), locale("share")])
    now = f"D_book_{_M[-1]}"
    for i, flag in enumerate(FLAGS):
        r = 5 + i
        label(ws, f"A{r}", locale(f"flag.{flag}"))
        ws[f"F{r}"] = flag
        ws[f"F{r}"].font = Font(color="FFFFFF")
        formula(ws, f"B{r}", f'=COUNTIFS(D_book_flag,F{r},{now},">0")', locale.integer)
        formula(ws, f"C{r}", f"=SUMIFS({now},D_book_flag,F{r})", locale.money)
        formula(ws, f"D{r}", "=IF(MRR>0,C{r}/MRR,0)".format(r=r), locale.percent)
    ws.add_chart(bar_chart(locale("share"), Reference(ws, min_col=4, min_row=4, max_row=4 + len(FLAGS)),
                           Reference(ws, min_col=1, min_row=5, max_row=4 + len(FLAGS)), y_format="0%"), "H3")
    top = 12
    label(ws, f"A{top}", locale("kanban"), BOLD)
    for j, flag in enumerate(FLAGS):
        name_col, mrr_col = col(1 + 2 * j), col(2 + 2 * j)
        header_row(ws, top + 1, 1 + 2 * j, [locale(f"flag.{flag}"), locale("mrr")])
        first = f'MATCH("{flag}",D_book_flag,0)'
        count = f'COUNTIF(D_book_flag,"{flag}")'
        for i in range(1, KANBAN_ROWS + 1):
            r = top + 1 + i
            formula(ws, f"{name_col}{r}", f'=IF({i}>{count},"",INDEX(D_book_name,{first}+{i - 1}))')
            formula(ws, f"{mrr_col}{r}", f'=IF({i}>{count},"",INDEX({now},{first}+{i - 1}))', locale.money)
        widths(ws, {name_col: 26, mrr_col: 13})


def _segment_block(ws: Worksheet, top: int, heading: str, keys: list[str], column: str, locale: Locale,
                   from_table: str | None = None) -> None:
    header_row(ws, top, 1, [heading, locale("accounts"), locale("mrr"), locale("arpa"), "NRR"])
    now, year_ago = f"D_book_{_M[-1]}", f"D_book_{_M[-13]}"
    for i, key in enumerate(keys):
        r = top + 1 + i
        if from_table:
            formula(ws, f"A{r}", f'=IFERROR(INDEX({from_table},{i + 1}),"")')
        else:
            label(ws, f"A{r}", key)
        is_key = f'({column}=A{r})'
        formula(ws, f"B{r}", f'=IF(A{r}="","",COUNTIFS({column},A{r},{now},">0"))', locale.integer)
        formula(ws, f"C{r}", f'=IF(A{r}="","",SUMIFS({now},{column},A{r}))', locale.money)
        formula(ws, f"D{r}", f'=IF(A{r}="","",IFERROR(C{r}/B{r},""))', locale.money)
        formula(ws, f"E{r}", f'=IF(A{r}="","",IFERROR(SUMPRODUCT({is_key}*({year_ago}>0)*{now})'
                             f'/SUMPRODUCT({is_key}*{year_ago}),""))', locale.percent)


def _segments_sheet(ws: Worksheet, locale: Locale) -> None:
    title(ws, locale("sheet.segments"))
    _segment_block(ws, 4, locale("touch_model"), list(TOUCH_MODELS), "D_book_touch", locale)
    _segment_block(ws, 11, locale("tier"), [""] * TIER_ROWS, "D_book_tier", locale, D("tiers", "tier"))
    widths(ws, {"A": 20, "B": 12, "C": 18, "D": 16, "E": 12})


def _csm_sheet(ws: Worksheet, locale: Locale) -> None:
    title(ws, locale("sheet.csms"))
    heads = ["csm", "accounts", "mrr", "mrr_retained", "logo_retention", "expansion_mrr", "nps", "growth_mom",
             "flag.Green", "flag.Red"]
    header_row(ws, 4, 1, [locale(h) for h in heads])
    now, year_ago, before = f"D_book_{_M[-1]}", f"D_book_{_M[-13]}", f"D_book_{_M[-2]}"
    window = 'D_nps_date,">="&EDATE(AsOf,1-SurveyMonths),D_nps_date,"<"&EDATE(AsOf,1)'
    for i in range(CSM_ROWS):
        r = 5 + i
        mine = f"(D_book_csm=A{r})"
        expansion = "+".join(f"SUMPRODUCT({mine}*({_months(str(k))}>0)*({_months(str(k + 1))}>{_months(str(k))})*"
                             f"({_months(str(k + 1))}-{_months(str(k))}))" for k in range(WINDOW - 11, WINDOW + 1))
        promoters = f'COUNTIFS({window},D_nps_csm,A{r},D_nps_score,">=9")'
        detractors = f'COUNTIFS({window},D_nps_csm,A{r},D_nps_score,"<=6")'
        answers = f"COUNTIFS({window},D_nps_csm,A{r})"
        cells = {
            "A": (f'=IFERROR(INDEX({D("csms", "csm")},{i + 1}),"")', None),
            "B": (f'=IF(A{r}="","",COUNTIFS(D_book_csm,A{r},{now},">0"))', locale.integer),
            "C": (f'=IF(A{r}="","",SUMIFS({now},D_book_csm,A{r}))', locale.money),
            "D": (f'=IF(A{r}="","",IFERROR(SUMPRODUCT({mine}*({year_ago}>0)*{now})/SUMPRODUCT({mine}*{year_ago}),""))',
                  locale.percent),
            "E": (f'=IF(A{r}="","",IFERROR(SUMPRODUCT({mine}*({year_ago}>0)*({now}>0))/SUMPRODUCT({mine}*({year_ago}>0)),""))',
                  locale.percent),
            "F": (f'=IF(A{r}="","",{expansion})', locale.money),
            "G": (f'=IF(A{r}="","",IF({answers}=0,"",({promoters}-{detractors})/{answers}*100))', "0.0"),
            "H": (f'=IF(A{r}="","",IFERROR(C{r}/SUMIFS({before},D_book_csm,A{r})-1,""))', locale.percent),
            "I": (f'=IF(OR(A{r}="",B{r}=0),"",COUNTIFS(D_book_csm,A{r},D_book_flag,"Green",{now},">0")/B{r})',
                  locale.percent),
            "J": (f'=IF(OR(A{r}="",B{r}=0),"",COUNTIFS(D_book_csm,A{r},D_book_flag,"Red",{now},">0")/B{r})',
                  locale.percent),
        }
        for letter, (expression, fmt) in cells.items():
            formula(ws, f"{letter}{r}", expression, fmt)
    widths(ws, {"A": 22, **{c: 15 for c in "BCDEFGHIJ"}})


def _funnel_sheet(ws: Worksheet, locale: Locale) -> None:
    title(ws, locale("sheet.funnel"))
    header_row(ws, 4, 1, [locale("stage"), locale("opportunities"), locale("mrr"), locale("reached"),
                          locale("conversion"), "code"])
    for i, stage in enumerate(STAGES):
        r = 5 + i
        label(ws, f"A{r}", locale(f"stage.{stage}"))
        ws[f"F{r}"] = stage
        formula(ws, f"B{r}", f'=COUNTIF({D("pipeline", "stage")},F{r})', locale.integer)
        formula(ws, f"C{r}", f'=SUMIFS({D("pipeline", "amount")},{D("pipeline", "stage")},F{r})', locale.money)
    won, lost = 5 + STAGES.index("won"), 5 + STAGES.index("lost")
    for i in range(len(STAGES[:5])):
        r = 5 + i
        reached = f"=SUM(B{r}:B{4 + 5})+B{won}" + (f"+B{lost}" if i == 0 else "")
        formula(ws, f"D{r}", reached, locale.integer)
        following = f"D{r + 1}" if i < 4 else f"B{won}"
        formula(ws, f"E{r}", f'=IF(D{r}=0,"",{following}/D{r})', locale.percent)
    formula(ws, f"D{won}", f"=B{won}", locale.integer)
    formula(ws, f"D{lost}", f"=B{lost}", locale.integer)
    top = 14
    header_row(ws, top, 1, [locale("type"), locale("weighted")])
    for j, kind in enumerate(OPPORTUNITY_TYPES):
        r = top + 1 + j
        label(ws, f"A{r}", locale(f"type.{kind}"))
        weighted = "+".join(f'SUMIFS({D("pipeline", "amount")},{D("pipeline", "type")},"{kind}",'
                            f'{D("pipeline", "stage")},"{stage}")*INDEX(StageProbability,{STAGES.index(stage) + 1})'
                            for stage in STAGES[:5])
        formula(ws, f"B{r}", f"={weighted}", locale.money)
    widths(ws, {"A": 22, "B": 16, "C": 16, "D": 18, "E": 22, "F": 12})
    ws.column_dimensions["F"].hidden = True  # stage codes the formulas match on
    ws.add_chart(bar_chart(locale("reached"), Reference(ws, min_col=4, min_row=4, max_row=9),
                           Reference(ws, min_col=1, min_row=5, max_row=9), horizontal=True), "H4")


def _whitespace_sheet(ws: Worksheet, locale: Locale) -> None:
    title(ws, locale("sheet.whitespace"), locale("not_live"))
    label(ws, "A4", locale("account"), BOLD)
    for j in range(1, MAX_PRODUCTS + 1):
        formula(ws, f"{col(1 + j)}4", f'=IFERROR(INDEX({D("products", "product")},{j}),"")', font=BOLD)
    for i in range(1, WHITESPACE_ROWS + 1):
        r = 4 + i
        formula(ws, f"A{r}", f'=IFERROR(INDEX({D("whitespace", "name")},{i}),"")')
        for j in range(1, MAX_PRODUCTS + 1):
            formula(ws, f"{col(1 + j)}{r}", f'=IF(OR($A{r}="",{col(1 + j)}$4=""),"",'
                                            f'INDEX({D("whitespace", f"p{j}")},{i}))', locale.money_round)
    area = f"B5:{col(1 + MAX_PRODUCTS)}{4 + WHITESPACE_ROWS}"
    ws.conditional_formatting.add(area, ColorScaleRule(start_type="num", start_value=0, start_color="FFFFFF",
                                                       end_type="max", end_color="5B9BD5"))
    widths(ws, {"A": 30, **{col(1 + j): 14 for j in range(1, MAX_PRODUCTS + 1)}})


def _voice_sheet(wb: Workbook, ws: Worksheet, locale: Locale) -> None:
    title(ws, locale("title.voice"))
    header_row(ws, 4, 1, [locale("month"), "NPS", locale("answers"), "CSAT", "CES"])
    for i in range(12):
        r = 5 + i
        formula(ws, f"A{r}", f"=EDATE(AsOf,{i - 11})", locale.month)
        month = lambda t: f'{D(t, "date")},">="&A{r},{D(t, "date")},"<"&EDATE(A{r},1)'  # noqa: E731
        n = f"COUNTIFS({month('nps')})"
        formula(ws, f"C{r}", f"={n}", locale.integer)
        formula(ws, f"B{r}", f'=IF(C{r}=0,"",(COUNTIFS({month("nps")},{D("nps", "score")},">=9")-'
                             f'COUNTIFS({month("nps")},{D("nps", "score")},"<=6"))/C{r}*100)', "0.0")
        formula(ws, f"D{r}", f'=IFERROR(COUNTIFS({month("csat")},{D("csat", "score")},">=4")/COUNTIFS({month("csat")}),"")',
                locale.percent)
        formula(ws, f"E{r}", f'=IFERROR(AVERAGEIFS({D("ces", "score")},{month("ces")}),"")', "0.00")
    window = f'{D("nps", "date")},">="&EDATE(AsOf,1-SurveyMonths),{D("nps", "date")},"<"&EDATE(AsOf,1)'
    label(ws, "A18", f"NPS ({locale('window')})", BOLD)
    formula(ws, "B18", f'=IF(COUNTIFS({window})=0,"",(COUNTIFS({window},{D("nps", "score")},">=9")-'
                       f'COUNTIFS({window},{D("nps", "score")},"<=6"))/COUNTIFS({window})*100)', "0.0", KPI_FONT)
    define(wb, "NPS", absolute(ws, "B18"))
    widths(ws, {"A": 40, "B": 12, "C": 12, "D": 12, "E": 12})
    ws.add_chart(line_chart("NPS", Reference(ws, min_col=2, min_row=5, max_row=16),
                            Reference(ws, min_col=1, min_row=5, max_row=16), size=(7, 16)), "G4")


def _checks_sheet(wb: Workbook, ws: Worksheet, locale: Locale, rows: dict[str, int]) -> None:
    mv = wb[locale("sheet.movements")]
    span = lambda line: absolute(mv, f"B{rows[line]}:{col(1 + WINDOW)}{rows[line]}")  # noqa: E731
    checks_sheet(wb, ws, locale, [
        ("check.bridge", f"=SUMPRODUCT(ABS({span('start_mrr')}+{span('new')}+{span('reactivation')}+{span('expansion')}"
                         f"-{span('contraction')}-{span('churn')}-{span('end_mrr')}))"),
        ("check.counts", f"=SUMPRODUCT(ABS({span('customers_start')}+{span('new_customers')}+"
                         f"{span('reactivated_customers')}-{span('churned_customers')}-{span('customers_end')}))"),
        ("check.flags", f"=Customers-SUM({absolute(wb[locale('sheet.health')], f'B5:B{4 + len(FLAGS)}')})"
                        f'-COUNTIFS(D_book_flag,"",D_book_{_M[-1]},">0")'),
    ])


def _cover_sheet(wb: Workbook, ws: Worksheet, locale: Locale) -> None:
    label(ws, "A1", locale("title.portfolio"), Font(bold=True, size=20, color="1F3864"))
    formula(ws, "A2", f'="{locale("as_of")}: "&TEXT(AsOf,"yyyy-mm")', font=Font(size=12, color="595959"))
    mv = wb[locale("sheet.movements")]
    twelve = lambda line, n: (f"SUM(INDEX({absolute(mv, f'B{n}:{col(1 + WINDOW)}{n}')},{WINDOW - 11}):"  # noqa: E731
                              f"INDEX({absolute(mv, f'B{n}:{col(1 + WINDOW)}{n}')},{WINDOW}))")
    rows = {line: 6 + i for i, line in enumerate(_LINES)}
    gains = "+".join(twelve(line, rows[line]) for line in ("new", "expansion", "reactivation"))
    losses = "+".join(twelve(line, rows[line]) for line in ("contraction", "churn"))
    now, year_ago = f"D_book_{_M[-1]}", f"D_book_{_M[-13]}"
    lines = [
        ("mrr", f"=SUM({now})", locale.money, "MRR"),
        ("arr", "=12*MRR", locale.money, "ARR"),
        ("customers", f'=COUNTIF({now},">0")', locale.integer, "Customers"),
        ("arpa", '=IF(Customers=0,"",MRR/Customers)', locale.money, "ARPA"),
        ("nrr", "=NRR", locale.percent, None),
        ("grr", "=GRR", locale.percent, None),
        ("nrr_band", f'=IF(NRR="","",IF(NRR>1,"{locale("band.healthy")}",IF(NRR>=0.8,"{locale("band.retains")}",'
                     f'"{locale("band.low")}")))', None, None),
        ("logo_churn", f'=IFERROR(SUMPRODUCT(({year_ago}>0)*({now}=0))/COUNTIF({year_ago},">0"),"")', locale.percent,
         "LogoChurn"),
        ("quick_ratio", f'=IFERROR(({gains})/({losses}),"")', "0.00", "QuickRatio"),
        ("nps", "=NPS", "0.0", None),
        ("master_check", "=MasterCheck", None, None),
    ]
    for i, (key, expression, fmt, name) in enumerate(lines):
        r = 4 + i
        label(ws, f"A{r}", locale(key), Font(color="595959"))
        formula(ws, f"B{r}", expression, fmt, BOLD if key == "nrr_band" else KPI_FONT)
        if name:
            define(wb, name, absolute(ws, f"B{r}"))
    widths(ws, {"A": 34, "B": 34})
    ws.add_chart(line_chart(locale("end_mrr"), series_row(mv, rows["end_mrr"]),
                            Reference(mv, min_col=2, max_col=1 + WINDOW, min_row=5, max_row=5), size=(8, 20)), "D3")


# ---------------------------------------------------------------------------------------------- data


def portfolio_tables(data: Dataset, as_of: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """The Data tables: the wide MRR book (36 months to AsOf and the one before), survey rows, pipeline, ..."""
    mrr = data.mrr[data.mrr["month"] <= as_of]
    grid = mrr_grid(mrr)
    end = grid.month_index(as_of)
    columns = [end - WINDOW + k for k in range(WINDOW + 1)]
    wide = np.column_stack([grid.values[:, c] if c >= 0 else np.zeros(len(grid.customers)) for c in columns])
    before = (grid.values[:, : max(columns[0], 0)] > 0).any(axis=1).astype(float)
    ids = grid.customers
    customers = (data.customers.set_index("customer_id").reindex(ids) if data.customers is not None
                 else pd.DataFrame(index=ids))
    book = pd.DataFrame(wide, columns=_M, index=ids)
    for column in ("name", "csm", "segment", "tier", "status"):
        book.insert(len(book.columns) - len(_M), column, customers[column].to_numpy() if column in customers else "")
    book["name"] = book["name"].fillna(pd.Series(ids, index=ids))
    book.insert(5, "flag", flags_at(data.health, data.customers, ids, as_of).to_numpy())
    book.insert(6, "before", before)
    book["flag"] = np.where(book[_M[-1]] > 0, book["flag"], "")
    # kanban order: by flag, then the largest accounts first
    book = book.sort_values(["flag", _M[-1]], ascending=[True, False]).rename_axis("customer_id").reset_index()
    split = mrr_movements(mrr).assign(month=lambda t: t["period"].dt.to_timestamp())[["month", *SPLIT_COLUMNS]]
    space = whitespace(mrr, as_of)
    products = list(space.columns)[:MAX_PRODUCTS]
    space = space.assign(total=space.sum(axis=1)).sort_values("total", ascending=False).head(WHITESPACE_ROWS)
    names = book.set_index("customer_id")["name"]
    white = pd.DataFrame({"customer_id": space.index, "name": names.reindex(space.index).to_numpy(),
                          **{f"p{j}": space[p].to_numpy() for j, p in enumerate(products, start=1)}})
    surveys = {name: getattr(data, name) for name in ("nps", "csat", "ces")}
    return {
        "book": book, "split": split, "whitespace": white, "products": pd.DataFrame({"product": products}),
        "csms": pd.DataFrame({"csm": sorted(book["csm"].dropna().replace("", np.nan).dropna().unique())[:CSM_ROWS]}),
        "tiers": pd.DataFrame({"tier": sorted(book["tier"].dropna().astype(str).replace("", np.nan).dropna()
                                               .unique())[:TIER_ROWS]}),
        "pipeline": data.pipeline if data.pipeline is not None else pd.DataFrame(),
        **{name: (frame[frame["date"] < as_of + pd.offsets.MonthBegin(1)] if frame is not None else pd.DataFrame())
           for name, frame in surveys.items()},
    }


def fill_portfolio(wb: Workbook, data: Dataset, as_of: pd.Timestamp, locale: Locale) -> Workbook:
    tables = portfolio_tables(data, as_of)
    for name, frame in tables.items():
        fill_table(wb, TABLES[name], frame, locale)
    _point_blocks(wb, rows=len(tables["book"]))
    set_input(wb, "AsOf", as_of)
    wb.properties.creator = "csxl"
    return wb


def write_portfolio(data: Dataset, as_of: pd.Timestamp, locale: Locale, template, path):
    """Build (or fill the team's template) and save atomically; returns the path and the template warnings."""
    wb, warnings = open_template(template) if template else (portfolio_template(locale), [])
    return atomic_save(fill_portfolio(wb, data, as_of, locale), path), warnings
