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
from csxl.metrics.coverage import covered_accounts
from csxl.metrics.csm import csm_scorecard
from csxl.metrics.expansion import (
    OPEN_STAGES,
    funnel,
    weighted_pipeline,
    whitespace,
)
from csxl.metrics.forecast import (
    days_to_renewal,
    fiscal_rollup,
    nrr_point_value,
    nrr_sensitivity,
    project_mrr,
    reconcile,
    renewals_in_horizon,
    trailing_rates,
)
from csxl.metrics.health import mrr_by_flag
from csxl.metrics.movements import mrr_movements
from csxl.metrics.movers import MOVER_KINDS, account_movements
from csxl.metrics.pipeline import closing_within
from csxl.metrics.retention import grr_cohort, logo_churn_cohort, nrr_cohort
from csxl.metrics.risk import renewals_at_risk
from csxl.workbooks.labels import Locale
from csxl.workbooks.portfolio_movers import MOVER_ROWS, MOVER_WINDOWS
from csxl.workbooks.portfolio_segments import QUARTERS, quarter_back

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
    funnel_months: int = 12

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


WINDOWS = (("Short", 90), ("Long", 180))  # the portfolio's renewal windows (Inputs defaults), in days
PORTFOLIO_WINDOW = 36  # the months the portfolio shows; its wide tables also hold the month before them
_MOVED = ["new", "reactivation", "expansion", "upsell", "cross_sell", "price_adjustment", "contraction", "churn",
          "new_customers", "reactivated_customers", "churned_customers"]


def opening_month(mrr: pd.DataFrame, as_of: pd.Timestamp) -> int:
    """The portfolio's opening balance: the window index (0 = the month before the 36 shown) of the data's first
    month, 0 when the data reaches that month or earlier."""
    first = mrr["month"].min()
    return max(0, (first.year - as_of.year) * 12 + first.month - as_of.month + PORTFOLIO_WINDOW)


