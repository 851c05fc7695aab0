"""The portfolio review: the whole book of business for CS leadership, as a live Excel model.

The MRR data sits in a wide table with a row per customer and product and a
column per month (the 36 months to AsOf and the one before), sorted so that a
customer's products are adjacent. The book beside it has a row per customer
whose month columns sum that customer's block of product rows, with the
month it first paid and its upsell and cross-sell of each month. Every
monthly movement is then one SUMPRODUCT over two adjacent month columns and
every per-customer figure reads a block of two or three rows - linear in the
number of customers, so LibreOffice recalculates 5,000 customers in seconds -
and correcting one MRR cell updates the movements with their expansion split,
NRR, cohorts, segments and charts. Formulas restate `csxl.metrics`; the
parity tests compare them.

Not live (computed by csxl at generation and labelled so): the health flags
and the whitespace matrix. The book's `covered` column marks the accounts
with a strategic touchpoint (EBR, QBR) for the scorecard's account coverage:
csxl fills it when told which accounts they are, the team can mark them in
the workbook. Blocks of fixed size (CSMs, tiers, products) that the data
outgrows are reported in the warnings `write_portfolio` returns.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from csxl.data.dataset import Dataset
from csxl.data.schema import OPPORTUNITY_TYPES, STAGES
from csxl.metrics.expansion import OPEN_STAGES, whitespace
from csxl.metrics.health import FLAGS, TECH_BELOW_FRACTION, TOUCH_HIGH_MULTIPLE, TOUCH_MODELS, flags_at
from csxl.metrics.movements import SPLIT_COLUMNS, mrr_grid
from csxl.workbooks.anchors import Anchor, Anchors, Line, column_span, lines, row_span
from csxl.workbooks.cells import (
    BOLD,
    KPI_FONT,
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
from csxl.workbooks.colours import band_colours, ok_colours
from csxl.workbooks.formulas import (
    Tables,
    acv_band,
    ces,
    count_where,
    csat,
    distinct_without_case,
    equals,
    exact,
    lookup_key,
    month_criteria,
    nps,
    nps_counts,
    nrr_band,
    sum_where,
    text,
    window_criteria,
    window_mask,
)
from csxl.workbooks.inputs import InputsSheet
from csxl.workbooks.kind import Layout, WorkbookKind
from csxl.workbooks.labels import Locale, add_labels
from csxl.workbooks.template import DataTable, add_data_sheet, fill_table, peak_arr, set_input

WINDOW = 36  # months shown; the wide tables also hold the month before them
CSM_ROWS, KANBAN_ROWS, WHITESPACE_ROWS, MAX_PRODUCTS, TIER_ROWS = 20, 15, 40, 10, 6
OUTPUT_NAMES = ("MRR", "ARR", "Customers", "ARPA", "NRR", "GRR", "LogoChurn", "QuickRatio", "NPS")

_M = [f"m{k:02d}" for k in range(WINDOW + 1)]
_A = [f"a{k:02d}" for k in range(1, WINDOW + 1)]  # price adjustment flags of months 1..WINDOW
_U = [f"u{k:02d}" for k in range(1, WINDOW + 1)]  # upsell of months 1..WINDOW
_X = [f"x{k:02d}" for k in range(1, WINDOW + 1)]  # cross-sell of months 1..WINDOW
# the book's columns: data written by csxl first (fill_table writes them in this order), then formulas
_BOOK_DATA = (("customer_id", "text"), ("name", "text"), ("csm", "text"), ("segment", "text"), ("tier", "text"),
              ("status", "text"), ("flag", "text"), ("before", "number"), ("covered", "number"))
_BOOK = [*(c for c, _ in _BOOK_DATA), "item_row", "item_last", *_M, "first", "touch", "touch_start", *_U, *_X]
_book = lambda column: col(_BOOK.index(column) + 1)  # noqa: E731  the book's column letter
_month_col = lambda k: _book(_M[k])  # noqa: E731
_NOW, _YEAR_AGO = _month_col(WINDOW), _month_col(WINDOW - 12)
_ID = f"{_book('customer_id')}{{row}}"  # the book row's customer id, in a calculated column's formula


def _touch(month: str, arpa: str) -> str:
    """The touch model of the book row's MRR in one month column against a portfolio ARPA (`touch_models`)."""
    m = f"{month}{{row}}"
    return (f'=IF({m}<=0,"",IF({m}>=TouchHigh*{arpa},"high-touch",IF({m}>={arpa},"mid-touch",'
            f'IF({m}>=TouchLow*{arpa},"low-touch","tech-touch"))))')


def _products_of(column: str) -> str:
    """The product rows of this book row's customer (a contiguous block, item_row to item_last) in one column."""
    first, last = _book("item_row"), _book("item_last")
    return f"INDEX(D_mrr_{column},${first}{{row}}):INDEX(D_mrr_{column},${last}{{row}})"


def _month_total(k: int) -> str:
    """A customer's MRR in month k: its product rows summed, rounded to 6 decimals as csxl.metrics rounds MRR."""
    return f"=IF(${_book('item_row')}{{row}}=0,0,ROUND(SUM({_products_of(_M[k])}),6))"


def _split(kind: str, k: int) -> str:
    """The customer's expansion into month k allocated to one kind, in proportion to its product increases.

    This is `_split_expansion` of csxl.metrics.movements: of the gross increase of
    the customer's products, upsell is what grew on a product it had and that
    was not flagged as a price adjustment; cross-sell what grew from zero.
    Price adjustment is the rest of the expansion (Movements sheet).
    """
    before, now = f"{_month_col(k - 1)}{{row}}", f"{_month_col(k)}{{row}}"
    p, c, adjusted = _products_of(_M[k - 1]), _products_of(_M[k]), _products_of(_A[k - 1])
    part = f"({p}>0)*({adjusted}=0)*({c}>{p})*({c}-{p})" if kind == "upsell" else f"({p}=0)*{c}"
    return (f"=IF(AND({before}>0,{now}>{before}),({now}-{before})*"
            f"IFERROR(SUMPRODUCT({part})/SUMPRODUCT(({c}>{p})*({c}-{p})),0),0)")


