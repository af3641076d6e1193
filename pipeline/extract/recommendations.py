"""Recommendations: sentences or clauses that prescribe an action for an actor.

Detection works on token tags and lemmas (spaCy `Matcher`), since the pipeline
runs without a dependency parser. A cue is a prescriptive modal (should, must,
ought to, need to, shall; could/can only in an action sense) or a reporting
verb of proposal (recommend, suggest, propose, urge, encourage, call on/for).
Each cue is validated against its context (questions, conditionals, perfect
"should have", relative clauses, negated capability, evidence "suggests"),
cues of one sentence are grouped into clauses, and every clause is credited to
a proposer: a person a reporting verb credits, the lead-in of a statute
("The Congress declares that"), or the document's author or issuing governments.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from pipeline.extract.common import knowledge, per_vocab, title_issuers
from pipeline.learn.classifier import accepted
from pipeline.nlp.segment import doc_text
from pipeline.types import DocumentMeta, EntityMention, Recommendation, SentenceContext

# How many sentences after crediting a proposal a bare "could"/"can" still reports it.
CONTEXT_WINDOW = 4

_MODAL_MODALITY = {
    "should": "should", "ought": "should", "need": "should", "must": "must",
    "shall": "must", "could": "could", "can": "can",
}  # fmt: skip
_REPORT_MODALITY = {
    "recommend": "recommend", "urge": "recommend", "encourage": "recommend",
    "call": "recommend", "suggest": "suggest", "propose": "suggest",
}  # fmt: skip
# Verbs that credit a statement to someone without themselves proposing anything.
_CREDIT_LEMMAS = frozenset({
    "note", "argue", "say", "write", "observe", "contend", "explain", "stress", "emphasize",
    "maintain", "point", "warn", "conclude", "insist",
})  # fmt: skip
# Subjects of "suggest" in its evidential sense ("the data suggest that ...").
_EVIDENCE_NOUNS = frozenset({
    "datum", "data", "evidence", "result", "finding", "research", "poll", "survey", "number",
    "figure", "trend", "history", "experience", "sign", "this", "that", "it", "which", "what",
    "paper", "piece",
})  # fmt: skip
_WORK_NOUNS = frozenset({
    "contribution", "report", "study", "paper", "chapter", "analysis", "essay", "article",
    "brief", "memo", "book", "proposal", "testimony",
})  # fmt: skip
_CONDITIONAL = frozenset({"if", "unless", "whether", "lest", "whenever"})
_SHALL_BOILERPLATE = frozenset({
    "mean", "include", "apply", "construe", "take", "cease", "publish", "transmit", "terminate",
    "expire", "remain", "supersede",
})  # fmt: skip
# Words after which a gerund describes an activity instead of proposing it.
_GERUND_HOSTS = frozenset({
    "by", "of", "for", "in", "from", "about", "while", "after", "before", "and", "or", "without",
})  # fmt: skip
_NO_ONE = re.compile(r"^(?:no|nobody|none)$", re.IGNORECASE)
_CAPABILITY_ACTIONS = frozenset({"help", "do"})
# Verbs after could/can that describe a state or an outcome rather than an action.
_STATIVE = frozenset({
    "be", "have", "include", "mean", "seem", "appear", "become", "remain", "contain", "cost",
    "reach", "exceed", "range", "vary", "result", "lead", "cause", "affect", "save", "find",
    "get", "see", "feel", "know",
})  # fmt: skip
_AUTHOR_VOICE = frozenset({"we", "i", "our", "my", "us", "me"})
_FIRST_PERSON_PLURAL = frozenset({"we", "our", "us", "ours"})
_CLAUSE_BREAKS = frozenset({",", ";", ":", "—", "–", "--"})
Names = tuple[str, ...]  # canonical names, in order
_ACTOR_TYPES = frozenset({"GPE", "ORG", "NORP", "PERSON"})
_JOINT_TITLE = re.compile(
    r"\b(joint|declaration|communiqu[eé])\b|\b(?:bi|tri|quadri)lateral\b.*\bstatement\b",
    re.IGNORECASE,
)
_STATUTE_TITLE = re.compile(r"^\s*(title\s+\d+|§|sec\.?\s*\d)", re.IGNORECASE)
_LEAD_IN = re.compile(
    r"\b(?:sense of (?:the )?(?P<sense>[A-Z][\w .]+?)\s+that|"
    r"(?P<decl>[A-Z][\w .]+?)\s+(?:declares|finds|resolves)\s+that)\s*[:,]?\s*$"
)


@dataclass(frozen=True)
class Cue:
    """One validated recommendation cue inside a sentence (span-relative token indices)."""

    start: int  # first token of the cue
    end: int  # one past its last token
    modality: str
    reporting: bool  # a reporting verb (recommend, suggest, ...) rather than a modal


# ---------------------------------------------------------------- matcher


def _matcher(vocab: Vocab) -> Matcher:
    """Token patterns for every cue, built once per vocabulary."""
    return per_vocab("recommendation-cues", vocab, _cue_matcher)


def _cue_matcher(vocab: Vocab) -> Matcher:
    matcher = Matcher(vocab)
    verb = {"IN": ["VERB", "AUX"]}
    matcher.add(
        "MODAL", [[{"LOWER": {"IN": ["should", "must", "shall", "could", "can"]}, "TAG": "MD"}]]
    )
    matcher.add("OUGHT", [[{"LOWER": "ought"}, {"LOWER": "to"}]])
    matcher.add("NEED", [[{"LEMMA": "need", "POS": verb}, {"LOWER": "to"}, {"TAG": "VB"}]])
    matcher.add(
        "REPORT",
        [
            [
                {
                    "LEMMA": {"IN": ["recommend", "suggest", "propose", "urge", "encourage"]},
                    "POS": "VERB",
                }
            ]
        ],
    )
    matcher.add(
        "CALL", [[{"LEMMA": "call", "POS": "VERB"}, {"LOWER": {"IN": ["on", "upon", "for"]}}]]
    )
    # "it is imperative that/to ...", "agreed on the imperative for/of ...": an
    # obligation; "a strategic imperative" (with a modifier) only describes.
    matcher.add(
        "IMPERATIVE",
        [
            [{"LEMMA": "be"}, {"POS": "ADV", "OP": "*"}, {"LOWER": "imperative"},
             {"LOWER": {"IN": ["that", "to", "for"]}}],
            [{"LOWER": "the"}, {"LOWER": "imperative"}, {"LOWER": {"IN": ["for", "of", "to"]}}],
        ],
    )  # fmt: skip
    return matcher


# ---------------------------------------------------------------- cue validation


def _next_content(span: Span, i: int) -> tuple[int, bool]:
    """Index of the first token after `i` that is not an adverb; whether "not" was skipped."""
    negated = False
    j = i + 1
    while j < len(span) and (span[j].pos_ in ("ADV", "PART") and span[j].lower_ != "to"):
        if span[j].lower_ in ("not", "n't", "never"):
            negated = True
        j += 1
    return j, negated


def _previous_content(span: Span, i: int) -> Token | None:
    """The nearest token before `i` that is not an adverb."""
    j = i - 1
    while j >= 0 and span[j].pos_ == "ADV":
        j -= 1
    return span[j] if j >= 0 else None


def _clause_start(span: Span, i: int) -> int:
    """First token of the clause holding token `i` (after the last break before it)."""
    j = i - 1
    while j >= 0 and span[j].text not in _CLAUSE_BREAKS:
        j -= 1
    return j + 1


def _in_conditional(span: Span, i: int) -> bool:
    return any(t.lower_ in _CONDITIONAL for t in span[_clause_start(span, i) : i])


def _is_perfect(span: Span, j: int) -> bool:
    """`j` starts "have" + past participle: a hypothetical past ("should have done")."""
    return j + 1 < len(span) and span[j].lemma_ == "have" and span[j + 1].tag_ == "VBN"


def _valid_modal(span: Span, i: int, in_context: bool) -> bool:
    """Is the modal at `i` prescriptive? `in_context`: inside a reported or declared proposal."""
    word = span[i].lower_  # "can't" tokenizes as "ca" + "n't" and never matches
    j, negated = _next_content(span, i)
    if j >= len(span) or _in_conditional(span, i) or span[j].pos_ not in ("VERB", "AUX"):
        return False  # elliptical "as they should." has nothing to prescribe
    verb = span[j]
    if word in ("should", "must", "shall"):
        if _is_perfect(span, j) or _no_one_subject(span, i):
            return False  # "should have done"; "No American should face hate": a value
        if negated and verb.lemma_ == "have" and j + 1 < len(span) and span[j + 1].lower_ == "to":
            return False  # "Parents should never have to worry": a value, not an action
        boilerplate = verb.lemma_ in _SHALL_BOILERPLATE or (
            verb.lemma_ == "be" and j + 1 < len(span) and span[j + 1].lemma_ in _SHALL_BOILERPLATE
        )
        return not (word == "shall" and boilerplate)
    # could / can: negated or perfect forms are past ability or epistemic, never advice.
    if negated or verb.lemma_ == "have":
        return False
    previous = _previous_content(span, i)
    if previous is not None and previous.tag_ in ("WDT", "WP"):
        return False  # a relative clause describes a capability ("which can strengthen")
    clause = span[_clause_start(span, i) :]
    if any(t.lower_ in _CONDITIONAL for t in clause) or any(
        t.tag_ == "VBD" for t in span[_clause_start(span, i) : i]
    ):
        return False  # "can only happen if ...", "he thought he could weaken"
    if verb.lemma_ in _CAPABILITY_ACTIONS and _acting_subject(span, i):
        following = span[j + 1].lower_ if j + 1 < len(span) else ""
        return verb.lemma_ == "help" or following == "more"  # "could help by", "can do more"
    if previous is not None and previous.lower_ == "more" and verb.lemma_ == "be":
        return True  # "more could be done"
    return in_context and verb.lemma_ not in _STATIVE


def _no_one_subject(span: Span, i: int) -> bool:
    """Whether the clause of the modal at `i` opens with "no one", "nobody" or "no <noun>"."""
    clause = [t for t in span[_clause_start(span, i) : i] if not t.is_punct]
    words = [t for t in clause if t.lower_ not in ("so", "that", "and", "but", "because")]
    return bool(words) and bool(_NO_ONE.match(words[0].text))


def _own_commitment(span: Span, i: int) -> bool:
    """ "We will ... encourage": the authors commit themselves; not a recommendation."""
    previous = _previous_content(span, i)
    if previous is None or previous.lower_ not in ("will", "shall", "'ll", "and"):
        return False
    clause = span[_clause_start(span, i) : i]
    return any(t.lower_ in ("we", "i") for t in clause) and any(
        t.lower_ in ("will", "shall", "'ll") for t in clause
    )


def _acting_subject(span: Span, i: int) -> bool:
    """Is the word before the modal at `i` a named actor or a personal pronoun subject,
    and not the gap of a relative or wh-clause ("the work we can do")?"""
    previous = _previous_content(span, i)
    if previous is None:
        return False
    if previous.ent_type_ not in _ACTOR_TYPES and previous.lower_ not in ("we", "they", "you"):
        return False
    k = previous.i - span.start - 1
    before = span[k] if k >= 0 else None
    return before is None or before.tag_ not in ("WDT", "WP", "WRB", "NN", "NNS", "DT", "IN")


def _valid_need(span: Span, i: int) -> bool:
    """ "need to" as an obligation, not a past fact or a relative clause ("tools they need to")."""
    token = span[i]
    previous = span[i - 1] if i > 0 else None
    if token.tag_ == "VBD" or (previous is not None and previous.tag_ in ("WDT", "WP")):
        return False  # a past fact, or a relative clause ("what needs to be said")
    if token.tag_ == "VBN":
        return previous is not None and previous.lemma_ == "be"
    if previous is not None and previous.tag_ in ("PRP", "NNP", "NNPS", "NN", "NNS"):
        before = span[i - 2] if i > 1 else None
        if before is not None and (
            before.tag_ in ("WDT", "WP", "NN", "NNS")
            or (before.lower_ == "that" and previous.tag_ == "PRP")
        ):
            return False
    return True


def _valid_report(span: Span, i: int, end: int) -> bool:
    """Is the reporting verb at `i` a proposal (not evidential, purposive or adjectival)?"""
    token = span[i]
    previous = _previous_content(span, i)
    following = span[end] if end < len(span) else None
    if _own_commitment(span, i):
        return False
    if (
        token.tag_ == "VBG"
        and previous is not None
        and (previous.lower_ in _GERUND_HOSTS or previous.pos_ == "NOUN")
    ):
        return False  # "by proposing cuts", "a campaign ... and urging": an activity described
    if token.tag_ in ("NNS", "NN") or (
        token.lower_ == "calls" and previous is not None and previous.tag_ in ("DT", "JJ", "CC")
    ):
        return False  # "calls for violence", "repeated calls for": a noun
    if token.tag_ == "VBN" and previous is not None and previous.tag_ in ("DT", "PRP$"):
        return False  # "the proposed below-market sale"
    if previous is not None:
        if previous.tag_ == "MD" and previous.lower_ in ("might", "may", "would", "could"):
            return False
        if previous.tag_ in ("WDT", "WP"):
            return False  # "policies that encourage investment" describes them
        if previous.lower_ == "to":
            before = _previous_content(span, previous.i - span.start)
            if before is None or before.lemma_ != "continue":
                return False  # purposive "designed to encourage"
        if previous.lower_ == "as" and token.tag_ == "VBN":
            return False  # "as called for in the Act"
        if previous.lemma_ in ("be", "get") and token.lemma_ in ("encourage", "suggest"):
            return False  # "we are encouraged by"
    if token.tag_ == "VBN" and following is not None and following.pos_ == "NOUN":
        return False  # "the proposed rule", "recommended dose"
    if token.tag_ == "VBN" and previous is not None and previous.pos_ in ("NOUN", "PROPN"):
        return False  # "the resolution proposed by Mexico" describes it
    if token.lemma_ == "encourage" and not _actor_subject(span, i):
        return False  # "these conferences encourage reporting" describes a programme
    if token.lemma_ == "suggest":
        if following is None or following.is_punct:
            return False  # "as the signed pieces of paper might suggest"
        if previous is not None and previous.lemma_.lower() in _EVIDENCE_NOUNS:
            return False
        if following.lower_ == "that" and _indicative_complement(span, end + 1):
            return False  # "one estimate suggests that the vaccine has saved lives"
    return True


def _indicative_complement(span: Span, k: int) -> bool:
    """Does the that-clause from `k` state a fact (past, perfect, future or 3rd-person
    present) rather than the bare subjunctive of a proposal ("that the US develop")?"""
    for token in span[k:]:
        if token.tag_ == "MD":
            return token.lower_ not in ("should", "must")
        if token.tag_ in ("VBD", "VBZ"):
            return True
        if token.tag_ in ("VB", "VBP"):
            return False
    return False


def _actor_subject(span: Span, i: int) -> bool:
    """Is the verb at `i` said by an actor: a first-person voice or a named subject?"""
    if any(t.lower_ in ("we", "i") for t in span[:i]):
        return True
    previous = _previous_content(span, i)
    return previous is not None and previous.ent_type_ in _ACTOR_TYPES


def find_cues(sentence: SentenceContext, in_context: bool = False) -> list[Cue]:
    """Validated cues of one sentence, in text order."""
    span = sentence.span
    if span.text.rstrip().endswith("?") or span[0].lower_ == "should":
        return []  # questions and inverted conditionals ("Should talks fail, ...")
    cues: list[Cue] = []
    for match_id, start, end in _matcher(span.doc.vocab)(span):
        label = span.doc.vocab.strings[match_id]
        if label == "MODAL":
            if _valid_modal(span, start, in_context):
                cues.append(Cue(start, end, _MODAL_MODALITY[span[start].lower_], False))
        elif label == "IMPERATIVE":
            if not _in_conditional(span, start):
                cues.append(Cue(start, end - 1, "must", False))
        elif label in ("OUGHT", "NEED"):
            if label == "OUGHT" or _valid_need(span, start):
                cues.append(Cue(start, end, "should", False))
        elif _valid_report(span, start, end):
            cues.append(Cue(start, end, _REPORT_MODALITY[span[start].lemma_], True))
    return sorted(cues, key=lambda c: c.start)


# ---------------------------------------------------------------- clauses


def _group_cues(span: Span, cues: Sequence[Cue]) -> list[list[Cue]]:
    """Cues of one clause together; a reporting verb's that-clause absorbs later modals."""
    groups: list[list[Cue]] = []
    for cue in cues:
        if groups:
            last = groups[-1][-1]
            between = span[last.end : cue.start]
            absorbed = (
                not cue.reporting
                and any(c.reporting for c in groups[-1])
                and not any(t.text == ";" for t in between)
            )
            broken = any(t.text in _CLAUSE_BREAKS or t.pos_ == "CCONJ" for t in between)
            if absorbed or not broken:
                groups[-1].append(cue)
                continue
        groups.append([cue])
    return groups


