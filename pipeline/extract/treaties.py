"""International agreements mentioned in a document.

Four recognizers feed one list of candidates per sentence:

- knowledge-base names (spaCy PhraseMatcher, case-insensitive where safe);
- named agreements: a capitalized phrase headed by Treaty, Agreement, Pact,
  Accord, Convention, Protocol, Charter, Declaration, Statement, Partnership...
  with its name words on the left ("U.S.-ROK Mutual Defense") and an "of/on/
  for/between ..." complement on the right;
- descriptive references ("the bilateral security treaty", "a preliminary
  bilateral trade agreement with Japan"), resolved against the knowledge base
  by kind, parties (from the phrase or the passage) and year; unresolved ones
  are dropped because they are mostly generic;
- "the Treaty" / "the Agreement" referring back to the last named agreement.

A document that is itself a joint statement or declaration yields a mention
for its title. Overlapping candidates keep the longest span.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from pipeline.extract.common import knowledge, per_vocab, title_issuers
from pipeline.knowledge.treaties import TreatyKB, TreatyRecord, fold_key
from pipeline.types import DateMention, DocumentMeta, EntityMention, SentenceContext, TreatyMention

STRONG_HEADS = frozenset(
    [
        "treaty",
        "agreement",
        "pact",
        "accord",
        "accords",
        "convention",
        "conventions",
        "protocol",
        "charter",
        "armistice",
    ]
)
# Heads that name agreements only when the name shows who the parties are.
WEAK_HEADS = frozenset(
    ["declaration", "statement", "communique", "communiqué", "partnership", "framework"]
)
HEADS = STRONG_HEADS | WEAK_HEADS
COREF_HEADS = frozenset(
    ["treaty", "agreement", "pact", "accord", "convention", "protocol", "charter", "declaration"]
)
RIGHT_OPENERS = frozenset(
    ["of", "on", "for", "between", "concerning", "establishing", "among", "regarding", "relating"]
)
INNER_WORDS = frozenset(["the", "and", "of", "on", "for", "in", "to", "a", "an"])
DASHES = frozenset({"-", "\u2013", "\u2014", "\u2010", "\u2011"})
QUOTES = frozenset({'"', "'", "\u201c", "\u201d", "\u2018", "\u2019"})
# Words that make a named "agreement" domestic or private, not international.
DOMESTIC_WORDS = frozenset(
    [
        "national",
        "constitutional",
        "bargaining",
        "settlement",
        "labor",
        "purchase",
        "lease",
        "loan",
        "license",
        "licensing",
        "consent",
        "plea",
        "employment",
        "democratic",
        "republican",
        "bipartisan",
        "budget",
        "paygo",
        "compact",
        "nondisclosure",
        "non-disclosure",
        "merger",
        "tribal",
        "state",
        "county",
        "city",
        "federal",
        "disaster",
        "emergency",
        "tentative",
        "contract",
        "union",
        "research",
        "memorandum",
    ]
)
# Capitalized only because they open a sentence; the last ones are the articles
# of French and Spanish passages ("La Convention").
SENTENCE_START_STOP = frozenset(
    [
        "the", "a", "an", "this", "that", "these", "those", "our", "their", "its", "his", "her",
        "both", "each", "under", "in", "on", "at", "for", "by", "with", "and", "or", "but", "as",
        "to", "from", "after", "before", "while", "during",
        "la", "le", "les", "el", "los", "las", "de", "del", "des", "du",
    ]
)  # fmt: skip
MODIFIER_KIND = {
    "peace": "peace treaty",
    "security": "security treaty",
    "defense": "security treaty",
    "defence": "security treaty",
    "alliance": "security treaty",
    "trade": "trade agreement",
    "free-trade": "trade agreement",
    "vision": "joint statement",
}
DESCRIPTIVE_HEADS = frozenset(["treaty", "agreement", "pact", "accord", "statement"])
DESCRIPTIVE_MODIFIERS = frozenset(
    [
        "formal",
        "bilateral",
        "preliminary",
        "mutual",
        "peace",
        "security",
        "defense",
        "defence",
        "alliance",
        "trade",
        "free",
        "free-trade",
        "vision",
        "joint",
        "comprehensive",
        "original",
    ]
)
DETERMINERS = frozenset(["the", "a", "an", "its", "their", "this", "that"])
# A weak-headed name ("... Declaration", "... Partnership") without two countries
# still names an agreement when it says it is joint or multilateral.
JOINT_MARKERS = frozenset(
    [
        "joint",
        "leaders",
        "leaders'",
        "summit",
        "g7",
        "g20",
        "quad",
        "asean",
        "apec",
        "trilateral",
        "multilateral",
    ]
)
# Names made only of these words and a head are descriptions ("a Joint Statement").
GENERIC_WORDS = frozenset(
    [
        "international",
        "new",
        "historic",
        "additional",
        "joint",
        "bilateral",
        "multilateral",
        "global",
        "regional",
        "final",
        "interim",
        "framework",
    ]
)
# "Strategic Partnership" and the like name a relationship, not an agreement.
RELATIONSHIP_WORDS = frozenset(["strategic", "comprehensive"])


@dataclass
class _Candidate:
    """A recognized span before overlap resolution."""

    sentence: SentenceContext
    start: int  # token indices in sentence.span.doc
    end: int
    name: str
    source: str  # kb, named, descriptive, coref, title
    record: TreatyRecord | None = None
    kind: str = "other"
    parties: tuple[str, ...] = ()
    key: str = ""


# ---------------------------------------------------------------- countries


def country_iso3(name: str) -> str:
    """ISO alpha-3 of a country name, abbreviation or capital; "" when unknown."""
    return knowledge().entities.country_code(name)


def _is_capital(name: str) -> bool:
    return knowledge().entities.is_capital(name)


def pair_countries(token_text: str) -> list[str]:
    """Countries of a hyphenated pair like "U.S.-ROK" or "Korea-U.S." ([] otherwise)."""
    parts = [p for p in re.split(r"\s*[-\u2013\u2014\u2010\u2011]\s*", token_text) if p]
    if len(parts) < 2:
        return []
    codes = [country_iso3(p) for p in parts]
    return codes if all(codes) else []


def _sentence_countries(
    sentence: SentenceContext, by_sentence: dict[int, list[EntityMention]]
) -> list[str]:
    """ISO3 codes of the countries a sentence names, in order of mention."""
    codes: list[str] = []
    for mention in by_sentence.get(sentence.index, []):
        code = mention.iso3 or (country_iso3(mention.text) if mention.type == "GPE" else "")
        if code:
            codes.append(code)
    for token in sentence.span:
        if any(d in token.text for d in DASHES):
            codes.extend(pair_countries(token.text))
    return codes


def _span_countries(span: Span) -> list[str]:
    """Countries a name names: pairs ("U.S.-ROK"), country entities, not capitals.

    A capital inside a name is a place ("Washington Treaty"), and a country
    word inside a longer place ("South China Sea", "Central America") is no
    country at all, so words inside a multi-word entity count only as the
    whole entity.
    """
    codes: list[str] = []
    covered: set[int] = set()
    for ent in span.doc.ents:
        if ent.start >= span.start and ent.end <= span.end and len(ent) > 1:
            covered.update(range(ent.start, ent.end))
            if ent.label_ == "GPE" and not _is_capital(ent.text):
                codes.append(country_iso3(ent.text))
    for token in span:
        pair = pair_countries(token.text)
        if pair:
            codes.extend(pair)
        elif (
            token.i not in covered
            and token.text[:1].isupper()
            and not _is_capital(token.text)
            and token.ent_type_ not in ("LOC", "ORG", "FAC")
        ):
            codes.append(country_iso3(token.text))
    text = span.text
    # "Korea-U.S." is split into three tokens by the tokenizer
    for match in re.finditer(r"([A-Z][\w.]*)\s*[-\u2013]\s*([A-Z][\w.]*)", text):
        codes.extend(pair_countries(f"{match.group(1)}-{match.group(2)}"))
    return codes


def _sorted_unique(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(c for c in codes if c)))


# ---------------------------------------------------------------- knowledge-base matcher


class _KBMatcher:
    """PhraseMatchers over the KB names: lower-case for words, exact for acronyms."""

    def __init__(self, kb: TreatyKB, vocab) -> None:
        self.lower = PhraseMatcher(vocab, attr="LOWER")
        self.exact = PhraseMatcher(vocab, attr="ORTH")
        self.capitals: dict[str, int] = {}  # key -> capitalized words after the first
        from spacy.lang.en import English

        make = English().tokenizer
        for record in kb.records:
            for name in record.names:
                if _is_acronym(name):
                    if record.kind == "organization":
                        continue  # NATO, SEATO... are organizations first
                    self.exact.add(record.id, [make(name)])
                    continue
                label = f"{record.id}|{sum(w[:1].isupper() for w in name.split()[1:])}"
                self.lower.add(label, [make(name)])

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        strings = doc.vocab.strings
        found = []
        for match_id, start, end in self.lower(doc):
            record_id, capitals = strings[match_id].rsplit("|", 1)
            later_caps = sum(t.text[:1].isupper() for t in doc[start + 1 : end])
            # a name of several capitalized words written in lower case is a phrase
            if int(capitals) >= 2 and later_caps == 0:
                continue
            found.append((record_id, start, end))
        found.extend((strings[m], s, e) for m, s, e in self.exact(doc))
        return found


def _is_acronym(name: str) -> bool:
    letters = name.replace("-", "").replace(" ", "")
    return len(name) <= 7 and letters.isalnum() and name.upper() == name


def _kb_matcher(kb: TreatyKB, vocab) -> _KBMatcher:
    return per_vocab(f"treaties:{kb.version}", vocab, lambda v: _KBMatcher(kb, v))


# ---------------------------------------------------------------- named agreements


def _is_name_token(token: Token) -> bool:
    text = token.text
    if not text or token.ent_type_ in ("DATE", "TIME", "PERSON", "MONEY", "PERCENT"):
        return False
    if text[0].isdigit():
        return not re.fullmatch(r"1[6-9]\d\d|20\d\d", text) and token.like_num
    if not text[0].isupper() or token.tag_.startswith("VB"):
        return False
    return text.casefold() not in SENTENCE_START_STOP or text == "US"


def _left_edge(span: Span, head: int) -> int:
    """First token of the capitalized name words before the head."""
    doc, start, i = span.doc, head, head - 1
    while i >= span.start:
        token = doc[i]
        if _is_name_token(token):
            start, i = i, i - 1
        elif (
            token.text in DASHES
            or token.text in ("\u2019", "'", "\u2019s", "'s")
            or (token.lower_ in ("and", "&", "of") and start == i + 1)
        ) and (i - 1 >= span.start and _is_name_token(doc[i - 1])):
            i -= 1
        else:
            break
    return start


def _right_edge(span: Span, head: int) -> int:
    """End (exclusive) of an "of/on/between ..." complement of capitalized words."""
    doc, end = span.doc, head + 1
    if end < span.end and doc[end].lower_ in RIGHT_OPENERS:
        i, last = end + 1, None
        while i < span.end:
            token = doc[i]
            if token.lower_ in HEADS:
                break  # "the X Convention on A and the Y Convention on B": two names
            if (
                token.lower_ in INNER_WORDS
                or token.lower_ in RIGHT_OPENERS
                or (token.text in DASHES and last == i - 1)
            ):
                i += 1
            elif _is_name_token(token) or pair_countries(token.text):
                # "between the Colombian government": an adjective does not end a name
                if token.tag_ not in ("JJ", "JJR", "JJS"):
                    last = i
                i += 1
            else:
                break
        if last is not None:
            end = last + 1
    return end


def _named_candidates(sentence: SentenceContext) -> list[_Candidate]:
    span, doc = sentence.span, sentence.span.doc
    found: list[_Candidate] = []
    for token in span:
        low = token.lower_
        if low not in HEADS or not token.text[:1].isupper():
            continue
        if token.text.isupper() and len(token.text) > 4:
            continue  # all-caps headings: left to the KB matcher
        nxt = doc[token.i + 1] if token.i + 1 < span.end else None
        head_end = token.i + 1
        if nxt is not None and nxt.text == "Organization":
            head_end += 1
        elif nxt is not None and nxt.text[:1].isupper() and nxt.lower_ not in RIGHT_OPENERS:
            continue  # "Convention Center", "Partnership Act": part of another name
        start = _left_edge(span, token.i)
        end = _right_edge(span, head_end - 1)
        if start == token.i and end == head_end:
            if low in COREF_HEADS and token.i > span.start and doc[token.i - 1].lower_ == "the":
                found.append(_Candidate(sentence, token.i - 1, token.i + 1, token.text, "coref"))
            continue
        name_tokens = doc[start:end]
        if any(t.lower_ in DOMESTIC_WORDS for t in name_tokens):
            continue
        found.append(_Candidate(sentence, start, end, name_tokens.text, "named"))
    return found


def _kind_of_name(name: str, default: str = "other") -> str:
    low = name.casefold()
    if "armistice" in low:
        return "armistice"
    if "organization" in low:
        return "organization"
    if re.search(r"\b(statement|declaration|communiqu|joint vision)", low):
        return "joint statement"
    if "peace" in low and re.search(r"\b(treaty|agreement|accords?)\b", low):
        return "peace treaty"
    if re.search(r"\b(trade|fta|economic partnership)\b", low):
        return "trade agreement"
    if re.search(r"\b(defen[cs]e|security|alliance)\b", low) and re.search(
        r"\b(treaty|pact)\b", low
    ):
        return "security treaty"
    return default


# ---------------------------------------------------------------- descriptive references


def _descriptive_candidates(
    sentence: SentenceContext, passage: Sequence[str], years: dict[int, str], kb: TreatyKB
) -> list[_Candidate]:
    """Lower-case references resolved to a KB record by kind, parties and year."""
    span, doc = sentence.span, sentence.span.doc
    found: list[_Candidate] = []
    for token in span:
        if token.lower_ not in DESCRIPTIVE_HEADS or token.text[:1].isupper() or token.tag_ != "NN":
            continue
        start, i, kinds, explicit, year = token.i, token.i - 1, set(), [], ""
        words = {token.lower_}
        while i >= span.start and token.i - i <= 6:
            t = doc[i]
            if t.lower_ in DESCRIPTIVE_MODIFIERS:
                words.add(t.lower_)
                if t.lower_ in MODIFIER_KIND:
                    kinds.add(MODIFIER_KIND[t.lower_])
            elif pair_countries(t.text):
                explicit.extend(pair_countries(t.text))
            elif t.i in years:
                year = years[t.i]
            elif t.text not in QUOTES:
                break
            start, i = i, i - 1
        determiner = doc[start - 1].lower_ if start - 1 >= span.start else ""
        if start == token.i or (determiner not in DETERMINERS and not explicit and not year):
            continue
        if token.lower_ == "statement":
            kinds &= {"joint statement"}
            if not kinds and "joint" in words:
                kinds = {"joint statement"}
            if not year:
                continue  # joint statements are told apart by their date
        if len(kinds) != 1:
            continue
        kind = kinds.pop()
        end = token.i + 1
        while end < span.end and doc[end].text in QUOTES:
            end += 1
        end, complement = _complement(span, end)
        explicit.extend(complement)
        parties = _resolve_parties(explicit, passage, "bilateral" in words or determiner == "the")
        if len(parties) < 2:
            continue
        record = kb.find(kind, parties, year)
        if record is None:
            continue
        while (
            start < end
            and doc[start].text in QUOTES
            and not any(t.text in QUOTES for t in doc[start + 1 : end])
        ):
            start += 1
        found.append(_Candidate(sentence, start, end, doc[start:end].text, "descriptive", record))
    return found


def _complement(span: Span, end: int) -> tuple[int, list[str]]:
    """ "with Tokyo", "for the U.S.-Korea alliance": extend the phrase, return countries."""
    doc = span.doc
    if end >= span.end or doc[end].lower_ not in ("with", "for", "between"):
        return end, []
    i, last, codes = end + 1, None, []
    while i < span.end and i - end <= 6:
        t = doc[i]
        pair = pair_countries(t.text)
        code = country_iso3(t.text) if t.text[:1].isupper() and not pair else ""
        if pair or code:
            codes.extend(pair or [code])
            last = i
        elif t.lower_ in ("the", "and") or (t.text[:1].isupper() and t.lower_ not in DASHES):
            pass
        elif t.lower_ == "alliance" and codes:
            last = i
            break
        else:
            break
        i += 1
    if last is None:
        return end, []
    if last + 1 < span.end and doc[last + 1].lower_ == "alliance":
        last += 1
    return last + 1, codes


def _resolve_parties(explicit: list[str], passage: Sequence[str], may_use_passage: bool) -> set:
    """The explicit parties, completed from the passage's most named countries."""
    parties = set(explicit)
    if len(parties) >= 2:
        return parties
    if not parties and not may_use_passage:
        return parties
    for code, _ in Counter(passage).most_common():
        if len(parties) >= 2:
            break
        parties.add(code)
    return parties