TABLES = Tables({
    "mrr": DataTable("mrr", (("customer_id", "text"), ("product", "text"), *[(m, "number") for m in _M],
                             *[(a, "number") for a in _A])),
    "book": DataTable("book", (
        *_BOOK_DATA,
        # the block of this customer's product rows, found by its id as written (no wildcard)
        ("item_row", f"=IFERROR(MATCH({lookup_key(_ID)},D_mrr_customer_id,0),0)"),
        ("item_last", f"=IF({_book('item_row')}{{row}}=0,0,{_book('item_row')}{{row}}+COUNTIF(D_mrr_customer_id,"
                      f"{equals(_ID)})-1)"),
        *[(m, _month_total(k)) for k, m in enumerate(_M)],
        # the window month k it first paid in: 0 if it paid at or before m00, WINDOW + 1 if never
        ("first", f"=IF({_book('before')}{{row}}>0,0,IFERROR(SUMPRODUCT(MATCH(TRUE,{_month_col(0)}{{row}}:{_NOW}{{row}}"
                  f">0,0))-1,{WINDOW + 1}))"),
        # the touch model now, and the one it had at the start of the 12-month window (segment NRR counts by it)
        ("touch", _touch(_NOW, "ARPA")),
        ("touch_start", _touch(_YEAR_AGO, "ArpaStart")),
        *[(u, _split("upsell", k)) for k, u in enumerate(_U, start=1)],
        *[(x, _split("cross_sell", k)) for k, x in enumerate(_X, start=1)],
    )),
    "csms": DataTable("csms", (("csm", "text"),)),
    "tiers": DataTable("tiers", (("tier", "text"),)),
    "nps": DataTable("nps", (("customer_id", "text"), ("date", "date"), ("score", "number"),
                             ("csm", f'=IFERROR(INDEX(D_book_csm,MATCH({lookup_key("A{row}")},D_book_customer_id,'
                                     '0)),"")'))),
    "csat": DataTable("csat", (("customer_id", "text"), ("date", "date"), ("score", "number"))),
    "ces": DataTable("ces", (("customer_id", "text"), ("date", "date"), ("score", "number"))),
    "pipeline": DataTable("pipeline", (("opportunity_id", "text"), ("customer_id", "text"), ("stage", "text"),
                                       ("type", "text"), ("amount", "number"))),
    "whitespace": DataTable("whitespace", (("customer_id", "text"), ("name", "text"),
                                           *[(f"p{j}", "number") for j in range(1, MAX_PRODUCTS + 1)])),
    "products": DataTable("products", (("product", "text"),)),
})
D = TABLES  # D("book", "csm"): the checked defined name of a Data column, for formulas


add_labels({
    "title.portfolio": ("Portfolio review", "Revisão da carteira", "Revisión de la cartera"),
    "sheet.movements": ("Movements", "Movimentos", "Movimientos"),
    "sheet.retention": ("Retention", "Retenção", "Retención"),
    "sheet.cohorts": ("Cohorts", "Coortes", "Cohortes"),
    "sheet.segments": ("Segments", "Segmentos", "Segmentos"),
    "sheet.csms": ("CSM scorecard", "Scorecard de CSMs", "Desempeño por CSM"),
    "sheet.funnel": ("Expand funnel", "Funil de expansão", "Embudo de expansión"),
    "sheet.whitespace": ("Whitespace", "Potencial por produto", "Potencial por producto"),
    "customers": ("Customers", "Clientes", "Clientes"),
    "arpa": ("ARPA", "Ticket médio (ARPA)", "Ticket promedio (ARPA)"),
    "logo_churn": ("Logo churn (12 months)", "Churn de clientes (12 meses)", "Churn de clientes (12 meses)"),
    "quick_ratio": ("Quick ratio (12 months)", "Quick ratio (12 meses)", "Quick ratio (12 meses)"),
    "upsell": ("of which upsell", "da qual upsell", "de la cual venta adicional"),
    "cross_sell": ("of which cross-sell", "da qual cross-sell", "de la cual venta cruzada"),
    "price_adjustment": ("of which price adjustment", "da qual reajuste", "de la cual ajuste de precio"),
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
    "cohort_logo": ("Logo retention by start month", "Retenção de clientes por mês de início",
                    "Retención de clientes por mes de inicio"),
    "by_flag": ("Accounts and MRR by flag", "Contas e MRR por farol", "Cuentas y MRR por semáforo"),
    "kanban": (f"Retention kanban: the {KANBAN_ROWS} largest accounts under each flag",
               f"Kanban de retenção: as {KANBAN_ROWS} maiores contas de cada farol",
               f"Kanban de retención: las {KANBAN_ROWS} mayores cuentas de cada semáforo"),
    "arpa_start": ("ARPA 12 months ago (touch model then)", "Ticket médio há 12 meses (modelo de então)",
                   "Ticket promedio hace 12 meses (modelo de entonces)"),
    "note.segment_nrr": ("NRR: cohort form over 12 months, accounts by the segment they were in 12 months ago "
                         "(churned accounts included)",
                         "NRR de coorte em 12 meses, cada conta no segmento em que estava há 12 meses (inclui as "
                         "perdidas)",
                         "NRR de cohorte en 12 meses, cada cuenta en el segmento en que estaba hace 12 meses "
                         "(incluye las perdidas)"),
    "account_coverage": ("Account coverage (EBR / QBR)", "Cobertura de contas (EBR / QBR)",
                         "Cobertura de cuentas (EBR / QBR)"),
    "note.coverage": ("Account coverage: put 1 in the covered column of Data_book for each account with an EBR or "
                      "QBR (blank until one is marked)",
                      "Cobertura de contas: ponha 1 na coluna covered de Dados_book para cada conta com EBR ou QBR "
                      "(vazia até marcar uma)",
                      "Cobertura de cuentas: ponga 1 en la columna covered de Datos_book para cada cuenta con EBR "
                      "o QBR (vacía hasta marcar una)"),
    "whitespace_top": (f"The {WHITESPACE_ROWS} largest accounts: MRR by product, blank or 0 = a product to offer",
                       f"As {WHITESPACE_ROWS} maiores contas: MRR por produto, vazio ou 0 = produto a oferecer",
                       f"Las {WHITESPACE_ROWS} mayores cuentas: MRR por producto, vacío o 0 = producto a ofrecer"),
    "history_months": ("Months shown (to the as-of month)", "Meses exibidos (até a data-base)",
                       "Meses mostrados (hasta la fecha de corte)"),
    "note.touch_high": ("high-touch from this multiple of the portfolio ARPA, mid-touch from the ARPA (default)",
                        "high-touch a partir deste múltiplo do ticket médio da carteira, mid-touch a partir do "
                        "ticket médio (padrão)",
                        "high-touch desde este múltiplo del ticket promedio de la cartera, mid-touch desde el ticket "
                        "promedio (predeterminado)"),
    "note.touch_low": ("tech-touch below this share of the portfolio ARPA, low-touch from it up to the ARPA "
                       "(default)",
                       "tech-touch abaixo desta fração do ticket médio da carteira, low-touch daí até o ticket médio "
                       "(padrão)",
                       "tech-touch por debajo de esta fracción del ticket promedio de la cartera, low-touch desde ahí "
                       "hasta el ticket promedio (predeterminado)"),
    "accounts": ("Accounts", "Contas", "Cuentas"),
    "share": ("Share of MRR", "Participação no MRR", "Participación en el MRR"),
    "touch_model": ("Touch model", "Modelo de atendimento", "Modelo de atención"),
    "mrr_retained": ("MRR retained (12 months)", "Receita retida (NRR, 12 meses)", "Ingreso retenido (NRR, 12 meses)"),
    "logo_retention": ("Logo retention (12 months)", "Retenção de clientes (12 meses)",
                       "Retención de clientes (12 meses)"),
    "expansion_mrr": ("Expansion MRR (12 months)", "MRR de expansão (12 meses)", "MRR de expansión (12 meses)"),
    "accounts_expanded": ("Accounts with upsell or cross-sell (12 months)",
                          "Contas com upsell ou cross-sell (12 meses)",
                          "Cuentas con venta adicional o venta cruzada (12 meses)"),
    "growth_mom": ("MRR growth month over month", "Crescimento do MRR no mês", "Crecimiento del MRR en el mes"),
    "opportunities": ("Opportunities", "Oportunidades", "Oportunidades"),
    "reached": ("Reached this stage", "Chegaram à etapa", "Llegaron a la etapa"),
    "conversion": ("Conversion to next stage", "Conversão para a próxima etapa", "Conversión a la siguiente etapa"),
    "weighted_by_type": ("Weighted open pipeline by type", "Pipeline aberto ponderado por tipo",
                         "Pipeline abierto ponderado por tipo"),
    "note.funnel": ("Expansion opportunities (upsell, cross-sell, price adjustment); renewals are in the weighted "
                    "pipeline below, on their own line",
                    "Oportunidades de expansão (upsell, cross-sell, reajuste); as renovações estão no pipeline "
                    "ponderado abaixo, em linha própria",
                    "Oportunidades de expansión (venta adicional, venta cruzada, ajuste de precio); las renovaciones "
                    "están en el pipeline ponderado más abajo, en su propia línea"),
    "not_live": ("computed by csxl when the file was generated", "calculado pelo csxl ao gerar o arquivo",
                 "calculado por csxl al generar el archivo"),
    "high_multiple": ("High-touch from (x ARPA)", "High-touch a partir de (x ARPA)", "High-touch desde (x ARPA)"),
    "low_fraction": ("Low-touch from (x ARPA)", "Low-touch a partir de (x ARPA)", "Low-touch desde (x ARPA)"),
    "check.counts": ("Each month: customers at start + new + reactivated - churned = at end",
                     "Cada mês: clientes no início + novos + reativados - perdidos = no fim",
                     "Cada mes: clientes al inicio + nuevos + reactivados - perdidos = al final"),
    "check.book_products": ("The customers' MRR adds up to their product rows (a customer's rows kept together)",
                       "O MRR dos clientes soma as linhas de produto (linhas de um cliente juntas)",
                       "El MRR de los clientes suma las filas de producto (filas de un cliente juntas)"),
    "check.as_of": ("The as-of month is the one the data was filled to",
                    "A data-base é o mês até o qual os dados foram carregados",
                    "La fecha de corte es el mes hasta el que se cargaron los datos"),
    "data_as_of": ("Data filled to (month)", "Dados carregados até (mês)", "Datos cargados hasta (mes)"),
    "check.flags": ("Every paying account has a known health flag or none",
                    "Toda conta pagante tem um farol de saúde conhecido ou nenhum",
                    "Toda cuenta que paga tiene un semáforo de salud conocido o ninguno"),
})


