"""Group commit for the inbox's ``enqueue``: many callers' rows, one transaction.

Why this exists: ``enqueue`` is what a Slack request waits on, and under load one transaction
per request is what limits the process. Concurrent ``enqueue`` calls are therefore written
together: one caller writes every row queued so far in ONE transaction and the others wait
for it. Each call still returns only after its own row is committed, with its own answer
(created, or a duplicate); a failure reaches exactly the callers whose rows were not
committed.

Two parts, kept apart from ``SqlInbox`` so the inbox reads as its API:

- ``GroupCommit``: the queue of pending items and the hand-off of the writing from one
  caller to the next. It knows nothing of SQL.
- ``JobInserts``: the batch writer for job rows, including on SQLite the INSERT compiled
  once and run on the sqlite3 connection itself (``_DriverInsert``), since every reply waits
  for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import Dialect, Engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from bot.db.jobs import JOBS

Item = TypeVar("Item")
Result = TypeVar("Result")


class _Slot(Generic[Item, Result]):
    """One caller's item, and what became of it. ``wake`` is held until the caller may go on."""

    __slots__ = ("done", "error", "item", "result", "wake")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.done = False
        self.result: Result | None = None
        self.error: BaseException | None = None
        self.wake = threading.Lock()
        self.wake.acquire()


class GroupCommit(Generic[Item, Result]):
    """Items handed in by many threads, written a batch (one transaction) at a time.

    ``write`` gets a batch and returns one result per item, in order, after committing. A
    caller of ``submit`` that finds nobody writing becomes the writer: it takes everything
    queued (its own item included), writes it, wakes the callers it wrote for, and hands the
    writing to the oldest caller that queued meanwhile (or ends it, if none did). So an idle
    process writes each item at once, alone; a busy one writes what piled up during the last
    commit in the next one. ``submit`` returns only after its own item is committed, or
    raises what writing it raised; each caller is woken once, by the writer that settled it.

    A batch that fails with one of the ``systemic`` errors (the database is locked or gone)
    fails every caller in it. Any other failure is retried item by item, so one bad item
    fails only its own caller.
    """

    def __init__(
        self,
        write: Callable[[Sequence[Item]], Sequence[Result]],
        *,
        systemic: tuple[type[BaseException], ...] = (),
    ) -> None:
        self._write = write
        self._systemic = systemic
        self._mutex = threading.Lock()
        self._queue: list[_Slot[Item, Result]] = []
        self._writing = False

    def submit(self, item: Item) -> Result:
        slot: _Slot[Item, Result] = _Slot(item)
        with self._mutex:
            self._queue.append(slot)
            leading, self._writing = not self._writing, True
        if not leading:
            slot.wake.acquire()  # released once settled, or when handed the writing
        if not slot.done:
            self._lead()
        if slot.error is not None:
            raise slot.error
        return cast(Result, slot.result)

    def _lead(self) -> None:
        """Write everything queued (the caller's own item is first or among it); pass on."""
        with self._mutex:
            batch, self._queue = self._queue, []
        try:
            self._write_batch(batch)
        finally:
            for settled in batch:
                settled.wake.release()
            with self._mutex:
                if self._queue:
                    self._queue[0].wake.release()  # its caller writes the next batch
                else:
                    self._writing = False

    def _write_batch(self, batch: list[_Slot[Item, Result]]) -> None:
        """Settle every slot of ``batch``: a result or an error each, whatever happens."""
        try:
            try:
                results = self._write([slot.item for slot in batch])
            except self._systemic:
                raise
            except Exception:
                if len(batch) == 1:
                    raise
                for slot in batch:  # find the item that failed; commit the others
                    self._write_batch([slot])
                return
            for slot, result in zip(batch, results, strict=True):
                slot.result, slot.done = result, True
        except BaseException as exc:
            for slot in batch:
                if not slot.done:
                    slot.error, slot.done = exc, True
            if not isinstance(exc, Exception):
                raise


