"""The forecast's Drivers sheet: each driver measured live over the Data tables, an optional override, the value used.

The finance convention for a model's assumptions: a calculated value (here
`csxl.metrics.forecast.trailing_rates` and `csxl.metrics.retention.nrr_cohort`
restated as SUMIFS over the MRR bridge and the accounts table, over a trailing
window the reader sets on Inputs), an override cell the reader may type in,
and a "used" cell that takes the override when there is one. The projection,
the retention curves and the sensitivity read only the used cells, under the
names NewMRR, ExpansionRate, ContractionRate, ChurnRate, CurrentNRR, Alpha and
Beta. The sBG alpha and beta are the one exception to "live": maximum
likelihood needs a solver, so csxl fits them when it fills the workbook, from
the cohort table that is in the file (Data_cohorts), and the sheet says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from csxl.workbooks.anchors import Anchor, Anchors, lines
from csxl.workbooks.anchors import Line as SheetLine
from csxl.workbooks.cells import BOLD, INK, SUBTITLE, formula, header_row, label, mark_input, title, widths
from csxl.workbooks.currency import CURRENCY_UNIT
from csxl.workbooks.formulas import Tables
from csxl.workbooks.labels import Locale, add_labels

add_labels({
    "sheet.drivers": ("Drivers", "Direcionadores", "Impulsores"),
    "drivers.subtitle": ("Each driver is measured on the Data tables over the trailing window; type an override to "
                         "replace it. The projection uses the Used column.",
                         "Cada direcionador é medido nas tabelas de dados na janela móvel; digite um valor para "
                         "substituí-lo. A projeção usa a coluna Usado.",
                         "Cada impulsor se mide en las tablas de datos en la ventana móvil; escriba un valor para "
                         "reemplazarlo. La proyección usa la columna Usado."),
    "driver": ("Driver", "Direcionador", "Impulsor"),
    "drivers.outcome": ("What the drivers give (selected scenario)",
                        "O que os direcionadores dão (cenário selecionado)",
                        "Lo que dan los impulsores (escenario seleccionado)"),
    "drivers.churn_year": ("Churn the projection expects, per year of ARR today",
                           "Churn que a projeção espera, por ano, sobre o ARR de hoje",
                           "Churn que espera la proyección, por año, sobre el ARR de hoy"),
    "drivers.renewal_year": ("Loss the renewal probabilities expect, per year (Reconciliation)",
                             "Perda que as probabilidades de renovação esperam, por ano (Conciliação)",
                             "Pérdida que esperan las probabilidades de renovación, por año (Conciliación)"),
    "calculated": ("Calculated", "Calculado", "Calculado"),
    "override": ("Override", "Substituir por", "Reemplazar por"),
    "used": ("Used", "Usado", "Usado"),
    "how": ("How it is calculated", "Como é calculado", "Cómo se calcula"),
    "window_from": ("Window: first month", "Janela: primeiro mês", "Ventana: primer mes"),
    "window_to": ("Window: last month (as of)", "Janela: último mês (data-base)", "Ventana: último mes (corte)"),
    "window_months": ("Months in the window", "Meses na janela", "Meses en la ventana"),
    "trailing_months": ("Trailing window of the drivers", "Janela móvel dos direcionadores",
                        "Ventana móvil de los impulsores"),
    "note.trailing_months": ("months of the MRR bridge up to the as-of month the drivers are measured on "
                             "(default 6; the first month of the data, all new, never counts)",
                             "meses da ponte de MRR até a data-base em que os direcionadores são medidos "
                             "(padrão: 6; o primeiro mês dos dados, todo novo, nunca conta)",
                             "meses del puente de MRR hasta la fecha de corte en que se miden los impulsores "
                             "(predeterminado: 6; el primer mes de los datos, todo nuevo, nunca cuenta)"),
    "how.new": ("(new + reactivation) summed over the window / months in the window",
                "(novo + reativação) somados na janela / meses na janela",
                "(nuevo + reactivación) sumados en la ventana / meses en la ventana"),
    "how.rate": ("the movement summed over the window / start MRR summed over the window (pooled)",
                 "o movimento somado na janela / MRR inicial somado na janela (agregado)",
                 "el movimiento sumado en la ventana / MRR inicial sumado en la ventana (agregado)"),
    "how.nrr": ("MRR now of the accounts paying 12 months ago / their MRR then (Data_accounts); 100% without any",
                "MRR atual das contas pagantes há 12 meses / o MRR delas então (Data_accounts); 100% se não houver",
                "MRR actual de las cuentas que pagaban hace 12 meses / su MRR entonces (Data_accounts); 100% si no "
                "hay"),
    "how.sbg": ("fitted by csxl when the workbook was filled (maximum likelihood over the cohorts of Data_cohorts, "
                "Fader & Hardie 2007); not live: refit with CS_SBG_FIT or Solver, or override",
                "ajustado pelo csxl ao preencher a pasta (máxima verossimilhança nas coortes de Data_cohorts, Fader "
                "& Hardie 2007); não é dinâmico: reajuste com CS_SBG_FIT ou Solver, ou substitua",
                "ajustado por csxl al llenar el libro (máxima verosimilitud en las cohortes de Data_cohorts, Fader "
                "& Hardie 2007); no es dinámico: reajuste con CS_SBG_FIT o Solver, o reemplace"),
})

OVERRIDDEN = PatternFill("solid", fgColor="FCE4D6")  # the used value is the reader's, not the measured one
USED_FONT = Font(bold=True, color=INK)
HELPER_COL = 8  # hidden: where the window starts
MIDDLE = Alignment(wrap_text=True, vertical="center")


@dataclass(frozen=True)
class Driver:
    """One driver row: the name its used cell goes under, its label and unit keys, format and calculation."""

    name: str
    key: str
    fmt: str
    how: str
    calculated: Callable[[Tables], str] | None  # None: a value csxl writes at filling (under <name>Fit)


def _window(d: Tables, column: str) -> str:
    """The sum of a bridge column over the months after WindowStart, to the as-of month."""
    month = d("bridge", "month")
    return f'SUMIFS({d("bridge", column)},{month},">"&WindowStart,{month},"<="&AsOf)'


def _rate(column: str) -> Callable[[Tables], str]:
    return lambda d: f'={_window(d, column)}/{_window(d, "start_mrr")}'


def _nrr(d: Tables) -> str:
    base, now = d("accounts", "mrr_year_ago"), d("accounts", "mrr_now")
    return f'=IF(SUM({base})=0,1,SUMIFS({now},{base},">0")/SUM({base}))'


DRIVERS = (
    Driver("NewMRR", "new_mrr_month", "money", "how.new",
           lambda d: f'=({_window(d, "new")}+{_window(d, "reactivation")})/WindowMonths'),
    Driver("ExpansionRate", "expansion_rate", "0.00%", "how.rate", _rate("expansion")),
    Driver("ContractionRate", "contraction_rate", "0.00%", "how.rate", _rate("contraction")),
    Driver("ChurnRate", "churn_rate", "0.00%", "how.rate", _rate("churn")),
    Driver("CurrentNRR", "current_nrr", "percent", "how.nrr", _nrr),
    # a near-constant churn drives alpha and beta to very large values: show them in scientific notation
    Driver("Alpha", "alpha", "[>=100000]0.00E+00;0.0000", "how.sbg", None),
    Driver("Beta", "beta", "[>=100000]0.00E+00;0.0000", "how.sbg", None),
)


def drivers_sheet(ws: Worksheet, locale: Locale, d: Tables) -> Anchors:
    """The window, then one row per driver (calculated, override, used, how). Anchors: "window_from", "window_to",
    "window_months", and per driver "<name>" (used), "<name>.calculated", "<name>.override"."""
    title(ws, locale("sheet.drivers"), locale("drivers.subtitle"))
    month = d("bridge", "month")
    a = lines(ws, 4, [
        SheetLine("window_from", locale("window_from"), "=EDATE(WindowStart,1)", locale.month),
        SheetLine("window_to", locale("window_to"), "=AsOf", locale.month),
        SheetLine("window_months", locale("window_months"), f'=COUNTIFS({month},">"&WindowStart,{month},"<="&AsOf)',
                  locale.integer, name="WindowMonths"),
    ])
    # the window starts after the first month of the data, whose MRR is all new (a hidden helper cell)
    start = Anchor(ws, a["window_from"].row, HELPER_COL)
    formula(ws, start.local, f"=MAX(EDATE(AsOf,-TrailingMonths),MIN({month}))", locale.month)
    start.define(ws.parent, "WindowStart")
    ws.column_dimensions[start.letter].hidden = True
    top = a["window_months"].row + 2
    header_row(ws, top, 1, [locale("driver"), locale("calculated"), locale("override"), locale("used"),
                            locale("unit"), locale("how")])
    formats = {"money": locale.money, "percent": locale.percent}
    for i, driver in enumerate(DRIVERS, start=1):
        r = top + i
        calculated, override, used = (Anchor(ws, r, c) for c in (2, 3, 4))
        fmt = formats.get(driver.fmt, driver.fmt)
        label(ws, f"A{r}", locale(driver.key))
        if driver.calculated:
            formula(ws, calculated.local, driver.calculated(d), fmt)
            calculated.define(ws.parent, f"{driver.name}Calc")
        else:
            ws[calculated.local].number_format = fmt
            calculated.define(ws.parent, f"{driver.name}Fit")
        mark_input(ws[override.local]).number_format = fmt
        override.define(ws.parent, f"{driver.name}Override")
        formula(ws, used.local, f'=IF({override.local}="",{calculated.local},{override.local})', fmt, USED_FONT)
        if driver.fmt == "money":
            formula(ws, f"E{r}", CURRENCY_UNIT)  # the book's currency, which filling a template may change
        else:
            label(ws, f"E{r}", locale("fraction") if driver.calculated else locale("unit.sbg"))
        label(ws, f"F{r}", locale(driver.how), SUBTITLE)
        for cell in ws[r]:
            cell.alignment = MIDDLE
        ws.row_dimensions[r].height = 30
        a[f"{driver.name}.calculated"], a[f"{driver.name}.override"] = calculated, override
        a[driver.name] = used.define(ws.parent, driver.name)
    first, last = top + 1, top + len(DRIVERS)
    ws.conditional_formatting.add(f"D{first}:D{last}", FormulaRule(formula=[f'C{first}<>""'],
                                                                   fill=OVERRIDDEN))
    a.update(_outcome(ws, last + 2, locale))
    widths(ws, {"A": 38, "B": 18, "C": 18, "D": 20, "E": 22, "F": 80})
    ws.print_area = f"A1:F{a['outcome.renewals'].row}"
    return a


def _outcome(ws: Worksheet, top: int, locale: Locale) -> Anchors:
    """What the used drivers add up to, beside what the renewals expect: the figures a CFO checks them against."""
    label(ws, f"A{top}", locale("drivers.outcome"), BOLD)
    return lines(ws, top + 1, [
        SheetLine("outcome.nrr", locale("implied_nrr"), "=ImpliedNRR", locale.percent, BOLD),
        SheetLine("outcome.arr", locale("forecast_arr"), "=ForecastARR", locale.money, BOLD),
        SheetLine("outcome.churn", locale("drivers.churn_year"), "=ProjectedChurnYear", locale.percent),
        SheetLine("outcome.renewals", locale("drivers.renewal_year"), "=RenewalLossYear", locale.percent),
    ])