def _months(k: str) -> str:
    """The MRR of every customer in month column k (1 = m00) of the wide table."""
    return f"INDEX(Months,0,{k})"


def portfolio_layout(locale: Locale) -> Layout:
    """The portfolio layout in `locale`, with empty Data tables, and the anchors of every sheet."""
    wb = Workbook()
    cover = wb.active
    cover.title = locale("sheet.cover")
    sheets = {key: wb.create_sheet(locale(f"sheet.{key}")) for key in
              ("movements", "retention", "cohorts", "health", "segments", "csms", "funnel", "whitespace", "voice")}
    inputs = _inputs(wb, locale)
    checks = wb.create_sheet(locale("sheet.checks"))
    for table in TABLES.values():
        add_data_sheet(wb, table, f"{locale('sheet.data')}_{table.name}", locale)
    _point_blocks(wb, rows=0, product_rows=0)
    anchors = {"movements": _movements_sheet(sheets["movements"], locale)}
    anchors["retention"] = _retention_sheet(sheets["retention"], locale)
    anchors["cohorts"] = _cohorts_sheet(sheets["cohorts"], locale)
    anchors["health"] = _health_sheet(sheets["health"], locale)
    anchors["segments"] = _segments_sheet(sheets["segments"], locale)
    anchors["csms"] = _csm_sheet(sheets["csms"], locale)
    anchors["funnel"] = _funnel_sheet(sheets["funnel"], locale)
    anchors["whitespace"] = _whitespace_sheet(sheets["whitespace"], locale)
    anchors["voice"] = _voice_sheet(sheets["voice"], locale)
    anchors["checks"] = _checks_sheet(checks, locale, anchors)
    anchors["cover"] = _cover_sheet(cover, locale, anchors["movements"])
    fit_labels(wb.worksheets)
    print_setup([cover, inputs.ws, *sheets.values(), checks])
    print_wide(sheets["movements"], 3)  # 37 months do not fit one page legibly: a year a page
    hide_data_sheets(wb)
    wb.calculation.fullCalcOnLoad = True
    return Layout(wb, anchors)


def portfolio_template(locale: Locale) -> Workbook:
    """The portfolio layout in `locale`, with empty Data tables."""
    return portfolio_layout(locale).wb


def _point_blocks(wb: Workbook, rows: int, product_rows: int) -> None:
    """The month, upsell and cross-sell blocks of the book, and the month block of the product rows,
    under one name each."""
    products = next(ws for ws in wb.worksheets if TABLES["mrr"].table_name in ws.tables)
    Anchor(products, 2, 3, max(product_rows, 1) + 1, 2 + len(_M)).define(wb, "ProductMonths")
    ws = next(ws for ws in wb.worksheets if TABLES["book"].table_name in ws.tables)
    last = max(rows, 1) + 1
    for columns, name in ((_M, "Months"), (_U, "Upsell"), (_X, "CrossSell")):
        Anchor(ws, 2, _BOOK.index(columns[0]) + 1, last, _BOOK.index(columns[-1]) + 1).define(wb, name)


def _inputs(wb: Workbook, locale: Locale) -> InputsSheet:
    inputs = InputsSheet(wb, locale)
    inputs.add("AsOf", locale("as_of"), None, locale.month, locale("month"), locale("note.as_of_fixed"), fixed=True)
    inputs.add("TouchHigh", locale("high_multiple"), TOUCH_HIGH_MULTIPLE, "0.00", "x ARPA", locale("note.touch_high"))
    inputs.add("TouchLow", locale("low_fraction"), TECH_BELOW_FRACTION, "0.00", "x ARPA", locale("note.touch_low"))
    inputs.nrr_bands()
    inputs.surveys()
    inputs.benchmarks()
    inputs.stage_probabilities()
    inputs.tolerance()
    return inputs


_LINES = ["start_mrr", "new", "reactivation", "expansion", "upsell", "cross_sell", "price_adjustment", "contraction",
          "churn", "end_mrr", "customers_start", "new_customers", "reactivated_customers", "churned_customers",
          "customers_end", "nrr_month", "grr_month"]


