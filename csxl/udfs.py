"""The Excel face: every metric as a function typed in a cell, served by xlwings.

Set "UDF Modules" to `csxl.udfs` (workbooks/csxl.xlsm does) and import the
functions. Each one only converts what Excel passes (`csxl.excel_args`) and
calls the definition in `csxl.metrics`, so a cell and a generated workbook
always agree. Nothing here raises into Excel: bad input shows a short text
such as `#VALUE! start_mrr must be a number >= 0`; a bug shows
`#VALUE! internal error in CS_NAME: ...`, to be reported rather than fixed in
the sheet; a result with nothing to compute (a rate over a zero start, NPS
with no answers) is an empty text "", the same empty cell the generated
workbooks show. In a table, a value with nothing to compute (the first
period's NRR) is None, which xlwings writes as an empty cell in every Excel
(Windows, Mac, xlwings Lite).
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import math
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

try:  # registers the functions with Excel (classic xlwings on Windows, xlwings Lite); elsewhere plain functions
    import xlwings as xw
except ImportError:
    xw = None  # type: ignore[assignment]

from csxl.data.parse import parse_months
from csxl.data.schema import canonical_value
from csxl.excel_args import check_date, mrr_frame, number, numbers, optional_number, text
from csxl.metrics import expansion, health, rates, surveys
from csxl.metrics.movements import MOVEMENT_COLUMNS, mrr_movements, period_label
from csxl.metrics.retention import cohort_retention, grr_cohort, nrr_cohort
from csxl.metrics.sbg import sbg_fit, sbg_survival

EMPTY = ""  # the result of a rate with nothing to measure
SKIPPED = "(a header row and blanks are skipped)"  # what `excel_args.numbers` does with a range of numbers


@dataclass(frozen=True)
class Function:
    """What Excel's function wizard and docs/functions.md show for one function."""

    name: str
    summary: str
    args: dict[str, str]
    optional: dict[str, Any]
    example: str  # a formula whose arguments are literals or references to `cells`
    result: str  # what the example returns: the value first (a scalar's), then how it comes about
    cells: dict[str, Any]  # the values of the ranges the example refers to, as Excel passes them
    shows: dict[str, list]  # for a table: values down the named columns of the example's result


FUNCTIONS: dict[str, Function] = {}


def _cell(value: Any, empty: Any = EMPTY) -> Any:
    """A Python result as a cell value: NaN as `empty`, numpy scalars as Python numbers."""
    if value is None or value is pd.NA or value is pd.NaT:
        return empty
    if isinstance(value, (float, np.floating)) and math.isnan(value):
        return empty
    if isinstance(value, np.generic):
        return value.item()
    return value


MESSAGE_LIMIT = 200  # characters of an error text in a cell


def _message(problem: str) -> str:
    """`#VALUE! <problem>` on one line, cut at a word before MESSAGE_LIMIT characters."""
    text = "#VALUE! " + " ".join(problem.split())
    if len(text) <= MESSAGE_LIMIT:
        return text
    cut = text[: MESSAGE_LIMIT - 3]
    return cut[: cut.rfind(" ")].rstrip(",;:- ") + "..."


PACKAGE = Path(__file__).resolve().parent


def _bad_input(err: Exception) -> bool:
    """Whether `err` is csxl's own report of bad input: a ValueError raised in csxl's code.

    The argument converters and the definitions raise ValueError with a text
    for the user. Anything else - a TypeError, or a ValueError raised inside
    numpy, pandas or Python (a shape mismatch, say) - means csxl let through
    an input it did not check, or has a bug: the cell says so, rather than
    passing a library's words off as advice on what to fix.
    """
    if not isinstance(err, ValueError) or err.__traceback__ is None:
        return False
    *_, (frame, _) = traceback.walk_tb(err.__traceback__)
    return Path(frame.f_code.co_filename).resolve().is_relative_to(PACKAGE)


