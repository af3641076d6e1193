"""Every extractor over one segmented document."""

from __future__ import annotations

from dataclasses import replace

from pipeline.types import DocumentExtraction, DocumentMeta, SentenceContext


def run_extractors(
    meta: DocumentMeta, text: str, sentences: list[SentenceContext]
) -> DocumentExtraction:
    """Every extractor over one segmented document."""
    from pipeline.extract.citations import extract_citations
    from pipeline.extract.dates import extract_dates
    from pipeline.extract.entities import extract_entities
    from pipeline.extract.recommendations import extract_recommendations
    from pipeline.extract.treaties import extract_treaties, link_dates_to_treaties
    from pipeline.knowledge.entities import load_entity_kb
    from pipeline.knowledge.treaties import load_treaty_kb

    entities = extract_entities(sentences, meta, load_entity_kb())
    dates = extract_dates(sentences, meta)
    treaties = extract_treaties(sentences, meta, load_treaty_kb(), entities, dates)
    extraction = DocumentExtraction(
        meta=meta,
        text=text,
        sentences=sentences,
        entities=entities,
        dates=dates,
        treaties=treaties,
        recommendations=extract_recommendations(sentences, meta, entities),
        citations=extract_citations(sentences, meta),
    )
    return replace(extraction, dates=link_dates_to_treaties(dates, treaties))