def _movements_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """The monthly bridge of the whole book. Anchors: "history_months", "index" and "month" (over the window's
    months) and each line of `_LINES` (a line area over the months)."""
    title(ws, locale("sheet.movements"))
    a = lines(ws, 3, [Line("history_months", locale("history_months"), "=COLUMNS(Months)-1", locale.integer,
                           name="HistoryMonths")])
    first, last = 2, 1 + WINDOW
    a.update({"index": row_span(ws, 4, first, last), "month": row_span(ws, 5, first, last)})
    for offset, line in enumerate(_LINES):
        a[line] = row_span(ws, 6 + offset, first, last)
    label(ws, "A4", "#", Font(color="808080"))
    label(ws, "A5", locale("month"), BOLD)
    for line in _LINES:
        cell = label(ws, f"A{a[line].row}", locale(line), BOLD if line in ("start_mrr", "end_mrr") else None)
        if line in SPLIT_COLUMNS:
            cell.alignment = Alignment(indent=2)
    for k in range(1, WINDOW + 1):
        index = a["index"].cell(k - 1)
        ws[index.local] = k
        ws[index.local].font = Font(color="808080")
        i = f"{index.letter}${index.row}"  # the month's index cell, in the formulas
        P, C = _months(i), _months(f"{i}+1")
        # new if it first pays in this month's end month i (m00 is column 1), a reactivation if it had paid before
        first_pays, paid_before = f"(D_book_first>={i})", f"(D_book_first<{i})"
        r = {line: a[line].cell(k - 1).local for line in ("month", *_LINES)}
        cells = {
            "month": (f"=EDATE(AsOf,{i}-HistoryMonths)", locale.month),
            "start_mrr": (f"=SUM({P})", locale.money),
            "new": (f"=SUMPRODUCT(({P}=0)*({C}>0)*{first_pays}*{C})", locale.money),
            "reactivation": (f"=SUMPRODUCT(({P}=0)*({C}>0)*{paid_before}*{C})", locale.money),
            "expansion": (f"=SUMPRODUCT(({P}>0)*({C}>{P})*({C}-{P}))", locale.money),
            "upsell": (f"=SUM(INDEX(Upsell,0,{i}))", locale.money),
            "cross_sell": (f"=SUM(INDEX(CrossSell,0,{i}))", locale.money),
            "price_adjustment": (f"={r['expansion']}-{r['upsell']}-{r['cross_sell']}", locale.money),
            "contraction": (f"=SUMPRODUCT(({P}>0)*({C}>0)*({C}<{P})*({P}-{C}))", locale.money),
            "churn": (f"=SUMPRODUCT(({P}>0)*({C}=0)*{P})", locale.money),
            "end_mrr": (f"=SUM({C})", locale.money),
            "customers_start": (f"=SUMPRODUCT(--({P}>0))", locale.integer),
            "new_customers": (f"=SUMPRODUCT(({P}=0)*({C}>0)*{first_pays})", locale.integer),
            "reactivated_customers": (f"=SUMPRODUCT(({P}=0)*({C}>0)*{paid_before})", locale.integer),
            "churned_customers": (f"=SUMPRODUCT(({P}>0)*({C}=0))", locale.integer),
            "customers_end": (f"=SUMPRODUCT(--({C}>0))", locale.integer),
            "nrr_month": (f'=IF({r["start_mrr"]}>0,({r["start_mrr"]}+{r["expansion"]}-{r["contraction"]}'
                          f'-{r["churn"]})/{r["start_mrr"]},"")', locale.percent),
            "grr_month": (f'=IF({r["start_mrr"]}>0,({r["start_mrr"]}-{r["contraction"]}-{r["churn"]})'
                          f'/{r["start_mrr"]},"")', locale.percent),
        }
        for line, (expression, fmt) in cells.items():
            formula(ws, r[line], expression, fmt, Font(italic=True) if line in SPLIT_COLUMNS else None)
    widths(ws, {"A": 30, **{col(1 + k): 13 for k in range(1, WINDOW + 1)}})
    ws.freeze_panes = "B6"
    months = a["month"].reference()
    shown = ("new", "reactivation", "expansion", "contraction", "churn")
    series = {locale(line): a[line].reference() for line in shown}
    ws.add_chart(bar_chart(locale("movements"), series, months, size=(9, 30)), f"A{a['grr_month'].row + 3}")
    ws.add_chart(line_chart(locale("end_mrr"), a["end_mrr"].reference(), months, size=(9, 30)),
                 f"A{a['grr_month'].row + 22}")
    return a


def _retention_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """NRR and GRR over the trailing 12 months, month by month, beside the SaaS Capital medians of the book's
    ACV band. Anchors: "months", "nrr", "grr", "bench_nrr", "bench_grr" (columns) and "band"."""
    title(ws, locale("trend_title"), locale("benchmark_source"))
    bench = {"nrr": f"{locale('median_nrr')} (SaaS Capital)", "grr": f"{locale('median_grr')} (SaaS Capital)"}
    header_row(ws, 4, 1, [locale("month"), "NRR", "GRR", bench["nrr"], bench["grr"]])
    label(ws, "G4", locale("acv_band"), BOLD)
    acv = "ARPA*12*UsdRate"
    a = Anchors({"band": Anchor(ws, 4, 8)})
    formula(ws, a["band"].local, "=" + acv_band(acv))
    first, last = 5, 5 + WINDOW - 12
    for c, key in enumerate(("months", "nrr", "grr", "bench_nrr", "bench_grr"), start=1):
        a[key] = column_span(ws, c, first, last)
    for j, k in enumerate(range(12, WINDOW + 1)):
        at = {key: a[key].cell(j).local for key in ("months", "nrr", "grr", "bench_nrr", "bench_grr")}
        start, end = _months(str(k - 11)), _months(str(k + 1))
        formula(ws, at["months"], f"=EDATE(AsOf,{k}-HistoryMonths)", locale.month)
        formula(ws, at["nrr"], f'=IFERROR(SUMPRODUCT(({start}>0)*{end})/SUM({start}),"")', locale.percent)
        formula(ws, at["grr"], f'=IFERROR(SUMPRODUCT(({start}>0)*(({end}<{start})*{end}+({end}>={start})*{start}))'
                               f'/SUM({start}),"")', locale.percent)
        formula(ws, at["bench_nrr"], "=" + acv_band(acv, "BenchNRR"), locale.percent)
        formula(ws, at["bench_grr"], "=" + acv_band(acv, "BenchGRR"), locale.percent)
    a["nrr"].cell(-1).define(ws.parent, "NRR")
    a["grr"].cell(-1).define(ws.parent, "GRR")
    widths(ws, {"A": 14, "B": 12, "C": 12, "D": 22, "E": 22, "G": 14, "H": 14})
    trend = {name: gapped(ws, a[key].reference()) for key, name in
             (("nrr", "NRR"), ("grr", "GRR"), ("bench_nrr", bench["nrr"]), ("bench_grr", bench["grr"]))}
    ws.add_chart(line_chart(locale("trend_title"), trend, a["months"].reference(), size=(9, 20), y_format="0%"), "G6")
    return a


