"""Engine set-up: SQLite gets WAL, foreign keys, a busy timeout and real transactions."""

from __future__ import annotations

from sqlalchemy import text

from bot.db.engine import SQLITE_BUSY_TIMEOUT_MS, make_engine, make_session_factory, sqlite_file


def test_sqlite_engine_creates_the_directory_and_sets_pragmas(tmp_path):
    path = tmp_path / "deep" / "er" / "opsmanual.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            pragma = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout")
            }
        assert pragma == {
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,
        }
        assert path.exists()
    finally:
        engine.dispose()


def test_sqlite_reads_inside_a_transaction_see_one_snapshot(tmp_path):
    """Python's sqlite3 sends no BEGIN before SELECT by default; the engine must."""
    url = f"sqlite:///{tmp_path / 'x.db'}"
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (n INTEGER)")
        sessions = make_session_factory(engine)
        with sessions.begin() as reader:
            before = reader.execute(text("SELECT count(*) FROM t")).scalar_one()
            with engine.begin() as writer:
                writer.exec_driver_sql("INSERT INTO t VALUES (1)")
            after = reader.execute(text("SELECT count(*) FROM t")).scalar_one()
        assert before == after == 0
    finally:
        engine.dispose()


def test_sqlite_file_understands_urls(tmp_path):
    assert sqlite_file(f"sqlite:///{tmp_path}/a.db") == tmp_path / "a.db"
    assert sqlite_file("sqlite://") is None
    assert sqlite_file("sqlite:///:memory:") is None
    assert sqlite_file("postgresql+psycopg://u@h/db") is None
