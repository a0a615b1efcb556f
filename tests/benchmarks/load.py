"""Load test: simulated users opening pages and changing choices, against gunicorn.

Usage (from the repository root; no make needed):

    .venv/bin/python tests/benchmarks/load.py --users 50 --seconds 60

Starts the dashboard under gunicorn with its production settings
(``dashboard/server/gunicorn_conf.py``, on a free loopback port) against the processed data
(``--processed``, default data/processed or $SAFEGUARDING_PROCESSED_DIR), or uses a
server already running (``--url``). Then ``--users`` simulated users, each a thread
with its own keep-alive connection and cookies, browse for ``--seconds``, and the
script prints requests per second, p50/p95/p99 latency and errors, overall and per
kind of request, and the machine's load average.

What a user does is what Chromium does (recorded from the browser), with the
requests Dash's renderer makes, built from the app itself: ``/_dash-dependencies``
gives the callbacks, each page's layout (from the router callback) gives its
choice buttons and their state, and every payload is tried once before the clock
starts. The load then replays them:

- ``page``: a full load of a page: GET the page, ``/_dash-layout``,
  ``/_dash-dependencies`` and the basket count callback (one user in five; the
  others move between pages inside the app, as the navigation links do);
- ``route``: the router callback that returns a page's layout, charts included;
- ``select``: a choice button pressed (``/_dash-update-component``): the redrawn
  charts, the state and the new address (which the browser writes itself: the router
  is not called again, ``dashboard/ui/address.py``);
- ``basket``: the "Add to pack" status callback the browser sends after each layout;
- ``export``: a chart's CSV or Excel download, from the page's own download links (one
  visit in ten, ``--export-share``);
- ``pack``: a committee pack of one to three of the page's charts asked for (one visit
  in fifty, ``--pack-share``): the answer to ``/pack.docx?items=…`` (303 to its
  progress, 200 when made already, or 503/429 when the server is full or the client
  over its limit: those are counted as ``refused``, not as errors); ``pack-made``: from
  asking to having the file, its status polled every half second as the progress page
  does.

Static files (scripts, styles) are not requested: a browser fetches them once and
caches them.

Each user waits ``--think`` seconds on average (0.5 to 1.5 times it, at random)
between actions; ``--think 0`` makes every user send its next request as soon as
the last one is answered. A response is an error unless it has the status seen
when the payload was tried (200 for pages, layouts and redrawn charts) and, for
callbacks, as many charts with data as then. The run is bounded by
``--seconds`` (requests under way are allowed ``--timeout`` to finish) and by
``--max-requests``.

``--caches warm`` (the default) measures a server that has warmed up and seen every
request once; ``cold`` a freshly started one that has seen none (the discovery runs on
another server first); ``both`` runs one then the other. Pack and download limits are
raised for the run (every simulated user shares one address).

``--json`` adds one line with every figure as JSON, for scripts (see
tests/dashboard/test_load_script.py).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIGURE_WITH_DATA = b'"figure":{"data":[{'  # a chart with at least one trace
UPDATE = "/_dash-update-component"
KINDS = ("page", "route", "select", "basket", "export", "pack", "pack-made")
REFUSED = (429, 503)  # a pack the server has no room for, or over the client's limit


# ---------------------------------------------------------------- one user's connection


class Client:
    """One keep-alive HTTP/1.1 connection with a cookie jar, as a browser tab has."""

    def __init__(self, origin: str, timeout: float):
        parts = urllib.parse.urlsplit(origin)
        self.host, self.port, self.timeout = parts.hostname, parts.port or 80, timeout
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.headers: http.client.HTTPMessage | None = None  # the last answer's

    def request(self, method: str, path: str, body: bytes | None = None
                ) -> tuple[int, bytes]:
        headers = {"Accept-Encoding": "identity"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port,
                                                       timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest):
                self.close()
                if reused and attempt == 1:  # the server closed an idle connection: a
                    continue  # browser retries on a new one, and so do we
                raise
            except BaseException:
                self.close()
                raise
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if response.will_close:
                self.close()
            self.headers = response.headers
            return response.status, data
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# ---------------------------------------------------------------- the app, as the renderer sees it


@dataclass(frozen=True)
class Call:
    """One request a user may send, and what its answer must look like."""

    kind: str
    method: str
    path: str
    body: bytes | None
    status: int
    figures: int | None = None  # charts with data the answer must hold (callbacks)
    search: str = ""  # for a choice: the page's new address (?comparator=…)


@dataclass
class Page:
    path: str
    route: Call
    basket: Call | None
    selects: list[Call] = field(default_factory=list)
    exports: list[str] = field(default_factory=list)  # the charts' CSV and Excel links


@dataclass
class Site:
    pages: list[Page]
    shell: list[Call]  # a full load's other requests: layout, dependencies, count
    # (path, search) → the router call and the basket call for the layout it returns
    routes: dict[tuple[str, str], tuple[Call, Call | None]]


def _walk(node, found: list[dict]) -> None:
    """Every component (``{"type", "namespace", "props"}``) in a Dash layout."""
    if isinstance(node, dict):
        if "props" in node and "type" in node:
            found.append(node)
            for value in node["props"].values():
                _walk(value, found)
        else:
            for value in node.values():
                _walk(value, found)
    elif isinstance(node, list):
        for value in node:
            _walk(value, found)


def _stringify(id_) -> str:
    """A component id as Dash writes it in changedPropIds (dict keys sorted, no spaces)."""
    if isinstance(id_, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{json.dumps(id_[k])}"
                              for k in sorted(id_)) + "}"
    return id_


def _matches(pattern: dict, id_) -> bool:
    return isinstance(id_, dict) and id_.keys() == pattern.keys() and all(
        v == ["ALL"] or v == id_[k] for k, v in pattern.items())


def _specs(output: str) -> list[tuple[str, str]]:
    """A callback's output string as (id, property) pairs."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [tuple(p.rsplit(".", 1)) for p in parts]


