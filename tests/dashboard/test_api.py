"""The data API (/api/v1/) over real HTTP against live servers: answers checked against the
schemas of its own OpenAPI document and against the processed Parquet, paging followed
link by link, CSV read by pandas, errors, ETags, a restricted dataset signed out and in,
and the per-address limit."""

from __future__ import annotations

import io
import json
import shutil
from urllib.parse import urlsplit

import pandas as pd
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from dashboard.server.api import FILTERS, PAGING

from .helpers import DUDLEY
from .webclient import Client, serving

JSON = "application/json"
API = "/api/v1"
RATE = "dfe_cp_plans_at_31_march_rate_per_10000"
RESTRICTED = "racist_incidents"
USER_HEADER = "X-Remote-User"


@pytest.fixture(scope="module")
def client(server) -> Client:
    return Client(server)


@pytest.fixture(scope="module")
def document(client) -> dict:
    reply = client.get(f"{API}/openapi.json")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("application/json")
    return reply.json()


@pytest.fixture(scope="module")
def schema(document):
    """A validator for one of the document's schemas (its $refs resolved in the document)."""
    registry = Registry().with_resource(
        "urn:api", Resource.from_contents(document, default_specification=DRAFT202012))

    def validator(name: str) -> Draft202012Validator:
        return Draft202012Validator({"$ref": f"urn:api#/components/schemas/{name}"},
                                    registry=registry)
    return validator


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_the_openapi_document_is_3_1_and_every_path_answers(client, document, schema):
    assert document["openapi"] == "3.1.0" and document["servers"] == [{"url": API}]
    for body in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(body)  # each is a valid 2020-12 schema
    figure_params = {p["name"] for p in document["paths"]["/figures"]["get"]["parameters"]}
    assert figure_params == {*FILTERS, *PAGING, "format"}
    for path, item in document["paths"].items():
        responses = item["get"]["responses"]
        assert {"200", "400", "404"} <= set(responses), path
        url = API + path.replace("{measure_id}", RATE)
        if path.startswith("/figures"):
            url += f"?measure={RATE}&area={DUDLEY}"
        reply = client.get(url)
        assert reply.status == 200, (url, reply.text[:200])
        if reply.headers["Content-Type"].startswith("application/json"):
            target = responses["200"]["content"]["application/json"]["schema"]["$ref"]
            errors = list(schema(target.rsplit("/", 1)[-1]).iter_errors(reply.json()))
            assert errors == [], (url, errors[:3])
        else:
            assert path.endswith(".csv") and reply.headers["Content-Type"].startswith("text/csv")


def test_datasets_and_measures_describe_the_processed_data(client, schema, processed):
    datasets = client.get(f"{API}/datasets").json()
    assert list(schema("DatasetList").iter_errors(datasets)) == []
    built = json.loads((processed.path / "build.json").read_text())
    names = {d["dataset"] for d in datasets["data"]}
    assert names <= set(built["datasets"]) and {"dfe_cp_plans", "smallarea"} <= names
    cp = next(d for d in datasets["data"] if d["dataset"] == "dfe_cp_plans")
    assert cp["kind"] == "official" and len(cp["releases"]) == 2
    measures = client.get(f"{API}/measures").json()
    assert list(schema("MeasureList").iter_errors(measures)) == []
    registry = processed.frame("measures").set_index("measure")
    found = {m["measure"]: m for m in measures["data"]}
    assert set(found) <= set(registry.index) and len(found) > 150
    rate = found[RATE]
    for key in ("label", "unit", "polarity", "dataset"):
        assert rate[key] == registry.loc[RATE, key], key
    assert rate["decimals"] == int(registry.loc[RATE, "decimals"])
    table = processed.frame("dfe_cp_plans")
    las = table[(table["measure"] == RATE) & (table["geographic_level"] == "local_authority")
                & table["value"].notna()]  # authorities with a figure, not only a symbol
    assert rate["authorities"] == las["area_code"].nunique() > 140
    assert rate["release"] in built["releases"]
    csv = pd.read_csv(io.BytesIO(client.get(f"{API}/measures.csv").body))
    assert sorted(csv["measure"]) == sorted(found)
    only = client.get(f"{API}/measures?dataset=dfe_cp_plans").json()["data"]
    assert {m["dataset"] for m in only} == {"dfe_cp_plans"}


