"""PDF reader: paragraph blocks in reading order from a PDF's text layer.

Pages are read once with pdfplumber. Per page: duplicate (fake-bold) chars are
dropped, words are extracted with their font size and name, margin line
numbers and running headers/footers are removed, columns are found from the
word-coverage histogram, and lines are read column by column inside horizontal
bands cut by full-width lines. Paragraphs are built across columns and pages
so that a sentence broken by a column or page break stays in one block.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
import unicodedata
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import Any

import numpy as np
import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTItem
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.page import fix_fontname_bytes
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.text import extract_words

from pipeline.children import die_with_parent
from pipeline.errors import IngestError
from pipeline.ingest.normalize import normalize_text
from pipeline.types import Block

Word = dict[str, Any]

_CID = re.compile(r"\(cid:\d+\)")
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?[-–—]?\s*(?:\d{1,5}|[ivxlcdm]{1,7})\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_MARK = re.compile(r"^(?:\d{1,3}|[*†‡§¶]+)[.)]?$")
_SUPERSCRIPT = re.compile(r"^[\d,*†‡§¶–-]{1,8}$")
_BULLET = re.compile(r"^[•◆◇▪▫●○■□►▶➢✓❖◦·]")
_BOLD = re.compile(r"bold|black|heavy|semibold|demi|,b$", re.IGNORECASE)
_SENTENCE_END = (".", "?", "!", ":", '"', "”", "’")
_MARGIN_ROWS = 3  # outermost rows per page examined as header/footer candidates
_MAX_PAGE_SIDE = 14_400  # points: the largest page side PDF allows (200 inches)


@dataclass(frozen=True)
class PageStats:
    """Text-layer quality figures for one page."""

    page: int
    chars: int
    replacement_rate: float
    duplicate_rate: float
    columns: int
    has_text_layer: bool
    text_rotation: int  # degrees anticlockwise the text runs from upright; read turned back
    letter_rate: float  # share of the glyphs in words that are letters, digits or marks
    reversed_word_rate: float  # share of the common words found that read backwards
    small_text_rate: float  # share of the glyphs in words set under TINY_TEXT_PT
    # "mirrored", "oblique" (see `orient_chars`); "reversed_words", "glyph_soup",
    # "text_left_out", "tiny_text" (see `TextQuality`)
    flags: tuple[str, ...]


@dataclass
class PdfResult:
    blocks: list[Block]
    pages: int
    page_stats: list[PageStats]
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Line:
    """Words on one baseline within one column (or across the page)."""

    words: list[Word]
    top: float
    bottom: float
    column: int = 0  # -1: spans a gutter
    page: int = 0
    size: float = 0.0
    bold: bool = False
    text: str = ""

    @property
    def x0(self) -> float:
        return self.words[0]["x0"]

    @property
    def x1(self) -> float:
        return self.words[-1]["x1"]


@dataclass
class PageWords:
    """One page's words after per-page cleaning, in the page's upright frame."""

    number: int
    width: float
    height: float
    words: list[Word]
    gutters: list[tuple[float, float]] = field(default_factory=list)


# --------------------------------------------------------------------------- chars


def page_chars(page: Any) -> list[Word]:
    """The chars of a pdfplumber page, with the values `page.chars` gives, and only
    the keys read here (text, box, doctop, upright, size, fontname, matrix).

    pdfplumber resolves some twenty attributes of every char into a dict, several
    times the cost of parsing the page itself; the coordinates are computed the
    same way (top-left origin, MediaBox offset applied).
    """
    height = page.height
    mb_x0, mb_top = page.mediabox[:2]
    initial_doctop = page.initial_doctop
    chars: list[Word] = []
    for obj in _layout_chars(page.layout._objs):
        top = (height - obj.y1) + mb_top
        fontname = obj.fontname
        chars.append(
            {
                "text": obj.get_text(),
                "x0": obj.x0 + mb_x0 if mb_x0 != 0 else obj.x0,
                "x1": obj.x1 + mb_x0 if mb_x0 != 0 else obj.x1,
                "top": top,
                "bottom": (height - obj.y0) + mb_top,
                "doctop": initial_doctop + top,
                "upright": obj.upright,
                "size": obj.size,
                "fontname": fix_fontname_bytes(fontname)
                if isinstance(fontname, bytes)
                else fontname,
                "matrix": obj.matrix,
            }
        )
    return chars


def _layout_chars(objects: list[LTItem]) -> Any:
    """LTChars of a layout in pdfplumber's order: depth first through figures."""
    for obj in objects:
        if isinstance(obj, LTChar):
            yield obj
        elif isinstance(obj, LTContainer):
            yield from _layout_chars(obj._objs)


# A char's orientation: (the quarter turn, in degrees anticlockwise, that takes
# upright text to it; whether it is also mirrored left to right), or None when its
# baseline is more than this many degrees off every quarter turn.
Orientation = tuple[int, bool] | None
UPRIGHT: Orientation = (0, False)
_OBLIQUE_DEGREES = 10.0


def char_orientation(char: Word) -> Orientation:
    """Which way a char's text runs, from its text matrix (PDF space, y up).

    The angle is the baseline's (a slanted, synthetic italic keeps a level
    baseline). A mirrored glyph's baseline runs the other way from its turn: a
    mirror image of upright text has its baseline pointing left.
    """
    a, b, c, d = char["matrix"][:4]
    if b == 0 and c == 0 and a > 0 and d > 0:
        return UPRIGHT
    angle = math.degrees(math.atan2(b, a))
    turns = round(angle / 90)
    if abs(angle - 90 * turns) > _OBLIQUE_DEGREES:
        return None
    mirrored = a * d - b * c < 0
    return (turns + 2 * mirrored) % 4 * 90, mirrored


@dataclass
class OrientedChars:
    """A page's chars in the frame where its text reads upright, left to right."""

    chars: list[Word]
    width: float
    height: float
    rotation: int  # the turn undone, in degrees anticlockwise
    mirrored: bool  # the text was drawn mirrored left to right and has been flipped back
    oblique_share: float  # visible chars at an angle no quarter turn makes upright


