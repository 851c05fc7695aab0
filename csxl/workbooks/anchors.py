"""Named anchors: where a sheet builder put each thing, so that nothing else needs to know the address.

A sheet builder lays out its lines and blocks with `lines()` (or places
`Anchor`s itself) and returns them as `Anchors`, a mapping from a key such as
"promoters" or "total" to the cell or area that holds it. Covers, checks,
charts and tests consume those anchors - `voice["promoters"].ref` is
`'Voice of customer'!$B$6` today and follows the line wherever it moves - so
inserting a line cannot silently feed the wrong row to another sheet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace

from openpyxl.chart import Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from csxl.workbooks.cells import formula, label, value


def define(wb: Workbook, name: str, target: str) -> None:
    """Create or re-point a workbook-level defined name."""
    if name in wb.defined_names:
        del wb.defined_names[name]
    wb.defined_names[name] = DefinedName(name, attr_text=target)


@dataclass(frozen=True, eq=False)
class Anchor:
    """A cell, or an area from (row, col) to (last_row, last_col), on one worksheet."""

    ws: Worksheet
    row: int
    col: int
    last_row: int | None = None
    last_col: int | None = None

    @property
    def bottom(self) -> int:
        return self.last_row or self.row

    @property
    def right(self) -> int:
        return self.last_col or self.col

    @property
    def letter(self) -> str:
        return get_column_letter(self.col)

    def a1(self, absolute: bool = False) -> str:
        """The address on its own sheet: "B5", "$B$5", "B5:M5"."""
        mark = "$" if absolute else ""
        first = f"{mark}{get_column_letter(self.col)}{mark}{self.row}"
        if (self.bottom, self.right) == (self.row, self.col):
            return first
        return f"{first}:{mark}{get_column_letter(self.right)}{mark}{self.bottom}"

    @property
    def local(self) -> str:
        """Relative address for formulas on the same sheet."""
        return self.a1()

    @property
    def ref(self) -> str:
        """'Sheet'!$B$5: for formulas on other sheets, defined names and charts."""
        return f"{quote_sheetname(self.ws.title)}!{self.a1(absolute=True)}"

    def cell(self, index: int) -> Anchor:
        """The index-th cell of a line or column area (0 first, -1 last)."""
        return self.at(0, index) if self.row == self.bottom else self.at(index, 0)

    def at(self, row: int, col: int) -> Anchor:
        """The cell of an area at (row, col), counted from its top left (negative: from its bottom right)."""
        rows, cols = self.bottom - self.row + 1, self.right - self.col + 1
        if not (-rows <= row < rows and -cols <= col < cols):
            raise IndexError(f"({row}, {col}) is outside {self.ref}")
        return Anchor(self.ws, self.row + row % rows, self.col + col % cols)

    def part(self, first: int, last: int) -> Anchor:
        """Cells first..last (inclusive; negative from the end) of a line or column area."""
        a, b = self.cell(first), self.cell(last)
        return Anchor(self.ws, a.row, a.col, b.row, b.col)

    def row_of(self, index: int) -> Anchor:
        """One row of an area, as a line area."""
        r = self.at(index, 0).row
        return Anchor(self.ws, r, self.col, r, self.right)

    def column_of(self, index: int) -> Anchor:
        """One column of an area, as a column area."""
        c = self.at(0, index).col
        return Anchor(self.ws, self.row, c, self.bottom, c)

    def cells(self) -> Iterator[Anchor]:
        for r in range(self.row, self.bottom + 1):
            for c in range(self.col, self.right + 1):
                yield Anchor(self.ws, r, c)

    def offset(self, rows: int = 0, cols: int = 0) -> Anchor:
        return replace(self, row=self.row + rows, col=self.col + cols,
                       last_row=self.last_row and self.last_row + rows, last_col=self.last_col and self.last_col + cols)

    def grow(self, top: int = 0) -> Anchor:
        """The area with `top` more rows above it (a column of values with its header, for a chart's series)."""
        return replace(self, row=self.row - top, last_row=self.bottom)

    def reference(self) -> Reference:
        """The area as a chart reference."""
        return Reference(self.ws, min_col=self.col, max_col=self.right, min_row=self.row, max_row=self.bottom)

    def define(self, wb: Workbook, name: str) -> Anchor:
        """Put the area under a workbook-level defined name (re-pointing an existing one)."""
        define(wb, name, self.ref)
        return self


def named(wb: Workbook, name: str) -> Anchor:
    """The cell or area behind a defined name of `wb`, wherever the workbook's owner moved it."""
    from openpyxl.utils.cell import range_boundaries

    (sheet, area), = wb.defined_names[name].destinations
    first_col, first_row, last_col, last_row = range_boundaries(area.replace("$", ""))
    return Anchor(wb[sheet], first_row, first_col, last_row, last_col)


def row_span(ws: Worksheet, row: int, first_col: int, last_col: int) -> Anchor:
    return Anchor(ws, row, first_col, row, last_col)


def column_span(ws: Worksheet, col: int, first_row: int, last_row: int) -> Anchor:
    return Anchor(ws, first_row, col, last_row, col)


class Anchors(Mapping[str, Anchor]):
    """Key -> anchor, refusing an unknown key with the keys it has (a typo is an error, not a blank)."""

    def __init__(self, items: Mapping[str, Anchor] | None = None) -> None:
        self._items: dict[str, Anchor] = dict(items or {})

    def __getitem__(self, key: str) -> Anchor:
        try:
            return self._items[key]
        except KeyError:
            raise KeyError(f"no anchor {key!r}; laid out: {', '.join(self._items)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __setitem__(self, key: str, anchor: Anchor) -> None:
        if key in self._items:
            raise KeyError(f"anchor {key!r} laid out twice")
        self._items[key] = anchor

    def update(self, other: Mapping[str, Anchor]) -> Anchors:
        for key, anchor in other.items():
            self[key] = anchor
        return self


Expression = str | Callable[[Anchors], str]


@dataclass(frozen=True)
class Line:
    """One labelled line of a block: a formula (or a function of the block's anchors giving one), or a value.

    `name` puts the value cell under a defined name, so other workbooks and the parity tests find it.
    """

    key: str
    words: str
    expression: Expression | None = None
    fmt: str | None = None
    font: Font | None = None
    name: str | None = None
    item: object = None  # a constant written as data instead of a formula (a code the formulas match on)


def lines(ws: Worksheet, top: int, items: list[Line], label_col: int = 1, value_col: int = 2,
          label_font: Font | None = None) -> Anchors:
    """Lay out labelled lines from row `top` down: the label in `label_col`, the value in `value_col`.

    Every line's cell is known before any formula is written, so a line's
    formula can name the other lines of its block by key.
    """
    anchors = Anchors({line.key: Anchor(ws, top + i, value_col) for i, line in enumerate(items)})
    for line in items:
        anchor = anchors[line.key]
        label(ws, f"{get_column_letter(label_col)}{anchor.row}", line.words, label_font)
        if line.expression is not None:
            text = line.expression(anchors) if callable(line.expression) else line.expression
            formula(ws, anchor.local, text, line.fmt, line.font)
        else:
            value(ws, anchor.local, line.item, line.fmt)
            if line.font:
                ws[anchor.local].font = line.font
        if line.name:
            anchor.define(ws.parent, line.name)
    return anchors


def referenced(wb: Workbook, reference: str) -> Anchor | None:
    """The area of a one-area reference such as a chart's ('Bob''s MRR'!$B$5:$B$20, or unquoted as Excel saves
    it), None for a union or a sheet the workbook lacks."""
    from openpyxl.utils.cell import range_boundaries

    sheet, area = reference.rsplit("!", 1)
    name = sheet_name(sheet)
    if "," in area or name not in wb.sheetnames:
        return None
    first_col, first_row, last_col, last_row = range_boundaries(area.replace("$", ""))
    return Anchor(wb[name], first_row, first_col, last_row, last_col)


def sheet_name(part: str) -> str:
    """The sheet name of the part of a reference before its "!", quotes taken off ('Bob''s MRR': Bob's MRR)."""
    return part[1:-1].replace("''", "'") if part.startswith("'") else part
