"""The migration history: one head, up and down cleanly, and no drift from the models."""

from __future__ import annotations

import threading

import pytest
from alembic import command
from pytest_alembic.tests import (
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import inspect, text

from bot.cli import main
from bot.db.engine import make_engine
from bot.db.migrate import (
    MIGRATION_LOCK,
    alembic_config,
    current_revision,
    head_revision,
    is_at_head,
    upgrade_to_head,
)

__all__ = [
    "test_model_definitions_match_ddl",
    "test_single_head_revision",
    "test_up_down_consistency",
    "test_upgrade",
]

TABLES = {"drafts", "replies", "facts", "versions", "jobs", "side_effects", "llm_usage"}


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip(db_url):
    config = alembic_config(url=db_url)
    assert current_revision(db_url) is None
    command.upgrade(config, "head")
    assert _tables(db_url) == TABLES
    command.downgrade(config, "base")
    assert _tables(db_url) == set()
    assert current_revision(db_url) is None
    command.upgrade(config, "head")
    assert _tables(db_url) == TABLES
    assert is_at_head(db_url)


def test_upgrade_to_head_twice_is_a_no_op(db_url):
    upgrade_to_head(db_url)
    upgrade_to_head(db_url)
    assert current_revision(db_url) == head_revision()


def test_no_drift_between_models_and_migrations(db_url):
    """``alembic check`` itself, as a developer would run it."""
    upgrade_to_head(db_url)
    command.check(alembic_config(url=db_url))


def test_current_revision_accepts_an_engine(db_url):
    upgrade_to_head(db_url)
    engine = make_engine(db_url)
    try:
        assert is_at_head(engine)
    finally:
        engine.dispose()


def test_probing_a_missing_sqlite_file_does_not_create_it(tmp_path):
    path = tmp_path / "nowhere" / "opsmanual.db"
    assert current_revision(f"sqlite:///{path}") is None
    assert not path.exists()


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_opsmanual_migrate_waits_for_the_migration_lock(db_url, capsys):
    """`opsmanual migrate` takes the advisory lock `serve` takes, so the two never race."""
    holder = make_engine(db_url)
    done = threading.Event()

    def migrate() -> None:
        assert main(["migrate", "--db", db_url]) == 0
        done.set()

    try:
        with holder.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            runner = threading.Thread(target=migrate)
            runner.start()
            assert not done.wait(1.0)  # blocked behind the lock
            assert current_revision(db_url) is None
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
            runner.join(timeout=30)
    finally:
        holder.dispose()
    assert done.is_set()
    assert is_at_head(db_url)
    assert "latest migration" in capsys.readouterr().out
