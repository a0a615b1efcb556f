"""The data API's OpenAPI 3.1 document (``/api/v1/openapi.json``): its paths, parameters
and the JSON Schemas (2020-12) of its answers, which the tests check real answers against."""

from __future__ import annotations

import logging

from dashboard import store
from etl.profile import UnknownAuthority

log = logging.getLogger(__name__)

TEXT = {"type": "string"}
TEXTS = {"type": "array", "items": TEXT}
MAYBE_TEXT = {"type": ["string", "null"]}
COUNT = {"type": "integer", "minimum": 0}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _list(item: str) -> dict:
    return {"type": "object", "required": ["data", "total"],
            "properties": {"data": {"type": "array", "items": _ref(item)}, "total": COUNT}}


SCHEMAS = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["status", "message"],
            "properties": {"status": {"type": "integer"}, "message": TEXT,
                           "parameter": {"type": "string",
                                         "description": "the query parameter at fault"}}}},
    },
    "Dataset": {
        "type": "object",
        "required": ["dataset", "kind", "releases", "measures", "periods", "levels", "rows"],
        "properties": {
            "dataset": TEXT,
            "kind": {"enum": ["official", "report", "local"],
                     "description": "an official release, tables transcribed from the "
                                    "partnership's annual reports, or counts from local "
                                    "records (small counts suppressed)"},
            "releases": {**TEXTS, "description": "files the dataset was imported from"},
            "measures": TEXTS, "periods": TEXTS, "levels": TEXTS, "rows": COUNT},
    },
    "Measure": {
        "type": "object",
        "required": ["measure", "label", "unit", "dataset", "periods", "authorities"],
        "properties": {
            "measure": TEXT, "label": TEXT, "description": MAYBE_TEXT, "unit": MAYBE_TEXT,
            "decimals": {"type": ["integer", "null"]},
            "polarity": {"enum": ["up_good", "down_good", "neutral", None]},
            "theme": MAYBE_TEXT, "dataset": TEXT,
            "release": {**MAYBE_TEXT, "description": "the release file, for official ones"},
            "periods": TEXTS, "first_period": MAYBE_TEXT, "last_period": MAYBE_TEXT,
            "levels": TEXTS,
            "breakdowns": {"type": "object", "additionalProperties": TEXTS},
            "authorities": {**COUNT, "description": "local authorities with a figure"},
            "rows": COUNT},
    },
    "Figure": {
        "type": "object",
        "required": ["dataset", "measure", "breakdown", "breakdown_value", "period",
                     "area_code", "area_name", "geographic_level", "value", "unit", "status"],
        "properties": {
            "dataset": TEXT, "measure": TEXT, "breakdown": TEXT, "breakdown_value": TEXT,
            "period": TEXT, "period_type": MAYBE_TEXT,
            "period_start": {**MAYBE_TEXT, "format": "date"},
            "period_end": {**MAYBE_TEXT, "format": "date"},
            "area_code": TEXT, "area_name": MAYBE_TEXT, "geographic_level": TEXT,
            "value": {"type": ["number", "null"],
                      "description": "null when not published or suppressed (see status)"},
            "unit": MAYBE_TEXT,
            "status": {**MAYBE_TEXT, "description": "GSS symbol: c confidential, x not "
                                                    "available, z not applicable, u low "
                                                    "reliability, low"},
            "source": MAYBE_TEXT},
    },
    "FigurePage": {
        "type": "object", "required": ["data", "total", "limit", "offset", "links"],
        "properties": {
            "data": {"type": "array", "items": _ref("Figure")},
            "total": COUNT, "limit": {"type": "integer", "minimum": 1},
            "offset": COUNT,
            "links": {"type": "object", "required": ["self", "next", "prev"],
                      "properties": {"self": TEXT, "next": MAYBE_TEXT, "prev": MAYBE_TEXT}}},
    },
    "DatasetList": _list("Dataset"),
    "MeasureList": _list("Measure"),
}


def _query(name: str, text: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": text,
            "schema": schema or TEXT}


FORMAT = _query("format", "json (the default) or csv", {"enum": ["json", "csv"]})
FILTERS = [
    _query("measure", "measure id(s), separated by commas (this or dataset is needed)"),
    _query("dataset", "dataset name(s), separated by commas"),
    _query("area", "area code(s): ONS codes, or an organisation's name for partner rows"),
    _query("level", "geographic level(s): national, regional, local_authority, ward, lsoa"),
    _query("period", "period label(s) as the source prints them: 2023-24, 2024-03-31"),
    _query("breakdown", "breakdown name(s); Total for headline figures"),
    _query("breakdown_value", "breakdown value(s)"),
    _query("limit", "rows a page (1 to 10000, default 1000)",
           {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1000}),
    _query("offset", "rows to skip", {"type": "integer", "minimum": 0, "default": 0}),
]


def _answers(schema: str, csv: bool = False) -> dict:
    content = {"application/json": {"schema": _ref(schema)}}
    if csv:
        content["text/csv"] = {"schema": TEXT}
    error = {"content": {"application/json": {"schema": _ref("Error")}}}
    return {
        "200": {"description": "the answer", "content": content},
        "304": {"description": "not changed since the ETag sent in If-None-Match"},
        "400": {"description": "a parameter cannot be used (it is named)", **error},
        "401": {"description": "a restricted dataset: sign in to read it", **error},
        "404": {"description": "no such measure or dataset", **error},
        "429": {"description": "too many requests from this address"},
        "503": {"description": "the processed data cannot be read right now", **error},
    }


def _get(summary: str, schema: str, params: list, csv: bool = False) -> dict:
    return {"get": {"summary": summary, "parameters": params, "responses": _answers(schema, csv)}}


def document() -> dict:
    """The OpenAPI document, titled for the configured partnership."""
    try:
        title = f"{store.profile().title}: data API"
    except (UnknownAuthority, store.DataUnavailable):  # a title never stops the document
        title = "Safeguarding children: data API"
    one = {"name": "measure_id", "in": "path", "required": True, "schema": TEXT}
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {"title": title, "version": "1",
                 "description": "Read-only figures behind the dashboard: what its pages "
                                "show, as JSON or CSV. Suppressed figures have no value and "
                                "a status symbol (c). Restricted datasets need sign-in."},
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/datasets": _get("Every dataset", "DatasetList", [FORMAT], csv=True),
            "/datasets.csv": _get("Every dataset, as CSV", "DatasetList", [], csv=True),
            "/measures": _get("Every measure with its metadata", "MeasureList",
                              [FORMAT, _query("dataset", "only these datasets' measures")],
                              csv=True),
            "/measures.csv": _get("Every measure, as CSV", "MeasureList",
                                  [_query("dataset", "only these datasets' measures")], csv=True),
            "/measures/{measure_id}": _get("One measure", "Measure", [one]),
            "/figures": _get("Figures, filtered and paged", "FigurePage", [*FILTERS, FORMAT],
                             csv=True),
            "/figures.csv": _get("Figures as CSV (paging in X-Total-Count and Link)",
                                 "FigurePage", FILTERS, csv=True),
        },
        "components": {"schemas": SCHEMAS},
    }
