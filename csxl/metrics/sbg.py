"""The shifted-beta-geometric (sBG) model of customer retention (Fader & Hardie, 2007).

The story: at the end of every period each customer renews or churns, churning
with a probability theta of its own that does not change over time; theta
varies across customers as Beta(alpha, beta). Mixing the geometric over the
beta gives, for the period T in which a customer churns (t = 1, 2, ...):

    P(T = 1) = alpha / (alpha + beta)
    P(T = t) = P(T = t - 1) x (beta + t - 2) / (alpha + beta + t - 1)        (F&H eq. 7)
    S(0)     = 1
    S(t)     = S(t - 1) x (beta + t - 1) / (alpha + beta + t - 1)  = S(t - 1) - P(T = t)
    r(t)     = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1)      (F&H eq. 8)

Closed forms: P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta) and
S(t) = B(alpha, beta + t) / B(alpha, beta). r(t) rises with t towards 1 even
though no customer's own churn probability changes: the customers likely to
churn leave first ("the ruse of heterogeneity"). Every line above is a
recurrence one spreadsheet row repeats.

Fit: maximum likelihood on survivor counts, the likelihood of Fader & Hardie's
Appendix B. A cohort of S(0) customers observed for T periods, with S(t) still
there after period t, loses n_t = S(t - 1) - S(t) customers in period t; those
contribute P(T = t) each, and the S(T) still there at the end are
right-censored and contribute S(T):

    LL(alpha, beta) = sum_{t=1..T} n_t x ln P(T = t) + S(T) x ln S(T)

In a spreadsheet: one column of P(T = t) by the recurrence, one of S(t), and
LL = SUMPRODUCT(lost, LN(P)) + survivors_T x LN(S_T), maximised with Solver
over alpha, beta >= 0.0001. Here scipy's L-BFGS-B maximises it over ln(alpha)
and ln(beta) (so both stay positive) with the exact gradient, from two
starting points (F&H: "redo the optimization ... using a completely different
set of starting values"), keeping the better optimum.

Source: P. S. Fader and B. G. S. Hardie, "How to Project Customer Retention",
Journal of Interactive Marketing 21(1), 76-90, 2007 (eqs. 5-8, Appendix B).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral

import numpy as np
import pandas as pd

# scipy is imported inside the functions that fit or use the closed forms: it takes as long to import as pandas,
# and every start of Excel's Python server (and the first formula after opening a workbook) would wait for it.

# Solver's lower bound in F&H's Appendix B is 0.0001; the upper bound keeps a
# homogeneous cohort (constant retention: alpha, beta -> infinity) finite.
_LOG_BOUNDS = (np.log(1e-4), np.log(1e4))


def _positive(value: object, name: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = float("nan")
    if isinstance(value, bool) or not (np.isfinite(number) and number > 0):
        raise ValueError(f"{name} must be a number > 0")
    return number


def _whole(value: object, name: str, least: int) -> int:
    whole = isinstance(value, Integral) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole or value < least:  # type: ignore[operator]
        raise ValueError(f"{name} must be a whole number >= {least}")
    return int(value)  # type: ignore[arg-type, call-overload]


def sbg_survival(alpha: float, beta: float, periods: int) -> np.ndarray:
    """S(0), S(1), ..., S(periods): the share of a cohort still there after each period.

    S(0) = 1, S(t) = S(t - 1) x (beta + t - 1) / (alpha + beta + t - 1).

    >>> sbg_survival(1, 3, 2).tolist()  # S(1) = 3/4, S(2) = 3/4 x 4/5
    [1.0, 0.75, 0.6000000000000001]
    """
    alpha, beta = _positive(alpha, "alpha"), _positive(beta, "beta")
    t = np.arange(1, _whole(periods, "periods", 0) + 1)
    return np.concatenate([[1.0], np.cumprod((beta + t - 1) / (alpha + beta + t - 1))])


def sbg_retention(alpha: float, beta: float, period: int) -> float:
    """r(t) = (beta + t - 1) / (alpha + beta + t - 1): the share of the customers there at t - 1 who renew in t.

    >>> round(sbg_retention(0.704, 1.182, 1), 4)  # F&H "regular" customers, first renewal
    0.6267
    """
    alpha, beta = _positive(alpha, "alpha"), _positive(beta, "beta")
    t = _whole(period, "period", 1)
    return (beta + t - 1) / (alpha + beta + t - 1)


def _periods(t: int | Sequence[int] | np.ndarray, least: int) -> np.ndarray:
    values = np.asarray(t, dtype=float)
    if values.size and (np.any(values < least) or np.any(values != np.round(values))):
        raise ValueError(f"t must be whole numbers >= {least}")
    return values


def _scalar_or_array(values: np.ndarray, t: object) -> float | np.ndarray:
    return float(values) if np.ndim(t) == 0 else values  # type: ignore[arg-type]  # t: a number or an array


@dataclass(frozen=True)
class SbgFit:
    """A fitted sBG model, lifelines-style: parameters, fit quality, and the fitted curves at any t.

    `survival`, `retention` and `churn_probability` take one period or an
    array of periods and return a float or an array.
    """

    alpha: float
    beta: float
    log_likelihood: float  # at the fit, in the units of the survivors given (counts or shares)
    n_periods: int  # the longest observed period
    n_customers: float  # customers at period 0 of the cohorts fitted on (observed 1+ periods)

    def survival(self, t: int | Sequence[int] | np.ndarray) -> float | np.ndarray:
        """S(t) = B(alpha, beta + t) / B(alpha, beta), t >= 0."""
        from scipy.special import betaln

        t_ = _periods(t, 0)
        return _scalar_or_array(np.exp(betaln(self.alpha, self.beta + t_) - betaln(self.alpha, self.beta)), t)

    def retention(self, t: int | Sequence[int] | np.ndarray) -> float | np.ndarray:
        """r(t) = (beta + t - 1) / (alpha + beta + t - 1), t >= 1."""
        t_ = _periods(t, 1)
        return _scalar_or_array((self.beta + t_ - 1) / (self.alpha + self.beta + t_ - 1), t)

    def churn_probability(self, t: int | Sequence[int] | np.ndarray) -> float | np.ndarray:
        """P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta): the share of the starting cohort lost in t."""
        from scipy.special import betaln

        t_ = _periods(t, 1)
        return _scalar_or_array(np.exp(betaln(self.alpha + 1, self.beta + t_ - 1) - betaln(self.alpha, self.beta)), t)

    def summary(self) -> pd.DataFrame:
        """The fit in one table: alpha, beta, the mean churn probability E(theta) = alpha / (alpha + beta),
        the log-likelihood, the periods and customers it was fitted on."""
        return pd.DataFrame(
            {"value": [self.alpha, self.beta, self.alpha / (self.alpha + self.beta), self.log_likelihood,
                       self.n_periods, self.n_customers]},
            index=pd.Index(["alpha", "beta", "mean churn probability", "log-likelihood", "periods", "customers"],
                           name="sBG"))


def _fit(lost: np.ndarray, alive: np.ndarray, n_customers: float) -> SbgFit:
    """Maximum likelihood from lost[t - 1] = customers lost in period t and alive[T - 1] = survivors censored at T.

    Pooled over cohorts, the likelihood depends on the data only through these
    two columns, so every fit comes down to them.
    """
    from scipy.optimize import minimize
    from scipy.special import betaln, digamma

    t = np.arange(1, len(lost) + 1)
    scale = n_customers  # the optimiser works on shares; the MLE does not depend on the scale
    lost_share, alive_share = lost / scale, alive / scale

    def negative(log_params: np.ndarray) -> tuple[float, np.ndarray]:
        a, b = np.exp(log_params)
        base = betaln(a, b)
        ll = lost_share @ (betaln(a + 1, b + t - 1) - base) + alive_share @ (betaln(a, b + t) - base)
        # d lnB(x, y)/dx = digamma(x) - digamma(x + y)
        d_base = np.array([digamma(a) - digamma(a + b), digamma(b) - digamma(a + b)])
        d_lost = np.array([lost_share @ (digamma(a + 1) - digamma(a + b + t)),
                           lost_share @ (digamma(b + t - 1) - digamma(a + b + t))])
        d_alive = np.array([alive_share @ (digamma(a) - digamma(a + b + t)),
                            alive_share @ (digamma(b + t) - digamma(a + b + t))])
        gradient = d_lost + d_alive - (lost_share.sum() + alive_share.sum()) * d_base
        return -ll, -gradient * np.array([a, b])  # chain rule for the log parameters

    best = None
    for start in (_starting_values(lost, alive), np.zeros(2)):
        result = minimize(negative, start, jac=True, method="L-BFGS-B", bounds=[_LOG_BOUNDS] * 2,
                          options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 1_000})
        if best is None or result.fun < best.fun:
            best = result
    assert best is not None  # two starting points were tried
    alpha, beta = np.exp(best.x)
    return SbgFit(float(alpha), float(beta), float(-best.fun * scale), len(lost), float(n_customers))


def _starting_values(lost: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """ln(alpha), ln(beta) that reproduce the first two observed churn rates exactly.

    At risk at the start of period t = lost in t or later + censored at t or
    later; churn rate h_t = lost_t / at risk. Solving P(T = 1) = a/(a+b) = h_1
    and 1 - r(2) = a/(a+b+1) = h_2 gives a = h_1 h_2 / (h_1 - h_2),
    b = a (1 - h_1) / h_1. Churn that does not fall (h_2 >= h_1) has no such
    solution (the homogeneous limit); the start is then alpha = beta = 1.
    """
    at_risk = (lost[::-1].cumsum() + alive[::-1].cumsum())[::-1]
    h1, h2 = lost[0] / at_risk[0], (lost[1] / at_risk[1] if at_risk[1] > 0 else np.nan)
    if not (0 < h2 < h1 < 1):
        return np.zeros(2)
    a = h1 * h2 / (h1 - h2)
    return np.clip(np.log([a, a * (1 - h1) / h1]), *_LOG_BOUNDS)


def sbg_fit(survivors: Sequence[float]) -> SbgFit:
    """Fit alpha and beta to one cohort's survivors S(0) >= S(1) >= ... >= S(T) (counts or shares).

    S(0) is the cohort at the start and S(t) the number (or share) still there
    after period t; the S(T) still there at the end are right-censored. Needs
    T >= 2 periods: one period pins down only alpha / (alpha + beta).

    >>> fit = sbg_fit([1000, 631, 468, 382, 326, 289, 262, 241])  # F&H (2007) "regular" customers
    >>> round(fit.alpha, 3), round(fit.beta, 3)
    (0.704, 1.182)
    """
    try:
        counts = np.asarray(survivors, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("survivors must be numbers") from None
    if counts.ndim != 1 or len(counts) < 3 or not np.isfinite(counts).all():
        raise ValueError("survivors must be at least three numbers: the cohort at the start and after 2+ periods")
    if counts[0] <= 0 or (np.diff(counts) > 0).any() or counts[-1] < 0:
        raise ValueError("survivors must start above 0 and never increase")
    alive = np.zeros(len(counts) - 1)
    alive[-1] = counts[-1]
    return _fit(-np.diff(counts), alive, counts[0])


def sbg_fit_cohorts(cohorts: pd.DataFrame) -> SbgFit:
    """Fit one sBG model to several start cohorts, each observed for its own number of periods.

    `cohorts` has one row per cohort and columns 0, 1, 2, ... (periods since
    the start; other columns are ignored), NaN once a cohort is no longer
    observed. The cells are survivor counts, or, when the table has a
    `customers` column as `cohort_retention(mrr, "logo")` gives, shares of
    that cohort size (counts = share x customers).

    Likelihood (customers are independent, so cohorts multiply): cohort c of
    S_c(0) customers observed for T_c periods contributes
    sum_{t<=T_c} (S_c(t-1) - S_c(t)) ln P(T=t) + S_c(T_c) ln S(T_c); summed
    over cohorts this is

        LL = sum_t L_t ln P(T = t) + sum_T A_T ln S(T)

    with L_t = customers lost in period t by all cohorts observed through t,
    and A_T = survivors of the cohorts whose last observed period is T. A
    cohort observed for 0 periods adds nothing. With one cohort this is
    `sbg_fit`. In a spreadsheet: L_t and A_T are SUMIFS over the cohort
    table, LL a SUMPRODUCT of them with LN of the P and S columns.

    Survivor counts must never rise along a row: the sBG has no return, so
    count a customer who stops and comes back as lost (as
    `csxl.metrics.forecast.cohort_survivors` does); `cohort_retention`'s
    logo shares count returning customers again and are refused when they rise.
    """
    periods = sorted(c for c in cohorts.columns if isinstance(c, Integral) and not isinstance(c, bool) and c >= 0)
    if periods != list(range(len(periods))) or len(periods) < 3:
        raise ValueError("cohorts must have columns 0, 1, 2, ...: survivors after 0, 1, 2, ... periods")
    counts = cohorts[periods].to_numpy(dtype=float)
    if "customers" in cohorts.columns:
        counts = np.round(counts * cohorts["customers"].to_numpy(dtype=float)[:, None], 9)
    observed = ~np.isnan(counts)
    last = observed.sum(axis=1) - 1
    if (observed != (np.arange(len(periods)) <= last[:, None])).any():
        raise ValueError("cohorts must be observed from period 0 on, NaN only after the last observed period")
    filled = np.where(observed, counts, 0.0)
    keep = last >= 1
    filled, observed, last, names = filled[keep], observed[keep], last[keep], cohorts.index[keep]
    if not len(filled) or last.max() < 2:
        raise ValueError("no cohort has been observed for two periods or more")
    if (filled < 0).any() or (filled[:, 0] <= 0).any():
        raise ValueError("cohorts must start above 0 customers and hold no negative counts")
    rises = observed[:, 1:] & (np.diff(filled, axis=1) > 1e-9)
    if rises.any():
        row, col = np.argwhere(rises)[0]
        raise ValueError(f"survivors of cohort {names[row]} rise in period {col + 1}: the sBG has no return - "
                         "count customers who come back as lost")
    lost = np.where(observed[:, 1:], filled[:, :-1] - filled[:, 1:], 0.0).sum(axis=0)
    alive = np.bincount(last, weights=filled[np.arange(len(filled)), last], minlength=len(periods))[1:]
    width = int(last.max())
    return _fit(lost[:width], alive[:width], float(filled[:, 0].sum()))
