"""A QBR over a database source pulls only its account's rows, and is the QBR of the same account from a folder."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from csxl.cli import app
from csxl.data.demo import write_demo_csv
from csxl.data.load import load
from csxl.sql.databases import Database, load_database
from tests.engines import Postgres
from tests.test_sql_urls import _duckdb_file, _postgres_type

runner = CliRunner()
# An account that stopped paying before the book's last quarter (its own rows would end the QBR's quarter
# earlier) and one paying at the end
ACCOUNTS = ("C0022", "C0001")
TABLES = ("mrr", "customers", "nps", "csat", "ces", "health", "pipeline", "goals", "touchpoints", "plan")


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict[str, pd.DataFrame]:
    path = tmp_path_factory.mktemp("demo")
    write_demo_csv(path)
    data = load(path)
    return {name: getattr(data, name) for name in TABLES if getattr(data, name) is not None}


@pytest.fixture(scope="module")
def folder(tmp_path_factory, tables) -> Path:
    """The demo book's files with their rows in the order a database gives them: a table has no order of its own,
    and csxl reads its rows sorted by their columns' values."""
    path = tmp_path_factory.mktemp("sorted")
    for name, frame in tables.items():
        frame.sort_values(list(frame.columns)).to_csv(path / f"{name}.csv", index=False)
    return path


@pytest.fixture(scope="module")
def duckdb_url(tmp_path_factory, tables) -> str:
    return _duckdb_file(tmp_path_factory.mktemp("db") / "book.duckdb", tables)


def _qbr(source: str, account: str, out: Path, *options: str) -> dict[str, dict[str, object]]:
    """Every sheet's cells (values and formulas as written) of the QBR `csxl qbr` writes."""
    result = runner.invoke(app, ["qbr", source, "--account", account, "-o", str(out), *options])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    return {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
            for ws in wb.worksheets}


def _assert_same_qbr(source: str, folder: Path, tmp_path: Path) -> None:
    for account in ACCOUNTS:
        ours, theirs = _qbr(source, account, tmp_path / "db.xlsx"), _qbr(str(folder), account, tmp_path / "f.xlsx")
        assert list(ours) == list(theirs)
        for sheet in theirs:
            assert ours[sheet] == theirs[sheet], (account, sheet)


def test_a_qbr_from_a_duckdb_file_is_the_qbr_from_the_folder(duckdb_url, folder, tmp_path):
    _assert_same_qbr(duckdb_url, folder, tmp_path)


def test_a_qbr_from_postgres_is_the_qbr_from_the_folder(postgres: Postgres, tables, folder, tmp_path):
    for name, frame in tables.items():
        texts = frame.assign(**{c: frame[c].dt.strftime("%Y-%m-%d") for c in frame
                                if pd.api.types.is_datetime64_any_dtype(frame[c])})
        postgres.load(name, texts, ", ".join(f"{c} {_postgres_type(frame[c])}" for c in frame))
    _assert_same_qbr(postgres.url, folder, tmp_path)


def test_only_the_accounts_rows_come_back(duckdb_url, tables, monkeypatch):
    fetched: list[pd.DataFrame] = []
    query = Database.query

    def spy(self, sql: str) -> pd.DataFrame:
        fetched.append(query(self, sql))
        return fetched[-1]

    monkeypatch.setattr(Database, "query", spy)
    data = load_database(duckdb_url, account="C0022")
    with_ids = [frame for frame in fetched if "customer_id" in frame]
    assert with_ids and all(set(frame["customer_id"]) <= {"C0022"} for frame in with_ids)
    assert sum(map(len, fetched)) < 200 < len(tables["mrr"])  # the account's rows and a few book-wide facts
    for name in TABLES[:-1]:
        frame = getattr(data, name)
        mine = tables[name][tables[name]["customer_id"] == "C0022"]
        assert (0 if frame is None else len(frame)) == len(mine), name
        assert frame is None or set(frame["customer_id"]) <= {"C0022"}, name
    assert data.plan is None  # not kept per customer: a QBR does not read it
    assert (data.first_month, data.last_month) == (tables["mrr"]["month"].min(), tables["mrr"]["month"].max())
    assert data.products == sorted(tables["mrr"]["product"].unique()) != sorted(data.mrr["product"].unique())


@pytest.mark.parametrize("account", ["C0022' OR '1'='1", "C0022\\' OR 1=1 --"])
def test_an_account_id_is_compared_never_run(duckdb_url, postgres: Postgres, tables, tmp_path, account):
    postgres.load("mrr", tables["mrr"].assign(month=tables["mrr"]["month"].dt.strftime("%Y-%m-%d")),
                  "customer_id TEXT, product TEXT, month DATE, mrr NUMERIC(18, 6), price_adjustment BOOLEAN")
    for url in (duckdb_url, postgres.url):
        result = runner.invoke(app, ["qbr", url, "--account", account, "-o", str(tmp_path / "q.xlsx")])
        assert result.exit_code == 2, result.output
        assert f"account {account!r} is not in the MRR data" in result.stderr


@pytest.mark.spark
def test_a_qbr_from_spark_is_the_qbr_from_the_folder(spark, tables, folder, tmp_path):
    for name, frame in tables.items():
        spark.createDataFrame(frame.astype(object).where(frame.notna(), None)).createOrReplaceTempView(name)
    for account in ACCOUNTS:
        ours = _qbr("mrr", account, tmp_path / "spark.xlsx", "--engine", "spark")
        assert ours == _qbr(str(folder), account, tmp_path / "folder.xlsx"), account
