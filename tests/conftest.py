"""Fixtures shared by every test package: a real, empty database on each supported backend.

``db_url`` runs a test twice: on a SQLite file, and on PostgreSQL in a fresh schema that only
that test sees (dropped afterwards). PostgreSQL comes from ``OPSMANUAL_TEST_PG_URL``
(``bash .ci/start-postgres.sh`` prints one); without it the PostgreSQL half is skipped, unless
``OPSMANUAL_REQUIRE_PG=1`` (CI), where a missing server fails the run instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.postgres_schema import fresh_schema

if TYPE_CHECKING:
    from bot.db.store import SqlStore

PG_URL_ENV = "OPSMANUAL_TEST_PG_URL"
REQUIRE_PG_ENV = "OPSMANUAL_REQUIRE_PG"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """URL of an empty database that only this test uses."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'opsmanual.db'}"
    else:
        yield from _fresh_postgres_database()


def _fresh_postgres_database() -> Iterator[str]:
    """A new schema per test (``tests.postgres_schema``), or a skip without PostgreSQL."""
    base = os.environ.get(PG_URL_ENV)
    if not base:
        reason = f"PostgreSQL tests need {PG_URL_ENV} (bash .ci/start-postgres.sh prints it)"
        if os.environ.get(REQUIRE_PG_ENV) == "1":
            pytest.fail(f"{REQUIRE_PG_ENV}=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    with fresh_schema(base) as url:
        yield url


@pytest.fixture
def store(db_url: str) -> Iterator[SqlStore]:
    """A migrated database behind the real Store."""
    from bot.db.engine import make_engine, make_session_factory
    from bot.db.migrate import upgrade_to_head
    from bot.db.store import SqlStore

    upgrade_to_head(db_url)
    engine = make_engine(db_url)
    try:
        yield SqlStore(make_session_factory(engine))
    finally:
        engine.dispose()
