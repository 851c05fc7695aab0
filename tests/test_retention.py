"""Cohort NRR/GRR and cohort retention tables, worked by hand."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from csxl.metrics.retention import (
    cohort_retention,
    grr_cohort,
    nrr_cohort,
    retention_trend,
)
from tests.test_movements import books, frame

# Three customers; a window from 2025-01 to 2026-01 (12 months):
#   a: 100 -> 150 (expanded), b: 200 -> 0 (churned), c: 100 -> 80 (contracted),
#   d: joins 2025-06 at 500 (new: outside the cohort).
BOOK = frame([
    ("a", "", "2025-01", 100), ("a", "", "2026-01", 150),
    ("b", "", "2025-01", 200), ("b", "", "2025-06", 200),
    ("c", "", "2025-01", 100), ("c", "", "2026-01", 80),
    ("d", "", "2025-06", 500), ("d", "", "2026-01", 500),
])


def test_cohort_nrr_and_grr_by_hand():
    # NRR = (150 + 0 + 80) / 400; GRR = (min(100,150) + 0 + 80) / 400.
    assert nrr_cohort(BOOK, "2026-01", 12) == pytest.approx(230 / 400)
    assert grr_cohort(BOOK, "2026-01", 12) == pytest.approx(180 / 400)
    assert nrr_cohort(BOOK) == nrr_cohort(BOOK, "2026-01")  # trailing 12 months by default


def test_cohort_before_the_data_is_nan_and_bad_windows_are_errors():
    assert math.isnan(nrr_cohort(BOOK, "2025-06", 12))
    with pytest.raises(ValueError, match="end_month 2024-01 is outside the data"):
        nrr_cohort(BOOK, "2024-01")
    with pytest.raises(ValueError, match="months must be"):
        grr_cohort(BOOK, "2026-01", 0)


def test_trend_matches_the_cohort_function_for_each_month():
    trend = retention_trend(BOOK, 12)
    assert list(trend["month"].astype(str)) == ["2026-01"]
    assert trend["nrr"].iloc[0] == pytest.approx(230 / 400)
    assert trend["grr"].iloc[0] == pytest.approx(180 / 400)


def test_cohort_tables_by_hand():
    revenue = cohort_retention(BOOK, "revenue")
    logo = cohort_retention(BOOK, "logo")
    jan = pd.Period("2025-01", "M")
    jun = pd.Period("2025-06", "M")
    assert revenue.loc[jan, "customers"] == 3 and revenue.loc[jan, "start_mrr"] == 400
    # Month 5 (June): only b pays 200 -> 200/400; month 12: a 150 + c 80 = 230/400.
    assert revenue.loc[jan, 5] == pytest.approx(0.5)
    assert revenue.loc[jan, 12] == pytest.approx(230 / 400)
    assert logo.loc[jan, 12] == pytest.approx(2 / 3)
    # The June cohort (d) has only 8 months observed (2025-06 .. 2026-01): month 8 onwards is NaN.
    assert logo.loc[jun, 7] == 1.0 and np.isnan(logo.loc[jun, 8])
    with pytest.raises(ValueError, match="basis must be"):
        cohort_retention(BOOK, "customers")


@settings(max_examples=100, deadline=None)
@given(books(max_months=14))
def test_cohort_grr_never_exceeds_one_nor_nrr(book):
    last = book["month"].max()
    for months in (1, 3):
        g, n = grr_cohort(book, last, months), nrr_cohort(book, last, months)
        if not math.isnan(g):
            assert g <= 1 + 1e-12
            assert g <= n + 1e-12
    logo = cohort_retention(book, "logo")
    if not (book["mrr"] > 0).any():
        assert logo.empty
        return
    values = logo.drop(columns=["customers", "start_mrr"]).to_numpy()
    assert np.nanmax(values) <= 1 and np.all(values[:, 0] == 1)
