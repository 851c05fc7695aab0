"""The forecast's Roll-ups sheet: the selected scenario by fiscal quarter and fiscal year, against the plan.

A CFO plans and reports by fiscal period: revenue (the sum of each month's
MRR), exit ARR, renewing ARR and, when the data has a `plan` table, the plan
and the variance. `csxl.metrics.forecast.fiscal_rollup` is the definition;
this sheet restates it over a by-month block (the projection's months, MRR and
renewals, and the plan's MRR) keyed by fiscal period, with the fiscal year's
first month an input (FiscalYearStart).
"""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.worksheet.worksheet import Worksheet

from csxl.workbooks.anchors import Anchor, Anchors, column_span
from csxl.workbooks.cells import BOLD, SUBTITLE, col, formula, header_row, label, title, widths
from csxl.workbooks.formulas import Tables, text
from csxl.workbooks.labels import Locale, add_labels

add_labels({
    "sheet.rollups": ("Quarters and years", "Trimestres e anos", "Trimestres y años"),
    "rollups.subtitle": ("The selected scenario by fiscal period; revenue is the sum of each month's MRR",
                         "O cenário selecionado por período fiscal; receita é a soma do MRR de cada mês",
                         "El escenario seleccionado por período fiscal; ingresos es la suma del MRR de cada mes"),
    "fiscal_year_start": ("First month of the fiscal year", "Primeiro mês do ano fiscal",
                          "Primer mes del año fiscal"),
    "note.fiscal_year_start": ("1 = January (calendar year); a fiscal year is named after the calendar year it ends "
                               "in (start 4: April 2026 - March 2027 is FY2027)",
                               "1 = janeiro (ano civil); o ano fiscal leva o nome do ano civil em que termina "
                               "(início 4: abril 2026 - março 2027 é AF2027)",
                               "1 = enero (año calendario); el año fiscal lleva el nombre del año en que termina "
                               "(inicio 4: abril 2026 - marzo 2027 es AF2027)"),
    "unit.month_number": ("month (1-12)", "mês (1-12)", "mes (1-12)"),
    "fy": ("FY", "AF", "AF"),
    "quarter_letter": ("Q", "T", "T"),
    "by_quarter": ("By fiscal quarter", "Por trimestre fiscal", "Por trimestre fiscal"),
    "by_year": ("By fiscal year", "Por ano fiscal", "Por año fiscal"),
    "by_month": ("By month (what the periods add up)", "Por mês (o que os períodos somam)",
                 "Por mes (lo que suman los períodos)"),
    "first_month": ("First month", "Primeiro mês", "Primer mes"),
    "months_in": ("Months", "Meses", "Meses"),
    "revenue": ("Revenue (sum of MRR)", "Receita (soma do MRR)", "Ingresos (suma del MRR)"),
    "exit_arr": ("Exit ARR", "ARR de saída", "ARR de salida"),
    "renewing_commit": ("Renewing: commit", "A renovar: commit", "A renovar: commit"),
    "renewing_weighted": ("Renewing: weighted", "A renovar: ponderado", "A renovar: ponderado"),
    "renewing_best": ("Renewing: best case", "A renovar: melhor caso", "A renovar: mejor caso"),
    "plan_revenue": ("Plan revenue", "Receita do plano", "Ingresos del plan"),
    "variance": ("Variance", "Variação", "Variación"),
    "plan_exit_arr": ("Plan exit ARR", "ARR de saída do plano", "ARR de salida del plan"),
    "exit_variance": ("Exit ARR variance", "Variação do ARR de saída", "Variación del ARR de salida"),
    "fiscal_year": ("Fiscal year", "Ano fiscal", "Año fiscal"),
    "fiscal_period": ("Fiscal quarter", "Trimestre fiscal", "Trimestre fiscal"),
    "note.plan": ("plan: the data's plan table (planned MRR by month); blank where it has none of the months",
                  "plano: a tabela plan dos dados (MRR planejado por mês); em branco onde não há esses meses",
                  "plan: la tabla plan de los datos (MRR planificado por mes); en blanco donde no tiene esos meses"),
})

QUARTERS, YEARS = 9, 3  # the most fiscal quarters and years 24 months can touch
_BY_MONTH = ("month", "fiscal_year", "fiscal_quarter", "mrr", "commit", "weighted", "best_case", "plan")
_PERIOD = ("period", "first_month", "months", "revenue", "exit_arr", "commit", "weighted", "best_case", "plan",
           "variance", "plan_exit_arr", "exit_variance")


def rollups_sheet(ws: Worksheet, locale: Locale, d: Tables, months: int, projection: Anchors,
                  renewals: Anchors) -> Anchors:
    """Quarter and year tables over a by-month block of `months` rows. `projection` gives the selected scenario's
    "month" and "end_mrr" lines, `renewals` the "commit", "weighted", "best_case" columns by month.

    Anchors: "quarters" and "years" (the period tables, named QuarterRollup and YearRollup) and the by-month columns
    by key.
    """
    title(ws, locale("sheet.rollups"), locale("rollups.subtitle"))
    top_q = 4
    top_y = top_q + QUARTERS + 3
    top_m = top_y + YEARS + 3
    a = _by_month(ws, locale, d, top_m, months, projection, renewals)
    a["quarters"] = _periods(ws, locale, a, top_q, QUARTERS, "fiscal_quarter", locale("by_quarter"), lambda own: own)
    a["quarters"].define(ws.parent, "QuarterRollup")
    a["years"] = _periods(ws, locale, a, top_y, YEARS, "fiscal_year", locale("by_year"),
                          lambda own: f'{text(locale("fy"))}&{own}')
    a["years"].define(ws.parent, "YearRollup")
    label(ws, f"A{top_m + months + 2}", locale("note.plan"), SUBTITLE)
    widths(ws, {"A": 16, **{col(c): 16 for c in range(2, len(_PERIOD) + 1)}})
    ws.print_area = f"A1:{col(len(_PERIOD))}{top_m + months + 2}"
    return a


