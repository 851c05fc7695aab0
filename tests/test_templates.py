"""A team's edits to an exported template survive filling and recalculate correctly."""

import io
import posixpath
import re
import shutil
import zipfile
from xml.etree import ElementTree

import openpyxl
import pandas as pd
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import column_index_from_string
from PIL import Image

from csxl.errors import CsxlDataError
from csxl.workbooks.anchors import named
from csxl.workbooks.builtin import KINDS
from csxl.workbooks.files import atomic_save
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
    exported = atomic_save(qbr_template(Locale("pt-BR", "BRL")), folder / "exported.xlsx")
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
    account = named(wb, "Account")  # the cover's account name
    account.ws[account.local].font = Font(name="Georgia", size=22, color="C00000")
    (sheet, cell), = wb.defined_names["RedBelow"].destinations
    wb[sheet][cell].value = 40  # the team's own threshold
    path = folder / "team.xlsx"
    wb.save(path)
    return path, len(chart_parts(exported))


def test_team_edits_survive_filling_and_recalculate(team_template, tmp_path):
    path, built_in_charts = team_template
    book = small_book()
    wb, warnings = build_qbr(book, ACCOUNT, QbrJob(AS_OF, Locale("pt-BR", "BRL"), template=path))
    assert warnings == []
    filled = atomic_save(wb, tmp_path / "filled.xlsx")
    assert len(chart_parts(filled)) == built_in_charts + 1
    reread = openpyxl.load_workbook(filled)
    account = named(reread, "Account")
    font = account.ws[account.local].font
    assert account.ws.title == "Resumo executivo" and font.name == "Georgia" and font.color.rgb.endswith("C00000")
    (sheet, cell), = reread.defined_names["RedBelow"].destinations
    assert reread[sheet][cell].value == 40
    calculated = convert([filled], tmp_path / "calc")[0]
    team = openpyxl.load_workbook(calculated, data_only=True)["Equipe"]
    mine = book.mrr[(book.mrr.customer_id == ACCOUNT) & (book.mrr.month <= AS_OF)]
    assert team["B1"].value == pytest.approx(mine["mrr"].sum())  # own cell
    answers = book.nps[(book.nps.customer_id == ACCOUNT) & (book.nps.date < AS_OF + pd.DateOffset(months=1))]
    assert team["B2"].value == len(answers)  # own cell
    now = mine[mine.month == AS_OF].set_index("product")["mrr"]
    for r, product in enumerate(("Core", "Analytics", "Automation"), start=4):
        assert team[f"B{r}"].value == pytest.approx(now.get(product, 0.0))  # own cell
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


def edit_package(src, dst, edits=None, add=None):
    """Copy an xlsx package with some parts changed (`edits`: name -> bytes -> bytes) and some added.

    This is how the fixtures get what Excel writes and openpyxl cannot produce: a text box, a sparkline.
    """
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, (edits or {}).get(item.filename, lambda b: b)(data))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
      "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
RID = f"{{{NS['r']}}}id"
XDR = f'xmlns:xdr="{NS["xdr"]}" xmlns:a="{NS["a"]}" xmlns:r="{NS["r"]}"'
G1_TO_I4 = ("<xdr:from><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>0</xdr:row><xdr:rowOff>0</xdr:rowOff>"
            "</xdr:from><xdr:to><xdr:col>8</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>3</xdr:row>"
            "<xdr:rowOff>0</xdr:rowOff></xdr:to>")
SP_PR = ('<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1219200" cy="571500"/></a:xfrm>'
         '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr>')
LOGO_ANCHOR = (f'<xdr:twoCellAnchor {XDR} editAs="oneCell">{G1_TO_I4}<xdr:pic><xdr:nvPicPr>'
               '<xdr:cNvPr id="9" name="Logo"/><xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr>'
               '</xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rIdLogo"/><a:stretch><a:fillRect/></a:stretch>'
               f'</xdr:blipFill>{SP_PR}</xdr:pic><xdr:clientData/></xdr:twoCellAnchor>')
