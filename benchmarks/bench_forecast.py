"""The forecast: its definitions in csxl.metrics on 20,000 customers x 36 months, and the whole workbook.

Targets: the forecast workbook for the demo data in 3 s, for 20,000
customers in 20 s. The definitions are measured against the 20 s too: their
ratio is the share of the workbook's budget they take.
"""

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.measure import measure, measure_command
from csxl.data.demo import demo_dataset, write_demo_csv
from csxl.metrics.forecast import (
    cohort_survivors,
    fiscal_rollup,
    project_all_scenarios,
    project_mrr,
    reconcile,
    renewal_totals,
    renewals_in_horizon,
    trailing_rates,
)
from csxl.metrics.health import FLAGS
from csxl.metrics.sbg import sbg_fit_cohorts
from csxl.workbooks.forecast import write_forecast
from csxl.workbooks.labels import Locale
from csxl.workbooks.libreoffice import recalculated


def forecast_definitions(data, as_of: pd.Timestamp, flags: pd.Series) -> None:
    """trailing rates, the three scenario projections, every renewal in the horizon and its totals, the
    reconciliation, the fiscal quarters, the pooled sBG fit."""
    rates = trailing_rates(data.mrr, 6, as_of)
    project_all_scenarios(rates, 24)
    now = data.mrr[data.mrr["month"] == as_of].groupby("customer_id")["mrr"].sum()
    renewals = renewals_in_horizon(data.customers, now, flags, as_of, 24)
    renewal_totals(renewals)
    reconcile(rates, 1.05, renewals, 24)
    fiscal_rollup(project_mrr(rates, 24), renewals, data.plan, 4)
    sbg_fit_cohorts(cohort_survivors(data.mrr))


def main() -> None:
    book = demo_dataset(customers=20_000, months=36)  # synthetic: 20,000 customers over 36 months
    as_of = pd.Timestamp(book.last_month)
    rng = np.random.default_rng(5)
    flags = pd.Series(rng.choice(list(FLAGS), size=len(book.customers)), index=book.customers["customer_id"])
    measure(f"forecast definitions, 20,000 customers x 36 months ({len(book.mrr):,} MRR rows)",
            lambda: forecast_definitions(book, as_of, flags), 20.0)
    with tempfile.TemporaryDirectory() as folder:
        for customers, target in ((420, 3.0), (20_000, 20.0)):
            data = demo_dataset(customers=customers)
            as_of = pd.Timestamp(data.last_month)
            measure(f"forecast workbook, {customers:,} customers ({len(data.mrr):,} MRR rows)",
                    lambda data=data, as_of=as_of: write_forecast(data, as_of, Locale("pt-BR"), 24, None,
                                                                  Path(folder) / "f.xlsx"),
                    target, repeat=1)
        # no stated target: how long a finance user waits for the 20,000-customer model to recalculate
        start = time.perf_counter()
        recalculated(Path(folder) / "f.xlsx", Path(folder) / "calc")
        print(f"{'LibreOffice recalculation, 20,000 customers':<58} {time.perf_counter() - start:8.3f} s", flush=True)
        write_demo_csv(Path(folder) / "demo")
        measure_command("csxl forecast demo/ --horizon 24 (whole process)",
                        ["forecast", str(Path(folder) / "demo"), "--horizon", "24", "--lang", "pt-BR", "-o",
                         str(Path(folder) / "cli.xlsx")], 3.0)
