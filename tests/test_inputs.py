"""The Inputs sheets: every assumption with a unit and a note of where its default comes from, and the
defaults are csxl.metrics' own (a changed default in Python cannot leave a workbook behind)."""

import pandas as pd
import pytest

from csxl.metrics.health import health_flags, nrr_bands, touch_models
from csxl.workbooks.builtin import KINDS
from csxl.workbooks.inputs import NOTE_COLUMN, UNIT_COLUMN
from csxl.workbooks.labels import LANGUAGES, Locale


def input_rows(wb, locale) -> dict[str, tuple[object, object]]:
    """The unit and note of every input on the Inputs sheet: a named cell's own row, a named table column's (a
    lookup table) the row below the table."""
    ws = wb[locale("sheet.inputs")]
    rows = {}
    for name, defined in wb.defined_names.items():
        (sheet, ref), = defined.destinations
        if sheet != ws.title:
            continue
        cells = ws[ref.replace("$", "")]
        row = cells.row if not isinstance(cells, tuple) else cells[-1][-1].row + 1
        rows[name] = (ws.cell(row, UNIT_COLUMN).value, ws.cell(row, NOTE_COLUMN).value)
    return rows


def inputs_of(kind: str, lang: str = "en") -> dict[str, object]:
    wb = KINDS[kind].template(Locale(lang))
    ws = wb[Locale(lang)("sheet.inputs")]
    return {name: ws[ref.replace("$", "")].value for name, defined in wb.defined_names.items()
            for (sheet, ref), in [defined.destinations] if sheet == ws.title and ":" not in ref}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_input_has_a_unit_and_says_where_its_default_comes_from(kind, lang):
    locale = Locale(lang)
    rows = input_rows(KINDS[kind].template(locale), locale)
    assert {"AsOf", "Tolerance"} <= set(rows) and len(rows) > 10
    assert [name for name, (unit, _) in rows.items() if not unit] == []
    assert [name for name, (_, note) in rows.items() if not note or note.strip() == locale("source_default")] == []


@pytest.mark.parametrize("kind", ["qbr", "portfolio"])
def test_band_and_touch_inputs_are_where_csxl_metrics_draws_its_lines(kind):
    value = inputs_of(kind)
    below = 1 - 1e-9
    nrr = pd.Series([value["BandHealthy"] / below, value["BandHealthy"], value["BandLow"], value["BandLow"] * below])
    assert nrr_bands(nrr).tolist() == ["healthy", "retains most", "retains most", "low"]
    if kind == "portfolio":
        arpa = 100.0
        mrr = pd.Series([value["TouchHigh"] * arpa, value["TouchHigh"] * arpa * below, value["TouchLow"] * arpa,
                         value["TouchLow"] * arpa * below])
        assert touch_models(mrr, arpa).tolist() == ["high-touch", "mid-touch", "low-touch", "tech-touch"]
    else:
        scores = pd.Series([value["GreenFrom"], value["GreenFrom"] - 0.01, value["RedBelow"], value["RedBelow"] - 0.01])
        assert health_flags(scores).tolist() == ["Green", "Yellow", "Yellow", "Red"]