def orient_chars(chars: list[Word], width: float, height: float) -> OrientedChars:
    """Turn (and un-mirror) a page's chars so that its main text reads upright.

    The page's orientation is the one most visible chars share (upright wins
    ties). Chars in it are moved into the turned frame, whose width and height
    swap for a quarter turn, with their size taken from the turned box (for a
    quarter-turned char pdfminer's size is its advance width); all other chars are
    marked not upright, so the word extractor leaves them out, as it always left
    out rotated margin text. A page rotated by its /Rotate entry, text upright in
    the unrotated page, comes out of pdfminer turned and is read here.
    """
    keys = [char_orientation(c) for c in chars]
    if all(k == UPRIGHT for k in keys):  # nearly every page
        return OrientedChars(chars, width, height, 0, False, 0.0)
    visible = Counter(k for c, k in zip(chars, keys, strict=True) if not c["text"].isspace())
    oblique_share = visible[None] / max(1, sum(visible.values()))
    del visible[None]
    main = max(visible, key=lambda k: (visible[k], k == UPRIGHT), default=UPRIGHT)
    if main == UPRIGHT:
        kept = [
            c if k == UPRIGHT else {**c, "upright": False} for c, k in zip(chars, keys, strict=True)
        ]
        return OrientedChars(kept, width, height, 0, False, oblique_share)
    turn, mirrored = main
    turned_width, turned_height = (height, width) if turn in (90, 270) else (width, height)
    oriented = []
    for char, key in zip(chars, keys, strict=True):
        x0, top, x1, bottom = _turned_box(char, turn, width, height)
        if mirrored:
            x0, x1 = turned_width - x1, turned_width - x0
        moved = {**char, "x0": x0, "x1": x1, "top": top, "bottom": bottom}
        moved["doctop"] = top + (char["doctop"] - char["top"])
        moved["upright"] = key == main
        if key == main:
            moved["size"] = bottom - top
        oriented.append(moved)
    return OrientedChars(oriented, turned_width, turned_height, turn, mirrored, oblique_share)


def _turned_box(
    char: Word, turn: int, width: float, height: float
) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) of a char after turning the page so that text whose
    baseline runs `turn` degrees anticlockwise runs left to right."""
    x0, top, x1, bottom = char["x0"], char["top"], char["x1"], char["bottom"]
    if turn == 90:  # reading up the page: its right edge becomes the top
        return height - bottom, x0, height - top, x1
    if turn == 180:
        return width - x1, height - bottom, width - x0, height - top
    if turn == 270:  # reading down the page: its left edge becomes the top
        return top, width - x1, bottom, width - x0
    return x0, top, x1, bottom


def dedupe_chars(chars: list[Word], tolerance: float = 1.0) -> list[Word]:
    """Drop chars repeating the text, font and size of one within `tolerance` pt.

    Same rule as pdfplumber's `dedupe_chars`, vectorised: its implementation
    restores order with `list.index`, which is quadratic in the char count.
    """
    if len(chars) < 2:
        return list(chars)
    ids: dict[tuple[Any, ...], int] = {}
    key = np.array(
        [
            ids.setdefault((c["upright"], c["text"], c["fontname"], c["size"]), len(ids))
            for c in chars
        ]
    )
    top = np.array([c["doctop"] for c in chars])
    x0 = np.array([c["x0"] for c in chars])
    order = np.lexsort((top, key))
    new_y = np.ones(len(chars), dtype=bool)
    new_y[1:] = (key[order][1:] != key[order][:-1]) | (np.diff(top[order]) > tolerance)
    y_cluster = np.empty(len(chars), dtype=np.int64)
    y_cluster[order] = np.cumsum(new_y)
    order = np.lexsort((x0, y_cluster))
    new_x = np.ones(len(chars), dtype=bool)
    new_x[1:] = (y_cluster[order][1:] != y_cluster[order][:-1]) | (np.diff(x0[order]) > tolerance)
    keep = np.sort(order[new_x])
    return [chars[i] for i in keep]


def sort_chars(chars: list[Word], tolerance: float = 1.0) -> list[Word]:
    """Chars in line order (tops within `tolerance` chained), left to right.

    pdfplumber's word extractor keeps stream order when `extra_attrs` is set, so
    glyphs drawn out of order would split and scramble words.
    """
    if len(chars) < 2:
        return list(chars)
    top = np.array([c["top"] for c in chars])
    x0 = np.array([c["x0"] for c in chars])
    order = np.argsort(top, kind="stable")
    line = np.empty(len(chars), dtype=np.int64)
    line[order] = np.concatenate(([0], np.cumsum(np.diff(top[order]) > tolerance)))
    return [chars[i] for i in np.lexsort((x0, line))]


def _char_counts(chars: list[Word]) -> tuple[bool, int]:
    """(has text, replaced): whether any char is not whitespace, and how many chars
    are unmapped glyphs (U+FFFD or "(cid:N)"), counted in C rather than char by char."""
    texts = [c["text"] for c in chars]
    has_text = not all(t.isspace() for t in texts)  # stops at the first visible char
    replaced = texts.count("\ufffd") + ("\x00" + "\x00".join(texts)).count("\x00(cid:")
    return has_text, replaced


def _page_words(chars: list[Word]) -> list[Word]:
    """Upright words with size and font; unmapped glyphs become U+FFFD."""
    words = extract_words(
        chars, use_text_flow=False, keep_blank_chars=False, extra_attrs=["size", "fontname"]
    )
    kept = []
    for w in words:
        if not w["upright"]:
            continue  # rotated margin text (stamps, fax lines) is not body text
        if "(cid:" in w["text"]:
            w["text"] = _CID.sub("\ufffd", w["text"])
        kept.append(w)
    return kept


# --------------------------------------------------------------------------- quality

# Frequent English words of three letters or more (shorter ones spelt backwards
# are too often words of other languages: French "si", "ta"). Text whose words
# match mostly when spelt backwards comes from a mirrored or reversed text layer:
# in English prose a quarter or more of the words of three letters or more are
# on this list, and about 1% are on it spelt backwards.
_COMMON_WORDS_TEXT = """
    about after all also and any are been before between both but can could did each
    first for from had has have her his into its may more most must new not now one
    only other our over said shall she should some such than that the their them then
    there these they this those through two under united upon was were what when where
    which while who will with within would year years you your government national
    states public policy security support development economic international agreement
    president
