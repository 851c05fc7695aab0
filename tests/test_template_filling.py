"""Filling a template writes each Data column by name inside the table, wherever the team moved it, and nothing else."""

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.formula.translate import Translator
from openpyxl.packaging.relationship import Relationship
from openpyxl.pivot.cache import CacheDefinition, CacheField, CacheSource, SharedItems, WorksheetSource
from openpyxl.pivot.fields import Index, Number, Text
from openpyxl.pivot.record import Record, RecordList
from openpyxl.pivot.table import DataField, FieldItem, Location, PivotField, RowColField, TableDefinition
from openpyxl.styles import Font
from openpyxl.utils import absolute_coordinate, quote_sheetname
from openpyxl.workbook.external_link.external import (
    ExternalBook,
    ExternalCell,
    ExternalLink,
    ExternalRow,
    ExternalSheetData,
    ExternalSheetDataSet,
    ExternalSheetNames,
)
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableColumn

from csxl.data.demo import demo_dataset
from csxl.errors import CsxlDataError
from csxl.workbooks import forecast, portfolio, qbr
from csxl.workbooks.cells import col
from csxl.workbooks.files import atomic_save
from csxl.workbooks.jobs import QbrJob, build_qbr
from csxl.workbooks.labels import Locale
from csxl.workbooks.libreoffice import convert
from csxl.workbooks.template import DataTable, add_data_sheet, fill_table, open_template
from tests.books import ACCOUNT, small_book
from tests.workbook_values import named_values

EN = Locale("en")
# a calculated column between two data columns: the case that lost the second data column
SPLIT = DataTable("x", (("a", "text"), ("size", "=LEN(A{row})"), ("b", "number")))
FRAME = pd.DataFrame({"b": [10.0, 20.0, 30.0], "a": ["p", "qq", "rrr"]})


def names(wb, table):
    return {c: wb.defined_names[table.column_name(c)].attr_text for c, _ in table.columns}


def grid(ws, area):
    return [[c.value for c in row] for row in ws[area]]


def split_template(tmp_path, edit=None):
    """The SPLIT table exported alone, then edited by `edit(wb, ws, table)` as a team would, saved and reopened."""
    wb = openpyxl.Workbook()
    add_data_sheet(wb, SPLIT, "Data_x", EN)
    path = atomic_save(wb, tmp_path / "exported.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Data_x"]
    if edit:
        edit(wb, ws, ws.tables["t_x"])
    wb.save(tmp_path / "team.xlsx")
    return tmp_path / "team.xlsx"


def test_each_data_column_lands_under_its_own_header():
    wb = openpyxl.Workbook()
    ws = add_data_sheet(wb, SPLIT, "Data_x", EN)
    fill_table(wb, SPLIT, FRAME, EN)
    assert grid(ws, "A1:C4") == [["a", "size", "b"], ["p", "=LEN(A2)", 10.0], ["qq", "=LEN(A3)", 20.0],
                                 ["rrr", "=LEN(A4)", 30.0]]
    assert names(wb, SPLIT) == {"a": "'Data_x'!$A$2:$A$4", "size": "'Data_x'!$B$2:$B$4", "b": "'Data_x'!$C$2:$C$4"}
    assert ws.tables["t_x"].ref == "A1:C4"


def test_a_column_the_template_lost_is_named(tmp_path):
    def rename(wb, ws, table):
        ws["C1"] = "amount"
        table.tableColumns[2].name = "amount"

    path = split_template(tmp_path, rename)
    wb, _ = open_template(path)
    with pytest.raises(CsxlDataError) as err:
        fill_table(wb, SPLIT, FRAME, EN)
    assert str(path) in str(err.value) and "t_x" in str(err.value) and "column named b" in str(err.value)


