"""A small hand-made book of business for workbook tests: three accounts with distinctive ids and names.

Small enough to reason about, varied enough to exercise every movement: the
accounts gain, lose and swap products; one is frozen, one onboarding; one has
a name that would be a formula if it were written carelessly.
"""

import numpy as np
import pandas as pd

from csxl.data.dataset import Dataset

ACCOUNT = "ACME-7781"
OTHERS = {"ZEBRA-5521": "Zebra Holdings Secretas", "QUOLL-9034": '=HYPERLINK("http://evil.example","click")'}
NAMES = {ACCOUNT: "Acme Comércio Ltda", **OTHERS}


def small_book(seed: int = 11) -> Dataset:
    rng = np.random.default_rng(seed)
    months = pd.date_range("2024-01-01", "2026-10-01", freq="MS")
    rows = []
    for customer in NAMES:
        for product in ("Core", "Analytics", "Automation"):
            level = float(rng.choice([100.0, 166.67, 250.0]))
            for month in months:
                if rng.random() < 0.12:
                    level = float(rng.choice([0.0, 100.0, 166.67, 250.0, 333.33]))
                if level > 0:
                    rows.append((customer, product, month, level, bool(rng.random() < 0.05)))
    mrr = pd.DataFrame(rows, columns=["customer_id", "product", "month", "mrr", "price_adjustment"])
    customers = pd.DataFrame({
        "customer_id": list(NAMES), "name": list(NAMES.values()), "segment": ["SMB", "Enterprise", "Mid-Market"],
        "tier": ["1", "2", "3"], "csm": ["Ana Souza", "Bruno Lima", "Carla Dias"],
        "industry": "Varejo", "region": "SP", "start_date": pd.Timestamp("2024-01-01"),
        "renewal_date": pd.to_datetime(["2027-03-15", "2027-01-10", "2026-12-01"]),
        "contract_term_months": 12.0, "status": ["active", "frozen", "onboarding"],
    })
    answers = []
    for customer in NAMES:
        for day in pd.date_range("2025-01-03", "2026-10-20", freq="19D"):
            answers.append((customer, day, float(rng.integers(0, 11)), rng.choice(["Ótimo suporte", "", "Lento"])))
    nps = pd.DataFrame(answers, columns=["customer_id", "date", "score", "comment"])
    csat = nps.assign(score=np.clip(nps["score"] // 2, 1, 5))
    ces = nps.assign(score=np.clip(nps["score"] // 2 + 1, 1, 5))
    health = pd.DataFrame([(c, m, float(rng.integers(5, 60)), 50.0, float(rng.integers(0, 1500)),
                            float(rng.integers(0, 8)), float(rng.integers(0, 2)))
                           for c in NAMES for m in months],
                          columns=["customer_id", "month", "active_users", "licensed_seats", "logins",
                                   "support_tickets", "sla_breaches"])
    pipeline = pd.DataFrame({
        "opportunity_id": [f"OP{i}" for i in range(8)], "customer_id": [ACCOUNT] * 5 + list(OTHERS) + [ACCOUNT],
        "stage": ["proposal", "won", "negotiation", "expand_map", "lost", "forecast", "opportunity", "forecast"],
        "type": ["upsell", "cross_sell", "price_adjustment", "renewal", "upsell", "upsell", "cross_sell", "upsell"],
        "amount": [500.0, 300.0, 80.0, 1000.0, 200.0, 999.0, 777.0, 150.0],
        "expected_close_date": pd.Timestamp("2026-12-01"), "product": "Core",
    })
    goals = pd.DataFrame({
        "customer_id": [ACCOUNT, ACCOUNT, "ZEBRA-5521"], "goal": ["Reduzir tempo de fechamento", "Adotar Analytics",
                                                                  "Meta secreta da Zebra"],
        "kpi": ["dias", "usuários", "x"], "baseline": [10.0, 0.0, 1.0], "target": [5.0, 40.0, 2.0],
        "actual": [7.0, 30.0, 1.5], "due_date": pd.Timestamp("2026-12-31"), "status": ["on_track", "at_risk", "x"],
    })
    # the company's plan: planned MRR by month, from before the as-of month the tests use into the forecast
    plan = pd.DataFrame({"month": pd.date_range("2026-01-01", "2027-12-01", freq="MS"),
                         "mrr": 1600.0 + 20.0 * np.arange(24)})
    # within 90 days of the end of September 2026: the account's QBR and the third one's onboarding; not the EBR
    touchpoints = pd.DataFrame({"customer_id": [ACCOUNT, "ZEBRA-5521", "QUOLL-9034", ACCOUNT],
                                "date": pd.to_datetime(["2026-08-10", "2026-07-02", "2026-09-05", "2026-10-03"]),
                                "type": ["QBR", "EBR", "onboarding", "QBR"]})
    return Dataset(mrr=mrr, customers=customers, nps=nps, csat=csat, ces=ces, health=health, pipeline=pipeline,
                   goals=goals, plan=plan, touchpoints=touchpoints, source="tests/books.py")


# Names that are patterns or comparisons where Excel takes text as a criterion (SUMIFS, COUNTIFS, MATCH): each
# pair would be counted together if a workbook matched them as patterns, and spaces must count as written.
HOSTILE_PRODUCTS = {"Core": "Add-on*", "Analytics": "Add-on pack", "Automation": " =1<2>~? "}
HOSTILE_CSMS = {"Ana Souza": "Ana*", "Bruno Lima": "Ana Lima", "Carla Dias": "<>Carla~"}
HOSTILE_TIERS = {"1": "1*", "2": "1", "3": " >2"}


def hostile_book() -> Dataset:
    """The small book with its products, CSMs and tiers renamed to texts that are wildcards or comparisons."""
    book = small_book()
    rename = lambda frame, column, names: frame.assign(**{column: frame[column].replace(names)})  # noqa: E731
    customers = rename(rename(book.customers, "csm", HOSTILE_CSMS), "tier", HOSTILE_TIERS)
    return Dataset(**{**book.__dict__, "mrr": rename(book.mrr, "product", HOSTILE_PRODUCTS), "customers": customers,
                      "pipeline": rename(book.pipeline, "product", HOSTILE_PRODUCTS)})


def sparse_book() -> Dataset:
    """The small book where the account has answered NPS twice and CES never in its last year, and CSAT once:
    scores from too few answers, or none, that a QBR must not show as facts."""
    book = small_book()
    recent = lambda frame, keep: pd.concat([  # noqa: E731
        frame[(frame["customer_id"] != ACCOUNT) | (frame["date"] < "2025-10-01")],
        frame[(frame["customer_id"] == ACCOUNT) & (frame["date"] >= "2025-10-01")].head(keep)])
    return Dataset(**{**book.__dict__, "nps": recent(book.nps, 2), "csat": recent(book.csat, 1),
                      "ces": recent(book.ces, 0)})


def quiet_book() -> Dataset:
    """The small book where the account is new: paying from July 2026 (nothing a quarter or a year before to
    compare with), health rows from July too, no survey answer and no success-plan goal."""
    book = small_book()
    theirs = lambda frame: frame[frame["customer_id"] != ACCOUNT]  # noqa: E731
    recent = lambda frame: frame[(frame["customer_id"] != ACCOUNT) | (frame["month"] >= "2026-07-01")]  # noqa: E731
    return Dataset(**{**book.__dict__, "mrr": recent(book.mrr), "health": recent(book.health),
                      "nps": theirs(book.nps), "csat": theirs(book.csat), "ces": theirs(book.ces),
                      "goals": theirs(book.goals), "pipeline": theirs(book.pipeline)})
