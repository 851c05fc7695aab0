"""The tables csxl reads, their canonical columns, and the header aliases users write.

This is the single description of the input format: the readers resolve
headers with it, the validators check types with it, the UDFs find columns in
an Excel range with it and docs/data.md documents it. Headers match after
folding case, accents, spaces, dashes and dots, so "Mês", "MES" and "mes" are
the same header.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["id", "text", "month", "date", "number", "integer", "bool"]


@dataclass(frozen=True)
class Column:
    """One canonical column: its name, kind, whether it is required, its aliases.

    `open_end` marks an end date, where ERPs write "no end" as a day of the year 9999: it reads as empty.
    """

    name: str
    kind: Kind
    required: bool = False
    aliases: tuple[str, ...] = ()
    doc: str = ""
    minimum: float | None = None
    maximum: float | None = None
    open_end: bool = False


@dataclass(frozen=True)
class Table:
    """One input table: canonical name, file/sheet name aliases, its columns.

    `key` lists the columns that identify a row; duplicates are an error.
    `extra_numeric` tables keep any further numeric columns (health signals).
    """

    name: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()
    key: tuple[str, ...] = ()
    doc: str = ""
    extra_numeric: bool = False
    _by_name: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({c.name: c for c in self.columns})

    def column(self, name: str) -> Column:
        return self._by_name[name]

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def fold(text: object) -> str:
    """Fold a header or a label for matching: lower case, no accents, words joined by '_'."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", s.lower()).strip("_")


_CUSTOMER = ("customer", "customer_id", "customerid", "account", "account_id", "client", "client_id",
             "cliente", "id_cliente", "cliente_id", "codigo_cliente", "cod_cliente", "conta", "id_conta",
             "id_do_cliente", "cuenta", "id_cuenta")
_PRODUCT = ("product", "product_id", "plan", "sku", "produto", "plano", "producto", "servico", "servicio")
_MONTH = ("month", "period", "date", "mes", "competencia", "periodo", "data", "fecha", "mes_referencia")
_DATE = ("date", "data", "fecha", "answered_at", "created_at", "data_resposta", "fecha_respuesta")
_COMMENT = ("comment", "comments", "feedback", "comentario", "comentarios", "observacao", "observacoes")
_SCORE = ("score", "rating", "nota", "answer", "resposta", "respuesta", "puntuacion", "puntaje", "calificacion")
_PRICE_ADJ = ("price_adjustment", "is_price_adjustment", "reajuste", "indexation", "indexacao",
              "ajuste_de_precio", "ajuste_precio")


def _survey(name: str, lo: int, hi: int, aliases: tuple[str, ...], doc: str) -> Table:
    return Table(
        name,
        (
            Column("customer_id", "id", True, _CUSTOMER, "Customer the answer belongs to."),
            Column("date", "date", True, _DATE, "Date of the answer."),
            Column("score", "number", True, _SCORE + (name,), f"Answer from {lo} to {hi}.", lo, hi),
            Column("comment", "text", False, _COMMENT, "Free text left with the answer."),
        ),
        aliases,
        doc=doc,
    )


MRR = Table(
    "mrr",
    (
        Column("customer_id", "id", True, _CUSTOMER, "Customer (account) identifier."),
        Column("month", "month", True, _MONTH,
               "Month of the snapshot: 2026-03, 2026-03-01, 01/03/2026 or an Excel serial number."),
        Column("mrr", "number", True,
               ("mrr", "monthly_recurring_revenue", "revenue", "amount", "value", "receita", "receita_mensal",
                "receita_recorrente", "valor", "valor_mensal", "mensalidade", "ingreso", "ingresos", "monto",
                "importe", "ingreso_mensual"),
               "Monthly recurring revenue of the customer (and product) in that month, >= 0.", 0),
        Column("product", "id", False, _PRODUCT, "Product or plan; enables the upsell / cross-sell split."),
        Column("price_adjustment", "bool", False, _PRICE_ADJ,
               "True when this row's increase over the previous month is a contractual price adjustment."),
    ),
    ("mrr", "mrr_snapshots", "snapshots", "receita", "receitas", "mrr_mensal", "ingresos"),
    key=("customer_id", "month", "product"),
    doc="One row per customer (optionally per product) per month with that month's MRR.",
)

