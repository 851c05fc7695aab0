"""The SQL movements (run by DuckDB) against the numpy engine and the per-customer reference, to the cent and finer.

Both engines state one definition; these tests bind them on the property-test books of test_movements.py,
on hand-worked cases and on the demo book, for months, quarters and years.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csxl.data.demo import demo_dataset
from csxl.metrics.movements import MOVEMENT_COLUMNS, SPLIT_COLUMNS, mrr_movements, period_label
from csxl.sql.engine import book_movements
from tests.reference import reference_movements
from tests.test_movements import BOOK, FAST, books, frame

pytestmark = pytest.mark.slow  # hypothesis books through DuckDB: left out of `make test-fast`

COUNTS = ["customers_start", "new_customers", "reactivated_customers", "churned_customers", "customers_end"]


def assert_same_movements(ours: pd.DataFrame, theirs: pd.DataFrame, customers: int) -> None:
    """Same periods and counts; bridge amounts within a millionth of a currency unit, rates within 1e-9.

    Both engines round each customer's share of the split to a millionth; computed from exact decimals in SQL
    and from floats in numpy, a share that falls on a tie may round either way, so a period's split may differ
    by a millionth per customer - a thousandth of a cent for a thousand customers expanding in one month.
    """
    assert list(ours.columns) == list(theirs.columns)
    assert [period_label(p) for p in ours["period"]] == [period_label(p) for p in theirs["period"]]
    for column in ours.columns[1:]:
        if column in COUNTS:
            assert ours[column].tolist() == theirs[column].tolist(), column
        else:
            atol = 1e-6 * customers if column in SPLIT_COLUMNS else 1e-6
            np.testing.assert_allclose(ours[column].to_numpy(float), theirs[column].to_numpy(float), rtol=1e-9,
                                       atol=atol, equal_nan=True, err_msg=column)


@FAST
@given(books(max_months=14), st.sampled_from(["month", "quarter", "year"]))
def test_sql_equals_the_numpy_engine_on_random_books(book, period):
    assert_same_movements(book_movements(book, period), mrr_movements(book, period), book["customer_id"].nunique())


@FAST
@given(books())
def test_sql_equals_the_per_customer_reference(book):
    ours = book_movements(book, split=False)
    ref = reference_movements(book)
    for column in ref.columns:
        np.testing.assert_allclose(ours[column].to_numpy(), ref[column].to_numpy(), atol=1e-6, err_msg=column)


def test_hand_worked_book_by_month_with_the_split():
    feb, mar = book_movements(BOOK).iloc[1], book_movements(BOOK).iloc[2]
    assert (feb.expansion, feb.price_adjustment, feb.cross_sell, feb.upsell, feb.churn) == (20, 10, 10, 0, 30)
    assert (mar.upsell, mar.cross_sell, mar.reactivation, mar.new, mar.customers_end) == (10, 10, 40, 25, 4)


def test_a_quarter_compares_the_ends_of_the_quarters_and_the_last_one_ends_with_the_data():
    # x pays in February only (not at the end of Q1), y at the end of Q1 and in April, when the data ends.
    book = frame([("x", "", "2026-02", 10), ("y", "", "2026-03", 20), ("y", "", "2026-04", 30),
                  ("x", "", "2026-04", 5)])
    q1, q2 = book_movements(book, "quarter").itertuples(index=False)
    assert (period_label(q1.period), q1.new, q1.end_mrr, q1.new_customers) == ("2026-Q1", 20, 20, 1)
    # x paid in Q1 before the quarter's end: back in Q2 it is a reactivation, not new
    assert (period_label(q2.period), q2.start_mrr, q2.expansion, q2.reactivation, q2.new) == ("2026-Q2", 20, 10, 5, 0)


def test_a_period_nobody_paid_in_still_appears_and_churn_lands_in_the_month_after():
    book = frame([("x", "", "2025-11", 10), ("y", "", "2026-02", 20)])
    table = book_movements(book, split=False)
    assert [period_label(p) for p in table["period"]] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert table["churn"].tolist() == [0, 10, 0, 0]
    assert table["new"].tolist() == [10, 0, 0, 20]


def test_columns_are_those_of_the_numpy_engine():
    assert list(book_movements(BOOK, split=False).columns) == MOVEMENT_COLUMNS
    assert list(book_movements(BOOK).columns) == MOVEMENT_COLUMNS + SPLIT_COLUMNS


@pytest.fixture(scope="module")
def demo_mrr() -> pd.DataFrame:
    return demo_dataset().mrr


@pytest.mark.parametrize("period", ["month", "quarter", "year"])
def test_sql_equals_the_numpy_engine_on_the_demo_book(demo_mrr, period):
    assert_same_movements(book_movements(demo_mrr, period), mrr_movements(demo_mrr, period),
                          demo_mrr["customer_id"].nunique())


def test_the_demo_book_has_every_kind_of_movement(demo_mrr):
    # so that the demo parity above compares non-zero amounts of every kind
    totals = book_movements(demo_mrr).sum(numeric_only=True)
    assert (totals[["new", "reactivation", "expansion", "contraction", "churn", *SPLIT_COLUMNS]] > 0).all()