def _outputs(callback: dict, components: list[dict]):
    """The ``outputs`` the renderer sends: wildcard ids expand to every match."""
    out = []
    for id_, prop in _specs(callback["output"]):
        if id_.startswith("{"):
            pattern = json.loads(id_)
            out.append([{"id": c["props"]["id"], "property": prop} for c in components
                        if _matches(pattern, c["props"].get("id"))])
        else:
            out.append({"id": id_, "property": prop})
    return out if callback["output"].startswith("..") else out[0]


def _body(callback: dict, components: list[dict], inputs: list, state: list,
          changed: list[str]) -> bytes:
    """A callback request as the renderer sends it (see the module's docstring)."""
    payload = {"output": callback["output"], "outputs": _outputs(callback, components),
               "inputs": inputs, "changedPropIds": changed,
               "parsedChangedPropsIds": changed}
    if state:
        payload["state"] = state
    return json.dumps(payload).encode()


class Discovery:
    """Builds every request from the running app, trying each once."""

    def __init__(self, client: Client):
        self.client = client
        status, data = client.request("GET", "/_dash-dependencies")
        assert status == 200, f"/_dash-dependencies answered {status}"
        self.callbacks = json.loads(data)

    def _callback(self, test) -> dict | None:
        return next((c for c in self.callbacks if not c.get("clientside_function")
                     and test(c)), None)

    def _try(self, call: Call, needs_figures: bool = False) -> tuple[Call, dict | None]:
        status, data = self.client.request(call.method, call.path, call.body)
        assert status in (200, 204), f"{call.kind} {call.path} answered {status}: {data[:300]!r}"
        figures = data.count(FIGURE_WITH_DATA) if call.method == "POST" else None
        if needs_figures:
            assert figures, f"{call.kind} {call.path}: no chart with data in the answer"
        found = json.loads(data) if status == 200 and call.method == "POST" else None
        return Call(call.kind, call.method, call.path, call.body, status, figures,
                    call.search), found

    def route(self, path: str, search: str) -> tuple[Call, list[dict]]:
        """The router call for a page at an address, and the components it returns."""
        router = self._callback(lambda c: "_pages_content.children" in c["output"])
        assert router, "no page router in /_dash-dependencies (is use_pages on?)"
        inputs = [{"id": "_pages_location", "property": "pathname", "value": path},
                  {"id": "_pages_location", "property": "search", "value": search}]
        call = Call("route", "POST", UPDATE, _body(router, [], inputs, [], [
            "_pages_location.pathname", "_pages_location.search"]), 200, search=search)
        call, answer = self._try(call)
        assert call.status == 200, f"the router answered {call.status} for {path}{search}"
        layout = answer["response"]["_pages_content"]["children"]
        components: list[dict] = []
        _walk(layout, components)
        return call, components

    def basket(self, components: list[dict]) -> Call | None:
        """The pack status callback the browser sends for a layout's "Add to pack"."""
        callback = self._callback(lambda c: any(
            i["id"].startswith("{") and json.loads(i["id"]).get("type") == "pack-add"
            for i in c["inputs"]))
        if callback is None:
            return None
        pattern = json.loads(callback["inputs"][0]["id"])
        buttons = [c for c in components if _matches(pattern, c["props"].get("id"))]
        if not buttons:
            return None
        inputs = [[{"id": b["props"]["id"], "property": "n_clicks",
                    "value": b["props"].get("n_clicks")} for b in buttons]]
        state = [{"id": s["id"], "property": s["property"], "value": None}
                 for s in callback["state"]]
        changed = [f"{_stringify(b['props']['id'])}.n_clicks" for b in buttons]
        call = Call("basket", "POST", UPDATE,
                    _body(callback, components, inputs, state, changed), 200)
        return self._try(call)[0]

    def selects(self, path: str, components: list[dict]) -> list[Call]:
        """Every choice button of a page pressed once, from the page's first state."""
        choices = [c for c in components if isinstance(c["props"].get("id"), dict)
                   and c["props"]["id"].get("type") == "choice"]
        if not choices:
            return []
        controls = {c["props"]["id"]["control"] for c in choices}
        callback = self._callback(lambda c: c["inputs"] and all(
            i["id"].startswith("{") and json.loads(i["id"]).get("control") in controls
            for i in c["inputs"]))
        assert callback, f"{path}: no callback takes its choice buttons"
        by_id = {_stringify(c["props"]["id"]): c for c in components if "id" in c["props"]}
        state = [{"id": s["id"], "property": s["property"],
                  "value": by_id[s["id"]]["props"].get(s["property"])}
                 for s in callback["state"]]
        calls = []
        for pressed in choices:
            if pressed["props"].get("aria-pressed") == "true":
                continue  # already chosen: the app ignores it
            inputs = []
            for spec in callback["inputs"]:
                pattern = json.loads(spec["id"])
                inputs.append([{"id": c["props"]["id"], "property": "n_clicks",
                                "value": 1 if c is pressed else c["props"].get("n_clicks")}
                               for c in choices if _matches(pattern, c["props"]["id"])])
            changed = [f"{_stringify(pressed['props']['id'])}.n_clicks"]
            call = Call("select", "POST", UPDATE,
                        _body(callback, components, inputs, state, changed), 200)
            call, answer = self._try(call)
            assert call.status == 200, f"{path}: pressing {pressed['props']['id']} gave 204"
            assert call.figures, (f"{path}: pressing {pressed['props']['id']} drew no chart "
                                  f"with data: {json.dumps(answer)[:1000]}")
            # the query the choice asks for, in the shell's address store (App.ADDRESS)
            search = answer["response"].get("address", {}).get("data", "")
            calls.append(Call(call.kind, call.method, call.path, call.body, call.status,
                              call.figures, search))
        return calls


