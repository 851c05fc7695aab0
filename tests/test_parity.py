"""One parity harness: every entry of tests/parity.py's registry, in every language, after LibreOffice
recalculates the three workbook kinds built from a small book and from the same book with products, CSMs and
tiers named like criteria (`Add-on*` beside `Add-on pack`, `Ana*` beside `Ana Lima`, `<>`, `~`, `?`, spaces)."""

import math

import openpyxl
import pandas as pd
import pytest

from csxl.workbooks.anchors import named
from csxl.workbooks.builtin import KINDS
from csxl.workbooks.labels import LANGUAGES, Locale
from csxl.workbooks.libreoffice import convert
from tests.books import ACCOUNT, hostile_book, quiet_book, small_book, sparse_book
from tests.parity import REGISTRY, Case
from tests.workbook_values import blank

AS_OF = pd.Timestamp("2026-09-01")
OPTIONS = {"qbr": {"account": ACCOUNT}, "portfolio": {}, "forecast": {"horizon": 12}}


# hostile: products, CSMs and tiers named like criteria; sparse: an account with too few survey answers; quiet: a
# new account with no survey, no goal and nothing a quarter before to compare with (the last two QBR only)
BOOKS = {"small": (small_book, tuple(KINDS)), "hostile": (hostile_book, tuple(KINDS)),
         "sparse": (sparse_book, ("qbr",)), "quiet": (quiet_book, ("qbr",))}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """Every kind in every language from each book, recalculated by LibreOffice in one run:
    {(book, kind, lang): (workbook, case)}."""
    folder = tmp_path_factory.mktemp("parity")
    written, cases = {}, {}
    for name, (make, kinds) in BOOKS.items():
        book = make()
        for kind in kinds:
            for lang in LANGUAGES:
                key = (name, kind, lang)
                written[key], _ = KINDS[kind].write(book, AS_OF, Locale(lang), folder / f"{name}_{kind}_{lang}.xlsx",
                                                    **OPTIONS[kind])
                cases[key] = Case(book, AS_OF, Locale(lang), OPTIONS[kind].get("account"))
    converted = dict(zip(written, convert(list(written.values()), folder / "calc")))
    return {key: (openpyxl.load_workbook(path, data_only=True), cases[key]) for key, path in converted.items()}


def shown(wb, name: str):
    """The value behind a defined name: one cell's, or a block's cells row by row (blank as None)."""
    area = named(wb, name)
    values = [wb[area.ws.title][cell.local].value for cell in area.cells()]
    values = [None if blank(v) else v for v in values]
    return values[0] if len(values) == 1 else values


def same(got, want) -> bool:
    if isinstance(want, list):
        return len(got) >= len(want) and all(same(g, w) for g, w in zip(got, want)) and all(
            g is None for g in got[len(want):])
    if want is None or (isinstance(want, float) and math.isnan(want)) or want == "":
        return got is None
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        return isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)
    return got == want


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("book", "kind", "name"), [(book, kind, name) for book, (_, kinds) in BOOKS.items()
                                                    for kind in kinds for name in REGISTRY[kind]])
def test_named_figure_equals_csxl_metrics(recalculated, book, kind, name, lang):
    wb, case = recalculated[(book, kind, lang)]
    want = REGISTRY[kind][name](case)
    got = shown(wb, name)
    assert same(got, want), (got, want)


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("book", "kind"), [(book, kind) for book, (_, kinds) in BOOKS.items() for kind in kinds])
def test_master_check_is_ok(recalculated, book, kind, lang):
    wb, _ = recalculated[(book, kind, lang)]
    assert shown(wb, "MasterCheck") == Locale(lang)("ok")


def test_every_key_output_of_every_kind_is_in_the_registry():
    for kind in KINDS.values():
        assert [name for name in kind.output_names if name not in REGISTRY[kind.name]] == [], kind.name