"""
COMMON_WORDS = frozenset(_COMMON_WORDS_TEXT.split())
TINY_TEXT_PT = 4.0  # glyphs set smaller than this cannot be read on the printed page
_LEADER = re.compile(r"([^\w\s\ufffd]|_)\1{2,}")  # dot leaders and rules: "....", "____"
_MIN_GLYPHS = 40  # fewer glyphs than this say too little to judge a page by
_MIN_TINY_GLYPHS = 200
_WORD_EDGES = ".,;:!?\"'()[]{}“”‘’«»-–—…*"  # stripped before a word is looked up


@dataclass(frozen=True)
class TextQuality:
    """Counts that tell whether a page's words are readable text."""

    glyphs: int  # visible glyphs in words, dot leaders and rules not counted
    letters: int  # of those, letters, digits and combining marks
    common_words: int  # words in COMMON_WORDS as written
    reversed_words: int  # words in COMMON_WORDS only when read backwards
    words_checked: int  # alphabetic words of three letters or more
    small_glyphs: int  # glyphs set under TINY_TEXT_PT (leaders included)
    all_glyphs: int

    @property
    def letter_rate(self) -> float:
        return self.letters / self.glyphs if self.glyphs else 1.0

    @property
    def reversed_word_rate(self) -> float:
        found = self.common_words + self.reversed_words
        return self.reversed_words / found if found else 0.0

    @property
    def small_text_rate(self) -> float:
        return self.small_glyphs / self.all_glyphs if self.all_glyphs else 0.0

    @property
    def reads_backwards(self) -> bool:
        return (
            self.reversed_words >= 5
            and self.reversed_words > 2 * self.common_words
            and self.reversed_words >= 0.1 * self.words_checked
        )

    @property
    def glyph_soup(self) -> bool:
        """Mostly unmapped glyphs, symbols and punctuation rather than letters."""
        return self.glyphs >= _MIN_GLYPHS and self.letter_rate < 0.5

    @property
    def pure_garbage(self) -> bool:
        """Next to no letters or digits at all: nothing worth publishing."""
        return self.glyphs >= _MIN_GLYPHS and self.letter_rate < 0.1

    @property
    def tiny_text(self) -> bool:
        """A page filled with text too small to read (hidden or microprinted text)."""
        return self.all_glyphs >= _MIN_TINY_GLYPHS and self.small_text_rate >= 0.5

    @property
    def flags(self) -> tuple[str, ...]:
        checks = (
            ("reversed_words", self.reads_backwards),
            ("glyph_soup", self.glyph_soup),
            ("text_left_out", self.pure_garbage),
            ("tiny_text", self.tiny_text),
        )
        return tuple(name for name, on in checks if on)


def text_quality(words: list[Word]) -> TextQuality:
    """Quality counts of a page's words (unmapped glyphs already U+FFFD)."""
    glyphs = letters = common = backwards = checked = small = total = 0
    for w in words:
        text = w["text"]
        total += len(text)
        if w["size"] < TINY_TEXT_PT:
            small += len(text)
        counted = _LEADER.sub("", text)
        glyphs += len(counted)
        letters += sum(ch.isalnum() or unicodedata.category(ch)[0] == "M" for ch in counted)
        token = text.strip(_WORD_EDGES).lower()
        if len(token) >= 3 and token.isalpha():
            checked += 1
            if token in COMMON_WORDS:
                common += 1
            elif token[::-1] in COMMON_WORDS:
                backwards += 1
    return TextQuality(glyphs, letters, common, backwards, checked, small, total)


def _quality_warnings(number: int, quality: TextQuality) -> list[str]:
    warnings = []
    if quality.reads_backwards:
        warnings.append(
            f"page {number}: text reads backwards (a mirrored or reversed text layer): "
            f"{quality.reversed_words} of {quality.common_words + quality.reversed_words} "
            "common words are spelt in reverse"
        )
    if quality.glyph_soup:
        left_out = "; its text is left out" if quality.pure_garbage else ""
        warnings.append(
            f"page {number}: glyph soup: only {quality.letter_rate:.0%} of {quality.glyphs} "
            f"glyphs are letters or digits{left_out}"
        )
    if quality.tiny_text:
        warnings.append(
            f"page {number}: unreadably small text: {quality.small_text_rate:.0%} of "
            f"{quality.all_glyphs} glyphs are set under {TINY_TEXT_PT:g} pt"
        )
    return warnings


# --------------------------------------------------------------------------- lines


def group_lines(words: list[Word]) -> list[_Line]:
    """Group words into lines by vertical overlap; superscripts join their line."""
    lines: list[_Line] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        height = w["bottom"] - w["top"]
        for line in reversed(lines[-4:]):
            overlap = min(line.bottom, w["bottom"]) - max(line.top, w["top"])
            if overlap >= 0.5 * min(height, line.bottom - line.top):
                line.words.append(w)
                line.top = min(line.top, w["top"])
                line.bottom = max(line.bottom, w["bottom"])
                break
        else:
            lines.append(_Line(words=[w], top=w["top"], bottom=w["bottom"]))
    for line in lines:
        line.words.sort(key=lambda w: w["x0"])
    lines.sort(key=lambda ln: ln.top)
    return lines


def _line_text(words: list[Word]) -> str:
    """Join words, with a space only where there is a visible gap."""
    parts = [words[0]["text"]]
    for prev, w in pairwise(words):
        if w["x0"] - prev["x1"] > 0.12 * min(prev["size"], w["size"]):
            parts.append(" ")
        parts.append(w["text"])
    return "".join(parts)


def _dominant_size(words: list[Word]) -> float:
    """The size most of a line's text is set in; run-in small caps do not count."""
    weights: Counter[float] = Counter()
    lowercase = [w for w in words if any(ch.islower() for ch in w["text"])]
    for w in lowercase or words:
        weights[round(w["size"], 1)] += len(w["text"])
    return weights.most_common(1)[0][0]


def _strip_superscripts(line: _Line) -> bool:
    """Remove footnote reference marks: small, raised digits or symbols, from a
    finished line (its size is its words' dominant size). Whether any were removed."""
    size = line.size
    base = median(w["bottom"] for w in line.words if round(w["size"], 1) == size)
    kept = [
        w
        for w in line.words
        if not (
            w["size"] <= 0.8 * size
            and w["bottom"] < base - 0.2 * size
            and _SUPERSCRIPT.match(w["text"])
        )
    ]
    if kept and len(kept) < len(line.words):
        line.words = kept
        return True
    return False


