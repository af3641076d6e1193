"""Keep a document's last good extraction when it fails now.

The previous release holds everything needed: the document's rows in each
table and its text. They are turned back into a record, marked stale, and go
into the new release unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.tableschema import DOC_COLUMN, TABLES, read_table

PER_DOCUMENT = [t for t in TABLES if t not in ("entities", "treaties")]


def stale_records(release: Path, doc_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Records rebuilt from the published release for each doc id found there."""
    if not doc_ids or not (release / "documents.csv").exists():
        return {}
    try:
        tables = {table: read_table(release / f"{table}.csv") for table in TABLES}
    except (FileNotFoundError, pd.errors.ParserError):
        return {}
    published = set(tables["documents"]["doc_id"])
    records = {}
    for doc_id in sorted(set(doc_ids) & published):
        text_path = release / "text" / f"{doc_id}.txt"
        if text_path.exists():
            records[doc_id] = _record(doc_id, tables, text_path.read_text(encoding="utf-8"))
    return records


def _record(doc_id: str, tables: dict[str, pd.DataFrame], text: str) -> dict[str, Any]:
    record: dict[str, Any] = {"text": text, "warnings": [], "page_stats": []}
    for table in PER_DOCUMENT:
        frame = tables[table]
        rows = frame[frame[DOC_COLUMN.get(table, "doc_id")] == doc_id]
        record[table] = [_clean(row) for row in rows.to_dict("records")]
    record["documents"][0]["status"] = "stale"
    entities = tables["entities"].set_index("entity_id")
    for mention in record["mentions"]:
        entity = entities.loc[mention["entity_id"]]
        mention["_entity"] = {
            "name": entity["name"],
            "type": entity["type"],
            "aliases": _split(entity["aliases"]),
            "wikidata_id": _text(entity["wikidata_id"]),
            "iso3": _text(entity["iso3"]),
        }
    treaties = tables["treaties"].set_index("treaty_id")
    for mention in record["treaty_mentions"]:
        treaty = treaties.loc[mention["treaty_id"]]
        mention["_treaty"] = {
            "name": treaty["name"],
            "kind": treaty["kind"],
            "parties": _split(treaty["parties"]),
            "signed": _text(treaty["signed"]),
            "amended": _split(treaty["amended"]),
            "status": _text(treaty["status"]),
            "aliases": _split(treaty["aliases"]),
            "wikidata_id": _text(treaty["wikidata_id"]),
        }
    return record


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    return {key: _text(value) for key, value in row.items()}


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _split(value: Any) -> list[str]:
    text = _text(value)
    return text.split("; ") if text else []
