"""Long jobs (committee packs) off the request threads.

Each server process has a small pool of builder threads and a bounded queue; a job that
does not fit is refused (``Busy``) rather than left to hold a request thread. Every
job's state and finished file are kept on disk, written atomically, so that whichever
gunicorn worker the next request reaches can report the job's progress and serve its
file, and so that a job asked for twice is made once.

A job is named by a key: a hash of everything that decides its file (``key``). A
finished file is kept, and served again, until it is older than ``keep`` seconds or more
than ``files`` newer ones exist. A job whose process has gone (a worker restarted while
it waited), or that has not moved for ``stale`` seconds, is started afresh by the next
request for it.

Settings, read from the environment by ``settings()`` (see the README, *Committee packs*):

- ``DASHBOARD_JOBS_DIR``: folder of job states and files (default: ``safeguarding-jobs``
  in the system's temporary folder; a folder shared by every host if there are several);
- ``DASHBOARD_PACK_BUILDERS``: builder threads in each server process (default 1);
- ``DASHBOARD_PACK_QUEUE``: jobs that may wait in each server process (default 3);
- ``DASHBOARD_PACK_KEEP``: seconds a finished file is kept (default 86400, a day);
- ``DASHBOARD_PACK_FILES``: finished files kept at most (default 100);
- ``DASHBOARD_PACK_STALE``: seconds after which a job that has not moved is started
  again (default 600);
- ``DASHBOARD_PACK_NICE``: how much lower the builders' scheduling priority is than the
  request threads' (default 10; 0 for the same);
- ``DASHBOARD_PACK_TABS``: browser tabs drawing a pack's images at once, in the one
  Chromium of each server process (default 3);
- ``DASHBOARD_PACK_IMAGE_CACHE_MB``: megabytes of chart images kept in each server
  process for the next pack (default 64; 0 keeps none).
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import json
import logging
import os
import queue
import re
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
FAILED_KEEP = 60  # seconds a failure is reported before the job may be tried again
_ID = re.compile(r"[0-9a-f]{32}")
_EXT = re.compile(r"[a-z]{2,5}")
ENVIRONMENT = ("DASHBOARD_JOBS_DIR", "DASHBOARD_PACK_BUILDERS", "DASHBOARD_PACK_QUEUE",
               "DASHBOARD_PACK_KEEP", "DASHBOARD_PACK_FILES", "DASHBOARD_PACK_STALE",
               "DASHBOARD_PACK_NICE", "DASHBOARD_PACK_TABS", "DASHBOARD_PACK_IMAGE_CACHE_MB")


@dataclass(frozen=True)
class Settings:
    folder: Path
    builders: int = 1
    waiting: int = 3
    keep: float = 86400
    files: int = 100
    stale: float = 600
    nice: int = 10
    tabs: int = 3
    image_cache_mb: int = 64


def _number(env: dict, name: str, default: int, least: int) -> int:
    try:
        return max(least, int(env.get(name) or default))
    except ValueError:
        log.warning("%s=%r is not a whole number; using %s", name, env.get(name), default)
        return default


@lru_cache(maxsize=8)
def _settings(values: tuple) -> Settings:
    env = dict(zip(ENVIRONMENT, values, strict=True))
    folder = Path(env["DASHBOARD_JOBS_DIR"] or Path(tempfile.gettempdir()) /
                  "safeguarding-jobs")
    return Settings(folder, _number(env, "DASHBOARD_PACK_BUILDERS", 1, 1),
                    _number(env, "DASHBOARD_PACK_QUEUE", 3, 0),
                    _number(env, "DASHBOARD_PACK_KEEP", 86400, 1),
                    _number(env, "DASHBOARD_PACK_FILES", 100, 1),
                    _number(env, "DASHBOARD_PACK_STALE", 600, 10),
                    _number(env, "DASHBOARD_PACK_NICE", 10, 0),
                    _number(env, "DASHBOARD_PACK_TABS", 3, 1),
                    _number(env, "DASHBOARD_PACK_IMAGE_CACHE_MB", 64, 0))


def settings() -> Settings:
    return _settings(tuple(os.environ.get(name) for name in ENVIRONMENT))


class Busy(Exception):
    """Every builder is busy and the queue is full: try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"busy; try again in {retry_after} s")
        self.retry_after = retry_after


class Failed(Exception):
    """A job could not be made, for a reason that may be shown to the person who asked."""


@dataclass(frozen=True)
class Status:
    """A job's state as kept on disk."""

    id: str
    ext: str
    name: str  # the file name offered for download
    state: str = QUEUED
    done: int = 0
    total: int = 0
    step: str = ""  # what the builder is doing now, in the job's own words
    error: str = ""
    size: int = 0
    hidden: tuple[str, ...] = ()  # the restricted datasets left out of the file
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    created: float = field(default_factory=time.time)
    updated: float = field(default_factory=time.time)

    @property
    def ready(self) -> bool:
        return self.state == DONE

    def to_json(self) -> dict:
        return asdict(self)


Progress = Callable[[int, int, str], None]
Work = Callable[[Progress], bytes]


