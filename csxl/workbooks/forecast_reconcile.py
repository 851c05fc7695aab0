"""The forecast's Reconciliation sheet: why renewals, the projection and the NRR sensitivity disagree.

Three views of the same book give three numbers: the renewal view expects to
lose what the renewal probabilities by health flag leave out, the projection
churns at the rate measured over the trailing months, and the sensitivity
compounds today's ARR at the cohort NRR with no new customers. csxl keeps the
models apart (each is a definition of its own in `csxl.metrics.forecast`) and
shows them side by side here, with the exact split of the difference
(`csxl.metrics.forecast.reconcile`) and the churn rate the renewals imply,
ready to type as the churn override on Drivers.
"""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from csxl.workbooks.anchors import Anchor, Anchors, Line, lines
from csxl.workbooks.cells import BOLD, SUBTITLE, WRAP, label, title, widths
from csxl.workbooks.labels import Locale, add_labels

add_labels({
    "sheet.reconciliation": ("Reconciliation", "Conciliação", "Conciliación"),
    "reconcile.subtitle": ("Renewals, the MRR projection and the NRR sensitivity side by side, over the horizon",
                           "Renovações, a projeção de MRR e a sensibilidade do NRR lado a lado, no horizonte",
                           "Renovaciones, la proyección de MRR y la sensibilidad del NRR lado a lado, en el "
                           "horizonte"),
    "reconcile.churn": ("Renewals against the projection's churn", "Renovações contra o churn da projeção",
                        "Renovaciones contra el churn de la proyección"),
    "renewing_arr": ("ARR renewing in the horizon (best case)", "ARR a renovar no horizonte (melhor caso)",
                     "ARR a renovar en el horizonte (mejor caso)"),
    "renewal_loss": ("Expected loss at renewal (best case - weighted)",
                     "Perda esperada na renovação (melhor caso - ponderado)",
                     "Pérdida esperada en la renovación (mejor caso - ponderado)"),
    "per_year": ("per year, as a share of ARR today", "por ano, como parte do ARR hoje",
                 "por año, como parte del ARR hoy"),
    "projected_churn": ("ARR the projection churns in the horizon", "ARR que a projeção perde por churn no horizonte",
                        "ARR que la proyección pierde por churn en el horizonte"),
    "churn_gap": ("Renewal loss - projected churn", "Perda na renovação - churn projetado",
                  "Pérdida en la renovación - churn proyectado"),
    "renewal_churn_rate": ("Monthly churn rate the renewals imply", "Taxa de churn mensal implícita nas renovações",
                           "Tasa de churn mensual implícita en las renovaciones"),
    "reconcile.churn_note": ("The projection's churn is measured: the pooled churn rate of the trailing window "
                             "(Drivers). The renewal view applies the renewal probabilities by health flag (Inputs) to "
                             "every renewal in the horizon. A gap means the probabilities are not calibrated on your "
                             "renewal history, or the flags expect more (or less) churn than the last months had: "
                             "calibrate the probabilities, or type the implied rate as the churn override on Drivers "
                             "to project with it.",
                             "O churn da projeção é medido: a taxa agregada da janela móvel (Direcionadores). A "
                             "visão de renovações aplica as probabilidades por farol de saúde (Premissas) a cada "
                             "renovação no horizonte. Uma diferença indica probabilidades não calibradas no seu "
                             "histórico, ou faróis que esperam mais (ou menos) churn que os últimos meses: calibre as "
                             "probabilidades, ou "
                             "digite a taxa implícita como substituto do churn em Direcionadores.",
                             "El churn de la proyección se mide: la tasa agregada de la ventana móvil (Impulsores). La "
                             "vista de renovaciones aplica las probabilidades por semáforo de salud (Premisas) a cada "
                             "renovación del horizonte. Una diferencia indica probabilidades no calibradas con su "
                             "historial, o semáforos que esperan más (o menos) churn que los últimos meses: calibre "
                             "las probabilidades, o escriba la tasa implícita como reemplazo del churn en Impulsores."),
    "reconcile.nrr": ("The NRR sensitivity against the projection, at the end of the horizon",
                      "A sensibilidade do NRR contra a projeção, no fim do horizonte",
                      "La sensibilidad del NRR contra la proyección, al final del horizonte"),
    "base_at_implied": ("Today's base at the projection's implied NRR", "Base de hoje ao NRR implícito da projeção",
                        "Base de hoy al NRR implícito de la proyección"),
    "new_business": ("ARR from new MRR in the horizon", "ARR do MRR novo no horizonte",
                     "ARR del MRR nuevo en el horizonte"),
    "base_at_current": ("Today's base at the current cohort NRR (sensitivity, 0 points)",
                        "Base de hoje ao NRR de coorte atual (sensibilidade, 0 pontos)",
                        "Base de hoy al NRR de cohorte actual (sensibilidad, 0 puntos)"),
    "nrr_gap": ("Difference from the two NRRs", "Diferença entre os dois NRR", "Diferencia entre los dos NRR"),
    "reconcile.nrr_note": ("Projection = today's base compounded at the NRR its monthly rates imply + the ARR of the "
                           "new MRR it adds each month. The sensitivity compounds today's base at the cohort NRR of "
                           "the last 12 months and adds no new customers, so it reads lower by the new business and "
                           "by the difference between the two NRRs (the trailing window against the last 12 months).",
                           "Projeção = base de hoje composta ao NRR implícito das taxas mensais + o ARR do MRR novo "
                           "que ela soma a cada mês. A sensibilidade compõe a base de hoje ao NRR de coorte dos "
                           "últimos 12 meses e não soma clientes novos: fica abaixo pelo negócio novo e pela "
                           "diferença entre os dois NRR (janela móvel contra os últimos 12 meses).",
                           "Proyección = base de hoy compuesta al NRR implícito de las tasas mensuales + el ARR del "
                           "MRR nuevo que suma cada mes. La sensibilidad compone la base de hoy al NRR de cohorte de "
                           "los últimos 12 meses y no suma clientes nuevos: queda abajo por el negocio nuevo y por la "
                           "diferencia entre los dos NRR (ventana móvil contra los últimos 12 meses)."),
})


