"""The browser's plotly.js: the vendored cartesian bundle, served where Dash's charts ask."""

from __future__ import annotations

import json

import pytest
from plotly.offline import get_plotlyjs_version

from dashboard.server import plotlyjs

FULL_BUNDLE_BYTES = 4_000_000  # the full plotly.js is 4.8 MB; the cartesian one 1.5 MB


def test_the_bundle_is_the_same_plotly_js_version_as_the_python_package():
    assert plotlyjs.version() == get_plotlyjs_version()


def test_a_bundle_without_a_version_is_refused(tmp_path):
    bad = tmp_path / "plotly.min.js"
    bad.write_text("/* no header */ var Plotly = {};", encoding="utf-8")
    with pytest.raises(ValueError, match=r"plotly\.min\.js"):
        plotlyjs.version(bad)


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


def test_dash_asks_for_plotly_js_where_the_partial_bundle_is_served(client):
    """The renderer's config names the address this module answers (serving locally)."""
    page = client.get("/").get_data(as_text=True)
    config = json.loads(page.split('id="_dash-config" type="application/json">')[1]
                        .split("</script>")[0])
    assert config["serve_locally"] is True
    assert plotlyjs.ADDRESS.fullmatch(plotlyjs.SCRIPT)


@pytest.mark.parametrize("path", [plotlyjs.SCRIPT,
                                  "/_dash-component-suites/plotly/package_data/"
                                  "plotly.v7_1_0m1796111099.min.js"])
def test_the_address_answers_with_the_partial_bundle(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.get_data() == plotlyjs.BUNDLE.read_bytes()
    assert len(response.get_data()) < FULL_BUNDLE_BYTES
    assert "max-age=3600" in response.headers["Cache-Control"]
    again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


def test_other_component_files_are_still_dashs(client):
    page = client.get("/").get_data(as_text=True)
    renderer = page.split('src="')[1].split('"')[0]  # Dash's first script
    response = client.get(renderer)
    assert response.status_code == 200
    assert response.get_data() != plotlyjs.BUNDLE.read_bytes()