def test_reordered_columns_and_the_teams_own_column(tmp_path):
    """The team swaps a and b and adds a calculated column of its own: its formula is copied down, as Excel does."""
    def edit(wb, ws, table):
        ws["A1"], ws["C1"], ws["D1"], ws["D2"] = "b", "a", "double", "=A2*2+$E$1"
        ws["B2"] = "=LEN(C2)"
        ws["E1"] = 0.5
        table.ref = "A1:D2"
        table.autoFilter.ref = "A1:D2"
        table.tableColumns[0].name, table.tableColumns[2].name = "b", "a"
        table.tableColumns.append(TableColumn(id=4, name="double"))
        wb.defined_names["D_x_a"].attr_text, wb.defined_names["D_x_b"].attr_text = "'Data_x'!$C$2", "'Data_x'!$A$2"

    wb, _ = open_template(split_template(tmp_path, edit))
    fill_table(wb, SPLIT, FRAME, EN)
    ws = wb["Data_x"]
    assert grid(ws, "A1:E4") == [["b", "size", "a", "double", 0.5], [10.0, "=LEN(C2)", "p", "=A2*2+$E$1", None],
                                 [20.0, "=LEN(C3)", "qq", "=A3*2+$E$1", None],
                                 [30.0, "=LEN(C4)", "rrr", "=A4*2+$E$1", None]]
    assert names(wb, SPLIT) == {"a": "'Data_x'!$C$2:$C$4", "size": "'Data_x'!$B$2:$B$4", "b": "'Data_x'!$A$2:$A$4"}
    assert ws.tables["t_x"].ref == "A1:D4"


def shift(wb, ws, cols=0, rows=0):
    """Shift the tables of `ws` and the defined names over it, as Excel does when cells move under them."""
    for table in ws.tables.values():
        box = CellRange(table.ref)
        box.shift(col_shift=cols, row_shift=rows)
        table.ref = table.autoFilter.ref = box.coord
    for name in list(wb.defined_names):
        destinations = list(wb.defined_names[name].destinations)
        if destinations and destinations[0][0] == ws.title:
            area = CellRange(destinations[0][1].replace("$", ""))
            area.shift(col_shift=cols, row_shift=rows)
            wb.defined_names[name].attr_text = f"{quote_sheetname(ws.title)}!{absolute_coordinate(area.coord)}"


def moved(wb, ws, table, rows=0, cols=0):
    """Move a table as Excel does when the team cuts and pastes it: its formulas and names follow."""
    ws.move_range(table.ref, rows=rows, cols=cols, translate=True)
    shift(wb, ws, cols, rows)


def test_a_moved_table_is_filled_where_it_is(tmp_path):
    def edit(wb, ws, table):
        moved(wb, ws, table, rows=3, cols=2)
        ws["A1"] = "Our notes"
        ws["F6"] = "beside the table"

    wb, _ = open_template(split_template(tmp_path, edit))
    fill_table(wb, SPLIT, FRAME, EN)
    ws = wb["Data_x"]
    assert ws.tables["t_x"].ref == "C4:E7"
    assert grid(ws, "C4:E7") == [["a", "size", "b"], ["p", "=LEN(C5)", 10.0], ["qq", "=LEN(C6)", 20.0],
                                 ["rrr", "=LEN(C7)", 30.0]]
    assert names(wb, SPLIT) == {"a": "'Data_x'!$C$5:$C$7", "size": "'Data_x'!$D$5:$D$7", "b": "'Data_x'!$E$5:$E$7"}
    assert ws["A1"].value == "Our notes" and ws["F6"].value == "beside the table"  # own cell
    assert grid(ws, "A2:B8") == [[None, None]] * 7 and grid(ws, "C8:E8") == [[None, None, None]]


def test_a_note_below_the_table_is_not_overwritten(tmp_path):
    def edit(wb, ws, table):
        ws["B3"] = "checked by finance"

    path = split_template(tmp_path, edit)
    wb, _ = open_template(path)
    fill_table(wb, SPLIT, FRAME.head(1), EN)  # one row fits above the note
    assert wb["Data_x"]["B3"].value == "checked by finance"  # own cell
    wb, _ = open_template(path)
    with pytest.raises(CsxlDataError) as err:
        fill_table(wb, SPLIT, FRAME, EN)
    message = str(err.value)
    assert str(path) in message and "sheet Data_x" in message and "B3" in message and "\n" not in message