def _trim(span: Span, start: int, end: int) -> tuple[int, int]:
    """Token range without clause-joining punctuation and conjunctions at its ends."""
    while start < end and (span[start].text in _CLAUSE_BREAKS or span[start].pos_ == "CCONJ"):
        start += 1
    while end > start and (span[end - 1].text in _CLAUSE_BREAKS or span[end - 1].pos_ == "CCONJ"):
        end -= 1
    return start, end


def clause_ranges(span: Span, groups: Sequence[Sequence[Cue]]) -> list[tuple[int, int]]:
    """Token range of each cue group: the whole sentence when there is one group."""
    if len(groups) == 1:
        return [(0, len(span))]
    starts = [0]
    for previous, group in itertools.pairwise(groups):
        cut = group[0].start
        for j in range(group[0].start - 1, previous[-1].end - 1, -1):
            if span[j].text in _CLAUSE_BREAKS or span[j].pos_ == "CCONJ":
                cut = j + 1
                break
        starts.append(cut)
    ends = [*starts[1:], len(span)]
    return [_trim(span, s, e) for s, e in zip(starts, ends, strict=True)]


# ---------------------------------------------------------------- entities


def _mentions_by_sentence(
    entities: Sequence[EntityMention],
) -> dict[int, list[EntityMention]]:
    index: dict[int, list[EntityMention]] = {}
    for mention in entities:
        index.setdefault(mention.sentence_index, []).append(mention)
    return index


