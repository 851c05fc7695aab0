"""MRR movements: hand-worked cases, a plain per-customer reference, and the invariants of docs/metrics.md."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csxl.metrics.movements import (
    MOVEMENT_COLUMNS,
    customer_movements,
    mrr_movements,
    period_label,
)
from csxl.metrics.retention import grr_cohort, nrr_cohort
from tests.reference import reference_movements


def frame(rows):
    """Canonical MRR rows from (customer, product, 'YYYY-MM', mrr[, price_adjustment])."""
    rows = [r if len(r) == 5 else (*r, False) for r in rows]
    df = pd.DataFrame(rows, columns=["customer_id", "product", "month", "mrr", "price_adjustment"])
    df["month"] = pd.to_datetime(df["month"] + "-01")
    df["mrr"] = df["mrr"].astype(float)
    return df


# One book of four customers over three months, worked by hand:
#   a: 100 -> 110 (price adjustment) -> 120 on Core, and adds Analytics 10 in March
#   b: Core 50 in January, swaps to Analytics 60 in February: +10 cross-sell, not churn
#   c: 30, gone in February (churn 30), back in March at 40 (reactivation)
#   d: first MRR in March (new 25)
BOOK = frame([
    ("a", "Core", "2026-01", 100), ("a", "Core", "2026-02", 110, True), ("a", "Core", "2026-03", 120),
    ("a", "Analytics", "2026-03", 10),
    ("b", "Core", "2026-01", 50), ("b", "Analytics", "2026-02", 60), ("b", "Analytics", "2026-03", 60),
    ("c", "Core", "2026-01", 30), ("c", "Core", "2026-03", 40),
    ("d", "Core", "2026-03", 25),
])


def test_hand_worked_monthly_bridge():
    table = mrr_movements(BOOK).set_index(mrr_movements(BOOK)["period"].map(period_label))
    jan, feb, mar = table.loc["2026-01"], table.loc["2026-02"], table.loc["2026-03"]
    assert (jan.start_mrr, jan.new, jan.end_mrr, jan.customers_end) == (0, 180, 180, 3)
    assert np.isnan(jan.nrr)
    # February: a +10 (price adjustment), b +10 (cross-sell), c churns 30.
    assert (feb.start_mrr, feb.expansion, feb.churn, feb.end_mrr) == (180, 20, 30, 170)
    assert (feb.price_adjustment, feb.cross_sell, feb.upsell) == (10, 10, 0)
    assert feb.nrr == pytest.approx((180 + 20 - 30) / 180)
    assert feb.grr == pytest.approx(150 / 180)
    assert (feb.customers_start, feb.churned_customers, feb.customers_end) == (3, 1, 2)
    assert feb.logo_churn == pytest.approx(1 / 3)
    # March: a +10 upsell and +10 cross-sell, c reactivates at 40, d new 25.
    assert (mar.expansion, mar.upsell, mar.cross_sell, mar.reactivation, mar.new) == (20, 10, 10, 40, 25)
    assert (mar.reactivated_customers, mar.new_customers, mar.customers_end) == (1, 1, 4)
    assert mar.quick_ratio != mar.quick_ratio  # nothing lost in March: undefined, NaN


def test_quarter_is_point_to_point():
    q1 = mrr_movements(BOOK, "quarter").iloc[0]
    assert period_label(q1.period) == "2026-Q1"
    assert (q1.start_mrr, q1.new, q1.end_mrr) == (0, 255, 255)


def test_dropping_one_product_while_keeping_another_is_contraction_not_churn():
    book = frame([("x", "Core", "2026-01", 100), ("x", "Add-on", "2026-01", 40), ("x", "Core", "2026-02", 100)])
    feb = mrr_movements(book).iloc[1]
    assert (feb.contraction, feb.churn, feb.churned_customers) == (40, 0, 0)


def test_every_month_between_first_and_last_appears_even_without_rows():
    book = frame([("x", "", "2025-11", 10), ("y", "", "2026-02", 20)])
    labels = [period_label(p) for p in mrr_movements(book)["period"]]
    assert labels == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert list(mrr_movements(book)["churn"]) == [0, 10, 0, 0]


def test_one_product_expansion_is_upsell_unless_flagged_as_a_price_adjustment():
    plain = frame([("x", "Core", "2026-01", 100), ("x", "Core", "2026-02", 150)]).drop(columns=["product",
                                                                                           "price_adjustment"])
    feb = mrr_movements(plain).iloc[1]
    assert (feb.expansion, feb.upsell, feb.cross_sell, feb.price_adjustment) == (50, 50, 0, 0)
    indexed = frame([("x", "Core", "2026-01", 100), ("x", "Core", "2026-02", 110, True)])
    feb = mrr_movements(indexed).iloc[1]
    assert (feb.expansion, feb.upsell, feb.cross_sell, feb.price_adjustment) == (10, 0, 0, 10)


def test_split_with_a_product_of_its_own_per_customer():
    # 30 customers, 60 products: each grows its own product 10 -> 12 (upsell 2) and adds another at 5 (cross-sell)
    rows = [(f"c{i}", f"P{i}", "2026-01", 10) for i in range(30)]
    rows += [r for i in range(30) for r in ((f"c{i}", f"P{i}", "2026-02", 12), (f"c{i}", f"Q{i}", "2026-02", 5))]
    feb = mrr_movements(frame(rows)).iloc[1]
    assert (feb.expansion, feb.upsell, feb.cross_sell, feb.price_adjustment) == (210, 60, 150, 0)


@pytest.mark.parametrize("period", ["month", "quarter"])
def test_the_bridge_without_the_split_is_the_same_bridge(period):
    bridge = mrr_movements(BOOK, period, split=False)
    assert list(bridge.columns) == MOVEMENT_COLUMNS
    pd.testing.assert_frame_equal(bridge, mrr_movements(BOOK, period)[MOVEMENT_COLUMNS])


def test_columns_are_in_the_documented_order():
    assert list(mrr_movements(BOOK).columns[: len(MOVEMENT_COLUMNS)]) == MOVEMENT_COLUMNS


@st.composite
def books(draw, max_customers=8, max_months=8):
    n_customers = draw(st.integers(1, max_customers))
    n_months = draw(st.integers(1, max_months))
    amounts = st.sampled_from([0.0, 0.0, 10.0, 25.5, 100.0, 166.67, 333.33])
    rows = []
    for c in range(n_customers):
        for p in draw(st.lists(st.sampled_from(["Core", "Plus", "Seats"]), min_size=1, max_size=3, unique=True)):
            for m in range(n_months):
                value = draw(amounts)
                if value or draw(st.booleans()):
                    month = pd.Period("2025-01", "M") + m
                    rows.append((f"c{c}", p, f"{month.year}-{month.month:02d}", value, draw(st.booleans())))
    if not rows:
        rows.append(("c0", "Core", "2025-01", 1.0, False))
    return frame(rows)


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(books())
def test_vectorised_movements_equal_the_reference(book):
    ours = mrr_movements(book)
    ref = reference_movements(book)
    for column in ref.columns:
        np.testing.assert_allclose(ours[column].to_numpy(), ref[column].to_numpy(), atol=1e-6, err_msg=column)


@FAST
@given(books(), st.sampled_from(["month", "quarter", "year"]))
def test_identity_and_bounds_hold_in_every_period(book, period):
    t = mrr_movements(book, period)
    bridge = t.start_mrr + t.new + t.reactivation + t.expansion - t.contraction - t.churn
    np.testing.assert_allclose(bridge, t.end_mrr, atol=1e-6)
    np.testing.assert_allclose(t.upsell + t.cross_sell + t.price_adjustment, t.expansion, atol=1e-5)
    assert (t.customers_start + t.new_customers + t.reactivated_customers - t.churned_customers
            == t.customers_end).all()
    defined = t.start_mrr > 0
    assert (t.grr[defined] <= 1 + 1e-12).all()
    np.testing.assert_allclose(t.nrr[defined], (t.grr + t.expansion / t.start_mrr)[defined], rtol=1e-12)
    assert t.start_mrr.iloc[0] == 0 and t.new.iloc[0] == t.end_mrr.iloc[0]


@FAST
@given(books(), st.randoms(use_true_random=False), st.sampled_from([0.01, 3.0, 1000.0]))
def test_invariant_under_row_order_and_currency_scaling(book, rnd, scale):
    base = mrr_movements(book)
    shuffled = book.sample(frac=1.0, random_state=rnd.randint(0, 10**6)).reset_index(drop=True)
    pd.testing.assert_frame_equal(mrr_movements(shuffled), base)
    scaled = book.assign(mrr=book["mrr"] * scale)
    moved = mrr_movements(scaled)
    money = ["start_mrr", "new", "reactivation", "expansion", "contraction", "churn", "end_mrr"]
    np.testing.assert_allclose(moved[money], base[money] * scale, rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(moved[["nrr", "grr", "logo_churn"]], base[["nrr", "grr", "logo_churn"]],
                               rtol=1e-6, atol=1e-9)


@FAST
@given(books(max_months=14))
def test_customer_rows_add_up_to_the_book(book):
    per_customer = customer_movements(book).groupby("period")[["start_mrr", "new", "churn", "end_mrr"]].sum()
    book_level = mrr_movements(book).set_index("period")[["start_mrr", "new", "churn", "end_mrr"]]
    np.testing.assert_allclose(per_customer.reindex(book_level.index).fillna(0), book_level, atol=1e-6)


def test_year_period_nrr_equals_the_twelve_month_cohort_nrr():
    rng = np.random.default_rng(3)
    months = pd.date_range("2024-12-01", "2025-12-01", freq="MS")
    rows = [(f"c{c}", "", f"{m:%Y-%m}", float(v)) for c in range(60) for m, v in
            zip(months, rng.choice([0, 50, 80, 120], size=len(months)))]
    book = frame(rows)
    year_2025 = mrr_movements(book, "year").iloc[-1]
    assert year_2025.nrr == pytest.approx(nrr_cohort(book, "2025-12", 12))
    assert year_2025.grr == pytest.approx(grr_cohort(book, "2025-12", 12))
