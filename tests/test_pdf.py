"""`csxl qbr --pdf`: the customer pages printed by LibreOffice, and nothing of the vendor's own sheets.

The built-in QBR is filled from a template whose vendor sheets (opportunities,
inputs, checks) carry the internal mark, as a team's template or the built-in
layout marks them; pdftotext reads back what the printed pages show. Which
sheets are the customer's is decided by the mark (`cells.is_internal`) and the
sheet's visibility, read from the .xlsx that was written beside the PDF.
"""

import shutil
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from csxl.cli import app
from csxl.errors import CsxlDataError
from csxl.workbooks.builtin import template
from csxl.workbooks.cells import is_internal, mark_internal
from csxl.workbooks.files import atomic_save
from csxl.workbooks.jobs import QbrJob, build_qbr
from csxl.workbooks.labels import Locale
from csxl.workbooks.libreoffice import LibreOfficeError, convert_each
from csxl.workbooks.pdf import save_copy_showing, save_customer_copy
from tests.books import ACCOUNT, small_book
from tests.test_cli import small_demo_csv

runner = CliRunner()
LANG = "pt-BR"
VENDOR_SHEETS = ("opportunities", "inputs", "checks")
AS_OF = pd.Timestamp("2026-09-01")


@pytest.fixture(scope="module")
def marked_template(tmp_path_factory):
    """The built-in QBR template, saved as a team's: the built-in layout marks the vendor's sheets internal."""
    wb = template("qbr", Locale(LANG))
    return atomic_save(wb, tmp_path_factory.mktemp("template") / "qbr_marked.xlsx")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return small_demo_csv(tmp_path_factory.mktemp("demo"), customers=3)


def pdf_lines(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in text.splitlines()]


def sheet_title(ws) -> str | None:
    """What `cells.title` wrote at the top left of a report sheet."""
    first = ws.cell(row=1, column=1).value
    return first if isinstance(first, str) else None


@pytest.mark.libreoffice
def test_the_pdf_shows_every_customer_page_and_no_internal_sheet(demo, marked_template, tmp_path):
    account = "C0001"
    out = tmp_path / "out" / "qbr.xlsx"
    result = runner.invoke(app, ["qbr", str(demo), "--account", account, "--lang", LANG, "--template",
                                 str(marked_template), "--pdf", "-o", str(out)])
    assert result.exit_code == 0, result.output
    pdf = out.with_suffix(".pdf")
    assert f"wrote {pdf}" in result.stdout
    lines = pdf_lines(pdf)
    wb = load_workbook(out)
    locale = Locale(LANG)
    marked = {ws.title for ws in wb.worksheets if is_internal(ws) and ws.sheet_state == "visible"}  # kept visible
    assert marked >= {locale(f"sheet.{key}") for key in VENDOR_SHEETS}
    customer = [sheet_title(ws) for ws in wb.worksheets if ws.sheet_state == "visible" and not is_internal(ws)]
    internal = [sheet_title(ws) for ws in wb.worksheets if is_internal(ws) and not ws.tables]
    data_headers = {cell.value for ws in wb.worksheets if ws.tables for cell in ws[1] if "_" in str(cell.value)}
    assert len(customer) >= 3 and None not in customer and len(internal) == len(marked)
    assert [t for t in customer if t not in lines] == []
    assert [t for t in internal if t in lines] == []
    assert [h for h in data_headers if any(h in line for line in lines)] == []
    assert [line for line in lines if "###" in line] == []
    assert any("R$" in line for line in lines)  # amounts printed, in the data's currency
    assert sorted(out.parent.iterdir()) == [pdf, out]  # and no temporary file left