# ---------------------------------------------------------------- the document as agreement

_TITLE_AGREEMENT = re.compile(
    r"\bjoint\b.*\b(statement|declaration|communiqu[eé]|vision)\b|\bdeclaration\b|"
    r"\bcommuniqu[eé]\b|\bvision statement\b|\bleaders[\'\u2019]? statement\b",
    re.IGNORECASE,
)
# "Statement by/of/from X" is one government's statement; "Joint Statement by ..." is not.
_TITLE_DOMESTIC = re.compile(
    r"\b(?:disaster|emergency)\b|(?<!joint )\bstatement (?:by|of|from)\b", re.IGNORECASE
)


def _title_candidate(
    sentences: Sequence[SentenceContext],
    countries: dict[int, list[str]],
    by_sentence: dict[int, list[EntityMention]],
) -> _Candidate | None:
    """The title of a document that is itself a joint statement or declaration."""
    title = next((s for s in sentences[:3] if s.kind == "title"), None)
    if title is None or not _TITLE_AGREEMENT.search(title.text):
        return None
    if _TITLE_DOMESTIC.search(title.text):
        return None
    issuers = [m.iso3 for m in title_issuers(title, by_sentence.get(title.index, []))]
    parties = set(issuers) if len(issuers) >= 2 else set(countries.get(title.index, []))
    named_in_title = len(issuers) >= 2
    if len(parties) < 2:
        body = [s for s in sentences if s.kind == "body"][:2]
        for sentence in body:
            parties |= set(countries.get(sentence.index, []))
    joint = {t.lower_ for t in title.span} & JOINT_MARKERS
    if len(parties) < 2 and not joint:
        return None
    # Issuers the title names are all parties; states gathered from the body are
    # trusted only when few (many states there are mostly subjects, not issuers).
    keep = named_in_title or len(parties) <= 3
    span = title.span
    return _Candidate(
        title,
        span.start,
        span.end,
        span.text,
        "title",
        None,
        "joint statement",
        _sorted_unique(parties) if keep else (),
    )


