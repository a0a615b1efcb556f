"""Every Dash callback request (``POST /_dash-update-component``) is checked before it
runs: the body must be what Dash's renderer sends for a callback the app registered,
with the ids and properties that callback declared and values of the shapes it accepts
(``dashboard.ui.accepts``). Anything else is answered 400 in plain words, never a
stack trace; the callback does not run.

A callback with an input whose shape nobody declared is only checked in part (a
warning at the first callback request names it); an exception from such a request is
answered 400 too. An exception from a request that passed the whole check is a bug: a
500, logged.
"""

from __future__ import annotations

import json
import logging

from dash import Dash
from flask import Flask, Response, g, request

from dashboard.ui.accepts import Accepts, Text, declared

log = logging.getLogger(__name__)

PATH = "/_dash-update-component"
WILDCARDS = (["ALL"], ["MATCH"], ["ALLSMALLER"])
MAX_MATCHES = 5000  # components one wildcard id may match
PROP_ID = Text(20000)


class Malformed(ValueError):
    """How a callback request is not what the callback accepts."""


def _specs(output: str) -> list[dict]:
    """A callback's output key as ``{"id", "property"}`` specs (as Dash writes them)."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]


def _pattern(component: str) -> dict | None:
    """A declared pattern-matching id (``{"type": "choice", "value": ["ALL"]}``), or None."""
    return json.loads(component) if component.startswith("{") else None


class Check:
    """One request checked against one registered callback."""

    def __init__(self, entry: dict, accepts: Accepts):
        self.entry, self.accepts = entry, accepts
        self.complete = True
        self.matched: dict[str, object] = {}  # a MATCH key's value, the same everywhere

    def body(self, body: dict) -> None:
        specs = _specs(body["output"])
        if not self.entry.get("no_output"):
            outputs = body.get("outputs")
            if len(specs) == 1 and not body["output"].startswith(".."):
                self.group(outputs, specs[0], "outputs", value=False)
            else:
                self.items(outputs, specs, "outputs", value=False)
        self.items(body.get("inputs"), self.entry["inputs"], "inputs", value=True)
        self.items(body.get("state", []), self.entry["state"], "state", value=True)
        self.changed(body.get("changedPropIds", []), body.get("inputs"))
        parsed = body.get("parsedChangedPropsIds", [])
        if not isinstance(parsed, list) or len(parsed) > MAX_MATCHES or any(
                not isinstance(p, str | dict) for p in parsed):
            raise Malformed("parsedChangedPropsIds must be a list of ids")

    def items(self, sent, specs: list[dict], where: str, value: bool) -> None:
        if not isinstance(sent, list) or len(sent) != len(specs):
            raise Malformed(f"{where} must be a list of {len(specs)}")
        for i, (item, spec) in enumerate(zip(sent, specs, strict=True)):
            self.group(item, spec, f"{where}[{i}]", value)

    def group(self, sent, spec: dict, where: str, value: bool) -> None:
        """One declared dependency: a list for an ALL wildcard, else one item."""
        pattern = _pattern(spec["id"])
        if pattern is not None and any(v in (["ALL"], ["ALLSMALLER"])
                                       for v in pattern.values()):
            if not isinstance(sent, list) or len(sent) > MAX_MATCHES:
                raise Malformed(f"{where} must be a list")
            for i, item in enumerate(sent):
                self.item(item, spec, pattern, f"{where}[{i}]", value)
        else:
            self.item(sent, spec, pattern, where, value)

    def item(self, sent, spec: dict, pattern: dict | None, where: str, value: bool) -> None:
        if not isinstance(sent, dict):
            raise Malformed(f"{where} must be an object with an id and a property")
        prop = spec["property"]
        if sent.get("property") not in (prop, prop.split("@")[0]):
            raise Malformed(f"{where}: the property is not {prop.split('@')[0]!r}")
        self.component(sent.get("id"), spec["id"], pattern, where)
        if not value:
            return
        key = spec["id"] if pattern is None else str(pattern.get("type"))
        shape = self.accepts.value(key, prop)
        if shape is None:
            self.complete = False
            return
        problem = shape.problem(sent.get("value"))
        if problem:
            raise Malformed(f"{where}: the value of {key}.{prop} {problem}")

    def component(self, sent, declared_id: str, pattern: dict | None, where: str) -> None:
        if pattern is None:
            if sent != declared_id:
                raise Malformed(f"{where}: the id is not {declared_id!r}")
            return
        if not isinstance(sent, dict) or sent.keys() != pattern.keys():
            raise Malformed(f"{where}: the id must have the keys {', '.join(pattern)}")
        for key, want in pattern.items():
            if want not in WILDCARDS:
                if sent[key] != want:
                    raise Malformed(f"{where}: the id's {key!r} is not {want!r}")
                continue
            problem = self.accepts.id_part(str(pattern.get("type")), key).problem(sent[key])
            if problem:
                raise Malformed(f"{where}: the id's {key!r} {problem}")
            if want == ["MATCH"] and self.matched.setdefault(key, sent[key]) != sent[key]:
                raise Malformed(f"{where}: the id's {key!r} differs from its match")

    def changed(self, changed, inputs: list) -> None:
        """Each changed property is one of the inputs sent (Dash reads the trigger from it)."""
        sent = [i for group in inputs for i in (group if isinstance(group, list) else [group])]
        known = [(i["id"], i["property"]) for i in sent]
        if not isinstance(changed, list) or len(changed) > len(known):
            raise Malformed("changedPropIds must be a list of the inputs that changed")
        for text in changed:
            if PROP_ID.problem(text) or "." not in text:
                raise Malformed("changedPropIds must name inputs as id.property")
            component, prop = text.rsplit(".", 1)
            try:
                component = json.loads(component) if component.startswith("{") else component
            except ValueError:
                raise Malformed("changedPropIds names an id that is not JSON") from None
            if (component, prop) not in known:
                raise Malformed("changedPropIds names a property that is not an input sent")


def check(body, callback_map: dict) -> bool:
    """Raise ``Malformed`` unless ``body`` is a well-formed request for a registered
    server-side callback; return whether every value's shape was checked."""
    if not isinstance(body, dict):
        raise Malformed("the body must be a JSON object")
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        raise Malformed("'output' must name a callback of this app")
    entry = callback_map[output]
    func = entry.get("callback")
    if func is None:
        raise Malformed("that callback runs in the browser")
    checker = Check(entry, declared(func))
    checker.body(body)
    return checker.complete


