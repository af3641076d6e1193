"""Typed records passed between the stages.

Ingest turns a file into `Block`s; segmentation turns blocks into
`SentenceContext`s (spaCy sentence spans plus provenance); each extractor takes
the sentences of one document and returns rows whose offsets index the
document's normalized text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span

BLOCK_KINDS = ("title", "heading", "body", "list_item", "footnote")


@dataclass(frozen=True)
class Block:
    """A paragraph-sized piece of normalized text as a reader found it."""

    text: str
    kind: str = "body"  # one of BLOCK_KINDS
    section: str = ""  # heading path, "Current Challenges > CHALLENGE 1"
    page: int | None = None  # 1-based page for paged sources


@dataclass(frozen=True)
class DocumentMeta:
    """What the registry (or front matter) says about a document."""

    doc_id: str
    title: str = ""
    authors: tuple[str, ...] = ()
    publisher: str = ""
    published: str = ""  # ISO date, "2021-04" or "2021-04-16"; "" when unknown
    source_url: str = ""
    license: str = ""
    media_type: str = ""
    language: str = ""  # ISO 639-1, detected from the text when the registry says nothing

    @property
    def anchor(self) -> date | None:
        """The publication date that relative expressions are counted from."""
        parts = self.published.split("-") if self.published else []
        if not parts or not parts[0].isdigit():
            return None
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 1
        day = int(parts[2]) if len(parts) > 2 else 1
        return date(year, month, day)


@dataclass
class SentenceContext:
    """One sentence: a spaCy span plus where it sits in the document.

    Blocks are parsed as separate spaCy docs; `doc_offset` is where the
    block's text starts in the document text, so a character `i` of
    `span.doc.text` is character `doc_offset + i` of the document.
    """

    index: int  # 0-based position in the document
    span: Span
    doc_offset: int
    section: str
    kind: str
    page: int | None

    @property
    def start(self) -> int:
        return self.doc_offset + self.span.start_char

    @property
    def end(self) -> int:
        return self.doc_offset + self.span.end_char

    @property
    def text(self) -> str:
        return self.span.text


@dataclass(frozen=True)
class EntityMention:
    sentence_index: int
    start: int  # document offsets
    end: int
    text: str  # surface text, == document text[start:end]
    label: str  # label the statistical model (or rule) gave
    name: str  # canonical name
    type: str  # PERSON, ORG, GPE, LOC, NORP, EVENT, LAW, WORK_OF_ART
    wikidata_id: str = ""
    iso3: str = ""
    aliases: tuple[str, ...] = ()  # other known names of the referent (KB)


@dataclass(frozen=True)
class DateMention:
    sentence_index: int
    start: int
    end: int
    text: str
    value: str  # TIMEX3 value
    kind: str  # date, duration, set
    granularity: str  # day, month, season, year, decade, century, "" (durations)
    range_start: str = ""  # ISO day the expression covers from
    range_end: str = ""  # ISO day it covers to
    treaty_id: str = ""  # the agreement the sentence dates, where clear


@dataclass(frozen=True)
class TreatyMention:
    sentence_index: int
    start: int
    end: int
    text: str
    key: str  # stable treaty id (KB id or slug of the name)
    name: str
    kind: str
    parties: tuple[str, ...] = ()  # ISO alpha-3, sorted
    signed: str = ""  # TIMEX3
    amended: tuple[str, ...] = ()
    status: str = ""
    aliases: tuple[str, ...] = ()
    wikidata_id: str = ""


@dataclass(frozen=True)
class Recommendation:
    sentence_index: int
    start: int  # offsets of the recommending sentence or clause
    end: int
    text: str
    proposers: tuple[str, ...]  # canonical names; empty: the document's author
    addressees: tuple[str, ...] = ()  # canonical names of who is to act, when the text says
    topic: str = "other"
    modality: str = "should"
    confidence: float = 1.0  # the recommendation classifier's score (pipeline/learn)


@dataclass(frozen=True)
class Citation:
    sentence_index: int
    start: int
    end: int
    text: str  # the citing text (a title as written)
    cited_title: str
    cited_doc_id: str = ""  # registered source it resolves to, "" if none


@dataclass
class DocumentExtraction:
    """Everything extracted from one document, before corpus-level merging."""

    meta: DocumentMeta
    text: str
    sentences: list[SentenceContext] = field(default_factory=list)
    entities: list[EntityMention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    treaties: list[TreatyMention] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
