"""Hostile and malformed inputs through the real `csxl` command: one line on stderr and exit 2, or a right answer.

One case is one line of CASES: the files to write (name -> bytes, or a function writing the file at a path),
the command line ({d} is the folder the files are in), the exit status expected and a fragment of the one-line
error (exit 2) or of the output or the one warning line (exit 0; a fragment ending in $ ends the output).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from csxl.cli import app
from tests.data.sheets import write_workbook

runner = CliRunner()

Content = bytes | Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    name: str
    files: dict[str, Content]
    args: str  # split on spaces after formatting; {d} is the folder of the files
    code: int
    fragment: str
    subprocess: bool = False  # run .venv's csxl in a process of its own, killed after TIMEOUT seconds


def _csv(text: str) -> bytes:
    return text.replace("|", "\n").encode()


MRR = "customer_id,month,mrr|a,2026-01,100|b,2026-01,50|a,2026-02,120|b,2026-03,60|"
THREE = "customer_id,month,mrr|a,2026-01,500.125|b,2026-01,99.000|c,2026-01,150.250|"
MRR_ROWS = [["customer_id", "month", "mrr"], ["a", "2026-01", 100], ["a", "2026-02", 120]]
SUBS = "subscription_id,customer_id,start_date,end_date,amount,interval|"


def _sheets(sheets: dict[str, list[list]]) -> Callable[[Path], None]:
    return lambda path: write_workbook(path, sheets)


def _sheet(rows: list[list]) -> Callable[[Path], None]:
    return _sheets({"Sheet": rows})


def _parquet(columns: dict[str, pa.Array]) -> Callable[[Path], None]:
    return lambda path: pq.write_table(pa.table(columns), path)


def _far_cell(path: Path) -> None:
    """A 5 KB workbook with one value at XFD1048576: openpyxl would fill in 17 billion empty cells."""
    wb = openpyxl.Workbook()
    wb.active.append(["customer_id", "month", "mrr"])
    wb.active["XFD1048576"] = 1
    wb.save(path)


def _zip_bomb(path: Path) -> None:
    """A workbook of 60 KB whose sheet unpacks to 20 MB of identical rows (openpyxl takes a quarter of a minute)."""
    _sheet([["customer_id", "month", "mrr"]])(path)
    with zipfile.ZipFile(path) as book:
        parts = {info.filename: book.read(info) for info in book.infolist()}
    row = b'<row><c t="inlineStr"><is><t>a</t></is></c></row>' * 20_000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                book.writestr(name, data)
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            for _ in range(20):
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")


def _far_stamps(unit: str) -> pa.Array:
    return pa.array(pd.to_datetime(["2026-01-01", "9999-12-01"]).as_unit(unit))


CASES = [
    # dates: nothing wraps round to 1816 or reads year 1 as 2001; an end in 9999 is no end
    Case("month 9999", {"mrr.csv": _csv(MRR + "c,9999-12,10|")}, "metrics {d}/mrr.csv", 2,
         'row 6, column "month": "9999-12" is outside the dates csxl reads (1950-01-01 to 2200-12-31)'),
    Case("month of year 1", {"mrr.csv": _csv(MRR + "c,0001-01,10|")}, "metrics {d}/mrr.csv", 2,
         '"0001-01" is outside the dates csxl reads'),
    Case("month as digits", {"mrr.csv": _csv(MRR + "c,99991231,10|")}, "metrics {d}/mrr.csv", 2,
         '"99991231" is outside the dates csxl reads'),
    Case("month as text in a workbook", {"mrr.xlsx": _sheet([["customer_id", "month", "mrr"], ["a", "2301-01", 5]])},
         "metrics {d}/mrr.xlsx", 2, 'sheet Sheet, row 2, column "month": "2301-01" is outside the dates'),
    Case("typed month in a workbook", {"mrr.xlsx": _sheet([["customer_id", "month", "mrr"],
                                                           ["a", dt.datetime(9999, 12, 1), 5]])},
         "metrics {d}/mrr.xlsx", 2, '"9999-12-01 00:00:00" is outside the dates csxl reads'),
    Case("Parquet timestamp", {"mrr.parquet": _parquet({"customer_id": pa.array(["a", "b"]),
                                                        "month": _far_stamps("ms"), "mrr": pa.array([1.0, 2.0])})},
         "metrics {d}/mrr.parquet", 2, 'row 3, column "month": "9999-12-01 00:00:00" is outside'),
    Case("Parquet date", {"mrr.parquet": _parquet({"customer_id": pa.array(["a", "b"]),
                                                   "month": pa.array([dt.date(2026, 1, 1), dt.date(9999, 12, 1)]),
                                                   "mrr": pa.array([1.0, 2.0])})},
         "metrics {d}/mrr.parquet", 2, 'row 3, column "month": "9999-12-01 00:00:00" is outside'),
    Case("subscription start in 2300", {"subs.csv": _csv(SUBS + "s1,a,2300-01-01,,100,month|")},
         "metrics {d}/subs.csv", 2, 'column "start_date": "2300-01-01" is outside the dates'),
    Case("subscription end in 2300", {"subs.csv": _csv(SUBS + "s1,a,2026-01-01,2300-01-01,100,month|")},
         "metrics {d}/subs.csv", 2, "or leave it empty (or write 9999-12-31) when there is no end"),
    Case("subscription end 9999-12-31 is no end",
         {"subs.csv": _csv(SUBS + "s1,a,2026-01-05,9999-12-31,100,month|s2,b,2026-03-05,,50,month|")},
         "metrics {d}/subs.csv --format csv", 0, "\n2026-03,100.0,50.0,"),
    Case("renewal 9999-12-31 is no renewal", {"mrr.csv": _csv(MRR), "customers.csv": _csv(
        "customer_id,renewal_date|a,9999-12-31|b,31/12/9999|")}, "metrics {d} --format csv", 0, "\n2026-03,"),
    # amounts: never infinite, never so large that a sum of them would be
    Case("MRR 1e309", {"mrr.csv": _csv(MRR + "c,2026-03,1e309|")}, "metrics {d}/mrr.csv", 2,
         'row 6, column "mrr": "1e309" is too large: csxl reads numbers up to 1,000,000,000,000,000'),
    Case("MRR 2e15", {"mrr.csv": _csv(MRR + "c,2026-03,2000000000000000|")}, "metrics {d}/mrr.csv", 2,
         '"2000000000000000" is too large'),
    Case("MRR inf as text", {"mrr.csv": _csv(MRR + "c,2026-03,inf|")}, "metrics {d}/mrr.csv", 2,
         'row 6, column "mrr": "inf" is not a number'),
    Case("MRR nan as text", {"mrr.csv": _csv(MRR + "c,2026-03,NaN|")}, "metrics {d}/mrr.csv", 2,
         'row 6, column "mrr": "NaN" is not a number'),
    Case("MRR inf in Parquet", {"mrr.parquet": _parquet({"customer_id": pa.array(["a", "b"]),
                                                         "month": pa.array(["2026-01", "2026-01"]),
                                                         "mrr": pa.array([1.0, float("inf")])})},
         "metrics {d}/mrr.parquet", 2, 'row 3, column "mrr": "inf" is too large'),
    Case("amount 1e300 in a workbook", {"subs.xlsx": _sheet([SUBS.strip("|").split(","),
                                                             ["s1", "a", "2026-01-01", None, 1e300, "month"]])},
         "metrics {d}/subs.xlsx", 2, 'row 2, column "amount": "1e+300" is too large'),
    Case("health signal 1e400",
         {"mrr.csv": _csv(MRR), "health.csv": _csv("customer_id,month,nps_calls|a,2026-01,1e400|")},
         "metrics {d}", 2, 'health.csv, row 2, column "nps_calls": "1e400" is too large'),
    # three decimals after a point and no comma: 99 or 99,000? Refused unless --decimal says
    Case("three decimals", {"mrr.csv": _csv(THREE)}, "metrics {d}/mrr.csv", 2,
         'row 2, column "mrr": "500.125" is ambiguous: no value of the column shows whether "." is its decimal '
         "point (500.125) or separates thousands (500,125) - state it: --decimal . or --decimal ,"),
    Case("three decimals, point stated", {"mrr.csv": _csv(THREE)}, "metrics {d}/mrr.csv --format csv --decimal .", 0,
         "2026-01,0.0,749.375,"),
    Case("three decimals, comma stated", {"mrr.csv": _csv(THREE)}, "metrics {d}/mrr.csv --format csv --decimal ,", 0,
         "2026-01,0.0,749375.0,"),
    Case("a stated comma refuses a point", {"mrr.csv": _csv(MRR + "c,2026-03,12.5|")},
         "metrics {d}/mrr.csv --decimal ,",
         2, 'row 6, column "mrr": "12.5" is not a number'),
    Case("no such separator", {"mrr.csv": _csv(MRR)}, "metrics {d}/mrr.csv --decimal ;", 2,
         "the decimal separator ';' is neither . nor ,"),
    Case("workbook commands take --decimal", {"mrr.csv": _csv(THREE)},
         "portfolio {d}/mrr.csv -o {d}/review.xlsx --decimal .", 0, "review.xlsx"),
    # ids that print alike must be alike: no invisible characters
    Case("control character in an id", {"mrr.csv": b"customer_id,month,mrr\nAB,2026-01,100\nA\x01B,2026-01,100\n"},
         "metrics {d}/mrr.csv", 2,
         'row 3, column "customer_id": the customer id "A\\u0001B" holds an invisible character (U+0001)'),
    Case("zero-width space in an id", {"mrr.csv": _csv(MRR + "a\u200b,2026-03,5|")}, "metrics {d}/mrr.csv", 2,
         'row 6, column "customer_id": the customer id "a\\u200b" holds an invisible character (U+200B)'),
    Case("control character in a product", {"mrr.xlsx": _sheet([["customer_id", "month", "mrr", "product"],
                                                                ["a", "2026-01", 5, "Core\x7f"]])},
         "metrics {d}/mrr.xlsx", 2, 'column "product": the product "Core\\u007f" holds an invisible character'),
    Case("control character in a subscription id", {"subs.csv": _csv(SUBS + "s\x1b1,a,2026-01-01,,100,month|")},
         "metrics {d}/subs.csv", 2, 'the subscription id "s\\u001b1" holds an invisible character (U+001B)'),
    # a table or a column given twice is refused, naming both
    Case("two sheets for the MRR", {"book.xlsx": _sheets({"mrr": MRR_ROWS, "receita": MRR_ROWS})},
         "metrics {d}/book.xlsx", 2, "the table mrr is given twice - keep one of {d}/book.xlsx, sheet mrr and "
         "{d}/book.xlsx, sheet receita"),
    Case("two sheets for the MRR in a folder", {"book.xlsx": _sheets({"Receita": MRR_ROWS, "mrr_mensal": MRR_ROWS})},
         "metrics {d}", 2, "keep one of {d}/book.xlsx, sheet Receita and {d}/book.xlsx, sheet mrr_mensal"),
    Case("a header twice", {"mrr.csv": _csv("customer_id,month,mrr,mrr|a,2026-01,1,2|")}, "metrics {d}/mrr.csv", 2,
         'mrr.csv, row 1: the headers "mrr" (column 3) and "mrr" (column 4) both mean the mrr column'),
    Case("a header in two cases", {"mrr.csv": _csv("customer_id,mrr,month,MRR|a,1,2026-01,2|")}, "metrics {d}/mrr.csv",
         2, 'the headers "mrr" (column 2) and "MRR" (column 4) both mean the mrr column'),
    Case("two aliases of a header", {"mrr.csv": _csv("cliente,mes,mrr,receita|a,2026-01,1,2|")}, "metrics {d}/mrr.csv",
         2, 'the headers "mrr" (column 3) and "receita" (column 4) both mean the mrr column'),
    Case("a header twice in a sheet", {"mrr.xlsx": _sheet([[], [], ["customer_id", "month", "Month"], ["a", "2026-01",
                                                                                                      "2026-02"]])},
         "metrics {d}/mrr.xlsx", 2, 'sheet Sheet, row 3: the headers "month" (column 2) and "Month" (column 3)'),
    Case("a required header missing in a sheet", {"mrr.xlsx": _sheet([[], ["customer_id", "month"], ["a", "2026-01"]])},
         "metrics {d}/mrr.xlsx", 2, "sheet Sheet, row 2: the mrr table has no mrr column"),
    # the data ends at the last start, not at a contract's future end
    Case("a future end date",
         {"subs.csv": _csv(SUBS + "s1,a,2026-01-10,2028-12-31,10,month|s2,b,2026-03-05,,20,month|")},
         "metrics {d}/subs.csv --format csv --period quarter", 0,
         "\n2026-Q1,0.0,30.0,0.0,0.0,0.0,0.0,30.0,,,0,2,0,0,2,,\n$"),
    # --as-of a quarter or a year means its last month
    Case("as of a quarter", {"mrr.csv": _csv(MRR)}, "qbr {d}/mrr.csv --account a --as-of 2026-Q1 -o {d}/q.xlsx", 0,
         "q.xlsx"),
    Case("as of a quarter in Portuguese", {"mrr.csv": _csv(MRR)},
         "qbr {d}/mrr.csv --account a --as-of 1T26 -o {d}/q.xlsx", 0, "q.xlsx"),
    Case("as of a quarter the data ends inside", {"mrr.csv": _csv("customer_id,month,mrr|a,2026-01,1|a,2026-02,1|")},
         "forecast {d}/mrr.csv --as-of 2026-Q1 -o {d}/f.xlsx", 2,
         "--as-of 2026-Q1 is outside the MRR data, which runs from 2026-01 to 2026-02"),
    Case("as of a year", {"mrr.csv": _csv(MRR)}, "portfolio {d}/mrr.csv --as-of 2026 -o {d}/p.xlsx", 2,
         "--as-of 2026 is outside the MRR data, which runs from 2026-01 to 2026-03"),
    Case("as of no quarter", {"mrr.csv": _csv(MRR)}, "portfolio {d}/mrr.csv --as-of 2026-Q5 -o {d}/p.xlsx", 2,
         "--as-of '2026-Q5' is not a month, a quarter or a year - write a month (2026-09), a quarter (2026-Q3)"),
    Case("as of the year 9999", {"mrr.csv": _csv(MRR)}, "forecast {d}/mrr.csv --as-of 9999 -o {d}/f.xlsx", 2,
         "--as-of '9999' is outside the dates csxl reads"),
    Case("a device", {}, "metrics /dev/null", 2, "/dev/null: this is neither a file nor a folder"),
    # rows of customers the MRR data does not have (prospects, accounts lost before it) are skipped with a warning
    Case("prospects in the customers table", {"mrr.csv": _csv(MRR), "customers.csv": _csv(
        "customer_id,name|a,Acme|P1,x|P2,y|P3,z|P4,w|")}, "metrics {d} --format csv", 0,
        "csxl: warning: {d}/customers.csv: skipped 4 of 5 rows, of customers not in the MRR data "
        "(P1, P2, P3 and 1 more)"),
    Case("lost accounts in a survey sheet", {"book.xlsx": _sheets({"mrr": MRR_ROWS, "nps": [
        ["customer_id", "date", "score"], ["a", "2026-01-10", 9], ["old", "2025-01-10", 3]]})}, "metrics {d}/book.xlsx",
        0, "{d}/book.xlsx, sheet nps: skipped 1 of 2 rows, of customers not in the MRR data (old)"),
    Case("no customer of a table in the MRR", {"mrr.csv": _csv(MRR), "health.csv": _csv(
        "customer_id,month,logins|A-1,2026-01,3|")}, "metrics {d}", 2,
        'health.csv, row 2, column "customer_id": customer "A-1" is not in the MRR data, nor is any other customer'),
    # messages that say what is wrong
    Case("UTF-16 without a byte-order mark", {"mrr.csv": _csv(MRR).decode().encode("utf-16-le")}, "metrics {d}/mrr.csv",
         2, "mrr.csv: the file is UTF-16 text without a byte-order mark - save it as CSV UTF-8"),
    Case("NUL bytes", {"mrr.csv": _csv(MRR) + b"\0\0junk|"}, "metrics {d}/mrr.csv", 2,
         "the file holds NUL bytes: it is not a CSV text file"),
    Case("uncalculated formula", {"mrr.xlsx": _sheet([["customer_id", "month", "mrr"], ["a", "2026-01", "=B9*2"]])},
         "metrics {d}/mrr.xlsx", 2, 'row 2, column "mrr": the MRR is the formula "=B9*2", which Excel has not '
         "calculated - open the file in Excel and save it"),
    Case("one field too many", {"mrr.csv": _csv("customer_id,month,mrr|a,2026-01,100|b,2026-01,5,1|")},
         "metrics {d}/mrr.csv", 2, "mrr.csv, row 3: this row has 4 fields where the header has 3"),
    Case("a quote never closed", {"mrr.csv": _csv('customer_id,month,mrr|a,2026-01,100|b,"2026-01,5|c,2026-01,1|')},
         "metrics {d}/mrr.csv", 2, "mrr.csv, row 3: a quote opened in this row is never closed"),
    Case("a duplicate row names its values", {"mrr.csv": _csv(MRR + "b,01/2026,7|")}, "metrics {d}/mrr.csv", 2,
         'row 6: this row repeats the "customer_id" "b" and "month" 2026-01 of row 3'),
    # size limits, refused before parsing (pandas or openpyxl would take minutes)
    Case("a value at XFD1048576", {"mrr.xlsx": _far_cell}, "metrics {d}/mrr.xlsx", 2,
         "sheet Sheet: the sheet spans 1,048,576 rows by 16,384 columns; csxl reads at most 1,000 columns", True),
    Case("a zip bomb", {"mrr.xlsx": _zip_bomb}, "metrics {d}/mrr.xlsx", 2,
         "mrr.xlsx: its part xl/worksheets/sheet1.xml unpacks", True),
    Case("a million columns", {"mrr.csv": b"customer_id,month,mrr" + b"," * 1_000_000 + b"\na,2026-01,1\n"},
         "metrics {d}/mrr.csv", 2, "mrr.csv, row 1: the header has 1,000,003 columns; csxl reads at most 1,000", True),
    Case("a vertical tab in a header", {"mrr.csv": b"cust\x0bomer,month,mrr\na,2026-01,1\n"}, "metrics {d}/mrr.csv",
         2, 'the mrr table has no customer_id column (headers found: "cust\\x0bomer", "month", "mrr")'),
    Case("customer since 1900", {"mrr.csv": _csv(MRR), "customers.csv": _csv("customer_id,start_date|a,1900-01-01|")},
         "metrics {d}", 2, 'customers.csv, row 2, column "start_date": "1900-01-01" is outside the dates'),
]


def _write(case: Case, folder: Path) -> None:
    for name, content in case.files.items():
        if callable(content):
            content(folder / name)
        else:
            (folder / name).write_bytes(content)


@dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str


TIMEOUT = 20  # seconds: generous on a loaded machine; the refusals take about one


def _run(case: Case, folder: Path) -> Result:
    args = case.args.format(d=folder).split(" ")
    if not case.subprocess:
        result = runner.invoke(app, args)
        return Result(result.exit_code, result.stdout, result.stderr)
    done = subprocess.run([sys.executable, "-m", "csxl", *args], capture_output=True, text=True, timeout=TIMEOUT)
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(case, tmp_path):
    _write(case, tmp_path)
    fragment = case.fragment.format(d=tmp_path)
    result = _run(case, tmp_path)
    assert result.exit_code == case.code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "1816" not in result.stdout
    if case.code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("csxl: error: "), result.stderr
        assert fragment in lines[0], lines[0]
        return
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) <= 1 and all(w.startswith("csxl: warning: ") for w in warnings), result.stderr
    if fragment.endswith("$"):
        assert result.stdout.endswith(fragment[:-1]), result.stdout
    else:
        assert fragment in result.stdout + result.stderr, (result.stdout, result.stderr)


# --- fuzzing: whatever the bytes, one line and exit 2, or a table of finite numbers ------------------------------

_TOKENS = (b",", b";", b"\t", b"\n", b"\r\n", b'"', b".", b"-", b"9", b"0", b"e309", b"9999", b"1.000", b"\x00",
           b"\xff\xfe", b"\xef\xbb\xbf", b"\x01", b"inf", b"=", b"Q2", b"31/02/2026", b"mrr", b"customer_id")


@pytest.fixture(scope="module")
def demo_mrr(tmp_path_factory) -> bytes:
    """The first 60 lines of the demo data's mrr.csv: a valid file to mutate."""
    from csxl.data.demo import write_demo_csv

    folder = tmp_path_factory.mktemp("demo")
    write_demo_csv(folder, customers=12)
    return b"".join((folder / "mrr.csv").read_bytes().splitlines(keepends=True)[:60])


