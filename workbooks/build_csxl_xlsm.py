"""Build workbooks/csxl.xlsm from xlwings' quickstart workbook (its VBA kept).

Run `python workbooks/build_csxl_xlsm.py` after adding or changing an Excel
function. The Examples sheet types every function in a cell and writes beside
it the value it must show, worked out by hand (see the notes), so a user can
check an installation at a glance; tests/test_csxl_xlsm.py evaluates each
example with the Python functions and compares.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import xlwings
from openpyxl.styles import Font, PatternFill

HERE = Path(__file__).resolve().parent

# (formula, the value it must show, how that value was worked out)
EXAMPLES = [
    ("=CS_NRR(100000,15000,5000,8000)", 1.02, "(100,000 + 15,000 - 5,000 - 8,000) / 100,000"),
    ("=CS_NRR(-100000,15000,5000,8000)", "#VALUE! start_mrr must be a number >= 0",
     "bad input: the cell names the argument to fix"),
    ("=CS_GRR(200000,4000,8000)", 0.94, "(200,000 - 4,000 - 8,000) / 200,000"),
    ("=CS_GRR(100,50,60)", "#VALUE! contraction + churn (110) must not exceed start_mrr (100)",
     "impossible input: no customer loses more MRR than it had"),
    ("=CS_GROSS_MRR_CHURN(50000,2000,3000)", 0.1, "(2,000 + 3,000) / 50,000"),
    ("=CS_NET_MRR_CHURN(100000,15000,5000,8000)", -0.02, "(8,000 + 5,000 - 15,000) / 100,000"),
    ("=CS_LOGO_CHURN(200,6)", 0.03, "6 / 200"),
    ("=CS_RETENTION_RATE(200,210,20)", 0.95, "(210 - 20) / 200"),
    ("=CS_QUICK_RATIO(5000,1000,500,1500)", 3, "(5,000 + 1,000) / (500 + 1,500)"),
    ("=CS_ARR(12500)", 150000, "12 x 12,500"),
    ("=CS_ARPA(12500,50)", 250, "12,500 / 50"),
    ("=CS_ARPA(M2:M5)", 200, "(100 + 200 + 300) / 3 paying accounts"),
    ("=CS_ACV(36000,36)", 12000, "36,000 / 36 x 12"),
    ("=CS_LIFETIME(0.025)", 40, "1 / 0.025"),
    ("=CS_LTV(500,0.02,0.7)", 17500, "500 x 0.7 / 0.02"),
    ("=CS_CAC(120000,40)", 3000, "120,000 / 40"),
    ("=CS_CAC_PAYBACK(3000,500,0.75)", 8, "3,000 / (500 x 0.75)"),
    ("=CS_LTV_CAC(20000,5000)", 4, "20,000 / 5,000"),
    ("=CS_ACTIVATION_RATE(18,24)", 0.75, "18 / 24"),
    ("=CS_ACCOUNT_COVERAGE(45,60)", 0.75, "45 / 60"),
    ("=CS_NPS(F2:F101)", 50, "60 promoters - 10 detractors out of 100"),
    ("=CS_NPS(F:F)", 50, "the whole column: its header (F1) and the blank rows are skipped"),
    ("=CS_NPS_MOE(H2:H61)", 18.86, "1.96 x sqrt((1/2 + 1/6 - (1/2 - 1/6)^2) / 60) x 100"),
    ("=CS_CSAT(G2:G6)", 0.6, "3 of 5 answers are 4 or 5"),
    ('=CS_CES(G2:G6,"agree")', 0.6, "3 of 5 answers are 4 or 5"),
    ("=CS_CES(G2:G6)", 3.8, "(5 + 4 + 3 + 2 + 5) / 5"),
    ("=CS_HEALTH_SCORE(I2:K2,I3:K3)", 83.6667, "(80 + 75 + 96) / 3, equal weights"),
    ("=CS_HEALTH_FLAG(82)", "Green", "82 >= 75"),
    ('=CS_HEALTH_FLAG(95,50,75,"frozen")', "Freeze", "a frozen contract overrides the score"),
    ("=CS_NRR_BAND(1.05)", "healthy", "above 100%"),
    ("=CS_TOUCH_MODEL(600,M2:M5)", "high-touch", "600 >= 3 x ARPA of 200"),
    ("=INDEX(CS_MRR_MOVEMENTS(O1:R9),3,8)", 160, "end MRR of February: a 150 + c 10"),
    ('=INDEX(CS_MRR_MOVEMENTS(O1:R9,"quarter"),2,8)', 195, "end MRR of 2026-Q1: a 150 + b 40 + c 5"),
    ('=INDEX(CS_COHORT_RETENTION(O1:R9,"logo"),2,5)', 0.5, "January cohort (a, b): only a pays in February"),
    ('=CS_NRR_COHORT(O1:R9,"2026-03",2)', 1.2667, "(a 150 + b 40) / (a 100 + b 50)"),
    ('=CS_GRR_COHORT(O1:R9,"2026-03",2)', 0.9333, "(min(150,100) + min(40,50)) / 150"),
    ("=INDEX(CS_SBG_FIT(T2:T9),2,1)", 0.7041, "alpha of Fader & Hardie's regular customers (published 0.704)"),
    ("=INDEX(CS_SBG_FIT(T2:T9),2,2)", 1.182, "beta of Fader & Hardie's regular customers (published 1.182)"),
    ("=CS_SBG_RETENTION(0.704,1.182,2)", 0.4738, "(1.182 / 1.886) x (2.182 / 2.886)"),
]

MRR_DATA = [["Cliente", "Mês", "Receita", "Produto"],
            ["a", dt.datetime(2026, 1, 1), 100, "Core"], ["b", dt.datetime(2026, 1, 1), 50, "Core"],
            ["a", dt.datetime(2026, 2, 1), 120, "Core"], ["a", dt.datetime(2026, 2, 1), 30, "Plus"],
            ["c", dt.datetime(2026, 2, 1), 10, "Core"], ["b", dt.datetime(2026, 3, 1), 40, "Core"],
            ["a", dt.datetime(2026, 3, 1), 150, "Core"], ["c", dt.datetime(2026, 3, 1), 5, "Core"]]


def build(path: Path = HERE / "csxl.xlsm") -> Path:
    wb = openpyxl.load_workbook(Path(xlwings.__file__).parent / "quickstart.xlsm", keep_vba=True)
    conf = wb["_xlwings.conf"]
    conf.title = "xlwings.conf"  # activated: these settings apply to this workbook
    for row in conf.iter_rows(min_col=1, max_col=2):
        if row[0].value == "UDF Modules":
            row[1].value = "csxl.udfs"
    ws = wb["Sheet1"]
    ws.title = "Examples"
    bold = Font(bold=True)
    for col, head in zip("ABCD", ("Function", "Result (live formula)", "Must show", "Worked out as")):
        ws[f"{col}1"] = head
        ws[f"{col}1"].font = bold
    for r, (formula, expected, note) in enumerate(EXAMPLES, start=2):
        ws[f"A{r}"] = re.search(r"CS_\w+", formula).group()
        ws[f"B{r}"] = formula
        ws[f"C{r}"] = expected
        ws[f"D{r}"] = note
        ws[f"B{r}"].fill = PatternFill("solid", fgColor="FFF2CC")
    scores = [10] * 40 + [9] * 20 + [8] * 30 + [2] * 10
    columns = {"F": ("NPS answers", scores), "G": ("CSAT / CES answers", [5, 4, 3, 2, 5]),
               "H": ("NPS answers (1/2, 1/3, 1/6)", [10] * 30 + [7] * 20 + [2] * 10),
               "M": ("Account MRR", [100, 200, 300, 0]),
               "T": ("Survivors (Fader & Hardie 2007, Table 1, regular)", [1000, 631, 468, 382, 326, 289, 262, 241])}
    for col, (head, values) in columns.items():
        ws[f"{col}1"] = head
        ws[f"{col}1"].font = bold
        for r, v in enumerate(values, start=2):
            ws[f"{col}{r}"] = v
    for col, head, values in (("I", "Adoption", (80, 1)), ("J", "Engagement", (75, 1)), ("K", "Support", (96, 1))):
        ws[f"{col}1"] = head
        ws[f"{col}2"], ws[f"{col}3"] = values
    for r, row in enumerate(MRR_DATA, start=1):
        for c, v in enumerate(row):
            ws.cell(r, 15 + c, v)
            if isinstance(v, dt.datetime):
                ws.cell(r, 15 + c).number_format = "yyyy-mm"
    for col, width in {"A": 22, "B": 46, "C": 12, "D": 52}.items():
        ws.column_dimensions[col].width = width
    wb.save(path)
    return path


if __name__ == "__main__":
    print(f"wrote {build()}")
