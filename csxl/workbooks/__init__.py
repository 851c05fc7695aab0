"""The workbook face: live Excel models (QBR, portfolio, forecast) built with openpyxl from raw data."""
