"""One skeleton for every workbook kind: lay out, export as a template, fill, save.

A kind (QBR, portfolio, forecast) declares its Data tables, its key output
names, a layout function and a fill function; `WorkbookKind` does the rest the
same way for all of them: the built-in layout or a team's template (checked to
be a template of this kind), filling, atomic saving, and the warnings of both.
The CLI, `csxl.workbooks.builtin` and the tests iterate over `KINDS` in
`csxl.workbooks.builtin` instead of knowing each kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

from csxl.data.dataset import Dataset
from csxl.workbooks.anchors import Anchors
from csxl.workbooks.currency import book_locale, set_currency
from csxl.workbooks.files import atomic_save
from csxl.workbooks.formulas import Tables
from csxl.workbooks.labels import Locale
from csxl.workbooks.template import open_template


@dataclass(frozen=True)
class Layout:
    """A workbook laid out with empty Data tables, and the anchors each sheet builder returned (by sheet key)."""

    wb: Workbook
    anchors: dict[str, Anchors]


# fill(wb, data, as_of, locale, **options) writes the data into wb and returns its warnings
Fill = Callable[..., list[str]]


@dataclass(frozen=True)
class WorkbookKind:
    """What makes a QBR a QBR: its tables, outputs, layout and filling."""

    name: str
    tables: Tables
    output_names: tuple[str, ...]
    layout: Callable[[Locale], Layout]
    fill: Fill

    def template(self, locale: Locale) -> Workbook:
        """The built-in layout, as `csxl template export` writes it."""
        return self.layout(locale).wb

    def open(self, path: Path) -> tuple[Workbook, list[str]]:
        """A team's template of this kind (one of another kind is refused by name), with the warnings of what it
        holds that csxl cannot keep."""
        return open_template(path, self.name)

    def build(self, data: Dataset, as_of: pd.Timestamp, locale: Locale, template: Path | None = None,
              **options: Any) -> tuple[Workbook, list[str]]:
        """The filled workbook and every warning (the template's, the currency's, then filling's), in the data's
        currency (`csxl.workbooks.currency`: `locale.currency` only supplies one the data does not state)."""
        locale, assumed = book_locale(locale, data, options.get("account"))
        wb, warnings = self.open(template) if template else (self.template(locale), [])
        warnings += assumed + set_currency(wb, locale)
        return wb, warnings + self.fill(wb, data, as_of, locale, **options)

    def write(self, data: Dataset, as_of: pd.Timestamp, locale: Locale, path: Path, template: Path | None = None,
              **options: Any) -> tuple[Path, list[str]]:
        """Build and save atomically; returns the path written and the warnings."""
        wb, warnings = self.build(data, as_of, locale, template, **options)
        return atomic_save(wb, Path(path)), warnings
