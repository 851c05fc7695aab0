"""Redraw the pictures of docs/images from the demo data: `.venv/bin/python docs/make_images.py`.

The QBR of the first demo account, in pt-BR, rendered by LibreOffice with a
pt-BR profile (so separators and month names are those a Brazilian Excel
shows) to pdf and by pdftoppm (poppler-utils) to png: the cover is page 1,
the MRR sheet page 2. The forecast of the demo data (English, 24 months): its
Drivers sheet is page 3, after the cover and Inputs.
"""

import subprocess
import tempfile
from pathlib import Path

from csxl.data.demo import demo_dataset
from csxl.workbooks.forecast import write_forecast
from csxl.workbooks.jobs import QbrJob, accounts_with_mrr, write_qbr
from csxl.workbooks.labels import Locale
from csxl.workbooks.libreoffice import convert
from csxl.workbooks.portfolio import write_portfolio
from csxl.workbooks.qbr import quarter_end

IMAGES = Path(__file__).resolve().parent / "images"
PAGES = {"qbr_cover": 1, "qbr_mrr": 2}
FORECAST_PAGES = {"forecast_drivers": 3}
CROP = {"forecast_drivers": ["-x", "60", "-y", "80", "-W", "980", "-H", "310"]}  # the sheet fills a third of its page


def _png(pdf: Path, pages: dict[str, int]) -> None:
    for name, page in pages.items():
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", str(page), "-l", str(page), *CROP.get(name, []),
                        "-singlefile", str(pdf), str(IMAGES / name)], check=True)
        print(f"wrote {IMAGES / name}.png")


def main() -> None:
    data = demo_dataset()
    as_of = quarter_end(data, None)
    account = accounts_with_mrr(data, as_of)[0]
    with tempfile.TemporaryDirectory() as folder:
        book, _ = write_qbr(data, account, QbrJob(as_of, Locale("pt-BR")), Path(folder) / "qbr.xlsx")
        _png(convert([book], Path(folder), "pdf", locale="pt-BR")[0], PAGES)
        forecast, _ = write_forecast(data, data.last_month, Locale("en"), 24, None, Path(folder) / "forecast.xlsx")
        _png(convert([forecast], Path(folder), "pdf")[0], FORECAST_PAGES)


def portfolio_images() -> None:
    """The portfolio review of the demo book in pt-BR: its cover and its Renewals at risk sheet, each found by the
    title its page starts with (the pages before move as sheets are added)."""
    data = demo_dataset()
    locale = Locale("pt-BR")
    with tempfile.TemporaryDirectory() as folder:
        book, _ = write_portfolio(data, data.last_month, locale, None, Path(folder) / "portfolio.xlsx")
        pdf = convert([book], Path(folder), "pdf", locale="pt-BR")[0]
        titles = {"portfolio_cover": locale("title.portfolio"), "portfolio_renewals": locale("sheet.renewals_at_risk")}
        for name, words in titles.items():
            page = next(n for n in range(1, 60) if subprocess.run(
                ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True,
                check=True).stdout.lstrip().startswith(words))
            subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", str(page), "-l", str(page), "-singlefile",
                            str(pdf), str(IMAGES / name)], check=True)
            print(f"wrote {IMAGES / name}.png")


if __name__ == "__main__":
    main()
    portfolio_images()
