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

The health flags are live too: the book carries each account's health signals of
the as-of month, and its components, score and flag are formulas over them and
the Inputs' weights and thresholds, as in the QBR. Where the data begins inside
the window its first month is an opening balance, not new business (the
Movements sheet's `OpeningMonth`, ChartMogul's convention).

The scorecard's account coverage is live over the touchpoints table (meetings:
customer, date, type) and the CoverageDays input. Not live (computed by csxl at
generation and labelled so): the whitespace matrix. Blocks of fixed size (CSMs,
tiers, products) that the data outgrows are reported in the warnings
`write_portfolio` returns.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from csxl.data.dataset import Dataset
from csxl.data.schema import OPPORTUNITY_TYPES, STAGES
from csxl.metrics.coverage import COVERAGE_DAYS
from csxl.metrics.expansion import OPEN_STAGES, whitespace
from csxl.metrics.forecast import next_renewal
from csxl.metrics.health import COMPONENTS, FLAGS, TECH_BELOW_FRACTION, TOUCH_HIGH_MULTIPLE, TOUCH_MODELS
from csxl.metrics.movements import SPLIT_COLUMNS, mrr_grid
from csxl.metrics.movers import MOVER_KINDS
from csxl.metrics.pipeline import FUNNEL_MONTHS
from csxl.workbooks.anchors import Anchor, Anchors, Line, column_span, lines, named, row_span
from csxl.workbooks.cells import (
    BOLD,
    KPI_FONT,
    TOP_RULE,
    col,
    fit_amounts,
    fit_labels,
    formula,
    header_row,
    hide_data_sheets,
    label,
    title,
    widths,
)
from csxl.workbooks.charts import (
    bar_chart,
    below_zero,
    bridge_chart,
    ends_with,
    fit_reference,
    formula_run,
    gapped,
    line_chart,
    references,
    row_cells,
    titled,
)
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
    health_components,
    health_flag,
    health_score,
    lookup_key,
    month_criteria,
    nps,
    nps_counts,
    nrr_band,
    sum_where,
    text,
    window_criteria,
)
from csxl.workbooks.inputs import InputsSheet
from csxl.workbooks.kind import Layout, WorkbookKind
from csxl.workbooks.labels import Locale, add_labels
from csxl.workbooks.portfolio_csms import CSM_ROWS, csm_sheet
from csxl.workbooks.portfolio_movers import MOVER_WINDOWS, mover_columns, movers_sheet
from csxl.workbooks.portfolio_renewals import WINDOWS, renewal_columns, renewal_inputs, renewals_sheet
from csxl.workbooks.portfolio_segments import QUARTERS, quarter_back, segment_trends
from csxl.workbooks.portfolio_window import MONTH_COLUMNS, WINDOW, window_month
from csxl.workbooks.printing import print_pages, print_setup
from csxl.workbooks.template import DataTable, add_data_sheet, fill_table, peak_arr, set_input

KANBAN_ROWS, WHITESPACE_ROWS, MAX_PRODUCTS, TIER_ROWS = 15, 40, 10, 6
OUTPUT_NAMES = ("MRR", "ARR", "Customers", "ARPA", "NRR", "GRR", "LogoChurn", "QuickRatio", "NPS")

_M = MONTH_COLUMNS
_A = [f"a{k:02d}" for k in range(1, WINDOW + 1)]  # price adjustment flags of months 1..WINDOW
_U = [f"u{k:02d}" for k in range(1, WINDOW + 1)]  # upsell of months 1..WINDOW
_X = [f"x{k:02d}" for k in range(1, WINDOW + 1)]  # cross-sell of months 1..WINDOW
# the book's columns: data written by csxl first (fill_table writes them in this order), then formulas
_SIGNALS = ["active_users", "licensed_seats", "logins", "support_tickets", "sla_breaches"]  # of the as-of month
_BOOK_DATA = (("customer_id", "text"), ("name", "text"), ("csm", "text"), ("segment", "text"), ("tier", "text"),
              ("status", "text"), ("before", "number"), ("renewal_date", "date"),
              ("signals", "number"),
              *[(s, "number") for s in _SIGNALS])
_HEALTH = [*COMPONENTS, "score", "flag", "kanban"]  # calculated from the signals and the Inputs' thresholds
_RENEWALS = ["days", *(f"risk_{key}" for key in WINDOWS)]  # calculated: days to renewal, renewals at risk
_MOVERS = [f"mv_{window}_{kind}" for window in MOVER_WINDOWS for kind in MOVER_KINDS]  # calculated: movers' keys
_TOUCH_Q = [f"touch_q{j}" for j in range(1, QUARTERS)]  # calculated: the touch model 12 months before quarter j
_BOOK = [*(c for c, _ in _BOOK_DATA), "item_row", "item_last", *_M, "first", "touch", "touch_start", *_U, *_X,
         *_HEALTH, *_RENEWALS, "covered", *_MOVERS, *_TOUCH_Q]
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


