"""The QBR's revenue pages: MRR by product and month with its movements, and the products the account has.

The MRR grid restates `csxl.metrics.movements` (new, reactivation, expansion,
contraction, churn from month to month) as formulas over the MRR Data table;
the bridge chart stacks each month's gains above zero and its losses below.
"""

from __future__ import annotations

import math

from openpyxl import Workbook
from openpyxl.chart import BarChart
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from csxl.workbooks.anchors import Anchor, Anchors, column_span, named, row_span
from csxl.workbooks.cells import BOLD, EXCEL_DEFAULT_WIDTH, TOP_RULE, col, formula, header_row, label, title, widths
from csxl.workbooks.charts import bar_chart, below_zero, bridge_chart, line_chart, only_rows, titled
from csxl.workbooks.formulas import exact, sum_where, text
from csxl.workbooks.labels import Locale
from csxl.workbooks.printing import COLUMN_CM, ROW_CM, chart_corner, chart_size_cm, place_chart, print_extent
from csxl.workbooks.qbr_deck import AXIS_THOUSANDS, money_whole
from csxl.workbooks.qbr_tables import HISTORY, PRODUCT_ROWS, D

# The product rows of the MRR grid and of the Products sheet: filling hides the rows the book has no product for.
MRR_PRODUCTS, PRODUCT_NAMES = "MrrProducts", "ProductNames"

_MOVEMENTS = ["start_mrr", "had_mrr_before", "new", "reactivation", "expansion", "contraction", "churn", "end_mrr"]


def mrr_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """Products by month, total MRR and the movements of each month.

    Anchors: "months" (the month before the window, then the window), "window" (its months), "products" (the
    product names), "product_mrr" (products x months), "total", "product_gap", each movement line, and the
    charts' hidden helper lines "total_paid", "contraction_below" and "churn_below".
    """
    money = money_whole(locale)
    title(ws, locale("title.mrr"))
    formula(ws, "A2", "=Account", font=Font(italic=True))
    header, first_col = 4, 2  # column B holds the month before the window
    last_col = first_col + HISTORY
    first_product = header + 1
    total = first_product + PRODUCT_ROWS
    a = Anchors({
        "months": row_span(ws, header, first_col, last_col),
        "window": row_span(ws, header, first_col + 1, last_col),
        "products": column_span(ws, 1, first_product, total - 1),
        "product_mrr": Anchor(ws, first_product, first_col, total - 1, last_col),
        "total": row_span(ws, total, first_col, last_col),
        "product_gap": row_span(ws, total + 1, first_col, last_col),
    })
    for offset, line in enumerate(_MOVEMENTS):
        a[line] = row_span(ws, total + 4 + offset, first_col + 1, last_col)

    a["products"].define(ws.parent, MRR_PRODUCTS)
    label(ws, f"A{header}", locale("product"), BOLD)
    months = list(a["months"].cells())
    formula(ws, months[0].local, f"=EDATE(AsOf,-{HISTORY})", locale.month, BOLD)
    for previous, month in zip(months, months[1:]):
        formula(ws, month.local, f"=EDATE({previous.local},1)", locale.month, BOLD)
    mrr, product, month_col = D("mrr", "mrr"), D("mrr", "product"), D("mrr", "month")
    for i, name in enumerate(a["products"].cells()):
        rank = f"ROWS({a['products'].cell(0).a1(absolute=True)}:{name.local})"
        formula(ws, name.local, f'=IFERROR(INDEX({D("products", "product")},{rank}),"")')
        for month, cell in zip(months, a["product_mrr"].row_of(i).cells()):
            m, key = f"{month.letter}${header}", f"${name.local}"
            formula(ws, cell.local, f'=IF({key}="","",{sum_where(mrr, exact(product, key), f"{month_col}={m}")})',
                    money)
    label(ws, f"A{total}", locale("total_mrr"), BOLD)
    for month, cell in zip(months, a["total"].cells()):
        formula(ws, cell.local, f"=ROUND(SUMIFS({mrr},{month_col},{month.letter}${header}),6)", money,
                BOLD).border = TOP_RULE
    # the check's own name, as on the checks sheet: with a "Check:" prefix it would not fit column A
    grey = Font(italic=True, color="808080")
    label(ws, f"A{a['product_gap'].row}", locale("check.products"), grey)
    ws.row_dimensions[a["product_gap"].row].hidden = True  # the Checks sheet reports it
    for c, cell in enumerate(a["product_gap"].cells()):
        products = a["product_mrr"].column_of(c).local
        formula(ws, cell.local, f"=ROUND(SUM({products})-{a['total'].cell(c).local},6)", money, grey)

    label(ws, f"A{a['start_mrr'].row - 1}", locale("movements"), BOLD)
    for line in _MOVEMENTS:
        label(ws, f"A{a[line].row}", locale(line), BOLD if line in ("start_mrr", "end_mrr") else None)
    for k in range(HISTORY):
        at = {line: a[line].cell(k).local for line in _MOVEMENTS}
        s, e, h = at["start_mrr"], a["total"].cell(k + 1).local, at["had_mrr_before"]
        cells = {
            "start_mrr": f"={a['total'].cell(k).local}",
            "had_mrr_before": f'=IF(COUNTIFS({month_col},"<="&{months[k].letter}${header},{mrr},">0")>0,1,0)',
            "new": f"=IF(AND({s}=0,{e}>0,{h}=0),{e},0)",
            "reactivation": f"=IF(AND({s}=0,{e}>0,{h}=1),{e},0)",
            "expansion": f"=IF(AND({s}>0,{e}>{s}),{e}-{s},0)",
            "contraction": f"=IF(AND({s}>0,{e}>0,{e}<{s}),{s}-{e},0)",
            "churn": f"=IF(AND({s}>0,{e}=0),{s},0)",
            "end_mrr": f"={s}+{at['new']}+{at['reactivation']}+{at['expansion']}-{at['contraction']}-{at['churn']}",
        }
        for line, expression in cells.items():
            formula(ws, at[line], expression, "0" if line == "had_mrr_before" else money)
    ws.row_dimensions[a["had_mrr_before"].row].hidden = True  # a helper of new vs reactivation, not for the reader
    widths(ws, {"A": 30, **{col(c): 12 for c in range(first_col, last_col + 1)}})
    ws.freeze_panes = f"B{header + 1}"

    window = a["window"].reference()
    below = a["end_mrr"].row + 2
    # hidden helper rows for the charts, below the charts' place: the total from the customer's first paid month
    # on (#N/A before, so no line runs at zero before the customer started), and the losses as negatives
    helper = below + 18
    a["total_paid"] = row_span(ws, helper, first_col + 1, last_col)
    for k, month in enumerate(a["window"].cells()):
        paid = f'COUNTIFS({month_col},"<="&{month.letter}${header},{mrr},">0")'
        formula(ws, a["total_paid"].cell(k).local, f"=IF({paid}=0,NA(),{a['total'].cell(k + 1).local})")
    ws.row_dimensions[helper].hidden = True
    for line, offset in (("contraction", 1), ("churn", 2)):
        a[f"{line}_below"] = below_zero(ws, a[line], helper + offset)
    total_chart = titled(line_chart(locale("total_mrr"), a["total_paid"].reference(), window, size=(7.5, 26)),
                          locale("axis.month"), locale("axis.amount"), AXIS_THOUSANDS)
    total_chart.y_axis.scaling.min = 0  # from zero: a 4% rise drawn over the chart's whole height would read as a leap
    ws.add_chart(total_chart, f"B{below}")
    gains = {locale(line): a[line].reference() for line in ("new", "reactivation", "expansion")}
    losses = {locale(line): a[f"{line}_below"].reference() for line in ("contraction", "churn")}
    # side by side, one under each half of the months, so that neither is cut by a page break
    ws.add_chart(titled(bridge_chart(locale("bridge"), gains, losses, window), locale("axis.month"),
                        locale("axis.amount"), AXIS_THOUSANDS), f"{a['window'].cell(HISTORY // 2).letter}{below}")
    return a


