"""Hostile command lines: each case is one line of the table below, run through the real `csxl` command.

A case names its arguments (`{tmp}` is the case's own folder, also the working directory), what to prepare
beforehand, the exit status expected, and a fragment the error line must hold. Every failing case must end
in exactly one `csxl: error:` line on stderr: never a traceback, never click's usage text or a boxed panel.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner

from csxl.cli import app

runner = CliRunner()
# b and c pay in March 2026, a does not: a batch for 2026-03 writes two QBRs
BOOK = "customer_id,month,mrr\na,2026-01,100\nb,2026-01,50\na,2026-02,120\nb,2026-03,60\nc,2026-03,10\n"


def book(tmp, monkeypatch) -> None:
    (tmp / "data").mkdir()
    (tmp / "data" / "mrr.csv").write_text(BOOK)


@dataclass(frozen=True)
class Case:
    args: str
    setup: Callable | None
    exit: int
    stderr: str

    def __str__(self) -> str:
        return self.args


CASES = [
    # usage errors: one line, exit 2
    Case("qbr data/", book, 2, "csxl: error: Missing option '-o' / '--output' - see csxl qbr --help"),
    Case("forecast data/ -o f.xlsx --horizon --5", book, 2, "'--horizon': Input should be a valid integer"),
    Case("metrics data/ --period week", book, 2, "'week' is not one of 'month', 'quarter', 'year'"),
    Case("nope", None, 2, "csxl: error: No such command 'nope' - see csxl --help"),
    Case("template export", None, 2, "Missing argument 'kind'. Choose from: qbr, forecast, portfolio"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_hostile_command_line(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if case.setup:
        case.setup(tmp_path, monkeypatch)
    result = runner.invoke(app, [arg.format(tmp=tmp_path) for arg in shlex.split(case.args)], prog_name="csxl")
    assert result.exit_code == case.exit, (result.stdout, result.stderr, result.exception)
    assert "Traceback" not in result.output and "╭" not in result.output
    if case.exit == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("csxl: error: "), result.stderr
    assert case.stderr in result.stderr
