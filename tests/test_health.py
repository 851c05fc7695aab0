"""Health score, flags, components, touch model, NRR bands and the SaaS Capital benchmark."""

import doctest
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csxl.metrics import health
from csxl.metrics.health import (
    FLAGS,
    flags_at,
    health_components,
    health_flag,
    health_flags,
    health_score,
    health_scores,
    mrr_by_flag,
    nrr_band,
    nrr_bands,
    saas_capital_benchmark,
    segments,
    touch_model,
    touch_models,
)
from tests.test_movements import frame


def test_docstring_examples():
    assert doctest.testmod(health).failed == 0


# ---------------------------------------------------------------------------------------------- score


def test_weighted_score_by_hand():
    assert health_score([80, 75, 96]) == pytest.approx((80 + 75 + 96) / 3)
    assert health_score([100, 0], [3, 1]) == 75.0
    # a blank component drops out with its weight: (2 x 80 + 1 x 60) / (2 + 1)
    assert health_score([80, float("nan"), 60], [2, 1, 1]) == pytest.approx((160 + 60) / 3)
    assert math.isnan(health_score([float("nan")])) and math.isnan(health_score([]))


@pytest.mark.parametrize("scores, weights, message", [
    ([50, 60], [1, 0], "weights must be numbers > 0; got 0"),
    ([50, 60], [1, -2], "weights must be numbers > 0; got -2"),
    ([50, 60], [1, float("nan")], "weights must be numbers > 0"),
    ([50, 60], [1], "weights must have one weight per score"),
    ([120], None, "scores must be between 0 and 100; got 120"),
    ([-1, 50], None, "scores must be between 0 and 100; got -1"),
])
def test_score_errors(scores, weights, message):
    with pytest.raises(ValueError, match=message):
        health_score(scores, weights)


def test_vectorised_scores_match_the_scalar_one():
    parts = pd.DataFrame({"adoption": [80.0, np.nan, 10.0], "engagement": [75.0, 40.0, np.nan],
                          "support": [96.0, 100.0, np.nan]}, index=["x", "y", "z"])
    weights = [2.0, 1.0, 1.0]
    scores = health_scores(parts, weights)
    for key, row in parts.iterrows():
        assert scores[key] == pytest.approx(health_score(row.to_numpy(), weights))
    assert health_scores(parts, {"support": 1.0}).tolist() == [96.0, 100.0, pytest.approx(np.nan, nan_ok=True)]
    with pytest.raises(ValueError, match="weights name components that are not columns: nps"):
        health_scores(parts, {"nps": 1.0})


@given(st.lists(st.floats(0, 100), min_size=1, max_size=6), st.floats(0.1, 50), st.data())
def test_score_between_components_and_scale_free_in_weights(scores, scale, data):
    weights = data.draw(st.lists(st.floats(0.01, 100), min_size=len(scores), max_size=len(scores)))
    score = health_score(scores, weights)
    assert min(scores) - 1e-9 <= score <= max(scores) + 1e-9
    assert health_score(scores, np.array(weights) * scale) == pytest.approx(score)


# ---------------------------------------------------------------------------------------------- flags


def test_flags_by_the_thresholds():
    # [15] in docs/sources.md, with csxl's thresholds: Green >= 75, Yellow 50-75, Red < 50.
    assert [health_flag(s) for s in (100, 75, 74.9, 50, 49.9, 0)] == ["Green", "Green", "Yellow", "Yellow", "Red",
                                                                     "Red"]
    assert health_flag(60, red_below=65, green_from=90) == "Red"
    assert health_flag(float("nan")) == "" and health_flag(None) == ""


@pytest.mark.parametrize("status, flag", [("onboarding", "Activation"), ("frozen", "Freeze"), ("active", "Green"),
                                          (None, "Green"), ("", "Green"), ("Congelado", "Freeze"),
                                          ("implantacao", "Activation")])
def test_status_overrides_the_score(status, flag):
    assert health_flag(90, status=status) == flag