def _in_range(
    mentions: Sequence[EntityMention], start: int, end: int, types: frozenset[str]
) -> list[EntityMention]:
    """Mentions of the given types lying within document offsets [start, end)."""
    return [m for m in mentions if m.type in types and m.start >= start and m.end <= end]


def _names(mentions: Sequence[EntityMention]) -> Names:
    """The distinct canonical names of `mentions`, in order."""
    return tuple(dict.fromkeys(m.name for m in mentions if m.name))


def _offset(sentence: SentenceContext, token: Token) -> int:
    return sentence.doc_offset + token.idx


def _end_offset(sentence: SentenceContext, token: Token) -> int:
    return sentence.doc_offset + token.idx + len(token.text)


# ---------------------------------------------------------------- proposers


def credited_person(
    sentence: SentenceContext, verb_index: int, mentions: Sequence[EntityMention]
) -> str:
    """The PERSON (else the adjacent ORG) a verb at `verb_index` credits, "" if none."""
    span = sentence.span
    after = _speaker_after(sentence, verb_index, mentions)
    if after:
        return after  # "“We must act,” said Jane Doe"
    hi = _offset(sentence, span[verb_index])
    # The subject may sit before an apposition: "A contribution from Tarun Chhabra, now
    # Director ..., suggests"; the person nearest the verb is its subject or its author.
    people = _in_range(mentions, sentence.start, hi, frozenset({"PERSON"}))
    if people:
        lo = people[-1].end - sentence.doc_offset
        between = [t for t in span[:verb_index] if t.idx >= lo]
        if any(
            t.lower_ in ("we", "i", "you") or (t.tag_ in ("VBD", "VBZ", "VBP") and t.pos_ != "AUX")
            for t in between
        ):
            return ""  # someone else speaks, or the person belongs to another clause
            # ("President Biden is calling for": "is" only helps the verb)
        return people[-1].name
    authored = _work_author(sentence, verb_index, mentions)
    if authored:
        return authored
    orgs = _in_range(mentions, sentence.start, hi, frozenset({"ORG"}))
    if orgs and hi - orgs[-1].end <= 2:
        return orgs[-1].name
    return ""


