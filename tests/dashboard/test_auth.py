"""Optional sign-in and restricted datasets, against live servers on a copy of the data in
which one real dataset (racist incidents) is marked restricted in data/raw/restricted.csv.

Every way the figures leave the server is tried signed out and signed in: pages in
Chromium, the Dash callbacks themselves (POST /_dash-update-component), downloads and
committee packs."""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.security import check_password_hash

from dashboard.charts.overview import Ids as OverviewIds
from dashboard.ui.components import graph_id
from etl import config
from etl.errors import ETLError
from etl.pipeline import build, run

from .browser import ALL_CHARTS_DRAWN, ROOT, TILES_DRAWN
from .webclient import Client, serving

RESTRICTED = "racist_incidents"
CHARTS = [f"racist-incidents-{name}" for name in ("trend", "breakdown", "locations", "schools",
                                                   "support")]
NAME = "alice"
GUESSED = "bob"  # the account whose password the throttling test guesses at
PASSWORD = secrets.token_urlsafe(12)  # made for this run: no password is kept in the repo
SECRET = secrets.token_hex(32)


def users_cli(path: Path, *args: str, password: str | None = None):
    command = Path(sys.executable).with_name("safeguarding")
    return subprocess.run([str(command), "users", "--file", str(path), *args],
                          input=None if password is None else password + "\n", text=True,
                          capture_output=True, cwd=ROOT, timeout=60)


@pytest.fixture(scope="module")
def restricted_processed(tmp_path_factory) -> Path:
    """The real raw data with racist incidents marked restricted, through the real ETL."""
    raw = tmp_path_factory.mktemp("raw") / "raw"
    shutil.copytree(config.settings().raw_dir, raw)
    (raw / "restricted.csv").write_text(f"dataset,note\n{RESTRICTED},awaiting approval\n",
                                        encoding="utf-8")
    out = tmp_path_factory.mktemp("restricted-processed")
    run(raw, out, external=config.settings().external_dir)
    return out


@pytest.fixture(scope="module")
def accounts(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("accounts") / "users"
    for name in (NAME, GUESSED):
        result = users_cli(path, "add", name, "--password-stdin", password=PASSWORD)
        assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="module")
def users_server(restricted_processed, accounts):
    with serving(restricted_processed, DASHBOARD_LOGIN="users",
                 DASHBOARD_USERS_FILE=str(accounts), DASHBOARD_SECRET_KEY=SECRET) as origin:
        yield origin


@pytest.fixture(scope="module")
def proxy_server(restricted_processed):
    with serving(restricted_processed, DASHBOARD_LOGIN="proxy",
                 DASHBOARD_PROXY_USER_HEADER="X-Remote-User") as origin:
        yield origin


@pytest.fixture(scope="module")
def findings(registry) -> dict[str, str]:
    """Each restricted chart's computed finding (drawn here, outside any web request)."""
    return {c: registry.get(c).render({}).title for c in CHARTS}


def signed_in(users_server) -> Client:
    client = Client(users_server)
    reply = client.sign_in(NAME, PASSWORD)
    assert reply.status == 303, reply.text
    return client


