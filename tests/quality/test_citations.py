"""Citations of other works, linked to registered sources by fuzzy title match."""

from __future__ import annotations

import pytest
from spacy.language import Language

from pipeline.extract.citations import TitleIndex, extract_citations, link_citations, link_title
from pipeline.nlp.segment import read_and_segment
from pipeline.types import DocumentMeta, SentenceContext
from tests.conftest import SOURCES

NEW_FRONTIERS = "New Frontiers for Security Cooperation with Seoul and Tokyo"
HAGGARD_TITLE = "U.S. Security Ties with Korea and Japan: Getting Beyond Deterrence"
REGISTERED = {
    "npec-2021-new-frontiers": NEW_FRONTIERS,
    "haggard-2021-beyond-deterrence": HAGGARD_TITLE,
    "unrelated-report": "Climate Change and National Security",
}


def cite(sentences: list[SentenceContext], meta: DocumentMeta, registered: dict) -> list[dict]:
    """Citations as a release has them: cues found at extraction, linked at assembly."""
    cues = extract_citations(sentences, meta)
    rows = [
        {"sentence_id": s.index, "start_char": s.start, "end_char": s.end, "text": s.text,
         "kind": s.kind}
        for s in sentences
    ]  # fmt: skip
    found = [
        {"sentence_id": c.sentence_index, "start_char": c.start, "end_char": c.end, "text": c.text}
        for c in cues
    ]
    return link_citations(meta.doc_id, meta.title, rows, found, TitleIndex(registered))


@pytest.fixture(scope="module")
def haggard(nlp: Language):
    meta = DocumentMeta(doc_id="haggard-2021-beyond-deterrence", title=HAGGARD_TITLE)
    document = read_and_segment(SOURCES / "haggard-2021-beyond-deterrence.md", nlp, meta)
    return document, cite(document.sentences, document.meta, REGISTERED)


def one_sentence(nlp: Language, text: str, kind: str = "body") -> list[SentenceContext]:
    doc = nlp(text)
    return [SentenceContext(index=0, span=doc[:], doc_offset=0, section="", kind=kind, page=None)]


def test_titles_in_prose_footnote_and_acknowledgements_link(haggard) -> None:
    document, citations = haggard
    assert len(citations) == 3
    for citation in citations:
        assert document.text[citation["start_char"] : citation["end_char"]] == citation["text"]
        assert citation["cited_doc_id"] == "npec-2021-new-frontiers"
        assert citation["cited_title"] == NEW_FRONTIERS
    footnote = [c for c in citations if document.sentences[c["sentence_id"]].kind == "footnote"]
    # The footnote misspells the title ("of" for "for"); it still links, as written.
    assert [c["text"] for c in footnote] == [
        "New Frontiers of Security Cooperation with Seoul and Tokyo"
    ]


def test_a_document_never_cites_itself(haggard) -> None:
    _, citations = haggard
    assert all(c["cited_doc_id"] != "haggard-2021-beyond-deterrence" for c in citations)


def test_unrelated_registry_titles_do_not_appear_in_a_statement(nlp: Language) -> None:
    path = SOURCES / "wh-2023-04-26-washington-declaration.md"
    document = read_and_segment(path, nlp)
    assert cite(document.sentences, document.meta, REGISTERED) == []


def test_a_titled_report_that_is_not_registered_is_cited_unlinked(nlp: Language) -> None:
    sentences = one_sentence(
        nlp, "The commission released a report titled Rebuilding the Arsenal of Democracy in March."
    )
    (citation,) = cite(sentences, DocumentMeta(doc_id="x"), REGISTERED)
    assert citation["text"] == "Rebuilding the Arsenal of Democracy"
    assert citation["cited_title"] == citation["text"]
    assert citation["cited_doc_id"] == ""


def test_a_name_coined_in_passing_is_not_a_citation(nlp: Language) -> None:
    sentences = one_sentence(
        nlp, "The final challenge is what might be called the Pogo problem, after a cartoon."
    )
    assert cite(sentences, DocumentMeta(doc_id="x"), REGISTERED) == []


def test_linking_tolerates_small_title_variants() -> None:
    assert link_title("New Frontiers of Security Cooperation with Seoul and Tokyo", REGISTERED) == (
        "npec-2021-new-frontiers",
        NEW_FRONTIERS,
    )
    assert link_title("New Approaches to Arms Control", REGISTERED) == ("", "")


def test_extraction_does_not_depend_on_the_registry(nlp: Language) -> None:
    """A document's record is the same whatever else is registered (its cache key too)."""
    sentences = one_sentence(
        nlp, "See the study titled New Frontiers for Security Cooperation with Seoul and Tokyo."
    )
    (cue,) = extract_citations(sentences, DocumentMeta(doc_id="x"))
    assert cue.cited_doc_id == "" and cue.text == NEW_FRONTIERS
    (linked,) = cite(sentences, DocumentMeta(doc_id="x"), REGISTERED)
    assert linked["cited_doc_id"] == "npec-2021-new-frontiers"
