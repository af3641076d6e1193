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