def _health_columns() -> dict[str, str]:
    """The health of each account in the as-of month, live over its signals and the Inputs (`csxl.metrics.health`
    `flags_at`: components, their weighted score, the flag code), and the key the kanban ranks paying accounts
    by (their MRR, told apart by their row)."""
    at = {key: f"{_book(key)}{{row}}" for key in ("signals", *_SIGNALS, *_HEALTH, "status")}
    now = f"{_NOW}{{row}}"
    return {**health_components({**at, "has_data": at["signals"]}), "score": "=" + health_score(at),
            "flag": f'=IF({now}<=0,"",{health_flag(at["score"], at["status"], None)})',
            "kanban": f'=IF({at["flag"]}="",0,{now}-ROW()/1E9)'}


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
        *_health_columns().items(),
        *renewal_columns(f"{_NOW}{{row}}", {c: f"{_book(c)}{{row}}" for c in ("renewal_date", "flag", "days")}).items(),
        # a touchpoint in the CoverageDays days to the end of the as-of month (`csxl.metrics.coverage`): one MATCH
        # over the ids of the window's touchpoints in the block that holds them (portfolio_csms's TouchFirst to
        # TouchLast)
        ("covered", f"=IF(TouchLast<TouchFirst,0,IF(ISNUMBER(MATCH({lookup_key(_ID)},INDEX(D_touchpoints_window_id,"
                    f"TouchFirst):INDEX(D_touchpoints_window_id,TouchLast),0)),1,0))"),
        *mover_columns(lambda back: f"{_month_col(WINDOW - back)}{{row}}").items(),
        *[(f"touch_q{j}", _touch(_month_col(WINDOW - quarter_back(j) - 12), f"ArpaQ{j}")) for j in range(1, QUARTERS)],
    )),
    "csms": DataTable("csms", (("csm", "text"),)),
    "tiers": DataTable("tiers", (("tier", "text"),)),
    "nps": DataTable("nps", (("customer_id", "text"), ("date", "date"), ("score", "number"),
                             ("csm", f'=IFERROR(INDEX(D_book_csm,MATCH({lookup_key("A{row}")},D_book_customer_id,'
                                     '0)),"")'))),
    "csat": DataTable("csat", (("customer_id", "text"), ("date", "date"), ("score", "number"))),
    "ces": DataTable("ces", (("customer_id", "text"), ("date", "date"), ("score", "number"))),
    "plan": DataTable("plan", (("month", "month"), ("mrr", "number"))),
    # window_id: the customer's id when the touchpoint falls in the CoverageDays days to the end of the as-of month
    "touchpoints": DataTable("touchpoints", (("customer_id", "text"), ("date", "date"), ("type", "text"), (
        "window_id",
        '=IF(AND(ISNUMBER(B{row}),B{row}>EOMONTH(AsOf,0)-CoverageDays,B{row}<=EOMONTH(AsOf,0)),A{row},"")'))),
    "pipeline": DataTable("pipeline", (("opportunity_id", "text"), ("customer_id", "text"), ("stage", "text"),
                                       ("type", "text"), ("amount", "number"), ("expected_close_date", "date"))),
    "whitespace": DataTable("whitespace", (("customer_id", "text"), ("name", "text"),
                                           *[(f"p{j}", "number") for j in range(1, MAX_PRODUCTS + 1)])),
    "products": DataTable("products", (("product", "text"),)),
})
D = TABLES  # D("book", "csm"): the checked defined name of a Data column, for formulas