def _finish_line(line: _Line, page: int) -> _Line:
    line.page = page
    line.size = _dominant_size(line.words)
    words = [w for w in line.words if any(ch.islower() for ch in w["text"])] or line.words
    chars = sum(len(w["text"]) for w in words)
    bold = sum(len(w["text"]) for w in words if _BOLD.search(w["fontname"]))
    line.bold = bold >= 0.8 * chars
    line.text = _line_text(line.words)
    return line


# --------------------------------------------------------------------------- margins


def _drop_line_numbers(words: list[Word], width: float) -> list[Word]:
    """Drop a margin column of small increasing integers (transcript line numbers)."""
    numbers = [w for w in words if w["text"].isdigit() and len(w["text"]) <= 2]
    by_edge: dict[int, list[Word]] = {}
    for w in numbers:
        if w["x1"] < 0.2 * width or w["x0"] > 0.8 * width:
            by_edge.setdefault(round(w["x1"] / 4), []).append(w)
    drop: set[int] = set()
    for group in by_edge.values():
        group.sort(key=lambda w: w["top"])
        values = [int(w["text"]) for w in group]
        increasing = sum(b > a for a, b in pairwise(values))
        if len(group) >= 5 and increasing >= 0.9 * (len(group) - 1):
            outside = [w for w in words if w["x1"] <= group[0]["x0"] or w["x0"] >= group[0]["x1"]]
            # The numbers must sit beside the text, not inside a table column.
            if all(w["x0"] > max(n["x1"] for n in group) for w in outside) or all(
                w["x1"] < min(n["x0"] for n in group) for w in outside
            ):
                drop.update(id(w) for w in group)
    return [w for w in words if id(w) not in drop] if drop else words


def _margin_rows(page: PageWords) -> list[tuple[str, list[Word]]]:
    """The outermost rows in the top and bottom margin zones, tagged by zone."""
    rows = group_lines(page.words)
    top = [("top", r.words) for r in rows[:_MARGIN_ROWS] if r.bottom <= 0.15 * page.height]
    bottom = [("bottom", r.words) for r in rows[-_MARGIN_ROWS:] if r.top >= 0.85 * page.height]
    return top + bottom


def _row_key(zone: str, words: list[Word]) -> str:
    return zone + ":" + _DIGITS.sub("#", "".join(w["text"] for w in words).lower())


def _drop_running_lines(
    pages: list[PageWords], margins: dict[int, list[tuple[str, list[Word]]]]
) -> None:
    """Remove running headers/footers (repeated in the margins) and page numbers.

    `margins` holds each page's `_margin_rows`.
    """
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({_row_key(zone, ws) for zone, ws in margins[page.number]})
    needed = max(2, round(0.25 * len(pages)))
    for page in pages:
        drop: set[int] = set()
        for zone, ws in margins[page.number]:
            text = " ".join(w["text"] for w in ws)
            if counts[_row_key(zone, ws)] >= needed or _PAGE_NUMBER.match(text):
                drop.update(id(w) for w in ws)
        if drop:
            page.words = [w for w in page.words if id(w) not in drop]


# --------------------------------------------------------------------------- columns


def find_gutters(words: list[Word], body_size: float) -> list[tuple[float, float]]:
    """X-ranges between columns: interior runs of near-zero word coverage.

    The coverage is a histogram a point wide across the words' extent; words
    drawn further from the rest than any page is wide (stray text far off the
    page) are left out of it, or one of them would make it enormous.
    """
    if len(words) < 20:
        return []
    left = int(min(w["x0"] for w in words))
    right = int(max(w["x1"] for w in words)) + 1
    if right - left > _MAX_PAGE_SIDE:
        centre = median(w["x0"] for w in words)
        half = _MAX_PAGE_SIDE / 2
        words = [w for w in words if w["x0"] >= centre - half and w["x1"] <= centre + half]
        if len(words) < 20:
            return []
        left = int(min(w["x0"] for w in words))
        right = int(max(w["x1"] for w in words)) + 1
    diff = np.zeros(right - left + 2)
    for w in words:
        diff[int(w["x0"]) - left] += 1
        diff[int(w["x1"]) + 1 - left] -= 1
    cover = np.cumsum(diff)[: right - left]
    level = float(np.median(cover[cover > 0]))
    low = cover <= max(1.0, 0.12 * level)
    min_width = max(4.0, 0.5 * body_size)
    runs: list[tuple[int, int]] = []
    start = None
    for x, is_low in enumerate(low):
        if is_low and start is None:
            start = x
        elif not is_low and start is not None:
            if start > 0 and x - start >= min_width:
                runs.append((start, x))
            start = None
    total = float(cover.sum())
    gutters: list[tuple[float, float]] = []
    prev = 0
    for i, (s, e) in enumerate(runs):
        nxt = runs[i + 1][0] if i + 1 < len(runs) else len(cover)
        # Each side needs a real column's worth of text, not a stray label.
        massive = cover[prev:s].sum() >= 0.08 * total and cover[e:nxt].sum() >= 0.08 * total
        if massive and s - prev >= 40 and nxt - e >= 40:
            gutters.append((left + s, left + e))
            prev = e
    return gutters


def _column_of(w: Word, gutters: list[tuple[float, float]]) -> int:
    """Column index of a word, or -1 if it crosses the middle of a gutter."""
    for i, (s, e) in enumerate(gutters):
        mid = (s + e) / 2
        if w["x0"] < mid < w["x1"]:
            return -1
        if (w["x0"] + w["x1"]) / 2 < mid:
            return i
    return len(gutters)


def _overlaps(a: _Line, b: _Line) -> bool:
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return overlap >= 0.5 * min(a.bottom - a.top, b.bottom - b.top)