def undeclared(callback_map: dict) -> list[str]:
    """``id.property`` of every server callback's input or state with no declared shape."""
    out = []
    for entry in callback_map.values():
        if entry.get("callback") is None:
            continue
        accepts = declared(entry["callback"])
        for dep in [*entry["inputs"], *entry["state"]]:
            pattern = _pattern(dep["id"])
            key = dep["id"] if pattern is None else str(pattern.get("type"))
            if accepts.value(key, dep["property"]) is None:
                out.append(f"{key}.{dep['property']}")
    return sorted(set(out))


def _bad(problem: str) -> Response:
    return Response(f"Bad callback request: {problem}.", 400, mimetype="text/plain",
                    headers={"Cache-Control": "no-store"})


def register(app: Dash) -> None:
    """Check callback requests before the callback (or the kept answers) are reached."""
    server: Flask = app.server
    warned: list[bool] = []

    @server.before_request
    def _check_callback():
        if request.method != "POST" or request.path != PATH:
            return None
        if not warned:  # Dash fills its callback map on the first request
            warned.append(True)
            missing = undeclared(app.callback_map)
            if missing:
                log.warning("Callback inputs with no declared shape (checked only in "
                            "part): %s", ", ".join(missing))
        try:
            body = json.loads(request.get_data())
        except (ValueError, RecursionError):
            return _bad("the body is not JSON")
        try:
            g.callback_checked = check(body, app.callback_map)
        except Malformed as err:
            log.info("Refused a callback request: %s", err)
            return _bad(str(err))
        return None

    @server.errorhandler(Exception)  # not HTTP errors: those have their own handlers
    def _unexpected(err: Exception):
        if request.path == PATH and g.get("callback_checked") is False:
            log.warning("A callback request checked only in part failed: %r", err)
            return _bad("the request does not fit the callback")
        raise err  # a bug: Flask logs it and answers 500 (the site's error page)