def _cohorts_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """Revenue and logo retention by start month and age. Anchors: "revenue" and "logo" (start months x ages),
    "revenue_starts"/"logo_starts" (their start months) and "customers" (each cohort's size)."""
    title(ws, locale("sheet.cohorts"))
    a = Anchors()
    for block, (key, basis) in enumerate((("cohort_revenue", "revenue"), ("cohort_logo", "logo"))):
        top = 4 + block * (WINDOW + 5)
        a[basis] = Anchor(ws, top + 2, 3, top + 1 + WINDOW, 2 + WINDOW)
        a[f"{basis}_starts"] = column_span(ws, 1, top + 2, top + 1 + WINDOW)
        if basis == "revenue":
            a["customers"] = column_span(ws, 2, top + 2, top + 1 + WINDOW)
        label(ws, f"A{top}", locale(key), BOLD)
        label(ws, f"A{top + 1}", locale("month"), BOLD)
        for t in range(WINDOW):
            ws.cell(top + 1, 3 + t, t).font = BOLD
        label(ws, f"B{top + 1}", locale("customers"), BOLD)
        for c in range(1, WINDOW + 1):
            r = top + 1 + c
            formula(ws, f"A{r}", f"=EDATE(AsOf,{c}-HistoryMonths)", locale.month)
            formula(ws, f"B{r}", f"=COUNTIF(D_book_first,{c})", locale.integer)
            base = (f"SUMPRODUCT((D_book_first={c})*{_months(str(c + 1))})" if basis == "revenue"
                    else f"COUNTIF(D_book_first,{c})")
            for t in range(WINDOW - c + 1):
                column = col(3 + t)
                age = _months(f"{c}+{column}${top + 1}+1")
                kept = (f"SUMPRODUCT((D_book_first={c})*{age})" if basis == "revenue"
                        else f"SUMPRODUCT((D_book_first={c})*({age}>0))")
                formula(ws, f"{column}{r}", f'=IFERROR({kept}/{base},"")', locale.percent)
        ws.conditional_formatting.add(a[basis].local, ColorScaleRule(
            start_type="num", start_value=0, start_color="F8696B", mid_type="num", mid_value=0.75,
            mid_color="FFEB84", end_type="num", end_value=1, end_color="63BE7B"))
    widths(ws, {"A": 12, "B": 10, **{col(3 + t): 7 for t in range(WINDOW)}})
    return a


_FLAG_CODES = 12  # hidden column L of the Health sheet: the flag codes of the data, in FLAGS order


def _health_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """Accounts and MRR by health flag, and the kanban of the largest accounts under each.

    Anchors: "codes", "accounts", "mrr", "share" (columns over FLAGS) and "kanban".
    """
    title(ws, locale("by_flag"), locale("not_live"))
    header_row(ws, 4, 1, [locale("health_flag"), locale("accounts"), locale("mrr"), locale("share")])
    first, last = 5, 4 + len(FLAGS)
    a = Anchors({"flags": column_span(ws, 1, first, last), "accounts": column_span(ws, 2, first, last),
                 "mrr": column_span(ws, 3, first, last), "share": column_span(ws, 4, first, last),
                 "codes": column_span(ws, _FLAG_CODES, first, last)})
    now = f"D_book_{_M[-1]}"
    for i, flag in enumerate(FLAGS):
        at = {key: a[key].cell(i).local for key in ("flags", "accounts", "mrr", "share", "codes")}
        label(ws, at["flags"], locale(f"flag.{flag}"))
        label(ws, at["codes"], flag)
        code = a["codes"].cell(i).a1(absolute=True)
        formula(ws, at["accounts"], "=" + count_where(exact("D_book_flag", code), f"{now}>0"), locale.integer)
        formula(ws, at["mrr"], "=" + sum_where(now, exact("D_book_flag", code)), locale.money)
        formula(ws, at["share"], f"=IF(MRR>0,{at['mrr']}/MRR,0)", locale.percent)
    ws.column_dimensions[a["codes"].letter].hidden = True  # the codes the formulas match on
    for key, name in (("codes", "FlagCode"), ("accounts", "FlagAccounts"), ("mrr", "FlagMRR"), ("share", "FlagShare")):
        a[key].define(ws.parent, name)
    ws.add_chart(bar_chart(locale("share"), a["share"].grow(top=1).reference(), a["flags"].reference(),
                           y_format="0%"), "H3")
    top = 12
    label(ws, f"A{top}", locale("kanban"), BOLD)
    a["kanban"] = Anchor(ws, top + 2, 1, top + 1 + KANBAN_ROWS, 2 * len(FLAGS))
    for j, flag in enumerate(FLAGS):
        name_col, mrr_col = col(1 + 2 * j), col(2 + 2 * j)
        header_row(ws, top + 1, 1 + 2 * j, [locale(f"flag.{flag}"), locale("mrr")])
        code = a["codes"].cell(j).a1(absolute=True)
        # the book is sorted by flag: a flag's accounts are one block, found by the (exact) flag code
        block = f"MATCH({lookup_key(code)},D_book_flag,0)"
        count = f"COUNTIF(D_book_flag,{equals(code)})"
        for i in range(1, KANBAN_ROWS + 1):
            r = top + 1 + i
            formula(ws, f"{name_col}{r}", f'=IF({i}>{count},"",INDEX(D_book_name,{block}+{i - 1}))')
            formula(ws, f"{mrr_col}{r}", f'=IF({i}>{count},"",INDEX({now},{block}+{i - 1}))', locale.money)
        widths(ws, {name_col: 26, mrr_col: 13})
    return a


def _segment_block(ws: Worksheet, top: int, heading: str, keys: list[str], now_in: str, start_in: str,
                   locale: Locale, from_table: str | None = None) -> Anchor:
    """Accounts, MRR and ARPA by the segment accounts are in now (`now_in`), and the cohort NRR of the 12 months
    to AsOf by the segment they were in a year ago (`start_in`): `csxl.metrics.health.segments`. Returns the
    block (segments x the five columns)."""
    header_row(ws, top, 1, [heading, locale("accounts"), locale("mrr"), locale("arpa"), "NRR"])
    now, year_ago = f"D_book_{_M[-1]}", f"D_book_{_M[-13]}"
    block = Anchor(ws, top + 1, 1, top + len(keys), 5)
    for i, key in enumerate(keys):
        name, accounts, mrr, arpa, nrr = (cell.local for cell in block.row_of(i).cells())
        if from_table:
            formula(ws, name, f'=IFERROR(INDEX({from_table},{i + 1}),"")')
        else:
            label(ws, name, key)
        is_now, was = exact(now_in, name), exact(start_in, name)
        formula(ws, accounts, f'=IF({name}="","",{count_where(is_now, f"{now}>0")})', locale.integer)
        formula(ws, mrr, f'=IF({name}="","",{sum_where(now, is_now)})', locale.money)
        formula(ws, arpa, f'=IF({name}="","",IFERROR({mrr}/{accounts},""))', locale.money)
        formula(ws, nrr, f'=IF({name}="","",IFERROR({sum_where(now, was, f"{year_ago}>0")}'
                         f'/{sum_where(year_ago, was)},""))', locale.percent)
    return block


def _segments_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """Accounts, MRR, ARPA and NRR by touch model and by tier. Anchors: "arpa_start", "touch", "tier"."""
    title(ws, locale("sheet.segments"), locale("note.segment_nrr"))
    year_ago = f"D_book_{_M[-13]}"
    a = lines(ws, 3, [Line("arpa_start", locale("arpa_start"), f'=IFERROR(SUM({year_ago})/COUNTIF({year_ago},">0"),"")',
                           locale.money, name="ArpaStart")])
    a["touch"] = _segment_block(ws, 5, locale("touch_model"), list(TOUCH_MODELS), "D_book_touch",
                                "D_book_touch_start", locale)
    a["tier"] = _segment_block(ws, a["touch"].bottom + 2, locale("tier"), [""] * TIER_ROWS, "D_book_tier",
                               "D_book_tier", locale, D("tiers", "tier"))
    a["touch"].define(ws.parent, "SegmentsTouch")
    a["tier"].define(ws.parent, "SegmentsTier")
    widths(ws, {"A": 24, "B": 12, "C": 18, "D": 16, "E": 12})
    return a