LOGO_REL = ('<Relationship Id="rIdLogo" Target="../media/logo.png" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"/>')
TEXT_BOX_ANCHOR = (f'<xdr:twoCellAnchor {XDR}>{G1_TO_I4}<xdr:sp macro="" textlink=""><xdr:nvSpPr>'
                   f'<xdr:cNvPr id="8" name="TextBox 1"/><xdr:cNvSpPr txBox="1"/></xdr:nvSpPr>{SP_PR}'
                   '<xdr:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:t>Confidential</a:t></a:r></a:p></xdr:txBody>'
                   '</xdr:sp><xdr:clientData/></xdr:twoCellAnchor>')
SPARKLINES = ('<extLst><ext uri="{05C60535-1F16-4fd2-B633-F4F36F0B64E0}" '
              'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
              '<x14:sparklineGroups xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
              '<x14:sparklineGroup displayEmptyCellsAs="gap"><x14:colorSeries rgb="FF376092"/><x14:sparklines>'
              '<x14:sparkline><xm:f>Data_mrr!C2:C13</xm:f><xm:sqref>H2</xm:sqref></x14:sparkline>'
              '</x14:sparklines></x14:sparklineGroup></x14:sparklineGroups></ext></extLst>')


def rels_of(package, part):
    """A part's relationships: id -> target part name (targets are relative to the part, or absolute)."""
    folder, name = posixpath.split(part)
    tree = ElementTree.fromstring(package.read(f"{folder}/_rels/{name}.rels"))
    return {r.get("Id"): r.get("Target").lstrip("/") if r.get("Target").startswith("/")
            else posixpath.normpath(posixpath.join(folder, r.get("Target")))
            for r in tree.iterfind("rel:Relationship", NS)}


def sheet_part(package, title):
    workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
    rid = next(s.get(RID) for s in workbook.iterfind("x:sheets/x:sheet", NS) if s.get("name") == title)
    return rels_of(package, "xl/workbook.xml")[rid]


def drawing_part(package, title):
    """The drawing of the sheet titled `title`, found through the package's relationships."""
    sheet = sheet_part(package, title)
    return rels_of(package, sheet)[ElementTree.fromstring(package.read(sheet)).find("x:drawing", NS).get(RID)]


def pictures(path, title):
    """(column, row, image bytes) of each picture anchored on the sheet titled `title`."""
    with zipfile.ZipFile(path) as package:
        drawing = drawing_part(package, title)
        targets = rels_of(package, drawing)
        found = []
        for anchor in ElementTree.fromstring(package.read(drawing)):
            blip = anchor.find("xdr:pic/xdr:blipFill/a:blip", NS)
            if blip is not None:
                start = anchor.find("xdr:from", NS)
                found.append((int(start.find("xdr:col", NS).text), int(start.find("xdr:row", NS).text),
                              package.read(targets[blip.get(f"{{{NS['r']}}}embed")])))
        return found


def logo_png():
    out = io.BytesIO()
    Image.new("RGB", (120, 40), (192, 0, 0)).save(out, "PNG")
    return out.getvalue()


CHARTED = "MRR"  # a sheet of the English QBR whose drawing already holds charts


def with_cover_anchor(exported, dst, anchor, add=None, rels=""):
    """The exported template with one more drawing anchor on a sheet whose drawing already holds a chart."""
    with zipfile.ZipFile(exported) as package:
        drawing = drawing_part(package, CHARTED)
    folder, name = posixpath.split(drawing)
    png_type = b'<Default Extension="png" ContentType="image/png"/><Default '
    return edit_package(exported, dst, add=add, edits={
        drawing: lambda b: b.replace(b"</wsDr>", anchor.encode() + b"</wsDr>"),
        f"{folder}/_rels/{name}.rels": lambda b: b.replace(b"</Relationships>", rels.encode() + b"</Relationships>"),
        "[Content_Types].xml": lambda b: b if b'Extension="png"' in b else b.replace(b"<Default ", png_type, 1)})


@pytest.fixture
def exported(tmp_path):
    return atomic_save(qbr_template(Locale("en")), tmp_path / "exported.xlsx")