SUBSCRIPTIONS = Table(
    "subscriptions",
    (
        Column("subscription_id", "id", True,
               ("subscription", "subscription_id", "id", "assinatura", "id_assinatura", "contrato",
                "id_contrato", "suscripcion", "id_suscripcion", "contract", "contract_id")),
        Column("customer_id", "id", True, _CUSTOMER),
        Column("product", "id", False, _PRODUCT),
        Column("start_date", "date", True,
               ("start", "start_date", "started_at", "inicio", "data_inicio", "data_de_inicio",
                "fecha_inicio", "fecha_de_inicio", "period_start")),
        Column("end_date", "date", False,
               ("end", "end_date", "ended_at", "canceled_at", "cancelled_at", "fim", "data_fim", "data_de_fim",
                "data_cancelamento", "fecha_fin", "fecha_de_fin", "fecha_cancelacion", "period_end"),
               "Last day of service; empty (or any day of 9999) while the subscription is active.",
               open_end=True),
        Column("amount", "number", True,
               ("amount", "price", "value", "valor", "preco", "precio", "monto", "importe"),
               "Amount billed per interval, >= 0.", 0),
        Column("interval", "text", True,
               ("interval", "billing_interval", "billing_period", "periodicidade", "periodicidad",
                "frequencia", "frecuencia", "ciclo", "recorrencia"),
               "month, quarter or year (mensal/trimestral/anual, mensual/trimestral/anual)."),
        Column("price_adjustment", "bool", False, _PRICE_ADJ,
               "True when this period's price is a contractual adjustment of the previous one."),
    ),
    ("subscriptions", "subscription", "assinaturas", "contratos", "suscripciones", "invoice_periods"),
    key=("subscription_id", "start_date"),
    doc="Subscriptions or invoice periods; normalised to monthly MRR per customer and product.",
)

CUSTOMERS = Table(
    "customers",
    (
        Column("customer_id", "id", True, _CUSTOMER),
        Column("name", "text", False, ("name", "customer_name", "account_name", "nome", "razao_social",
                                        "nome_cliente", "nombre", "nombre_cliente", "empresa", "company")),
        Column("segment", "text", False, ("segment", "segmento")),
        Column("tier", "text", False, ("tier", "nivel", "tier_cliente")),
        Column("csm", "text", False, ("csm", "csm_owner", "owner", "responsavel", "responsable", "gestor")),
        Column("industry", "text", False, ("industry", "vertical", "setor", "industria", "sector")),
        Column("region", "text", False, ("region", "regiao", "estado", "country", "pais")),
        Column("start_date", "date", False, ("start_date", "customer_since", "data_inicio", "inicio",
                                              "fecha_inicio", "cliente_desde")),
        Column("renewal_date", "date", False, ("renewal_date", "renewal", "renovacao", "data_renovacao",
                                                "data_de_renovacao", "renovacion", "fecha_renovacion"),
               "Next renewal; empty or any day of 9999 when the contract has no end.", open_end=True),
        Column("contract_term_months", "integer", False,
               ("contract_term", "contract_term_months", "term", "term_months", "prazo", "prazo_meses",
                "vigencia", "vigencia_meses", "plazo", "plazo_meses"), "Contract length in months.", 1),
        Column("status", "text", False, ("status", "estado_cliente", "situacao", "situacion"),
               "onboarding, active or frozen (implantacao/ativo/congelado, implementacion/activo/congelado)."),
        Column("currency", "text", False, ("currency", "currency_code", "moeda", "moneda", "divisa"),
               "ISO code of the currency the customer's amounts are in: BRL, USD, EUR, MXN..."),
    ),
    ("customers", "clientes", "accounts", "contas", "cuentas"),
    key=("customer_id",),
    doc="One row per customer with its attributes.",
)

NPS = _survey("nps", 0, 10, ("nps", "nps_answers", "respostas_nps", "respuestas_nps"),
              "NPS answers from 0 to 10.")
CSAT = _survey("csat", 1, 5, ("csat", "csat_answers", "respostas_csat", "respuestas_csat"),
               "CSAT answers from 1 to 5.")
CES = _survey("ces", 1, 7, ("ces", "ces_answers", "respostas_ces", "respuestas_ces"),
              "CES answers on a 1-5 or 1-7 scale.")

HEALTH = Table(
    "health",
    (
        Column("customer_id", "id", True, _CUSTOMER),
        Column("month", "month", True, _MONTH),
        Column("active_users", "number", False, ("active_users", "usuarios_ativos", "usuarios_activos"), minimum=0),
        Column("licensed_seats", "number", False, ("licensed_seats", "seats", "licencas", "licencias"), minimum=0),
        Column("logins", "number", False, ("logins", "acessos", "accesos"), minimum=0),
        Column("support_tickets", "number", False, ("support_tickets", "tickets", "chamados"), minimum=0),
        Column("sla_breaches", "number", False, ("sla_breaches", "sla_violations", "violacoes_sla",
                                                  "violaciones_sla"), minimum=0),
    ),
    ("health", "health_signals", "saude", "sinais_saude", "salud"),
    key=("customer_id", "month"),
    doc="Health signals per customer per month; further numeric columns are kept as extra signals.",
    extra_numeric=True,
)

