"""The optional parts of csxl, and the one line that names the extra to install when one is missing.

The default install is what the Excel functions and the workbook writers need
(numpy, pandas, scipy, openpyxl, Pillow, xlwings), so that it also installs in
Pyodide (xlwings Lite), which lacks pyarrow or duckdb on some versions. The
rest comes as extras: `parquet` (pyarrow), `cli` (typer, rich), `all`.
"""

from __future__ import annotations

EXTRA_OF = {"pyarrow": "parquet", "typer": "cli", "rich": "cli"}


def missing_extra(err: ImportError) -> str:
    """What to tell a user whose install lacks the library `err` failed to import.

    >>> missing_extra(ModuleNotFoundError("No module named 'typer'", name="typer"))
    'csxl: typer is not installed; install the command line with: pip install "csxl[cli]"'
    """
    library = (err.name or "").split(".")[0]
    extra = EXTRA_OF.get(library)
    if extra is None:
        return f"csxl: {err}; reinstall csxl with: pip install \"csxl[all]\""
    what = {"cli": "the command line", "parquet": "Parquet support"}[extra]
    return f'csxl: {library} is not installed; install {what} with: pip install "csxl[{extra}]"'
