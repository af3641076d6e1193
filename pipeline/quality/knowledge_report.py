"""Which reference knowledge a published dataset never used: entries to review or prune.

An entity of `data/reference/entities.yaml` is used when a published entity has its
canonical name and type; a treaty of `treaties.yaml` when a published treaty has its id.
Countries added from ISO 3166 (pycountry) are counted apart: most countries never occur
in a given corpus, and that is no reason to drop them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.knowledge.entities import load_entity_kb
from pipeline.knowledge.treaties import load_treaty_kb
from pipeline.release.schema import read_table
from pipeline.release.tables import entity_id


@dataclass
class KnowledgeReport:
    entities_total: int = 0
    entities_used: int = 0
    countries_total: int = 0
    countries_used: int = 0
    treaties_total: int = 0
    treaties_used: int = 0
    unused_entities: list[str] = field(default_factory=list)  # knowledge-base ids
    unused_treaties: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return dict(vars(self))


def knowledge_report(data: Path) -> KnowledgeReport:
    published_entities = set(read_table(data / "entities.csv")["entity_id"])
    published_treaties = set(read_table(data / "treaties.csv")["treaty_id"])
    report = KnowledgeReport()
    for record in load_entity_kb().records:
        used = entity_id(record.type, record.name) in published_entities
        if record.id.startswith("country-"):
            report.countries_total += 1
            report.countries_used += used
            continue
        report.entities_total += 1
        report.entities_used += used
        if not used:
            report.unused_entities.append(record.id)
    for treaty in load_treaty_kb().records:
        report.treaties_total += 1
        if treaty.id in published_treaties:
            report.treaties_used += 1
        else:
            report.unused_treaties.append(treaty.id)
    report.unused_entities.sort()
    report.unused_treaties.sort()
    return report