def _finite(out: Any) -> Any:
    """The result unless it holds a number no cell can show (inf, from inputs near the float limit)."""
    values = [v for row in out for v in row] if isinstance(out, list) else [out]
    if any(isinstance(v, (float, np.floating)) and math.isinf(v) for v in values):
        raise ValueError("the result is too large to be a number: check the inputs' size")
    return out


def udf(example: str, result: str, cells: dict[str, Any] | None = None, shows: dict[str, list] | None = None,
        **docs: str) -> Callable:
    """Register an Excel function: xlwings metadata, argument docs, its runnable example, and a cell-safe body."""

    def register(f: Callable) -> Callable:
        @functools.wraps(f)
        def safe(*args):
            try:
                out = _finite(f(*args))
                if isinstance(out, list):
                    return [[_cell(v, None) for v in row] for row in out]
                return _cell(out)
            except Exception as err:  # noqa: BLE001 - a cell shows a short text, never a traceback
                if _bad_input(err):
                    return _message(str(err))
                return _message(f"internal error in {f.__name__}: {type(err).__name__}: {err}")

        params = inspect.signature(f).parameters
        missing = set(params) ^ set(docs)
        if missing:
            raise TypeError(f"{f.__name__}: document exactly its arguments ({sorted(missing)})")
        wrapped = safe
        if xw is not None:
            for name in reversed(list(params)):
                wrapped = xw.arg(name, doc=docs[name])(wrapped)
            wrapped = xw.func(category="csxl")(wrapped)
        FUNCTIONS[f.__name__] = Function(
            f.__name__, (f.__doc__ or "").strip(), dict(docs),
            {n: p.default for n, p in params.items() if p.default is not inspect.Parameter.empty},
            example, result, cells or {}, shows or {})
        return wrapped

    return register


# The range the table examples refer to: three customers over three months, Portuguese headers, dates as Excel
# passes them (docs/functions.md states it in words, _MRR_DATA).
_MRR_CELLS = [["Cliente", "Mês", "Receita"],
              ["a", dt.datetime(2026, 1, 1), 100.0], ["b", dt.datetime(2026, 1, 1), 50.0],
              ["a", dt.datetime(2026, 2, 1), 150.0], ["c", dt.datetime(2026, 2, 1), 10.0],
              ["a", dt.datetime(2026, 3, 1), 150.0], ["b", dt.datetime(2026, 3, 1), 40.0],
              ["c", dt.datetime(2026, 3, 1), 5.0]]
_MRR_DATA = "a: 100, 150, 150; b: 50, 0, 40; c: 0, 10, 5 in January to March 2026"


# ---------------------------------------------------------------------------------------------- retention


@udf("=CS_NRR(100000, 15000, 5000, 8000)", "1.02",
     start_mrr="MRR at the start of the period", expansion="Expansion MRR in the period",
     contraction="Contraction MRR in the period", churn="Churned MRR in the period")
def CS_NRR(start_mrr, expansion, contraction, churn):
    """Net revenue retention: (start + expansion - contraction - churn) / start, as a fraction."""
    return rates.nrr(number(start_mrr, "start_mrr"), number(expansion, "expansion"),
                     number(contraction, "contraction"), number(churn, "churn"))


@udf("=CS_GRR(200000, 4000, 8000)", "0.94",
     start_mrr="MRR at the start of the period", contraction="Contraction MRR in the period",
     churn="Churned MRR in the period")
def CS_GRR(start_mrr, contraction, churn):
    """Gross revenue retention: (start - contraction - churn) / start; never above 1."""
    return rates.grr(number(start_mrr, "start_mrr"), number(contraction, "contraction"), number(churn, "churn"))


@udf("=CS_GROSS_MRR_CHURN(50000, 2000, 3000)", "0.1",
     start_mrr="MRR at the start of the period", contraction="Contraction MRR in the period",
     churn="Churned MRR in the period")
