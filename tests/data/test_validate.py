"""Every input problem is reported with the file, sheet, spreadsheet row and column as written, and a fix."""

import pandas as pd
import pytest

from csxl.data.load import load

MRR_OK = "customer_id,month,mrr\na,2026-01,10\nb,2026-01,20\n"


def test_non_numeric_mrr_names_file_row_column_and_fix(write, load_error):
    source = write("mrr.csv", "Cliente;Mês;Receita\na;2026-01;10\nb;2026-01;abc\n")
    message = str(load_error(source))
    assert message == (f'{source}, row 3, column "Receita": "abc" is not a number - write the MRR as a number '
                       "such as 1234.56 or 1.234,56")


def test_error_parts_stay_available(write, load_error):
    err = load_error(write("mrr.csv", "customer_id,month,mrr\na,2026-01,10\na,2026-02,oops\n"))
    assert (err.row, err.column, err.sheet) == (3, '"mrr"', None) and err.file.endswith("mrr.csv")


def test_negative_mrr_and_amount(write, load_error):
    message = str(load_error(write("mrr.csv", "customer_id,month,mrr\na,2026-01,10\na,2026-02,-5\n")))
    assert 'row 3, column "mrr": "-5" is negative - the MRR must be 0 or more' in message
    subs = write("subscriptions.csv", "id,customer,start,amount,interval\ns1,a,2026-01-01,\"(100,00)\",month\n")
    assert 'row 2, column "amount": "(100,00)" is negative' in str(load_error(subs))


def test_zero_mrr_is_allowed(write):
    data = load(write("mrr.csv", "customer_id,month,mrr\na,2026-01,10\na,2026-02,0\n"))
    assert data.mrr["mrr"].tolist() == [10.0, 0.0]


def test_empty_required_cell(write, load_error):
    message = str(load_error(write("mrr.csv", "customer_id,month,mrr\na,2026-01,10\n ,2026-02,5\n")))
    assert 'row 3, column "customer_id": the customer id is empty' in message
    message = str(load_error(write("mrr2.csv", "customer_id,month,mrr\na,2026-01,\n")))
    assert 'row 2, column "mrr": the MRR is empty' in message


@pytest.mark.parametrize("month", ["someday", "2026-13", "31/02/2026"])
def test_unparseable_month(write, load_error, month):
    message = str(load_error(write("mrr.csv", f"customer_id,month,mrr\na,2026-01,1\na,{month},10\n")))
    assert f'row 3, column "month": "{month}" is not a month - write the month as a month such as 2026-03' in message


def test_unparseable_date_in_a_secondary_table(write, load_error, tmp_path):
    write("mrr.csv", MRR_OK)
    write("nps.csv", "customer_id,date,score\na,2026-01-05,9\nb,12/31/2026,3\n")  # month first: not accepted
    message = str(load_error(tmp_path))
    assert 'nps.csv, row 3, column "date": "12/31/2026" is not a date' in message and "day first" in message


def test_missing_column_lists_headers_found_and_aliases_accepted(write, load_error):
    err = load_error(write("mrr.csv", "Cliente,Mês,Total\na,2026-01,10\n"))
    message = str(err)
    assert err.row == 1 and "the mrr table has no mrr column" in message
    assert 'headers found: "Cliente", "Mês", "Total"' in message
    assert "receita" in message and "ingreso_mensual" in message and "monto" in message


def test_duplicate_rows_name_both_rows(write, load_error):
    source = write("mrr.csv", "customer_id,month,mrr\na,2026-01,10\nb,2026-01,1\nc,2026-01,3\nb,2026-01,1\n"
                              "a,2026-01,10\n")
    message = str(load_error(source))
    assert message.startswith(f'{source}, row 5: this row repeats the "customer_id" "b" and "month" 2026-01 of row 3')


def test_same_customer_and_month_for_two_products_is_not_a_duplicate(write, load_error):
    data = load(write("mrr.csv", "customer_id,product,month,mrr\na,Core,2026-01,10\na,Plus,2026-01,5\n"))
    assert data.mrr["mrr"].sum() == 15.0
    message = str(load_error(write("mrr2.csv", "customer_id,product,month,mrr\na,Core,2026-01,10\n"
                                               "a,Core,01/2026,5\n")))
    assert 'row 3: this row repeats the "customer_id" "a" and "month" 2026-01 and "product" "Core" of row 2' in message


