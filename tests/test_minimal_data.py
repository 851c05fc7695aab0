"""With MRR data alone (no customers, surveys, health or pipeline) every workbook still balances."""

import pandas as pd
import pytest

from csxl.data.dataset import Dataset
from csxl.metrics.retention import nrr_cohort
from csxl.workbooks.files import atomic_save
from csxl.workbooks.forecast import write_forecast
from csxl.workbooks.jobs import QbrJob, build_qbr
from csxl.workbooks.labels import Locale
from csxl.workbooks.libreoffice import convert
from csxl.workbooks.portfolio import write_portfolio
from tests.books import ACCOUNT, small_book
from tests.workbook_values import blank, named_values

AS_OF = pd.Timestamp("2026-09-01")


def test_workbooks_from_mrr_only(tmp_path):
    data = Dataset(mrr=small_book().mrr, source="mrr only")
    qbr, _ = build_qbr(data, ACCOUNT, QbrJob(AS_OF, Locale("en")))
    paths = [atomic_save(qbr, tmp_path / "qbr.xlsx"),
             write_forecast(data, AS_OF, Locale("en"), 12, None, tmp_path / "forecast.xlsx")[0],
             write_portfolio(data, AS_OF, Locale("en"), None, tmp_path / "portfolio.xlsx")[0]]
    qbr_calc, forecast_calc, portfolio_calc = convert(paths, tmp_path / "calc")
    for calculated in (qbr_calc, forecast_calc, portfolio_calc):
        assert named_values(calculated, ["MasterCheck"])["MasterCheck"] == "OK", calculated.name
    qbr_values = named_values(qbr_calc, ["Account", "NPS", "HealthFlag", "RenewalDate", "LastAnswer"])
    assert qbr_values["Account"] == ACCOUNT  # no customers table: the id stands for the name
    assert all(blank(qbr_values[n]) for n in ("HealthFlag", "RenewalDate", "LastAnswer"))
    assert qbr_values["NPS"] == Locale("en")("no_answers")  # said, not a blank or a score
    mine = data.mrr[data.mrr.month <= AS_OF]
    assert named_values(portfolio_calc, ["NRR"])["NRR"] == pytest.approx(nrr_cohort(mine, AS_OF, 12), rel=1e-9)
    assert named_values(forecast_calc, ["BestCaseRenewalARR"])["BestCaseRenewalARR"] == 0