def test_status_override_without_a_score():
    assert health_flag(float("nan"), status="onboarding") == "Activation"


@pytest.mark.parametrize("kwargs, message", [
    ({"score": 101}, "scores must be between 0 and 100; got 101"),
    ({"score": 50, "red_below": 80, "green_from": 70}, r"red_below \(80\) must not be above green_from \(70\)"),
    ({"score": 50, "status": "churned"}, "statuses must be onboarding, active or frozen"),
    ({"score": 50, "red_below": "low"}, "red_below must be a number"),
    ({"score": "high"}, "scores must be numbers"),
])
def test_flag_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        health_flag(**kwargs)


def test_vectorised_flags_keep_the_index():
    flags = health_flags(pd.Series([80.0, 10.0, float("nan"), 55.0], index=["x", "y", "z", "w"]),
                         pd.Series(["active", "active", None, "frozen"], index=["x", "y", "z", "w"]))
    assert flags.to_dict() == {"x": "Green", "y": "Red", "z": "", "w": "Freeze"}
    assert FLAGS == ("Activation", "Green", "Yellow", "Red", "Freeze")


def test_flags_at_a_month():
    signals = pd.DataFrame({"customer_id": ["a", "b"], "month": pd.Timestamp("2026-09-01"),
                            "active_users": [50.0, 5.0], "licensed_seats": [50.0, 50.0], "logins": [1000.0, 10.0],
                            "support_tickets": [0.0, 0.0], "sla_breaches": [0.0, 3.0]})
    customers = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "status": ["active", "active", "onboarding", None]})
    flags = flags_at(signals, customers, pd.Index(["a", "b", "c", "d"]), pd.Timestamp("2026-09-01"))
    # a: 100, 100, 100 -> Green; b: adoption 10, engagement 10, support 100 - 45 = 55 -> 25 -> Red;
    # c: onboarding -> Activation; d: no signals, no status -> "".
    assert flags.tolist() == ["Green", "Red", "Activation", ""]


# ---------------------------------------------------------------------------------------------- components


SIGNALS = pd.DataFrame({"customer_id": ["a", "b", "c"], "month": pd.Timestamp("2026-09-01"),
                        "active_users": [40.0, 0.0, 60.0], "licensed_seats": [50.0, 0.0, 50.0],
                        "logins": [600.0, 0.0, 3000.0], "support_tickets": [2.0, 1.0, 40.0],
                        "sla_breaches": [1.0, 0.0, 2.0]})


def test_components_by_hand():
    parts = health_components(SIGNALS)
    # a: adoption 40/50 = 80; engagement 600/40 = 15 logins per user of a target 20 = 75;
    #    support 100 - 10 x 2 / (50/10) - 15 x 1 = 81.
    assert parts.loc[0, ["adoption", "engagement", "support"]].tolist() == [80.0, 75.0, 81.0]
    # b: no seats and no users: every component undefined (drops out of the score).
    assert parts.loc[1, ["adoption", "engagement", "support"]].isna().all()
    # c: 60 users on 50 seats and 50 logins per user are capped at 100; 100 - 10 x 40 / 5 - 30 floors at 0.
    assert parts.loc[2, ["adoption", "engagement", "support"]].tolist() == [100.0, 100.0, 0.0]


def test_component_parameters():
    parts = health_components(SIGNALS.iloc[:1], logins_target=30, ticket_penalty=5, sla_penalty=20, ticket_seats=25)
    # engagement 100 x 15 / 30 = 50; support 100 - 5 x 2 / (50 / 25) - 20 x 1 = 75
    assert parts.loc[0, ["engagement", "support"]].tolist() == [50.0, 75.0]


