"""How the generated workbooks print: report sheets landscape and fitted to the width, presentation sheets as pages.

A presentation sheet (a QBR customer page, a portfolio review sheet) gets a
print area of its cells and charts, so that printing it, or LibreOffice's
PDF, shows what the reader reads and no blank page or sliver of a chart: one
page tall, as many pages wide as its months need, its row labels (column A)
on every page. The extent of a chart is estimated from its anchor and size in
centimetres: a chart's corner and size are read here whether the layout wrote
them (a cell and the chart's width and height) or openpyxl read them back from
a template (an anchor object, whose extent holds the size).
"""

from __future__ import annotations

from openpyxl.chart._chart import ChartBase
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.worksheet.worksheet import Worksheet

from csxl.workbooks.cells import EXCEL_DEFAULT_WIDTH

ROW_CM = 0.53  # a row of the default height (15 points), in centimetres
POINT_CM = 2.54 / 72  # a point of row height
COLUMN_CM = 0.19  # one character of column width, in centimetres
_EMU_PER_CM = 360_000  # the unit of a drawing's sizes


def print_setup(worksheets: list[Worksheet]) -> None:
    """Landscape A4, fit to the page width, no gridlines: report sheets print as a reader expects. A4 is stated,
    not left to the printer's default (Letter in a US-English LibreOffice or Excel), so that every page of a book
    is the same size: the paper of Brazil, Latin America and Europe."""
    for ws in worksheets:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.sheet_view.showGridLines = False


def print_wide(ws: Worksheet, pages: int) -> None:
    """A sheet of month columns printed `pages` pages wide, its row labels (column A) on every page."""
    ws.page_setup.fitToWidth = pages
    ws.print_title_cols = "A:A"


def print_pages(ws: Worksheet, title_rows: str | None = None, pages_wide: int = 1) -> None:
    """Print the sheet as presentation pages (`print_setup`, landscape A4): its cells and charts as the print area,
    `pages_wide` pages wide and one page tall, with column A (the row labels) and `title_rows` on every page."""
    rows, cols = print_extent(ws)
    ws.print_area = f"A1:{get_column_letter(cols)}{rows}"
    print_setup([ws])
    print_wide(ws, pages_wide)
    ws.page_setup.fitToHeight = 1
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True


def print_extent(ws: Worksheet) -> tuple[int, int]:
    """The last row and column that the sheet's cells (written or styled: an empty box the reader types in counts)
    and charts cover. Hidden rows count for nothing, so the helper rows at the bottom (`charts.gapped`) print no
    blank page or column; a cell read but never written (openpyxl makes one) counts for nothing either."""
    hidden = {row for row, dimension in ws.row_dimensions.items() if dimension.hidden}
    shown = [(row, col) for (row, col), cell in ws._cells.items()
             if row not in hidden and (cell.value is not None or cell.has_style)]
    chart_row, chart_col = _chart_extent(ws)
    return (max([chart_row, 1, *(row for row, _ in shown)]), max([chart_col, 1, *(col for _, col in shown)]))


def _chart_extent(ws: Worksheet) -> tuple[int, int]:
    """The last row and column that the sheet's charts cover, from their anchors and sizes."""
    last_row, last_col = 0, 0
    for chart in ws._charts:
        first, row = chart_corner(chart)
        width, height = chart_size_cm(chart)
        widths = [ws.column_dimensions[get_column_letter(c)].width or EXCEL_DEFAULT_WIDTH
                  for c in range(first, first + 60)]
        cm, cols = 0.0, 0
        while cm < width and cols < len(widths):
            cm += widths[cols] * COLUMN_CM
            cols += 1
        cm, rows = 0.0, 0
        while cm < height and rows < 500:  # a hidden row (a chart's helper line) takes no height
            dimension = ws.row_dimensions.get(row + rows)
            if dimension is None or not dimension.hidden:
                cm += dimension.height * POINT_CM if dimension is not None and dimension.height else ROW_CM
            rows += 1
        last_row = max(last_row, row + rows)
        last_col = max(last_col, first + cols - 1)
    return last_row, last_col


def chart_corner(chart: ChartBase) -> tuple[int, int]:
    """The 1-based column and row of a chart's top left corner."""
    if isinstance(chart.anchor, str):
        letters, row = coordinate_from_string(chart.anchor)
        return column_index_from_string(letters), row
    return chart.anchor._from.col + 1, chart.anchor._from.row + 1


def chart_size_cm(chart: ChartBase) -> tuple[float, float]:
    """A chart's width and height in centimetres: its anchor's extent when read from a template."""
    ext = getattr(chart.anchor, "ext", None)
    return (ext.width / _EMU_PER_CM, ext.height / _EMU_PER_CM) if ext is not None else (chart.width, chart.height)


def place_chart(chart: ChartBase, column: int, row: int, width: float | None = None) -> None:
    """Put a chart's top left corner at (column, row), 1-based, keeping its size or giving it `width` (cm)."""
    if isinstance(chart.anchor, str):
        chart.anchor = f"{get_column_letter(column)}{row}"
        chart.width = chart.width if width is None else width
        return
    start = chart.anchor._from
    dc, dr = column - 1 - start.col, row - 1 - start.row
    start.col, start.row = column - 1, row - 1
    end = getattr(chart.anchor, "to", None)
    if end is not None:  # a two-cell anchor: its other corner moves with it, its size stays
        end.col, end.row = end.col + dc, end.row + dr
    elif width is not None:
        chart.anchor.ext.width = round(width * _EMU_PER_CM)
