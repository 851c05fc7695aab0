"""Expand funnel, weighted pipeline and whitespace, worked by hand."""

import pandas as pd
import pytest

from csxl.metrics.expansion import funnel, weighted_pipeline, whitespace
from tests.test_movements import frame

PIPELINE = pd.DataFrame({
    "stage": ["expand_map", "expand_map", "opportunity", "proposal", "negotiation", "forecast", "won", "won", "lost"],
    "type": ["upsell", "cross_sell", "upsell", "upsell", "price_adjustment", "renewal", "upsell", "cross_sell",
             "upsell"],
    "amount": [100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0, 800.0, 900.0],
})


def test_funnel_by_hand():
    table = funnel(PIPELINE)
    # reached: forecast 1 + won 2 = 3; negotiation 4; proposal 5; opportunity 6; expand map 8 + lost 1 = 9.
    assert table["reached"].tolist() == [9, 6, 5, 4, 3, 2, 1]
    assert table.loc["expand_map", "conversion"] == pytest.approx(6 / 9)
    assert table.loc["forecast", "conversion"] == pytest.approx(2 / 3)  # forecast -> won
    assert pd.isna(table.loc["won", "conversion"]) and table.loc["lost", "mrr"] == 900.0


def test_weighted_pipeline_by_type():
    weighted = weighted_pipeline(PIPELINE)
    # upsell: 100 x 10% + 300 x 20% + 400 x 40% = 230; won and lost are not pipeline.
    assert weighted["upsell"] == pytest.approx(230.0)
    assert weighted["cross_sell"] == pytest.approx(20.0)
    assert weighted["price_adjustment"] == pytest.approx(300.0) and weighted["renewal"] == pytest.approx(480.0)


def test_whitespace_shows_what_each_customer_could_add():
    book = frame([("a", "Core", "2026-01", 100), ("a", "Plus", "2026-02", 50), ("b", "Core", "2026-02", 70)])
    table = whitespace(book)
    assert list(table.columns) == ["Core", "Plus"]
    assert table.loc["a"].tolist() == [0.0, 50.0] and table.loc["b"].tolist() == [70.0, 0.0]
    assert whitespace(book, "2026-01").loc["a", "Core"] == 100.0
