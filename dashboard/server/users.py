"""The sign-in accounts file, and ``safeguarding users``, which keeps it.

One account a line, ``name:password-hash`` (werkzeug's salted scrypt hash); lines
starting with ``#`` are comments. The app reads the file named by
``DASHBOARD_USERS_FILE`` and notices when it changes, so an account added or removed
takes effect without a restart. Setting a password or removing an account also ends
every session of that account in the session database (``--sessions``, by default that
of ``DASHBOARD_SESSION_DB``); where it cannot be reached, each session ends at its next
request anyway, as the account's password hash is no longer the one it was made with.

    safeguarding users add alice            # asks for the password twice
    safeguarding users remove alice
    safeguarding users list
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import logging
import os
import re
import sys
import tempfile
from functools import cache, lru_cache
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from dashboard.server import signin_db

log = logging.getLogger(__name__)

NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
MIN_PASSWORD = 10


class UsersFileError(ValueError):
    """The accounts file cannot be read or has a malformed line."""


def parse(text: str, where: str = "the users file") -> dict[str, str]:
    """``{name: hash}`` from the file's text."""
    accounts: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, hashed = line.partition(":")
        if not sep or not NAME.fullmatch(name) or not hashed:
            raise UsersFileError(f"{where}, line {number}: expected name:hash")
        accounts[name] = hashed
    return accounts


@lru_cache(maxsize=4)
def _load(path: str, stamp: tuple[int, int]) -> dict[str, str]:
    return parse(Path(path).read_text(encoding="utf-8"), Path(path).name)


def load(path: Path) -> dict[str, str]:
    """The accounts in ``path``, read again only when the file changes."""
    try:
        st = path.stat()
    except OSError as err:
        raise UsersFileError(f"the users file {path.name} cannot be read") from err
    return _load(str(path), (st.st_mtime_ns, st.st_size))


def verify(path: Path, name: str, password: str) -> bool:
    """Whether ``password`` is ``name``'s, in about the same time either way."""
    hashed = load(path).get(name)
    ok = check_password_hash(hashed or _dummy(), password)
    return ok and hashed is not None


@cache
def _dummy() -> str:
    """Checked when the name is unknown, so a wrong name takes as long as a wrong password."""
    return generate_password_hash("not a password")


def fingerprint(path: Path, name: str) -> str | None:
    """A digest of ``name``'s password hash, which changes whenever the password is set
    (each hash has its own salt); None when there is no such account."""
    try:
        hashed = load(path).get(name)
    except UsersFileError:
        return None
    return hashlib.sha256(hashed.encode("utf-8")).hexdigest() if hashed else None


def exists(path: Path, name: str) -> bool:
    try:
        return name in load(path)
    except UsersFileError:
        return False


def save(path: Path, accounts: dict[str, str]) -> None:
    """Write the file in one step, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{name}:{hashed}\n" for name, hashed in sorted(accounts.items()))
    fd, tmp = tempfile.mkstemp(prefix=".users-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def end_sessions(sessions: str | None, path: Path, name: str) -> str:
    """End every session of ``name`` in the session database (if there is one yet)."""
    try:
        url = signin_db.url_for(sessions, path)
        if url.get_backend_name() == "sqlite" and not Path(url.database).exists():
            return ""
        db = signin_db.Database(url)
        try:
            ended = db.end_sessions_of(name)
        finally:
            db.close()
    except (signin_db.DatabaseError, signin_db.SQLAlchemyError) as err:
        log.warning("The sessions of %s could not be ended now (%s); each ends at its next "
                    "request, as its password no longer matches.", name, err)
        return ""
    return f" Ended {ended} session{'s' * (ended != 1)}." if ended else ""


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        sys.exit("The two passwords differ; nothing was changed.")
    return first


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="safeguarding users",
                                     description="Keep the dashboard's sign-in accounts.")
    parser.add_argument("--file", type=Path, default=os.environ.get("DASHBOARD_USERS_FILE"),
                        help="the accounts file (default: $DASHBOARD_USERS_FILE)")
    parser.add_argument("--sessions", default=os.environ.get("DASHBOARD_SESSION_DB"),
                        help="the session database, whose sessions of a changed or removed "
                             "account are ended (default: $DASHBOARD_SESSION_DB, else "
                             f"{signin_db.DEFAULT_NAME} beside the accounts file)")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add an account, or set a new password")
    add.add_argument("name")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    commands.add_parser("remove", help="remove an account").add_argument("name")
    commands.add_parser("list", help="list the accounts' names")
    args = parser.parse_args(argv)
    if args.file is None:
        parser.error("name the accounts file with --file or DASHBOARD_USERS_FILE")
    path = Path(args.file)
    try:
        accounts = load(path) if path.exists() else {}
    except UsersFileError as err:
        sys.exit(str(err))
    if args.command == "list":
        print("\n".join(sorted(accounts)) or "No accounts.")
        return
    if not NAME.fullmatch(args.name):
        sys.exit("A name is 1 to 64 letters, digits, dots, dashes, underscores or @.")
    if args.command == "remove":
        if accounts.pop(args.name, None) is None:
            sys.exit(f"There is no account {args.name}.")
        save(path, accounts)
        print(f"Removed {args.name}.{end_sessions(args.sessions, path, args.name)}")
        return
    password = _password(args.password_stdin)
    if len(password) < MIN_PASSWORD:
        sys.exit(f"A password needs at least {MIN_PASSWORD} characters; nothing was changed.")
    accounts[args.name] = generate_password_hash(password)
    save(path, accounts)
    print(f"Saved {args.name} in {path}.{end_sessions(args.sessions, path, args.name)}")


if __name__ == "__main__":
    main()