def CS_GROSS_MRR_CHURN(start_mrr, contraction, churn):
    """Gross MRR churn rate: (churn + contraction) / start MRR."""
    return rates.gross_mrr_churn(number(start_mrr, "start_mrr"), number(contraction, "contraction"),
                                 number(churn, "churn"))


@udf("=CS_NET_MRR_CHURN(100000, 15000, 5000, 8000)", "-0.02",
     start_mrr="MRR at the start of the period", expansion="Expansion MRR in the period",
     contraction="Contraction MRR in the period", churn="Churned MRR in the period",
     reactivation="Reactivated MRR in the period (optional, default 0)")
def CS_NET_MRR_CHURN(start_mrr, expansion, contraction, churn, reactivation=None):
    """Net MRR churn: (churn + contraction - expansion - reactivation) / start; negative = the base grows."""
    return rates.net_mrr_churn(number(start_mrr, "start_mrr"), number(expansion, "expansion"),
                               number(contraction, "contraction"), number(churn, "churn"),
                               optional_number(reactivation, "reactivation", 0.0))


@udf("=CS_LOGO_CHURN(200, 6)", "0.03",
     customers_start="Customers at the start of the period", customers_lost="Customers lost in the period")
def CS_LOGO_CHURN(customers_start, customers_lost):
    """Logo churn rate: customers lost / customers at the start (new customers are in neither)."""
    return rates.logo_churn(number(customers_start, "customers_start"), number(customers_lost, "customers_lost"))


@udf("=CS_RETENTION_RATE(200, 210, 20)", "0.95",
     customers_start="Customers at the start", customers_end="Customers at the end",
     new_customers="New customers in the period")
def CS_RETENTION_RATE(customers_start, customers_end, new_customers):
    """Customer retention rate: (customers at end - new customers) / customers at start."""
    return rates.retention_rate(number(customers_start, "customers_start"), number(customers_end, "customers_end"),
                                number(new_customers, "new_customers"))


@udf("=CS_QUICK_RATIO(5000, 1000, 500, 1500)", "3",
     new="New MRR", expansion="Expansion MRR", contraction="Contraction MRR", churn="Churned MRR",
     reactivation="Reactivated MRR (optional, default 0)")
def CS_QUICK_RATIO(new, expansion, contraction, churn, reactivation=None):
    """SaaS quick ratio: (new + expansion + reactivation) / (contraction + churn); 4+ is strong."""
    return rates.quick_ratio(number(new, "new"), number(expansion, "expansion"), number(contraction, "contraction"),
                             number(churn, "churn"), optional_number(reactivation, "reactivation", 0.0))


# ---------------------------------------------------------------------------------------------- values


@udf("=CS_ARR(12500)", "150000", mrr="Monthly recurring revenue")
def CS_ARR(mrr):
    """Annual recurring revenue: 12 x MRR."""
    return rates.arr(number(mrr, "mrr"))


@udf("=CS_ARPA(12500, 50)", "250",
     mrr=f"Total MRR, or a range of account MRRs {SKIPPED}",
     customers="Paying customers (optional with a range of MRRs)")
def CS_ARPA(mrr, customers=None):
    """Average revenue per account: MRR / paying customers; with a range and no count, the mean over accounts > 0."""
    if customers is None and isinstance(mrr, list):
        paying = numbers(mrr, "mrr")
        rates.check_nonnegative(mrr=paying)
        paying = paying[paying > 0]
        return rates.arpa(paying.sum(), len(paying))
    return rates.arpa(number(mrr, "mrr"), number(customers, "customers"))


@udf("=CS_ACV(36000, 36)", "12000",
     contract_value="Total value of the contract", contract_months="Length of the contract in months (above 0)")
def CS_ACV(contract_value, contract_months):
    """Annual contract value: contract value / months x 12 (shorter contracts are annualised)."""
    return rates.acv(number(contract_value, "contract_value"), number(contract_months, "contract_months"))


