"""The built-in demo data set: a realistic, deterministic B2B SaaS book of business.

It is what `csxl demo` runs on, what the tests and benchmarks build workbooks
from, and what `csxl demo-data DIR` writes as CSV so a user sees the input
format by example. It has to exercise every definition in docs/metrics.md,
so every movement occurs: new customers, upsell (more of an owned product),
cross-sell (a new product), yearly contractual price adjustments (IPCA-like
"reajuste", flagged on the MRR rows), contraction (fewer seats or a product
dropped), churn and reactivation. The MRR comes from subscriptions (monthly,
quarterly and yearly billing, so a yearly plan of 2,000 shows as 166.67 MRR),
and the subscriptions table is part of the data set: normalising it gives
exactly the MRR table. Surveys, health signals, an expansion pipeline and
success-plan goals come with it, in Portuguese (Spanish for the
Spanish-speaking accounts) like the articles in docs/sources.md, and the signals of the accounts
about to churn are worse, so health scores and NPS mean something.

Realism targets (checked by tests/test_demo.py): monthly logo churn of
about 1.5-3%, annual NRR of 100-110%, NPS of 30-45. Churn propensity is
Beta-distributed across customers, as the shifted-beta-geometric retention
model assumes. The simulation is vectorised over customers with one step per
month, so 20,000 customers take a few seconds; one seeded numpy Generator
makes every run identical.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from csxl.data.dataset import MRR_COLUMNS, Dataset
from csxl.data.schema import OPPORTUNITY_TYPES, STAGES

PRODUCTS = ("Core", "Analytics", "Automation", "Support Plus")
# Monthly list prices (BRL) per product (rows) and segment (columns: SMB, Mid-Market, Enterprise).
_PRICES = np.array([[490.0, 1490.0, 4990.0], [190.0, 690.0, 1990.0], [290.0, 990.0, 2990.0], [150.0, 450.0, 1200.0]])
_SEGMENTS = ("SMB", "Mid-Market", "Enterprise")
_SEGMENT_SHARE = (0.6, 0.3, 0.1)
_TIERS = ("3", "2", "1")  # by segment: the largest accounts are tier 1
# Billing interval by segment: larger accounts prepay more often.
_INTERVALS = ("month", "quarter", "year")
_INTERVAL_MONTHS = np.array([1, 3, 12])
_INTERVAL_SHARE = np.array([[0.75, 0.10, 0.15], [0.55, 0.15, 0.30], [0.30, 0.15, 0.55]])
_TERMS = np.array([12, 24, 36])
_TERM_SHARE = np.array([[0.80, 0.15, 0.05], [0.55, 0.35, 0.10], [0.30, 0.40, 0.30]])
# Monthly churn propensity: Beta across customers, scaled down for larger segments.
_CHURN_BETA = (1.2, 27.0)
_SEGMENT_CHURN = np.array([1.0, 0.5, 0.25])
# Monthly probabilities of the other movements for a paying customer.
_P_UPSELL, _P_CROSS, _P_SHRINK, _P_DROP, _P_BACK, _P_INDEXED = 0.05, 0.025, 0.008, 0.35, 0.025, 0.8
_UPSELL_STEPS = (1.1, 1.2, 1.25, 1.5)
_SHRINK_STEPS = (0.6, 0.75, 0.85)
_IPCA = (0.04, 0.045, 0.05, 0.055, 0.06)
_SEAT_PRICE = 60.0  # MRR per licensed seat, to size the health signals

_CSMS = ("Ana Souza", "Bruno Lima", "Carla Dias", "Diego Martins", "Elisa Rocha", "Felipe Alves", "Gabriela Nunes")
_INDUSTRIES = ("Varejo", "Logística", "Saúde", "Educação", "Finanças", "Indústria", "Agronegócio", "Serviços")
# Region, country and weight: mostly Brazilian states, some Spanish-speaking Latin America.
_REGIONS = (("SP", "BR", 30), ("RJ", "BR", 9), ("MG", "BR", 9), ("PR", "BR", 6), ("RS", "BR", 6), ("SC", "BR", 6),
            ("BA", "BR", 4), ("PE", "BR", 3), ("DF", "BR", 3), ("GO", "BR", 3), ("CE", "BR", 2), ("ES", "BR", 2),
            ("México", "MX", 6), ("Colombia", "CO", 4), ("Chile", "CL", 3), ("Argentina", "AR", 2), ("Perú", "PE", 2))
_LEGAL = {"BR": ("Ltda", "Ltda", "S.A.", "ME"), "MX": ("S.A. de C.V.",), "CO": ("S.A.S.",), "CL": ("SpA", "S.A."),
          "AR": ("S.R.L.", "S.A."), "PE": ("S.A.C.",)}
_SYLLABLES = ("ba", "bra", "ca", "co", "da", "del", "fa", "fer", "ga", "gra", "ja", "la", "li", "lu", "ma",
              "mar", "mi", "na", "no", "pa", "pe", "ra", "ri", "ro", "sa", "sol", "ta", "te", "ti", "to", "va", "ve",
              "vi", "za")
_TECH = ("tec", "log", "net", "sys", "pay", "flex", "med", "agro")
# Words after and before the made-up name, Portuguese and Spanish in the same order.
_AFTER = {"pt": ("Soluções", "Sistemas", "Digital", "Logística", "Alimentos", "Pagamentos", "Saúde", "Educação",
                 "Energia", "Consultoria", "Serviços"),
          "es": ("Soluciones", "Sistemas", "Digital", "Logística", "Alimentos", "Pagos", "Salud", "Educación",
                 "Energía", "Consultores", "Servicios")}
_BEFORE = {"pt": ("Grupo", "Distribuidora", "Transportes", "Construtora", "Laboratório", "Agropecuária"),
           "es": ("Grupo", "Distribuidora", "Transportes", "Constructora", "Laboratorio", "Agropecuaria")}
# Customer names that are formulas in a spreadsheet: the workbooks must write them as text.
HOSTILE_NAMES = ('=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0")

_COMMENTS = {
    "pt": {"promoter": ("Excelente suporte, time muito atencioso.", "A plataforma virou parte do nosso dia a dia.",
                        "Ótimo custo-benefício.", "Os relatórios economizam horas da equipe."),
           "passive": ("Atende, mas a curva de aprendizado é longa.", "Bom produto, faltam integrações.",
                       "Gostaria de relatórios mais flexíveis."),
           "detractor": ("Suporte demorou a responder.", "Tivemos instabilidade no último mês.",
                         "O preço subiu e o uso caiu.", "Difícil de implantar para o time.")},
    "es": {"promoter": ("Excelente soporte, el equipo es muy atento.", "La plataforma ya es parte de nuestro día.",
                        "Muy buena relación precio-calidad.", "Los informes le ahorran horas al equipo."),
           "passive": ("Cumple, pero cuesta aprenderlo.", "Buen producto, faltan integraciones.",
                       "Quisiéramos informes más flexibles."),
           "detractor": ("El soporte tardó en responder.", "Tuvimos inestabilidad el último mes.",
                         "Subió el precio y bajó el uso.", "Difícil de implementar para el equipo.")},
}
# NPS answer distributions (scores 0..10): ordinary accounts, and accounts about to leave.
_NPS_P = np.array([[1, 1, 1, 1, 2, 3, 6, 10, 15, 27, 33], [6, 5, 7, 9, 11, 13, 14, 12, 10, 7, 6]], dtype=float)
_CSAT_P = np.array([[0.03, 0.05, 0.14, 0.36, 0.42], [0.15, 0.20, 0.30, 0.25, 0.10]])
_CES_P = np.array([[0.04, 0.09, 0.20, 0.36, 0.31], [0.15, 0.25, 0.30, 0.20, 0.10]])
# Success-plan goals: text, KPI, baseline range, target as a multiple of the baseline.
_GOALS = (("Reduzir o tempo de fechamento mensal", "dias", (8, 15), (0.5, 0.8)),
          ("Aumentar os usuários ativos", "usuários", (20, 200), (1.2, 1.6)),
          ("Automatizar as conciliações", "% automatizado", (10, 40), (2.0, 3.0)),
          ("Reduzir os chamados de suporte", "chamados/mês", (20, 80), (0.5, 0.8)),
          ("Adotar o módulo Analytics", "usuários", (5, 30), (1.5, 2.5)),
          ("Diminuir a inadimplência", "%", (3, 10), (0.5, 0.8)))
_STAGE_SHARE = (0.15, 0.2, 0.18, 0.12, 0.1, 0.15, 0.1)
_TYPE_SHARE = (0.4, 0.3, 0.15, 0.15)
DEMO_TABLES = ("mrr", "subscriptions", "customers", "nps", "csat", "ces", "health", "pipeline", "goals", "plan",
               "touchpoints")


def demo_dataset(seed: int = 7, customers: int = 420, months: int = 36, end_month: str = "2026-10") -> Dataset:
    """The demo book: `customers` accounts over `months` months ending at `end_month`, the same for a seed."""
    rng = np.random.default_rng(seed)
    n, t = customers, months
    first = np.datetime64(str(pd.Period(end_month, "M")), "M") - (t - 1)
    width = max(4, len(str(n)))
    ids = np.char.add("C", np.char.zfill(np.arange(1, n + 1).astype(str), width))
    segment = rng.choice(3, size=n, p=_SEGMENT_SHARE)
    region = _region(rng, n)  # drawn before the simulation, so tuning it does not move accounts between countries
    interval = _choose(rng, _INTERVAL_SHARE[segment])
    day = rng.integers(1, 29, size=n)  # contract day: every start, renewal and adjustment of the account falls on it
    # a third of the base is there before the data starts (up to five years before), the rest joins over the months
    joins = np.where(rng.random(n) < 0.35, 0, rng.integers(1, t, size=n))
    since = np.where(joins == 0, -rng.integers(0, 60, size=n), joins)
    base = _PRICES[:, segment].T * rng.choice([1.0, 1.0, 1.5, 2.0, 3.0], size=(n, 1))  # customers x products
    amounts, flags, anchor = _simulate(rng, base, segment, interval, joins, since, t)
    mrr = amounts / _INTERVAL_MONTHS[interval][:, None, None]
    paying = mrr.sum(axis=1) > 0  # customers x months
    leaving = _leaving(paying)
    spanish = np.array([code for _, code, _ in _REGIONS])[region] != "BR"
    mrr_rows = _mrr_table(ids, first, mrr, flags)
    return Dataset(
        mrr=mrr_rows,
        subscriptions=_subscriptions(ids, first, amounts, flags, interval, day),
        customers=_customers(rng, ids, first, segment, region, day, since, anchor, paying, joins),
        nps=_nps(rng, ids, first, paying, leaving, spanish),
        touchpoints=_touchpoints(ids, first, paying, joins),
        csat=_answers(rng, ids, first, paying, leaving, 0.2, 1, _CSAT_P)[0],
        ces=_answers(rng, ids, first, paying, leaving, 0.08, 1, _CES_P)[0],
        health=_health(rng, ids, first, mrr, leaving, joins),
        pipeline=_pipeline(rng, ids, first, mrr, base),
        goals=_goals(rng, ids, first, paying),
        plan=_plan(mrr_rows),
        source="csxl demo data",
    )


def _choose(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One index per row of `probabilities` (rows sum to 1): numpy's choice with a distribution per row."""
    cumulative = probabilities.cumsum(axis=1)
    return np.minimum((rng.random(len(probabilities))[:, None] >= cumulative).sum(axis=1), probabilities.shape[1] - 1)