def _reading_order(page: PageWords) -> list[list[_Line]]:
    """Segments of lines in reading order: column runs within bands, spanning runs."""
    columns: dict[int, list[Word]] = {}
    for w in page.words:
        columns.setdefault(_column_of(w, page.gutters), []).append(w)
    spanning = group_lines(columns.pop(-1, []))
    column_lines = {c: group_lines(ws) for c, ws in sorted(columns.items())}
    for col, lines in column_lines.items():
        for line in lines:
            line.column = col
    # A column fragment on the same baseline as a spanning line belongs to it.
    for span in spanning:
        span.column = -1
        for lines in column_lines.values():
            joined = [ln for ln in lines if _overlaps(ln, span)]
            for ln in joined:
                span.words.extend(ln.words)
                lines.remove(ln)
        span.words.sort(key=lambda w: w["x0"])
    segments: list[list[_Line]] = []
    edges = [s.top for s in spanning] + [float("inf")]
    previous_edge = float("-inf")
    for i, edge in enumerate(edges):
        for col in sorted(column_lines):
            seg = [ln for ln in column_lines[col] if previous_edge <= ln.top < edge]
            if seg:
                segments.append(seg)
        if i < len(spanning):
            if (
                segments
                and segments[-1][0].column == -1
                and not any(
                    previous_edge <= ln.top < edge
                    for lines in column_lines.values()
                    for ln in lines
                )
            ):
                segments[-1].append(spanning[i])
            else:
                segments.append([spanning[i]])
        previous_edge = edge
    return segments


# --------------------------------------------------------------------------- structure


@dataclass
class _Layout:
    """Document-wide measures the paragraph rules compare against."""

    body_size: float
    line_gap: float
    column_left: dict[tuple[int, int], float]  # (page, column) -> left edge
    column_right: dict[tuple[int, int], float]


def _is_heading_line(line: _Line, body: float) -> bool:
    return line.size >= 1.12 * body or (line.bold and line.size >= 0.95 * body)


def _footnote_run(segment: list[_Line], body: float, height: float, open_note: bool) -> list[_Line]:
    """Trailing small-font lines of a segment that hold footnotes.

    The run must start with a mark, unless the last footnote so far is
    unfinished and continues here (a footnote broken across columns or pages).
    """
    run: list[_Line] = []
    for line in reversed(segment):
        if line.size > 0.9 * body or line.top < 0.45 * height:
            break
        run.append(line)
    run.reverse()
    if run and open_note and not _starts_with_mark(run[0]):
        return run
    while run and not _starts_with_mark(run[0]):
        run.pop(0)
    return run


def _footnote_ids(segments: list[list[_Line]], body: float, heights: dict[int, float]) -> set[int]:
    ids: set[int] = set()
    open_note = False
    for seg in segments:
        run = _footnote_run(seg, body, heights[seg[0].page], open_note)
        if run:
            ids.update(id(line) for line in run)
            open_note = not run[-1].text.rstrip().endswith(_SENTENCE_END)
    return ids


def _note_number(line: _Line) -> int | None:
    text = line.words[0]["text"].rstrip(".)")
    return int(text) if text.isdigit() else None


def _starts_note(line: _Line, last_number: int | None) -> bool:
    """A footnote line starting a new note: a mark, numbered after the last note."""
    if not _starts_with_mark(line):
        return False
    number = _note_number(line)
    return number is None or last_number is None or number == last_number + 1


def _resumable(
    paragraphs: list[tuple[str, list[_Line]]], current: list[_Line], line: _Line, layout: _Layout
) -> list[_Line] | None:
    """A recent body paragraph (before `current`) that `line` continues, if any."""
    recent = [lines for kind, lines in paragraphs[-5:] if kind == "body" and lines is not current]
    for lines in reversed(recent):
        if _resumes(lines, line, layout):
            return lines
    return None


def _resumes(para: list[_Line], line: _Line, layout: _Layout) -> bool:
    """Whether `line` continues an unfinished paragraph cut by a box or caption."""
    last = para[-1]
    left = layout.column_left[(line.page, line.column)]
    return (
        line.text[:1].islower()
        and not last.text.rstrip().endswith(_SENTENCE_END)
        and abs(last.size - line.size) <= 0.6
        and line.x0 - left <= 0.6 * line.size
        and not _is_heading_line(line, layout.body_size)
    )


def _starts_with_mark(line: _Line) -> bool:
    first = line.words[0]
    if not _MARK.match(first["text"]):
        return False
    return len(line.words) > 1 or first["size"] < 0.8 * line.size


def _new_paragraph(prev: _Line, line: _Line, layout: _Layout) -> bool:
    """Whether `line` starts a new paragraph after body line `prev`."""
    body = layout.body_size
    if _is_heading_line(prev, body) != _is_heading_line(line, body):
        return True
    if abs(prev.size - line.size) > 0.6:
        return True
    if _BULLET.match(line.text):
        return True
    left = layout.column_left[(line.page, line.column)]
    right = layout.column_right[(prev.page, prev.column)]
    prev_left = layout.column_left[(prev.page, prev.column)]
    width = max(right - prev_left, 1.0)
    indent = 0.6 * line.size
    ends = prev.text.rstrip().endswith(_SENTENCE_END)
    same_segment = prev.page == line.page and prev.column == line.column and line.top > prev.top
    if same_segment:
        if line.top - prev.bottom > layout.line_gap + 0.4 * line.size:
            return True
        if line.x0 > prev.x0 + indent and not _continues_hanging(prev, line):
            return True
        return ends and right - prev.x1 > 0.5 * width
    if line.x0 - left > indent:
        return True
    return ends and right - prev.x1 > 0.15 * width


def _continues_hanging(prev: _Line, line: _Line) -> bool:
    """A wrapped bullet/numbered line aligned with the text after the marker."""
    if len(prev.words) < 2:
        return False
    return abs(line.x0 - prev.words[1]["x0"]) < 2.0 or abs(line.x0 - prev.x0) < 2.0


def _join_lines(lines: list[str], hyphenated: set[str]) -> str:
    """Join wrapped lines with spaces, repairing end-of-line hyphenation."""
    text = _ParagraphText(lines[0], hyphenated)
    for nxt in lines[1:]:
        text.add_line(nxt)
    return text.joined()


_ID_BREAK = re.compile(r"\w–$")
_TAIL_WORD = re.compile(r"(\w+)-$")
_HEAD_WORD = re.compile(r"^(\w+)")
_URL_BREAK_END = "-/._%=?&@"


