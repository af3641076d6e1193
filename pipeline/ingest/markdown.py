"""Markdown and plain text into blocks, with the markup stripped.

Markdown is parsed with markdown-it (CommonMark, inline HTML on), so the text
that reaches the extractors is what a reader sees: no `#`, `*`, link targets,
`<sup>` footnote marks, bullets or rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock, RuleFuncBlockType
from markdown_it.rules_block import StateBlock, blockquote, list_block
from markdown_it.token import Token

from pipeline.ingest.normalize import normalize_line_endings, normalize_text
from pipeline.types import Block
from pipeline.yamlsafe import YamlRefused, load_yaml_no_aliases

FOOTNOTES_SECTION = "Footnotes"
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n---[ \t]*\n", re.DOTALL)
_BULLET = re.compile(r"^[\s◆◇•●○▪▫■□►▶➢✓✔·–—*+-]+\s+")
_FOOTNOTE_MARK = re.compile(r"^[\d*†‡§]+$|^[ivx]+$")
_MARKDOWN_FOOTNOTE = re.compile(r"^\[\^([^\]]+)\]:\s*")
# "<" ends a tag too: with `[^>]+` a run of "<" without ">" took quadratic time.
_TAG = re.compile(r"<[^<>]+>")
_UNPAIRED_EMPHASIS = re.compile(r"\*{2,}|_{2,}")
_HAS_WORD = re.compile(r"\w")

# Container marks left at the start of lines that are read flat (see `_FlatteningBlockParser`).
_CONTAINER_MARKS = re.compile(
    r"^(?:[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))+[ \t]*", re.MULTILINE
)
_FLATTENED = "briefdata_flattened_lines"


def _terminator_only(rule: RuleFuncBlockType) -> RuleFuncBlockType:
    """A container rule that may end a paragraph but never opens a container."""

    def terminates(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        return silent and rule(state, start_line, end_line, True)

    return terminates


class _FlatteningBlockParser(ParserBlock):
    """Block parsing that reads containers past `maxNesting` flat instead of skipping them.

    markdown-it stops at `maxNesting` levels (20: ten nested lists, twenty block
    quotes) by skipping the rest of the innermost container, which in a list
    runs to the end of the document. Here the rest is parsed by `_flat_parser`:
    the same rules, except that quotes and lists only end paragraphs, and
    indented lines are text, not code. Their marks ("> ", "- ", "1. ") are taken
    off the start of each line; the start lines are noted in `env` for a warning.
    """

    def tokenize(self, state: StateBlock, startLine: int, endLine: int) -> None:
        if state.level < state.md.options.maxNesting:
            super().tokenize(state, startLine, endLine)
            return
        state.env.setdefault(_FLATTENED, []).append(startLine)
        first = len(state.tokens)
        parser, state.md = state.md, _flat_parser
        try:
            _flat_parser.block.tokenize(state, startLine, endLine)
        finally:
            state.md = parser
        for token in state.tokens[first:]:
            if token.type == "inline":
                token.content = _CONTAINER_MARKS.sub("", token.content)


def _markdown_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    guarded = _FlatteningBlockParser()
    guarded.ruler = parser.block.ruler
    parser.block = guarded
    return parser


def _flat_markdown_parser() -> MarkdownIt:
    # Flat parsing opens no containers, so the level stays within a few of where it began.
    parser = MarkdownIt("commonmark", {"html": True, "maxNesting": 1_000})
    parser.enable("table").disable("code")
    # The `alt` chains are markdown-it's own for these two rules.
    parser.block.ruler.at(
        "blockquote",
        _terminator_only(blockquote),
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    parser.block.ruler.at(
        "list", _terminator_only(list_block), {"alt": ["paragraph", "reference", "blockquote"]}
    )
    return parser


_parser = _markdown_parser()
_flat_parser = _flat_markdown_parser()


@dataclass
class MarkdownResult:
    blocks: list[Block]
    front_matter: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class FrontMatter:
    data: dict[str, Any]
    body: str
    warnings: list[str] = field(default_factory=list)
    lines: int = 0  # lines before the body


def parse_front_matter(text: str) -> FrontMatter:
    """YAML front matter (`---` fenced at the top), the body after it and what went wrong.

    Malformed YAML or YAML that is not a mapping is no front matter: the whole
    text is the body. Well-formed YAML the safe loader refuses (anchors and
    aliases, deep nesting, impossible dates) is front matter that is ignored,
    with a warning.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return FrontMatter({}, text)
    lines = text.count("\n", 0, match.end())
    try:
        data = load_yaml_no_aliases(
            match.group(1), first_line=text.count("\n", 0, match.start(1)) + 1
        )
    except YamlRefused as error:
        return FrontMatter({}, text[match.end() :], [f"front matter ignored: {error}"], lines)
    except yaml.YAMLError:
        return FrontMatter({}, text)
    if not isinstance(data, dict):
        return FrontMatter({}, text)
    data = {str(key): value for key, value in data.items()}
    return FrontMatter(data, text[match.end() :], lines=lines)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML front matter (`---` fenced at the top) and the body after it."""
    front_matter = parse_front_matter(text)
    return front_matter.data, front_matter.body


def read_markdown(text: str) -> MarkdownResult:
    front_matter = parse_front_matter(normalize_line_endings(text))
    env: dict[str, Any] = {}
    blocks = list(_blocks(_parser.parse(front_matter.body, env)))
    title = str(front_matter.data.get("title") or "").strip()
    if title and not any(block.kind == "title" for block in blocks):
        blocks.insert(0, Block(text=normalize_text(title), kind="title"))
    warnings = list(front_matter.warnings)
    if env.get(_FLATTENED):
        warnings.append(_flattened_warning(env[_FLATTENED], front_matter.lines))
    return MarkdownResult(blocks=blocks, front_matter=front_matter.data, warnings=warnings)


def _flattened_warning(start_lines: list[int], offset: int) -> str:
    lines = sorted({offset + line + 1 for line in start_lines})
    shown = ", ".join(str(line) for line in lines[:5]) + (", ..." if len(lines) > 5 else "")
    levels = _parser.options.maxNesting
    return (
        f"Markdown nested over {levels} levels deep (a list level counts two), "
        f"from line {shown}: read as plain paragraphs"
    )


def read_plain_text(text: str) -> MarkdownResult:
    """Paragraphs separated by blank lines; lines inside one are joined."""
    front_matter = parse_front_matter(normalize_line_endings(text))
    blocks = []
    for paragraph in re.split(r"\n\s*\n", front_matter.body):
        joined = " ".join(line.strip() for line in paragraph.splitlines() if line.strip())
        joined = normalize_text(_BULLET.sub("", joined))
        if _HAS_WORD.search(joined):
            blocks.append(Block(text=joined))
    title = str(front_matter.data.get("title") or "").strip()
    if title:
        blocks.insert(0, Block(text=normalize_text(title), kind="title"))
    return MarkdownResult(
        blocks=blocks, front_matter=front_matter.data, warnings=list(front_matter.warnings)
    )


class _HeadingPath:
    def __init__(self) -> None:
        self.levels: list[tuple[int, str]] = []

    def enter(self, level: int, text: str) -> None:
        self.levels = [(lvl, t) for lvl, t in self.levels if lvl < level]
        self.levels.append((level, text))

    def __str__(self) -> str:
        return " > ".join(text for _, text in self.levels)


def _blocks(tokens: list[Token]):
    path = _HeadingPath()
    seen_title = False
    list_depth = 0
    heading_level = 0
    for i, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.type == "heading_open":
            heading_level = int(token.tag[1])
        elif token.type == "inline" and tokens[i - 1].type == "heading_open":
            text = _render_inline(token)
            if not _HAS_WORD.search(text):
                continue
            if heading_level == 1 and not seen_title:
                seen_title = True
                yield Block(text=text, kind="title")
                continue
            path.enter(heading_level, text)
            yield Block(text=text, kind="heading", section=str(path))
        elif token.type == "inline" and tokens[i - 1].type in (
            "paragraph_open",
            "th_open",
            "td_open",
        ):
            yield from _paragraph_block(token, path, list_depth > 0)
        elif token.type == "html_block":
            text = normalize_text(" ".join(_TAG.sub(" ", token.content).split()))
            if _HAS_WORD.search(text):
                yield Block(text=text, section=str(path))


def _paragraph_block(token: Token, path: _HeadingPath, in_list: bool):
    if _is_footnote(token):
        text = _MARKDOWN_FOOTNOTE.sub("", _render_inline(token, keep_marks=False))
        if _HAS_WORD.search(text):
            yield Block(text=text, kind="footnote", section=FOOTNOTES_SECTION)
        return
    text = _BULLET.sub("", _render_inline(token))
    if not _HAS_WORD.search(text):
        return
    if _is_bold_heading(token, text):
        path.enter(_pseudo_heading_level(path), text)
        yield Block(text=text, kind="heading", section=str(path))
        return
    # Lines ended by a hard break are lines of their own (a list of names, an address):
    # joined, their words would run into one another across the breaks.
    for line in _render_inline(token, hard_breaks=True).split("\n"):
        line = _BULLET.sub("", line)
        if _HAS_WORD.search(line):
            yield Block(text=line, kind="list_item" if in_list else "body", section=str(path))


def _is_footnote(token: Token) -> bool:
    children = token.children or []
    if token.content.lstrip().startswith("[^"):
        return True
    return (
        len(children) >= 3
        and children[0].type == "html_inline"
        and children[0].content.lower() == "<sup>"
        and bool(_FOOTNOTE_MARK.match(children[1].content.strip()))
    )


def _is_bold_heading(token: Token, text: str) -> bool:
    """A short paragraph set entirely in bold is a heading in web-sourced Markdown."""
    children = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
    if len(text) > 150 or text.endswith((".", ":", ";", ",")):
        return False
    return (
        len(children) >= 3
        and children[0].type == "strong_open"
        and children[-1].type == "strong_close"
    )


def _pseudo_heading_level(path: _HeadingPath) -> int:
    return path.levels[-1][0] if path.levels else 2


def _render_inline(token: Token, *, keep_marks: bool = False, hard_breaks: bool = False) -> str:
    """The visible text of an inline token; footnote marks in <sup> dropped. With
    `hard_breaks`, a hard line break (or <br>) is kept as a newline between the lines."""
    parts: list[str] = []
    line_break = "\n" if hard_breaks else " "
    sup: list[str] | None = None
    for child in token.children or []:
        if child.type == "html_inline":
            tag = child.content.lower()
            if tag.startswith("<sup"):
                sup = []
            elif tag.startswith("</sup") and sup is not None:
                mark = "".join(sup)
                if keep_marks or not _FOOTNOTE_MARK.match(mark.strip()):
                    parts.append(mark)
                sup = None
            elif tag.startswith("<br"):
                parts.append(line_break)
            continue
        piece = line_break if child.type == "hardbreak" else _child_text(child)
        if sup is not None:
            sup.append(piece)
        else:
            parts.append(piece)
    lines = "".join(parts).split("\n")
    return "\n".join(normalize_text(" ".join(line.split())) for line in lines)


def _child_text(child: Token) -> str:
    if child.type == "text":
        # Emphasis marks the parser could not pair ("**Label: **Text") stay literal.
        return _UNPAIRED_EMPHASIS.sub("", child.content)
    if child.type == "code_inline":
        return child.content
    if child.type in ("softbreak", "hardbreak"):
        return " "
    if child.type == "image":
        return ""
    return ""
