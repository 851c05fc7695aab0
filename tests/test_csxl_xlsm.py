"""workbooks/csxl.xlsm: xlwings configured, VBA kept, and every example shows what the Python function returns."""

import importlib.util
import re
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from csxl import udfs

BOOK = Path(__file__).resolve().parent.parent / "workbooks" / "csxl.xlsm"


@pytest.fixture(scope="module")
def workbook():
    return openpyxl.load_workbook(BOOK, keep_vba=True)


def test_xlwings_configuration_and_vba(workbook):
    conf = {row[0]: row[1] for row in workbook["xlwings.conf"].iter_rows(values_only=True) if row[0]}
    assert conf["UDF Modules"] == "csxl.udfs"
    assert workbook.vba_archive is not None and "xl/vbaProject.bin" in workbook.vba_archive.namelist()


def _split(arguments: str) -> list[str]:
    """Top-level comma split of a function's arguments."""
    parts, depth, current = [], 0, ""
    for char in arguments:
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += char == "("
        depth -= char == ")"
        current += char
    return [*parts, current] if current else parts


def _value(ws, token: str):
    """An argument as Excel would pass it to the function: a literal, a cell value or a range of rows."""
    token = token.strip()
    if token.startswith('"'):
        return token.strip('"')
    if re.fullmatch(r"-?\d+(\.\d+)?", token):
        return float(token)
    if ":" in token:
        c1, r1, c2, r2 = range_boundaries(token)
        values = [[cell.value for cell in row] for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2)]
        return [[float(v) if isinstance(v, int) else v for v in row] for row in values]
    value = ws[token].value
    return float(value) if isinstance(value, int) else value


def evaluate(ws, formula: str):
    """Evaluate an example: =CS_NAME(args) or =INDEX(CS_NAME(args), row, column)."""
    index = re.fullmatch(r"=INDEX\((CS_\w+)\((.*)\),(\d+),(\d+)\)", formula)
    if index:
        name, args, row, column = index.groups()
        table = getattr(udfs, name)(*[_value(ws, a) for a in _split(args)])
        return table[int(row) - 1][int(column) - 1]
    name, args = re.fullmatch(r"=(CS_\w+)\((.*)\)", formula).groups()
    return getattr(udfs, name)(*[_value(ws, a) for a in _split(args)])


def test_every_example_shows_the_value_beside_it(workbook):
    ws = workbook["Examples"]
    examples = [(r[1].value, r[2].value) for r in ws.iter_rows(min_row=2) if isinstance(r[1].value, str)]
    assert {re.search(r"CS_\w+", f).group() for f, _ in examples} == set(udfs.FUNCTIONS)
    for formula, expected in examples:
        got = evaluate(ws, formula)
        if isinstance(expected, str):
            assert got == expected, formula
        else:
            assert got == pytest.approx(expected, abs=5e-5 * max(1, abs(expected))), formula


def test_workbook_is_built_from_the_current_examples(workbook):
    spec = importlib.util.spec_from_file_location("build_csxl_xlsm", BOOK.with_name("build_csxl_xlsm.py"))
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    ws = workbook["Examples"]
    shown = [(r[1].value, r[2].value) for r in ws.iter_rows(min_row=2) if isinstance(r[1].value, str)]
    assert shown == [(formula, expected) for formula, expected, _ in build.EXAMPLES], \
        "workbooks/csxl.xlsm is stale: run python workbooks/build_csxl_xlsm.py"
