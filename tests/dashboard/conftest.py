"""Dashboard tests read the ETL output built for this test session, never data/processed."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def processed_for_app(processed):
    """Point the app at the session's freshly built processed data."""
    old = os.environ.get("SAFEGUARDING_PROCESSED_DIR")
    os.environ["SAFEGUARDING_PROCESSED_DIR"] = str(processed.path)
    yield processed
    if old is None:
        os.environ.pop("SAFEGUARDING_PROCESSED_DIR", None)
    else:
        os.environ["SAFEGUARDING_PROCESSED_DIR"] = old


@pytest.fixture(scope="session")
def registry(processed_for_app):
    """The chart registry, filled by creating the app (which imports every page)."""
    from dashboard import charts
    from dashboard.app import app  # noqa: F401  (importing registers the pages)

    return charts
