"""Charts of the generated workbooks: one look for all of them, series read from the report cells.

Charts reference cells on the report sheets (never the Data tables
directly), so they follow every recalculation and keep working when a
template is filled with more or fewer rows.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart._chart import ChartBase
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import absolute_coordinate, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from csxl.workbooks.anchors import Anchor, referenced, row_span, sheet_name
from csxl.workbooks.cells import formula


def gapped(ws: Worksheet, source: Reference, row: int | None = None) -> Reference:
    """A hidden copy of a row or column of values for a line chart, with #N/A where the source shows "".

    Excel plots a formula's "" as 0, so a line would fall to the axis where
    the data ends (beyond the forecast horizon, in a month without survey
    answers); #N/A it leaves out (LibreOffice plots both as 0, so there the
    line still falls). The copy is one hidden row (a
    column is laid along it), by default below everything on the sheet, so it
    is never under a chart's anchor, and `line_chart` plots hidden cells: the
    reader sees the source, never the #N/A. Call it once the sheet is laid
    out, or give a free `row` where rows are added below at filling.
    """
    row = row or ws.max_row + 2
    cells = [f"{get_column_letter(c)}{r}" for r in range(source.min_row, source.max_row + 1)
             for c in range(source.min_col, source.max_col + 1)]
    for offset, origin in enumerate(cells):
        ws.cell(row, source.min_col + offset, f'=IF({origin}="",NA(),{origin})')
    ws.row_dimensions[row].hidden = True
    return Reference(ws, min_col=source.min_col, max_col=source.min_col + len(cells) - 1, min_row=row, max_row=row)


def line_chart(title: str, values: Reference | dict[str, Reference], categories: Reference,
               size: tuple[float, float] = (7, 18), y_range: tuple[float, float] | None = None,
               y_format: str | None = None) -> LineChart:
    """Lines over rows or columns of values: one unnamed series, or named series with a legend."""
    chart = LineChart()
    chart.title = title
    chart.height, chart.width = size
    chart.visible_cells_only = False  # series may come from the hidden rows of `gapped`
    if isinstance(values, Reference):
        chart.add_data(values, from_rows=values.min_row == values.max_row)
        chart.legend = None
    else:
        for name, reference in values.items():
            chart.series.append(Series(reference, title=name))
    for series in chart.series:
        series.smooth = False
    chart.set_categories(categories)
    if y_range:
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = y_range
    if y_format:
        chart.y_axis.numFmt = y_format
    return chart


def bar_chart(title: str, series: dict[str, Reference] | Reference, categories: Reference,
              size: tuple[float, float] = (7, 16), horizontal: bool = False, stacked: bool = False,
              y_format: str | None = None) -> BarChart:
    """Bars for one reference (a column with its header) or for named series (rows of values)."""
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = title
    chart.height, chart.width = size
    if isinstance(series, Reference):
        chart.add_data(series, titles_from_data=True)
        chart.legend = None
    else:
        for name, values in series.items():
            chart.series.append(Series(values, title=name))
    if stacked:
        chart.grouping, chart.overlap = "stacked", 100
    if y_format:
        chart.y_axis.numFmt = y_format
    chart.set_categories(categories)
    return chart


def fit_reference(reference: str, start: int, stop: int | None = None, window: int | None = None) -> str:
    """The chart reference `reference` (a range of one sheet, along a row or down a column) moved to cells `start` to
    `stop` (exclusive; None: to its end) of its window: the `window` cells along it that end where it ends (None:
    the cells it covers now). At least the window's last cell is kept.

    A layout sizes a chart's series for the most data it can hold (24 months,
    37 tenures) and filling, which knows how much there is, fits them to it:
    LibreOffice plots a blank or #N/A as 0, so a line over cells without data
    would fall to the axis, or rise from it. A window longer than the reference
    reaches back before it, so a refilled workbook can start from the whole
    window again; a `stop` past the window's end reaches past it. A reference
    along a row moves along the row, any other along its column.
    """
    sheet, area = reference.rsplit("!", 1)
    min_col, min_row, max_col, max_row = range_boundaries(area.replace("$", ""))
    along_row = min_row == max_row
    first, last = (min_col, max_col) if along_row else (min_row, max_row)
    origin = last - window + 1 if window else first
    last = last if stop is None else origin + stop - 1
    first = min(origin + start, last)
    if along_row:
        min_col, max_col = first, last
    else:
        min_row, max_row = first, last
    corners = f"{get_column_letter(min_col)}{min_row}", f"{get_column_letter(max_col)}{max_row}"
    return f"{sheet}!{absolute_coordinate(corners[0])}:{absolute_coordinate(corners[1])}"


def ends_with(reference: str, whole: str) -> bool:
    """Whether the chart reference `reference` is the end of `whole` (a range along a row or down a column of the
    same sheet): it ends in the last cell of `whole` and starts in it, as `fit_reference` leaves a reference it
    started later, or covers it all. Excel writes a sheet name quoted only where it must, openpyxl always: the
    names are compared unquoted."""
    sheet, area = reference.rsplit("!", 1)
    whole_sheet, whole_area = whole.rsplit("!", 1)
    if sheet_name(sheet) != sheet_name(whole_sheet) or "," in area:
        return False
    min_col, min_row, max_col, max_row = range_boundaries(area.replace("$", ""))
    first_col, first_row, last_col, last_row = range_boundaries(whole_area.replace("$", ""))
    in_line = min_col == first_col if first_col == last_col else min_row == first_row
    return in_line and (max_col, max_row) == (last_col, last_row) and min_col >= first_col and min_row >= first_row


def titled(chart: ChartBase, x_title: str | None, y_title: str | None, y_format: str | None = None) -> ChartBase:
    """The chart with axis titles (and a number format on its value axis), both axes drawn."""
    chart.x_axis.title, chart.y_axis.title = x_title, y_title
    chart.x_axis.delete = chart.y_axis.delete = False
    if y_format:
        chart.y_axis.numFmt = y_format
    return chart


def bridge_chart(title: str, gains: dict[str, Reference], losses: dict[str, Reference], categories: Reference,
                 size: tuple[float, float] = (7.5, 26)) -> BarChart:
    """An MRR bridge as stacked columns: each month's gains (new, expansion...) above zero and its losses
    (contraction, churn) below it, so a month's net movement reads as the columns' balance.

    `losses` are references to the losses as negative numbers (a hidden row of each, negated).
    """
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap, chart.gapWidth = "col", "stacked", 100, 40
    chart.title = title
    chart.height, chart.width = size
    chart.visible_cells_only = False  # the negated losses may sit in hidden helper rows
    chart.x_axis.tickLblPos = "low"  # the months under the chart, not over the losses' bars at zero
    for name, values in {**gains, **losses}.items():
        chart.series.append(Series(values, title=name))
    for series, colour in zip(chart.series, _BRIDGE_COLOURS[:len(gains)] + _LOSS_COLOURS[:len(losses)]):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.noFill = True
    chart.set_categories(categories)
    return chart


def below_zero(ws: Worksheet, line: Anchor, row: int, number_format: str | None = None) -> Anchor:
    """A hidden row of the negatives of `line` (a row of losses), in its columns: what `bridge_chart` draws below
    zero. Put it below the charts' place, so that no chart sits over a row of no height."""
    negated = row_span(ws, row, line.col, line.right)
    for source, cell in zip(line.cells(), negated.cells(), strict=True):
        formula(ws, cell.local, f"=-{source.local}", number_format)
    ws.row_dimensions[row].hidden = True
    return negated