_SAID = frozenset({"say", "add", "note", "state", "write", "explain", "stress", "continue"})


def _speaker_after(
    sentence: SentenceContext, verb_index: int, mentions: Sequence[EntityMention]
) -> str:
    """The person right after a saying verb that closes a quotation ("...,” said Jane Doe)."""
    span = sentence.span
    verb = span[verb_index]
    before = span[verb_index - 1].text if verb_index > 0 else ""
    if verb.lemma_ not in _SAID or before not in ("”", '"', ",", "’"):
        return ""
    lo = _end_offset(sentence, verb)
    after = [m for m in mentions if m.type == "PERSON" and m.start >= lo]
    return after[0].name if after and after[0].start - lo <= 40 else ""


def _work_author(
    sentence: SentenceContext, verb_index: int, mentions: Sequence[EntityMention]
) -> str:
    """The author in "a contribution from X" / "a report by X" before the verb."""
    span = sentence.span
    for k in range(1, verb_index - 1):
        if span[k].lower_ in ("from", "by") and span[k - 1].lemma_ in _WORK_NOUNS:
            lo = _offset(sentence, span[k + 1])
            after = [m for m in mentions if m.type in ("PERSON", "ORG") and m.start >= lo]
            if after and after[0].start - lo <= 4:
                return after[0].name
    return ""


