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
    blocks: Sequence[Block], nlp: Language, *, batch_size: int = 64, n_process: int = 1
) -> tuple[str, list[SentenceContext]]:
    """Parse every block with spaCy and split it into sentences.

    Headings and titles are one sentence each: the statistical sentence
    splitter has no business inside a heading.
    """
    text, offsets = assemble_text(blocks)
    docs = nlp.pipe((block.text for block in blocks), batch_size=batch_size, n_process=n_process)
    sentences: list[SentenceContext] = []
    for block, offset, doc in zip(blocks, offsets, docs, strict=True):
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
    return text, sentences


def _trim(span):
    """The span without leading/trailing whitespace tokens; None if empty."""
    start, end = span.start, span.end
    while start < end and span.doc[start].is_space:
        start += 1
    while end > start and span.doc[end - 1].is_space:
        end -= 1
    return span.doc[start:end] if end > start else None
