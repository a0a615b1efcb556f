"""Strict requests: every callback request is checked before it runs (generated bodies,
hypothesis's and mutations of real ones, get 400 and never 500), bodies have a size
limit, addresses that are not pages get 404, every response names one charset, and
/healthz tells the public only whether the service is up.

Most checks use Flask's test client on the session's app; one live server (signed in
through a proxy header, with an administrator) checks the same over real HTTP."""

from __future__ import annotations

import copy
import http.client
import json
import logging
import sys
from urllib.parse import urlsplit

import plotly
import pytest
from dash import html
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.ids import App, Page
from dashboard.server import callback_check, strict
from dashboard.ui import accepts, pagekit

from .callback_bodies import every_callback, router_body, stringify, walk
from .helpers import registered
from .webclient import Client, serving

UPDATE = "/_dash-update-component"
LEAKS = ("Traceback", 'File "', ".py\"", "/site-packages", "KeyError", "TypeError")
ADMIN, VIEWER = "boss", "someone"


def _settings(examples: int):
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    print_blob=False)


@pytest.fixture(scope="module")
def client(app):
    from dashboard.app import set_up

    set_up(app)
    return app.server.test_client()


def _json(component):
    return json.loads(json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder))


def _pack_module():
    return sys.modules[registered(Page.PACK)["module"]]


@pytest.fixture(scope="module")
def basket(registry):
    return [{"id": chart_id, "state": {}} for chart_id in list(registry.REGISTRY)[:2]]


@pytest.fixture(scope="module")
def bodies(client, basket):
    """Output key → a well-formed request, for every server callback: ``pressed`` (the
    choice pressed is the one already chosen: nothing to redraw) and ``unpressed``."""
    callbacks = client.get("/_dash-dependencies").get_json()
    shell = walk(client.get("/_dash-layout").get_json(), [])
    pages = {}
    with pytest.MonkeyPatch.context() as mp:
        # A theme page's callback takes its choices, stores and slots, not its charts:
        # they are not drawn here (every page's would take most of a minute).
        mp.setattr(pagekit, "chart_card", lambda chart, state: html.Div(className="card"))
        mp.setattr(pagekit, "newest_first", lambda charts: charts)
        for page in Page:
            if page not in (Page.OVERVIEW, Page.MAPS):
                pages[page.path] = shell + walk(_json(registered(page)["layout"]()), [])
    # The maps page is drawn: its long tables open from a button ("View as table").
    pages[Page.MAPS.path] = shell + walk(_json(registered(Page.MAPS)["layout"]()), [])
    pack = _pack_module()  # what its callbacks draw: the basket, then the Make buttons
    pages[Page.PACK.path] += walk(_json(pack._contents(basket)), [])
    pages[Page.PACK.path] += walk(_json(pack._downloads(basket, None, None)), [])
    values = {App.PACK_BASKET.value: basket}
    return {press: every_callback(callbacks, pages, values, press, route=Page.PACK.path)
            for press in ("pressed", "unpressed")}


def _post(client, body):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(UPDATE, data=data, content_type="application/json")


def _refused(reply) -> None:
    assert reply.status_code == 400, reply.data[:300]
    assert reply.mimetype == "text/plain"
    text = reply.get_data(as_text=True)
    assert text.startswith("Bad callback request: ")
    assert not [leak for leak in LEAKS if leak in text]


def _server_callbacks(app) -> set[str]:
    return {k for k, v in app.callback_map.items() if v.get("callback") is not None}


def test_every_server_callback_declares_what_it_accepts(app, client):
    assert len(_server_callbacks(app)) >= 15
    assert callback_check.undeclared(app.callback_map) == []


def test_real_requests_for_every_callback_are_still_answered(app, client, bodies):
    assert set(bodies["pressed"]) == set(bodies["unpressed"]) == _server_callbacks(app)
    statuses = {}
    for output, body in bodies["pressed"].items():
        reply = _post(client, body)
        assert reply.status_code in (200, 204), (output[:80], reply.data[:300])
        statuses[output] = reply.status_code
    assert list(statuses.values()).count(200) >= 5, statuses
    section_11 = next(o for o in bodies["unpressed"] if "section-11-state" in o)
    redrawn = _post(client, bodies["unpressed"][section_11])
    assert redrawn.status_code == 200 and b'"figure"' in redrawn.data


def _one(bodies, part: str) -> dict:
    return json.loads(next(b for o, b in bodies["pressed"].items() if part in o))


def _theme(bodies) -> dict:
    return _one(bodies, "contacts-state.data")


def _with(body: dict, change) -> dict:
    body = copy.deepcopy(body)
    change(body)
    return body


