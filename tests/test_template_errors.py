"""A file that is no template, or a template of another kind or with a broken input name: one line that says so."""

import shutil
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from csxl.errors import CsxlDataError
from csxl.workbooks.files import atomic_save
from csxl.workbooks.forecast import forecast_template
from csxl.workbooks.labels import Locale
from csxl.workbooks.portfolio import portfolio_template
from csxl.workbooks.qbr import qbr_template
from csxl.workbooks.template import open_template, set_input

EN = Locale("en")
LAYOUTS = {"qbr": qbr_template, "portfolio": portfolio_template, "forecast": forecast_template}
KIND_NAMES = {"qbr": "QBR", "portfolio": "portfolio", "forecast": "forecast"}


@pytest.fixture
def exported(tmp_path):
    return atomic_save(qbr_template(EN), tmp_path / "exported.xlsx")


def one_line_error(call) -> str:
    with pytest.raises(CsxlDataError) as err:
        call()
    assert "\n" not in str(err.value)
    return str(err.value)


@pytest.mark.parametrize("points_to, why", [("'Inputs'!$B$3:$B$5", "not to one cell"), ("#REF!", "not to one cell"),
                                            ("'Inputs'!#REF!", "not to one cell"),
                                            ("'Gone'!$B$3", "a sheet the template does not have (Gone)")])
def test_an_input_name_that_points_nowhere_is_named(exported, tmp_path, points_to, why):
    wb = openpyxl.load_workbook(exported)
    wb.defined_names["AsOf"].attr_text = points_to
    wb.save(tmp_path / "broken.xlsx")
    opened, _ = open_template(tmp_path / "broken.xlsx")
    message = one_line_error(lambda: set_input(opened, "AsOf", pd.Timestamp("2026-09-01")))
    assert str(tmp_path / "broken.xlsx") in message and "AsOf" in message and why in message


def truncated(exported, tmp_path):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(exported.read_bytes()[: exported.stat().st_size // 2])
    return path


@pytest.mark.parametrize("make, why", [
    (lambda e, t: t / "missing.xlsx", "no such file"),
    (lambda e, t: t, "is a folder"),
    (lambda e, t: shutil.copy(e, t / "book.csv"), "a .csv file, not an Excel workbook"),
    (lambda e, t: (t / "empty.xlsx").touch() or t / "empty.xlsx", "the file is empty"),
    (truncated, "not a complete .xlsx package"),
])
def test_a_file_that_is_no_template_says_what_it_is(exported, tmp_path, make, why):
    path = make(exported, tmp_path)
    message = one_line_error(lambda: open_template(path, "qbr"))
    assert message.startswith(f"{path}: ") and why in message and "csxl template export qbr" in message
    assert why in one_line_error(lambda: open_template(path))  # and without saying which kind is wanted


@pytest.mark.parametrize("given, wanted", [("forecast", "qbr"), ("portfolio", "qbr"), ("qbr", "forecast"),
                                           ("qbr", "portfolio")])
def test_a_template_of_another_kind_says_which_kind_it_is(tmp_path, given, wanted):
    path = atomic_save(LAYOUTS[given](EN), tmp_path / f"{given}.xlsx")
    message = one_line_error(lambda: open_template(path, wanted))
    assert f"this is a {KIND_NAMES[given]} template, not a {KIND_NAMES[wanted]} template" in message
    assert str(path) in message
    assert open_template(path, given)[1] == []


def test_a_workbook_without_the_tables_of_a_kind_names_them(exported, tmp_path):
    wb = openpyxl.load_workbook(exported)
    for ws in wb.worksheets:
        ws.tables.pop("t_goals", None)
    wb.save(tmp_path / "no_goals.xlsx")
    message = one_line_error(lambda: open_template(tmp_path / "no_goals.xlsx", "qbr"))
    assert "this is not a QBR template: it has no Excel table named t_goals" in message


def csxl(*args):
    done = subprocess.run([sys.executable, "-m", "csxl", *map(str, args)], capture_output=True, text=True,
                          timeout=300)
    assert "Traceback" not in done.stderr
    return done


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "mrr.csv"
    path.write_text("customer_id,month,mrr\na,2026-01,100\na,2026-02,120\n")
    return path


def test_a_csv_given_as_template_is_one_line_from_the_command(book, tmp_path):
    (tmp_path / "x.csv").write_text("not,a,template\n")
    done = csxl("qbr", book, "--account", "a", "--template", tmp_path / "x.csv", "-o", tmp_path / "qbr.xlsx")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert str(tmp_path / "x.csv") in done.stderr and "a .csv file, not an Excel workbook" in done.stderr
    assert not (tmp_path / "qbr.xlsx").exists()


@pytest.mark.parametrize("command, given", [(("qbr", "--account", "a"), "forecast"), (("portfolio",), "qbr")])
def test_a_template_of_another_kind_is_named_by_the_command(book, tmp_path, command, given):
    template = atomic_save(LAYOUTS[given](EN), tmp_path / f"{given}.xlsx")
    done = csxl(command[0], book, *command[1:], "--template", template, "-o", tmp_path / "out.xlsx")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert f"this is a {KIND_NAMES[given]} template, not a {KIND_NAMES[command[0]]} template" in done.stderr
    assert str(template) in done.stderr and not (tmp_path / "out.xlsx").exists()