def test_refilling_clears_old_rows_only_inside_the_table(tmp_path):
    def edit(wb, ws, table):
        ws["D3"] = "a note beside row 3"
        ws["A9"] = "far below"

    wb, _ = open_template(split_template(tmp_path, edit))
    fill_table(wb, SPLIT, FRAME, EN)
    refilled = tmp_path / "refilled.xlsx"
    wb.save(refilled)
    wb, _ = open_template(refilled)
    fill_table(wb, SPLIT, FRAME.tail(1), EN)
    ws = wb["Data_x"]
    assert grid(ws, "A2:C4") == [["rrr", "=LEN(A2)", 30.0], [None, None, None], [None, None, None]]
    assert ws["D3"].value == "a note beside row 3" and ws["A9"].value == "far below"  # own cell
    assert ws.tables["t_x"].ref == "A1:C2"


def insert_columns(wb, ws, count):
    """Insert columns at A of a sheet as Excel does: cells, tables and the defined names over them shift right."""
    ws.insert_cols(1, count)
    shift(wb, ws, cols=count)


def test_a_qbr_template_with_columns_inserted_before_its_data_recalculates(tmp_path):
    """Two columns inserted left of t_mrr and a note below another table: the QBR's MRR is still right."""
    wb = openpyxl.load_workbook(atomic_save(qbr.qbr_template(EN), tmp_path / "exported.xlsx"))
    data_mrr = next(ws for ws in wb.worksheets if "t_mrr" in ws.tables)
    insert_columns(wb, data_mrr, 2)
    data_mrr["A1"], data_mrr["B40"] = "our own column", "note under our column"
    data_nps = next(ws for ws in wb.worksheets if "t_nps" in ws.tables)
    data_nps["H2"] = "note beside t_nps"
    path = atomic_save(wb, tmp_path / "team.xlsx")
    as_of = pd.Timestamp("2026-09-01")
    book = small_book()
    filled, _ = build_qbr(book, ACCOUNT, QbrJob(as_of, EN, template=path))
    ws = next(ws for ws in filled.worksheets if "t_mrr" in ws.tables)
    assert ws.tables["t_mrr"].ref.startswith("C1:F")
    assert ws["A1"].value == "our own column" and ws["B40"].value == "note under our column"  # own cell
    assert filled.defined_names["D_mrr_mrr"].attr_text.startswith(f"'{ws.title}'!$F$2:$F$")
    nps = next(ws for ws in filled.worksheets if "t_nps" in ws.tables)
    assert nps["H2"].value == "note beside t_nps"  # own cell
    calculated = convert([atomic_save(filled, tmp_path / "filled.xlsx")], tmp_path / "calc")[0]
    mine = book.mrr[(book.mrr.customer_id == ACCOUNT) & (book.mrr.month == as_of)]
    assert named_values(calculated, ["MRR"])["MRR"] == pytest.approx(mine["mrr"].sum())


def package_text(path):
    """Every part of an xlsx package, as text (the XML parts: pictures hold no text a reader could find)."""
    with zipfile.ZipFile(path) as package:
        return {n: package.read(n).decode("utf-8", "replace") for n in package.namelist()}


def chart_figures(path):
    """The numbers cached in the charts of a workbook, written as the program that saved it wrote them."""
    caches = [cache for name, text in package_text(path).items() if name.startswith("xl/charts/")
              for cache in re.findall(r"<c:numCache>(.*?)</c:numCache>", text)]
    return {v for cache in caches for v in re.findall(r"<c:v>([^<]+)</c:v>", cache)}


