"""The currency is the data's, never the language's: the same book in English, Portuguese and Spanish shows the
same amounts in the same currency and falls in the same benchmark band; mixed, unknown and contradicted
currencies are refused in one line; an assumed currency is said; a template refilled in another currency shows
the data's symbol."""

import re

import openpyxl
import pandas as pd
import pytest
from openpyxl.chart import BarChart, Reference
from typer.testing import CliRunner

from csxl.cli import app
from csxl.currencies import CURRENCY_SYMBOLS, DEFAULT_CURRENCY, USD_PER_UNIT
from csxl.data.dataset import Dataset
from csxl.data.demo import demo_dataset
from csxl.errors import CsxlDataError
from csxl.metrics.benchmarks import saas_capital_benchmark
from csxl.workbooks.anchors import named
from csxl.workbooks.builtin import KINDS, SHIPPED
from csxl.workbooks.labels import LANGUAGES, Locale
from csxl.workbooks.libreoffice import convert
from csxl.workbooks.qbr import quarter_end
from tests.books import ACCOUNT, small_book
from tests.workbook_values import anchored

runner = CliRunner()
AS_OF = pd.Timestamp("2026-09-01")
OPTIONS = {"qbr": {"account": ACCOUNT}, "portfolio": {}, "forecast": {"horizon": 12}}
SYMBOL = re.compile('"(' + "|".join(re.escape(s) for s in CURRENCY_SYMBOLS.values()) + ') "')


def in_reais() -> Dataset:
    """The small book in BRL, its amounts scaled so that the ACV converted at the USD, BRL and MXN rates falls in
    three different SaaS Capital bands: a book whose band followed the language would show it."""
    book = small_book()
    return Dataset(**{**book.__dict__, "mrr": book.mrr.assign(mrr=book.mrr["mrr"] * 50),
                      "customers": book.customers.assign(currency="BRL")})


