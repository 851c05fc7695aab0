"""Subscriptions normalised to monthly MRR: hand-worked examples, the month-end rule, the horizon."""

import numpy as np
import pandas as pd
import pytest

from csxl.data.dataset import MRR_COLUMNS
from csxl.data.load import load
from csxl.data.subscriptions import subscriptions_to_mrr

HEADER = "subscription_id,customer_id,product,start_date,end_date,amount,interval"


@pytest.fixture
def subscriptions(write):
    def _subscriptions(rows, header=HEADER):
        return write("subscriptions.csv", "\n".join([header] + [",".join(map(str, r)) for r in rows]) + "\n")

    return _subscriptions


def months_of(data) -> dict[str, list[str]]:
    return data.mrr.groupby("customer_id")["month"].apply(lambda m: list(m.dt.strftime("%Y-%m"))).to_dict()


def test_worked_example_12500(subscriptions):
    # By hand: 100 monthly subscriptions at 100 and 50 yearly ones at 600: 100 x 100 + 50 x 600 / 12 = 12,500
    rows = [(f"m{i}", f"c{i}", "Core", "2026-01-10", "", 100, "month") for i in range(100)]
    rows += [(f"y{i}", f"k{i}", "Core", "2026-01-10", "", 600, "year") for i in range(50)]
    data = load(subscriptions(rows))
    assert data.mrr.groupby("month")["mrr"].sum().tolist() == [pytest.approx(12_500)]


@pytest.mark.parametrize("amount, interval, monthly", [(2000, "anual", 2000 / 12), (300, "trimestral", 100.0),
                                                       (600, "semestral", 100.0), (90, "mensual", 90.0)])
def test_amount_per_interval(subscriptions, amount, interval, monthly):
    data = load(subscriptions([("s1", "a", "Core", "2026-01-01", "", amount, interval)]))
    assert data.mrr["mrr"].tolist() == [pytest.approx(monthly)]
    assert round(load(subscriptions([("s1", "a", "", "2026-01-01", "", 2000, "year")])).mrr["mrr"].iloc[0], 2) == 166.67


def test_month_end_rule_and_open_subscriptions_run_to_the_last_month(subscriptions):
    rows = [("s1", "a", "Core", "15/01/2026", "31/01/2026", 90, "mensal"),     # active on Jan 31: January only
            ("s2", "b", "Core", "2026-01-20", "2026-03-14", 300, "trimestral"),  # Jan, Feb; gone before Mar 31
            ("s3", "c", "Plus", "2026-02-01", "", 50, "month"),                # Feb to April, the last event
            ("s4", "d", "Core", "2026-04-30", "", 10, "month"),                # April: active on the 30th
            ("s5", "e", "Core", "2026-02-03", "2026-02-20", 10, "month")]      # never active at a month end
    data = load(subscriptions(rows))
    assert months_of(data) == {"a": ["2026-01"], "b": ["2026-01", "2026-02"],
                               "c": ["2026-02", "2026-03", "2026-04"], "d": ["2026-04"]}
    assert data.mrr.set_index("customer_id").loc["b", "mrr"].tolist() == [100.0, 100.0]
    assert data.subscriptions["subscription_id"].tolist() == ["s1", "s2", "s3", "s4", "s5"]


def test_as_of_extends_open_subscriptions_and_cuts_later_months(subscriptions, load_error):
    path = subscriptions([("s1", "a", "Core", "2026-01-01", "", 10, "month"),
                          ("s2", "b", "Core", "2026-01-01", "2026-12-31", 10, "month")])
    assert months_of(load(path, as_of="03/2026")) == {"a": ["2026-01", "2026-02", "2026-03"],
                                                      "b": ["2026-01", "2026-02", "2026-03"]}
    assert load(path, as_of="2027-02").mrr.groupby("customer_id")["month"].max().dt.strftime("%Y-%m").to_dict() == {
        "a": "2027-02", "b": "2026-12"}
    assert "is not a month" in str(load_error(path, as_of="someday"))