def test_a_resaved_qbr_used_as_a_template_holds_nothing_of_its_account(tmp_path):
    """A QBR of account A, saved again by LibreOffice (which caches every chart's values), then filled for B."""
    data = demo_dataset()
    as_of = pd.Timestamp("2026-09-01")
    paying = data.mrr[data.mrr.month == as_of].groupby("customer_id")["mrr"].sum().sort_values()
    a, b = paying.index[-1], paying.index[-2]
    people = data.customers.set_index("customer_id")
    words = [a, people.loc[a, "name"], people.loc[a, "csm"]]
    assert not {people.loc[b, "name"], people.loc[b, "csm"]} & set(words)
    first = atomic_save(build_qbr(data, a, QbrJob(as_of, EN))[0], tmp_path / "qbr_a.xlsx")
    resaved, = convert([first], tmp_path / "resaved")
    figures = chart_figures(resaved)
    mine = data.mrr[data.mrr.customer_id == b]
    signals = data.health.loc[data.health.customer_id == b].drop(columns=["customer_id", "month"])  # users, seats...
    b_amounts = {round(x, 2) for x in [*mine["mrr"], *mine.groupby("month")["mrr"].sum(), *signals.to_numpy().ravel()]}
    figures = {f for f in figures if abs(float(f)) >= 100 and round(float(f), 2) not in b_amounts}
    assert len(figures) >= 5 and any(float(f) == pytest.approx(paying[a]) for f in figures)  # A's MRR, cached
    assert any(a in text for text in package_text(resaved).values())

    filled = atomic_save(build_qbr(data, b, QbrJob(as_of, EN, template=resaved))[0], tmp_path / "qbr_b.xlsx")
    parts = package_text(filled)
    assert {(n, w) for n, text in parts.items() for w in words if w in text} == set()
    pattern = re.compile("|".join(rf"(?<![\d.]){re.escape(f)}(?!\d)" for f in figures))
    assert {(n, m) for n, text in parts.items() for m in pattern.findall(text)} == set()
    assert any(b in text for text in parts.values())