def _random_owned(rng: np.random.Generator, owned: np.ndarray) -> np.ndarray:
    """For each row, a random column among the True ones (0 when none)."""
    return (owned * rng.random(owned.shape)).argmax(axis=1)


def _simulate(rng, base, segment, interval, joins, since, t):
    """Billed amount per customer, product and month, the price-adjustment flags, and each contract's anniversary.

    Amounts are what the billing system charges per interval (the monthly
    price times 1, 3 or 12, yearly prices in whole reais), so the MRR is
    amount / months exactly as csxl normalises subscriptions. Yearly payers
    only leave at their anniversary; in an anniversary month a contract gets
    its price adjustment and nothing else, so a flagged increase is purely
    the adjustment.
    """
    n, p = base.shape
    amounts = np.zeros((n, p, t))
    flags = np.zeros((n, p, t), dtype=bool)
    current = np.zeros((n, p))  # monthly price of each product, unrounded
    ever = np.zeros(n, dtype=bool)
    anchor = since.copy()  # month the current contract started; reactivation starts a new one
    # accounts already there survived their months before the data: Beta(a, b + tenure), the sBG posterior
    alpha, beta = _CHURN_BETA
    propensity = rng.beta(alpha, beta + np.maximum(-since, 0)) * _SEGMENT_CHURN[segment]
    yearly = interval == 2
    yearly_risk = 1 - (1 - propensity) ** 12
    rate = 1 + rng.choice(_IPCA, size=t)  # one index per month, as IPCA is
    for m in range(t):
        active = current.sum(axis=1) > 0
        starting = joins == m
        current[starting, 0] = base[starting, 0]
        bundle = starting & (rng.random(n) < 0.35)
        current[bundle, 1] = base[bundle, 1]
        draw = rng.random((7, n))
        if m:
            due = (m > anchor) & ((m - anchor) % 12 == 0)
            churn = active & (draw[0] < np.where(yearly, np.where(due, yearly_risk, 0.0), propensity))
            current[churn] = 0.0
            back = ~active & ever & (draw[1] < _P_BACK)
            current[back, 0] = base[back, 0]
            anchor[back] = m
            adjust = active & ~churn & due & (draw[2] < _P_INDEXED)
            current[adjust] *= rate[m]
            flags[adjust, :, m] = current[adjust] > 0
            still = active & ~churn & ~adjust
            owned = current > 0
            pick, free = _random_owned(rng, owned), _random_owned(rng, ~owned)
            upsell = still & (draw[3] < _P_UPSELL)
            current[upsell, pick[upsell]] *= rng.choice(_UPSELL_STEPS, size=int(upsell.sum()))
            cross = still & ~upsell & ~owned.all(axis=1) & (draw[4] < _P_CROSS)
            current[cross, free[cross]] = base[cross, free[cross]]
            shrink = still & ~upsell & ~cross & (draw[5] < _P_SHRINK)
            drop = shrink & (owned.sum(axis=1) > 1) & (draw[6] < _P_DROP)
            current[drop, pick[drop]] = 0.0
            cut = shrink & ~drop
            current[cut, pick[cut]] *= rng.choice(_SHRINK_STEPS, size=int(cut.sum()))
        ever |= current.sum(axis=1) > 0
        months = _INTERVAL_MONTHS[interval][:, None]
        amounts[:, :, m] = np.where(yearly[:, None], np.round(current * 12), np.round(current * months, 2))
    return amounts, flags, anchor


