"""Text normalization shared by every reader (Markdown, text, PDF)."""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",  # long s + t
    "\ufb06": "st",
}
_REMOVE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"  # soft hyphen, zero-width chars, BOM
_TRANSLATE = str.maketrans({**_LIGATURES, **{c: None for c in _REMOVE}})
# Unicode space separators (NBSP, thin, figure, ideographic...) plus tab.
_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LINE_BREAKS = re.compile(r"\r\n?|[\v\f\x85\u2028\u2029]")
_CARRIAGE_RETURNS = re.compile(r"\r\n?")
# Longest run of non-space characters kept as a word. Longer runs (inline data, a broken
# extraction, adversarial input) are no words a reader needs, and spaCy's tokenizer takes
# time quadratic in a run's length when it peels brackets or quotes off it one by one.
MAX_WORD_CHARS = 1_000
_OVERLONG_WORD = re.compile(rf"(?<!\S)\S{{{MAX_WORD_CHARS + 1},}}")
# Only runs after a non-space: leading indentation (Markdown code, nesting) is kept.
_INNER_SPACES = re.compile(r"(?<=\S) {2,}")
# C0/C1 controls except "\n" (tabs are spaces by then) and the common format chars
# (bidi marks, word joiners, interlinear annotation) that carry no text.
_CONTROLS = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2061-\u2064\u2066-\u206f\ufff9-\ufffb]"
)


def normalize_text(text: str) -> str:
    """Clean up text the same way on every ingest path.

    Removes soft hyphens, zero-width characters, BOMs and control characters,
    maps unicode spaces to " ", expands Latin ligatures, turns CRLF/CR into
    "\\n" and collapses runs of spaces inside lines. Curly quotes and dashes
    are kept as they are.
    """
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text)
    text = text.translate(_TRANSLATE)
    text = _SPACES.sub(" ", text)
    text = _CONTROLS.sub("", text)
    return _INNER_SPACES.sub(" ", text)


def normalize_line_endings(text: str) -> str:
    """CRLF and lone CR as "\\n", so that paragraphs are found in files from any platform."""
    return _CARRIAGE_RETURNS.sub("\n", text)


def drop_overlong_words(text: str) -> tuple[str, list[int]]:
    """The text without runs of over `MAX_WORD_CHARS` non-space characters, and their lengths.

    Each run leaves with one space beside it (the one after it, else the one
    before), so the words around it stay one space apart.
    """
    kept: list[str] = []
    lengths: list[int] = []
    position = 0
    for match in _OVERLONG_WORD.finditer(text):
        start, end = match.span()
        lengths.append(end - start)
        if end < len(text) and text[end] == " ":
            end += 1
        elif start > position and text[start - 1] == " ":
            start -= 1
        kept.append(text[position:start])
        position = end
    if not lengths:
        return text, []
    kept.append(text[position:])
    return "".join(kept), lengths
