"""Loading and movements at scale: the engine under `csxl metrics`, the workbooks and the UDFs."""

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.measure import measure
from csxl.data.demo import demo_dataset
from csxl.data.load import load
from csxl.metrics.movements import customer_movements, mrr_movements
from csxl.metrics.retention import cohort_retention, nrr_cohort


def _snapshots(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    customers = rows // 36
    return pd.DataFrame({
        "customer_id": np.repeat([f"C{i:06d}" for i in range(customers)], 36),
        "month": np.tile(pd.period_range("2024-01", periods=36, freq="M").strftime("%Y-%m"), customers),
        "mrr": rng.choice([0.0, 99.9, 250.0, 1234.56], size=customers * 36),
    })


def main() -> None:
    book = demo_dataset(customers=20_000).mrr
    print(f"demo book of 20,000 customers: {len(book):,} MRR rows")
    measure("mrr_movements, 20,000 customers x 36 months, monthly", lambda: mrr_movements(book), 1.0)
    measure("mrr_movements, quarterly", lambda: mrr_movements(book, "quarter"), 1.0)
    measure("customer_movements, monthly", lambda: customer_movements(book), 2.0)
    measure("nrr_cohort trailing 12 months", lambda: nrr_cohort(book), 0.5)
    measure("cohort_retention (revenue)", lambda: cohort_retention(book), 1.0)
    measure("demo_dataset(customers=20,000)", lambda: demo_dataset(customers=20_000), 5.0, repeat=1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mrr.csv"
        _snapshots(1_000_000).to_csv(path, index=False)
        measure("load() 1,000,000-row MRR CSV", lambda: load(path), 10.0, repeat=1)