def reconciliation_sheet(ws: Worksheet, locale: Locale, churn: Anchor) -> Anchors:
    """Both blocks; `churn` is the selected scenario's churn line of the projection. Every figure is named (the
    names of `csxl.metrics.forecast.Reconciliation`, in CamelCase)."""
    title(ws, locale("sheet.reconciliation"), locale("reconcile.subtitle"))
    money, percent = locale.money, locale.percent
    label(ws, "A4", locale("reconcile.churn"), BOLD)
    a = lines(ws, 5, [
        Line("arr_today", locale("arr_now"), "=12*StartMRR", money),
        Line("renewing_arr", locale("renewing_arr"), "=BestCaseRenewalARR", money),
        Line("renewal_loss", locale("renewal_loss"), "=BestCaseRenewalARR-WeightedRenewalARR", money, BOLD,
             "RenewalLoss"),
        Line("renewal_loss_year", locale("per_year"),
             lambda a: f'=IFERROR({a["renewal_loss"].local}/{a["arr_today"].local}*12/Horizon,"")', percent,
             name="RenewalLossYear"),
        Line("projected_churn", locale("projected_churn"), f"=12*SUM({churn.ref})", money, BOLD, "ProjectedChurn"),
        Line("projected_churn_year", locale("per_year"),
             lambda a: f'=IFERROR({a["projected_churn"].local}/{a["arr_today"].local}*12/Horizon,"")', percent,
             name="ProjectedChurnYear"),
        Line("churn_gap", locale("churn_gap"), lambda a: f'={a["renewal_loss"].local}-{a["projected_churn"].local}',
             money),
        Line("renewal_churn_rate", locale("renewal_churn_rate"),
             lambda a: f'=IFERROR({a["renewal_loss"].local}/({a["arr_today"].local}*Horizon),"")', "0.00%", BOLD,
             "RenewalChurnRate"),
    ])
    note = a["renewal_churn_rate"].row + 1
    _note(ws, note, locale("reconcile.churn_note"))
    top = note + 2
    label(ws, f"A{top}", locale("reconcile.nrr"), BOLD)
    a.update(lines(ws, top + 1, [
        Line("forecast_arr", locale("forecast_arr"), "=ForecastARR", money, BOLD),
        Line("base_at_implied", locale("base_at_implied"), lambda b: f"={a['arr_today'].local}*ImpliedNRR^(Horizon/12)",
             money, name="BaseAtImpliedNRR"),
        Line("new_business", locale("new_business"), lambda b: f"=ForecastARR-{b['base_at_implied'].local}", money,
             name="NewBusinessARR"),
        Line("base_at_current", locale("base_at_current"), lambda b: f"={a['arr_today'].local}*CurrentNRR^(Horizon/12)",
             money, BOLD, "BaseAtCurrentNRR"),
        Line("nrr_gap", locale("nrr_gap"), lambda b: f"={b['base_at_implied'].local}-{b['base_at_current'].local}",
             money),
    ]))
    _note(ws, a["nrr_gap"].row + 1, locale("reconcile.nrr_note"))
    widths(ws, {"A": 58, "B": 20})
    return a


def _note(ws: Worksheet, row: int, words: str) -> None:
    cell = label(ws, f"A{row}", words, SUBTITLE)
    cell.alignment = WRAP
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    ws.row_dimensions[row].height = 75
