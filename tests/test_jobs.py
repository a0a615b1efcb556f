"""Background jobs (dashboard.exports.jobs): a bounded queue, one build for identical
requests, progress and failures on disk, a job whose process has gone started again,
old files pruned. The work here is a stand-in that waits for the test to release it,
so that every state can be looked at on the way."""

from __future__ import annotations

import subprocess
import threading
import time

import pytest

from dashboard.exports import jobs
from tests.jobs_waiting import wait_for as wait_job


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_JOBS_DIR", str(tmp_path))
    monkeypatch.setenv("DASHBOARD_PACK_BUILDERS", "1")
    monkeypatch.setenv("DASHBOARD_PACK_QUEUE", "1")
    monkeypatch.setenv("DASHBOARD_PACK_FILES", "2")
    return tmp_path


def held(body: bytes, started: threading.Event | None = None, steps: int = 0):
    """Work that reports ``steps`` charts, then waits until released."""
    release = threading.Event()

    def work(progress):
        for n in range(steps):
            progress(n + 1, steps, "charts")
        if started:
            started.set()
        assert release.wait(60), "the test never released the job"
        return body
    return work, release


def wait_for(job_id: str, state: str) -> jobs.Status:
    return wait_job(job_id, state, timeout=30, poll=0.02)


def start(name: str, work, total: int = 3):
    return jobs.start(jobs.key(name), work, ext="docx", name=f"{name}.docx", total=total)


def test_a_full_queue_is_refused_and_identical_requests_share_one_build(folder):
    started = threading.Event()
    work_a, release_a = held(b"pack a", started, steps=2)
    first, queued = start("a", work_a)
    assert queued and first.state == jobs.QUEUED and first.total == 3
    assert started.wait(30), "the builder never started the first job"
    again, queued_again = start("a", held(b"another a")[0])
    assert not queued_again and again.id == first.id  # made once
    running = jobs.read(first.id)
    assert running.state == jobs.RUNNING and (running.done, running.total) == (2, 2)
    work_b, release_b = held(b"pack b")
    _, queued_b = start("b", work_b)  # one builder busy, one place in the queue
    assert queued_b
    with pytest.raises(jobs.Busy) as refused:
        start("c", held(b"pack c")[0])
    assert 5 <= refused.value.retry_after <= 600
    release_a.set()
    done = wait_for(first.id, jobs.DONE)
    assert jobs.file_path(done).read_bytes() == b"pack a" and done.size == 6
    again, queued_again = start("a", held(b"not made")[0])
    assert again.ready and not queued_again  # from the cache
    release_b.set()
    wait_for(jobs.key("b"), jobs.DONE)
    assert jobs.read(jobs.key("c")) is None  # refused: nothing kept


def test_a_failure_is_reported_in_its_own_words_and_tried_again_later(folder, monkeypatch):
    def failing(_progress):
        raise jobs.Failed("none of these charts can be drawn right now")

    status, _ = start("bad", failing)
    failed = wait_for(status.id, jobs.FAILED)
    assert failed.error == "none of these charts can be drawn right now"
    assert not jobs.file_path(failed).exists()

    def broken(_progress):
        raise RuntimeError("/secret/path/in/a/traceback")

    status, _ = start("broken", broken)
    failed = wait_for(status.id, jobs.FAILED)
    assert "secret" not in failed.error and failed.error.startswith("Something went wrong")
    assert start("broken", broken)[1] is False  # a recent failure stands
    monkeypatch.setattr(jobs, "FAILED_KEEP", 0)
    assert start("broken", broken)[1] is True  # an old one is tried again


def test_a_job_whose_process_has_gone_is_started_again(folder):
    gone = subprocess.Popen(["true"])
    gone.wait()
    job_id = jobs.key("orphan")
    orphan = jobs.Status(job_id, "docx", "orphan.docx", state=jobs.RUNNING, done=4, total=9,
                         pid=gone.pid)
    jobs._write(orphan)
    assert not jobs.current(jobs.read(job_id))
    work, release = held(b"made again")
    status, queued = jobs.start(job_id, work, ext="docx", name="orphan.docx", total=9)
    assert queued and status.pid != gone.pid
    release.set()
    assert wait_for(job_id, jobs.DONE).size == len(b"made again")


def test_only_the_newest_files_are_kept_and_ids_name_no_file(folder):
    for name in ("one", "two", "three"):
        work, release = held(name.encode())
        release.set()
        status, _ = start(name, work)
        wait_for(status.id, jobs.DONE)
        time.sleep(0.01)  # distinct finishing times, so "newest" is well defined
    jobs.prune()
    assert jobs.read(jobs.key("one")) is None
    assert {p.name for p in folder.iterdir()} == {
        f"{jobs.key(n)}.{ext}" for n in ("two", "three") for ext in ("json", "docx")}
    for bad in ("../etc/passwd", jobs.key("two").upper(), jobs.key("two") + ".json", None):
        assert jobs.read(bad) is None
