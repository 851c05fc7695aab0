"""The templates shipped in csxl/templates (and templates/) are the current layouts."""

from pathlib import Path

import openpyxl
import pytest

from csxl.workbooks.builtin import KINDS, SHIPPED, template
from csxl.workbooks.labels import LANGUAGES, Locale
from csxl.workbooks.printing import chart_corner

ROOT = Path(__file__).resolve().parent.parent


def contents(wb):
    """What a template is made of: sheets, cell values and formulas, defined names, tables."""
    cells = {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if c.value is not None}
    return ([ws.title for ws in wb.worksheets], cells, {n: d.attr_text for n, d in wb.defined_names.items()},
            sorted(t for ws in wb.worksheets for t in ws.tables))


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_shipped_template_is_current(kind, lang, tmp_path):
    shipped = openpyxl.load_workbook(SHIPPED / f"{kind}_{lang}.xlsx")
    current = tmp_path / "current.xlsx"  # through a file, as shipped: a float keeps the digits xlsx keeps
    template(kind, Locale(lang)).save(current)
    assert contents(shipped) == contents(openpyxl.load_workbook(current)), \
        "run python -m csxl.workbooks.builtin to refresh csxl/templates"


def test_templates_folder_is_the_shipped_one():
    assert (ROOT / "templates").resolve() == SHIPPED
    assert len(list(SHIPPED.glob("*.xlsx"))) == len(KINDS) * len(LANGUAGES)


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_sheet_that_prints_is_landscape_a4(kind):
    """Inputs and Checks too: a sheet left to the printer's default prints on Letter in a US-English office suite,
    a page of another size in the middle of an A4 book."""
    wb = openpyxl.load_workbook(SHIPPED / f"{kind}_en.xlsx")
    printed = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert len(printed) >= 5
    assert [(ws.title, ws.page_setup.orientation, ws.page_setup.paperSize) for ws in printed] == \
        [(ws.title, "landscape", 9) for ws in printed]  # 9: A4 in SpreadsheetML's paper sizes


@pytest.mark.parametrize("kind", list(KINDS))
def test_no_chart_starts_in_a_column_that_prints_on_every_page(kind):
    """Column A, the row labels, repeats on each page of a sheet printed pages wide: a chart drawn from it would
    print a strip of itself at the left of every later page."""
    wb = openpyxl.load_workbook(SHIPPED / f"{kind}_en.xlsx")
    repeated = [ws for ws in wb.worksheets if ws.print_title_cols == "$A:$A" and ws.page_setup.fitToWidth > 1]
    assert repeated
    assert [(ws.title, chart_corner(c)[0]) for ws in repeated for c in ws._charts if chart_corner(c)[0] == 1] == []