def discover(client: Client, only: list[str] | None = None) -> Site:
    status, data = client.request("GET", "/_dash-layout")
    assert status == 200, f"/_dash-layout answered {status}"
    shell_components: list[dict] = []
    _walk(json.loads(data), shell_components)
    paths = list(dict.fromkeys(c["props"]["href"] for c in shell_components
                               if c["type"] == "Link" and str(c["props"].get("href", ""))
                               .startswith("/")))
    assert paths, "no navigation links in the layout"
    if only:
        unknown = set(only) - set(paths)
        assert not unknown, f"no such pages: {', '.join(sorted(unknown))} (have {paths})"
        paths = [p for p in paths if p in only]
    found = Discovery(client)
    shell = [Call("page", "GET", "/_dash-layout", None, 200),
             Call("page", "GET", "/_dash-dependencies", None, 200)]
    count = found._callback(lambda c: c["output"] == "pack-count.children")
    if count:
        shell.append(found._try(Call("page", "POST", UPDATE, _body(
            count, [], [{"id": i["id"], "property": i["property"], "value": None}
                    for i in count["inputs"]], [],
            [f"{i['id']}.{i['property']}" for i in count["inputs"]]), 200))[0])
    pages, routes = [], {}
    for path in paths:
        route, components = found.route(path, "")
        page = Page(path, route, found.basket(components), found.selects(path, components),
                    sorted({c["props"]["href"] for c in components
                            if str(c["props"].get("href", "")).startswith("/export/")
                            and c["props"]["href"].split("?")[0].endswith((".csv", ".xlsx"))}))
        routes[(path, "")] = (route, page.basket)
        for select in page.selects:
            if (path, select.search) not in routes:
                route, components = found.route(path, select.search)
                routes[(path, select.search)] = (route, found.basket(components))
        pages.append(page)
    return Site(pages, shell, routes)