@pytest.mark.libreoffice
def test_a_batch_writes_a_pdf_beside_every_qbr(demo, marked_template, tmp_path):
    out = tmp_path / "qbrs"
    result = runner.invoke(app, ["qbr", str(demo), "--all", "--template", str(marked_template), "--pdf",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    books = sorted(out.glob("*.xlsx"))
    assert len(books) >= 2
    assert sorted(out.glob("*.pdf")) == [book.with_suffix(".pdf") for book in books]
    assert f"{len(books)} PDFs of their customer pages written, 0 failed" in result.stdout
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_without_libreoffice_pdf_is_one_line_and_nothing_is_written(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # a PATH on which no soffice can be found
    out = tmp_path / "out" / "qbr.xlsx"
    result = runner.invoke(app, ["qbr", str(demo), "--account", "C0001", "--pdf", "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "LibreOffice (soffice) is not installed" in result.stderr
    assert "Traceback" not in result.output and not out.exists()


def test_the_copy_to_print_hides_internal_sheets_and_the_workbook_stays_as_it_was(tmp_path):
    wb, _ = build_qbr(small_book(), ACCOUNT, QbrJob(AS_OF, Locale("en")))
    vendor = [ws for ws in wb.worksheets if not ws.tables and not is_internal(ws)][-2:]  # two customer pages more
    for ws in vendor:
        mark_internal(ws)
    wb.active = wb.worksheets.index(vendor[0])  # saved while a vendor sheet was open
    before = [(ws.title, ws.sheet_state) for ws in wb.worksheets]
    internal = {ws.title for ws in wb.worksheets if is_internal(ws)}
    copy = load_workbook(save_customer_copy(wb, tmp_path / "copy.xlsx"))
    assert [(ws.title, ws.sheet_state) for ws in wb.worksheets] == before and wb.active is vendor[0]
    shown = [ws.title for ws in copy.worksheets if ws.sheet_state == "visible"]
    assert {v.title for v in vendor} <= internal and shown
    assert shown == [title for title, state in before if state == "visible" and title not in internal]
    assert copy.active.title == shown[0]


@pytest.mark.libreoffice
def test_a_hidden_sheet_with_a_print_area_is_not_printed(tmp_path):
    """LibreOffice prints a hidden sheet that has a print area: the copies drop the hidden sheets' areas, so a
    customer page marked internal stays out of the PDF, and a copy showing one sheet prints that sheet alone."""
    wb, _ = build_qbr(small_book(), ACCOUNT, QbrJob(AS_OF, Locale("en")))
    pages = [ws for ws in wb.worksheets if not ws.tables and not is_internal(ws)]
    vendor = pages[-2:]
    assert all(ws.print_area for ws in pages)  # every customer page has one
    for ws in vendor:
        mark_internal(ws)
    one = save_copy_showing(wb, [pages[2]], tmp_path / "one.xlsx")
    deck = save_customer_copy(wb, tmp_path / "deck.xlsx")
    assert all(ws.print_area for ws in pages)  # the workbook keeps its own
    done = convert_each([one, deck], tmp_path / "pdf", "pdf")
    titles = {ws.title: sheet_title(ws) for ws in pages}
    one_lines = pdf_lines(done.outputs[one.resolve()])
    assert titles[pages[2].title] in one_lines
    assert not {titles[ws.title] for ws in pages if ws is not pages[2]} & set(one_lines)
    deck_lines = pdf_lines(done.outputs[deck.resolve()])
    assert {titles[ws.title] for ws in pages[:-2]} <= set(deck_lines)
    assert not {titles[ws.title] for ws in vendor} & set(deck_lines)


def test_a_workbook_without_a_customer_page_is_refused_saying_what_to_do(tmp_path):
    wb, _ = build_qbr(small_book(), ACCOUNT, QbrJob(AS_OF, Locale("en")))
    for ws in wb.worksheets:
        mark_internal(ws)
    with pytest.raises(CsxlDataError, match=r"^the QBR has no customer page to print.* - leave at least one"):
        save_customer_copy(wb, tmp_path / "copy.xlsx")
    assert not (tmp_path / "copy.xlsx").exists()


def test_libreoffice_running_past_its_time_is_ended_with_what_it_started(tmp_path, monkeypatch):
    # a stand-in for the soffice script: it starts a long-running child, as soffice starts soffice.bin
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "soffice"
    script.write_text(f"#!/bin/sh\n{shutil.which('sleep')} 60 &\necho $! > {tmp_path / 'child'}\nwait\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    began = time.monotonic()
    with pytest.raises(LibreOfficeError, match="did not finish within 1 s"):
        convert_each([tmp_path / "book.xlsx"], tmp_path / "pdf", "pdf", timeout=1)
    assert time.monotonic() - began < 10
    assert not running(int((tmp_path / "child").read_text()))


def running(pid: int) -> bool:
    """Whether process `pid` runs (Linux): a killed process no one has reaped yet is a zombie, not running."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")

