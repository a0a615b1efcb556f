"""The app reads one version of the processed data per request, and keeps serving while the
ETL switches ``current`` to a new version and prunes old ones.

Each version here is the session's build with a mark: every figure of one dataset set to
7000 + k and its measures' labels ending "(version k)", so that a reply shows which
version each of its parts came from.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time

import flask
import pandas as pd
import pytest

from dashboard.store import files
from etl.io import versions
from etl.io.atomic import write_all

from .browser import live_server
from .webclient import Client

DATASET = "racist_incidents"
EXPORT = "/export/racist-incidents-trend.csv"
MARK = re.compile(r"\(version (\d+)\)")
VALUE = re.compile(r",7,?00(\d)(?:\.0)?,")


def _bytes(data: bytes):
    return lambda path: path.write_bytes(data)


def make(processed, root, k: int, keep: int = 1):
    """Write version ``k`` of the session's build into ``root`` and switch to it."""
    base = processed.path
    writers = {p.relative_to(base).as_posix(): _bytes(p.read_bytes())
               for p in base.rglob("*") if p.is_file()}
    frame = pd.read_parquet(base / f"{DATASET}.parquet").assign(value=7000.0 + k)
    measures = pd.read_parquet(base / "measures.parquet")
    mine = measures["dataset"] == DATASET
    measures.loc[mine, "label"] = measures.loc[mine, "label"] + f" (version {k})"
    summary = json.loads((base / "build.json").read_text(encoding="utf-8"))
    summary["built_at"] = f"2030-01-0{k}T00:00:00+00:00"
    writers[f"{DATASET}.parquet"] = lambda p: frame.to_parquet(p, index=False)
    writers["measures.parquet"] = lambda p: measures.to_parquet(p, index=False)
    writers["build.json"] = lambda p: p.write_text(json.dumps(summary), encoding="utf-8")
    return write_all(root, writers, f"2030-01-0{k}T000000Z", keep)


def marks(csv: str) -> set[int]:
    """The versions a CSV export's labels and figures came from."""
    return {int(k) for k in MARK.findall(csv)} | {int(k) for k in VALUE.findall(csv)}


@pytest.fixture
def root(processed, tmp_path, monkeypatch):
    folder = tmp_path / "processed"
    make(processed, folder, 1)
    monkeypatch.setenv("SAFEGUARDING_PROCESSED_DIR", str(folder))
    return folder


def _seen() -> tuple[str, float, int]:
    """What this task reads: build.json's date, a figure and a label's version."""
    table = files.measures()
    label = table[table["dataset"] == DATASET]["label"].iloc[0]
    return (files.build_info()["built_at"][:10], float(files.dataset(DATASET)["value"].iloc[0]),
            int(MARK.search(label).group(1)))


def test_a_request_reads_the_version_it_started_with(processed, root):
    app = flask.Flask(__name__)
    with app.test_request_context():
        assert _seen() == ("2030-01-01", 7001.0, 1)
        make(processed, root, 2, keep=1)
        assert _seen() == ("2030-01-01", 7001.0, 1), "a switch mid-request changed its data"
    with app.test_request_context():
        assert _seen() == ("2030-01-02", 7002.0, 2), "the next request reads the new version"
    assert files.folder() == versions.current(root), "outside requests: the current one"
    with files.pinned() as held:
        make(processed, root, 3, keep=1)
        assert files.folder() == held and _seen()[0] == "2030-01-02"
    assert _seen()[0] == "2030-01-03"


def test_a_version_pruned_while_in_use_is_replaced_by_the_current_one(processed, root,
                                                                      caplog):
    app = flask.Flask(__name__)
    with app.test_request_context():
        first = files.folder()
        assert _seen() == ("2030-01-01", 7001.0, 1)
        make(processed, root, 2, keep=0)  # version 1 is pruned at once
        assert not first.exists()
        with caplog.at_level(logging.WARNING, logger="dashboard.store.files"):
            assert files.dataset("cp_plans") is not None
        assert "was removed while in use" in caplog.text
        assert files.folder() == versions.current(root) != first
        assert _seen() == ("2030-01-02", 7002.0, 2), "the rest of the request reads version 2"


def test_the_server_keeps_serving_through_switches_and_pruning(processed, root):
    """Four switches (each pruning all but the version before it) while one client asks
    for an export and the health check in turn, each switch once two replies have come
    since the last: every reply is whole and from one version, none begun after a switch
    comes from an older version, and every version is served."""
    changed = threading.Condition()
    replies: list[tuple[float, int]] = []  # when each export was asked for, its version
    switched = {1: 0.0}  # version → when the switch to it was done
    problems: list[BaseException] = []
    done = threading.Event()

    def since(k: int) -> int:
        return sum(asked > switched[k] for asked, _ in replies)

    def switch() -> None:
        try:
            for k in range(2, 6):
                with changed:
                    assert changed.wait_for(lambda k=k: since(k - 1) >= 2, timeout=120), (
                        "no reply for two minutes")
                make(processed, root, k, keep=1)
                with changed:
                    switched[k] = time.monotonic()
        except BaseException as err:  # reported by the test below
            problems.append(err)
        finally:
            done.set()

    with live_server(root) as origin:
        client = Client(origin)
        thread = threading.Thread(target=switch)
        thread.start()
        while not done.is_set():
            asked = time.monotonic()
            export = client.get(EXPORT)
            assert export.status == 200, export.text[:300]
            found = marks(export.text)
            assert len(found) == 1, f"one reply mixed versions {found}: {export.text[:300]}"
            with changed:
                replies.append((asked, found.pop()))
                changed.notify_all()
            health = client.get("/healthz")
            assert health.status == 200, health.text[:300]
        thread.join(timeout=60)
        assert not problems, problems
        for asked, k in replies:
            newest = max(j for j, at in switched.items() if at < asked)
            assert k >= newest, f"asked after the switch to {newest}, answered from {k}"
        order = [k for _, k in replies]
        assert order == sorted(order) and {1, 2, 3, 4} <= set(order) <= {1, 2, 3, 4, 5}, order
        assert marks(client.get(EXPORT).text) == {5}
        assert client.get("/healthz").status == 200
    assert [v.name[:10] for v in versions.all_versions(root)] == ["2030-01-04", "2030-01-05"]
