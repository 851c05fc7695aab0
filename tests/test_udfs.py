"""Every Excel function called with what Excel passes: floats, blanks as None, text, dates, ranges."""

import datetime as dt
import math
from pathlib import Path

import numpy as np
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
    (udfs.CS_NPS, ([[10.0], ["great"]],), '#VALUE! scores, row 2: "great" is not a number'),
    (udfs.CS_NPS, ([[11.0]],), "#VALUE! scores must be between 0 and 10"),
    (udfs.CS_CSAT, ([[0.0]],), "#VALUE! scores must be between 1 and 5"),
    (udfs.CS_CES, ([[3.0]], "median"), "#VALUE! method must be 'mean' or 'agree'"),
    (udfs.CS_HEALTH_SCORE, ([[80.0, 60.0]], [[1.0]]), "#VALUE! weights must have the same shape as scores"),
    (udfs.CS_HEALTH_SCORE, ([[80.0, 60.0]], [[1.0, 0.0]]), "#VALUE! weights must be numbers > 0"),
    (udfs.CS_HEALTH_FLAG, (80.0, None, None, "sleeping"), "#VALUE! status must be onboarding, active or frozen"),
    (udfs.CS_TOUCH_MODEL, (100.0, [[0.0], [None]]), "#VALUE! portfolio_mrr has no account with MRR above 0"),
    (udfs.CS_MRR_MOVEMENTS, ([["customer", "month", "mrr"], ["a", "2026-01", "x"]],),
     '#VALUE! data, row 2, column "mrr": "x" is not a number'),
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


WHOLE_COLUMN = 1_048_576  # rows in an Excel column: F:F


@pytest.mark.parametrize("flat", [True, False], ids=["flat list", "list of rows"])
def test_a_whole_column_with_a_header_row(flat):
    def column(*cells):  # the cells, then blanks down to the last row of the sheet
        return [*cells, *[None] * (WHOLE_COLUMN - len(cells))] if flat else \
            [*[[c] for c in cells], *[[None]] * (WHOLE_COLUMN - len(cells))]

    # F1 "NPS", then 10, 9, 10, 8, 2: 3 promoters, 1 passive, 1 detractor of 5 -> 60% - 20% = 40.
    scores = column("NPS", 10.0, 9.0, 10.0, 8.0, 2.0)
    assert len(scores) == WHOLE_COLUMN and udfs.CS_NPS(scores) == pytest.approx(40.0)
    assert udfs.CS_NPS_MOE(scores) == pytest.approx(1.96 * math.sqrt((0.6 + 0.2 - 0.4**2) / 5) * 100, rel=1e-3)
    assert udfs.CS_NPS(column("NPS")) == EMPTY  # a header and no answers yet


def test_text_below_the_header_is_an_error_naming_its_row():
    blanks = [None] * 10_000
    assert udfs.CS_NPS(["NPS", 10.0, "n/a", 9.0, *blanks]) == '#VALUE! scores, cell 3: "n/a" is not a number'
    assert udfs.CS_NPS([["NPS"], [10.0], ["great"], [9.0]]) == '#VALUE! scores, row 3: "great" is not a number'
    assert udfs.CS_NPS([["NPS"], ["Q3"], [9.0]]) == '#VALUE! scores, row 2: "Q3" is not a number'  # one header only
    assert udfs.CS_CES([["CES", None], [4.0, "x"]]) == '#VALUE! scores, row 2, column 2: "x" is not a number'
    assert udfs.CS_NPS("great") == '#VALUE! scores, cell 1: "great" is not a number'  # one cell is no header
    assert udfs.CS_NPS(["10", 9.0]) == 100.0  # a number typed as text is an answer, not a header


