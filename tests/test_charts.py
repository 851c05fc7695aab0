"""Fitting a chart's references to the data: expected references written by hand, sheet names quoted as Excel
quotes them (a space, an apostrophe doubled)."""

import pytest
from openpyxl import Workbook
from openpyxl.chart import Reference

from csxl.workbooks.charts import fit_reference, line_chart, references


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