def test_links_to_other_workbooks_and_document_properties_forget_their_values(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "='[budget.xlsx]Plan'!B2"
    link = ExternalLink(ExternalBook(
        sheetNames=ExternalSheetNames(["Plan"]),
        sheetDataSet=ExternalSheetDataSet([ExternalSheetData(sheetId=0, row=[
            ExternalRow(r=2, cell=[ExternalCell(r="B2", t="str", v="Budget of Acme 987654.32")])])])))
    link.file_link = Relationship(type="externalLinkPath", Target="budget.xlsx", TargetMode="External")
    wb._external_links.append(link)
    for name in ("title", "subject", "keywords", "description", "lastModifiedBy", "category"):
        setattr(wb.properties, name, "Acme QBR by Ana Souza")
    path = tmp_path / "linked.xlsx"
    wb.save(path)
    assert sum("Acme" in text for text in package_text(path).values()) == 2

    opened, _ = open_template(path)
    parts = package_text(atomic_save(opened, tmp_path / "filled.xlsx"))
    assert [n for n, text in parts.items() if "Acme" in text] == []
    assert any('Target="budget.xlsx"' in text for text in parts.values())  # the link itself is kept


def test_a_total_row_moves_down_with_the_table(tmp_path):
    def edit(wb, ws, table):
        ws["A3"], ws["C3"] = "Total", "=SUBTOTAL(109,t_x[b])"
        ws["C3"].number_format = "0.0"  # own cell
        table.ref, table.totalsRowCount = "A1:C3", 1

    wb, _ = open_template(split_template(tmp_path, edit))
    fill_table(wb, SPLIT, FRAME, EN)
    ws = wb["Data_x"]
    assert ws.tables["t_x"].ref == "A1:C5" and ws.tables["t_x"].autoFilter.ref == "A1:C4"
    assert grid(ws, "A4:C5") == [["rrr", "=LEN(A4)", 30.0], ["Total", None, "=SUBTOTAL(109,t_x[b])"]]
    assert ws["C5"].number_format == "0.0"  # own cell
    assert names(wb, SPLIT)["b"] == "'Data_x'!$C$2:$C$4"


def test_a_cleared_formula_comes_back_and_notes_on_old_rows_go(tmp_path):
    """The team emptied the calculated cell of the first row and moved the table; a comment sat on an old row."""
    def edit(wb, ws, table):
        ws["B2"] = None
        moved(wb, ws, table, cols=1)
        ws["B2"].comment = Comment("Acme asked for a discount", "Ana")  # own cell

    wb, _ = open_template(split_template(tmp_path, edit))
    fill_table(wb, SPLIT, FRAME, EN)
    ws = wb["Data_x"]
    assert grid(ws, "B2:D3") == [["p", "=LEN(B2)", 10.0], ["qq", "=LEN(B3)", 20.0]]
    assert ws["B2"].comment is None  # own cell


# ---------------------------------------------------------------------------------------------- any frame, any layout

MIXED = DataTable("m", (("name", "text"), ("amount", "number"), ("size", "=LEN(A{row})"), ("day", "date")))
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what the xlsx format cannot hold (XML 1.0 characters)
hostile_text = st.one_of(st.none(), st.text(max_size=30), st.text(max_size=3000).map(lambda t: "=" + t),
                         st.sampled_from(["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "@SUM(A1)", "-1+1",
                                          "\x01\x1f bell\x07", "x" * 5000]))
amounts = st.one_of(st.none(), st.just(float("nan")), st.floats(-1e12, 1e12, allow_nan=False))
days = st.one_of(st.none(), st.just(pd.NaT), st.dates(dt.date(1950, 1, 1), dt.date(2200, 12, 31)).map(pd.Timestamp))


@st.composite
def layouts(draw):
    """A frame of hostile values, the MIXED table's columns in any order at any place, notes all around it."""
    rows = draw(st.integers(0, 6))
    frame = pd.DataFrame({"name": draw(st.lists(hostile_text, min_size=rows, max_size=rows)),
                          "amount": draw(st.lists(amounts, min_size=rows, max_size=rows)),
                          "day": pd.Series(draw(st.lists(days, min_size=rows, max_size=rows)), dtype="datetime64[ns]")})
    order = draw(st.permutations([c for c, _ in MIXED.columns]))
    top, left = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    notes = draw(st.lists(st.tuples(st.integers(1, 20), st.integers(1, 12)), max_size=12))
    inside = CellRange(min_row=top, min_col=left, max_row=top + 7, max_col=left + 3)  # the table at its largest
    return frame, order, top, left, [(r, c) for r, c in notes if CellRange(min_row=r, min_col=c, max_row=r,
                                                                             max_col=c).isdisjoint(inside)]


def laid_out(order, top, left, notes):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data_m"
    for index, column in enumerate(order, start=left):
        ws.cell(top, index).value = column
    letters = {column: col(index) for index, column in enumerate(order, start=left)}
    ws.cell(top + 1, left + order.index("size")).value = f"=LEN({letters['name']}{top + 1})"
    ws.add_table(Table(displayName="t_m", ref=f"{col(left)}{top}:{col(left + 3)}{top + 1}"))
    for r, c in notes:
        ws.cell(r, c).value = f"note {r},{c}"
    return wb, letters


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layouts())
def test_any_frame_reads_back_under_its_headers_and_nothing_else_moves(layout):
    frame, order, top, left, notes = layout
    wb, letters = laid_out(order, top, left, notes)
    fill_table(wb, MIXED, frame, EN)
    saved = io.BytesIO()
    wb.save(saved)
    ws = openpyxl.load_workbook(io.BytesIO(saved.getvalue()))["Data_m"]
    rows = range(top + 1, top + 1 + len(frame))
    for r, (name, amount, day) in zip(rows, frame[["name", "amount", "day"]].itertuples(index=False)):
        text = ws[f"{letters['name']}{r}"]
        # a carriage return too reads back as written: lxml writes it as &#13;, which XML readers keep
        expected = None if pd.isna(name) else ILLEGAL.sub("", name)
        assert text.value == (expected or None) and (text.value is None or text.data_type == "s")
        number = ws[f"{letters['amount']}{r}"].value  # xlsx keeps 15 to 17 significant digits of a double
        assert number is None if pd.isna(amount) else number == pytest.approx(amount, rel=1e-15, abs=0)
        assert ws[f"{letters['day']}{r}"].value == (None if pd.isna(day) else day.to_pydatetime())
        assert ws[f"{letters['size']}{r}"].value == f"=LEN({letters['name']}{r})"
    table = CellRange(ws.tables["t_m"].ref)
    assert (table.min_row, table.min_col, table.max_row) == (top, left, top + max(len(frame), 1))
    outside = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None
               and CellRange(min_row=c.row, min_col=c.column, max_row=c.row, max_col=c.column).isdisjoint(table)}
    assert outside == {(r, c): f"note {r},{c}" for r, c in notes}