_CSM_HEADS = ["csm", "accounts", "mrr", "mrr_retained", "logo_retention", "expansion_mrr", "accounts_expanded", "nps",
              "growth_mom", "account_coverage", *[f"flag.{flag}" for flag in FLAGS]]


def _csm_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """The CSM scorecard (`csxl.metrics.csm.csm_scorecard`). Anchors: "scorecard" (CSMs x `_CSM_HEADS`)."""
    title(ws, locale("sheet.csms"), locale("note.coverage"))
    header_row(ws, 4, 1, [locale(h) if not h.startswith("flag.") else f"% {locale(h)}" for h in _CSM_HEADS])
    a = Anchors({"scorecard": Anchor(ws, 5, 1, 4 + CSM_ROWS, len(_CSM_HEADS))})
    last_year = range(WINDOW - 11, WINDOW + 1)  # movement columns of the 12 months to AsOf
    won = "+".join(f"INDEX(Upsell,0,{k})+INDEX(CrossSell,0,{k})" for k in last_year)
    now, year_ago, before = f"D_book_{_M[-1]}", f"D_book_{_M[-13]}", f"D_book_{_M[-2]}"
    answers_window = window_mask("D_nps_date")
    for i in range(CSM_ROWS):
        at = dict(zip(_CSM_HEADS, (cell.local for cell in a["scorecard"].row_of(i).cells())))
        csm = at["csm"]
        mine = f"EXACT(D_book_csm,{csm})"
        expansion = "+".join(f"SUMPRODUCT({mine}*({_months(str(k))}>0)*({_months(str(k + 1))}>{_months(str(k))})*"
                             f"({_months(str(k + 1))}-{_months(str(k))}))" for k in last_year)
        said = (exact("D_nps_csm", csm), answers_window)
        promoters = count_where(*said, "D_nps_score>=PromoterFrom")
        detractors = count_where(*said, "D_nps_score<=DetractorTo")
        answers = count_where(*said)
        given = lambda expression, csm=csm: f'=IF({csm}="","",{expression})'  # noqa: E731
        accounts = at["accounts"]
        cells = {
            "csm": (f'=IFERROR(INDEX({D("csms", "csm")},{i + 1}),"")', None),
            "accounts": (given(count_where(mine, f"{now}>0")), locale.integer),
            "mrr": (given(sum_where(now, mine)), locale.money),
            "mrr_retained": (given(f'IFERROR({sum_where(now, mine, f"{year_ago}>0")}/{sum_where(year_ago, mine)},"")'),
                             locale.percent),
            "logo_retention": (given(f'IFERROR({count_where(mine, f"{year_ago}>0", f"{now}>0")}/'
                                     f'{count_where(mine, f"{year_ago}>0")},"")'), locale.percent),
            "expansion_mrr": (given(expansion), locale.money),
            "accounts_expanded": (given(count_where(mine, f"({won})>0")), locale.integer),
            "nps": (given(nps(promoters, detractors, answers)), "0.0"),
            "growth_mom": (given(f'IFERROR({at["mrr"]}/{sum_where(before, mine)}-1,"")'), locale.percent),
            # blank until accounts are marked in the covered column of the book
            "account_coverage": (f'=IF(OR({csm}="",{accounts}=0,COUNT(D_book_covered)=0),"",'
                                 f'{count_where(mine, "D_book_covered=1", f"{now}>0")}/{accounts})', locale.percent),
            **{f"flag.{flag}": (f'=IF(OR({csm}="",{accounts}=0),"",'
                                f'{count_where(mine, exact("D_book_flag", f"INDEX(FlagCode,{j})"), f"{now}>0")}'
                                f'/{accounts})', locale.percent) for j, flag in enumerate(FLAGS, start=1)},
        }
        for head, (expression, fmt) in cells.items():
            formula(ws, at[head], expression, fmt)
    a["scorecard"].define(ws.parent, "CsmScorecard")
    widths(ws, {"A": 22, **{col(c): 15 for c in range(2, len(_CSM_HEADS) + 1)}})
    return a


def _funnel_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """The expand funnel by stage over the expansion opportunities (`csxl.metrics.expansion.funnel` of every type
    but renewal) and the weighted open pipeline by type, renewals on their own line (`weighted_pipeline`).
    Anchors: "count", "amount", "reached", "conversion" (columns over STAGES), "weighted"
    (column over OPPORTUNITY_TYPES)."""
    title(ws, locale("sheet.funnel"), locale("note.funnel"))
    header_row(ws, 4, 1, [locale("stage"), locale("opportunities"), locale("mrr"), locale("reached"),
                          locale("conversion"), "code"])
    first, last = 5, 4 + len(STAGES)
    a = Anchors({key: column_span(ws, c, first, last) for c, key in
                 enumerate(("stages", "count", "amount", "reached", "conversion", "codes"), start=1)})
    stage_col, amount, type_col = D("pipeline", "stage"), D("pipeline", "amount"), D("pipeline", "type")
    expansion = f'1-EXACT({type_col},{text("renewal")})'  # renewals are not expansion: the funnel leaves them out
    for i, stage in enumerate(STAGES):
        label(ws, a["stages"].cell(i).local, locale(f"stage.{stage}"))
        code = a["codes"].cell(i).local
        label(ws, code, stage)
        formula(ws, a["count"].cell(i).local, "=" + count_where(exact(stage_col, code), expansion), locale.integer)
        formula(ws, a["amount"].cell(i).local, "=" + sum_where(amount, exact(stage_col, code), expansion),
                locale.money)
    count = lambda stage: a["count"].cell(STAGES.index(stage)).local  # noqa: E731
    for i in range(len(OPEN_STAGES)):
        # an opportunity reached a stage if it is there or further on (won included; lost only reached the first)
        later = a["count"].part(i, len(OPEN_STAGES) - 1).local
        reached = f"=SUM({later})+{count('won')}" + (f"+{count('lost')}" if i == 0 else "")
        formula(ws, a["reached"].cell(i).local, reached, locale.integer)
        following = a["reached"].cell(i + 1).local if i < len(OPEN_STAGES) - 1 else count("won")
        formula(ws, a["conversion"].cell(i).local, f'=IF({a["reached"].cell(i).local}=0,"",{following}'
                                                   f'/{a["reached"].cell(i).local})', locale.percent)
    for stage in ("won", "lost"):
        formula(ws, a["reached"].cell(STAGES.index(stage)).local, f"={count(stage)}", locale.integer)
    top = last + 3
    header_row(ws, top, 1, [locale("type"), locale("weighted")])
    a["weighted"] = column_span(ws, 2, top + 1, top + len(OPPORTUNITY_TYPES))
    for j, kind in enumerate(OPPORTUNITY_TYPES):
        cell = a["weighted"].cell(j)
        label(ws, f"A{cell.row}", locale(f"type.{kind}"))
        weighted = "+".join(sum_where(amount, exact(type_col, text(kind)), exact(stage_col, text(stage))) +
                            f"*INDEX(StageProbability,{STAGES.index(stage) + 1})" for stage in OPEN_STAGES)
        formula(ws, cell.local, f"={weighted}", locale.money)
    for key, name in (("count", "FunnelCount"), ("amount", "FunnelAmount"), ("reached", "FunnelReached"),
                      ("conversion", "FunnelConversion"), ("weighted", "WeightedByType")):
        a[key].define(ws.parent, name)
    widths(ws, {"A": 22, "B": 16, "C": 16, "D": 18, "E": 22, "F": 12})
    ws.column_dimensions[a["codes"].letter].hidden = True  # stage codes the formulas match on
    shown = a["reached"].part(0, len(OPEN_STAGES) - 1)
    ws.add_chart(bar_chart(locale("reached"), shown.grow(top=1).reference(),
                           a["stages"].part(0, len(OPEN_STAGES) - 1).reference(), horizontal=True), "H4")
    return a


