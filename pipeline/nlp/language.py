"""Is a sentence English? A test by function words, from spaCy's own stop-word lists.

The English model reads other languages as badly spelled English: a Spanish sentence's
capitalized words become "organizations". A sentence whose function words are mostly
Spanish, French, Portuguese, German or Italian ones is not read for new names.
"""

from __future__ import annotations

import re
from functools import cache

_WORD = re.compile(r"[^\W\d_]+")
_OTHER_LANGUAGES = ("es", "fr", "pt", "de", "it")
_MIN_FUNCTION_WORDS = 3  # fewer than this: too short to tell, read as English
LANGUAGE_NAMES = {
    "en": "English", "es": "Spanish", "fr": "French", "pt": "Portuguese", "de": "German",
    "it": "Italian",
}  # fmt: skip


@cache
def _function_words() -> tuple[frozenset[str], frozenset[str]]:
    """(English-only, other-languages-only) stop words: words of both sets tell nothing."""
    from importlib import import_module

    english = frozenset(import_module("spacy.lang.en.stop_words").STOP_WORDS)
    other: set[str] = set()
    for code in _OTHER_LANGUAGES:
        other |= import_module(f"spacy.lang.{code}.stop_words").STOP_WORDS
    shared = english & other
    return english - shared, frozenset(other) - shared


def is_english(text: str) -> bool:
    """True unless the text's function words are mostly those of another language."""
    english, other = _function_words()
    words = [w.casefold() for w in _WORD.findall(text)]
    en = sum(w in english for w in words)
    foreign = sum(w in other for w in words)
    if en + foreign < _MIN_FUNCTION_WORDS:
        return True
    return en >= foreign


@cache
def _stop_words(code: str) -> frozenset[str]:
    from importlib import import_module

    return frozenset(import_module(f"spacy.lang.{code}.stop_words").STOP_WORDS)


def language_of(text: str) -> str:
    """The ISO 639-1 code of the language whose function words (spaCy's stop-word lists
    of en, es, fr, pt, de, it) are most frequent in the text; "en" when too few are found
    to tell."""
    words = [w.casefold() for w in _WORD.findall(text[:20000])]
    codes = ("en", *_OTHER_LANGUAGES)
    sets = {code: _stop_words(code) for code in codes}
    counts = dict.fromkeys(codes, 0.0)
    for word in words:
        owners = [code for code in codes if word in sets[code]]
        for code in owners:  # a word of k languages counts 1/k for each
            counts[code] += 1 / len(owners)
    best = max(codes, key=lambda code: (counts[code], code == "en"))
    return best if counts[best] >= _MIN_FUNCTION_WORDS else "en"