def _by_month(ws: Worksheet, locale: Locale, d: Tables, top: int, months: int, projection: Anchors,
              renewals: Anchors) -> Anchors:
    label(ws, f"A{top - 1}", locale("by_month"), BOLD)
    header_row(ws, top, 1, [locale("month"), locale("fiscal_year"), locale("fiscal_period"), "MRR",
                            locale("renewing_commit"), locale("renewing_weighted"), locale("renewing_best"),
                            locale("plan_mrr")])
    a = Anchors({key: column_span(ws, c, top + 1, top + months) for c, key in enumerate(_BY_MONTH, start=1)})
    plan_month, plan_mrr = d("plan", "month"), d("plan", "mrr")
    for k in range(months):
        at = {key: a[key].cell(k).local for key in _BY_MONTH}
        m = at["month"]
        cells = {
            "month": (f"INDEX({projection['month'].ref},{k + 1})", locale.month),
            "fiscal_year": (f"YEAR({m})+IF(AND(FiscalYearStart>1,MONTH({m})>=FiscalYearStart),1,0)", "0"),
            # the quarter: the month number of the date moved back to a January start, in thirds
            "fiscal_quarter": (f'{text(locale("fy"))}&{at["fiscal_year"]}&" "&{text(locale("quarter_letter"))}'
                               f"&ROUNDUP(MONTH(EDATE({m},1-FiscalYearStart))/3,0)", None),
            "mrr": (f"INDEX({projection['end_mrr'].ref},{k + 1})", locale.money),
            "commit": (f"INDEX({renewals['commit'].ref},{k + 1})", locale.money),
            "weighted": (f"INDEX({renewals['weighted'].ref},{k + 1})", locale.money),
            "best_case": (f"INDEX({renewals['best_case'].ref},{k + 1})", locale.money),
            "plan": (f'IF(COUNTIFS({plan_month},{m})=0,"",SUMIFS({plan_mrr},{plan_month},{m}))', locale.money),
        }
        for key, (expression, fmt) in cells.items():
            formula(ws, at[key], f'=IF({m}="","",{expression})' if key != "month" else f"={expression}", fmt)
    return a


def _periods(ws: Worksheet, locale: Locale, by_month: Anchors, top: int, rows: int, key: str, heading: str,
             label_of: Callable[[str], str]) -> Anchor:
    """One row per fiscal period the horizon touches, in order: each starts at the month after the previous one's
    last (a hidden column holds that month's number, another the period's key: its quarter label or fiscal year),
    and sums the by-month block over its key. Helpers past the last period are "" (text): LibreOffice prints a
    number in a hidden column beside an empty one as ###."""
    label(ws, f"A{top - 1}", heading, BOLD)
    header_row(ws, top, 1, [locale("period"), locale("first_month"), locale("months_in"), locale("revenue"),
                            locale("exit_arr"), locale("renewing_commit"), locale("renewing_weighted"),
                            locale("renewing_best"), locale("plan_revenue"), locale("variance"),
                            locale("plan_exit_arr"), locale("exit_variance")])
    area = Anchor(ws, top + 1, 1, top + rows, len(_PERIOD))
    start_col = col(len(_PERIOD) + 1)  # hidden: the number of the period's first month in the by-month block
    keys, key_col = by_month[key].ref, col(len(_PERIOD) + 2)  # hidden: the period's key
    column = {name: by_month[name].ref for name in ("month", "mrr", "commit", "weighted", "best_case", "plan")}
    for i in range(rows):
        r = top + 1 + i
        at = {name: area.at(i, j).local for j, name in enumerate(_PERIOD)}
        start, own = f"{start_col}{r}", f"{key_col}{r}"
        before = area.at(i - 1, _PERIOD.index("months")).local if i else ""
        formula(ws, start, "=1" if i == 0 else f'=IF({key_col}{r - 1}="","",{start_col}{r - 1}+{before})')
        formula(ws, own, f'=IF({start}="","",IFERROR(IF(INDEX({column["month"]},{start})="","",'
                         f'INDEX({keys},{start})),""))')
        last = f"{start}+{at['months']}-1"

        def over(name: str, own: str = own) -> str:
            return f"SUMIFS({column[name]},{keys},{own})"

        cells = {
            "period": label_of(own),
            "first_month": f"INDEX({column['month']},{start})",
            "months": f"COUNTIF({keys},{own})",
            "revenue": over("mrr"),
            "exit_arr": f"12*INDEX({column['mrr']},{last})",
            "commit": over("commit"), "weighted": over("weighted"), "best_case": over("best_case"),
            # blank when none of the period's months has a plan (SUMIFS would say 0)
            "plan": f'IF(SUMPRODUCT(({keys}={own})*ISNUMBER({column["plan"]}))=0,"",{over("plan")})',
            "variance": f'IF({at["plan"]}="","",{at["revenue"]}-{at["plan"]})',
            "plan_exit_arr": f'IF(INDEX({column["plan"]},{last})="","",12*INDEX({column["plan"]},{last}))',
            "exit_variance": f'IF({at["plan_exit_arr"]}="","",{at["exit_arr"]}-{at["plan_exit_arr"]})',
        }
        formats = {"first_month": locale.month, "months": "0", "period": None}
        for name, expression in cells.items():
            formula(ws, at[name], f'=IF({own}="","",{expression})', formats.get(name, locale.money),
                    BOLD if name == "period" else None)
    for hidden in (start_col, key_col):
        ws.column_dimensions[hidden].hidden = True
    return area
