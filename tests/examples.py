"""Every Excel function's documented example (docs/functions.md), run and compared with the value the docs state.

Imported by the tests, or run as a script by another interpreter - a lean environment with only numpy, pandas
and scipy - where it first installs an import hook that refuses pyarrow, duckdb, sqlglot, typer and rich and
records every attempt csxl's own code makes, then prints JSON: the functions run, the examples that disagree
with their docs, and the refused imports.
"""

from __future__ import annotations

import importlib.abc
import json
import math
import sys
import traceback
from typing import Any

REFUSED = ("pyarrow", "duckdb", "sqlglot", "typer", "rich")  # what the Excel functions must never import


def _tolerance(documented: float) -> float:
    """How far a result may be from a documented value: half a unit of its last decimal, none for a whole number."""
    if float(documented).is_integer():
        return 1e-9 * max(1.0, abs(documented))
    decimals = len(repr(float(documented)).split(".")[1])
    return 0.5 * 10.0 ** -decimals


def agrees(got: Any, documented: Any) -> bool:
    """Whether a result is what the docs state: the same text, a number that rounds to the documented one, or
    for a table, the documented values down each named column."""
    if isinstance(documented, dict):
        if not isinstance(got, list) or not got:
            return False
        header, body = got[0], got[1:]
        return all(name in header and len(values) == len(body)
                   and all(agrees(row[header.index(name)], v) for row, v in zip(body, values))
                   for name, values in documented.items())
    if isinstance(documented, float):
        return (isinstance(got, (int, float)) and not isinstance(got, bool) and math.isfinite(got)
                and abs(got - documented) <= _tolerance(documented))
    return got == documented


def disagreements() -> dict[str, str]:
    """The examples whose result differs from their docs: function name -> what it returned."""
    from csxl import udfs
    from csxl.function_docs import example_args, example_result

    wrong = {}
    for f in udfs.FUNCTIONS.values():
        got = getattr(udfs, f.name)(*example_args(f))
        if not agrees(got, example_result(f)):
            wrong[f.name] = repr(got)[:200]
    return wrong


class _Refuse(importlib.abc.MetaPathFinder):
    """Refuses the REFUSED libraries and remembers which of csxl's own modules asked for one."""

    def __init__(self) -> None:
        self.reached: list[str] = []

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.split(".")[0] not in REFUSED:
            return None
        frames = [f for f in traceback.extract_stack() if "importlib" not in f.filename and f.filename != __file__]
        importer = frames[-1].filename if frames else "?"
        if "csxl" in importer.replace("\\", "/").split("/"):
            self.reached.append(f"{name} (imported by {importer})")
        raise ImportError(f"{name} is refused in this environment", name=name)


if __name__ == "__main__":
    hook = _Refuse()
    sys.meta_path.insert(0, hook)
    import csxl.udfs

    wrong = disagreements()
    print(json.dumps({"functions": sorted(csxl.udfs.FUNCTIONS), "disagree": wrong, "reached": hook.reached,
                      "loaded": sorted(m for m in sys.modules if m.split(".")[0] in REFUSED)}))
