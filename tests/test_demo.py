"""The demo data set: deterministic, realistic, every movement present, readable back from its CSV files."""

import numpy as np
import pandas as pd

from csxl.data.demo import HOSTILE_NAMES, PRODUCTS, demo_dataset, write_demo_csv
from csxl.data.load import load
from csxl.data.schema import OPPORTUNITY_TYPES, STAGES


def test_deterministic_and_seeded():
    a, b, c = demo_dataset(), demo_dataset(), demo_dataset(seed=8)
    pd.testing.assert_frame_equal(a.mrr, b.mrr)
    pd.testing.assert_frame_equal(a.nps, b.nps)
    assert not a.mrr.equals(c.mrr)


def test_size_and_contents():
    data = demo_dataset()
    assert data.mrr["customer_id"].nunique() >= 400
    assert data.mrr["month"].nunique() == 36 and set(data.mrr["product"]) == set(PRODUCTS)
    assert set(data.customers["status"]) == {"onboarding", "active", "frozen"}
    assert set(data.pipeline["stage"]) == set(STAGES) and set(data.pipeline["type"]) == set(OPPORTUNITY_TYPES)
    assert set(HOSTILE_NAMES) <= set(data.customers["name"])
    assert (data.nps["comment"] != "").any()
    ids = set(data.mrr["customer_id"])
    for name in ("customers", "nps", "csat", "ces", "health", "pipeline", "goals"):
        assert set(getattr(data, name)["customer_id"]) <= ids, name
    assert not data.mrr.duplicated(["customer_id", "product", "month"]).any()
    assert (data.mrr["mrr"].round(2) == 166.67).any() or (data.mrr["mrr"] % 1 != 0).any()  # yearly plans / 12


def test_every_movement_kind_occurs():
    """Checked with plain pandas on customer totals, independently of csxl.metrics."""
    data = demo_dataset()
    wide = data.mrr.pivot_table(index="customer_id", columns="month", values="mrr", aggfunc="sum", fill_value=0)
    now, before = wide.iloc[:, 1:].to_numpy(), wide.iloc[:, :-1].to_numpy()
    ever = np.maximum.accumulate(before > 0, axis=1)
    assert ((before == 0) & (now > 0) & ~ever).any()  # new
    assert ((before == 0) & (now > 0) & ever).any()  # reactivation
    assert ((before > 0) & (now > before)).any()  # expansion
    assert ((before > 0) & (now > 0) & (now < before)).any()  # contraction
    assert ((before > 0) & (now == 0)).any()  # churn
    by_product = data.mrr.pivot_table(index=["customer_id", "product"], columns="month", values="mrr",
                                      aggfunc="sum", fill_value=0).to_numpy()
    assert ((by_product[:, :-1] > 0) & (by_product[:, 1:] > by_product[:, :-1])).any()  # upsell
    assert data.mrr["price_adjustment"].any()  # reajuste
    first_product_month = data.mrr.groupby(["customer_id", "product"])["month"].min()
    first_customer_month = data.mrr.groupby("customer_id")["month"].min()
    assert (first_product_month > first_customer_month.reindex(first_product_month.index, level=0)).any()  # cross-sell


def test_realistic_rates():
    data = demo_dataset()
    wide = data.mrr.pivot_table(index="customer_id", columns="month", values="mrr", aggfunc="sum", fill_value=0)
    paying = wide.to_numpy() > 0
    lost = (paying[:, :-1] & ~paying[:, 1:]).sum(axis=0)
    monthly_logo_churn = (lost / paying[:, :-1].sum(axis=0)).mean()
    assert 0.005 < monthly_logo_churn < 0.05
    scores = data.nps["score"]
    nps = ((scores >= 9).mean() - (scores <= 6).mean()) * 100  # Bain's definition, computed here by hand
    assert 10 < nps < 60


def test_scales_to_20000_customers():
    big = demo_dataset(customers=20_000)
    assert big.mrr["customer_id"].nunique() == 20_000 and len(big.mrr) > 300_000


def test_csv_files_read_back_to_the_same_data(tmp_path):
    written = write_demo_csv(tmp_path)
    assert {p.name for p in written} == {f"{t}.csv" for t in
                                         ("mrr", "customers", "nps", "csat", "ces", "health", "pipeline", "goals")}
    loaded, original = load(tmp_path), demo_dataset()
    pd.testing.assert_frame_equal(loaded.mrr, original.mrr)
    pd.testing.assert_frame_equal(loaded.customers, original.customers, check_dtype=False)
