"""Hostile Markdown and text: deep nesting, huge blocks and words, mixed encodings, YAML bombs.

Every input is built here from a small recipe; none loses text silently, crashes
the document or escapes as a raw traceback.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
import spacy
import yaml
from spacy.language import Language

from pipeline.errors import IngestError
from pipeline.ingest import markdown
from pipeline.ingest.normalize import MAX_WORD_CHARS, drop_overlong_words
from pipeline.ingest.reader import read_document
from pipeline.ingest.source import read_source
from pipeline.nlp.segment import MODEL_PIECE_CHARS, model_pieces, segment
from pipeline.types import Block
from pipeline.yamlsafe import YamlRefused, load_yaml_no_aliases

BOMB = """---
title: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---

# Report

Body text.
"""


@pytest.fixture(scope="module")
def sentencizer() -> Language:
    """A tokenizer and rule-based sentence splitter: fast enough for megabytes of text."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def texts(path: Path) -> list[str]:
    return [block.text for block in read_document(path).blocks]


def sentences_of(text: str, nlp: Language) -> tuple[str, list]:
    published, sentences = segment([Block(text=text)], nlp)
    assert all(published[s.start : s.end] == s.text for s in sentences)
    return published, sentences


def nested_list(depth: int) -> str:
    return "".join("  " * level + f"- item{level} words\n" for level in range(depth))


# Nesting: markdown-it stops at 20 levels (ten lists, twenty quotes) and skipped the rest.


@pytest.mark.parametrize("depth", [10, 40])
def test_lists_nested_past_the_parser_limit_keep_every_word(tmp_path, depth):
    source = (
        "# Title\n\nBefore the list.\n\n"
        + nested_list(depth)
        + "\nAfter the list.\n\n## Later\n\nLast paragraph.\n"
    )
    path = write(tmp_path, "deep-list.md", source)
    result = read_document(path)
    text = " ".join(block.text for block in result.blocks)
    assert all(f"item{level} words" in text for level in range(depth))
    assert "-" not in text
    assert [(b.text, b.kind) for b in result.blocks[-3:]] == [
        ("After the list.", "body"),
        ("Later", "heading"),
        ("Last paragraph.", "body"),
    ]
    (warning,) = result.warnings
    assert warning.startswith("deep-list.md: Markdown nested over 20 levels deep")
    assert "read as plain paragraphs" in warning


@pytest.mark.parametrize("depth", [20, 21, 3_000])
def test_block_quotes_nested_past_the_parser_limit_keep_every_word(tmp_path, depth):
    source = "Before.\n\n" + "> " * depth + "deep words\n\nAfter.\n"
    result = read_document(write(tmp_path, "deep-quote.md", source))
    assert [b.text for b in result.blocks] == ["Before.", "deep words", "After."]
    assert "(a list level counts two), from line 3" in result.warnings[0]


def test_lists_and_quotes_nested_on_one_line_keep_their_words(tmp_path):
    result = read_document(write(tmp_path, "one-line.md", "- > " * 300 + "inner words\n\nEnd."))
    assert [b.text for b in result.blocks] == ["inner words", "End."]
    assert result.blocks[0].kind == "list_item"


def test_nesting_within_the_limit_keeps_its_structure_without_warning(tmp_path):
    result = read_document(write(tmp_path, "shallow.md", nested_list(9) + "\nAfter.\n"))
    assert [b.kind for b in result.blocks] == ["list_item"] * 9 + ["body"]
    assert result.warnings == []


# Long blocks: spaCy refuses texts over `nlp.max_length` (1,000,000 characters).


def test_model_pieces_are_cut_at_a_paragraph_then_a_sentence_then_a_space():
    limit = 100
    paragraph_break = "A" * 70 + "\n\n" + "word. " * 20
    assert model_pieces(paragraph_break, limit)[0] == (0, 72)
    sentence_end = "word " * 12 + "Done. " + "word " * 30
    assert model_pieces(sentence_end, limit)[0] == (0, 66)
    spaces_only = "words " * 40
    assert model_pieces(spaces_only, limit)[0] == (0, 96)
    assert model_pieces("x" * 250, limit) == [(0, 100), (100, 200), (200, 250)]
    assert model_pieces("short", limit) == [(0, 5)]
    for text in (paragraph_break, sentence_end, spaces_only):
        pieces = model_pieces(text, limit)
        assert "".join(text[start:end] for start, end in pieces) == text
        assert all(end - start <= limit for start, end in pieces)