# ---------------------------------------------------------------- assembly


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold_key(name)).strip("-")


def _clean_name(text: str) -> str:
    name = " ".join(text.split()).strip("\"'\u201c\u201d\u2018\u2019 ")
    return name[4:] if name.casefold().startswith("the ") else name


def _resolve_overlaps(candidates: list[_Candidate]) -> list[_Candidate]:
    """Longest span first; a span inside a kept one is dropped."""
    kept: list[_Candidate] = []
    order = sorted(candidates, key=lambda c: (-(c.end - c.start), c.start))
    for cand in order:
        if any(
            c.sentence is cand.sentence and c.start < cand.end and cand.start < c.end for c in kept
        ):
            continue
        kept.append(cand)
    return sorted(kept, key=lambda c: (c.sentence.index, c.start))


def _finish(cand: _Candidate, kb: TreatyKB) -> _Candidate | None:
    """Attach the KB record (or inferred kind/parties) to a named candidate."""
    if cand.source in ("kb", "descriptive"):
        return cand
    if cand.source == "title":
        cand.record = kb.match(_clean_name(cand.name))
        return cand
    record = kb.match(_clean_name(cand.name))
    if record is None and cand.name.endswith("Organization"):
        return None
    doc = cand.sentence.span.doc
    head = doc[cand.start : cand.end]
    if record is not None:
        cand.record = record
        return cand
    parties = [code for code in _span_countries(head) if code]
    head_word = next((t.lower_ for t in head if t.lower_ in HEADS), "")
    words = {t.lower_ for t in head if any(c.isalpha() for c in t.text)} - HEADS - INNER_WORDS
    if not words - GENERIC_WORDS:
        return None
    if "between" in {t.lower_ for t in head} and not parties:
        return None  # "Agreement between the UAW and Ultium Cells": not between states
    if head_word in WEAK_HEADS and not _names_an_agreement(head, head_word, set(parties)):
        return None
    cand.kind = _kind_of_name(cand.name)
    cand.parties = _sorted_unique(parties)
    return cand