def _according_to(sentence: SentenceContext, mentions: Sequence[EntityMention]) -> str:
    span = sentence.span
    for i in range(len(span) - 1):
        if span[i].lower_ == "according" and span[i + 1].lower_ == "to":
            lo = _offset(sentence, span[i + 1])
            after = [m for m in mentions if m.type == "PERSON" and m.start > lo]
            if after and after[0].start - lo <= 8:
                return after[0].name
    return ""


def _is_saying_verb(span: Span, k: int) -> bool:
    """A verb of saying or proposing; "notes" after a name is often mis-tagged a noun."""
    token = span[k]
    if token.lemma_ in _REPORT_MODALITY:
        if token.pos_ != "VERB" or not _valid_report(span, k, k + 1):
            return False
        following = span[k + 1].lower_ if k + 1 < len(span) else ""
        return token.lemma_ != "call" or following in ("on", "upon", "for")
    if token.lemma_ not in _CREDIT_LEMMAS:
        return False
    if k > 0 and span[k - 1].lower_ == "to":
        return False  # an infinitive ("to conclude our negotiations") credits no one
    if token.pos_ == "VERB":
        return True
    return token.tag_ == "NNS" and k > 0 and span[k - 1].pos_ == "PROPN"


def sentence_credit(
    sentence: SentenceContext, mentions: Sequence[EntityMention], meta: DocumentMeta | None = None
) -> str:
    """A person this sentence credits through a reporting or saying verb: named, or by an
    office ("The President calls on Congress") held on the document's date."""
    span = sentence.span
    for k in range(len(span)):
        if _is_saying_verb(span, k):
            person = credited_person(sentence, k, mentions)
            offices = _office_subjects(span, k)
            if not person and offices and meta is not None:
                holders = [office_holder(office, meta) for office in offices]
                person = "; ".join(dict.fromkeys(h for h in holders if h))
            if person:
                return person
    return _according_to(sentence, mentions)


_OFFICES = {"president": "President", "vice president": "Vice President"}


def _office_subjects(span: Span, k: int) -> list[str]:
    """ "the President (again) calls on", "the President and Vice President are calling
    for": the offices named as the verb's subject, in order."""
    j = k - 1
    while j >= 0 and (span[j].pos_ in ("ADV", "AUX") or span[j].lower_ == "both"):
        j -= 1
    found: list[str] = []
    while j >= 1 and span[j].lower_ == "president":
        vice = span[j - 1].lower_ == "vice"
        found.insert(0, _OFFICES["vice president" if vice else "president"])
        j -= 2 if vice else 1
        if j >= 0 and span[j].lower_ == "the":
            return found
        if j >= 0 and span[j].lower_ in ("and", "&"):
            j -= 1
            continue
        return []
    return []


