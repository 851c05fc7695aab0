"""Scalar Customer Success rates and values: NRR, GRR, churn, quick ratio, LTV, CAC.

Each function takes plain numbers (or numpy arrays / pandas Series of the same
shape, element by element) and returns a fraction: 1.10 means 110%. A ratio
whose denominator is zero is NaN - "not defined" - never an exception and
never infinity. Inputs that cannot happen raise `ValueError` naming the
arguments, so the Excel face can show what to fix instead of a wrong number:
negative money or counts, a part above its whole (contraction + churn above
the start MRR, more customers lost than there were), a churn rate or a gross
margin above 1 (100%).

Definitions follow docs/metrics.md, which gives each formula
with its public source and the vendor variants.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

Number = Any  # a float, a numpy array or a pandas Series


def ratio(numerator: Number, denominator: Number) -> Number:
    """`numerator / denominator`, NaN where the denominator is 0.

    >>> ratio(3, 4), ratio(1, 0)
    (0.75, nan)
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den == 0, np.nan, num / np.where(den == 0, 1.0, den))
    return _like(out, numerator, denominator)


def _like(values: np.ndarray, *inputs: Number) -> Number:
    """Return a float for scalar inputs and a Series for Series inputs."""
    for item in inputs:
        if isinstance(item, pd.Series):
            return pd.Series(values, index=item.index)
    return float(values) if values.ndim == 0 else values


def check_nonnegative(**values: Number) -> None:
    """Raise ValueError naming the first argument that is negative or not a number (NaN)."""
    _require(values, np.greater_equal, ">=")


def check_positive(**values: Number) -> None:
    """Raise ValueError naming the first argument that is not above 0 (a contract of 0 months is no contract)."""
    _require(values, np.greater, ">")


def _require(values: dict[str, Number], compare: np.ufunc, sign: str) -> None:
    for name, value in values.items():
        if not compare(np.asarray(value, dtype=float), 0.0).all():  # NaN compares false: refused too
            raise ValueError(f"{name} must be a number {sign} 0")


# Float sums are not exact (0.1 + 0.2 > 0.3): a part may exceed its whole by this share of the whole.
_ROUNDING = 1e-9


def check_at_most(name: str, value: Number, limit: Number, limit_name: str | None = None) -> None:
    """Raise ValueError where `value` exceeds `limit`, naming both: a part cannot exceed its whole.

    The checks of a period's consistency, element by element over arrays:
    `customers_lost (300) must not exceed customers_start (200)`; a limit
    without a name is a constant, `monthly_churn (1.5) must not exceed 1`.
    """
    part, whole = np.broadcast_arrays(np.asarray(value, dtype=float), np.asarray(limit, dtype=float))
    over = part > whole + _ROUNDING * np.abs(whole)
    if over.any():
        i = np.flatnonzero(over)[0]
        bound = f"{limit_name} ({whole.flat[i]:.12g})" if limit_name else f"{whole.flat[i]:.12g}"
        raise ValueError(f"{name} ({part.flat[i]:.12g}) must not exceed {bound}")


def check_fraction(**values: Number) -> None:
    """Raise ValueError naming the first value above 1: a churn rate or a margin is a share of a whole.

    Call after `check_nonnegative`, which refuses values below 0.
    """
    for name, value in values.items():
        check_at_most(name, value, 1.0)


def _lost_mrr(start_mrr: Number, contraction: Number, churn: Number) -> Number:
    """contraction + churn, which cannot exceed the start MRR: no customer loses more than it had."""
    lost = np.add(contraction, churn)
    check_at_most("contraction + churn", lost, start_mrr, "start_mrr")
    return lost


def nrr(start_mrr: Number, expansion: Number, contraction: Number, churn: Number) -> Number:
    """Net revenue retention over one period.

    NRR = (start MRR + expansion - contraction - churn) / start MRR.
    New business and reactivation are excluded. Source: SaaS Capital,
    "Net Revenue Retention"; ChartMogul "Net MRR Retention".

    >>> nrr(100_000, 15_000, 3_000, 2_000)
    1.1
    """
    check_nonnegative(start_mrr=start_mrr, expansion=expansion, contraction=contraction, churn=churn)
    lost = _lost_mrr(start_mrr, contraction, churn)
    return ratio(np.add(start_mrr, np.subtract(expansion, lost)), start_mrr)


def grr(start_mrr: Number, contraction: Number, churn: Number) -> Number:
    """Gross revenue retention: (start MRR - contraction - churn) / start MRR; never above 1.

    >>> grr(100_000, 3_000, 2_000)
    0.95
    """
    check_nonnegative(start_mrr=start_mrr, contraction=contraction, churn=churn)
    return ratio(np.subtract(start_mrr, _lost_mrr(start_mrr, contraction, churn)), start_mrr)


def gross_mrr_churn(start_mrr: Number, contraction: Number, churn: Number) -> Number:
    """Gross MRR churn rate = (churn + contraction) / start MRR = 1 - GRR.

    >>> gross_mrr_churn(100_000, 3_000, 2_000)
    0.05
    """
    check_nonnegative(start_mrr=start_mrr, contraction=contraction, churn=churn)
    return ratio(_lost_mrr(start_mrr, contraction, churn), start_mrr)


