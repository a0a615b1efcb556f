"""What each Dash callback accepts, declared once beside it: the shape of every input
and state value, and of the wildcard parts of pattern-matching ids.

``@accepts({...}, ids={...})``, written under ``@callback``, records the shapes on the
function (Dash's wrapper copies its attributes). ``dashboard.server.callback_check``
checks every callback request against them before the callback runs, and answers 400
to anything else. A property that means the same on every component (a button's
``n_clicks``, a location's ``pathname``) has its shape in ``PROPS``; a store's ``data``
or a text box's ``value`` must be declared by the callback that reads it.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

ATTRIBUTE = "dashboard_accepts"
MAX_NAME = 200  # a key or id quoted in a message is cut to this


def _quote(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "…")


class Shape:
    """A kind of JSON value. ``problem`` says how a value is not of it (None if it is)."""

    def problem(self, value) -> str | None:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def _not(self) -> str:
        return f"must be {self.describe()}"


class Anything(Shape):
    def problem(self, value) -> str | None:
        return None

    def describe(self) -> str:
        return "any value"


class Null(Shape):
    def problem(self, value) -> str | None:
        return None if value is None else self._not()

    def describe(self) -> str:
        return "null"


class Boolean(Shape):
    def problem(self, value) -> str | None:
        return None if isinstance(value, bool) else self._not()

    def describe(self) -> str:
        return "true or false"


@dataclass(frozen=True)
class Integer(Shape):
    low: int = 0
    high: int = 2**53

    def problem(self, value) -> str | None:
        ok = isinstance(value, int) and not isinstance(value, bool) and \
            self.low <= value <= self.high
        return None if ok else self._not()

    def describe(self) -> str:
        return f"a whole number from {self.low} to {self.high}"


class Number(Shape):
    def problem(self, value) -> str | None:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and \
            math.isfinite(value)
        return None if ok else self._not()

    def describe(self) -> str:
        return "a number"


@dataclass(frozen=True)
class Text(Shape):
    max_length: int
    choices: tuple[str, ...] | None = None

    def problem(self, value) -> str | None:
        if not isinstance(value, str) or len(value) > self.max_length:
            return self._not()
        if self.choices is not None and value not in self.choices:
            return f"must be one of {', '.join(self.choices)}"
        return None

    def describe(self) -> str:
        return f"text of at most {self.max_length} characters"


@dataclass(frozen=True)
class ListOf(Shape):
    item: Shape
    max_items: int

    def problem(self, value) -> str | None:
        if not isinstance(value, list) or len(value) > self.max_items:
            return self._not()
        for i, entry in enumerate(value):
            found = self.item.problem(entry)
            if found:
                return f"item {i} {found}"
        return None

    def describe(self) -> str:
        return f"a list of at most {self.max_items} items"


@dataclass(frozen=True)
class Record(Shape):
    """An object with these keys (each required unless in ``optional``), and no others
    unless ``others`` gives their shape."""

    fields: Mapping[str, Shape]
    optional: frozenset[str] = frozenset()
    others: Shape | None = None
    max_others: int = 64

    def problem(self, value) -> str | None:
        if not isinstance(value, dict):
            return self._not()
        for key, shape in self.fields.items():
            if key not in value:
                if key not in self.optional:
                    return f"has no {key!r}"
                continue
            found = shape.problem(value[key])
            if found:
                return f"{key!r} {found}"
        extra = [k for k in value if k not in self.fields]
        if extra and (self.others is None or len(extra) > self.max_others):
            return f"has an unexpected key {_quote(str(extra[0]))}"
        for key in extra:
            found = self.others.problem(value[key]) or (
                None if len(key) <= MAX_NAME else "is too long a key")
            if found:
                return f"{_quote(key)} {found}"
        return None

    def describe(self) -> str:
        return "an object with " + (", ".join(self.fields) or "no keys")


@dataclass(frozen=True)
class Either(Shape):
    options: tuple[Shape, ...]

    def problem(self, value) -> str | None:
        found = [o.problem(value) for o in self.options]
        return None if None in found else self._not()

    def describe(self) -> str:
        return " or ".join(o.describe() for o in self.options)


def either(*options: Shape) -> Either:
    return Either(tuple(options))


def optional(shape: Shape) -> Either:
    """``shape`` or null (a property Dash has not set yet)."""
    return either(Null(), shape)


MAX_CHOICE = 100  # characters in a chart's choice (a year, a comparator's name)
MAX_ADDRESS = 2000  # characters in a page's address or query (browsers allow about this)
CLICKS = optional(Integer())
# What Dash's components send for these properties, whichever component it is.
PROPS: dict[str, Shape] = {
    "n_clicks": CLICKS,
    "n_intervals": CLICKS,
    "n_submit": CLICKS,
    "pathname": optional(Text(MAX_ADDRESS)),
    "search": optional(Text(MAX_ADDRESS)),
    "hash": optional(Text(MAX_ADDRESS)),
}
# What the wildcard parts of a pattern-matching id may be (Dash allows these).
ID_PART = either(Text(MAX_NAME), Number(), Boolean())


@dataclass(frozen=True)
class Accepts:
    """A callback's declared shapes: ``values`` by component id (``"id.property"`` for
    one property only; a pattern-matching id by its ``type``), ``ids`` by pattern type
    and wildcard key."""

    values: Mapping[str, Shape] = field(default_factory=dict)
    ids: Mapping[str, Mapping[str, Shape]] = field(default_factory=dict)

    def value(self, component: str, prop: str) -> Shape | None:
        """The declared shape of a property, or the one ``PROPS`` gives, or None."""
        return self.values.get(f"{component}.{prop}") or self.values.get(component) or \
            PROPS.get(prop)

    def id_part(self, pattern_type: str, key: str) -> Shape:
        return self.ids.get(pattern_type, {}).get(key, ID_PART)


NOTHING = Accepts()


def accepts(values: Mapping[str, Shape] | None = None,
            ids: Mapping[str, Mapping[str, Shape]] | None = None) -> Callable:
    """Declare a callback's shapes (see ``Accepts``); put it under ``@callback``."""
    declared = Accepts({str(k): v for k, v in (values or {}).items()},
                       {str(k): {str(p): s for p, s in v.items()}
                        for k, v in (ids or {}).items()})

    def mark(func: Callable) -> Callable:
        setattr(func, ATTRIBUTE, declared)
        return func

    return mark


def declared(func: Callable | None) -> Accepts:
    """What a (Dash-wrapped) callback function declared, or ``NOTHING``."""
    return getattr(func, ATTRIBUTE, None) or NOTHING