# A paragraph opening with its speaker: "Sen. Debbie Stabenow: “...", "AIPAC: “..."
_SPEAKER_LABEL = re.compile(r"^\W*(?P<label>[^:“”\"\n]{2,160}?)\s*:\s*[“\"]")


def _quotes(block: Doc) -> bool:
    return "“" in doc_text(block) or '"' in doc_text(block)


def _inside_a_quotation(sentence: SentenceContext) -> bool:
    """Whether a quotation opened earlier in the paragraph is still open at the sentence."""
    before = doc_text(sentence.span.doc)[: sentence.span.start_char]
    return before.count("“") > before.count("”")


def block_speaker(first: SentenceContext, mentions: Sequence[EntityMention]) -> str:
    """The person (else organization) a paragraph's run-in label names as the speaker of
    the quotation that follows it; "" when the paragraph has no such label."""
    text = doc_text(first.span.doc)
    match = _SPEAKER_LABEL.match(text)
    if match is None:
        return ""
    end = first.doc_offset + match.end("label")
    named = [m for m in mentions if m.start < end and m.type in ("PERSON", "ORG")]
    people = [m for m in named if m.type == "PERSON"]
    return (people or named)[0].name if named else ""


def lead_in_proposer(sentence: SentenceContext) -> str:
    """ "Congress" for "The Congress declares that" / "It is the sense of Congress that"."""
    match = _LEAD_IN.search(sentence.text)
    if not match:
        return ""
    name = (match.group("sense") or match.group("decl") or "").strip()
    name = re.sub(r"^(?:the|The)\s+", "", name)
    name = re.sub(r"^\(\w+\)\s*", "", name)
    return re.sub(r"^(?:the|The)\s+", "", name)


def _title_issuers(
    sentences: Sequence[SentenceContext], mentions: dict[int, list[EntityMention]]
) -> list[str]:
    """The names of the states and intergovernmental bodies issuing a joint statement, when
    its title names two or more."""
    title = next((s for s in sentences[:3] if s.kind == "title"), None)
    if title is None:
        return []
    in_title = mentions.get(title.index, [])
    kb = knowledge().entities
    bodies = set(kb.rules.get("joint_issuers") or ())
    found = [(m.start, m.name) for m in title_issuers(title, in_title)]
    found += [(m.start, m.name) for m in in_title if m.name in bodies]
    for token in title.span:  # "U.S.-EU", "U.S.-Japan-ROK": a compound of issuers
        parts = re.split(r"[-–]", token.text) if re.search(r"[\w.][-–]\w", token.text) else []
        for k, part in enumerate(parts):
            record = kb.lookup(part)
            if record is not None and (
                (record.type == "GPE" and record.iso3) or record.name in bodies
            ):
                found.append((token.idx + k, record.name))
    names = list(dict.fromkeys(name for _, name in sorted(found)))
    return names if len(names) >= 2 or (len(names) == 1 and names[0] in bodies) else []


def full_name(name: str, mentions: Sequence[EntityMention]) -> str:
    """A surname resolved to the fullest name in the document ending with it."""
    if not name or " " in name:
        return name
    longer = [
        m.name
        for m in mentions
        if m.type in ("PERSON", "ORG")
        and m.name.endswith(" " + name)
        and all(part[:1].isupper() for part in m.name.split())
    ]
    return max(longer, key=len) if longer else name


def _document_title(sentences: Sequence[SentenceContext], meta: DocumentMeta) -> str:
    if meta.title:
        return meta.title
    return next((s.text for s in sentences if s.kind == "title"), "")


def _byline(
    sentences: Sequence[SentenceContext], mentions: dict[int, list[EntityMention]]
) -> Names:
    """Authors named alone on a line right after the title ("Stephan Haggard")."""
    for sentence in sentences[:4]:
        if sentence.kind not in ("body", "list_item"):
            continue
        people = [m for m in mentions.get(sentence.index, []) if m.type == "PERSON"]
        covered = sum(m.end - m.start for m in people)
        letters = len(re.sub(r"[\W\d_]|\band\b", "", sentence.text))
        if people and covered and letters <= covered + 2:
            return _names(people)
    return ()


# Documents a head of state or government issues in person.
_PRESIDENTIAL = re.compile(
    r"^\W*(?:memorandum|executive order|proclamation|letter|message|notice|presidential "
    r"(?:memorandum|determination|proclamation)|national security memorandum)\b",
    re.IGNORECASE,
)


def publisher_country(meta: DocumentMeta) -> str:
    """The state the document's publisher belongs to ("USA" for the White House)."""
    record = knowledge().entities.lookup(meta.publisher) if meta.publisher else None
    return record.country or record.iso3 if record is not None else ""