def graph_ids(reply_json) -> set[str]:
    """Ids of every chart (dcc.Graph) anywhere in a Dash reply."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "Graph" and isinstance(node.get("props"), dict):
                found.add(str(node["props"].get("id")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(reply_json)
    return found


# --- the flag, from raw data to build.json --------------------------------------------------


def test_restricted_csv_is_carried_into_build_json(restricted_processed, processed):
    built = json.loads((restricted_processed / "build.json").read_text())
    assert built["restricted"] == [RESTRICTED]
    assert json.loads((processed.path / "build.json").read_text())["restricted"] == []


def test_a_restricted_name_that_matches_no_dataset_stops_the_etl(raw_copy):
    (raw_copy / "restricted.csv").write_text("dataset,note\nracist_incident,typo\n",
                                             encoding="utf-8")
    with pytest.raises(ETLError) as err:
        build(raw_copy)
    problem = err.value.problems[0]
    assert "racist_incident" in problem.message and problem.row == 2
    assert Path(problem.path).name == "restricted.csv"


# --- accounts ------------------------------------------------------------------------------


def test_users_cli_stores_only_a_salted_hash(tmp_path):
    path = tmp_path / "users"
    assert users_cli(path, "add", "bob", "--password-stdin", password=PASSWORD).returncode == 0
    assert users_cli(path, "add", "carol", "--password-stdin", password=PASSWORD
                     ).returncode == 0
    text = path.read_text()
    assert PASSWORD not in text
    hashes = dict(line.split(":", 1) for line in text.splitlines())
    assert set(hashes) == {"bob", "carol"}
    assert hashes["bob"] != hashes["carol"], "each hash has its own salt"
    assert check_password_hash(hashes["bob"], PASSWORD)
    assert not check_password_hash(hashes["bob"], PASSWORD + "x")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    short = users_cli(path, "add", "dave", "--password-stdin", password="short")
    assert short.returncode != 0 and "dave" not in path.read_text()
    assert users_cli(path, "remove", "bob").returncode == 0
    assert users_cli(path, "list").stdout.split() == ["carol"]


# --- signed out and signed in: pages, callbacks, downloads, packs ---------------------------


def test_signed_out_pages_say_the_figures_are_not_published(browser, users_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(users_server + "/racist-incidents")
    page.wait_for_function("() => document.querySelectorAll('.chart-card').length >= 5")
    cards = page.locator(".chart-card")
    for i in range(cards.count()):
        assert "not published yet" in cards.nth(i).inner_text()
    assert page.locator(".js-plotly-plot").count() == 0
    assert page.get_by_role("link", name="Sign in").count() == 1

    page.goto(users_server + "/")
    page.wait_for_function(TILES_DRAWN)
    tile = page.locator(".tile", has=page.locator(f"#{OverviewIds.RACIST_INCIDENTS}"))
    assert "not published yet" in tile.inner_text()
    assert page.locator(".tile .big").count() == page.locator(".tile").count() - 1

    page.goto(users_server + "/about")
    page.wait_for_selector("h1")
    page.wait_for_load_state("networkidle")
    assert RESTRICTED not in page.locator("main").inner_text()

    page.goto(users_server + "/child-protection-plans")
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=30000)
    context.close()


def test_signing_in_in_the_browser_shows_the_restricted_figures(browser, users_server,
                                                                 findings):
    context = browser.new_context()
    page = context.new_page()
    page.goto(users_server + "/racist-incidents")
    page.get_by_role("link", name="Sign in").click()
    page.fill("#name", NAME)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(users_server + "/racist-incidents")
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=30000)
    assert page.locator(".chart-card .js-plotly-plot").count() == len(CHARTS)
    card = page.locator("#racist-incidents-trend-card")
    assert findings["racist-incidents-trend"] in card.inner_text()
    assert f"Signed in as {NAME}" in page.locator("header").inner_text()
    page.goto(users_server + "/about")
    page.wait_for_selector("h1")
    page.wait_for_load_state("networkidle")
    assert RESTRICTED in page.locator("main").inner_text()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(users_server + "/")
    page.goto(users_server + "/racist-incidents")
    page.wait_for_function("() => document.querySelectorAll('.chart-card').length >= 5")
    assert page.locator(".js-plotly-plot").count() == 0
    context.close()


def test_dash_callbacks_send_restricted_figures_to_signed_in_users_only(browser, users_server,
                                                                        findings):
    """Replay every callback request a signed-in browser made, without the session."""
    context = browser.new_context()
    page = context.new_page()
    calls = []  # (address, body) of each callback request
    page.on("request", lambda r: calls.append((r.url.removeprefix(users_server), r.post_data))
            if r.method == "POST" and "/_dash-update-component" in r.url else None)
    page.goto(users_server + "/login")
    page.fill("#name", NAME)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(users_server + "/")
    page.goto(users_server + "/racist-incidents")
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=30000)
    page.get_by_role("button", name="Per 1,000 pupils").click()
    page.wait_for_function("() => window.location.search.includes('show=rate')")
    page.wait_for_load_state("networkidle")
    context.close()
    assert len(calls) >= 1  # the choice (the page itself came with the layout)

    anonymous, member = Client(users_server), signed_in(users_server)
    out_graphs, in_graphs, out_text, in_text = set(), set(), "", ""
    # the layout of a full load, which holds the page it was asked from, then the callbacks
    layout = ("/_dash-layout", None)
    for address, body in [layout, *calls]:
        for client, is_member in ((anonymous, False), (member, True)):
            reply = client.post_json(address, body.encode()) if body is not None else \
                client.get(address, headers={"Referer": users_server + "/racist-incidents"})
            assert reply.status in (200, 204), reply.text[:300]
            if reply.status == 204:
                continue
            ids = graph_ids(reply.json())
            if is_member:
                in_graphs |= ids
                in_text += reply.text
            else:
                out_graphs |= ids
                out_text += reply.text
    restricted_graphs = {graph_id(c) for c in CHARTS}
    assert restricted_graphs <= in_graphs, "signed in, the charts come back"
    assert not out_graphs & restricted_graphs, "signed out, no restricted chart comes back"
    assert "not published yet" in out_text
    for chart, finding in findings.items():
        assert json.dumps(finding)[1:-1] not in out_text, chart
    assert json.dumps(findings["racist-incidents-trend"])[1:-1] in in_text


def test_downloads_need_sign_in(users_server):
    anonymous, member = Client(users_server), signed_in(users_server)
    for ext in ("csv", "xlsx", "svg"):
        refused = anonymous.get(f"/export/racist-incidents-trend.{ext}")
        assert refused.status == 403
        assert "sign in" in refused.text
        assert member.get(f"/export/racist-incidents-trend.{ext}").status == 200
    rows = member.get("/export/racist-incidents-trend.csv").text.splitlines()
    assert len(rows) > 3 and "Racist incidents" in rows[1]
    assert anonymous.get("/export/child-protection-plans-trend.csv").status == 200, \
        "published charts stay public"
    assert member.get("/export/racist-incidents-trend.csv",
                      headers={"X-Remote-User": NAME}).status == 200
    assert anonymous.get("/export/racist-incidents-trend.csv",
                         headers={"X-Remote-User": NAME}).status == 403, \
        "the proxy header counts for nothing unless DASHBOARD_LOGIN=proxy"


def test_committee_packs_leave_out_restricted_charts_when_signed_out(users_server, findings,
                                                                    registry):
    from docx import Document

    def text_of(reply) -> str:
        assert reply.status == 200, reply.text[:300]
        doc = Document(io.BytesIO(reply.body))
        return "\n".join(p.text for p in doc.paragraphs)

    query = "/pack.docx?items=racist-incidents-trend,child-protection-plans-trend"
    public = text_of(Client(users_server).pack(query))
    assert findings["racist-incidents-trend"] not in public
    assert registry.get("child-protection-plans-trend").render({}).title in public
    assert "Not included" in public and "not published yet" in public
    member = signed_in(users_server)
    first = member.get(query)
    assert first.status == 303, "the signed-in pack is made apart from the public one"
    job = first.headers["Location"]
    assert findings["racist-incidents-trend"] in text_of(member.pack(query))
    for suffix in ("", ".json", ".docx"):  # its address is nothing to anyone signed out
        assert Client(users_server).get(job + suffix).status == 404, suffix
    assert member.get(query).status == 200  # made once, then served from the cache
    only = Client(users_server).pack("/pack.pptx?items=racist-incidents-trend")
    assert only.status == 200 and only.json()["state"] == "failed", only.text
    assert findings["racist-incidents-trend"] not in only.text


# --- the sign-in itself --------------------------------------------------------------------


def test_sign_in_refuses_wrong_passwords_forged_forms_and_outside_redirects(users_server):
    client = Client(users_server)
    wrong = client.sign_in(NAME, PASSWORD + "x")
    assert wrong.status == 401 and "do not match" in wrong.text
    assert client.get("/export/racist-incidents-trend.csv").status == 403
    unknown = client.sign_in("mallory", PASSWORD)
    assert unknown.status == 401
    forged = Client(users_server).post_form("/login", {"name": NAME, "password": PASSWORD})
    assert forged.status == 400
    odd = Client(users_server)
    odd.csrf()  # a session with a token, and a form with another
    assert odd.post_form("/login", {"csrf": "é" * 43, "name": NAME,
                                    "password": PASSWORD}).status == 400
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example",
                   "javascript:alert(1)"):
        c = Client(users_server)
        reply = c.post_form("/login", {"csrf": c.csrf(), "name": NAME, "password": PASSWORD,
                                       "next": target})
        assert reply.status == 303 and reply.headers["Location"] == "/", target
    c = Client(users_server)
    reply = c.post_form("/login", {"csrf": c.csrf(), "name": NAME, "password": PASSWORD,
                                   "next": "/racist-incidents?show=rate"})
    assert reply.headers["Location"] == "/racist-incidents?show=rate"


def _cookie(reply, name: str) -> str:
    """The whole Set-Cookie header for ``name``."""
    found = [v for v in reply.cookies if v.startswith(name + "=")]
    assert len(found) == 1, reply.cookies
    return found[0]


def test_cookies_are_httponly_samesite_lax_and_the_session_cookie_is_an_opaque_id(
        users_server):
    client = Client(users_server)
    form = _cookie(client.get("/login"), "dashboard_signin")  # the form's token, before
    signed = _cookie(client.sign_in(NAME, PASSWORD), "dashboard_session")
    for cookie in (form, signed):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        # The development server on 127.0.0.1 sends them over plain http; see
        # test_security for the production default (Secure).
        assert "Secure" not in cookie
    value = signed.split(";")[0].split("=", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", value), "a random id, not a signed payload"
    assert NAME not in signed and "Max-Age=28800" in signed


def _stolen(member: Client) -> Client:
    """Another client holding a copy of ``member``'s session cookie."""
    thief = Client(member.origin)
    cookie = next(c for c in member.jar if c.name == "dashboard_session")
    thief.jar.set_cookie(cookie)
    return thief


