"""The QBR's usage pages: adoption (active users against licensed seats, logins) and support (tickets and SLA
breaches), month by month over the last year and in the quarter.

The rows read the health Data table through its structured references (`t_health[logins]`), so a month typed
into the table in Excel flows through. A month without a row for the account shows blank, not zero, and its
charts leave it out. The Health sheet's score reads these rows instead of summing the table again.
"""

from __future__ import annotations

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from csxl.workbooks.anchors import Anchors, Line, lines, row_span
from csxl.workbooks.cells import BOLD, KPI_FONT, col, formula, header_row, label, title, widths
from csxl.workbooks.charts import bar_chart, gapped, line_chart, titled
from csxl.workbooks.labels import Locale
from csxl.workbooks.qbr_tables import HEALTH_MONTHS, column

HEADER = 4  # the months' row
SIGNALS = ("active_users", "licensed_seats", "logins", "support_tickets", "sla_breaches")  # columns of t_health


def _months(ws: Worksheet, locale: Locale, sheet_title: str, keys: list[str]) -> Anchors:
    """Title, the twelve months to AsOf, a hidden count of the account's rows in each month ("has_data"), and one
    line of the health table's column per key, blank in a month without a row. Anchors: "months", "has_data" and
    each key (lines over the months)."""
    title(ws, sheet_title)
    formula(ws, "A2", "=Account", font=Font(italic=True))
    first, last = 2, 1 + HEALTH_MONTHS
    a = Anchors({"months": row_span(ws, HEADER, first, last), "has_data": row_span(ws, HEADER + 1, first, last)})
    for i, key in enumerate(keys):
        a[key] = row_span(ws, HEADER + 2 + i, first, last)
        label(ws, f"A{a[key].row}", locale(key))
    label(ws, f"A{HEADER}", locale("month"), BOLD)
    label(ws, f"A{a['has_data'].row}", locale("months_with_data"), Font(italic=True, color="808080"))
    ws.row_dimensions[a["has_data"].row].hidden = True
    month_col = column("health", "month")
    for k, month in enumerate(a["months"].cells()):
        formula(ws, month.local, f"=EDATE(AsOf,{k + 1 - HEALTH_MONTHS})", locale.month, BOLD)
        has = a["has_data"].cell(k).local
        formula(ws, has, f"=COUNTIFS({month_col},{month.letter}${HEADER})", "0")
        for key in keys:
            if key in SIGNALS:
                total = f'SUMIFS({column("health", key)},{month_col},{month.letter}${HEADER})'
                formula(ws, a[key].cell(k).local, f'=IF({has}=0,"",{total})', locale.integer)
    widths(ws, {"A": 30, **{col(c): 11 for c in range(first, last + 1)}})
    ws.freeze_panes = f"B{HEADER + 1}"
    return a


def adoption_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """Active users against licensed seats (`csxl.metrics.review.seat_utilisation`) and logins per active user,
    by month, with a chart. Anchors: those of `_months` for active_users, licensed_seats, seat_utilisation,
    logins, logins_per_user; rows named AdoptionUsers, AdoptionSeats, SeatUtilisation, AdoptionLogins."""
    a = _months(ws, locale, locale("title.adoption"),
                ["active_users", "licensed_seats", "seat_utilisation", "logins", "logins_per_user"])
    for k in range(HEALTH_MONTHS):
        users, seats, logins = (a[key].cell(k).local for key in ("active_users", "licensed_seats", "logins"))
        formula(ws, a["seat_utilisation"].cell(k).local, f'=IF(OR({seats}="",{seats}<=0),"",{users}/{seats})',
                locale.percent, BOLD)
        formula(ws, a["logins_per_user"].cell(k).local, f'=IF(OR({users}="",{users}<=0),"",{logins}/{users})',
                locale.number)
    for key, name in (("active_users", "AdoptionUsers"), ("licensed_seats", "AdoptionSeats"),
                      ("seat_utilisation", "SeatUtilisation"), ("logins", "AdoptionLogins")):
        a[key].define(ws.parent, name)
    label(ws, f"A{a['seat_utilisation'].row}", locale("seat_utilisation"), BOLD)
    series = {locale(key): gapped(ws, a[key].reference()) for key in ("active_users", "licensed_seats")}
    ws.add_chart(titled(line_chart(locale("title.adoption"), series, a["months"].reference(), size=(8, 22)),
                        locale("axis.month"), locale("axis.users"), "#,##0"), f"A{a['logins_per_user'].row + 2}")
    return a


def support_sheet(ws: Worksheet, locale: Locale) -> Anchors:
    """Support tickets and SLA breaches by month and in this and the previous quarter
    (`csxl.metrics.review.quarter_total`). Anchors: those of `_months` for support_tickets and sla_breaches, and
    the quarter block's "tickets_quarter", "sla_quarter", "tickets_before", "sla_before" (named TicketsQuarter,
    SlaBreachesQuarter, TicketsPreviousQuarter, SlaBreachesPreviousQuarter)."""
    a = _months(ws, locale, locale("title.support"), ["support_tickets", "sla_breaches"])
    a["support_tickets"].define(ws.parent, "SupportTickets")
    a["sla_breaches"].define(ws.parent, "SlaBreaches")
    top = a["sla_breaches"].row + 2
    header_row(ws, top, 1, ["", locale("this_quarter"), locale("previous_quarter")])
    quarter = lambda key, part: f"=SUM({a[key].part(*part).local})"  # noqa: E731
    now, before = (-3, -1), (-6, -4)
    a.update(lines(ws, top + 1, [
        Line("tickets_quarter", locale("support_tickets"), quarter("support_tickets", now), locale.integer, KPI_FONT,
             "TicketsQuarter"),
        Line("sla_quarter", locale("sla_breaches"), quarter("sla_breaches", now), locale.integer, KPI_FONT,
             "SlaBreachesQuarter"),
    ]))
    a.update(lines(ws, top + 1, [
        Line("tickets_before", locale("support_tickets"), quarter("support_tickets", before), locale.integer,
             name="TicketsPreviousQuarter"),
        Line("sla_before", locale("sla_breaches"), quarter("sla_breaches", before), locale.integer,
             name="SlaBreachesPreviousQuarter"),
    ], value_col=3))
    bars = {locale(key): a[key].reference() for key in ("support_tickets", "sla_breaches")}
    ws.add_chart(titled(bar_chart(locale("title.support"), bars, a["months"].reference(), size=(8, 22)),
                        locale("axis.month"), locale("axis.count"), "#,##0"), f"A{a['sla_before'].row + 2}")
    return a
