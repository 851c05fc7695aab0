"""`csxl metrics` over plain Parquet answered by DuckDB alone (csxl.entry, csxl.sql.command.direct_records).

The direct route must print what the full route (csxl.cli over csxl.sql.sources) prints, byte for byte, and
leave every file it cannot vouch for to the full route, which names the problem in one line with exit 2.
"""

import io
import math
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from csxl import entry
from csxl.cli import app
from csxl.data import parse, validate
from csxl.data.demo import demo_dataset
from csxl.metrics.movements import mrr_movements, period_label
from csxl.sql import plain
from csxl.sql.command import direct_records, write_records
from tests.test_sql_sources import _bad

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_mrr() -> pd.DataFrame:
    return demo_dataset().mrr


def _run_entry(args, monkeypatch, capsys):
    """csxl.entry.main() in this process: (exit status, standard output, standard error)."""
    monkeypatch.setattr(sys, "argv", ["csxl", *map(str, args)])
    try:
        entry.main()
        status = 0
    except SystemExit as done:
        status = done.code if isinstance(done.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


def _full_route(args):
    result = runner.invoke(app, list(map(str, args)), prog_name="csxl")
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("period", ["month", "quarter", "year"])
@pytest.mark.parametrize("format", ["csv", "json"])
def test_the_demo_book_prints_the_same_bytes_on_both_routes(tmp_path, demo_mrr, period, format, monkeypatch,
                                                           capsys):
    path = tmp_path / "book.parquet"
    demo_mrr.to_parquet(path, index=False)
    assert direct_records(path, period) is not None  # the direct route answers this one
    args = ["metrics", path, "--period", period, "--format", format]
    direct = _run_entry(args, monkeypatch, capsys)
    assert direct == _full_route(args)
    assert direct[0] == 0 and direct[1].count("\n") > 3


def test_the_direct_route_equals_the_numpy_engine_to_the_cent(tmp_path, demo_mrr):
    path = tmp_path / "book.parquet"
    demo_mrr.to_parquet(path, index=False)
    records = direct_records(path, "month")
    expected = mrr_movements(demo_mrr, split=False)
    assert [r["period"] for r in records] == [period_label(p) for p in expected["period"]]
    for name in ("start_mrr", "new", "expansion", "churn", "end_mrr", "customers_end"):
        assert np.allclose([r[name] for r in records], expected[name], atol=0.005, rtol=0), name


def test_the_direct_route_imports_neither_pandas_nor_the_cli_framework(tmp_path, demo_mrr):
    path = tmp_path / "book.parquet"
    demo_mrr.to_parquet(path, index=False)
    code = ("import sys; from csxl.entry import main; sys.argv = ['csxl', 'metrics', sys.argv[1], '--format', 'csv']; "
            "main(); print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'numpy', 'typer', 'rich'}), "
            "file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "[]\n"
    assert done.stdout.startswith("period,start_mrr,new,")


HOSTILE = {  # a change to the demo book's rows -> what the full route says (exit 2) or None (it computes)
    "negative": (lambda d: _bad(d, 5, mrr=-3.0), 'row 7, column "mrr": "-3.0" is negative'),
    "NaN": (lambda d: _bad(d, 40, mrr=float("nan")), 'row 42, column "mrr": the MRR is empty'),
    "infinite": (lambda d: _bad(d, 40, mrr=math.inf), "row 42"),
    "too large": (lambda d: _bad(d, 3, mrr=2e15), "row 5"),
    "empty month": (lambda d: _bad(d, 12, month=None), 'row 14, column "month": the month is empty'),
    "month before 1950": (lambda d: _bad(d, 12, month=pd.Timestamp("1949-12-01")), "row 14"),
    "blank id": (lambda d: _bad(d, 9, customer_id="  "), 'row 11, column "customer_id": the customer id is empty'),
    "no id": (lambda d: _bad(d, 9, customer_id=None), 'row 11, column "customer_id": the customer id is empty'),
    "padded id": (lambda d: _bad(d, 9, customer_id=f" {d['customer_id'].iloc[9]}"), None),
    "invisible in id": (lambda d: _bad(d, 9, customer_id=d["customer_id"].iloc[9] + "\u200b"), "row 11"),
    "tab in product": (lambda d: _bad(d, 9, product=d["product"].iloc[9] + "\t"), None),
    "ideographic space after id": (lambda d: _bad(d, 9, customer_id=d["customer_id"].iloc[9] + "\u3000"), None),
    "line separator before product": (lambda d: _bad(d, 9, product="\u2028" + d["product"].iloc[9]), None),
    "repeated row": (lambda d: pd.concat([d, d.iloc[[7]]], ignore_index=True), "this row repeats"),
    "two dates in one month": (lambda d: pd.concat([d.iloc[:30], d.iloc[[3]].assign(
        month=d["month"].iloc[3] + pd.Timedelta(days=9)), d.iloc[30:]], ignore_index=True), "this row repeats"),
    "an unknown column": (lambda d: d.assign(region="SP"), None),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=str)
@pytest.mark.parametrize("period", ["month", "quarter"])
def test_a_file_the_direct_route_cannot_vouch_for_goes_to_the_full_route(tmp_path, demo_mrr, case, period,
                                                                         monkeypatch, capsys):
    change, message = HOSTILE[case]
    path = tmp_path / "mrr.parquet"
    change(demo_mrr).to_parquet(path, index=False)
    assert direct_records(path, period) is None
    args = ["metrics", path, "--period", period, "--format", "csv"]
    status, out, err = _run_entry(args, monkeypatch, capsys)
    assert (status, out, err) == _full_route(args)
    if message is None:
        assert status == 0 and out.startswith("period,"), err
    else:
        assert status == 2 and out == ""
        assert err.count("\n") == 1 and err.startswith(f"csxl: error: {path}") and message in err, err


@pytest.mark.parametrize("types", [
    {"mrr": "Int64"}, {"mrr": "float32"}, {"month": "datetime64[ns]"}, {"month": "datetime64[ms]"}, {},
], ids=str)
@pytest.mark.parametrize("period", ["month", "year"])
def test_typed_columns_the_full_route_reads_directly_are_read_directly_too(tmp_path, demo_mrr, types, period,
                                                                          monkeypatch, capsys):
    path = tmp_path / "book.parquet"
    book = demo_mrr.assign(mrr=demo_mrr["mrr"].round()) if types.get("mrr") == "Int64" else demo_mrr
    if not types:  # no types changed: a fourth product in some customer-months instead
        book = pd.concat([book, book.iloc[:50].assign(product="Extra")], ignore_index=True)
    book.astype(types).to_parquet(path, index=False)
    assert direct_records(path, period) is not None
    args = ["metrics", path, "--format", "csv", "--period", period]
    assert _run_entry(args, monkeypatch, capsys) == _full_route(args)


def test_integer_ids_and_a_decimal_mrr_read_by_duckdb_print_as_on_the_full_route(tmp_path, monkeypatch, capsys):
    from csxl.sql.connection import connect

    path = tmp_path / "book.parquet"
    connect().sql(f"COPY (SELECT i % 7 AS customer_id, DATE '2025-01-01' + TO_MONTHS(CAST(i // 7 AS INTEGER)) AS "
                  f"month, CAST(10 + i % 5 * 2.5 AS DECIMAL(9, 2)) AS mrr FROM range(70) t(i) WHERE i % 11 <> 3) "
                  f"TO '{path}' (FORMAT parquet)")
    assert direct_records(path, "month") is not None
    args = ["metrics", path, "--format", "json"]
    assert _run_entry(args, monkeypatch, capsys) == _full_route(args)


def test_a_file_named_for_another_table_is_the_full_routes(tmp_path, demo_mrr):
    path = tmp_path / "clientes.parquet"  # the customers table's name, in Portuguese
    demo_mrr.to_parquet(path, index=False)
    assert direct_records(path, "month") is None


@pytest.mark.parametrize("args, wanted", [
    ("metrics b.parquet --format csv", ("b.parquet", "month", "csv")),
    ("metrics --format=json b.parquet --period quarter", ("b.parquet", "quarter", "json")),
    ("metrics b.parquet --format csv --format json", ("b.parquet", "month", "json")),
    ("metrics b.parquet", None),  # the table is for reading: rich prints it
    ("metrics b.parquet --format csv --help", None),
    ("metrics b.parquet --format csv --decimal ,", None),
    ("metrics b.parquet --format csv --period week", None),
    ("metrics b.parquet c.parquet --format csv", None),
    ("metrics b.parquet --format", None),
    ("qbr b.parquet --format csv", None),
    ("metrics -- b.parquet --format csv", None),
], ids=str)
def test_only_a_plain_metrics_request_is_read_before_the_cli(args, wanted):
    found = entry.direct_request(args.split())
    assert found == (None if wanted is None else (entry.Path(wanted[0]), wanted[1], wanted[2]))


def test_the_direct_routes_limits_are_the_data_layers():
    assert plain.MAX_NUMBER == validate.MAX_NUMBER
    assert plain.DATE_RANGE == tuple(str(day) for day in parse.DATE_RANGE)


def test_the_sql_spaces_and_invisible_characters_are_the_loaders():
    """DuckDB's TRIM with SPACE strips what Python's str.strip() strips, and RE2 with INVISIBLE finds what the
    loader's pattern finds, over the first 12,288 code points and the special ones past them."""
    import duckdb

    chars = [chr(c) for c in [*range(1, 0x3000), 0xFEFF, 0xFFFD, 0x1F600] if not 0xD800 <= c < 0xE000]
    con = duckdb.connect()
    con.execute("CREATE TABLE c (ch VARCHAR)")
    con.executemany("INSERT INTO c VALUES (?)", [[ch] for ch in chars])
    rows = con.sql(f"SELECT ch, TRIM('a' || ch, {plain.SPACE}) <> 'a' || ch, "
                   f"regexp_matches(ch, '{plain.INVISIBLE}') FROM c").fetchall()
    assert len(rows) == len(chars)
    for ch, trimmed, invisible in rows:
        assert trimmed == (("a" + ch).strip() != "a" + ch), hex(ord(ch))
        assert invisible == bool(re.search(validate._INVISIBLE, ch)), hex(ord(ch))


@pytest.mark.parametrize("values", [
    [0.1 + 0.2, 1e16, 123456789.123456, 5e-7, -0.0, 1234.56, 2.0 ** 60, None],
    [None, None, None],
    [3.0, 0.0, 1e-5, 99.9],
], ids=["awkward floats", "all None", "plain"])
def test_the_one_writer_writes_csv_as_pandas_did(values):
    records = [{"period": f"2026-{i + 1:02d}", "end_mrr": v, "customers_end": i, "nrr": v} for i, v in
               enumerate(values)]
    ours = io.StringIO()
    write_records(records, "csv", ours)
    assert ours.getvalue() == pd.DataFrame(records).to_csv(index=False, lineterminator="\n")


def test_a_full_disk_behind_the_direct_route_is_one_line(tmp_path, demo_mrr):
    path = tmp_path / "book.parquet"
    demo_mrr.to_parquet(path, index=False)
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "csxl", "metrics", path, "--format", "csv"], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr == ("csxl: error: the standard output: cannot write it: the disk is full - "
                           "free some space, or write elsewhere\n")


def test_a_reader_that_stops_reading_the_direct_route_is_no_error(tmp_path, demo_mrr):
    path = tmp_path / "book.parquet"
    demo_mrr.to_parquet(path, index=False)
    run = subprocess.Popen([sys.executable, "-m", "csxl", "metrics", path, "--format", "csv"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    run.stdout.close()
    assert run.wait(timeout=120) == 1
    assert run.stderr.read() == b""


def test_duckdb_spills_to_the_systems_temporary_folder_not_the_current_one(tmp_path, monkeypatch):
    from csxl.sql.connection import connect

    monkeypatch.chdir(tmp_path)
    con = connect()
    con.sql("SET memory_limit = '64MB'")
    spill = con.sql("SELECT current_setting('temp_directory')").fetchall()[0][0]
    rows = con.sql("SELECT COUNT(*) FROM (SELECT i, md5(CAST(i AS VARCHAR)) AS h FROM range(2000000) t(i) "
                   "ORDER BY h)").fetchall()
    assert rows == [(2_000_000,)]
    assert list(tmp_path.iterdir()) == []  # no .tmp here
    assert spill.startswith(tempfile.gettempdir()) and os.listdir(spill)  # DuckDB spilled there
    con.close()
    assert not os.path.exists(spill)  # and left nothing behind
