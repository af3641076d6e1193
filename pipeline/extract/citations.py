"""Citations: references from a document to other works, linked to registered sources.

Two passes. The cue pass runs when a document is extracted: titles introduced by
"titled", "entitled", "published as", "called" after a work noun ("a new study ...
called X"), a footnote's "See X", quoted titles after a work noun, and WORK_OF_ART
entities after a work noun. Linking runs when a release is assembled, because it
depends on the whole registry, not on the document: every registered title is looked
up in every published sentence by a fuzzy window match (so a title written without
cues still links), and each candidate is linked to the best registered title by fuzzy
ratio; the document never cites itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz
from spacy.tokens import Span

from pipeline.types import Citation, DocumentMeta, SentenceContext

LINK_THRESHOLD = 88.0  # fuzzy ratio for a candidate title to link to a registered one
SCAN_THRESHOLD = 90.0  # partial ratio for a registered title found in running text
MIN_TITLE_WORDS = 3

_WORK_NOUNS = frozenset({
    "study", "report", "book", "paper", "article", "volume", "essay", "series", "publication",
    "brief", "monograph", "chapter", "review", "survey", "analysis", "collection", "memo",
    "contribution", "novel", "film", "documentary", "letter", "op-ed",
})  # fmt: skip
_TITLE_CUES = frozenset({"titled", "entitled"})
_FUNCTION_WORDS = frozenset({
    "of", "for", "with", "and", "the", "in", "on", "to", "a", "an", "at", "by", "from", "or",
    "&", "-", "—", ":", "’s", "'s", "vs", "vs.", "beyond", "toward", "towards", "into",
})  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset({"the", "of", "for", "and", "a", "an", "in", "on", "to", "with", "by", "at"})
_QUOTES = {"“": "”", '"': '"', "‘": "’"}


@dataclass(frozen=True)
class Candidate:
    sentence_id: str
    start: int  # document offsets
    end: int
    text: str


def _fold(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


# ---------------------------------------------------------------- cue pass


def _title_run(span: Span, k: int) -> tuple[int, int] | None:
    """Tokens from `k` forming a Title Case title; None if too short."""
    while k < len(span) and span[k].lower_ in ("a", "an"):
        k += 1
    end = k
    last_capital = None
    while end < len(span):
        token = span[end]
        if token.ent_type_ in ("DATE", "TIME") and end > k:
            break  # "... of Democracy in March": the date is the sentence's, not the title's
        if token.text[:1].isupper() or token.like_num:
            last_capital = end
        elif token.lower_ not in _FUNCTION_WORDS:
            break
        end += 1
    if last_capital is None:
        return None
    stop = last_capital + 1
    words = [t for t in span[k:stop] if t.is_alpha or t.like_num]
    capitals = [t for t in words if t.text[:1].isupper()]
    if len(words) < MIN_TITLE_WORDS or len(capitals) < 2:
        return None
    return k, stop


def _quoted_run(span: Span, k: int) -> tuple[int, int] | None:
    """The tokens inside quotes opening at token `k`."""
    close = _QUOTES.get(span[k].text)
    if close is None:
        return None
    for end in range(k + 1, min(len(span), k + 30)):
        if span[end].text == close:
            inner = span[k + 1 : end]
            words = [t for t in inner if t.is_alpha]
            capitals = [t for t in words if t.text[:1].isupper()]
            if len(words) >= MIN_TITLE_WORDS and len(capitals) * 2 >= len(words):
                return k + 1, end
            return None
    return None


def _after_work_noun(span: Span, k: int, window: int = 12) -> bool:
    return any(
        t.pos_ == "NOUN" and t.lemma_.lower() in _WORK_NOUNS for t in span[max(0, k - window) : k]
    )


def _cue_runs(sentence: SentenceContext) -> list[tuple[int, int]]:
    """Token ranges of titles this sentence introduces with a cue."""
    span = sentence.span
    runs: list[tuple[int, int]] = []
    for k, token in enumerate(span[:-1]):
        nxt = k + 1
        if (
            token.lower_ in _TITLE_CUES
            or (token.lower_ == "called" and _after_work_noun(span, k))
            or (token.lower_ == "as" and k > 0 and span[k - 1].lower_ == "published")
        ):
            run = _quoted_run(span, nxt) or _title_run(span, nxt)
        elif token.lower_ == "see" and k <= 1 and sentence.kind == "footnote":
            if span[nxt].lower_ == "also" and nxt + 1 < len(span):
                nxt += 1
            run = _quoted_run(span, nxt) or _title_run(span, nxt)
        elif token.text in _QUOTES and _after_work_noun(span, k, window=4):
            run = _quoted_run(span, k)
        else:
            continue
        if run:
            runs.append(run)
    for ent in span.ents:
        if ent.label_ == "WORK_OF_ART" and _after_work_noun(span, ent.start - span.start, 4):
            run = _title_run(span, ent.start - span.start)
            if run:
                runs.append(run)
    return runs


def _cue_citation(sentence: SentenceContext, start: int, end: int) -> Citation:
    piece = sentence.span[start:end]
    begin = sentence.doc_offset + piece.start_char
    return Citation(
        sentence_index=sentence.index,
        start=begin,
        end=begin + len(piece.text),
        text=piece.text,
        cited_title=piece.text,
    )


# ---------------------------------------------------------------- cue pass (extraction)


def extract_citations(sentences: list[SentenceContext], meta: DocumentMeta) -> list[Citation]:
    """Titles of other works this document introduces with a cue (not yet linked)."""
    found = [
        _cue_citation(sentence, start, end)
        for sentence in sentences
        if sentence.kind not in ("title", "heading")
        for start, end in _cue_runs(sentence)
    ]
    return [c for c in found if not _is_self(c.text, meta.title)]


# ---------------------------------------------------------------- linking (assembly)


class TitleIndex:
    """Registered titles, indexed by their content words for a fast first filter."""

    def __init__(self, registered: dict[str, str]) -> None:
        self.titles = {doc_id: title for doc_id, title in registered.items() if title}
        self.needed: dict[str, set[str]] = {}
        self.by_word: dict[str, list[str]] = {}
        for doc_id, title in sorted(self.titles.items()):
            words = _content_words(title)
            if len(words) >= 2:
                self.needed[doc_id] = words
                for word in words:
                    self.by_word.setdefault(word, []).append(doc_id)

    def candidates(self, text: str) -> list[str]:
        """Ids of titles most of whose words (two thirds) occur in `text`."""
        hits: dict[str, int] = {}
        for word in _content_words(text):
            for doc_id in self.by_word.get(word, ()):
                hits[doc_id] = hits.get(doc_id, 0) + 1
        return [d for d, n in sorted(hits.items()) if n * 3 >= len(self.needed[d]) * 2]


def _scan_sentence(sentence: dict[str, Any], title: str) -> Candidate | None:
    """Where a registered title occurs (fuzzily, case-insensitively) in a sentence."""
    text = sentence["text"]
    needle = title.lower()
    alignment = fuzz.partial_ratio_alignment(needle, text.lower(), score_cutoff=SCAN_THRESHOLD)
    if alignment is None:
        return None
    start, end = alignment.dest_start, alignment.dest_end
    # Snap to word boundaries so that the row's text is whole words.
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    found = text[start:end].strip(" ,;:.([")
    if not found:
        return None
    start = text.index(found, start)
    if fuzz.ratio(_fold(found), _fold(title)) < LINK_THRESHOLD:
        return None
    begin = int(sentence["start_char"]) + start
    return Candidate(sentence["sentence_id"], begin, begin + len(found), found)


def link_title(text: str, titles: dict[str, str]) -> tuple[str, str]:
    """(doc_id, title) of the registered title `text` names, ("", "") if none."""
    folded = _fold(text)
    best, best_score = ("", ""), 0.0
    for doc_id, title in sorted(titles.items()):
        score = fuzz.ratio(folded, _fold(title))
        if score >= LINK_THRESHOLD and score > best_score:
            best, best_score = (doc_id, title), score
    return best


def _is_self(text: str, own_title: str) -> bool:
    return bool(own_title) and fuzz.ratio(_fold(text), _fold(own_title)) >= LINK_THRESHOLD


def link_citations(
    doc_id: str,
    own_title: str,
    sentences: list[dict[str, Any]],
    citations: list[dict[str, Any]],
    index: TitleIndex,
) -> list[dict[str, Any]]:
    """A document's citation rows, linked to the registered sources they name."""
    titles = {
        other: title
        for other, title in index.titles.items()
        if other != doc_id and not _is_self(title, own_title)
    }
    candidates = [
        Candidate(row["sentence_id"], int(row["start_char"]), int(row["end_char"]), row["text"])
        for row in citations
    ]
    for sentence in sentences:
        if sentence.get("kind") in ("title", "heading"):
            continue
        for cited in index.candidates(sentence["text"]):
            if cited in titles and (candidate := _scan_sentence(sentence, titles[cited])):
                candidates.append(candidate)
    linked = [(c, *link_title(c.text, titles)) for c in candidates]
    # One citation per place in the text: a linked reading wins, then the longer one.
    linked.sort(key=lambda item: (item[1] == "", -(item[0].end - item[0].start), item[0].start))
    kept: dict[tuple[int, int], tuple[Candidate, str, str]] = {}
    for candidate, cited_id, title in linked:
        if any(s < candidate.end and candidate.start < e for s, e in kept):
            continue
        kept[(candidate.start, candidate.end)] = (candidate, cited_id, title)
    rows = []
    for n, (start, end) in enumerate(sorted(kept), 1):
        candidate, cited_id, title = kept[(start, end)]
        rows.append(
            {
                "citation_id": f"{doc_id}:c{n:05d}",
                "citing_doc_id": doc_id,
                "cited_doc_id": cited_id,
                "cited_title": title or candidate.text,
                "sentence_id": candidate.sentence_id,
                "start_char": start,
                "end_char": end,
                "text": candidate.text,
            }
        )
    return rows
