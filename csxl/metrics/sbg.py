"""The shifted-beta-geometric (sBG) model of customer retention (Fader & Hardie, 2007).

Each customer churns at the end of any period with a probability theta of its
own; theta varies across customers as Beta(alpha, beta). Then

    P(T = 1) = alpha / (alpha + beta)
    P(T = t) = P(T = t - 1) x (beta + t - 2) / (alpha + beta + t - 1)
    S(t)     = S(t - 1) x (beta + t - 1) / (alpha + beta + t - 1),  S(0) = 1
    r(t)     = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1)

so retention rises with tenure as the customers likely to churn leave first.
alpha and beta are fitted by maximum likelihood on survivor counts: the
customers lost in period t contribute P(T = t), those still there at the last
observed period T contribute S(T).

Source: P. S. Fader and B. G. S. Hardie, "How to Project Customer Retention",
Journal of Interactive Marketing 21(1), 2007.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln


def _check(alpha: float, beta: float) -> None:
    if not (np.isfinite(alpha) and alpha > 0):
        raise ValueError("alpha must be a number > 0")
    if not (np.isfinite(beta) and beta > 0):
        raise ValueError("beta must be a number > 0")


def sbg_survival(alpha: float, beta: float, periods: int) -> np.ndarray:
    """S(0..periods): the share of a cohort still there after each period."""
    _check(alpha, beta)
    if periods < 0:
        raise ValueError("periods must be a whole number >= 0")
    t = np.arange(1, periods + 1)
    return np.concatenate([[1.0], np.cumprod((beta + t - 1) / (alpha + beta + t - 1))])


def sbg_retention(alpha: float, beta: float, period: int) -> float:
    """r(t): the share of the customers alive at t - 1 who renew in period t (t >= 1)."""
    _check(alpha, beta)
    if period < 1:
        raise ValueError("period must be a whole number >= 1")
    return (beta + period - 1) / (alpha + beta + period - 1)


def _log_likelihood(log_params: np.ndarray, lost: np.ndarray, periods: np.ndarray, alive: np.ndarray,
                    horizon: np.ndarray) -> float:
    alpha, beta = np.exp(log_params)
    # ln P(T = t) = lnB(alpha + 1, beta + t - 1) - lnB(alpha, beta); ln S(t) = lnB(alpha, beta + t) - lnB(alpha, beta)
    base = betaln(alpha, beta)
    churned = lost * (betaln(alpha + 1, beta + periods - 1) - base)
    survived = alive * (betaln(alpha, beta + horizon) - base)
    return float(churned.sum() + survived.sum())


@dataclass(frozen=True)
class SbgFit:
    """A fitted sBG model, lifelines-style: parameters, fit quality, projections."""

    alpha: float
    beta: float
    log_likelihood: float
    n_periods: int
    n_customers: float

    def survival(self, periods: int) -> np.ndarray:
        return sbg_survival(self.alpha, self.beta, periods)

    def retention(self, period: int) -> float:
        return sbg_retention(self.alpha, self.beta, period)

    def churn_probability(self, period: int) -> float:
        """P(T = t): the share of the starting cohort lost in period t."""
        s = self.survival(period)
        return float(s[period - 1] - s[period])

    def summary(self) -> pd.DataFrame:
        """The fit in one table: parameters, mean churn probability, log-likelihood."""
        return pd.DataFrame({"value": [self.alpha, self.beta, self.alpha / (self.alpha + self.beta),
                                       self.log_likelihood, self.n_periods, self.n_customers]},
                            index=["alpha", "beta", "mean churn probability", "log-likelihood", "periods",
                                   "customers"])


def _fit(lost: np.ndarray, periods: np.ndarray, alive: np.ndarray, horizon: np.ndarray, n_periods: int,
         n_customers: float) -> SbgFit:
    # the likelihood depends only on how many were lost in each period and how many survived to each horizon
    size = int(max(periods.max(), horizon.max())) + 1
    lost_by_period = np.bincount(periods.astype(int), weights=lost, minlength=size)[1:]
    alive_by_horizon = np.bincount(horizon.astype(int), weights=alive, minlength=size)[1:]
    t = np.arange(1, size)
    objective = lambda p: -_log_likelihood(p, lost_by_period, t, alive_by_horizon, t)  # noqa: E731
    best = None
    for start in ((0.0, 0.0), (-1.0, 1.0), (1.0, 2.0)):
        result = minimize(objective, np.array(start), method="Nelder-Mead",
                          options={"xatol": 1e-9, "fatol": 1e-11, "maxiter": 4_000})
        if best is None or result.fun < best.fun:
            best = result
    alpha, beta = np.exp(best.x)
    return SbgFit(float(alpha), float(beta), float(-best.fun), n_periods, n_customers)


def sbg_fit(survivors: Sequence[float]) -> SbgFit:
    """Fit alpha and beta to one cohort's survivors S(0) >= S(1) >= ... >= S(T) (counts or shares).

    >>> fit = sbg_fit([1000, 631, 468, 382, 326, 290, 262, 241])  # Fader & Hardie's "regular" customers
    >>> round(fit.alpha, 3), round(fit.beta, 3)
    (0.704, 1.182)
    """
    counts = np.asarray(survivors, dtype=float)
    if counts.ndim != 1 or len(counts) < 3 or np.isnan(counts).any():
        raise ValueError("survivors must be at least three numbers: the cohort at the start and after 2+ periods")
    if counts[0] <= 0 or (np.diff(counts) > 0).any() or counts[-1] < 0:
        raise ValueError("survivors must start above 0 and never increase")
    lost = -np.diff(counts)
    t = np.arange(1, len(counts))
    return _fit(lost, t, np.array([counts[-1]]), np.array([len(counts) - 1]), len(counts) - 1, counts[0])


def sbg_fit_cohorts(survival: pd.DataFrame) -> SbgFit:
    """Fit one sBG model to several cohorts, each observed for its own number of periods.

    `survival` has one row per cohort and columns 0, 1, 2, ... with the number
    of customers of the cohort still there after k periods (NaN once the
    cohort is no longer observed). Each cohort contributes the customers it
    lost in each observed period, and its survivors at its last observed
    period as right-censored: the likelihood is the product over cohorts.
    """
    counts = survival.to_numpy(dtype=float)
    observed = ~np.isnan(counts)
    last = observed.sum(axis=1) - 1
    keep = last >= 1
    counts, observed, last = counts[keep], observed[keep], last[keep]
    if not len(counts):
        raise ValueError("no cohort has been observed for two periods or more")
    filled = np.where(observed, counts, 0.0)
    lost = np.where(observed[:, 1:], filled[:, :-1] - filled[:, 1:], 0.0)
    periods = np.broadcast_to(np.arange(1, counts.shape[1]), lost.shape)
    alive = filled[np.arange(len(filled)), last]
    return _fit(lost.ravel(), periods.ravel(), alive, last.astype(float), int(last.max()), float(filled[:, 0].sum()))
