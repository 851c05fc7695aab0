"""The csxl command: machine-readable movements, one-line errors with exit status 2, QBR batches."""

import json
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from csxl.cli import app
from csxl.data.demo import DEMO_TABLES
from csxl.metrics.movements import MOVEMENT_COLUMNS

runner = CliRunner()
BOOK = "customer_id,month,mrr\na,2026-01,100\nb,2026-01,50\na,2026-02,120\nb,2026-03,60\nc,2026-03,10\n"


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "mrr.csv"
    path.write_text(BOOK)
    return path


def test_csv_output_has_the_documented_columns_and_every_period(book):
    result = runner.invoke(app, ["metrics", str(book), "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].split(",") == MOVEMENT_COLUMNS
    rows = [dict(zip(MOVEMENT_COLUMNS, line.split(","))) for line in lines[1:]]
    assert [r["period"] for r in rows] == ["2026-01", "2026-02", "2026-03"]
    # January: everything new; NRR undefined (empty). February: a +20, b churns 50 -> NRR (150+20-50)/150.
    assert rows[0]["start_mrr"] == "0.0" and rows[0]["new"] == "150.0" and rows[0]["nrr"] == ""
    assert float(rows[1]["nrr"]) == pytest.approx(120 / 150)
    assert rows[2]["reactivated_customers"] == "1" and rows[2]["new_customers"] == "1"


def test_json_quarters(book):
    result = runner.invoke(app, ["metrics", str(book), "--format", "json", "--period", "quarter"])
    records = json.loads(result.stdout)
    assert [r["period"] for r in records] == ["2026-Q1"]
    # point to point: a has no March row (churned), b came back at 60, c is new at 10
    assert records[0]["end_mrr"] == 70.0 and records[0]["nrr"] is None and records[0]["customers_end"] == 2


def test_table_output_is_readable(book):
    result = runner.invoke(app, ["metrics", str(book)])
    assert result.exit_code == 0 and "2026-02" in result.stdout and "80.0%" in result.stdout


def test_table_output_says_when_the_last_quarter_is_still_open(book, tmp_path):
    # the book ends in March: its first quarter is whole; one April row leaves the second one open
    whole = runner.invoke(app, ["metrics", str(book), "--period", "quarter"])
    assert whole.exit_code == 0 and "partial" not in whole.stdout
    longer = tmp_path / "longer.csv"
    longer.write_text(BOOK + "c,2026-04,10\n")
    open_quarter = runner.invoke(app, ["metrics", str(longer), "--period", "quarter"])
    assert "2026-Q2 is partial: the data ends in 2026-04" in " ".join(open_quarter.stdout.split())


def test_bad_input_is_one_line_on_stderr_with_exit_status_2(tmp_path):
    bad = tmp_path / "mrr.csv"
    bad.write_text("customer_id,month,mrr\na,2026-01,ten\n")
    done = subprocess.run([sys.executable, "-m", "csxl", "metrics", str(bad)], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0] == (f'csxl: error: {bad}, row 2, column "mrr": "ten" is not a number - '
                        "write the MRR as a number such as 1234.56 or 1.234,56")


def test_qbr_for_one_account_and_refusal_to_overwrite_inputs(book, tmp_path):
    out = tmp_path / "qbr.xlsx"
    result = runner.invoke(app, ["qbr", str(book), "--account", "a", "--as-of", "2026-03", "--lang", "pt-BR",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "MRR" in openpyxl.load_workbook(out).sheetnames
    result = runner.invoke(app, ["qbr", str(book), "--account", "a", "-o", str(book)])
    assert result.exit_code == 2 and "overwrite an input" in result.stderr
    assert book.read_text() == BOOK


def small_demo_csv(folder, customers: int = 24):
    """The demo CSV files cut to their first customers: a batch of a few QBRs tests what a batch of 300 does."""
    from csxl.data.demo import write_demo_csv

    write_demo_csv(folder)
    kept = sorted(pd.read_csv(folder / "mrr.csv")["customer_id"].unique())[:customers]
    for path in folder.glob("*.csv"):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "customer_id" in table:
            table[table["customer_id"].isin(kept)].to_csv(path, index=False)
    return folder


def test_qbr_batch_writes_every_paying_account_and_reports_failures(tmp_path):
    data = small_demo_csv(tmp_path / "data")
    out = tmp_path / "qbrs"
    result = runner.invoke(app, ["qbr", str(data), "--all", "--as-of", "2026-09", "-o", str(out)])
    assert result.exit_code == 0, result.output
    mrr = pd.read_csv(data / "mrr.csv")
    paying = mrr[(mrr["month"] == "2026-09") & (mrr["mrr"] > 0)]["customer_id"].nunique()
    assert len(list(out.glob("*.xlsx"))) == paying
    assert f"{paying} QBRs written" in result.stdout and "0 failed" in result.stdout


def test_template_export(tmp_path):
    out = tmp_path / "my_qbr.xlsx"
    result = runner.invoke(app, ["template", "export", "qbr", "--lang", "es", "-o", str(out)])
    assert result.exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert "Resumen ejecutivo" in wb.sheetnames and "AsOf" in wb.defined_names


def test_forecast_and_portfolio_commands(tmp_path):
    from csxl.data.demo import write_demo_csv

    data = tmp_path / "data"
    write_demo_csv(data)
    for command, extra in (("forecast", ["--horizon", "24", "--lang", "es"]), ("portfolio", ["--lang", "pt-BR"])):
        out = tmp_path / f"{command}.xlsx"
        result = runner.invoke(app, [command, str(data), *extra, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert "MasterCheck" in openpyxl.load_workbook(out).defined_names
    result = runner.invoke(app, ["forecast", str(data), "--horizon", "30", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "--horizon must be from 1 to 24" in result.stderr
    result = runner.invoke(app, ["portfolio", str(data), "--as-of", "someday", "-o", str(tmp_path / "y.xlsx")])
    assert result.exit_code == 2 and "is not a month" in result.stderr
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "y.xlsx").exists()


@pytest.mark.parametrize("command", ["qbr", "forecast", "portfolio"])
def test_as_of_outside_the_data_is_one_line_naming_the_months_the_data_has(book, tmp_path, command):
    out = tmp_path / "out.xlsx"
    extra = ["--account", "a"] if command == "qbr" else []
    for as_of in ("2030-01", "2025-12"):  # the book runs from 2026-01 to 2026-03
        result = runner.invoke(app, [command, str(book), *extra, "--as-of", as_of, "-o", str(out)])
        assert result.exit_code == 2, result.output
        assert result.stderr.strip() == (f"csxl: error: {book}: --as-of {as_of} is outside the MRR data, which runs "
                                         "from 2026-01 to 2026-03 - pick a month from 2026-01 to 2026-03")
    assert not out.exists()


def test_demo_writes_every_example_workbook_and_says_where(tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.xlsx"))
    assert len([p for p in written if p.startswith("qbr/")]) == 3
    assert "forecast_pt-BR.xlsx" in written and "portfolio_en.xlsx" in written
    printed = " ".join(result.stdout.split())  # rich may wrap long paths
    for path in written:
        assert str((tmp_path / "out" / path).resolve()).replace(" ", "") in printed.replace(" ", "")
    assert len(list((tmp_path / "out" / "demo-data").glob("*.csv"))) == len(DEMO_TABLES)


def test_a_currency_without_a_known_usd_value_is_refused(book, tmp_path):
    result = runner.invoke(app, ["qbr", str(book), "--account", "a", "--currency", "JPY",
                                 "-o", str(tmp_path / "q.xlsx")])
    assert result.exit_code == 2
    assert result.stderr.startswith("csxl: error: currency must be one of USD, BRL, MXN, EUR,")
    assert "not 'JPY'" in result.stderr and not (tmp_path / "q.xlsx").exists()


@pytest.mark.parametrize("kind, sheet, name", [("forecast", "Supuestos", "ForecastMRR"),
                                               ("portfolio", "Portada", "NRR")])
def test_forecast_and_portfolio_fill_an_exported_template_in_its_language_and_the_data_currency(tmp_path, kind, sheet,
                                                                                               name):
    from csxl.data.demo import write_demo_csv

    data = tmp_path / "data"
    write_demo_csv(data)
    template = tmp_path / f"my_{kind}.xlsx"
    result = runner.invoke(app, ["template", "export", kind, "--lang", "es", "--currency", "EUR", "-o", str(template)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(template)
    wb[sheet]["Z1"] = "nuestra nota"  # a team's own edit
    wb.save(template)
    out = tmp_path / f"{kind}.xlsx"
    result = runner.invoke(app, [kind, str(data), "--template", str(template), "--lang", "es", "-o", str(out)])
    assert result.exit_code == 0, result.output
    filled = openpyxl.load_workbook(out)
    assert filled[sheet]["Z1"].value == "nuestra nota" and name in filled.defined_names  # own cell
    money = {c.number_format for ws in filled.worksheets for row in ws.iter_rows() for c in row}
    assert any('"R$ "' in f for f in money) and not any('"€ "' in f for f in money)  # the demo data's currency
