"""A published dataset as review sheets read it: only the tables asked for, the texts of
the documents sampled, and each span shown in its sentence between its neighbours."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.errors import BriefdataError
from pipeline.release.schema import read_table

SENTENCE_COLUMNS = ["sentence_id", "doc_id", "start_char", "end_char"]


class ReviewError(BriefdataError):
    """A review sheet cannot be made or scored; the message names the file and the problem."""


@dataclass(frozen=True)
class Anchor:
    """Where a published row's text sits in its document."""

    doc_id: str
    sentence_id: str
    start: int
    end: int
    text: str
    row: str  # "<table> <row id>", for messages


@dataclass(frozen=True)
class Context:
    """A span with the rest of its sentence and the sentences before and after it."""

    doc_id: str
    title: str
    published: str
    before: str
    span: str
    after: str

    def marked(self, opening: str = "[[", closing: str = "]]") -> str:
        return f"{self.before}{opening}{self.span}{closing}{self.after}"


def cell(value: object) -> str:
    """A cell as published: missing values are empty strings."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


class Published:
    """Lazy access to one published dataset folder: each table read once, when first needed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._tables: dict[str, pd.DataFrame] = {}
        self._texts: dict[str, str] = {}
        self._sentences: dict[str, list[tuple[int, int]]] | None = None
        self._positions: dict[str, tuple[str, int]] = {}
        self._documents: dict[str, tuple[str, str]] | None = None

    def table(self, name: str) -> pd.DataFrame:
        """A published table, read on first use and kept."""
        if name not in self._tables:
            self._tables[name] = self._read(name)
        return self._tables[name]

    def _read(self, name: str) -> pd.DataFrame:
        path = self.folder / f"{name}.csv"
        if not path.is_file():
            raise ReviewError(f"{path}: missing; is {self.folder} a published dataset?")
        return read_table(path)

    def release(self) -> str:
        """The release key of the dataset (what it was made from), or "" without a manifest."""
        path = self.folder / "manifest.json"
        try:
            return str(json.loads(path.read_text(encoding="utf-8")).get("release_key", ""))
        except (OSError, ValueError, AttributeError):
            return ""

    def text(self, doc_id: str) -> str:
        if doc_id not in self._texts:
            path = self.folder / "text" / f"{doc_id}.txt"
            if not path.is_file():
                raise ReviewError(f"{path}: missing; the text of document {doc_id} is needed")
            self._texts[doc_id] = path.read_text(encoding="utf-8")
        return self._texts[doc_id]

    def document(self, doc_id: str) -> tuple[str, str]:
        """A document's title and publication date."""
        if self._documents is None:
            frame = self._read("documents")
            self._documents = {
                cell(doc): (cell(title), cell(published))
                for doc, title, published in zip(
                    frame["doc_id"], frame["title"], frame["published"], strict=True
                )
            }
        return self._documents.get(doc_id, ("", ""))

    def contexts(self, anchors: Iterable[Anchor]) -> dict[Anchor, Context]:
        """Each anchor's context; its offsets are checked against the document's text."""
        found: dict[Anchor, Context] = {}
        for anchor in anchors:
            text = self.text(anchor.doc_id)
            if text[anchor.start : anchor.end] != anchor.text:
                raise ReviewError(
                    f"{self.folder}: {anchor.row}: text[{anchor.start}:{anchor.end}] is not "
                    f"{anchor.text!r}; run `briefdata validate {self.folder}`"
                )
            before, after = surroundings(
                text, self._sentence_bounds(anchor.doc_id, anchor.sentence_id), anchor
            )
            title, published = self.document(anchor.doc_id)
            found[anchor] = Context(anchor.doc_id, title, published, before, anchor.text, after)
        return found

    def _sentence_bounds(self, doc_id: str, sentence_id: str) -> SentenceBounds:
        if self._sentences is None:
            self._index_sentences()
        assert self._sentences is not None
        doc, position = self._positions.get(sentence_id, (doc_id, -1))
        if doc != doc_id or position < 0:
            return SentenceBounds(None, None, None)
        spans = self._sentences[doc]
        return SentenceBounds(
            spans[position - 1] if position > 0 else None,
            spans[position],
            spans[position + 1] if position + 1 < len(spans) else None,
        )

    def _index_sentences(self) -> None:
        """Each document's sentences in text order; only ids and offsets are kept."""
        frame = self._read("sentences")[SENTENCE_COLUMNS]
        frame = frame.assign(
            start_char=frame["start_char"].astype(int), end_char=frame["end_char"].astype(int)
        ).sort_values(["doc_id", "start_char", "sentence_id"], kind="stable")
        self._sentences = {}
        for doc_id, group in frame.groupby("doc_id", sort=True):
            spans = list(zip(group["start_char"], group["end_char"], strict=True))
            self._sentences[str(doc_id)] = spans
            for position, sentence_id in enumerate(group["sentence_id"]):
                self._positions[sentence_id] = (str(doc_id), position)


@dataclass(frozen=True)
class SentenceBounds:
    previous: tuple[int, int] | None
    current: tuple[int, int] | None
    following: tuple[int, int] | None


def surroundings(text: str, bounds: SentenceBounds, anchor: Anchor) -> tuple[str, str]:
    """The text before and after a span: the previous sentence, the sentence up to the
    span; the sentence after the span, the next sentence. Sentences are joined by one
    space; a neighbour overlapping the span's own region is folded into it."""
    start, end = anchor.start, anchor.end
    if bounds.current is not None:
        start, end = min(start, bounds.current[0]), max(end, bounds.current[1])
    previous, following = bounds.previous, bounds.following
    if previous is not None and previous[1] > start:
        start, previous = min(start, previous[0]), None
    if following is not None and following[0] < end:
        end, following = max(end, following[1]), None
    before = text[start : anchor.start]
    after = text[anchor.end : end]
    if previous is not None:
        before = f"{text[previous[0] : previous[1]]} {before}"
    if following is not None:
        after = f"{after} {text[following[0] : following[1]]}"
    return before, after
