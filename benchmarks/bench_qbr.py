"""QBR workbooks: one account, and one per account of the demo data over the machine's cores."""

import functools
import os
import tempfile
from pathlib import Path

from benchmarks.measure import measure
from csxl.data.demo import write_demo_csv
from csxl.data.load import load
from csxl.workbooks.jobs import QbrJob, accounts_with_mrr, write_all_qbrs, write_qbr
from csxl.workbooks.labels import Locale
from csxl.workbooks.qbr import quarter_end


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        write_demo_csv(folder / "data")
        data = load(folder / "data")
        job = QbrJob(quarter_end(data, None), Locale("pt-BR"))
        accounts = accounts_with_mrr(data, job.as_of)
        measure("one QBR (build, fill, save)", lambda: write_qbr(data, accounts[0], job, folder / "one.xlsx"), 1.0)
        loader = functools.partial(load, folder / "data")

        def batch():
            failures = [e for _, _, e in write_all_qbrs(loader, accounts, job, folder / "all") if e]
            assert not failures, failures[:3]

        print(f"--all over {len(accounts)} accounts on {os.cpu_count()} cores")
        measure(f"QBR --all, {len(accounts)} demo accounts", batch, 60.0, repeat=1)
