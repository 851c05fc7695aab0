"""Reading what LibreOffice computed in a generated workbook."""

from pathlib import Path

import openpyxl


def named_values(path: Path, names) -> dict[str, object]:
    """The value behind each defined name of a recalculated workbook."""
    wb = openpyxl.load_workbook(path, data_only=True)
    values = {}
    for name in names:
        (sheet, ref), = wb.defined_names[name].destinations
        values[name] = wb[sheet][ref.replace("$", "")].value
    return values


def blank(value) -> bool:
    """A cell a formula left empty ("" or no value): the workbook's form of NaN."""
    return value is None or value == ""


def anchored(wb, kind: str, locale, sheet: str, key: str, cols: int = 0):
    """The cell a layout's anchor names (`cols` to its right or, negative, left: its label), in any workbook of
    that layout - how tests find a cell without knowing its address."""
    from csxl.workbooks.builtin import KINDS

    anchor = KINDS[kind].layout(locale).anchors[sheet][key].offset(cols=cols)
    return wb[anchor.ws.title][anchor.local]
