"""The areas the theme pages compare, from the partnership profile."""

from __future__ import annotations

from dashboard.store.profile import profile

COMPARATOR_KEYS = ("both", "region", "england")


def comparators() -> dict[str, list[str]]:
    """Comparator choice → the area codes drawn, the authority first. Without a known
    region (no official releases imported) every choice compares with England only."""
    me = profile()
    region = [me.region.code] if me.region else []
    return {"both": [me.code, *region, me.england.code], "region": [me.code, *region],
            "england": [me.code, me.england.code]}


def comparator_choices() -> list[tuple[str, str]]:
    """The comparator buttons: value and label."""
    me = profile()
    if me.region is None:
        return [("england", "England")]
    return [("both", f"{me.region.name} and England"), ("region", me.region.name),
            ("england", "England")]


def compared_codes() -> list[str]:
    """The authority, its region (when known) and England."""
    return [area.code for area in profile().compared()]
