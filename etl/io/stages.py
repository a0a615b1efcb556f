"""A stage's result kept beside the build it made, for the next incremental run.

A stage's result is pickled (``stages/<name>.pickle``), except for its datasets, which the
same version holds as Parquet already: each is kept as a ``Stored`` note of its file and
dtypes, and read back from that file when the result is loaded. The releases' datasets
are most of a build (pickled whole they were 65 MB, two seconds to write and as many
to read); read back from Parquet they cost a fraction of that and nothing to keep.
"""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pandas.api.types import is_object_dtype


@dataclass(frozen=True)
class Stored:
    """A dataset left out of the pickle: its file in the version, and its dtypes."""

    file: str
    dtypes: dict


def _slim(value: object) -> object:
    datasets = getattr(value, "datasets", None)
    if not isinstance(datasets, dict) or not dataclasses.is_dataclass(value):
        return value
    return dataclasses.replace(value, datasets={
        name: Stored(f"{name}.parquet", frame.dtypes.to_dict())
        for name, frame in datasets.items()})


def _restored(frame: pd.DataFrame, dtypes: dict) -> pd.DataFrame:
    """The frame with the dtypes it had before it was written, but for text: Parquet reads
    it back as pandas' string dtype, which the rest of the build takes as it takes Python
    strings (the joined outputs come out the same, tested file by file), and turning 175,000
    rows of it back into objects was most of the time a reused release stage took to load."""
    differ = {c: t for c, t in dtypes.items() if c in frame and frame[c].dtype != t
              and not (is_object_dtype(t) and isinstance(frame[c].dtype, pd.StringDtype))}
    return frame.astype(differ) if differ else frame


def save(value: object, path: Path) -> None:
    """Pickle a stage's result, its datasets noted rather than copied."""
    with open(path, "wb") as handle:
        pickle.dump(_slim(value), handle, protocol=pickle.HIGHEST_PROTOCOL)


def load(path: Path, version: Path) -> object:
    """A stage's result as ``save`` kept it, its datasets read back from ``version``."""
    with open(path, "rb") as handle:
        value = pickle.load(handle)
    datasets = getattr(value, "datasets", None)
    if isinstance(datasets, dict) and any(isinstance(d, Stored) for d in datasets.values()):
        value = dataclasses.replace(value, datasets={
            name: _restored(pd.read_parquet(version / d.file), d.dtypes)
            if isinstance(d, Stored) else d for name, d in datasets.items()})
    return value