def products_sheet(ws: Worksheet, locale: Locale, mrr: Anchors) -> Anchors:
    """The products with their MRR now and a year ago. Anchors: "names", "now", "year_ago", "difference",
    "owned", "whitespace" (columns over the product rows) and "total_now"."""
    money = money_whole(locale)
    title(ws, locale("title.products"))
    formula(ws, "A2", "=Account", font=Font(italic=True))
    header_row(ws, 4, 1, [locale("product"), locale("owned"), locale("mrr_now"), locale("mrr_year_ago"),
                          locale("difference"), locale("whitespace")])
    first, last = 5, 4 + PRODUCT_ROWS
    a = Anchors({key: column_span(ws, c, first, last) for c, key in
                 enumerate(("names", "owned", "now", "year_ago", "difference", "whitespace"), start=1)})
    yes, no = text(locale("yes")), text(locale("no"))
    for i in range(PRODUCT_ROWS):
        name, now, ago = (a[k].cell(i).local for k in ("names", "now", "year_ago"))
        source = mrr["product_mrr"].row_of(i)
        formula(ws, name, f"={mrr['products'].cell(i).ref}")
        formula(ws, now, f'=IF({name}="","",{source.cell(-1).ref})', money)
        formula(ws, ago, f'=IF({name}="","",{source.cell(-13).ref})', money)
        formula(ws, a["difference"].cell(i).local, f'=IF({name}="","",{now}-{ago})', money)
        formula(ws, a["owned"].cell(i).local, f'=IF({name}="","",IF({now}>0,{yes},{no}))')
        formula(ws, a["whitespace"].cell(i).local, f'=IF({name}="","",IF({now}>0,"",{yes}))')
    label(ws, f"A{last + 1}", locale("total"), BOLD)
    for key in ("now", "year_ago", "difference"):
        a[f"total_{key}"] = total = a[key].offset(rows=PRODUCT_ROWS).cell(0)
        formula(ws, total.local, f"=SUM({a[key].local})", money, BOLD).border = TOP_RULE
    a["names"].define(ws.parent, PRODUCT_NAMES)
    a["now"].define(ws.parent, "ProductsNow")
    green = PatternFill("solid", fgColor="C6EFCE")
    amber = PatternFill("solid", fgColor="FFEB9C")
    ws.conditional_formatting.add(a["owned"].local, CellIsRule(operator="equal", formula=[yes], fill=green))
    ws.conditional_formatting.add(a["whitespace"].local, CellIsRule(operator="equal", formula=[yes], fill=amber))
    widths(ws, {"A": 28, "B": 12, "C": 16, "D": 18, "E": 14, "F": 16})
    chart = titled(bar_chart(locale("mrr_now"), a["now"].grow(top=1).reference(), a["names"].reference(),
                             horizontal=True), None, locale("axis.amount"), AXIS_THOUSANDS)
    chart.x_axis.scaling.orientation = "maxMin"  # the first product on top, as in the table
    ws.add_chart(chart, f"B{last + 3}")  # below the table: its hidden rows move it up, never past the page
    return a