def test_header_only_and_empty_files(write, load_error):
    assert "the mrr table has a header but no rows" in str(load_error(write("mrr.csv", "customer_id,month,mrr\n")))
    assert "header but no rows" in str(load_error(write("mrr2.csv", "customer_id,month,mrr\n,,\n\n , ,\n")))
    err = load_error(write("mrr3.csv", ""))
    assert "the file is empty" in str(err) and err.file.endswith("mrr3.csv")


def test_blank_rows_are_skipped_and_row_numbers_kept(write, load_error):
    source = write("mrr.csv", "customer_id,month,mrr\na,2026-01,10\n\n,,\nb,2026-01,x\n")
    assert 'row 5, column "mrr": "x"' in str(load_error(source))


def test_rows_of_unknown_customers_are_skipped_with_one_warning_per_table(write, tmp_path):
    write("mrr.csv", MRR_OK)
    for name, text, shown in [
            ("customers.csv", "cliente,nome\nzz,Z\na,A\nyy,Y\nvv,V\nxx,X\nww,W\n", "5 of 6 rows, of customers not in "
             "the MRR data (zz, yy, vv and 2 more)"),
            ("nps.csv", "customer_id,date,score\nzz,2026-01-05,4\na,2026-01-05,9\n", "1 of 2 rows"),
            ("csat.csv", "customer_id,date,score\nzz,2026-01-05,4\na,2026-01-05,4\n", "1 of 2 rows"),
            ("ces.csv", "customer_id,date,score\nzz,2026-01-05,4\nb,2026-01-05,4\n", "1 of 2 rows"),
            ("health.csv", "customer_id,month,logins\nzz,2026-01,4\na,2026-01,4\n", "1 of 2 rows"),
            ("pipeline.csv", "id,customer_id,stage,type,amount\no1,zz,won,upsell,10\no2,a,won,upsell,10\n", "1 of 2"),
            ("goals.csv", "customer_id,goal\nzz,Adopt\nb,Adopt\n",
             "1 of 2 rows, of customers not in the MRR data (zz)")]:
        path = write(name, text)
        data = load(tmp_path)
        assert set(getattr(data, path.stem)["customer_id"]) <= {"a", "b"}, name
        assert len(data.warnings) == 1 and data.warnings[0].startswith(f"{path}: skipped {shown}"), data.warnings
        path.unlink()
    assert load(tmp_path).warnings == []


def test_a_table_none_of_whose_customers_is_in_the_mrr_data_is_an_error(write, load_error, tmp_path):
    write("mrr.csv", MRR_OK)
    write("nps.csv", "customer_id,date,score\nA,2026-01-05,9\nB,2026-01-06,3\n")
    assert str(load_error(tmp_path)).startswith(
        f'{tmp_path / "nps.csv"}, row 2, column "customer_id": customer "A" is not in the MRR data, nor is any other '
        "customer of the nps table")


@pytest.mark.parametrize("table, header, score, scale", [("nps", "nota", 11, "0 to 10"), ("csat", "score", 0, "1 to 5"),
                                                         ("ces", "puntuacion", 8, "1 to 7")])
def test_survey_score_out_of_range(write, load_error, tmp_path, table, header, score, scale):
    write("mrr.csv", MRR_OK)
    write(f"{table}.csv", f"cliente,data,{header}\na,2026-01-05,{score}\n")
    message = str(load_error(tmp_path))
    assert f'row 2, column "{header}": "{score}" is outside {scale} - write a score from {scale}' in message


@pytest.mark.parametrize("file, text, value, enum, choice", [
    ("clientes.csv", "cliente,status\na,dormindo\n", "dormindo", "status", "onboarding"),
    ("pipeline.csv", "id,cliente,etapa,tipo,valor\no1,a,talvez,upsell,10\n", "talvez", "stage", "negotiation"),
    ("pipeline.csv", "id,cliente,etapa,tipo,valor\no1,a,won,doação,10\n", "doação", "type", "cross_sell"),
])
def test_unknown_enumeration_lists_choices(write, load_error, tmp_path, file, text, value, enum, choice):
    write("mrr.csv", MRR_OK)
    write(file, text)
    message = str(load_error(tmp_path))
    assert 'row 2, column "' in message and f'"{value}" is not a known {enum} - write one of' in message
    assert choice in message


