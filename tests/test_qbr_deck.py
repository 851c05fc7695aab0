"""The QBR as a customer deck: its pages and their order, the vendor's sheets marked internal, deck formats as
LibreOffice shows them, print pages, the charts' data, what the CSM typed kept on refilling, and rows appended
to a Data table flowing through."""

import datetime as dt

import openpyxl
import pandas as pd
import pytest
from openpyxl.chart import BarChart, LineChart
from openpyxl.utils.cell import coordinate_from_string

from csxl.workbooks.anchors import named
from csxl.workbooks.cells import is_internal
from csxl.workbooks.files import atomic_save
from csxl.workbooks.jobs import QbrJob, build_qbr
from csxl.workbooks.labels import LANGUAGES, Locale
from csxl.workbooks.libreoffice import convert
from csxl.workbooks.qbr import CUSTOMER_SHEETS, KIND, qbr_template
from tests.books import ACCOUNT, small_book
from tests.parity import REGISTRY, Case
from tests.test_parity import shown

AS_OF = pd.Timestamp("2026-09-01")
# LibreOffice's CSV filter: comma, double quotes, UTF-8, cells written as they are shown (formats applied)
AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"


@pytest.fixture(scope="module")
def book():
    return small_book()


@pytest.fixture(scope="module")
def built(book, tmp_path_factory):
    """The account's QBR in English as csxl writes it, and a copy with a health row appended to its table as
    Excel appends one (the table grows by a row; nothing else is touched), both recalculated by LibreOffice."""
    folder = tmp_path_factory.mktemp("deck")
    path = atomic_save(build_qbr(book, ACCOUNT, QbrJob(AS_OF, Locale("en")))[0], folder / "qbr.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = next(ws for ws in wb.worksheets if "t_health" in ws.tables)
    table = ws.tables["t_health"]
    first, last = table.ref.split(":")
    row = ws.max_row + 1
    headers = [c.value for c in ws[1]]
    typed = {"customer_id": ACCOUNT, "month": AS_OF.to_pydatetime(), "active_users": 0, "licensed_seats": 0,
             "logins": 0, "support_tickets": 4, "sla_breaches": 3}
    for column, name in enumerate(headers, start=1):
        ws.cell(row, column, typed[name])
    table.ref = f"{first}:{last.rstrip('0123456789')}{row}"
    appended = folder / "appended.xlsx"
    wb.save(appended)
    calculated = dict(zip(("written", "appended"), convert([path, appended], folder / "calc")))
    return {"path": path, **calculated}


def test_the_customer_pages_come_first_and_every_other_sheet_is_marked_internal():
    for lang in LANGUAGES:
        locale = Locale(lang)
        wb = qbr_template(locale)
        titles = [ws.title for ws in wb.worksheets]
        customer = [ws.title for ws in wb.worksheets if not is_internal(ws)]
        assert customer == [locale(f"sheet.{key}") for key in CUSTOMER_SHEETS]
        assert titles[:len(customer)] == customer  # the internal sheets all come after them
        for ws in wb.worksheets[len(customer):]:
            if ws.sheet_state == "visible":  # the internal sheets a reader sees say so in a line of their own
                assert locale("internal") in [ws.cell(r, 1).value for r in (1, 2, 3)], ws.title
            else:
                assert ws.tables, ws.title  # only the Data sheets are hidden
        assert sum(ws.sheet_state == "visible" for ws in wb.worksheets[len(customer):]) == 4


def test_internal_marks_survive_libreoffice(built):
    wb = openpyxl.load_workbook(built["written"])
    locale = Locale("en")
    assert [ws.title for ws in wb.worksheets if not is_internal(ws)] == [locale(f"sheet.{k}") for k in CUSTOMER_SHEETS]


def test_every_customer_page_prints_landscape_with_its_row_labels_and_charts(built):
    wb = openpyxl.load_workbook(built["path"])
    layout = KIND.layout(Locale("en")).wb
    for key in CUSTOMER_SHEETS:
        ws = wb[Locale("en")(f"sheet.{key}")]
        assert ws.page_setup.orientation == "landscape", key
        assert ws.print_title_cols == "$A:$A", key
        assert ws.sheet_properties.pageSetUpPr.fitToPage, key
        area = ws.print_area.split("!")[-1].replace("$", "")
        last_row = openpyxl.utils.cell.range_boundaries(area)[3]
        for chart in layout[ws.title]._charts:  # every chart of the page starts inside its print area
            assert coordinate_from_string(chart.anchor)[1] < last_row, (key, chart.anchor, area)
    assert wb[Locale("en")("sheet.mrr")].page_setup.fitToWidth == 2  # 25 months over two pages wide


def test_deck_formats_as_libreoffice_shows_the_summary(book, built, tmp_path):
    summary = convert([built["path"]], tmp_path, AS_SHOWN)[0].read_text(encoding="utf-8").splitlines()
    rows = {line.split(",")[0]: line.split(",") for line in summary}
    locale = Locale("en")
    case = Case(book, AS_OF, locale, ACCOUNT)
    outputs = REGISTRY["qbr"]
    mrr, arr = outputs["MRR"](case), outputs["ARR"](case)
    symbol = locale.money.split('"')[1]
    assert rows[locale("mrr")][1] == f"{symbol}{mrr / 1000:,.1f}K"  # thousands, one decimal, no cents
    assert rows[locale("arr")][1] == f"{symbol}{arr / 1000:,.1f}K"
    nrr_change = outputs["NrrChangeQuarter"](case)
    assert rows[locale("nrr")][2] == f"{nrr_change:+.1f} pp"  # a change of a rate in percentage points
    assert rows[locale("mrr")][2] == f"{100 * outputs['MrrChangeQuarter'](case):+.1f}%"
    nps = outputs["NPS"](case)
    assert rows[locale("nps")][1] == f"{nps:.0f}" and rows[locale("nps")][2] == f"n = {len(case.window('nps'))}"


def test_the_mrr_bridge_draws_losses_below_zero(built):
    layout = KIND.layout(Locale("en"))
    mrr = layout.anchors["mrr"]
    bridge = next(c for c in mrr["total"].ws._charts if isinstance(c, BarChart))
    assert bridge.grouping == "stacked"
    plotted = {s.val.numRef.f for s in bridge.series}
    assert {mrr["contraction_below"].ref, mrr["churn_below"].ref, mrr["expansion"].ref} <= plotted
    assert mrr["contraction"].ref not in plotted and mrr["churn"].ref not in plotted
    wb = openpyxl.load_workbook(built["written"], data_only=True)
    values = lambda key: [wb[mrr[key].ws.title][c.local].value for c in mrr[key].cells()]  # noqa: E731
    for line in ("contraction", "churn"):
        assert values(f"{line}_below") == [-v for v in values(line)]
    assert min(values("churn_below") + values("contraction_below")) < 0  # the book does lose MRR in the window


def test_a_row_appended_to_a_data_table_flows_through(book, built):
    case = Case(book, AS_OF, Locale("en"), ACCOUNT)
    before = {name: REGISTRY["qbr"][name](case) for name in ("SlaBreachesQuarter", "TicketsQuarter")}
    written, appended = (openpyxl.load_workbook(built[k], data_only=True) for k in ("written", "appended"))
    assert shown(written, "SlaBreachesQuarter") == before["SlaBreachesQuarter"]
    assert shown(appended, "SlaBreachesQuarter") == before["SlaBreachesQuarter"] + 3
    assert shown(appended, "TicketsQuarter") == before["TicketsQuarter"] + 4
    assert str(int(before["SlaBreachesQuarter"] + 3)) in shown(appended, "Highlights")[2]


def test_unused_product_rows_are_hidden(book):
    wb, _ = build_qbr(book, ACCOUNT, QbrJob(AS_OF, Locale("pt-BR")))
    products = book.mrr["product"].nunique()
    for name in ("ProductNames", "MrrProducts"):
        area = named(wb, name)
        hidden = [area.ws.row_dimensions[r].hidden for r in range(area.row, area.bottom + 1)]
        assert hidden == [False] * products + [True] * (len(hidden) - products), name


def test_what_the_csm_typed_is_kept_when_the_template_is_refilled(book, tmp_path):
    locale = Locale("pt-BR")
    wb, _ = build_qbr(book, ACCOUNT, QbrJob(AS_OF, locale))
    steps = named(wb, "NextSteps")
    typed = {}
    for i, row in enumerate(range(steps.row, steps.row + 2)):
        for col, item in zip(range(steps.col, steps.right + 1),
                             (f"Treinar equipe {i}", "Ana Souza", dt.datetime(2026, 11, 30), locale("step.open"))):
            typed[(steps.ws.title, row, col)] = item
    for name, words in (("Wins", "Analytics adotado"), ("Risks", "Orçamento 2027"), ("Asks", "Patrocínio do CFO")):
        box = named(wb, name)
        typed[(box.ws.title, box.row, box.col)] = words
    for (sheet, row, col), item in typed.items():
        wb[sheet].cell(row, col).value = item
    template = atomic_save(wb, tmp_path / "last_quarter.xlsx")
    next_quarter = pd.Timestamp("2026-06-01")  # a refill with other data: here an earlier quarter
    refilled, _ = build_qbr(book, ACCOUNT, QbrJob(next_quarter, locale, template=template))
    saved = openpyxl.load_workbook(atomic_save(refilled, tmp_path / "this_quarter.xlsx"))
    assert {key: saved[key[0]].cell(key[1], key[2]).value for key in typed} == typed
    (sheet, cell), = saved.defined_names["AsOf"].destinations
    assert saved[sheet][cell.replace("$", "")].value == next_quarter.to_pydatetime()


def chart_references(wb, name, kind):
    """The value references and the category references of the `kind` charts on the sheet of the defined name
    `name` (LibreOffice may write a row of months as multi-level categories)."""
    values, categories = [], []
    for chart in (c for c in named(wb, name).ws._charts if isinstance(c, kind)):
        for series in chart.series:
            values.append(series.val.numRef.f)
            cat = series.cat and (series.cat.numRef or series.cat.strRef or series.cat.multiLvlStrRef)
            if cat:
                categories.append(cat.f)
    return values, categories


def referenced_values(wb, reference):
    """The cell values a chart reference (a range or a union of ranges, as Excel and LibreOffice write them)
    covers, in order."""
    values = []
    for part in reference.strip("()").split(","):
        sheet, area = part.rsplit("!", 1)
        values += [c.value for row in wb[sheet.strip("'")][area.replace("$", "")] for c in row]
    return values


@pytest.fixture(scope="module")
def started_late(book, tmp_path_factory):
    """A QBR of an account without one of the book's products (Automation, between the other two in the book's
    order), and one of an account whose MRR and health rows start in April 2026, six months before AS_OF; both
    as written and as LibreOffice recalculates and saves them."""
    folder = tmp_path_factory.mktemp("charts")
    late = pd.Timestamp("2026-04-01")
    data = small_book()
    data.mrr = data.mrr[(data.mrr["customer_id"] != ACCOUNT) | (data.mrr["month"] >= late)]
    data.health = data.health[(data.health["customer_id"] != ACCOUNT) | (data.health["month"] >= late)]
    paths = [atomic_save(build_qbr(book, "ZEBRA-5521", QbrJob(AS_OF, Locale("en")))[0], folder / "zebra.xlsx"),
             atomic_save(build_qbr(data, ACCOUNT, QbrJob(AS_OF, Locale("en")))[0], folder / "late.xlsx")]
    calculated = convert(paths, folder / "calc")
    found = {key: (openpyxl.load_workbook(path), openpyxl.load_workbook(calc, data_only=True))
             for key, path, calc in zip(("zebra", "late"), paths, calculated)}
    return {**found, "files": dict(zip(("zebra", "late"), paths))}


def test_the_products_chart_shows_the_customers_products_only(book, started_late):
    m = book.mrr
    owned = set(m.loc[(m["customer_id"] == "ZEBRA-5521") & (m["month"] == AS_OF) & (m["mrr"] > 0), "product"])
    assert owned == {"Analytics", "Core"}  # the book also has Automation, listed between them
    for wb in started_late["zebra"]:  # as csxl writes it, and after LibreOffice saved it
        (values,), (categories,) = chart_references(wb, "ProductNames", BarChart)
        if wb is started_late["zebra"][1]:
            assert sorted(referenced_values(wb, categories)) == sorted(owned)
            assert all(v > 0 for v in referenced_values(wb, values))
        assert len(referenced_values(wb, categories)) == len(referenced_values(wb, values)) == len(owned)


def test_monthly_lines_start_in_the_first_month_the_customer_has_data(started_late):
    written, calculated = started_late["late"]
    for name, months in (("MrrProducts", 6), ("AdoptionUsers", 6), ("HealthScore", 6)):
        for wb in (written, calculated):
            values, categories = chart_references(wb, name, LineChart)
            assert values and categories, name
            for reference in values + categories:
                assert len(referenced_values(wb, reference)) == months, (name, reference)
        categories = chart_references(calculated, name, LineChart)[1][0]
        assert referenced_values(calculated, categories)[0] == dt.datetime(2026, 4, 1), name


def test_a_refilled_workbook_fits_its_charts_to_the_new_data_again(book, started_late, tmp_path):
    """Both files refilled with the whole book for the account that has every product from the first month:
    the charts cut for the earlier data cover the whole window and every product again."""
    products = book.mrr["product"].nunique()
    for key in ("zebra", "late"):
        job = QbrJob(AS_OF, Locale("en"), template=started_late["files"][key])
        wb = openpyxl.load_workbook(atomic_save(build_qbr(book, ACCOUNT, job)[0], tmp_path / f"{key}.xlsx"))
        (values,), (categories,) = chart_references(wb, "ProductNames", BarChart)
        assert len(referenced_values(wb, values)) == len(referenced_values(wb, categories)) == products, key
        for name, months in (("MrrProducts", 24), ("AdoptionUsers", 12), ("HealthScore", 12)):
            values, categories = chart_references(wb, name, LineChart)
            assert [len(referenced_values(wb, r)) for r in values + categories] == [months] * len(values + categories)


def _amount_axes(wb):
    return [chart.y_axis.numFmt.formatCode for ws in wb.worksheets for chart in ws._charts
            if chart.y_axis.numFmt is not None and chart.y_axis.numFmt.formatCode.endswith(",;0")]


def test_amount_axes_show_a_decimal_for_an_account_under_ten_thousand_a_month(book, tmp_path):
    """An axis in whole thousands over an account of 2,180 a month reads 2, 2, 2: below 10,000 it has one decimal;
    a refilled template of a larger account goes back to whole thousands."""
    assert book.mrr[book.mrr["customer_id"] == ACCOUNT].groupby("month")["mrr"].sum().max() < 10_000
    small = atomic_save(build_qbr(book, ACCOUNT, QbrJob(AS_OF, Locale("pt-BR")))[0], tmp_path / "small.xlsx")
    axes = _amount_axes(openpyxl.load_workbook(small))
    assert len(axes) == 3 and set(axes) == {"#,##0.0,;-#,##0.0,;0"}  # MRR, bridge, products
    large = small_book()
    large.mrr = large.mrr.assign(mrr=large.mrr["mrr"] * 100)
    job = QbrJob(AS_OF, Locale("pt-BR"), template=small)
    assert set(_amount_axes(build_qbr(large, ACCOUNT, job)[0])) == {"#,##0,;-#,##0,;0"}


def test_the_total_mrr_line_starts_from_zero(book):
    wb, _ = build_qbr(book, ACCOUNT, QbrJob(AS_OF, Locale("en")))
    (chart,) = [c for c in named(wb, "MrrProducts").ws._charts if isinstance(c, LineChart)]
    assert chart.y_axis.scaling.min == 0


def _mrr_sheet(wb):
    return named(wb, "MrrProducts").ws


def _chart_box(ws, chart):
    """(first column, first row, width cm, height cm) of a chart as written or as read back."""
    if isinstance(chart.anchor, str):
        letters, row = coordinate_from_string(chart.anchor)
        return openpyxl.utils.column_index_from_string(letters), row, chart.width, chart.height
    a = chart.anchor
    return a._from.col + 1, a._from.row + 1, a.ext.width / 360_000, a.ext.height / 360_000


def test_the_mrr_history_of_a_late_customer_starts_in_its_first_month_on_one_page(started_late):
    """The account starts in April 2026: the 19 month columns before it (Sep 2024 to Mar 2026) are hidden, the
    six left print one page wide, and the bridge sits under the MRR line instead of beside it."""
    written, calculated = started_late["late"]
    ws = _mrr_sheet(written)
    months = [ws.cell(4, c) for c in range(2, 27)]
    hidden = [ws.column_dimensions[cell.column_letter].hidden for cell in months]
    assert hidden == [True] * 19 + [False] * 6
    shown = [_mrr_sheet(calculated).cell(4, c.column).value for c, h in zip(months, hidden) if not h]
    assert shown[0] == dt.datetime(2026, 4, 1) and shown[-1] == dt.datetime(2026, 9, 1)
    assert ws.page_setup.fitToWidth == 1
    (line,) = [c for c in ws._charts if isinstance(c, LineChart)]
    (bridge,) = [c for c in ws._charts if isinstance(c, BarChart)]
    line_col, line_row, line_width, line_height = _chart_box(ws, line)
    bridge_col, bridge_row, bridge_width, bridge_height = _chart_box(ws, bridge)
    assert line_col == bridge_col == 21  # column U, April 2026
    months_cm = sum(ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width * 0.19 for c in range(21, 27))
    assert max(line_width, bridge_width) <= months_cm  # within the six months' columns, not past the print area
    assert bridge_row >= line_row + line_height / 0.53  # below the line, not over it
    last_row = int(ws.print_area.rsplit("$", 1)[-1])
    assert last_row >= bridge_row + bridge_height / 0.53 - 1


def test_a_whole_history_prints_two_pages_wide_each_chart_under_its_half(book):
    wb, _ = build_qbr(book, ACCOUNT, QbrJob(AS_OF, Locale("en")))
    ws = _mrr_sheet(wb)
    assert not any(ws.column_dimensions[openpyxl.utils.get_column_letter(c)].hidden for c in range(2, 27))
    assert ws.page_setup.fitToWidth == 2
    (line,) = [c for c in ws._charts if isinstance(c, LineChart)]
    (bridge,) = [c for c in ws._charts if isinstance(c, BarChart)]
    line_col, line_row, line_width, _ = _chart_box(ws, line)
    bridge_col, bridge_row, _, _ = _chart_box(ws, bridge)
    assert line_row == bridge_row and line_col == 2 and bridge_col == 2 + 13  # 13 months under the line
    columns_cm = sum(ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width * 0.19 for c in range(2, 15))
    assert line_width <= columns_cm  # the line ends before the bridge begins


def test_refilling_a_late_customers_qbr_with_a_whole_history_shows_every_month_again(book, started_late, tmp_path):
    job = QbrJob(AS_OF, Locale("en"), template=started_late["files"]["late"])
    wb = openpyxl.load_workbook(atomic_save(build_qbr(book, ACCOUNT, job)[0], tmp_path / "refilled.xlsx"))
    ws = _mrr_sheet(wb)
    assert not any(ws.column_dimensions[openpyxl.utils.get_column_letter(c)].hidden for c in range(2, 27))
    assert ws.page_setup.fitToWidth == 2
    boxes = sorted(_chart_box(ws, c)[:2] for c in ws._charts)
    assert boxes[0][1] == boxes[1][1] and boxes[1][0] - boxes[0][0] == 13  # side by side again
