"""The parity registry: each defined name and named block of a workbook kind, and the csxl.metrics computation
that defines it.

`REGISTRY[kind][name](case)` gives the value a recalculated workbook must show
under `name`: a number, a text, or a list for a block (read row by row, blank
cells as None). tests/test_parity.py walks every entry in every language; a
new figure on a sheet gets a defined name and one line here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from csxl.data.dataset import Dataset
from csxl.data.schema import OPPORTUNITY_TYPES
from csxl.metrics import health, review, surveys
from csxl.metrics.csm import csm_scorecard
from csxl.metrics.expansion import (
    OPEN_STAGES,
    funnel,
    weighted_pipeline,
    whitespace,
)
from csxl.metrics.forecast import (
    days_to_renewal,
    nrr_point_value,
    nrr_sensitivity,
    project_mrr,
    renewal_forecast,
    trailing_rates,
)
from csxl.metrics.health import mrr_by_flag
from csxl.metrics.movements import mrr_movements
from csxl.metrics.retention import grr_cohort, logo_churn_cohort, nrr_cohort
from csxl.workbooks.labels import Locale

BAND_LABELS = {"healthy": "band.healthy", "retains most": "band.retains", "low": "band.low"}


@dataclass(frozen=True)
class Case:
    """One generated workbook: its data, as-of month, language and (for a QBR) account."""

    data: Dataset
    as_of: pd.Timestamp
    locale: Locale
    account: str | None = None
    # Inputs changed from their defaults in the workbook, as a reader would change them
    survey_months: int = 12
    ticket_seats: int = 10
    bands: tuple[float, float] = (1.0, 0.8)

    @property
    def mrr(self) -> pd.DataFrame:
        """The MRR rows the workbook holds: the account's (QBR) or the book's, to the as-of month."""
        rows = self.data.mrr[self.data.mrr["month"] <= self.as_of]
        return rows[rows["customer_id"] == self.account] if self.account else rows

    def mine(self, table: str) -> pd.DataFrame:
        frame = getattr(self.data, table)
        return frame[frame["customer_id"] == self.account] if self.account else frame

    def window(self, table: str) -> pd.DataFrame:
        """Survey answers of the SurveyMonths months to the end of the as-of month."""
        answers = self.mine(table)
        return answers[(answers["date"] >= self.as_of - pd.DateOffset(months=self.survey_months - 1))
                       & (answers["date"] < self.as_of + pd.DateOffset(months=1))]

    def in_month(self, table: str, month: pd.Timestamp) -> pd.DataFrame:
        answers = self.mine(table)
        return answers[(answers["date"] >= month) & (answers["date"] < month + pd.DateOffset(months=1))]

    @property
    def months(self) -> list[pd.Timestamp]:
        """The twelve months to the as-of month, oldest first."""
        return [self.as_of - pd.DateOffset(months=11 - k) for k in range(12)]


def _nan_blank(values) -> list:
    return [None if isinstance(v, float) and math.isnan(v) else v for v in values]


def _qbr_outputs() -> dict[str, Callable[[Case], object]]:
    def customer(case: Case) -> pd.Series:
        return case.data.customers.set_index("customer_id").loc[case.account]

    def components(case: Case, back: int = 0) -> pd.Series | None:
        signals = case.mine("health")
        month = signals[signals["month"] == case.as_of - pd.DateOffset(months=back)]
        return health.health_components(month, ticket_seats=case.ticket_seats).iloc[0] if len(month) else None

    def score(case: Case, back: int = 0) -> float:
        found = components(case, back)
        return math.nan if found is None else health.health_score(
            found[["adoption", "engagement", "support"]].to_numpy())

    def mrr(case: Case, back: int = 0) -> float:
        return case.mrr.loc[case.mrr["month"] == case.as_of - pd.DateOffset(months=back), "mrr"].sum()

    def rate_change(case: Case, cohort: Callable[..., float], back: int) -> float:
        """The change in pp of the 12-month cohort rate from `back` months before the as-of month."""
        earlier = case.as_of - pd.DateOffset(months=back)
        before = cohort(case.mrr, earlier, 12) if earlier >= case.mrr["month"].min() else math.nan  # not a customer
        return review.points_change(cohort(case.mrr, case.as_of, 12), before)

    def signal_rows(case: Case, column: str) -> list:
        """A health signal by month over the twelve months, blank in a month without a row."""
        rows = case.mine("health")
        return [rows.loc[rows["month"] == m, column].sum() if (rows["month"] == m).any() else None
                for m in case.months]

    def utilisation(case: Case) -> list:
        pairs = zip(signal_rows(case, "active_users"), signal_rows(case, "licensed_seats"))
        return _nan_blank([None if seats is None else review.seat_utilisation(users, seats) for users, seats in pairs])

    def quarter(case: Case, column: str, back: int = 0) -> float:
        return review.quarter_total(case.mine("health"), column, case.as_of - pd.DateOffset(months=back))

    def quarter_name(case: Case, month: pd.Timestamp) -> str:
        return f'{case.locale("quarter_prefix")}{(month.month - 1) // 3 + 1} {month.year}'

    def highlights(case: Case) -> list[str]:
        """The summary's three sentences, from csxl.metrics.review and the labels' wording."""
        words, before = case.locale, quarter_name(case, case.as_of - pd.DateOffset(months=3))
        moved = review.change(mrr(case), mrr(case, 3))
        whole = math.floor(abs(moved) * 100 + 0.5) if not math.isnan(moved) else None  # Excel's ROUND: half up
        if whole is None:
            first = words("hl.mrr_new").replace("{q}", before)
        elif whole == 0:
            first = words("hl.mrr_flat").replace("{q}", before)
        else:
            first = words("hl.mrr_up" if moved > 0 else "hl.mrr_down").replace("{pct}", str(whole))
            first = first.replace("{q}", before)
        on_track, goals = review.goals_on_track(case.mine("goals")["status"])
        second = (words("hl.goals").replace("{k}", str(on_track)).replace("{n}", str(goals)) if goals
                  else words("hl.no_goals"))
        breaches, tickets = quarter(case, "sla_breaches"), quarter(case, "support_tickets")
        key = "hl.sla_none" if breaches == 0 else "hl.sla_one" if breaches == 1 else "hl.sla"
        third = words(key).replace("{n}", f"{breaches:g}").replace("{t}", f"{tickets:g}")
        return [first, second, third]

    def goal_progress(case: Case) -> list:
        goals = case.mine("goals")
        return _nan_blank([review.goal_progress(b, t, x) for b, t, x in goals[["baseline", "target", "actual"]]
                           .itertuples(index=False)])

    def band(case: Case) -> str:
        label = health.nrr_band(nrr_cohort(case.mrr, case.as_of, 12), *case.bands)
        return case.locale(BAND_LABELS[label]) if label else ""

    def flag(case: Case) -> str:
        found = health.health_flag(score(case), status=customer(case)["status"])
        return case.locale(f"flag.{found}") if found else ""


    def products_now(case: Case) -> list:
        products = sorted(case.data.mrr["product"].unique())
        table = whitespace(case.mrr, case.as_of, products)
        owned = table.loc[case.account] if case.account in table.index else pd.Series(0.0, index=products)
        return list(owned.reindex(products).to_numpy())

    def reported(case: Case, table: str, score: Callable[[pd.Series], float], instead: object = "") -> object:
        """`surveys.enough_answers`: the score of the window's answers, or the text a workbook shows instead
        (`instead` None: blank)."""
        answers = case.window(table)["score"]
        if surveys.enough_answers(len(answers)):
            return score(answers)
        if instead is None:
            return None
        return case.locale("no_answers") if len(answers) == 0 else f'{case.locale("too_few")} (n = {len(answers)})'

    def last_answer(case: Case) -> object:
        dates = pd.concat([case.mine(t)["date"] for t in ("nps", "csat", "ces")])
        dates = dates[dates < case.as_of + pd.DateOffset(months=1)]
        return dates.max().to_pydatetime() if len(dates) else None

    def open_pipeline(case: Case, expansion: bool) -> float:
        """MRR of the account's open opportunities: expansion (every type but renewal) or renewals."""
        pipeline = case.mine("pipeline")
        return pipeline.loc[pipeline["stage"].isin(OPEN_STAGES) & ((pipeline["type"] != "renewal") == expansion),
                            "amount"].sum()

    def weighted_by_type(case: Case) -> pd.Series:
        return weighted_pipeline(case.mine("pipeline")).reindex(list(OPPORTUNITY_TYPES))

    return {
        "Account": lambda case: customer(case)["name"],
        "AsOf": lambda case: case.as_of.to_pydatetime(),
        "MRR": mrr,
        "ARR": lambda case: 12 * mrr(case),
        "NRR": lambda case: nrr_cohort(case.mrr, case.as_of, 12),
        "GRR": lambda case: grr_cohort(case.mrr, case.as_of, 12),
        "NrrBand": band,
        "HealthScore": score,
        "HealthFlag": flag,
        "NPS": lambda case: reported(case, "nps", lambda scores: surveys.nps(scores).score),
        "NpsMargin": lambda case: reported(case, "nps", lambda scores: surveys.nps(scores).margin_of_error, None),
        "CSAT": lambda case: reported(case, "csat", surveys.csat),
        "CES": lambda case: reported(case, "ces", surveys.ces),
        "NpsAnswers": lambda case: len(case.window("nps")),
        "CsatAnswers": lambda case: len(case.window("csat")),
        "CesAnswers": lambda case: len(case.window("ces")),
        "LastAnswer": last_answer,
        "RenewalDate": lambda case: customer(case)["renewal_date"].to_pydatetime(),
        "DaysToRenewal": lambda case: days_to_renewal(customer(case)["renewal_date"], case.as_of),
        "ProductsNow": products_now,
        "OpenExpansion": lambda case: open_pipeline(case, expansion=True),
        "OpenRenewals": lambda case: open_pipeline(case, expansion=False),
        "WeightedExpansion": lambda case: weighted_by_type(case).drop("renewal").sum(),
        "WeightedRenewals": lambda case: weighted_by_type(case)["renewal"],
        "WeightedByType": lambda case: list(weighted_by_type(case).to_numpy()),
        "ContractTerm": lambda case: customer(case)["contract_term_months"],
        "RenewalARR": lambda case: 12 * mrr(case),
        "MrrChangeQuarter": lambda case: review.change(mrr(case), mrr(case, 3)),
        "MrrChangeYear": lambda case: review.change(mrr(case), mrr(case, 12)),
        "NrrChangeQuarter": lambda case: rate_change(case, nrr_cohort, 3),
        "NrrChangeYear": lambda case: rate_change(case, nrr_cohort, 12),
        "GrrChangeQuarter": lambda case: rate_change(case, grr_cohort, 3),
        "GrrChangeYear": lambda case: rate_change(case, grr_cohort, 12),
        "HealthChangeQuarter": lambda case: score(case) - score(case, 3),
        "TicketsQuarter": lambda case: quarter(case, "support_tickets"),
        "SlaBreachesQuarter": lambda case: quarter(case, "sla_breaches"),
        "TicketsPreviousQuarter": lambda case: quarter(case, "support_tickets", 3),
        "SlaBreachesPreviousQuarter": lambda case: quarter(case, "sla_breaches", 3),
        "SupportTickets": lambda case: signal_rows(case, "support_tickets"),
        "SlaBreaches": lambda case: signal_rows(case, "sla_breaches"),
        "AdoptionUsers": lambda case: signal_rows(case, "active_users"),
        "AdoptionSeats": lambda case: signal_rows(case, "licensed_seats"),
        "AdoptionLogins": lambda case: signal_rows(case, "logins"),
        "SeatUtilisation": utilisation,
        "GoalProgress": goal_progress,
        "Highlights": highlights,
    }