def test_json_pages_followed_by_their_links_give_the_csvs_rows(client, schema, processed):
    query = f"measure={RATE}&level=local_authority"
    url, pages, rows = f"{API}/figures?{query}&limit=500", 0, []
    while url:
        reply = client.get(_path(url))
        assert reply.status == 200, reply.text[:200]
        body = reply.json()
        assert list(schema("FigurePage").iter_errors(body)) == []
        assert body["offset"] == 500 * pages and len(body["data"]) <= 500
        rows += body["data"]
        pages += 1
        url = body["links"]["next"]
    table = processed.frame("dfe_cp_plans")
    expected = table[(table["measure"] == RATE) & (table["geographic_level"] ==
                                                   "local_authority")]
    assert body["total"] == len(rows) == len(expected) and pages == -(-len(rows) // 500)
    assert body["links"]["prev"] is not None
    csv = client.get(f"{API}/figures.csv?{query}&limit=10000")
    assert csv.headers["X-Total-Count"] == str(len(rows)) and "Link" not in csv.headers
    frame = pd.read_csv(io.BytesIO(csv.body), dtype={"status": str})
    from_json = pd.DataFrame(rows)
    assert frame["area_code"].tolist() == from_json["area_code"].tolist()
    assert frame["period"].tolist() == from_json["period"].tolist()
    assert frame["value"].fillna(-1).tolist() == from_json["value"].fillna(-1).tolist()


def test_the_csv_is_a_download_with_values_as_published_and_symbols_kept(client, processed):
    reply = client.get(f"{API}/figures?measure={RATE},dfe_cp_plans_2_years_or_more_pct"
                       f"&area={DUDLEY}&format=csv")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/csv")
    assert reply.headers["Content-Disposition"] == 'attachment; filename="figures.csv"'
    frame = pd.read_csv(io.BytesIO(reply.body), dtype={"status": str, "period": str})
    assert set(frame["area_code"]) == {DUDLEY}
    latest = frame[(frame["measure"] == RATE)].iloc[-1]
    assert latest["value"] == processed.value("dfe_cp_plans", RATE, latest["period"])
    everyone = pd.read_csv(io.BytesIO(client.get(
        f"{API}/figures.csv?measure=dfe_cp_plans_2_years_or_more_pct&limit=10000").body),
        dtype={"status": str})
    marked = everyone[everyone["status"] == "c"]
    assert len(marked) > 10 and marked["value"].isna().all()


def test_small_area_counts_of_1_to_5_never_come_through_the_api(client, processed):
    counts = [m["measure"] for m in client.get(f"{API}/measures?dataset=smallarea").json()[
        "data"] if m["unit"] == "count"]
    assert counts
    reply = client.get(f"{API}/figures.csv?measure={','.join(counts)}&limit=10000")
    frame = pd.read_csv(io.BytesIO(reply.body), dtype={"status": str})
    assert int(reply.headers["X-Total-Count"]) == len(frame) > 1000
    assert not frame["value"].between(1, 5).any()
    assert (frame["status"] == "c").sum() > 100 and frame.loc[frame["status"] == "c",
                                                              "value"].isna().all()
    local = processed.frame("smallarea")
    dudley = set(local.loc[local["authority_code"] == DUDLEY, "area_code"])
    assert set(frame["area_code"]) <= dudley


@pytest.mark.parametrize(("query", "parameter"), [
    ("measure=x&limit=0", "limit"), ("measure=x&limit=ten", "limit"),
    ("measure=x&offset=-1", "offset"), ("measure=x&format=xml", "format"),
    ("measure=x&measur=y", "measur"), ("measure=a&measure=b", "measure"),
    ("", "measure"), (f"measure={RATE}&level=county", "level"), ("measure=a,,b", "measure"),
])
def test_a_bad_parameter_gets_400_naming_it(client, schema, query, parameter):
    reply = client.get(f"{API}/figures?{query}")
    assert reply.status == 400 and reply.headers["Content-Type"].startswith("application/json")
    body = reply.json()
    assert list(schema("Error").iter_errors(body)) == []
    assert body["error"]["parameter"] == parameter
    assert "Traceback" not in reply.text


def test_unknown_measures_and_addresses_get_json_404(client):
    reply = client.get(f"{API}/figures?measure=no_such_measure")
    assert reply.status == 404 and reply.json()["error"]["parameter"] == "measure"
    assert client.get(f"{API}/measures/no_such_measure").status == 404
    for path in (f"{API}/nothing", f"{API}/figures.xml?measure={RATE}"):
        reply = client.get(path)
        assert reply.status == 404 and reply.json()["error"]["status"] == 404, path


def test_a_write_gets_json_405_naming_the_methods_answered(client):
    """The API is read-only: a POST, PUT or DELETE is refused in JSON, with ``Allow``;
    outside the API a refused method keeps Flask's own answer."""
    for method in ("POST", "PUT", "DELETE"):
        reply = client.request(f"{API}/datasets", b"{}", {"Content-Type": JSON}, method)
        assert reply.status == 405, method
        assert reply.headers["Content-Type"].startswith(JSON)
        error = reply.json()["error"]
        assert error["status"] == 405 and "read-only" in error["message"]
        assert "GET" in reply.headers["Allow"] and "POST" not in reply.headers["Allow"]
    outside = client.request("/healthz", b"", {}, "DELETE")
    assert outside.status == 405 and not outside.headers["Content-Type"].startswith(JSON)


def test_an_unchanged_answer_is_not_sent_again(client):
    url = f"{API}/figures?measure={RATE}&area={DUDLEY}"
    first = client.get(url)
    tag = first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": tag})
    assert again.status == 304 and again.body == b"" and again.headers["ETag"] == tag
    other = client.get(url + "&limit=5")
    assert other.status == 200 and other.headers["ETag"] != tag
    assert client.get(url + "&limit=5", headers={"If-None-Match": tag}).status == 200


@pytest.fixture(scope="module")
def restricted_server(processed, tmp_path_factory):
    """The session's build with racist incidents restricted (what restricted.csv puts in
    build.json), served with sign-in by a proxy header."""
    copy = tmp_path_factory.mktemp("api-restricted")
    shutil.copytree(processed.path, copy / "current", symlinks=True)
    path = copy / "current" / "build.json"
    build = json.loads(path.read_text(encoding="utf-8"))
    build["restricted"] = [RESTRICTED]
    path.write_text(json.dumps(build), encoding="utf-8")
    with serving(copy, DASHBOARD_LOGIN="proxy", DASHBOARD_PROXY_USER_HEADER=USER_HEADER) as origin:
        yield origin


def test_a_restricted_dataset_needs_sign_in_and_is_served_once_signed_in(restricted_server,
                                                                          processed):
    out = Client(restricted_server)
    for path in (f"{API}/figures?measure={RESTRICTED}", f"{API}/figures.csv?dataset={RESTRICTED}",
                 f"{API}/measures/{RESTRICTED}"):
        reply = out.get(path)
        assert reply.status == 401, (path, reply.status)
        assert "sign in" in reply.json()["error"]["message"]
        assert "WWW-Authenticate" in reply.headers
    assert RESTRICTED not in {m["dataset"] for m in out.get(f"{API}/measures").json()["data"]}
    assert RESTRICTED not in {d["dataset"] for d in out.get(f"{API}/datasets").json()["data"]}
    signed_in = {USER_HEADER: "analyst"}
    tag = out.get(f"{API}/measures").headers["ETag"]
    listed = out.get(f"{API}/measures", headers={**signed_in, "If-None-Match": tag})
    assert listed.status == 200  # another viewer's scope: never their cached answer
    assert RESTRICTED in {m["dataset"] for m in listed.json()["data"]}
    reply = out.get(f"{API}/figures.csv?dataset={RESTRICTED}&limit=10000", headers=signed_in)
    assert reply.status == 200
    frame = pd.read_csv(io.BytesIO(reply.body))
    expected = processed.frame(RESTRICTED)
    assert len(frame) == len(expected) and set(frame["measure"]) == set(expected["measure"])


def test_the_api_is_limited_per_address(processed):
    with serving(processed.root, DASHBOARD_API_LIMIT="3 per minute") as origin:
        client = Client(origin)
        assert [client.get(f"{API}/datasets").status for _ in range(3)] == [200] * 3
        refused = client.get(f"{API}/datasets")
        assert refused.status == 429 and int(refused.headers["Retry-After"]) > 0
        assert refused.headers["Content-Type"].startswith("application/json")
        assert refused.json()["error"]["status"] == 429  # as every other API error
        assert client.get("/healthz").status == 200  # the rest of the site is not limited
