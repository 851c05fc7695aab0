"""Every Excel function called with what Excel passes: floats, blanks as None, text, dates, ranges."""

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csxl import udfs
from csxl.excel_args import trailing_blanks_start
from csxl.udfs import EMPTY, FUNCTIONS

WHOLE_COLUMN_BLANKS = [[None]] * 50_000  # what a selection like A:A brings after the data

SCALARS = [
    # published examples, sources in tests/test_rates.py
    (udfs.CS_NRR, (100_000.0, 15_000.0, 5_000.0, 8_000.0), 1.02),
    (udfs.CS_GRR, (200_000.0, 4_000.0, 8_000.0), 0.94),
    (udfs.CS_GROSS_MRR_CHURN, (50_000.0, 2_000.0, 3_000.0), 0.10),
    (udfs.CS_NET_MRR_CHURN, (100_000.0, 15_000.0, 5_000.0, 8_000.0), -0.02),
    (udfs.CS_NET_MRR_CHURN, (100_000.0, 0.0, 5_000.0, 8_000.0, 3_000.0), 0.10),
    (udfs.CS_LOGO_CHURN, (200.0, 6.0), 0.03),
    (udfs.CS_RETENTION_RATE, (200.0, 210.0, 20.0), 0.95),
    (udfs.CS_QUICK_RATIO, (5_000.0, 1_000.0, 500.0, 1_500.0), 3.0),
    (udfs.CS_QUICK_RATIO, (5_000.0, 1_000.0, 500.0, 1_500.0, 2_000.0), 4.0),
    (udfs.CS_ARR, (12_500.0,), 150_000.0),
    (udfs.CS_ARPA, (12_500.0, 50.0), 250.0),
    (udfs.CS_ACV, (36_000.0, 36.0), 12_000.0),
    (udfs.CS_LIFETIME, (0.025,), 40.0),
    (udfs.CS_LTV, (500.0, 0.02, 0.7), 17_500.0),
    (udfs.CS_LTV, (500.0, 0.02), 25_000.0),  # gross margin omitted: 100%
    (udfs.CS_LTV, (500.0, 0.02, None), 25_000.0),  # or left blank
    (udfs.CS_CAC, (120_000.0, 40.0), 3_000.0),
    (udfs.CS_CAC_PAYBACK, (3_000.0, 500.0, 0.75), 8.0),
    (udfs.CS_LTV_CAC, (20_000.0, 5_000.0), 4.0),
    (udfs.CS_ACTIVATION_RATE, (18.0, 24.0), 0.75),
    (udfs.CS_ACCOUNT_COVERAGE, (45.0, 60.0), 0.75),
    (udfs.CS_NRR, ("100000", "15000", "5000", "8000"), 1.02),  # numbers typed as text are read
]


@pytest.mark.parametrize("function, args, expected", SCALARS)
def test_scalar_functions(function, args, expected):
    assert function(*args) == pytest.approx(expected)


@pytest.mark.parametrize("function, args, message", [
    (udfs.CS_NRR, (-1.0, 0.0, 0.0, 0.0), "#VALUE! start_mrr must be a number >= 0"),
    (udfs.CS_NRR, (None, 0.0, 0.0, 0.0), "#VALUE! start_mrr must be a number"),
    (udfs.CS_GRR, (100.0, "lots", 0.0), "#VALUE! contraction must be a number"),
    (udfs.CS_LTV, (500.0, 0.02, -1.0), "#VALUE! gross_margin must be a number >= 0"),
    (udfs.CS_ARR, ([[1.0], [2.0]],), "#VALUE! mrr must be one cell, not a range"),
    (udfs.CS_LOGO_CHURN, (True, 1.0), "#VALUE! customers_start must be a number"),
    (udfs.CS_NPS, ([[10.0], ["great"]],), '#VALUE! scores must hold numbers only ("great" is text)'),
    (udfs.CS_NPS, ([[11.0]],), "#VALUE! scores must be between 0 and 10"),
    (udfs.CS_CSAT, ([[0.0]],), "#VALUE! scores must be between 1 and 5"),
    (udfs.CS_CES, ([[3.0]], "median"), "#VALUE! method must be 'mean' or 'agree'"),
    (udfs.CS_HEALTH_SCORE, ([[80.0, 60.0]], [[1.0]]), "#VALUE! weights must have the same shape as scores"),
    (udfs.CS_HEALTH_SCORE, ([[80.0, 60.0]], [[1.0, 0.0]]), "#VALUE! weights must be numbers > 0"),
    (udfs.CS_HEALTH_FLAG, (80.0, None, None, "sleeping"), "#VALUE! status must be onboarding, active or frozen"),
    (udfs.CS_TOUCH_MODEL, (100.0, [[0.0], [None]]), "#VALUE! portfolio_mrr has no account with MRR above 0"),
    (udfs.CS_MRR_MOVEMENTS, ([["customer", "month", "mrr"], ["a", "2026-01", "x"]],),
     '#VALUE! data, row 2, column "mrr": "x" is not a number - write a number such as 1234.56 or 1.234,56'),
    (udfs.CS_MRR_MOVEMENTS, ([["who", "when", "how much"], ["a", "2026-01", 1.0]],),
     "#VALUE! data, row 1: the mrr table has no customer_id column"),
    (udfs.CS_MRR_MOVEMENTS, ([["customer", "month", "mrr"]],), "#VALUE! data must have a header row"),
    (udfs.CS_MRR_MOVEMENTS, ([["customer", "month", "mrr"], ["a", "2026-01", 1.0]], "week"),
     "#VALUE! period must be one of month, quarter, year"),
    (udfs.CS_COHORT_RETENTION, ([["customer", "month", "mrr"], ["a", "2026-01", 1.0]], "seats"),
     "#VALUE! basis must be 'revenue' or 'logo'"),
    (udfs.CS_NRR_COHORT, ([["customer", "month", "mrr"], ["a", "2026-01", 1.0]], "soon"),
     "#VALUE! end_month must be a month such as 2026-09 or a date"),
])
def test_bad_input_is_a_short_text_naming_the_argument(function, args, message):
    result = function(*args)
    assert isinstance(result, str) and result.startswith(message)
    assert "Traceback" not in result and len(result) < 200