def test_nps_component_and_missing_signals():
    nps = pd.Series({"a": 40.0, "c": -100.0})
    parts = health_components(SIGNALS, nps=nps)
    # (NPS + 100) / 2: 40 -> 70, -100 -> 0, b has no answers -> blank
    assert parts["nps"].tolist()[0] == 70.0 and math.isnan(parts["nps"].tolist()[1]) and parts["nps"].tolist()[2] == 0
    only_users = SIGNALS[["customer_id", "month", "active_users", "licensed_seats"]]
    parts = health_components(only_users)
    assert parts.loc[0, "adoption"] == 80.0 and parts[["engagement", "support"]].isna().all().all()


@pytest.mark.parametrize("kwargs, message", [
    ({"logins_target": 0}, "logins_target must be > 0"),
    ({"ticket_penalty": -1}, "ticket_penalty must be >= 0"),
    ({"ticket_seats": 0}, "ticket_seats must be > 0"),
    ({"nps": pd.Series({"a": 120.0})}, "nps must be NPS points from -100 to 100; got 120"),
])
def test_component_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        health_components(SIGNALS, **kwargs)


def test_negative_signals_are_errors():
    with pytest.raises(ValueError, match="logins must be numbers >= 0; got -5"):
        health_components(SIGNALS.assign(logins=[-5.0, 0.0, 1.0]))


# ---------------------------------------------------------------------------------------------- MRR and touch


def test_revenue_by_flag():
    mrr = pd.Series({"a": 100.0, "b": 300.0, "c": 600.0, "d": 50.0})
    table = mrr_by_flag(mrr, pd.Series({"a": "Red", "b": "Green", "c": "Green", "d": ""}))
    assert list(table.index) == list(FLAGS)
    # flagged MRR 1000: Green 900 (90%), Red 100 (10%); d has no flag and is left out.
    assert table.loc["Green", "mrr"] == 900 and table.loc["Red", "accounts"] == 1
    assert table.loc["Green", "share"] == 0.9 and table.loc["Freeze", "accounts"] == 0
    assert table["accounts"].sum() == 3
    empty = mrr_by_flag(pd.Series({"a": 0.0}), pd.Series({"a": "Red"}))
    assert empty["share"].isna().all()
    with pytest.raises(ValueError, match="flags must be one of"):
        mrr_by_flag(mrr, pd.Series({"a": "Purple"}))


def test_touch_model():
    # Tipos de Touch of [15] in docs/sources.md, csxl's inputs: >= 3 x ARPA high, >= ARPA mid, >= 0.25 x low, else tech.
    arpa = 100.0
    model = touch_model(pd.Series({"big": 300.0, "mid": 100.0, "low": 25.0, "tiny": 24.0, "none": 0.0}), arpa)
    assert model.tolist() == ["high-touch", "mid-touch", "low-touch", "tech-touch", ""]
    assert touch_model(299.99, arpa) == "mid-touch" and touch_model(0.0, arpa) == ""
    # default ARPA: mean of the paying accounts (400 + 100 + 100 + 0 + 0) / 3 = 200
    book = pd.Series([400.0, 100.0, 100.0, 0.0, 0.0])
    assert touch_models(book).tolist() == ["mid-touch", "low-touch", "low-touch", "", ""]
    assert touch_models(book, high_multiple=2.0).tolist()[0] == "high-touch"


# a year apart: a 300 -> 330 (expands), b 100 -> 0 (churns), c 100 -> 100, d joins at 50 in the window
SEGMENT_BOOK = frame([("a", "", "2025-01", 300), ("a", "", "2026-01", 330), ("b", "", "2025-01", 100),
                      ("c", "", "2025-01", 100), ("c", "", "2026-01", 100), ("d", "", "2026-01", 50)])


