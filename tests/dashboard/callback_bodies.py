"""Well-formed callback requests for every server callback of the app, built from the
app itself as Dash's renderer builds them (the shapes were recorded from Chromium:
``outputs`` a dict for one output and a list for several, a wildcard's matches as a
list, ``state`` only when the callback has some, an unset value left out).

The components come from the pages' layouts (and from what callbacks draw, such as the
pack page's buttons), given by the caller.
"""

from __future__ import annotations

import json


def walk(node, found: list[dict]) -> list[dict]:
    """Every component (``{"type", "namespace", "props"}``) in a layout as JSON."""
    if isinstance(node, dict):
        if "props" in node and "type" in node:
            found.append(node)
        for value in (node["props"] if "props" in node and "type" in node else node).values():
            walk(value, found)
    elif isinstance(node, list):
        for value in node:
            walk(value, found)
    return found


def stringify(id_) -> str:
    """An id as Dash writes it in ``changedPropIds``: sorted keys, no spaces."""
    if isinstance(id_, dict):
        return json.dumps(id_, sort_keys=True, separators=(",", ":"))
    return id_


def specs(output: str) -> list[dict]:
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]


def _matches(pattern: dict, id_) -> bool:
    return isinstance(id_, dict) and id_.keys() == pattern.keys() and all(
        v in (["ALL"], ["MATCH"], ["ALLSMALLER"]) or v == id_[k] for k, v in pattern.items())


class Builder:
    """Requests for one page's components (the shell's and the page's)."""

    def __init__(self, components: list[dict], store_values: dict, press: str):
        self.components = components
        self.store_values = store_values  # id → value to send (a basket, say)
        self.press = press
        self.empty = False  # whether a wildcard input of the last body matched nothing

    def _found(self, dep: dict):
        """The components a dependency names: one, or a list for a wildcard (None if
        the page has none)."""
        if dep["id"].startswith("{"):
            pattern = json.loads(dep["id"])
            found = [c for c in self.components if _matches(pattern, c["props"].get("id"))]
            if any(v == ["MATCH"] for v in pattern.values()):
                return found[0] if found else None
            return found
        return next((c for c in self.components if c["props"].get("id") == dep["id"]), None)

    def _item(self, component: dict, prop: str, pressed: bool = False) -> dict:
        id_ = component["props"]["id"]
        item = {"id": id_, "property": prop}
        value = self.store_values.get(stringify(id_), component["props"].get(prop))
        if pressed and prop == "n_clicks":
            value = (value or 0) + 1
        if value is not None:
            item["value"] = value
        return item

    def body(self, callback: dict) -> bytes | None:
        inputs, changed, match = [], [], {}
        self.empty = False
        for dep in callback["inputs"]:
            found = self._found(dep)
            if found is None:
                return None
            if isinstance(found, list):
                # press a choice button (pressed already, or not: see every_callback)
                target = next((c for c in found if c["props"].get("aria-pressed") in (
                    None, "true" if self.press == "pressed" else "false")), None)
                group = [self._item(c, dep["property"], c is target and not changed)
                         for c in found]
                if target is not None and not changed:
                    changed.append(f"{stringify(target['props']['id'])}.{dep['property']}")
                inputs.append(group)
                self.empty = self.empty or not group
            else:
                if isinstance(found["props"]["id"], dict):
                    match = found["props"]["id"]
                inputs.append(self._item(found, dep["property"], not changed))
                if not changed:
                    changed.append(f"{stringify(found['props']['id'])}.{dep['property']}")
        state = []
        for dep in callback["state"]:
            found = self._found(dep)
            if found is None or isinstance(found, list):
                return None
            state.append(self._item(found, dep["property"]))
        outputs = []
        for spec in specs(callback["output"]):
            if spec["id"].startswith("{"):
                pattern = json.loads(spec["id"])
                found = [c["props"]["id"] for c in self.components
                         if _matches(pattern, c["props"].get("id"))]
                if any(v == ["MATCH"] for v in pattern.values()):
                    keys = [k for k, v in pattern.items() if v == ["MATCH"]]
                    found = [i for i in found if all(i[k] == match.get(k) for k in keys)]
                    if not found:
                        return None
                    outputs.append({"id": found[0], "property": spec["property"]})
                else:
                    outputs.append([{"id": i, "property": spec["property"]} for i in found])
            else:
                outputs.append({"id": spec["id"], "property": spec["property"]})
        payload = {"output": callback["output"],
                   "outputs": outputs if callback["output"].startswith("..") else outputs[0],
                   "inputs": inputs, "changedPropIds": changed,
                   "parsedChangedPropsIds": changed}
        if state:
            payload["state"] = state
        return json.dumps(payload).encode()


def router_body(callback: dict, path: str, search: str = "") -> bytes:
    """The router callback's request for the page at ``path``."""
    return json.dumps({
        "output": callback["output"],
        "outputs": [{"id": s["id"], "property": s["property"]} for s in specs(callback["output"])],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname", "_pages_location.search"],
        "parsedChangedPropsIds": ["_pages_location.pathname", "_pages_location.search"],
    }).encode()


def every_callback(callbacks: list[dict], pages: dict[str, list[dict]], store_values: dict,
                   press: str = "pressed", route: str = "/") -> dict[str, bytes]:
    """Output key → a well-formed request, for every server callback in ``callbacks``
    (``/_dash-dependencies``) that the components of some page in ``pages`` (path →
    components, the shell's included) let us build; the router's asks for ``route``.
    A request whose wildcard inputs all match something is preferred. ``press`` is
    which choice button is pressed: one already ``pressed`` (the
    callback has nothing to do) or ``unpressed`` (it redraws)."""
    bodies: dict[str, bytes] = {}
    partial: dict[str, bytes] = {}  # a wildcard input matched nothing
    for components in pages.values():
        for callback in callbacks:
            if callback.get("clientside_function") or callback["output"] in bodies:
                continue
            if "_pages_content.children" in callback["output"]:
                bodies[callback["output"]] = router_body(callback, route)
                continue
            builder = Builder(components, store_values, press)
            built = builder.body(callback)
            if built is not None:
                (partial if builder.empty else bodies).setdefault(callback["output"], built)
    return {**partial, **bodies}