def test_every_range_of_numbers_skips_a_header_row():
    assert udfs.CS_NPS_MOE(["NPS", *[10.0] * 30, *[7.0] * 20, *[2.0] * 10]) == udfs.CS_NPS_MOE(
        [*[10.0] * 30, *[7.0] * 20, *[2.0] * 10])
    assert udfs.CS_CSAT(["Satisfação", 5.0, 4.0, 3.0, 2.0, 5.0]) == pytest.approx(0.6)  # 3 of 5 at 4 or 5
    assert udfs.CS_CES(["Esfuerzo", 5.0, 4.0, 3.0, 2.0]) == 3.5
    assert udfs.CS_NPS([["Q1", "Q2"], [10.0, 9.0], [2.0, None]]) == pytest.approx(100 / 3)  # 2 promoters, 1 detractor
    assert udfs.CS_ARPA(["MRR", 100.0, None, 300.0, 0.0, 200.0]) == 200.0  # (100 + 300 + 200) / 3
    assert udfs.CS_TOUCH_MODEL(600.0, ["MRR", 100.0, 300.0, 200.0]) == "high-touch"  # 600 >= 3 x 200
    with_header = udfs.CS_SBG_FIT(["Regular", 1000.0, 631.0, 468.0, 382.0, 326.0, 289.0, 262.0, 241.0])
    assert with_header[1] == pytest.approx([0.704, 1.182], abs=1e-3)  # Fader & Hardie (2007)


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
    assert (jan["new"], jan["end_mrr"], jan["nrr"]) == (150.0, 150.0, None)  # empty cell: nothing to divide by
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
    assert logo[2][0] == "2026-02" and logo[2][-1] is None  # February's cohort has no third month yet
    # a and b paid 150 in January; in March a pays 150 and b 40: NRR 190/150, GRR (100 + 40)/150.
    assert udfs.CS_NRR_COHORT(DATA, "2026-03", 2.0) == pytest.approx(190 / 150)
    assert udfs.CS_GRR_COHORT(DATA, dt.datetime(2026, 3, 1), 2.0) == pytest.approx(140 / 150)
    assert udfs.CS_NRR_COHORT(DATA, "2026-03") == EMPTY  # no data 12 months earlier


def test_retention_curve_functions():
    # Fader & Hardie (2007), "regular" customers: alpha 0.704, beta 1.182.
    fit = udfs.CS_SBG_FIT([[1000.0], [631.0], [468.0], [382.0], [326.0], [289.0], [262.0], [241.0], [None]])
    assert fit[0] == ["alpha", "beta"] and fit[1] == pytest.approx([0.704, 1.182], abs=1e-3)
    assert udfs.CS_SBG_RETENTION(0.704, 1.182, 2.0) == pytest.approx(1.182 / 1.886 * 2.182 / 2.886)
    assert udfs.CS_SBG_RETENTION(0.704, 1.182, 0.0) == 1.0
    assert udfs.CS_SBG_RETENTION(0.0, 1.0, 1.0) == "#VALUE! alpha must be a number > 0"
    assert udfs.CS_SBG_FIT([[100.0], [120.0], [90.0]]) == "#VALUE! survivors must start above 0 and never increase"


def test_every_function_is_tested_here():
    source = Path(__file__).read_text(encoding="utf-8")
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


# The scalar rate functions: every argument is money, a count or a rate that cannot be negative.
RATE_FUNCTIONS = ["CS_NRR", "CS_GRR", "CS_GROSS_MRR_CHURN", "CS_NET_MRR_CHURN", "CS_LOGO_CHURN", "CS_RETENTION_RATE",
                  "CS_QUICK_RATIO", "CS_ARR", "CS_ARPA", "CS_ACV", "CS_LIFETIME", "CS_LTV", "CS_CAC", "CS_CAC_PAYBACK",
                  "CS_LTV_CAC", "CS_ACTIVATION_RATE", "CS_ACCOUNT_COVERAGE"]


POSITIVE = {("CS_ACV", "contract_months")}  # a contract of 0 months is no contract: > 0, not >= 0


