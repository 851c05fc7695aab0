"""The portfolio review: demo data (target 5 s), 5,000 customers x 36 months (30 s to generate, 60 s for
LibreOffice to recalculate)."""

import resource
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks.measure import measure, measure_command
from csxl.data.demo import demo_dataset, write_demo_csv
from csxl.workbooks.labels import Locale
from csxl.workbooks.libreoffice import recalculated
from csxl.workbooks.portfolio import write_portfolio


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for customers, target in ((420, 5.0), (5_000, 30.0)):
            data = demo_dataset(customers=customers)
            path = folder / f"portfolio_{customers}.xlsx"
            as_of = pd.Timestamp(data.last_month)
            measure(f"portfolio workbook, {customers:,} customers x 36 months",
                    lambda data=data, as_of=as_of, path=path: write_portfolio(data, as_of, Locale("pt-BR"), None, path),
                    target, repeat=1)
        write_demo_csv(folder / "demo")
        measure_command("csxl portfolio demo/ (whole process)",
                        ["portfolio", str(folder / "demo"), "--lang", "pt-BR", "-o", str(folder / "cli.xlsx")], 5.0)
        start = time.perf_counter()
        recalculated(path, folder / "calc")
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**10  # KiB on Linux
        print(f"{'LibreOffice recalculation, 5,000 customers x 36 months':<58} {elapsed:8.3f} s   target  60.000 s"
              f"   ratio {elapsed / 60:5.2f}   peak {peak:7.1f} MiB (LibreOffice)", flush=True)
