"""docs/functions.md, generated from the registered Excel functions so that it cannot drift from them."""

from __future__ import annotations

from csxl.udfs import EMPTY, FUNCTIONS

INTRO = f"""# Excel functions

Every function below is served by `csxl.udfs` through xlwings, in the category
"csxl" of Excel's function wizard, and computes the definition in
`csxl.metrics` (see docs/metrics.md). Rates are fractions: format the cell as a
percentage. Optional arguments may be left out or left blank.

- **Bad input** gives a short text in the cell that names the argument and the
  problem, such as `#VALUE! start_mrr must be a number >= 0`.
- **Nothing to compute** (a rate over a zero start, NPS with no answers) gives
  an empty text `{EMPTY!r}`: the cell looks blank, as the same number does in the
  generated workbooks.
- **Tables** return a header row and then one row per period or cohort; in
  Excel 365 they spill, in older Excel select the output range and enter the
  formula with Ctrl+Shift+Enter. Empty values are empty texts.
- **Ranges** may be whole columns (`A:A`): trailing blank rows are ignored.
  Data ranges are found by their header names, in English, Portuguese or
  Spanish (docs/data.md): `Cliente`, `Mês`, `Receita` work as well as
  `customer_id`, `month`, `mrr`.

"""


def functions_markdown() -> str:
    lines = [INTRO, "| function | what it returns |", "|---|---|"]
    lines += [f"| [`{f.name}`](#{f.name.lower()}) | {f.summary} |" for f in FUNCTIONS.values()]
    lines.append("")
    for f in FUNCTIONS.values():
        signature = ", ".join(f"[{a}]" if a in f.optional else a for a in f.args)
        lines += [f"## {f.name}", "", f"`{f.name}({signature})`", "", f.summary, "",
                  "| argument | meaning |", "|---|---|"]
        lines += [f"| `{a}` | {doc} |" for a, doc in f.args.items()]
        lines += ["", f"Example: `{f.example}` returns {f.result}.", ""]
    return "\n".join(lines)
