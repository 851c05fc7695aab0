"""Hostile input to the Excel functions, called through csxl.udfs as Excel calls them (lists of rows, None for
blanks, floats, datetimes): one line per case, then a fuzz test over random Excel-shaped ranges.

Each case is (function, arguments, what the cell must show): a text the result must start with, or a number.
"""

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csxl import udfs
from csxl.udfs import FUNCTIONS


def _closed_form_survival(a: float, b: float, t: int) -> float:
    """S(t) = B(a, b + t) / B(a, b) (Fader & Hardie 2007, eq. 6), through log-gamma."""
    return math.exp(math.lgamma(b + t) + math.lgamma(a + b) - math.lgamma(b) - math.lgamma(a + b + t))


TOO_LARGE = "#VALUE! the result is too large to be a number"
HEADER = ["customer", "month", "mrr"]
FAR = dt.datetime(9999, 12, 1)

CASES = [
    # results no cell can show (inf) from finite inputs near the float limit
    ("CS_ARR", (1e308,), TOO_LARGE),
    ("CS_ARPA", (1e308, 0.5), TOO_LARGE),
    ("CS_ARPA", ([[1e308], [1e308]],), TOO_LARGE),
    ("CS_ACV", (1e308, 0.5), TOO_LARGE),
    ("CS_LIFETIME", (5e-324,), TOO_LARGE),
    ("CS_LTV", (1e308, 0.01), TOO_LARGE),
    ("CS_CAC", (1e308, 0.5), TOO_LARGE),
    ("CS_CAC_PAYBACK", (1e308, 1e-300), TOO_LARGE),
    ("CS_LTV_CAC", (1e308, 1e-10), TOO_LARGE),
    ("CS_NRR", (1e-310, 1e308, 0.0, 0.0), TOO_LARGE),
    ("CS_NET_MRR_CHURN", (1e-300, 1e308, 0.0, 0.0), TOO_LARGE),
    ("CS_QUICK_RATIO", (1e308, 1e308, 0.0, 1e-300), TOO_LARGE),
    ("CS_MRR_MOVEMENTS", ([HEADER, ["a", "2026-01", 1e308], ["b", "2026-01", 1e308]],),
     '#VALUE! data, row 2, column "mrr": "1e+308" is too large'),
    ("CS_NRR_COHORT", ([HEADER, ["a", "2026-01", 1e308], ["b", "2026-01", 1e308], ["a", "2026-02", 1.0]], "2026-02",
                       1.0), '#VALUE! data, row 2, column "mrr": "1e+308" is too large'),
    ("CS_MRR_MOVEMENTS", ([HEADER, ["a", "2026-01", "1e309"]],),
     '#VALUE! data, row 2, column "mrr": "1e309" is too large'),
    ("CS_HEALTH_SCORE", ([[80.0, 60.0]], [[1e308, 1e308]]), "#VALUE! weights: the values add up to more than"),
    ("CS_TOUCH_MODEL", (1e308, [[1e308], [1e308]]), "#VALUE! portfolio_mrr: the values add up to more than"),
    ("CS_NPS", (["NPS", "1e309"],), "#VALUE! scores holds a number too large for a cell"),
    ("CS_NPS_MOE", ([[10.0]] * 5, 0.9999999999999999), "#VALUE! confidence is too close to 1"),
    ("CS_NPS", ([[10**400]],), "#VALUE! scores holds a number too large for a cell"),  # Python ints, not Excel's
    ("CS_NPS", ([[10**400], ["x"]],), "#VALUE! scores holds a number too large for a cell"),
    ("CS_ARR", (10**400,), "#VALUE! mrr must be a number a cell can hold (it is too large)"),
    # a model the data cannot identify, and periods no projection means
    ("CS_SBG_FIT", ([[1000.0], [1000.0], [1000.0]],), "#VALUE! survivors never fall: with no customer lost, the data "
                                                       "cannot identify alpha and beta"),
    ("CS_SBG_FIT", ([[100.0], [0.0], [0.0]],), "#VALUE! survivors fall to 0 in the first period"),
    ("CS_SBG_RETENTION", (0.704, 1.182, 2.0**63), "#VALUE! period must be a whole number from 0 to 1200"),
    ("CS_SBG_RETENTION", (0.704, 1.182, 1e8), "#VALUE! period must be a whole number from 0 to 1200"),
    ("CS_SBG_RETENTION", (0.704, 1.182, 1200.0), pytest.approx(_closed_form_survival(0.704, 1.182, 1200))),  # the limit
    # TRUE/FALSE, dates and text where a number is due; text read as the data files read it
    ("CS_NPS", ([[True], [False]],), "#VALUE! scores, row 1: TRUE or FALSE is not a number"),
    ("CS_NPS", ([10.0, True],), "#VALUE! scores, cell 2: TRUE or FALSE is not a number"),
    ("CS_CSAT", ([[5.0], [dt.datetime(2026, 1, 5)]],), "#VALUE! scores, row 2: a date is not a number"),
    ("CS_ARPA", ([[dt.datetime(2026, 1, 1)]],), "#VALUE! mrr, row 1: a date is not a number"),
    ("CS_ARPA", (dt.datetime(2026, 1, 1), 2.0), "#VALUE! mrr must be a number, not a date"),
    ("CS_ARR", (True,), "#VALUE! mrr must be a number, not TRUE or FALSE"),
    ("CS_LOGO_CHURN", (dt.date(2026, 1, 1), 1.0), "#VALUE! customers_start must be a number, not a date"),
    ("CS_NRR", (100.0, "1,234", 5.0, 5.0), pytest.approx((100 + 1234 - 5 - 5) / 100)),  # as the CLI reads "1,234"
    ("CS_NRR", (100.0, "12,5", 5.0, 5.0), pytest.approx((100 + 12.5 - 5 - 5) / 100)),
    ("CS_NRR", (100.0, "R$ 1.234,50", 0.0, 0.0), pytest.approx((100 + 1234.5) / 100)),
    # ranges whose shapes do not match, ranges of ranges, ragged ranges
    ("CS_HEALTH_SCORE", ([[80.0], [60.0]], [[1.0, 1.0]]), "#VALUE! weights must have the same shape as scores"),
    ("CS_HEALTH_SCORE", ([[80.0, 60.0]], [[1.0, 1.0, 1.0]]), "#VALUE! weights must have the same shape as scores"),
    ("CS_HEALTH_SCORE", ([80.0, 60.0], [[1.0], [3.0]]), pytest.approx(65.0)),  # a flat list has no orientation
    ("CS_HEALTH_SCORE", ([[80.0, 60.0], [70.0]],), "#VALUE! scores must be a rectangular range of cells"),
    ("CS_NPS", ([[[10.0]], [[9.0]]],), "#VALUE! scores must be a range of cells, not a range of ranges"),
    ("CS_NPS", ([[10.0, 9.0], [8.0]],), "#VALUE! scores must be a rectangular range of cells"),
    ("CS_NPS", ([10.0, [9.0]],), "#VALUE! scores must be a range of cells, not a range of ranges"),
    ("CS_MRR_MOVEMENTS", ([HEADER, [["a"], "2026-01", 1.0]],), "#VALUE! data must be a range of cells"),
    ("CS_MRR_MOVEMENTS", ([HEADER, ["a", "2026-01", 1.0, 5.0]],), "#VALUE! data must be a rectangular range of cells"),
    ("CS_MRR_MOVEMENTS", ([HEADER, ["a", "2026-01"]],), "#VALUE! data must be a rectangular range of cells"),
    # dates pandas cannot hold: refused, never read as another century
    ("CS_MRR_MOVEMENTS", ([HEADER, ["a", FAR, 1.0]],), '#VALUE! data, row 2, column "month": 9999-12-01 is outside'),
    ("CS_MRR_MOVEMENTS", ([HEADER, ["a", dt.datetime(2026, 1, 1), 1.0], ["a", FAR, 1.0]],),
     '#VALUE! data, row 3, column "month": 9999-12-01 is outside'),
    ("CS_MRR_MOVEMENTS", ([HEADER, ["a", "2026-01", 1.0], ["a", dt.datetime(1, 1, 1), 1.0]],),
     '#VALUE! data, row 3, column "month": 0001-01-01 is outside'),
    ("CS_NRR_COHORT", ([HEADER, ["a", "2026-01", 1.0]], FAR), "#VALUE! end_month: 9999-12-01 is outside"),
    # a health score outside its range says what the range is
    ("CS_HEALTH_FLAG", (150.0,), "#VALUE! score must be a health score from 0 to 100"),
    ("CS_HEALTH_FLAG", (-1.0,), "#VALUE! score must be a health score from 0 to 100"),
]