def _whitespace_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """The largest accounts' MRR by product: a blank or 0 is a product to offer. Anchors: "grid"."""
    title(ws, locale("sheet.whitespace"), locale("not_live"))
    label(ws, "A3", locale("whitespace_top"))
    label(ws, "A4", locale("account"), BOLD)
    a = Anchors({"grid": Anchor(ws, 5, 2, 4 + WHITESPACE_ROWS, 1 + MAX_PRODUCTS)})
    for j in range(1, MAX_PRODUCTS + 1):
        formula(ws, f"{col(1 + j)}4", f'=IFERROR(INDEX({D("products", "product")},{j}),"")', font=BOLD)
    for i in range(1, WHITESPACE_ROWS + 1):
        r = 4 + i
        formula(ws, f"A{r}", f'=IFERROR(INDEX({D("whitespace", "name")},{i}),"")')
        for j in range(1, MAX_PRODUCTS + 1):
            formula(ws, f"{col(1 + j)}{r}", f'=IF(OR($A{r}="",{col(1 + j)}$4=""),"",'
                                            f'INDEX({D("whitespace", f"p{j}")},{i}))', locale.money_round)
    ws.conditional_formatting.add(a["grid"].local, ColorScaleRule(start_type="num", start_value=0,
                                                                  start_color="FFFFFF", end_type="max",
                                                                  end_color="5B9BD5"))
    widths(ws, {"A": 30, **{col(1 + j): 14 for j in range(1, MAX_PRODUCTS + 1)}})
    return a


def _voice_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """NPS, CSAT and CES by month over the last 12 months, and the NPS of the survey window.

    Anchors: "months", "nps", "answers", "csat", "ces" (columns over the months), "window_nps" (named NPS).
    """
    title(ws, locale("title.voice"))
    header_row(ws, 4, 1, [locale("month"), "NPS", locale("answers"), "CSAT", "CES"])
    a = Anchors({key: column_span(ws, c, 5, 16) for c, key in
                 enumerate(("months", "nps", "answers", "csat", "ces"), start=1)})
    for i in range(12):
        at = {key: a[key].cell(i).local for key in ("months", "nps", "answers", "csat", "ces")}
        formula(ws, at["months"], f"=EDATE(AsOf,{i - 11})", locale.month)
        counts = nps_counts(D("nps", "score"), month_criteria(D("nps", "date"), at["months"]))
        formula(ws, at["answers"], f"={counts['answers']}", locale.integer)
        formula(ws, at["nps"], "=" + nps(counts["promoters"], counts["detractors"], at["answers"]), "0.0")
        formula(ws, at["csat"], "=" + csat(D("csat", "score"), month_criteria(D("csat", "date"), at["months"])),
                locale.percent)
        formula(ws, at["ces"], "=" + ces(D("ces", "score"), month_criteria(D("ces", "date"), at["months"])), "0.00")
    window = nps_counts(D("nps", "score"), window_criteria(D("nps", "date")))
    # live: the window follows the SurveyMonths input
    a.update(lines(ws, 18, [Line("window_nps", "", "=" + nps(window["promoters"], window["detractors"],
                                                              window["answers"]), "0.0", KPI_FONT, "NPS")]))
    formula(ws, "A18", f'="NPS ({locale("answers_last")} "&SurveyMonths&" {locale("months")})"', font=BOLD)
    for key, name in (("nps", "VoiceNPS"), ("answers", "VoiceAnswers"), ("csat", "VoiceCSAT"), ("ces", "VoiceCES")):
        a[key].define(ws.parent, name)
    widths(ws, {"A": 40, "B": 12, "C": 12, "D": 12, "E": 12})
    ws.add_chart(line_chart("NPS", gapped(ws, a["nps"].reference()), a["months"].reference(), size=(7, 16)), "G4")
    return a


def _checks_sheet(ws: Worksheet, locale: Locale, anchors: dict[str, Anchors]) -> Anchors:
    mv, flags = anchors["movements"], anchors["health"]
    span = {line: mv[line].ref for line in _LINES}
    checks = checks_sheet(ws, locale, [
        ("check.bridge", f"=SUMPRODUCT(ABS({span['start_mrr']}+{span['new']}+{span['reactivation']}"
                         f"+{span['expansion']}-{span['contraction']}-{span['churn']}-{span['end_mrr']}))"),
        ("check.counts", f"=SUMPRODUCT(ABS({span['customers_start']}+{span['new_customers']}+"
                         f"{span['reactivated_customers']}-{span['churned_customers']}-{span['customers_end']}))"),
        ("check.book_products", "=SUM(Months)-SUM(ProductMonths)"),
        ("check.flags", f"=Customers-SUM({flags['accounts'].ref})"
                        f'-COUNTIFS(D_book_flag,"",D_book_{_M[-1]},">0")'),
        # the wide tables' month columns are the months to the as-of month of filling: AsOf may not move
        ("check.as_of", "=IF(AsOf=DataAsOf,0,1)"),
    ])
    checks["data_as_of"] = filled = checks["master"].offset(rows=2)
    label(ws, f"A{filled.row}", locale("data_as_of"))
    ws[filled.local].number_format = locale.month
    filled.define(ws.parent, "DataAsOf")
    return checks


