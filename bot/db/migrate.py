"""Run Alembic from code: at start-up (``opsmanual migrate``/``serve``), in /health, in tests.

The migration scripts live in the repository's top-level ``migrations/`` directory, next to the
``bot`` package rather than inside it, so the app runs from the source tree or from the Docker
image (which copies ``migrations/``); a bare wheel install does not carry them.

The URL travels in ``Config.attributes`` rather than as ``sqlalchemy.url``: the ini option is
run through ConfigParser interpolation, which would mangle a password containing ``%``.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, create_engine, text

import bot
import bot.db
from bot.db.engine import make_engine, sqlite_file
from bot.db.models import Base

MIGRATIONS_DIR = Path(bot.__file__).resolve().parent.parent / "migrations"
MIGRATION_LOCK = 0x6F70736D  # "opsm": the PostgreSQL advisory lock held around migrations


def alembic_config(*, url: str | None = None, engine: Engine | None = None) -> Config:
    """An Alembic config for this repository's migrations, bound to a URL or an engine.

    With neither, ``migrations/env.py`` falls back to the Settings' database URL.
    """
    if not (MIGRATIONS_DIR / "env.py").is_file():
        raise FileNotFoundError(
            f"no Alembic scripts at {MIGRATIONS_DIR}: run from the source tree or the image"
        )
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.attributes["url"] = url
    if engine is not None:
        config.attributes["connection"] = engine
    return config


def schema_metadata() -> MetaData:
    """The full schema: every table declared in any ``bot.db`` module, not only models.py.

    Autogenerate compares the database against this, so a module whose tables were never
    imported would look like tables to drop; importing them all here makes that impossible.
    """
    for module in pkgutil.iter_modules(bot.db.__path__):
        importlib.import_module(f"bot.db.{module.name}")
    return Base.metadata


def upgrade_to_head(url: str) -> None:
    """Bring the schema up to date; a database already at head is left untouched.

    On PostgreSQL this runs under an advisory lock, whoever calls it (`opsmanual migrate`,
    `serve` at start-up, a one-off job), so replicas starting together do not run the same
    DDL twice: the second waits for the lock, then finds nothing to do. SQLite serialises
    writers itself.
    """
    engine = make_engine(url)
    try:
        if engine.dialect.name != "postgresql":
            command.upgrade(alembic_config(url=url), "head")
            return
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as lock:
            lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            try:
                command.upgrade(alembic_config(url=url), "head")
            finally:
                lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
    finally:
        engine.dispose()


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(url: str | Engine) -> str | None:
    """The revision the database is at; None when it was never migrated (or does not exist).

    Pass the app's engine from /health to avoid opening a new pool per probe. A SQLite file
    that does not exist is reported as None rather than created by the probe.
    """
    if isinstance(url, Engine):
        return _read_revision(url)
    path = sqlite_file(url)
    if path is not None and not path.exists():
        return None
    engine = create_engine(url)
    try:
        return _read_revision(engine)
    finally:
        engine.dispose()


def is_at_head(url: str | Engine) -> bool:
    return current_revision(url) == head_revision()


def _read_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
