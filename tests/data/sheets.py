"""Writing a workbook the way a user's spreadsheet holds a table: rows appended from A1, one sheet per table."""

from pathlib import Path

import openpyxl


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """An .xlsx at `path` with those sheets, in order, each holding its rows from A1."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path