PIPELINE = Table(
    "pipeline",
    (
        Column("opportunity_id", "id", True, ("opportunity", "opportunity_id", "id", "oportunidade",
                                               "id_oportunidade", "oportunidad", "id_oportunidad", "deal")),
        Column("customer_id", "id", True, _CUSTOMER),
        Column("stage", "text", True, ("stage", "etapa", "fase", "estagio")),
        Column("type", "text", True, ("type", "tipo", "expansion_type", "tipo_expansao", "tipo_expansion")),
        Column("amount", "number", True, ("amount", "mrr", "value", "valor", "monto", "importe"),
               "MRR of the opportunity, >= 0.", 0),
        Column("expected_close_date", "date", False, ("expected_close_date", "close_date", "data_fechamento",
                                                       "previsao_fechamento", "fecha_cierre")),
        Column("product", "id", False, _PRODUCT),
    ),
    ("pipeline", "expansion_pipeline", "opportunities", "oportunidades", "pipeline_expansao"),
    key=("opportunity_id",),
    doc="Expansion opportunities by stage and type, amounts in MRR.",
)

GOALS = Table(
    "goals",
    (
        Column("customer_id", "id", True, _CUSTOMER),
        Column("goal", "text", True, ("goal", "objective", "meta", "objetivo")),
        Column("kpi", "text", False, ("kpi", "indicador", "metric")),
        Column("baseline", "number", False, ("baseline", "linha_de_base", "base", "linea_base")),
        Column("target", "number", False, ("target", "alvo", "meta_valor", "objetivo_valor")),
        Column("actual", "number", False, ("actual", "atual", "realizado", "real")),
        Column("due_date", "date", False, ("due_date", "due", "prazo", "data_limite", "fecha_limite")),
        Column("status", "text", False, ("status", "situacao", "estado")),
    ),
    ("goals", "success_plan", "metas", "objetivos", "plano_de_sucesso"),
    doc="Success-plan goals for the QBR.",
)

TOUCHPOINTS = Table(
    "touchpoints",
    (
        Column("customer_id", "id", True, _CUSTOMER),
        Column("date", "date", True, ("date", "data", "fecha", "meeting_date", "data_reuniao", "fecha_reunion")),
        Column("type", "text", True, ("type", "tipo", "touchpoint", "meeting_type", "tipo_reuniao", "tipo_reunion"),
               "What the touchpoint was: EBR, QBR, onboarding, check-in..."),
    ),
    ("touchpoints", "meetings", "reunioes", "reuniones", "interacoes", "interacciones"),
    doc="Meetings and reviews held with each customer, for the CSM coverage of the portfolio.",
)

PLAN = Table(
    "plan",
    (
        Column("month", "month", True, _MONTH),
        Column("mrr", "number", True, ("mrr", "planned_mrr", "plan_mrr", "budget_mrr", "target_mrr", "mrr_meta",
                                       "mrr_orcado", "mrr_planejado", "mrr_presupuesto", "mrr_objetivo"),
               "MRR the plan or budget expects at the end of that month, >= 0.", 0),
    ),
    ("plan", "budget", "mrr_plan", "orcamento", "plano_receita", "presupuesto"),
    key=("month",),
    doc="The company's MRR plan or budget by month: the target the portfolio and the forecast compare with.",
)

TABLES: dict[str, Table] = {t.name: t for t in (MRR, SUBSCRIPTIONS, CUSTOMERS, NPS, CSAT, CES, HEALTH, PIPELINE, GOALS,
                                                TOUCHPOINTS, PLAN)}

# Canonical values of the enumerations, with the spellings users write.
INTERVAL_MONTHS = {"month": 1, "quarter": 3, "semester": 6, "year": 12}
INTERVAL_ALIASES = {
    "month": ("month", "monthly", "mensal", "mes", "mensual", "m"),
    "quarter": ("quarter", "quarterly", "trimestral", "trimestre", "q"),
    "semester": ("semester", "semiannual", "semestral", "semestre"),
    "year": ("year", "yearly", "annual", "anual", "ano", "y"),
}
STATUS_ALIASES = {
    "onboarding": ("onboarding", "activation", "implantacao", "implementacao", "ativacao", "implementacion",
                   "activacion"),
    "active": ("active", "ativo", "activo"),
    "frozen": ("frozen", "freeze", "congelado", "pausado", "paused", "suspended", "suspenso"),
}
STAGES = ("expand_map", "opportunity", "proposal", "negotiation", "forecast", "won", "lost")
STAGE_ALIASES = {
    "expand_map": ("expand_map", "expandmap", "mapa_de_expansao", "mapeamento", "mapa_expansion"),
    "opportunity": ("opportunity", "oportunidade", "oportunidad"),
    "proposal": ("proposal", "proposta", "propuesta"),
    "negotiation": ("negotiation", "negociacao", "negociacion"),
    "forecast": ("forecast", "commit", "previsao", "prevision"),
    "won": ("won", "closed_won", "ganho", "ganha", "ganado", "ganada"),
    "lost": ("lost", "closed_lost", "perdido", "perdida"),
}
OPPORTUNITY_TYPES = ("upsell", "cross_sell", "price_adjustment", "renewal")
TYPE_ALIASES = {
    "upsell": ("upsell", "up_sell", "upgrade"),
    "cross_sell": ("cross_sell", "crosssell", "venda_cruzada", "venta_cruzada"),
    "price_adjustment": ("price_adjustment", "reajuste", "indexation", "ajuste_de_precio", "ajuste"),
    "renewal": ("renewal", "renovacao", "renovacion"),
}


