"""The SQL cohort metrics (run by DuckDB) against csxl.metrics.retention and csxl.metrics.csm, to the cent.

Random books (the strategies of test_movements.py) and the demo book with its segments and CSMs.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csxl.data.demo import demo_dataset
from csxl.metrics.csm import group_retention
from csxl.metrics.movements import mrr_grid
from csxl.metrics.retention import cohort_retention, grr_cohort, logo_churn_cohort, nrr_cohort, retention_trend
from csxl.sql import engine
from tests.test_movements import FAST, books, frame

pytestmark = pytest.mark.slow  # hypothesis books through DuckDB: left out of `make test-fast`


def close(ours, theirs, atol=1e-6) -> None:
    np.testing.assert_allclose(np.asarray(ours, float), np.asarray(theirs, float), rtol=1e-9, atol=atol,
                               equal_nan=True)


def assert_same_trend(book: pd.DataFrame, months: int) -> None:
    ours = engine.retention_trend(engine.with_book(book), months)
    theirs = retention_trend(book, months)
    assert ours["month"].tolist() == theirs["month"].tolist()
    close(ours["nrr"], theirs["nrr"])
    close(ours["grr"], theirs["grr"])


def assert_same_windows(book: pd.DataFrame, months: int) -> None:
    """Every window's nrr, grr and logo churn: the trend's row of its end month, NaN when it starts before the data."""
    trend = engine.retention_trend(engine.with_book(book), months).set_index("month")
    for month in mrr_grid(book).months:
        ours = trend.reindex([month])[["nrr", "grr", "logo_churn"]].iloc[0]
        close(ours, [nrr_cohort(book, month, months), grr_cohort(book, month, months),
                     logo_churn_cohort(book, month, months)])


def assert_same_cohorts(book: pd.DataFrame, basis: str) -> None:
    ours = engine.cohort_retention(engine.with_book(book), basis)
    theirs = cohort_retention(book, basis)
    assert ours.index.tolist() == theirs.index.tolist()
    assert ours.columns.tolist() == theirs.columns.tolist()
    assert ours["customers"].tolist() == theirs["customers"].tolist()
    close(ours.to_numpy(float), theirs.to_numpy(float))


def assert_same_groups(book: pd.DataFrame, groups: pd.Series, months: int, end_month=None) -> None:
    con = engine.with_book(book)
    con.register("customer_groups", pd.DataFrame({"customer_id": groups.index, "group_name": groups.to_numpy()}))
    ours = engine.group_retention(con, months, end_month)
    grid = mrr_grid(book)
    end = len(grid.months) - 1 if end_month is None else grid.month_index(end_month)
    start = grid.values[:, end - months] if end >= months else np.zeros(len(grid.customers))
    theirs = group_retention(pd.Series(start, index=grid.customers), pd.Series(grid.values[:, end],
                                                                                index=grid.customers), groups)
    assert ours.index.tolist() == theirs.index.tolist()
    close(ours.to_numpy(float), theirs.to_numpy(float))


@FAST
@given(books(max_months=14), st.sampled_from([1, 2, 3, 12]))
def test_trend_and_every_window_equal_the_numpy_engine(book, months):
    assert_same_trend(book, months)
    assert_same_windows(book, months)


@FAST
@given(books(max_months=14), st.sampled_from(["revenue", "logo"]))
def test_cohort_tables_equal_the_numpy_engine(book, basis):
    assert_same_cohorts(book, basis)


@FAST
@given(books(max_months=14), st.data())
def test_group_retention_equals_the_numpy_engine(book, data):
    customers = sorted(book["customer_id"].unique())
    names = data.draw(st.lists(st.sampled_from(["x", "y", ""]), min_size=len(customers), max_size=len(customers)))
    groups = pd.Series(names, index=customers).iloc[: data.draw(st.integers(0, len(customers)))]  # some have none
    months = data.draw(st.sampled_from([1, 3]))
    assert_same_groups(book, groups, months)


def test_hand_worked_group_retention():
    # the example of csm.group_retention: x is 150 / 300 (b churned) and 100 / 300; y 40 / 50, d joined inside
    book = frame([("a", "", "2025-01", 100), ("b", "", "2025-01", 200), ("c", "", "2025-01", 50),
                  ("a", "", "2025-02", 150), ("c", "", "2025-02", 40), ("d", "", "2025-02", 70)])
    con = engine.with_book(book)
    con.register("customer_groups", pd.DataFrame({"customer_id": list("abcd"), "group_name": list("xxyy")}))
    table = engine.group_retention(con, 1)
    assert table.round(4).to_dict("index") == {
        "x": {"start_mrr": 300.0, "end_mrr": 150.0, "nrr": 0.5, "grr": 0.3333},
        "y": {"start_mrr": 50.0, "end_mrr": 40.0, "nrr": 0.8, "grr": 0.8}}


def test_a_window_outside_the_data_is_refused_and_one_starting_before_it_is_undefined():
    book = frame([("a", "", "2025-01", 100), ("a", "", "2025-02", 150)])
    con = engine.with_book(book)
    with pytest.raises(ValueError, match="outside the data"):
        engine.cohort_window(con, "2025-03", 1)
    assert engine.cohort_window(con, "2025-02", 1).nrr == 1.5
    assert engine.cohort_window(con, None, 1).grr == 1.0
    assert np.isnan(engine.cohort_window(con, "2025-02", 2).nrr)


@pytest.fixture(scope="module")
def demo():
    return demo_dataset()


@pytest.mark.parametrize("months", [1, 12])
def test_demo_book_trend_and_windows(demo, months):
    assert_same_trend(demo.mrr, months)
    assert_same_windows(demo.mrr, months)


@pytest.mark.parametrize("basis", ["revenue", "logo"])
def test_demo_book_cohorts(demo, basis):
    assert_same_cohorts(demo.mrr, basis)


@pytest.mark.parametrize("column", ["segment", "tier", "csm"])
def test_demo_book_segments_and_csms(demo, column):
    groups = demo.customers.set_index("customer_id")[column].astype(str)
    assert_same_groups(demo.mrr, groups, 12)
    assert_same_groups(demo.mrr, groups, 3, "2026-03")