def _now(case: Case) -> pd.Series:
    """MRR by paying customer in the as-of month."""
    now = case.mrr[case.mrr["month"] == case.as_of].groupby("customer_id")["mrr"].sum()
    return now[now > 0]


def _portfolio_blocks() -> dict[str, Callable[[Case], object]]:
    def flags(case: Case) -> pd.DataFrame:
        now = _now(case)
        return mrr_by_flag(now, health.flags_at(case.data.health, case.data.customers, now.index, case.as_of))

    def quick_ratio(case: Case) -> float:
        year = mrr_movements(case.mrr).tail(12)
        return year[["new", "expansion", "reactivation"]].sum().sum() / year[["contraction", "churn"]].sum().sum()

    def by_month(case: Case, measure: Callable[[pd.DataFrame], float], table: str) -> list:
        return _nan_blank([measure(case.in_month(table, m)) for m in case.months])

    def scorecard(case: Case) -> list:
        """csm_scorecard's rows in the sheet's columns, the CSMs sorted as the scorecard lists them."""
        flags = health.flags_at(case.data.health, case.data.customers, pd.Index(case.mrr["customer_id"].unique()),
                                case.as_of)
        table = csm_scorecard(case.mrr, case.data.customers, case.as_of, 12, case.data.nps, flags=flags)
        table = table[table["csm"] != "(unassigned)"].sort_values("csm")
        shares = [f"share_{flag}" for flag in health.FLAGS]
        table[shares] = table.reindex(columns=shares).fillna(0.0)  # a flag none of a CSM's accounts has: 0
        columns = ["csm", "accounts", "mrr", "mrr_retained", "logo_retention", "expansion_mrr", "accounts_expanded",
                   "nps", "mrr_growth_mom", "account_coverage", *shares]
        return _nan_blank(table[columns].to_numpy().ravel())

    def by_segment(case: Case, by: pd.Series | None) -> list:
        table = health.segments(case.mrr, case.as_of, 12, by=by)
        return _nan_blank(table.reset_index()[[table.index.name or "index", "accounts", "mrr", "arpa", "nrr"]]
                          .to_numpy().ravel())

    def expansion_funnel(case: Case) -> pd.DataFrame:
        return funnel(case.data.pipeline[case.data.pipeline["type"] != "renewal"])

    return {
        "MRR": lambda case: _now(case).sum(),
        "ARR": lambda case: 12 * _now(case).sum(),
        "Customers": lambda case: len(_now(case)),
        "ARPA": lambda case: _now(case).mean(),
        "NRR": lambda case: nrr_cohort(case.mrr, case.as_of, 12),
        "GRR": lambda case: grr_cohort(case.mrr, case.as_of, 12),
        "LogoChurn": lambda case: logo_churn_cohort(case.mrr, case.as_of, 12),
        "QuickRatio": quick_ratio,
        "NPS": lambda case: surveys.nps(case.window("nps")["score"]).score,
        "CsmScorecard": scorecard,
        "SegmentsTouch": lambda case: by_segment(case, None),
        "SegmentsTier": lambda case: by_segment(case, case.data.customers.set_index("customer_id")["tier"]),
        "FunnelCount": lambda case: list(expansion_funnel(case)["count"].to_numpy()),
        "FunnelAmount": lambda case: list(expansion_funnel(case)["amount"].to_numpy()),
        "FunnelReached": lambda case: list(expansion_funnel(case)["reached"].to_numpy()),
        "FunnelConversion": lambda case: _nan_blank(expansion_funnel(case)["conversion"].to_numpy()),
        "WeightedByType": lambda case: list(weighted_pipeline(case.data.pipeline).reindex(
            list(OPPORTUNITY_TYPES)).to_numpy()),
        "FlagAccounts": lambda case: list(flags(case)["accounts"].to_numpy()),
        "FlagMRR": lambda case: list(flags(case)["mrr"].to_numpy()),
        "VoiceAnswers": lambda case: by_month(case, len, "nps"),
        "VoiceNPS": lambda case: by_month(case, lambda d: surveys.nps(d["score"]).score if len(d) else np.nan, "nps"),
        "VoiceCSAT": lambda case: by_month(case, lambda d: surveys.csat(d["score"]) if len(d) else np.nan, "csat"),
        "VoiceCES": lambda case: by_month(case, lambda d: surveys.ces(d["score"]) if len(d) else np.nan, "ces"),
    }


