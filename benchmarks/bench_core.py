"""The engine under `csxl metrics` at 1,000,000 MRR rows, against the per-customer reference and DuckDB.

Targets (on a 2-core machine): the monthly movements of 1M rows in 1.5 s
or less, at least 50 times faster than the plain per-customer reference of the
tests, peak memory under 1 GB; and the whole `csxl metrics big.parquet --format
csv` process no slower than DuckDB running the same movements as one SQL query
over the same Parquet file. The DuckDB result is compared with csxl's, so the
two really compute the same table.
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


SQL = """
WITH cm AS (
    SELECT customer_id, date_trunc('month', month) AS m, round(sum(mrr), 6) AS mrr
    FROM read_parquet('{path}') GROUP BY ALL),
months AS (
    SELECT unnest(generate_series((SELECT min(m) FROM cm), (SELECT max(m) FROM cm), INTERVAL 1 MONTH)) AS m),
grid AS (
    SELECT c.customer_id, months.m, coalesce(cm.mrr, 0) AS now
    FROM (SELECT DISTINCT customer_id FROM cm) c CROSS JOIN months
    LEFT JOIN cm ON cm.customer_id = c.customer_id AND cm.m = months.m),
steps AS (
    SELECT m, now,
        coalesce(lag(now) OVER w, 0) AS before,
        coalesce(max(now) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) > 0 AS ever
    FROM grid WINDOW w AS (PARTITION BY customer_id ORDER BY m)),
bridge AS (
    SELECT m,
        sum(before) AS start_mrr,
        sum(CASE WHEN before = 0 AND now > 0 AND NOT ever THEN now ELSE 0 END) AS new,
        sum(CASE WHEN before = 0 AND now > 0 AND ever THEN now ELSE 0 END) AS reactivation,
        sum(CASE WHEN before > 0 AND now > before THEN now - before ELSE 0 END) AS expansion,
        sum(CASE WHEN before > 0 AND now > 0 AND now < before THEN before - now ELSE 0 END) AS contraction,
        sum(CASE WHEN before > 0 AND now = 0 THEN before ELSE 0 END) AS churn,
        sum(now) AS end_mrr,
        count(*) FILTER (before > 0) AS customers_start,
        count(*) FILTER (before = 0 AND now > 0 AND NOT ever) AS new_customers,
        count(*) FILTER (before = 0 AND now > 0 AND ever) AS reactivated_customers,
        count(*) FILTER (before > 0 AND now = 0) AS churned_customers,
        count(*) FILTER (now > 0) AS customers_end
    FROM steps GROUP BY m)
SELECT strftime(m, '%Y-%m') AS period, start_mrr, new, reactivation, expansion, contraction, churn, end_mrr,
    (start_mrr + expansion - contraction - churn) / nullif(start_mrr, 0) AS nrr,
    (start_mrr - contraction - churn) / nullif(start_mrr, 0) AS grr,
    customers_start, new_customers, reactivated_customers, churned_customers, customers_end,
    churned_customers / nullif(customers_start, 0) AS logo_churn,
    (new + expansion + reactivation) / nullif(contraction + churn, 0) AS quick_ratio
FROM bridge ORDER BY m
"""


# A child reports its own peak at exit: VmHWM, the high-water mark of its address space, which starts afresh
# at exec. ru_maxrss would not do - Linux carries it across exec, so it holds the parent's size at the fork.
_PEAK = ("import atexit, re, sys; atexit.register(lambda: print(re.search(r'VmHWM:\\s+(\\d+)', "
         "open('/proc/self/status').read()).group(1), file=sys.stderr)); ")


def _process(code: str, stdout: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of a fresh Python process running `code`, its output to a file."""
    with stdout.open("wb") as out:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _PEAK + code], stdout=out, stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{code} failed: {done.stderr}")
    return seconds, int(done.stderr.split()[-1]) / 1024


def _best_process(code: str, stdout: Path, repeat: int = 3) -> tuple[float, float]:
    runs = [_process(code, stdout) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def _same_table(a: Path, b: Path) -> bool:
    ours, theirs = pd.read_csv(a), pd.read_csv(b)
    return list(ours.columns) == list(theirs.columns) and ours.shape == theirs.shape and all(
        ours[c].equals(theirs[c]) if c == "period" else
        np.allclose(ours[c].to_numpy(float), theirs[c].to_numpy(float), rtol=1e-9, atol=1e-6, equal_nan=True)
        for c in ours.columns)


def _versus_duckdb(parquet: Path, folder: Path) -> None:
    import duckdb

    # what the `csxl` console script runs
    csxl = f"import sys; from csxl.cli import app; sys.argv = ['csxl', 'metrics', {str(parquet)!r}, '--format', 'csv']; app()"
    ours, ours_rss = _best_process(csxl, folder / "csxl.csv")
    query = SQL.format(path=parquet)
    duck_query = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        duckdb.sql(query).write_csv(str(folder / "duck_inprocess.csv"))
        duck_query = min(duck_query, time.perf_counter() - start)
    script = f"import duckdb; duckdb.sql({query!r}).write_csv({str(folder / 'duck.csv')!r})"
    duck_process, duck_rss = _best_process(script, folder / "duck.out")
    same = _same_table(folder / "csxl.csv", folder / "duck.csv")
    # what any pandas-based command pays before reading a byte: the interpreter and the pandas import
    floor, floor_rss = _best_process("import pandas", folder / "floor.out")
    print(f"{'csxl metrics big.parquet --format csv (whole process)':<58} {ours:8.3f} s   peak RSS {ours_rss:7.1f} MiB")
    print(f"{'  of which the floor: a python process importing pandas':<58} {floor:8.3f} s   peak RSS {floor_rss:7.1f} MiB")
    print(f"{'DuckDB, the same movements as one SQL query (in process)':<58} {duck_query:8.3f} s")
    print(f"{'DuckDB, the same query as a whole python process':<58} {duck_process:8.3f} s   peak RSS {duck_rss:7.1f} MiB")
    print(f"csxl process / DuckDB query {ours / duck_query:5.2f}   csxl process / DuckDB process "
          f"{ours / duck_process:5.2f}   (target <= 1.00)   same table: {'yes' if same else 'NO'}")


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
        _versus_duckdb(parquet, folder)
    measure("demo_dataset(customers=20,000)", lambda: demo_dataset(customers=20_000), 5.0, repeat=1)