class _ParagraphText:
    """A paragraph's text built line by line in time linear in its length.

    Each join rule reads only the end of the text so far: its last characters
    (a window longer than any known hyphenated compound, so a hyphenated word
    longer than the window cannot be one of them either) and three facts about
    its last space-free token, kept up to date as lines are added. Re-reading
    the whole paragraph for every line made long unbroken text quadratic.
    """

    def __init__(self, first: str, hyphenated: set[str]) -> None:
        self.hyphenated = hyphenated
        self.window_size = max(64, max(map(len, hyphenated), default=0) + 8)
        self.parts: list[str] = []
        self.window = ""
        self.token_length = 0  # the last token is the text after the last " "
        self.token_head = ""  # its first four characters
        self.token_marked = False  # it contains "://" or "@"
        self._append(first)

    def joined(self) -> str:
        return "".join(self.parts)

    def add_line(self, nxt: str) -> None:
        """Append the next wrapped line: directly after an identifier or URL broken
        at a dash or slash, dropping an end-of-line hyphen that splits a word (not a
        compound the document hyphenates elsewhere), else after a space."""
        end = self.window
        number_break = end.endswith("-") and end[-2:-1].isdigit() and nxt[:1].isdigit()
        if _ID_BREAK.search(end[-3:]) or number_break:
            self._append(nxt)  # identifiers broken at a dash: "AD 2018–23–" + "51", "M–" + "30"
            return
        in_url = self.token_marked or self.token_head.startswith("www.")
        if in_url and self.token_length and end[-1] in _URL_BREAK_END:
            self._append(nxt)  # a URL or e-mail address broken across lines
            return
        tail = _TAIL_WORD.search(end)
        head = _HEAD_WORD.match(nxt)
        if tail and head and tail.group(1)[-1].isalpha():
            first, second = tail.group(1), head.group(1)
            compound = f"{first}-{second}".lower()
            if second[0].islower() and compound not in self.hyphenated:
                self._drop_last_char()
            self._append(nxt)
            return
        self._append(" " + nxt)

    def _append(self, piece: str) -> None:
        if " " in piece:
            token = piece.rsplit(" ", 1)[-1]
            self.token_length = len(token)
            self.token_head = token[:4]
            self.token_marked = "://" in token or "@" in token
        else:
            # "://" split between the text so far and the piece: both sides are in the token.
            self.token_marked = (
                self.token_marked or "@" in piece or "://" in self.window[-2:] + piece
            )
            if len(self.token_head) < 4:
                self.token_head = (self.token_head + piece)[:4]
            self.token_length += len(piece)
        self.parts.append(piece)
        self.window = (self.window + piece)[-self.window_size :]

    def _drop_last_char(self) -> None:
        """Remove the final character (an end-of-line hyphen, or the newline after one)."""
        while not self.parts[-1]:
            self.parts.pop()
        self.parts[-1] = self.parts[-1][:-1]
        self.window = self.window[:-1]
        if self.token_length <= 4:
            self.token_head = self.token_head[:-1]
        self.token_length -= 1


def _hyphenated_words(lines: list[_Line]) -> set[str]:
    """Hyphenated compounds written inside lines (evidence a hyphen is real)."""
    found: set[str] = set()
    for line in lines:
        for w in line.words[:-1]:
            if "-" in w["text"][1:-1]:
                found.add(w["text"].strip(".,;:()[]\"'“”‘’").lower())
    return found


def _heading_levels(headings: list[_Line]) -> dict[float, int]:
    """Rank heading sizes: the biggest is level 0, body-size bold comes last."""
    sizes = sorted({round(h.size * 2) / 2 for h in headings}, reverse=True)
    return {s: i for i, s in enumerate(sizes)}


def _build_blocks(
    segments: list[list[_Line]], layout: _Layout, heights: dict[int, float]
) -> list[Block]:
    """Paragraph, heading and footnote blocks from segments in reading order."""
    body = layout.body_size
    all_lines = [ln for seg in segments for ln in seg]
    hyphenated = _hyphenated_words(all_lines)
    footnote_ids = _footnote_ids(segments, body, heights)

    paragraphs: list[tuple[str, list[_Line]]] = []  # (kind, lines)
    current: list[_Line] = []
    last_note: int | None = None
    note: list[_Line] | None = None  # the latest footnote's lines
    for line in all_lines:
        if id(line) in footnote_ids:
            if _starts_note(line, last_note) or note is None:
                note = [line]
                paragraphs.append(("footnote", note))
                last_note = _note_number(line)
            else:
                note.append(line)
            continue
        if _strip_superscripts(line):
            _finish_line(line, line.page)
        if current and not _new_paragraph(current[-1], line, layout):
            current.append(line)
        elif resumed := _resumable(paragraphs, current, line, layout):
            resumed.append(line)
            current = resumed
        else:
            current = [line]
            paragraphs.append(("body", current))

    headings = [
        lines[0]
        for kind, lines in paragraphs
        if kind == "body" and _is_heading_paragraph(lines, body)
    ]
    levels = _heading_levels(headings)
    title_size = _title_size(headings)
    blocks: list[Block] = []
    path: list[tuple[int, str]] = []
    for kind, lines in paragraphs:
        text = normalize_text(_join_lines([ln.text for ln in lines], hyphenated)).strip()
        if not text:
            continue
        page = lines[0].page
        if kind == "footnote":
            blocks.append(Block(text=text, kind="footnote", section="Footnotes", page=page))
            continue
        if _is_heading_paragraph(lines, body):
            size = round(lines[0].size * 2) / 2
            if size == title_size and not blocks:
                # The document title, as in the Markdown path: not part of any section.
                blocks.append(Block(text=text, kind="title", page=page))
                continue
            level = levels[size]
            path = [(lv, t) for lv, t in path if lv < level] + [(level, text)]
            blocks.append(Block(text=text, kind="heading", section=_path(path), page=page))
            continue
        blocks.append(Block(text=text, kind="body", section=_path(path), page=page))
    return blocks


def _title_size(headings: list[_Line]) -> float | None:
    """The size of a one-off largest heading on the first page, if there is one."""
    if not headings:
        return None
    sizes = [round(h.size * 2) / 2 for h in headings]
    largest = max(sizes)
    first = headings[sizes.index(largest)]
    return largest if sizes.count(largest) == 1 and first.page == 1 else None