def test_segment_nrr_counts_accounts_by_their_segment_at_the_start():
    table = segments(SEGMENT_BOOK, "2026-01", months=12)
    assert list(table.index) == ["high-touch", "mid-touch", "low-touch", "tech-touch"]
    # now: ARPA (330 + 100 + 50) / 3 = 160 -> a mid-touch (>= 160, < 480); c and d low-touch (>= 40, < 160)
    assert table.loc["mid-touch", ["accounts", "mrr", "arpa"]].tolist() == [1, 330, 330]
    assert table.loc["low-touch", ["accounts", "mrr", "arpa"]].tolist() == [2, 150, 75]
    # a year ago: ARPA 500 / 3 = 166.67 -> a mid-touch, b and c low-touch. Low-touch NRR = c's 100 over b's and c's
    # 200: 50%, b's churn in it (by today's segment it would be 100 / 100, d being new).
    assert table.loc["mid-touch", ["nrr", "grr"]].tolist() == pytest.approx([1.1, 1.0])
    assert table.loc["low-touch", ["nrr", "grr"]].tolist() == pytest.approx([0.5, 0.5])
    assert table.loc["high-touch", "accounts"] == 0 and table.loc["high-touch", ["arpa", "nrr"]].isna().all()
    # a fixed grouping (the tier): a and b are tier 1, c tier 2, d has none
    tiers = segments(SEGMENT_BOOK, "2026-01", months=12, by=pd.Series({"a": "1", "b": "1", "c": "2", "d": None}))
    assert list(tiers.index) == ["1", "2"]
    assert tiers.loc["1", ["accounts", "mrr", "nrr", "grr"]].tolist() == pytest.approx([1, 330, 330 / 400, 300 / 400])
    assert tiers.loc["2", ["accounts", "mrr", "nrr", "grr"]].tolist() == pytest.approx([1, 100, 1.0, 1.0])
    with pytest.raises(ValueError, match="months must be a whole number >= 1"):
        segments(SEGMENT_BOOK, months=0)
    with pytest.raises(ValueError, match="outside the data"):
        segments(SEGMENT_BOOK, "2027-01")


@pytest.mark.parametrize("args, kwargs, message", [
    ((100.0,), {}, "portfolio_arpa is required for one account"),
    ((100.0, 0.0), {}, "portfolio_arpa must be > 0"),
    ((-1.0, 100.0), {}, "account_mrr must be >= 0"),
    ((100.0, 100.0), {"high_multiple": 0.5}, "touch thresholds must satisfy"),
    ((pd.Series([0.0, 0.0]),), {}, "account_mrr has no account with MRR above 0"),
])
def test_touch_errors(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        touch_model(*args, **kwargs)


# ---------------------------------------------------------------------------------------------- bands, benchmark


def test_nrr_bands():
    # [11] in docs/sources.md: above 100% healthy, 80%-100% retains most, below 80% low.
    assert [nrr_band(x) for x in (1.01, 1.0, 0.8, 0.79)] == ["healthy", "retains most", "retains most", "low"]
    assert nrr_band(float("nan")) == "" and nrr_band(None) == ""
    assert nrr_bands(pd.Series([1.2, np.nan, 0.5])).tolist() == ["healthy", "", "low"]
    with pytest.raises(ValueError, match="nrr must be a number"):
        nrr_band("high")


@pytest.mark.parametrize("acv, expected", [
    # [1] in docs/sources.md (SaaS Capital 2023 medians, NRR / GRR by ACV in USD)
    (0, ("< $12K", 1.00, 0.90)),
    (11_999, ("< $12K", 1.00, 0.90)),
    (12_000, ("$12K-$25K", 1.02, 0.90)),
    (30_000, ("$25K-$50K", 1.03, 0.92)),
    (75_000, ("$50K-$100K", 1.05, 0.93)),
    (100_000, ("$100K-$250K", 1.07, 0.93)),
    (1_000_000, ("> $250K", 1.10, 0.93)),
])
def test_saas_capital_benchmark(acv, expected):
    assert saas_capital_benchmark(acv) == expected


def test_saas_capital_benchmark_blank_and_errors():
    band, nrr, grr = saas_capital_benchmark(float("nan"))
    assert band == "" and math.isnan(nrr) and math.isnan(grr)
    with pytest.raises(ValueError, match="acv must be >= 0"):
        saas_capital_benchmark(-5)
