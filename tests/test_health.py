"""Health score, flags, components, touch model, NRR bands and the SaaS Capital benchmark."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csxl.metrics.benchmarks import saas_capital_benchmark
from csxl.metrics.health import (
    health_components,
    health_flag,
    health_flags,
    health_score,
    mrr_by_flag,
    nrr_band,
    touch_model,
)


def test_score_and_flags():
    assert health_score([80, 75, 96]) == pytest.approx((80 + 75 + 96) / 3)
    assert health_score([100, 0], [3, 1]) == 75.0
    assert health_score([80, float("nan"), 60], [2, 1, 1]) == pytest.approx((160 + 60) / 3)
    assert math.isnan(health_score([float("nan")]))
    assert [health_flag(s) for s in (75, 74.9, 50, 49.9)] == ["Green", "Yellow", "Yellow", "Red"]
    assert health_flag(90, status="onboarding") == "Activation" and health_flag(90, status="frozen") == "Freeze"
    assert health_flag(60, red_below=65, green_from=90) == "Red"
    with pytest.raises(ValueError, match="weights must be numbers > 0"):
        health_score([50, 60], [1, 0])
    with pytest.raises(ValueError, match="between 0 and 100"):
        health_score([120])


def test_components_by_hand():
    signals = pd.DataFrame({"customer_id": ["a", "b"], "month": pd.Timestamp("2026-09-01"),
                            "active_users": [40.0, 0.0], "licensed_seats": [50.0, 0.0], "logins": [600.0, 0.0],
                            "support_tickets": [2.0, 1.0], "sla_breaches": [1.0, 0.0]})
    parts = health_components(signals)
    # adoption 40/50 = 80; engagement 600/40 = 15 logins per user of a target 20 = 75;
    # support 100 - 10 x 2 / (50/10) - 15 x 1 = 81. No seats: every component undefined.
    assert parts.loc[0, ["adoption", "engagement", "support"]].tolist() == [80.0, 75.0, 81.0]
    assert parts.loc[1, ["adoption", "engagement", "support"]].isna().all()


def test_revenue_by_flag_and_touch_model():
    mrr = pd.Series({"a": 100.0, "b": 300.0, "c": 600.0})
    table = mrr_by_flag(mrr, pd.Series({"a": "Red", "b": "Green", "c": "Green"}))
    assert table.loc["Green", "mrr"] == 900 and table.loc["Red", "accounts"] == 1
    assert table.loc["Green", "share"] == 0.9 and table.loc["Freeze", "accounts"] == 0
    arpa = 100.0
    model = touch_model(pd.Series({"big": 300.0, "mid": 100.0, "low": 25.0, "tiny": 24.0}), arpa)
    assert model.tolist() == ["high-touch", "mid-touch", "low-touch", "tech-touch"]


def test_bands_and_benchmark():
    # Seed 000: above 100% healthy, 80%-100% retains most, below 80% low.
    assert [nrr_band(x) for x in (1.01, 1.0, 0.8, 0.79)] == ["healthy", "retains most", "retains most", "low"]
    assert nrr_band(float("nan")) == ""
    # DOMAIN.md (SaaS Capital 2023): $25-50K ACV -> NRR 103%, GRR 92%; over $250K -> 110% / 93%.
    assert saas_capital_benchmark(30_000) == ("$25K-$50K", 1.03, 0.92)
    assert saas_capital_benchmark(1_000_000)[1:] == (1.10, 0.93)
    assert saas_capital_benchmark(0)[1:] == (1.00, 0.90)


@given(st.lists(st.floats(0, 100), min_size=1, max_size=6), st.floats(0.1, 50))
def test_score_between_components_and_scale_free_in_weights(scores, scale):
    weights = np.arange(1, len(scores) + 1, dtype=float)
    score = health_score(scores, weights)
    assert min(scores) - 1e-9 <= score <= max(scores) + 1e-9
    assert health_score(scores, weights * scale) == pytest.approx(score)


def test_vectorised_flags_keep_the_index():
    flags = health_flags(pd.Series([80.0, 10.0, float("nan")], index=["x", "y", "z"]),
                         pd.Series(["active", "active", None], index=["x", "y", "z"]))
    assert flags.to_dict() == {"x": "Green", "y": "Red", "z": ""}