@pytest.mark.parametrize("function, args", [
    (udfs.CS_NRR, (0.0, 0.0, 0.0, 0.0)), (udfs.CS_LOGO_CHURN, (0.0, 0.0)), (udfs.CS_LIFETIME, (0.0,)),
    (udfs.CS_NPS, ([[None]] * 10,)), (udfs.CS_NPS_MOE, ([],)), (udfs.CS_CSAT, (None,)), (udfs.CS_CES, ([[None]],)),
    (udfs.CS_HEALTH_SCORE, ([[None, None]],)), (udfs.CS_ARPA, ([[0.0], [None]],)),
])
def test_nothing_to_compute_gives_the_documented_empty_result(function, args):
    assert function(*args) == EMPTY == ""


def test_surveys_with_whole_column_ranges():
    scores = [[10.0]] * 40 + [[9.0]] * 20 + [[8.0]] * 30 + [[2.0]] * 10 + WHOLE_COLUMN_BLANKS
    assert udfs.CS_NPS(scores) == 50.0  # 60% promoters - 10% detractors
    flat = [10.0] * 30 + [7.0] * 20 + [2.0] * 10 + [None] * 1000  # a one-column range as a flat list
    assert udfs.CS_NPS_MOE(flat) == pytest.approx(1.96 * math.sqrt(5 / 9 / 60) * 100, rel=1e-3)
    assert udfs.CS_NPS_MOE(flat, 0.9) < udfs.CS_NPS_MOE(flat)
    assert udfs.CS_CSAT([[5.0], [4.0], [3.0], [2.0], [5.0]]) == pytest.approx(0.6)
    assert udfs.CS_CSAT([[5.0], [4.0], [3.0], [2.0], [5.0]], 5.0) == pytest.approx(0.4)
    assert udfs.CS_CES([[5.0], [4.0], [3.0], [2.0]]) == 3.5
    assert udfs.CS_CES([[5.0], [4.0], [3.0], [2.0]], "agree") == 0.5
    assert udfs.CS_CES([[7.0], [5.0], [4.0], [1.0]], "AGREE", 7.0) == 0.5


def test_health_and_segmentation():
    assert udfs.CS_HEALTH_SCORE([[80.0, 75.0, 96.0]]) == pytest.approx(251 / 3)
    assert udfs.CS_HEALTH_SCORE([[100.0, None, 0.0]], [[3.0, 5.0, 1.0]]) == 75.0  # blank drops with its weight
    assert [udfs.CS_HEALTH_FLAG(s) for s in (82.0, 60.0, 10.0)] == ["Green", "Yellow", "Red"]
    assert udfs.CS_HEALTH_FLAG(82.0, 40.0, 90.0) == "Yellow"
    assert udfs.CS_HEALTH_FLAG(None, None, None, "Implantação") == "Activation"
    assert udfs.CS_HEALTH_FLAG(95.0, None, None, "frozen") == "Freeze"
    assert [udfs.CS_NRR_BAND(x) for x in (1.05, 0.9, 0.7)] == ["healthy", "retains most", "low"]
    portfolio = [[100.0], [200.0], [300.0], [0.0], [None]]  # ARPA of paying accounts = 200
    assert [udfs.CS_TOUCH_MODEL(x, portfolio) for x in (600.0, 200.0, 50.0, 49.0)] == \
        ["high-touch", "mid-touch", "low-touch", "tech-touch"]
    assert udfs.CS_ARPA([[100.0], [0.0], [300.0], [None]]) == 200.0


