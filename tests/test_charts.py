"""Fitting a chart's references to the data: expected references written by hand, sheet names quoted as Excel
quotes them (a space, an apostrophe doubled)."""

import pytest
from openpyxl import Workbook
from openpyxl.chart import Reference

from csxl.workbooks.charts import ends_with, fit_reference, formula_run, line_chart, references


@pytest.mark.parametrize(("reference", "start", "stop", "window", "fitted"), [
    # down a column: the first 3 points skipped
    ("'Sheet'!$B$5:$B$20", 3, None, None, "'Sheet'!$B$8:$B$20"),
    # along a row of 37 months (B to AL): the first 19 kept
    ("'Q3 NRR'!$B$9:$AL$9", 0, 19, None, "'Q3 NRR'!$B$9:$T$9"),
    # a window of 24 months ending in column Y, from its 19th month
    ("'Bob''s MRR'!$B$4:$Y$4", 18, None, 24, "'Bob''s MRR'!$T$4:$Y$4"),
    # a row cut by an earlier filling: the window reaches back before it, to the whole 24 months again
    ("'Bob''s MRR'!$T$4:$Y$4", 0, None, 24, "'Bob''s MRR'!$B$4:$Y$4"),
    # skipping more points than there are keeps the last one
    ("'Sheet'!$B$5:$B$20", 40, None, None, "'Sheet'!$B$20:$B$20"),
    ("'Bob''s MRR'!$B$4:$Y$4", 30, None, 24, "'Bob''s MRR'!$Y$4:$Y$4"),
    # a stop past the end reaches past it
    ("Sheet!$B$9:$D$9", 0, 5, None, "Sheet!$B$9:$F$9"),
    # a sheet name with an exclamation mark: the area is what follows the last one
    ("'Wow!'!$C$2:$C$9", 2, 5, None, "'Wow!'!$C$4:$C$6"),
])
def test_a_reference_is_fitted_to_the_cells_asked_for(reference, start, stop, window, fitted):
    assert fit_reference(reference, start, stop, window) == fitted


def test_every_reference_of_a_chart_is_fitted_once():
    """Two lines along rows whose series share one category reference (one object, the row of months): the months
    are fitted once, not once a line (twice would skip 4 months instead of 2)."""
    ws = Workbook().active
    ws.title = "Bob's MRR"
    lines = {name: Reference(ws, min_col=2, max_col=13, min_row=row, max_row=row)
             for name, row in (("base", 5), ("upside", 6))}
    chart = line_chart("MRR", lines, Reference(ws, min_col=2, max_col=13, min_row=4, max_row=4))
    chart.series[1].cat = chart.series[0].cat
    assert len(references(chart)) == 3
    for source in references(chart):
        source.f = fit_reference(source.f, 2)
    assert [s.val.numRef.f for s in chart.series] == ["'Bob''s MRR'!$D$5:$M$5", "'Bob''s MRR'!$D$6:$M$6"]
    assert [s.cat.numRef.f for s in chart.series] == ["'Bob''s MRR'!$D$4:$M$4"] * 2


def test_a_run_of_formulas_is_counted_from_a_references_first_or_last_cell():
    """A row of 12 formulas (B to M) after a label and before a typed number, a column of 5 formulas under a
    header: the run is the same whether a reference covers it or only a part at its start or its end."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Bob's MRR"
    ws["A4"], ws["N4"], ws["B10"] = "Months", 7, "Header"
    for column in range(2, 14):
        ws.cell(4, column, f"=EDATE(AsOf,{column})")
    for row in range(11, 16):
        ws.cell(row, 2, f"=B{row - 1}+1")
    stored = len(ws._cells)
    assert formula_run(wb, "'Bob''s MRR'!$B$4:$M$4") == 12
    assert formula_run(wb, "'Bob''s MRR'!$B$4:$F$4") == 12  # a row cut after its 5th month
    assert formula_run(wb, "'Bob''s MRR'!$K$4:$M$4", backwards=True) == 12  # one started at its 10th
    assert formula_run(wb, "'Bob''s MRR'!$K$4:$M$4") == 3
    assert formula_run(wb, "'Bob''s MRR'!$B$14:$B$15", backwards=True) == 5  # up to the header
    assert formula_run(wb, "'Bob''s MRR'!$A$4:$M$4") == 0  # from the label
    assert formula_run(wb, "'Bob''s MRR'!$M$4:$M$4") == 1  # a single cell reads along its row
    assert formula_run(wb, "('Bob''s MRR'!$B$4:$C$4,'Bob''s MRR'!$E$4:$F$4)") == 0  # a union
    assert formula_run(wb, "'Alice'!$B$4:$M$4") == 0  # a sheet the workbook lacks
    assert len(ws._cells) == stored  # no empty cell created by reading


@pytest.mark.parametrize(("reference", "whole", "ends"), [
    ("'Retention'!$A$22:$A$29", "'Retention'!$A$5:$A$29", True),  # started later
    ("'Retention'!$A$29:$A$29", "'Retention'!$A$5:$A$29", True),  # only the last cell kept
    ("'Retention'!$A$5:$A$29", "'Retention'!$A$5:$A$29", True),  # all of it
    ("'Retention'!$W$31:$Z$31", "'Retention'!$B$31:$Z$31", True),  # along a row
    ("Retention!$A$22:$A$29", "'Retention'!$A$5:$A$29", True),  # the sheet's name as Excel writes it
    ("'Retention'!$A$1:$A$29", "'Retention'!$A$5:$A$29", False),  # starts before it
    ("'Retention'!$A$22:$A$28", "'Retention'!$A$5:$A$29", False),  # ends before it
    ("'Retention'!$B$22:$B$29", "'Retention'!$A$5:$A$29", False),  # another column
    ("'Retention'!$W$30:$Z$31", "'Retention'!$B$31:$Z$31", False),  # a block over another row too
    ("'Team'!$A$22:$A$29", "'Retention'!$A$5:$A$29", False),  # another sheet
    ("('Retention'!$A$22:$A$25,'Retention'!$A$27:$A$29)", "'Retention'!$A$5:$A$29", False),  # a union
])
def test_a_reference_ends_a_range_when_it_ends_in_its_last_cell_and_starts_in_it(reference, whole, ends):
    assert ends_with(reference, whole) is ends
