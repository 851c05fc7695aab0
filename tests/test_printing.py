"""A presentation sheet's print area: the cells a reader sees and the charts, nothing of its hidden helper rows."""

from openpyxl import Workbook
from openpyxl.chart import Reference
from openpyxl.styles import Border, Side
from openpyxl.utils import get_column_letter

from csxl.workbooks.cells import widths
from csxl.workbooks.charts import line_chart
from csxl.workbooks.printing import print_pages


def _sheet():
    """A title in A1, a figure in D5, an empty box for the reader to type in at F8, a hidden helper row 12 running
    to column Z (as `charts.gapped` writes one) and a cell read but never written at K3."""
    ws = Workbook().active
    ws.cell(1, 1, "Portfolio review")
    ws.cell(5, 4, 1200)
    ws.cell(8, 6).border = Border(bottom=Side(style="thin"))
    for column in range(2, 27):
        ws.cell(12, column, "=NA()")
    ws.row_dimensions[12].hidden = True
    assert ws.cell(3, 11).value is None
    return ws


def test_the_print_area_is_what_the_reader_sees():
    ws = _sheet()
    print_pages(ws)
    assert ws.print_area == "'Sheet'!$A$1:$F$8"


def test_the_print_area_holds_the_charts():
    ws = _sheet()
    widths(ws, {get_column_letter(c): 10 for c in range(2, 27)})
    months, values = (Reference(ws, min_col=2, max_col=26, min_row=row) for row in (4, 12))
    # 11 cm wide from B: six columns of 10 characters (1.9 cm each), B to G; 5.3 cm tall: ten rows from row 10,
    # and one more for the hidden helper row 12, which takes no height
    ws.add_chart(line_chart("MRR", values, months, size=(5.3, 11)), "B10")
    print_pages(ws, title_rows="4:4", pages_wide=2)
    assert ws.print_area == "'Sheet'!$A$1:$G$21"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9  # A4
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (2, 1)
    assert (ws.print_title_cols, ws.print_title_rows) == ("$A:$A", "$4:$4")


def test_a_chart_over_hidden_rows_reaches_further_down():
    """Hidden rows take no height, so a chart drawn over them covers as many more rows below: 5.3 cm from row 10
    are ten rows, 10 to 19, one more with row 12 hidden, three more with 12 to 14 (the area keeps a row after)."""
    ws = _sheet()
    months, values = (Reference(ws, min_col=2, max_col=7, min_row=row) for row in (4, 5))
    ws.add_chart(line_chart("MRR", values, months, size=(5.3, 5)), "B10")
    print_pages(ws)
    assert ws.print_area == "'Sheet'!$A$1:$F$21"
    for row in (13, 14):
        ws.row_dimensions[row].hidden = True
    print_pages(ws)
    assert ws.print_area == "'Sheet'!$A$1:$F$23"
