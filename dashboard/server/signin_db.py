"""The sign-in database: open sessions and failed sign-ins, shared by every worker.

One database named by a SQLAlchemy URL (``DASHBOARD_SESSION_DB``): by default a SQLite
file beside the accounts file, in WAL mode so that the workers' threads read while one
writes; for several hosts behind one address, a shared server such as PostgreSQL
(``postgresql+psycopg://user@host/dashboard``, with that driver installed). The same
statements run on both. Tables are made when missing.

A session row is keyed by a keyed hash of the cookie's random id, never the id itself,
so a copy of the database opens no session. Times are seconds since the epoch, from
``now``, which tests replace.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import (
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

__all__ = ["FAILURES", "SESSIONS", "Database", "DatabaseError", "SQLAlchemyError", "url_for"]

log = logging.getLogger(__name__)
DEFAULT_NAME = "sessions.sqlite3"

META = MetaData()
SESSIONS = Table(
    "dashboard_sessions", META,
    Column("key", String(64), primary_key=True),
    Column("account", String(64), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("created", Float, nullable=False),
    Column("seen", Float, nullable=False),
)
FAILURES = Table(
    "dashboard_signin_failures", META,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(200), nullable=False),
    Column("at", Float, nullable=False),
    Index("ix_signin_failures_key_at", "key", "at"),
)


class DatabaseError(RuntimeError):
    """The sign-in database cannot be opened or used."""


def url_for(setting: str | None, users_file: Path | None) -> URL:
    """The database's URL: ``setting`` (a URL, or a file path meaning SQLite), else a
    SQLite file beside the accounts file."""
    setting = (setting or "").strip()
    try:
        if "://" in setting:
            return make_url(setting)
        if setting:
            return URL.create("sqlite", database=str(Path(setting).resolve()))
    except ArgumentError as err:
        raise DatabaseError(f"DASHBOARD_SESSION_DB is not a database URL: {err}") from None
    if users_file is None:
        raise DatabaseError("DASHBOARD_SESSION_DB is needed when there is no accounts file")
    return URL.create("sqlite", database=str(Path(users_file).resolve().parent / DEFAULT_NAME))


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; a crash loses no database
    cursor.execute("PRAGMA busy_timeout=10000")  # a writer waits its turn up to 10 s
    cursor.close()


def _engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise DatabaseError("the session database must be a file that every worker "
                                "shares, not an in-memory SQLite database")
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """The sign-in database at ``url``: made if missing, checked by connecting."""

    def __init__(self, url: URL | str, now: Callable[[], float] = time.time):
        self.url = make_url(url)
        self.now = now
        try:
            self.engine = _engine(self.url)
            self._create()
        except SQLAlchemyError as err:
            raise DatabaseError(f"the session database {self.url.render_as_string()} cannot "
                                f"be opened: {getattr(err, 'orig', None) or err}") from None

    def _create(self) -> None:
        try:
            META.create_all(self.engine)
        except SQLAlchemyError:  # another worker made the tables at the same moment
            META.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # --- sessions ---------------------------------------------------------------------

    def add_session(self, key: str, account: str, csrf: str, fingerprint: str) -> None:
        now = self.now()
        with self.engine.begin() as conn:
            conn.execute(insert(SESSIONS).values(key=key, account=account, csrf=csrf,
                                                 fingerprint=fingerprint, created=now,
                                                 seen=now))

    def session(self, key: str):
        """The session row (``account``, ``csrf``, ``fingerprint``, ``created``, ``seen``)
        or None."""
        with self.engine.connect() as conn:
            return conn.execute(select(SESSIONS).where(SESSIONS.c.key == key)).first()

    def touch(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(SESSIONS).where(SESSIONS.c.key == key).values(seen=self.now()))

    def end_session(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(SESSIONS).where(SESSIONS.c.key == key))

    def end_sessions_of(self, account: str) -> int:
        """End every session of ``account``; how many there were."""
        with self.engine.begin() as conn:
            return conn.execute(delete(SESSIONS).where(SESSIONS.c.account == account)).rowcount

    def sessions_of(self, account: str) -> int:
        with self.engine.connect() as conn:
            return len(conn.execute(select(SESSIONS.c.key).where(
                SESSIONS.c.account == account)).all())

    def prune(self, idle: float, absolute: float, failures: float) -> None:
        """Remove sessions idle for ``idle`` seconds or older than ``absolute``, and
        failed sign-ins older than ``failures``."""
        now = self.now()
        with self.engine.begin() as conn:
            gone = conn.execute(delete(SESSIONS).where(
                (SESSIONS.c.seen < now - idle) | (SESSIONS.c.created < now - absolute))).rowcount
            conn.execute(delete(FAILURES).where(FAILURES.c.at < now - failures))
        if gone:
            log.info("Removed %d expired sessions", gone)

    # --- failed sign-ins --------------------------------------------------------------

    def add_failure(self, *keys: str) -> None:
        now = self.now()
        with self.engine.begin() as conn:
            conn.execute(insert(FAILURES), [{"key": key, "at": now} for key in keys])

    def failures(self, key: str, since: float) -> list[float]:
        """The times of ``key``'s failed sign-ins since ``since``, oldest first."""
        with self.engine.connect() as conn:
            return list(conn.execute(select(FAILURES.c.at).where(
                FAILURES.c.key == key, FAILURES.c.at >= since).order_by(FAILURES.c.at)
            ).scalars())

    def clear_failures(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(FAILURES).where(FAILURES.c.key == key))
