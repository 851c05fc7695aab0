"""Redraw docs/images and the README section showing them, from the demo data: `python docs/make_images.py`.

The pictures: the customer pages of the QBR (what `csxl qbr --pdf` prints) of
the first paying account in en, pt-BR and es, and of the first paying account
without a single survey answer; the portfolio's cover, the first page of its
movements and its renewals-at-risk sheet; the forecast's cover and drivers
sheet. Sheets other than the covers are found by
their English titles, and one a layout does not have is left out with a note,
so the script keeps working whatever sheets the layouts gain or lose. Each
sheet is printed on its own by LibreOffice in its language's locale (one
process per language); pdftoppm (poppler-utils) turns its first page into a
PNG and Pillow cuts the white margins. The pictures of the previous run are
replaced once the new ones are made, and the README's part between the two
markers below is rewritten to show them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image, ImageChops

from csxl.data.demo import demo_dataset
from csxl.workbooks.builtin import KINDS
from csxl.workbooks.jobs import QbrJob, accounts_with_mrr, build_qbr
from csxl.workbooks.labels import LANGUAGES, Locale
from csxl.workbooks.libreoffice import convert_each
from csxl.workbooks.pdf import PRINT_LOCALE, customer_pages, save_copy_showing
from csxl.workbooks.qbr import quarter_end

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
README = ROOT / "README.md"
START = "<!-- pictures: written by docs/make_images.py -->"
END = "<!-- end of the pictures -->"
RESOLUTION = 80  # dots per inch: a landscape page about 880 pixels wide before its margins are cut, legible on GitHub
MARGIN = 16  # pixels of white kept around what a page shows
# The English titles of the optional sheets, as patterns: a layout may not have them (yet)
RENEWALS_AT_RISK = r"renewals?\b.*\brisk|\brisk\b.*renewal"
DRIVERS = r"\bdrivers?\b"


@dataclass(frozen=True)
class Picture:
    """One sheet of a workbook to print, and the name of its picture."""

    book: str  # "qbr_en", "portfolio"...: the start of the picture's name
    wb: Workbook
    ws: Worksheet
    lang: str

    @property
    def name(self) -> str:
        """The book and the sheet's title as a file name: letters without accents, digits and dashes."""
        plain = unicodedata.normalize("NFKD", self.ws.title).encode("ascii", "ignore").decode()
        return f"{self.book}_{re.sub(r'[^a-z0-9]+', '-', plain.lower()).strip('-')}"

    @property
    def link(self) -> str:
        return f"docs/images/{self.name}.png"


@dataclass(frozen=True)
class Group:
    """Pictures shown together in the README under a heading: all of them, or the first and links to the rest."""

    heading: str
    pictures: list[Picture]
    show_all: bool = False

    def markdown(self) -> list[str]:
        lines = [f"### {self.heading}", ""]
        shown = self.pictures if self.show_all else self.pictures[:1]
        lines += [f"![{p.ws.title}]({p.link})" for p in shown]
        rest = self.pictures[len(shown):]
        if rest:
            lines += ["", "Its other pages: " + " · ".join(f"[{p.ws.title}]({p.link})" for p in rest)]
        return [*lines, ""]


def sheets_titled(wb: Workbook, pattern: str, what: str) -> list[Worksheet]:
    """The sheets whose title matches `pattern`, or none with a note saying so."""
    found = [ws for ws in wb.worksheets if re.search(pattern, ws.title, re.IGNORECASE)]
    if not found:
        print(f"note: no {what} sheet (a title like /{pattern}/): left out", file=sys.stderr)
    return found