def test_a_one_line_block_over_the_model_limit_is_parsed_in_pieces(sentencizer):
    text = " ".join(f"Seoul{i % 97} and Tokyo met." for i in range(60_000))[:1_200_000]
    assert len(text) > sentencizer.max_length
    published, sentences = sentences_of(text, sentencizer)
    assert published == text
    assert [word for s in sentences for word in s.text.split()] == text.split()
    pieces = {id(s.span.doc): s.span.doc for s in sentences}.values()
    assert len(pieces) > 1_200_000 // MODEL_PIECE_CHARS
    assert all(len(piece.text) <= MODEL_PIECE_CHARS for piece in pieces)
    assert all(a.end <= b.start for a, b in pairwise(sentences))


def test_the_model_parses_a_block_longer_than_its_max_length(nlp, monkeypatch):
    monkeypatch.setattr(nlp, "max_length", 3_000)
    text = " ".join(f"Japan and Korea met in Seoul on day {i}." for i in range(250))
    assert len(text) > 3_000
    _, sentences = sentences_of(text, nlp)
    assert [word for s in sentences for word in s.text.split()] == text.split()
    assert sum(1 for s in sentences for ent in s.span.ents if ent.text == "Seoul") >= 200


def test_two_hundred_thousand_short_lines_are_read_and_parsed(tmp_path, sentencizer):
    lines = [f"line {i} of text" for i in range(200_000)]
    (block,) = read_document(write(tmp_path, "lines.txt", "\n".join(lines))).blocks
    assert block.text == " ".join(lines)
    published, sentences = segment([block], sentencizer)
    assert [word for s in sentences for word in s.text.split()] == published.split()


def test_cr_only_line_endings_separate_paragraphs(tmp_path):
    paragraphs = [f"Paragraph {i} says that Seoul and Tokyo met." for i in range(30_000)]
    body = "\r\r".join(paragraphs)
    assert len(body) > 1_000_000
    assert texts(write(tmp_path, "mac.txt", body)) == paragraphs
    assert texts(write(tmp_path, "mac.md", body)) == paragraphs


def test_front_matter_with_windows_line_endings_is_read(tmp_path):
    source = "---\r\ntitle: A Windows Report\r\n---\r\n\r\nBody text.\r\n"
    for name in ("crlf.md", "crlf.txt"):
        result = read_document(write(tmp_path, name, source))
        assert result.front_matter == {"title": "A Windows Report"}
        assert [b.text for b in result.blocks] == ["A Windows Report", "Body text."]


def test_a_raw_html_block_over_the_model_limit_is_read_and_parsed(tmp_path, sentencizer):
    source = "# Title\n\n<div>\n" + "<p>Seoul and Tokyo met.</p>\n" * 55_000 + "</div>\n"
    assert len(source) > 1_500_000
    title, html = read_document(write(tmp_path, "html.md", source)).blocks
    assert html.text == " ".join(["Seoul and Tokyo met."] * 55_000)
    published, sentences = segment([title, html], sentencizer)
    assert len(sentences) == 1 + 55_000
    assert all(published[s.start : s.end] == s.text for s in sentences)


# Pathological words: spaCy's tokenizer takes time quadratic in a bracket run's length.


def test_a_bracket_run_is_dropped_from_the_text_with_a_warning(tmp_path):
    path = write(tmp_path, "brackets.md", "Note " + "[" * 100_000 + "x" + "]" * 100_000)
    result = read_document(path)
    assert [b.text for b in result.blocks] == ["Note"]
    assert result.warnings == [
        "brackets.md: dropped 1 run(s) of over 1,000 characters without a space "
        "(longest 200,001) from the text"
    ]


def test_a_900_000_character_word_is_dropped_and_the_rest_parsed(tmp_path, nlp):
    path = write(tmp_path, "word.txt", "Start here. " + "a" * 900_000 + " End here.")
    result = read_document(path)
    assert [b.text for b in result.blocks] == ["Start here. End here."]
    assert "word.txt: dropped 1 run(s)" in result.warnings[0]
    _, sentences = segment(result.blocks, nlp)
    assert [s.text for s in sentences] == ["Start here.", "End here."]