@pytest.mark.parametrize("name", RATE_FUNCTIONS)
def test_every_argument_of_every_rate_is_named_when_it_is_wrong(name):
    function, args = getattr(udfs, name), list(FUNCTIONS[name].args)
    for i, arg in enumerate(args):
        given = [10.0] * len(args)
        given[i] = -1.0
        sign = ">" if (name, arg) in POSITIVE else ">="
        result = function(*given)
        assert result.startswith(f"#VALUE! {arg} must be a number") and f"{sign} 0" in result, (name, arg, result)
        given[i] = "dez"  # a word, as a mistyped cell holds
        assert function(*given) == f"#VALUE! {arg} must be a number", (name, arg)
        given[i] = dt.datetime(2026, 3, 1)  # a date cell in a money argument
        assert function(*given) == f"#VALUE! {arg} must be a number, not a date", (name, arg)
        if arg not in FUNCTIONS[name].optional and not (name == "CS_ARPA" and arg == "mrr"):
            given[i] = None  # a blank cell in a required argument
            assert function(*given) == f"#VALUE! {arg} must be a number", (name, arg)


def test_counts_of_a_part_cannot_exceed_the_whole():
    assert udfs.CS_ACCOUNT_COVERAGE(50.0, 40.0) == "#VALUE! covered (50) must not exceed total (40)"
    assert udfs.CS_ACTIVATION_RATE(13.0, 12.0) == "#VALUE! activated (13) must not exceed onboarded (12)"


@pytest.mark.parametrize("function, args, message", [
    # a customer loses at most the MRR it had: 50 + 60 lost out of 100 cannot happen (GRR would be -0.1)
    (udfs.CS_GRR, (100.0, 50.0, 60.0), "contraction + churn (110) must not exceed start_mrr (100)"),
    (udfs.CS_NRR, (100.0, 5.0, 0.0, 200.0), "contraction + churn (200) must not exceed start_mrr (100)"),
    (udfs.CS_GROSS_MRR_CHURN, (100.0, 80.0, 80.0), "contraction + churn (160) must not exceed start_mrr (100)"),
    (udfs.CS_NET_MRR_CHURN, (100.0, 0.0, 70.0, 40.0), "contraction + churn (110) must not exceed start_mrr (100)"),
    (udfs.CS_LOGO_CHURN, (200.0, 300.0), "customers_lost (300) must not exceed customers_start (200)"),
    (udfs.CS_RETENTION_RATE, (200.0, 10.0, 20.0), "new_customers (20) must not exceed customers_end (10)"),
    # 300 at the end of which 20 new: 280 retained out of 200 at the start cannot happen
    (udfs.CS_RETENTION_RATE, (200.0, 300.0, 20.0),
     "customers_end - new_customers (280) must not exceed customers_start (200)"),
    (udfs.CS_LIFETIME, (1.5,), "monthly_churn (1.5) must not exceed 1"),
    (udfs.CS_LTV, (500.0, 2.0), "monthly_churn (2) must not exceed 1"),
    (udfs.CS_LTV, (500.0, 0.02, 70.0), "gross_margin (70) must not exceed 1"),  # 70 typed for 70%
    (udfs.CS_CAC_PAYBACK, (3_000.0, 500.0, 75.0), "gross_margin (75) must not exceed 1"),
    (udfs.CS_ACV, (1_000.0, 0.0), "contract_months must be a number > 0"),
])
def test_impossible_periods_are_errors_not_numbers(function, args, message):
    assert function(*args) == f"#VALUE! {message}"