def _path(path: list[tuple[int, str]]) -> str:
    return " > ".join(t for _, t in path)


def _is_heading_paragraph(lines: list[_Line], body: float) -> bool:
    words = sum(len(ln.words) for ln in lines)
    return len(lines) <= 5 and words <= 30 and all(_is_heading_line(ln, body) for ln in lines)


def _layout(pages: list[PageWords], segments: list[list[_Line]]) -> _Layout:
    body = _body_size(pages)
    gaps = [
        b.top - a.bottom
        for seg in segments
        for a, b in pairwise(seg)
        if abs(a.size - body) < 0.6 and 0 <= b.top - a.bottom < 2 * body
    ]
    left: dict[tuple[int, int], list[float]] = {}
    right: dict[tuple[int, int], list[float]] = {}
    for seg in segments:
        for ln in seg:
            left.setdefault((ln.page, ln.column), []).append(round(ln.x0))
            right.setdefault((ln.page, ln.column), []).append(round(ln.x1))
    return _Layout(
        body_size=body,
        line_gap=median(gaps) if gaps else 0.2 * body,
        column_left={k: Counter(v).most_common(1)[0][0] for k, v in left.items()},
        column_right={k: float(np.percentile(v, 90)) for k, v in right.items()},
    )


# --------------------------------------------------------------------------- reading


def _open_error(path: Path, exc: Exception) -> IngestError:
    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
        return IngestError(path, "encrypted; a password is required")
    reason = str(inner) or type(inner).__name__
    return IngestError(path, f"not a readable PDF: {reason}")


# Long PDFs are read a page range per worker process: parsing the content
# streams (pdfminer, pure Python) is nearly all of the time and pages parse
# independently. Below this many pages, starting workers costs more than it saves.
PARALLEL_MIN_PAGES = 40


def _read_pages(
    path: Path, max_pages: int | None, *, parallel_min_pages: int | None = None
) -> tuple[list[PageWords], list[PageStats], int, list[str]]:
    """Words and stats of each page; the PDF is opened once per reader, pages closed
    after use. Long documents are read in parallel page ranges (same results)."""
    threshold = PARALLEL_MIN_PAGES if parallel_min_pages is None else parallel_min_pages
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many types on malformed input
        raise _open_error(path, exc) from exc
    with pdf:
        try:
            total = len(pdf.pages)
        except Exception as exc:
            raise _open_error(path, exc) from exc
        count = total if max_pages is None else min(total, max_pages)
        warnings = (
            [f"read {count} of {total} pages (max_pages={max_pages})"] if count < total else []
        )
        workers = min(os.cpu_count() or 1, count // max(threshold // 2, 1))
        parallel = None
        if count >= max(threshold, 2) and workers > 1:
            parallel = _read_parallel(path, count, total, workers)
        if parallel is None:
            pages, stats, page_warnings = _read_range(pdf, path, 1, count, total)
        else:
            pages, stats, page_warnings = parallel
    return pages, stats, total, warnings + page_warnings


def _page_ranges(count: int, parts: int) -> list[tuple[int, int]]:
    """`parts` contiguous, near-equal runs of pages 1..count, as (first, last)."""
    bounds = [round(i * count / parts) for i in range(parts + 1)]
    return [(a + 1, b) for a, b in pairwise(bounds) if b > a]


def _read_parallel(
    path: Path, count: int, total: int, workers: int
) -> tuple[list[PageWords], list[PageStats], list[str]] | None:
    """Page ranges read in worker processes and merged in page order; None if worker
    processes cannot be used here (the caller then reads serially)."""
    ranges = _page_ranges(count, 2 * workers)  # two ranges each: a slow one does not stall
    try:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=die_with_parent
        ) as pool:
            futures = [
                pool.submit(_read_range_in_worker, str(path), first, last, total)
                for first, last in ranges
            ]
            parts = [future.result() for future in futures]
    except Exception:  # no processes here (daemonic parent, sandbox) or a worker died
        return None
    pages: list[PageWords] = []
    stats: list[PageStats] = []
    warnings: list[str] = []
    for part in parts:
        pages += part[0]
        stats += part[1]
        warnings += part[2]
    return pages, stats, warnings


def _read_range_in_worker(
    path: str, first: int, last: int, total: int
) -> tuple[list[PageWords], list[PageStats], list[str]]:
    """One worker's page range: the PDF opened once for the whole range."""
    with pdfplumber.open(path) as pdf:
        return _read_range(pdf, Path(path), first, last, total)


def _read_range(
    pdf: Any, path: Path, first: int, last: int, total: int
) -> tuple[list[PageWords], list[PageStats], list[str]]:
    """Pages first..last (1-based, inclusive): words after per-page cleaning, and stats.

    A page that fails to read is skipped with a warning naming it; only a
    one-page document fails as a whole.
    """
    pages: list[PageWords] = []
    stats: list[PageStats] = []
    warnings: list[str] = []
    for number in range(first, last + 1):
        try:
            page, page_stats, page_warnings = _read_page(pdf, number)
        except Exception as exc:
            if total == 1:
                raise _open_error(path, exc) from exc
            warnings.append(f"page {number}: could not be read: {_error_text(exc)}")
            continue
        pages.append(page)
        stats.append(page_stats)
        warnings += page_warnings
    return pages, stats, warnings


def _read_page(pdf: Any, number: int) -> tuple[PageWords, PageStats, list[str]]:
    """One page's words in its upright frame, its stats and its warnings."""
    page = pdf.pages[number - 1]
    try:
        raw = page_chars(page)
        width, height = float(page.width), float(page.height)
    finally:
        page.close()
    oriented = orient_chars(raw, width, height)
    chars = sort_chars(dedupe_chars(oriented.chars))
    words = _page_words(chars)
    has_text, replaced = _char_counts(chars)
    warnings = _orientation_warnings(number, oriented)
    if not has_text:
        warnings.append(f"page {number}: no text layer; OCR is not supported")
    quality = text_quality(words)
    warnings += _quality_warnings(number, quality)
    if quality.pure_garbage:
        words = []
    words = _drop_line_numbers(words, oriented.width)
    flags = ("mirrored",) * oriented.mirrored + ("oblique",) * (oriented.oblique_share >= 0.5)
    stats = PageStats(
        page=number,
        chars=len(chars),
        replacement_rate=replaced / len(chars) if chars else 0.0,
        duplicate_rate=1 - len(chars) / len(raw) if raw else 0.0,
        columns=1,
        has_text_layer=has_text,
        text_rotation=oriented.rotation,
        letter_rate=round(quality.letter_rate, 4),
        reversed_word_rate=round(quality.reversed_word_rate, 4),
        small_text_rate=round(quality.small_text_rate, 4),
        flags=flags + quality.flags,
    )
    return PageWords(number, oriented.width, oriented.height, words), stats, warnings


