"""A team's edits to an exported template survive filling and recalculate correctly."""

import re
import shutil
import zipfile

import openpyxl
import pandas as pd
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import column_index_from_string

from csxl.errors import CsxlDataError
from csxl.workbooks.files import atomic_save, refuse_overwriting_inputs
from csxl.workbooks.builtin import LAYOUTS
from csxl.workbooks.jobs import QbrJob, build_qbr
from csxl.workbooks.labels import LANGUAGES, Locale
from csxl.workbooks.libreoffice import convert
from csxl.workbooks.qbr import qbr_template
from csxl.workbooks.template import template_warnings
from tests.books import ACCOUNT, small_book
from tests.workbook_values import named_values

AS_OF = pd.Timestamp("2026-09-01")


def chart_parts(path):
    with zipfile.ZipFile(path) as package:
        return [n for n in package.namelist() if n.startswith("xl/charts/chart")]


@pytest.fixture(scope="module")
def team_template(tmp_path_factory):
    """The exported template as a finance team leaves it: a sheet of its own, a chart, new colours."""
    folder = tmp_path_factory.mktemp("template")
    exported = atomic_save(qbr_template(Locale("pt-BR")), folder / "exported.xlsx")
    wb = openpyxl.load_workbook(exported)
    team = wb.create_sheet("Equipe")
    team["A1"] = "MRR total nos dados"
    team["B1"] = "=SUM(D_mrr_mrr)"
    team["A2"] = "Respostas de NPS"
    team["B2"] = "=COUNT(D_nps_score)"
    for r, product in enumerate(("Core", "Analytics", "Automation"), start=4):
        team[f"A{r}"] = product
        team[f"B{r}"] = f'=SUMIFS(D_mrr_mrr,D_mrr_product,A{r},D_mrr_month,AsOf)'
    chart = BarChart()
    chart.add_data(Reference(team, min_col=2, min_row=4, max_row=6))
    chart.set_categories(Reference(team, min_col=1, min_row=4, max_row=6))
    team.add_chart(chart, "D2")
    cover = wb["Capa"]
    cover["A2"].font = Font(name="Georgia", size=22, color="C00000")
    (sheet, cell), = wb.defined_names["RedBelow"].destinations
    wb[sheet][cell].value = 40  # the team's own threshold
    path = folder / "team.xlsx"
    wb.save(path)
    return path, len(chart_parts(exported))


def test_team_edits_survive_filling_and_recalculate(team_template, tmp_path):
    path, built_in_charts = team_template
    book = small_book()
    wb, warnings = build_qbr(book, ACCOUNT, QbrJob(AS_OF, Locale("pt-BR"), template=path))
    assert warnings == []
    filled = atomic_save(wb, tmp_path / "filled.xlsx")
    assert len(chart_parts(filled)) == built_in_charts + 1
    reread = openpyxl.load_workbook(filled)
    assert reread["Capa"]["A2"].font.name == "Georgia" and reread["Capa"]["A2"].font.color.rgb.endswith("C00000")
    (sheet, cell), = reread.defined_names["RedBelow"].destinations
    assert reread[sheet][cell].value == 40
    calculated = convert([filled], tmp_path / "calc")[0]
    team = openpyxl.load_workbook(calculated, data_only=True)["Equipe"]
    mine = book.mrr[(book.mrr.customer_id == ACCOUNT) & (book.mrr.month <= AS_OF)]
    assert team["B1"].value == pytest.approx(mine["mrr"].sum())
    answers = book.nps[(book.nps.customer_id == ACCOUNT) & (book.nps.date < AS_OF + pd.DateOffset(months=1))]
    assert team["B2"].value == len(answers)
    now = mine[mine.month == AS_OF].set_index("product")["mrr"]
    for r, product in enumerate(("Core", "Analytics", "Automation"), start=4):
        assert team[f"B{r}"].value == pytest.approx(now.get(product, 0.0))
    assert named_values(calculated, ["MRR"])["MRR"] == pytest.approx(now.sum())


def test_a_template_missing_its_data_tables_is_refused(tmp_path):
    wb = openpyxl.Workbook()
    path = tmp_path / "empty.xlsx"
    wb.save(path)
    with pytest.raises(CsxlDataError, match="no Excel table named t_"):
        build_qbr(small_book(), ACCOUNT, QbrJob(AS_OF, Locale("en"), template=path))


