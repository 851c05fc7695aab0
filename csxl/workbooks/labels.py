"""Labels, sheet names and number and date formats in English, Brazilian Portuguese and Spanish.

Every text a generated workbook shows comes from `LABELS`, so a language is
complete or a test says which key is missing. Number formats carry the
currency symbol; the thousands and decimal separators are the reader's own
Excel locale. Month and date formats carry an explicit locale tag so month
names show in the workbook's language whatever the reader's Excel language.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "pt-BR", "es")

# key: (en, pt-BR, es)
LABELS: dict[str, tuple[str, str, str]] = {
    # sheets
    "sheet.cover": ("Cover", "Capa", "Portada"),
    "sheet.mrr": ("MRR", "MRR", "MRR"),
    "sheet.products": ("Products", "Produtos", "Productos"),
    "sheet.health": ("Health", "Saúde", "Salud"),
    "sheet.voice": ("Voice of customer", "Voz do cliente", "Voz del cliente"),
    "sheet.plan": ("Success plan", "Plano de sucesso", "Plan de éxito"),
    "sheet.opportunities": ("Opportunities", "Oportunidades", "Oportunidades"),
    "sheet.benchmark": ("Benchmark", "Benchmark", "Benchmark"),
    "sheet.inputs": ("Inputs", "Premissas", "Supuestos"),
    "sheet.checks": ("Checks", "Verificações", "Controles"),
    "sheet.data": ("Data", "Dados", "Datos"),
    # titles
    "title.qbr": ("Quarterly business review", "Revisão trimestral de negócios (QBR)",
                  "Revisión trimestral de negocios (QBR)"),
    "title.mrr": ("MRR history and movements", "Histórico e movimentos de MRR", "Historial y movimientos de MRR"),
    "title.products": ("Products and whitespace", "Produtos contratados e potencial",
                       "Productos contratados y potencial"),
    "title.health": ("Health score", "Health score", "Health score"),
    "title.voice": ("Voice of the customer: NPS, CSAT and CES", "Voz do cliente: NPS, CSAT e CES",
                    "Voz del cliente: NPS, CSAT y CES"),
    "title.plan": ("Success plan goals", "Objetivos do plano de sucesso", "Objetivos del plan de éxito"),
    "title.opportunities": ("Expansion opportunities", "Oportunidades de expansão", "Oportunidades de expansión"),
    "title.benchmark": ("Retention against public benchmarks", "Retenção comparada a benchmarks públicos",
                        "Retención frente a benchmarks públicos"),
    "title.inputs": ("Inputs (blue cells can be changed)", "Premissas (células azuis podem ser alteradas)",
                     "Supuestos (las celdas azules se pueden cambiar)"),
    "title.checks": ("Checks", "Verificações", "Controles"),
    # cover
    "account": ("Account", "Conta", "Cuenta"),
    "account_id": ("Account id", "Código da conta", "Código de cuenta"),
    "csm": ("CSM", "CSM", "CSM"),
    "segment": ("Segment", "Segmento", "Segmento"),
    "tier": ("Tier", "Tier", "Tier"),
    "period": ("Period", "Período", "Período"),
    "quarter_prefix": ("Q", "T", "T"),
    "as_of": ("As of (month)", "Data-base (mês)", "Fecha de corte (mes)"),
    "mrr": ("MRR", "MRR", "MRR"),
    "arr": ("ARR", "ARR", "ARR"),
    "nrr": ("NRR (12 months)", "NRR (12 meses)", "NRR (12 meses)"),
    "grr": ("GRR (12 months)", "GRR (12 meses)", "GRR (12 meses)"),
    "nrr_band": ("NRR band", "Faixa de NRR", "Rango de NRR"),
    "health_score": ("Health score", "Health score", "Health score"),
    "health_flag": ("Health flag", "Farol de saúde", "Semáforo de salud"),
    "nps": ("NPS", "NPS", "NPS"),
    "csat": ("CSAT", "CSAT", "CSAT"),
    "ces": ("CES", "CES", "CES"),
    "renewal_date": ("Renewal date", "Data de renovação", "Fecha de renovación"),
    "days_to_renewal": ("Days to renewal", "Dias até a renovação", "Días hasta la renovación"),
    "master_check": ("Master check", "Verificação geral", "Control general"),
    "ok": ("OK", "OK", "OK"),
    "error": ("ERROR", "ERRO", "ERROR"),
    # movements
    "month": ("Month", "Mês", "Mes"),
    "product": ("Product", "Produto", "Producto"),
    "total_mrr": ("Total MRR", "MRR total", "MRR total"),
    "start_mrr": ("Start MRR", "MRR inicial", "MRR inicial"),
    "new": ("New", "Novo", "Nuevo"),
    "reactivation": ("Reactivation", "Reativação", "Reactivación"),
    "expansion": ("Expansion", "Expansão", "Expansión"),
    "contraction": ("Contraction", "Contração", "Contracción"),
    "churn": ("Churn", "Churn", "Churn"),
    "end_mrr": ("End MRR", "MRR final", "MRR final"),
    "had_mrr_before": ("Had MRR before (1 = yes)", "Já teve MRR (1 = sim)", "Tuvo MRR antes (1 = sí)"),
    "movements": ("Movements", "Movimentos", "Movimientos"),
    # products
    "owned": ("Owned", "Contratado", "Contratado"),
    "mrr_now": ("MRR now", "MRR atual", "MRR actual"),
    "mrr_year_ago": ("MRR 12 months ago", "MRR há 12 meses", "MRR hace 12 meses"),
    "whitespace": ("Could add", "Pode contratar", "Puede contratar"),
    "yes": ("yes", "sim", "sí"),
    "no": ("no", "não", "no"),
    # health
    "component": ("Component", "Componente", "Componente"),
    "weight": ("Weight", "Peso", "Peso"),
    "score": ("Score", "Nota", "Puntaje"),
    "adoption": ("Adoption (active users / seats)", "Adoção (usuários ativos / licenças)",
                 "Adopción (usuarios activos / licencias)"),
    "engagement": ("Engagement (logins per active user)", "Engajamento (acessos por usuário ativo)",
                   "Frecuencia de uso (accesos por usuario activo)"),
    "support": ("Support (tickets and SLA breaches)", "Suporte (chamados e violações de SLA)",
                "Soporte (tickets e incumplimientos de SLA)"),
    "active_users": ("Active users", "Usuários ativos", "Usuarios activos"),
    "licensed_seats": ("Licensed seats", "Licenças", "Licencias"),
    "logins": ("Logins", "Acessos", "Accesos"),
    "support_tickets": ("Support tickets", "Chamados de suporte", "Tickets de soporte"),
    "sla_breaches": ("SLA breaches", "Violações de SLA", "Incumplimientos de SLA"),
    "status": ("Status", "Status", "Estado"),
    "trend": ("Trend (last 12 months)", "Tendência (últimos 12 meses)", "Tendencia (últimos 12 meses)"),
    # flags and bands
    "flag.Activation": ("Activation", "Ativação", "Activación"),
    "flag.Green": ("Green", "Verde", "Verde"),
    "flag.Yellow": ("Yellow", "Amarelo", "Amarillo"),
    "flag.Red": ("Red", "Vermelho", "Rojo"),
    "flag.Freeze": ("Freeze", "Congelado", "Congelado"),
    "band.healthy": ("Healthy: above 100%", "Saudável: acima de 100%", "Saludable: por encima del 100%"),
    "band.retains": ("Retains most: 80% to 100%", "Moderado: de 80% a 100%", "Moderado: del 80% al 100%"),
    "band.low": ("Low: below 80%", "Baixo: abaixo de 80%", "Bajo: por debajo del 80%"),
    # voice
    "answers": ("Answers", "Respostas", "Respuestas"),
    "promoters": ("Promoters (9-10)", "Promotores (9-10)", "Promotores (9-10)"),
    "passives": ("Passives (7-8)", "Neutros (7-8)", "Pasivos (7-8)"),
    "detractors": ("Detractors (0-6)", "Detratores (0-6)", "Detractores (0-6)"),
    "margin_of_error": ("Margin of error (95%)", "Margem de erro (95%)", "Margen de error (95%)"),
    "satisfied": ("Satisfied (4-5)", "Satisfeitos (4-5)", "Satisfechos (4-5)"),
    "mean": ("Mean", "Média", "Media"),
    "answers_last": ("Answers from the last", "Respostas dos últimos", "Respuestas de los últimos"),
    "months": ("months", "meses", "meses"),
    "distribution": ("NPS answers by score", "Respostas de NPS por nota", "Respuestas de NPS por puntaje"),
    "comments": ("Latest comments", "Comentários recentes", "Comentarios recientes"),
    "date": ("Date", "Data", "Fecha"),
    "survey": ("Survey", "Pesquisa", "Encuesta"),
    "comment": ("Comment", "Comentário", "Comentario"),
    # success plan
    "goal": ("Goal", "Objetivo", "Objetivo"),
    "kpi": ("KPI", "KPI", "KPI"),
    "baseline": ("Baseline", "Linha de base", "Línea base"),
    "target": ("Target", "Meta", "Meta"),
    "actual": ("Actual", "Realizado", "Real"),
    "progress": ("Progress", "Progresso", "Progreso"),
    "due_date": ("Due date", "Prazo", "Fecha límite"),
    "goal.on_track": ("On track", "No prazo", "En buen camino"),
    "goal.at_risk": ("At risk", "Em risco", "En riesgo"),
    "goal.achieved": ("Achieved", "Atingido", "Cumplido"),
    "goal.missed": ("Missed", "Não atingido", "No cumplido"),
    # opportunities
    "stage": ("Stage", "Etapa", "Etapa"),
    "type": ("Type", "Tipo", "Tipo"),
    "total": ("Total", "Total", "Total"),
    "weighted": ("Weighted", "Ponderado", "Ponderado"),
    "probability": ("Probability", "Probabilidade", "Probabilidad"),
    "open_pipeline": ("Open pipeline (MRR)", "Pipeline aberto (MRR)", "Pipeline abierto (MRR)"),
    "closed_deals": ("Closed deals (not pipeline)", "Negócios fechados (fora do pipeline)",
                     "Negocios cerrados (fuera del pipeline)"),
    "expansion_total": ("Expansion", "Expansão", "Expansión"),
    "weighted_expansion": ("Weighted expansion", "Expansão ponderada", "Expansión ponderada"),
    "weighted_renewal": ("Weighted renewal", "Renovação ponderada", "Renovación ponderada"),
    "stage.expand_map": ("Expand map", "Mapeamento da conta", "Mapeo de la cuenta"),
    "stage.opportunity": ("Opportunity", "Oportunidade", "Oportunidad"),
    "stage.proposal": ("Proposal", "Proposta", "Propuesta"),
    "stage.negotiation": ("Negotiation", "Negociação", "Negociación"),
    "stage.forecast": ("Forecast", "Forecast", "Pronóstico"),
    "stage.won": ("Won", "Ganha", "Ganada"),
    "stage.lost": ("Lost", "Perdida", "Perdida"),
    "type.upsell": ("Upsell", "Upsell", "Venta adicional"),
    "type.cross_sell": ("Cross-sell", "Cross-sell", "Venta cruzada"),
    "type.price_adjustment": ("Price adjustment", "Reajuste", "Ajuste de precio"),
    "type.renewal": ("Renewal", "Renovação", "Renovación"),
    # benchmark
    "acv": ("ACV", "ACV", "ACV"),
    "metric": ("Metric", "Métrica", "Métrica"),
    "acv_usd": ("ACV in USD", "ACV em USD", "ACV en USD"),
    "usd_rate": ("USD per unit of currency", "USD por unidade da moeda", "USD por unidad de moneda"),
    "acv_band": ("ACV band", "Faixa de ACV", "Rango de ACV"),
    "median_nrr": ("Median NRR", "NRR mediano", "NRR mediano"),
    "median_grr": ("Median GRR", "GRR mediano", "GRR mediano"),
    "this_account": ("This account", "Esta conta", "Esta cuenta"),
    "benchmark_source": ("Source: SaaS Capital, 2023 B2B SaaS retention benchmarks (medians by ACV).",
                         "Fonte: SaaS Capital, benchmarks de retenção B2B SaaS 2023 (medianas por ACV).",
                         "Fuente: SaaS Capital, benchmarks de retención B2B SaaS 2023 (medianas por ACV)."),
    "band_from": ("ACV from (USD)", "ACV a partir de (USD)", "ACV desde (USD)"),
    # inputs and checks
    "input": ("Input", "Premissa", "Supuesto"),
    "value": ("Value", "Valor", "Valor"),
    "unit": ("Unit", "Unidade", "Unidad"),
    "note": ("Note", "Nota", "Nota"),
    "red_below": ("Red below", "Vermelho abaixo de", "Rojo por debajo de"),
    "green_from": ("Green from", "Verde a partir de", "Verde desde"),
    "logins_target": ("Logins per active user for 100", "Acessos por usuário ativo para nota 100",
                      "Accesos por usuario activo para puntaje 100"),
    "ticket_penalty": ("Points lost per ticket per seat unit", "Pontos a menos por chamado, por bloco de licenças",
                       "Puntos que se restan por ticket, por bloque de licencias"),
    "ticket_seats": ("Seat unit for tickets", "Bloco de licenças (chamados)", "Bloque de licencias (tickets)"),
    "seats": ("seats", "licenças", "licencias"),
    "sla_penalty": ("Points lost per SLA breach", "Pontos a menos por violação de SLA",
                    "Puntos que se restan por incumplimiento de SLA"),
    "check": ("Check", "Verificação", "Control"),
    "difference": ("Difference", "Diferença", "Diferencia"),
    "result": ("Result", "Resultado", "Resultado"),
    "check.bridge": ("Each month: start + movements = end", "Cada mês: inicial + movimentos = final",
                     "Cada mes: inicial + movimientos = final"),
    "check.products": ("Products add up to total MRR", "Os produtos somam o MRR total",
                       "Los productos suman el MRR total"),
    "check.one_account": ("Data holds only this account", "Os dados são só desta conta",
                          "Los datos son solo de esta cuenta"),
    "check.nps_split": ("NPS answers: promoters + passives + detractors = answers",
                        "NPS: promotores + neutros + detratores = respostas",
                        "NPS: promotores + pasivos + detractores = respuestas"),
    "check.weights": ("Health weights are positive", "Pesos do health score são positivos",
                      "Los pesos del health score son positivos"),
    "points": ("points", "pontos", "puntos"),
    "fraction": ("fraction", "fração", "fracción"),
    "logins_unit": ("logins / user / month", "acessos / usuário / mês", "accesos / usuario / mes"),
    "source_default": ("csxl default", "padrão do csxl", "valor predeterminado de csxl"),
    "relative_weight": ("relative weight", "peso relativo", "peso relativo"),
    "note.as_of_quarter": ("last month of the quarter reviewed: by default, the last complete quarter in the data",
                           "último mês do trimestre em revisão: por padrão, o último trimestre completo dos dados",
                           "último mes del trimestre en revisión: por defecto, el último trimestre completo de los "
                           "datos"),
    "note.flags": ("health scores at which the health flag changes colour (default: Red below 50, Green from 75)",
                   "notas do health score em que o farol muda de cor (padrão: Vermelho abaixo de 50, Verde a "
                   "partir de 75)",
                   "puntajes del health score en que el semáforo cambia de color (predeterminado: Rojo por debajo "
                   "de 50, Verde desde 75)"),
    "note.weight": ("any positive number; the score is the weighted average of the components (default: equal "
                    "weights)",
                    "qualquer número positivo; a nota é a média ponderada dos componentes (padrão: pesos iguais)",
                    "cualquier número positivo; el puntaje es el promedio ponderado de los componentes "
                    "(predeterminado: pesos iguales)"),
    "note.component": ("sets how the component is scored: the formulas on the Health sheet use it (default value)",
                       "define como o componente é pontuado: as fórmulas da aba Saúde usam este valor (valor padrão)",
                       "define cómo se califica el componente: las fórmulas de la hoja Salud usan este valor (valor "
                       "predeterminado)"),
    "note.nps_scale": ("Net Promoter Score (Bain & Company): promoters answer 9-10, detractors 0-6",
                       "Net Promoter Score (Bain & Company): promotores dão nota 9 ou 10, detratores de 0 a 6",
                       "Net Promoter Score (Bain & Company): los promotores califican 9 o 10, los detractores de 0 "
                       "a 6"),
    "note.csat_box": ("CSAT top-two box: satisfied answers are 4 or 5 of 5",
                      "CSAT (top-two box): são satisfeitos os que dão nota 4 ou 5 de 5",
                      "CSAT (top-two box): son satisfechos quienes califican 4 o 5 de 5"),
    "note.z": ("z value of the normal distribution for a margin of error at 95% confidence",
               "valor z da distribuição normal para uma margem de erro com 95% de confiança",
               "valor z de la distribución normal para un margen de error con 95% de confianza"),
}


def add_labels(labels: dict[str, tuple[str, str, str]]) -> None:
    """Add a workbook module's own labels; a key that exists already is refused, so that no module's text
    silently replaces another's (all share one table)."""
    taken = sorted(set(labels) & set(LABELS))
    if taken:
        raise ValueError(f"labels defined twice: {', '.join(taken)}")
    LABELS.update(labels)

