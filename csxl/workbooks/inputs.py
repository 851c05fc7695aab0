"""The Inputs sheet: every assumption of a model in one place, blue, with its unit and where it came from.

The notes of the inputs several workbooks share (as-of month, NRR bands,
survey window, check tolerance, benchmarks, stage probabilities) are written
once, here. Each workbook takes its defaults from csxl.metrics' constants, so
the workbook and Python cannot drift.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from csxl.data.schema import STAGES
from csxl.metrics.benchmarks import SAAS_CAPITAL_2023
from csxl.metrics.expansion import STAGE_PROBABILITY
from csxl.metrics.health import (
    COMPONENT_DEFAULTS,
    COMPONENTS,
    GREEN_FROM,
    NRR_HEALTHY_ABOVE,
    NRR_LOW_BELOW,
    RED_BELOW,
)
from csxl.metrics.surveys import CSAT_SATISFIED_FROM, DETRACTOR_UP_TO, MIN_ANSWERS, PROMOTER_FROM, z_score
from csxl.workbooks.anchors import Anchor
from csxl.workbooks.cells import BOLD, SUBTITLE, col, formula, header_row, label, mark_input, title, value, widths
from csxl.workbooks.currency import CURRENCY_UNIT, currency_note
from csxl.workbooks.labels import USD_PER_UNIT, Locale, add_labels

add_labels({
    "min_answers": ("Fewest answers to show a score", "Mínimo de respostas para mostrar a nota",
                    "Mínimo de respuestas para mostrar el puntaje"),
    "note.min_answers": ("below it NPS, CSAT and CES read 'too few answers (n = ...)': a score from 1 or 2 answers "
                         "says little (default: 5)",
                         "abaixo disso, NPS, CSAT e CES mostram 'poucas respostas (n = ...)': uma nota de 1 ou 2 "
                         "respostas diz pouco (padrão: 5)",
                         "por debajo, NPS, CSAT y CES muestran 'pocas respuestas (n = ...)': un puntaje de 1 o 2 "
                         "respuestas dice poco (predeterminado: 5)"),
    "no_answers": ("no answers", "sem respostas", "sin respuestas"),
    "too_few": ("too few answers", "poucas respostas", "pocas respuestas"),
    "last_answer": ("Last survey answer", "Última resposta de pesquisa", "Última respuesta de encuesta"),
    "survey_answers": ("Answers (NPS / CSAT / CES)", "Respostas (NPS / CSAT / CES)", "Respuestas (NPS / CSAT / CES)"),
    "note.as_of": ("the month the data is read to: by default, the last month in the data",
                   "mês até o qual os dados são considerados: por padrão, o último mês dos dados",
                   "mes hasta el que se consideran los datos: por defecto, el último mes de los datos"),
    "note.as_of_fixed": ("the month the data was filled to: the Data sheets end there, so to move it generate the "
                         "workbook again; the Checks sheet flags a changed value",
                         "mês até o qual os dados foram carregados: as abas de dados terminam nele; para mudá-lo, "
                         "gere o arquivo de novo; a aba Verificações aponta um valor alterado",
                         "mes hasta el que se cargaron los datos: las hojas de datos terminan ahí; para cambiarlo, "
                         "genere el archivo de nuevo; la hoja Controles señala un valor cambiado"),
    "note.tolerance": ("largest difference a check accepts: half a cent, for the rounding of amounts",
                       "maior diferença que uma verificação aceita: meio centavo, pelo arredondamento dos valores",
                       "mayor diferencia que acepta un control: medio centavo, por el redondeo de los importes"),
    "note.band_healthy": ("NRR above it: a healthy base that grows by itself (default, after the NRR bands of "
                          "Customer Success practice)",
                          "NRR acima disso: base saudável, que cresce sozinha (padrão, pelas faixas de NRR usadas em "
                          "Customer Success)",
                          "NRR por encima: una base sana que crece por sí sola (predeterminado, según los rangos de "
                          "NRR usados en Customer Success)"),
    "note.band_low": ("NRR below it: low, needs a retention strategy (default)",
                      "NRR abaixo disso: baixo, pede uma estratégia de retenção (padrão)",
                      "NRR por debajo: bajo, requiere una estrategia de retención (predeterminado)"),
    "note.survey_months": ("survey answers of this many months up to the as-of month count (default: 12, the "
                           "same year as the NRR)",
                           "contam as respostas de pesquisa destes últimos meses até a data-base (padrão: 12, o "
                           "mesmo ano do NRR)",
                           "cuentan las respuestas de encuesta de estos últimos meses hasta la fecha de corte "
                           "(predeterminado: 12, el mismo año del NRR)"),
    "note.usd_rate": ("approximate rate of November 2026: enter today's",
                      "cotação aproximada de novembro de 2026: informe a de hoje",
                      "tipo de cambio aproximado de noviembre de 2026: ingrese el de hoy"),
    "note.stage_probability": ("default values, not published rates: calibrate them on your won and lost "
                               "opportunities",
                               "valores padrão, não são taxas publicadas: calibre com suas oportunidades ganhas e "
                               "perdidas",
                               "valores predeterminados, no son tasas publicadas: calíbrelos con sus oportunidades "
                               "ganadas y perdidas"),
})


UNIT_COLUMN, NOTE_COLUMN = 3, 4  # beside each input's value (column 2), or below a lookup table


class InputsSheet:
    """Appends named inputs to an Inputs sheet; formulas refer to them by name."""

    def __init__(self, wb: Workbook, locale: Locale) -> None:
        self.wb = wb
        self.locale = locale
        self.ws: Worksheet = wb.create_sheet(locale("sheet.inputs"))
        title(self.ws, locale("title.inputs"))
        header_row(self.ws, 3, 1, [locale("input"), locale("value"), locale("unit"), locale("note")])
        widths(self.ws, {"A": 46, "B": 16, "C": 22, "D": 60})
        self.ws.freeze_panes = "A4"
        self.row = 4
        self.currency()

    def section(self, words: str) -> None:
        self.row += 1
        label(self.ws, f"A{self.row}", words, BOLD)
        self.row += 1

    def add(self, name: str, words: str, item: object, fmt: str | None = None, unit: str = "",
            note: str = "", fixed: bool = False) -> str:
        """Add one input cell under a defined name; returns the name for formulas. A `unit` of CURRENCY_UNIT
        shows the book's currency.

        `fixed`: a value csxl sets when filling that the layout depends on (not blue: changing it in the
        workbook would misread the Data tables, and a check says so).
        """
        label(self.ws, f"A{self.row}", words)
        cell = value(self.ws, f"B{self.row}", item, fmt)
        if not fixed:
            mark_input(cell)
        if unit == CURRENCY_UNIT:
            formula(self.ws, f"{col(UNIT_COLUMN)}{self.row}", CURRENCY_UNIT)
        elif unit:
            label(self.ws, f"{col(UNIT_COLUMN)}{self.row}", unit)
        label(self.ws, f"{col(NOTE_COLUMN)}{self.row}", note or self.locale("source_default"))
        Anchor(self.ws, self.row, 2).define(self.wb, name)
        self.row += 1
        return name

    def table(self, header: list[str], rows: list[list[object]], formats: list[str | None], unit: str = "",
              note: str = "") -> Anchor:
        """A block of input rows (a lookup table), its unit and note on the line below it (under the sheet's
        Unit and Note columns); returns the block's area (rows x columns)."""
        header_row(self.ws, self.row, 1, header)
        first = self.row + 1
        for r, items in enumerate(rows, start=first):
            for c, (item, fmt) in enumerate(zip(items, formats)):
                cell = value(self.ws, f"{col(c + 1)}{r}", item, fmt)
                mark_input(cell)
        below = first + len(rows)
        for column, words in ((UNIT_COLUMN, unit), (NOTE_COLUMN, note)):
            if words:
                label(self.ws, f"{col(column)}{below}", words, SUBTITLE)
        self.row = below + 1
        return Anchor(self.ws, first, 1, below - 1, len(formats))


    def health_score(self) -> None:
        """RedBelow and GreenFrom (`csxl.metrics.health.health_flags`), the weight of each component and the
        constants of `csxl.metrics.health.health_components` (LoginsTarget, TicketPenalty, TicketSeats,
        SlaPenalty)."""
        locale, constant = self.locale, COMPONENT_DEFAULTS
        self.section(locale("health_score"))
        self.add("RedBelow", locale("red_below"), RED_BELOW, locale.integer, locale("points"), locale("note.flags"))
        self.add("GreenFrom", locale("green_from"), GREEN_FROM, locale.integer, locale("points"), locale("note.flags"))
        for component in COMPONENTS:
            self.add(f"Weight{component.title()}", f"{locale('weight')}: {locale(component)}", 1, "0.00",
                     locale("relative_weight"), locale("note.weight"))
        self.add("LoginsTarget", locale("logins_target"), constant["logins_target"], locale.integer,
                 locale("logins_unit"), locale("note.component"))
        self.add("TicketPenalty", locale("ticket_penalty"), constant["ticket_penalty"], locale.integer,
                 locale("points"), locale("note.component"))
        self.add("TicketSeats", locale("ticket_seats"), constant["ticket_seats"], locale.integer, locale("seats"),
                 locale("note.component"))
        self.add("SlaPenalty", locale("sla_penalty"), constant["sla_penalty"], locale.integer, locale("points"),
                 locale("note.component"))

    def nrr_bands(self) -> None:
        """BandHealthy and BandLow: the NRR bands of `csxl.metrics.health.nrr_band`."""
        locale = self.locale
        self.section(locale("nrr_band"))
        self.add("BandHealthy", locale("band.healthy"), NRR_HEALTHY_ABOVE, locale.percent, locale("fraction"),
                 locale("note.band_healthy"))
        self.add("BandLow", locale("band.low"), NRR_LOW_BELOW, locale.percent, locale("fraction"),
                 locale("note.band_low"))

    def surveys(self, margin: bool = False) -> None:
        """SurveyMonths and the score thresholds of `csxl.metrics.surveys` (PromoterFrom, DetractorTo, CsatFrom),
        and with `margin` (one account's scores) the z of the NPS margin of error (NpsZ) and the fewest answers a
        score is shown from (MinAnswers)."""
        locale = self.locale
        self.section(locale("title.voice"))
        self.add("SurveyMonths", locale("answers_last"), 12, locale.integer, locale("months"),
                 locale("note.survey_months"))
        self.add("PromoterFrom", locale("promoters"), PROMOTER_FROM, locale.integer, locale("score"),
                 locale("note.nps_scale"))
        self.add("DetractorTo", locale("detractors"), DETRACTOR_UP_TO, locale.integer, locale("score"),
                 locale("note.nps_scale"))
        self.add("CsatFrom", locale("satisfied"), CSAT_SATISFIED_FROM, locale.integer, locale("score"),
                 locale("note.csat_box"))
        if margin:
            self.add("NpsZ", locale("margin_of_error"), z_score(0.95), "0.00", "z", locale("note.z"))
            self.add("MinAnswers", locale("min_answers"), MIN_ANSWERS, locale.integer, locale("answers"),
                     locale("note.min_answers"))

    def currency(self) -> None:
        """Currency: the ISO code of the book's amounts (set when filling, not an input: formats follow it), and
        CurrencyNote beside it, which says whether the data gave it or it was assumed."""
        locale = self.locale
        self.add("Currency", locale("currency"), locale.code, None, "ISO 4217", currency_note(locale), fixed=True)
        Anchor(self.ws, self.row - 1, NOTE_COLUMN).define(self.wb, "CurrencyNote")

    def tolerance(self) -> None:
        """Tolerance: the largest difference a check of the Checks sheet accepts."""
        self.add("Tolerance", self.locale("check"), 0.005, "0.000", CURRENCY_UNIT, self.locale("note.tolerance"))

    def benchmarks(self) -> None:
        """UsdRate and the SaaS Capital medians by ACV band, named BenchFrom, BenchBand, BenchNRR, BenchGRR."""
        locale = self.locale
        self.section(locale("title.benchmark"))
        self.add("UsdRate", locale("usd_rate"), USD_PER_UNIT[locale.code], "0.0000", "USD",
                 locale("note.usd_rate"))
        table = self.table([locale("band_from"), locale("acv_band"), locale("median_nrr"), locale("median_grr")],
                           [list(r) for r in SAAS_CAPITAL_2023],
                           [locale.integer, None, locale.percent, locale.percent], locale("fraction"),
                           locale("benchmark_source"))
        for c, name in enumerate(("BenchFrom", "BenchBand", "BenchNRR", "BenchGRR")):
            table.column_of(c).define(self.wb, name)

    def stage_probabilities(self) -> None:
        """The probability of each funnel stage, named StageProbability (in STAGES order)."""
        locale = self.locale
        self.section(locale("probability"))
        table = self.table([locale("stage"), locale("probability")],
                           [[locale(f"stage.{s}"), STAGE_PROBABILITY[s]] for s in STAGES],
                           [None, locale.percent], locale("fraction"), locale("note.stage_probability"))
        table.column_of(1).define(self.wb, "StageProbability")
