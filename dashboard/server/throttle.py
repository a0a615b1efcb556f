"""Sign-in throttling: per account and per client address, growing waits and then a lock.

Every wrong password is written to the sign-in database (``signin_db``), so all workers
and hosts see the same counts. From an account's failures in the last
``DASHBOARD_SIGNIN_WINDOW_MINUTES``: after the second, each next attempt must wait 1 s,
then 2 s, 4 s…; at ``DASHBOARD_SIGNIN_FAILURES`` the account is locked for
``DASHBOARD_SIGNIN_LOCK_MINUTES``, and each further lock within a day lasts twice as
long, up to a day. An address is locked the same way after
``DASHBOARD_SIGNIN_ADDRESS_FAILURES`` (no waits before: many people may share one). An
attempt made while waiting or locked is refused (429 with ``Retry-After``) before any
password is hashed, and is not counted. Signing in clears the account's failures.

Checking a password costs a deliberate amount of work (scrypt), so each worker checks
one at a time (``Gate``); an attempt that cannot start within a quarter of a second is
turned away (503 with ``Retry-After``), so sign-ins waiting their turn cannot hold the
worker's threads for long.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from dashboard.server.signin_db import Database

log = logging.getLogger(__name__)
MAX_LOCK = 24 * 3600.0
MAX_WAIT = 60.0
HISTORY = MAX_LOCK + 3600.0  # how far back failures are read (locks grow within a day)


@dataclass(frozen=True)
class Rule:
    """When failures lead to waits and locks (seconds)."""

    failures: int = 5  # failures within ``window`` that lock
    window: float = 900.0
    lock: float = 900.0  # the first lock; each next one twice as long
    free: int = 2  # failures before each next attempt has to wait


@dataclass(frozen=True)
class Block:
    until: float  # no attempt before this time
    locked: bool  # a lock rather than a short wait
    failures: int  # failures counted towards the next lock


def block(times: Iterable[float], rule: Rule) -> Block:
    """What the failed sign-ins at ``times`` (oldest first) mean for the next attempt."""
    until, locked, locks, window = 0.0, False, 0, []
    for at in times:
        window = [t for t in window if t > at - rule.window] + [at]
        if len(window) >= rule.failures:
            locks += 1
            until, locked, window = at + min(rule.lock * 2 ** (locks - 1), MAX_LOCK), True, []
        elif len(window) > rule.free:
            until, locked = at + min(2.0 ** (len(window) - rule.free - 1), MAX_WAIT), False
    return Block(until, locked, len(window))


def account_key(name: str) -> str:
    return f"account:{name}"


def address_key(address: str) -> str:
    return f"address:{address}"


class Throttle:
    """Throttled sign-in for ``db``: ``wait`` before checking a password, then ``failed``
    or ``succeeded``."""

    def __init__(self, db: Database, account: Rule, address: Rule):
        self.db = db
        self.rules = {"account": account, "address": address}

    def _blocks(self, name: str, address: str) -> dict[str, Block]:
        since = self.db.now() - HISTORY
        keys = {"account": account_key(name), "address": address_key(address)}
        return {kind: block(self.db.failures(key, since), self.rules[kind])
                for kind, key in keys.items()}

    def wait(self, name: str, address: str) -> int:
        """Seconds before ``name`` may try again from ``address``: 0 means now."""
        blocks = self._blocks(name, address)
        left = max(b.until for b in blocks.values()) - self.db.now()
        if left <= 0:
            return 0
        kind = max(blocks, key=lambda k: blocks[k].until)
        log.warning("Sign-in refused for %s from %s: the %s %s for %d more seconds", name,
                    address, kind, "is locked" if blocks[kind].locked else "must wait",
                    math.ceil(left))
        return math.ceil(left)

    def failed(self, name: str, address: str) -> None:
        self.db.add_failure(account_key(name), address_key(address))
        blocks = self._blocks(name, address)
        now = self.db.now()
        log.warning("Wrong password for %s from %s", name, address)
        for kind, b in blocks.items():
            if b.locked and b.until > now:
                log.warning("Sign-in locked for %d minutes: %s %s",
                            math.ceil((b.until - now) / 60), kind,
                            name if kind == "account" else address)

    def succeeded(self, name: str) -> None:
        self.db.clear_failures(account_key(name))


class Busy(RuntimeError):
    """Another password is being checked and did not finish in time."""


class Gate:
    """At most ``size`` password checks at once in this process; others wait up to
    ``wait`` seconds, then ``Busy``."""

    def __init__(self, size: int = 1, wait: float = 0.25):
        self._slots = threading.BoundedSemaphore(size)
        self.wait = wait

    def __enter__(self):
        if not self._slots.acquire(timeout=self.wait):
            raise Busy
        return self

    def __exit__(self, *exc) -> None:
        self._slots.release()
