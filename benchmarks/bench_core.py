"""The numpy engine (Excel functions, workbooks) at 1,000,000 MRR rows, against the per-customer reference.

Targets (a 2-core machine): the monthly movements of 1M rows in 1.5 s or
less, at least 50 times faster than the plain per-customer reference of the
tests, peak memory under 1 GB. The whole `csxl metrics` process, which runs
the SQL statement of the movements with DuckDB, is timed against DuckDB's own
process in bench_sql.py, with the process helpers below.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.measure import measure
from csxl.data.demo import demo_dataset
from csxl.data.load import load
from csxl.metrics.movements import mrr_movements
from csxl.metrics.retention import cohort_retention, nrr_cohort
from tests.reference import reference_movements

MONTHS = 36


def big_book(customers: int = 30_000, seed: int = 1) -> pd.DataFrame:
    """About 1M rows: each customer pays Core from a start month until it churns, some add Plus,
    some come back after a gap, and MRR steps up or down now and then."""
    rng = np.random.default_rng(seed)
    start = rng.integers(0, 12, customers)
    end = np.minimum(start + rng.geometric(0.015, customers), MONTHS)
    base = rng.choice([49.0, 99.9, 250.0, 1234.56], customers)
    rows_per = end - start
    customer = np.repeat(np.arange(customers), rows_per)
    month = np.repeat(start, rows_per) + np.arange(rows_per.sum()) - np.repeat(np.cumsum(rows_per) - rows_per, rows_per)
    steps = rng.choice([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 0.9], len(month))
    core = np.round(base[customer] * steps, 2)
    core[rng.random(len(month)) < 0.01] = 0.0  # a month off: churn, then reactivation
    plus = rng.random(customers) < 0.45
    has_plus = plus[customer] & (month >= np.repeat(start + 3, rows_per))
    frame = pd.DataFrame({
        "customer_id": np.char.add("C", np.char.zfill(customer.astype(str), 6)),
        "product": "Core", "month": month, "mrr": core,
    })
    extra = frame[has_plus].assign(product="Plus", mrr=np.round(base[customer[has_plus]] * 0.3, 2))
    book = pd.concat([frame, extra], ignore_index=True)
    book["month"] = pd.PeriodIndex.from_ordinals(pd.Period("2024-01", "M").ordinal + book["month"].to_numpy(),
                                                 freq="M").to_timestamp().date
    return book


# A child reports its own peak at exit: VmHWM, the high-water mark of its address space, which starts afresh
# at exec. ru_maxrss would not do - Linux carries it across exec, so it holds the parent's size at the fork.
_PEAK = ("import atexit, re, sys; atexit.register(lambda: print(re.search(r'VmHWM:\\s+(\\d+)', "
         "open('/proc/self/status').read()).group(1), file=sys.stderr)); ")


def process(code: str, stdout: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of a fresh Python process running `code`, its output to a file."""
    with stdout.open("wb") as out:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _PEAK + code], stdout=out, stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{code} failed: {done.stderr}")
    return seconds, int(done.stderr.split()[-1]) / 1024


def best_process(code: str, stdout: Path, repeat: int = 3) -> tuple[float, float]:
    """The best wall time and the largest peak of `repeat` fresh processes running `code`."""
    runs = [process(code, stdout) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def main() -> None:
    book = big_book()
    print(f"big book: {len(book):,} MRR rows, {book['customer_id'].nunique():,} customers x {MONTHS} months, "
          f"{book['product'].nunique()} products")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        parquet, csv = folder / "big.parquet", folder / "big.csv"
        book.to_parquet(parquet, index=False)
        book.to_csv(csv, index=False)
        measure("load() 1M-row Parquet", lambda: load(parquet), 5.0, repeat=1)
        measure("load() 1M-row CSV", lambda: load(csv), 10.0, repeat=1)
        mrr = load(parquet).mrr
        engine = measure("mrr_movements, 1M rows, monthly", lambda: mrr_movements(mrr), 1.5)
        measure("mrr_movements, 1M rows, quarterly", lambda: mrr_movements(mrr, "quarter"), 1.5)
        start = time.perf_counter()
        reference = reference_movements(mrr)
        plain = time.perf_counter() - start
        agree = np.allclose(reference["end_mrr"], mrr_movements(mrr)["end_mrr"])
        print(f"{'per-customer reference (tests/reference.py), 1M rows':<58} {plain:8.3f} s   "
              f"engine is {plain / engine:6.1f}x faster (target >= 50)   same end MRR: {'yes' if agree else 'NO'}")
        measure("nrr_cohort trailing 12 months, 1M rows", lambda: nrr_cohort(mrr), 0.5)
        measure("cohort_retention (revenue), 1M rows", lambda: cohort_retention(mrr), 1.0)
    measure("demo_dataset(customers=20,000)", lambda: demo_dataset(customers=20_000), 5.0, repeat=1)
