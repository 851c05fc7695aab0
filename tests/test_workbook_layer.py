"""The workbook layer's rules, enforced on the source: sheets hand each other anchors, never addresses.

A sheet builder that reads another sheet by a literal address ("B5") feeds the
wrong row to it as soon as a line is inserted there; the builders therefore
reach other sheets only through the anchors they return (`Anchor.ref`), and
the tests find generated cells through defined names or those anchors.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILDERS = ["qbr.py", "portfolio.py", "forecast.py", "checks.py", "inputs.py", "charts.py", "colours.py",
            "forecast_drivers.py", "forecast_rollups.py", "forecast_reconcile.py"]
ADDRESS = re.compile(r"^\$?[A-Z]{1,3}\$?[0-9]+(:\$?[A-Z]{1,3}\$?[0-9]+)?$")
ADDRESS_START = re.compile(r"^\$?[A-Z]{1,3}\$?$")  # f"B{row}": a column letter before a formatted row


def literal_address(node: ast.AST) -> bool:
    """Whether an expression is an A1 address written in the source: "B5", "A1:C3", f"C{row}"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(ADDRESS.match(node.value))
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        return (isinstance(first, ast.Constant) and isinstance(first.value, str) and len(node.values) > 1
                and bool(ADDRESS_START.match(first.value)))
    return False


def offences(path: Path, check) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    return [f"{path.name}:{node.lineno}: {lines[node.lineno - 1].strip()}"
            for node in ast.walk(ast.parse(source)) if check(node) and "# own cell" not in lines[node.lineno - 1]]


def reaches_another_sheet(node: ast.AST) -> bool:
    """absolute(ws, "...") (a qualified address built by hand) or wb[...] / ws.parent[...] (a sheet by its title)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "absolute":
        return True
    if isinstance(node, ast.Subscript):
        holder = node.value
        return (isinstance(holder, ast.Name) and holder.id == "wb") or (
            isinstance(holder, ast.Attribute) and holder.attr == "parent")
    return False


@pytest.mark.parametrize("module", BUILDERS)
def test_sheet_builders_reach_other_sheets_only_through_anchors(module):
    assert offences(ROOT / "csxl" / "workbooks" / module, reaches_another_sheet) == []


def reads_a_literal_address(node: ast.AST) -> bool:
    return isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and literal_address(node.slice)


def test_tests_find_generated_cells_by_name_or_anchor():
    found = [o for path in sorted((ROOT / "tests").rglob("*.py")) for o in offences(path, reads_a_literal_address)]
    assert found == []


def test_the_rules_catch_what_they_forbid(tmp_path):
    """The scans find the patterns they forbid (an empty result above is not a blind scan)."""
    sample = tmp_path / "sample.py"
    sample.write_text('x = voice["B5"].value\ny = ws[f"C{row}"]\nz = absolute(ws, "B5")\nq = wb["Cover"]\n'
                      'ok = ws["A1"].value  # own cell\nws["A2"] = 1\n')
    assert len(offences(sample, reads_a_literal_address)) == 2
    assert len(offences(sample, reaches_another_sheet)) == 2
