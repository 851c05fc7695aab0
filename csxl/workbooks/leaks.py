"""Dropping what a template still holds of the data it was last filled with.

A team often makes its next template from last quarter's filled file, after Excel or LibreOffice has saved
it. Such a file carries copies of that account's values outside its cells, which file previewers show and
which would ride along into the next customer's workbook:
- every chart keeps a cache of the values and labels it plots (`numCache`, `strCache`, `multiLvlStrCache`
  of series values, categories, series names and titles); openpyxl reads and writes these caches back;
- links to other workbooks keep the values last read from them;
- the document properties (title, subject, author, keywords, description, last modified by, ...).
Cached results of formulas are not among them: openpyxl keeps only the formulas of a workbook it loads.
Pivot tables carry a full copy of their source rows; csxl cannot keep pivot tables (the template gets a
warning) and drops them here with their caches.

Without its caches a chart is drawn from its cells when Excel or LibreOffice opens the file, so nothing of
the layout is lost.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.descriptors.serialisable import Serialisable

_CACHES = ("numCache", "strCache", "multiLvlStrCache")
_PROPERTIES = ("title", "subject", "creator", "keywords", "description", "lastModifiedBy", "category",
               "contentStatus", "identifier", "language", "version", "revision")


def _drop_caches(node: object, seen: set[int]) -> None:
    """Clear every chart cache under `node`, a chart or any part of one."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, (list, tuple)):
        for item in node:
            _drop_caches(item, seen)
    elif isinstance(node, Serialisable):
        for name, item in vars(node).items():
            if name in _CACHES:
                setattr(node, name, None)
            elif item is not None:
                _drop_caches(item, seen)


def scrub(wb: Workbook) -> None:
    """Drop every copy of earlier data that the workbook holds outside its cells (see the module's docstring)."""
    seen: set[int] = set()
    for sheet in [*wb.worksheets, *wb.chartsheets]:
        for chart in sheet._charts:
            _drop_caches(chart, seen)
    for ws in wb.worksheets:
        ws._pivots = []
    for link in wb._external_links:
        if link.externalBook is not None:
            link.externalBook.sheetDataSet = None
    for name in _PROPERTIES:
        setattr(wb.properties, name, None)
