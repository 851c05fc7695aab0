"""QBR workbooks: LibreOffice recalculates them and every named output equals csxl.metrics."""

import dataclasses
import html
import inspect
import math
import re
import zipfile

import openpyxl
import pandas as pd
import pytest

from csxl.metrics import health
from csxl.metrics.movements import customer_movements
from csxl.workbooks.anchors import named
from csxl.workbooks.files import atomic_save
from csxl.workbooks.jobs import QbrJob, build_qbr
from csxl.workbooks.labels import LABELS, LANGUAGES, Locale
from csxl.workbooks.libreoffice import convert
from csxl.workbooks.qbr import (
    COMMENT_ROWS,
    HISTORY,
    KIND,
    OUTPUT_NAMES,
    TABLES,
    qbr_template,
    quarter_end,
)
from tests.books import ACCOUNT, OTHERS, small_book
from tests.parity import REGISTRY, Case
from tests.workbook_values import anchored, blank, named_values

AS_OF = pd.Timestamp("2026-09-01")


def expected_outputs(data, account, as_of, locale, survey_months=12, ticket_seats=10, bands=(1.0, 0.8)):
    """Every named output of a QBR from the parity registry (csxl.metrics), with some Inputs changed."""
    case = Case(data, as_of, locale, account, survey_months, ticket_seats, bands)
    return {name: REGISTRY["qbr"][name](case) for name in OUTPUT_NAMES}


def assert_matches(actual: dict, expected: dict):
    for name, want in expected.items():
        got = actual[name]
        if (isinstance(want, float) and math.isnan(want)) or want == "":
            assert blank(got), name
        elif isinstance(want, float):
            assert got == pytest.approx(want, rel=1e-9, abs=1e-9), name
        else:
            assert got == want, name


@pytest.fixture(scope="module")
def book():
    return small_book()


@pytest.fixture(scope="module")
def generated(book, tmp_path_factory):
    """QBRs of the account in the three languages, recalculated by LibreOffice in one run."""
    folder = tmp_path_factory.mktemp("qbr")
    paths = []
    for lang in LANGUAGES:
        wb, _ = build_qbr(book, ACCOUNT, QbrJob(AS_OF, Locale(lang)))
        paths.append(atomic_save(wb, folder / f"qbr_{lang}.xlsx"))
    calculated = convert(paths, folder / "calc")
    return dict(zip(LANGUAGES, zip(paths, calculated)))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_named_output_equals_python(book, generated, lang):
    _, calculated = generated[lang]
    actual = named_values(calculated, [*OUTPUT_NAMES, "MasterCheck"])
    assert_matches(actual, expected_outputs(book, ACCOUNT, AS_OF, Locale(lang)))
    assert actual["MasterCheck"] == Locale(lang)("ok")


def layout_values(wb, lang, sheet):
    """A function from an anchor key of a QBR sheet to the values of its cells in `wb`."""
    anchors = KIND.layout(Locale(lang)).anchors[sheet]
    return lambda key: [wb[a.ws.title][a.local].value for a in anchors[key].cells()]


def movement_cells(path, lang):
    """The MRR sheet's monthly movements, as {(month, line): value}."""
    values = layout_values(openpyxl.load_workbook(path, data_only=True), lang, "mrr")
    months = [pd.Timestamp(m) for m in values("window")]
    return {(month, line): value for line in ("start_mrr", "new", "reactivation", "expansion", "contraction", "churn",
                                              "end_mrr") for month, value in zip(months, values(line))}


def test_every_movement_cell_equals_python(book, generated):
    _, calculated = generated["en"]
    cells = movement_cells(calculated, "en")
    mine = book.mrr[(book.mrr.customer_id == ACCOUNT) & (book.mrr.month <= AS_OF)]
    python = customer_movements(mine).assign(month=lambda t: t.period.dt.to_timestamp()).set_index("month")
    months = sorted({m for m, _ in cells})
    assert len(months) == HISTORY and months[-1] == AS_OF
    moved = 0
    for month in months:
        for line in ("start_mrr", "new", "reactivation", "expansion", "contraction", "churn", "end_mrr"):
            want = python.loc[month, line] if month in python.index else 0.0
            assert cells[(month, line)] == pytest.approx(want, abs=1e-6), (month, line)
            moved += want != 0 and line not in ("start_mrr", "end_mrr")
    assert moved >= 5  # the book really moves in the window; the comparison is not all zeros


