"""Document records rebuilt from a published release.

When a document fails in this run, its last good extraction is kept: the previous
release holds everything its record needs (its rows in each table, its entities'
and treaties' facts, its text). The same rebuilding gives analysts a document's
typed record from a published dataset (`pipeline.load(...).record(doc_id)`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.release.record import (
    DOCUMENT_TABLES,
    DocumentRecord,
    EntityFacts,
    TreatyFacts,
    split_list,
)
from pipeline.release.schema import (
    DOC_COLUMN,
    TABLES,
    integer_columns,
    list_columns,
    number_columns,
    read_table,
)


def stale_records(release: Path, doc_ids: list[str]) -> dict[str, DocumentRecord]:
    """Records rebuilt from the published release for each doc id found there, marked stale."""
    if not doc_ids or not (release / "documents.csv").exists():
        return {}
    try:
        tables = {table: read_table(release / f"{table}.csv") for table in TABLES}
    except (OSError, pd.errors.ParserError):
        return {}
    published = set(tables["documents"]["doc_id"])
    records = {}
    for doc_id in sorted(set(doc_ids) & published):
        text_path = release / "text" / f"{doc_id}.txt"
        if text_path.exists():
            record = record_from_tables(doc_id, tables, text_path.read_text(encoding="utf-8"))
            record.document["status"] = "stale"
            records[doc_id] = record
    return records


def record_from_tables(doc_id: str, tables: dict[str, pd.DataFrame], text: str) -> DocumentRecord:
    """One document's record from the published tables (all cells as strings)."""
    rows = {}
    for table in DOCUMENT_TABLES:
        frame = tables[table]
        selected = frame[frame[DOC_COLUMN.get(table, "doc_id")] == doc_id]
        rows[table] = [_row(table, row) for row in selected.to_dict("records")]
    record = DocumentRecord(doc_id=doc_id, text=text, rows=rows)
    entities = tables["entities"].set_index("entity_id")
    for key in dict.fromkeys(m["entity_id"] for m in rows["mentions"]):
        entity = entities.loc[key]
        record.entities[key] = EntityFacts(
            name=entity["name"], type=entity["type"], aliases=split_list(entity["aliases"]),
            wikidata_id=_text(entity["wikidata_id"]), iso3=_text(entity["iso3"]),
        )  # fmt: skip
    treaties = tables["treaties"].set_index("treaty_id")
    for key in dict.fromkeys(m["treaty_id"] for m in rows["treaty_mentions"]):
        treaty = treaties.loc[key]
        record.treaties[key] = TreatyFacts(
            name=treaty["name"], kind=treaty["kind"], parties=split_list(treaty["parties"]),
            signed=_text(treaty["signed"]), amended=split_list(treaty["amended"]),
            status=_text(treaty["status"]), aliases=split_list(treaty["aliases"]),
            wikidata_id=_text(treaty["wikidata_id"]),
        )  # fmt: skip
    return record


def _row(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A published row as a record's row: lists split, integers as integers."""
    lists, integers = set(list_columns(table)), set(integer_columns(table))
    numbers = set(number_columns(table))
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in lists:
            out[key] = split_list(value)
        elif key in integers:
            out[key] = None if _text(value) == "" else int(value)
        elif key in numbers:
            out[key] = None if _text(value) == "" else float(value)
        else:
            out[key] = _text(value)
    return out


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
