"""The document record: one document's rows for every per-document table, and what
the corpus tables need to know from it.

It is built in one place (`pipeline.release.tables.document_record`), stored by the cache,
rebuilt from a published release for stale documents and analysts
(`record_from_tables`), and merged into the corpus tables by `pipeline.release.tables`. Rows
are dicts keyed by the schema's column names (`schemas/`); cells that hold several
values stay lists until the CSV writer joins them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Tables with rows per document; the corpus tables (entities, treaties) are merged.
DOCUMENT_TABLES = (
    "documents",
    "sentences",
    "mentions",
    "dates",
    "treaty_mentions",
    "recommendations",
    "citations",
)
LIST_SEPARATOR = "; "


@dataclass
class EntityFacts:
    """What a document says about an entity its mentions link to."""

    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    wikidata_id: str = ""
    iso3: str = ""


@dataclass
class TreatyFacts:
    """What a document says about an agreement it mentions."""

    name: str
    kind: str
    parties: list[str] = field(default_factory=list)
    signed: str = ""
    amended: list[str] = field(default_factory=list)
    status: str = ""
    aliases: list[str] = field(default_factory=list)
    wikidata_id: str = ""


@dataclass
class DocumentRecord:
    doc_id: str
    text: str
    rows: dict[str, list[dict[str, Any]]]  # DOCUMENT_TABLES -> rows
    entities: dict[str, EntityFacts] = field(default_factory=dict)  # entity_id -> facts
    treaties: dict[str, TreatyFacts] = field(default_factory=dict)  # treaty_id -> facts
    warnings: list[str] = field(default_factory=list)
    page_stats: list[dict[str, Any]] = field(default_factory=list)

    @property
    def document(self) -> dict[str, Any]:
        return self.rows["documents"][0]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DocumentRecord:
        return cls(
            doc_id=data["doc_id"],
            text=data["text"],
            rows={table: list(data["rows"].get(table, [])) for table in DOCUMENT_TABLES},
            entities={k: EntityFacts(**v) for k, v in data.get("entities", {}).items()},
            treaties={k: TreatyFacts(**v) for k, v in data.get("treaties", {}).items()},
            warnings=list(data.get("warnings", [])),
            page_stats=list(data.get("page_stats", [])),
        )


def split_list(value: Any) -> list[str]:
    """A published list cell back into its items ("" or missing -> [])."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    text = str(value)
    return text.split(LIST_SEPARATOR) if text else []
