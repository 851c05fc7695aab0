"""The Excel wrapper module, as xlwings itself generates it, has every function with its arguments and docs."""

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

from csxl.function_docs import functions_markdown, readme_table
from csxl.udfs import FUNCTIONS
from tests.examples import disagreements

ISSUE_FUNCTIONS = {  # the function list csxl promises (docs/functions.md), with each function's optional arguments
    "CS_NRR": [], "CS_GRR": [], "CS_GROSS_MRR_CHURN": [], "CS_NET_MRR_CHURN": ["reactivation"],
    "CS_LOGO_CHURN": [], "CS_RETENTION_RATE": [], "CS_QUICK_RATIO": ["reactivation"], "CS_ARR": [],
    "CS_ARPA": ["customers"], "CS_ACV": [], "CS_LIFETIME": [], "CS_LTV": ["gross_margin"], "CS_CAC": [],
    "CS_CAC_PAYBACK": ["gross_margin"], "CS_LTV_CAC": [], "CS_NPS": [], "CS_NPS_MOE": ["confidence"],
    "CS_CSAT": ["threshold"], "CS_CES": ["method", "scale_max"], "CS_ACTIVATION_RATE": [],
    "CS_ACCOUNT_COVERAGE": [], "CS_HEALTH_SCORE": ["weights"],
    "CS_HEALTH_FLAG": ["red_below", "green_from", "status"], "CS_NRR_BAND": [], "CS_TOUCH_MODEL": [],
    "CS_MRR_MOVEMENTS": ["period"], "CS_COHORT_RETENTION": ["basis"], "CS_NRR_COHORT": ["months"],
    "CS_GRR_COHORT": ["months"],
}


def registration():
    script = Path(__file__).with_name("xlwings_registration.py")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_xlwings_generates_every_function_with_arguments_optionals_and_descriptions():
    result = registration()
    vba, functions = result["vba"], result["functions"]
    assert set(ISSUE_FUNCTIONS) <= set(functions)
    for name, info in functions.items():
        ours = FUNCTIONS[name]
        signature = ", ".join(("Optional " if a in ours.optional else "") + a for a in ours.args)
        assert f"Function {name}({signature})" in vba, name
        assert re.search(rf'XLPy.CallUDF\("csxl.udfs", "{name}"', vba)
        assert info["category"] == "csxl"
        assert info["doc"].strip() == ours.summary and 0 < len(info["doc"]) <= 255
        assert [a["name"] for a in info["args"]] == list(ours.args)
        assert all(a["doc"] == ours.args[a["name"]] and not a["doc"].startswith("Positional") for a in info["args"])
        optional = [a["name"] for a in info["args"] if a["optional"]]
        assert optional == ISSUE_FUNCTIONS.get(name, optional), name


def test_functions_doc_is_current():
    text = (Path(__file__).resolve().parent.parent / "docs" / "functions.md").read_text(encoding="utf-8")
    assert text == functions_markdown(), "docs/functions.md is stale: run python -m csxl.function_docs"


def test_readme_function_table_matches_the_functions():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert readme_table() in readme, "paste csxl.function_docs.readme_table() into README.md's Excel section"


def test_every_documented_example_returns_its_documented_value():
    """docs/functions.md's examples, run with the cells the registry gives for their ranges (tests/examples.py)."""
    assert disagreements() == {}


def test_a_wrong_documented_value_is_caught(monkeypatch):
    f = FUNCTIONS["CS_NPS_MOE"]
    monkeypatch.setitem(FUNCTIONS, "CS_NPS_MOE", dataclasses.replace(f, result="18.87 " + f.result.split(" ", 1)[1]))
    monkeypatch.setitem(FUNCTIONS, "CS_MRR_MOVEMENTS",
                        dataclasses.replace(FUNCTIONS["CS_MRR_MOVEMENTS"], shows={"end_mrr": [150.0, 160.0, 196.0]}))
    assert set(disagreements()) == {"CS_NPS_MOE", "CS_MRR_MOVEMENTS"}


def test_star_import_brings_the_functions_only():
    """xlwings Lite's main.py does `from csxl.udfs import *`: the CS_ functions come, nothing else."""
    namespace = {}
    exec("from csxl.udfs import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == sorted(FUNCTIONS)