def key(*parts) -> str:
    """A job's name: a hash of everything that decides its file."""
    text = json.dumps(parts, default=repr, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _folder() -> Path:
    folder = settings().folder
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _state_path(job_id: str) -> Path:
    return _folder() / f"{job_id}.json"


def file_path(status: Status) -> Path:
    return _folder() / f"{status.id}.{status.ext}"


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")


def _write_bytes(path: Path, body: bytes) -> None:
    """Write whole or not at all: readers see the old file or the new one."""
    tmp = _temporary(path)
    tmp.write_bytes(body)
    os.replace(tmp, path)


def _write(status: Status) -> None:
    _write_bytes(_state_path(status.id), json.dumps(status.to_json()).encode("utf-8"))


def _create(status: Status) -> bool:
    """Write the state only if the job has none yet (another process may race us)."""
    path = _state_path(status.id)
    tmp = _temporary(path)
    tmp.write_bytes(json.dumps(status.to_json()).encode("utf-8"))
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
    return True


def read(job_id: str) -> Status | None:
    """A job's state, or None for an unknown (or malformed) id."""
    if not isinstance(job_id, str) or not _ID.fullmatch(job_id):
        return None
    try:
        raw = json.loads(_state_path(job_id).read_text(encoding="utf-8"))
        raw["hidden"] = tuple(raw.get("hidden", ()))
        status = Status(**raw)
    except (OSError, ValueError, TypeError):
        return None
    return status if _EXT.fullmatch(status.ext) else None


def _process_gone(status: Status) -> bool:
    if status.host != socket.gethostname() or status.pid == os.getpid():
        return False
    try:
        os.kill(status.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def current(status: Status | None) -> bool:
    """Whether a job's state still stands, or a new request should start it again."""
    if status is None:
        return False
    age = time.time() - status.updated
    if status.state == DONE:
        return file_path(status).is_file()
    if status.state == FAILED:
        return age < FAILED_KEEP
    return age < settings().stale and not _process_gone(status)


class Pool:
    """This process's builder threads and its queue of jobs waiting for them."""

    def __init__(self, conf: Settings):
        self.conf = conf
        self.jobs: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        self.pending = 0  # queued or running here
        self.took: collections.deque[float] = collections.deque(maxlen=10)
        for n in range(conf.builders):
            threading.Thread(target=self._builder, name=f"pack-builder-{n}",
                             daemon=True).start()

    def reserve(self) -> None:
        with self.lock:
            if self.pending >= self.conf.builders + self.conf.waiting:
                raise Busy(self.retry_after())
            self.pending += 1

    def release(self) -> None:
        with self.lock:
            self.pending -= 1

    def retry_after(self) -> int:
        """Seconds until a place is likely to be free: the recent builds' average time
        for each job ahead, per builder (30 s a job before any has finished)."""
        each = sum(self.took) / len(self.took) if self.took else 30.0
        return int(min(600, max(5, each * self.pending / self.conf.builders)))

    def _builder(self) -> None:
        if self.conf.nice:
            with contextlib.suppress(OSError, AttributeError):  # Linux: per thread
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self.conf.nice)
        while True:
            status, work = self.jobs.get()
            started = time.monotonic()
            try:
                _run(status, work)
            finally:
                self.took.append(time.monotonic() - started)
                self.release()
                with contextlib.suppress(OSError):
                    prune()


_pools: dict[tuple[int, Settings], Pool] = {}
_pools_lock = threading.Lock()


def pool() -> Pool:
    """This process's pool (made on first use, so each forked worker has its own)."""
    conf = settings()
    with _pools_lock:
        found = _pools.get((os.getpid(), conf))
        if found is None:
            found = _pools[(os.getpid(), conf)] = Pool(conf)
        return found


def start(job_id: str, work: Work, *, ext: str, name: str, total: int,
          hidden: tuple[str, ...] = ()) -> tuple[Status, bool]:
    """The job's state, and whether this call queued it: as it stands if it is already
    made or under way (anywhere), else newly queued here. Raises ``Busy`` when this
    process's queue is full."""
    found = read(job_id)
    if current(found):
        return found, False
    here = pool()
    here.reserve()
    status = Status(job_id, ext, name, total=total, hidden=tuple(hidden))
    try:
        if found is None and not _create(status):  # another process was first
            here.release()
            return read(job_id) or status, False
        if found is not None:
            _write(status)  # replaces a stale state or an old failure
    except OSError:
        here.release()
        raise
    here.jobs.put((status, work))
    log.info("pack job %s queued (%d charts, %s)", job_id, total, ext)
    return status, True


def _run(status: Status, work: Work) -> None:
    last = [0.0]

    def progress(done: int, total: int, step: str) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.2 or done >= total:  # a few writes a second at most
            last[0] = now
            _write(replace(status, state=RUNNING, done=done, total=total, step=step,
                           updated=time.time()))

    progress(0, status.total, "")
    started = time.monotonic()
    try:
        body = work(progress)
        _write_bytes(file_path(status), body)
    except Failed as err:
        log.info("pack job %s failed: %s", status.id, err)
        _write(replace(status, state=FAILED, error=str(err), updated=time.time()))
        return
    except Exception:
        log.exception("pack job %s failed", status.id)
        _write(replace(status, state=FAILED, updated=time.time(),
                       error="Something went wrong while making the file."))
        return
    _write(replace(status, state=DONE, done=status.total, step="", size=len(body),
                   updated=time.time()))
    log.info("pack job %s done in %.1f s (%d bytes)", status.id,
             time.monotonic() - started, len(body))


def prune() -> None:
    """Delete finished files older than ``keep``, beyond the newest ``files``, and
    states and leftovers that no longer stand."""
    conf = settings()
    now = time.time()
    finished = []
    for path in _folder().glob("*.json"):
        status = read(path.stem)
        if status is None:
            continue
        if status.state == DONE and now - status.updated < conf.keep:
            finished.append(status)
        elif not current(status) or now - status.updated >= conf.keep:
            _remove(status)
    finished.sort(key=lambda s: s.updated, reverse=True)
    for status in finished[conf.files:]:
        _remove(status)
    for tmp in _folder().glob(".*.tmp"):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > conf.stale:
                tmp.unlink()


def _remove(status: Status) -> None:
    with contextlib.suppress(OSError):
        file_path(status).unlink(missing_ok=True)
        _state_path(status.id).unlink(missing_ok=True)