def test_a_logo_on_the_cover_survives_filling(exported, tmp_path):
    """A picture placed as Excel writes it is in the filled workbook, on the same sheet, in the same place.

    openpyxl keeps pictures only when Pillow is importable; without it the logo vanished without a warning.
    """
    logo = logo_png()
    template = with_cover_anchor(exported, tmp_path / "logo.xlsx", LOGO_ANCHOR, {"xl/media/logo.png": logo}, LOGO_REL)
    assert pictures(template, CHARTED) == [(6, 0, logo)]
    wb, warnings = build_qbr(small_book(), ACCOUNT, QbrJob(AS_OF, Locale("en", "USD"), template=template))
    assert warnings == []
    filled = atomic_save(wb, tmp_path / "filled.xlsx")
    with zipfile.ZipFile(filled) as package:
        assert [package.read(n) for n in package.namelist() if n.startswith("xl/media/")] == [logo]
    assert pictures(filled, CHARTED) == [(6, 0, logo)]
    assert len(chart_parts(filled)) == len(chart_parts(exported))  # the sheet's charts are kept beside it


def test_text_boxes_are_announced_and_indeed_lost(exported, tmp_path):
    template = with_cover_anchor(exported, tmp_path / "text_box.xlsx", TEXT_BOX_ANCHOR)
    warnings = template_warnings(template)
    assert len(warnings) == 1 and "shapes and text boxes" in warnings[0] and str(template) in warnings[0]
    wb, announced = build_qbr(small_book(), ACCOUNT, QbrJob(AS_OF, Locale("en", "USD"), template=template))
    assert announced == warnings
    with zipfile.ZipFile(atomic_save(wb, tmp_path / "filled.xlsx")) as package:
        assert not any(b"Confidential" in package.read(n) for n in package.namelist())


def test_a_shape_is_found_whatever_namespace_prefix_the_drawing_uses(exported, tmp_path):
    unprefixed = TEXT_BOX_ANCHOR.replace("xdr:", "").replace("xmlns:xdr=", "xmlns=")
    connector = TEXT_BOX_ANCHOR.replace("xdr:sp ", "xdr:cxnSp ").replace("</xdr:sp>", "</xdr:cxnSp>")
    for name, anchor in (("unprefixed", unprefixed), ("connector", connector)):
        template = with_cover_anchor(exported, tmp_path / f"{name}.xlsx", anchor)
        assert [w for w in template_warnings(template) if "shapes and text boxes" in w], name


@pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")  # openpyxl saying it drops them
def test_sparklines_are_announced_and_indeed_lost(exported, tmp_path):
    with zipfile.ZipFile(exported) as package:
        cover = sheet_part(package, CHARTED)
    template = edit_package(exported, tmp_path / "sparklines.xlsx",
                            {cover: lambda b: b.replace(b"</worksheet>", SPARKLINES.encode() + b"</worksheet>")})
    warnings = template_warnings(template)
    assert len(warnings) == 1 and "sparklines" in warnings[0]
    wb, _ = build_qbr(small_book(), ACCOUNT, QbrJob(AS_OF, Locale("en"), template=template))
    with zipfile.ZipFile(atomic_save(wb, tmp_path / "filled.xlsx")) as package:
        assert not any(b"sparkline" in package.read(n) for n in package.namelist())


def test_pictures_openpyxl_cannot_save_again_are_announced(exported, tmp_path):
    """EMF and WMF (Pillow reads both as "WMF", which openpyxl drops) and SVG (Pillow cannot read it)."""
    template = edit_package(exported, tmp_path / "vector.xlsx", add={
        "xl/media/image1.emf": b"\x01\x00\x00\x00", "xl/media/image2.svg": b"<svg/>",
        "xl/media/image3.png": logo_png()})
    warnings = template_warnings(template)
    assert len(warnings) == 2
    assert any("EMF or WMF pictures" in w for w in warnings) and any("SVG pictures" in w for w in warnings)


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


@pytest.mark.parametrize("kind", KINDS)
def test_every_defined_name_is_a_legal_excel_name(kind, tmp_path):
    for lang in LANGUAGES:
        names = defined_names(atomic_save(KINDS[kind].template(Locale(lang)), tmp_path / f"{kind}_{lang}.xlsx"))
        assert len(names) > 20
        assert {n: excel_name_problem(n) for n in names if excel_name_problem(n)} == {}, (kind, lang)


def test_a_filled_qbr_keeps_legal_names(tmp_path):
    filled, _ = build_qbr(small_book(), ACCOUNT, QbrJob(AS_OF, Locale("es")))
    names = defined_names(atomic_save(filled, tmp_path / "filled.xlsx"))
    assert "NpsZ" in names and [n for n in names if excel_name_problem(n)] == []