def test_a_file_of_nothing_but_an_overlong_word_is_an_ingest_error(tmp_path):
    with pytest.raises(IngestError, match=r"blob.txt: no text found \(only runs of over 1,000"):
        read_document(write(tmp_path, "blob.txt", "Q" * 5_000))


def test_words_up_to_the_bound_are_kept_and_spacing_stays_single():
    at_bound = "x" * MAX_WORD_CHARS
    over = "y" * (MAX_WORD_CHARS + 1)
    assert drop_overlong_words(f"a {at_bound} b") == (f"a {at_bound} b", [])
    assert drop_overlong_words(f"a {over} b") == ("a b", [MAX_WORD_CHARS + 1])
    assert drop_overlong_words(f"{over} b\na {over}") == ("b\na", [MAX_WORD_CHARS + 1] * 2)


# Encodings.


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_mixed_utf8_and_windows_1252_bytes_are_each_decoded_right(tmp_path, bom):
    data = bom + "Müller and Gödel wrote it.\n\n".encode() + "Café in Zürich.".encode("cp1252")
    result = read_document(write(tmp_path, "mixed.txt", data))
    assert [b.text for b in result.blocks] == ["Müller and Gödel wrote it.", "Café in Zürich."]
    assert result.warnings == [
        "mixed.txt: not valid UTF-8; decoded as windows-1252 where invalid (2 bytes), "
        "as UTF-8 elsewhere"
    ]


# YAML front matter.


def test_an_alias_bomb_in_front_matter_is_refused_with_a_warning(tmp_path):
    result = read_document(write(tmp_path, "bomb.md", BOMB))
    assert list(result.front_matter) == []
    assert [b.text for b in result.blocks] == ["Report", "Body text."]
    assert result.warnings == [
        "bomb.md: front matter ignored: anchors and aliases are not allowed (line 2)"
    ]


def test_load_yaml_no_aliases_refuses_what_could_grow():
    ordinary = "title: A Report\nauthors: [A, B]\npublished: 2021-04-16\n"
    assert load_yaml_no_aliases(ordinary) == yaml.safe_load(ordinary)
    for text, problem in (
        (BOMB.split("---")[1], "anchors and aliases are not allowed (line 2)"),
        ("a: &x 1\n", "anchors and aliases are not allowed (line 1)"),
        ("[" * 65 + "]" * 65, "nested deeper than 64 levels (line 1)"),
        ("date: 2021-02-30\n", "a value cannot be read: day is out of range for month"),
    ):
        with pytest.raises(YamlRefused, match=problem.replace("(", r"\(").replace(")", r"\)")):
            load_yaml_no_aliases(text)
    assert issubclass(YamlRefused, yaml.YAMLError)
    with pytest.raises(yaml.YAMLError):
        load_yaml_no_aliases("a: [1\n")


# Odd input never escapes as a raw traceback.


def test_an_impossible_date_in_front_matter_is_a_warning(tmp_path):
    source = "---\ntitle: Dated\ndate: 2021-02-30\n---\n\nBody text.\n"
    result = read_document(write(tmp_path, "dated.md", source))
    assert [b.text for b in result.blocks] == ["Body text."]
    assert result.warnings == [
        "dated.md: front matter ignored: a value cannot be read: day is out of range for month"
    ]


def test_front_matter_keys_that_are_not_strings_are_read(tmp_path):
    source = "---\n2021: a year\ntitle: Numbered Keys\n---\n\nBody text.\n"
    read, meta = read_source(write(tmp_path, "keys.md", source))
    assert meta.title == "Numbered Keys"
    assert read.front_matter["2021"] == "a year"


def test_a_parser_failure_becomes_an_ingest_error_naming_the_file(tmp_path, monkeypatch):
    def too_deep(*args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(markdown._parser, "parse", too_deep)
    with pytest.raises(IngestError, match=r"odd.md: cannot be read as Markdown: nested too deeply"):
        read_document(write(tmp_path, "odd.md", "Some text."))

    def broken(text: str) -> str:
        raise ValueError("unexpected character")

    monkeypatch.setattr(markdown, "normalize_text", broken)
    with pytest.raises(
        IngestError, match=r"odd.txt: cannot be read as plain text: ValueError: unexpected"
    ):
        read_document(write(tmp_path, "odd.txt", "Some text."))
