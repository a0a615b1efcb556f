"""The data API's examples: the addresses they read and the code for pandas, R and Power
Query, written for one server, measure and area (pure functions: the page supplies them)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

log = logging.getLogger(__name__)

PREFIX = "/api/v1"


@dataclass(frozen=True)
class Examples:
    base: str  # the API's root: http://host/api/v1
    measure: str  # an example measure id
    area: str  # an example area code (the configured authority)

    def url(self, path: str, **query: str | int) -> str:
        return f"{self.base}{path}" + (f"?{urlencode(query)}" if query else "")

    @property
    def urls(self) -> dict[str, str]:
        """Each address the examples read, by what it gives."""
        return {
            "Datasets (JSON)": self.url("/datasets"),
            "Measures and their metadata (CSV)": self.url("/measures.csv"),
            "One measure's metadata (JSON)": self.url(f"/measures/{self.measure}"),
            "The measure for every local authority (CSV)": self.url(
                "/figures.csv", measure=self.measure, level="local_authority", limit=10000),
            "The measure for one area, first page (JSON)": self.url(
                "/figures", measure=self.measure, area=self.area, limit=100),
            "The OpenAPI document": self.url("/openapi.json"),
        }

    @property
    def pandas(self) -> str:
        return f'''import pandas as pd
import requests

base = "{self.base}"

# Every local authority's figures for one measure, as a table (suppressed figures
# have no value and the status "c").
figures = pd.read_csv(f"{{base}}/figures.csv?measure={self.measure}"
                      "&level=local_authority&limit=10000")

# The measures and their metadata (label, unit, decimals, polarity, periods ...).
measures = pd.read_csv(f"{{base}}/measures.csv")

# Page through JSON until there is no next page.
rows, url = [], f"{{base}}/figures?measure={self.measure}&area={self.area}&limit=100"
while url:
    page = requests.get(url, timeout=60)
    page.raise_for_status()
    body = page.json()
    rows += body["data"]
    url = body["links"]["next"]
one_area = pd.DataFrame(rows)'''

    @property
    def r(self) -> str:
        return f'''library(readr)
library(jsonlite)

base <- "{self.base}"

# Every local authority's figures for one measure (suppressed figures are NA,
# with the status "c").
figures <- read_csv(paste0(base, "/figures.csv?measure={self.measure}",
                           "&level=local_authority&limit=10000"))

# The measures and their metadata.
measures <- read_csv(paste0(base, "/measures.csv"))

# One page of JSON: the rows are in $data, the next page's address in $links$`next`.
page <- fromJSON(paste0(base, "/figures?measure={self.measure}&area={self.area}&limit=100"))
one_area <- page$data'''

    @property
    def power_query(self) -> str:
        return f'''let
    // Every local authority's figures for one measure. Blank values are
    // suppressed or not published: the Status column says which (c, x, z ...).
    Source = Web.Contents(
        "{self.base}/figures.csv",
        [Query = [measure = "{self.measure}", level = "local_authority", limit = "10000"]]),
    Csv = Csv.Document(Source, [Delimiter = ",", Encoding = 65001, QuoteStyle = QuoteStyle.Csv]),
    Figures = Table.PromoteHeaders(Csv, [PromoteAllScalars = true]),
    Blanks = Table.ReplaceValue(Figures, "", null, Replacer.ReplaceValue, {{"value"}}),
    Typed = Table.TransformColumnTypes(Blanks, {{{{"value", type number}}}})
in
    Typed'''