def _names_an_agreement(name: Span, head_word: str, parties: set[str]) -> bool:
    """Whether a weak-headed name ("... Partnership", "... Declaration") is an agreement."""
    words = {t.lower_ for t in name}
    if head_word in ("partnership", "framework"):
        # initiatives and relationships share these heads; a bilateral name is an agreement
        return len(parties) >= 2 and not words & RELATIONSHIP_WORDS
    return len(parties) >= 2 or bool(words & JOINT_MARKERS)


def _to_mention(cand: _Candidate, meta: DocumentMeta) -> TreatyMention:
    sentence, doc = cand.sentence, cand.sentence.span.doc
    start = sentence.doc_offset + doc[cand.start].idx
    last = doc[cand.end - 1]
    end = sentence.doc_offset + last.idx + len(last.text)
    text = doc.text[doc[cand.start].idx : last.idx + len(last.text)]
    record = cand.record
    if record is not None:
        return TreatyMention(
            sentence.index,
            start,
            end,
            text,
            record.id,
            record.name,
            record.kind,
            record.parties,
            record.signed,
            record.amended,
            record.status,
            record.aliases,
            record.wikidata_id,
        )
    name = _clean_name(cand.name)
    signed = meta.published if cand.source == "title" else ""
    return TreatyMention(
        sentence.index,
        start,
        end,
        text,
        cand.key or _key(name),
        name,
        cand.kind,
        cand.parties,
        signed,
    )


