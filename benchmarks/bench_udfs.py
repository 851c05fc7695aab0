"""Excel functions on Excel-shaped ranges of 100,000 rows (targets: 300 ms and 30 ms on 2 cores), and their
start-up.

The ranges are what xlwings hands a function: a header row, then one list of
Python values per row (text, floats, datetimes - or serial numbers, as xlwings
Lite passes dates), and for a whole-column selection a million blank rows more.
Start-up is `import csxl.udfs` in a fresh interpreter: Excel pays it each time
it starts the Python server, and the first formula after opening a workbook
waits for it.
"""

import datetime as dt
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.measure import measure
from csxl import udfs

ROWS = 100_000
EXCEL_ROWS = 1_048_576  # a whole column
# main before scipy was imported lazily and pyarrow optionally: `import csxl.udfs` took 0.89 s there (median of 5
# fresh processes at load average 4 on 2 cores, 2026-12-01); the run below measures it again beside the current code
BEFORE = "09d6b67"
ROOT = Path(__file__).resolve().parent.parent


def import_seconds(package_root: Path, runs: int = 5) -> float:
    """Median wall time of `import csxl.udfs` in `runs` fresh interpreters, csxl taken from `package_root`."""
    env = {**os.environ, "PYTHONPATH": str(package_root)}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import csxl.udfs"], check=True, env=env, cwd=package_root)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def start_up() -> None:
    """`import csxl.udfs` now and at BEFORE (from git, when this is a checkout that has it), one line each."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "archive", BEFORE, "csxl"], cwd=ROOT, capture_output=True)
        before = None
        if archive.returncode == 0:
            tarfile.open(fileobj=io.BytesIO(archive.stdout)).extractall(tmp, filter="data")
            before = import_seconds(Path(tmp))
        after = import_seconds(ROOT)
    load = os.getloadavg()[0]
    if before is None:
        print(f"{'import csxl.udfs, fresh process, median of 5':<58} {after:8.3f} s   load {load:.1f}", flush=True)
        return
    print(f"{'import csxl.udfs, fresh process, median of 5':<58} {after:8.3f} s   before ({BEFORE}) {before:6.3f} s   "
          f"ratio {after / before:5.2f}   load {load:.1f}", flush=True)


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
    start_up()
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