@pytest.mark.parametrize("name, args, shows", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_hostile_input(name, args, shows):
    result = getattr(udfs, name)(*args)
    if isinstance(shows, str):
        assert isinstance(result, str) and result.startswith(shows), result
        assert len(result) <= udfs.MESSAGE_LIMIT and "internal error" not in result
    else:
        assert result == shows


def test_a_year_of_9999_or_of_one_is_refused_where_the_cell_is_a_date():
    assert udfs.CS_MRR_MOVEMENTS([HEADER, ["a", FAR, 1.0]]).endswith("(1677-09-22 to 2262-04-11)")



@pytest.mark.parametrize("sign", [1, -1])
def test_an_integer_beyond_floats_range_in_a_table_is_named_not_an_internal_error(sign):
    """Python hands a function an int such as 10**400 as it is (no spreadsheet holds one): the cell is named."""
    huge = sign * 10**400
    assert udfs.CS_MRR_MOVEMENTS([HEADER, ["a", huge, 1.0]]).startswith('#VALUE! data, row 2, column "month"')
    assert udfs.CS_MRR_MOVEMENTS([HEADER, ["a", "2026-01", huge]]).startswith(
        '#VALUE! data, row 2, column "mrr": "' + str(huge)[:20])

# ---------------------------------------------------------------------------------------------- fuzz

CELL = st.one_of(
    st.none(), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 5e-324, 1e-310, 10**400]),
    st.integers(-10**20, 10**20), st.booleans(),
    st.datetimes(dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31)), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.sampled_from(["", " ", "abc", "12,5", "1.234,56", "1e309", "inf", "nan", "-0", "2026-03", "9999-12", "0001-01",
                     "quarter", "logo", "agree", "frozen", "#N/A", "=1+1", "TRUE", "customer", "month", "mrr",
                     "Cliente", "Mês", "Receita"]),
    st.text(max_size=5))
