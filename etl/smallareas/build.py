"""Small areas for each configured authority: boundaries, counts, rates, suppression.

For every authority in ``data/raw/authorities.csv`` whose LSOA boundaries are in
``$SAFEGUARDING_EXTERNAL_DIR/boundaries/``:

1. its LSOAs, wards (ONS best-fit lookup), deprivation and children aged 0–15
   come from ``$SAFEGUARDING_EXTERNAL_DIR/imd/``;
2. the boundaries become a simplified coverage (``geo.py``), written as
   GeoParquet ``geo/lsoa_<code>.parquet`` and ``geo/ward_<code>.parquet``;
3. the extracts in ``$SAFEGUARDING_LOCAL_DIR/<code>/`` are counted per LSOA
   (``extract.py``); with none there, a synthetic sample is counted instead;
4. counts are added up per ward and for the authority, suppressed
   (``disclosure.py``) and turned into rates per 10,000 children.

The result, ``smallarea.parquet``, follows the processed-data contract with
``authority_code``, ``denominator`` and ``synthetic`` added. It holds counts and
rates only: never a record, and never a number for a suppressed cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from etl import config
from etl.errors import ETLError, Problem
from etl.geo.authorities import Authority, load_authorities
from etl.geo.lsoa import boundary_files, coverage, read_lsoas, wards
from etl.geo.reference import Reference, for_authority, read_reference
from etl.schema import CONTRACT_COLUMNS, SMALLAREA_EXTRA_COLUMNS
from etl.smallareas.extract import Extract, read_extracts
from etl.smallareas.sample import SYNTHETIC, synthetic_extract

POPULATION_FILE = "population.csv"
IOD_DENOMINATOR = "children aged 0–15, mid-2015 (Indices of Deprivation 2019 denominators)"


@dataclass
class SmallAreas:
    frames: list[pd.DataFrame] = field(default_factory=list)  # contract rows
    geo: dict[str, object] = field(default_factory=dict)  # file name → GeoDataFrame
    summary: dict[str, dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _population(folder: Path, lsoas: pd.DataFrame) -> tuple[pd.Series, str]:
    """Children per LSOA: the user's ``population.csv`` if there is one, else the IoD's."""
    path = folder / POPULATION_FILE
    if not path.is_file():
        return lsoas.set_index("lsoa_code")["children"], IOD_DENOMINATOR
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for column in ("lsoa_code", "children"):
        if column not in frame:
            raise ETLError([Problem(path, f"missing column '{column}'", 1, column)])
    values = pd.to_numeric(frame["children"], errors="coerce")
    bad = values.isna() | (values <= 0)
    if bad.any():
        i = int(bad.idxmax())
        raise ETLError([Problem(path, f"'{frame.at[i, 'children']}' is not a number of "
                                "children above zero", i + 2, "children")])
    series = pd.Series(values.to_numpy(), index=frame["lsoa_code"].str.strip())
    missing = sorted(set(lsoas["lsoa_code"]) - set(series.index))
    if missing:
        raise ETLError([Problem(path, f"no figure for {len(missing)} of the authority's "
                                f"LSOAs (e.g. {', '.join(missing[:3])})", None, "lsoa_code")])
    what = frame["source"].iloc[0] if "source" in frame and frame["source"].iloc[0] else (
        "children, from the population file supplied with the extract")
    return series.reindex(lsoas["lsoa_code"]), what


def _period_bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    year = int(period[:4])
    return pd.Timestamp(f"{year}-04-01"), pd.Timestamp(f"{year + 1}-03-31")


def tabulate(counts: pd.DataFrame, lsoas: pd.DataFrame, population: pd.Series,
             authority: Authority, source: str, synthetic: bool) -> pd.DataFrame:
    """Contract rows for every LSOA, ward and the authority: counts and rates, suppressed.
    Rows come in blocks per measure and period, level (LSOA, ward, authority) and unit
    (count, rate), gathered as arrays and made into one frame at the end."""
    from etl.smallareas.disclosure import suppress

    columns: dict[str, list[np.ndarray]] = {k: [] for k in (
        "measure", "period", "area_code", "area_name", "geographic_level", "value", "unit",
        "status", "denominator")}
    ward_names = lsoas.drop_duplicates("ward_code").set_index("ward_code")["ward_name"]
    pop = population.reindex(lsoas["lsoa_code"]).to_numpy(dtype=float)
    wards_of = lsoas["ward_code"].to_numpy()
    for (measure, period), group in counts.groupby(["measure", "period"], sort=True):
        per_lsoa = group.set_index("lsoa_code")["count"].reindex(lsoas["lsoa_code"],
                                                                 fill_value=0)
        values = per_lsoa.reset_index(drop=True)
        hidden, ward_hidden, total_hidden = suppress(values, lsoas["ward_code"])
        ward_values = values.groupby(wards_of).sum()
        ward_pop = pd.Series(pop).groupby(wards_of).sum()
        levels = [
            ("lsoa", lsoas["lsoa_code"].to_numpy(), lsoas["lsoa_name"].to_numpy(),
             values.to_numpy(), pop, hidden.to_numpy()),
            ("ward", ward_values.index.to_numpy(), ward_names.reindex(ward_values.index)
             .to_numpy(), ward_values.to_numpy(), ward_pop.reindex(ward_values.index)
             .to_numpy(), ward_hidden.reindex(ward_values.index).to_numpy()),
            ("local_authority", np.array([authority.code]), np.array([authority.name]),
             np.array([values.sum()]), np.array([pop.sum()]), np.array([total_hidden])),
        ]
        for level, codes, names, count, denominator, c in levels:
            count = np.asarray(count, dtype=float)
            denominator = np.asarray(denominator, dtype=float)
            c = np.asarray(c, dtype=bool)
            with np.errstate(divide="ignore", invalid="ignore"):
                rate = count / denominator * 10_000
            n = len(codes)
            for unit, figure, suffix in (("count", count, ""),
                                         ("rate_per_10000", rate, "_rate")):
                columns["measure"].append(np.full(n, measure + suffix, dtype=object))
                columns["period"].append(np.full(n, period, dtype=object))
                columns["area_code"].append(np.asarray(codes, dtype=object))
                columns["area_name"].append(np.asarray(names, dtype=object))
                columns["geographic_level"].append(np.full(n, level, dtype=object))
                columns["value"].append(np.where(c, np.nan, figure))
                columns["unit"].append(np.full(n, unit, dtype=object))
                columns["status"].append(np.where(c, "c", None).astype(object))
                columns["denominator"].append(denominator)
    out = pd.DataFrame({k: np.concatenate(v) if v else np.array([], dtype=object)
                        for k, v in columns.items()})
    starts = {p: _period_bounds(p) for p in out["period"].unique()}
    out["period_type"] = "financial_year"
    out["period_start"] = out["period"].map(lambda p: starts[p][0].date())
    out["period_end"] = out["period"].map(lambda p: starts[p][1].date())
    out["breakdown"], out["breakdown_value"] = config.TOTAL, config.TOTAL
    out["source"], out["source_id"] = source, "smallarea_" + authority.code
    out["source_table"] = "Small-area extract"
    out["authority_code"], out["synthetic"] = authority.code, synthetic
    return out[CONTRACT_COLUMNS + SMALLAREA_EXTRA_COLUMNS]


def _extracts(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.csv") if p.name != POPULATION_FILE) \
        if folder.is_dir() else []


def build_authority(authority: Authority, external: Path, ref: Reference,
                    local: Path) -> tuple[pd.DataFrame, dict, dict, list[str]]:
    """One authority's rows, geo files, summary and notes."""
    lsoas = for_authority(ref, authority.districts)
    if lsoas.empty:
        raise ETLError([Problem(config.settings().raw_dir / "authorities.csv", f"no LSOA in "
                                f"{ref.files['deprivation']} belongs to the districts of "
                                f"{authority.name} ({', '.join(authority.districts)})",
                                None, "districts")])
    missing_ward = lsoas["ward_code"].isna()
    if missing_ward.any():
        raise ETLError([Problem(external / "imd" / ref.files["wards"], f"no ward for "
                                f"{int(missing_ward.sum())} of {authority.name}'s LSOAs "
                                f"(e.g. {lsoas.loc[missing_ward, 'lsoa_code'].iloc[0]})")])
    shapes, vintage, files = read_lsoas(external, authority, lsoas)
    if vintage != ref.vintage:
        raise ETLError([Problem(external / "boundaries", f"the boundaries use {vintage} LSOAs "
                                f"but the lookups in imd/ use {ref.vintage} LSOAs: use "
                                "matching releases")])
    lsoa_geo = coverage(shapes, external / "boundaries")
    folder = local / authority.code
    population, denominator = _population(folder, lsoas)
    lsoa_geo["children"] = population.reindex(lsoa_geo["lsoa_code"]).to_numpy()
    ward_geo = wards(lsoa_geo)
    paths = _extracts(folder)
    if paths:
        extract = read_extracts(paths, lsoas, set(ref.lsoas["lsoa_code"]))
        source, synthetic = f"Small-area extract ({', '.join(extract.files)})", False
    else:
        sample = synthetic_extract(lsoas, authority.code)
        extract = _count_sample(sample, lsoas, ref)
        source, synthetic = SYNTHETIC, True
    rows = tabulate(extract.counts, lsoas, population, authority, source, synthetic)
    geo = {f"geo/lsoa_{authority.code}.parquet": lsoa_geo,
           f"geo/ward_{authority.code}.parquet": ward_geo}
    lsoa_rows = rows[(rows["geographic_level"] == "lsoa") & (rows["unit"] == "count")]
    summary = {
        "authority": authority.name, "lsoas": len(lsoa_geo), "wards": len(ward_geo),
        "lsoa_vintage": vintage, "boundaries": files, "synthetic": synthetic,
        "source": source, "records": extract.records, "excluded": extract.excluded,
        "denominator": denominator,
        "periods": sorted(rows["period"].unique().tolist()),
        "suppressed_lsoa_counts": int((lsoa_rows["status"] == "c").sum()),
        "lsoa_counts": len(lsoa_rows),
    }
    notes = [f"{authority.name} small areas: {n:,} rows left out ({why})"
             for why, n in extract.excluded.items()] + extract.notes
    return rows, geo, summary, notes