def _year_tokens(sentence: SentenceContext, dates: Sequence[DateMention]) -> dict[int, str]:
    """Token index -> year of the dates inside the sentence (for "a 2009 statement")."""
    found: dict[int, str] = {}
    doc = sentence.span.doc
    for date in dates:
        if date.sentence_index != sentence.index or not date.value[:4].isdigit():
            continue
        span = doc.char_span(
            date.start - sentence.doc_offset,
            date.end - sentence.doc_offset,
            alignment_mode="expand",
        )
        if span is not None:
            for token in span:
                found[token.i] = date.value[:4]
    return found


def extract_treaties(
    sentences: list[SentenceContext],
    meta: DocumentMeta,
    kb: TreatyKB,
    entities: list[EntityMention],
    dates: list[DateMention],
) -> list[TreatyMention]:
    """Every mention of an international agreement in one document."""
    if not sentences:
        return []
    by_sentence: dict[int, list[EntityMention]] = {}
    for mention in entities:
        by_sentence.setdefault(mention.sentence_index, []).append(mention)
    countries = {s.index: _sentence_countries(s, by_sentence) for s in sentences}
    matcher = _kb_matcher(kb, sentences[0].span.doc.vocab)
    matched_docs: dict[int, list[tuple[str, int, int]]] = {}
    candidates: list[_Candidate] = []
    title = _title_candidate(sentences, countries, by_sentence)
    for sentence in sentences:
        if title is not None and sentence is title.sentence:
            candidates.append(title)
            continue
        doc = sentence.span.doc
        if id(doc) not in matched_docs:
            matched_docs[id(doc)] = matcher(doc)
        for record_id, start, end in matched_docs[id(doc)]:
            if sentence.span.start <= start and end <= sentence.span.end:
                candidates.append(
                    _Candidate(sentence, start, end, doc[start:end].text, "kb", kb.by_id[record_id])
                )
        candidates.extend(_named_candidates(sentence))
        passage = _passage(sentences, sentence, countries)
        years = _year_tokens(sentence, dates)
        candidates.extend(_descriptive_candidates(sentence, passage, years, kb))
    mentions: list[TreatyMention] = []
    last_by_head: dict[str, tuple[int, _Candidate]] = {}
    for cand in _resolve_overlaps(candidates):
        if cand.source == "coref":
            head = cand.name.casefold()
            previous = last_by_head.get(head)
            if previous is None or cand.sentence.index - previous[0] > 12:
                continue
            cand.record, cand.kind, cand.parties = (
                previous[1].record,
                previous[1].kind,
                previous[1].parties,
            )
            cand.key = previous[1].key or _key(_clean_name(previous[1].name))
            cand.name = previous[1].name
        else:
            finished = _finish(cand, kb)
            if finished is None:
                continue
            cand = finished
            for head in COREF_HEADS:
                names = cand.record.names if cand.record else (cand.name,)
                if any(re.search(rf"\b{head}\b", n, re.IGNORECASE) for n in names):
                    last_by_head[head] = (cand.sentence.index, cand)
        mentions.append(_to_mention(cand, meta))
    return _date_signed(_short_names_joined(mentions, kb), dates, meta, sentences)


