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
    # 11 cm wide from B: six columns of 10 characters (1.9 cm each), B to G; 5.3 cm tall: ten rows from row 10
    ws.add_chart(line_chart("MRR", values, months, size=(5.3, 11)), "B10")
    print_pages(ws, title_rows="4:4", pages_wide=2)
    assert ws.print_area == "'Sheet'!$A$1:$G$20"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9  # A4
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (2, 1)
    assert (ws.print_title_cols, ws.print_title_rows) == ("$A:$A", "$4:$4")
