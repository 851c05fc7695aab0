"""`csxl qbr --account` answered before typer (csxl.entry, csxl.commands.one_qbr).

The direct route must write the workbook the full route (csxl.cli) writes, print the same lines with the same
exit status - errors included - and leave every request it does not fully understand to the full route.
"""

import subprocess
import sys

import openpyxl
import pytest

from csxl import entry
from tests.test_cli import BOOK
from tests.test_sql_direct import _full_route as _full
from tests.test_sql_direct import _run_entry as _direct


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "mrr.csv"
    path.write_text(BOOK)
    return path


def _cells(path):
    """Every sheet's cells (formulas as written), to compare two workbooks without their timestamps."""
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


@pytest.mark.parametrize("args, wanted", [
    ("qbr d --account a -o q.xlsx", {"path": "d", "account": "a", "output": "q.xlsx", "lang": "en"}),
    ("qbr --output=q.xlsx d --account=a --lang pt-BR --as-of 2026-03",
     {"path": "d", "account": "a", "output": "q.xlsx", "lang": "pt-BR", "as_of": "2026-03"}),
    ("qbr d --account a --account b -o q.xlsx --currency BRL --decimal , --template t.xlsx",
     {"path": "d", "account": "b", "output": "q.xlsx", "lang": "en", "currency": "BRL", "decimal": ",",
      "template": "t.xlsx"}),
    ("qbr d --account -o -o q.xlsx", {"path": "d", "account": "-o", "output": "q.xlsx", "lang": "en"}),
    ("qbr d --all -o out", None),  # a batch: progress bars and a summary are the full route's
    ("qbr d --account a -o q.xlsx --pdf", None),
    ("qbr d --account a -o q.xlsx --help", None),
    ("qbr d --account a -o q.xlsx --lang fr", None),  # typer names the languages there are
    ("qbr d --account a -o q.xlsx --lang pt_BR", None),
    ("qbr d -o q.xlsx", None),  # no account: the full route says what to give
    ("qbr d --account a", None),
    ("qbr d e --account a -o q.xlsx", None),
    ("qbr d --account a -oq.xlsx", None),
    ("qbr d --account a -o", None),
    ("qbr -- d --account a -o q.xlsx", None),
    ("qbr postgresql://u@h/db --account a -o q.xlsx", None),  # a database: --engine and --table are typer's
    ("qbr duckdb:///book.duckdb --account a -o q.xlsx", None),
    ("portfolio d -o q.xlsx", None),
], ids=str)
def test_only_a_plain_one_account_qbr_is_read_before_the_cli(args, wanted):
    found = entry.qbr_request(args.split())
    if wanted is None:
        assert found is None
        return
    expected = {"as_of": None, "currency": None, "template": None, "decimal": None, **wanted}
    expected["output"] = entry.Path(expected["output"])
    if expected["template"] is not None:
        expected["template"] = entry.Path(expected["template"])
    assert found == expected


@pytest.mark.parametrize("options", [
    ["--as-of", "2026-03", "--lang", "pt-BR"],
    ["--lang", "es", "--currency", "MXN"],
    [],
], ids=str)
def test_the_direct_route_writes_the_full_routes_workbook_and_lines(book, tmp_path, options, monkeypatch, capsys):
    out = tmp_path / "qbr.xlsx"
    args = ["qbr", book, "--account", "a", "-o", out, *options]
    direct = _direct(args, monkeypatch, capsys)
    written = _cells(out)
    out.unlink()
    assert direct == _full(args)
    assert direct[0] == 0 and direct[1] == f"wrote {out}\n"
    assert _cells(out) == written


@pytest.mark.parametrize("case", [
    "unknown account", "as-of outside", "bad currency", "contradicted currency", "missing data", "output is input",
    "output is a folder", "bad decimal", "bad template",
])
def test_an_error_is_the_same_line_and_status_on_both_routes(book, tmp_path, case, monkeypatch, capsys):
    out = tmp_path / "qbr.xlsx"
    customers = tmp_path / "folder" / "customers.csv"
    customers.parent.mkdir()
    (tmp_path / "folder" / "mrr.csv").write_text(BOOK)
    customers.write_text("customer_id,name,currency\na,A,BRL\nb,B,BRL\nc,C,BRL\n")
    (tmp_path / "template.xlsx").write_text("not a workbook")
    args = {
        "unknown account": ["qbr", book, "--account", "zz", "-o", out],
        "as-of outside": ["qbr", book, "--account", "a", "--as-of", "2031-01", "-o", out],
        "bad currency": ["qbr", book, "--account", "a", "--currency", "XYZ", "-o", out],
        "contradicted currency": ["qbr", customers.parent, "--account", "a", "--currency", "USD", "-o", out],
        "missing data": ["qbr", tmp_path / "nowhere", "--account", "a", "-o", out],
        "output is input": ["qbr", book, "--account", "a", "-o", book],
        "output is a folder": ["qbr", book, "--account", "a", "-o", customers.parent],
        "bad decimal": ["qbr", book, "--account", "a", "--decimal", ";", "-o", out],
        "bad template": ["qbr", book, "--account", "a", "--template", tmp_path / "template.xlsx", "-o", out],
    }[case]
    assert entry.qbr_request(list(map(str, args))) is not None  # the direct route takes it
    direct = _direct(args, monkeypatch, capsys)
    assert direct == _full(args)
    status, stdout, stderr = direct
    assert status == 2 and stdout == "" and stderr.startswith("csxl: error: ") and stderr.count("\n") == 1
    assert not out.exists() and book.read_text() == BOOK


def test_the_installed_command_takes_the_direct_route(book, tmp_path):
    """The console script runs csxl.entry: a plain one-account QBR never imports typer."""
    out = tmp_path / "qbr.xlsx"
    code = ("import sys; from csxl.entry import main\n"
            "sys.argv = ['csxl', 'qbr', sys.argv[1], '--account', 'a', '--currency', 'BRL', '-o', sys.argv[2]]\n"
            "try:\n    main()\nfinally:\n    print('typer' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, str(book), str(out)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == f"wrote {out}\n"
    assert done.stderr == "False\n"
    assert "MRR" in openpyxl.load_workbook(out).sheetnames
