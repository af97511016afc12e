"""Engines and sessions, built on demand from a URL (never at import time).

SQLite is the zero-setup default for the terminal and a single bot process; PostgreSQL is for
several ``opsmanual serve`` processes. Both must behave the same for the Store, which is why
SQLite gets real transactions here (see ``_sqlite_listeners``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

# How long a SQLite writer waits for another one before "database is locked" (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 15_000


def sqlite_file(url: str) -> Path | None:
    """The database file a SQLite URL names; None for other backends and in-memory databases."""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    if database.startswith("file:"):  # a URI filename (?uri=true): leave it to SQLite
        return None
    return Path(database).expanduser()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine configured for the backend the URL names."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed,
            echo=echo,
            hide_parameters=True,  # SQL errors and echo would log reply text
            connect_args={
                # Several threads (listener, workers) share the pool, never one connection.
                "check_same_thread": False,
                "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
            },
        )
        _sqlite_listeners(engine)
        return engine
    # A PostgreSQL restart or an idle-connection reaper must not surface as a failed reply.
    return create_engine(parsed, echo=echo, pool_pre_ping=True, hide_parameters=True)


def _sqlite_listeners(engine: Engine) -> None:
    """WAL, foreign keys, busy timeout, and BEGIN at the start of every transaction.

    WAL lets readers proceed while one writer commits, and busy_timeout makes a second writer
    wait instead of failing. Python's sqlite3 module by default sends no BEGIN before a SELECT,
    so two reads in one "transaction" could see different data; taking BEGIN over (the recipe
    from SQLAlchemy's SQLite dialect documentation) makes a Store method one real transaction.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA synchronous=NORMAL")  # durable enough with WAL, much faster
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose loaded objects stay readable after commit (the Store maps them out)."""
    return sessionmaker(bind=engine, expire_on_commit=False)
