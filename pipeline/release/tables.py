"""Per-document records and the corpus-level tables built from them.

`document_record` is the one place a document's rows are made (JSON-ready, with
document-scoped ids). `build_tables` merges records into the published tables:
entities and treaties are merged across documents by their canonical keys, so ids
depend only on names, never on processing order. Lists stay lists until `_frame`,
the CSV writer's input, joins them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pandas as pd

from pipeline.release.record import (
    DOCUMENT_TABLES,
    LIST_SEPARATOR,
    DocumentRecord,
    EntityFacts,
    TreatyFacts,
)
from pipeline.release.schema import TABLES, columns, integer_columns, list_columns, primary_key
from pipeline.text import slugify
from pipeline.types import DocumentExtraction, DocumentMeta


def entity_id(type_: str, name: str) -> str:
    return f"{type_.lower()}:{slugify(name)}"


def document_record(
    extraction: DocumentExtraction, *, sha256: str, pages: int | None
) -> DocumentRecord:
    """The rows of one document, with ids in document order."""
    meta = extraction.meta
    doc_id = meta.doc_id
    sentence_ids = {s.index: f"{doc_id}:s{s.index + 1:05d}" for s in extraction.sentences}

    def ordered(items: Iterable[Any]) -> list[Any]:
        return sorted(items, key=lambda item: (item.start, item.end, getattr(item, "text", "")))

    def located(item: Any) -> dict[str, Any]:
        return {
            "doc_id": doc_id,
            "sentence_id": sentence_ids[item.sentence_index],
            "start_char": item.start,
            "end_char": item.end,
            "text": item.text,
        }

    record = DocumentRecord(doc_id=doc_id, text=extraction.text, rows={})
    record.rows["documents"] = [_document_row(meta, extraction.text, sha256, pages)]
    record.rows["sentences"] = [
        {"sentence_id": sentence_ids[s.index], "doc_id": doc_id, "page": s.page,
         "section": s.section, "kind": s.kind, "start_char": s.start, "end_char": s.end,
         "text": s.text}
        for s in extraction.sentences
    ]  # fmt: skip
    record.rows["mentions"] = []
    for n, m in enumerate(ordered(extraction.entities), 1):
        key = entity_id(m.type, m.name)
        record.entities.setdefault(
            key, EntityFacts(m.name, m.type, list(m.aliases), m.wikidata_id, m.iso3)
        )
        record.rows["mentions"].append(
            {"mention_id": f"{doc_id}:m{n:05d}", "entity_id": key, **located(m), "label": m.label}
        )
    record.rows["dates"] = [
        {"date_id": f"{doc_id}:d{n:05d}", **located(d), "value": d.value, "kind": d.kind,
         "granularity": d.granularity, "start": d.range_start, "end": d.range_end,
         "treaty_id": d.treaty_id}
        for n, d in enumerate(ordered(extraction.dates), 1)
    ]  # fmt: skip
    record.rows["treaty_mentions"] = []
    for n, t in enumerate(ordered(extraction.treaties), 1):
        record.treaties.setdefault(
            t.key,
            TreatyFacts(t.name, t.kind, list(t.parties), t.signed, list(t.amended), t.status,
                        list(t.aliases), t.wikidata_id),
        )  # fmt: skip
        record.rows["treaty_mentions"].append(
            {"treaty_mention_id": f"{doc_id}:t{n:05d}", "treaty_id": t.key, **located(t)}
        )
    record.rows["recommendations"] = [
        {"recommendation_id": f"{doc_id}:r{n:05d}", **located(r),
         "proposer": r.proposers or _default_proposer(meta), "proposer_entity_id": "",
         "addressee": list(r.addressees), "topic": r.topic, "modality": r.modality,
         "confidence": r.confidence, "section": extraction.sentences[r.sentence_index].section}
        for n, r in enumerate(ordered(extraction.recommendations), 1)
    ]  # fmt: skip
    record.rows["citations"] = [
        {"citation_id": f"{doc_id}:c{n:05d}", "citing_doc_id": doc_id,
         "cited_doc_id": c.cited_doc_id, "cited_title": c.cited_title,
         "sentence_id": sentence_ids[c.sentence_index], "start_char": c.start,
         "end_char": c.end, "text": c.text}
        for n, c in enumerate(ordered(extraction.citations), 1)
    ]  # fmt: skip
    return record


def _document_row(meta: DocumentMeta, text: str, sha256: str, pages: int | None) -> dict:
    return {
        "doc_id": meta.doc_id,
        "title": meta.title or meta.doc_id,
        "authors": list(meta.authors),
        "publisher": meta.publisher,
        "published": meta.published,
        "source_url": meta.source_url,
        "license": meta.license,
        "media_type": meta.media_type,
        "language": meta.language or "en",
        "sha256": sha256,
        "pages": pages,
        "words": len(text.split()),
        "status": "current",
    }


def _default_proposer(meta: DocumentMeta) -> list[str]:
    """The document's author when the extractor could not credit anyone."""
    return list(meta.authors) or [meta.publisher or "unattributed"]


