"""csxl: Customer Success metrics in Excel.

Two faces over one core: Excel functions served through xlwings (`csxl.udfs`)
and live workbooks generated with openpyxl (`csxl.workbooks`), both computing
the definitions in `csxl.metrics` on data read by `csxl.data`.
"""

from csxl.errors import CsxlDataError

__version__ = "0.1.0"
__all__ = ["CsxlDataError", "__version__"]