def _short_names_joined(mentions: list[TreatyMention], kb: TreatyKB) -> list[TreatyMention]:
    """A name the document also writes longer is that agreement ("Tuna Treaty" after the
    "South Pacific Tuna Treaty"); a name of no more than its head and an organization
    ("UN Convention") is the one agreement of that head the document names, and no
    agreement when it names none or several. Known agreements keep their names."""
    kept, by_key = [], {m.key: m for m in mentions}
    for mention in mentions:
        if mention.key in kb.by_id:
            kept.append(mention)
            continue
        words = _content_words(mention.name)
        others = [o for o in by_key.values() if o.key != mention.key]
        longer = [o for o in others if words < _content_words(o.name)]
        target = longer[0] if len({o.key for o in longer}) == 1 else None
        if target is None and not words - _HEAD_AND_OWNER_WORDS:
            heads = words & _HEAD_WORDS
            same = [o for o in others if heads & _content_words(o.name)]
            if len({o.key for o in same}) != 1:
                continue  # "UN Convention" alone: which one is not said
            target = same[0]
        if target is not None:
            mention = replace(
                mention, key=target.key, name=target.name, kind=target.kind,
                parties=target.parties, signed=target.signed, amended=target.amended,
                status=target.status, aliases=target.aliases, wikidata_id=target.wikidata_id,
            )  # fmt: skip
        kept.append(mention)
    return kept