def test_integer_and_minimum(write, load_error, tmp_path):
    write("mrr.csv", MRR_OK)
    write("customers.csv", "customer_id,prazo\na,12\nb,0\n")
    assert 'row 3, column "prazo": "0" is below 1' in str(load_error(tmp_path))
    write("customers.csv", "customer_id,prazo\na,12,5\n".replace("12,5", '"12,5"'))
    assert '"12,5" is not a whole number' in str(load_error(tmp_path))


def test_subscription_ending_before_it_starts(write, load_error):
    source = write("subscriptions.csv", "id,customer,start,end,amount,interval\n"
                                        "s1,a,2026-01-01,,10,month\ns2,a,15/03/2026,01/03/2026,10,month\n")
    assert 'row 3, column "end": the end date 2026-03-01 is before the start date 2026-03-15' in str(
        load_error(source))


def test_xlsx_errors_name_the_sheet(workbook, load_error):
    path = workbook("export.xlsx", {"Receitas": [["Cliente", "Mês", "Valor"], ["a", "2026-01", 10],
                                                 ["b", "março", 5]]})
    message = str(load_error(path))
    assert message.startswith(f'{path}, sheet Receitas, row 3, column "Mês": "março" is not a month')


def test_portuguese_and_spanish_headers_with_accents_and_case(write):
    pt = load(write("receitas.csv", "CÓDIGO DO CLIENTE;Competência;Receita (R$);Produto;Reajuste\n"
                                    "007;03/2026;1.234,56;Core;não\n007;04/2026;1.300,00;Core;sim\n"))
    assert pt.mrr["customer_id"].tolist() == ["007", "007"]
    assert pt.mrr["mrr"].tolist() == [1234.56, 1300.0] and pt.mrr["price_adjustment"].tolist() == [False, True]
    es = load(write("ingresos.csv",
                    "Cuenta,Período,Ingreso Mensual,Producto\nx,2026-01,10,Base\nx,2026-02,12.5,Base\n"))
    assert es.mrr["mrr"].tolist() == [10.0, 12.5] and es.has_products


def test_secondary_tables_with_aliases(write, tmp_path):
    write("mrr.csv", MRR_OK)
    write("Clientes.csv", "Código Cliente;Razão Social;Situação;Data de Renovação;Prazo (meses)\n"
                          "a;Alfa Ltda;Ativo;31/12/2026;12\nb;Beta SA;Implantação;;\n")
    write("Respuestas_NPS.csv", "Cuenta,Fecha,Puntuación,Comentario\na,05/01/2026,9,Muy bien\n")
    write("saude.csv", "cliente,mes,usuarios_ativos,licencas,nps_interno\na,2026-01,8,10,7\n")
    data = load(tmp_path)
    assert data.customers["status"].tolist() == ["active", "onboarding"]
    assert data.customers["renewal_date"].iloc[0].strftime("%Y-%m-%d") == "2026-12-31"
    assert data.customers["contract_term_months"].iloc[0] == 12.0 and data.customers["name"].iloc[1] == "Beta SA"
    assert data.nps["score"].tolist() == [9.0] and data.nps["date"].iloc[0].strftime("%Y-%m-%d") == "2026-01-05"
    assert data.health[["active_users", "licensed_seats", "nps_interno"]].iloc[0].tolist() == [8.0, 10.0, 7.0]


def test_an_end_in_the_year_9999_is_no_end_and_other_far_dates_are_refused(write, tmp_path, load_error):
    write("mrr.csv", "customer_id,month,mrr\na,2026-01,100\nb,2026-01,50\n")
    write("customers.csv", "customer_id,renewal_date,start_date\na,9999-12-31,2020-05-01\nb,2027-03-31,\n")
    customers = load(tmp_path).customers
    assert customers["renewal_date"].isna().tolist() == [True, False]
    assert customers["start_date"].iloc[0] == pd.Timestamp("2020-05-01")
    write("customers.csv", "customer_id,renewal_date\na,2263-01-01\n")
    assert 'row 2, column "renewal_date": "2263-01-01" is outside' in str(load_error(tmp_path))