def _orientation_warnings(number: int, oriented: OrientedChars) -> list[str]:
    warnings = []
    if oriented.mirrored:
        warnings.append(f"page {number}: text is drawn mirrored; read as if unmirrored")
    if oriented.oblique_share >= 0.5:
        warnings.append(
            f"page {number}: {oriented.oblique_share:.0%} of the text is set at an angle, "
            "not upright nor a quarter turn from it; that text is left out"
        )
    return warnings


def _error_text(exc: BaseException) -> str:
    """An exception on one line: its type and message."""
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def read_pdf(
    path: Path, *, max_pages: int | None = None, parallel_min_pages: int | None = None
) -> PdfResult:
    """Paragraph blocks (headings, body, footnotes) in reading order from a PDF.

    Documents of `parallel_min_pages` pages or more (default PARALLEL_MIN_PAGES)
    are read in worker processes, a page range each; the blocks are the same.
    A page that cannot be read or laid out is skipped with a warning naming it.
    """
    path = Path(path)
    if path.stat().st_size == 0:
        raise IngestError(path, "not a readable PDF: empty file (0 bytes)")
    pages, stats, total, warnings = _read_pages(
        path, max_pages, parallel_min_pages=parallel_min_pages
    )
    if not any(s.has_text_layer for s in stats):
        raise IngestError(path, "no text layer on any page; OCR is not supported")
    if not any(page.words for page in pages):
        reasons = f" ({'; '.join(warnings[:3])})" if warnings else ""
        raise IngestError(path, f"no readable text on any page{reasons}")
    try:
        assembled = blocks_from_pages(pages)
    except Exception as exc:  # a failure no single page explains
        raise IngestError(path, f"could not assemble the text: {_error_text(exc)}") from exc
    stats = [replace(s, columns=assembled.columns.get(s.page, s.columns)) for s in stats]
    return PdfResult(
        blocks=assembled.blocks,
        pages=total,
        page_stats=stats,
        warnings=warnings + assembled.warnings,
    )


@dataclass
class AssembledText:
    """Blocks made from a document's pages, the columns found on each page, and
    warnings naming the pages skipped because a step failed on them."""

    blocks: list[Block]
    columns: dict[int, int]
    warnings: list[str]


def blocks_from_pages(pages: list[PageWords]) -> AssembledText:
    """Blocks from the pages' words: the steps that look across pages.

    A step that raises on one page skips that page (with a warning) rather than
    failing the document; a failure in the final assembly is traced to the pages
    that fail on their own.
    """
    warnings: list[str] = []

    def skip(page: PageWords, step: str, exc: Exception) -> None:
        warnings.append(f"page {page.number}: skipped, {step} failed: {_error_text(exc)}")

    margins: dict[int, list[tuple[str, list[Word]]]] = {}
    for page in pages:
        try:
            margins[page.number] = _margin_rows(page)
        except Exception as exc:
            skip(page, "finding running headers", exc)
    pages = [p for p in pages if p.number in margins]
    _drop_running_lines(pages, margins)
    body = _body_size(pages)
    segments: dict[int, list[list[_Line]]] = {}
    columns: dict[int, int] = {}
    for page in pages:
        try:
            segments[page.number] = _page_segments(page, body)
        except Exception as exc:
            skip(page, "finding columns and lines", exc)
            continue
        columns[page.number] = len(page.gutters) + 1
    pages = [p for p in pages if p.number in segments]
    try:
        blocks = _assemble(pages, segments)
    except Exception as exc:
        failing = _pages_failing_alone(pages, segments)
        if not failing:
            raise
        for page in failing:
            skip(page, "building paragraphs", exc)
        pages = [p for p in pages if p not in failing]
        blocks = _assemble(pages, segments)
    return AssembledText(blocks, columns, warnings)


def _page_segments(page: PageWords, body: float) -> list[list[_Line]]:
    """One page's lines in reading order, by segment (column runs, spanning lines)."""
    page.gutters = find_gutters(page.words, body)
    segments = _reading_order(page)
    for seg in segments:
        for line in seg:
            line.page = page.number
            _finish_line(line, page.number)
    return segments


def _assemble(pages: list[PageWords], segments: dict[int, list[list[_Line]]]) -> list[Block]:
    """Paragraph blocks of these pages' segments, measured against these pages.

    Building paragraphs strips footnote marks from lines; the lines are put back
    as they were afterwards, so that pages can be tried again without a failing one.
    """
    ordered = [seg for p in pages for seg in segments[p.number]]
    lines = [ln for seg in ordered for ln in seg]
    saved = [(ln.words, ln.size, ln.bold, ln.text) for ln in lines]
    try:
        layout = _layout(pages, ordered)
        return _build_blocks(ordered, layout, {p.number: p.height for p in pages})
    finally:
        for line, (words, size, bold, text) in zip(lines, saved, strict=True):
            line.words, line.size, line.bold, line.text = words, size, bold, text


def _pages_failing_alone(
    pages: list[PageWords], segments: dict[int, list[list[_Line]]]
) -> list[PageWords]:
    """The pages whose paragraphs cannot be built even on their own."""
    failing = []
    for page in pages:
        try:
            _assemble([page], segments)
        except Exception:
            failing.append(page)
    return failing


def _body_size(pages: list[PageWords]) -> float:
    """The font size (to half a point) most of the document's text is set in."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for w in page.words:
            sizes[round(w["size"] * 2) / 2] += len(w["text"])
    return sizes.most_common(1)[0][0] if sizes else 10.0