def test_a_carriage_return_in_the_data_is_one_in_libreoffice_too(tmp_path):
    """LibreOffice's own formulas over texts with carriage returns count them and see code 13 where they are.

    Written raw into the XML, a carriage return would reach any reader as a line feed, code 10.
    """
    wb, letters = laid_out(["name", "amount", "size", "day"], 1, 1, [])
    fill_table(wb, MIXED, pd.DataFrame({"name": ["a\rb", "\rend\r"], "amount": [1.0, 2.0],
                                        "day": pd.to_datetime(["2026-01-01", "2026-02-01"])}), EN)
    name, size = letters["name"], letters["size"]
    wb["Data_m"].cell(2, 6).value = f"=CODE(MID({name}2,2,1))"
    wb["Data_m"].cell(3, 6).value = f"=CODE(RIGHT({name}3,1))&CODE(LEFT({name}3,1))"
    calc = convert([atomic_save(wb, tmp_path / "cr.xlsx")], tmp_path / "calc")[0]
    ws = openpyxl.load_workbook(calc, data_only=True)["Data_m"]
    assert [ws[f"{size}2"].value, ws[f"{size}3"].value] == [3, 5]  # LEN counts every character
    assert [ws.cell(2, 6).value, ws.cell(3, 6).value] == [13, "1313"]


@pytest.mark.parametrize("layout, tables", [(qbr.qbr_template, qbr.TABLES),
                                            (portfolio.portfolio_template, portfolio.TABLES),
                                            (forecast.forecast_template, forecast.TABLES)], ids=["qbr", "portfolio",
                                                                                                 "forecast"])
def test_every_built_in_calculated_column_is_copied_down_as_declared(layout, tables):
    """Copying a first-row formula down gives, on every row, the formula each layout declares for that row."""
    wb = layout(EN)
    for table in tables.values():
        fill_table(wb, table, pd.DataFrame(index=range(7)), EN)
        ws = next(ws for ws in wb.worksheets if table.table_name in ws.tables)
        for index, (_, declared) in enumerate(table.columns, start=1):
            if declared.startswith("="):
                assert [ws.cell(r, index).value for r in range(2, 9)] == [declared.format(row=r) for r in range(2, 9)]


@pytest.mark.parametrize("formula", ["=SUMPRODUCT({1,2},A2:B2)+'Other sheet'!C$3+SUM(3:4)+COUNT(A:A)",
                                     '=IF(A2="B2",t_x[b],$C2*D_x_b)', "=A2&\"{row}\"&Sheet1!$A$1:A2"])
def test_the_teams_formula_is_copied_down_by_excels_rules(tmp_path, formula):
    """Each row gets what Excel's fill-down gives: openpyxl's Translator is the reference for its rules."""
    def edit(wb, ws, table):
        ws["D1"], ws["D2"] = "mine", formula
        table.ref = table.autoFilter.ref = "A1:D2"
        table.tableColumns.append(TableColumn(id=4, name="mine"))

    wb, _ = open_template(split_template(tmp_path, edit))
    fill_table(wb, SPLIT, FRAME, EN)
    rows = [wb["Data_x"].cell(r, 4).value for r in (2, 3, 4)]
    assert rows == [Translator(formula, "D2").translate_formula(f"D{r}") for r in (2, 3, 4)]


