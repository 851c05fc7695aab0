"""Survey metrics: NPS with its margin of error, CSAT, CES.

Scores arrive as any iterable of numbers; blanks (None, NaN) are not answers
and are dropped. A score outside its scale is an error, never silently
clipped. With no answers the result is NaN (NPS keeps n = 0), the documented
empty result.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm


def _scores(scores: Iterable, lo: float, hi: float, name: str = "scores", whole: bool = True) -> np.ndarray:
    try:
        values = np.asarray(list(scores), dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers from {lo:g} to {hi:g}") from None
    values = values[~np.isnan(values)]
    if ((values < lo) | (values > hi)).any():
        raise ValueError(f"{name} must be between {lo:g} and {hi:g}")
    if whole and (values != np.round(values)).any():
        raise ValueError(f"{name} must be whole numbers from {lo:g} to {hi:g}")
    return values


@dataclass(frozen=True)
class NpsResult:
    """NPS of a set of answers: the score, the counts behind it and its 95% margin of error."""

    score: float
    n: int
    promoters: int
    passives: int
    detractors: int

    @property
    def margin_of_error(self) -> float:
        return self.moe(0.95)

    def moe(self, confidence: float = 0.95) -> float:
        """Margin of error in NPS points: z x sqrt((p + d - (p - d)^2) / n) x 100."""
        if not 0 < confidence < 1:
            raise ValueError("confidence must be between 0 and 1, e.g. 0.95")
        if self.n == 0:
            return math.nan
        p, d = self.promoters / self.n, self.detractors / self.n
        z = float(norm.ppf(0.5 + confidence / 2))
        return z * math.sqrt((p + d - (p - d) ** 2) / self.n) * 100


def nps(scores: Iterable) -> NpsResult:
    """Net Promoter Score = % promoters (9-10) - % detractors (0-6), from -100 to +100.

    Passives (7-8) count in the total only. Source: Reichheld, "The One Number
    You Need to Grow" (HBR, 2003); Bain & Company, "Measuring your Net Promoter
    Score". Margin of error: the variance of a difference of two proportions
    of one multinomial sample (see docs/metrics.md).

    >>> nps([10] * 60 + [8] * 30 + [3] * 10).score
    50.0
    """
    values = _scores(scores, 0, 10)
    n = len(values)
    promoters = int((values >= 9).sum())
    detractors = int((values <= 6).sum())
    score = (promoters - detractors) / n * 100 if n else math.nan
    return NpsResult(score, n, promoters, n - promoters - detractors, detractors)


def csat(scores: Iterable, threshold: float = 4, scale_max: float = 5) -> float:
    """CSAT = share of answers at `threshold` or above (top-two box of a 1-5 scale).

    >>> csat([5, 4, 3, 2, 5])
    0.6
    """
    values = _scores(scores, 1, scale_max)
    return float((values >= threshold).mean()) if len(values) else math.nan


def ces(scores: Iterable, method: str = "mean", scale_max: float = 5) -> float:
    """Customer effort score: the mean answer, or with method="agree" the share agreeing.

    Agreeing is 4-5 on a 1-5 scale and 5-7 on a 1-7 scale. Seeds use 1-5,
    where a mean of 3.5 or more is satisfactory.

    >>> ces([5, 4, 3, 2]), ces([5, 4, 3, 2], "agree")
    (3.5, 0.5)
    """
    if scale_max not in (5, 7):
        raise ValueError("scale_max must be 5 or 7")
    if method not in ("mean", "agree"):
        raise ValueError("method must be 'mean' or 'agree'")
    values = _scores(scores, 1, scale_max)
    if not len(values):
        return math.nan
    if method == "mean":
        return float(values.mean())
    return float((values >= (4 if scale_max == 5 else 5)).mean())
