"""Alembic environment for opsmanual.

Where the database comes from, first match wins:
  1. ``config.attributes["connection"]``: an Engine or Connection (pytest-alembic, callers
     that already hold an engine);
  2. ``config.attributes["url"]`` (``bot.db.migrate`` sets it);
  3. ``bot.config.load_settings().effective_database_url`` (the ``alembic`` command line).
A URL is never written into alembic.ini, so no credential lives in the repository.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, Engine

from bot.db.engine import make_engine
from bot.db.migrate import schema_metadata
from bot.db.models import UtcDateTime

config = context.config

# Only the alembic command line has an ini file; the app keeps its own logging set-up.
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

# pytest-alembic stores target_metadata=None when it was given none of its own.
target_metadata = config.attributes.get("target_metadata") or schema_metadata()


def _url() -> str:
    url = config.attributes.get("url")
    if url:
        return str(url)
    from bot.config import load_settings  # only needed when no URL was given

    return load_settings().effective_database_url


def _render_item(type_, obj, autogen_context):
    """Render UtcDateTime as a plain timezone-aware DateTime in generated revisions.

    A revision that imported bot.db.models would change meaning whenever the models did.
    """
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(**kwargs) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        render_item=_render_item,
        **kwargs,
    )


def run_migrations_offline() -> None:
    url = _url()
    _configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Connection) -> None:
    """Migrate on one connection; on SQLite with foreign-key enforcement switched off.

    A batch migration on SQLite copies a table, drops the original and renames the copy; with
    foreign keys on, that DROP would cascade-delete every fact of every draft. The PRAGMA only
    works outside a transaction, so it goes straight to the driver connection.
    """
    sqlite = connection.dialect.name == "sqlite"
    toggle_fks = sqlite and not connection.in_transaction()
    driver = connection.connection.driver_connection if toggle_fks else None
    if driver is not None:
        driver.execute("PRAGMA foreign_keys=OFF")
    try:
        # With bot.db.engine's explicit BEGIN, SQLite DDL is transactional: a failed revision
        # rolls back whole instead of leaving half a schema behind.
        _configure(
            connection=connection,
            render_as_batch=sqlite,
            transactional_ddl=True if sqlite else None,
        )
        with context.begin_transaction():
            context.run_migrations()
        if driver is not None:
            broken = driver.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left dangling foreign keys: {broken[:5]}")
    finally:
        if driver is not None:
            driver.execute("PRAGMA foreign_keys=ON")


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if isinstance(given, Connection):
        _run(given)
        return
    engine = given if isinstance(given, Engine) else make_engine(_url())
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        if engine is not given:
            engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
