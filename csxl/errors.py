"""The one error type users see for bad input.

Every reader, validator and command raises `CsxlDataError` so that the CLI can
print one line and exit 2, and a UDF can show a short text in the cell. The
message names where the problem is (file, sheet, row as a spreadsheet numbers
it, column) and says what to fix.
"""

from __future__ import annotations

import re

# characters that would break the one line (newlines, vertical tabs, \x85, line and paragraph separators) or
# print as nothing (other control characters): a message quotes data, so they are written as escapes
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class CsxlDataError(ValueError):
    """Bad input, located and explained.

    `str(err)` is the full one-line message (a control character quoted from the data is written as an
    escape, \\x0b); the parts stay available for callers that present them differently (a cell shows only the
    problem).
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.fix = fix
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        text = f"{', '.join(where)}: {self.problem}" if where else self.problem
        if self.fix:
            text += f" - {self.fix}"
        return _UNPRINTABLE.sub(lambda m: ascii(m.group())[1:-1], text)