@pytest.mark.parametrize("function, args, expected", [
    (udfs.CS_GRR, (100.0, 40.0, 60.0), 0.0),  # everything lost, nothing more
    (udfs.CS_GRR, (0.3, 0.1, 0.2), 0.0),  # 0.1 + 0.2 is 0.30000000000000004 in floats: still all of 0.3
    (udfs.CS_NRR, (100.0, 50.0, 40.0, 60.0), 0.5),  # (100 + 50 - 100) / 100
    (udfs.CS_LOGO_CHURN, (200.0, 200.0), 1.0),
    (udfs.CS_RETENTION_RATE, (200.0, 20.0, 20.0), 0.0),  # only new customers are left
    (udfs.CS_RETENTION_RATE, (200.0, 220.0, 20.0), 1.0),  # all 200 kept, 20 new
    (udfs.CS_LIFETIME, (1.0,), 1.0),  # all gone after a month
    (udfs.CS_LTV, (500.0, 1.0, 1.0), 500.0),
])
def test_the_limits_themselves_are_possible(function, args, expected):
    assert function(*args) == pytest.approx(expected, abs=1e-12)


def test_numbers_typed_as_text_with_a_decimal_comma_are_read():
    assert udfs.CS_LTV("500", "0,02", "0,7") == pytest.approx(17_500.0)  # 500 x 0.7 / 0.02


# Serial numbers instead of dates (46023 = 2026-01-01, 46054 = 2026-02-01), Spanish headers, no product column.
SERIAL_DATA = [["ID Cliente", "Fecha", "Importe"],
               ["a", 46023.0, 100.0], ["b", 46023.0, 50.0], ["a", 46054.0, 150.0], ["c", 46054.0, 10.0],
               *[[None, None, None]] * 2_000]


def test_tables_read_serial_numbers_and_spanish_headers():
    table = udfs.CS_MRR_MOVEMENTS(SERIAL_DATA)
    feb = dict(zip(table[0], table[2]))
    # February: a 100 -> 150 (+50 expansion), b 50 -> 0 (churn), c new at 10; end 160.
    assert feb["period"] == "2026-02"
    assert (feb["start_mrr"], feb["expansion"], feb["churn"], feb["new"], feb["end_mrr"]) == (150, 50, 50, 10, 160)
    assert (feb["nrr"], feb["logo_churn"]) == (pytest.approx(150 / 150), 0.5)
    # a and b paid 150 in January and 150 in February: one-month cohort NRR 1, GRR (100 + 0) / 150.
    for end in (46054.0, dt.datetime(2026, 2, 1), "2026-02", "02/2026"):
        assert udfs.CS_NRR_COHORT(SERIAL_DATA, end, 1.0) == pytest.approx(1.0), end
        assert udfs.CS_GRR_COHORT(SERIAL_DATA, end, 1.0) == pytest.approx(100 / 150), end


def test_table_arguments_that_are_not_tables():
    for data in (None, "abc", 5.0, [], [["customer", "month", "mrr"], *[[None, None, None]] * 10]):
        result = udfs.CS_MRR_MOVEMENTS(data)
        assert isinstance(result, str) and result.startswith("#VALUE! data "), data
    assert udfs.CS_NRR_COHORT(SERIAL_DATA, "2026-02", 1.5) == "#VALUE! months must be a whole number >= 1"
    assert udfs.CS_GRR_COHORT(SERIAL_DATA, "2026-02", 0.0) == "#VALUE! months must be a whole number >= 1"
    assert udfs.CS_NRR_COHORT(SERIAL_DATA, None) == "#VALUE! end_month must be a month such as 2026-09 or a date"


def test_ranges_of_account_mrr_with_blanks_and_whole_columns():
    column = [[100.0], [None], [300.0], [0.0], [200.0], *WHOLE_COLUMN_BLANKS]
    assert udfs.CS_ARPA(column) == 200.0  # (100 + 300 + 200) / 3 paying accounts
    assert udfs.CS_ARPA([100.0, None, 300.0, 0.0, 200.0]) == 200.0  # one column as a flat list
    assert udfs.CS_TOUCH_MODEL(600.0, column) == "high-touch"  # 600 >= 3 x 200
    assert udfs.CS_TOUCH_MODEL(-5.0, column) == "#VALUE! account_mrr must be a number >= 0"
    assert udfs.CS_TOUCH_MODEL(5.0, [[100.0], [-1.0]]) == "#VALUE! portfolio_mrr must be a number >= 0"
    assert udfs.CS_ARPA([[100.0], ["n/a"]]) == '#VALUE! mrr, row 2: "n/a" is not a number'


