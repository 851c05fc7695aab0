"""The currency a workbook shows: the data's, stated on the Inputs sheet, and put right in a template of another.

The currency is a property of the data, never of the language: the customers
table's currency column (`Dataset.currency`), or `--currency` when the data has
none. A currency given that the data contradicts is refused rather than
obeyed: csxl does not convert amounts, so showing BRL amounts as USD would be
a wrong number with the right look. With neither, the book is in
`DEFAULT_CURRENCY` whatever its language, and a warning and the Inputs sheet's
note say that this was assumed.

A template carries number formats with its currency's symbol and the USD rate
of its benchmark bands. Filling it with data in another currency rewrites the
symbol of every money format (cells and chart axes) and resets the rate, with
a warning: a template restyled once serves data in any currency.
"""

from __future__ import annotations

import re
from dataclasses import replace

from openpyxl import Workbook

from csxl.currencies import CURRENCY_SYMBOLS, DEFAULT_CURRENCY, USD_PER_UNIT
from csxl.data.dataset import Dataset
from csxl.errors import CsxlDataError
from csxl.workbooks.anchors import named
from csxl.workbooks.labels import Locale, add_labels
from csxl.workbooks.template import set_input

add_labels({
    "currency": ("Currency", "Moeda", "Moneda"),
    "note.currency": ("the currency of the data's amounts (the customers' currency column, or the one stated when "
                      "the workbook was made); amounts are never converted",
                      "moeda dos valores dos dados (a coluna de moeda dos clientes, ou a informada ao gerar a "
                      "pasta); os valores nunca são convertidos",
                      "moneda de los importes de los datos (la columna de moneda de los clientes, o la indicada al "
                      "generar el libro); los importes nunca se convierten"),
    "note.currency_assumed": (f"ASSUMED: the data states no currency, so csxl shows {DEFAULT_CURRENCY}; add a "
                              "currency column to the customers table, or state the currency when making the "
                              "workbook",
                              f"SUPOSTA: os dados não informam a moeda, e o csxl mostra {DEFAULT_CURRENCY}; inclua "
                              "uma coluna de moeda na tabela de clientes, ou informe a moeda ao gerar a pasta",
                              f"SUPUESTA: los datos no indican la moneda, y csxl muestra {DEFAULT_CURRENCY}; agregue "
                              "una columna de moneda a la tabla de clientes, o indique la moneda al generar el libro"),
})

# The unit of an input in the book's currency: the Currency input itself, so a refilled template shows the data's.
CURRENCY_UNIT = "=Currency"

ASSUMED = (f"the data states no currency (no currency column in the customers table) and none was given: the "
           f"amounts are shown as {DEFAULT_CURRENCY} - add the column, or give --currency BRL, EUR, MXN...")

# a money format's symbol as csxl writes it: quoted, then a space ("R$ "#,##0.00)
_SYMBOL = re.compile('"(' + "|".join(re.escape(s) for s in CURRENCY_SYMBOLS.values()) + ') "')


def currency_note(locale: Locale) -> str:
    """The Inputs sheet's note beside the Currency input: where the currency came from."""
    return locale("note.currency_assumed" if locale.assumed else "note.currency")


def book_locale(locale: Locale, data: Dataset, account: str | None = None) -> tuple[Locale, list[str]]:
    """The locale of one book of `data` (one account's with `account`), in the data's currency, and the warning
    that the currency was assumed when neither the data nor `locale` gives one.

    `locale.currency` is what the caller stated (`--currency`): it supplies a currency the data does not have,
    and is refused when the data says another.
    """
    found = data.currency(account)
    if found is None:
        return locale, [ASSUMED] if locale.assumed else []
    if locale.currency not in (None, found):
        where = data.customer_rows[0] if data.customer_rows is not None else data.source
        raise CsxlDataError(f"the currency given, {locale.currency}, is not the data's: its amounts are in {found}",
                            file=where or None, fix=f"leave --currency out (or give {found}): csxl does not convert "
                                                    "amounts")
    return replace(locale, currency=found), []


def set_currency(wb: Workbook, locale: Locale) -> list[str]:
    """Make a workbook (a built-in layout or a team's template) show `locale`'s currency; the warnings.

    A template in another currency (its Currency input says so, or it has none: made before csxl recorded it)
    gets the symbol of its money formats rewritten and its UsdRate input reset to the new currency's rate.
    """
    names = wb.defined_names
    held = _value(wb, "Currency")
    warnings = []
    if held != locale.code:
        symbol = CURRENCY_SYMBOLS[locale.code]
        _reformat(wb, symbol)
        rate, usd = "", USD_PER_UNIT[locale.code]
        if "UsdRate" in names:
            set_input(wb, "UsdRate", usd)
            rate = f", and its UsdRate input is now {locale.code}'s approximate rate ({usd:g}): set today's"
        warnings.append(f"the template's amounts were in {held or 'another currency'}: they now show {symbol} "
                        f"({locale.code}, the book's currency){rate}")
    for name, item in (("Currency", locale.code), ("CurrencyNote", currency_note(locale))):
        if name in names:
            set_input(wb, name, item)
    return warnings


def _value(wb: Workbook, name: str) -> object:
    if name not in wb.defined_names:
        return None
    anchor = named(wb, name)
    return anchor.ws[anchor.local].value


def _reformat(wb: Workbook, symbol: str) -> None:
    """Every money format of the workbook (cells and chart axes) with `symbol` for the one it had."""
    def moved(fmt: str) -> str:
        return _SYMBOL.sub(lambda _: f'"{symbol} "', fmt)

    for ws in wb.worksheets:
        for cell in ws._cells.values():  # openpyxl's own store: every cell once, without creating the empty ones
            if '"' in cell.number_format:
                cell.number_format = moved(cell.number_format)
        for chart in ws._charts:
            for axis in (chart.x_axis, chart.y_axis):
                if axis.numFmt is not None and axis.numFmt.formatCode:
                    axis.numFmt.formatCode = moved(axis.numFmt.formatCode)
