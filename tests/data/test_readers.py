"""Sources: one CSV, one workbook, a folder; delimiters, encodings, sheet and row numbers."""

import datetime as dt
import zipfile

import openpyxl
import pandas as pd
import pytest

from csxl.data import readers
from csxl.data.load import load
from csxl.data.readers import read_source

MRR_ROWS = [("a", "2026-01", "1234,5"), ("b", "2026-01", "99")]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_detected_even_with_decimal_commas(write, delimiter):
    quote = '"' if delimiter == "," else ""
    lines = [delimiter.join(["cliente", "mes", "receita"])]
    lines += [delimiter.join([c, m, f"{quote}{v}{quote}"]) for c, m, v in MRR_ROWS]
    data = load(write("mrr.csv", "\n".join(lines) + "\n"))
    assert data.mrr["mrr"].tolist() == [1234.5, 99.0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_encodings(write, encoding):
    text = "Código do Cliente;Mês;Receita\nJoão & Cia;março 2026;1.234,56\nÑandú;abr/2026;10\n"
    data = load(write("mrr.csv", text, encoding))
    assert data.mrr["customer_id"].tolist() == ["João & Cia", "Ñandú"]
    assert data.mrr["month"].dt.month.tolist() == [3, 4]


def test_a_latin1_byte_cp1252_cannot_decode_still_reads(write, tmp_path):
    write("mrr.csv", "customer_id,month,mrr\na,2026-01,1\n")
    path = write("customers.csv", "customer_id,name\n", "ascii")
    path.write_bytes(path.read_bytes() + b"a,caf\xe9\x81\n")  # 0x81 is undefined in cp1252
    assert load(tmp_path).customers["name"].tolist() == ["caf\xe9\x81"]


def test_one_csv_is_mrr_or_subscriptions_by_its_headers(write):
    subs = write("export.csv", "Assinatura,Cliente,Início,Valor,Periodicidade\ns1,a,01/01/2026,1200,anual\n")
    assert [t.table.name for t in read_source(subs)] == ["subscriptions"]
    # the name does not override the headers for a lone file
    named_mrr = write("mrr.csv", subs.read_text())
    assert [t.table.name for t in read_source(named_mrr)] == ["subscriptions"]
    snapshots = write("data.csv", "customer,month,mrr\na,2026-01,1\n")
    assert [t.table.name for t in read_source(snapshots)] == ["mrr"]


def test_a_lone_secondary_table_says_what_is_missing(write, load_error):
    message = str(load_error(write("clientes.csv", "cliente,nome\na,A\n")))
    assert "there is no MRR or subscriptions table (found: customers)" in message


def test_workbook_sheets_named_after_tables(workbook):
    path = workbook("export.xlsx", {
        "Leia-me": [["Exportado do ERP"]],
        "Receitas": [["Cliente", "Mês", "Valor"], [7, 46082, 100], ["b", dt.datetime(2026, 3, 1), "1.000,50"]],
        "Clientes": [["Cliente", "Nome", "Status"], [7, "Sete Ltda", "Ativo"], ["b", "Bê S.A.", "congelado"]],
    })
    data = load(path)
    assert data.mrr["customer_id"].tolist() == ["7", "b"]  # 7 stored by Excel as a number
    assert data.mrr["month"].tolist() == [pd.Timestamp("2026-03-01")] * 2  # 46082 is the serial of 2026-03-01
    assert data.mrr["mrr"].tolist() == [100.0, 1000.5]
    assert data.customers["status"].tolist() == ["active", "frozen"]


def test_a_workbook_without_named_sheets_is_one_table_from_its_first_sheet(workbook):
    path = workbook("book.xlsx", {"Plan1": [["customer_id", "month", "mrr"], ["a", "2026-01", 5]],
                                  "Plan2": [["x"]]})
    assert load(path).mrr["mrr"].tolist() == [5.0]


def test_sheet_row_numbers_are_excel_rows_even_when_data_starts_lower(tmp_path, load_error):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "mrr"
    ws["B3"], ws["C3"], ws["D3"] = "customer", "month", "mrr"
    ws["B4"], ws["C4"], ws["D4"] = "a", "2026-01", 1
    ws["B6"], ws["C6"], ws["D6"] = "b", "2026-01", "abc"  # row 5 left blank
    wb.save(tmp_path / "book.xlsx")
    message = str(load_error(tmp_path / "book.xlsx"))
    assert 'sheet mrr, row 6, column "mrr": "abc" is not a number' in message


def test_folder_of_csv_xlsx_and_parquet(tmp_path, write, workbook):
    write("mrr.csv", "customer_id,product,month,mrr\na,Core,2026-01,10\nb,Core,2026-01,20\n")
    workbook("Clientes.xlsx", {"Sheet": [["cliente", "segmento"], ["a", "SMB"], ["b", "Enterprise"]]})
    pd.DataFrame({"customer_id": ["a"], "date": [pd.Timestamp("2026-01-05")], "score": [10]}).to_parquet(
        tmp_path / "nps.parquet")
    write("notes.txt", "not a table")
    write("~$mrr.csv", "Excel lock file")
    data = load(tmp_path)
    assert data.customers["segment"].tolist() == ["SMB", "Enterprise"]
    assert data.nps["score"].tolist() == [10.0] and data.nps["date"].dtype == "datetime64[ns]"
    assert data.csat is None and data.subscriptions is None


def test_a_table_given_twice_in_a_folder(tmp_path, write, load_error):
    write("mrr.csv", "customer_id,month,mrr\na,2026-01,1\n")
    write("receitas.csv", "customer_id,month,mrr\na,2026-01,1\n")
    message = str(load_error(tmp_path))
    assert "the table mrr is given twice" in message and "mrr.csv" in message and "receitas.csv" in message


@pytest.mark.parametrize("name, content, expected", [
    ("broken.xlsx", "not a zip", "cannot open the workbook"),
    ("data.parquet", "not parquet", "cannot read the Parquet file"),
    ("data.xls", "old", "csxl reads .csv"),
])
def test_unreadable_files_name_the_file_and_the_fix(write, load_error, name, content, expected):
    err = load_error(write(name, content))
    assert expected in str(err) and err.file.endswith(name) and err.fix


def test_missing_path_and_folder_without_tables(tmp_path, write, load_error):
    assert "no such file or folder" in str(load_error(tmp_path / "nowhere.csv"))
    write("notes.csv", "a,b\n1,2\n")
    message = str(load_error(tmp_path))
    assert "the folder has no table csxl knows" in message and "mrr.csv" in message


def test_ragged_csv_row(write, load_error):
    message = str(load_error(write("mrr.csv", "customer_id,month,mrr\na,2026-01,1\nb,2026-01,1,9,9\n")))
    assert message.endswith("mrr.csv, row 3: this row has 5 fields where the header has 3 - remove the extra "
                            'separator, or quote a value that holds one ("1,5")')


def test_input_files_are_never_modified(write):
    source = write("mrr.csv", "customer_id,month,mrr\na,2026-01,10\n")
    before = source.read_bytes()
    load(source)
    assert source.read_bytes() == before


def test_workbook_size_limits(workbook, load_error, monkeypatch):
    path = workbook("mrr.xlsx", {"mrr": [["customer_id", "month", "mrr"], ["a", "2026-01", 1], ["b", "2026-01", 2]]})
    with zipfile.ZipFile(path) as book:
        unpacked = sum(info.file_size for info in book.infolist())
    monkeypatch.setattr(readers, "MAX_UNCOMPRESSED", unpacked - 1)
    assert f"the workbook unpacks to {unpacked:,} bytes; csxl reads at most {unpacked - 1:,}" in str(load_error(path))
    monkeypatch.setattr(readers, "MAX_UNCOMPRESSED", unpacked)
    monkeypatch.setattr(readers, "MAX_CELLS", 8)  # the sheet is 3 rows by 3 columns
    assert "sheet mrr: the sheet spans 3 rows by 3 columns; csxl reads at most 1,000 columns and 8 cells" in str(
        load_error(path))
    monkeypatch.setattr(readers, "MAX_CELLS", 9)
    assert len(load(path).mrr) == 2
