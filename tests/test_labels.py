"""The one table of labels that every workbook module adds to."""

import re

import pytest

import csxl.workbooks.builtin  # noqa: F401 - loads every workbook module, so their labels are in the table
from csxl.workbooks.labels import LABELS, LANGUAGES, add_labels


def test_a_label_defined_twice_is_refused_and_the_table_is_left_as_it_was():
    before = dict(LABELS)
    with pytest.raises(ValueError, match="labels defined twice: months"):
        add_labels({"months": ("mo", "me", "me"), "brand_new_key": ("x", "y", "z")})
    assert LABELS == before


def test_every_label_has_a_text_in_every_language():
    short = [key for key, texts in LABELS.items() if len(texts) != len(LANGUAGES) or not all(t.strip() for t in texts)]
    assert short == []


def texts(lang: str) -> dict[str, str]:
    """Every label in one language, by key."""
    return {key: words[LANGUAGES.index(lang)] for key, words in LABELS.items()}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_inputs_notes_speak_to_a_reader_not_to_a_developer(lang):
    # a note is read in Excel by a CS lead or an analyst: no Python module, no command-line flag, no "(csxl)"
    developer = re.compile(r"csxl\.\w|(^|[\s(])--\w|\(csxl\b|csxl,")
    assert {key: text for key, text in texts(lang).items() if key.startswith("note.") and developer.search(text)} == {}


# Words a Brazilian or a Mexican CS team would not write in these books, and what they write instead
NOT_NATIVE = {
    "pt-BR": {"flag": "farol", "alvo": "meta", "logos": "clientes", "whitespace": "potencial", "retém a": "moderado"},
    "es": {"flag": "semáforo", "bandera": "semáforo", "logos": "clientes", "whitespace": "potencial",
           "compromiso": "frecuencia de uso", "de 100%": "del 100%", "de 80%": "del 80%"},
}


@pytest.mark.parametrize("lang", NOT_NATIVE)
def test_portuguese_and_spanish_read_as_native_cs_teams_write(lang):
    found = {key: text for key, text in texts(lang).items()
             if any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text.lower()) for word in NOT_NATIVE[lang])}
    assert found == {}, f"write instead: {NOT_NATIVE[lang]}"


ENGLISH_TERMS = {"upsell", "cross-sell"}


@pytest.mark.parametrize("lang", ["pt-BR", "es"])
def test_upsell_and_cross_sell_are_named_one_way_in_a_language(lang):
    labels = texts(lang)
    upsell, cross_sell = labels["type.upsell"].lower(), labels["type.cross_sell"].lower()
    assert (upsell in ENGLISH_TERMS) == (cross_sell in ENGLISH_TERMS)  # both loanwords, or both translated
    others = {"upsell", "cross-sell", "venda adicional", "venda cruzada", "venta adicional", "venta cruzada"}
    others -= {upsell, cross_sell}
    assert {key: text for key, text in labels.items() if any(term in text.lower() for term in others)} == {}
