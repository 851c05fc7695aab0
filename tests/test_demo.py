"""The demo data set: deterministic, realistic, every movement present, consistent, readable back from its CSV files.

The movement and rate checks use plain pandas and numpy on the raw tables,
not csxl.metrics, so the demo data cannot pass by sharing a bug with the
definitions it is meant to exercise.
"""

import errno
import os

import numpy as np
import pandas as pd
import pytest

from csxl.data.dataset import MRR_COLUMNS
from csxl.data.demo import (
    DEMO_TABLES,
    HOSTILE_NAMES,
    PRODUCTS,
    demo_dataset,
    write_demo_csv,
)
from csxl.data.load import load
from csxl.data.schema import OPPORTUNITY_TYPES, STAGES
from csxl.data.subscriptions import subscriptions_to_mrr

SECONDARY = ("subscriptions", "customers", "nps", "csat", "ces", "health", "pipeline", "goals")


@pytest.fixture(scope="module")
def data():
    return demo_dataset()


@pytest.fixture(scope="module")
def wide(data):
    """Customer x month MRR totals, 0 where a customer pays nothing."""
    return data.mrr.pivot_table(index="customer_id", columns="month", values="mrr", aggfunc="sum", fill_value=0.0)


def test_deterministic_and_seeded(data):
    again, other = demo_dataset(), demo_dataset(seed=8)
    for name in DEMO_TABLES:
        pd.testing.assert_frame_equal(getattr(data, name), getattr(again, name), check_exact=True, obj=name)
    assert not data.mrr.equals(other.mrr)
    assert not data.customers["name"].equals(other.customers["name"])


def test_size_and_canonical_types(data):
    assert list(data.mrr.columns) == MRR_COLUMNS
    assert data.mrr["customer_id"].nunique() >= 400 and len(data.customers) == data.mrr["customer_id"].nunique()
    months = data.mrr["month"]
    assert months.nunique() == 36 and months.max() == pd.Timestamp("2026-10-01") and (months.dt.day == 1).all()
    assert months.dtype == "datetime64[ns]" and data.mrr["mrr"].dtype == "float64"
    assert data.mrr["price_adjustment"].dtype == bool
    assert set(data.mrr["product"]) == set(PRODUCTS) and len(PRODUCTS) == 4
    assert (data.mrr["mrr"] > 0).all()
    assert not data.mrr.duplicated(["customer_id", "month", "product"]).any()
    assert data.mrr.equals(data.mrr.sort_values(["customer_id", "product", "month"]))


def test_yearly_plans_give_fractional_mrr(data):
    subscriptions = data.subscriptions
    assert set(subscriptions["interval"]) == {"month", "quarter", "year"}
    assert (subscriptions.loc[subscriptions["interval"] == "year", "amount"] % 1 == 0).all()  # whole reais a year
    cents = data.mrr["mrr"] * 100
    assert (np.abs(cents - cents.round()) > 1e-6).any()  # a yearly 2,000 is 166.666... MRR


def test_subscriptions_normalise_to_exactly_the_mrr_table(data):
    normalised = subscriptions_to_mrr(data.subscriptions, data.last_month)
    pd.testing.assert_frame_equal(normalised.reset_index(drop=True), data.mrr, check_exact=True)
    assert not data.subscriptions.duplicated(["subscription_id", "start_date"]).any()
    ended = data.subscriptions.dropna(subset=["end_date"])
    assert len(ended) < len(data.subscriptions) and (ended["end_date"] >= ended["start_date"]).all()


