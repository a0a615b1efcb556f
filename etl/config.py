"""The one configuration object: paths and the authority, read once per environment.

``settings()`` gives a frozen ``Settings``. Paths are anchored to this file and each can be
overridden by an environment variable; the authority comes from
``SAFEGUARDING_AUTHORITY`` or, by default, from ``data/raw/settings.toml``;
``SAFEGUARDING_KEEP_VERSIONS`` is how many builds before the current one the processed
folder keeps (default 2; see ``etl.io.versions``); ``SAFEGUARDING_ETL_PROCESSES`` how
many processes the ETL's stages may use (1: one after another; default: two with more
than one core, see ``etl.io.forked``). The object is
made once for each set of these variables, so a test (or a notebook) that changes one
gets a new object and everything else reads the same one.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = "settings.toml"
ENVIRONMENT = ("SAFEGUARDING_RAW_DIR", "SAFEGUARDING_PROCESSED_DIR", "SAFEGUARDING_EXTERNAL_DIR",
               "SAFEGUARDING_LOCAL_DIR", "SAFEGUARDING_AUTHORITY", "SAFEGUARDING_KEEP_VERSIONS",
               "SAFEGUARDING_ETL_PROCESSES")
KEEP_VERSIONS = 2  # builds kept besides the current one, unless the variable says otherwise


class ConfigError(ValueError):
    """The settings file is missing, unreadable or incomplete."""


@dataclass(frozen=True)
class Settings:
    raw_dir: Path  # hand-edited input: the reports' tables, manifests and registries
    processed_dir: Path  # ETL output, rebuilt on every run and never edited by hand
    external_dir: Path  # official releases (DfE, ONS, IoD, boundaries), never committed
    local_dir: Path  # small-area extracts from the case management system: personal data
    authority: str  # ONS code of the authority the dashboard is about
    authority_from: str  # where that code was set: the variable or the settings file
    keep_versions: int = KEEP_VERSIONS  # older builds kept in processed_dir/versions
    etl_processes: int = 0  # processes for the ETL's stages; 0: as many as suit the machine

    @property
    def settings_file(self) -> Path:
        return self.raw_dir / SETTINGS_FILE


def _path(value: str | None, default: Path) -> Path:
    return Path(value).expanduser().resolve() if value else default


def read_settings_file(path: Path) -> dict:
    """``settings.toml`` as a dict; ``ConfigError`` naming the file when it cannot be read."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found; it names the default authority "
                          "([partnership] authority = \"E…\")") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: not valid TOML ({err})") from None


def _count(value: str | None, default: int, name: str) -> int:
    if not (value or "").strip():
        return default
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise ConfigError(f"{name}={value!r}: expected a whole number, 0 or more")
    return number


@lru_cache(maxsize=32)
def _settings(values: tuple[str | None, ...]) -> Settings:
    raw, processed, external, local, authority, keep, processes = values
    raw_dir = _path(raw, ROOT / "data" / "raw")
    where = "SAFEGUARDING_AUTHORITY"
    if not (authority or "").strip():
        path = raw_dir / SETTINGS_FILE
        authority = str(read_settings_file(path).get("partnership", {}).get("authority", ""))
        where = f"{path} ([partnership] authority)"
        if not authority.strip():
            raise ConfigError(f"{path}: [partnership] authority is not set")
    return Settings(raw_dir=raw_dir,
                    processed_dir=_path(processed, ROOT / "data" / "processed"),
                    external_dir=_path(external, ROOT / "data" / "external"),
                    local_dir=_path(local, ROOT / "data" / "local"),
                    authority=authority.strip().upper(), authority_from=where,
                    keep_versions=_count(keep, KEEP_VERSIONS, "SAFEGUARDING_KEEP_VERSIONS"),
                    etl_processes=_count(processes, 0, "SAFEGUARDING_ETL_PROCESSES"))


def settings() -> Settings:
    """The settings for the current environment (made once for each)."""
    return _settings(tuple(os.environ.get(name) for name in ENVIRONMENT))


# What ``breakdown`` and ``breakdown_value`` hold where a figure has no breakdown. The
# columns of every output file are in etl/schema.py.
TOTAL = "Total"