add_labels({
    "title.portfolio": ("Portfolio review", "Revisão da carteira", "Revisión de la cartera"),
    "sheet.movements": ("Movements", "Movimentos", "Movimientos"),
    "movements_chart": ("MRR movements: gains above zero, losses below",
                        "Movimentos de MRR: ganhos acima de zero, perdas abaixo",
                        "Movimientos de MRR: ganancias sobre cero, pérdidas bajo cero"),
    "sheet.retention": ("Retention", "Retenção", "Retención"),
    "sheet.cohorts": ("Cohorts", "Coortes", "Cohortes"),
    "sheet.segments": ("Segments", "Segmentos", "Segmentos"),
    "sheet.csms": ("CSM scorecard", "Scorecard de CSMs", "Desempeño por CSM"),
    "sheet.funnel": ("Expand funnel", "Funil de expansão", "Embudo de expansión"),
    "sheet.whitespace": ("Whitespace", "Potencial por produto", "Potencial por producto"),
    "customers": ("Customers", "Clientes", "Clientes"),
    "all_accounts": ("All accounts", "Todas as contas", "Todas las cuentas"),
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
    "note.coverage": ("Account coverage: share of the CSM's paying accounts with a touchpoint (Data_touchpoints: EBR, "
                      "QBR, onboarding...) in the last CoverageDays days (Inputs); blank without touchpoints",
                      "Cobertura de contas: fração das contas pagantes do CSM com um contato (Dados_touchpoints: EBR, "
                      "QBR, onboarding...) nos últimos CoverageDays dias (Premissas); vazia sem contatos",
                      "Cobertura de cuentas: fracción de las cuentas que pagan del CSM con un contacto "
                      "(Datos_touchpoints: EBR, QBR, onboarding...) en los últimos CoverageDays días (Supuestos); "
                      "vacía sin contactos"),
    "funnel_window": ("Opportunities expected to close within", "Oportunidades com fechamento previsto nos próximos",
                      "Oportunidades con cierre previsto en los próximos"),
    "funnel_months": ("Expand funnel: expected close within", "Funil de expansão: fechamento previsto em até",
                      "Embudo de expansión: cierre previsto en hasta"),
    "note.funnel_months": ("months after the as-of month; overdue, closed and undated opportunities count "
                           "(default: a year)", "meses após a data-base; as atrasadas, fechadas e sem data contam "
                           "(padrão: um ano)", "meses después de la fecha de corte; las atrasadas, cerradas y "
                           "sin fecha cuentan (predeterminado: un año)"),
    "coverage_days": ("Account coverage: touchpoint within", "Cobertura de contas: contato nos últimos",
                      "Cobertura de cuentas: contacto en los últimos"),
    "note.coverage_days": ("days to the end of the as-of month; 90 = a review each quarter (default)",
                           "dias até o fim do mês da data-base; 90 = uma revisão por trimestre (padrão do csxl)",
                           "días hasta el fin del mes de corte; 90 = una revisión por trimestre (valor de csxl)"),
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


def portfolio_layout(locale: Locale) -> Layout:
    """The portfolio layout in `locale`, with empty Data tables, and the anchors of every sheet."""
    wb = Workbook()
    cover = wb.active
    cover.title = locale("sheet.cover")
    sheets = {key: wb.create_sheet(locale(f"sheet.{key}")) for key in
              ("movements", "movers", "retention", "cohorts", "health", "renewals_at_risk", "segments", "csms",
               "funnel", "whitespace", "voice")}
    inputs = _inputs(wb, locale)
    checks = wb.create_sheet(locale("sheet.checks"))
    for table in TABLES.values():
        add_data_sheet(wb, table, f"{locale('sheet.data')}_{table.name}", locale)
    _point_blocks(wb, rows=0, product_rows=0)
    anchors = {"movements": _movements_sheet(sheets["movements"], locale)}
    anchors["movers"] = movers_sheet(sheets["movers"], locale, lambda column: D("book", column),
                                     lambda back: f"D_book_{_M[WINDOW - back]}")
    anchors["retention"] = _retention_sheet(sheets["retention"], locale)
    anchors["cohorts"] = _cohorts_sheet(sheets["cohorts"], locale)
    anchors["health"] = _health_sheet(sheets["health"], locale)
    anchors["renewals"] = renewals_sheet(sheets["renewals_at_risk"], locale, lambda column: D("book", column),
                                         f"D_book_{_M[-1]}")
    anchors["segments"] = _segments_sheet(sheets["segments"], locale)
    anchors["csms"] = csm_sheet(sheets["csms"], locale, D("csms", "csm"))
    anchors["funnel"] = _funnel_sheet(sheets["funnel"], locale)
    anchors["whitespace"] = _whitespace_sheet(sheets["whitespace"], locale)
    anchors["voice"] = _voice_sheet(sheets["voice"], locale)
    anchors["checks"] = _checks_sheet(checks, locale, anchors)
    anchors["cover"] = _cover_sheet(cover, locale, anchors["movements"])
    fit_labels(wb.worksheets)
    print_setup([inputs.ws, checks])
    for key, ws in {"cover": cover, **sheets}.items():  # the sheets for reading print as pages
        print_pages(ws, pages_wide=3 if key == "movements" else 1)  # 36 months do not fit one page: a year a page
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
    inputs.health_score()
    renewal_inputs(inputs, locale)
    inputs.add("FunnelMonths", locale("funnel_months"), FUNNEL_MONTHS, locale.integer, locale("months"),
               locale("note.funnel_months"))
    inputs.add("CoverageDays", locale("coverage_days"), COVERAGE_DAYS, locale.integer, locale("days"),
               locale("note.coverage_days"))
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
    """The monthly bridge of the whole book. Anchors: "history_months", "opening" (the opening balance's month),
    "opening_index", "index" and "month" (over the window's months) and each line of `_LINES` (a line area over
    the months).

    Opening balance (ChartMogul's convention): when the data begins inside the window, its first month is the
    opening balance, not a month of new business: that column's start and end are the month's MRR and its
    movements 0, and the bridge starts in the month after it. `OpeningMonth` is that column's index (0 when the
    data reaches back to the month before the window, whose MRR the first column then starts from).
    """
    title(ws, locale("sheet.movements"), locale("note.opening"))
    a = lines(ws, 3, [
        Line("history_months", locale("history_months"), "=COLUMNS(Months)-1", locale.integer, name="HistoryMonths"),
        Line("opening", locale("opening_balance"), '=IF(OpeningMonth=0,"",EDATE(AsOf,OpeningMonth-HistoryMonths))',
             locale.month),
    ])
    # the window month each customer first paid in is 0 for those paying at or before the month before the window
    a["opening_index"] = a["opening"].offset(cols=1)
    formula(ws, a["opening_index"].local, f"=MIN(MIN(D_book_first),{WINDOW})", "0", Font(color="808080"))
    a["opening_index"].define(ws.parent, "OpeningMonth")
    first, last = 2, 1 + WINDOW
    a.update({"index": row_span(ws, 5, first, last), "month": row_span(ws, 6, first, last)})
    for offset, line in enumerate(_LINES):
        a[line] = row_span(ws, 7 + offset, first, last)
    label(ws, f"A{a['index'].row}", "#", Font(color="808080"))
    label(ws, f"A{a['month'].row}", locale("month"), BOLD)
    for line in _LINES:
        cell = label(ws, f"A{a[line].row}", locale(line), BOLD if line in ("start_mrr", "end_mrr") else None)
        if line in SPLIT_COLUMNS:
            cell.alignment = Alignment(indent=2)
    for k in range(1, WINDOW + 1):
        index = a["index"].cell(k - 1)
        ws[index.local] = k
        ws[index.local].font = Font(color="808080")
        i = f"{index.letter}${index.row}"  # the month's index cell, in the formulas
        P, C = window_month(i), window_month(f"{i}+1")
        opening = f"{i}<=OpeningMonth"  # the opening balance, or a month before the data began: no movement
        moved = lambda expression, opening=opening: f"=IF({opening},0,{expression})"  # noqa: E731
        # new if it first pays in this month's end month i (m00 is column 1), a reactivation if it had paid before
        first_pays, paid_before = f"(D_book_first>={i})", f"(D_book_first<{i})"
        r = {line: a[line].cell(k - 1).local for line in ("month", *_LINES)}
        cells = {
            "month": (f"=EDATE(AsOf,{i}-HistoryMonths)", locale.month),
            "start_mrr": (f"=IF({opening},SUM({C}),SUM({P}))", locale.money),
            "new": (moved(f"SUMPRODUCT(({P}=0)*({C}>0)*{first_pays}*{C})"), locale.money),
            "reactivation": (moved(f"SUMPRODUCT(({P}=0)*({C}>0)*{paid_before}*{C})"), locale.money),
            "expansion": (moved(f"SUMPRODUCT(({P}>0)*({C}>{P})*({C}-{P}))"), locale.money),
            "upsell": (moved(f"SUM(INDEX(Upsell,0,{i}))"), locale.money),
            "cross_sell": (moved(f"SUM(INDEX(CrossSell,0,{i}))"), locale.money),
            "price_adjustment": (f"={r['expansion']}-{r['upsell']}-{r['cross_sell']}", locale.money),
            "contraction": (moved(f"SUMPRODUCT(({P}>0)*({C}>0)*({C}<{P})*({P}-{C}))"), locale.money),
            "churn": (moved(f"SUMPRODUCT(({P}>0)*({C}=0)*{P})"), locale.money),
            "end_mrr": (f"=SUM({C})", locale.money),
            "customers_start": (f"=IF({opening},SUMPRODUCT(--({C}>0)),SUMPRODUCT(--({P}>0)))", locale.integer),
            "new_customers": (moved(f"SUMPRODUCT(({P}=0)*({C}>0)*{first_pays})"), locale.integer),
            "reactivated_customers": (moved(f"SUMPRODUCT(({P}=0)*({C}>0)*{paid_before})"), locale.integer),
            "churned_customers": (moved(f"SUMPRODUCT(({P}>0)*({C}=0))"), locale.integer),
            "customers_end": (f"=SUMPRODUCT(--({C}>0))", locale.integer),
            "nrr_month": (f'=IF(OR({opening},{r["start_mrr"]}<=0),"",({r["start_mrr"]}+{r["expansion"]}'
                          f'-{r["contraction"]}-{r["churn"]})/{r["start_mrr"]})', locale.percent),
            "grr_month": (f'=IF(OR({opening},{r["start_mrr"]}<=0),"",({r["start_mrr"]}-{r["contraction"]}'
                          f'-{r["churn"]})/{r["start_mrr"]})', locale.percent),
        }
        for line, (expression, fmt) in cells.items():
            formula(ws, r[line], expression, fmt, Font(italic=True) if line in SPLIT_COLUMNS else None)
    widths(ws, {"A": 30, **{col(1 + k): 13 for k in range(1, WINDOW + 1)}})
    ws.freeze_panes = f"B{a['start_mrr'].row}"
    months = a["month"].reference()
    gains = {locale(line): a[line].reference() for line in ("new", "reactivation", "expansion")}
    # the losses drawn below zero, from hidden rows under both charts (the second, 9 cm from 22 rows down, ends
    # about 39 rows down): a month's net movement is the balance of its bars
    helper = a["grr_month"].row + 42
    losses = {locale(line): below_zero(ws, a[line], helper + offset, locale.money).reference()
              for offset, line in enumerate(("contraction", "churn"))}
    # under the first year's columns, so that they print whole on its page and column A, repeated on every page
    # of months, carries no piece of them
    ws.add_chart(titled(bridge_chart(locale("movements_chart"), gains, losses, months, size=(9, 28)), None, None,
                        locale.money_round), f"B{a['grr_month'].row + 3}")
    ws.add_chart(line_chart(locale("end_mrr"), a["end_mrr"].reference(), months, size=(9, 28),
                            y_format=locale.money_round), f"B{a['grr_month'].row + 22}")
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
        start, end = window_month(str(k - 11)), window_month(str(k + 1))
        formula(ws, at["months"], f"=EDATE(AsOf,{k}-HistoryMonths)", locale.month)
        formula(ws, at["nrr"], f'=IFERROR(SUMPRODUCT(({start}>0)*{end})/SUM({start}),"")', locale.percent)
        formula(ws, at["grr"], f'=IFERROR(SUMPRODUCT(({start}>0)*(({end}<{start})*{end}+({end}>={start})*{start}))'
                               f'/SUM({start}),"")', locale.percent)
        formula(ws, at["bench_nrr"], "=" + acv_band(acv, "BenchNRR"), locale.percent)
        formula(ws, at["bench_grr"], "=" + acv_band(acv, "BenchGRR"), locale.percent)
    a["nrr"].cell(-1).define(ws.parent, "NRR")
    a["grr"].cell(-1).define(ws.parent, "GRR")
    a["months"].define(ws.parent, "TrendMonths")  # filling starts the chart at the first month it can compute
    widths(ws, {"A": 14, "B": 12, "C": 12, "D": 22, "E": 22, "G": 14, "H": 14})
    trend = {name: gapped(ws, a[key].reference()) for key, name in
             (("nrr", "NRR"), ("grr", "GRR"), ("bench_nrr", bench["nrr"]), ("bench_grr", bench["grr"]))}
    ws.add_chart(line_chart(locale("trend_title"), trend, a["months"].reference(), size=(9, 20), y_format="0%"), "G6")
    return a


def _cohorts_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """Revenue and logo retention by start month and age. Anchors: "revenue" and "logo" (start months x ages),
    "revenue_starts"/"logo_starts" (their start months), "revenue_before"/"logo_before" (beside them: "before" on
    the opening balance's cohort, whose accounts started in its month or earlier, so it reads "before" the month
    after it) and "customers" (each cohort's size)."""
    title(ws, locale("sheet.cohorts"))
    a = Anchors()
    grid = 4  # the column of age 0
    for block, (key, basis) in enumerate((("cohort_revenue", "revenue"), ("cohort_logo", "logo"))):
        top = 4 + block * (WINDOW + 5)
        a[basis] = Anchor(ws, top + 2, grid, top + 1 + WINDOW, grid - 1 + WINDOW)
        a[f"{basis}_before"] = column_span(ws, 1, top + 2, top + 1 + WINDOW)
        a[f"{basis}_starts"] = column_span(ws, 2, top + 2, top + 1 + WINDOW)
        if basis == "revenue":
            a["customers"] = column_span(ws, 3, top + 2, top + 1 + WINDOW)
        label(ws, f"A{top}", locale(key), BOLD)
        label(ws, f"B{top + 1}", locale("month"), BOLD)
        for t in range(WINDOW):
            ws.cell(top + 1, grid + t, t).font = BOLD
        label(ws, f"C{top + 1}", locale("customers"), BOLD)
        for c in range(1, WINDOW + 1):
            r = top + 1 + c
            formula(ws, f"A{r}", f'=IF({c}=OpeningMonth,{text(locale("before_month"))},"")', font=Font(italic=True))
            formula(ws, f"B{r}", f"=EDATE(AsOf,{c}+({c}=OpeningMonth)-HistoryMonths)", locale.month)
            formula(ws, f"C{r}", f"=COUNTIF(D_book_first,{c})", locale.integer)
            base = (f"SUMPRODUCT((D_book_first={c})*{window_month(str(c + 1))})" if basis == "revenue"
                    else f"COUNTIF(D_book_first,{c})")
            for t in range(WINDOW - c + 1):
                column = col(grid + t)
                age = window_month(f"{c}+{column}${top + 1}+1")
                kept = (f"SUMPRODUCT((D_book_first={c})*{age})" if basis == "revenue"
                        else f"SUMPRODUCT((D_book_first={c})*({age}>0))")
                formula(ws, f"{column}{r}", f'=IFERROR({kept}/{base},"")', locale.percent)
        ws.conditional_formatting.add(a[basis].local, ColorScaleRule(
            start_type="num", start_value=0, start_color="F8696B", mid_type="num", mid_value=0.75,
            mid_color="FFEB84", end_type="num", end_value=1, end_color="63BE7B"))
    widths(ws, {"A": 8, "B": 12, "C": 10, **{col(grid + t): 7 for t in range(WINDOW)}})
    return a


_FLAG_CODES = 12  # hidden column L of the Health sheet: the flag codes of the data, in FLAGS order


def _health_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """Accounts and MRR by health flag, and the kanban of the largest accounts under each.

    Anchors: "codes", "accounts", "mrr", "share" (columns over FLAGS) and "kanban".
    """
    title(ws, locale("by_flag"), locale("note.live_flags"))
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
    for key, name in (("codes", "FlagCode"), ("flags", "FlagLabel"), ("accounts", "FlagAccounts"), ("mrr", "FlagMRR"),
                      ("share", "FlagShare")):
        a[key].define(ws.parent, name)
    ws.add_chart(bar_chart(locale("share"), a["share"].grow(top=1).reference(), a["flags"].reference(),
                           y_format="0%"), "F3")
    top = 20  # below the chart, which is about 15 rows tall
    label(ws, f"A{top}", locale("kanban"), BOLD)
    a["kanban"] = Anchor(ws, top + 2, 1, top + 1 + KANBAN_ROWS, 2 * len(FLAGS))
    for j, flag in enumerate(FLAGS):
        name_col, mrr_col = col(1 + 2 * j), col(2 + 2 * j)
        header_row(ws, top + 1, 1 + 2 * j, [locale(f"flag.{flag}"), locale("mrr")])
        code = a["codes"].cell(j).a1(absolute=True)
        # the i-th largest paying account under the flag: its kanban key (MRR, told apart by row) ranked by LARGE
        count = f"COUNTIF(D_book_flag,{equals(code)})"
        for i in range(1, KANBAN_ROWS + 1):
            r = top + 1 + i
            row = f"MATCH(SUMPRODUCT(LARGE((D_book_flag={code})*D_book_kanban,{i})),D_book_kanban,0)"
            formula(ws, f"{name_col}{r}", f'=IF({i}>{count},"",INDEX(D_book_name,{row}))')
            formula(ws, f"{mrr_col}{r}", f'=IF({i}>{count},"",INDEX({now},{row}))', locale.money)
        widths(ws, {name_col: 26, mrr_col: 13})
    return a


def _segment_block(ws: Worksheet, top: int, heading: str, keys: list[str], now_in: str, start_in: str,
                   locale: Locale, from_table: str | None = None) -> Anchor:
    """Accounts, MRR and ARPA by the segment accounts are in now (`now_in`), and the cohort NRR of the 12 months
    to AsOf by the segment they were in a year ago (`start_in`): `csxl.metrics.health.segments`. Returns the
    block (segments x the five columns).

    Under it, the whole book's line (the cover's figures): every paying account has a touch model, so those rows
    add up to it; tiers add up to it when every account has one, and the gap shows the accounts without."""
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
    total = block.row_of(-1).offset(rows=1)
    label(ws, total.cell(0).local, locale("all_accounts"), BOLD).border = TOP_RULE
    for cell, (figure, fmt) in zip(list(total.cells())[1:], (("Customers", locale.integer), ("MRR", locale.money),
                                                              ("ARPA", locale.money), ("NRR", locale.percent))):
        formula(ws, cell.local, f"={figure}", fmt, BOLD).border = TOP_RULE
    return block


def _segments_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """Accounts, MRR, ARPA and NRR by touch model and by tier. Anchors: "arpa_start", "touch", "tier"."""
    title(ws, locale("sheet.segments"), locale("note.segment_nrr"))
    year_ago = f"D_book_{_M[-13]}"
    a = lines(ws, 3, [Line("arpa_start", locale("arpa_start"), f'=IFERROR(SUM({year_ago})/COUNTIF({year_ago},">0"),"")',
                           locale.money, name="ArpaStart")])
    a["touch"] = _segment_block(ws, 5, locale("touch_model"), list(TOUCH_MODELS), "D_book_touch",
                                "D_book_touch_start", locale)
    a["tier"] = _segment_block(ws, a["touch"].bottom + 3, locale("tier"), [""] * TIER_ROWS, "D_book_tier",
                               "D_book_tier", locale, D("tiers", "tier"))
    a["touch"].define(ws.parent, "SegmentsTouch")
    a["tier"].define(ws.parent, "SegmentsTier")
    widths(ws, {"A": 24, "B": 12, "C": 18, "D": 16, "E": 12})
    a.update({f"trend_{key}": anchor for key, anchor in segment_trends(
        ws, a["tier"].bottom + 4, locale, lambda back: f"D_book_{_M[WINDOW - back]}",
        lambda j: "D_book_touch_start" if j == 0 else f"D_book_touch_q{j}",
        {"touch": (list(TOUCH_MODELS), None), "tier": ([""] * TIER_ROWS, D("tiers", "tier"))}).items()})
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
    # the window (`csxl.metrics.pipeline.closing_within`): a blank date compares as 0, inside it
    window = f'({D("pipeline", "expected_close_date")}<=EOMONTH(AsOf,FunnelMonths))'
    formula(ws, "A3", f'={text(locale("funnel_window") + " ")}&FunnelMonths&{text(" " + locale("months"))}', font=BOLD)
    for i, stage in enumerate(STAGES):
        label(ws, a["stages"].cell(i).local, locale(f"stage.{stage}"))
        code = a["codes"].cell(i).local
        label(ws, code, stage)
        formula(ws, a["count"].cell(i).local, "=" + count_where(exact(stage_col, code), expansion, window),
                locale.integer)
        formula(ws, a["amount"].cell(i).local, "=" + sum_where(amount, exact(stage_col, code), expansion, window),
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
        weighted = "+".join(sum_where(amount, exact(type_col, text(kind)), exact(stage_col, text(stage)), window) +
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
    now, year_ago, month_ago = f"D_book_{_M[-1]}", f"D_book_{_M[-13]}", f"D_book_{_M[-2]}"
    plan_month, plan_mrr = D("plan", "month"), D("plan", "mrr")
    whole = locale.money_round  # a leader's cover: whole currency units; the sheets behind it keep the cents
    a.update(lines(ws, 4, [
        Line("mrr", locale("mrr"), f"=SUM({now})", whole, KPI_FONT, "MRR"),
        Line("arr", locale("arr"), "=12*MRR", whole, KPI_FONT, "ARR"),
        Line("customers", locale("customers"), f'=COUNTIF({now},">0")', locale.integer, KPI_FONT, "Customers"),
        Line("arpa", locale("arpa"), '=IF(Customers=0,"",MRR/Customers)', whole, KPI_FONT, "ARPA"),
        Line("mrr_mom", locale("mrr_mom"), f"=IFERROR(MRR/SUM({month_ago})-1,\"\")", locale.percent, name="MrrMoM"),
        Line("mrr_yoy", locale("mrr_yoy"), f"=IFERROR(MRR/SUM({year_ago})-1,\"\")", locale.percent, name="MrrYoY"),
        Line("customers_mom", locale("customers_mom"), f'=Customers-COUNTIF({month_ago},">0")', '+#,##0;-#,##0;0',
             name="CustomersMoM"),
        Line("plan_mrr", locale("plan_mrr"), f'=IF(COUNTIFS({plan_month},AsOf)=0,"",SUMIFS({plan_mrr},{plan_month},'
             f'AsOf))', whole, name="PlanMRR"),
        Line("vs_plan", locale("vs_plan"), '=IF(PlanMRR="","",MRR/PlanMRR-1)', locale.percent, name="MrrVsPlan"),
        Line("arr_at_risk", locale("cover_at_risk"), "=RenewalRiskARRShort", whole, KPI_FONT),
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
    at_risk = a["arr_at_risk"].offset(cols=-1).local  # its label says the window the Inputs set
    formula(ws, at_risk, f'={text(locale("cover_at_risk") + " ")}&RenewalDaysShort&{text(" " + locale("days"))}',
            font=Font(color="595959"))
    band_colours(ws, a["nrr_band"].local, locale)
    ok_colours(ws, a["master_check"].local, locale)
    widths(ws, {"A": 44, "B": 34})  # A holds the ARR at risk label, a formula fit_labels does not measure
    ws.add_chart(line_chart(locale("end_mrr"), mv["end_mrr"].reference(), mv["month"].reference(), size=(8, 20),
                            y_format=locale.money_round), "D3")
    return a


# ---------------------------------------------------------------------------------------------- data


def portfolio_tables(data: Dataset, as_of: pd.Timestamp) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The Data tables: the wide MRR book (36 months to AsOf and the one before), survey rows, pipeline, ...;
    and a warning for each list longer than its block on the sheets (CSMs, tiers, products)."""
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
    book.insert(5, "before", before)
    signals = (data.health[data.health["month"] == as_of].groupby("customer_id")[_SIGNALS].sum(min_count=1)
               if data.health is not None else pd.DataFrame(columns=_SIGNALS))
    book["renewal_date"] = pd.NaT
    if "renewal_date" in customers:
        term = customers["contract_term_months"] if "contract_term_months" in customers else pd.Series(12.0, ids)
        dated = customers["renewal_date"].notna()
        book["renewal_date"] = next_renewal(customers["renewal_date"][dated], term[dated],
                                              pd.Period(as_of, "M").end_time.normalize())
    book["signals"] = np.where(ids.isin(signals.index), 1.0, np.nan)  # the account has health data this month
    book[_SIGNALS] = signals.reindex(ids).to_numpy(dtype=float)
    # in customer id order: the lists that rank accounts (kanban, renewals, movers) break ties by row
    book = book.rename_axis("customer_id").reset_index()
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
    plan = data.plan
    return {
        "book": book, "mrr": _product_mrr(mrr, as_of), "whitespace": white,
        "products": pd.DataFrame({"product": products}),
        "csms": pd.DataFrame({"csm": csms[:CSM_ROWS]}), "tiers": pd.DataFrame({"tier": tiers[:TIER_ROWS]}),
        "pipeline": data.pipeline if data.pipeline is not None else pd.DataFrame(),
        # the optional plan table (month, planned MRR), where the data layer carries one
        "plan": plan if plan is not None else pd.DataFrame(),
        # newest first: the coverage window is then one block of rows (portfolio_csms's TouchFirst..TouchLast)
        "touchpoints": (data.touchpoints[data.touchpoints["date"] < as_of + pd.offsets.MonthBegin(1)].sort_values(
            "date", ascending=False, kind="stable") if data.touchpoints is not None else pd.DataFrame()),
        **{name: (frame[frame["date"] < as_of + pd.offsets.MonthBegin(1)] if frame is not None else pd.DataFrame())
           for name, frame in surveys.items()},
    }, warnings


def _opening_month(wide: np.ndarray, before: np.ndarray) -> int:
    """The window index of the opening balance: 0 when the data reaches the month before the window (or earlier),
    else the first month with MRR (the Movements sheet's `OpeningMonth`, computed here to place the trend chart)."""
    if before.any() or (wide[:, 0] > 0).any():
        return 0
    paid = np.flatnonzero((wide > 0).any(axis=0))
    return int(paid[0]) if len(paid) else WINDOW


def _start_trend_chart(wb: Workbook, opening: int) -> None:
    """Start the NRR / GRR trend chart at its first month with a year of data before it: the trend rows before
    that are blank, which LibreOffice would plot as 0%.

    The chart is the one over the months of TrendMonths or a later start of
    them (a previous filling's, when the workbook is refilled as a template):
    its categories start again from TrendMonths, its lines of `gapped` (rows
    of formulas as long as the months, `formula_run`) from the whole row; a
    series down a column or of another extent (a team's own) stays as it is.
    """
    months = named(wb, "TrendMonths")
    length = months.bottom - months.row + 1
    for chart in months.ws._charts:
        categories = [s.cat.numRef or s.cat.strRef for s in chart.series if s.cat]
        if not categories or not all(c is not None and ends_with(c.f, months.ref) for c in categories):
            continue
        for source in references(chart):  # trend row j compares month 12 + j with month j
            if ends_with(source.f, months.ref):
                source.f = fit_reference(months.ref, opening)
            elif row_cells(source.f) is not None and formula_run(wb, source.f, backwards=True) == length:
                source.f = fit_reference(source.f, opening, window=length)


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


def _show_used_rows(wb: Workbook, names: tuple[str, ...], used: int) -> None:
    """Show the first `used` rows (at least one) of the blocks under `names`, which the layout reserves for up to
    CSM_ROWS CSMs or TIER_ROWS tiers, and hide the rest: a book of 7 CSMs or 3 tiers reads as one table with its
    total right under it, not rows of blanks before the total. A refilling shows them again as its data needs;
    a team's template without a block is left as it is."""
    for name in names:
        if name in wb.defined_names:
            area = named(wb, name)
            for i, row in enumerate(range(area.row, area.bottom + 1)):
                area.ws.row_dimensions[row].hidden = i >= max(used, 1)


def fill_portfolio(wb: Workbook, data: Dataset, as_of: pd.Timestamp, locale: Locale) -> list[str]:
    """Write the data into a portfolio template; returns the warnings of `portfolio_tables`."""
    tables, warnings = portfolio_tables(data, as_of)
    for name, frame in tables.items():
        fill_table(wb, TABLES[name], frame, locale)
    _point_blocks(wb, rows=len(tables["book"]), product_rows=len(tables["mrr"]))
    book = tables["book"]
    _start_trend_chart(wb, _opening_month(book[_M].to_numpy(), book["before"].to_numpy()))
    _show_used_rows(wb, ("CsmScorecard",), len(tables["csms"]))
    _show_used_rows(wb, ("SegmentsTier", "SegmentTrendTierNRR", "SegmentTrendTierGRR"), len(tables["tiers"]))
    fit_amounts(wb, peak_arr(data.mrr[data.mrr["month"] <= as_of]))
    set_input(wb, "AsOf", as_of)
    set_input(wb, "DataAsOf", as_of)
    wb.properties.creator = "csxl"
    return warnings


KIND = WorkbookKind("portfolio", TABLES, OUTPUT_NAMES, portfolio_layout, fill_portfolio)


def write_portfolio(data: Dataset, as_of: pd.Timestamp, locale: Locale, template: Path | None,
                    path: Path) -> tuple[Path, list[str]]:
    """Build (or fill the team's template) and save atomically; returns the path and the warnings (what the
    template cannot keep, lists longer than the sheets show)."""
    return KIND.write(data, as_of, locale, path, template)