def test_what_openpyxl_cannot_keep_is_announced(tmp_path):
    plain = atomic_save(qbr_template(Locale("en")), tmp_path / "plain.xlsx")
    assert template_warnings(plain) == []
    risky = tmp_path / "risky.xlsx"
    shutil.copy(plain, risky)
    with zipfile.ZipFile(risky, "a") as package:
        package.writestr("xl/drawings/vmlDrawing9.vml", "<xml/>")
        package.writestr("xl/pivotTables/pivotTable1.xml", "<pivotTableDefinition/>")
    warnings = template_warnings(risky)
    assert len(warnings) == 2
    assert any("pivot tables" in w for w in warnings) and any("form controls" in w for w in warnings)


def test_an_output_that_is_an_input_is_refused(tmp_path):
    data = tmp_path / "mrr.csv"
    data.write_text("customer_id,month,mrr\nA,2026-01,10\n")
    with pytest.raises(CsxlDataError, match="overwrite an input"):
        refuse_overwriting_inputs(data, [data])
    with pytest.raises(CsxlDataError, match="overwrite an input"):
        refuse_overwriting_inputs(data, [tmp_path])
    refuse_overwriting_inputs(tmp_path / "qbr.xlsx", [tmp_path])  # a new file beside the data is fine
    assert data.read_text().startswith("customer_id")


def excel_name_problem(name: str) -> str | None:
    """Why Excel would refuse `name` as a defined name (and offer to repair the file), or None.

    Excel's rules (Microsoft, "Names in formulas"): 1 to 255 characters; the first a letter, an
    underscore or a backslash; then letters, digits, underscores and periods; not TRUE or FALSE; and
    not a cell reference, in A1 style (columns A to XFD, rows 1 to 1048576) or R1C1 style (R, C, R1C1, RC2).
    """
    if not 1 <= len(name) <= 255:
        return "length"
    if not (name[0].isalpha() or name[0] in "_\\"):
        return "first character"
    if not all(c.isalnum() or c in "_." for c in name[1:]):
        return "character"
    if name.upper() in ("TRUE", "FALSE"):
        return "boolean"
    a1 = re.fullmatch(r"([A-Za-z]{1,3})(\d+)", name)
    if a1 and column_index_from_string(a1[1].upper()) <= 16384 and 1 <= int(a1[2]) <= 1048576:
        return "A1 reference"
    if re.fullmatch(r"[Rr]\d*([Cc]\d*)?|[Cc]\d*", name):
        return "R1C1 reference"
    return None


def test_the_name_rules_catch_what_excel_refuses():
    refused = ["Z95", "A1", "xfd1048576", "R", "c", "RC", "R1C1", "RC2", "R3", "C12", "TRUE", "false", "1st",
               "Nps Z", "NPS-Z", "", "N" * 256]
    assert all(excel_name_problem(n) for n in refused), [n for n in refused if not excel_name_problem(n)]
    accepted = ["NpsZ", "XFE1", "A1048577", "AsOf", "_xlnm.Print_Area", "\\note", "D_mrr_m01", "RCx", "Mult_new"]
    assert not any(excel_name_problem(n) for n in accepted), [n for n in accepted if excel_name_problem(n)]


def defined_names(path):
    """Every defined name written into a workbook file."""
    with zipfile.ZipFile(path) as package:
        return re.findall(r'<definedName\b[^>]*\bname="([^"]+)"', package.read("xl/workbook.xml").decode())


@pytest.mark.parametrize("kind", LAYOUTS)
def test_every_defined_name_is_a_legal_excel_name(kind, tmp_path):
    for lang in LANGUAGES:
        names = defined_names(atomic_save(LAYOUTS[kind](Locale(lang)), tmp_path / f"{kind}_{lang}.xlsx"))
        assert len(names) > 20
        assert {n: excel_name_problem(n) for n in names if excel_name_problem(n)} == {}, (kind, lang)


def test_a_filled_qbr_keeps_legal_names(tmp_path):
    filled, _ = build_qbr(small_book(), ACCOUNT, QbrJob(AS_OF, Locale("es")))
    names = defined_names(atomic_save(filled, tmp_path / "filled.xlsx"))
    assert "NpsZ" in names and [n for n in names if excel_name_problem(n)] == []
