"""Blocks into one document text and sentences with provenance."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.model import Block, SentenceContext

BLOCK_SEPARATOR = "\n\n"


def assemble_text(blocks: Sequence[Block]) -> tuple[str, list[int]]:
    """The published text of a document and the offset where each block starts."""
    offsets: list[int] = []
    position = 0
    for block in blocks:
        offsets.append(position)
        position += len(block.text) + len(BLOCK_SEPARATOR)
    return BLOCK_SEPARATOR.join(block.text for block in blocks), offsets


def doc_text(doc: Doc) -> str:
    """`doc.text`, cached: spaCy rebuilds it from the tokens on every access."""
    text = doc.user_data.get("text")
    if text is None:
        text = doc.user_data["text"] = doc.text
    return text


def segment(
    blocks: Sequence[Block], nlp: Language, *, batch_size: int = 64
) -> tuple[str, list[SentenceContext]]:
    """Parse one document's blocks with spaCy and split them into sentences."""
    return segment_many([blocks], nlp, batch_size=batch_size)[0]


def segment_many(
    documents: Sequence[Sequence[Block]], nlp: Language, *, batch_size: int = 256
) -> list[tuple[str, list[SentenceContext]]]:
    """Texts and sentences of many documents, through one `nlp.pipe` stream.

    Headings and titles are one sentence each: the statistical sentence
    splitter has no business inside a heading.
    """
    texts = [block.text for blocks in documents for block in blocks]
    docs = iter(nlp.pipe(texts, batch_size=batch_size))
    results = []
    for blocks in documents:
        text, offsets = assemble_text(blocks)
        sentences: list[SentenceContext] = []
        for block, offset in zip(blocks, offsets, strict=True):
            doc = next(docs)
            doc.user_data["text"] = block.text
            spans: Iterable = [doc[:]] if block.kind in ("heading", "title") else doc.sents
            for span in spans:
                span = _trim(span)
                if span is None:
                    continue
                sentences.append(
                    SentenceContext(
                        index=len(sentences),
                        span=span,
                        doc_offset=offset,
                        section=block.section,
                        kind=block.kind,
                        page=block.page,
                    )
                )
        results.append((text, sentences))
    return results


def _trim(span):
    """The span without leading/trailing whitespace tokens; None if empty."""
    start, end = span.start, span.end
    while start < end and span.doc[start].is_space:
        start += 1
    while end > start and span.doc[end - 1].is_space:
        end -= 1
    return span.doc[start:end] if end > start else None
