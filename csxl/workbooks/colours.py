"""Conditional colours the workbooks share: health flags, NRR bands and check results, each in one place."""

from __future__ import annotations

from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from csxl.metrics.health import FLAGS
from csxl.workbooks.formulas import text
from csxl.workbooks.labels import Locale

FLAG_FILLS = {"Activation": "BDD7EE", "Green": "C6EFCE", "Yellow": "FFEB9C", "Red": "FFC7CE", "Freeze": "D9D9D9"}
_BAND_FILLS = {"band.healthy": FLAG_FILLS["Green"], "band.retains": FLAG_FILLS["Yellow"], "band.low": FLAG_FILLS["Red"]}
_CHECK_FILLS = {"ok": FLAG_FILLS["Green"], "error": FLAG_FILLS["Red"]}


def _colour(ws: Worksheet, area: str, fills: dict[str, str], locale: Locale) -> None:
    for key, fill in fills.items():
        ws.conditional_formatting.add(area, CellIsRule(operator="equal", formula=[text(locale(key))],
                                                       fill=PatternFill("solid", fgColor=fill)))


def flag_colours(ws: Worksheet, area: str, locale: Locale) -> None:
    """Each health flag in its colour."""
    _colour(ws, area, {f"flag.{flag}": FLAG_FILLS[flag] for flag in FLAGS}, locale)


def band_colours(ws: Worksheet, area: str, locale: Locale) -> None:
    """Healthy green, retains most amber, low red."""
    _colour(ws, area, _BAND_FILLS, locale)


def ok_colours(ws: Worksheet, area: str, locale: Locale) -> None:
    """Green for OK, red for ERROR."""
    _colour(ws, area, _CHECK_FILLS, locale)