# The columns ``enqueue`` sets, in the order its row is built.
JOB_KEYS = (
    "workspace",
    "channel",
    "thread_ts",
    "lane",
    "draft_id",
    "kind",
    "payload",
    "event_key",
    "status",
    "attempts",
    "created_at",
    "updated_at",
)


class _DriverInsert:
    """The enqueue INSERT, compiled once, for running on the DBAPI cursor itself.

    Every reply waits for this insert, and on SQLite SQLAlchemy's per-execution work
    (connection checkout and reset, the "begin" event, the execution context, the result
    object) cost about twice the insert itself. Here SQLAlchemy still compiles the very
    statement ``JobInserts._insert`` runs, and the values still go through the same column
    types' bind processors (JSON, aware UTC datetimes), so a row reads back exactly as from
    ``JobInserts._insert``; only the per-execution machinery is skipped.
    """

    def __init__(self, dialect: Dialect, stmt: Any, keys: Sequence[str]) -> None:
        compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
        if compiled.positiontup is None:
            raise ValueError(f"{dialect.name}: a positional paramstyle is needed")
        self.sql: str = compiled.string
        self._binds = [
            (key, JOBS.c[key].type.dialect_impl(dialect).bind_processor(dialect))
            for key in compiled.positiontup
        ]

    def params(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(
            row[key] if process is None else process(row[key]) for key, process in self._binds
        )


class JobInserts:
    """Job rows (``JOB_KEYS``) committed in groups; ``submit`` answers True if created.

    ``write_lock`` is the inbox's own: on SQLite it queues the inbox's writers in Python.
    """

    def __init__(self, engine: Engine, write_lock: AbstractContextManager[Any]) -> None:
        self.engine = engine
        self._write_lock = write_lock
        on_sqlite = engine.dialect.name == "sqlite"
        dialect = sqlite if on_sqlite else postgresql
        # Built once: a request only binds its values. RETURNING, not rowcount: psycopg
        # counts a row for an insert that hit the conflict.
        self._stmt = (
            dialect.insert(JOBS)
            .on_conflict_do_nothing(index_elements=["event_key"])
            .returning(JOBS.c.id)
        )
        self._group: GroupCommit[dict[str, Any], bool]
        if on_sqlite and engine.dialect.driver == "pysqlite":
            self._driver_insert = _DriverInsert(engine.dialect, self._stmt, JOB_KEYS)
            dbapi_errors = engine.dialect.loaded_dbapi
            self._group = GroupCommit(
                self._insert_sqlite, systemic=(dbapi_errors.OperationalError,)
            )
        else:
            self._group = GroupCommit(self._insert, systemic=(OperationalError,))

    def submit(self, row: dict[str, Any]) -> bool:
        """Commit ``row`` (with whatever else is queued); False when its event key exists."""
        return self._group.submit(row)

    def _insert(self, rows: Sequence[dict[str, Any]]) -> list[bool]:
        """One transaction for the batch; a row whose event key exists already is False.

        Rows go in one statement each, in order, so a key twice in one batch (a Slack retry
        racing its first delivery) is created once: the first row wins, the second is False.
        """
        with self._write_lock, self.engine.begin() as conn:
            return [conn.execute(self._stmt, row).first() is not None for row in rows]

    def _insert_sqlite(self, rows: Sequence[dict[str, Any]]) -> list[bool]:
        """``_insert`` on the sqlite3 connection itself (see ``_DriverInsert``)."""
        insert = self._driver_insert
        raw = self.engine.raw_connection()  # from the pool, with the engine's PRAGMAs
        try:
            with self._write_lock:
                cursor = raw.cursor()
                try:
                    cursor.execute("BEGIN IMMEDIATE")
                    created = [
                        cursor.execute(insert.sql, insert.params(row)).fetchone() is not None
                        for row in rows
                    ]
                    raw.commit()
                except BaseException:
                    raw.rollback()
                    raise
                finally:
                    cursor.close()
            return created
        finally:
            raw.close()  # back to the pool
