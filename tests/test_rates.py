"""Scalar rates against published worked examples; each case cites where its numbers come from."""

import math

import numpy as np
import pandas as pd
import pytest

from csxl.metrics import rates

PUBLISHED = [
    # theprimecalculator.com, "Net Revenue Retention Calculator Formula", worked example:
    # start 100,000, expansion 15,000, downgrades 5,000, cancellations 8,000 -> 102%.
    (rates.nrr, (100_000, 15_000, 5_000, 8_000), 1.02),
    # churnzero.net Churnopedia, "Net Revenue Retention": 27,000 in, 35,000 out from upsells
    # (expansion 8,000), 5,000 churned -> 30,000 / 27,000 = 111%.
    (rates.nrr, (27_000, 8_000, 0, 5_000), 30_000 / 27_000),
    # theprimecalculator.com, "Gross Retention Rate Calculator Formula": 200,000, churn 8,000,
    # downgrades 4,000 -> 94%.
    (rates.grr, (200_000, 4_000, 8_000), 0.94),
    # metrickittools.com GRR calculator default example: 100,000, contraction 5,000, churn 8,000 -> 87%.
    (rates.grr, (100_000, 5_000, 8_000), 0.87),
    # revenuecalculators.com "Gross revenue retention": gross revenue churn = (2,000 + 3,000) / 50,000.
    (rates.gross_mrr_churn, (50_000, 2_000, 3_000), 0.10),
    # abracalc.com SaaS Quick Ratio worked example: (5,000 + 1,000) / (1,500 + 500) = 3x.
    (rates.quick_ratio, (5_000, 1_000, 500, 1_500), 3.0),
    # pitchkit.net glossary "Quick ratio": (20k + 8k) / (5k + 3k) = 3.5.
    (rates.quick_ratio, (20_000, 8_000, 3_000, 5_000), 3.5),
    # theprimecalculator.com SaaS Quick Ratio: (25,000 + 10,000) / (8,000 + 4,000) = 2.92.
    (rates.quick_ratio, (25_000, 10_000, 4_000, 8_000), 35_000 / 12_000),
    # abracalc.com Customer LTV: $500 ARPA, 70% margin, 2% monthly churn -> $17,500.
    (rates.ltv, (500, 0.02, 0.70), 17_500.0),
    # abracalc.com Customer LTV: $100 ARPA, 80% margin, 5% churn -> $1,600.
    (rates.ltv, (100, 0.05, 0.80), 1_600.0),
    # abracalc.com Customer LTV: $50 ARPA, 90% margin, 10% churn -> $450.
    (rates.ltv, (50, 0.10, 0.90), 450.0),
    # abracalc.com LTV FAQ: 5% periodic churn -> about 1 / 0.05 = 20 periods of lifetime.
    (rates.lifetime, (0.05,), 20.0),
    # retentionlens.com LTV calculator: LTV 8,000 against CAC 1,200 shows "6.7 : 1".
    (rates.ltv_cac, (8_000, 1_200), 8_000 / 1_200),
    # ChartMogul, [6] in docs/sources.md: a yearly plan of 2,000 is 166.67 MRR, i.e. ARR 2,000.
    (rates.arr, (2_000 / 12,), 2_000.0),
    # [13] in docs/sources.md: monthly churn = customers lost / customers at the start (x 100 for %): 6 of 200 = 3%.
    (rates.logo_churn, (200, 6), 0.03),
]


@pytest.mark.parametrize("function, args, expected", PUBLISHED)
def test_published_worked_examples(function, args, expected):
    assert function(*args) == pytest.approx(expected, rel=1e-12)


def test_net_mrr_churn_is_negative_when_expansion_outweighs_losses():
    # 100,000 start, 15,000 expansion, 5,000 contraction, 8,000 churn: net churn = -2,000 / 100,000.
    assert rates.net_mrr_churn(100_000, 15_000, 5_000, 8_000) == pytest.approx(-0.02)
    assert rates.net_mrr_churn(100_000, 0, 5_000, 8_000, reactivation=3_000) == pytest.approx(0.10)


def test_values_and_unit_economics():
    assert rates.arpa(12_500, 50) == 250.0
    assert rates.acv(36_000, 36) == 12_000.0  # 3-year contract
    assert rates.acv(6_000, 6) == 12_000.0  # shorter than a year: annualised
    assert rates.cac(120_000, 40) == 3_000.0
    assert rates.cac_payback(3_000, 500, 0.75) == 8.0
    assert rates.retention_rate(200, 210, 20) == 0.95


