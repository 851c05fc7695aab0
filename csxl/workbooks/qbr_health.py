"""The QBR's health and survey pages: the health score with its components and trend (internal: how the vendor
scores the account), and the voice of the customer (NPS, CSAT, CES with their answers, the latest comments).

The health score restates `csxl.metrics.health` (components, weighted score, flag) over the Adoption and
Support sheets' monthly signals; the surveys restate `csxl.metrics.surveys` with the small-sample rule
(`formulas.reported`).
"""

from __future__ import annotations

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from csxl.workbooks.anchors import Anchor, Anchors, Line, column_span, lines, row_span
from csxl.workbooks.cells import BOLD, KPI_FONT, SUBTITLE, WRAP, col, formula, header_row, label, title, widths
from csxl.workbooks.charts import bar_chart, gapped, line_chart, titled
from csxl.workbooks.colours import band_colours, flag_colours
from csxl.workbooks.formulas import (
    health_components,
    health_flag,
    health_score,
    nps,
    nps_counts,
    nps_margin,
    nrr_band,
    reported,
    text,
    window_criteria,
)
from csxl.workbooks.labels import Locale
from csxl.workbooks.qbr_tables import COMMENT_ROWS, HEALTH_MONTHS, D
from csxl.workbooks.qbr_usage import SIGNALS

_COMPONENTS = ["adoption", "engagement", "support"]
WEIGHTS = {"adoption": "WeightAdoption", "engagement": "WeightEngagement", "support": "WeightSupport"}


def health_sheet(ws: Worksheet, locale: Locale, usage: Anchors) -> Anchors:
    """The health score now (components, weights, score, flag, and the NRR band beside them) and its trend by
    month, from the signals of the Adoption and Support sheets (`usage`: "has_data" and each signal's line).

    Anchors: "months", "has_data", each signal and component, "score" (lines over the months), "score_now",
    "flag", "nrr_band".
    """
    title(ws, locale("title.health"))
    formula(ws, "A2", "=Account", font=Font(italic=True))
    header = 12
    first, last = 2, 1 + HEALTH_MONTHS
    a = Anchors({"months": row_span(ws, header, first, last), "has_data": row_span(ws, header + 1, first, last)})
    for i, signal in enumerate(SIGNALS):
        a[signal] = row_span(ws, header + 2 + i, first, last)
    for i, component in enumerate(_COMPONENTS):
        a[component] = row_span(ws, header + 3 + len(SIGNALS) + i, first, last)
    a["score"] = row_span(ws, a["support"].row + 1, first, last)
    label(ws, f"A{header - 1}", locale("trend"), BOLD)
    label(ws, f"A{header}", locale("month"), BOLD)
    grey = Font(italic=True, color="808080")
    label(ws, f"A{a['has_data'].row}", locale("answers"), grey)
    for key in (*SIGNALS, *_COMPONENTS):
        label(ws, f"A{a[key].row}", locale(key))
    label(ws, f"A{a['score'].row}", locale("health_score"), BOLD)
    for k, month in enumerate(a["months"].cells()):
        formula(ws, month.local, f"=EDATE(AsOf,{k + 1 - HEALTH_MONTHS})", locale.month, BOLD)
        at = {key: a[key].cell(k).local for key in ("has_data", *SIGNALS, *_COMPONENTS, "score")}
        formula(ws, at["has_data"], f"={usage['has_data'].cell(k).ref}", "0", grey)
        for signal in SIGNALS:
            formula(ws, at[signal], f"={usage[signal].cell(k).ref}", locale.integer)
        for component, expression in health_components(at).items():
            formula(ws, at[component], expression, locale.number)
        formula(ws, at["score"], "=" + health_score(at), locale.number, BOLD)

    header_row(ws, 4, 1, [locale("component"), locale("weight"), locale("score")])
    for i, component in enumerate(_COMPONENTS):
        r = 5 + i
        label(ws, f"A{r}", locale(component))
        formula(ws, f"B{r}", f"={WEIGHTS[component]}", "0.00")
        formula(ws, f"C{r}", f"={a[component].cell(-1).local}", locale.number)
    now = lines(ws, 5 + len(_COMPONENTS), [
        Line("score_now", locale("health_score"), f"={a['score'].cell(-1).local}", locale.number, KPI_FONT,
             "HealthScore"),
        Line("flag", locale("health_flag"),
             lambda b: "=" + health_flag(b["score_now"].local, f"INDEX({D('customer', 'status')},1)", locale),
             font=KPI_FONT, name="HealthFlag"),
        Line("nrr_band", locale("nrr_band"), "=" + nrr_band("NRR", locale), font=BOLD, name="NrrBand"),
    ], value_col=3, label_font=BOLD)
    a.update(now)
    flag_colours(ws, a["flag"].local, locale)
    band_colours(ws, a["nrr_band"].local, locale)
    widths(ws, {"A": 40, **{col(c): 11 for c in range(first, last + 1)}})
    ws.add_chart(titled(line_chart(locale("health_score"), gapped(ws, a["score"].reference()),
                                   a["months"].reference(), size=(7, 16), y_range=(0, 100)),
                        locale("axis.month"), locale("axis.score"), "0"), f"A{a['score'].row + 3}")
    return a


def voice_sheet(ws: Worksheet, locale: Locale) -> Anchors:
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
    ws.add_chart(titled(bar_chart(locale("distribution"), a["distribution"].grow(top=1).reference(),
                                  a["scores"].reference(), size=(7, 14)), locale("axis.score"),
                        locale("axis.answers"), "0"), "I4")

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