# Excel locale tags, so that month names follow the workbook's language.
_LOCALE_TAG = {"en": "[$-409]", "pt-BR": "[$-416]", "es": "[$-C0A]"}
_DATE = {"en": "yyyy-mm-dd", "pt-BR": "dd/mm/yyyy", "es": "dd/mm/yyyy"}
_MONTH = {"en": "mmm yyyy", "pt-BR": "mmm/yyyy", "es": "mmm/yyyy"}
CURRENCY_SYMBOLS = {"BRL": "R$", "USD": "US$", "EUR": "€", "MXN": "MX$", "ARS": "AR$", "CLP": "CLP$",
                    "COP": "COL$", "PEN": "S/", "UYU": "$U", "GBP": "£"}
# Approximate USD value of one unit of each currency (November 2026): an input the reader should update.
USD_PER_UNIT = {"USD": 1.0, "BRL": 0.18, "MXN": 0.054, "EUR": 1.08, "ARS": 0.001, "CLP": 0.0011,
                "COP": 0.00025, "PEN": 0.27, "UYU": 0.025, "GBP": 1.27}
DEFAULT_CURRENCY = {"en": "USD", "pt-BR": "BRL", "es": "MXN"}


@dataclass(frozen=True)
class Locale:
    """A language and a currency: everything a workbook needs to speak to its reader."""

    lang: str = "en"
    currency: str | None = None

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, not {self.lang!r}")
        code = (self.currency or DEFAULT_CURRENCY[self.lang]).upper()
        if code not in USD_PER_UNIT:  # the benchmark bands are in USD: a guessed rate would pick a wrong band
            raise ValueError(f"currency must be one of {', '.join(USD_PER_UNIT)} (csxl knows their USD value for the "
                             f"benchmark bands), not {self.currency!r}")
        object.__setattr__(self, "currency", code)

    def __call__(self, key: str) -> str:
        return LABELS[key][LANGUAGES.index(self.lang)]

    @property
    def code(self) -> str:
        """The ISO code of the currency (set by __post_init__, whether given or the language's default)."""
        return str(self.currency)

    @property
    def money(self) -> str:
        symbol = CURRENCY_SYMBOLS.get(self.code, self.code)
        return f'"{symbol} "#,##0.00;-"{symbol} "#,##0.00'

    @property
    def money_round(self) -> str:
        symbol = CURRENCY_SYMBOLS.get(self.code, self.code)
        return f'"{symbol} "#,##0;-"{symbol} "#,##0'

    @property
    def date(self) -> str:
        return _LOCALE_TAG[self.lang] + _DATE[self.lang]

    @property
    def month(self) -> str:
        return _LOCALE_TAG[self.lang] + _MONTH[self.lang]

    percent = "0.0%"
    number = "#,##0.0"
    integer = "#,##0"