def test_editing_one_mrr_value_recalculates_every_output(book, generated, tmp_path):
    source, _ = generated["en"]
    wb = openpyxl.load_workbook(source)
    ws = wb[f"{Locale('en')('sheet.data')}_mrr"]
    target = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 3).value == AS_OF.to_pydatetime())
    product = ws.cell(target, 2).value
    ws.cell(target, 4).value = 4321.5
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    calculated = convert([edited], tmp_path / "calc")[0]
    changed = book.mrr.copy()
    hit = (changed.customer_id == ACCOUNT) & (changed.month == AS_OF) & (changed["product"] == product)
    assert hit.sum() == 1
    changed.loc[hit, "mrr"] = 4321.5
    edited_book = type(book)(**{**book.__dict__, "mrr": changed})
    actual = named_values(calculated, OUTPUT_NAMES)
    expected = expected_outputs(edited_book, ACCOUNT, AS_OF, Locale("en"))
    assert_matches(actual, expected)
    assert actual["MRR"] != named_values(generated["en"][1], ["MRR"])["MRR"]


def set_inputs(path, values, saved):
    """A copy of a QBR with some Inputs changed, as a reader would change them."""
    wb = openpyxl.load_workbook(path)
    for name, item in values.items():
        (sheet, cell), = wb.defined_names[name].destinations
        wb[sheet][cell.replace("$", "")].value = item
    wb.save(saved)
    return saved


def expected_comments(data, account, as_of, months):
    """(date, survey, score, comment) of the account's comments in the survey window, newest first."""
    said = pd.concat([getattr(data, s).assign(survey=s.upper()) for s in ("nps", "csat", "ces")])
    said = said[(said.customer_id == account) & (said.comment.str.strip() != "")
                & (said.date >= as_of - pd.DateOffset(months=months - 1))
                & (said.date < as_of + pd.DateOffset(months=1))]
    rows = [(d.to_pydatetime(), s, float(c), t)
            for d, s, c, t in said[["date", "survey", "score", "comment"]].itertuples(index=False)]
    return sorted(rows, key=lambda row: row[0], reverse=True)


def shown_comments(path, locale):
    area = KIND.layout(locale).anchors["voice"]["comments"]
    ws = openpyxl.load_workbook(path, data_only=True)[area.ws.title]
    return [row for row in ws.iter_rows(min_row=area.row, max_row=area.bottom, min_col=area.col, max_col=area.right,
                                        values_only=True) if not blank(row[0])]


def assert_latest_comments(shown, expected):
    assert len(shown) == min(len(expected), COMMENT_ROWS)
    assert [row[0] for row in shown] == [row[0] for row in expected[:COMMENT_ROWS]]  # newest first
    assert set(shown) <= set(expected)  # answers of the same day may come in any order


def test_survey_window_ticket_seats_and_nrr_bands_are_live_inputs(book, generated, tmp_path):
    source, calculated = generated["en"]
    locale = Locale("en")
    assert_latest_comments(shown_comments(calculated, locale), expected_comments(book, ACCOUNT, AS_OF, 12))
    assert len(expected_comments(book, ACCOUNT, AS_OF, 12)) > COMMENT_ROWS  # the 12 latest of a longer list
    earlier = pd.Timestamp("2026-07-01")  # the Data tables also hold the answers after it
    edited = set_inputs(source, {"AsOf": earlier.to_pydatetime(), "SurveyMonths": 2, "TicketSeats": 25,
                                 "BandHealthy": 1.5, "BandLow": 1.2}, tmp_path / "edited.xlsx")
    recalculated = convert([edited], tmp_path / "calc")[0]
    expected = expected_outputs(book, ACCOUNT, earlier, locale, survey_months=2, ticket_seats=25, bands=(1.5, 1.2))
    before = expected_outputs(book, ACCOUNT, earlier, locale)
    assert all(expected[k] != before[k] for k in ("NPS", "CES", "HealthScore", "NrrBand"))  # each input matters
    assert_matches(named_values(recalculated, OUTPUT_NAMES), expected)
    comments = expected_comments(book, ACCOUNT, earlier, 2)
    assert 0 < len(comments) <= COMMENT_ROWS
    assert_latest_comments(shown_comments(recalculated, locale), comments)
    window = anchored(openpyxl.load_workbook(recalculated, data_only=True), "qbr", locale, "voice", "window")
    assert window.value == "Answers from the last 2 months"


