"""Helpers for the data-layer tests: inputs are written to tmp_path as users would export them."""

from pathlib import Path

import pytest

from csxl.data.load import load
from csxl.errors import CsxlDataError
from tests.data.sheets import write_workbook


@pytest.fixture
def write(tmp_path):
    """write(name, text, encoding="utf-8") -> path of a text file in tmp_path."""

    def _write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return _write


@pytest.fixture
def workbook(tmp_path):
    """workbook(name, {sheet: rows}) -> path of an .xlsx with those sheets, rows appended from A1."""

    def _workbook(name: str, sheets: dict[str, list[list]]) -> Path:
        return write_workbook(tmp_path / name, sheets)

    return _workbook


@pytest.fixture
def load_error():
    """load_error(source, **kwargs) -> the CsxlDataError `load` raises (the test fails if it loads)."""

    def _load_error(source, **kwargs) -> CsxlDataError:
        with pytest.raises(CsxlDataError) as caught:
            load(source, **kwargs)
        return caught.value

    return _load_error