def symbols(path) -> set[str]:
    """The currency symbols of every number format of a workbook's cells and chart axes."""
    wb = openpyxl.load_workbook(path)
    formats = [c.number_format for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    formats += [axis.numFmt.formatCode for ws in wb.worksheets for chart in ws._charts
                for axis in (chart.x_axis, chart.y_axis) if axis.numFmt is not None]
    return {m.group(1) for fmt in formats for m in SYMBOL.finditer(fmt or "")}


def value(wb, name: str):
    area = named(wb, name)
    return wb[area.ws.title][area.local].value


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """The QBR and the portfolio of the BRL book in every language, as written and as LibreOffice recalculated
    them: {(kind, lang): (path written, recalculated workbook)}."""
    folder = tmp_path_factory.mktemp("currency")
    book = in_reais()
    written = {(kind, lang): KINDS[kind].write(book, AS_OF, Locale(lang), folder / f"{kind}_{lang}.xlsx",
                                               **OPTIONS[kind])[0]
               for kind in ("qbr", "portfolio") for lang in LANGUAGES}
    converted = convert(list(written.values()), folder / "calc")
    return {key: (path, openpyxl.load_workbook(done, data_only=True))
            for (key, path), done in zip(written.items(), converted)}


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", ["qbr", "portfolio"])
def test_every_language_shows_the_same_amounts_in_the_data_currency(recalculated, kind):
    amounts = {lang: (value(recalculated[(kind, lang)][1], "MRR"), value(recalculated[(kind, lang)][1], "ARR"))
               for lang in LANGUAGES}
    assert len(set(amounts.values())) == 1 and amounts["en"][0] > 0, amounts
    for lang in LANGUAGES:
        path, wb = recalculated[(kind, lang)]
        assert symbols(path) == {"R$"}, lang
        assert value(wb, "Currency") == "BRL", lang


@pytest.mark.libreoffice
def test_every_language_puts_the_portfolio_in_the_same_benchmark_band(recalculated):
    bands = {}
    for lang in LANGUAGES:
        wb = recalculated[("portfolio", lang)][1]
        bands[lang] = anchored(wb, "portfolio", Locale(lang), "retention", "band").value
        assert value(wb, "UsdRate") == USD_PER_UNIT["BRL"], lang
    acv_usd = value(recalculated[("portfolio", "en")][1], "ARPA") * 12 * USD_PER_UNIT["BRL"]
    assert set(bands.values()) == {saas_capital_benchmark(acv_usd)[0]}, bands


def test_the_demo_books_are_in_reais_in_every_language(tmp_path):
    data = demo_dataset()
    as_of = quarter_end(data, None)
    for lang in LANGUAGES:
        path, warnings = KINDS["qbr"].write(data, as_of, Locale(lang), tmp_path / f"{lang}.xlsx", account="C0074")
        assert symbols(path) == {"R$"} and not any("currency" in w for w in warnings), lang


# ---------------------------------------------------------------------------------------------- from files

MRR = "customer_id,month,mrr\na,2026-01,100\nb,2026-01,50\na,2026-02,120\nb,2026-02,60\nc,2026-02,10\n"


def folder(tmp_path, customers: str | None):
    data = tmp_path / "data"
    data.mkdir()
    (data / "mrr.csv").write_text(MRR)
    if customers is not None:
        (data / "customers.csv").write_text(customers)
    return data


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("kind", ["portfolio", "forecast"])
def test_a_book_over_customers_in_two_currencies_is_refused_naming_two_rows(tmp_path, kind):
    data = folder(tmp_path, "customer_id,name,currency\na,A,BRL\nb,B,brl\nc,C,USD\n")
    result = run(kind, data, "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in result.output
    assert message.startswith(f"csxl: error: {data / 'customers.csv'}: ")
    assert "row 2, customer 'a' in BRL" in message and "row 4, customer 'c' in USD" in message
    assert "one workbook per currency" in message and not (tmp_path / "out.xlsx").exists()


def test_a_customer_without_a_currency_beside_customers_with_one_is_refused(tmp_path):
    data = folder(tmp_path, "customer_id,currency\na,EUR\nb,\nc,EUR\n")
    result = run("portfolio", data, "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 2
    assert "row 3, customer 'b' with no currency" in result.stderr
    assert "write the currency of every customer" in result.stderr


def test_each_qbr_takes_its_account_currency(tmp_path):
    data = folder(tmp_path, "customer_id,currency\na,BRL\nb,USD\nc,R$\n")
    for account, symbol in (("a", "R$"), ("b", "US$"), ("c", "R$")):
        out = tmp_path / f"qbr_{account}.xlsx"
        result = run("qbr", data, "--account", account, "--as-of", "2026-02", "--lang", "es", "-o", out)
        assert result.exit_code == 0, result.output
        assert symbols(out) == {symbol} and "warning" not in result.stderr


def test_an_account_without_a_row_takes_the_one_currency_of_the_data_or_is_refused():
    book = small_book()
    listed = book.customers[book.customers["customer_id"] != ACCOUNT]
    one = Dataset(**{**book.__dict__, "customers": listed.assign(currency="MXN")})
    assert one.currency(ACCOUNT) == "MXN" and one.currency() == "MXN"
    two = Dataset(**{**book.__dict__, "customers": listed.assign(currency=["MXN", "EUR"])})
    assert two.currency("ZEBRA-5521") == "MXN"
    with pytest.raises(CsxlDataError, match=f"'{ACCOUNT}' has no currency of its own"):
        two.currency(ACCOUNT)


def test_a_currency_csxl_does_not_know_is_refused_naming_file_row_and_column(tmp_path):
    data = folder(tmp_path, "customer_id,moeda\na,BRL\nb,JPY\nc,BRL\n")
    result = run("portfolio", data, "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 2
    assert result.stderr.startswith(f'csxl: error: {data / "customers.csv"}, row 3, column "moeda": "JPY" is not '
                                    "a currency csxl knows - write an ISO code: USD, BRL,")


def test_a_currency_option_the_data_contradicts_is_refused(tmp_path):
    data = folder(tmp_path, "customer_id,currency\na,BRL\nb,BRL\nc,BRL\n")
    result = run("portfolio", data, "--currency", "EUR", "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 2
    assert "the currency given, EUR, is not the data's: its amounts are in BRL" in result.stderr
    assert run("portfolio", data, "--currency", "BRL", "-o", tmp_path / "out.xlsx").exit_code == 0


def test_the_currency_option_supplies_the_currency_the_data_does_not_state(tmp_path):
    data = folder(tmp_path, None)
    out = tmp_path / "out.xlsx"
    result = run("portfolio", data, "--currency", "eur", "--lang", "pt-BR", "-o", out)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr and symbols(out) == {"€"}
    wb = openpyxl.load_workbook(out)
    assert value(wb, "Currency") == "EUR" and value(wb, "CurrencyNote") == Locale("pt-BR")("note.currency")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_with_no_currency_anywhere_the_default_is_assumed_and_said(tmp_path, lang):
    data = folder(tmp_path, "customer_id,name\na,A\nb,B\nc,C\n")
    out = tmp_path / "out.xlsx"
    result = run("portfolio", data, "--lang", lang, "-o", out)
    assert result.exit_code == 0, result.output
    assert "csxl: warning: the data states no currency" in result.stderr
    assert f"shown as {DEFAULT_CURRENCY}" in result.stderr
    assert symbols(out) == {CURRENCY_SYMBOLS[DEFAULT_CURRENCY]}  # the same default in every language
    wb = openpyxl.load_workbook(out)
    note = value(wb, "CurrencyNote")
    assert value(wb, "Currency") == DEFAULT_CURRENCY and note == Locale(lang)("note.currency_assumed")
    assert named(wb, "CurrencyNote").ws.title == Locale(lang)("sheet.inputs")


def test_a_qbr_batch_says_once_that_the_currency_was_assumed(tmp_path):
    data = folder(tmp_path, None)
    result = run("qbr", data, "--all", "--as-of", "2026-02", "-o", tmp_path / "qbrs")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("the data states no currency") == 1


def test_a_qbr_batch_refuses_a_contradicted_currency_once_and_writes_mixed_data_account_by_account(tmp_path):
    data = folder(tmp_path, "customer_id,currency\na,BRL\nb,BRL\nc,BRL\n")
    result = run("qbr", data, "--all", "--as-of", "2026-02", "--currency", "USD", "-o", tmp_path / "qbrs")
    assert result.exit_code == 2 and result.stderr.count("csxl: error:") == 1
    assert "is not the data's: its amounts are in BRL" in result.stderr and not (tmp_path / "qbrs").exists()
    (data / "customers.csv").write_text("customer_id,currency\na,BRL\nb,USD\nc,EUR\n")
    result = run("qbr", data, "--all", "--as-of", "2026-02", "-o", tmp_path / "qbrs")
    assert result.exit_code == 0 and "warning" not in result.stderr, result.output
    assert [symbols(tmp_path / "qbrs" / f"qbr_{a}.xlsx") for a in "abc"] == [{"R$"}, {"US$"}, {"€"}]


# ---------------------------------------------------------------------------------------------- templates

def test_a_template_refilled_with_data_in_another_currency_shows_the_data_symbol(tmp_path):
    template = tmp_path / "my_portfolio.xlsx"
    assert run("template", "export", "portfolio", "--lang", "pt-BR", "--currency", "EUR", "-o", template).exit_code == 0
    wb = openpyxl.load_workbook(template)
    assert symbols(template) == {"€"} and value(wb, "UsdRate") == USD_PER_UNIT["EUR"]
    ws = wb.worksheets[0]  # a team's own chart of amounts, its axis in the template's currency
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=5))
    chart.y_axis.numFmt = '"€ "#,##0'
    ws.add_chart(chart, "Z10")
    wb.save(template)
    data = folder(tmp_path, "customer_id,currency\na,BRL\nb,BRL\nc,BRL\n")
    out = tmp_path / "portfolio.xlsx"
    result = run("portfolio", data, "--lang", "pt-BR", "--template", template, "-o", out)
    assert result.exit_code == 0, result.output
    assert "the template's amounts were in EUR: they now show R$ (BRL" in result.stderr
    assert symbols(out) == {"R$"}
    filled = openpyxl.load_workbook(out)
    assert value(filled, "Currency") == "BRL" and value(filled, "UsdRate") == USD_PER_UNIT["BRL"]
    again = tmp_path / "again.xlsx"  # a template already in the data's currency is left as it is
    result = run("portfolio", data, "--lang", "pt-BR", "--template", out, "-o", again)
    assert result.exit_code == 0 and "template's amounts" not in result.stderr


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_shipped_templates_serve_data_in_any_currency(tmp_path, kind):
    book = Dataset(**{**small_book().__dict__, "customers": small_book().customers.assign(currency="MXN")})
    for lang in LANGUAGES:
        path, warnings = KINDS[kind].write(book, AS_OF, Locale(lang), tmp_path / f"{kind}_{lang}.xlsx",
                                           SHIPPED / f"{kind}_{lang}.xlsx", **OPTIONS[kind])
        assert symbols(path) == {"MX$"}, (kind, lang)
        assert any("now show MX$ (MXN" in w for w in warnings)
