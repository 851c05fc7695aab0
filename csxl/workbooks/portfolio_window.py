"""The portfolio's month columns: the 36 months to the as-of month and the one before them, as the wide tables
(the MRR rows and the book) hold them, and the formula that reads one of them for every account."""

from __future__ import annotations

WINDOW = 36  # months shown; the wide tables also hold the month before them
MONTH_COLUMNS = [f"m{k:02d}" for k in range(WINDOW + 1)]  # m00 (the month before the window) .. m36 (AsOf)


def window_month(k: str) -> str:
    """The MRR of every customer in month column k (1 = m00) of the book, `k` a number or a formula giving one."""
    return f"INDEX(Months,0,{k})"