def test_every_movement_kind_occurs(data, wide):
    now, before = wide.iloc[:, 1:].to_numpy(), wide.iloc[:, :-1].to_numpy()
    ever = np.maximum.accumulate(before > 0, axis=1)
    assert ((before == 0) & (now > 0) & ~ever).sum() >= 100  # new, after the first month
    assert ((before == 0) & (now > 0) & ever).sum() >= 5  # reactivation after a gap at zero
    assert ((before > 0) & (now > 0) & (now < before)).sum() >= 20  # contraction
    assert ((before > 0) & (now == 0)).sum() >= 50  # churn

    pairs = data.mrr.pivot_table(index=["customer_id", "product"], columns="month", values="mrr", aggfunc="sum",
                                 fill_value=0.0)
    flags = data.mrr.pivot_table(index=["customer_id", "product"], columns="month", values="price_adjustment",
                                 aggfunc="any", fill_value=False).reindex_like(pairs).fillna(False).to_numpy(bool)
    p_now, p_before = pairs.iloc[:, 1:].to_numpy(), pairs.iloc[:, :-1].to_numpy()
    customer_paid = wide.reindex(pairs.index.get_level_values(0)).iloc[:, :-1].to_numpy() > 0
    upsell = (p_before > 0) & (p_now > p_before) & ~flags[:, 1:]
    cross_sell = (p_before == 0) & (p_now > 0) & customer_paid  # a product added by a paying customer
    dropped = (p_before > 0) & (p_now == 0) & (wide.reindex(pairs.index.get_level_values(0)).iloc[:, 1:].to_numpy() > 0)
    assert upsell.sum() >= 50 and cross_sell.sum() >= 20 and dropped.sum() >= 1

    adjusted = data.mrr[data.mrr["price_adjustment"]]
    assert len(adjusted) >= 50
    # an adjustment row is an increase of 4-6% over the same product's previous month
    previous = data.mrr.set_index(["customer_id", "product", "month"])["mrr"]
    keys = pd.MultiIndex.from_arrays([adjusted["customer_id"], adjusted["product"],
                                      adjusted["month"] - pd.DateOffset(months=1)])
    ratio = adjusted["mrr"].to_numpy() / previous.reindex(keys).to_numpy()
    assert np.all((ratio > 1.035) & (ratio < 1.065))


def test_enumerations_names_and_ids(data):
    assert set(data.customers["status"]) == {"onboarding", "active", "frozen"}
    assert set(data.customers["segment"]) == {"SMB", "Mid-Market", "Enterprise"}
    assert set(data.customers["tier"]) == {"1", "2", "3"}
    assert 6 <= data.customers["csm"].nunique() <= 8
    assert set(data.customers["contract_term_months"]) == {12.0, 24.0, 36.0}
    assert set(data.pipeline["stage"]) == set(STAGES) and set(data.pipeline["type"]) == set(OPPORTUNITY_TYPES)
    assert set(data.goals["status"]) == {"on_track", "at_risk", "achieved", "missed"}
    names = data.customers["name"]
    assert names.is_unique and HOSTILE_NAMES[0] == '=HYPERLINK("http://evil.example","click")'
    assert set(HOSTILE_NAMES) <= set(names) and names.str.startswith("+cmd|").sum() == 1
    assert (data.nps["comment"] != "").any()
    ids = set(data.mrr["customer_id"])
    for name in SECONDARY:
        assert set(getattr(data, name)["customer_id"]) <= ids, name


def test_customer_dates(data, wide):
    end = pd.Timestamp("2026-10-31")
    paying = wide.iloc[:, -1].reindex(data.customers["customer_id"]).to_numpy() > 0
    renewal = data.customers["renewal_date"]
    assert (renewal[paying] > end).all() and (renewal[paying] <= end + pd.DateOffset(months=24)).all()
    assert (renewal[~paying] <= end).all()  # a churned account's last contract ended
    first_paid = data.mrr.groupby("customer_id")["month"].min().reindex(data.customers["customer_id"]).to_numpy()
    assert (data.customers["start_date"].dt.to_period("M").dt.to_timestamp().to_numpy() <= first_paid).all()
    onboarding = data.customers["status"] == "onboarding"
    assert (data.customers.loc[onboarding, "start_date"] > end - pd.DateOffset(months=4)).all()


