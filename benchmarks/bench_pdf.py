"""`csxl qbr --all --pdf` over a batch of about 20 accounts (target: within a minute on 2 cores), beside the same
batch without PDFs, so that the seconds LibreOffice adds per PDF can be read off and scaled to a whole book.
"""

import tempfile
from pathlib import Path

from benchmarks.measure import measure_command
from csxl.data.demo import write_demo_csv
from csxl.data.load import load
from csxl.workbooks.jobs import accounts_with_mrr
from csxl.workbooks.qbr import quarter_end


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        write_demo_csv(data, customers=24)
        book = load(data)
        paying = len(accounts_with_mrr(book, quarter_end(book, None)))
        plain = measure_command(f"csxl qbr --all, {paying} accounts (whole process)",
                                ["qbr", str(data), "--all", "-o", str(Path(folder) / "plain")], 60.0)
        printed = measure_command(f"csxl qbr --all --pdf, {paying} accounts (whole process)",
                                  ["qbr", str(data), "--all", "--pdf", "-o", str(Path(folder) / "pdf")], 60.0)
        assert len(list((Path(folder) / "pdf").glob("*.pdf"))) == paying
        print(f"LibreOffice adds {(printed - plain) / paying:.2f} s per PDF, one process for the batch")