def test_error_texts_stay_short():
    long_headers = [[f"column number {i} of a very wide export" for i in range(30)], ["x"] * 30]
    result = udfs.CS_MRR_MOVEMENTS(long_headers)
    assert result.startswith("#VALUE! data, row 1: the mrr table has no customer_id column")
    assert len(result) <= udfs.MESSAGE_LIMIT and "\n" not in result


CELLS = st.one_of(st.none(), st.floats(-1e6, 1e6), st.integers(-10, 10).map(float), st.sampled_from(
    ["", " ", "abc", "12,5", "2026-03", "quarter", "logo", "agree", "frozen", "#N/A"]),
    st.booleans(), st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2100, 1, 1)))
RANGES = st.one_of(st.lists(CELLS, max_size=6), st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=6))


def test_an_internal_error_is_a_short_text_that_says_so(monkeypatch):
    def broken(*args):
        raise TypeError("unsupported operand")

    monkeypatch.setattr(udfs.rates, "nrr", broken)
    assert udfs.CS_NRR(100.0, 10.0, 0.0, 0.0) == "#VALUE! internal error in CS_NRR: TypeError: unsupported operand"
    # a ValueError raised by numpy, not by csxl's checks, is a bug too
    monkeypatch.setattr(udfs.rates, "grr", lambda *args: np.ones(2).reshape(3))
    assert udfs.CS_GRR(100.0, 0.0, 0.0).startswith("#VALUE! internal error in CS_GRR: ValueError: cannot reshape")


@given(st.sampled_from(sorted(FUNCTIONS)), st.lists(st.one_of(CELLS, RANGES), min_size=1, max_size=5))
def test_no_input_makes_a_function_raise_or_fail_unexpectedly(name, args):
    info = FUNCTIONS[name]
    args = args[: len(info.args)]
    if len(args) < len(info.args) - len(info.optional):
        args += [1.0] * (len(info.args) - len(info.optional) - len(args))
    result = getattr(udfs, name)(*args)
    if isinstance(result, str) and result.startswith("#VALUE!"):
        assert "internal error" not in result, (name, args, result)  # every problem is one csxl checks for
    elif isinstance(result, list):
        assert all(isinstance(row, list) and len(row) == len(result[0]) for row in result)
    else:
        assert result == EMPTY or isinstance(result, (int, float, str)) and not isinstance(result, bool)


def test_whole_numbers_as_int_and_dates_as_serials_as_xlwings_lite_passes_them():
    # numeric customer codes, serial months (46023 = 2026-01-01), MRR as ints and floats
    rows = [["Cliente", "Mes", "Receita"], [1001, 46023, 10], [1002, 46023, 5.5], [1001, 46054, 12]]
    feb = dict(zip(*udfs.CS_MRR_MOVEMENTS(rows)[0::2]))
    # February: 1001 goes 10 -> 12 (+2), 1002 churns 5.5; NRR (15.5 + 2 - 5.5) / 15.5, quick ratio 2 / 5.5
    assert (feb["start_mrr"], feb["expansion"], feb["churn"], feb["end_mrr"]) == (15.5, 2.0, 5.5, 12.0)
    assert feb["nrr"] == pytest.approx(12 / 15.5) and feb["quick_ratio"] == pytest.approx(2 / 5.5)
    assert udfs.CS_NRR_COHORT(rows, 46054, 1) == pytest.approx(12 / 15.5)
    assert udfs.CS_NPS([10, 9, 3, None]) == pytest.approx(100 / 3)  # 2 promoters, 1 detractor of 3
    assert udfs.CS_HEALTH_SCORE([80, 60], [1, 3]) == 65.0  # (80 + 3 x 60) / 4
    assert udfs.CS_NRR(100, 10, 0, 0) == pytest.approx(1.1)