def _state_without_a_key(body):
    body["state"][0]["value"].pop(next(iter(body["state"][0]["value"])))


def _unknown_control(body):
    body["inputs"][0][0]["id"]["control"] = "no-such-control"


def _unknown_trigger(body):
    body["changedPropIds"] = [stringify({"control": "no-such-control", "type": "choice",
                                         "value": "x"}) + ".n_clicks"]


def _clientside(app):
    return next(k for k, v in app.callback_map.items() if v.get("callback") is None)


MALFORMED = {
    "an empty object": lambda app, b: {},
    "null": lambda app, b: None,
    "a list": lambda app, b: [],
    "not JSON": lambda app, b: b"{not json",
    "JSON nested 100,000 deep": lambda app, b: b"[" * 100000 + b"]" * 100000,
    "a 7,000-character pathname": lambda app, b: json.loads(router_body(
        _one(b, "_pages_content"), "/" + "a" * 7000)),
    "a state that is a list": lambda app, b: _with(
        _theme(b), lambda x: x["state"][0].update(value=["comparator"])),
    "a state without a key": lambda app, b: _with(_theme(b), _state_without_a_key),
    "an unknown control id": lambda app, b: _with(_theme(b), _unknown_control),
    "a trigger that is not an input": lambda app, b: _with(_theme(b), _unknown_trigger),
    "no state": lambda app, b: _with(_theme(b), lambda x: x.pop("state")),
    "outputs cut short": lambda app, b: _with(_theme(b), lambda x: x["outputs"].pop()),
    "clicks that are text": lambda app, b: _with(
        _theme(b), lambda x: x["inputs"][0][0].update(value="1")),
    "clicks that are not a number": lambda app, b: json.loads(json.dumps(_with(
        _theme(b), lambda x: x["inputs"][0][0].update(value=float("nan"))))),
    "an output that is no callback": lambda app, b: {"output": "no-such.children"},
    "a callback that runs in the browser": lambda app, b: {"output": _clientside(app)},
    "a basket chart whose choices are a list": lambda app, b: _with(
        _one(b, "pack-contents"), lambda x: x["inputs"][0]["value"][0].update(state=["x"])),
    "a pack title of 10,000 characters": lambda app, b: _with(
        _one(b, "pack-downloads"), lambda x: x["inputs"][1].update(value="t" * 10000)),
    "a pack button whose position is text": lambda app, b: _with(
        _one(b, "pack-announce"), lambda x: x["inputs"][0][0]["id"].update(index="0")),
    "a table whose output is another's": lambda app, b: _with(
        _one(b, "table-slot"), lambda x: x["outputs"]["id"].update(item="other")),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_requests_are_refused_with_400(app, client, bodies, case):
    body = MALFORMED[case](app, bodies)
    _refused(_post(client, body))


# ---------------------------------------------------------------- generated bodies

SCALARS = st.none() | st.booleans() | st.integers(-2**63, 2**63) | st.floats() | \
    st.text(max_size=12)
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) |
                    st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
KEYS = ("output", "outputs", "inputs", "state", "changedPropIds", "parsedChangedPropsIds")
UNKNOWN_IDS = ("no-such-component", {"type": App.CHOICE.value, "control": "no-such",
                                     "value": "x"}, {"type": "no-such"}, {}, [])


def _locations(node, path=()):
    """The path to every value inside a body."""
    items = node.items() if isinstance(node, dict) else \
        enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        yield (*path, key)
        yield from _locations(value, (*path, key))


@st.composite
def mutated(draw, bodies: dict[str, bytes]) -> dict:
    """A real request with one to three parts deleted, replaced (by any JSON, a huge
    string, an unknown id, null) or wrapped in a list."""
    body = json.loads(bodies[draw(st.sampled_from(sorted(bodies)))])
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_locations(body))
        if not paths:
            break
        *parents, key = draw(st.sampled_from(paths))
        parent = body
        for step in parents:
            parent = parent[step]
        how = draw(st.sampled_from(("delete", "json", "huge", "id", "null", "wrap")))
        if how == "delete":
            del parent[key]
        elif how == "json":
            parent[key] = draw(JSON)
        elif how == "huge":
            parent[key] = "/" + "a" * 7000
        elif how == "id":
            parent[key] = copy.deepcopy(draw(st.sampled_from(UNKNOWN_IDS)))
        else:
            parent[key] = None if how == "null" else [parent[key]]
    return body


def _generated(bodies):
    """Mostly mutations of real requests; some random JSON; a few real requests as they
    are (so that the runs show requests still get through)."""
    real = st.sampled_from(sorted(bodies)).map(lambda output: json.loads(bodies[output]))
    return st.one_of(mutated(bodies), mutated(bodies), JSON,
                     st.dictionaries(st.sampled_from(KEYS), JSON), real)