_HEAD_WORDS = frozenset(
    w.casefold() for w in ("treaty", "agreement", "convention", "accord", "accords", "pact",
                           "protocol", "charter", "declaration", "statement", "framework")
)  # fmt: skip
_HEAD_AND_OWNER_WORDS = _HEAD_WORDS | frozenset({"un", "u.n.", "united", "nations", "joint"})


def _content_words(name: str) -> frozenset[str]:
    return frozenset(
        w for w in re.findall(r"[\w.'-]+", fold_key(name)) if w not in _FUNCTION_WORDS_FOLDED
    )


_FUNCTION_WORDS_FOLDED = frozenset({"the", "of", "on", "for", "and", "in", "to", "a", "an"})


def _passage(
    sentences: Sequence[SentenceContext], sentence: SentenceContext, countries: dict[int, list]
) -> list[str]:
    """Countries of the sentence, or of the few sentences before it when it names < 2."""
    codes = list(countries.get(sentence.index, []))
    i = sentence.index - 1
    while len(set(codes)) < 2 and i >= 0 and sentence.index - i <= 3:
        if sentences[i].section == sentence.section:
            codes.extend(countries.get(sentences[i].index, []))
        i -= 1
    return codes


def _date_signed(
    mentions: list[TreatyMention],
    dates: list[DateMention],
    meta: DocumentMeta,
    sentences: Sequence[SentenceContext],
) -> list[TreatyMention]:
    """The signature date the text gives an agreement, else the knowledge base's.

    The text gives it with a date touching the mention ("the 2016 Peace Accord", "the
    March 2021 Joint Statement", "the Accord of 2016"), for an agreement outside the
    knowledge base, or with a signing word between the two ("the Paris Agreement, signed
    in April 2016", "signed the Accord on May 3"), for any agreement. A known date that
    the text's agrees with and refines ("1951" for "1951-09-08") is kept. Dates after
    the document's are deadlines, not signatures.
    """
    anchor = meta.anchor
    by_index = {sentence.index: sentence for sentence in sentences}
    signed: dict[str, str] = {}
    for date in dates:
        if date.kind != "date" or not date.value[:4].isdigit():
            continue
        if anchor is not None and int(date.value[:4]) > anchor.year:
            continue
        for mention in mentions:
            if mention.sentence_index != date.sentence_index:
                continue
            touching = not mention.signed and _gap(date, mention) <= 4
            if touching or _signed_between(date, mention, mentions, by_index[date.sentence_index]):
                signed.setdefault(mention.key, date.value[:10])
    return [
        replace(m, signed=signed[m.key])
        if m.key in signed and not m.signed.startswith(signed[m.key])
        else m
        for m in mentions
    ]