def groups() -> list[Group]:
    data = demo_dataset()
    as_of = quarter_end(data, None)
    paying = accounts_with_mrr(data, as_of)
    answered = set().union(*(set(t["customer_id"]) for t in (data.nps, data.csat, data.ces) if t is not None))
    silent = next(a for a in paying if a not in answered)
    names = {"en": "English", "pt-BR": "Portuguese (pt-BR)", "es": "Spanish (es)"}
    made = []
    for lang, account, book in [*((lang, paying[0], f"qbr_{lang}") for lang in LANGUAGES),
                                ("en", silent, "qbr_no-surveys")]:
        wb, _ = build_qbr(data, account, QbrJob(as_of, Locale(lang)))
        heading = (f"QBR of {account} in {names[lang]}" if account == paying[0]
                   else f"QBR of {account}, an account without survey answers")
        made.append(Group(heading, [Picture(book, wb, ws, lang) for ws in customer_pages(wb)],
                          show_all=book == "qbr_en"))
    en = Locale("en")
    portfolio, _ = KINDS["portfolio"].build(data, data.last_month, en)
    sheets = [portfolio[en("sheet.cover")], portfolio[en("sheet.movements")],
              *sheets_titled(portfolio, RENEWALS_AT_RISK, "renewals-at-risk")]
    made.append(Group("Portfolio review", [Picture("portfolio", portfolio, ws, "en") for ws in sheets], True))
    forecast, _ = KINDS["forecast"].build(data, data.last_month, en, horizon=12)
    sheets = [forecast[en("sheet.cover")], *sheets_titled(forecast, DRIVERS, "drivers")]
    made.append(Group("Forecast", [Picture("forecast", forecast, ws, "en") for ws in sheets], True))
    return made


def render(pictures: list[Picture], folder: Path) -> list[Path]:
    """Print each picture's sheet alone to a PDF (one LibreOffice process per language), then its first page to
    a PNG in `folder`; returns the PNGs."""
    pngs = []
    for lang in {p.lang for p in pictures}:
        these = [p for p in pictures if p.lang == lang]
        copies = [save_copy_showing(p.wb, [p.ws], folder / f"{p.name}.xlsx") for p in these]
        done = convert_each(copies, folder, "pdf", timeout=60 + 30 * len(copies), locale=PRINT_LOCALE[lang])
        for picture, copy in zip(these, copies):
            pdf = done.outputs[copy.resolve()]
            if pdf is None:
                raise SystemExit(f"LibreOffice could not print {picture.name}: {done.stderr}")
            subprocess.run(["pdftoppm", "-png", "-r", str(RESOLUTION), "-f", "1", "-l", "1", "-singlefile",
                            str(pdf), str(folder / picture.name)], check=True)
            pngs.append(trimmed(folder / f"{picture.name}.png"))
    return pngs


def trimmed(png: Path) -> Path:
    """The picture without the white of the page around what it shows (a sheet rarely fills its page)."""
    with Image.open(png) as page:
        page.load()
    shown = ImageChops.difference(page.convert("RGB"), Image.new("RGB", page.size, "white")).getbbox()
    if shown:
        left, top, right, bottom = shown
        page.crop((max(left - MARGIN, 0), max(top - MARGIN, 0), min(right + MARGIN, page.width),
                   min(bottom + MARGIN, page.height))).save(png)
    return png


def rewrite_readme(made: list[Group]) -> None:
    text = README.read_text(encoding="utf-8")
    if text.count(START) != 1 or text.count(END) != 1:
        raise SystemExit(f"README.md needs the two markers, once each, where the pictures go:\n{START}\n{END}")
    before, rest = text.split(START)
    _, after = rest.split(END)
    section = "\n".join(line for group in made for line in group.markdown())
    README.write_text(f"{before}{START}\n{section}{END}{after}", encoding="utf-8")
    print(f"wrote {README}")


def main() -> None:
    made = groups()
    with tempfile.TemporaryDirectory(prefix="csxl-images-") as folder:
        pngs = render([p for group in made for p in group.pictures], Path(folder))
        IMAGES.mkdir(parents=True, exist_ok=True)
        for old in IMAGES.glob("*.png"):  # only once every new picture is made: a failed run leaves the old ones
            old.unlink()
        for png in pngs:
            shutil.move(png, IMAGES / png.name)
            print(f"wrote {IMAGES / png.name}")
    rewrite_readme(made)


if __name__ == "__main__":
    main()