def test_amounts_sum_per_customer_product_and_month(subscriptions):
    rows = [("s1", "a", "Core", "2026-01-01", "", 100, "month"),
            ("s2", "a", "Core", "2026-02-01", "", 1200, "year"),  # a second seat pack of the same product
            ("s3", "a", "Plus", "2026-02-01", "", 30, "month")]
    mrr = load(subscriptions(rows)).mrr
    assert mrr[["product", "month", "mrr"]].astype({"month": str}).values.tolist() == [
        ["Core", "2026-01-01", 100.0], ["Core", "2026-02-01", 200.0], ["Plus", "2026-02-01", 30.0]]


def test_a_price_adjustment_marks_the_first_month_of_its_row(subscriptions):
    header = HEADER + ",reajuste"
    rows = [("s1", "a", "Core", "2025-11-01", "2025-12-31", 100, "month", "não"),
            ("s1", "a", "Core", "2026-01-01", "2026-03-31", 105, "month", "sim")]
    mrr = load(subscriptions(rows, header), as_of="2026-03").mrr  # the data runs to March, past the last start
    assert mrr["mrr"].tolist() == [100, 100, 105, 105, 105]
    assert mrr["price_adjustment"].tolist() == [False, False, True, False, False]


def test_output_is_canonical_and_sorted(subscriptions):
    rows = [("s2", "b", "", "2026-02-01", "", 10, "month"), ("s1", "a", "Z", "2026-01-01", "", 10, "month"),
            ("s3", "a", "A", "2026-02-01", "", 0, "month")]
    mrr = load(subscriptions(rows)).mrr
    assert list(mrr.columns) == MRR_COLUMNS
    assert mrr[["customer_id", "product"]].values.tolist() == [["a", "A"], ["a", "Z"], ["a", "Z"], ["b", ""]]
    assert mrr.loc[0, "mrr"] == 0.0  # a free period still counts as a row with MRR 0
    assert mrr["month"].dtype == "datetime64[ns]" and mrr["mrr"].dtype == "float64"


def test_many_subscriptions_against_a_month_by_month_count():
    """The exploded result equals a direct month-by-month evaluation of the month-end rule."""
    rng = np.random.default_rng(7)
    n = 2_000
    start = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    end = pd.Series(start + pd.to_timedelta(rng.integers(0, 500, n), unit="D")).where(rng.random(n) < 0.6)
    subs = pd.DataFrame({"customer_id": rng.integers(0, 300, n).astype(str), "product": rng.choice(["A", "B"], n),
                         "start_date": start, "end_date": end, "amount": rng.integers(0, 1000, n).astype(float),
                         "interval": rng.choice(["month", "quarter", "year"], n)})
    got = subscriptions_to_mrr(subs)
    last_month = subs["start_date"].max().to_period("M")  # the latest start: end dates are not data
    expected = []
    for month in pd.period_range(subs["start_date"].min().to_period("M"), last_month, freq="M"):
        month_end = month.to_timestamp(how="end").normalize()
        active = subs[(subs["start_date"] <= month_end) & (subs["end_date"].isna() | (subs["end_date"] >= month_end))]
        per_month = active["amount"] / active["interval"].map({"month": 1, "quarter": 3, "year": 12})
        sums = per_month.groupby([active["customer_id"], active["product"]]).sum()
        expected += [(c, p, month.to_timestamp(), v) for (c, p), v in sums.items()]
    expected = pd.DataFrame(expected, columns=["customer_id", "product", "month", "mrr"])
    expected = expected.sort_values(["customer_id", "product", "month"], ignore_index=True)
    pd.testing.assert_frame_equal(got[["customer_id", "product", "month", "mrr"]], expected,
                                  check_dtype=False, check_exact=False)


def test_a_future_end_date_does_not_extend_the_data(subscriptions):
    # the last start is March 2026: a contract ending in 2028 says nothing of the months after it
    data = load(subscriptions([("s1", "a", "Core", "2026-01-10", "2028-12-31", 10, "month"),
                               ("s2", "b", "Core", "2026-02-01", "", 20, "month"),
                               ("s3", "c", "Core", "2026-03-05", "", 30, "month")]))
    assert months_of(data) == {"a": ["2026-01", "2026-02", "2026-03"], "b": ["2026-02", "2026-03"], "c": ["2026-03"]}
    assert data.last_month == pd.Timestamp("2026-03-01")
