"""The Inputs sheet: every assumption of a model in one place, blue, with its unit and where it came from."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from csxl.workbooks.cells import BOLD, absolute, col, header_row, label, mark_input, title, value, widths
from csxl.workbooks.labels import Locale


class InputsSheet:
    """Appends named inputs to an Inputs sheet; formulas refer to them by name."""

    def __init__(self, wb: Workbook, locale: Locale) -> None:
        self.wb = wb
        self.locale = locale
        self.ws: Worksheet = wb.create_sheet(locale("sheet.inputs"))
        title(self.ws, locale("title.inputs"))
        header_row(self.ws, 3, 1, [locale("input"), locale("value"), locale("unit"), locale("note")])
        widths(self.ws, {"A": 46, "B": 16, "C": 22, "D": 60})
        self.ws.freeze_panes = "A4"
        self.row = 4

    def section(self, words: str) -> None:
        self.row += 1
        label(self.ws, f"A{self.row}", words, BOLD)
        self.row += 1

    def add(self, name: str, words: str, item: object, fmt: str | None = None, unit: str = "",
            note: str = "") -> str:
        """Add one input cell under a defined name; returns the name for formulas."""
        label(self.ws, f"A{self.row}", words)
        mark_input(value(self.ws, f"B{self.row}", item, fmt))
        if unit:
            label(self.ws, f"C{self.row}", unit)
        label(self.ws, f"D{self.row}", note or self.locale("source_default"))
        define(self.wb, name, absolute(self.ws, f"B{self.row}"))
        self.row += 1
        return name

    def table(self, header: list[str], rows: list[list[object]], formats: list[str | None]) -> tuple[int, int]:
        """A block of input rows (a lookup table); returns its first and last row."""
        header_row(self.ws, self.row, 1, header)
        first = self.row + 1
        for r, items in enumerate(rows, start=first):
            for c, (item, fmt) in enumerate(zip(items, formats)):
                cell = value(self.ws, f"{col(c + 1)}{r}", item, fmt)
                mark_input(cell)
        self.row = first + len(rows) + 1
        return first, first + len(rows) - 1


def define(wb: Workbook, name: str, target: str) -> None:
    """Create or re-point a workbook-level defined name."""
    if name in wb.defined_names:
        del wb.defined_names[name]
    wb.defined_names[name] = DefinedName(name, attr_text=target)