@pytest.fixture(scope="module")
def every_body(bodies):
    """Both kinds of real request, under distinct keys."""
    return {f"{press} {output}": body for press, found in bodies.items()
            for output, body in found.items()}


def test_the_check_never_fails_on_a_generated_body(app, every_body):
    """The check itself, on many bodies: it refuses or accepts, and never raises
    anything else."""
    seen = {"refused": 0, "accepted": 0}

    @_settings(500)
    @given(_generated(every_body))
    def run(body):
        try:
            callback_check.check(body, app.callback_map)
            seen["accepted"] += 1
        except callback_check.Malformed:
            seen["refused"] += 1

    run()
    assert seen["refused"] > 250 and seen["accepted"] > 0, seen


def test_no_generated_body_gets_a_server_error(client, bodies):
    """Posted to the app: every answer is 200, 204 or 400, never 500."""
    statuses: dict[int, int] = {}

    @_settings(300)
    @given(_generated(bodies["pressed"]))
    def run(body):
        reply = _post(client, body)
        statuses[reply.status_code] = statuses.get(reply.status_code, 0) + 1
        assert reply.status_code in (200, 204, 400), (reply.status_code, body)
        if reply.status_code == 400:
            _refused(reply)

    run()
    assert statuses.get(400, 0) > 150 and statuses.get(200, 0) + statuses.get(204, 0) > 0, \
        statuses


# ---------------------------------------------------------------- a genuine bug is a 500

def _fresh_count_body(bodies) -> dict:
    """A pack-contents request no earlier test sent (so no kept answer is reused)."""
    return _with(_one(bodies, "pack-contents"), lambda x: x["inputs"][0].update(
        value=[{"id": "child-protection-plans-trend", "state": {"show": "a-fresh-choice"}}]))


def _broken_basket(_raw):
    raise RuntimeError("a bug in the basket")


def test_a_bug_in_a_checked_callback_is_a_logged_500(client, bodies, caplog, monkeypatch):
    monkeypatch.setattr(_pack_module(), "_basket", _broken_basket)
    with caplog.at_level(logging.ERROR):
        reply = _post(client, _fresh_count_body(bodies))
    assert reply.status_code == 500
    text = reply.get_data(as_text=True)
    assert "Something went wrong" in text and "a bug in the basket" not in text
    assert not [leak for leak in LEAKS if leak in text]
    assert any(r.exc_info and "a bug in the basket" in str(r.exc_info[1])
               for r in caplog.records), "the exception is logged with its traceback"


def test_an_error_from_a_request_checked_only_in_part_is_a_400(app, client, bodies,
                                                                monkeypatch):
    """A callback that declared nothing about its store: its inputs are checked only in
    part, so an exception from it is put down to the request."""
    entry = app.callback_map["pack-contents.children"]
    monkeypatch.setattr(entry["callback"], accepts.ATTRIBUTE, accepts.Accepts())
    assert callback_check.undeclared(app.callback_map) == ["pack-basket.data"]
    monkeypatch.setattr(_pack_module(), "_basket", _broken_basket)
    _refused(_post(client, _fresh_count_body(bodies)))


# ---------------------------------------------------------------- size, addresses, charset

def test_a_body_over_the_limit_is_refused_unread(client):
    limit = strict.max_request_bytes()
    assert limit == 1024 * 1024
    reply = _post(client, b"x" * (limit + 1))
    assert reply.status_code == 413 and "Too large" in reply.get_data(as_text=True)
    _refused(_post(client, b" " * (limit - 10) + b"null"))  # read, and refused as JSON


@pytest.mark.parametrize("raw, expected", [("", 1024 * 1024), ("2000000", 2000000),
                                           ("abc", None), ("100", None), ("-5", None)])
def test_the_size_limit_setting(raw, expected):
    env = {"DASHBOARD_MAX_REQUEST_BYTES": raw}
    if expected is None:
        with pytest.raises(strict.ConfigError, match="DASHBOARD_MAX_REQUEST_BYTES"):
            strict.max_request_bytes(env)
    else:
        assert strict.max_request_bytes(env) == expected


NOT_PAGES = ["/.git/config", "/README.md", "/anything", "/contacts/more", "/_dash-nothing",
             "/favicon.ico", "/assets/no-such.css", "/etl/config.py", "/data/raw/x.csv",
             "/.env", "/wp-login.php", "/index.html"]


@pytest.mark.parametrize("path", NOT_PAGES)
def test_an_address_that_is_not_a_page_is_not_found(client, path):
    reply = client.get(path)
    assert reply.status_code == 404 and "Page not found" in reply.get_data(as_text=True)
    assert "Content-Security-Policy" in reply.headers