def _count_sample(sample: pd.DataFrame, lsoas: pd.DataFrame, ref: Reference) -> Extract:
    """Count the synthetic sample (text cells, as a CSV is read) as a real extract is."""
    path = Path("synthetic_sample.csv")
    return read_extracts([path], lsoas, set(ref.lsoas["lsoa_code"]), read={path: sample})


def ready_authorities(raw: Path, external: Path,
                      extra: dict[str, Authority] | None = None) -> list[str]:
    """Codes of the authorities in authorities.csv (and ``extra``) whose LSOA boundaries
    (and the LSOA lookups in ``imd/``) are present."""
    if not (external / "imd").is_dir():
        return []
    listed = {**(extra or {}), **load_authorities(raw)}
    return [a.code for a in listed.values() if boundary_files(external, a.districts)]


def build_small_areas(raw: Path, external: Path, local: Path | None = None,
                      extra: dict[str, Authority] | None = None) -> SmallAreas:
    """Every authority of authorities.csv whose boundaries are present (the others are
    noted), and any ``extra`` one (the configured authority, from the lookups) that has
    its boundaries too."""
    out = SmallAreas()
    listed = load_authorities(raw)
    present = ready_authorities(raw, external, extra)
    authorities = {**listed, **{c: a for c, a in (extra or {}).items()
                                if c not in listed and c in present}}
    ready = [a for a in authorities.values() if a.code in present]
    if not ready:
        if not (external / "imd").is_dir() and any(
                boundary_files(external, a.districts) for a in authorities.values()):
            out.notes.append("No Indices of Deprivation or LSOA lookups (imd/ in the "
                             "external folder): the small-area maps are not drawn")
        return out
    ref = read_reference(external)
    problems = []
    for authority in authorities.values():
        if authority not in ready:
            out.notes.append(f"No LSOA boundaries for {authority.name}: its small-area maps "
                             "are not drawn")
            continue
        try:
            rows, geo, summary, notes = build_authority(authority, external, ref,
                                                        local or config.settings().local_dir)
        except ETLError as err:
            problems.extend(err.problems)
            continue
        out.frames.append(rows)
        out.geo.update(geo)
        out.summary[authority.code] = summary
        out.notes.extend(notes)
    if problems:
        raise ETLError(problems)
    return out
