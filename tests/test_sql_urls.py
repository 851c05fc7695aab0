"""Database sources: `csxl metrics duckdb:///FILE` and `postgresql://...` compute the movements where the data is
and print what the same rows in a file give; the checks run there as SQL and name the offending row by its key;
the workbook commands read the database's tables as the loader reads a folder's files."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from csxl.cli import app
from csxl.data.demo import demo_dataset, write_demo_csv
from csxl.data.load import load
from csxl.sql.databases import load_database
from tests.books import ACCOUNT, NAMES, small_book
from tests.engines import Postgres

runner = CliRunner()
_TABLES = ("mrr", "customers", "nps", "csat", "health", "pipeline", "goals")


def _duckdb_file(path: Path, tables: dict[str, pd.DataFrame]) -> str:
    con = duckdb.connect(str(path))
    for name, frame in tables.items():
        con.register("frame", frame)
        con.sql(f"CREATE TABLE {name} AS SELECT * FROM frame")
        con.unregister("frame")
    con.close()
    return f"duckdb:///{path}"


@pytest.fixture(scope="module")
def demo_mrr() -> pd.DataFrame:
    return demo_dataset().mrr


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    write_demo_csv(folder)
    return folder


def _metrics(*args: str) -> pd.DataFrame:
    result = runner.invoke(app, ["metrics", *args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return pd.read_csv(io.StringIO(result.stdout))


def _error(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    return line


@pytest.mark.parametrize("period", ["month", "quarter", "year"])
def test_a_duckdb_file_gives_the_movements_of_the_same_rows_in_a_file(tmp_path, demo_folder, demo_mrr, period):
    url = _duckdb_file(tmp_path / "book.duckdb", {"mrr": demo_mrr})
    ours = _metrics(url, "--period", period)
    pd.testing.assert_frame_equal(ours, _metrics(str(demo_folder / "mrr.csv"), "--period", period))
    assert len(ours) > 3


def test_header_aliases_and_a_table_name_follow_the_data_reference(tmp_path, demo_folder, demo_mrr):
    spelled = demo_mrr.rename(columns={"customer_id": "cliente", "month": "mes", "mrr": "receita",
                                       "product": "produto", "price_adjustment": "reajuste"})
    url = _duckdb_file(tmp_path / "book.duckdb", {"receitas": spelled})
    pd.testing.assert_frame_equal(_metrics(url, "--table", "receitas"), _metrics(str(demo_folder / "mrr.csv")))


def test_a_query_gives_the_rows(tmp_path, demo_folder, demo_mrr):
    url = _duckdb_file(tmp_path / "book.duckdb", {"book": demo_mrr.assign(region="south")})
    ours = _metrics(url, "--query", "SELECT customer_id, product, month, mrr, price_adjustment FROM book "
                                    "WHERE region = 'south'")
    pd.testing.assert_frame_equal(ours, _metrics(str(demo_folder / "mrr.csv")))


@pytest.mark.parametrize(("change", "says"), [
    (lambda f: f.assign(mrr=f["mrr"].where(f.index != 40, -3.5)),
     '"mrr": "-3.5" is negative - the MRR must be 0 or more'),
    (lambda f: f.assign(mrr=f["mrr"].where(f.index != 40, None)), '"mrr": the MRR is empty - every row needs its MRR'),
    (lambda f: f.assign(mrr=f["mrr"].where(f.index != 40, float("inf"))), '"mrr": "inf" is too large'),
    (lambda f: f.assign(customer_id=f["customer_id"].where(f.index != 40, " ")), "the customer id is empty"),
    (lambda f: f.assign(month=f["month"].where(f.index != 40, pd.Timestamp("2201-01-01"))),
     "2201-01-01 is outside the dates csxl reads"),
])
def test_a_bad_row_is_named_by_its_key(tmp_path, demo_mrr, change, says):
    bad = change(demo_mrr.copy())
    row = bad.iloc[40]
    line = _error("metrics", _duckdb_file(tmp_path / "book.duckdb", {"mrr": bad}))
    assert line.startswith(f"csxl: error: duckdb:///{tmp_path}/book.duckdb, table mrr, the row of ")
    assert says in line
    if "customer id" not in says:
        assert f'"customer_id" "{row.customer_id}", "month" {row.month:%Y-%m}, "product" "{row["product"]}"' in line


def test_two_rows_for_one_customer_month_and_product_are_refused(tmp_path, demo_mrr):
    twice = pd.concat([demo_mrr, demo_mrr.iloc[[7]].assign(month=demo_mrr["month"].iloc[7] + pd.Timedelta(days=9))])
    row = demo_mrr.iloc[7]
    line = _error("metrics", _duckdb_file(tmp_path / "book.duckdb", {"mrr": twice}))
    assert line == (f"csxl: error: duckdb:///{tmp_path}/book.duckdb, table mrr: 2 rows have the \"customer_id\" "
                    f"\"{row.customer_id}\", \"month\" {row.month:%Y-%m}, \"product\" \"{row['product']}\" - keep one "
                    "row per customer id, month, product (add the amounts together if both are real)")


def test_a_missing_column_or_table_and_a_text_month_are_one_line_errors(tmp_path, demo_mrr):
    url = _duckdb_file(tmp_path / "book.duckdb", {"mrr": demo_mrr.drop(columns="mrr"),
                                                  "texts": demo_mrr.assign(month=demo_mrr["month"].astype(str))})
    assert "table mrr: the mrr table has no mrr column (headers found:" in _error("metrics", url)
    assert "cannot read nowhere" in _error("metrics", url, "--table", "nowhere")
    assert ('table texts, column "month": the month column holds text values: csxl reads it from a DATE or '
            "TIMESTAMP column") in _error("metrics", url, "--table", "texts")
    assert "no such DuckDB database file" in _error("metrics", f"duckdb:///{tmp_path}/none.duckdb")
    assert "--table and --query read a database" in _error("metrics", str(tmp_path), "--table", "mrr")


def _assert_same_tables(pulled, data) -> None:
    for name in _TABLES:  # a table has no order of its own: its rows come sorted by their columns' values
        theirs = getattr(data, name)
        theirs = theirs.sort_values(list(theirs.columns), ignore_index=True)
        pd.testing.assert_frame_equal(getattr(pulled, name), theirs, obj=name)


def test_workbook_commands_read_the_databases_tables_as_a_folders_files(tmp_path, demo_folder):
    data = load(demo_folder)
    url = _duckdb_file(tmp_path / "book.duckdb", {name: getattr(data, name) for name in _TABLES})
    _assert_same_tables(load_database(url), data)
    result = runner.invoke(app, ["portfolio", url, "-o", str(tmp_path / "portfolio.xlsx")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "portfolio.xlsx").stat().st_size > 10_000


@pytest.fixture(scope="module")
def postgres_book(postgres: Postgres, demo_mrr) -> Postgres:
    postgres.load("book_mrr", demo_mrr.assign(month=demo_mrr["month"].dt.strftime("%Y-%m-%d")),
                  "customer_id TEXT, product TEXT, month DATE, mrr NUMERIC(18, 6), price_adjustment BOOLEAN")
    return postgres


@pytest.mark.parametrize("period", ["month", "quarter"])
def test_a_postgres_table_gives_the_movements_of_the_same_rows_in_a_file(postgres_book, demo_folder, period):
    ours = _metrics(postgres_book.url, "--table", "book_mrr", "--period", period)
    theirs = _metrics(str(demo_folder / "mrr.csv"), "--period", period)
    pd.testing.assert_frame_equal(ours, theirs, atol=1e-6)


def test_a_postgres_query_and_its_errors(postgres_book, demo_folder, demo_mrr):
    ours = _metrics(postgres_book.url, "--query", "SELECT * FROM book_mrr WHERE month >= DATE '2025-01-01'")
    later = demo_mrr[demo_mrr["month"] >= "2025-01-01"]
    assert ours["period"].iloc[0] == "2025-01" and ours["end_mrr"].iloc[-1] == pytest.approx(
        later.loc[later["month"] == later["month"].max(), "mrr"].sum())
    assert "the database refused the query" in _error("metrics", postgres_book.url, "--query", "SELEC nothing")
    postgres_book.psql("-c", "INSERT INTO book_mrr VALUES ('C9', '', DATE '2026-01-01', -2, FALSE)")
    try:
        line = _error("metrics", postgres_book.url, "--table", "book_mrr")
    finally:
        postgres_book.psql("-c", "DELETE FROM book_mrr WHERE customer_id = 'C9'")
    assert line == (f"csxl: error: {postgres_book.url}, table book_mrr, the row of \"customer_id\" \"C9\", \"month\" "
                    "2026-01, \"product\" \"\", column \"mrr\": \"-2.0\" is negative - the MRR must be 0 or more")


def test_a_password_is_never_shown():
    line = _error("metrics", "postgresql://analyst:s3cret@127.0.0.1:1/db")
    assert "s3cret" not in line and "postgresql://analyst:***@127.0.0.1:1/db" in line


def test_a_qbr_batch_from_a_database_reads_it_once_and_writes_every_account(tmp_path):
    data = small_book()
    url = _duckdb_file(tmp_path / "book.duckdb", {name: getattr(data, name) for name in _TABLES
                                                  if getattr(data, name) is not None})
    result = runner.invoke(app, ["qbr", url, "--all", "-o", str(tmp_path / "qbrs")])
    assert result.exit_code == 0, result.output
    assert "3 QBRs written" in result.stdout and len(list((tmp_path / "qbrs").glob("*.xlsx"))) == 3
    book = openpyxl.load_workbook(next((tmp_path / "qbrs").glob(f"*{ACCOUNT}*.xlsx")))
    assert NAMES[ACCOUNT] in {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row}


def _postgres_type(values: pd.Series) -> str:
    if pd.api.types.is_datetime64_any_dtype(values):
        return "DATE"
    if pd.api.types.is_bool_dtype(values):
        return "BOOLEAN"
    return "NUMERIC(18, 6)" if pd.api.types.is_numeric_dtype(values) else "TEXT"


def test_a_postgres_databases_typed_tables_give_the_dataset_of_a_folder(postgres, demo_folder):
    """NUMERIC and DATE columns come back as Python Decimals and dates, which the loader reads as a file's."""
    data = load(demo_folder)
    for name in _TABLES:
        frame = getattr(data, name)
        texts = frame.assign(**{c: frame[c].dt.strftime("%Y-%m-%d") for c in frame
                                if pd.api.types.is_datetime64_any_dtype(frame[c])})
        postgres.load(name, texts, ", ".join(f"{c} {_postgres_type(frame[c])}" for c in frame))
    _assert_same_tables(load_database(postgres.url), data)