def net_mrr_churn(start_mrr: Number, expansion: Number, contraction: Number, churn: Number,
                  reactivation: Number = 0.0) -> Number:
    """Net MRR churn rate = (churn + contraction - expansion - reactivation) / start MRR.

    Negative means the existing base grows by itself ("negative churn").

    >>> net_mrr_churn(100_000, 15_000, 3_000, 2_000)
    -0.1
    """
    check_nonnegative(start_mrr=start_mrr, expansion=expansion, contraction=contraction, churn=churn,
                      reactivation=reactivation)
    lost = _lost_mrr(start_mrr, contraction, churn)
    gained = np.add(expansion, reactivation)
    return ratio(np.subtract(lost, gained), start_mrr)


def logo_churn(customers_start: Number, customers_lost: Number) -> Number:
    """Logo (customer) churn rate = customers lost in the period / customers at its start.

    Customers who joined during the period are in neither count.

    >>> logo_churn(200, 6)
    0.03
    """
    check_nonnegative(customers_start=customers_start, customers_lost=customers_lost)
    check_at_most("customers_lost", customers_lost, customers_start, "customers_start")
    return ratio(customers_lost, customers_start)


def retention_rate(customers_start: Number, customers_end: Number, new_customers: Number) -> Number:
    """Customer retention rate = (customers at end - new customers) / customers at start.

    >>> retention_rate(200, 210, 20)
    0.95
    """
    check_nonnegative(customers_start=customers_start, customers_end=customers_end, new_customers=new_customers)
    check_at_most("new_customers", new_customers, customers_end, "customers_end")
    retained = np.subtract(customers_end, new_customers)
    check_at_most("customers_end - new_customers", retained, customers_start, "customers_start")
    return ratio(retained, customers_start)


def quick_ratio(new: Number, expansion: Number, contraction: Number, churn: Number,
                reactivation: Number = 0.0) -> Number:
    """SaaS quick ratio = (new + expansion + reactivation) / (contraction + churn).

    Source: Mamoon Hamid (Social Capital), "The SaaS Quick Ratio".

    >>> quick_ratio(10_000, 5_000, 2_000, 3_000)
    3.0
    """
    check_nonnegative(new=new, expansion=expansion, contraction=contraction, churn=churn,
                      reactivation=reactivation)
    return ratio(np.add(np.add(new, expansion), reactivation), np.add(contraction, churn))


def arr(mrr: Number) -> Number:
    """Annual recurring revenue = 12 x MRR.

    >>> arr(12_500)
    150000.0
    """
    check_nonnegative(mrr=mrr)
    return _like(np.multiply(np.asarray(mrr, dtype=float), 12.0), mrr)


def arpa(mrr: Number, customers: Number) -> Number:
    """Average revenue per account ("ticket medio") = MRR / paying customers.

    >>> arpa(12_500, 50)
    250.0
    """
    check_nonnegative(mrr=mrr, customers=customers)
    return ratio(mrr, customers)


def acv(contract_value: Number, contract_months: Number) -> Number:
    """Annual contract value = contract value / contract months x 12.

    A 36-month contract of 36,000 has an ACV of 12,000; a 6-month contract of
    6,000 is annualised to 12,000.

    >>> acv(36_000, 36)
    12000.0
    """
    check_nonnegative(contract_value=contract_value)
    check_positive(contract_months=contract_months)  # a contract of no months has no yearly value
    return _like(np.multiply(np.asarray(ratio(contract_value, contract_months), dtype=float), 12.0),
                 contract_value, contract_months)


def lifetime(monthly_churn: Number) -> Number:
    """Expected customer lifetime in months = 1 / monthly logo churn rate.

    >>> lifetime(0.025)
    40.0
    """
    check_nonnegative(monthly_churn=monthly_churn)
    check_fraction(monthly_churn=monthly_churn)
    return ratio(1.0, monthly_churn)


def ltv(arpa: Number, monthly_churn: Number, gross_margin: Number = 1.0) -> Number:
    """Customer lifetime value = ARPA x gross margin / monthly churn rate.

    Gross margin defaults to 100%, as most vendors show it.

    >>> ltv(500, 0.02, 0.8)
    20000.0
    """
    check_nonnegative(arpa=arpa, monthly_churn=monthly_churn, gross_margin=gross_margin)
    check_fraction(monthly_churn=monthly_churn, gross_margin=gross_margin)
    return ratio(np.multiply(arpa, gross_margin), monthly_churn)


def cac(sales_marketing_spend: Number, new_customers: Number) -> Number:
    """Customer acquisition cost = sales and marketing spend / new customers.

    >>> cac(120_000, 40)
    3000.0
    """
    check_nonnegative(sales_marketing_spend=sales_marketing_spend, new_customers=new_customers)
    return ratio(sales_marketing_spend, new_customers)


def cac_payback(cac: Number, arpa: Number, gross_margin: Number = 1.0) -> Number:
    """CAC payback in months = CAC / (ARPA x gross margin); under 12 months is healthy.

    >>> cac_payback(3_000, 500, 0.75)
    8.0
    """
    check_nonnegative(cac=cac, arpa=arpa, gross_margin=gross_margin)
    check_fraction(gross_margin=gross_margin)
    return ratio(cac, np.multiply(arpa, gross_margin))


def ltv_cac(ltv: Number, cac: Number) -> Number:
    """LTV:CAC ratio; 3 or more is the usual healthy mark.

    >>> ltv_cac(20_000, 5_000)
    4.0
    """
    check_nonnegative(ltv=ltv, cac=cac)
    return ratio(ltv, cac)