def test_ticket_seats_is_an_input_with_unit_and_source():
    locale = Locale("pt-BR")
    wb = qbr_template(locale)
    (sheet, ref), = wb.defined_names["TicketSeats"].destinations
    row = wb[sheet][ref.replace("$", "")].row
    cell, unit, note = (wb[sheet][f"{c}{row}"] for c in "BCD")
    assert cell.value == inspect.signature(health.health_components).parameters["ticket_seats"].default
    assert cell.font.color.rgb.endswith("0000FF") and unit.value == "licenças"
    assert f"aba {locale('sheet.health')}" in note.value  # where the constant is used, in the reader's words
    formulas = [c.value for row in wb[locale("sheet.health")].iter_rows() for c in row
                if isinstance(c.value, str) and "TicketPenalty" in c.value]
    assert len(formulas) == 12 and all("/TicketSeats)" in f for f in formulas)


def test_the_nrr_band_is_coloured_as_the_flags():
    locale = Locale("es")
    wb = qbr_template(locale)
    band_cell, flag_cell = named(wb, "NrrBand"), named(wb, "HealthFlag")
    colours = lambda cell: {r.formula[0].strip('"'): r.dxf.fill.fgColor.rgb  # noqa: E731
                            for cf in cell.ws.conditional_formatting if str(cf.sqref) == cell.local for r in cf.rules}
    band, flag = colours(band_cell), colours(flag_cell)
    assert band == {locale("band.healthy"): flag[locale("flag.Green")],
                    locale("band.retains"): flag[locale("flag.Yellow")], locale("band.low"): flag[locale("flag.Red")]}


@pytest.fixture(scope="module")
def other_accounts(book, tmp_path_factory):
    """pt-BR QBRs of the frozen (ZEBRA) and the onboarding (QUOLL) account, recalculated in one run."""
    folder = tmp_path_factory.mktemp("others")
    paths = [atomic_save(build_qbr(book, a, QbrJob(AS_OF, Locale("pt-BR")))[0], folder / f"qbr_{a}.xlsx")
             for a in OTHERS]
    return dict(zip(OTHERS, zip(paths, convert(paths, folder / "calc"))))


@pytest.mark.parametrize("account, flag", [("ZEBRA-5521", "Freeze"), ("QUOLL-9034", "Activation")])
def test_a_frozen_or_onboarding_account_is_flagged_by_its_status(book, other_accounts, account, flag):
    locale = Locale("pt-BR")
    expected = expected_outputs(book, account, AS_OF, locale)
    assert expected["HealthFlag"] == locale(f"flag.{flag}")  # the status overrides the score in csxl.metrics
    assert not blank(expected["HealthScore"])  # ... and there is a score it overrides
    actual = named_values(other_accounts[account][1], [*OUTPUT_NAMES, "MasterCheck"])
    assert_matches(actual, expected)
    assert actual["MasterCheck"] == locale("ok")


def goal_statuses(path, locale):
    """{goal: status shown} of the Success plan sheet of a recalculated QBR."""
    values = layout_values(openpyxl.load_workbook(path, data_only=True), locale.lang, "plan")
    return {goal: status for goal, status in zip(values("goal"), values("status")) if goal}


