"""The QBR's success plan page (value and goals, for the customer) and the account's pipeline (internal)."""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from csxl.data.schema import OPPORTUNITY_TYPES, STAGES
from csxl.metrics.expansion import CLOSED_STAGES, OPEN_STAGES
from csxl.workbooks.anchors import Anchor, Anchors, column_span
from csxl.workbooks.cells import BOLD, TOP_RULE, WRAP, col, formula, header_row, label, title, widths
from csxl.workbooks.charts import bar_chart
from csxl.workbooks.formulas import exact, one_of, sum_where, text
from csxl.workbooks.labels import Locale
from csxl.workbooks.qbr_tables import GOAL_ROWS, GOAL_STATUSES, D

_GOAL_COLUMNS = ["goal", "kpi", "baseline", "target", "actual", "progress", "delivered", "due_date", "status"]


def plan_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """Value and goals: the success plan's goals with their progress from baseline to target
    (`csxl.metrics.review.goal_progress`) and what was delivered since the baseline, in the goal's own unit.
    Anchors: one column area per goal column; progress named GoalProgress."""
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
                formula(ws, at["delivered"], f'=IF(OR({b}="",{x}=""),"",{x}-{b})', '+#,##0.##;-#,##0.##;"-"')
                continue
            if column == "delivered":
                continue
            item = f'INDEX({D("goals", column)},{n})'
            # a known status in the reader's language (compared exactly); any other text as written
            shown = one_of(statuses, item, item) if column == "status" else item
            formula(ws, at[column], f'=IFERROR(IF({item}="","",{shown}),"")', fmts.get(column))
        ws[at["goal"]].alignment = WRAP
    widths(ws, {"A": 44, "B": 24, "C": 12, "D": 12, "E": 12, "F": 11, "G": 16, "H": 13, "I": 14})
    a["progress"].define(ws.parent, "GoalProgress")
    first = a["progress"].cell(0).local
    ws.conditional_formatting.add(a["progress"].local, FormulaRule(formula=[f"AND(ISNUMBER({first}),{first}>=1)"],
                                                                  fill=PatternFill("solid", fgColor="C6EFCE")))
    return a


_EXPANSION_TYPES = tuple(t for t in OPPORTUNITY_TYPES if t != "renewal")


def opportunities_sheet(ws: Worksheet, locale: Locale) -> Anchors:
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

