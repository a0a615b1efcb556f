"""Waiting for a pack job (``dashboard.exports.jobs``): its builder is a thread, so a test
polls the state it writes to disk, with a deadline that names the state it waited for."""

from __future__ import annotations

import time


def wait_for(job_id: str, state: str, timeout: float = 30, poll: float = 0.05):
    """The job's status once its state is ``state``; fails naming the last status seen
    when ``timeout`` seconds pass first."""
    from dashboard.exports import jobs

    deadline = time.monotonic() + timeout
    while True:
        status = jobs.read(job_id)
        if status is not None and status.state == state:
            return status
        assert time.monotonic() < deadline, f"job {job_id} not {state}: {status}"
        time.sleep(poll)
