"""Expand funnel, weighted pipeline, whitespace, coverage and activation, worked by hand."""

import doctest
import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csxl.data.schema import STAGES
from csxl.metrics import expansion
from csxl.metrics.expansion import (
    account_coverage,
    activation_rate,
    could_add,
    funnel,
    weighted_pipeline,
    whitespace,
    win_rate,
)

PIPELINE = pd.DataFrame({
    "opportunity_id": [f"o{i}" for i in range(9)],
    "customer_id": ["a", "b", "c", "a", "b", "c", "a", "b", "c"],
    "stage": ["expand_map", "expand_map", "opportunity", "proposal", "negotiation", "forecast", "won", "won", "lost"],
    "type": ["upsell", "cross_sell", "upsell", "upsell", "price_adjustment", "renewal", "upsell", "cross_sell",
             "upsell"],
    "amount": [100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0, 800.0, 900.0],
})


def mrr_rows(rows):
    return pd.DataFrame([{"customer_id": c, "product": p, "month": pd.Timestamp(m + "-01"), "mrr": float(v)}
                         for c, p, m, v in rows])


def test_docstring_examples():
    assert doctest.testmod(expansion).failed == 0


def test_funnel_by_hand():
    table = funnel(PIPELINE)
    assert list(table.index) == list(STAGES)
    assert table["count"].tolist() == [2, 1, 1, 1, 1, 2, 1]
    assert table.loc["lost", "amount"] == 900.0 and table.loc["won", "amount"] == 1500.0
    # reached: won 2; forecast 1 + 2 = 3; negotiation 4; proposal 5; opportunity 6;
    # expand map 6 + its own 2 + the lost one = 9 (a lost deal is counted at the first stage only); lost 1.
    assert table["reached"].tolist() == [9, 6, 5, 4, 3, 2, 1]
    assert table.loc["expand_map", "conversion"] == pytest.approx(6 / 9)
    assert table.loc["proposal", "conversion"] == pytest.approx(4 / 5)
    assert table.loc["forecast", "conversion"] == pytest.approx(2 / 3)  # forecast -> won
    assert math.isnan(table.loc["won", "conversion"]) and math.isnan(table.loc["lost", "conversion"])


def test_funnel_edge_cases():
    empty = funnel(PIPELINE.iloc[:0])
    assert empty["count"].sum() == 0 and empty["conversion"].isna().all()
    only_lost = funnel(PIPELINE[PIPELINE.stage == "lost"])
    assert only_lost.loc["expand_map", "conversion"] == 0.0 and math.isnan(only_lost.loc["proposal", "conversion"])
    with pytest.raises(ValueError, match="pipeline stage must be one of expand_map, .*; got 'closed'"):
        funnel(PIPELINE.assign(stage="closed"))
    with pytest.raises(ValueError, match="pipeline amount must be >= 0"):
        funnel(PIPELINE.assign(amount=-1.0))


@given(st.lists(st.sampled_from(STAGES), max_size=60))
def test_funnel_conversions_are_fractions(stages):
    table = funnel(pd.DataFrame({"stage": stages, "type": "upsell", "amount": 1.0}))
    conversion = table["conversion"].dropna()
    assert ((conversion >= 0) & (conversion <= 1)).all()
    assert table.loc["expand_map", "reached"] == len(stages)
    assert table["reached"].iloc[:6].is_monotonic_decreasing


def test_win_rate():
    # 2 won, 1 lost: 2 / 3 of the deals; by MRR 1500 / 2400.
    assert win_rate(PIPELINE) == pytest.approx(2 / 3)
    assert win_rate(PIPELINE, "amount") == pytest.approx(1500 / 2400)
    assert math.isnan(win_rate(PIPELINE[PIPELINE.stage == "proposal"]))


def test_weighted_pipeline_by_type_and_stage():
    weighted = weighted_pipeline(PIPELINE)
    # upsell: 100 x 10% + 300 x 20% + 400 x 40% = 230; won and lost are not pipeline.
    assert weighted["upsell"] == pytest.approx(230.0)
    assert weighted["cross_sell"] == pytest.approx(20.0)
    assert weighted["price_adjustment"] == pytest.approx(300.0) and weighted["renewal"] == pytest.approx(480.0)
    by_stage = weighted_pipeline(PIPELINE, by="stage")
    # expand map: (100 + 200) x 10% = 30; forecast 600 x 80% = 480
    assert by_stage.to_dict() == {"expand_map": pytest.approx(30.0), "opportunity": pytest.approx(60.0),
                                  "proposal": pytest.approx(160.0), "negotiation": pytest.approx(300.0),
                                  "forecast": pytest.approx(480.0)}
    assert by_stage.sum() == pytest.approx(weighted.sum())
    # overriding one probability keeps the other defaults: forecast at 100% -> renewal 600
    assert weighted_pipeline(PIPELINE, {"forecast": 1.0})["renewal"] == pytest.approx(600.0)


@pytest.mark.parametrize("kwargs, message", [
    ({"probabilities": {"forecast": 80}}, "probabilities must be fractions from 0 to 1"),
    ({"probabilities": {"closing": 0.5}}, "probabilities must be keyed by stage"),
    ({"by": "customer"}, "by must be 'type' or 'stage'"),
])
def test_weighted_pipeline_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        weighted_pipeline(PIPELINE, **kwargs)


def test_whitespace_shows_what_each_customer_could_add():
    book = mrr_rows([("a", "Core", "2026-01", 100), ("a", "Plus", "2026-02", 50), ("b", "Core", "2026-02", 70),
                     ("b", "Core", "2026-02", 5), ("c", "Core", "2026-02", 0)])
    table = whitespace(book)
    # February: a owns Plus only, b owns Core (70 + 5); c has no MRR and is not a customer that month.
    assert list(table.columns) == ["Core", "Plus"] and list(table.index) == ["a", "b"]
    assert table.loc["a"].tolist() == [0.0, 50.0] and table.loc["b"].tolist() == [75.0, 0.0]
    assert whitespace(book, "2026-01").loc["a", "Core"] == 100.0
    catalogue = whitespace(book, products=["Plus", "Core", "Support 24x7"])
    assert list(catalogue.columns) == ["Plus", "Core", "Support 24x7"] and catalogue["Support 24x7"].sum() == 0
    gaps = could_add(catalogue)
    assert list(zip(gaps.customer_id, gaps["product"])) == [("a", "Core"), ("a", "Support 24x7"),
                                                             ("b", "Plus"), ("b", "Support 24x7")]
    assert whitespace(book, "2025-12").empty
    with pytest.raises(ValueError, match="month must be a month such as 2026-03"):
        whitespace(book, "soon")


@pytest.mark.parametrize("func, args, expected", [
    # [15] in docs/sources.md, Account Coverage: 18 of 24 accounts with an EBR/QBR = 75%
    (account_coverage, (18, 24), 0.75),
    (account_coverage, (0, 0), math.nan),
    (activation_rate, (9, 12), 0.75),
    (activation_rate, (0, 0), math.nan),
])
def test_scalar_ratios(func, args, expected):
    got = func(*args)
    assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)


@pytest.mark.parametrize("func, args, message", [
    (account_coverage, (5, 4), r"covered \(5\) must not exceed total \(4\)"),
    (account_coverage, (-1, 4), "covered must be a number of accounts >= 0"),
    (activation_rate, (3, None), "onboarded must be a number of accounts >= 0"),
    (activation_rate, (4, 3), r"activated \(4\) must not exceed onboarded \(3\)"),
])
def test_scalar_ratio_errors(func, args, message):
    with pytest.raises(ValueError, match=message):
        func(*args)