_SIGNING = re.compile(r"\b(?:sign(?:ed|ing)|signature)\b", re.IGNORECASE)


def _signed_between(
    date: DateMention,
    mention: TreatyMention,
    mentions: list[TreatyMention],
    sentence: SentenceContext,
) -> bool:
    """Whether a signing word, and no other agreement, lies between a date and a mention
    of one sentence at most 60 characters apart."""
    low, high = min(date.end, mention.end), max(date.start, mention.start)
    if high - low > 60:
        return False
    others = [m for m in mentions if m.key != mention.key and low <= m.start and m.end <= high]
    text = sentence.span.doc.text
    between = text[low - sentence.doc_offset : high - sentence.doc_offset]
    return not others and bool(_SIGNING.search(between))


# ---------------------------------------------------------------- dates


def link_dates_to_treaties(
    dates: list[DateMention], treaties: list[TreatyMention], text: str
) -> list[DateMention]:
    """The dates, each with the key of the agreement it belongs to (`treaty_id`).

    A date belongs to an agreement when it touches its mention ("the Korea-U.S. Free Trade
    Agreement of 2007", "a 2009 vision statement"), or when a word of an agreement's life
    (signed, amended, ratified, entered into force ...) leads from one to the other with no
    other agreement between ("in September 1951 by the signing of ... the peace treaty",
    "the security treaty, subsequently amended in 1960"). Anything else stays unlinked: a
    date elsewhere in the sentence is as often about something else.
    """
    by_sentence: dict[int, list[TreatyMention]] = {}
    for mention in treaties:
        by_sentence.setdefault(mention.sentence_index, []).append(mention)
    return [replace(date, treaty_id=_treaty_of(date, by_sentence, text)) for date in dates]


_LIFE_EVENT = re.compile(
    r"\b(?:sign(?:ed|ing|ature)|conclu(?:ded|sion)|ratif(?:ied|ication|y)|amend(?:ed|ment)"
    r"|entered\s+into\s+force|entry\s+into\s+force|took\s+effect|adopt(?:ed|ion)"
    r"|renew(?:ed|al)|negotiat(?:ed|ion)|extended|extension|expired|withdr[ae]w(?:al)?"
    r"|joined|accession|established|founded|created|launched|issued|reached|struck)\b",
    re.IGNORECASE,
)


def _treaty_of(date: DateMention, by_sentence: dict[int, list[TreatyMention]], text: str) -> str:
    in_sentence = by_sentence.get(date.sentence_index, [])
    touching = [m for m in in_sentence if _gap(date, m) <= 4]
    if touching:
        return min(touching, key=lambda m: _gap(date, m)).key
    linked = []
    for mention in in_sentence:
        gap = _gap(date, mention)
        low, high = min(date.end, mention.end), max(date.start, mention.start)
        between = text[low:high]
        others = [m for m in in_sentence if m is not mention and low <= m.start and m.end <= high]
        if gap <= 100 and not others and _LIFE_EVENT.search(between):
            linked.append((gap, mention.key))
    return min(linked)[1] if linked else ""


def _gap(date: DateMention, mention: TreatyMention) -> int:
    """Characters between a date and a mention (0 when they overlap)."""
    if date.start < mention.end and mention.start < date.end:
        return 0
    return date.start - mention.end if date.start >= mention.end else mention.start - date.end
