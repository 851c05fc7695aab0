"""The `csxl` command's entry point: DuckDB answers `csxl metrics` over a plain Parquet file before typer, rich
and pandas are imported; everything else, and every problem, goes to `csxl.cli`.

A fresh process that imports `csxl.cli` spends about half a second importing pandas and the command-line
framework, longer than DuckDB takes to compute the movements of a million rows. So the command line is read
here first: `csxl metrics PATH` with at most `--period` and `--format csv|json` (nothing else, not even
`--help`) is handed to `csxl.sql.command.direct_records`, which returns None whenever the full route must
answer - a file that is not plain Parquet, a row failing a check - and then `csxl.cli` runs as if this
module were not there, so that errors and help read the same on both routes.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from pathlib import Path

from csxl.errors import CsxlDataError
from csxl.metrics.columns import PERIODS

# the options the direct route knows, with their defaults (csxl.cli's `metrics`)
_OPTIONS = {"--period": "month", "--format": "table"}


def direct_request(args: list[str]) -> tuple[Path, str, str] | None:
    """(path, period, format) when `args` ask `csxl metrics` for csv or json with nothing but a path and the
    options of _OPTIONS (each as `--name value` or `--name=value`, the last one counting, as click reads them),
    else None."""
    if not args or args[0] != "metrics":
        return None
    options, path = dict(_OPTIONS), None
    words = iter(args[1:])
    for word in words:
        name, equals, value = word.partition("=")
        if name in options:
            given = value if equals else next(words, None)
            if given is None:
                return None
            options[name] = given
        elif word.startswith("-") or path is not None:
            return None
        else:
            path = word
    if path is None or options["--period"] not in PERIODS or options["--format"] not in ("csv", "json"):
        return None
    return Path(path), options["--period"], options["--format"]


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
    """Run `csxl` with the process's arguments."""
    request = direct_request(sys.argv[1:])
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
    from csxl.cli import app

    app()
