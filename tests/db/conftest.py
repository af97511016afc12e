"""pytest-alembic wiring: its built-in tests run against ``db_url``, so on both backends.

pyproject disables the plugin (``-p no:pytest_alembic``: its collector binds to
tests/conftest.py and crashes under pytest 9), so its runner fixture and marker are brought in
here by hand, and its built-in tests are imported by tests/db/test_migrations.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.config import Config
from pytest_alembic.plugin.fixtures import alembic_runner
from sqlalchemy import Engine

from bot.db.engine import make_engine
from bot.db.migrate import alembic_config as make_alembic_config

__all__ = ["alembic_config", "alembic_engine", "alembic_runner"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "alembic: pytest-alembic's built-in migration tests")


@pytest.fixture
def alembic_config() -> Config:
    return make_alembic_config()


@pytest.fixture
def alembic_engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()
