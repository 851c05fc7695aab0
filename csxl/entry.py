"""The `csxl` command's entry point: the plainest requests are answered before typer (and, for `csxl metrics`
over a plain Parquet file, before pandas) is imported; everything else, and every problem, goes to `csxl.cli`.

A fresh process that imports `csxl.cli` spends about half a second importing pandas and the command-line
framework, and typer then spends about 0.15 s building a validator for every option - longer than DuckDB takes
to compute the movements of a million rows, and a sixth of a one-account QBR. So the command line is read here
first:
- `csxl metrics PATH` with at most `--period` and `--format csv|json` (nothing else, not even `--help`) is
  handed to `csxl.sql.command.direct_records`, which returns None whenever the full route must answer - a
  file that is not plain Parquet, a row failing a check;
- `csxl qbr PATH --account ID -o FILE` from a file or folder, with at most `--as-of`, `--lang`, `--currency`,
  `--template` and `--decimal`, runs `csxl.commands.one_qbr`, the steps `csxl.cli` runs for it.
Anything else - another option, a word this reading does not know, a language that is not one - goes to
`csxl.cli` as if this module were not there, so that errors and help read the same on both routes.
"""

from __future__ import annotations

import errno
import gc
import io
import os
import sys
from pathlib import Path

from csxl.errors import CsxlDataError
from csxl.metrics.columns import PERIODS

# the options of each command read here, all taking a value, with their defaults (csxl.cli's)
_ROUTES: dict[str, dict[str, str | None]] = {
    "metrics": {"--period": "month", "--format": "table"},
    "qbr": {"--account": None, "--output": None, "--as-of": None, "--lang": "en", "--currency": None,
            "--template": None, "--decimal": None},
}
_SHORT = {"-o": "--output"}


def _read(args: list[str], command: str) -> tuple[str, dict[str, str | None]] | None:
    """(path, options) when `args` are `command PATH` with nothing but options of _ROUTES[command] (each as
    `--name value` or `--name=value`, a short one as `-o value`, the last one counting, as click reads them),
    else None."""
    if not args or args[0] != command:
        return None
    options, path = dict(_ROUTES[command]), None
    words = iter(args[1:])
    for word in words:
        name, equals, value = word.partition("=")
        if word in _SHORT:
            name, equals = _SHORT[word], ""
        if name in options:
            given = value if equals else next(words, None)
            if given is None:
                return None
            options[name] = given
        elif word.startswith("-") or path is not None:
            return None
        else:
            path = word
    return None if path is None else (path, options)


def direct_request(args: list[str]) -> tuple[Path, str, str] | None:
    """(path, period, format) when `args` ask `csxl metrics` for csv or json with nothing but a path and
    its --period and --format, else None."""
    found = _read(args, "metrics")
    if found is None:
        return None
    path, options = found
    period, format = options["--period"], options["--format"]
    if period not in PERIODS or format not in ("csv", "json"):
        return None
    return Path(path), period, format


def qbr_request(args: list[str]) -> dict | None:
    """The arguments of `csxl.commands.one_qbr` when `args` ask `csxl qbr` for one account of a file or folder
    with no option but those of _ROUTES["qbr"], in a language csxl has, else None."""
    from csxl.sql.databases import is_database
    from csxl.workbooks.labels import LANGUAGES

    found = _read(args, "qbr")
    if found is None:
        return None
    path, options = found
    account, output, template = options["--account"], options["--output"], options["--template"]
    if account is None or output is None or options["--lang"] not in LANGUAGES or is_database(path):
        return None
    return {"path": path, "output": Path(output), "account": account, "as_of": options["--as-of"],
            "lang": options["--lang"], "currency": options["--currency"],
            "template": None if template is None else Path(template), "decimal": options["--decimal"]}


def stdout_error(err: OSError) -> CsxlDataError | None:
    """The error to report for a failed write to the standard output, or None when the reader stopped
    reading (`| head`), which is no error to report; what is still buffered is sent nowhere first, so that the
    flush at exit cannot fail again (the way Python's documentation handles a closed pipe)."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):  # not a file descriptor: nothing flushes it at exit
        pass
    if err.errno == errno.EPIPE:
        return None
    from csxl.workbooks.files import os_error

    return os_error(err, "the standard output")


def main() -> None:
    """Run `csxl` with the process's arguments.

    At the end every object is frozen out of the garbage collector's reach: the interpreter's last
    collection would otherwise walk all that pandas and openpyxl made (0.2 s of a one-second command) only to
    find what exiting frees anyway.
    """
    try:
        _run(sys.argv[1:])
    finally:
        gc.freeze()


def _run(args: list[str]) -> None:
    request = direct_request(args)
    if request is not None:
        from csxl.sql.command import direct_records, write_records

        path, period, format = request
        records = direct_records(path, period)
        if records is not None:
            try:
                write_records(records, format, sys.stdout)
                sys.stdout.flush()
            except OSError as err:
                error = stdout_error(err)
                if error is None:
                    sys.exit(1)
                print(f"csxl: error: {error}", file=sys.stderr)
                sys.exit(2)
            return
    qbr = qbr_request(args) if args[:1] == ["qbr"] else None
    if qbr is not None:
        from csxl.commands import aborted, one_qbr, reported

        try:
            status = reported(lambda: one_qbr(**qbr))
        except KeyboardInterrupt:
            aborted()
        if status:
            sys.exit(status)
        return
    from csxl.cli import app

    app()
