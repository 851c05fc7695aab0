"""The portfolio's movers: the accounts behind the last month's and the last three months' expansion, contraction
and churn (`csxl.metrics.movers.account_movements`), largest first, each with its CSM.

Live over the book's month columns: for each window and kind, a calculated column of the book holds the account's
amount (0 when it did not move that way) less a billionth of its row, and the lists rank it with LARGE; the book
is in customer id order, so ties fall as `account_movements` orders them.
"""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.worksheet.worksheet import Worksheet

from csxl.metrics.movers import MOVER_KINDS
from csxl.workbooks.anchors import Anchor, Anchors
from csxl.workbooks.cells import BOLD, col, formula, header_row, label, title, widths
from csxl.workbooks.labels import Locale

MOVER_ROWS = 10
MOVER_WINDOWS = {"month": 1, "quarter": 3}  # months back from the as-of month
_HEADS = ["account", "csm", "mrr_change"]


def _amount(kind: str, start: str, end: str) -> str:
    """The amount of one kind of movement from MRR `start` to `end` (0 when the account did not move that way)."""
    return {"expansion": f"IF(AND({start}>0,{end}>{start}),{end}-{start},0)",
            "contraction": f"IF(AND({start}>0,{end}>0,{end}<{start}),{start}-{end},0)",
            "churn": f"IF(AND({start}>0,{end}=0),{start},0)"}[kind]


def mover_columns(month: Callable[[int], str]) -> dict[str, str]:
    """The book's ranking columns, `mv_<window>_<kind>`; `month(back)` is the book row's MRR cell `back` months
    before the as-of month."""
    return {f"mv_{window}_{kind}": f"=IF({_amount(kind, month(back), month(0))}>0,"
                                   f"{_amount(kind, month(back), month(0))}-ROW()/1E9,0)"
            for window, back in MOVER_WINDOWS.items() for kind in MOVER_KINDS}


def movers_sheet(ws: Worksheet, locale: Locale, book: Callable[[str], str], month: Callable[[int], str]) -> Anchors:
    """For each window (rows) and kind (side by side) the largest movers: named Movers<Window><Kind> (accounts x
    account, CSM, MRR change). `book(column)` and `month(back)` are the defined names of the book's columns."""
    title(ws, locale("sheet.movers"), locale("note.movers"))
    a = Anchors()
    top = 4
    for window, back in MOVER_WINDOWS.items():
        label(ws, f"A{top}", locale(f"movers.{window}"), BOLD)
        for j, kind in enumerate(MOVER_KINDS):
            left = 1 + j * (len(_HEADS) + 1)
            label(ws, f"{col(left)}{top + 1}", locale(kind), BOLD)
            header_row(ws, top + 2, left, [locale(h) for h in _HEADS])
            key = book(f"mv_{window}_{kind}")
            block = Anchor(ws, top + 3, left, top + 2 + MOVER_ROWS, left + len(_HEADS) - 1)
            for i in range(MOVER_ROWS):
                row = f"MATCH(LARGE({key},{i + 1}),{key},0)"
                amount = _amount(kind, f"INDEX({month(back)},{row})", f"INDEX({month(0)},{row})")
                for cell, (expression, fmt) in zip(block.row_of(i).cells(), [
                        (f"INDEX({book('name')},{row})", None), (f"INDEX({book('csm')},{row})", None),
                        (amount, locale.money)], strict=True):
                    formula(ws, cell.local, f'=IF(COUNTIF({key},">0")<{i + 1},"",{expression})', fmt)
            a[f"{window}_{kind}"] = block.define(ws.parent, f"Movers{window.title()}{kind.title()}")
            widths(ws, {col(left): 28, col(left + 1): 16, col(left + 2): 15, col(left + 3): 3})
        top += MOVER_ROWS + 5
    return a
