"""Labels, sheet names and number and date formats in English, Brazilian Portuguese and Spanish.

Every text a generated workbook shows comes from `LABELS`, so a language is
complete or a test says which key is missing. Number formats carry the
symbol of the data's currency (`csxl.currencies`), which the language never
chooses; the thousands and decimal separators are the reader's own Excel
locale. Month and date formats carry an explicit locale tag so month names
show in the workbook's language whatever the reader's Excel language.
"""

from __future__ import annotations

from dataclasses import dataclass

from csxl.currencies import CURRENCY_SYMBOLS, DEFAULT_CURRENCY, USD_PER_UNIT, currency_code

LANGUAGES = ("en", "pt-BR", "es")

# key: (en, pt-BR, es)
LABELS: dict[str, tuple[str, str, str]] = {
    # sheets
    "sheet.cover": ("Cover", "Capa", "Portada"),
    "sheet.mrr": ("MRR", "MRR", "MRR"),
    "sheet.products": ("Products", "Produtos", "Productos"),
    "sheet.health": ("Health", "Saúde", "Salud"),
    "sheet.voice": ("Voice of customer", "Voz do cliente", "Voz del cliente"),
    "sheet.opportunities": ("Opportunities", "Oportunidades", "Oportunidades"),
    "sheet.benchmark": ("Benchmark", "Benchmark", "Benchmark"),
    "sheet.inputs": ("Inputs", "Premissas", "Supuestos"),
    "sheet.checks": ("Checks", "Verificações", "Controles"),
    "sheet.data": ("Data", "Dados", "Datos"),
    # titles
    "title.qbr": ("Quarterly business review", "Revisão trimestral de negócios (QBR)",
                  "Revisión trimestral de negocios (QBR)"),
    "title.mrr": ("MRR history", "Histórico de MRR", "Historial de MRR"),  # fits column A, printed on both pages
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


@dataclass(frozen=True)
class Locale:
    """A language and the currency of the data: everything a workbook needs to speak to its reader.

    The language sets the labels and the date and month formats; the currency (an ISO code) sets the symbol of
    the money formats and the USD rate of the benchmark bands. No currency (None) means the data states none and
    none was given: the book shows `DEFAULT_CURRENCY`, and says on its Inputs sheet that it was assumed.
    """

    lang: str = "en"
    currency: str | None = None

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, not {self.lang!r}")
        if self.currency is not None:
            code = currency_code(self.currency)
            if code is None:  # the benchmark bands are in USD: a guessed rate would pick a wrong band
                raise ValueError(f"currency must be one of {', '.join(USD_PER_UNIT)} (csxl knows their USD value for "
                                 f"the benchmark bands), not {self.currency!r}")
            object.__setattr__(self, "currency", code)

    def __call__(self, key: str) -> str:
        return LABELS[key][LANGUAGES.index(self.lang)]

    @property
    def code(self) -> str:
        """The ISO code of the amounts: the currency given, or the default one when none was."""
        return self.currency or DEFAULT_CURRENCY

    @property
    def assumed(self) -> bool:
        """True when no currency was given: the book's amounts are in `DEFAULT_CURRENCY` by assumption."""
        return self.currency is None

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


# The portfolio review's sheets added with its opening balance, renewals at risk and movers (kept in one block).
add_labels({
    "opening_balance": ("Opening balance (first month of the data)", "Saldo inicial (primeiro mês dos dados)",
                        "Saldo inicial (primer mes de los datos)"),
    "note.opening": ("The data's first month is the opening balance: its customers were there before it (not new), "
                     "so the bridge starts the month after (ChartMogul's convention)",
                     "O primeiro mês dos dados é o saldo inicial: seus clientes já estavam lá (não são novos), e a "
                     "ponte começa no mês seguinte (convenção da ChartMogul)",
                     "El primer mes de los datos es el saldo inicial: sus clientes ya estaban (no son nuevos), y el "
                     "puente empieza el mes siguiente (convención de ChartMogul)"),
    "before_month": ("before", "antes de", "antes de"),
    "sheet.renewals_at_risk": ("Renewals at risk", "Renovações em risco", "Renovaciones en riesgo"),
    "note.renewals": ("Paying accounts flagged Red, Yellow or Freeze whose next renewal falls within the window, "
                      "largest ARR first", "Contas pagantes com status Vermelho, Amarelo ou Congelado cuja próxima "
                      "renovação cai na janela, maior ARR primeiro", "Cuentas que pagan con estado Rojo, Amarillo o "
                      "Congelado cuya próxima renovación cae en la ventana, mayor ARR primero"),
    "renewals_within": ("Renewals at risk within", "Renovações em risco nos próximos",
                        "Renovaciones en riesgo en los próximos"),
    "renewal_window.short": ("Renewals at risk: first window", "Renovações em risco: primeira janela",
                             "Renovaciones en riesgo: primera ventana"),
    "renewal_window.long": ("Renewals at risk: second window", "Renovações em risco: segunda janela",
                            "Renovaciones en riesgo: segunda ventana"),
    "note.renewal_window": ("days from the end of the as-of month to the next renewal (default)",
                            "dias do fim do mês da data-base até a próxima renovação (padrão do csxl)",
                            "días desde el fin del mes de corte hasta la próxima renovación (valor de csxl)"),
    "arr_at_risk": ("ARR at risk", "ARR em risco", "ARR en riesgo"),
    "days": ("days", "dias", "días"),
    "mrr_mom": ("MRR change on the month before", "Variação do MRR no mês", "Variación del MRR en el mes"),
    "mrr_yoy": ("MRR change on a year before", "Variação do MRR em 12 meses", "Variación del MRR en 12 meses"),
    "customers_mom": ("Customers gained (lost) in the month", "Clientes ganhos (perdidos) no mês",
                      "Clientes ganados (perdidos) en el mes"),
    "plan_mrr": ("Planned MRR", "MRR planejado", "MRR planificado"),
    "vs_plan": ("MRR against plan", "MRR contra o plano", "MRR contra el plan"),
    "cover_at_risk": ("ARR at risk, renewals within", "ARR em risco, renovações nos próximos",
                      "ARR en riesgo, renovaciones en los próximos"),
    "sheet.movers": ("Movers", "Quem moveu", "Quién movió"),
    "note.movers": ("The accounts behind the bridge: MRR of the as-of month against one and three months before "
                    "(point to point), largest first", "As contas por trás da ponte: MRR da data-base contra um e "
                    "três meses antes (ponto a ponto), maiores primeiro", "Las cuentas detrás del puente: MRR del "
                    "mes de corte contra uno y tres meses antes (punto a punto), mayores primero"),
    "movers.month": ("Last month", "Último mês", "Último mes"),
    "movers.quarter": ("Last three months", "Últimos três meses", "Últimos tres meses"),
    "mrr_change": ("MRR change", "Variação do MRR", "Variación del MRR"),
    "rank": ("Rank (MRR retained)", "Posição (MRR retido)", "Posición (MRR retenido)"),
    "segment_trends": ("NRR and GRR over 12 months to each quarter's end, accounts by the segment they were in 12 "
                       "months before", "NRR e GRR em 12 meses até o fim de cada trimestre, contas pelo segmento em "
                       "que estavam 12 meses antes", "NRR y GRR en 12 meses hasta el fin de cada trimestre, cuentas "
                       "por el segmento en que estaban 12 meses antes"),
    "quarter_to": ("Quarter to", "Trimestre até", "Trimestre hasta"),
    "note.live_flags": ("Flags of the as-of month from the health signals in Data_book and the thresholds and "
                        "weights on the Inputs sheet", "Status do mês da data-base, dos sinais de saúde em "
                        "Dados_book e dos limites e pesos nas Premissas", "Estado del mes de corte, de las señales "
                        "de salud en Datos_book y de los umbrales y pesos en Supuestos"),
})
