"""The labels of the QBR's customer pages (executive summary, value, adoption, support, renewal, next steps) and
of its internal marking, in English, Brazilian Portuguese and Spanish.

Highlight sentences hold placeholders ({pct}, {q}, {k}, {n}, {t}) that the workbook's formulas fill with
SUBSTITUTE, so a sentence reads naturally in each language while its numbers stay live.
"""

from __future__ import annotations

from csxl.workbooks.labels import add_labels

add_labels({
    # sheets and titles
    "sheet.summary": ("Executive summary", "Resumo executivo", "Resumen ejecutivo"),
    "sheet.value": ("Value and goals", "Valor e objetivos", "Valor y objetivos"),
    "sheet.adoption": ("Adoption", "Adoção", "Adopción"),
    "sheet.support": ("Support", "Suporte", "Soporte"),
    "sheet.renewal": ("Renewal", "Renovação", "Renovación"),
    "sheet.next_steps": ("Next steps", "Próximos passos", "Próximos pasos"),
    "title.adoption": ("Adoption: active users, seats and logins", "Adoção: usuários ativos, licenças e acessos",
                       "Adopción: usuarios activos, licencias y accesos"),
    "title.support": ("Support: tickets and SLA", "Suporte: chamados e SLA", "Soporte: tickets y SLA"),
    "title.renewal": ("Renewal", "Renovação", "Renovación"),
    "title.next_steps": ("Next steps", "Próximos passos", "Próximos pasos"),
    "internal": ("Internal - not for the customer", "Interno - não enviar ao cliente",
                 "Interno - no enviar al cliente"),
    # executive summary
    "key_figures": ("Key figures", "Indicadores", "Indicadores"),
    "now": ("Now", "Atual", "Actual"),
    "vs": ("vs", "vs.", "vs."),
    "year_before": ("a year before", "um ano antes", "un año antes"),
    "health_change": ("Health score", "Health score", "Health score"),
    "answers_n": ("answers", "respostas", "respuestas"),
    "contract_term": ("Contract term (months)", "Prazo do contrato (meses)", "Plazo del contrato (meses)"),
    "highlights": ("Highlights of the quarter", "Destaques do trimestre", "Aspectos destacados del trimestre"),
    "wins": ("Wins", "Conquistas", "Logros"),
    "risks": ("Risks", "Riscos", "Riesgos"),
    "asks": ("Asks", "Pedidos", "Solicitudes"),
    "hl.mrr_up": ("MRR up {pct}% on {q}", "MRR subiu {pct}% sobre o {q}", "MRR subió {pct}% frente al {q}"),
    "hl.mrr_down": ("MRR down {pct}% on {q}", "MRR caiu {pct}% sobre o {q}", "MRR bajó {pct}% frente al {q}"),
    "hl.mrr_flat": ("MRR flat on {q}", "MRR estável sobre o {q}", "MRR estable frente al {q}"),
    "hl.mrr_new": ("No MRR in {q} to compare with", "Sem MRR no {q} para comparar", "Sin MRR en el {q} para comparar"),
    "hl.goals": ("{k} of {n} success-plan goals on track or achieved",
                 "{k} de {n} objetivos do plano de sucesso no prazo ou atingidos",
                 "{k} de {n} objetivos del plan de éxito en curso o logrados"),
    "hl.no_goals": ("No success-plan goals recorded yet", "Nenhum objetivo do plano de sucesso registrado",
                    "Ningún objetivo del plan de éxito registrado"),
    "hl.sla": ("{n} SLA breaches this quarter ({t} support tickets)",
               "{n} violações de SLA no trimestre ({t} chamados de suporte)",
               "{n} incumplimientos de SLA en el trimestre ({t} tickets de soporte)"),
    "hl.sla_one": ("1 SLA breach this quarter ({t} support tickets)",
                   "1 violação de SLA no trimestre ({t} chamados de suporte)",
                   "1 incumplimiento de SLA en el trimestre ({t} tickets de soporte)"),
    "hl.sla_none": ("No SLA breaches this quarter ({t} support tickets)",
                    "Nenhuma violação de SLA no trimestre ({t} chamados de suporte)",
                    "Ningún incumplimiento de SLA en el trimestre ({t} tickets de soporte)"),
    # adoption and support
    "seat_utilisation": ("Seat utilisation", "Uso das licenças", "Uso de licencias"),
    "logins_per_user": ("Logins per active user", "Acessos por usuário ativo", "Accesos por usuario activo"),
    "months_with_data": ("Rows in the month", "Linhas no mês", "Filas en el mes"),
    "users": ("users", "usuários", "usuarios"),
    "this_quarter": ("This quarter", "Este trimestre", "Este trimestre"),
    "previous_quarter": ("Previous quarter", "Trimestre anterior", "Trimestre anterior"),
    "count": ("count", "quantidade", "cantidad"),
    # value and goals
    "delivered": ("Delivered (from baseline)", "Entregue (desde a linha de base)", "Logrado (desde la línea base)"),
    # renewal
    "contract_start": ("Customer since", "Cliente desde", "Cliente desde"),
    "renewal_arr": ("ARR up for renewal", "ARR a renovar", "ARR a renovar"),
    "renewal_quarter": ("Renewal quarter", "Trimestre da renovação", "Trimestre de la renovación"),
    # next steps
    "action": ("Action", "Ação", "Acción"),
    "owner": ("Owner", "Responsável", "Responsable"),
    "due": ("Due date", "Prazo", "Fecha límite"),
    "step_status": ("Status", "Status", "Estado"),
    "step.open": ("Open", "Aberto", "Abierto"),
    "step.in_progress": ("In progress", "Em andamento", "En curso"),
    "step.done": ("Done", "Concluído", "Hecho"),
    # charts
    "axis.month": ("Month", "Mês", "Mes"),
    "axis.amount": ("Amount (thousands)", "Valor (milhares)", "Importe (miles)"),
    "axis.users": ("Users", "Usuários", "Usuarios"),
    "axis.count": ("Count", "Quantidade", "Cantidad"),
    "axis.score": ("Score", "Pontuação", "Puntaje"),
    "axis.answers": ("Answers", "Respostas", "Respuestas"),
    "bridge": ("MRR bridge: gains above zero, losses below", "Ponte de MRR: ganhos acima de zero, perdas abaixo",
               "Puente de MRR: ganancias sobre cero, pérdidas debajo"),
    "thousands": ("K", " mil", " mil"),
})
