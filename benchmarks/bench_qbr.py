"""QBR workbooks (targets: one in 1 s or less; `--all` over 400+ accounts in 60 s or less on 2 cores).

`python -m benchmarks qbr --one` measures one QBR only (library, loading, start-up, whole process).

Each is timed twice: the library call alone, and the whole `csxl qbr` process
a user runs (start-up, loading the CSV files, writing), so the figure quoted
is what a user waits for.
"""

import functools
import os
import sys
import tempfile
from pathlib import Path

from benchmarks.measure import measure, measure_command
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
        measure("loading the demo data", lambda: load(folder / "data"), 1.0)
        # the floor under the whole process: Python, pandas, openpyxl and the command line starting, no work
        measure_command("csxl --help (start-up alone)", ["--help"], 1.0, repeat=5)
        measure_command("csxl qbr demo/ --account ... (whole process)",
                        ["qbr", str(folder / "data"), "--account", accounts[0], "--lang", "pt-BR", "-o",
                         str(folder / "cli.xlsx")], 1.0, repeat=9)
        if "--one" in sys.argv:  # `python -m benchmarks qbr --one`: the one-QBR figures only
            return
        loader = functools.partial(load, folder / "data")

        def batch():
            failures = [e for _, _, e in write_all_qbrs(loader, accounts, job, folder / "all") if e]
            assert not failures, failures[:3]

        print(f"--all over the {len(accounts)} accounts of the demo data paying in {job.as_of:%Y-%m}, "
              f"{os.cpu_count()} cores")
        measure(f"QBR --all, {len(accounts)} demo accounts", batch, 60.0, repeat=1)
        write_demo_csv(folder / "big", customers=600)
        big = load(folder / "big")
        paying = len(accounts_with_mrr(big, quarter_end(big, None)))
        measure_command(f"csxl qbr --all, {paying} paying accounts of 600 (whole process)",
                        ["qbr", str(folder / "big"), "--all", "-o", str(folder / "big_out")], 60.0)
        assert len(list((folder / "big_out").glob("*.xlsx"))) == paying
