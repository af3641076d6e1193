"""Blocks into one document text and sentences with provenance."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.ingest.reader import ReadResult
from pipeline.ingest.source import read_source
from pipeline.progress import heartbeat
from pipeline.types import Block, DocumentMeta, SentenceContext

BLOCK_SEPARATOR = "\n\n"
# Longest text given to the model at once. A longer block is parsed as several pieces
# that share its provenance: spaCy refuses texts over `nlp.max_length` (1,000,000
# characters). The longest paragraph of the 1,000-document corpus has 24,685.
MODEL_PIECE_CHARS = 50_000
# Texts go to `nlp.pipe` in groups of at most this many characters (or one piece): the
# model needs about 3 KB per character of a batch, so a batch of long pieces stays
# as small as a batch of 256 paragraphs. Results do not depend on how texts are batched.
MODEL_GROUP_CHARS = 100_000
# Where a long block is cut, by preference: a paragraph break, the end of a sentence,
# then any space or line break.
_CUT_AFTER = ("\n\n", ". ")
_SPACES = (" ", "\n")


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
    splitter has no business inside a heading. A block longer than
    `MODEL_PIECE_CHARS` (or `nlp.max_length`) is parsed in pieces (see
    `model_pieces`); their sentences carry the block's provenance and offsets
    into the document text.
    """
    limit = min(MODEL_PIECE_CHARS, nlp.max_length)
    pieces = [[model_pieces(block.text, limit) for block in blocks] for blocks in documents]
    texts = (
        block.text[start:end]
        for blocks, block_pieces in zip(documents, pieces, strict=True)
        for block, cuts in zip(blocks, block_pieces, strict=True)
        for start, end in cuts
    )
    docs = _parse(nlp, texts, batch_size)
    results = []
    for blocks, block_pieces in zip(documents, pieces, strict=True):
        text, offsets = assemble_text(blocks)
        sentences: list[SentenceContext] = []
        for block, offset, cuts in zip(blocks, offsets, block_pieces, strict=True):
            for start, end in cuts:
                doc = next(docs)
                heartbeat()  # each parsed piece is progress a supervisor can see
                doc.user_data["text"] = block.text[start:end]
                spans: Iterable = [doc[:]] if block.kind in ("heading", "title") else doc.sents
                for span in spans:
                    span = _trim(span)
                    if span is None:
                        continue
                    sentences.append(
                        SentenceContext(
                            index=len(sentences),
                            span=span,
                            doc_offset=offset + start,
                            section=block.section,
                            kind=block.kind,
                            page=block.page,
                        )
                    )
        results.append((text, sentences))
    return results


def model_pieces(text: str, limit: int = MODEL_PIECE_CHARS) -> list[tuple[int, int]]:
    """(start, end) of consecutive pieces of `text`, each at most `limit` characters.

    A text within the limit is one piece. Otherwise each piece ends after the
    last paragraph break in its second half, else the last ". ", else the last
    space or line break; a piece without any of these is cut at the limit.
    """
    pieces: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        end = _cut(text, start + limit // 2, start + limit)
        pieces.append((start, end))
        start = end
    pieces.append((start, len(text)))
    return pieces


def _cut(text: str, earliest: int, latest: int) -> int:
    """Where to end a piece: after the preferred separator found in text[earliest:latest]."""
    for separator in _CUT_AFTER:
        found = text.rfind(separator, earliest, latest)
        if found != -1:
            return found + len(separator)
    found = max(text.rfind(space, earliest, latest) for space in _SPACES)
    return found + 1 if found != -1 else latest


def _parse(nlp: Language, texts: Iterable[str], batch_size: int) -> Iterator[Doc]:
    """`nlp.pipe` over groups of texts of at most `MODEL_GROUP_CHARS` characters in all."""
    group: list[str] = []
    size = 0
    for text in texts:
        if group and size + len(text) > MODEL_GROUP_CHARS:
            yield from nlp.pipe(group, batch_size=batch_size)
            group, size = [], 0
        group.append(text)
        size += len(text)
    if group:
        yield from nlp.pipe(group, batch_size=batch_size)


def _trim(span):
    """The span without leading/trailing whitespace tokens; None if empty."""
    start, end = span.start, span.end
    while start < end and span.doc[start].is_space:
        start += 1
    while end > start and span.doc[end - 1].is_space:
        end -= 1
    return span.doc[start:end] if end > start else None


@dataclass
class SegmentedDocument:
    meta: DocumentMeta
    text: str
    sentences: list[SentenceContext]
    read: ReadResult
    warnings: list[str] = field(default_factory=list)


def read_and_segment(
    path: Path, nlp: Language, meta: DocumentMeta | None = None, *, max_bytes: int | None = None
) -> SegmentedDocument:
    """The document's published text and its sentences (no extraction yet)."""
    read, full_meta = read_source(path, meta, max_bytes=max_bytes)
    text, sentences = segment(read.blocks, nlp)
    return SegmentedDocument(full_meta, text, sentences, read, list(read.warnings))
