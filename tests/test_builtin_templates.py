"""The templates shipped in csxl/templates (and templates/) are the current layouts."""

from pathlib import Path

import openpyxl
import pytest

from csxl.workbooks.builtin import LAYOUTS, SHIPPED, template
from csxl.workbooks.labels import LANGUAGES, Locale

ROOT = Path(__file__).resolve().parent.parent


def contents(wb):
    """What a template is made of: sheets, cell values and formulas, defined names, tables."""
    cells = {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if c.value is not None}
    return ([ws.title for ws in wb.worksheets], cells, {n: d.attr_text for n, d in wb.defined_names.items()},
            sorted(t for ws in wb.worksheets for t in ws.tables))


@pytest.mark.parametrize("kind", list(LAYOUTS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_shipped_template_is_current(kind, lang):
    shipped = openpyxl.load_workbook(SHIPPED / f"{kind}_{lang}.xlsx")
    assert contents(shipped) == contents(template(kind, Locale(lang))), \
        "run python -m csxl.workbooks.builtin to refresh csxl/templates"


def test_templates_folder_is_the_shipped_one():
    assert (ROOT / "templates").resolve() == SHIPPED
    assert len(list(SHIPPED.glob("*.xlsx"))) == len(LAYOUTS) * len(LANGUAGES)
