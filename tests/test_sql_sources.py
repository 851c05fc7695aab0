"""`csxl metrics` sources: DuckDB reads plain Parquet and CSV files itself, with the loader's checks and words.

Each direct read is compared with the loader's reading of the same file (the same movements, the same
error message for the same bad row), and a test proves the direct path does not go through the loader.
"""

import pandas as pd
import pytest

import csxl.data.load
from csxl.data.demo import demo_dataset, write_demo_csv
from csxl.data.load import load
from csxl.errors import CsxlDataError
from csxl.metrics.movements import mrr_movements
from csxl.sql.engine import movements
from csxl.sql.sources import open_book
from tests.test_sql_movements import assert_same_movements


@pytest.fixture(scope="module")
def demo_mrr() -> pd.DataFrame:
    return demo_dataset().mrr


@pytest.fixture
def no_loader(monkeypatch):
    """Fail any call of the pandas loader: what still works was read by DuckDB alone."""
    def refuse(*args, **kwargs):
        raise AssertionError("the loader was called")

    monkeypatch.setattr(csxl.data.load, "load", refuse)


def _same_as_loader(path, period="month"):
    book = open_book(path)
    mrr = load(path).mrr
    assert book.last_month == mrr["month"].max()
    assert_same_movements(movements(book.con, period), mrr_movements(mrr, period), mrr["customer_id"].nunique())


@pytest.mark.parametrize("period", ["month", "quarter"])
def test_plain_parquet_is_read_by_duckdb_alone_with_the_loaders_results(tmp_path, demo_mrr, period):
    path = tmp_path / "book.parquet"
    demo_mrr.to_parquet(path, index=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csxl.data.load, "load", lambda *a, **k: pytest.fail("the loader was called"))
        open_book(path)
    _same_as_loader(path, period)


def test_plain_csv_is_read_by_duckdb_alone_with_the_loaders_results(tmp_path, no_loader):
    (path,) = [p for p in write_demo_csv(tmp_path) if p.name == "mrr.csv"]
    book = open_book(path)
    assert book.con.sql("SELECT COUNT(*), SUM(CAST(price_adjustment AS INT)) FROM mrr").fetchall()[0][1] > 0


def test_plain_csv_gives_the_loaders_results(tmp_path):
    (path,) = [p for p in write_demo_csv(tmp_path) if p.name == "mrr.csv"]
    _same_as_loader(path, "quarter")


def test_integer_ids_are_text_and_any_date_counts_for_its_month(tmp_path, no_loader):
    path = tmp_path / "mrr.parquet"
    pd.DataFrame({"customer_id": [7, 7, 8], "month": pd.to_datetime(["2026-01-15", "2026-02-03", "2026-02-28"]),
                  "mrr": [10, 12, 5]}).to_parquet(path, index=False)
    book = open_book(path)
    assert book.last_month == pd.Timestamp("2026-02-01")
    assert sorted(book.con.sql("SELECT DISTINCT customer_id FROM mrr").fetchall()) == [("7",), ("8",)]
    feb = movements(book.con).iloc[1]
    assert (feb.start_mrr, feb.expansion, feb.new, feb.end_mrr) == (10, 2, 5, 17)


@pytest.mark.parametrize("space", ["\t", " ", "\u3000", "\u2028", "\u202f", "\x1c"], ids=repr)
def test_ids_with_spaces_around_them_go_through_the_loader_which_trims_them(tmp_path, space):
    """Every character Python's strip() removes, as the loader does: an East Asian export's U+3000 too."""
    path = tmp_path / "mrr.parquet"
    pd.DataFrame({"customer_id": ["a", f"a{space}", f"{space}b"], "month": pd.to_datetime(["2026-01-01", "2026-02-01",
                                                                              "2026-02-01"]),
                  "mrr": [10.0, 12.0, 5.0]}).to_parquet(path, index=False)
    feb = movements(open_book(path).con).iloc[1]
    assert (feb.start_mrr, feb.expansion, feb.new, feb.customers_end) == (10, 2, 5, 2)
    _same_as_loader(path)


def test_aliases_and_decimal_commas_go_through_the_loader(tmp_path):
    path = tmp_path / "receitas.csv"
    path.write_text("cliente;mes;receita\n a ;01/2026;1.234,50\na;02/2026;1.300,00\nb;02/2026;99,90\n")
    _same_as_loader(path)
    assert movements(open_book(path).con)["end_mrr"].tolist() == [1234.5, 1399.9]


def _bad(frame: pd.DataFrame, row: int, **values) -> pd.DataFrame:
    bad = frame.copy()
    for column, value in values.items():
        bad[column] = bad[column].astype(object)
        bad.loc[row, column] = value
    return bad


@pytest.mark.parametrize("change", [
    lambda d: _bad(d, 5, mrr=-3),
    lambda d: _bad(d, 40, mrr=None),
    lambda d: _bad(d, 9, customer_id="  "),
    lambda d: _bad(d, 12, month=None),
    lambda d: pd.concat([d, d.iloc[[7]]], ignore_index=True),
    lambda d: pd.concat([d.iloc[:30], d.iloc[[3]].assign(month=d["month"].iloc[3] + pd.Timedelta(days=9)),
                         d.iloc[30:]], ignore_index=True),
], ids=["negative", "empty mrr", "blank id", "empty month", "repeated row", "two dates in one month"])
@pytest.mark.parametrize("mrr_type", [float, "Int64"])
def test_a_bad_parquet_row_gets_the_loaders_message_from_sql(tmp_path, demo_mrr, change, mrr_type):
    path = tmp_path / "mrr.parquet"
    bad = change(demo_mrr.assign(mrr=demo_mrr["mrr"].round()))
    bad.astype({"mrr": mrr_type}).to_parquet(path, index=False)
    with pytest.raises(CsxlDataError) as loader:
        load(path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csxl.data.load, "load", lambda *a, **k: pytest.fail("the loader was called"))
        with pytest.raises(CsxlDataError) as ours:
            open_book(path)
    assert str(ours.value) == str(loader.value)
    assert ours.value.row is not None


@pytest.mark.parametrize("body, row", [
    ("a,2026-01,10\n\nb,2026-01,-4\n", 4),
    ("a,2026-01,10\na,2026-01,11\n", 3),
    ("a,2026-13,10\n", 2),
])
def test_a_bad_csv_row_is_named_by_the_loader_with_its_line_in_the_file(tmp_path, body, row):
    path = tmp_path / "mrr.csv"
    path.write_text("customer_id,month,mrr\n" + body)
    with pytest.raises(CsxlDataError) as err:
        open_book(path)
    assert err.value.row == row
    with pytest.raises(CsxlDataError) as loader:
        load(path)
    assert str(err.value) == str(loader.value)