# ---------------------------------------------------------------- the load


@dataclass
class Result:
    kind: str
    seconds: float
    error: str | None
    refused: bool = False


class Load:
    def __init__(self, origin: str, site: Site, args: argparse.Namespace):
        self.origin, self.site, self.args = origin, site, args
        self.results: list[Result] = []
        self.lock = threading.Lock()
        self.sent = 0
        self.unfinished = 0  # packs asked for and not made when the run ended
        self.deadline = 0.0

    def _send(self, client: Client, call: Call, kind: str | None = None) -> bool:
        with self.lock:
            if self.sent >= self.args.max_requests or time.monotonic() >= self.deadline:
                return False
            self.sent += 1
        started = time.perf_counter()
        error = None
        try:
            status, data = client.request(call.method, call.path, call.body)
        except (OSError, http.client.HTTPException) as err:
            error = f"{type(err).__name__}: {err}"
        else:
            if status != call.status:
                error = f"status {status} (expected {call.status}): {data[:120]!r}"
            elif call.figures is not None and data.count(FIGURE_WITH_DATA) != call.figures:
                error = (f"{data.count(FIGURE_WITH_DATA)} charts with data "
                         f"(expected {call.figures})")
            elif call.method == "GET" and not data:
                error = "empty answer"
        seconds = time.perf_counter() - started
        if error:
            error = f"{call.method} {call.path} ({kind or call.kind}): {error}"
        with self.lock:
            self.results.append(Result(kind or call.kind, seconds, error))
        return True

    def _slot(self) -> bool:
        with self.lock:
            if self.sent >= self.args.max_requests or time.monotonic() >= self.deadline:
                return False
            self.sent += 1
            return True

    def _record(self, kind: str, seconds: float, error: str | None = None,
                refused: bool = False) -> None:
        with self.lock:
            self.results.append(Result(kind, seconds, error, refused))

    def pack(self, client: Client, charts: list[str]) -> bool:
        """Ask for a pack, then poll its status until its file can be had (as the
        progress page does), and fetch the file."""
        if not self._slot():
            return False
        path = f"/pack.docx?items={','.join(charts)}"
        started = time.perf_counter()
        try:
            status, data = client.request("GET", path)
        except (OSError, http.client.HTTPException) as err:
            self._record("pack", time.perf_counter() - started, f"GET {path}: {err}")
            return True
        self._record("pack", time.perf_counter() - started, None if status in (
            200, 303, *REFUSED) else f"GET {path} (pack): status {status}: {data[:120]!r}",
            refused=status in REFUSED)
        if status != 303:
            return True
        job = client.headers["Location"]
        limit = self.deadline + self.args.timeout  # the run waits no longer for anyone
        error = None
        while True:
            try:
                status, data = client.request("GET", job + ".json")
                state = json.loads(data) if status == 200 else {"state": f"status {status}"}
            except (OSError, http.client.HTTPException, ValueError) as err:
                state = {"state": f"{type(err).__name__}: {err}"}
            if state["state"] == "done":
                status, data = client.request("GET", state["file"])
                if status != 200 or not data.startswith(b"PK"):
                    error = f"GET {state['file']} (pack-made): status {status}"
                break
            if state["state"] not in ("queued", "running"):
                error = f"{path} (pack-made): {state.get('words') or state['state']}"
                break
            if time.monotonic() > limit:  # still being made when the run ended
                with self.lock:
                    self.unfinished += 1
                return True
            time.sleep(0.5)
        self._record("pack-made", time.perf_counter() - started, error)
        return True

    def _think(self, rng: random.Random) -> bool:
        pause = self.args.think * rng.uniform(0.5, 1.5)
        if time.monotonic() + pause >= self.deadline:
            return False
        time.sleep(pause)
        return True

    def user(self, number: int) -> None:
        rng = random.Random(self.args.seed * 1000 + number)
        client = Client(self.origin, self.args.timeout)
        site = self.site
        first = True
        try:
            while time.monotonic() < self.deadline:
                page = rng.choice(site.pages)
                if first or rng.random() < 0.2:  # a full load: the page and the shell
                    first = False
                    html = Call("page", "GET", page.path, None, 200)
                    if not all(self._send(client, c) for c in [html, *site.shell]):
                        return
                if not self._send(client, page.route):
                    return
                if page.basket and not self._send(client, page.basket):
                    return
                if page.exports and rng.random() < self.args.export_share:
                    download = Call("export", "GET", rng.choice(page.exports), None, 200)
                    if not self._send(client, download):
                        return
                if page.exports and rng.random() < self.args.pack_share:
                    charts = sorted({href.split("/")[2].split(".")[0]
                                     for href in page.exports})
                    if not self.pack(client, rng.sample(charts, min(len(charts),
                                                                    rng.randint(1, 3)))):
                        return
                if not self._think(rng):
                    return
                for _ in range(rng.randint(0, 3) if page.selects else 0):
                    select = rng.choice(page.selects)
                    _route, basket = site.routes[(page.path, select.search)]
                    for call in (select, basket):
                        if call is not None and not self._send(client, call):
                            return
                    if not self._think(rng):
                        return
        finally:
            client.close()

    def warm_up(self, connections: int) -> None:
        """Every request once more, ``connections`` at a time, so that every worker has
        read the data and drawn the charts before the clock starts (not measured)."""
        calls = [*self.site.shell, *(c for route in self.site.routes.values() for c in route
                                     if c is not None),
                 *(s for p in self.site.pages for s in p.selects)]
        lock = threading.Lock()

        def worker() -> None:
            client = Client(self.origin, self.args.timeout)
            while True:
                with lock:
                    if not calls:
                        break
                    call = calls.pop()
                client.request(call.method, call.path, call.body)
            client.close()
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def run(self) -> float:
        threads = [threading.Thread(target=self.user, args=(n,), daemon=True)
                   for n in range(self.args.users)]
        started = time.monotonic()
        self.deadline = started + self.args.seconds
        for thread in threads:
            thread.start()
        limit = self.deadline + self.args.timeout + 5
        for thread in threads:
            thread.join(max(0.0, limit - time.monotonic()))
        return time.monotonic() - started