def test_realistic_rates(data, wide):
    paying = wide.to_numpy() > 0
    lost = (paying[:, :-1] & ~paying[:, 1:]).sum(axis=0)
    monthly_logo_churn = (lost / paying[:, :-1].sum(axis=0)).mean()
    assert 0.005 < monthly_logo_churn < 0.05
    values = wide.to_numpy()
    start, end = values[:, :-12], values[:, 12:]
    annual_nrr = (end * (start > 0)).sum(axis=0) / start.sum(axis=0)  # cohort form, every 12-month window
    assert 0.95 < annual_nrr.mean() < 1.15
    scores = data.nps["score"]
    nps = ((scores >= 9).mean() - (scores <= 6).mean()) * 100  # Bain's textbook definition
    assert 10 < nps < 60
    assert data.csat["score"].between(1, 5).all() and data.ces["score"].between(1, 5).all()


def test_health_signals_warn_before_churn(data, wide):
    paying = wide > 0
    leaves = (paying & ~paying.shift(-1, axis=1, fill_value=True)).stack()
    health = data.health.set_index(["customer_id", "month"])
    adoption = health["active_users"] / health["licensed_seats"]
    churning = leaves.reindex(health.index).fillna(False).to_numpy(bool)
    assert adoption[churning].mean() < adoption[~churning].mean() - 0.15
    assert (health["active_users"] <= health["licensed_seats"]).all()


def test_scales_to_20000_customers():
    big = demo_dataset(customers=20_000)
    assert big.mrr["customer_id"].nunique() == 20_000 and len(big.customers) == 20_000
    assert len(big.mrr) > 500_000 and not big.mrr.duplicated(["customer_id", "month", "product"]).any()


def test_csv_files_read_back_to_the_same_data(tmp_path, data):
    written = write_demo_csv(tmp_path)
    assert [p.name for p in written] == [f"{t}.csv" for t in DEMO_TABLES]
    assert (tmp_path / "mrr.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[2] == "2023-11"
    loaded = load(tmp_path)
    for name in DEMO_TABLES:
        pd.testing.assert_frame_equal(getattr(loaded, name).reset_index(drop=True), getattr(data, name),
                                      check_dtype=False, check_exact=True, obj=name)


def test_demo_data_never_replaces_a_users_files_unless_told_to(tmp_path):
    from typer.testing import CliRunner

    from csxl.cli import app

    folder = tmp_path / "mydata"
    folder.mkdir()
    (folder / "mrr.csv").write_text("customer_id,month,mrr\nmine,2026-01,10\n")
    refused = CliRunner().invoke(app, ["demo-data", str(folder)])
    assert refused.exit_code == 2
    assert refused.stderr == (f"csxl: error: {folder}: the folder already has mrr.csv, which this would replace - "
                              "choose an empty folder, or add --force to replace them\n")
    assert sorted(os.listdir(folder)) == ["mrr.csv"] and "mine" in (folder / "mrr.csv").read_text()
    forced = CliRunner().invoke(app, ["demo-data", str(folder), "--force"])
    assert forced.exit_code == 0
    assert sorted(os.listdir(folder)) == sorted(f"{t}.csv" for t in DEMO_TABLES)
    assert "mine" not in (folder / "mrr.csv").read_text()


def test_demo_data_on_a_full_disk_leaves_the_folder_as_it_was(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from csxl.cli import app

    (tmp_path / "mrr.csv").write_text("customer_id,month,mrr\nmine,2026-01,10\n")
    to_csv = pd.DataFrame.to_csv

    def full_after_half(frame, path, **kwargs):  # each file stops half-way, as on a full disk
        to_csv(frame.head(len(frame) // 2), path, **kwargs)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_after_half)
    result = CliRunner().invoke(app, ["demo-data", str(tmp_path), "--force"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"csxl: error: {tmp_path}: cannot write it: the disk is full")
    assert os.listdir(tmp_path) == ["mrr.csv"] and "mine" in (tmp_path / "mrr.csv").read_text()