def office_holder(title: str, meta: DocumentMeta) -> str:
    """Who held `title` ("President") in the publisher's state on the document's date."""
    country = publisher_country(meta)
    if not country or not meta.published:
        return ""
    record = knowledge().entities.office_holder(title, country, meta.published)
    return record.name if record is not None else ""


_COMPOUND = re.compile(
    r"^\W*(?:the\s+)?(?P<a>[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)[-–](?P<b>[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)"
)


def _leading_compound(title: str) -> Names:
    """The two issuers a title opens with, joined by a hyphen ("ASEAN-U.S. ...",
    "Australia-United States ..."), when both are states or intergovernmental bodies."""
    match = _COMPOUND.match(title)
    if match is None:
        return ()
    kb = knowledge().entities
    bodies = set(kb.rules.get("joint_issuers") or ())
    names = []
    for part in (match.group("a"), match.group("b")):
        record = kb.lookup(part) or kb.lookup(part.split()[0])
        if record is None or not ((record.type == "GPE" and record.iso3) or record.name in bodies):
            return ()
        names.append(record.name)
    return tuple(dict.fromkeys(names)) if len(set(names)) == 2 else ()


def _leading_body(title: str) -> str:
    """The intergovernmental body a title opens with, by any of its names."""
    kb = knowledge().entities
    for name in kb.rules.get("joint_issuers") or ():
        record = kb.lookup(name)
        for surface in record.surfaces if record is not None else (name,):
            if re.match(rf"^\W*(?:the\s+)?{re.escape(surface)}\b", title, re.IGNORECASE):
                return name
    return ""


def _presidential_author(title: str, meta: DocumentMeta) -> str:
    return office_holder("President", meta) if _PRESIDENTIAL.match(title) else ""


def document_proposer(
    sentences: Sequence[SentenceContext],
    meta: DocumentMeta,
    mentions: dict[int, list[EntityMention]],
) -> Names:
    """Whose voice the document's own recommendations are in."""
    title = _document_title(sentences, meta)
    if _STATUTE_TITLE.search(title) or any(
        lead_in_proposer(s) for s in sentences if s.kind in ("heading", "body")
    ):
        found = next((lead_in_proposer(s) for s in sentences if lead_in_proposer(s)), "")
        return (found or "Congress",)
    # The states a joint statement's title names issue it; failing that, the pair
    # of states the body most often coordinates ("the United States and Japan").
    issuers = _title_issuers(sentences, mentions) if _JOINT_TITLE.search(title) else []
    if issuers:
        return tuple(issuers)
    if meta.authors:
        return tuple(meta.authors)
    holder = _presidential_author(title, meta)
    if holder:
        return (holder,)  # "Memorandum on ...", "Letter to the Speaker ...": the President's
    title_mentions = [m for s in sentences if s.kind == "title" for m in mentions.get(s.index, [])]
    pair = _leading_compound(title)
    if pair:
        return pair  # "ASEAN-U.S. Leaders' Statement", "Australia-United States Ministerial"
    body = _leading_body(title)
    if body:
        return (body,)  # "Quad Principles on ...", "G7 Leaders' Statement"
    title_people = [m for m in title_mentions if m.type == "PERSON"]
    if title_people:
        return (title_people[0].name,)  # "Statement from President Joe Biden on ..."
    byline = _byline(sentences, mentions)
    if byline:
        return byline
    if _JOINT_TITLE.search(title):
        # "Carbis Bay G7 Summit Communiqué" -> G7; not the subject of a press call's title
        issuers = [m for m in title_mentions if m.type in ("GPE", "ORG")]
        if issuers:
            return _names(issuers)
    return (meta.publisher,) if meta.publisher else ()


# ---------------------------------------------------------------- addressees and topics


def addressee(
    sentence: SentenceContext, group: Sequence[Cue], mentions: Sequence[EntityMention]
) -> Names:
    """Who is to act: the that-clause or object of a reporting verb, or a modal's subject."""
    span = sentence.span
    cue = group[0]
    if cue.reporting:
        j = cue.end
        if j < len(span) and span[j].lower_ == "that":
            j += 1
        k = j
        while k < len(span) and not (span[k].pos_ in ("VERB", "AUX") or span[k].lower_ == "to"):
            k += 1
        if k == j or k >= len(span):
            return ()
        found = _in_range(
            mentions, _offset(sentence, span[j]), _offset(sentence, span[k]), _ACTOR_TYPES
        )
        return _names(found)
    # A modal: the entity heading the noun phrase right before it.
    k = cue.start - 1
    while k >= 0 and span[k].pos_ == "ADV":
        k -= 1
    if k < 0:
        return ()
    head_end = _end_offset(sentence, span[k])
    subject = [m for m in mentions if m.type in _ACTOR_TYPES and m.end == head_end]
    if not subject:
        return ()
    first = subject[0]
    # Coordinated subjects: "the United States, Japan, and Korea can".
    lo = _offset(sentence, span[_clause_start(span, k)])
    for m in sorted(mentions, key=lambda m: -m.start):
        if m.type in _ACTOR_TYPES and lo <= m.start < first.start:
            gap = doc_text(sentence.span.doc)[
                m.end - sentence.doc_offset : first.start - sentence.doc_offset
            ]
            if re.fullmatch(r"[\s,]*(?:and\s+)?(?:the\s+)?", gap):
                subject.insert(0, m)
                first = m
    return _names(subject)