def _alias_index(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {fold(a): canonical for canonical, names in aliases.items() for a in names}


_ENUMS = {
    "interval": _alias_index(INTERVAL_ALIASES),
    "status": _alias_index(STATUS_ALIASES),
    "stage": _alias_index(STAGE_ALIASES),
    "type": _alias_index(TYPE_ALIASES),
}


def canonical_value(enum: str, value: object) -> str | None:
    """The canonical spelling of an enumerated value ('Anual' -> 'year'), or None if unknown."""
    return _ENUMS[enum].get(fold(value))


def enum_choices(enum: str) -> list[str]:
    """The canonical values of an enumeration, for error messages."""
    return sorted(set(_ENUMS[enum].values()))


def _header_key(header: object) -> str:
    """A header folded for matching: no unit in brackets, no connectors ("Código do Cliente" = "codigo_cliente")."""
    key = fold(re.sub(r"[(\[].*?[)\]]", "", str(header)))
    return re.sub(r"_(?:do|da|dos|das|de|del|of|the)(?=_)", "", key)


def match_columns(table: Table, headers: list[object]) -> dict[int, str]:
    """Map header positions to canonical column names.

    An exact canonical name wins over an alias, and the first header to claim
    a canonical name keeps it, so a sheet with both `data` and `mes` still
    resolves `month` predictably. Unknown headers are left out.
    """
    folded = [_header_key(h) if h is not None else "" for h in headers]
    taken: dict[str, int] = {}
    passes = ([(c.name, (c.name,)) for c in table.columns], [(c.name, c.aliases) for c in table.columns])
    for candidates in passes:
        for name, spellings in candidates:
            if name in taken:
                continue
            for spelling in spellings:
                hits = [i for i, h in enumerate(folded) if h == _header_key(spelling) and i not in taken.values()]
                if hits:
                    taken[name] = hits[0]
                    break
    return {i: name for name, i in taken.items()}


def column_claims(table: Table, headers: list[object]) -> dict[str, list[int]]:
    """Every header position that means each canonical column (no two columns of a table share a spelling), so
    that two headers meaning one column ("mrr" and "MRR", "mrr" and "receita") can be refused, naming both."""
    spellings = {_header_key(s): c.name for c in table.columns for s in (c.name, *c.aliases)}
    claims: dict[str, list[int]] = {}
    for i, header in enumerate(headers):
        name = spellings.get(_header_key(header)) if header is not None and str(header).strip() else None
        if name:
            claims.setdefault(name, []).append(i)
    return claims


def table_for(name: str) -> Table | None:
    """The table a file or sheet name stands for ('Clientes.csv' -> customers), or None."""
    key = fold(name)
    for table in TABLES.values():
        if key == table.name or key in (fold(a) for a in table.aliases):
            return table
    return None


def reference_markdown() -> str:
    """The tables, columns and accepted headers as Markdown: the generated part of docs/data.md."""
    lines = []
    for table in TABLES.values():
        lines += [f"### `{table.name}`", "", table.doc, "",
                  f"File or sheet names: {', '.join(f'`{a}`' for a in table.aliases)}.", "",
                  "| column | kind | required | headers accepted |", "|---|---|---|---|"]
        for column in table.columns:
            spellings = ", ".join(f"`{a}`" for a in dict.fromkeys((column.name, *column.aliases)))
            kind = column.kind + (f" ({column.doc})" if column.doc else "")
            lines.append(f"| `{column.name}` | {kind} | {'yes' if column.required else 'no'} | {spellings} |")
        lines.append("")
    lines += ["### Values", ""]
    for enum, aliases in (("interval", INTERVAL_ALIASES), ("status", STATUS_ALIASES), ("stage", STAGE_ALIASES),
                          ("type", TYPE_ALIASES)):
        spelled = "; ".join(f"`{k}`: {', '.join(v)}" for k, v in aliases.items())
        lines.append(f"- **{enum}**: {spelled}")
    return "\n".join(lines) + "\n"
