"""The steps the workbook commands share, without the command-line framework: how an error is reported, how the
data is loaded for an output, and the whole of `csxl qbr --account`.

`csxl.cli` declares the commands with typer; `csxl.entry` runs the plainest one-account QBR without it, since
typer builds a pydantic validator for every option before a command starts (about 0.15 s of a one-second
command). Both run the steps here, so a QBR, its warnings and its errors read the same on both routes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from csxl.entry import stdout_error
from csxl.errors import CsxlDataError


def reported(command: Callable[[], object]) -> int:
    """Run `command`: the exit status, 0 when it succeeded, after turning bad input and a file that cannot be
    written into one line on stderr (status 2).

    The standard output is flushed here, so that a full disk behind `> movements.csv` is reported like any
    other instead of as Python's complaint at exit; a reader that stopped reading (`| head`) ends the run
    quietly with status 1, as click does.
    """
    from csxl.workbooks.files import os_error

    try:
        command()
        sys.stdout.flush()
    except CsxlDataError as err:
        return _failed(err)
    except OSError as err:
        if err.filename is not None:
            return _failed(os_error(err, doing="use"))
        error = stdout_error(err)  # a write to the standard output failed: csxl names every file it opens itself
        return 1 if error is None else _failed(error)
    return 0


def _failed(err: CsxlDataError) -> int:
    print(f"csxl: error: {err}", file=sys.stderr)
    return 2


def aborted() -> NoReturn:
    """End a run the user interrupted (Ctrl-C): one line, status 1."""
    print("csxl: aborted", file=sys.stderr)
    sys.exit(1)


def said(line: str) -> None:
    """One line of the command's output, as it is, never wrapped: scripts read the paths printed."""
    print(line)


def warn(lines: list[str]) -> None:
    for line in lines:
        print(f"csxl: warning: {line}", file=sys.stderr)  # one line each, as errors are


def locale(lang: str, currency: str | None):
    """The labels' language and the currency given on the command line."""
    from csxl.workbooks.labels import Locale

    try:
        return Locale(lang, currency)
    except ValueError as err:
        raise CsxlDataError(str(err), fix="use --currency BRL, USD, EUR, MXN...") from None


def prepare(output: Path, inputs: Sequence[Path] = (), folder: bool = False) -> Path:
    """Refuse an output that cannot be written, then clear what killed runs left where it goes (and say so)."""
    from csxl.workbooks.files import check_output, remove_abandoned

    check_output(output, inputs, folder=folder)
    removed = remove_abandoned(output if folder else output.parent)
    if removed:
        warn([f"removed {len(removed)} temporary file(s) left by an interrupted run: {', '.join(removed[:3])}"
              + (", ..." if len(removed) > 3 else "")])
    return output


def load_for(path: str, output: Path, template: Path | None, decimal: str | None, folder: bool = False,
             database: dict | None = None):
    """The data of a workbook command, after refusing an output that cannot be written or would overwrite an
    input (`folder`: the output is the folder of a batch); from a database when `database` has its options."""
    prepare(output, ([] if database else [Path(path)]) + ([template] if template else []), folder=folder)
    if database is None:
        from csxl.data.load import load

        data = load(path, decimal=decimal)
    else:
        from csxl.sql.databases import load_database

        data = load_database(path, **database)
    warn(data.warnings)
    return data


def one_qbr(path: str, output: Path, account: str, as_of: str | None, lang: str, currency: str | None,
            template: Path | None, decimal: str | None, database: dict | None = None,
            customer_copies: Path | None = None) -> Path:
    """Write the QBR of one account and say where; with `customer_copies`, also the copy of its customer pages
    that a PDF is printed from (csxl.workbooks.pdf)."""
    from csxl.workbooks.jobs import QbrJob, write_qbr
    from csxl.workbooks.qbr import quarter_end

    chosen = locale(lang, currency)  # a currency that does not exist stops the run before the data is read
    data = load_for(path, output, template, decimal, database=database)
    job = QbrJob(quarter_end(data, as_of), chosen, template, customer_copies)
    written, warnings = write_qbr(data, account, job, output)
    warn(warnings)
    said(f"wrote {written}")
    return written
