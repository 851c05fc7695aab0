"""Column parsers: number conventions, day-first dates, Excel serials, months, flags, ids, enumerations."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csxl.data.parse import (
    AmbiguousDecimal,
    blank,
    parse_bools,
    parse_dates,
    parse_enum,
    parse_ids,
    parse_months,
    parse_numbers,
)


def column(*values, dtype=object) -> pd.Series:
    return pd.Series(list(values), dtype=dtype)


# --- numbers ---

@pytest.mark.parametrize("text, expected", [
    ("1.234,56", 1234.56), ("R$ 1.234,56", 1234.56), ("12,5", 12.5), ("1,234.56", 1234.56), ("100", 100.0),
    ("US$ 2,500.75", 2500.75), ("(10,00)", -10.0), ("-R$ 5,00", -5.0), ("R$ -5,00", -5.0), ("5,00-", -5.0),
    ("1 234,56", 1234.56), ("1\xa0234,56", 1234.56), ("0,125", 0.125), ("1.234.567,8", 1234567.8),
    ("€12", 12.0), ("1.5E3", 1500.0), (" 42 ", 42.0),
])
def test_a_lone_number_in_every_spelling(text, expected):
    for dtype in (object, str):
        values, bad = parse_numbers(column(text, dtype=dtype))
        assert values.iloc[0] == pytest.approx(expected) and not bad.any(), (text, dtype)


def test_the_decimal_separator_is_decided_per_column():
    # "12,5" proves a decimal comma, so "1.500" in the same column is fifteen hundred
    values, bad = parse_numbers(column("1.500", "12,5", "3"))
    assert values.tolist() == [1500.0, 12.5, 3.0] and not bad.any()
    # "2.5" proves a decimal point, so "1,500" is fifteen hundred
    values, bad = parse_numbers(column("1,500", "2.5"))
    assert values.tolist() == [1500.0, 2.5] and not bad.any()


def test_a_point_no_value_proves_is_ambiguous_unless_the_separator_is_stated():
    with pytest.raises(AmbiguousDecimal) as caught:
        parse_numbers(column("850", "99.000", "150.250", "500.125"))
    assert caught.value.position == 1
    assert parse_numbers(column("850", "99.000", "150.250"), ".")[0].tolist() == [850.0, 99.0, 150.25]
    assert parse_numbers(column("850", "99.000", "150.250"), ",")[0].tolist() == [850.0, 99_000.0, 150_250.0]
    # a stated comma makes a decimal point a contradiction, even in the plain form
    assert parse_numbers(column("12.5", "3"), ",")[1].tolist() == [True, False]
    # a lone comma with three digits after it is a thousands separator, as before
    assert parse_numbers(column("1,500", "850"))[0].tolist() == [1500.0, 850.0]


def test_values_contradicting_the_column_convention_are_bad():
    values, bad = parse_numbers(column("1.234,56", "9", "1,234.56"))
    assert values.iloc[0] == 1234.56 and bad.tolist() == [False, False, True]


# digits with up to two decimals after a point, as most exports write amounts and counts
plain = st.builds(lambda whole, cents: f"{whole}" if cents is None else f"{whole}.{cents}",
                  st.integers(-10**9, 10**9), st.none() | st.from_regex(r"[0-9]{1,2}", fullmatch=True))


@given(st.lists(plain, min_size=1, max_size=30))
def test_plain_numbers_read_as_python_reads_them(texts):
    for dtype in (object, str):
        values, bad = parse_numbers(column(*texts, dtype=dtype))
        assert values.tolist() == [float(t) for t in texts] and not bad.any()


def test_digits_of_other_scripts_are_not_numbers():
    values, bad = parse_numbers(column("0.\u0660", "12"))  # an Arabic-Indic zero
    assert np.isnan(values.iloc[0]) and bad.tolist() == [True, False]


def test_a_value_with_three_decimals_leaves_the_column_to_its_convention():
    # "2.50" alone proves a decimal point; next to "1.500" too, since "2.50" comes first
    assert parse_numbers(column("2.50", "1.500"))[0].tolist() == [2.5, 1.5]


@pytest.mark.parametrize("text", ["abc", "12%", "1.23.4", "-", "R$", "12 abc", "(5", "1,2,3"])
def test_not_numbers(text):
    assert parse_numbers(column(text, "1"))[1].tolist() == [True, False]


def test_blanks_are_nan_not_bad_and_excel_numbers_pass_through():
    values, bad = parse_numbers(column("", None, "  ", 3, 4.5, np.nan))
    assert values.iloc[:3].isna().all() and values.iloc[3:5].tolist() == [3.0, 4.5] and not bad.any()
    assert parse_numbers(column(dt.datetime(2026, 1, 1)))[1].tolist() == [True]  # a date is not an amount
    typed = parse_numbers(pd.Series([1, 2], dtype="int64"))[0]
    assert typed.dtype == "float64" and typed.tolist() == [1.0, 2.0]


# --- dates ---

@pytest.mark.parametrize("value, expected", [
    ("2026-03-15", "2026-03-15"), ("15/03/2026", "2026-03-15"), ("15.03.2026", "2026-03-15"),
    ("15-03-26", "2026-03-15"), ("01/02/2026", "2026-02-01"),  # day first, never month first
    ("46096", "2026-03-15"), (46096, "2026-03-15"), (46096.75, "2026-03-15"),  # Excel serial, time dropped
    ("20260315", "2026-03-15"), (20260315, "2026-03-15"),
    (dt.datetime(2026, 3, 15, 9, 30), "2026-03-15"), (dt.date(2026, 3, 15), "2026-03-15"),
    (pd.Timestamp("2026-03-15 23:59"), "2026-03-15"), ("2026-03-15T10:30:00Z", "2026-03-15"),
    ("15/03/2026 10:30", "2026-03-15"), ("15 de março de 2026", "2026-03-15"), ("15-Mar-2026", "2026-03-15"),
])
def test_dates(value, expected):
    parsed, bad = parse_dates(column(value))
    assert parsed.iloc[0] == pd.Timestamp(expected) and not bad.any()
    assert parsed.dtype == "datetime64[ns]"


def test_excel_serials_count_from_1899_12_30():
    # Excel: =DATE(2026,3,15) is 46096 and =DATE(1950,1,1) is 18264 (days since 1899-12-30)
    expected = pd.Timestamp("1899-12-30") + pd.to_timedelta([46096, 18264], unit="D")
    assert parse_dates(column(46096.0, 18264.0))[0].tolist() == list(expected)


@pytest.mark.parametrize("value", ["31/02/2026", "2026-13-01", "13/13/2026", "2026-03", "mar/2026", "soon", "2026",
                                   "12/31/2026"])
def test_not_dates(value):
    parsed, bad = parse_dates(column(value))
    assert bad.tolist() == [True] and pd.isna(parsed.iloc[0])


def test_blank_dates_are_nat_and_typed_columns_are_kept():
    parsed, bad = parse_dates(column("", None, np.nan))
    assert parsed.isna().all() and not bad.any()
    typed = pd.Series(pd.to_datetime(["2026-03-15 10:00", None]))
    parsed, bad = parse_dates(typed)
    assert parsed.iloc[0] == pd.Timestamp("2026-03-15") and pd.isna(parsed.iloc[1]) and not bad.any()


# --- months ---

@pytest.mark.parametrize("value", ["2026-03", "2026/03", "03/2026", "3/2026", "202603", 202603, "mar/2026",
                                   "Mar-26", "março 2026", "Março de 2026", "marzo 2026", "MARCH 2026", "2026 mar",
                                   "2026-03-31", "31/03/2026", "46096", 46096.0, dt.datetime(2026, 3, 31)])
def test_months_fall_on_the_first_day(value):
    parsed, bad = parse_months(column(value))
    assert parsed.iloc[0] == pd.Timestamp("2026-03-01") and not bad.any()


@pytest.mark.parametrize("value", ["13/2026", "2026", "marble 2026", "someday", "2026-00"])
def test_not_months(value):
    assert parse_months(column(value))[1].tolist() == [True]


def test_months_of_a_large_column_map_each_spelling_once():
    spellings = ["2026-01", "02/2026", "mar/2026"] * 100_000
    parsed, bad = parse_months(column(*spellings, dtype=str))
    assert not bad.any()
    assert parsed.iloc[:3].tolist() == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01"),
                                        pd.Timestamp("2026-03-01")]
    assert parsed.value_counts().tolist() == [100_000] * 3


# --- flags, ids, enumerations ---

def test_flags():
    values = ["sim", "Não", "SÍ", "no", "yes", "x", "", None, "true", "FALSE", "1", "0", 1.0, 0, True, False]
    parsed, bad = parse_bools(column(*values))
    assert parsed.tolist() == [True, False, True, False, True, True, False, False, True, False, True, False,
                               True, False, True, False]
    assert not bad.any()
    assert parse_bools(column("talvez", 2))[1].tolist() == [True, True]


def test_ids_stay_as_written_and_excel_floats_lose_their_point():
    parsed, bad = parse_ids(column("007", " A-2 ", 7.0, 7.5, 12345678901.0, "", None))
    assert parsed.tolist() == ["007", "A-2", "7", "7.5", "12345678901", "", ""]
    assert bad.tolist() == [False] * 5 + [True, True]
    floats = parse_ids(pd.Series([7.0, np.nan, 8.0]))[0]  # a Parquet float column of ids
    assert floats.tolist() == ["7", "", "8"]


def test_enumerations_use_their_canonical_values():
    parsed, bad = parse_enum(column("Anual", " mensal ", "TRIMESTRAL", "Semestral", "", None, "fortnight"),
                             "interval")
    assert parsed.tolist() == ["year", "month", "quarter", "semester", "", "", ""]
    assert bad.tolist() == [False] * 6 + [True]
    assert parse_enum(column("Ganho", "Negociação", "closed won"), "stage")[0].tolist() == [
        "won", "negotiation", "won"]


def test_blank():
    assert blank(column("", "  ", None, np.nan, "a", 0)).tolist() == [True, True, True, True, False, False]
    assert blank(column("", " x", None, dtype=str)).tolist() == [True, False, True]


def test_far_dates_are_bad_whatever_their_type_and_an_open_end_in_9999_is_empty():
    far = [dt.datetime(9999, 12, 31), "9999-12-31", "31/12/9999", 99991231, "2262-04-12", "1949-12-31", "0001-01-01"]
    for value in far:
        values, bad = parse_dates(column(value, "2026-03-15"))
        assert bad.tolist() == [True, False] and values.iloc[1] == pd.Timestamp("2026-03-15"), value
    values, bad = parse_dates(column(dt.datetime(9999, 12, 31), "9999-01-15", "2300-01-01"), open_end=True)
    assert values.isna().all() and bad.tolist() == [False, False, True]
    assert parse_dates(column("1950-01-01", "2200-12-31"))[1].tolist() == [False, False]


def test_a_time_zone_keeps_the_wall_date():
    moment = dt.datetime(2026, 1, 5, 23, tzinfo=dt.timezone(dt.timedelta(hours=-3)))
    assert parse_dates(column(moment, dt.date(2026, 4, 1)))[0].tolist() == [pd.Timestamp("2026-01-05"),
                                                                            pd.Timestamp("2026-04-01")]
