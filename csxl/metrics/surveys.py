"""Survey metrics: NPS with its margin of error, CSAT, CES, and survey tables for workbooks.

Scores arrive as any iterable of numbers (a list, a NumPy array, a pandas
Series, the values of an Excel range). Blanks (None, NaN, pd.NA) are not
answers and are dropped. A score outside its scale, a fraction on a scale of
whole points or a text is an error (`ValueError` naming the argument), never
silently clipped or skipped.

**Empty result**: with no answers, NPS is NaN with n = 0 (and NaN margin of
error), CSAT and CES are NaN. An empty survey has no score; it is not 0.

Sources
-------
- NPS: F. Reichheld, "The One Number You Need to Grow", Harvard Business
  Review, Dec 2003; Bain & Company, "Measuring Your Net Promoter Score",
  https://www.netpromotersystem.com/about/measuring-your-net-promoter-score/
- NPS margin of error: the variance of the mean of a +1 / 0 / -1 variable
  (Cross Validated, "How can I calculate margin of error in a NPS result?",
  https://stats.stackexchange.com/q/18603 ; Genroe, "How to calculate NPS
  margin of error", https://www.genroe.com/blog/how-to-calculate-margin-of-error-and-other-stats-for-nps/5994).
- CSAT top-two box: Delighted, "How is CSAT calculated?",
  https://help.delighted.com/article/240-how-is-csat-calculated
- CES: Gartner, "What's your customer effort score?" (7-point agreement
  scale, % agree); CYS Group, "Customer Effort Score 5-point to average"
  (the mean); [15] in docs/sources.md (1-5 scale, 3.5 or more satisfactory).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import pandas as pd

PROMOTER_FROM = 9
DETRACTOR_UP_TO = 6
CSAT_SATISFIED_FROM = 4  # top-two box of a 1-5 scale
MIN_ANSWERS = 5  # below it a score is not reported: with 4 answers an NPS moves in steps of 25 points
CES_AGREE_FROM = {5: 4, 7: 5}
SURVEY_METRICS = ("nps", "csat", "ces")
_NUMERIC = {"integer", "floating", "mixed-integer-float", "decimal", "empty"}


# ---------------------------------------------------------------------------------------------- input


def _flat(scores: object) -> np.ndarray | pd.Series:
    if isinstance(scores, pd.DataFrame):
        return pd.Series(scores.to_numpy(dtype=object).ravel())
    if isinstance(scores, (pd.Series, np.ndarray)):
        return scores.ravel() if isinstance(scores, np.ndarray) else scores
    if isinstance(scores, (str, bytes)) or not isinstance(scores, Iterable):
        scores = [scores]
    return np.asarray(list(scores), dtype=object).ravel()


def _answers(scores: object, lo: float, hi: float, name: str = "scores", whole: bool = True) -> np.ndarray:
    """The answers as floats with blanks dropped; ValueError naming `name` for anything else."""
    raw = _flat(scores)
    kind = getattr(raw, "dtype", np.dtype(object)).kind
    if kind in "iuf":
        values = (raw.to_numpy(dtype=float, na_value=np.nan) if isinstance(raw, pd.Series)
                  else np.asarray(raw, dtype=float))
    else:
        series = pd.Series(np.asarray(raw, dtype=object))
        series = series[series.notna()]
        if pd.api.types.infer_dtype(series, skipna=True) not in _NUMERIC:
            bad = next(v for v in series if isinstance(v, (str, bytes, bool, np.bool_))
                       or not isinstance(v, (int, float, np.number)))
            raise ValueError(f"{name} must be numbers from {lo:g} to {hi:g}; got {bad!r} "
                             "(remove text and TRUE/FALSE values from the range)")
        values = series.to_numpy(dtype=float)
    values = values[~np.isnan(values)]
    outside = (values < lo) | (values > hi)
    if outside.any():
        raise ValueError(f"{name} must be between {lo:g} and {hi:g}; got {values[outside][0]:g} "
                         "(correct or remove answers outside the scale)")
    if whole and (values != np.round(values)).any():
        bad = values[values != np.round(values)][0]
        raise ValueError(f"{name} must be whole numbers from {lo:g} to {hi:g}; got {bad:g}")
    return values


def z_score(confidence: float) -> float:
    """The two-sided normal z of a confidence level (0.95 -> 1.96), for margins of error."""
    try:
        c = float(confidence)
    except (TypeError, ValueError):
        c = math.nan
    if not 0 < c < 1:
        raise ValueError(f"confidence must be a number between 0 and 1, e.g. 0.95; got {confidence!r}")
    return NormalDist().inv_cdf(0.5 + c / 2)


def enough_answers(answers: int, min_answers: int = MIN_ANSWERS) -> bool:
    """Whether a survey score from `answers` answers is worth reporting (the workbooks' `MinAnswers` input).

    With n answers an NPS can only take steps of 100 / n points and its 95%
    margin of error reaches 196 / sqrt(n) points (n = 1: 0 to 100 or -100,
    margin 0 by the formula, which says nothing); csxl's default of 5 answers
    is a presentation rule, not a statistical test: below it the workbooks show
    "too few answers (n = 2)" instead of the score.

    >>> enough_answers(2), enough_answers(5)
    (False, True)
    """
    return answers >= min_answers


def _nps_moe(promoters: np.ndarray | float, detractors: np.ndarray | float, n: np.ndarray | float,
             z: float) -> np.ndarray:
    """z x sqrt((p + d - (p - d)^2) / n) x 100 with p, d the shares; NaN where n = 0."""
    n = np.asarray(n, dtype=float)
    safe = np.where(n > 0, n, 1.0)
    p, d = np.asarray(promoters, dtype=float) / safe, np.asarray(detractors, dtype=float) / safe
    variance = np.maximum(p + d - (p - d) ** 2, 0.0)
    return np.where(n > 0, z * np.sqrt(variance / safe) * 100, np.nan)


# ---------------------------------------------------------------------------------------------- NPS


@dataclass(frozen=True)
class NpsResult:
    """NPS of a set of answers: the score, the counts behind it and its 95% margin of error.

    `score` is in points from -100 to 100 (NaN when n = 0); `margin_of_error`
    is the half-width of the 95% confidence interval in NPS points;
    `moe(confidence)` gives it at any other level.
    """

    score: float
    n: int
    promoters: int
    passives: int
    detractors: int
    margin_of_error: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "margin_of_error", self.moe(0.95))

    def moe(self, confidence: float = 0.95) -> float:
        """Margin of error in NPS points: z x sqrt((p + d - (p - d)^2) / n) x 100, z the normal quantile of
        0.5 + confidence / 2.

        >>> round(nps([10] * 30 + [7] * 20 + [2] * 10).moe(0.95), 2)
        18.86
        """
        return float(_nps_moe(self.promoters, self.detractors, self.n, z_score(confidence)))

    @property
    def interval(self) -> tuple[float, float]:
        """The 95% confidence interval (score - margin, score + margin), clipped to [-100, 100]."""
        return max(-100.0, self.score - self.margin_of_error), min(100.0, self.score + self.margin_of_error)


def nps(scores: Iterable) -> NpsResult:
    """Net Promoter Score = % promoters (9-10) - % detractors (0-6), from -100 to +100.

    Formula::

        NPS = 100 x (promoters - detractors) / n

    Passives (7-8) count in n only. Scores are whole numbers from 0 to 10;
    blanks are ignored. No answers: score NaN, n 0 (the empty result).

    Source: Reichheld, "The One Number You Need to Grow", HBR 2003; Bain &
    Company, "Measuring Your Net Promoter Score"
    (https://www.netpromotersystem.com/about/measuring-your-net-promoter-score/).

    Examples
    --------
    60 promoters, 30 passives and 10 detractors out of 100 answers:

    >>> r = nps([10] * 60 + [8] * 30 + [3] * 10)
    >>> r.score, r.n, r.promoters, r.passives, r.detractors
    (50.0, 100, 60, 30, 10)
    >>> round(r.margin_of_error, 2)
    13.15
    >>> nps([]).n
    0
    """
    values = _answers(scores, 0, 10)
    n = len(values)
    promoters = int((values >= PROMOTER_FROM).sum())
    detractors = int((values <= DETRACTOR_UP_TO).sum())
    score = 100.0 * (promoters - detractors) / n if n else math.nan
    return NpsResult(score, n, promoters, n - promoters - detractors, detractors)


def nps_margin(scores: Iterable, confidence: float = 0.95) -> float:
    """Margin of error of the NPS of `scores`, in points, at `confidence`.

    Formula::

        MoE = z x sqrt((p + d - (p - d)^2) / n) x 100,  z = the standard normal quantile of 0.5 + confidence / 2

    with p, d the shares of promoters and detractors: the NPS is the mean of
    a variable worth +1 (promoter), 0 (passive), -1 (detractor), whose
    variance is p + d - (p - d)^2. NaN with no answers.

    Source: Cross Validated, https://stats.stackexchange.com/q/18603 (whuber's
    answer); Genroe, "How to calculate NPS margin of error".

    Examples
    --------
    1/2 promoters, 1/3 passives, 1/6 detractors of 60 answers: variance 5/9.

    >>> round(nps_margin([10] * 30 + [7] * 20 + [2] * 10), 2)
    18.86
    >>> round(nps_margin([10] * 30 + [7] * 20 + [2] * 10, 0.90), 2)
    15.83
    """
    return nps(scores).moe(confidence)


# ---------------------------------------------------------------------------------------------- CSAT, CES


def _scale(scale_max: object, name: str = "scale_max") -> float:
    try:
        value = float(scale_max)  # type: ignore[arg-type]  # what is not a number is refused below
    except (TypeError, ValueError):
        value = math.nan
    if not value >= 2 or value != round(value):
        raise ValueError(f"{name} must be a whole number of 2 or more (5 for a 1-5 scale); got {scale_max!r}")
    return value


def _threshold(threshold: object, top: float) -> float:
    try:
        t = float(threshold)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        t = math.nan
    if not 1 <= t <= top:
        raise ValueError(f"threshold must be between 1 and {top:g} (4 for the top-two box of 1-5); got {threshold!r}")
    return t


def csat(scores: Iterable, threshold: float = CSAT_SATISFIED_FROM, scale_max: float = 5) -> float:
    """CSAT = share of answers at `threshold` or above: the top-two box of a 1-5 scale, as a fraction.

    Formula::

        CSAT = count(score >= threshold) / n

    Scores are whole numbers from 1 to `scale_max`. NaN with no answers.
    Variant: some tools report the mean answer ("average CSAT") instead; use
    `numpy.mean` of the scores for that, it is not this metric.

    Source: Delighted, "How is CSAT calculated?"
    (https://help.delighted.com/article/240-how-is-csat-calculated): 74
    satisfied (4 or 5) of 107 answers = 69.16%.

    Examples
    --------
    >>> csat([5, 4, 3, 2, 5])
    0.6
    >>> csat([10, 9, 8, 3], threshold=9, scale_max=10)
    0.5
    """
    top = _scale(scale_max)
    t = _threshold(threshold, top)
    values = _answers(scores, 1, top)
    return float((values >= t).mean()) if len(values) else math.nan


def ces(scores: Iterable, method: str = "mean", scale_max: float = 5) -> float:
    """Customer effort score: the mean answer, or with method="agree" the share agreeing.

    Formula::

        mean:  CES = sum(score) / n
        agree: CES = count(score >= 4) / n on a 1-5 scale, count(score >= 5) / n on 1-7

    Answers are agreement with "the company made it easy to handle my
    request" (higher = less effort). The Customer Success Playbook 2022 uses 1-5, where a mean of 3.5 or
    more is satisfactory; Gartner's CES 2.0 uses 1-7 and reports % agree.
    NaN with no answers.

    Sources: Gartner, "What's your customer effort score?"
    (https://www.gartner.com/en/conferences/emea/customer-experience-uk/why-attend/gartner-insights/rn-customer-effort-score);
    CYS Group, "Customer Effort Score 5-point to average" (mean of 1000
    answers = 2.82); [15] in docs/sources.md.

    Examples
    --------
    >>> ces([5, 4, 3, 2]), ces([5, 4, 3, 2], "agree")
    (3.5, 0.5)
    >>> ces([7, 5, 4, 1], "agree", scale_max=7)
    0.5
    """
    top = _scale(scale_max)
    if top not in CES_AGREE_FROM:
        raise ValueError(f"scale_max must be 5 or 7 (the CES scales); got {scale_max!r}")
    how = method.lower() if isinstance(method, str) else method
    if how not in ("mean", "agree"):
        raise ValueError(f"method must be 'mean' or 'agree'; got {method!r}")
    values = _answers(scores, 1, top)
    if not len(values):
        return math.nan
    if how == "mean":
        return float(values.mean())
    return float((values >= CES_AGREE_FROM[int(top)]).mean())


# ---------------------------------------------------------------------------------------------- tables


def score_distribution(scores: Iterable, lo: int = 0, hi: int = 10) -> pd.Series:
    """Number of answers at each score from `lo` to `hi` (zeros included), blanks ignored.

    For the bar chart of answers in a workbook. The default is the NPS scale.

    Example
    -------
    >>> score_distribution([5, 4, 4, None, 1], 1, 5).tolist()
    [1, 0, 0, 2, 1]
    """
    try:
        low, high = float(lo), float(hi)
    except (TypeError, ValueError):
        raise ValueError(f"lo and hi must be whole numbers with lo < hi; got {lo!r}, {hi!r}") from None
    if not (low < high and low == round(low) and high == round(high)):
        raise ValueError(f"lo and hi must be whole numbers with lo < hi; got {lo!r}, {hi!r}")
    values = _answers(scores, low, high)
    counts = np.bincount((values - low).astype(int), minlength=int(high - low) + 1)
    return pd.Series(counts, index=pd.RangeIndex(int(low), int(high) + 1, name="score"), name="answers")


def survey_summary(df: pd.DataFrame, by: str | list[str] | None = None, metric: str = "nps",
                   threshold: float = CSAT_SATISFIED_FROM, scale_max: float = 5, method: str = "mean") -> pd.DataFrame:
    """Answers and the survey metric per group of a canonical survey table (customer_id, date, score).

    `by` is None (one row, labelled "all"), "month" (the month of `date`, as
    the first day of the month), or any column(s) of `df` such as
    "customer_id". `metric` is "nps", "csat" or "ces"; `threshold` and
    `scale_max` / `method` are passed on as in `csat` / `ces`. Blank scores
    are not answers; groups are sorted.

    Columns: n and, for nps, promoters, passives, detractors, nps,
    margin_of_error (95%); for csat, satisfied, csat; for ces, ces. Each
    group's value equals `nps` / `csat` / `ces` of that group's scores.

    Example
    -------
    >>> answers = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...                         "date": pd.to_datetime(["2026-01-05", "2026-02-01", "2026-02-03"]),
    ...                         "score": [10, 6, 9]})
    >>> survey_summary(answers, "month")[["n", "nps"]].to_dict("list")
    {'n': [1, 2], 'nps': [100.0, 0.0]}
    """
    name = metric.lower() if isinstance(metric, str) else metric
    if name not in SURVEY_METRICS:
        raise ValueError(f"metric must be one of {', '.join(SURVEY_METRICS)}; got {metric!r}")
    if "score" not in df:
        raise ValueError("df must have a 'score' column (a canonical survey table: customer_id, date, score)")
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    frame = pd.DataFrame(index=df.index)
    for key in keys:
        if key in df:
            frame[key] = df[key]
        elif key == "month" and "date" in df:
            frame[key] = pd.to_datetime(df["date"]).dt.to_period("M").dt.to_timestamp()
        else:
            raise ValueError(f"by must name columns of df (or 'month' with a 'date' column); got {key!r}")
    top = _scale(scale_max)
    if name == "nps":
        lo, hi = 0.0, 10.0
    else:
        lo, hi = 1.0, top
    answered = df["score"].notna()
    values = _answers(df["score"], lo, hi, "score")
    frame = frame[answered.to_numpy()]
    if name == "nps":
        frame["promoters"] = values >= PROMOTER_FROM
        frame["detractors"] = values <= DETRACTOR_UP_TO
        parts = ["promoters", "detractors"]
    elif name == "csat":
        frame["satisfied"] = values >= _threshold(threshold, top)
        parts = ["satisfied"]
    else:
        if top not in CES_AGREE_FROM:
            raise ValueError(f"scale_max must be 5 or 7 (the CES scales); got {scale_max!r}")
        how = method.lower() if isinstance(method, str) else method
        if how not in ("mean", "agree"):
            raise ValueError(f"method must be 'mean' or 'agree'; got {method!r}")
        frame["ces"] = values if how == "mean" else (values >= CES_AGREE_FROM[int(top)]).astype(float)
        parts = ["ces"]
    frame["n"] = 1
    if keys:
        grouped = frame.groupby(keys, sort=True)
        table = grouped[["n", *[p for p in parts if p != "ces"]]].sum()
        if name == "ces":
            table["ces"] = grouped["ces"].mean()
    else:
        sums = frame[["n", *[p for p in parts if p != "ces"]]].sum()
        table = sums.to_frame("all").T
        if name == "ces":
            table["ces"] = frame["ces"].mean() if len(frame) else math.nan
    table = table.astype({c: "int64" for c in table.columns if c != "ces"})
    n = table["n"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if name == "nps":
            table["passives"] = table["n"] - table["promoters"] - table["detractors"]
            p, d = table["promoters"].to_numpy(dtype=float), table["detractors"].to_numpy(dtype=float)
            table["nps"] = np.where(n > 0, 100.0 * (p - d) / np.where(n > 0, n, 1.0), np.nan)
            table["margin_of_error"] = _nps_moe(p, d, n, z_score(0.95))
            table = table[["n", "promoters", "passives", "detractors", "nps", "margin_of_error"]]
        elif name == "csat":
            table["csat"] = np.where(n > 0, table["satisfied"].to_numpy(dtype=float) / np.where(n > 0, n, 1.0),
                                     np.nan)
    return table