def build_tables(records: Iterable[DocumentRecord]) -> dict[str, pd.DataFrame]:
    """Corpus tables from document records, each sorted by its id."""
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    entity_facts: dict[str, list[EntityFacts]] = defaultdict(list)
    treaty_facts: dict[str, dict[str, TreatyFacts]] = defaultdict(dict)
    for record in records:
        for table in DOCUMENT_TABLES:
            rows[table].extend(record.rows[table])
        for key, facts in record.entities.items():
            entity_facts[key].append(facts)
        for key, facts in record.treaties.items():
            treaty_facts[key][record.doc_id] = facts
    rows["mentions"] = _one_type_per_name(rows["mentions"], entity_facts)
    rows["entities"] = _merge_entities(rows["mentions"], entity_facts)
    rows["treaties"] = _merge_treaties(rows["treaty_mentions"], treaty_facts)
    _link_proposers(rows["recommendations"], rows["entities"])
    return {table: _frame(table, rows[table]) for table in TABLES}


# When the votes tie, the type the guidelines' examples make most likely for a bare name.
_TYPE_PREFERENCE = ("GPE", "ORG", "PERSON", "LOC", "NORP", "EVENT", "LAW")


def _one_type_per_name(
    mentions: list[dict[str, Any]], facts: dict[str, list[EntityFacts]]
) -> list[dict[str, Any]]:
    """One type for a name the extractor typed differently in different sentences
    ("Cancer Cabinet" as ORG four times and PERSON twice): the knowledge base's type when
    it knows the name, else the type most mentions have. Two known entities that share a
    name are left apart."""
    known = {key for key, found in facts.items() if any(_is_known(f) for f in found)}
    by_name: dict[str, list[str]] = defaultdict(list)
    for key in facts:
        by_name[key.split(":", 1)[1]].append(key)
    votes: dict[str, int] = defaultdict(int)
    for mention in mentions:
        votes[mention["entity_id"]] += 1
    moved: dict[str, str] = {}
    for keys in by_name.values():
        if len(keys) < 2 or sum(key in known for key in keys) > 1:
            continue
        winner = max(keys, key=lambda k: (k in known, votes[k], -_type_rank(facts[k][0].type)))
        moved.update({key: winner for key in keys if key != winner})
    if not moved:
        return mentions
    for key, winner in moved.items():
        facts[winner].extend(facts.pop(key))
    return [
        {**m, "entity_id": moved[m["entity_id"]]} if m["entity_id"] in moved else m
        for m in mentions
    ]


def _is_known(facts: EntityFacts) -> bool:
    return bool(facts.wikidata_id or facts.iso3 or facts.aliases)


def _type_rank(type_: str) -> int:
    return _TYPE_PREFERENCE.index(type_) if type_ in _TYPE_PREFERENCE else len(_TYPE_PREFERENCE)


def _merge_entities(
    mentions: list[dict[str, Any]], facts: dict[str, list[EntityFacts]]
) -> list[dict[str, Any]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for mention in mentions:
        grouped[mention["entity_id"]].append(mention)
    entities = []
    for key, group in grouped.items():
        known = facts[key]
        name = known[0].name
        aliases = {a for f in known for a in f.aliases} | {m["text"] for m in group}
        aliases.discard(name)
        entities.append(
            {
                "entity_id": key,
                "name": name,
                "type": known[0].type,
                "aliases": sorted(aliases),
                "wikidata_id": _first(f.wikidata_id for f in known),
                "iso3": _first(f.iso3 for f in known),
                "mentions": len(group),
                "documents": sorted({m["doc_id"] for m in group}),
            }
        )
    return entities


def _merge_treaties(
    mentions: list[dict[str, Any]], facts: dict[str, dict[str, TreatyFacts]]
) -> list[dict[str, Any]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for mention in mentions:
        grouped[mention["treaty_id"]].append(mention)
    treaties = []
    for key, group in grouped.items():
        # One vote per mention: the facts of the document each mention sits in.
        infos = [facts[key][m["doc_id"]] for m in group]
        name = infos[0].name
        aliases = {a for info in infos for a in info.aliases} | {m["text"] for m in group}
        aliases.discard(name)
        treaties.append(
            {
                "treaty_id": key,
                "name": name,
                "aliases": sorted(aliases),
                "kind": _most_common(info.kind for info in infos) or "other",
                "parties": _most_common_list(info.parties for info in infos),
                "signed": _most_common(info.signed for info in infos),
                "amended": sorted({a for info in infos for a in info.amended}),
                "status": _most_common(info.status for info in infos),
                "wikidata_id": _first(info.wikidata_id for info in infos),
                "mentions": len(group),
                "documents": sorted({m["doc_id"] for m in group}),
            }
        )
    return treaties


def _link_proposers(recommendations: list[dict[str, Any]], entities: list[dict[str, Any]]) -> None:
    by_name: dict[str, str] = {}
    for entity in sorted(entities, key=lambda e: e["entity_id"]):
        if entity["type"] in ("PERSON", "ORG", "GPE"):
            by_name.setdefault(entity["name"].casefold(), entity["entity_id"])
    for recommendation in recommendations:
        joined = LIST_SEPARATOR.join(recommendation["proposer"])
        recommendation["proposer_entity_id"] = by_name.get(joined.casefold(), "")


def _frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The table as the CSV writer gets it: schema columns, lists joined, sorted by id."""
    names = columns(table)
    lists = set(list_columns(table))
    frame = pd.DataFrame(
        [{name: _cell(row.get(name), name in lists) for name in names} for row in rows],
        columns=names,
    )
    for column in integer_columns(table):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    frame = frame.sort_values(primary_key(table), kind="stable").reset_index(drop=True)
    return frame.replace({"": None})


def _cell(value: Any, is_list: bool) -> Any:
    if is_list and isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(value)
    return value


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
