"""Server-side sessions and sign-in throttling, in the process with a clock the tests move:
idle and absolute timeouts, waits and locks and their end, no password hashed for a
refused attempt, and one database shared by several workers. test_auth.py tries the same
against a live server (copied cookies after sign-out, password changes and removals; the
tenth wrong password)."""

from __future__ import annotations

import re
import secrets
import threading
import time
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.security import generate_password_hash

from dashboard.server import auth, signin_db, users
from dashboard.server.throttle import Rule, block

PASSWORD = secrets.token_urlsafe(12)
START = 1_900_000_000.0


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def accounts(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("session-accounts") / "users"
    users.save(path, {name: generate_password_hash(PASSWORD) for name in ("alice", "bob")})
    return path


def conf_for(accounts: Path, db: Path, **env) -> auth.Settings:
    return auth.settings({"DASHBOARD_LOGIN": "users", "DASHBOARD_USERS_FILE": str(accounts),
                          "DASHBOARD_SECRET_KEY": "k" * 40, "DASHBOARD_SECURE_COOKIES": "0",
                          "DASHBOARD_SESSION_DB": str(db), **env})


class Site:
    """One worker: the real sign-in on a bare Flask app, with ``/who`` saying who is in."""

    def __init__(self, conf: auth.Settings, clock):
        self.db = signin_db.Database(conf.session_db, now=clock)
        self.app = Flask(__name__)
        auth.register(self.app, conf, database=self.db)
        self.app.add_url_rule("/who", "who", lambda: auth.user() or "nobody")

    def client(self):
        return self.app.test_client()


def token_of(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def sign_in(client, name: str = "alice", password: str = PASSWORD, **headers):
    return client.post("/login", data={"csrf": token_of(client), "name": name,
                                       "password": password}, headers=headers)


def who(client) -> str:
    return client.get("/who").get_data(as_text=True)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def site(accounts, tmp_path, clock) -> Site:
    return Site(conf_for(accounts, tmp_path / "sessions.sqlite3"), clock)


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """The names whose password was checked (hashed), in order."""
    seen: list[str] = []
    real = users.verify

    def counted(path, name, password):
        seen.append(name)
        return real(path, name, password)
    monkeypatch.setattr(users, "verify", counted)
    return seen


# --- the rule --------------------------------------------------------------------------


def test_waits_grow_then_the_account_locks_and_each_lock_is_longer():
    rule = Rule(failures=5, window=900, lock=900, free=2)
    assert block([0, 1], rule).until == 0, "two wrong passwords cost nothing"
    assert block([0, 1, 2], rule).until == 3 and not block([0, 1, 2], rule).locked
    assert block([0, 1, 2, 3], rule).until == 5, "then 1 s, 2 s…"
    first = block([0, 1, 2, 3, 4], rule)
    assert first.locked and first.until == 4 + 900
    second = block([0, 1, 2, 3, 4, *range(1000, 1005)], rule)
    assert second.locked and second.until == 1004 + 1800, "the next lock is twice as long"
    later = block([0, 1, 2, 1000, 1001], rule)
    assert later.failures == 2 and later.until < 1001, "old failures leave the window"


# --- sessions --------------------------------------------------------------------------


def test_a_session_ends_when_unused_for_the_idle_time(site, clock):
    client = site.client()
    assert sign_in(client).status_code == 303 and who(client) == "alice"
    for _ in range(3):  # in use: each visit within the idle time keeps it open
        clock.advance(50 * 60)
        assert who(client) == "alice"
    clock.advance(60 * 60)
    assert who(client) == "nobody"
    assert site.db.sessions_of("alice") == 0, "the ended session's row is deleted"


def test_a_session_ends_at_the_absolute_time_however_busy(site, clock):
    client = site.client()
    sign_in(client)
    for _ in range(15):  # every half hour for 7.5 hours
        clock.advance(30 * 60)
        assert who(client) == "alice"
    clock.advance(30 * 60)
    assert who(client) == "nobody", "DASHBOARD_SESSION_HOURS (8) after signing in"


def test_timeouts_come_from_the_environment(accounts, tmp_path, clock):
    site = Site(conf_for(accounts, tmp_path / "s.sqlite3", DASHBOARD_SESSION_IDLE_MINUTES="5",
                         DASHBOARD_SESSION_HOURS="0.5"), clock)
    client = site.client()
    sign_in(client)
    clock.advance(4 * 60)
    assert who(client) == "alice"
    clock.advance(6 * 60)
    assert who(client) == "nobody"


def test_signing_in_makes_a_new_id_and_expired_rows_are_removed(site, clock):
    client = site.client()
    client.set_cookie("dashboard_session", "A" * 43)  # an id chosen by someone else
    sign_in(client)
    first = client.get_cookie("dashboard_session").value
    assert first != "A" * 43 and who(client) == "alice"
    other = site.client()
    sign_in(other, "bob")
    clock.advance(2 * 3600)  # both idle past the hour: rows still there until cleaned up
    assert site.db.sessions_of("bob") == 1
    sign_in(site.client())  # a sign-in cleans up
    assert site.db.sessions_of("bob") == 0 and site.db.sessions_of("alice") == 1


def test_two_workers_share_sessions_and_failed_sign_ins(accounts, tmp_path, clock):
    conf = conf_for(accounts, tmp_path / "shared.sqlite3")
    one, two = Site(conf, clock), Site(conf, clock)
    client = one.client()
    sign_in(client)
    cookie = client.get_cookie("dashboard_session").value
    elsewhere = two.client()
    elsewhere.set_cookie("dashboard_session", cookie)
    assert who(elsewhere) == "alice", "the other worker knows the session"
    assert "Set-Cookie" not in elsewhere.get("/who").headers, "a session is only read"
    csrf = two.db.session(two.app.session_interface.key(cookie)).csrf
    assert elsewhere.post("/logout", data={"csrf": csrf}).status_code == 303
    assert who(client) == "nobody", "signed out on one worker, out on every worker"

    for _ in range(3):
        sign_in(one.client(), "bob", "wrong password")
    assert sign_in(two.client(), "bob").status_code == 429, "worker two sees the failures"


def test_without_its_database_the_site_is_signed_out_and_sign_in_says_so(site):
    client = site.client()
    sign_in(client)
    signin_db.META.drop_all(site.db.engine)  # the database has lost its tables
    assert who(client) == "nobody", "fails closed: no restricted figures"
    refused = sign_in(site.client())
    assert refused.status_code == 503 and "not possible right now" in refused.text


# --- throttling ------------------------------------------------------------------------


def test_a_locked_account_unlocks_and_then_the_right_password_works(site, clock, checks):
    client = site.client()
    statuses = []
    for _ in range(5):  # five wrong passwords, each after waiting as long as asked
        reply = sign_in(client, "bob", "wrong password")
        statuses.append(reply.status_code)
        while reply.status_code == 429 and len(statuses) < 20:
            clock.advance(int(reply.headers["Retry-After"]))
            reply = sign_in(client, "bob", "wrong password")
            statuses.append(reply.status_code)
    assert statuses.count(401) == 5 and len(checks) == 5, statuses
    locked = sign_in(client, "bob")
    assert locked.status_code == 429 and "Too many wrong passwords" in locked.text
    wait = int(locked.headers["Retry-After"])
    assert 14 * 60 <= wait <= 15 * 60 and "15 minutes" in locked.text
    clock.advance(wait - 5)
    assert sign_in(client, "bob").status_code == 429, "not yet"
    clock.advance(5)
    assert sign_in(client, "bob").status_code == 303, "the lock has ended"
    assert checks == ["bob"] * 6, "no password was checked while refused"
    assert who(client) == "bob"


def test_a_refused_attempt_checks_no_password(site, checks):
    client = site.client()
    for _ in range(3):
        sign_in(client, "alice", "wrong password")
    assert len(checks) == 3
    for _ in range(20):
        assert sign_in(client, "alice", "wrong password").status_code == 429
    assert sign_in(client, "alice").status_code == 429
    assert len(checks) == 3


def test_one_address_is_locked_across_accounts_behind_a_trusted_proxy(accounts, tmp_path,
                                                                        clock):
    site = Site(conf_for(accounts, tmp_path / "a.sqlite3", DASHBOARD_SIGNIN_ADDRESS_FAILURES="4",
                         DASHBOARD_TRUSTED_PROXIES="1"), clock)
    guesser = {"X-Forwarded-For": "203.0.113.9"}
    for name in ("carol", "dave", "erin", "frank"):  # one guess each: no account waits
        assert sign_in(site.client(), name, "guess", **guesser).status_code == 401
    assert sign_in(site.client(), "alice", **guesser).status_code == 429
    assert sign_in(site.client(), "alice", **{"X-Forwarded-For": "198.51.100.7"}
                   ).status_code == 303, "other addresses are not locked"


def test_password_checks_wait_their_turn_and_are_turned_away_when_busy(site, checks):
    signin = site.app.extensions["dashboard_signin"]
    signin.gate.wait = 0.05
    with signin.gate:  # another thread is checking a password, for longer than the wait
        busy = sign_in(site.client())
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
    assert checks == []
    assert sign_in(site.client()).status_code == 303


def test_workers_threads_share_one_sqlite_file_safely(accounts, tmp_path):
    """Two workers of four threads sign in, read their sessions and fail sign-ins at once."""
    conf = conf_for(accounts, tmp_path / "busy.sqlite3", DASHBOARD_SIGNIN_FAILURES="1000",
                    DASHBOARD_SIGNIN_ADDRESS_FAILURES="1000")
    workers = [Site(conf, time.time) for _ in range(2)]
    for site in workers:  # on a busy machine, four sign-ins may queue for a while
        site.app.extensions["dashboard_signin"].gate.wait = 60
    errors = []

    def visitor(site: Site, i: int):
        try:
            client = site.client()
            if sign_in(client).status_code != 303:
                errors.append("sign-in")
            for _ in range(20):
                if who(client) != "alice":
                    errors.append("lost session")
            site.db.add_failure(f"account:x{i}", "address:test")
        except Exception as err:  # every failure is the finding, reported below
            errors.append(repr(err))

    threads = [threading.Thread(target=visitor, args=(workers[i % 2], i)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and not any(t.is_alive() for t in threads)
    assert workers[0].db.sessions_of("alice") == 8