def _forecast_blocks() -> dict[str, Callable[[Case], object]]:
    def arr_now(case: Case) -> float:
        return 12 * case.mrr.loc[case.mrr["month"] == case.as_of, "mrr"].sum()

    def nrr(case: Case) -> float:
        return nrr_cohort(case.mrr, case.as_of, 12)

    def end(case: Case) -> float:
        rates = trailing_rates(case.data.mrr, 6, case.as_of)
        return project_mrr(rates, 12, "base")["end_mrr"].iloc[-1]

    def renewals(case: Case) -> pd.DataFrame:
        flags = health.flags_at(case.data.health, case.data.customers, pd.Index(case.data.mrr["customer_id"].unique()),
                                case.as_of)
        return renewal_forecast(case.data.customers, _now(case), flags, case.as_of, 12)

    return {
        "ForecastMRR": end,
        "ForecastARR": lambda case: 12 * end(case),
        "CommitRenewalARR": lambda case: renewals(case).query("flag == 'Green'")["arr"].sum(),
        "WeightedRenewalARR": lambda case: renewals(case)["weighted_arr"].sum(),
        "BestCaseRenewalARR": lambda case: renewals(case)["arr"].sum(),
        "SensitivityARR": lambda case: list(nrr_sensitivity(arr_now(case), nrr(case)).to_numpy().ravel()),
        "PointValue": lambda case: [nrr_point_value(arr_now(case), nrr(case), years) for years in range(1, 6)],
    }


REGISTRY: dict[str, dict[str, Callable[[Case], object]]] = {
    "qbr": _qbr_outputs(),
    "portfolio": _portfolio_blocks(),
    "forecast": _forecast_blocks(),
}