ROW = st.lists(CELL, min_size=1, max_size=4)
RANGE = st.one_of(
    CELL, st.lists(CELL, max_size=8),  # a cell, a flat list
    st.integers(1, 4).flatmap(lambda w: st.lists(st.lists(CELL, min_size=w, max_size=w), max_size=8)),  # rectangular
    st.lists(ROW, max_size=6),  # ragged
    st.lists(st.lists(ROW, max_size=3), max_size=3),  # three levels deep
    st.lists(CELL, max_size=6).map(lambda cells: [HEADER, *[["a", c, 1.0] for c in cells]]),  # a table, odd months
    st.lists(CELL, max_size=6).map(lambda cells: [HEADER, *[["a", "2026-01", c] for c in cells]]),  # odd amounts
)
LABELS = {"CS_HEALTH_FLAG", "CS_NRR_BAND", "CS_TOUCH_MODEL"}  # the functions whose result is a word


def _acceptable_cell(value) -> bool:
    if value is None or isinstance(value, str):
        return True
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(FUNCTIONS)), st.lists(RANGE, max_size=5))
def test_fuzz_every_function_with_excel_shaped_ranges(name, args):
    info = FUNCTIONS[name]
    args = args[: len(info.args)]
    args += [None] * (len(info.args) - len(info.optional) - len(args))  # blank required arguments
    result = getattr(udfs, name)(*args)
    if isinstance(result, list):
        assert result and all(isinstance(row, list) and len(row) == len(result[0]) for row in result)
        assert all(_acceptable_cell(v) for row in result for v in row), result
    elif isinstance(result, str):
        assert result == "" or result.startswith(("#VALUE! ", "#N/A")) or name in LABELS, result
        assert "internal error" not in result, (name, args, result)
        assert len(result) <= udfs.MESSAGE_LIMIT and "\n" not in result
    else:
        assert isinstance(result, (int, float)) and not isinstance(result, bool) and math.isfinite(result), result