def _metrics_of(content: bytes) -> None:
    """csxl metrics on the bytes as mrr.csv: exit 0 with finite numbers, or exit 2 with one line and no traceback."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mrr.csv"
        path.write_bytes(content)
        result = runner.invoke(app, ["metrics", str(path), "--format", "csv"])
    assert result.exit_code in (0, 2), (content, result.exception, result.stdout, result.stderr)
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("csxl: error: "), (content, result.stderr)
    else:
        assert not {"inf", "nan"} & set(result.stdout.lower().replace(",", " ").split()), (content, result.stdout)
        assert all(line.startswith("csxl: warning: ") for line in result.stderr.splitlines()), result.stderr


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.one_of(st.binary(max_size=400), st.lists(st.sampled_from(_TOKENS), max_size=60).map(b"".join)))
def test_random_bytes_are_an_error_or_a_table(content):
    _metrics_of(content)


@FUZZ
@given(st.data())
def test_mutations_of_a_valid_file_are_an_error_or_a_table(demo_mrr, data):
    content = demo_mrr
    for _ in range(data.draw(st.integers(1, 6), label="mutations")):
        at = data.draw(st.integers(0, len(content)), label="at")
        cut = data.draw(st.integers(0, 8), label="cut")
        token = data.draw(st.one_of(st.sampled_from(_TOKENS), st.binary(max_size=3)), label="token")
        content = content[:at] + token + content[at + cut:]
    _metrics_of(content)
