"""The wheel is the product: `python -m build` makes an sdist and a wheel from it, and the wheel installed in a
fresh environment (with its `all` extra, not the editable checkout) runs `csxl demo` from a folder outside the
repository: the built-in templates resolve from the installed package and every example workbook is written."""

import zipfile

import openpyxl
import pytest

from tests.venvs import ROOT, built, environment, run

pytestmark = pytest.mark.slow  # builds the wheel and a virtual environment: left out of `make test-fast`


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return built(tmp_path_factory.getbasetemp() / "dist")


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheel):
    return environment(tmp_path_factory.getbasetemp() / "full", f"{wheel[0]}[all]")


def test_the_wheel_and_the_sdist_carry_the_templates(wheel):
    whl, sdist = wheel
    assert whl.name == "csxl-0.1.0-py3-none-any.whl" and sdist.name == "csxl-0.1.0.tar.gz"
    names = zipfile.ZipFile(whl).namelist()
    templates = {n for n in names if n.startswith("csxl/templates/")}
    assert templates == {f"csxl/templates/{kind}_{lang}.xlsx" for kind in ("qbr", "portfolio", "forecast")
                         for lang in ("en", "pt-BR", "es")}
    assert "csxl/py.typed" in names and not any(n.startswith("tests/") for n in names)


def test_csxl_demo_runs_from_the_installed_wheel(installed, tmp_path):
    where = run(installed, "-c", "import csxl.workbooks.builtin as b; print(b.SHIPPED)", cwd=tmp_path).stdout.strip()
    assert "site-packages" in where and not where.startswith(str(ROOT))
    csxl = installed.with_name("csxl")
    done = run(csxl, "demo", "--out", "demo", cwd=tmp_path)
    out = tmp_path / "demo"
    books = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xlsx"))
    assert len([b for b in books if b.startswith("qbr/")]) == 3
    assert {"forecast_pt-BR.xlsx", "portfolio_en.xlsx"} <= set(books)
    assert sorted(p.name for p in (out / "demo-data").glob("*.csv"))  # the demo data it read
    for book in books:
        assert str((out / book).resolve()) in done.stdout
        assert openpyxl.load_workbook(out / book, read_only=True).sheetnames  # a real workbook