def hide_unused_product_rows(wb: Workbook, products: int) -> None:
    """Hide the reserved product rows beyond the book's `products`, so that neither the tables, nor the
    charts over them, nor the printed pages show blank products (rows shown again when a book has more)."""
    for name in (MRR_PRODUCTS, PRODUCT_NAMES):
        if name in wb.defined_names:
            area = named(wb, name)
            for k, row in enumerate(range(area.row, area.bottom + 1)):
                area.ws.row_dimensions[row].hidden = k >= products


def chart_owned_products(wb: Workbook, owned: list[int]) -> None:
    """Point the bar charts over the Products sheet's product names at the rows of the products the customer
    has (`owned`: their places in the book's product list; the first row when it has none), so the book's other
    products show no zero bars. A chart whose categories are in the names' column and rows is one of them, cut
    or not by a previous filling."""
    if PRODUCT_NAMES not in wb.defined_names:
        return
    names = named(wb, PRODUCT_NAMES)
    rows = [names.row + i for i in owned] or [names.row]
    for chart in (c for c in names.ws._charts if isinstance(c, BarChart) and c.series and c.series[0].cat):
        reference = chart.series[0].cat.numRef or chart.series[0].cat.strRef
        parts = [range_boundaries(part.rsplit("!", 1)[-1].replace("$", ""))
                 for part in (reference.f.strip("()").split(",") if reference is not None and reference.f else [])]
        if parts and all(c0 == c1 == names.col and names.row <= r0 <= r1 <= names.bottom for c0, r0, c1, r1 in parts):
            only_rows(chart, rows)


ONE_PAGE_MONTHS = 12  # month columns that print on one landscape page beside the row labels
_LAYOUT_WIDTH_CM = 26  # the charts' width as mrr_sheet lays them out


def fit_history(wb: Workbook, skip: int) -> None:
    """The MRR sheet from the customer's first paid month, `skip` months into the window: the month columns
    before it hidden (they stay formulas; a refilling shows them again), at least a quarter kept.

    A customer of seven months would otherwise print a page of dashes before its own. Up to ONE_PAGE_MONTHS
    months print one page wide, the bridge under the MRR line; a longer history prints two pages wide, each
    chart under its half of the months. A chart is as wide as the months it is under (at most as laid out), so
    that neither the print area's edge nor a page break cuts it.
    """
    if MRR_PRODUCTS not in wb.defined_names:
        return
    ws = named(wb, MRR_PRODUCTS).ws
    first_col = 2  # the month before the window, then the window
    hidden = 0 if skip <= 0 else min(skip, HISTORY - 3) + 1
    for c in range(first_col, first_col + HISTORY + 1):
        ws.column_dimensions[col(c)].hidden = c < first_col + hidden
    shown, start = HISTORY + 1 - hidden, first_col + hidden
    one_page = shown <= ONE_PAGE_MONTHS
    ws.page_setup.fitToWidth = 1 if one_page else 2
    lines = [c for c in ws._charts if not isinstance(c, BarChart)]
    bridges = [c for c in ws._charts if isinstance(c, BarChart)]
    if len(lines) != 1 or len(bridges) != 1:  # a team's own charts stay where the team put them
        return
    line, bridge = lines[0], bridges[0]
    row = chart_corner(line)[1]
    if one_page:  # the bridge under the line, both over all the months shown
        below = row + math.ceil(chart_size_cm(line)[1] / ROW_CM) + 1
        spans = ((line, start, shown, row), (bridge, start, shown, below))
    else:  # side by side, each over its half of the months
        half = math.ceil(shown / 2)
        spans = ((line, start, half, row), (bridge, start + half, shown - half, row))
    for chart, first, months, top in spans:
        width = sum((ws.column_dimensions[col(c)].width or EXCEL_DEFAULT_WIDTH) * COLUMN_CM
                    for c in range(first, first + months))
        place_chart(chart, first, top, min(_LAYOUT_WIDTH_CM, width - 1))
    if one_page and ws.print_area:  # down to the bridge, across the months as before
        last_col = range_boundaries(ws.print_area.rsplit("!", 1)[-1].replace("$", ""))[2]
        ws.print_area = f"A1:{col(last_col)}{print_extent(ws)[0]}"
