"""The currencies csxl knows: their ISO codes, the symbol a workbook shows and their approximate USD value.

The currency is a property of the data (the customers table's currency column, or `--currency`), never of the
language a workbook is written in. A code csxl knows is one whose USD value it has, because the public benchmark
bands (SaaS Capital, in USD) are looked up by converting the book's ACV at that rate: a guessed rate would pick a
wrong band. This module is a leaf that the data layer (validation) and the workbooks (number formats) both read.
"""

from __future__ import annotations

# The symbol number formats show; "US$" rather than "$", which Latin American readers take for their own peso.
CURRENCY_SYMBOLS = {"BRL": "R$", "USD": "US$", "EUR": "€", "MXN": "MX$", "ARS": "AR$", "CLP": "CLP$",
                    "COP": "COL$", "PEN": "S/", "UYU": "$U", "GBP": "£"}
# Approximate USD value of one unit of each currency (November 2026): an input the reader should update.
USD_PER_UNIT = {"USD": 1.0, "BRL": 0.18, "MXN": 0.054, "EUR": 1.08, "ARS": 0.001, "CLP": 0.0011,
                "COP": 0.00025, "PEN": 0.27, "UYU": 0.025, "GBP": 1.27}
# The currency of a book whose data states none and for which none was given: the same in every language, and a
# warning and a note on the Inputs sheet say that it was assumed.
DEFAULT_CURRENCY = "USD"

_BY_SYMBOL = {symbol.upper(): code for code, symbol in CURRENCY_SYMBOLS.items()}


def currency_code(written: str) -> str | None:
    """The ISO code of a currency as written in data or on the command line: the code in any case ("brl") or
    the symbol csxl shows ("R$"); None when csxl does not know it."""
    text = written.strip().upper()
    code = _BY_SYMBOL.get(text, text)
    return code if code in USD_PER_UNIT else None
