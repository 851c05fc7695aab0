"""Excel functions on Excel-shaped ranges of 100,000 rows (targets: 300 ms and 30 ms on 2 cores).

The ranges are what xlwings hands a function: a header row, then one list of
Python values per row (text, floats, datetimes - or serial numbers, as xlwings
Lite passes dates), and for a whole-column selection a million blank rows more.
"""

import datetime as dt

import numpy as np

from benchmarks.measure import measure
from csxl import udfs

ROWS = 100_000
EXCEL_ROWS = 1_048_576  # a whole column


def _mrr_range(rows: int, serial_months: bool = False) -> list[list]:
    """A customer, month, mrr range: 36 months per customer, exactly `rows` data rows."""
    rng = np.random.default_rng(3)
    if serial_months:  # days since 1899-12-30, as Excel stores dates
        months = [float((dt.date(2024 + m // 12, m % 12 + 1, 1) - dt.date(1899, 12, 30)).days) for m in range(36)]
    else:
        months = [dt.datetime(2024 + m // 12, m % 12 + 1, 1) for m in range(36)]
    amounts = rng.choice([0.0, 99.9, 250.0, 1234.56], size=rows).tolist()
    return [["customer", "month", "mrr"]] + [[f"C{i // 36:05d}", months[i % 36], amounts[i]] for i in range(rows)]


def main() -> None:
    data = _mrr_range(ROWS)
    measure(f"CS_MRR_MOVEMENTS, {ROWS:,} rows", lambda: udfs.CS_MRR_MOVEMENTS(data), 0.300, repeat=5)
    whole_column = data + [[None, None, None] for _ in range(EXCEL_ROWS - len(data))]
    measure("CS_MRR_MOVEMENTS, same data selected as whole columns (A:C)",
            lambda: udfs.CS_MRR_MOVEMENTS(whole_column), 0.300, repeat=5)
    serials = _mrr_range(ROWS, serial_months=True)
    measure("CS_MRR_MOVEMENTS, months as serial numbers", lambda: udfs.CS_MRR_MOVEMENTS(serials), 0.300, repeat=5)
    scores = [[float(s)] for s in np.random.default_rng(4).integers(0, 11, ROWS)]
    measure(f"CS_NPS, {ROWS:,} answers", lambda: udfs.CS_NPS(scores), 0.030, repeat=7)
    column = scores + [[None] for _ in range(EXCEL_ROWS - len(scores))]
    measure("CS_NPS, same answers selected as a whole column (A:A)", lambda: udfs.CS_NPS(column), 0.030, repeat=7)
    flat = [row[0] for row in column]
    measure("CS_NPS, whole column passed as a flat list", lambda: udfs.CS_NPS(flat), 0.030, repeat=7)


if __name__ == "__main__":
    main()
