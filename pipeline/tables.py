"""Per-document records and the corpus-level tables built from them.

A document record is plain JSON (what the cache stores): the document's rows
with document-scoped ids. `build_tables` merges records into the published
tables: entities and treaties are merged across documents by their canonical
keys, so ids depend only on names, never on processing order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pandas as pd

from pipeline.model import DocumentExtraction, DocumentMeta
from pipeline.tableschema import TABLES, columns, integer_columns, primary_key
from pipeline.text import slugify

LIST_SEPARATOR = "; "


def entity_id(type_: str, name: str) -> str:
    return f"{type_.lower()}:{slugify(name)}"


def document_record(
    extraction: DocumentExtraction,
    *,
    sha256: str,
    pages: int | None,
    treaty_links: dict[int, str],
) -> dict[str, Any]:
    """The rows of one document, JSON-ready, with ids in document order."""
    meta = extraction.meta
    doc_id = meta.doc_id
    sentence_ids = {s.index: f"{doc_id}:s{s.index + 1:05d}" for s in extraction.sentences}

    def ordered(items: Iterable[Any]) -> list[Any]:
        return sorted(items, key=lambda item: (item.start, item.end, getattr(item, "text", "")))

    document = {
        "doc_id": doc_id,
        "title": meta.title or doc_id,
        "authors": LIST_SEPARATOR.join(meta.authors),
        "publisher": meta.publisher,
        "published": meta.published,
        "source_url": meta.source_url,
        "license": meta.license,
        "media_type": meta.media_type,
        "sha256": sha256,
        "pages": pages,
        "words": len(extraction.text.split()),
        "status": "current",
    }
    sentences = [
        {
            "sentence_id": sentence_ids[s.index],
            "doc_id": doc_id,
            "page": s.page,
            "section": s.section,
            "kind": s.kind,
            "start_char": s.start,
            "end_char": s.end,
            "text": s.text,
        }
        for s in extraction.sentences
    ]
    mentions = [
        {
            "mention_id": f"{doc_id}:m{n:05d}",
            "entity_id": entity_id(m.type, m.name),
            "doc_id": doc_id,
            "sentence_id": sentence_ids[m.sentence_index],
            "start_char": m.start,
            "end_char": m.end,
            "text": m.text,
            "label": m.label,
            "_entity": {
                "name": m.name,
                "type": m.type,
                "aliases": list(m.aliases),
                "wikidata_id": m.wikidata_id,
                "iso3": m.iso3,
            },
        }
        for n, m in enumerate(ordered(extraction.entities), 1)
    ]
    date_order = sorted(
        range(len(extraction.dates)),
        key=lambda i: (extraction.dates[i].start, extraction.dates[i].end),
    )
    dates = []
    for n, i in enumerate(date_order, 1):
        d = extraction.dates[i]
        dates.append(
            {
                "date_id": f"{doc_id}:d{n:05d}",
                "doc_id": doc_id,
                "sentence_id": sentence_ids[d.sentence_index],
                "start_char": d.start,
                "end_char": d.end,
                "text": d.text,
                "value": d.value,
                "kind": d.kind,
                "granularity": d.granularity,
                "start": d.range_start,
                "end": d.range_end,
                "treaty_id": treaty_links.get(i, ""),
            }
        )
    treaty_mentions = [
        {
            "treaty_mention_id": f"{doc_id}:t{n:05d}",
            "treaty_id": t.key,
            "doc_id": doc_id,
            "sentence_id": sentence_ids[t.sentence_index],
            "start_char": t.start,
            "end_char": t.end,
            "text": t.text,
            "_treaty": {
                "name": t.name,
                "kind": t.kind,
                "parties": list(t.parties),
                "signed": t.signed,
                "amended": list(t.amended),
                "status": t.status,
                "aliases": list(t.aliases),
                "wikidata_id": t.wikidata_id,
            },
        }
        for n, t in enumerate(ordered(extraction.treaties), 1)
    ]
    recommendations = [
        {
            "recommendation_id": f"{doc_id}:r{n:05d}",
            "doc_id": doc_id,
            "sentence_id": sentence_ids[r.sentence_index],
            "start_char": r.start,
            "end_char": r.end,
            "text": r.text,
            "proposer": r.proposer or _default_proposer(meta),
            "proposer_entity_id": "",
            "addressee": r.addressee,
            "topic": r.topic,
            "modality": r.modality,
            "section": _section_of(extraction, r.sentence_index),
        }
        for n, r in enumerate(ordered(extraction.recommendations), 1)
    ]
    citations = [
        {
            "citation_id": f"{doc_id}:c{n:05d}",
            "citing_doc_id": doc_id,
            "cited_doc_id": c.cited_doc_id,
            "cited_title": c.cited_title,
            "sentence_id": sentence_ids[c.sentence_index],
            "start_char": c.start,
            "end_char": c.end,
            "text": c.text,
        }
        for n, c in enumerate(ordered(extraction.citations), 1)
    ]
    return {
        "documents": [document],
        "sentences": sentences,
        "mentions": mentions,
        "dates": dates,
        "treaty_mentions": treaty_mentions,
        "recommendations": recommendations,
        "citations": citations,
    }


def _default_proposer(meta: DocumentMeta) -> str:
    """The document's author when the extractor could not credit anyone."""
    return LIST_SEPARATOR.join(meta.authors) or meta.publisher or "unattributed"


