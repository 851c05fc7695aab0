"""The one table of labels that every workbook module adds to."""

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