def test_goal_statuses_show_in_the_workbook_language(generated, other_accounts):
    locale = Locale("pt-BR")
    assert goal_statuses(generated["pt-BR"][1], locale) == {"Reduzir tempo de fechamento": "No prazo",
                                                            "Adotar Analytics": "Em risco"}
    assert goal_statuses(generated["es"][1], Locale("es")) == {"Reduzir tempo de fechamento": "En buen camino",
                                                               "Adotar Analytics": "En riesgo"}
    assert goal_statuses(other_accounts["ZEBRA-5521"][1], locale) == {"Meta secreta da Zebra": "x"}  # as written


def texts_of_other_customers(data, account):
    """What only other customers' rows hold: ids, names, their CSMs (not this account's), opportunity ids, goals."""
    others = data.customers[data.customers.customer_id != account]
    own_csms = set(data.customers.loc[data.customers.customer_id == account, "csm"])
    theirs = lambda df, column: set(df.loc[df.customer_id != account, column])  # noqa: E731
    return ({*others.customer_id, *others.name, *(set(others.csm) - own_csms),
             *theirs(data.pipeline, "opportunity_id"), *theirs(data.goals, "goal")})


@pytest.fixture(scope="module")
def refilled(book, other_accounts, tmp_path_factory):
    """This account's QBR filled from a team's template: last quarter's Zebra QBR as LibreOffice saved it."""
    _, zebra_saved = other_accounts["ZEBRA-5521"]
    wb, _ = build_qbr(book, ACCOUNT, QbrJob(AS_OF, Locale("pt-BR"), template=zebra_saved))
    return atomic_save(wb, tmp_path_factory.mktemp("refilled") / "qbr.xlsx")


@pytest.mark.parametrize("source", ["built-in", "user template"])
def test_the_file_holds_nothing_of_any_other_customer(book, generated, refilled, source):
    path = generated["pt-BR"][0] if source == "built-in" else refilled
    with zipfile.ZipFile(path) as package:
        text = html.unescape(b"".join(package.read(n) for n in package.namelist()).decode("utf-8", "replace"))
    ours = lambda df, column: set(df.loc[df.customer_id == ACCOUNT, column])  # noqa: E731
    own = {ACCOUNT, *ours(book.customers, "name"), *ours(book.customers, "csm"),
           *ours(book.pipeline, "opportunity_id"), *ours(book.goals, "goal")}
    assert len(own) == 2 + 1 + 6 + 2
    for mine in own:  # the scan looks where the account's own data is
        assert mine in text, mine
    forbidden = texts_of_other_customers(book, ACCOUNT)
    assert {"ZEBRA-5521", "Bruno Lima", "Carla Dias", "OP5", "OP6", "Meta secreta da Zebra"} <= forbidden
    for theirs in forbidden:
        assert theirs not in text, theirs


# Text from data that a spreadsheet would run if it were written as a formula (OWASP, "CSV injection").
HOSTILE = ("+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", '=HYPERLINK("http://evil.example","click")')


def with_text(data, account, text):
    """The book with `text` as the account's name, its latest NPS comment and its first goal."""
    customers, nps, goals = data.customers.copy(), data.nps.copy(), data.goals.copy()
    customers.loc[customers.customer_id == account, "name"] = text
    latest = nps[(nps.customer_id == account) & (nps.date < AS_OF + pd.DateOffset(months=1))].date.idxmax()
    nps.loc[latest, "comment"] = text
    goals.loc[goals.index[goals.customer_id == account][0], "goal"] = text
    return dataclasses.replace(data, customers=customers, nps=nps, goals=goals)


@pytest.fixture(scope="module")
def hostile(book, tmp_path_factory):
    """One QBR per hostile text, recalculated in one run."""
    folder = tmp_path_factory.mktemp("hostile")
    paths = [atomic_save(build_qbr(with_text(book, ACCOUNT, t), ACCOUNT, QbrJob(AS_OF, Locale("en")))[0],
                         folder / f"hostile_{i}.xlsx") for i, t in enumerate(HOSTILE)]
    return dict(zip(HOSTILE, zip(paths, convert(paths, folder / "calc"))))