@udf("=CS_LIFETIME(0.025)", "40", monthly_churn="Monthly logo churn rate, a fraction from 0 to 1 (2.5% = 0.025)")
def CS_LIFETIME(monthly_churn):
    """Expected customer lifetime in months: 1 / monthly churn."""
    return rates.lifetime(number(monthly_churn, "monthly_churn"))


@udf("=CS_LTV(500, 0.02, 0.7)", "17500",
     arpa="Average MRR per account", monthly_churn="Monthly churn rate, a fraction from 0 to 1 (2% = 0.02)",
     gross_margin="Gross margin as a fraction (optional, default 1 = 100%)")
def CS_LTV(arpa, monthly_churn, gross_margin=None):
    """Lifetime value: ARPA x gross margin / monthly churn."""
    return rates.ltv(number(arpa, "arpa"), number(monthly_churn, "monthly_churn"),
                     optional_number(gross_margin, "gross_margin", 1.0))


@udf("=CS_CAC(120000, 40)", "3000",
     sales_marketing_spend="Sales and marketing spend in the period", new_customers="New customers in the period")
def CS_CAC(sales_marketing_spend, new_customers):
    """Customer acquisition cost: sales and marketing spend / new customers."""
    return rates.cac(number(sales_marketing_spend, "sales_marketing_spend"), number(new_customers, "new_customers"))


@udf("=CS_CAC_PAYBACK(3000, 500, 0.75)", "8",
     cac="Customer acquisition cost", arpa="Average MRR per account",
     gross_margin="Gross margin as a fraction (optional, default 1)")
def CS_CAC_PAYBACK(cac, arpa, gross_margin=None):
    """CAC payback in months: CAC / (ARPA x gross margin); under 12 is healthy."""
    return rates.cac_payback(number(cac, "cac"), number(arpa, "arpa"),
                             optional_number(gross_margin, "gross_margin", 1.0))


@udf("=CS_LTV_CAC(20000, 5000)", "4", ltv="Lifetime value", cac="Customer acquisition cost")
def CS_LTV_CAC(ltv, cac):
    """LTV:CAC ratio; 3 or more is healthy."""
    return rates.ltv_cac(number(ltv, "ltv"), number(cac, "cac"))


@udf("=CS_ACTIVATION_RATE(18, 24)", "0.75",
     activated="Customers activated in the period", onboarded="Customers onboarded in the period")
def CS_ACTIVATION_RATE(activated, onboarded):
    """Activation rate: customers activated / customers onboarded."""
    return expansion.activation_rate(number(activated, "activated"), number(onboarded, "onboarded"))


@udf("=CS_ACCOUNT_COVERAGE(45, 60)", "0.75",
     covered="Accounts with a strategic touchpoint (EBR, QBR)", total="Accounts in the portfolio")
def CS_ACCOUNT_COVERAGE(covered, total):
    """Account coverage: accounts with a strategic touchpoint / accounts in the portfolio."""
    return expansion.account_coverage(number(covered, "covered"), number(total, "total"))


# ---------------------------------------------------------------------------------------------- surveys


@udf("=CS_NPS(A2:A101)", "50 for 60 promoters, 30 passives, 10 detractors",
     cells={"A2:A101": [[10.0]] * 60 + [[8.0]] * 30 + [[3.0]] * 10},
     scores=f"Range of answers from 0 to 10 {SKIPPED}")
def CS_NPS(scores):
    """Net Promoter Score: % promoters (9-10) - % detractors (0-6), from -100 to 100."""
    return surveys.nps(numbers(scores, "scores")).score


@udf("=CS_NPS_MOE(A2:A61)", "18.86 for 30 promoters, 20 passives, 10 detractors",
     cells={"A2:A61": [[10.0]] * 30 + [[7.0]] * 20 + [[2.0]] * 10},
     scores=f"Range of answers from 0 to 10 {SKIPPED}", confidence="Confidence level (optional, default 0.95)")
