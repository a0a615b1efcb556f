"""Security headers, the Content-Security-Policy in real Chromium, error pages that give
nothing away, download addresses that cannot name files, and the two ways to serve."""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from .browser import ROOT
from .webclient import Client, raw_get, serving

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def test_every_page_is_served_with_the_content_security_policy(server):
    """The headers of every page (test_browser.py checks in Chromium that no page, chart,
    table view, choice or hover label breaks the policy)."""
    from dashboard.ids import Page

    for page in Page:
        reply = Client(server).get(page.path)
        assert reply.status == 200, page.path
        csp = {k.lower(): v for k, v in reply.headers.items()}["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp, page.path


def test_the_policy_blocks_an_injected_script(page, server):
    page.goto(server + "/about")
    page.wait_for_selector("main h1")
    ran = page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.__injected = true';
        document.body.appendChild(s);
        return window.__injected === true;
    }""")
    assert ran is False
    assert any("script-src" in v for v in page.evaluate("window.__csp"))


@pytest.mark.parametrize("path", ["/", "/assets/style.css", "/_dash-layout", "/healthz",
                                  "/export/child-protection-plans-trend.csv",
                                  "/export/no-such-chart.csv", "/pack.docx?items=no-such-chart"])
def test_every_response_has_the_security_headers(server, path):
    reply = Client(server).get(path)
    headers = {k.lower(): v for k, v in reply.headers.items()}
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-eval'" not in csp and "script-src 'self' 'sha256-" in csp
    assert "script-src 'self' 'unsafe-inline'" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"


LEAKS = ("Traceback", 'File "', ".py", str(ROOT), "/site-packages", "Werkzeug Debugger",
         "registered paths", "KeyError")


def _no_leak(reply) -> None:
    for leak in LEAKS:
        assert leak not in reply.text, leak


def test_a_refused_callback_shows_no_stack_trace_or_path(server):
    """(A genuine bug's 500 page is checked in test_strict.py.)"""
    client = Client(server)
    broken = client.post_json("/_dash-update-component", {"output": "no-such.children"})
    assert broken.status == 400
    assert "Bad callback request" in broken.text
    _no_leak(broken)
    garbage = client.post_json("/_dash-update-component", b"{not json")
    assert garbage.status == 400
    _no_leak(garbage)
    assert client.get("/healthz").status == 200, "the server carries on"


def test_unknown_addresses_get_a_plain_not_found_page(server):
    for path in ("/export/no-such-chart.csv", "/export/child-protection-plans-trend.exe",
                 "/_dash-component-suites/dash/no-such-file.js",
                 "/_dash-component-suites/no_such_package/x.js", "/pack.exe",
                 "/.git/config", "/README.md", "/no-such-page"):
        reply = Client(server).get(path)
        assert reply.status == 404, path
        assert "Page not found" in reply.text
        _no_leak(reply)


TRAVERSALS = [
    "/export/../etl/config.py",
    "/export/../../etc/passwd",
    "/export/..%2f..%2fetl%2fconfig.py",
    "/export/%2e%2e/%2e%2e/etl/config.py",
    "/export/%2e%2e%2f%2e%2e%2fetl%2fconfig.csv",
    "/export/%252e%252e%252fetl%252fconfig.csv",
    "/export/child-protection-plans-trend.csv/../../../etl/config.py",
    "/export/..%5c..%5cetl%5cconfig.csv",
    "/export/child-protection-plans-trend%00.csv",
    "/export/CP-TREND.csv",
    "/export/child-protection-plans-trend.CSV",
    "/export/cp_trend.csv",
    "/pack.docx/../../etl/config.py",
    "/pack.%2e%2e%2fetl%2fconfig.py",
    "/assets/../etl/config.py",
    "/assets/..%2f..%2fetl%2fconfig.py",
    "/assets/%2e%2e/%2e%2e/etl/config.py",
    "/_dash-component-suites/dash/../../etl/config.py",
    "/_dash-component-suites/dash/..%2f..%2f..%2fetc%2fpasswd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_downloads_and_files_refuse_traversal_and_unknown_names(server, path):
    reply = raw_get(server, path)
    assert reply.status in (400, 404), f"{path}: {reply.status}"
    assert "def processed_dir" not in reply.text and "root:" not in reply.text
    _no_leak(reply)


@pytest.mark.parametrize("query", ["items=../../etc/passwd",
                                   "items=child-protection-plans-trend;show=../x",
                                   "preset=../annual-report",
                                   "items=child-protection-plans-trend&preset=themes",
                                   "items=%2e%2e%2fetl%2fconfig"])
def test_pack_downloads_refuse_what_is_not_a_known_chart(server, query):
    reply = Client(server).get(f"/pack.docx?{query}")
    assert reply.status == 400
    assert reply.headers["Content-Type"].startswith("text/plain")
    _no_leak(reply)


def test_dev_server_refuses_debug_unless_on_this_computer():
    for host in ("0.0.0.0", "192.0.2.10", "::"):
        result = subprocess.run([sys.executable, "-m", "dashboard", "--debug", "--host", host],
                                cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "--debug is refused" in result.stderr


@pytest.fixture(scope="module")
def production(processed_for_app, tmp_path_factory):
    """The documented production command, with sign-in on: gunicorn and its settings."""
    folder = tmp_path_factory.mktemp("production")
    accounts = folder / "users"
    added = subprocess.run([sys.executable, "-m", "dashboard.server.users", "--file", str(accounts),
                            "add", "alice", "--password-stdin"], input="a long password\n",
                           text=True, capture_output=True, cwd=ROOT, timeout=60)
    assert added.returncode == 0, added.stderr
    key = folder / "secret"
    key.write_text(secrets.token_hex(32))
    command = [GUNICORN, "-c", "dashboard/server/gunicorn_conf.py", "-b", "127.0.0.1:{port}"]
    with serving(processed_for_app.path, command, DASHBOARD_WORKERS="1",
                 DASHBOARD_LOGIN="users", DASHBOARD_USERS_FILE=str(accounts),
                 DASHBOARD_SECRET_KEY_FILE=str(key)) as origin:
        yield origin


def test_production_server_is_healthy_with_secure_cookies(production):
    client = Client(production)
    health = client.get("/healthz")
    assert health.status == 200 and health.json()["status"] == "ok"
    cookie = client.get("/login").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Content-Security-Policy" in health.headers
    assert "gunicorn" in health.headers.get("Server", "")
    port = production.rsplit(":", 1)[1]
    log = (Path("/tmp") / f"dashboard-server-{port}.log").read_text()
    assert '"GET /healthz HTTP/1.1" 200' in log, "access log"


def test_production_server_refuses_incomplete_sign_in_settings(processed_for_app, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DASHBOARD_LOGIN": "users",
           "DASHBOARD_USERS_FILE": str(tmp_path / "users"),
           "SAFEGUARDING_PROCESSED_DIR": str(processed_for_app.path), "DASHBOARD_WORKERS": "1",
           "DASHBOARD_BIND": "127.0.0.1:0"}
    (tmp_path / "users").write_text("")
    result = subprocess.run([GUNICORN, "-c", "dashboard/server/gunicorn_conf.py"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "Dashboard not started" in result.stdout + result.stderr
    assert "DASHBOARD_SECRET_KEY" in result.stdout + result.stderr


def test_with_sign_in_off_nothing_changes(server):
    """Public by default: no sign-in link, no session cookie, no /login form."""
    client = Client(server)
    layout = client.get("/_dash-layout")
    assert "Sign in" not in layout.text and '"account"' not in layout.text
    assert "Set-Cookie" not in layout.headers
    assert client.post_form("/login", {"name": "x", "password": "y"}).status == 405