@pytest.mark.parametrize("text", HOSTILE)
def test_text_from_data_is_written_as_text_not_as_a_formula(hostile, text):
    source, calculated = hostile[text]
    locale = Locale("en")
    data = locale("sheet.data")
    stored = [(ws.title, c.data_type) for ws in openpyxl.load_workbook(source).worksheets for row in ws.iter_rows()
              for c in row if c.value == text]
    assert {title for title, _ in stored} == {f"{data}_customer", f"{data}_nps", f"{data}_comments", f"{data}_goals"}
    assert all(kind == "s" for _, kind in stored)
    with zipfile.ZipFile(source) as package:
        formulas = "\n".join(html.unescape(f) for n in package.namelist() if n.startswith("xl/worksheets/")
                             for f in re.findall(r"<f>([^<]*)</f>", package.read(n).decode()))
    assert "INDEX(D_customer_name,1)" in formulas and text[1:] not in formulas  # never inside a formula
    shown = openpyxl.load_workbook(calculated, data_only=True)
    assert named_values(calculated, ["Account"])["Account"] == text
    name = named(shown, "D_customer_name").cell(0)
    assert (name.ws.title, shown[name.ws.title][name.local].value) == (f"{data}_customer", text)
    assert text in [c.value for c in shown[locale("sheet.voice")]["D"]]  # the latest comment
    assert text in [c.value for c in shown[locale("sheet.value")]["A"]]  # the goal


# Functions that Excel 2010+, LibreOffice and Google Sheets all compute, so a workbook opens the same in each.
PORTABLE = {"ABS", "AND", "AVERAGEIFS", "COLUMNS", "COUNT", "COUNTA", "COUNTIF", "COUNTIFS", "DATE", "EDATE", "EOMONTH",
            "EXACT", "IF", "IFERROR", "INDEX", "ISNUMBER", "LARGE", "MATCH", "MAX", "MIN", "MONTH", "NA", "OR", "ROUND",
            "ROUNDUP", "ROW", "ROWS", "SQRT", "SUBSTITUTE", "SUM", "SUMIFS", "SUMPRODUCT", "TEXT", "YEAR"}


@pytest.mark.parametrize("kind", ["qbr", "portfolio", "forecast"])
def test_outputs_use_only_portable_functions(kind):
    from csxl.workbooks.builtin import KINDS

    wb = KINDS[kind].template(Locale("en"))
    formulas = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert len(formulas) > 500
    used = set(re.findall(r"([A-Z][A-Z0-9._]*)\(", re.sub(r'"[^"]*"', "", "\n".join(formulas))))
    assert used <= PORTABLE, used - PORTABLE


def test_every_label_exists_in_every_language():
    for key, words in LABELS.items():
        assert len(words) == len(LANGUAGES) and all(w.strip() for w in words), key


def test_default_period_is_the_last_complete_quarter(book):
    assert quarter_end(book, None) == pd.Timestamp("2026-09-01")  # data ends in October 2026
    assert quarter_end(book, "2026-06") == pd.Timestamp("2026-06-01")


def test_template_has_empty_data_tables_and_all_names():
    wb = qbr_template(Locale("es", "EUR"))
    for table in TABLES.values():
        ws = next(ws for ws in wb.worksheets if table.table_name in ws.tables)
        assert ws.max_row <= 2 and all(c.value is None for c in ws[2])
    for name in [*OUTPUT_NAMES, "MasterCheck"]:
        assert name in wb.defined_names


def test_a_batch_goes_on_past_a_bad_account(tmp_path):
    from csxl.workbooks.jobs import write_all_qbrs

    accounts = [ACCOUNT, "NO-SUCH-ACCOUNT", *OTHERS]
    results = {a: (p, e) for a, p, e in write_all_qbrs(small_book, accounts, QbrJob(AS_OF, Locale("en")), tmp_path,
                                                      workers=2)}
    assert set(results) == set(accounts)
    path, error = results["NO-SUCH-ACCOUNT"]
    assert "is not in the MRR data" in error and not path.exists()
    assert all(results[a][1] is None and results[a][0].exists() for a in [ACCOUNT, *OTHERS])