def CS_NPS_MOE(scores, confidence=None):
    """Margin of error of the NPS in points: z x sqrt((p + d - (p - d)^2) / n) x 100, z = 1.96 at 95%."""
    level = optional_number(confidence, "confidence", 0.95)
    if 0 < level < 1 <= 0.5 + level / 2:
        raise ValueError("confidence is too close to 1 for a margin of error")
    return surveys.nps(numbers(scores, "scores")).moe(level)


@udf("=CS_CSAT(B2:B6)", "0.6 for 5, 4, 3, 2, 5", cells={"B2:B6": [[5.0], [4.0], [3.0], [2.0], [5.0]]},
     scores=f"Range of answers from 1 to 5 {SKIPPED}", threshold="Lowest satisfied answer (optional, default 4)")
def CS_CSAT(scores, threshold=None):
    """CSAT: share of answers at the threshold or above (top-two box of 1-5)."""
    return surveys.csat(numbers(scores, "scores"), optional_number(threshold, "threshold", 4))


@udf('=CS_CES(C2:C5, "agree")', "0.5 for 5, 4, 3, 2", cells={"C2:C5": [[5.0], [4.0], [3.0], [2.0]]},
     scores=f"Range of answers {SKIPPED}", method='"mean" (default) or "agree"', scale_max="5 (default) or 7")
def CS_CES(scores, method=None, scale_max=None):
    """Customer effort score: the mean answer, or the share agreeing (4-5 of 5, 5-7 of 7)."""
    return surveys.ces(numbers(scores, "scores"), text(method, "mean").lower(),
                       optional_number(scale_max, "scale_max", 5))


# ---------------------------------------------------------------------------------------------- health


@udf("=CS_HEALTH_SCORE(D2:F2, D3:F3)", "83.67 for scores 80, 75, 96 with equal weights",
     cells={"D2:F2": [[80.0, 75.0, 96.0]], "D3:F3": [[1.0, 1.0, 1.0]]},
     scores="Range of component scores from 0 to 100", weights="Range of positive weights, same shape (optional)")
def CS_HEALTH_SCORE(scores, weights=None):
    """Health score: weighted average of component scores; blank components drop out with their weight."""
    values = _cells(scores, "scores")
    parsed = np.array([np.nan if v is None or v == "" else number(v, "scores") for v in values.ravel()])
    if weights is None:
        return health.health_score(parsed)
    w = _cells(weights, "weights")
    if w.size != values.size or (w.ndim == values.ndim == 2 and w.shape != values.shape):
        raise ValueError("weights must have the same shape as scores")
    weights = [number(v, "weights") for v in w.ravel()]
    _fits("weights", weights)
    return health.health_score(parsed, weights)


def _fits(name: str, values: Any) -> None:
    """Refuse values whose sum no number can hold (it would turn averages into blanks or zeros)."""
    with np.errstate(over="ignore"):
        if not np.isfinite(np.sum(values)):
            raise ValueError(f"{name}: the values add up to more than a number can hold")


def _cells(value: Any, name: str) -> np.ndarray:
    """A cell or a range as an array of cells: 2-D for a list of rows; 1-D for a flat list, whose
    orientation xlwings does not say (a one-row or one-column range)."""
    try:
        cells = np.array(value if isinstance(value, list) else [value], dtype=object)
    except ValueError:  # ragged rows
        cells = np.empty(0, dtype=object)
    if not cells.size or cells.ndim > 2 or any(isinstance(v, list) for v in cells.ravel()):
        raise ValueError(f"{name} must be a rectangular range of cells")
    return cells


@udf('=CS_HEALTH_FLAG(82)', "Green",
     score="Health score from 0 to 100", red_below=f"Red below this score (optional, default {health.RED_BELOW:g})",
     green_from=f"Green from this score (optional, default {health.GREEN_FROM:g})",
     status='Account status (optional): "onboarding" gives Activation, "frozen" gives Freeze')
