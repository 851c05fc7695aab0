"""The forecast workbook: renewals at risk, MRR by scenario, retention curves, what a point of NRR is worth.

A live model on the template mechanism of the QBR: the assumptions sit in blue
on Inputs, the drivers on Drivers (`csxl.workbooks.forecast_drivers`: each a
formula over the Data tables, an override and the value used), every
projection cell is a formula over them and the Data tables, and changing the
scenario, a rate or a row of history recalculates the whole forecast. Quarters
and years (`forecast_rollups`) and the Reconciliation (`forecast_reconcile`)
read the projection and the renewals. The recurrences are those of
`csxl.metrics.forecast`; the parity tests recalculate the file in LibreOffice
and compare the defined names with Python.

The Renewals sheet lists every contract renewing in the horizon under the
header named `RenewalList`: filling writes one list row per paying contract
there (the one block sized at filling), each row finding the contract of its
rank in Data_contracts, so the list stays live: a changed flag, probability,
renewal date or horizon changes what it shows. Its order is that of the rows
of Data_contracts, which filling sorts by renewal date, then ARR.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart._chart import ChartBase
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from csxl.data.dataset import Dataset
from csxl.errors import CsxlDataError
from csxl.metrics import health
from csxl.metrics.forecast import (
    COMMIT_FLAG,
    MULTIPLIERS,
    RENEWAL_PROBABILITIES,
    SCENARIOS,
    TRAILING_MONTHS,
    cohort_survivors,
    next_renewal,
)
from csxl.metrics.movements import mrr_grid, mrr_movements
from csxl.metrics.sbg import sbg_fit_cohorts
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
from csxl.workbooks.charts import bar_chart, fit_reference, formula_run, gapped, line_chart, references, row_cells
from csxl.workbooks.checks import checks_sheet
from csxl.workbooks.colours import ok_colours
from csxl.workbooks.forecast_drivers import drivers_sheet
from csxl.workbooks.forecast_reconcile import reconciliation_sheet
from csxl.workbooks.forecast_rollups import rollups_sheet
from csxl.workbooks.formulas import Tables, exact, lookup_key, sum_where, text
from csxl.workbooks.inputs import InputsSheet
from csxl.workbooks.kind import Layout, WorkbookKind
from csxl.workbooks.labels import Locale, add_labels
from csxl.workbooks.printing import print_extent, print_setup, print_wide
from csxl.workbooks.template import DataTable, add_data_sheet, fill_table, peak_arr, set_input

MAX_HORIZON = 24
CURVE_MONTHS = 36
OUTPUT_NAMES = ("ForecastMRR", "ForecastARR", "CommitRenewalARR", "WeightedRenewalARR", "BestCaseRenewalARR")
# months from the as-of month to the contract's next renewal, and how many of its renewals the horizon holds
_FIRST = "=(YEAR(C{row})-YEAR(AsOf))*12+MONTH(C{row})-MONTH(AsOf)"
_RENEWALS = "=IF(OR(H{row}<1,H{row}>Horizon),0,ROUNDUP((Horizon-H{row}+1)/F{row},0))"
TABLES = Tables({
    "bridge": DataTable("bridge", (
        ("month", "month"), ("start_mrr", "number"), ("new", "number"), ("reactivation", "number"),
        ("expansion", "number"), ("contraction", "number"), ("churn", "number"), ("end_mrr", "number"))),
    "contracts": DataTable("contracts", (
        ("customer_id", "text"), ("name", "text"), ("renewal_date", "date"), ("mrr", "number"), ("flag", "text"),
        ("term", "number"), ("arr", "=12*D{row}"), ("first", _FIRST), ("renewals", _RENEWALS),
        ("in_horizon", "=IF(I{row}>0,1,0)"),
        ("probability", f"=IFERROR(INDEX(RenewalProbability,MATCH({lookup_key('E{row}')},RenewalFlag,0)),0)"),
        ("weighted_arr", "=G{row}*J{row}*K{row}"),  # of the next renewal, as the list shows it
        # rank among the contracts renewing in the horizon, in the order of the rows (filling sorts them by renewal
        # date, then ARR descending): a running count, linear, where ranking each row against all rows with
        # COUNTIFS took LibreOffice 40 s more to recalculate 20,000 contracts
        ("order", '=IF(J{row}<>1,"",COUNTIF($J$1:J{row},1))'))),
    # MRR 12 months before the as-of month and in it of each customer paying then: the current cohort NRR
    "accounts": DataTable("accounts", (("customer_id", "text"), ("mrr_year_ago", "number"), ("mrr_now", "number"))),
    "plan": DataTable("plan", (("month", "month"), ("mrr", "number"))),
    "survival": DataTable("survival", (("tenure", "number"), ("customers", "number"), ("survivors", "number"))),
    "cohorts": DataTable("cohorts", (("cohort", "month"), ("tenure", "number"), ("survivors", "number"))),
})
D = TABLES  # D("contracts", "arr"): the checked defined name of a Data column, for formulas
COHORT_ROWS = 24
HISTORY = 12  # months of actual MRR the scenario chart shows before the forecast

add_labels({
    "title.forecast": ("Renewal and MRR forecast", "Previsão de renovações e MRR", "Pronóstico de renovaciones y MRR"),
    "sheet.renewals": ("Renewals", "Renovações", "Renovaciones"),
    "sheet.projection": ("Projection", "Projeção", "Proyección"),
    "sheet.curves": ("Retention curves", "Curvas de retenção", "Curvas de retención"),
    "sheet.sensitivity": ("NRR sensitivity", "Sensibilidade do NRR", "Sensibilidad del NRR"),
    "scenario": ("Scenario", "Cenário", "Escenario"),
    "horizon": ("Horizon", "Horizonte", "Horizonte"),
    "new_mrr_month": ("New MRR per month (new + reactivation)", "MRR novo por mês (novo + reativação)",
                      "MRR nuevo por mes (nuevo + reactivación)"),
    "expansion_rate": ("Expansion rate per month", "Taxa de expansão mensal", "Tasa de expansión mensual"),
    "contraction_rate": ("Contraction rate per month", "Taxa de contração mensal", "Tasa de contracción mensual"),
    "churn_rate": ("MRR churn rate per month", "Taxa de churn de MRR mensal", "Tasa de churn de MRR mensual"),
    "multiplier": ("Multiplier", "Multiplicador", "Multiplicador"),
    "gross_margin": ("Gross margin", "Margem bruta", "Margen bruto"),
    "current_nrr": ("Current NRR (12 months, cohort)", "NRR atual (12 meses, coorte)",
                    "NRR actual (12 meses, cohorte)"),
    "one_point": ("One point of NRR", "Um ponto de NRR", "Un punto de NRR"),
    "alpha": ("sBG alpha", "alpha do sBG", "alpha del sBG"),
    "beta": ("sBG beta", "beta do sBG", "beta del sBG"),
    "note.scenario": ("one of the scenario names of the multiplier table below",
                      "um dos nomes de cenário da tabela de multiplicadores abaixo",
                      "uno de los nombres de escenario de la tabla de multiplicadores de abajo"),
    "note.horizon": (f"1 to {MAX_HORIZON} months after the as-of month (default: 12)",
                     f"1 a {MAX_HORIZON} meses após a data-base (padrão: 12)",
                     f"1 a {MAX_HORIZON} meses después de la fecha de corte (predeterminado: 12)"),
    "unit.multiplier": ("x the driver (1.00 = as measured)", "x o direcionador (1,00 = como medido)",
                        "x el impulsor (1.00 = como se midió)"),
    "note.multipliers": ("planning convention, not a published rate: upside and downside move every driver 20%; "
                         "set your own",
                         "convenção de planejamento, não uma taxa publicada: os cenários otimista e pessimista movem "
                         "cada direcionador em 20%; ajuste aos seus",
                         "convención de planificación, no una tasa publicada: los escenarios optimista y pesimista "
                         "mueven cada impulsor un 20%; ajústelos a los suyos"),
    "note.probabilities": ("default values (Green 95%, Yellow 75%, Red 45%, Freeze 15%, Activation as Yellow): "
                           "calibrate them on your renewal history by flag",
                           "valores padrão (Verde 95%, Amarelo 75%, Vermelho 45%, Congelado 15%, Ativação como "
                           "Amarelo): calibre com seu histórico de renovações por farol",
                           "valores predeterminados (Verde 95%, Amarillo 75%, Rojo 45%, Congelado 15%, Activación como "
                           "Amarillo): calíbrelos con su historial de renovaciones por semáforo"),
    "commit_flag": ("Commit: contracts with health flag", "Commit: contratos com o farol",
                    "Commit: contratos con el semáforo"),
    "note.commit_flag": ("commit counts these contracts at face value (default: Green); one of the flags below",
                         "o commit conta esses contratos pelo valor cheio (padrão: Green); um dos faróis da tabela "
                         "abaixo",
                         "el commit cuenta esos contratos por su valor total (predeterminado: Green); uno de los "
                         "semáforos de la tabla de abajo"),
    "note.gross_margin": ("blank until you set it: the gross profit on the cover stays blank and the Checks list it "
                          "as an input to set",
                          "em branco até você informar: o lucro bruto da capa fica em branco e as Verificações o "
                          "listam como premissa a informar",
                          "en blanco hasta que lo ingrese: la utilidad bruta de la portada queda en blanco y los "
                          "Controles la listan como premisa a ingresar"),
    "gross_margin_unset": ("set the gross margin on Inputs", "informe a margem bruta em Premissas",
                           "ingrese el margen bruto en Premisas"),
    "to_set": ("Inputs to set before sharing (not part of the master check)",
               "Premissas a informar antes de compartilhar (fora da verificação geral)",
               "Premisas a ingresar antes de compartir (fuera del control general)"),
    "not_set": ("not set", "não informada", "no ingresado"),
    "renewing_next": ("Renewing ARR in the horizon", "ARR a renovar no horizonte", "ARR a renovar en el horizonte"),
    "renewals_count": ("Renewals in the horizon", "Renovações no horizonte", "Renovaciones en el horizonte"),
    "history_and_forecast": ("MRR: actual, then each scenario", "MRR: realizado e depois cada cenário",
                             "MRR: real y luego cada escenario"),
    "note.one_point": ("one percentage point of NRR (0.01): the step of the sensitivity table",
                       "um ponto percentual de NRR (0,01): o passo da tabela de sensibilidade",
                       "un punto porcentual de NRR (0.01): el paso de la tabla de sensibilidad"),
    "unit.name": ("name", "nome", "nombre"),
    "unit.flag": ("health flag", "farol de saúde", "semáforo de salud"),
    "unit.sbg": ("sBG parameter (> 0)", "parâmetro sBG (> 0)", "parámetro sBG (> 0)"),
    "gross_profit": ("Gross profit on forecast ARR", "Lucro bruto sobre o ARR previsto",
                     "Utilidad bruta sobre el ARR pronosticado"),
    "renewal_list": ("Contracts renewing in the horizon", "Contratos a renovar no horizonte",
                     "Contratos a renovar en el horizonte"),
    "weighted_arr": ("Weighted ARR", "ARR ponderado", "ARR ponderado"),
    "note.fit": ("fitted by maximum likelihood on the cohorts of Data_cohorts (Drivers: alpha, beta); to refit, use "
                 "the Excel function CS_SBG_FIT",
                 "ajustado por máxima verossimilhança nas coortes de Data_cohorts (Direcionadores: alpha, beta); para "
                 "reajustar, use a função CS_SBG_FIT no Excel",
                 "ajustado por máxima verosimilitud en las cohortes de Data_cohorts (Impulsores: alpha, beta); para "
                 "reajustar, use la función CS_SBG_FIT en Excel"),
    "commit": ("Commit", "Commit", "Commit"),
    "best_case": ("Best case", "Melhor caso", "Mejor caso"),
    "renewing": ("Renewing ARR by month", "ARR a renovar por mês", "ARR a renovar por mes"),
    "selected": ("Selected scenario", "Cenário selecionado", "Escenario seleccionado"),
    "implied_nrr": ("Implied NRR (12 months)", "NRR implícito (12 meses)", "NRR implícito (12 meses)"),
    "forecast_mrr": ("MRR at the end of the horizon", "MRR no fim do horizonte", "MRR al final del horizonte"),
    "forecast_arr": ("ARR at the end of the horizon", "ARR no fim do horizonte", "ARR al final del horizonte"),
    "tenure": ("Months since start", "Meses desde o início", "Meses desde el inicio"),
    "observed": ("Observed survival", "Sobrevivência observada", "Supervivencia observada"),
    "by_cohort": ("Survival by start cohort: observed, then projected with the sBG model (grey)",
                  "Sobrevivência por coorte: observada e depois projetada pelo modelo sBG (cinza)",
                  "Supervivencia por cohorte: observada y luego proyectada con el modelo sBG (gris)"),
    "cohort": ("Cohort", "Coorte", "Cohorte"),
    "projected": ("sBG projection", "Projeção sBG", "Proyección sBG"),
    "nrr_change": ("Change in NRR (points)", "Variação do NRR (pontos)", "Variación del NRR (puntos)"),
    "arr_after_year": ("ARR after 1 year", "ARR após 1 ano", "ARR tras 1 año"),
    "arr_after_years": ("ARR after {} years", "ARR após {} anos", "ARR tras {} años"),
    "arr_now": ("ARR today", "ARR hoje", "ARR hoy"),
    "point_value": ("Value of +1 point of NRR", "Valor de +1 ponto de NRR", "Valor de +1 punto de NRR"),
    "check.history": ("History: start + movements = end each month", "Histórico: inicial + movimentos = final",
                      "Historial: inicial + movimientos = final"),
    "check.renewals": ("Renewals: commit and weighted each <= best case",
                       "Renovações: commit e ponderado, cada um <= melhor caso",
                       "Renovaciones: commit y ponderado, cada uno <= mejor caso"),
    "check.scenario": ("Scenario and horizon are valid", "Cenário e horizonte válidos",
                       "Escenario y horizonte válidos"),
    "check.probabilities": ("Probabilities between 0 and 1", "Probabilidades entre 0 e 1",
                            "Probabilidades entre 0 y 1"),
})


def forecast_layout(locale: Locale) -> Layout:
    """The forecast layout in `locale`, with empty Data tables, and the anchors of every sheet."""
    wb = Workbook()
    cover = wb.active
    cover.title = locale("sheet.cover")
    inputs = _inputs(wb, locale)
    sheets = {key: wb.create_sheet(locale(f"sheet.{key}")) for key in ("drivers", "renewals", "projection", "rollups",
                                                                         "reconciliation", "curves", "sensitivity")}
    checks = wb.create_sheet(locale("sheet.checks"))
    for table in TABLES.values():
        add_data_sheet(wb, table, f"{locale('sheet.data')}_{table.name}", locale)
    anchors = {"drivers": drivers_sheet(sheets["drivers"], locale, D),
               "renewals": _renewals_sheet(sheets["renewals"], locale),
               "projection": _projection_sheet(sheets["projection"], locale),
               "curves": _curves_sheet(sheets["curves"], locale),
               "sensitivity": _sensitivity_sheet(sheets["sensitivity"], locale)}
    anchors["rollups"] = rollups_sheet(sheets["rollups"], locale, D, MAX_HORIZON, anchors["projection"],
                                       anchors["renewals"])
    anchors["reconciliation"] = reconciliation_sheet(sheets["reconciliation"], locale, anchors["projection"]["churn"])
    anchors["checks"] = _checks_sheet(checks, locale)
    anchors["cover"] = _cover_sheet(cover, locale, sheets["projection"]._charts[0])
    fit_labels(wb.worksheets)
    print_setup([cover, inputs.ws, *sheets.values(), checks])
    print_wide(sheets["projection"], 2)  # 24 months do not fit one page legibly
    hide_data_sheets(wb)
    wb.calculation.fullCalcOnLoad = True
    return Layout(wb, anchors)


def forecast_template(locale: Locale) -> Workbook:
    """The forecast layout in `locale`, with empty Data tables."""
    return forecast_layout(locale).wb


def _list_choice(inputs: InputsSheet, name: str, options: str) -> None:
    """A dropdown on the input cell `name` with the values of the range named `options`."""
    (_, ref), = inputs.wb.defined_names[name].destinations
    choice = DataValidation(type="list", formula1=options, allow_blank=False)
    inputs.ws.add_data_validation(choice)
    choice.add(ref.replace("$", ""))


def _inputs(wb: Workbook, locale: Locale) -> InputsSheet:
    inputs = InputsSheet(wb, locale)
    inputs.add("AsOf", locale("as_of"), None, locale.month, locale("month"), locale("note.as_of"))
    inputs.add("Scenario", locale("scenario"), "base", None, locale("unit.name"), locale("note.scenario"))
    inputs.add("Horizon", locale("horizon"), 12, locale.integer, locale("months"), locale("note.horizon"))
    inputs.add("TrailingMonths", locale("trailing_months"), TRAILING_MONTHS, locale.integer, locale("months"),
               locale("note.trailing_months"))
    inputs.add("FiscalYearStart", locale("fiscal_year_start"), 1, "0", locale("unit.month_number"),
               locale("note.fiscal_year_start"))
    inputs.section(locale("multiplier"))
    multipliers = inputs.table([locale("scenario"), *[locale(m) for m in MULTIPLIERS]],
                               [[name, *[SCENARIOS[name][m] for m in MULTIPLIERS]] for name in SCENARIOS],
                               [None, *["0.00"] * len(MULTIPLIERS)], locale("unit.multiplier"),
                               locale("note.multipliers"))
    multipliers.column_of(0).define(wb, "ScenarioName")
    _list_choice(inputs, "Scenario", "ScenarioName")
    for c, m in enumerate(MULTIPLIERS, start=1):
        multipliers.column_of(c).define(wb, f"Mult_{m}")
    inputs.section(locale("probability"))
    inputs.add("CommitFlag", locale("commit_flag"), COMMIT_FLAG, None, locale("unit.flag"), locale("note.commit_flag"))
    probabilities = inputs.table([locale("health_flag"), locale("probability")],
                                 [[flag, p] for flag, p in RENEWAL_PROBABILITIES.items()], [None, locale.percent],
                                 locale("fraction"), locale("note.probabilities"))
    probabilities.column_of(0).define(wb, "RenewalFlag")
    probabilities.column_of(1).define(wb, "RenewalProbability")
    _list_choice(inputs, "CommitFlag", "RenewalFlag")
    inputs.section(locale("title.forecast"))
    inputs.add("GrossMargin", locale("gross_margin"), None, locale.percent, locale("fraction"),
               locale("note.gross_margin"))
    inputs.add("OnePoint", locale("one_point"), 0.01, "0.00", locale("fraction"), locale("note.one_point"))
    inputs.tolerance()
    return inputs


_LIST = ("order", "name", "renewal_date", "arr", "flag", "probability", "weighted_arr", "renewals")  # Data_contracts
_LIST_ROW = "I"  # hidden column: the Data_contracts row of the list's k-th contract


def _renewals_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """Renewing ARR by month (commit, weighted, best case) and the live list of contracts renewing in the horizon.

    Anchors: "months", "commit", "weighted", "best_case" (columns over the horizon's months), their totals
    "commit_total", "weighted_total", "best_case_total", "list" (the list's header row).
    """
    title(ws, locale("renewing"))
    header_row(ws, 4, 1, [locale("month"), locale("commit"), locale("weighted"), locale("best_case")])
    first, last = 5, 4 + MAX_HORIZON
    a = Anchors({key: column_span(ws, c, first, last) for c, key in
                 enumerate(("months", "commit", "weighted", "best_case"), start=1)})
    arr, flag, term = D("contracts", "arr"), D("contracts", "flag"), D("contracts", "term")
    term = f"({term}+({term}=0))"  # the blank row of a table without contracts must not divide by 0
    to_next, probability = D("contracts", "first"), D("contracts", "probability")
    for k in range(MAX_HORIZON):
        month = a["months"].cell(k).local
        formula(ws, month, f'=IF({k + 1}>Horizon,"",EDATE(EOMONTH(AsOf,0)+1,{k}))', locale.month)
        # every renewal inside the horizon (`renewals_in_horizon`): a contract renews in month number n when its
        # next renewal is in month first <= n and a whole number of terms lies between them; the weighted ARR of
        # its r-th renewal is ARR x probability^r (ABS keeps the power defined where the row is not due)
        n = f"((YEAR({month})-YEAR(AsOf))*12+MONTH({month})-MONTH(AsOf))"
        terms = f"({n}-{to_next})/{term}"  # a whole number of terms from the next renewal to this month
        due = f"({to_next}>=1)*({to_next}<={n})*({terms}=ROUNDUP({terms},0))"
        for key, expression in (("commit", sum_where(arr, due, exact(flag, "CommitFlag"))),
                                ("weighted", sum_where(f"{arr}*{probability}^(ABS({n}-{to_next})/{term}+1)", due)),
                                ("best_case", sum_where(arr, due))):
            formula(ws, a[key].cell(k).local, f'=IF({month}="","",{expression})', locale.money)
    label(ws, f"A{last + 1}", locale("total"), BOLD)
    for key, name in (("commit", "CommitRenewalARR"), ("weighted", "WeightedRenewalARR"),
                      ("best_case", "BestCaseRenewalARR")):
        a[f"{key}_total"] = total = a[key].cell(-1).offset(rows=1)
        formula(ws, total.local, f"=SUM({a[key].local})", locale.money, BOLD).border = TOP_RULE
        total.define(ws.parent, name)
    top = last + 3  # the list of renewing contracts starts below the monthly totals
    label(ws, f"A{top}", locale("renewal_list"), BOLD)
    formula(ws, f"C{top}", f'=COUNTIF({D("contracts", "in_horizon")},1)', locale.integer, BOLD)
    header_row(ws, top + 1, 1, ["#", locale("account"), locale("renewal_date"), "ARR", locale("health_flag"),
                                locale("probability"), locale("weighted_arr"), locale("renewals_count")])
    a["list"] = Anchor(ws, top + 1, 1).define(ws.parent, "RenewalList")
    _renewal_rows(ws, top + 1, 1, locale)
    ws.column_dimensions[_LIST_ROW].hidden = True
    widths(ws, {"A": 16, "B": 30, "C": 18, "D": 18, "E": 14, "F": 14, "G": 18, "H": 14})
    ws.add_chart(bar_chart(locale("renewing"), {locale(key): a[key].reference() for key in
                                               ("commit", "weighted", "best_case")}, a["months"].reference(),
                           size=(9, 20), y_format="#,##0"), "J4")
    return a


def _renewal_rows(ws: Worksheet, header: int, count: int, locale: Locale) -> None:
    """Rows k = 1..count under the list's header: the k-th contract renewing in the horizon, blank after the last.

    Each row finds its contract by its order in Data_contracts (the k-th row renewing in the horizon), so editing a
    renewal date, a flag or the horizon updates the list live. Rows a previous fill wrote below are cleared.
    """
    for row in ws.iter_rows(min_row=header + 1, max_row=max(ws.max_row, header + 1), max_col=len(_LIST) + 1):
        for cell in row:
            cell.value = None
    formats = {"renewal_date": locale.date, "arr": locale.money, "probability": locale.percent,
               "weighted_arr": locale.money, "renewals": "0"}
    for k in range(1, count + 1):
        r = header + k
        formula(ws, f"{_LIST_ROW}{r}", f'=IFERROR(MATCH({k},{D("contracts", "order")},0),"")')
        for c, column in enumerate(_LIST, start=1):
            formula(ws, f"{col(c)}{r}", f'=IF(${_LIST_ROW}{r}="","",INDEX({D("contracts", column)},${_LIST_ROW}{r}))',
                    formats.get(column))


_BRIDGE = ["month", "start_mrr", "new", "expansion", "contraction", "churn", "end_mrr", "arr"]


def _bridge_block(ws: Worksheet, top: int, name: str, multipliers: dict[str, str], locale: Locale,
                  font: Font | None = None) -> Anchors:
    """One scenario's monthly bridge (`csxl.metrics.forecast`): lines start .. ARR over months 1..MAX_HORIZON,
    and the NRR it implies ("implied_nrr")."""
    label(ws, f"A{top}", name, font or BOLD)
    a = Anchors({line: row_span(ws, top + 1 + i, 2, 1 + MAX_HORIZON) for i, line in enumerate(_BRIDGE)})
    for line in _BRIDGE:
        label(ws, f"A{a[line].row}", locale(line))
    for k in range(MAX_HORIZON):
        at = {line: a[line].cell(k).local for line in _BRIDGE}
        s = at["start_mrr"]
        cells = {
            "month": (f"EDATE(AsOf,{k + 1})", locale.month),
            "start_mrr": ("StartMRR" if k == 0 else a["end_mrr"].cell(k - 1).local, locale.money),
            "new": (f"NewMRR*{multipliers['new']}", locale.money),
            "expansion": (f"{s}*ExpansionRate*{multipliers['expansion']}", locale.money),
            "contraction": (f"{s}*ContractionRate*{multipliers['contraction']}", locale.money),
            "churn": (f"{s}*ChurnRate*{multipliers['churn']}", locale.money),
            "end_mrr": (f"{s}+{at['new']}+{at['expansion']}-{at['contraction']}-{at['churn']}", locale.money),
            "arr": (f"12*{at['end_mrr']}", locale.money),
        }
        for line, (expression, fmt) in cells.items():
            formula(ws, at[line], f'=IF({k + 1}>Horizon,"",{expression})', fmt)
    a.update(lines(ws, a["arr"].row + 1, [Line(
        "implied_nrr", locale("implied_nrr"), f"=(1+ExpansionRate*{multipliers['expansion']}-ContractionRate*"
                                              f"{multipliers['contraction']}-ChurnRate*{multipliers['churn']})^12",
        locale.percent)]))
    return a


def _projection_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """The selected scenario's bridge, then every scenario's. Anchors: "multipliers" (the selected scenario's,
    over MULTIPLIERS), the selected bridge's lines and one "end_mrr" line per scenario ("end_mrr.<name>")."""
    title(ws, locale("sheet.projection"))
    label(ws, "A3", locale("selected"), BOLD)
    formula(ws, "B3", "=Scenario", font=BOLD)
    a = Anchors({"multipliers": column_span(ws, 4, 3, 2 + len(MULTIPLIERS))})
    for cell, m in zip(a["multipliers"].cells(), MULTIPLIERS):
        label(ws, f"C{cell.row}", f"{locale('multiplier')}: {locale(m)}")
        formula(ws, cell.local, f"=INDEX(Mult_{m},MATCH(Scenario,ScenarioName,0))", "0.00")
    selected = _bridge_block(ws, a["multipliers"].bottom + 2, locale("selected"),
                             {m: cell.a1(absolute=True) for cell, m in zip(a["multipliers"].cells(), MULTIPLIERS)},
                             locale, KPI_FONT)
    a.update(selected)
    selected["end_mrr"].define(ws.parent, "SelectedEnd")
    selected["implied_nrr"].define(ws.parent, "ImpliedNRR")
    top = selected["implied_nrr"].row + 3
    for i, name in enumerate(SCENARIOS, start=1):
        block = _bridge_block(ws, top, name, {m: f"INDEX(Mult_{m},{i})" for m in MULTIPLIERS}, locale)
        a[f"end_mrr.{name}"] = block["end_mrr"]
        top = block["implied_nrr"].row + 3
    widths(ws, {"A": 30, **{col(1 + k): 13 for k in range(1, MAX_HORIZON + 1)}})
    a.update(_history_block(ws, top, a, locale))
    chart_row = ws.max_row + 2
    # the scenarios first, the actual line last (drawn on top where they share the history)
    lines_shown = {**{name: gapped(ws, a[f"history.{name}"].reference()) for name in SCENARIOS},
                   locale("actual"): a["history.actual"].part(0, HISTORY).reference()}
    # from column B: column A, the row labels, prints on every page, and would carry a strip of the chart
    ws.add_chart(line_chart(locale("history_and_forecast"), lines_shown, a["history.month"].reference(),
                            size=(11, 34), y_format="#,##0"), f"B{chart_row}")
    return a


def _history_block(ws: Worksheet, top: int, a: Anchors, locale: Locale) -> Anchors:
    """The scenario chart's data: HISTORY months of actual end MRR (Data_bridge) to the as-of month, then each
    scenario's end MRR over the horizon; a scenario's line runs over the actual months too, so it starts from the
    history. Anchors: "history.month", "history.actual", "history.<scenario>" (lines over HISTORY + 1 +
    MAX_HORIZON months)."""
    label(ws, f"A{top}", locale("history_and_forecast"), BOLD)
    keys = ["month", "actual", *SCENARIOS]
    width = HISTORY + 1 + MAX_HORIZON
    b = Anchors({f"history.{key}": row_span(ws, top + 1 + i, 2, 1 + width) for i, key in enumerate(keys)})
    for i, key in enumerate(keys):
        label(ws, f"A{top + 1 + i}", locale(key) if key in ("month", "actual") else key)
    bridge_month, bridge_end = D("bridge", "month"), D("bridge", "end_mrr")
    for k in range(width):
        month = b["history.month"].cell(k).local
        after = k - HISTORY  # months after the as-of month
        formula(ws, month, f'=IF({after}>Horizon,"",EDATE(AsOf,{after}))', locale.month)
        formula(ws, b["history.actual"].cell(k).local,
                f'=IF({month}="","",IF({month}>AsOf,"",IFERROR(INDEX({bridge_end},MATCH({month},{bridge_month},0)),'
                '"")))', locale.money)
        for name in SCENARIOS:
            projected = (b["history.actual"].cell(k).local if after <= 0
                         else f"INDEX({a[f'end_mrr.{name}'].local},{after})")
            formula(ws, b[f"history.{name}"].cell(k).local, f'=IF({month}="","",{projected})', locale.money)
    return b


def _curves_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """Observed survival by tenure beside the sBG curve (`csxl.metrics.sbg`), and the latest cohorts.

    Anchors: "tenure", "observed", "projected" (columns over tenures 0..CURVE_MONTHS) and "cohorts".
    """
    title(ws, locale("sheet.curves"), locale("note.fit"))
    header_row(ws, 4, 1, [locale("tenure"), locale("observed"), locale("projected")])
    a = Anchors({key: column_span(ws, c, 5, 5 + CURVE_MONTHS) for c, key in
                 enumerate(("tenure", "observed", "projected"), start=1)})
    tenure, customers, survivors = D("survival", "tenure"), D("survival", "customers"), D("survival", "survivors")
    for k in range(CURVE_MONTHS + 1):
        t, observed, projected = (a[key].cell(k).local for key in ("tenure", "observed", "projected"))
        ws[t] = k
        formula(ws, observed, f'=IFERROR(SUMIFS({survivors},{tenure},{t})/SUMIFS({customers},{tenure},{t}),"")',
                locale.percent)
        before = a["projected"].cell(k - 1).local if k else None
        formula(ws, projected, "=1" if k == 0 else f"={before}*(Beta+{t}-1)/(Alpha+Beta+{t}-1)", locale.percent)
    a["projected"].define(ws.parent, "SbgCurve")
    a["cohorts"] = _cohort_grid(ws, a["tenure"].bottom + 3, locale)
    widths(ws, {"A": 20, "B": 20, "C": 20})
    curves = {locale("observed"): gapped(ws, a["observed"].reference()),
              locale("projected"): a["projected"].reference()}
    ws.add_chart(line_chart(locale("sheet.curves"), curves, a["tenure"].reference(), size=(12, 22), y_range=(0, 1),
                            y_format="0%"), "E4")
    return a


def _cohort_grid(ws: Worksheet, top: int, locale: Locale) -> Anchor:
    """The latest cohorts by tenure: observed survival where the data has it, the sBG projection after.
    Returns the grid (cohorts x tenures)."""
    label(ws, f"A{top}", locale("by_cohort"), BOLD)
    label(ws, f"A{top + 1}", locale("cohort"), BOLD)
    cohort, tenure, alive = D("cohorts", "cohort"), D("cohorts", "tenure"), D("cohorts", "survivors")
    for t in range(COHORT_ROWS + 1):
        ws.cell(top + 1, 2 + t, t).font = BOLD
    for i in range(COHORT_ROWS):
        r = top + 2 + i
        formula(ws, f"A{r}", f"=EDATE(AsOf,{-i})", locale.month)
        size = f"SUMIFS({alive},{cohort},$A{r},{tenure},0)"
        for t in range(COHORT_ROWS + 1):
            c = col(2 + t)
            seen = f"COUNTIFS({cohort},$A{r},{tenure},{c}${top + 1})"
            # the last observed survival, carried on by the model's conditional survival S(t) / S(age)
            last_seen = f"SUMIFS({alive},{cohort},$A{r},{tenure},{i})/{size}"
            projected = f"{last_seen}*INDEX(SbgCurve,{c}${top + 1}+1)/INDEX(SbgCurve,{i}+1)"
            formula(ws, f"{c}{r}", f'=IF({size}=0,"",IF({seen}>0,SUMIFS({alive},{cohort},$A{r},{tenure},{c}${top + 1})'
                                   f'/{size},{projected}))', locale.percent)
    area = f"B{top + 2}:{col(2 + COHORT_ROWS)}{top + 1 + COHORT_ROWS}"
    first = f"B{top + 2}"
    ws.conditional_formatting.add(area, FormulaRule(
        formula=[f'AND({first}<>"",COUNTIFS({cohort},$A{top + 2},{tenure},B${top + 1})=0)'],
        font=Font(italic=True, color="808080")))
    for t in range(COHORT_ROWS + 1):
        ws.column_dimensions[col(2 + t)].width = max(ws.column_dimensions[col(2 + t)].width or 0, 8)
    return Anchor(ws, top + 2, 2, top + 1 + COHORT_ROWS, 2 + COHORT_ROWS)


_POINTS = range(-5, 6)  # points of NRR around today's
_YEARS = range(1, 6)


def _sensitivity_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """ARR after 1..5 years of compounding at today's NRR plus or minus points (`csxl.metrics.forecast`), and what
    one point is worth. Anchors: "arr_now", "nrr" (column over the points), "arr" (points x years, named
    SensitivityARR) and "point_value" (over the years, named PointValue)."""
    title(ws, locale("sheet.sensitivity"))
    a = lines(ws, 3, [Line("arr_now", locale("arr_now"), "=12*StartMRR", locale.money, BOLD)])
    top = 5
    after = [locale("arr_after_year") if y == 1 else locale("arr_after_years").format(y) for y in _YEARS]
    header_row(ws, top, 1, [locale("nrr_change"), "NRR", *after])
    a["points"] = column_span(ws, 1, top + 1, top + len(_POINTS))
    a["nrr"] = column_span(ws, 2, top + 1, top + len(_POINTS))
    a["arr"] = Anchor(ws, top + 1, 3, top + len(_POINTS), 2 + len(_YEARS)).define(ws.parent, "SensitivityARR")
    arr_now = a["arr_now"].a1(absolute=True)
    for i, k in enumerate(_POINTS):
        point, nrr = a["points"].cell(i), a["nrr"].cell(i)
        ws[point.local] = k
        ws[point.local].number_format = "+0;-0;0"  # a change from today's NRR, signed
        formula(ws, nrr.local, f"=CurrentNRR+{point.local}*OnePoint", locale.percent)
        for j, y in enumerate(_YEARS):
            formula(ws, a["arr"].at(i, j).local, f"={arr_now}*${nrr.letter}{nrr.row}^{y}", locale.money,
                    BOLD if k == 0 else None)
    today, one_up = _POINTS.index(0), _POINTS.index(1)
    label(ws, f"A{a['arr'].bottom + 2}", locale("point_value"), BOLD)
    a["point_value"] = row_span(ws, a["arr"].bottom + 2, 3, 2 + len(_YEARS)).define(ws.parent, "PointValue")
    for j, cell in enumerate(a["point_value"].cells()):
        formula(ws, cell.local, f"={a['arr'].at(one_up, j).local}-{a['arr'].at(today, j).local}", locale.money, BOLD)
    widths(ws, {"A": 28, "B": 20, **{col(2 + y): 18 for y in _YEARS}})
    return a


def _checks_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    b = {c: D("bridge", c) for c in
         ("start_mrr", "new", "reactivation", "expansion", "contraction", "churn", "end_mrr")}
    history = (f"=SUMPRODUCT(ABS({b['start_mrr']}+{b['new']}+{b['reactivation']}+{b['expansion']}"
               f"-{b['contraction']}-{b['churn']}-{b['end_mrr']}))")
    a = checks_sheet(ws, locale, [
        ("check.history", history),
        # commit (the chosen flag at face value) may exceed weighted in a mostly-Green book; neither may exceed best
        # case
        ("check.renewals", "=MAX(0,CommitRenewalARR-BestCaseRenewalARR)+MAX(0,WeightedRenewalARR-BestCaseRenewalARR)"),
        ("check.scenario", "=IF(ISNUMBER(MATCH(Scenario,ScenarioName,0)),0,1)"
                           f"+IF(AND(Horizon>=1,Horizon<={MAX_HORIZON},"
                           "Horizon=ROUND(Horizon,0)),0,1)"),
        ("check.probabilities", "=COUNTIF(RenewalProbability,\"<0\")+COUNTIF(RenewalProbability,\">1\")"),
    ])
    # an assumption only the reader knows: listed until it is set, without failing the master check
    top = a["master"].row + 2
    label(ws, f"A{top}", locale("to_set"), BOLD)
    label(ws, f"A{top + 1}", locale("gross_margin"))
    a["gross_margin"] = Anchor(ws, top + 1, 3)
    formula(ws, a["gross_margin"].local, f'=IF(ISNUMBER(GrossMargin),{text(locale("ok"))},{text(locale("not_set"))})',
            font=BOLD)
    ok_colours(ws, a["gross_margin"].local, locale)
    return a


def _cover_sheet(ws: Worksheet, locale: Locale, scenario_chart: ChartBase) -> Anchors:
    """The forecast's one page: its terms (as-of month, scenario, horizon) a line each, the figures a CFO asks for
    first, and the Projection's chart of actual MRR then each scenario (a copy; filling fits both)."""
    label(ws, "A1", locale("title.forecast"), Font(bold=True, size=20, color="1F3864"))
    grey = Font(size=12, color="595959")
    a = lines(ws, 2, [Line("as_of", locale("as_of"), "=AsOf", locale.month, grey),
                      Line("scenario", locale("scenario"), "=Scenario", font=grey),
                      Line("horizon", locale("horizon"), "=Horizon", f'0" {locale("months")}"', grey)],
              label_font=grey)
    for key in ("as_of", "scenario", "horizon"):
        ws[a[key].local].alignment = Alignment(horizontal="right")
    a.update(lines(ws, 6, [
        Line("start_mrr", locale("start_mrr"), f"=INDEX({D('bridge', 'end_mrr')},MATCH(AsOf,{D('bridge', 'month')},0))",
             locale.money, KPI_FONT, "StartMRR"),
        Line("forecast_mrr", locale("forecast_mrr"), "=INDEX(SelectedEnd,Horizon)", locale.money, KPI_FONT,
             "ForecastMRR"),
        Line("forecast_arr", locale("forecast_arr"), "=12*ForecastMRR", locale.money, KPI_FONT, "ForecastARR"),
        Line("implied_nrr", locale("implied_nrr"), "=ImpliedNRR", locale.percent, KPI_FONT),
        Line("renewing", locale("renewing_next"), f'=Horizon&" {locale("months")}"', font=Font(bold=True)),
        Line("commit", f'  {locale("commit")}', "=CommitRenewalARR", locale.money, KPI_FONT),
        Line("weighted", f'  {locale("weighted")}', "=WeightedRenewalARR", locale.money, KPI_FONT),
        Line("best_case", f'  {locale("best_case")}', "=BestCaseRenewalARR", locale.money, KPI_FONT),
        Line("gross_profit", locale("gross_profit"),
             f'=IF(ISNUMBER(GrossMargin),ForecastARR*GrossMargin,{text(locale("gross_margin_unset"))})', locale.money,
             KPI_FONT),
        Line("master_check", locale("master_check"), "=MasterCheck", font=KPI_FONT),
    ], label_font=Font(color="595959")))
    ok_colours(ws, a["master_check"].local, locale)
    ws[a["renewing"].local].alignment = Alignment(horizontal="right")
    ws.conditional_formatting.add(a["gross_profit"].local, FormulaRule(formula=["NOT(ISNUMBER(GrossMargin))"],
                                                                      font=Font(bold=True, color="C55A11")))
    widths(ws, {"A": 40, "B": 26, "C": 26})  # C: room for the gross margin reminder spilling from B (pt-BR, es)
    chart = copy.deepcopy(scenario_chart)
    chart.height, chart.width = 9, 22
    ws.add_chart(chart, "D2")
    return a


# ---------------------------------------------------------------------------------------------- data


def account_flags(data: Dataset, as_of: pd.Timestamp) -> pd.Series:
    """Health flag of each customer of the data at the as-of month."""
    customers = pd.Index(data.mrr["customer_id"].drop_duplicates())
    return health.flags_at(data.health, data.customers, customers, as_of)


def forecast_inputs(data: Dataset, as_of: pd.Timestamp) -> dict[str, object]:
    """What filling writes besides the Data tables: the as-of month and the sBG fit over the cohorts (the one driver
    a formula cannot compute; every other driver is a formula over the Data tables on Drivers)."""
    history = data.mrr[data.mrr["month"] <= as_of]
    try:
        fit = sbg_fit_cohorts(cohort_survivors(history))
    except ValueError:  # too short a history, or no cohort that lived long enough to fit a curve to
        months = history["month"].nunique()
        raise CsxlDataError(f"the forecast fits its survival curve to how long customers keep paying, and the data "
                            f"up to {as_of:%Y-%m} cannot give one ({months} month{'s' * (months != 1)} of MRR, no "
                            f"group of customers starting together seen paying for 3 months)",
                            file=data.source, fix="give at least 3 months of MRR in which customers keep paying") \
            from None
    return {"AsOf": as_of, "AlphaFit": fit.alpha, "BetaFit": fit.beta}


def forecast_tables(data: Dataset, as_of: pd.Timestamp) -> dict[str, pd.DataFrame]:
    mine = data.mrr[data.mrr["month"] <= as_of]
    bridge = mrr_movements(mine).assign(month=lambda t: t["period"].dt.to_timestamp())
    now = mine[mine["month"] == as_of].groupby("customer_id")["mrr"].sum()
    now = now[now > 0]
    if data.customers is None or "renewal_date" not in data.customers:
        contracts = pd.DataFrame(columns=["customer_id", "name", "renewal_date", "mrr", "flag", "term"])
    else:
        book = data.customers.set_index("customer_id").reindex(now.index)
        book = book[book["renewal_date"].notna()]
        term = book["contract_term_months"] if "contract_term_months" in book else pd.Series(12.0, index=book.index)
        month_end = as_of + pd.offsets.MonthEnd(0)
        contracts = pd.DataFrame({
            "customer_id": book.index, "name": book.get("name", pd.Series(book.index, index=book.index)).to_numpy(),
            "renewal_date": next_renewal(book["renewal_date"], term, month_end).to_numpy(),
            "mrr": now.reindex(book.index).to_numpy(),
            "flag": account_flags(data, as_of).reindex(book.index).to_numpy(),
            "term": term.fillna(12).clip(lower=1).astype(int).to_numpy(),
        }).sort_values(["renewal_date", "mrr", "customer_id"], ascending=[True, False, True])
    # pooled survival by tenure: each cohort counts while it is observed
    survivors = cohort_survivors(mine)
    long = pd.Series(survivors.stack(), name="survivors").reset_index().dropna()
    long.columns = ["cohort", "tenure", "survivors"]
    long["customers"] = survivors[0].reindex(long["cohort"]).to_numpy()
    survival = long.groupby("tenure")[["customers", "survivors"]].sum().reset_index()
    # every cohort: the table the sBG fit of Drivers is made from (the grid of Retention curves shows the latest)
    cohorts = long.assign(cohort=long["cohort"].dt.to_timestamp())[["cohort", "tenure", "survivors"]]
    grid = mrr_grid(mine)
    by_customer = pd.DataFrame(grid.values[:, [-13, -1]] if len(grid.months) > 12 else
                               np.column_stack([np.zeros(len(grid.values)), grid.values[:, -1]]),
                               columns=["mrr_year_ago", "mrr_now"])
    accounts = by_customer.assign(customer_id=list(grid.customers))[["customer_id", "mrr_year_ago", "mrr_now"]]
    accounts = accounts[accounts["mrr_year_ago"] > 0]  # the others add nothing to the cohort NRR
    plan = data.plan if data.plan is not None else pd.DataFrame(columns=["month", "mrr"])
    return {"bridge": bridge, "contracts": contracts, "survival": survival, "cohorts": cohorts, "accounts": accounts,
            "plan": plan}


def fill_forecast(wb: Workbook, data: Dataset, as_of: pd.Timestamp, locale: Locale, horizon: int = 12) -> list[str]:
    """Write the data and the measured defaults into a forecast template; nothing to warn about."""
    if not 1 <= horizon <= MAX_HORIZON:
        raise CsxlDataError(f"--horizon must be from 1 to {MAX_HORIZON} months", fix="use 12 or 24")
    tables = forecast_tables(data, as_of)
    for name, frame in tables.items():
        fill_table(wb, TABLES[name], frame, locale)
    fit_amounts(wb, 10 * peak_arr(data.mrr[data.mrr["month"] <= as_of]))  # room for a projection that grows
    if "RenewalList" not in wb.defined_names:
        raise CsxlDataError("the template has no defined name RenewalList",
                            fix="keep the defined names of the template (or export a new one)")
    header = named(wb, "RenewalList")
    _renewal_rows(header.ws, header.row, max(len(tables["contracts"]), 1), locale)
    for name, item in forecast_inputs(data, as_of).items():
        set_input(wb, name, item)
    set_input(wb, "Horizon", horizon)
    # lines end where the data does (LibreOffice would draw the blanks after as 0)
    projection = named(wb, "SelectedEnd").ws
    for sheet in (projection, named(wb, "StartMRR").ws):  # the Projection's chart, the cover's
        _end_lines(sheet, HISTORY + 1 + MAX_HORIZON, HISTORY + 1 + horizon, HISTORY + 1)
    _print_projection(projection, horizon)
    _end_lines(named(wb, "SbgCurve").ws, CURVE_MONTHS + 1, max(len(tables["survival"]), 1))
    wb.properties.creator = "csxl"
    return []


def _print_projection(ws: Worksheet, horizon: int) -> None:
    """Print the Projection over the columns the horizon fills (column A and the year of history, then the
    horizon's months), two pages wide with the row labels on each: its widest block, the chart's data, is laid out
    for the longest horizon, and printing all of it would shrink a 12-month projection to half its size. Each
    filling sets it again, for its own horizon."""
    ws.print_area = f"A1:{col(1 + HISTORY + 1 + horizon)}{print_extent(ws)[0]}"


def _end_lines(ws: Worksheet, length: int, kept: int, fixed: int = 0) -> None:
    """End every series and category reference of the charts on `ws` along a row of `length` formulas (the months
    of the scenario chart, the rows of `gapped`) after its first `kept` cells: the layout sizes them for the
    longest horizon and curve, and the cells past the data would plot as 0 in LibreOffice. The row's run of
    formulas (`formula_run`) finds a reference a previous filling ended too, so a workbook refilled as a template
    fits its lines to the new horizon and tenures. A reference along a row of another extent (a bridge line, the
    cohort grid, a team's own series), down a column, or of `fixed` cells or fewer (the actual months, which no
    filling ends) is left as it is."""
    for chart in ws._charts:
        for source in references(chart):
            cells = row_cells(source.f)
            if cells is not None and cells[2] - cells[0] + 1 > fixed and formula_run(ws.parent, source.f) == length:
                source.f = fit_reference(source.f, 0, kept)


KIND = WorkbookKind("forecast", TABLES, OUTPUT_NAMES, forecast_layout, fill_forecast)


def write_forecast(data: Dataset, as_of: pd.Timestamp, locale: Locale, horizon: int, template: Path | None,
                   path: Path) -> tuple[Path, list[str]]:
    """Build (or fill the team's template), save atomically; returns the path and the template warnings."""
    return KIND.write(data, as_of, locale, path, template, horizon=horizon)
