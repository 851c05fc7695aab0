"""Hostile command lines: each case is one line of the table below, run through the real `csxl` command.

A case names its arguments (`{tmp}` is the case's own folder, also the working directory), what to prepare
beforehand, the exit status expected, and a fragment the error line must hold. Every failing case must end
in exactly one `csxl: error:` line on stderr: never a traceback, never click's usage text or a boxed panel.
The cases that need a real process (a full disk behind the standard output or under a batch) follow it.
"""

from __future__ import annotations

import errno
import os
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from csxl.cli import app
from csxl.workbooks.builtin import SHIPPED
from tests.test_jobs import BOOK  # b and c pay in March 2026, a does not

runner = CliRunner()
CSXL = Path(sys.executable).parent / "csxl"


def book(tmp, monkeypatch) -> None:
    (tmp / "data").mkdir()
    (tmp / "data" / "mrr.csv").write_text(BOOK)


def book_and_folder(tmp, monkeypatch) -> None:
    book(tmp, monkeypatch)
    (tmp / "out").mkdir()


def template_in_the_output_folder(tmp, monkeypatch) -> None:
    """The book, and a QBR template saved where the batch writes account b's QBR."""
    book_and_folder(tmp, monkeypatch)
    shutil.copy(SHIPPED / "qbr_en.xlsx", tmp / "out" / "qbr_b.xlsx")


def pipe_and_link(tmp, monkeypatch) -> None:
    """The book, a named pipe and a link to it: nodes that are not regular files, as /dev/null is.

    (Not /dev/null itself: a regression would replace the machine's /dev/null when the tests run as root.)
    """
    book(tmp, monkeypatch)
    os.mkfifo(tmp / "pipe.xlsx")
    (tmp / "link.xlsx").symlink_to(tmp / "pipe.xlsx")


def zero_in_february(tmp, monkeypatch) -> None:
    """A book whose only account pays nothing in February."""
    (tmp / "data").mkdir()
    (tmp / "data" / "mrr.csv").write_text("customer_id,month,mrr\na,2026-01,100\na,2026-02,0\na,2026-03,100\n")


def empty_tables(tmp, monkeypatch) -> None:
    """An MRR table with its header and no rows, as CSV and as Parquet."""
    (tmp / "mrr.csv").write_text("customer_id,month,mrr\n")
    pd.DataFrame({"customer_id": pd.Series([], dtype=str), "month": pd.Series([], dtype="datetime64[us]"),
                  "mrr": pd.Series([], dtype=float)}).to_parquet(tmp / "mrr.parquet")


def two_months(tmp, monkeypatch) -> None:
    (tmp / "mrr.csv").write_text("customer_id,month,mrr\na,2026-01,100\nb,2026-02,50\na,2026-02,100\n")


def a_file(tmp, monkeypatch) -> None:
    (tmp / "notes.txt").write_text("mine")


def fails_with(code: int) -> Callable:
    """A setup: the book, and every write of a workbook failing as a full disk or a read-only folder does."""

    def setup(tmp, monkeypatch) -> None:
        book(tmp, monkeypatch)

        def write(*args, **kwargs):
            raise OSError(code, "simulated")

        monkeypatch.setattr(zipfile.ZipFile, "writestr", write)
        if code == errno.EROFS:  # a read-only file system refuses the temporary file already
            monkeypatch.setattr(tempfile, "mkstemp", write)

    return setup


@dataclass(frozen=True)
class Case:
    args: str
    setup: Callable | None
    exit: int
    stderr: str

    def __str__(self) -> str:
        return self.args if len(self.args) < 60 else f"{self.args[:60]}..."


