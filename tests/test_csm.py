"""CSM scorecard on a book worked by hand."""

import doctest
import math

import pandas as pd
import pytest

from csxl.metrics import csm
from csxl.metrics.csm import UNASSIGNED, csm_scorecard, group_retention
from tests.test_movements import frame

# Ana owns a (100 -> 150 via upsell in Feb) and b (200 -> churns in Mar); Bruno owns c (50 -> 40);
# d has no CSM. Window: 3 months ending 2026-04 (start month 2026-01).
BOOK = frame([
    ("a", "Core", "2026-01", 100), ("a", "Core", "2026-02", 150), ("a", "Core", "2026-03", 150),
    ("a", "Core", "2026-04", 150),
    ("b", "Core", "2026-01", 200), ("b", "Core", "2026-02", 200),
    ("c", "Core", "2026-01", 50), ("c", "Core", "2026-02", 50), ("c", "Core", "2026-03", 40),
    ("c", "Core", "2026-04", 40),
    ("d", "Core", "2026-03", 70), ("d", "Core", "2026-04", 80),
])
CUSTOMERS = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "csm": ["Ana", "Ana", "Bruno", None]})


def test_scorecard_by_hand():
    nps = pd.DataFrame({"customer_id": ["a", "a", "c", "c"], "score": [10.0, 3.0, 9.0, 10.0],
                        "date": pd.to_datetime(["2026-02-10", "2026-04-30", "2026-03-01", "2025-12-31"])})
    flags = pd.Series({"a": "Green", "c": "Red", "d": "Activation"})
    card = csm_scorecard(BOOK, CUSTOMERS, "2026-04", months=3, nps=nps, flags=flags, covered=["a"]).set_index("csm")
    ana, bruno, nobody = card.loc["Ana"], card.loc["Bruno"], card.loc[UNASSIGNED]
    assert (ana.accounts, ana.mrr) == (1, 150)
    assert ana.mrr_retained == pytest.approx(150 / 300)  # a 150 + b 0 over a 100 + b 200
    assert ana.logo_retention == 0.5 and ana.expansion_mrr == 50 and ana.accounts_expanded == 1
    assert ana.nps == 0.0  # one promoter, one detractor in the window
    assert ana.account_coverage == 1.0 and ana.share_Green == 1.0
    assert bruno.mrr_retained == pytest.approx(40 / 50) and bruno.expansion_mrr == 0
    assert bruno.nps == 100.0  # the December answer is before the window
    assert bruno.mrr_growth_mom == 0.0 and bruno.share_Red == 1.0
    assert nobody.accounts == 1 and math.isnan(nobody.mrr_retained)  # d joined inside the window
    assert nobody.mrr_growth_mom == pytest.approx(80 / 70 - 1)


def test_docstring_examples():
    assert doctest.testmod(csm).failed == 0


def test_group_retention_by_hand():
    start = pd.Series({"a": 100.0, "b": 200.0, "c": 50.0, "d": 80.0, "e": 0.0})
    end = pd.Series({"a": 150.0, "c": 60.0, "e": 90.0})  # b churned (absent: 0), d has no group, e is new
    table = group_retention(start, end, pd.Series({"a": "x", "b": "x", "c": "y", "d": "", "e": "y"}))
    assert list(table.index) == ["x", "y"]
    assert table.loc["x"].tolist() == pytest.approx([300, 150, 0.5, 100 / 300])  # start, end, NRR, GRR
    assert table.loc["y"].tolist() == pytest.approx([50, 60, 1.2, 1.0])  # GRR caps c at its start
