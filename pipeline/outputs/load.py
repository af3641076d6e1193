"""Load a published dataset into typed pandas DataFrames, for analysts.

    >>> import pipeline
    >>> data = pipeline.load("data/processed")
    >>> data.mentions.merge(data.entities, on="entity_id")          # doctest: +SKIP
    >>> data.explode("treaties", "parties")                         # doctest: +SKIP
    >>> data.text("haggard-2021-beyond-deterrence")[0:66]           # doctest: +SKIP

Dtypes follow `schemas/<table>.schema.json`: integers are nullable `Int64`, `date`
fields `datetime64`, fields with an `enum` constraint `category` (with every allowed
value as a category, used or not), everything else the `string` dtype. Cells that
hold lists (`"; "`-joined, e.g. `treaties.parties`) stay strings; `Dataset.explode`
gives one row per item.

How the tables relate (foreign key → primary key):

    sentences.doc_id                   → documents.doc_id
    mentions.entity_id                 → entities.entity_id
    mentions.doc_id                    → documents.doc_id
    mentions.sentence_id               → sentences.sentence_id
    dates.doc_id                       → documents.doc_id
    dates.sentence_id                  → sentences.sentence_id
    dates.treaty_id                    → treaties.treaty_id
    treaty_mentions.treaty_id          → treaties.treaty_id
    treaty_mentions.doc_id             → documents.doc_id
    treaty_mentions.sentence_id        → sentences.sentence_id
    recommendations.doc_id             → documents.doc_id
    recommendations.sentence_id        → sentences.sentence_id
    recommendations.proposer_entity_id → entities.entity_id
    citations.citing_doc_id            → documents.doc_id
    citations.sentence_id              → sentences.sentence_id

Lists of ids that are not foreign keys but resolve the same way once exploded:
`entities.documents` and `treaties.documents` → `documents.doc_id`.
Offsets: `data.text(doc_id)[start_char:end_char] == text` for every row of
sentences, mentions, dates, treaty_mentions, recommendations and citations.

This module imports pandas lazily: `import pipeline` stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.release.record import DocumentRecord

LIST_SEPARATOR = "; "
DEFAULT_FOLDER = "data/processed"


def _schema(table: str) -> dict[str, Any]:
    from pipeline.release.schema import load_schema

    return load_schema(table)


def pandas_dtype(field_spec: dict[str, Any]) -> str:
    """The pandas dtype a schema field loads as: Int64, Float64, datetime64, category or
    string."""
    if field_spec.get("type") == "integer":
        return "Int64"
    if field_spec.get("type") == "number":
        return "Float64"
    if field_spec.get("type") == "date":
        return "datetime64"
    if "enum" in field_spec.get("constraints", {}):
        return "category"
    return "string"


def _typed_column(values: pd.Series, field_spec: dict[str, Any], table: str) -> pd.Series:
    import pandas as pd

    kind = pandas_dtype(field_spec)
    name = f"{table}.{field_spec['name']}"
    if kind == "Int64":
        numbers = pd.to_numeric(values, errors="coerce")
        _fail_on_coerced(values, numbers, name, "an integer")
        return numbers.astype("Int64")
    if kind == "Float64":
        numbers = pd.to_numeric(values, errors="coerce")
        _fail_on_coerced(values, numbers, name, "a number")
        return numbers.astype("Float64")
    if kind == "datetime64":
        days = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        _fail_on_coerced(values, days, name, "an ISO date (YYYY-MM-DD)")
        return days
    if kind == "category":
        categories = pd.CategoricalDtype(field_spec["constraints"]["enum"])
        typed = values.astype("string").astype(categories)
        _fail_on_coerced(values, typed, name, f"one of {list(categories.categories)}")
        return typed
    return values.astype("string")


def _fail_on_coerced(raw: pd.Series, typed: pd.Series, name: str, expected: str) -> None:
    bad = raw.notna() & typed.isna()
    if bad.any():
        value = raw[bad].iloc[0]
        raise ValueError(f"{name}: {value!r} (row {bad.idxmax()}) is not {expected}")


def _read_typed(folder: Path, table: str) -> pd.DataFrame:
    """One published CSV, each schema column typed; extra columns kept as strings."""
    from pipeline.release.schema import read_table

    path = folder / f"{table}.csv"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: is {folder} a published briefdata dataset?")
    frame = read_table(path)
    specs = {spec["name"]: spec for spec in _schema(table)["fields"]}
    for column in frame.columns:
        spec = specs.get(column, {"name": column, "type": "string"})
        frame[column] = _typed_column(frame[column], spec, table)
    return frame


@dataclass
class Dataset:
    """The published tables of one dataset folder, typed (see the module docstring)."""

    folder: Path
    documents: pd.DataFrame
    sentences: pd.DataFrame
    entities: pd.DataFrame
    mentions: pd.DataFrame
    dates: pd.DataFrame
    treaties: pd.DataFrame
    treaty_mentions: pd.DataFrame
    recommendations: pd.DataFrame
    citations: pd.DataFrame
    _texts: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def table_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls) if f.name not in ("folder", "_texts"))

    def table(self, name: str) -> pd.DataFrame:
        if name not in self.table_names():
            raise KeyError(f"no table {name!r}; tables: {', '.join(self.table_names())}")
        return getattr(self, name)

    def text(self, doc_id: str) -> str:
        """The normalized text of a document, which every `start_char`/`end_char` indexes."""
        if doc_id not in self._texts:
            path = self.folder / "text" / f"{doc_id}.txt"
            if not path.exists():
                raise KeyError(f"no text for document {doc_id!r} ({path} is missing)")
            self._texts[doc_id] = path.read_text(encoding="utf-8")
        return self._texts[doc_id]

    def record(self, doc_id: str) -> DocumentRecord:
        """One document's typed record: its rows (lists as lists), its entities' and
        treaties' facts, and its text, as the pipeline built it."""
        from pipeline.release.schema import read_table
        from pipeline.release.stale import record_from_tables

        raw = {name: read_table(self.folder / f"{name}.csv") for name in self.table_names()}
        if doc_id not in set(raw["documents"]["doc_id"]):
            raise KeyError(f"no document {doc_id!r} in {self.folder}")
        return record_from_tables(doc_id, raw, self.text(doc_id))

    def explode(self, table: str, column: str, dropna: bool = False) -> pd.DataFrame:
        """`table` with one row per "; "-separated item of `column` (a `string` column).

        Rows whose cell is empty keep one row with a missing value, unless `dropna`.
        The index is reset; the other columns are repeated as they are.
        """
        frame = self.table(table)
        if column not in frame.columns:
            raise KeyError(f"{table} has no column {column!r}")
        items = frame[column].astype("string").str.split(LIST_SEPARATOR, regex=False)
        exploded = frame.assign(**{column: items}).explode(column, ignore_index=True)
        exploded[column] = exploded[column].astype("string").str.strip()
        if dropna:
            exploded = exploded[exploded[column].notna()].reset_index(drop=True)
        return exploded


def load(folder: Path | str = DEFAULT_FOLDER) -> Dataset:
    """Read every published table of `folder` with the dtypes of `schemas/` (see module doc)."""
    path = Path(folder)
    if not path.is_dir():
        raise FileNotFoundError(f"{path} is not a folder; run `make run` to publish the dataset")
    tables = {name: _read_typed(path, name) for name in Dataset.table_names()}
    return Dataset(folder=path, **tables)
