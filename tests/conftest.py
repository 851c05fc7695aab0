"""Suite-wide settings: hypothesis without deadlines, and the `libreoffice` mark found from the tests' own code.

Hypothesis' default 200 ms deadline fails property tests on a loaded 2-core
machine without saying anything about the code; example counts are set per
test. A test is marked `libreoffice` when it, or any fixture it uses, calls
LibreOffice (`convert`, `recalculated`, `render`): `make test-fast` leaves
those out, `make test` runs everything.
"""

import inspect
import re

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("csxl", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("csxl")

_CALLS_LIBREOFFICE = re.compile(r"\b(convert|recalculated|render_pdf|soffice)\(")


def _source(function) -> str:
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return ""


def _uses_libreoffice(item: pytest.Item) -> bool:
    functions = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)
    if info is not None:
        functions += [d.func for defs in info.name2fixturedefs.values() for d in defs]
    return any(_CALLS_LIBREOFFICE.search(_source(f)) for f in functions if f is not None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _uses_libreoffice(item):
            item.add_marker(pytest.mark.libreoffice)


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server of the test session's own (see tests/engines.py)."""
    from tests.engines import postgres_server

    with postgres_server() as server:
        yield server


@pytest.fixture(scope="session")
def spark():
    """A local Spark session for the tests marked `spark` (`make test-engines`)."""
    from csxl.sql.spark import spark_session

    session = spark_session()
    yield session
    session.stop()