def _cover_sheet(ws: Worksheet, locale: Locale, mv: Anchors) -> Anchors:
    label(ws, "A1", locale("title.portfolio"), Font(bold=True, size=20, color="1F3864"))
    grey = Font(size=12, color="595959")
    a = lines(ws, 2, [Line("as_of", locale("as_of"), "=AsOf", locale.month, grey)], label_font=grey)
    twelve = lambda line: f"SUM({mv[line].part(-12, -1).ref})"  # noqa: E731
    gains = "+".join(twelve(line) for line in ("new", "expansion", "reactivation"))
    losses = "+".join(twelve(line) for line in ("contraction", "churn"))
    now, year_ago = f"D_book_{_M[-1]}", f"D_book_{_M[-13]}"
    a.update(lines(ws, 4, [
        Line("mrr", locale("mrr"), f"=SUM({now})", locale.money, KPI_FONT, "MRR"),
        Line("arr", locale("arr"), "=12*MRR", locale.money, KPI_FONT, "ARR"),
        Line("customers", locale("customers"), f'=COUNTIF({now},">0")', locale.integer, KPI_FONT, "Customers"),
        Line("arpa", locale("arpa"), '=IF(Customers=0,"",MRR/Customers)', locale.money, KPI_FONT, "ARPA"),
        Line("nrr", locale("nrr"), "=NRR", locale.percent, KPI_FONT),
        Line("grr", locale("grr"), "=GRR", locale.percent, KPI_FONT),
        Line("nrr_band", locale("nrr_band"), "=" + nrr_band("NRR", locale), font=BOLD),
        Line("logo_churn", locale("logo_churn"),
             f'=IFERROR(SUMPRODUCT(({year_ago}>0)*({now}=0))/COUNTIF({year_ago},">0"),"")', locale.percent,
             KPI_FONT, "LogoChurn"),
        Line("quick_ratio", locale("quick_ratio"), f'=IFERROR(({gains})/({losses}),"")', "0.00", KPI_FONT,
             "QuickRatio"),
        Line("nps", locale("nps"), "=NPS", "0.0", KPI_FONT),
        Line("master_check", locale("master_check"), "=MasterCheck", font=KPI_FONT),
    ], label_font=Font(color="595959")))
    band_colours(ws, a["nrr_band"].local, locale)
    ok_colours(ws, a["master_check"].local, locale)
    widths(ws, {"A": 34, "B": 34})
    ws.add_chart(line_chart(locale("end_mrr"), mv["end_mrr"].reference(), mv["month"].reference(), size=(8, 20)),
                 "D3")
    return a


# ---------------------------------------------------------------------------------------------- data


def portfolio_tables(data: Dataset, as_of: pd.Timestamp,
                     covered: Iterable[str] | None = None) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The Data tables: the wide MRR book (36 months to AsOf and the one before), survey rows, pipeline, ...;
    and a warning for each list longer than its block on the sheets (CSMs, tiers, products).

    `covered`: the accounts with a strategic touchpoint (EBR, QBR), 1 in the book's covered column (blank for
    every account when not given: the team marks them in the workbook).
    """
    mrr = data.mrr[data.mrr["month"] <= as_of]
    distinct_without_case(mrr["customer_id"].unique(), "customer id", data.source)
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
    book.insert(7, "covered", ids.isin(list(covered)).astype(float) if covered is not None else np.nan)
    book["flag"] = np.where(book[_M[-1]] > 0, book["flag"], "")
    # kanban order: by flag, then the largest accounts first
    book = book.sort_values(["flag", _M[-1]], ascending=[True, False]).rename_axis("customer_id").reset_index()
    space = whitespace(mrr, as_of)
    csms = sorted({csm for csm in book["csm"].dropna() if csm != ""})
    tiers = sorted({tier for tier in book["tier"].dropna().astype(str) if tier != ""})
    shown = {"CSMs": (csms, CSM_ROWS, "CSM scorecard"), "tiers": (tiers, TIER_ROWS, "Segments sheet"),
             "products": (list(space.columns), MAX_PRODUCTS, "Whitespace sheet")}
    warnings = [f"the {sheet} of the portfolio shows {limit} of the {len(items)} {kind}; the others are left out"
                for kind, (items, limit, sheet) in shown.items() if len(items) > limit]
    products = list(space.columns)[:MAX_PRODUCTS]
    space = space.assign(total=space.sum(axis=1)).sort_values("total", ascending=False).head(WHITESPACE_ROWS)
    names = book.set_index("customer_id")["name"]
    white = pd.DataFrame({"customer_id": space.index, "name": names.reindex(space.index).to_numpy(),
                          **{f"p{j}": space[p].to_numpy() for j, p in enumerate(products, start=1)}})
    surveys = {name: getattr(data, name) for name in ("nps", "csat", "ces")}
    return {
        "book": book, "mrr": _product_mrr(mrr, as_of), "whitespace": white,
        "products": pd.DataFrame({"product": products}),
        "csms": pd.DataFrame({"csm": csms[:CSM_ROWS]}), "tiers": pd.DataFrame({"tier": tiers[:TIER_ROWS]}),
        "pipeline": data.pipeline if data.pipeline is not None else pd.DataFrame(),
        **{name: (frame[frame["date"] < as_of + pd.offsets.MonthBegin(1)] if frame is not None else pd.DataFrame())
           for name, frame in surveys.items()},
    }, warnings


def _product_mrr(mrr: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """MRR by customer and product in the window's months (blank = none), a customer's products adjacent, and
    1 in a month the data flags as a price adjustment: the rows the book sums and splits expansion over."""
    age = (as_of.year - mrr["month"].dt.year) * 12 + as_of.month - mrr["month"].dt.month
    rows = mrr[age <= WINDOW]
    month = WINDOW - age[age <= WINDOW].to_numpy()
    product = rows["product"].fillna("").astype(str) if "product" in rows else pd.Series("", index=rows.index)
    codes, pairs = pd.factorize(pd.MultiIndex.from_arrays([rows["customer_id"], product]), sort=True)
    values, flagged = np.zeros((len(pairs), WINDOW + 1)), np.zeros((len(pairs), WINDOW + 1))
    np.add.at(values, (codes, month), rows["mrr"].to_numpy(dtype=float))
    if "price_adjustment" in rows:
        np.add.at(flagged, (codes, month), rows["price_adjustment"].fillna(False).to_numpy(dtype=float))
    keep = (values != 0).any(axis=1)
    table = pd.DataFrame({"customer_id": pairs.get_level_values(0)[keep], "product": pairs.get_level_values(1)[keep]})
    table[_M] = np.where(values[keep] != 0, values[keep], np.nan)
    table[_A] = np.where(flagged[keep, 1:] > 0, 1.0, np.nan)
    return table


def fill_portfolio(wb: Workbook, data: Dataset, as_of: pd.Timestamp, locale: Locale,
                   covered: Iterable[str] | None = None) -> list[str]:
    """Write the data into a portfolio template; returns the warnings of `portfolio_tables`."""
    tables, warnings = portfolio_tables(data, as_of, covered)
    for name, frame in tables.items():
        fill_table(wb, TABLES[name], frame, locale)
    _point_blocks(wb, rows=len(tables["book"]), product_rows=len(tables["mrr"]))
    fit_amounts(wb, peak_arr(data.mrr[data.mrr["month"] <= as_of]))
    set_input(wb, "AsOf", as_of)
    set_input(wb, "DataAsOf", as_of)
    wb.properties.creator = "csxl"
    return warnings


KIND = WorkbookKind("portfolio", TABLES, OUTPUT_NAMES, portfolio_layout, fill_portfolio)


def write_portfolio(data: Dataset, as_of: pd.Timestamp, locale: Locale, template: Path | None, path: Path,
                    covered: Iterable[str] | None = None) -> tuple[Path, list[str]]:
    """Build (or fill the team's template) and save atomically; returns the path and the warnings (what the
    template cannot keep, lists longer than the sheets show)."""
    return KIND.write(data, as_of, locale, path, template, covered=covered)