def CS_HEALTH_FLAG(score, red_below=None, green_from=None, status=None):
    """Health flag: Activation, Freeze, Green, Yellow or Red."""
    state = canonical_value("status", status) if text(status) else None
    if text(status) and state is None:
        raise ValueError("status must be onboarding, active or frozen")
    value = np.nan if score is None or score == "" else number(score, "score")
    if not (np.isnan(value) or 0 <= value <= 100):
        raise ValueError("score must be a health score from 0 to 100")
    return health.health_flag(value, optional_number(red_below, "red_below", health.RED_BELOW),
                              optional_number(green_from, "green_from", health.GREEN_FROM), state)


@udf("=CS_NRR_BAND(1.05)", "healthy", nrr="Net revenue retention as a fraction")
def CS_NRR_BAND(nrr):
    """NRR band: "healthy" above 100%, "retains most" from 80% to 100%, "low" below 80%."""
    return health.nrr_band(number(nrr, "nrr"))


@udf("=CS_TOUCH_MODEL(B2, B$2:B$6)", "high-touch for an account of 600 at 3x the portfolio ARPA of 200",
     cells={"B2": 600.0, "B$2:B$6": [[600.0], [100.0], [100.0], [100.0], [100.0]]},
     account_mrr="MRR of the account",
     portfolio_mrr=f"Range of the MRR of every account in the portfolio {SKIPPED}")
def CS_TOUCH_MODEL(account_mrr, portfolio_mrr):
    """Touch model by MRR against the portfolio ARPA: high-, mid-, low- or tech-touch."""
    account = number(account_mrr, "account_mrr")
    book = numbers(portfolio_mrr, "portfolio_mrr")
    rates.check_nonnegative(account_mrr=account, portfolio_mrr=book)
    paying = book[book > 0]
    _fits("portfolio_mrr", paying)
    if not len(paying):
        raise ValueError("portfolio_mrr has no account with MRR above 0")
    return health.touch_model(pd.Series([account]), paying.mean()).iloc[0]


# ---------------------------------------------------------------------------------------------- tables


@udf("=CS_MRR_MOVEMENTS(Data!A1:C8)",
     f"the movements table, one row per month, header first; end_mrr 150, 160, 195 for {_MRR_DATA}",
     cells={"Data!A1:C8": _MRR_CELLS}, shows={"end_mrr": [150.0, 160.0, 195.0], "churn": [0.0, 50.0, 0.0]},
     data="Range with a header row: customer, month, mrr and optionally product",
     period='"month" (default), "quarter" or "year"')
def CS_MRR_MOVEMENTS(data, period=None):
    """MRR bridge per period: start MRR, new, reactivation, expansion, contraction, churn, end MRR, NRR, GRR, customers at start, new, reactivated, churned, at end, logo churn, quick ratio."""  # noqa: E501
    table = mrr_movements(mrr_frame(data), text(period, "month").lower(), split=False)
    body = table.assign(period=table["period"].map(period_label)).astype(object)
    return [MOVEMENT_COLUMNS, *body.to_numpy().tolist()]


@udf('=CS_COHORT_RETENTION(Data!A1:C8, "logo")',
     f"a cohort table, first month x months since start; m1 0.5 (a of a, b), 1 (c) for {_MRR_DATA}",
     cells={"Data!A1:C8": _MRR_CELLS}, shows={"cohort": ["2026-01", "2026-02"], "m1": [0.5, 1.0]},
     data="Range with a header row: customer, month, mrr", basis='"revenue" (default) or "logo"')
def CS_COHORT_RETENTION(data, basis=None):
    """Retention by start cohort: rows are first months, columns months since start (revenue or logo)."""
    table = cohort_retention(mrr_frame(data), text(basis, "revenue").lower())
    header = ["cohort", "customers", "start_mrr", *[f"m{k}" for k in table.columns[2:]]]
    body = [[period_label(cohort), *row] for cohort, row in zip(table.index, table.to_numpy().tolist())]
    return [header, *body]