# ---------------------------------------------------------------- the report


def _percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted ``values`` (0 if there are none)."""
    if not values:
        return 0.0
    return values[max(0, min(len(values), math.ceil(q / 100 * len(values))) - 1)]


def summarise(results: list[Result], seconds: float) -> dict:
    groups: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        groups[r.kind].append(r)
    out = {}
    for name, rows in [("all", results), *((k, groups[k]) for k in KINDS if groups[k])]:
        ms = sorted(r.seconds * 1000 for r in rows)
        out[name] = {"requests": len(rows), "errors": sum(r.error is not None for r in rows),
                     "refused": sum(r.refused for r in rows),
                     "rps": len(rows) / seconds if seconds else 0.0,
                     "p50_ms": _percentile(ms, 50), "p95_ms": _percentile(ms, 95),
                     "p99_ms": _percentile(ms, 99), "max_ms": ms[-1] if ms else 0.0}
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(processed: Path, log: Path, extra: dict | None = None
                   ) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, **(extra or {}), "DASHBOARD_BIND": f"127.0.0.1:{port}",
           "SAFEGUARDING_PROCESSED_DIR": str(processed)}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = ([str(gunicorn)] if gunicorn.exists() else [sys.executable, "-m", "gunicorn"])
    handle = open(log, "wb")  # noqa: SIM115  (closed when the server stops)
    proc = subprocess.Popen([*command, "-c", "dashboard/server/gunicorn_conf.py"], cwd=ROOT,
                            env=env, stdout=handle, stderr=subprocess.STDOUT,
                            start_new_session=True)
    proc.log_handle = handle
    origin = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            status, _ = Client(origin, 5).request("GET", "/")
            if status == 200:
                return proc, origin
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_gunicorn(proc)
            raise SystemExit(f"gunicorn did not start; see {log}")
        time.sleep(0.25)


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    proc.log_handle.close()


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _server_env(cold: bool) -> dict:
    """Limits raised (every simulated user has one address), packs kept apart from any
    other run's, and for a cold run no warm-up."""
    env = {"DASHBOARD_PACK_LIMIT": "100000 per minute",
           "DASHBOARD_EXPORT_LIMIT": "100000 per minute",
           "DASHBOARD_JOBS_DIR": tempfile.mkdtemp(prefix="load-jobs-")}
    if cold:
        env["DASHBOARD_WARM_UP"] = "0"
    return env


