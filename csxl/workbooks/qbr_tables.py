"""The QBR's Data tables and the sizes of its blocks, which every QBR sheet builder shares.

A sheet's formulas read the tables through `D(table, column)`, the checked
defined name of a column (`D_mrr_month`), or `column(table, name)`, the
Excel Table's structured reference (`t_health[sla_breaches]`), which Excel
and LibreOffice extend by themselves when rows are added to the table.
"""

from __future__ import annotations

from csxl.workbooks.formulas import Tables
from csxl.workbooks.template import DataTable, ref

HISTORY = 24  # months of MRR history shown; one more column holds the month before
PRODUCT_ROWS = 10
GOAL_ROWS = 15
COMMENT_ROWS = 12
HEALTH_MONTHS = 12

_SURVEY = (("customer_id", "text"), ("date", "date"), ("score", "number"), ("comment", "text"))
TABLES = Tables({
    "customer": DataTable("customer", (
        ("customer_id", "text"), ("name", "text"), ("segment", "text"), ("tier", "text"), ("csm", "text"),
        ("industry", "text"), ("region", "text"), ("start_date", "date"), ("renewal_date", "date"),
        ("contract_term_months", "number"), ("status", "text"))),
    "products": DataTable("products", (("product", "text"),)),
    "mrr": DataTable("mrr", (("customer_id", "text"), ("product", "text"), ("month", "month"), ("mrr", "number"))),
    "health": DataTable("health", (
        ("customer_id", "text"), ("month", "month"), ("active_users", "number"), ("licensed_seats", "number"),
        ("logins", "number"), ("support_tickets", "number"), ("sla_breaches", "number"))),
    "nps": DataTable("nps", _SURVEY),
    "csat": DataTable("csat", _SURVEY),
    "ces": DataTable("ces", _SURVEY),
    "comments": DataTable("comments", (("date", "date"), ("survey", "text"), ("score", "number"),
                                       ("comment", "text"))),
    "pipeline": DataTable("pipeline", (
        ("opportunity_id", "text"), ("customer_id", "text"), ("stage", "text"), ("type", "text"),
        ("amount", "number"), ("expected_close_date", "date"), ("product", "text"))),
    "goals": DataTable("goals", (
        ("customer_id", "text"), ("goal", "text"), ("kpi", "text"), ("baseline", "number"), ("target", "number"),
        ("actual", "number"), ("due_date", "date"), ("status", "text"))),
})
D = TABLES  # D("mrr", "month"): the checked defined name of a Data column, for formulas
# Goal statuses the Success plan sheet translates (labels goal.<status>); any other text shows as written.
GOAL_STATUSES = ("on_track", "at_risk", "achieved", "missed")


def column(table: str, name: str) -> str:
    """The structured reference of a Data column (`t_health[logins]`), checked against the table's declaration."""
    ref(TABLES[table], name)
    return f"{TABLES[table].table_name}[{name}]"