def test_the_teams_conditional_formats_and_validations_cover_the_new_rows(tmp_path):
    """As when a table grows in Excel: rules over the table's rows follow it, rules elsewhere stay where they are."""
    def edit(wb, ws, table):
        ws.conditional_formatting.add("C2", CellIsRule(operator="lessThan", formula=["15"], font=Font(color="C00000")))
        ws.conditional_formatting.add("E1:E9", CellIsRule(operator="equal", formula=["0"], font=Font(bold=True)))
        listed = DataValidation(type="list", formula1='"p,qq,rrr"')
        listed.add("A2")
        ws.add_data_validation(listed)

    wb, _ = open_template(split_template(tmp_path, edit))
    fill_table(wb, SPLIT, FRAME, EN)
    saved = atomic_save(wb, tmp_path / "filled.xlsx")
    ws = openpyxl.load_workbook(saved)["Data_x"]
    assert sorted(str(cf.sqref) for cf in ws.conditional_formatting) == ["C2:C4", "E1:E9"]
    assert [str(dv.sqref) for dv in ws.data_validations.dataValidation] == ["A2:A4"]


def test_templates_saved_again_by_libreoffice_fill_to_the_same_figures(tmp_path):
    """LibreOffice writes the tables, their columns and the first-row formulas its own way; filling finds them."""
    data = demo_dataset(customers=60)
    as_of = pd.Timestamp(data.last_month)
    exported = [atomic_save(portfolio.portfolio_template(EN), tmp_path / "portfolio.xlsx"),
                atomic_save(forecast.forecast_template(EN), tmp_path / "forecast.xlsx")]
    resaved = convert(exported, tmp_path / "resaved")
    books = []
    for template in (None, resaved[0]):
        books.append(portfolio.write_portfolio(data, as_of, EN, template, tmp_path / f"p{len(books)}.xlsx")[0])
    for template in (None, resaved[1]):
        books.append(forecast.write_forecast(data, as_of, EN, 12, template, tmp_path / f"f{len(books)}.xlsx")[0])
    p_built, p_resaved, f_built, f_resaved = convert(books, tmp_path / "calc")
    assert named_values(p_resaved, list(portfolio.OUTPUT_NAMES)) == named_values(p_built, list(portfolio.OUTPUT_NAMES))
    assert named_values(f_resaved, list(forecast.OUTPUT_NAMES)) == named_values(f_built, list(forecast.OUTPUT_NAMES))
    assert named_values(p_built, ["Customers"])["Customers"] > 10


def test_a_pivot_table_and_its_cached_rows_do_not_ride_along(tmp_path):
    """A pivot table keeps a copy of its source rows that openpyxl writes back: csxl drops it, and says so."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["name", "mrr"])
    ws.append([None, None])  # the rows the pivot was made from are gone, its cache still has them
    cache = CacheDefinition(
        cacheSource=CacheSource(type="worksheet", worksheetSource=WorksheetSource(ref="A1:B2", sheet=ws.title)),
        cacheFields=[CacheField(name="name", sharedItems=SharedItems(_fields=[Text(v="Acme Secret")], count=1)),
                     CacheField(name="mrr", sharedItems=SharedItems(containsNumber=True))], recordCount=1)
    cache.records = RecordList(r=[Record(_fields=[Index(v=0), Number(v=987.65)])])
    pivot = TableDefinition(name="P1", cacheId=1, dataCaption="Values", rowFields=[RowColField(x=0)],
                            location=Location(ref="D1:E3", firstHeaderRow=1, firstDataRow=1, firstDataCol=1),
                            pivotFields=[PivotField(axis="axisRow", items=[FieldItem(x=0), FieldItem(t="default")]),
                                         PivotField(dataField=True)], dataFields=[DataField(fld=1, name="Sum of mrr")])
    pivot.cache = cache
    ws.add_pivot(pivot)
    path = tmp_path / "pivot.xlsx"
    wb.save(path)
    assert [n for n, text in package_text(path).items() if "Acme Secret" in text or "987.65" in text]

    opened, warnings = open_template(path)
    parts = package_text(atomic_save(opened, tmp_path / "filled.xlsx"))
    assert [n for n, text in parts.items() if "Acme Secret" in text or "987.65" in text or "pivot" in n] == []
    assert len(warnings) == 1 and "pivot tables" in warnings[0]