def _report(args, mode: str, load: Load, seconds: float, before: str, after: str,
            log: Path | None) -> bool:
    summary = summarise(load.results, seconds)
    workers = os.environ.get("DASHBOARD_WORKERS", "2")
    threads = os.environ.get("DASHBOARD_THREADS", "4")
    print(f"{args.users} users, {seconds:.1f} s, think time {args.think:g} s, caches {mode}; "
          f"gunicorn {workers} workers x {threads} threads"
          + (f" (log: {log})" if log else ""))
    print(f"load average (1, 5, 15 min) before: {before}; after: {after}; "
          f"{os.cpu_count()} CPUs")
    print(f"{'kind':<10}{'requests':>9}{'errors':>8}{'refused':>8}{'req/s':>8}{'p50 ms':>9}"
          f"{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for kind, m in summary.items():
        print(f"{kind:<10}{m['requests']:>9}{m['errors']:>8}{m['refused']:>8}{m['rps']:>8.1f}"
              f"{m['p50_ms']:>9.0f}{m['p95_ms']:>9.0f}{m['p99_ms']:>9.0f}{m['max_ms']:>9.0f}")
    if load.unfinished:
        print(f"  {load.unfinished} pack(s) still being made when the run ended (not "
              "counted above)")
    errors = [r.error for r in load.results if r.error]
    for text in list(dict.fromkeys(errors))[:10]:
        print(f"  error: {text}")
    if args.json:
        print(json.dumps({"users": args.users, "seconds": seconds, "think": args.think,
                          "caches": mode, "packs_unfinished": load.unfinished,
                          "loadavg_before": before, "loadavg_after": after,
                          "summary": summary}))
    return not errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean pause between a user's actions, in seconds (default 1)")
    parser.add_argument("--processed", type=Path, default=None,
                        help="processed data folder (default: data/processed or "
                             "$SAFEGUARDING_PROCESSED_DIR)")
    parser.add_argument("--url", default=None,
                        help="use this running server instead of starting gunicorn")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds a request may take before it counts as an error")
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages", default=None,
                        help="comma-separated pages to visit (default: every page in the "
                             "navigation), e.g. /,/contacts")
    parser.add_argument("--warmup", type=int, default=8,
                        help="connections that replay every request once before the clock "
                             "starts, so that every worker is warm (0: none; default 8)")
    parser.add_argument("--export-share", type=float, default=0.1,
                        help="share of page visits that download a chart's table (0.1)")
    parser.add_argument("--pack-share", type=float, default=0.02,
                        help="share of page visits that ask for a pack (0.02)")
    parser.add_argument("--caches", choices=["warm", "cold", "both"], default="warm",
                        help="measure a warmed-up server, a fresh one, or one then the other")
    parser.add_argument("--json", action="store_true", help="end with a JSON summary line")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from etl import config

    processed = (args.processed or config.settings().processed_dir).resolve()
    if not args.url and not (processed / "build.json").is_file():
        raise SystemExit(f"no processed data in {processed}: run the ETL first")
    modes = ["as it is"] if args.url else (["warm", "cold"] if args.caches == "both"
                                          else [args.caches])
    site, ok = None, True
    for mode in modes:
        proc, log = None, None
        try:
            if args.url:
                origin = args.url.rstrip("/")
            else:
                log = Path(tempfile.gettempdir()) / f"load-gunicorn-{os.getpid()}-{mode}.log"
                proc, origin = start_gunicorn(processed, log, _server_env(mode == "cold"))
            if site is None:
                started = time.perf_counter()
                site = discover(Client(origin, args.timeout),
                                args.pages.split(",") if args.pages else None)
                selects = sum(len(p.selects) for p in site.pages)
                print(f"{origin}: {len(site.pages)} pages, {selects} choices and "
                      f"{len(site.routes)} page states tried in "
                      f"{time.perf_counter() - started:.1f} s (this also warms the server)",
                      flush=True)
                if mode == "cold":  # discovery warmed it: measure a fresh one
                    stop_gunicorn(proc)
                    proc, origin = start_gunicorn(processed, log, _server_env(True))
            load = Load(origin, site, args)
            if args.warmup and mode == "warm":
                started = time.perf_counter()
                load.warm_up(args.warmup)
                print(f"warm-up: every request again over {args.warmup} connections in "
                      f"{time.perf_counter() - started:.1f} s", flush=True)
            before = _loadavg()
            seconds = load.run()
            after = _loadavg()
        finally:
            if proc is not None:
                stop_gunicorn(proc)
        ok = _report(args, mode, load, seconds, before, after, log) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
