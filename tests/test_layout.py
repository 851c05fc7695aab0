"""What a reader sees: no label cut off by the cell beside it, no amount shown as ###, no line falling to 0.

Labels are checked on the built-in templates of every kind and language.
Amounts are checked where Excel and LibreOffice decide them, on the printed
page: the three workbooks of a book of millions are recalculated and printed
to PDF by LibreOffice, and pdftotext reads back what the pages show. Lines
are checked on the values their series read after recalculation: Excel plots
a text "" as 0 and leaves #N/A out.
"""

import dataclasses
import subprocess
import textwrap

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.chart import LineChart
from openpyxl.utils import get_column_letter, range_to_tuple

from csxl.workbooks.builtin import template
from csxl.workbooks.cells import EXCEL_DEFAULT_WIDTH
from csxl.workbooks.forecast import write_forecast
from csxl.workbooks.jobs import QbrJob, write_qbr
from csxl.workbooks.labels import CURRENCY_SYMBOLS, LANGUAGES, Locale
from csxl.workbooks.libreoffice import convert
from csxl.workbooks.portfolio import write_portfolio
from tests.books import ACCOUNT, small_book

AS_OF = pd.Timestamp("2026-09-01")


def cut_labels(wb) -> list[str]:
    """Text cells on one line, with a filled cell to their right, longer than their column is wide; wrapped
    text in a row of set height with more lines than fit (widths count characters of the 11-point default
    font, a line of it is 15 points high)."""
    cut = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type != "s" or not isinstance(cell.value, str):
                    continue
                letter = get_column_letter(cell.column)
                width = ws.column_dimensions[letter].width if letter in ws.column_dimensions else EXCEL_DEFAULT_WIDTH
                size = (cell.font.sz or 11) / 11  # a character is as wide, and a line as high, as its font
                height = ws.row_dimensions[cell.row].height if cell.row in ws.row_dimensions else None
                if cell.alignment.wrap_text:
                    lines = len(textwrap.wrap(cell.value, int(width / size)))
                    if height and lines * 15 * size > height:
                        cut.append(f"{ws.title}!{cell.coordinate} {cell.value!r}: {lines} lines in {height} pt")
                elif (ws.cell(cell.row, cell.column + 1).value not in (None, "")
                      and len(cell.value) * size > width):
                    cut.append(f"{ws.title}!{cell.coordinate} {cell.value!r} in width {width}")
    return cut


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", ["qbr", "forecast", "portfolio"])
def test_no_label_of_a_template_is_cut_off(kind, lang):
    assert cut_labels(template(kind, Locale(lang))) == []


def test_a_book_of_millions_prints_every_amount(tmp_path):
    # the small book at 20,000 times its size: accounts of about 10 million a month, a book of 30 million
    data = small_book()
    data = dataclasses.replace(data, mrr=data.mrr.assign(mrr=data.mrr["mrr"] * 20_000))
    books = [write_qbr(data, ACCOUNT, QbrJob(AS_OF, Locale(lang)), tmp_path / f"qbr_{lang}.xlsx")[0]
             for lang in LANGUAGES]
    books.append(write_forecast(data, AS_OF, Locale("pt-BR"), 24, None, tmp_path / "forecast.xlsx")[0])
    books.append(write_portfolio(data, AS_OF, Locale("es"), None, tmp_path / "portfolio.xlsx")[0])
    for pdf in convert(books, tmp_path / "pdf", "pdf", locale="pt-BR"):
        pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                               check=True).stdout.split("\f")
        assert any(symbol in page for page in pages for symbol in CURRENCY_SYMBOLS.values()), pdf.name  # printed
        hidden = [i + 1 for i, page in enumerate(pages) if "###" in page]
        assert hidden == [], f"{pdf.name}: ### on pages {hidden}"


def test_no_line_chart_plots_a_blank_as_zero(tmp_path):
    data = small_book()
    books = [write_qbr(data, ACCOUNT, QbrJob(AS_OF, Locale("en")), tmp_path / "qbr.xlsx")[0],
             write_forecast(data, AS_OF, Locale("en"), 12, None, tmp_path / "forecast.xlsx")[0],
             write_portfolio(data, AS_OF, Locale("en"), None, tmp_path / "portfolio.xlsx")[0]]
    lines = 0
    for built, calculated in zip(books, convert(books, tmp_path / "calc")):
        values = load_workbook(calculated, data_only=True)
        for ws in load_workbook(built).worksheets:
            for chart in ws._charts:
                if not isinstance(chart, LineChart):
                    continue
                assert chart.visible_cells_only is False, f"{built.name} {ws.title}: hidden series rows not plotted"
                for series in chart.series:
                    sheet, (min_col, min_row, max_col, max_row) = range_to_tuple(series.val.numRef.f)
                    shown = [values[sheet].cell(r, c).value for r in range(min_row, max_row + 1)
                             for c in range(min_col, max_col + 1)]
                    assert "" not in shown and None not in shown, f"{built.name} {ws.title} {series.val.numRef.f}"
                    lines += 1
    assert lines >= 8  # QBR MRR and health; forecast scenarios and curves; portfolio MRR, retention, NPS