def _section_of(extraction: DocumentExtraction, sentence_index: int) -> str:
    return extraction.sentences[sentence_index].section


def build_tables(records: Iterable[dict[str, Any]]) -> dict[str, pd.DataFrame]:
    """Corpus tables from document records, each sorted by its id."""
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        for table, table_rows in record.items():
            if table in TABLES:
                rows[table].extend(table_rows)
    rows["entities"] = _merge_entities(rows["mentions"])
    rows["treaties"] = _merge_treaties(rows["treaty_mentions"])
    _link_proposers(rows["recommendations"], rows["entities"])
    return {table: _frame(table, rows[table]) for table in TABLES}


def _merge_entities(mentions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for mention in mentions:
        grouped[mention["entity_id"]].append(mention)
    entities = []
    for key, group in grouped.items():
        info = group[0]["_entity"]
        aliases = {a for m in group for a in m["_entity"]["aliases"]}
        aliases |= {m["text"] for m in group}
        aliases.discard(info["name"])
        entities.append(
            {
                "entity_id": key,
                "name": info["name"],
                "type": info["type"],
                "aliases": LIST_SEPARATOR.join(sorted(aliases)),
                "wikidata_id": _first(m["_entity"]["wikidata_id"] for m in group),
                "iso3": _first(m["_entity"]["iso3"] for m in group),
                "mentions": len(group),
                "documents": LIST_SEPARATOR.join(sorted({m["doc_id"] for m in group})),
            }
        )
    return entities


def _merge_treaties(mentions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for mention in mentions:
        grouped[mention["treaty_id"]].append(mention)
    treaties = []
    for key, group in grouped.items():
        infos = [m["_treaty"] for m in group]
        name = infos[0]["name"]
        aliases = {a for info in infos for a in info["aliases"]} | {m["text"] for m in group}
        aliases.discard(name)
        treaties.append(
            {
                "treaty_id": key,
                "name": name,
                "aliases": LIST_SEPARATOR.join(sorted(aliases)),
                "kind": _most_common(info["kind"] for info in infos) or "other",
                "parties": LIST_SEPARATOR.join(
                    _most_common_list(info["parties"] for info in infos)
                ),
                "signed": _most_common(info["signed"] for info in infos),
                "amended": LIST_SEPARATOR.join(
                    sorted({a for info in infos for a in info["amended"]})
                ),
                "status": _most_common(info["status"] for info in infos),
                "wikidata_id": _first(info["wikidata_id"] for info in infos),
                "mentions": len(group),
                "documents": LIST_SEPARATOR.join(sorted({m["doc_id"] for m in group})),
            }
        )
    return treaties


def _link_proposers(recommendations: list[dict[str, Any]], entities: list[dict[str, Any]]) -> None:
    by_name: dict[str, str] = {}
    for entity in sorted(entities, key=lambda e: e["entity_id"]):
        if entity["type"] in ("PERSON", "ORG", "GPE"):
            by_name.setdefault(entity["name"].casefold(), entity["entity_id"])
    for recommendation in recommendations:
        recommendation["proposer_entity_id"] = by_name.get(
            recommendation["proposer"].casefold(), ""
        )


def _frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    names = columns(table)
    frame = pd.DataFrame([{name: row.get(name) for name in names} for row in rows], columns=names)
    for column in integer_columns(table):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    frame = frame.sort_values(primary_key(table), kind="stable").reset_index(drop=True)
    return frame.replace({"": None})


def _first(values: Iterable[str]) -> str:
    return min((v for v in values if v), default="")


def _most_common(values: Iterable[str]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for value in values:
        if value:
            counts[value] += 1
    return min(counts, key=lambda v: (-counts[v], v)) if counts else ""


def _most_common_list(values: Iterable[list[str]]) -> list[str]:
    joined = _most_common(LIST_SEPARATOR.join(sorted(v)) for v in values)
    return joined.split(LIST_SEPARATOR) if joined else []
