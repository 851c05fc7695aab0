"""The built-in demo data set: a realistic, deterministic B2B SaaS book of business.

It is what `csxl demo` runs on and what `csxl demo-data DIR` writes as CSV, so
a user sees the input format by example. Every movement occurs: new
customers, upsell, cross-sell, contractual price adjustments (IPCA-like
"reajuste"), contraction, churn and reactivation; surveys, health signals,
an expansion pipeline and success-plan goals come with it, in Portuguese
like the seeds. The simulation is vectorised over customers (one step per
month), so 20,000 customers take seconds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from csxl.data.dataset import MRR_COLUMNS, Dataset
from csxl.data.schema import OPPORTUNITY_TYPES, STAGES

PRODUCTS = ("Core", "Analytics", "Automation", "Support Plus")
# Monthly list prices per product (BRL), by segment: SMB, Mid-Market, Enterprise.
_PRICES = np.array([[490.0, 1490.0, 4990.0], [190.0, 690.0, 1990.0], [290.0, 990.0, 2990.0], [150.0, 450.0, 1200.0]])
_SEGMENTS = ("SMB", "Mid-Market", "Enterprise")
_SEGMENT_SHARE = (0.6, 0.3, 0.1)
# Monthly churn propensity differs by customer (Beta-distributed, as the sBG model assumes) and by segment.
_CHURN_BETA = (0.5, 22.0)
_SEGMENT_CHURN = np.array([1.0, 0.6, 0.3])
_CSMS = ("Ana Souza", "Bruno Lima", "Carla Dias", "Diego Martins", "Elisa Rocha", "Felipe Alves", "Gabriela Nunes")
_REGIONS = ("SP", "SP", "SP", "RJ", "MG", "PR", "RS", "SC", "BA", "PE", "DF", "GO", "México", "Colombia", "Chile")
_INDUSTRIES = ("Varejo", "Logística", "Saúde", "Educação", "Finanças", "Indústria", "Agronegócio", "Serviços")
_PREFIX = ("Agro", "Tech", "Nova", "Vale", "Sol", "Mar", "Rio", "Prime", "Alfa", "Delta", "Omega", "Vita", "Terra",
           "Lumen", "Axis", "Orbe", "Casa", "Ponto", "Rede", "Fonte", "Polo", "Vetor", "Nexo", "Brisa")
_SUFFIX = ("Soluções", "Sistemas", "Digital", "Logística", "Comércio", "Serviços", "Tecnologia", "Alimentos",
           "Pagamentos", "Saúde", "Educação", "Energia", "Distribuidora", "Consultoria")
_LEGAL = ("Ltda", "S.A.", "ME", "Ltda", "S.A.", "S.A. de C.V.", "SpA", "S.A.S.")
HOSTILE_NAMES = ('=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0")
_COMMENTS = {
    "promoter": ("Excelente suporte, time muito atencioso.", "A plataforma virou parte do nosso dia a dia.",
                 "Ótimo custo-benefício.", "Os relatórios economizam horas da equipe."),
    "passive": ("Atende, mas a curva de aprendizado é longa.", "Bom produto, faltam integrações.",
                "Gostaria de relatórios mais flexíveis."),
    "detractor": ("Suporte demorou a responder.", "Tivemos instabilidade no último mês.",
                  "O preço subiu e o uso caiu.", "Difícil de implantar para o time."),
}
_GOALS = (("Reduzir o tempo de fechamento mensal", "dias"), ("Aumentar usuários ativos", "usuários"),
          ("Automatizar conciliações", "% automatizado"), ("Reduzir chamados de suporte", "chamados/mês"),
          ("Adotar o módulo Analytics", "usuários"), ("Diminuir inadimplência", "%"))
_GOAL_STATUS = ("on_track", "at_risk", "achieved", "missed")


def demo_dataset(seed: int = 7, customers: int = 420, months: int = 36, end_month: str = "2026-10") -> Dataset:
    """The demo book: `customers` accounts over `months` months ending at `end_month`."""
    rng = np.random.default_rng(seed)
    calendar = pd.period_range(end=pd.Period(end_month, "M"), periods=months, freq="M")
    ids = np.array([f"C{i:04d}" for i in range(1, customers + 1)])
    segment = rng.choice(3, size=customers, p=_SEGMENT_SHARE)
    yearly = rng.random(customers) < 0.25
    # a third of the base is there from the start, the rest joins over the months
    joins = np.where(rng.random(customers) < 0.35, 0, rng.integers(1, months, size=customers))
    mrr, flags = _simulate(rng, calendar, segment, yearly, joins)
    mrr_table = _mrr_table(ids, calendar, mrr, flags)
    paying = mrr.sum(axis=1) > 0  # customers x months
    customer_table = _customers(rng, ids, segment, calendar, paying, joins)
    nps, csat, ces = _surveys(rng, ids, calendar, paying)
    return Dataset(
        mrr=mrr_table, customers=customer_table, nps=nps, csat=csat, ces=ces,
        health=_health(rng, ids, calendar, paying, segment), pipeline=_pipeline(rng, ids, calendar, paying, mrr),
        goals=_goals(rng, ids, calendar, paying), source="csxl demo data",
    )


def _simulate(rng, calendar, segment, yearly, joins):
    """MRR per customer, product and month, and the price-adjustment flags, month by month."""
    n, t, p = len(segment), len(calendar), len(PRODUCTS)
    mrr = np.zeros((n, p, t))
    flags = np.zeros((n, p, t), dtype=bool)
    base = _PRICES[:, segment].T * rng.choice([1.0, 1.0, 1.5, 2.0, 3.0], size=(n, 1))  # customers x products
    current = np.zeros((n, p))
    ever = np.zeros(n, dtype=bool)
    propensity = rng.beta(*_CHURN_BETA, size=n) * _SEGMENT_CHURN[segment]
    for m in range(t):
        active = current.sum(axis=1) > 0
        starting = (joins == m) & ~ever
        current[starting, 0] = base[starting, 0]
        extra = starting & (rng.random(n) < 0.35)
        current[extra, 1] = base[extra, 1]
        if m:
            churn = active & (rng.random(n) < propensity)
            current[churn] = 0.0
            back = ~active & ever & (rng.random(n) < 0.03)
            current[back, 0] = base[back, 0]
            still = active & ~churn
            owned = current > 0
            upsell = still & (rng.random(n) < 0.045)
            pick = _random_owned(rng, owned)
            current[upsell, pick[upsell]] *= rng.choice([1.2, 1.25, 1.5], size=upsell.sum())
            cross = still & ~upsell & (rng.random(n) < 0.03)
            free = _random_owned(rng, ~owned)
            cross &= (~owned).any(axis=1)
            current[cross, free[cross]] = base[cross, free[cross]]
            shrink = still & ~upsell & ~cross & (rng.random(n) < 0.012)
            current[shrink, pick[shrink]] *= rng.choice([0.6, 0.75, 0.85], size=shrink.sum())
            anniversary = still & (m - joins > 0) & ((m - joins) % 12 == 0) & (rng.random(n) < 0.7)
            rate = 1 + rng.choice([0.038, 0.045, 0.052], size=n)
            current[anniversary] *= rate[anniversary, None]
            flags[anniversary, :, m] = current[anniversary] > 0
        ever |= current.sum(axis=1) > 0
        # yearly payers' MRR is their annual amount / 12, rounded to the cent as billing systems do
        mrr[:, :, m] = np.where(yearly[:, None], np.round(np.round(current * 12, 0) / 12, 2), np.round(current, 2))
    return mrr, flags


def _random_owned(rng, owned: np.ndarray) -> np.ndarray:
    """For each row, a random column among the True ones (0 when none)."""
    weights = owned * rng.random(owned.shape)
    return weights.argmax(axis=1)


def _mrr_table(ids, calendar, mrr, flags) -> pd.DataFrame:
    c, p, m = np.nonzero(mrr)
    table = pd.DataFrame({
        "customer_id": ids[c], "product": np.array(PRODUCTS)[p],
        "month": calendar.to_timestamp()[m], "mrr": mrr[c, p, m], "price_adjustment": flags[c, p, m],
    })
    return table[MRR_COLUMNS].sort_values(["customer_id", "product", "month"], ignore_index=True)


def _names(rng, count: int) -> np.ndarray:
    prefix = rng.choice(_PREFIX, size=count)
    suffix = rng.choice(_SUFFIX, size=count)
    legal = rng.choice(_LEGAL, size=count)
    names = pd.Series([f"{a}{b.lower()} {c}" if i % 3 else f"{a} {b} {c}" for i, (a, b, c) in
                       enumerate(zip(prefix, suffix, legal))])
    dup = names.groupby(names).cumcount()
    names = names.where(dup == 0, names + " " + (dup + 1).astype(str))
    names.iloc[17 % count] = HOSTILE_NAMES[0]
    names.iloc[42 % count] = HOSTILE_NAMES[1]
    return names.to_numpy()


def _customers(rng, ids, segment, calendar, paying, joins) -> pd.DataFrame:
    n = len(ids)
    first = paying.argmax(axis=1)
    day = pd.to_timedelta(rng.integers(0, 27, n), unit="D")
    start = calendar.to_timestamp()[first] + day
    term = rng.choice([12, 24, 36], size=n, p=[0.6, 0.3, 0.1])
    elapsed = len(calendar) - 1 - first
    # the first contract anniversary after the last month of data
    renewal = (calendar[first] + (elapsed // term + 1) * term).to_timestamp() + day
    recent = len(calendar) - 1 - joins < 3
    status = np.where(paying[:, -1] & recent & (first == joins), "onboarding",
                      np.where(paying[:, -1] & (rng.random(n) < 0.03), "frozen", "active"))
    return pd.DataFrame({
        "customer_id": ids, "name": _names(rng, n), "segment": np.array(_SEGMENTS)[segment],
        "tier": np.where(segment == 2, "1", np.where(segment == 1, "2", "3")),
        "csm": rng.choice(_CSMS, size=n), "industry": rng.choice(_INDUSTRIES, size=n),
        "region": rng.choice(_REGIONS, size=n), "start_date": start, "renewal_date": renewal,
        "contract_term_months": term.astype(float), "status": status,
    })


def _answers(rng, ids, calendar, paying, rate, scores, p):
    c, m = np.nonzero(paying & (rng.random(paying.shape) < rate))
    dates = calendar.to_timestamp()[m] + pd.to_timedelta(rng.integers(0, 28, len(m)), unit="D")
    return pd.DataFrame({"customer_id": ids[c], "date": dates, "score": rng.choice(scores, size=len(c), p=p)
                         .astype(float)})


def _surveys(rng, ids, calendar, paying):
    nps_p = np.array([2, 1, 1, 2, 2, 4, 8, 10, 15, 25, 30], dtype=float)
    nps = _answers(rng, ids, calendar, paying, 0.12, np.arange(11), nps_p / nps_p.sum())
    kinds = [nps["score"] >= 9, nps["score"].between(7, 8), nps["score"] <= 6]
    picks = [np.array(_COMMENTS[k])[rng.integers(0, len(_COMMENTS[k]), len(nps))]
             for k in ("promoter", "passive", "detractor")]
    nps["comment"] = np.where(rng.random(len(nps)) < 0.45, np.select(kinds, picks, ""), "")
    csat = _answers(rng, ids, calendar, paying, 0.2, np.arange(1, 6), [0.04, 0.06, 0.15, 0.35, 0.40])
    csat["comment"] = ""
    ces = _answers(rng, ids, calendar, paying, 0.08, np.arange(1, 6), [0.05, 0.10, 0.20, 0.35, 0.30])
    ces["comment"] = ""
    return (nps.sort_values(["customer_id", "date"], ignore_index=True),
            csat.sort_values(["customer_id", "date"], ignore_index=True),
            ces.sort_values(["customer_id", "date"], ignore_index=True))


def _health(rng, ids, calendar, paying, segment) -> pd.DataFrame:
    # accounts that stop paying within three months show it in their signals first
    leaving = np.zeros_like(paying)
    for ahead in (1, 2, 3):
        leaving[:, :-ahead] |= paying[:, :-ahead] & ~paying[:, ahead:]
    c, m = np.nonzero(paying)
    seats = np.round(np.array([10.0, 40.0, 150.0])[segment[c]] * rng.uniform(0.8, 1.5, len(c)))
    adoption = np.where(leaving[c, m], rng.uniform(0.25, 0.6, len(c)), rng.uniform(0.55, 0.98, len(c)))
    users = np.round(seats * adoption)
    return pd.DataFrame({
        "customer_id": ids[c], "month": calendar.to_timestamp()[m], "active_users": users,
        "licensed_seats": seats, "logins": np.round(users * rng.uniform(6, 30, len(c))),
        "support_tickets": rng.poisson(np.where(leaving[c, m], 4.0, 1.2) * seats / 40).astype(float),
        "sla_breaches": rng.poisson(np.where(leaving[c, m], 0.6, 0.1)).astype(float),
    })


def _pipeline(rng, ids, calendar, paying, mrr) -> pd.DataFrame:
    live = np.flatnonzero(paying[:, -1])
    owner = rng.choice(live, size=int(len(live) * 1.4))
    count = len(owner)
    stage = rng.choice(len(STAGES), size=count, p=[0.15, 0.2, 0.18, 0.12, 0.1, 0.15, 0.1])
    kind = rng.choice(len(OPPORTUNITY_TYPES), size=count, p=[0.4, 0.3, 0.15, 0.15])
    current = mrr[owner, :, -1].sum(axis=1)
    close = calendar[-1].to_timestamp() + pd.to_timedelta(rng.integers(-90, 180, count), unit="D")
    return pd.DataFrame({
        "opportunity_id": [f"OP{i:05d}" for i in range(1, count + 1)], "customer_id": ids[owner],
        "stage": np.array(STAGES)[stage], "type": np.array(OPPORTUNITY_TYPES)[kind],
        "amount": np.round(current * rng.uniform(0.05, 0.4, count), 2), "expected_close_date": close,
        "product": rng.choice(PRODUCTS, size=count),
    })


def _goals(rng, ids, calendar, paying) -> pd.DataFrame:
    live = np.flatnonzero(paying[:, -1])
    chosen = rng.choice(live, size=int(len(live) * 0.6), replace=False)
    owner = np.repeat(chosen, rng.integers(2, 4, len(chosen)))
    pick = rng.integers(0, len(_GOALS), len(owner))
    baseline = np.round(rng.uniform(10, 100, len(owner)), 1)
    target = np.round(baseline * rng.choice([0.5, 0.7, 1.3, 1.5], len(owner)), 1)
    actual = np.round(baseline + (target - baseline) * rng.uniform(0, 1.2, len(owner)), 1)
    due = calendar[-1].to_timestamp() + pd.to_timedelta(rng.integers(15, 270, len(owner)), unit="D")
    return pd.DataFrame({
        "customer_id": ids[owner], "goal": [_GOALS[i][0] for i in pick], "kpi": [_GOALS[i][1] for i in pick],
        "baseline": baseline, "target": target, "actual": actual, "due_date": due,
        "status": rng.choice(_GOAL_STATUS, size=len(owner), p=[0.45, 0.25, 0.2, 0.1]),
    })


def write_demo_csv(directory: Path) -> list[Path]:
    """Write the demo data set as one CSV per table: UTF-8, comma, ISO dates, months as YYYY-MM."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    data = demo_dataset()
    written = []
    for name in ("mrr", "customers", "nps", "csat", "ces", "health", "pipeline", "goals"):
        table = getattr(data, name).copy()
        for column in ("month",):
            if column in table:
                table[column] = table[column].dt.strftime("%Y-%m")
        for column in ("date", "start_date", "renewal_date", "expected_close_date", "due_date"):
            if column in table:
                table[column] = table[column].dt.strftime("%Y-%m-%d")
        path = directory / f"{name}.csv"
        table.to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    return written
