"""The formula vocabulary of the generated workbooks: exact criteria and the fragments several sheets share.

Each fragment restates one definition of `csxl.metrics` in the function set
Excel 2010+, LibreOffice and Google Sheets compute, and its docstring names
that definition; thresholds come from the Inputs sheet by name, never as
literals. Sheets compose these instead of splicing the same text inline.

Text from data is never a criterion as it stands. In SUMIFS, COUNTIFS, MATCH
and COUNTIF a text is a pattern: `*` and `?` are wildcards, `~` escapes and a
leading `=`, `<` or `>` is a comparison, so a product called `Add-on*` would
also sum `Add-on pack`. Two forms keep matching exact:
- `exact()` inside `count_where`/`sum_where` (SUMPRODUCT over EXACT): exact
  and case-sensitive as pandas compares, for the small blocks (products,
  CSMs, tiers) a sheet aggregates over a whole table;
- `equals()`/`lookup_key()` escape the pattern characters for the per-row
  lookups of large tables (MATCH/COUNTIF), where EXACT would make LibreOffice
  recalculate a 5,000-customer book ten times slower (31 s against 3 s for
  5,000 lookups into 10,000 rows); these compare without case, like every
  Excel lookup, so the workbooks refuse ids that differ only in case
  (`distinct_without_case`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from csxl.errors import CsxlDataError
from csxl.metrics.health import COMPONENTS
from csxl.workbooks.labels import Locale
from csxl.workbooks.template import DataTable, ref


class Tables(dict[str, DataTable]):
    """A layout's Data tables by name; calling it gives the checked defined name of a column: D("mrr", "month")."""

    def __call__(self, table: str, column: str) -> str:
        return ref(self[table], column)


def text(words: str) -> str:
    """A string literal in a formula: "..." with its quotes doubled."""
    return '"' + words.replace('"', '""') + '"'


def exact(area: str, key: str) -> str:
    """True where a cell of `area` is exactly `key` (a cell or a literal): case and every character count."""
    return f"EXACT({area},{key})"


def _product(conditions: Iterable[str]) -> str:
    return "*".join(f"({c})" for c in conditions)


def count_where(*conditions: str) -> str:
    """How many rows meet every condition (boolean arrays of equal size)."""
    return f"SUMPRODUCT({_product(conditions)}*1)"


def sum_where(values: str, *conditions: str) -> str:
    """The sum of `values` over the rows that meet every condition."""
    return f"SUMPRODUCT({_product(conditions)}*{values})"


def lookup_key(key: str) -> str:
    """`key` with its wildcard characters escaped, for MATCH(..., 0) and as the text of a criterion."""
    return f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({key},"~","~~"),"*","~*"),"?","~?")'


def equals(key: str) -> str:
    """A SUMIFS/COUNTIFS criterion that matches `key` as written (no wildcard, no comparison; case aside)."""
    return f'"="&{lookup_key(key)}'


def distinct_without_case(values: Iterable[object], what: str, source: str | None = None) -> None:
    """Refuse texts that differ only in case: Excel's lookups would take them for one."""
    seen: dict[str, str] = {}
    for item in values:
        if not isinstance(item, str):
            continue
        other = seen.setdefault(item.casefold(), item)
        if other != item:
            raise CsxlDataError(f"the {what}s {other!r} and {item!r} differ only in case, and Excel compares text "
                                "without case, so a workbook would count them as one", file=source,
                                fix=f"write each {what} the same way everywhere, or rename one of them")


# ------------------------------------------------------------------------------------------- surveys


def window_criteria(dates: str, months: str = "SurveyMonths") -> str:
    """COUNTIFS criteria: dated in the `months` months to the end of the AsOf month (the surveys' window of
    `csxl.metrics.csm.csm_scorecard` and the QBR)."""
    return f'{dates},">="&EDATE(AsOf,1-{months}),{dates},"<"&EDATE(AsOf,1)'


def window_mask(dates: str, months: str = "SurveyMonths") -> str:
    """The same window as a boolean array, for `count_where`/`sum_where`."""
    return f"({dates}>=EDATE(AsOf,1-{months}))*({dates}<EDATE(AsOf,1))"


def month_criteria(dates: str, month: str) -> str:
    """COUNTIFS criteria: dated in the calendar month that starts at `month`."""
    return f'{dates},">="&{month},{dates},"<"&EDATE({month},1)'


def nps(promoters: str, detractors: str, answers: str) -> str:
    """`csxl.metrics.surveys.nps`: % promoters - % detractors, blank without answers.

    Promoters score `PromoterFrom` or more, detractors `DetractorTo` or less (Inputs).
    """
    return f'IF({answers}=0,"",({promoters}-{detractors})/{answers}*100)'


def nps_margin(promoters: str, detractors: str, answers: str) -> str:
    """`csxl.metrics.surveys.nps_margin`: z x sqrt((p + d - (p - d)^2) / n) x 100 with z = `NpsZ`."""
    p, d, n = f"{promoters}/{answers}", f"{detractors}/{answers}", answers
    return f'IF({n}=0,"",NpsZ*SQRT(({p}+{d}-({p}-{d})^2)/{n})*100)'


