"""A plain HTTP client for tests against a live server: its own cookies, no redirects
followed, and raw paths sent exactly as written."""

from __future__ import annotations

import http.client
import json as jsonlib
import os
import re
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

from .browser import live_server


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # one value a name: see ``cookies`` for every Set-Cookie
    body: bytes
    cookies: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return jsonlib.loads(self.body)


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One browser-like visitor: keeps its cookies between requests."""

    def __init__(self, origin: str):
        self.origin = origin
        self.jar = CookieJar()
        self._open = build_opener(HTTPCookieProcessor(self.jar), _NoRedirect).open

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None,
                method: str | None = None) -> Reply:
        req = Request(self.origin + path, data=data, headers=headers or {}, method=method)
        try:
            with self._open(req, timeout=120) as response:
                return Reply(response.status, dict(response.headers), response.read(),
                             response.headers.get_all("Set-Cookie") or [])
        except HTTPError as err:
            return Reply(err.code, dict(err.headers), err.read(),
                         err.headers.get_all("Set-Cookie") or [])

    def get(self, path: str, headers: dict | None = None) -> Reply:
        return self.request(path, headers=headers)

    def post_form(self, path: str, fields: dict, headers: dict | None = None) -> Reply:
        return self.request(path, urlencode(fields).encode(), {
            "Content-Type": "application/x-www-form-urlencoded", **(headers or {})}, "POST")

    def post_json(self, path: str, body, headers: dict | None = None) -> Reply:
        data = body if isinstance(body, bytes) else jsonlib.dumps(body).encode()
        return self.request(path, data, {"Content-Type": "application/json",
                                         **(headers or {})}, "POST")

    def pack(self, path: str, timeout: float = 180) -> Reply:
        """A pack asked for at ``/pack.<format>?…``, followed to its file: the redirect to
        its progress, then its status (``.json``) until it is made or has failed. The
        reply is the file, or the failed status's JSON."""
        reply = self.get(path)
        if reply.status != 303:
            return reply
        job = reply.headers["Location"]
        deadline = time.monotonic() + timeout
        while True:
            status = self.get(job + ".json")
            assert status.status == 200, status.text
            state = status.json()
            if state["state"] == "done":
                return self.get(state["file"])
            if state["state"] == "failed":
                return status
            # Why wait: the pack is made by a builder thread; poll its status on disk.
            assert time.monotonic() < deadline, f"{path}: not made in {timeout} s: {state}"
            time.sleep(0.2)

    def csrf(self, path: str = "/login") -> str:
        """The sign-in form's anti-forgery token (and the session cookie that goes with it)."""
        page = self.get(path)
        return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)

    def sign_in(self, name: str, password: str, next_path: str = "/") -> Reply:
        return self.post_form("/login", {"csrf": self.csrf(), "name": name,
                                         "password": password, "next": next_path})


def raw_get(origin: str, path: str) -> Reply:
    """GET with the path sent byte for byte (no normalising of ``..`` or escapes)."""
    parts = urlsplit(origin)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return Reply(response.status, dict(response.getheaders()), response.read())
    finally:
        conn.close()


@contextmanager
def serving(processed_dir: Path, command: list[str] | None = None, **env: str):
    """``live_server`` with extra environment variables for that server alone."""
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    with ExitStack() as stack:
        try:
            origin = stack.enter_context(live_server(processed_dir, command))
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        yield origin
