"""The built-in templates: every workbook layout in every language, as shipped in csxl/templates/.

`python -m csxl.workbooks.builtin` rewrites the shipped files after a layout
changes; tests/test_builtin_templates.py fails when they are out of date.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from csxl.workbooks.files import atomic_save
from csxl.workbooks.forecast import forecast_template
from csxl.workbooks.labels import LANGUAGES, Locale
from csxl.workbooks.portfolio import portfolio_template
from csxl.workbooks.qbr import qbr_template

LAYOUTS = {"qbr": qbr_template, "forecast": forecast_template, "portfolio": portfolio_template}
SHIPPED = Path(__file__).resolve().parent.parent / "templates"


def template(kind: str, locale: Locale) -> Workbook:
    return LAYOUTS[kind](locale)


def write_builtin_templates(folder: Path = SHIPPED) -> list[Path]:
    """One file per layout and language, in the language's default currency."""
    return [atomic_save(template(kind, Locale(lang)), folder / f"{kind}_{lang}.xlsx")
            for kind in LAYOUTS for lang in LANGUAGES]


if __name__ == "__main__":
    for path in write_builtin_templates():
        print(f"wrote {path}")
