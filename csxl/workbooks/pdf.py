"""The customer pages of a workbook as a PDF, printed by LibreOffice, ready to send.

A QBR holds the vendor's own sheets (inputs, checks, pipeline: marked by
`cells.mark_internal`) and its Data sheets beside the pages meant for the
customer. The PDF is printed from a copy in which every internal sheet is
hidden, since LibreOffice prints the visible sheets only: the formulas of the
customer pages still read the hidden sheets, and the .xlsx keeps every sheet as
it was. One LibreOffice process prints every copy of a run, since starting it
takes longer than printing a workbook, and each PDF is renamed into place next
to its workbook (`files.publish_files`), so a failed or killed run leaves no
half-written PDF where a reader looks.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from csxl.errors import CsxlDataError
from csxl.workbooks.cells import is_internal
from csxl.workbooks.files import atomic_save, publish_files
from csxl.workbooks.libreoffice import LibreOfficeError, convert_each, soffice

# The locale LibreOffice prints each language in: separators and month names as that reader's Excel shows them.
PRINT_LOCALE = {"en": "en-US", "pt-BR": "pt-BR", "es": "es-MX"}
# Seconds LibreOffice may take: its start, then each workbook (about 1.2 s of processor time; ten for a busy machine).
START_SECONDS, SECONDS_PER_BOOK = 60, 10


def copies_folder() -> Path:
    """A temporary folder for the copies a run prints, removed when the run ends. It refuses a machine without
    LibreOffice first, so that a run asked for PDFs stops before any work rather than after a batch."""
    soffice()
    folder = Path(tempfile.mkdtemp(prefix="csxl-pdf-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def customer_pages(wb: Workbook) -> list[Worksheet]:
    """The sheets the customer sees: visible and not internal (`cells.is_internal`), in the workbook's order."""
    return [ws for ws in wb.worksheets if ws.sheet_state == "visible" and not is_internal(ws)]


def save_customer_copy(wb: Workbook, path: Path) -> Path:
    """Save a copy of `wb` to `path` in which only the customer pages are visible; `wb` is left as it was."""
    pages = customer_pages(wb)
    if not pages:
        raise CsxlDataError("the QBR has no customer page to print: every visible sheet is marked internal",
                            fix="leave at least one report sheet of the template without the internal mark")
    return save_copy_showing(wb, pages, path)


def save_copy_showing(wb: Workbook, pages: list[Worksheet], path: Path) -> Path:
    """Save a copy of `wb` to `path` in which only `pages` (one or more of its sheets) are visible, the first of
    them open; `wb` is left as it was.

    The other sheets are hidden and lose their print areas in the copy: LibreOffice (7.4) prints a hidden sheet
    that has a print area, so a copy showing one customer page printed the deck's first page instead.
    """
    states = {ws.title: (ws.sheet_state, ws.print_area) for ws in wb.worksheets}
    active = wb.active
    try:
        for ws in pages:
            ws.sheet_state = "visible"
        wb.active = pages[0]  # a hidden sheet cannot be the one a reader opens on
        for ws in wb.worksheets:
            if ws not in pages:
                ws.sheet_state, ws.print_area = "hidden", None
        return atomic_save(wb, path)
    finally:
        for ws in wb.worksheets:
            ws.sheet_state, area = states[ws.title]
            ws.print_area = area or None
        wb.active = active


def print_pdfs(copies: list[Path], folder: Path, lang: str,
               progress: Callable[[int], None] | None = None) -> dict[Path, Path | None]:
    """Print the copies `save_customer_copy` made into `folder`, each PDF named after its copy, then remove the
    copies; returns each copy's PDF, or None where LibreOffice made none. A PDF of the same name in `folder` is
    replaced, as the workbook beside it was."""
    if not copies:
        return {}
    made: dict[Path, Path | None] = {}

    def write(staging: Path) -> list[Path]:
        timeout = START_SECONDS + SECONDS_PER_BOOK * len(copies)
        try:
            done = convert_each(copies, staging, "pdf", timeout, PRINT_LOCALE[lang], progress)
        except LibreOfficeError as err:
            raise CsxlDataError(f"no PDF written: {err}", file=str(folder),
                                fix="write fewer accounts at a time, or leave out --pdf") from None
        made.update(done.outputs)
        return [pdf for pdf in done.outputs.values() if pdf is not None]

    try:
        published = {pdf.name: pdf for pdf in publish_files(write, folder, replace=True)}
    finally:
        for copy in copies:
            copy.unlink(missing_ok=True)
    return {copy: published[pdf.name] if (pdf := made[copy.resolve()]) is not None else None for copy in copies}


def print_pdf(copy: Path, workbook: Path, lang: str) -> Path:
    """The PDF of one copy, written next to `workbook` under its name, or a `CsxlDataError` saying why not."""
    printed = print_pdfs([copy], workbook.parent, lang)[copy]
    if printed is None:
        raise CsxlDataError("LibreOffice could not print the customer pages to a PDF", file=str(workbook),
                            fix="open the workbook in LibreOffice to see why")
    return printed
