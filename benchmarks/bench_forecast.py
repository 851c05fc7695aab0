"""The forecast workbook: demo data (target 3 s) and 20,000 customers (target 20 s), build + fill + save."""

import tempfile
from pathlib import Path

import pandas as pd

from benchmarks.measure import measure
from csxl.data.demo import demo_dataset
from csxl.workbooks.forecast import write_forecast
from csxl.workbooks.labels import Locale


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for customers, target in ((420, 3.0), (20_000, 20.0)):
            data = demo_dataset(customers=customers)
            as_of = pd.Timestamp(data.last_month)
            measure(f"forecast workbook, {customers:,} customers ({len(data.mrr):,} MRR rows)",
                    lambda: write_forecast(data, as_of, Locale("pt-BR"), 24, None, Path(folder) / "f.xlsx"),
                    target, repeat=1)
