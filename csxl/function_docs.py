"""docs/functions.md, generated from the registered Excel functions so that it cannot drift from them.

Regenerate after changing a function: `python -m csxl.function_docs`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from csxl.udfs import EMPTY, FUNCTIONS, MESSAGE_LIMIT, Function

INTRO = f"""# Excel functions

Every function below is served by `csxl.udfs` through xlwings, in the category
"csxl" of Excel's function wizard, and computes the definition in
`csxl.metrics` (see docs/metrics.md). Rates are fractions: format the cell as a
percentage. Optional arguments may be left out or left blank.

- **Bad input** gives a short text in the cell that names the argument and the
  problem, such as `#VALUE! start_mrr must be a number >= 0`. Inputs that
  cannot happen are bad input too, never a number: contraction + churn above
  the start MRR, more customers lost than there were at the start, more new
  customers than at the end, a churn rate or a gross margin above 1 (100%).
  So are TRUE/FALSE or a date where a number is due, ranges whose shapes
  differ, dates outside 1677-09-22 to 2262-04-11, and results or sums too
  large for a number. A number typed as text is read as csxl reads data files
  (docs/data.md): `"1,234"` is 1234, `"12,5"` is 12.5.
- **An internal error** (a bug in csxl, not in the sheet) shows as
  `#VALUE! internal error in CS_NAME: ...`; please report it.
- **Nothing to compute** (a rate over a zero start, NPS, CSAT or CES with no
  answers, a health score with no components) gives an empty text `{EMPTY!r}`:
  the cell looks blank, as the same number does in the generated workbooks.
  `=IF(CS_NPS(F:F)="", "no answers yet", CS_NPS(F:F))` tells the two apart.
- **Tables** return a header row and then one row per period or cohort; in
  Excel 365 they spill, in older Excel select the output range and enter the
  formula with Ctrl+Shift+Enter. A value with nothing to compute (the first
  period's NRR, a cohort's months not reached yet) is `None` in Python, which
  xlwings writes as an empty cell.
- **Error texts** are at most {MESSAGE_LIMIT} characters; a longer problem
  description is cut at a word and ends in `...`.
- **Ranges** may be whole columns (`A:A`): trailing blank rows are ignored.
  A range of numbers (answers, MRRs, survivors) may start with one header row
  of text, which is skipped; text below it is an error naming where it is,
  such as `#VALUE! scores, row 3: "n/a" is not a number` (in a one-column
  range, which Excel passes as a list of cells, `cell 3`).
  Data ranges are found by their header names, in English, Portuguese or
  Spanish (docs/data.md): `Cliente`, `Mês`, `Receita` work as well as
  `customer_id`, `month`, `mrr`.

"""


def functions_markdown() -> str:
    lines = [INTRO, "| function | what it returns |", "|---|---|"]
    lines += [f"| [`{f.name}`](#{f.name.lower()}) | {f.summary} |" for f in FUNCTIONS.values()]
    lines.append("")
    for f in FUNCTIONS.values():
        lines += [f"## {f.name}", "", f"`{signature(f)}`", "", f.summary, "",
                  "| argument | meaning |", "|---|---|"]
        lines += [f"| `{a}` | {doc} |" for a, doc in f.args.items()]
        lines += ["", f"Example: `{f.example}` returns {f.result}.", ""]
    return "\n".join(lines)


def signature(f) -> str:
    """`CS_NAME(arg, [optional])`, as the docs and the README write a function."""
    return f"{f.name}({', '.join(f'[{a}]' if a in f.optional else a for a in f.args)})"


def readme_table() -> str:
    """The function table of the README's Excel section."""
    rows = ["| function | returns |", "|---|---|", *[f"| `{signature(f)}` | {f.summary} |" for f in FUNCTIONS.values()]]
    return "\n".join(rows) + "\n"


def example_args(f: Function) -> list[Any]:
    """The arguments of a function's documented example as Excel passes them: numbers as floats, quoted text as
    text, and a reference as the cells the registry gives for it."""
    inner = re.fullmatch(rf"={f.name}\((.*)\)", f.example)
    if inner is None:
        raise ValueError(f"{f.name}: the example {f.example!r} is not a call of {f.name}")
    args = []
    for token in (t.strip() for t in inner.group(1).split(",")):
        if token.startswith('"'):
            args.append(token.strip('"'))
        elif token in f.cells:
            args.append(f.cells[token])
        else:
            args.append(float(token))
    return args


def example_result(f: Function) -> Any:
    """What the example must return as the docs state it: the value the result text opens with, or for a table
    the columns it shows."""
    if f.shows:
        return f.shows
    first = f.result.split()[0]
    try:
        return float(first)
    except ValueError:
        return first


def write(path: Path | None = None) -> Path:
    """Write docs/functions.md (of the source checkout unless a path is given)."""
    path = path or Path(__file__).resolve().parent.parent / "docs" / "functions.md"
    path.write_text(functions_markdown(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"wrote {write(Path(sys.argv[1]) if len(sys.argv) > 1 else None)}")
