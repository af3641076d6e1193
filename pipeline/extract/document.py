"""Every extractor over one segmented document."""

from __future__ import annotations

from pipeline.extract.citations import extract_citations
from pipeline.extract.common import knowledge
from pipeline.extract.dates import extract_dates
from pipeline.extract.entities import extract_entities
from pipeline.extract.recommendations import extract_recommendations
from pipeline.extract.treaties import extract_treaties, link_dates_to_treaties
from pipeline.types import DocumentExtraction, DocumentMeta, SentenceContext


def run_extractors(
    meta: DocumentMeta, text: str, sentences: list[SentenceContext]
) -> DocumentExtraction:
    """Every extractor over one segmented document: entities first, then what reads them."""
    dates = extract_dates(sentences, meta)
    if meta.language not in ("", "en"):
        # The English models misread other languages: only the dates' rules apply.
        return DocumentExtraction(meta=meta, text=text, sentences=sentences, dates=dates)
    known = knowledge()
    entities = extract_entities(sentences, meta, known.entities)
    treaties = extract_treaties(sentences, meta, known.treaties, entities, dates)
    return DocumentExtraction(
        meta=meta,
        text=text,
        sentences=sentences,
        entities=entities,
        dates=link_dates_to_treaties(dates, treaties, text),
        treaties=treaties,
        recommendations=extract_recommendations(sentences, meta, entities),
        citations=extract_citations(sentences, meta),
    )