def topic_of(section: str, text: str, context: str = "") -> str:
    """Topic from the last heading of the section (weighted), the clause's own words and
    the words of the sentence around it (`context`, which holds the clause)."""
    heading = section.rsplit(" > ", 1)[-1].lower()
    body = f"{text}\n{context}".lower() if context and context != text else text.lower()
    return knowledge().topics.classify(heading, body)


def _modality(group: Sequence[Cue]) -> str:
    reporting = [c for c in group if c.reporting]
    return (reporting[0] if reporting else group[0]).modality


# ---------------------------------------------------------------- extraction


def extract_recommendations(
    sentences: list[SentenceContext], meta: DocumentMeta, entities: list[EntityMention]
) -> list[Recommendation]:
    """Every recommending sentence (or clause) of one document, with its proposer: the
    clauses the cue rules find that the recommendation classifier accepts."""
    return _classified(candidate_recommendations(sentences, meta, entities), sentences)


def candidate_recommendations(
    sentences: list[SentenceContext], meta: DocumentMeta, entities: list[EntityMention]
) -> list[Recommendation]:
    """Every clause the cue rules take for a recommendation, with its proposer."""
    mentions = _mentions_by_sentence(entities)
    default = document_proposer(sentences, meta, mentions)
    all_mentions = [m for group in mentions.values() for m in group]
    rows: list[Recommendation] = []
    credited: Names = ()
    lead_in: Names = ()
    section, credited_at = None, -CONTEXT_WINDOW
    block, speaker, credited_block = None, "", None
    for sentence in sentences:
        if sentence.section != section:
            section, credited, lead_in = sentence.section, (), ()
        sent_mentions = mentions.get(sentence.index, [])
        if sentence.span.doc is not block:
            block = sentence.span.doc
            speaker = full_name(block_speaker(sentence, sent_mentions), all_mentions)
            if credited_block is not None and _quotes(credited_block):
                credited = ()  # a quoted speaker's paragraph is over
        lead = lead_in_proposer(sentence)
        if lead:
            lead_in = (lead,)
        if sentence.kind in ("title", "heading") or len(sentence.span) < 3:
            continue
        names = sentence_credit(sentence, sent_mentions, meta) or speaker
        credit: Names = tuple(full_name(n, all_mentions) for n in names.split("; ") if n)
        quoted = _inside_a_quotation(sentence) or (
            block is credited_block and sentence.text.lstrip()[:1] in ("“", '"')
        )  # the quoted speaker goes on
        if not credit and not quoted and any(t.lower_ in _AUTHOR_VOICE for t in sentence.span):
            credited = ()  # the author speaks in their own voice again
        recent = bool(credited) and sentence.index - credited_at <= CONTEXT_WINDOW
        cues = find_cues(sentence, in_context=bool(recent or credit or lead_in))
        if credit:
            credited, credited_at, credited_block = credit, sentence.index, block
        if not cues:
            continue
        rows.extend(_rows(sentence, cues, sent_mentions, credited or lead_in or default))
    return rows


def _clause(row: Recommendation, sentence: SentenceContext) -> tuple[str, str, list[str]]:
    """What the classifier reads of a row: its text, its sentence, its tokens' tags."""
    start, end = row.start - sentence.doc_offset, row.end - sentence.doc_offset
    tags = [t.tag_ for t in sentence.span if start <= t.idx < end]
    return row.text, sentence.text, tags


def _classified(
    rows: list[Recommendation], sentences: Sequence[SentenceContext]
) -> list[Recommendation]:
    """The rows the recommendation classifier accepts, each with its score."""
    by_index = {sentence.index: sentence for sentence in sentences}
    verdicts = accepted([_clause(row, by_index[row.sentence_index]) for row in rows])
    return [
        replace(row, confidence=score)
        for row, (keep, score) in zip(rows, verdicts, strict=True)
        if keep
    ]


def _rows(
    sentence: SentenceContext,
    cues: Sequence[Cue],
    mentions: Sequence[EntityMention],
    proposers: Names,
) -> list[Recommendation]:
    span = sentence.span
    groups = _group_cues(span, cues)
    rows = []
    for group, (start, end) in zip(groups, clause_ranges(span, groups), strict=True):
        if start >= end:
            continue
        clause = span[start:end]
        begin = sentence.doc_offset + clause.start_char
        rows.append(
            Recommendation(
                sentence_index=sentence.index,
                start=begin,
                end=begin + len(clause.text),
                text=clause.text,
                proposers=proposers,
                addressees=addressee(sentence, group, mentions),
                topic=topic_of(sentence.section, clause.text, span.text),
                modality=_modality(group),
            )
        )
    return rows
