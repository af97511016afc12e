"""A throw-away PostgreSQL schema: what each PostgreSQL test, and bench_recovery, runs in.

A new schema first on the search_path costs far less than CREATE DATABASE (~0.25 s). The
schema name doubles as application_name, so teardown can end any connection left open (a
killed replica's, a test's) before dropping the schema.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool


@contextmanager
def fresh_schema(base_url: str, *, prefix: str = "opsmanual_t_") -> Iterator[str]:
    """The URL of a new, empty schema on ``base_url``'s database; dropped on exit."""
    schema = f"{prefix}{uuid.uuid4().hex[:16]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(base_url).update_query_dict(
        {"options": f"-csearch_path={schema}", "application_name": schema}
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = :name AND pid <> pg_backend_pid()"
                ),
                {"name": schema},
            )
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