@pytest.mark.parametrize("function, args", [
    (rates.nrr, (0, 10, 0, 0)),
    (rates.grr, (0, 0, 0)),
    (rates.logo_churn, (0, 0)),
    (rates.quick_ratio, (10, 5, 0, 0)),
    (rates.lifetime, (0,)),
    (rates.ltv, (100, 0)),
    (rates.arpa, (100, 0)),
    (rates.ltv_cac, (1_000, 0)),
])
def test_zero_denominator_is_nan_not_an_error(function, args):
    assert math.isnan(function(*args))


@pytest.mark.parametrize("function, args, name", [
    (rates.nrr, (-1, 0, 0, 0), "start_mrr"),
    (rates.grr, (100, -5, 0), "contraction"),
    (rates.logo_churn, (10, float("nan")), "customers_lost"),
    (rates.ltv, (100, 0.02, -0.5), "gross_margin"),
])
def test_negative_or_missing_input_names_the_argument(function, args, name):
    with pytest.raises(ValueError, match=f"^{name} must be a number >= 0"):
        function(*args)


def test_vectorised_over_series_keeps_the_index():
    start = pd.Series([100.0, 0.0], index=["2026-01", "2026-02"])
    result = rates.nrr(start, pd.Series([10.0, 0.0], index=start.index), 0.0, pd.Series([5.0, 0.0], index=start.index))
    assert list(result.index) == ["2026-01", "2026-02"]
    assert result.iloc[0] == pytest.approx(1.05)
    assert np.isnan(result.iloc[1])


@pytest.mark.parametrize("function, args, message", [
    # In a period each customer loses at most the MRR it had, so contraction + churn <= start MRR.
    (rates.grr, (100, 50, 60), "contraction + churn (110) must not exceed start_mrr (100)"),
    (rates.nrr, (100, 5, 0, 200), "contraction + churn (200) must not exceed start_mrr (100)"),
    (rates.gross_mrr_churn, (100, 80, 80), "contraction + churn (160) must not exceed start_mrr (100)"),
    (rates.net_mrr_churn, (100, 0, 70, 40), "contraction + churn (110) must not exceed start_mrr (100)"),
    # Only customers there at the start can be lost; the new ones are among those at the end.
    (rates.logo_churn, (200, 300), "customers_lost (300) must not exceed customers_start (200)"),
    (rates.retention_rate, (200, 10, 20), "new_customers (20) must not exceed customers_end (10)"),
    (rates.retention_rate, (200, 300, 20), "customers_end - new_customers (280) must not exceed customers_start (200)"),
    # A churn rate and a gross margin are fractions of a whole: 1 is 100%.
    (rates.lifetime, (1.5,), "monthly_churn (1.5) must not exceed 1"),
    (rates.ltv, (500, 2), "monthly_churn (2) must not exceed 1"),
    (rates.ltv, (500, 0.02, 1.2), "gross_margin (1.2) must not exceed 1"),
    (rates.cac_payback, (3_000, 500, 75), "gross_margin (75) must not exceed 1"),
    # A contract of no months has no annual value (a zero start MRR, by contrast, is a NaN rate).
    (rates.acv, (1_000, 0), "contract_months must be a number > 0"),
    (rates.acv, (1_000, -12), "contract_months must be a number > 0"),
])
def test_impossible_inputs_raise_naming_the_arguments(function, args, message):
    with pytest.raises(ValueError) as err:
        function(*args)
    assert str(err.value) == message


def test_a_part_may_equal_its_whole_up_to_float_rounding():
    assert rates.grr(100, 40, 60) == 0.0  # all of it lost
    assert rates.grr(0.3, 0.1, 0.2) == pytest.approx(0.0, abs=1e-15)  # 0.1 + 0.2 = 0.30000000000000004
    assert rates.logo_churn(200, 200) == 1.0
    assert rates.lifetime(1) == 1.0


def test_checks_hold_element_by_element_over_series():
    start = pd.Series([100.0, 50.0, 0.0])
    contraction, churn = pd.Series([10.0, 0.0, 0.0]), pd.Series([5.0, 50.0, 0.0])
    # (100 - 15) / 100, (50 - 50) / 50, and NaN over a zero start
    assert rates.grr(start, contraction, churn).tolist() == pytest.approx([0.85, 0.0, math.nan], nan_ok=True)
    with pytest.raises(ValueError, match=r"^contraction \+ churn \(60\) must not exceed start_mrr \(50\)$"):
        rates.grr(start, contraction, churn + pd.Series([0.0, 10.0, 0.0]))
    with pytest.raises(ValueError, match=r"^customers_lost \(4\) must not exceed customers_start \(3\)$"):
        rates.logo_churn(pd.Series([10, 3]), pd.Series([1, 4]))