@udf('=CS_NRR_COHORT(Data!A1:C8, "2026-03", 2)', f"1.2667 = (a 150 + b 40) / (a 100 + b 50) for {_MRR_DATA}",
     cells={"Data!A1:C8": _MRR_CELLS},
     data="Range with a header row: customer, month, mrr", end_month="Last month of the window (a date or 2026-09)",
     months="Length of the window in months (optional, default 12)")
def CS_NRR_COHORT(data, end_month, months=None):
    """Cohort NRR: the MRR at end_month of the customers who paid months earlier, divided by their MRR then."""
    return nrr_cohort(mrr_frame(data), _month(end_month), _months(months))


@udf('=CS_GRR_COHORT(Data!A1:C8, "2026-03", 2)', f"0.9333 = (a 100 + b 40) / (a 100 + b 50) for {_MRR_DATA}",
     cells={"Data!A1:C8": _MRR_CELLS},
     data="Range with a header row: customer, month, mrr", end_month="Last month of the window (a date or 2026-09)",
     months="Length of the window in months (optional, default 12)")
def CS_GRR_COHORT(data, end_month, months=None):
    """Cohort GRR: as CS_NRR_COHORT with each customer's end MRR capped at its start MRR."""
    return grr_cohort(mrr_frame(data), _month(end_month), _months(months))


def _months(value: Any) -> int:
    months = optional_number(value, "months", 12)
    if months < 1 or months != int(months):
        raise ValueError("months must be a whole number >= 1")
    return int(months)


def _month(value: Any) -> pd.Period:
    check_date(value, "end_month")
    months, bad = parse_months(pd.Series([value], dtype=object))
    if bad.any() or pd.isna(months.iloc[0]):
        raise ValueError("end_month must be a month such as 2026-09 or a date")
    return pd.Period(months.iloc[0], "M")


# ---------------------------------------------------------------------------------------------- retention curves


@udf("=CS_SBG_FIT(B2:B9)", "alpha 0.704, beta 1.182 for 1000, 631, 468, 382, 326, 289, 262, 241",
     cells={"B2:B9": [[1000.0], [631.0], [468.0], [382.0], [326.0], [289.0], [262.0], [241.0]]},
     shows={"alpha": [0.704], "beta": [1.182]},
     survivors=f"Range of a cohort's survivors at the start, then after each period (counts or shares) {SKIPPED}")
def CS_SBG_FIT(survivors):
    """Shifted-beta-geometric retention model (Fader & Hardie 2007) of a cohort: a header row, then alpha and beta."""
    counts = numbers(survivors, "survivors")
    fit = sbg_fit(counts)
    if counts[-1] == counts[0]:
        raise ValueError("survivors never fall: with no customer lost, the data cannot identify alpha and beta")
    if counts[1] == 0:
        raise ValueError("survivors fall to 0 in the first period: with every customer lost at once, "
                         "the data cannot identify alpha and beta")
    return [["alpha", "beta"], [fit.alpha, fit.beta]]


MAX_PERIOD = 1200  # a hundred years of monthly renewals: beyond it a projection means nothing


@udf("=CS_SBG_RETENTION(0.704, 1.182, 2)", "0.4738 = (1.182 / 1.886) x (2.182 / 2.886)",
     alpha="alpha from CS_SBG_FIT", beta="beta from CS_SBG_FIT",
     period=f"Period t (1 = the first renewal), a whole number up to {MAX_PERIOD}")
def CS_SBG_RETENTION(alpha, beta, period):
    """Projected retention of a cohort: the share still there after t periods, under the model CS_SBG_FIT fits."""
    t = number(period, "period")
    if not 0 <= t <= MAX_PERIOD or t != int(t):
        raise ValueError(f"period must be a whole number from 0 to {MAX_PERIOD}")
    return float(sbg_survival(number(alpha, "alpha"), number(beta, "beta"), int(t))[-1])


__all__ = [*FUNCTIONS]  # `from csxl.udfs import *` (an xlwings Lite main.py) brings the functions only
