"""Excel functions on Excel-shaped ranges of 100,000 rows (issue 3: 300 ms and 30 ms on 2 cores)."""

import datetime as dt

import numpy as np

from benchmarks.measure import measure
from csxl import udfs


def _mrr_range(rows: int) -> list[list]:
    """What xlwings passes for a customer, month, mrr range: a header row, then lists of Python values."""
    rng = np.random.default_rng(3)
    customers = rows // 36
    months = [dt.datetime(2024 + m // 12, m % 12 + 1, 1) for m in range(36)]
    amounts = rng.choice([0.0, 99.9, 250.0, 1234.56], size=rows).tolist()
    return [["customer", "month", "mrr"]] + [[f"C{i // 36:05d}", months[i % 36], amounts[i]]
                                             for i in range(customers * 36)]


def main() -> None:
    data = _mrr_range(100_000)
    measure(f"CS_MRR_MOVEMENTS, {len(data) - 1:,} rows", lambda: udfs.CS_MRR_MOVEMENTS(data), 0.300, repeat=5)
    whole_column = data + [[None, None, None] for _ in range(1_048_576 - len(data))]
    measure("CS_MRR_MOVEMENTS, same data selected as whole columns (A:C)",
            lambda: udfs.CS_MRR_MOVEMENTS(whole_column), 0.300, repeat=5)
    scores = [[float(s)] for s in np.random.default_rng(4).integers(0, 11, 100_000)]
    measure("CS_NPS, 100,000 answers", lambda: udfs.CS_NPS(scores), 0.030, repeat=7)
    column = scores + [[None] for _ in range(1_048_576 - len(scores))]
    measure("CS_NPS, same answers selected as a whole column (A:A)", lambda: udfs.CS_NPS(column), 0.030, repeat=7)