CASES = [
    # usage errors: one line, exit 2
    Case("qbr data/", book, 2, "csxl: error: Missing option '-o' / '--output' - see csxl qbr --help"),
    Case("forecast data/ -o f.xlsx --horizon --5", book, 2, "'--horizon': Input should be a valid integer"),
    Case("metrics data/ --period week", book, 2, "'week' is not one of 'month', 'quarter', 'year'"),
    Case("nope", None, 2, "csxl: error: No such command 'nope' - see csxl --help"),
    Case("template export", None, 2, "Missing argument 'kind'. Choose from: qbr, forecast, portfolio"),
    # outputs that cannot be written: refused before the work, or one line naming the file when writing fails
    Case('portfolio data/ -o ""', book, 2, "csxl: error: .: the output is a folder, not a file - give a file name"),
    Case("forecast data/ -o out", book_and_folder, 2, "csxl: error: out: the output is a folder, not a file"),
    Case("template export qbr -o out/", book_and_folder, 2, "out: the output is a folder, not a file"),
    Case(f"portfolio data/ -o {'x' * 300}.xlsx", book, 2, "the file name is 305 bytes long, more than the 255"),
    Case(f"qbr data/ --all -o {'x' * 300}", book, 2, "the folder name is 300 bytes long, more than the 255"),
    Case("portfolio data/ -o out/p.xlsx", fails_with(errno.ENOSPC), 2,
         "csxl: error: out/p.xlsx: cannot write it: the disk is full - free some space, or write elsewhere"),
    Case("forecast data/ -o p.xlsx", fails_with(errno.EROFS), 2,
         "csxl: error: p.xlsx: cannot write it: the file system is read-only - write elsewhere"),
    Case("demo-data notes.txt", a_file, 2, "csxl: error: notes.txt: the output is a file, not a folder"),
    Case("demo --out notes.txt", a_file, 2, "csxl: error: notes.txt: the output is a file, not a folder"),
    Case("qbr data/ --all --as-of 2026-03 -o notes.txt", a_file, 2, "notes.txt: the output is a file, not a folder"),
    Case("demo-data data", book, 2, "data: the folder already has mrr.csv, which this would replace - choose an empty"),
    Case("template export qbr -o pipe.xlsx", pipe_and_link, 2,
         "csxl: error: pipe.xlsx: the output is not a regular file but a device, pipe or socket - write to a file"),
    Case("forecast data/ -o link.xlsx", pipe_and_link, 2, "link.xlsx: the output is not a regular file but a"),
    # a table without rows: one line, in the SQL engine's metrics as in the loader
    *(Case(f"metrics mrr.{ext}{fmt}", empty_tables, 2,
           f"csxl: error: mrr.{ext}: the mrr table has a header but no rows - add data rows below the header")
      for ext in ("csv", "parquet") for fmt in ("", " --format csv")),
    Case("forecast mrr.csv -o f.xlsx", two_months, 2, "mrr.csv: the forecast fits its survival curve to how long "
         "customers keep paying, and the data up to 2026-02 cannot give one (2 months of MRR"),
    # nothing to do is not a success
    Case("qbr data --all --as-of 2026-02 -o out", zero_in_february, 2,
         "csxl: error: data: no account has MRR in 2026-02: there is no QBR to write - pick a month with --as-of, "
         "e.g. 2026-03"),
    # outputs into the inputs
    Case("portfolio data/ -o data/", book, 2, "data: the output would be written into the input folder {tmp}/data, "
                                              "which csxl reads - write it outside the data folder, e.g. out/"),
    Case("qbr data --all --as-of 2026-03 -o data", book, 2, "data: the output would be written into the input folder"),
    Case("qbr data --all --as-of 2026-03 --template out/qbr_b.xlsx -o out", template_in_the_output_folder, 2,
         "csxl: error: out/qbr_b.xlsx: the output would overwrite an input file"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_hostile_command_line(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if case.setup:
        case.setup(tmp_path, monkeypatch)
    result = runner.invoke(app, [arg.format(tmp=tmp_path) for arg in shlex.split(case.args)], prog_name="csxl")
    assert result.exit_code == case.exit, (result.stdout, result.stderr, result.exception)
    assert "Traceback" not in result.output and "╭" not in result.output
    if case.exit == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("csxl: error: "), result.stderr
    assert case.stderr.format(tmp=tmp_path) in result.stderr


def test_a_full_disk_behind_the_standard_output_is_one_line(tmp_path):
    (tmp_path / "mrr.csv").write_text(BOOK)
    with open("/dev/full", "w") as full:  # every write to it fails as on a full disk
        done = subprocess.run([CSXL, "metrics", tmp_path / "mrr.csv", "--format", "csv"], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == ("csxl: error: the standard output: cannot write it: the disk is full - "
                           "free some space, or write elsewhere\n")


def test_a_batch_on_a_full_disk_says_why_once_per_account(tmp_path):
    """A file size limit makes every write past 20 KB fail, as a full disk does: the workbooks stop half-way.

    The run writes with lxml whatever the tests' environment says (OPENPYXL_LXML): a write that fails in lxml
    itself is no OSError, and no traceback may come of it.
    """
    (tmp_path / "mrr.csv").write_text(BOOK)

    def limit_file_size():
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    done = subprocess.run([CSXL, "qbr", tmp_path / "mrr.csv", "--all", "--as-of", "2026-03", "-o", tmp_path / "out"],
                          capture_output=True, text=True, timeout=120, preexec_fn=limit_file_size,
                          env={**os.environ, "OPENPYXL_LXML": "True"})
    assert done.returncode == 1, done.stderr
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr
    reasons = sorted(line.strip() for line in done.stdout.splitlines() if line.startswith("  "))
    assert reasons == [f"{a}: {tmp_path / 'out' / f'qbr_{a}.xlsx'}: cannot write it: the file is larger than this "
                       "system allows - write elsewhere" for a in "bc"]
    assert list((tmp_path / "out").iterdir()) == []


def test_a_reader_that_stops_reading_is_no_error(tmp_path):
    """As `csxl metrics ... | head -1` when the output is long: the pipe is closed before csxl writes."""
    (tmp_path / "mrr.csv").write_text(BOOK)
    run = subprocess.Popen([CSXL, "metrics", tmp_path / "mrr.csv", "--format", "csv"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    run.stdout.close()
    assert run.wait(timeout=60) == 1
    assert run.stderr.read() == b""