def test_pages_files_and_routes_still_answer(client, registry):
    chart = next(iter(registry.REGISTRY))
    paths = [p.path for p in Page] + [f"{p.path}/" for p in Page if p is not Page.OVERVIEW]
    paths += ["/contacts?comparator=x&comparator=y", "/_dash-layout", "/_dash-dependencies",
              "/_reload-hash", "/_favicon.ico", "/assets/style.css", "/healthz",
              f"/export/{chart}.csv"]
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_page_templates_are_pages(monkeypatch):
    import dash

    monkeypatch.setitem(dash.page_registry, "tests.report", {
        "path": "/report/none", "path_template": "/report/<year>"})
    assert strict.is_page("/report/2024") and strict.is_page("/report/2024/")
    assert not strict.is_page("/report") and not strict.is_page("/reports/2024")


def test_every_download_names_one_charset(client, registry, monkeypatch):
    from dashboard.exports import images, packs

    expected = {"csv": "text/csv; charset=utf-8", "svg": "image/svg+xml; charset=utf-8",
                "png": "image/png",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    assert set(images.MEDIA_TYPES) == set(expected)
    monkeypatch.setattr(images, "render", lambda result, ext: b"x")  # headers, not files
    chart = next(iter(registry.REGISTRY))
    for ext, content_type in expected.items():
        reply = client.get(f"/export/{chart}.{ext}")
        assert reply.status_code == 200 and reply.headers["Content-Type"] == content_type
    assert not [t for t in packs.MEDIA_TYPES.values() if "charset" in t]
    for path in ("/", "/assets/style.css", "/healthz", "/no-such-page", "/pack.docx?items=x"):
        reply = client.get(path)
        assert reply.headers["Content-Type"].count("charset") <= 1, path


# ---------------------------------------------------------------- /healthz

def _health(client, address: str = "127.0.0.1", headers: dict | None = None):
    reply = client.get("/healthz", environ_base={"REMOTE_ADDR": address},
                       headers=headers or {})
    assert reply.headers["Cache-Control"] == "no-store"
    return reply.status_code, reply.get_json()


@pytest.mark.parametrize("address, headers", [
    ("203.0.113.7", {}), ("2001:db8::7", {}),
    ("127.0.0.1", {"X-Forwarded-For": "203.0.113.7"}),
    ("127.0.0.1", {"Forwarded": "for=203.0.113.7"}), ("::1", {"X-Real-IP": "203.0.113.7"})])
def test_healthz_tells_the_public_only_that_it_is_up(client, address, headers):
    assert _health(client, address, headers) == (200, {"status": "ok"})


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "::ffff:127.0.0.1"])
def test_healthz_gives_this_computer_the_detail(client, address):
    status, body = _health(client, address)
    assert status == 200 and body["built_at"] and "datasets" in body
    assert body["datasets"]["validation"]["status"] == "ok"


# ---------------------------------------------------------------- over real HTTP

@pytest.fixture(scope="module")
def live(processed_for_app):
    with serving(processed_for_app.path, DASHBOARD_LOGIN="proxy",
                 DASHBOARD_PROXY_USER_HEADER="X-Remote-User",
                 DASHBOARD_ADMINS=f"{ADMIN}, another") as origin:
        yield origin


def _send_part(origin: str, length: int, part: int) -> int:
    """POST announcing ``length`` bytes, sending only ``part``: the answer's status."""
    url = urlsplit(origin)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    try:
        conn.putrequest("POST", UPDATE)
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(length))
        conn.endheaders()
        conn.send(b"x" * part)
        return conn.getresponse().status
    finally:
        conn.close()


def test_over_http_unknown_addresses_bad_bodies_and_big_ones(live):
    client = Client(live)
    for path in ("/.git/config", "/README.md", "/anything"):
        reply = client.get(path)
        assert reply.status == 404 and "Page not found" in reply.text, path
    assert client.get("/contacts").status == 200
    refused = client.post_json(UPDATE, {})
    assert refused.status == 400 and refused.text.startswith("Bad callback request")
    assert _send_part(live, 100 * 1024 * 1024, 64 * 1024) == 413


def test_over_http_healthz_detail_is_for_this_computer_and_administrators(live):
    client = Client(live)
    outside = {"X-Forwarded-For": "203.0.113.7"}
    for headers in (outside, {**outside, "X-Remote-User": VIEWER}):
        reply = client.get("/healthz", headers)
        assert reply.status == 200 and reply.json() == {"status": "ok"}, headers
    for headers in ({}, {**outside, "X-Remote-User": ADMIN}):
        reply = client.get("/healthz", headers)
        assert reply.status == 200 and "datasets" in reply.json(), headers