def portfolio_movements(mrr: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """`mrr_movements` as the portfolio presents it, by month (a Timestamp index): when the data begins inside the
    window its first month is an opening balance (ChartMogul's convention), start = end and no movement, where
    `mrr_movements` books the whole base as new."""
    moves = mrr_movements(mrr).assign(month=lambda t: t["period"].dt.to_timestamp()).set_index("month")
    if opening_month(mrr, as_of) > 0:
        first = moves.index[0]
        moves.loc[first, _MOVED] = 0
        moves.loc[first, ["start_mrr", "customers_start"]] = moves.loc[first, ["end_mrr", "customers_end"]].to_numpy()
        moves.loc[first, ["nrr", "grr"]] = np.nan
    return moves


def at_risk(data: Dataset, as_of: pd.Timestamp, days: int) -> pd.DataFrame:
    """`csxl.metrics.risk.renewals_at_risk` of the book at the as-of month, flags from its health data."""
    now = data.mrr[data.mrr["month"] == as_of].groupby("customer_id")["mrr"].sum()
    flags = health.flags_at(data.health, data.customers, now.index, as_of)
    return renewals_at_risk(data.customers, now, flags, as_of, days)


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


def _now(case: Case, before: int = 0) -> pd.Series:
    """MRR by paying customer in the as-of month (or `before` months before it)."""
    month = case.as_of - pd.DateOffset(months=before)
    now = case.mrr[case.mrr["month"] == month].groupby("customer_id")["mrr"].sum()
    return now[now > 0]


def _portfolio_blocks() -> dict[str, Callable[[Case], object]]:
    def plan_mrr(case: Case) -> object:
        """The plan table's MRR of the as-of month ("" without one)."""
        plan = getattr(case.data, "plan", None)
        rows = plan[plan["month"] == case.as_of] if plan is not None else []
        return rows["mrr"].sum() if len(rows) else ""

    def flags(case: Case) -> pd.DataFrame:
        now = _now(case)
        return mrr_by_flag(now, health.flags_at(case.data.health, case.data.customers, now.index, case.as_of))

    def quick_ratio(case: Case) -> float:
        year = portfolio_movements(case.mrr, case.as_of).tail(12)
        return year[["new", "expansion", "reactivation"]].sum().sum() / year[["contraction", "churn"]].sum().sum()

    def by_month(case: Case, measure: Callable[[pd.DataFrame], float], table: str) -> list:
        return _nan_blank([measure(case.in_month(table, m)) for m in case.months])

    def scorecard_table(case: Case, total: bool = False) -> pd.DataFrame:
        """csm_scorecard in the sheet's columns, the CSMs sorted as the scorecard lists them; with `total` one row
        over the whole book (every account given one CSM), named as the sheet names it."""
        flags = health.flags_at(case.data.health, case.data.customers, pd.Index(case.mrr["customer_id"].unique()),
                                case.as_of)
        covered = covered_accounts(case.data.touchpoints, case.as_of) if case.data.touchpoints is not None else None
        customers = case.data.customers.assign(csm=case.locale("total")) if total else case.data.customers
        table = csm_scorecard(case.mrr, customers, case.as_of, 12, case.data.nps, flags=flags, covered=covered)
        table = table[table["csm"] != "(unassigned)"].sort_values("csm")
        shares = [f"share_{flag}" for flag in health.FLAGS]
        table[shares] = table.reindex(columns=shares).fillna(0.0)  # a flag none of a CSM's accounts has: 0
        columns = ["csm", "accounts", "mrr", "mrr_retained", "logo_retention", "expansion_mrr", "accounts_expanded",
                   "nps", "mrr_growth_mom", "account_coverage", *shares]
        return table[columns]

    def scorecard(case: Case, total: bool = False) -> list:
        return _nan_blank(scorecard_table(case, total).to_numpy().ravel())

    def ranks(case: Case) -> list:
        """Each CSM's rank by MRR retained, 1 = highest, ties sharing the better rank."""
        retained = scorecard_table(case)["mrr_retained"]
        return _nan_blank(retained.rank(ascending=False, method="min").to_numpy())

    def by_segment(case: Case, by: pd.Series | None) -> list:
        table = health.segments(case.mrr, case.as_of, 12, by=by)
        return _nan_blank(table.reset_index()[[table.index.name or "index", "accounts", "mrr", "arpa", "nrr"]]
                          .to_numpy().ravel())

    def risk_list(case: Case, days: int) -> list:
        table = at_risk(case.data, case.as_of, days)
        table["flag"] = [case.locale(f"flag.{flag}") for flag in table["flag"]]
        return list(table[["name", "arr", "flag", "csm", "days"]].to_numpy().ravel())

    def movers(case: Case, back: int, kind: str) -> list:
        """`account_movements` of one window and kind, the rows the Movers sheet lists: name, CSM, amount."""
        moved = account_movements(case.mrr, case.as_of, back)
        moved = moved[moved["kind"] == kind].head(MOVER_ROWS)
        customers = case.data.customers.set_index("customer_id").reindex(moved.index)
        return list(pd.DataFrame({"name": customers["name"], "csm": customers["csm"],
                                  "amount": moved["amount"]}).to_numpy().ravel())

    def trend_months(case: Case) -> list[pd.Timestamp]:
        """The quarters' end months of the segment trends, oldest first."""
        return [case.as_of - pd.DateOffset(months=quarter_back(j)) for j in reversed(range(QUARTERS))]

    def segment_trend(case: Case, kind: str, measure: str) -> list:
        """`segments` at each quarter's end, segments x quarters row by row (a tier without accounts then: blank)."""
        tiers = case.data.customers.set_index("customer_id")["tier"]
        if kind == "touch":
            names, by = list(health.TOUCH_MODELS), None
        else:
            names = sorted({str(t) for t in tiers.reindex(case.mrr["customer_id"].unique()).dropna()} - {""})
            by = tiers
        table = pd.DataFrame({month: health.segments(case.mrr, month, 12, by=by)[measure].reindex(names)
                              for month in trend_months(case)})
        return _nan_blank(table.to_numpy().ravel())

    def window(case: Case) -> pd.DataFrame:
        return closing_within(case.data.pipeline, case.as_of, case.funnel_months)

    def expansion_funnel(case: Case) -> pd.DataFrame:
        return funnel(window(case)[window(case)["type"] != "renewal"])

    return {
        "MRR": lambda case: _now(case).sum(),
        "ARR": lambda case: 12 * _now(case).sum(),
        "OpeningMonth": lambda case: opening_month(case.mrr, case.as_of),
        **{f"Movers{window.title()}{kind.title()}": lambda case, back=back, kind=kind: movers(case, back, kind)
           for window, back in MOVER_WINDOWS.items() for kind in MOVER_KINDS},
        "SegmentTrendMonths": lambda case: [m.to_pydatetime() for m in trend_months(case)],
        **{f"SegmentTrend{kind.title()}{measure.upper()}": lambda case, kind=kind, measure=measure: segment_trend(
            case, kind, measure) for kind in ("touch", "tier") for measure in ("nrr", "grr")},
        "MrrMoM": lambda case: _now(case).sum() / _now(case, 1).sum() - 1,
        "MrrYoY": lambda case: _now(case).sum() / _now(case, 12).sum() - 1,
        "CustomersMoM": lambda case: len(_now(case)) - len(_now(case, 1)),
        "PlanMRR": plan_mrr,
        "MrrVsPlan": lambda case: "" if plan_mrr(case) == "" else _now(case).sum() / plan_mrr(case) - 1,
        **{f"RenewalRisk{suffix}": lambda case, days=days: risk_list(case, days) for suffix, days in WINDOWS},
        **{f"RenewalRiskARR{suffix}": lambda case, days=days: at_risk(case.data, case.as_of, days)["arr"].sum()
           for suffix, days in WINDOWS},
        **{f"RenewalRiskAccounts{suffix}": lambda case, days=days: len(at_risk(case.data, case.as_of, days))
           for suffix, days in WINDOWS},
        "Customers": lambda case: len(_now(case)),
        "ARPA": lambda case: _now(case).mean(),
        "NRR": lambda case: nrr_cohort(case.mrr, case.as_of, 12),
        "GRR": lambda case: grr_cohort(case.mrr, case.as_of, 12),
        "LogoChurn": lambda case: logo_churn_cohort(case.mrr, case.as_of, 12),
        "QuickRatio": quick_ratio,
        "NPS": lambda case: surveys.nps(case.window("nps")["score"]).score,
        "CsmScorecard": scorecard,
        "CsmTotal": lambda case: scorecard(case, total=True),
        "CsmRank": ranks,
        "SegmentsTouch": lambda case: by_segment(case, None),
        "SegmentsTier": lambda case: by_segment(case, case.data.customers.set_index("customer_id")["tier"]),
        "FunnelCount": lambda case: list(expansion_funnel(case)["count"].to_numpy()),
        "FunnelAmount": lambda case: list(expansion_funnel(case)["amount"].to_numpy()),
        "FunnelReached": lambda case: list(expansion_funnel(case)["reached"].to_numpy()),
        "FunnelConversion": lambda case: _nan_blank(expansion_funnel(case)["conversion"].to_numpy()),
        "WeightedByType": lambda case: list(weighted_pipeline(window(case)).reindex(
            list(OPPORTUNITY_TYPES)).to_numpy()),
        "FlagAccounts": lambda case: list(flags(case)["accounts"].to_numpy()),
        "FlagMRR": lambda case: list(flags(case)["mrr"].to_numpy()),
        "VoiceAnswers": lambda case: by_month(case, len, "nps"),
        "VoiceNPS": lambda case: by_month(case, lambda d: surveys.nps(d["score"]).score if len(d) else np.nan, "nps"),
        "VoiceCSAT": lambda case: by_month(case, lambda d: surveys.csat(d["score"]) if len(d) else np.nan, "csat"),
        "VoiceCES": lambda case: by_month(case, lambda d: surveys.ces(d["score"]) if len(d) else np.nan, "ces"),
    }


def _forecast_blocks() -> dict[str, Callable[[Case], object]]:
    horizon = 12

    def arr_now(case: Case) -> float:
        return 12 * case.mrr.loc[case.mrr["month"] == case.as_of, "mrr"].sum()

    def nrr(case: Case) -> float:
        """The cohort NRR the Drivers sheet uses: 100% when nobody paid 12 months before."""
        found = nrr_cohort(case.mrr, case.as_of, 12)
        return 1.0 if math.isnan(found) else found

    def rates(case: Case):
        return trailing_rates(case.data.mrr, 6, case.as_of)

    def end(case: Case) -> float:
        return project_mrr(rates(case), horizon, "base")["end_mrr"].iloc[-1]

    def renewals(case: Case) -> pd.DataFrame:
        flags = health.flags_at(case.data.health, case.data.customers, pd.Index(case.data.mrr["customer_id"].unique()),
                                case.as_of)
        return renewals_in_horizon(case.data.customers, _now(case), flags, case.as_of, horizon)

    def reconciled(case: Case, field: str) -> float:
        return getattr(reconcile(rates(case), nrr(case), renewals(case), horizon), field)

    def rollup(case: Case, length: int) -> list:
        """fiscal_rollup's rows in the sheet's columns, the period labelled as the sheet labels it."""
        table = fiscal_rollup(project_mrr(rates(case), horizon), renewals(case), case.data.plan, 1, length)
        fy, q = case.locale("fy"), case.locale("quarter_letter")
        labels = [f"{fy}{y} {q}{p}" if length == 3 else f"{fy}{y}" for y, p in table.index]
        table = table.assign(period=labels, first_month=[m.to_pydatetime() for m in table["first_month"]],
                             months=table["months"].astype(float))
        columns = ["period", "first_month", "months", "revenue", "exit_arr", "commit", "weighted", "best_case", "plan",
                   "variance", "plan_exit_arr", "exit_variance"]
        return _nan_blank(table[columns].to_numpy().ravel())

    drivers = {"NewMRR": "new_mrr", "ExpansionRate": "expansion", "ContractionRate": "contraction",
               "ChurnRate": "churn"}
    fields = {"RenewalLoss": "renewal_loss", "RenewalLossYear": "renewal_loss_year",
              "ProjectedChurn": "projected_churn", "ProjectedChurnYear": "projected_churn_year",
              "RenewalChurnRate": "implied_churn_rate",
              "BaseAtImpliedNRR": "base_at_implied_nrr", "NewBusinessARR": "new_business",
              "BaseAtCurrentNRR": "base_at_current_nrr"}
    return {
        "ForecastMRR": end,
        "ForecastARR": lambda case: 12 * end(case),
        **{name: lambda case, field=field: getattr(rates(case), field) for name, field in drivers.items()},
        "WindowMonths": lambda case: rates(case).months,
        "CurrentNRR": nrr,
        "CommitRenewalARR": lambda case: renewals(case).query("flag == 'Green'")["arr"].sum(),
        "WeightedRenewalARR": lambda case: renewals(case)["weighted_arr"].sum(),
        "BestCaseRenewalARR": lambda case: renewals(case)["arr"].sum(),
        **{name: lambda case, field=field: reconciled(case, field) for name, field in fields.items()},
        "QuarterRollup": lambda case: rollup(case, 3),
        "YearRollup": lambda case: rollup(case, 12),
        "SensitivityARR": lambda case: list(nrr_sensitivity(arr_now(case), nrr(case)).to_numpy().ravel()),
        "PointValue": lambda case: [nrr_point_value(arr_now(case), nrr(case), years) for years in range(1, 6)],
    }


REGISTRY: dict[str, dict[str, Callable[[Case], object]]] = {
    "qbr": _qbr_outputs(),
    "portfolio": _portfolio_blocks(),
    "forecast": _forecast_blocks(),
}
