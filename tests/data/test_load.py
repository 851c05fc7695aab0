"""`load`: the canonical Dataset, the same whatever the file format and the row order."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csxl.data.dataset import MRR_COLUMNS, month_of
from csxl.data.load import load
from csxl.errors import CsxlDataError


def test_canonical_types(write):
    data = load(write("mrr.csv", "customer_id,month,mrr,product\n007,2026-02,10,\n007,2026-01-15,\"1.234,5\",\n"))
    assert list(data.mrr.columns) == MRR_COLUMNS
    assert data.mrr["customer_id"].tolist() == ["007", "007"] and data.mrr["product"].tolist() == ["", ""]
    assert data.mrr["month"].tolist() == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")]
    assert str(data.mrr["month"].dtype) == "datetime64[ns]" and str(data.mrr["mrr"].dtype) == "float64"
    assert data.mrr["price_adjustment"].dtype == bool and not data.mrr["price_adjustment"].any()
    assert not data.has_products and data.subscriptions is None and data.source.endswith("mrr.csv")


snapshots = st.lists(
    st.tuples(st.sampled_from(["a", "b", "007", "Zé", "7"]), st.sampled_from(["", "Core", "Plus"]),
              st.integers(0, 23), st.floats(0, 1e6, allow_nan=False).map(lambda x: round(x, 2)), st.booleans()),
    min_size=1, max_size=30, unique_by=lambda r: r[:3])


@settings(max_examples=25, deadline=None)
@given(snapshots, st.randoms(use_true_random=False))
def test_csv_xlsx_and_parquet_load_to_the_same_frame_in_any_row_order(tmp_path_factory, rows, random):
    folder = tmp_path_factory.mktemp("formats")
    frame = pd.DataFrame(rows, columns=["customer_id", "product", "m", "mrr", "price_adjustment"])
    frame["month"] = [f"{2024 + m // 12}-{m % 12 + 1:02d}" for m in frame.pop("m")]
    frame.to_csv(folder / "mrr.csv", index=False)
    frame.to_excel(folder / "mrr.xlsx", index=False)
    frame.to_parquet(folder / "mrr.parquet")
    loaded = [load(folder / f"mrr.{ext}").mrr for ext in ("csv", "xlsx", "parquet")]
    for other in loaded[1:]:
        pd.testing.assert_frame_equal(loaded[0], other)
    shuffled = frame.sample(frac=1, random_state=random.randint(0, 2**31))
    shuffled.to_csv(folder / "shuffled.csv", sep=";", decimal=",", index=False)
    pd.testing.assert_frame_equal(load(folder / "shuffled.csv").mrr, loaded[0])
    assert np.isclose(loaded[0]["mrr"].sum(), frame["mrr"].sum())
    assert loaded[0]["price_adjustment"].sum() == frame["price_adjustment"].sum()


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 400), st.one_of(st.none(), st.integers(0, 400)),
                          st.integers(0, 5000), st.sampled_from(["month", "quarter", "year"])),
                min_size=1, max_size=25),
       st.randoms(use_true_random=False))
def test_subscriptions_in_any_row_order_normalise_to_the_same_mrr(tmp_path_factory, rows, random):
    folder = tmp_path_factory.mktemp("subs")
    day0 = pd.Timestamp("2025-01-01")
    frame = pd.DataFrame([(f"s{i}", f"c{c}", (day0 + pd.Timedelta(days=s)).strftime("%d/%m/%Y"),
                           "" if e is None else (day0 + pd.Timedelta(days=s + e)).strftime("%Y-%m-%d"), a, iv)
                          for i, (c, s, e, a, iv) in enumerate(rows)],
                         columns=["subscription_id", "customer_id", "start_date", "end_date", "amount", "interval"])
    frame.to_csv(folder / "a.csv", index=False)
    frame.sample(frac=1, random_state=random.randint(0, 2**31)).to_csv(folder / "b.csv", index=False)
    first, second = load(folder / "a.csv").mrr, load(folder / "b.csv").mrr
    pd.testing.assert_frame_equal(first, second)
    assert (first["mrr"] >= 0).all() and not first.duplicated(["customer_id", "product", "month"]).any()


@pytest.mark.parametrize("text, month", [
    ("2026-Q2", "2026-06"), ("2026Q2", "2026-06"), ("Q2 2026", "2026-06"), ("q2-2026", "2026-06"), ("2Q26", "2026-06"),
    ("2T26", "2026-06"), ("T2 2026", "2026-06"), ("2026-T4", "2026-12"), ("2026", "2026-12"), ("2026-02", "2026-02"),
    ("fev/2026", "2026-02"), ("15/02/2026", "2026-02"),
])
def test_as_of_a_quarter_or_a_year_is_its_last_month(text, month):
    assert month_of(text) == pd.Timestamp(month)


@pytest.mark.parametrize("text", ["2026-Q0", "Q5 2026", "2026-13", "someday", "26", "1Q", "2026-Q2-01"])
def test_as_of_anything_else_is_refused(text):
    with pytest.raises(CsxlDataError, match="is not a month, a quarter or a year"):
        month_of(text)
