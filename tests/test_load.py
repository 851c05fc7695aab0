"""Reading real-world exports: aliases, decimal commas, day-first dates, serials, and located errors."""

import datetime as dt

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csxl.data.load import load
from csxl.data.parse import parse_dates, parse_months, parse_numbers
from csxl.errors import CsxlDataError


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_portuguese_headers_semicolons_and_decimal_commas(tmp_path):
    source = write(tmp_path / "receitas.csv",
                   "Código do Cliente;Mês;Receita (R$);Produto\n"
                   "007;03/2026;1.234,56;Core\n"
                   "007;04/2026;1.300,00;Core\n"
                   "A-2;abr/2026;99,9;Analytics\n")
    data = load(source)
    assert list(data.mrr["customer_id"]) == ["007", "007", "A-2"]  # leading zeros kept
    assert list(data.mrr["mrr"]) == [1234.56, 1300.0, 99.9]
    assert list(data.mrr["month"].dt.strftime("%Y-%m")) == ["2026-03", "2026-04", "2026-04"]
    assert data.has_products


def test_spanish_headers_and_accents_and_case(tmp_path):
    source = write(tmp_path / "data.csv", "CLIENTE,Fecha,Monto\nx,2026-01-15,10\nx,2026-02-15,12.5\n")
    data = load(source)
    assert list(data.mrr["mrr"]) == [10.0, 12.5] and not data.has_products


@pytest.mark.parametrize("text, expected", [
    ("1.234,56", 1234.56), ("1,234.56", 1234.56), ("12,5", 12.5), ("R$ 3.000,00", 3000.0), ("100", 100.0),
    ("US$ 2,500.75", 2500.75), ("(10,00)", -10.0),
])
def test_numbers(text, expected):
    values, bad = parse_numbers(pd.Series([text, "1"]))
    assert values.iloc[0] == pytest.approx(expected) and not bad.any()


@pytest.mark.parametrize("value, expected", [
    ("2026-03-15", "2026-03-15"), ("15/03/2026", "2026-03-15"), ("15.03.2026", "2026-03-15"),
    ("46096", "2026-03-15"),  # Excel serial of 2026-03-15 (day 1 = 1900-01-01, with the 1900 leap-year bug)
    (46096.0, "2026-03-15"), (dt.datetime(2026, 3, 15, 9, 30), "2026-03-15"),
    ("01/02/2026", "2026-02-01"),  # day first, never month first
])
def test_dates(value, expected):
    parsed, bad = parse_dates(pd.Series([value], dtype=object))
    assert parsed.iloc[0].strftime("%Y-%m-%d") == expected and not bad.any()


@pytest.mark.parametrize("value", ["2026-03", "03/2026", "mar/2026", "Março 2026", "marzo 2026", "2026-03-31",
                                   "31/03/2026", "46096"])
def test_months(value):
    parsed, bad = parse_months(pd.Series([value]))
    assert parsed.iloc[0] == pd.Timestamp("2026-03-01") and not bad.any()


def error_of(source) -> str:
    with pytest.raises(CsxlDataError) as caught:
        load(source)
    return str(caught.value)


def test_non_numeric_mrr_names_file_row_column_and_fix(tmp_path):
    source = write(tmp_path / "mrr.csv", "cliente,mes,receita\na,2026-01,10\nb,2026-01,abc\n")
    message = error_of(source)
    assert message.startswith(f'{source}, row 3, column "receita": "abc" is not a number')
    assert "1234.56" in message


def test_negative_mrr(tmp_path):
    message = error_of(write(tmp_path / "mrr.csv", "customer_id,month,mrr\na,2026-01,10\na,2026-02,-5\n"))
    assert 'row 3, column "mrr": "-5" is negative' in message and "0 or more" in message


def test_unparseable_month(tmp_path):
    message = error_of(write(tmp_path / "mrr.csv", "customer_id,month,mrr\na,someday,10\n"))
    assert 'row 2, column "month": "someday" is not a month' in message


def test_missing_column_lists_headers_and_aliases(tmp_path):
    message = error_of(write(tmp_path / "mrr.csv", "customer_id,month,total\na,2026-01,10\n"))
    assert "has no mrr column" in message and '"total"' in message and "receita" in message
    assert "row 1" in message


def test_duplicate_rows_name_both(tmp_path):
    message = error_of(write(tmp_path / "mrr.csv", "customer_id,month,mrr\na,2026-01,10\nb,2026-01,1\na,2026-01,10\n"))
    assert "row 4" in message and "repeats" in message and "row 2" in message