def _restricted(client: Client) -> int:
    return client.get("/export/racist-incidents-trend.csv").status


@contextmanager
def accounts_kept(accounts: Path, tmp_path: Path):
    """The accounts file as it was, whatever the block does to it."""
    backup = tmp_path / "users-backup"
    shutil.copy2(accounts, backup)
    try:
        yield
    finally:
        os.replace(backup, accounts)


def sign_out_form(client: Client) -> dict:
    """The props of the header's Sign out form, and its hidden fields, from the layout."""
    forms = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "Form":
                forms.append(node["props"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(client.get("/_dash-layout").json())
    assert len(forms) == 1, forms
    children = forms[0]["children"]
    children = children if isinstance(children, list) else [children]
    fields = {c["props"]["name"]: c["props"] for c in children if c["props"].get("name")}
    return {**forms[0], "fields": fields}


def test_sign_out_takes_its_token_from_the_form_not_the_address(users_server):
    member = signed_in(users_server)
    form = sign_out_form(member)
    assert form["action"] == "/logout" and form["method"] == "post", "no token in the address"
    assert form["fields"]["csrf"]["type"] == "submit", "the Sign out button sends it"
    token = form["fields"]["csrf"]["value"]
    assert len(token) >= 32
    assert member.request("/logout", b"", method="POST").status == 400, "needs the token"
    assert member.request(f"/logout?csrf={token}", b"", method="POST").status == 400, \
        "a token in the address is not accepted"
    assert _restricted(member) == 200
    assert member.post_form("/logout", {"csrf": token}).status == 303
    assert _restricted(member) == 403


def test_a_copied_cookie_is_useless_after_sign_out(users_server):
    member = signed_in(users_server)
    thief = _stolen(member)
    assert _restricted(thief) == 200, "the copy works while the session lasts"
    token = sign_out_form(member)["fields"]["csrf"]["value"]
    assert member.post_form("/logout", {"csrf": token}).status == 303
    assert _restricted(thief) == 403 and _restricted(member) == 403


def test_a_copied_cookie_is_useless_after_a_password_change(users_server, accounts):
    thief = _stolen(signed_in(users_server))
    assert _restricted(thief) == 200
    changed = users_cli(accounts, "add", NAME, "--password-stdin", password=PASSWORD)
    assert changed.returncode == 0 and "Ended" in changed.stdout, changed.stdout
    assert _restricted(thief) == 403
    assert _restricted(signed_in(users_server)) == 200, "the new password signs in"


def test_a_copied_cookie_is_useless_after_the_account_is_removed(users_server, accounts,
                                                                   tmp_path):
    thief = _stolen(signed_in(users_server))
    with accounts_kept(accounts, tmp_path):
        assert users_cli(accounts, "remove", NAME).returncode == 0
        assert _restricted(thief) == 403
    assert _restricted(thief) == 403, "the session stays ended when the account is back"
    assert _restricted(signed_in(users_server)) == 200


def test_a_copied_cookie_is_useless_after_the_account_is_removed_and_added_again(
        users_server, accounts, tmp_path):
    """Even when the sessions cannot be ended directly (as from another host, without the
    database): the password hash the session was made with is no longer the account's."""
    thief = _stolen(signed_in(users_server))
    elsewhere = ["--sessions", str(tmp_path / "no-such-database.sqlite3")]
    with accounts_kept(accounts, tmp_path):
        assert users_cli(accounts, *elsewhere, "remove", NAME).returncode == 0
        again = users_cli(accounts, *elsewhere, "add", NAME, "--password-stdin",
                          password=PASSWORD)
        assert again.returncode == 0 and "Ended" not in again.stdout
        assert _restricted(thief) == 403
    assert _restricted(thief) == 403


def test_the_tenth_wrong_password_in_a_minute_is_refused(users_server):
    client = Client(users_server)
    token = client.csrf()
    replies = [client.post_form("/login", {"csrf": token, "name": GUESSED,
                                           "password": f"guess {i}"}) for i in range(10)]
    statuses = [r.status for r in replies]
    assert statuses[0] == 401 and statuses[-1] == 429, statuses
    assert int(replies[-1].headers["Retry-After"]) >= 1
    assert "Too many wrong passwords" in replies[-1].text
    right = client.post_form("/login", {"csrf": token, "name": GUESSED, "password": PASSWORD})
    assert right.status == 429, "while refused, even the right password is not checked"
    log = Path(f"/tmp/dashboard-server-{users_server.rsplit(':', 1)[1]}.log").read_text()
    assert f"Wrong password for {GUESSED} from 127.0.0.1" in log
    assert f"Sign-in refused for {GUESSED} from 127.0.0.1" in log
    assert "guess 1" not in log and PASSWORD not in log, "passwords are never logged"


def test_proxy_mode_trusts_its_header_only(proxy_server):
    client = Client(proxy_server)
    assert client.get("/export/racist-incidents-trend.csv").status == 403
    assert client.get("/export/racist-incidents-trend.csv",
                      headers={"X-Remote-User": NAME}).status == 200
    layout = client.get("/_dash-layout", headers={"X-Remote-User": NAME}).text
    assert f"Signed in as {NAME}" in layout and "logout" not in layout
    assert "Sign in" not in client.get("/_dash-layout").text
    assert "Set-Cookie" not in client.get("/", headers={"X-Remote-User": NAME}).headers


def test_with_sign_in_off_restricted_figures_are_shown_to_nobody(restricted_processed,
                                                                 monkeypatch, app):
    monkeypatch.setenv("SAFEGUARDING_PROCESSED_DIR", str(restricted_processed))
    client = app.server.test_client()
    assert client.get("/export/racist-incidents-trend.csv").status_code == 403
    assert client.get("/export/child-protection-plans-trend.csv").status_code == 200
    layout = client.get("/_dash-layout")
    assert "Sign in" not in layout.get_data(as_text=True)
    assert "Set-Cookie" not in layout.headers, "no session without sign-in"


@pytest.mark.parametrize("env, problem", [
    ({"DASHBOARD_LOGIN": "everyone"}, "DASHBOARD_LOGIN must be one of"),
    ({"DASHBOARD_LOGIN": "users", "DASHBOARD_SECRET_KEY": SECRET}, "DASHBOARD_USERS_FILE"),
    ({"DASHBOARD_LOGIN": "users", "DASHBOARD_USERS_FILE": "{users}"}, "SECRET_KEY"),
    ({"DASHBOARD_LOGIN": "users", "DASHBOARD_USERS_FILE": "{users}",
      "DASHBOARD_SECRET_KEY": "short"}, "at least 32 characters"),
    ({"DASHBOARD_LOGIN": "proxy"}, "DASHBOARD_PROXY_USER_HEADER"),
    ({"DASHBOARD_SECURE_COOKIES": "maybe"}, "DASHBOARD_SECURE_COOKIES"),
    ({"DASHBOARD_SESSION_IDLE_MINUTES": "soon"}, "DASHBOARD_SESSION_IDLE_MINUTES"),
    ({"DASHBOARD_SIGNIN_FAILURES": "0"}, "at least 1"),
    ({"DASHBOARD_LOGIN": "users", "DASHBOARD_USERS_FILE": "{users}",
      "DASHBOARD_SECRET_KEY": SECRET, "DASHBOARD_SESSION_DB": "/no/such/folder/s.sqlite3"},
     "session database .* cannot be opened"),
    ({"DASHBOARD_LOGIN": "users", "DASHBOARD_USERS_FILE": "{users}",
      "DASHBOARD_SECRET_KEY": SECRET, "DASHBOARD_SESSION_DB": "nosuchdb://x"},
     "session database"),
])
def test_incomplete_sign_in_settings_are_refused(env, problem, accounts):
    from dashboard.server import auth

    env = {k: v.replace("{users}", str(accounts)) for k, v in env.items()}
    with pytest.raises(auth.ConfigError, match=problem):
        auth.settings(env)


def test_secret_key_can_come_from_a_file(tmp_path, accounts):
    from dashboard.server import auth

    key = tmp_path / "secret"
    key.write_text(SECRET + "\n")
    conf = auth.settings({"DASHBOARD_LOGIN": "users", "DASHBOARD_USERS_FILE": str(accounts),
                          "DASHBOARD_SECRET_KEY_FILE": str(key)})
    assert conf.secret_key == SECRET and conf.secure_cookies
    assert auth.settings({}).mode == "off" and auth.settings({}).secret_key is None
