"""The workbook kinds and their built-in templates: every layout in every language, as shipped in csxl/templates/.

`KINDS` is the one list of workbook kinds the CLI, the template export and
the tests iterate over. `python -m csxl.workbooks.builtin` rewrites the
shipped files after a layout changes; tests/test_builtin_templates.py fails
when they are out of date.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from csxl.workbooks import forecast, portfolio, qbr
from csxl.workbooks.files import atomic_save
from csxl.workbooks.kind import WorkbookKind
from csxl.workbooks.labels import LANGUAGES, Locale

KINDS: dict[str, WorkbookKind] = {kind.name: kind for kind in (qbr.KIND, forecast.KIND, portfolio.KIND)}
SHIPPED = Path(__file__).resolve().parent.parent / "templates"


def template(kind: str, locale: Locale) -> Workbook:
    return KINDS[kind].template(locale)


def write_builtin_templates(folder: Path = SHIPPED) -> list[Path]:
    """One file per layout and language, all in csxl's default currency (the same whatever the language): filling
    one rewrites its money formats in the data's currency (`csxl.workbooks.currency`)."""
    return [atomic_save(template(kind, Locale(lang)), folder / f"{kind}_{lang}.xlsx")
            for kind in KINDS for lang in LANGUAGES]


if __name__ == "__main__":
    for path in write_builtin_templates():
        print(f"wrote {path}")