def nps_counts(scores: str, criteria: str) -> dict[str, str]:
    """COUNTIFS of the answers, promoters, passives and detractors among rows meeting `criteria`."""
    return {
        "answers": f"COUNTIFS({criteria})",
        "promoters": f'COUNTIFS({criteria},{scores},">="&PromoterFrom)',
        "passives": f'COUNTIFS({criteria},{scores},">"&DetractorTo,{scores},"<"&PromoterFrom)',
        "detractors": f'COUNTIFS({criteria},{scores},"<="&DetractorTo)',
    }


def reported(score: str, answers: str, locale: Locale) -> str:
    """`csxl.metrics.surveys.enough_answers`: the score from `answers` answers, or "no answers" / "too few answers
    (n = 2)" below the `MinAnswers` input."""
    return (f'IF({answers}=0,{text(locale("no_answers"))},IF({answers}<MinAnswers,'
            f'{text(locale("too_few") + " (n = ")}&{answers}&")",{score}))')


def csat(scores: str, criteria: str) -> str:
    """`csxl.metrics.surveys.csat`: the share of answers at `CsatFrom` or more (top-two box), blank without any."""
    return f'IFERROR(COUNTIFS({criteria},{scores},">="&CsatFrom)/COUNTIFS({criteria}),"")'


def ces(scores: str, criteria: str) -> str:
    """`csxl.metrics.surveys.ces` (method "mean"): the mean answer, blank without any."""
    return f'IFERROR(AVERAGEIFS({scores},{criteria}),"")'


# ------------------------------------------------------------------------------------------- retention


def nrr_band(nrr: str, locale: Locale) -> str:
    """`csxl.metrics.health.nrr_band`: above `BandHealthy` healthy, from `BandLow` retains most, else low."""
    return (f'IF({nrr}="","",IF({nrr}>BandHealthy,{text(locale("band.healthy"))},IF({nrr}>=BandLow,'
            f'{text(locale("band.retains"))},{text(locale("band.low"))})))')


def acv_band(acv_usd: str, column: str = "BenchBand") -> str:
    """`csxl.metrics.benchmarks.saas_capital_benchmark`: the SaaS Capital band (or its `column`: BenchNRR,
    BenchGRR) of an ACV in US dollars."""
    return f"INDEX({column},MATCH({acv_usd},BenchFrom,1))"


def health_flag(score: str, status: str, locale: Locale | None) -> str:
    """`csxl.metrics.health.health_flag`: the status overrides (onboarding, frozen), then `GreenFrom` / `RedBelow`;
    the flag's words in `locale`, or its code (Green, Red, ...) with None, for formulas that match on it."""
    flag = lambda f: text(locale(f"flag.{f}") if locale else f)  # noqa: E731
    return (f'IF({status}="onboarding",{flag("Activation")},IF({status}="frozen",{flag("Freeze")},'
            f'IF({score}="","",IF({score}>=GreenFrom,{flag("Green")},IF({score}>=RedBelow,{flag("Yellow")},'
            f'{flag("Red")})))))')


def health_components(at: Mapping[str, str]) -> dict[str, str]:
    """Component scores of one month from its signal cells (`csxl.metrics.health.health_components`); blank when
    the month has no data."""
    has, users, seats = at["has_data"], at["active_users"], at["licensed_seats"]
    logins, tickets, sla = at["logins"], at["support_tickets"], at["sla_breaches"]
    return {
        "adoption": f'=IF(OR({has}=0,{seats}<=0),"",MIN(100,100*{users}/{seats}))',
        "engagement": f'=IF(OR({has}=0,{users}<=0),"",MIN(100,100*{logins}/{users}/LoginsTarget))',
        "support": (f'=IF(OR({has}=0,{seats}<=0),"",MAX(0,100-TicketPenalty*{tickets}/({seats}/TicketSeats)'
                    f'-SlaPenalty*{sla}))'),
    }


def health_score(at: Mapping[str, str]) -> str:
    """`csxl.metrics.health.health_score`: the weighted mean (inputs WeightAdoption, WeightEngagement,
    WeightSupport) of the component cells `at` that hold a number; blank when none does."""
    weights = {c: f"Weight{c.title()}" for c in COMPONENTS}
    used = "+".join(f"IF(ISNUMBER({at[c]}),{w},0)" for c, w in weights.items())
    weighted = "+".join(f"IF(ISNUMBER({at[c]}),{at[c]}*{w},0)" for c, w in weights.items())
    return f'IF(({used})=0,"",({weighted})/({used}))'


def one_of(values: Mapping[str, str], item: str, otherwise: str) -> str:
    """`values[item]` for a cell holding one of the keys (compared exactly), else `otherwise`."""
    shown = otherwise
    for key, words in reversed(list(values.items())):
        shown = f"IF(EXACT({item},{text(key)}),{text(words)},{shown})"
    return shown
