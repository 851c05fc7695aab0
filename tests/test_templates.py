"""A team's edits to an exported template survive filling and recalculate correctly."""

import shutil
import zipfile

import openpyxl
import pandas as pd
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from csxl.errors import CsxlDataError
from csxl.workbooks.files import atomic_save, refuse_overwriting_inputs
from csxl.workbooks.jobs import QbrJob, build_qbr
from csxl.workbooks.labels import Locale
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