def _leaving(paying: np.ndarray) -> np.ndarray:
    """Customer-months of accounts that stop paying within the next three months: their signals show it first."""
    leaving = np.zeros_like(paying)
    for ahead in (1, 2, 3):
        leaving[:, :-ahead] |= paying[:, :-ahead] & ~paying[:, ahead:]
    return leaving


def _days(first: np.datetime64, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Day `day` (1-28) of month index `month` counted from `first`, as datetime64[ns]."""
    return ((first + month).astype("datetime64[D]") + (day - 1)).astype("datetime64[ns]")


def _labels(values, index: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """values[index] as a pandas string array, taken without making a Python string per row (3x faster)."""
    return pd.array(np.asarray(values), dtype="str")[index]


def _mrr_table(ids, first, mrr, flags) -> pd.DataFrame:
    """The MRR rows in the order `load` gives (customer, product name, month) without sorting strings."""
    order = np.argsort(PRODUCTS)
    mrr, flags = mrr[:, order], flags[:, order]
    c, p, m = np.nonzero(mrr)
    return pd.DataFrame({
        "customer_id": _labels(ids, c), "product": _labels(np.array(PRODUCTS)[order], p),
        "month": _days(first, m, np.ones_like(m)), "mrr": mrr[c, p, m], "price_adjustment": flags[c, p, m],
    })[MRR_COLUMNS]


def _subscriptions(ids, first, amounts, flags, interval, day) -> pd.DataFrame:
    """One row per subscription and price period: a new period starts whenever a product's amount changes.

    A subscription is one uninterrupted spell of a product; each change of
    amount (seats, price adjustment) starts a new period of the same
    subscription on the contract day, and the previous one ends the day
    before. Under the month-end rule (counted in M when active on M's last
    day) this reproduces the MRR table exactly; open periods have no end.
    """
    n, p, t = amounts.shape
    flat = amounts.reshape(n * p, t)
    before = np.hstack([np.zeros((n * p, 1)), flat[:, :-1]])
    row, month = np.nonzero(flat != before)  # row-major: each row's changes in month order
    following = np.where(np.r_[row[1:] == row[:-1], False], np.r_[month[1:], t], t)
    period = flat[row, month] > 0
    row, month, following = row[period], month[period], following[period]
    spell = np.cumsum(before[row, month] == 0)
    customer, product = row // p, row % p
    end = _days(first, following, day[customer]) - np.timedelta64(1, "D")
    return pd.DataFrame({
        "subscription_id": np.char.add("S", np.char.zfill(spell.astype(str), max(6, len(str(len(spell)))))),
        "customer_id": _labels(ids, customer), "product": _labels(PRODUCTS, product),
        "start_date": _days(first, month, day[customer]),
        "end_date": np.where(following < t, end, np.datetime64("NaT", "ns")),
        "amount": flat[row, month], "interval": _labels(_INTERVALS, interval[customer]),
        "price_adjustment": flags[customer, product, month],
    })


def _region(rng, n: int) -> np.ndarray:
    weights = np.array([w for _, _, w in _REGIONS], dtype=float)
    return rng.choice(len(_REGIONS), size=n, p=weights / weights.sum())


def _names(rng, country_code: np.ndarray) -> np.ndarray:
    """Made-up company names from syllables, with words and legal forms of each customer's country."""
    n = len(country_code)
    syllables = np.array(_SYLLABLES)[rng.integers(0, len(_SYLLABLES), size=(n, 3))]
    third = np.where(rng.random(n) < 0.4, syllables[:, 2], "")
    word = pd.Series(np.char.add(np.char.add(syllables[:, 0], syllables[:, 1]), third)).str.capitalize()
    spanish = country_code != "BR"
    pick = rng.integers(0, len(_AFTER["pt"]), n)
    after = np.where(spanish, np.array(_AFTER["es"])[pick], np.array(_AFTER["pt"])[pick])
    pick = rng.integers(0, len(_BEFORE["pt"]), n)
    before = np.where(spanish, np.array(_BEFORE["es"])[pick], np.array(_BEFORE["pt"])[pick])
    tech = np.array(_TECH)[rng.integers(0, len(_TECH), n)]
    form = rng.integers(0, 3, n)
    names = np.select([form == 0, form == 1], [word + " " + after, before + " " + word], word + tech)
    legal = np.empty(n, dtype=object)
    for code, forms in _LEGAL.items():
        mine = country_code == code
        legal[mine] = np.array(forms)[rng.integers(0, len(forms), int(mine.sum()))]
    names = pd.Series(names + " " + legal.astype(str))
    repeat = names.groupby(names).cumcount()
    names = names.where(repeat == 0, names + " " + (repeat + 1).astype(str))
    names.iloc[17 % n] = HOSTILE_NAMES[0]
    names.iloc[42 % n] = HOSTILE_NAMES[1]
    return names.to_numpy(dtype=object)


def _customers(rng, ids, first, segment, region, day, since, anchor, paying, joins) -> pd.DataFrame:
    """Account attributes; renewal dates fall on contract anniversaries, within 24 months for paying accounts.

    A churned account's renewal date is the day its last contract ended, in
    the past, which is what a CRM keeps.
    """
    n, t = paying.shape
    term = _TERMS[_choose(rng, _TERM_SHARE[segment])]
    ahead = (anchor - (t - 1)) % 12
    ahead = np.where(ahead == 0, 12, ahead) + np.where((term > 12) & (rng.random(n) < 0.5), 12, 0)
    last = t - 1 - paying[:, ::-1].argmax(axis=1)
    ended = _days(first, last + 1, day) - np.timedelta64(1, "D")
    now = paying[:, -1]
    onboarding = now & (joins > 0) & (joins >= t - 3)
    frozen = now & ~onboarding & (rng.random(n) < 0.03)
    codes = np.array([code for _, code, _ in _REGIONS])[region]
    return pd.DataFrame({
        "customer_id": ids, "name": _names(rng, codes), "segment": np.array(_SEGMENTS)[segment],
        "tier": np.array(_TIERS)[segment], "csm": np.array(_CSMS)[rng.integers(0, len(_CSMS), n)],
        "industry": np.array(_INDUSTRIES)[rng.integers(0, len(_INDUSTRIES), n)],
        "region": np.array([name for name, _, _ in _REGIONS])[region],
        "start_date": _days(first, since, day),
        "renewal_date": np.where(now, _days(first, t - 1 + ahead, day), ended),
        "contract_term_months": term.astype(float),
        "status": np.select([onboarding, frozen], ["onboarding", "frozen"], "active"),
        "currency": "BRL",  # the demo company bills in reais, whatever language its workbooks are in
    })


def _answers(rng, ids, first, paying, leaving, rate, low, probabilities) -> tuple[pd.DataFrame, np.ndarray]:
    """Survey answers from a sample of paying customer-months, worse for accounts about to leave; and who answered."""
    c, m = np.nonzero(paying & (rng.random(paying.shape) < rate))
    rows = probabilities / probabilities.sum(axis=1, keepdims=True)
    score = low + _choose(rng, rows[leaving[c, m].astype(int)])
    return pd.DataFrame({"customer_id": _labels(ids, c), "date": _days(first, m, rng.integers(1, 29, len(m))),
                         "score": score.astype(float), "comment": ""}), c


def _nps(rng, ids, first, paying, leaving, spanish) -> pd.DataFrame:
    """NPS answers; about 45% leave a comment in the account's language that fits the score."""
    nps, who = _answers(rng, ids, first, paying, leaving, 0.12, 0, _NPS_P)
    score = nps["score"].to_numpy()
    kind = np.select([score >= 9, score >= 7], ["promoter", "passive"], "detractor")
    lang = np.where(spanish[who], "es", "pt")
    comment = np.full(len(nps), "", dtype=object)
    for language, kinds in _COMMENTS.items():
        for name, options in kinds.items():
            mine = (lang == language) & (kind == name)
            comment[mine] = np.array(options, dtype=object)[rng.integers(0, len(options), int(mine.sum()))]
    nps["comment"] = np.where(rng.random(len(nps)) < 0.45, comment, "")
    return nps


def _health(rng, ids, first, mrr, leaving, joins) -> pd.DataFrame:
    """Monthly usage and support signals; seats follow the MRR, adoption ramps up and drops before churn.

    Accounts that stop paying within three months show low adoption, few logins and more tickets, so most of them
    flag Red or Yellow before they churn. In the data's last three months the churn to come lies beyond the data:
    as many accounts as usually leave within three months (drawn apart from `rng`, so the tables after this one
    stay as they were) show the same signals, the accounts at risk a real book has at its as-of month.
    """
    total = mrr.sum(axis=1)
    n, t = total.shape
    at_risk = leaving.copy()
    usual = leaving[:, : t - 3][total[:, : t - 3] > 0].mean() if t > 3 else 0.0
    at_risk[:, t - 3:] |= (np.random.default_rng([n, t]).random(n) < usual)[:, None] & (total[:, t - 3:] > 0)
    c, m = np.nonzero(total > 0)
    k = len(c)
    seats = np.maximum(3.0, np.round(total[c, m] / _SEAT_PRICE))
    bad = at_risk[c, m]
    ramp = (m - joins[c] >= 0) & (m - joins[c] < 3) & (joins[c] > 0)
    adoption = np.select([bad, ramp], [rng.uniform(0.1, 0.45, k), rng.uniform(0.3, 0.7, k)],
                         rng.uniform(0.55, 0.98, k))
    users = np.round(seats * adoption)
    logins_per_user = np.where(bad, rng.uniform(2, 9, k), rng.uniform(6, 30, k))
    return pd.DataFrame({
        "customer_id": _labels(ids, c), "month": _days(first, m, np.ones_like(m)), "active_users": users,
        "licensed_seats": seats, "logins": np.round(users * logins_per_user),
        "support_tickets": rng.poisson(np.where(bad, 6.0, 1.2) * seats / 40 + 0.3).astype(float),
        "sla_breaches": rng.poisson(np.where(bad, 1.2, 0.1)).astype(float),
    })


def _pipeline(rng, ids, first, mrr, base) -> pd.DataFrame:
    """Open and closed expansion opportunities of the paying accounts, sized by what each type would add.

    Upsell is on a product the account owns, cross-sell on one it does not
    (an account owning everything gets an upsell instead); price adjustment
    and renewal concern the whole contract, so they name no product. Closed
    opportunities closed in the last six months, open ones close in the next six.
    """
    t = mrr.shape[2]
    now = mrr[:, :, -1]
    live = np.flatnonzero(now.sum(axis=1) > 0)
    owner = rng.choice(live, size=int(len(live) * 1.4))
    count = len(owner)
    stage = rng.choice(len(STAGES), size=count, p=_STAGE_SHARE)
    owned = now[owner] > 0
    kind = rng.choice(len(OPPORTUNITY_TYPES), size=count, p=_TYPE_SHARE)
    kind = np.where((kind == 1) & owned.all(axis=1), 0, kind)
    pick, free = _random_owned(rng, owned), _random_owned(rng, ~owned)
    products = np.array(PRODUCTS, dtype=object)
    total = now[owner].sum(axis=1)
    amount = np.select([kind == 0, kind == 1, kind == 2],
                       [now[owner, pick] * rng.uniform(0.1, 0.5, count), base[owner, free],
                        total * rng.choice(_IPCA, count)], total)
    after = _days(first, np.full(count, t), np.ones(count, dtype=int))
    offset = rng.integers(1, 181, count).astype("timedelta64[D]")
    closed = stage >= STAGES.index("won")
    return pd.DataFrame({
        "opportunity_id": np.char.add("OP", np.char.zfill(np.arange(1, count + 1).astype(str), 5)),
        "customer_id": ids[owner], "stage": np.array(STAGES)[stage], "type": np.array(OPPORTUNITY_TYPES)[kind],
        "amount": np.round(amount, 2), "expected_close_date": np.where(closed, after - offset, after + offset),
        "product": np.select([kind == 0, kind == 1], [products[pick], products[free]], ""),
    })


def _goals(rng, ids, first, paying) -> pd.DataFrame:
    """Two or three distinct success-plan goals for 60% of the paying accounts; status follows the progress.

    Achieved when the target is reached, missed when the due date passed
    without it, otherwise on track from halfway to the target, at risk below.
    """
    t = paying.shape[1]
    live = np.flatnonzero(paying[:, -1])
    chosen = rng.choice(live, size=int(len(live) * 0.6), replace=False)
    count = rng.integers(2, 4, len(chosen))
    owner = np.repeat(chosen, count)
    k = len(owner)
    within = np.arange(k) - np.repeat(np.cumsum(count) - count, count)
    goal = (np.repeat(rng.integers(0, len(_GOALS), len(chosen)), count) + within) % len(_GOALS)
    low, high = np.array([g[2] for g in _GOALS], dtype=float)[goal].T
    f_low, f_high = np.array([g[3] for g in _GOALS])[goal].T
    baseline = np.round(rng.uniform(low, high), 1)
    target = np.round(baseline * rng.uniform(f_low, f_high), 1)
    progress = rng.uniform(-0.1, 1.25, k)
    actual = np.round(baseline + (target - baseline) * progress, 1)
    as_of = _days(first, np.full(k, t), np.ones(k, dtype=int))
    due = as_of + rng.integers(-120, 271, k).astype("timedelta64[D]")
    return pd.DataFrame({
        "customer_id": ids[owner], "goal": np.array([g[0] for g in _GOALS], dtype=object)[goal],
        "kpi": np.array([g[1] for g in _GOALS], dtype=object)[goal], "baseline": baseline, "target": target,
        "actual": actual, "due_date": due,
        "status": np.select([progress >= 1, due < as_of, progress >= 0.5], ["achieved", "missed", "on_track"],
                            "at_risk"),
    })


# The demo plan: the MRR of the month a year before the last grows by this much a month, for the last year of
# the data and two years after it - a budget a little ahead of what the book achieves, as budgets tend to be.
_PLAN_GROWTH = 0.02


def _plan(mrr: pd.DataFrame) -> pd.DataFrame:
    """The company's MRR plan by month: from 11 months before the last month of the data to 24 months after it."""
    total = mrr.groupby("month")["mrr"].sum()
    last = pd.Period(total.index.max(), "M")
    start = last - 12
    months = pd.period_range(start + 1, last + 24, freq="M")
    steps = np.arange(1, len(months) + 1)
    planned = total.get(start.to_timestamp(), total.iloc[0]) * (1 + _PLAN_GROWTH) ** steps
    return pd.DataFrame({"month": months.to_timestamp(), "mrr": np.round(planned, 2)})


_TOUCHPOINT_TYPES = ("QBR", "check-in", "EBR")
_TOUCHPOINT_SHARE = np.array([0.5, 0.35, 0.15])


def _touchpoints(ids, first, paying, joins) -> pd.DataFrame:
    """Meetings with paying accounts: an onboarding in the month an account joins, then in each paying month a QBR,
    check-in or EBR with the account's own rate (Beta-distributed: some accounts are met most months, some about
    once a year), so a CSM's coverage over 90 days lands anywhere from about half to nearly all accounts. Drawn
    apart from the other tables' generator, so adding this table moved none of them."""
    n, t = paying.shape
    rng = np.random.default_rng([n, t, 2])
    rate = rng.beta(1.5, 2.5, n)
    c, m = np.nonzero(paying & (rng.random(paying.shape) < rate[:, None]))
    kind = _choose(rng, np.tile(_TOUCHPOINT_SHARE, (len(c), 1)))
    started = np.flatnonzero((joins > 0) & (joins < t))
    customer = np.concatenate([c, started])
    month = np.concatenate([m, joins[started]])
    types = np.concatenate([np.array(_TOUCHPOINT_TYPES, dtype=object)[kind], np.full(len(started), "onboarding",
                                                                                     dtype=object)])
    order = np.lexsort((month, customer))
    return pd.DataFrame({"customer_id": _labels(ids, customer[order]),
                         "date": _days(first, month[order], rng.integers(1, 29, len(order))),
                         "type": types[order]})


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Months as YYYY-MM, dates as ISO, whole-number columns without '.0': the format users would write."""
    table = frame.copy()
    for column in table.columns:
        values = table[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            table[column] = values.dt.strftime("%Y-%m" if column == "month" else "%Y-%m-%d")
        elif pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
            table[column] = values.astype("Int64")
    return table


def write_demo_csv(directory: Path | str, customers: int = 420) -> list[Path]:
    """Write the demo data set as one CSV per table (UTF-8, comma, dot decimals); return the files written.

    Floats are written in full so that `csxl.data.load.load(directory)` reads
    back exactly the demo data set (a yearly 2,000 is 166.66666666666666 MRR).
    A larger `customers` gives the benchmarks a bigger book in the same format.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    data = demo_dataset(customers=customers)
    written = []
    for name in DEMO_TABLES:
        frame = getattr(data, name)
        if frame is None or frame.empty:
            continue
        path = directory / f"{name}.csv"
        _csv_ready(frame).to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        written.append(path)
    return written
