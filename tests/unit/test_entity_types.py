"""One type per name across the corpus: the knowledge base's, else the mentions' majority."""

from __future__ import annotations

from pipeline.release.record import DOCUMENT_TABLES, DocumentRecord, EntityFacts
from pipeline.release.tables import build_tables


def _record(doc_id: str, typed: list[tuple[str, str]], known: bool = False) -> DocumentRecord:
    """A document whose text is the names, one mention each, typed as given."""
    text = " ".join(name for name, _ in typed)
    rows: dict[str, list] = {table: [] for table in DOCUMENT_TABLES}
    rows["documents"] = [{"doc_id": doc_id}]
    facts: dict[str, EntityFacts] = {}
    position = 0
    for n, (name, type_) in enumerate(typed, 1):
        key = f"{type_.lower()}:{name.lower().replace(' ', '-')}"
        facts.setdefault(key, EntityFacts(name, type_, wikidata_id="Q1" if known else ""))
        rows["mentions"].append(
            {"mention_id": f"{doc_id}:m{n:05d}", "entity_id": key, "doc_id": doc_id,
             "sentence_id": f"{doc_id}:s00001", "start_char": position,
             "end_char": position + len(name), "text": name, "label": type_}
        )  # fmt: skip
        position += len(name) + 1
    return DocumentRecord(doc_id=doc_id, text=text, rows=rows, entities=facts)


def _types(*records: DocumentRecord) -> dict[str, str]:
    tables = build_tables(records)
    entities = tables["entities"]
    return dict(zip(entities["entity_id"], entities["type"], strict=True))


def test_the_majority_of_mentions_decides_a_names_type() -> None:
    types = _types(
        _record("a", [("Cancer Cabinet", "ORG"), ("Cancer Cabinet", "ORG")]),
        _record("b", [("Cancer Cabinet", "PERSON")]),
    )
    assert types == {"org:cancer-cabinet": "ORG"}


def test_every_mention_follows_its_entity_to_the_decided_type() -> None:
    tables = build_tables(
        [
            _record("a", [("Cancer Cabinet", "ORG"), ("Cancer Cabinet", "ORG")]),
            _record("b", [("Cancer Cabinet", "PERSON")]),
        ]
    )
    assert set(tables["mentions"]["entity_id"]) == {"org:cancer-cabinet"}
    assert tables["entities"].loc[0, "mentions"] == 3


def test_the_knowledge_base_type_wins_over_more_mentions() -> None:
    types = _types(
        _record("a", [("Georgia", "PERSON"), ("Georgia", "PERSON")]),
        _record("b", [("Georgia", "GPE")], known=True),
    )
    assert types == {"gpe:georgia": "GPE"}


def test_two_known_entities_sharing_a_name_stay_apart() -> None:
    types = _types(
        _record("a", [("Jordan", "GPE")], known=True),
        _record("b", [("Jordan", "PERSON")], known=True),
    )
    assert types == {"gpe:jordan": "GPE", "person:jordan": "PERSON"}


def test_the_decision_does_not_depend_on_document_order() -> None:
    a = _record("a", [("Rich Trumka", "ORG")])
    b = _record("b", [("Rich Trumka", "PERSON")])
    assert _types(a, b) == _types(b, a)