def test_empty_file_and_header_only(tmp_path):
    assert "is empty" in error_of(write(tmp_path / "mrr.csv", ""))
    assert "header but no rows" in error_of(write(tmp_path / "mrr2.csv", "customer_id,month,mrr\n"))


def test_unknown_id_in_a_secondary_table(tmp_path):
    write(tmp_path / "mrr.csv", "customer_id,month,mrr\na,2026-01,10\n")
    write(tmp_path / "nps.csv", "customer_id,date,score\na,2026-01-05,9\nghost,2026-01-06,3\n")
    message = error_of(tmp_path)
    assert f"{tmp_path / 'nps.csv'}, row 3" in message and '"ghost" is not in the MRR data' in message


def test_survey_score_out_of_range(tmp_path):
    write(tmp_path / "mrr.csv", "customer_id,month,mrr\na,2026-01,10\n")
    write(tmp_path / "nps.csv", "cliente,data,nota\na,2026-01-05,11\n")
    assert 'row 2, column "nota": "11" is outside 0 to 10' in error_of(tmp_path)


def test_unknown_enumeration_lists_choices(tmp_path):
    write(tmp_path / "mrr.csv", "customer_id,month,mrr\na,2026-01,10\n")
    write(tmp_path / "clientes.csv", "cliente,status\na,dormindo\n")
    message = error_of(tmp_path)
    assert '"dormindo" is not a known status' in message and "onboarding" in message


def test_unreadable_workbook_and_missing_path(tmp_path):
    assert "cannot open the workbook" in error_of(write(tmp_path / "broken.xlsx", "not a zip"))
    assert "no such file" in error_of(tmp_path / "nowhere.csv")


def test_xlsx_sheets_named_after_tables_with_serials_and_sheet_in_errors(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Receitas"
    ws.append(["Cliente", "Mês", "Valor"])
    ws.append([7, 46082, 100])  # an id Excel stored as a number, a month as a serial (2026-03-01)
    ws.append(["b", dt.datetime(2026, 3, 1), "1.000,50"])
    customers = wb.create_sheet("Clientes")
    customers.append(["Cliente", "Nome", "Status"])
    customers.append([7, "Sete Ltda", "Ativo"])
    customers.append(["b", "Bê S.A.", "congelado"])
    path = tmp_path / "export.xlsx"
    wb.save(path)
    data = load(path)
    assert list(data.mrr["customer_id"]) == ["7", "b"]
    assert list(data.mrr["month"]) == [pd.Timestamp("2026-03-01")] * 2
    assert list(data.mrr["mrr"]) == [100.0, 1000.5]
    assert list(data.customers["status"]) == ["active", "frozen"]
    ws.append(["c", "março", 5])
    wb.save(path)
    assert "sheet Receitas, row 4" in error_of(path)


def test_input_files_are_never_modified(tmp_path):
    source = write(tmp_path / "mrr.csv", "customer_id,month,mrr\na,2026-01,10\n")
    before = source.read_bytes()
    load(source)
    assert source.read_bytes() == before


rows = st.lists(st.tuples(st.sampled_from(["a", "b", "007", "Zé"]), st.integers(0, 23),
                          st.floats(0, 1e6, allow_nan=False).map(lambda x: round(x, 2))), min_size=1, max_size=30,
                unique_by=lambda r: r[:2])


@settings(max_examples=25, deadline=None)
@given(rows)
def test_csv_xlsx_and_parquet_load_to_the_same_frame(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("formats")
    frame = pd.DataFrame(rows, columns=["customer_id", "m", "mrr"])
    frame["month"] = [f"{2024 + m // 12}-{m % 12 + 1:02d}" for m in frame.pop("m")]
    frame.to_csv(folder / "mrr.csv", index=False)
    frame.to_excel(folder / "mrr.xlsx", index=False)
    frame.to_parquet(folder / "mrr.parquet")
    loaded = [load(folder / f"mrr.{ext}").mrr for ext in ("csv", "xlsx", "parquet")]
    for other in loaded[1:]:
        pd.testing.assert_frame_equal(loaded[0], other)
    shuffled = frame.sample(frac=1, random_state=1)
    shuffled.to_csv(folder / "mrr.csv", index=False)
    pd.testing.assert_frame_equal(load(folder / "mrr.csv").mrr, loaded[0])
    assert np.isclose(loaded[0]["mrr"].sum(), frame["mrr"].sum())