_BRIDGE_COLOURS = ["2E75B6", "70AD47", "A9D18E", "5B9BD5", "9DC3E6"]
_LOSS_COLOURS = ["F4B183", "C00000", "FF0000"]


def only_rows(chart: ChartBase, rows: list[int]) -> None:
    """Point every series of `chart`, and its categories, at the given `rows` of the column each reference is in
    (ascending, at least one): at filling, where the data says which rows of a reserved block hold something the
    reader should see (a bar chart would show the others as zero bars). Rows that are not adjacent are written as
    Excel's union of ranges, which LibreOffice keeps."""
    runs: list[list[int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    for source in references(chart):
        sheet, area = source.f.strip("()").split(",")[0].rsplit("!", 1)
        letter = get_column_letter(range_boundaries(area.replace("$", ""))[0])
        parts = [f"{sheet}!${letter}${first}:${letter}${last}" for first, last in runs]
        source.f = parts[0] if len(parts) == 1 else f"({','.join(parts)})"


def references(chart: ChartBase) -> list:
    """The value and category references of every series of `chart` that point at cells, each once (the series
    of a chart may share one category reference)."""
    found = []
    for series in chart.series:
        found.append(series.val.numRef if series.val else None)
        if series.cat:
            found += [series.cat.numRef, series.cat.strRef]
    return list({id(s): s for s in found if s is not None and s.f and "!" in s.f}.values())


def row_cells(reference: str) -> tuple[int, int, int] | None:
    """The first column, the row and the last column of a one-row reference; None for a column, a block or a
    union."""
    area = reference.rsplit("!", 1)[1].replace("$", "")
    if "," in area:
        return None
    min_col, min_row, max_col, max_row = range_boundaries(area)
    return (min_col, min_row, max_col) if min_row == max_row else None


def formula_run(wb: Workbook, reference: str, backwards: bool = False) -> int:
    """How many formulas run along the line of the chart reference `reference` (along a row, or down a column as
    `fit_reference` reads it) from its first cell on (`backwards`: from its last cell back).

    The layout writes a chart's series as a line of formulas and filling cuts
    only the reference, never the cells: the run is the layout's full extent,
    the same whether the reference covers it or a previous filling cut it, so
    a refilling finds its charts' lines again by it and leaves a line of
    another extent (a team's own series) alone. A label, a typed value or a
    blank ends the run; a union or a sheet the workbook lacks has none.
    """
    area = referenced(wb, reference)
    if area is None:
        return 0
    along_row = area.row == area.bottom
    step = -1 if backwards else 1
    row, column = (area.bottom, area.right) if backwards else (area.row, area.col)
    cells, run = area.ws._cells, 0  # openpyxl's own store: reading it creates no empty cell
    while (cell := cells.get((row, column))) is not None and cell.data_type == "f":
        run += 1
        row, column = (row, column + step) if along_row else (row + step, column)
    return run