# Customers a, b, c in Portuguese headers, dates as Excel passes them (datetimes), then whole-column blanks.
DATA = [["Cliente", "Mês", "Receita (R$)", "Produto"],
        ["a", dt.datetime(2026, 1, 1), 100.0, "Core"], ["b", dt.datetime(2026, 1, 1), 50.0, "Core"],
        ["a", dt.datetime(2026, 2, 1), 120.0, "Core"], ["a", dt.datetime(2026, 2, 1), 30.0, "Plus"],
        ["c", dt.datetime(2026, 2, 1), 10.0, "Core"], ["b", dt.datetime(2026, 3, 1), 40.0, "Core"],
        ["a", dt.datetime(2026, 3, 1), 150.0, "Core"], ["c", dt.datetime(2026, 3, 1), 5.0, "Core"],
        *[[None, None, None, None]] * 5_000]


def test_movements_table():
    table = udfs.CS_MRR_MOVEMENTS(DATA)
    header, rows = table[0], {r[0]: dict(zip(table[0], r)) for r in table[1:]}
    assert header[:3] == ["period", "start_mrr", "new"] and len(header) == 17
    assert list(rows) == ["2026-01", "2026-02", "2026-03"]
    jan, feb, mar = rows["2026-01"], rows["2026-02"], rows["2026-03"]
    assert (jan["new"], jan["end_mrr"], jan["nrr"]) == (150.0, 150.0, EMPTY)
    # February: a 100 -> 150 (+50), b 50 -> 0 (churn), c new 10.
    assert (feb["expansion"], feb["churn"], feb["new"], feb["end_mrr"]) == (50.0, 50.0, 10.0, 160.0)
    assert feb["nrr"] == pytest.approx(150 / 150) and feb["grr"] == pytest.approx(100 / 150)
    # March: a 150 -> 150, b back at 40 (reactivation), c 10 -> 5 (contraction).
    assert (mar["reactivation"], mar["contraction"], mar["reactivated_customers"]) == (40.0, 5.0, 1)
    quarter = udfs.CS_MRR_MOVEMENTS(DATA, "quarter")
    assert quarter[1][0] == "2026-Q1" and quarter[1][quarter[0].index("end_mrr")] == 195.0


def test_cohort_functions():
    logo = udfs.CS_COHORT_RETENTION(DATA, "logo")
    assert logo[0][:4] == ["cohort", "customers", "start_mrr", "m0"]
    january = logo[1]
    assert january[0] == "2026-01" and january[1] == 2 and january[3:] == [1.0, 0.5, 1.0]
    assert logo[2][0] == "2026-02" and logo[2][-1] == EMPTY  # February's cohort has no third month yet
    # a and b paid 150 in January; in March a pays 150 and b 40: NRR 190/150, GRR (100 + 40)/150.
    assert udfs.CS_NRR_COHORT(DATA, "2026-03", 2.0) == pytest.approx(190 / 150)
    assert udfs.CS_GRR_COHORT(DATA, dt.datetime(2026, 3, 1), 2.0) == pytest.approx(140 / 150)
    assert udfs.CS_NRR_COHORT(DATA, "2026-03") == EMPTY  # no data 12 months earlier


def test_retention_curve_functions():
    # Fader & Hardie (2007), "regular" customers: alpha 0.704, beta 1.182.
    fit = udfs.CS_SBG_FIT([[1000.0], [631.0], [468.0], [382.0], [326.0], [290.0], [262.0], [241.0], [None]])
    assert fit[0] == ["alpha", "beta"] and fit[1] == pytest.approx([0.704, 1.182], abs=1e-3)
    assert udfs.CS_SBG_RETENTION(0.704, 1.182, 2.0) == pytest.approx(1.182 / 1.886 * 2.182 / 2.886)
    assert udfs.CS_SBG_RETENTION(0.704, 1.182, 0.0) == 1.0
    assert udfs.CS_SBG_RETENTION(0.0, 1.0, 1.0) == "#VALUE! alpha must be a number > 0"
    assert udfs.CS_SBG_FIT([[100.0], [120.0], [90.0]]) == "#VALUE! survivors must start above 0 and never increase"


def test_every_function_is_tested_here():
    source = open(__file__, encoding="utf-8").read()
    untested = [name for name in FUNCTIONS if f"udfs.{name}(" not in source and f"udfs.{name}," not in source]
    assert untested == []


@given(st.lists(st.sampled_from([None, None, 1.0, "x"]), max_size=40))
def test_trailing_blanks_are_found_exactly_even_with_blanks_inside_the_data(values):
    expected = len(values)
    while expected and values[expected - 1] is None:
        expected -= 1
    assert trailing_blanks_start(values, None) == expected
    rows = [[v, None] for v in values]
    assert trailing_blanks_start(rows, [None, None]) == expected
