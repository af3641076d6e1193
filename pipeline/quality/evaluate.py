"""Score published tables against gold annotation files.

Implements the scoring rules of `tests/quality/GUIDELINES.md`. Every table is
scored per document with one-to-one matching between output rows and gold
items: a pair with a required item is a true positive, a pair with an optional
item is neutral, an unpaired output row is neutral when it is compatible with
some optional item and a false positive otherwise, an unpaired required item is
a false negative. Pairs are chosen greedily, best score first, then completed
to a maximum matching by augmenting paths, so the result does not depend on
row order beyond tie-breaking. Micro-averages sum the counts over documents;
attribute accuracies pool the pairs with required items.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from rapidfuzz import fuzz
from rich.console import Console
from rich.table import Table

from pipeline.errors import BriefdataError
from pipeline.release.schema import columns

FUZZY_THRESHOLD = 85.0
LIST_SEP = "; "

# The tables the scorer reads (with their schema's columns); one missing is empty.
SCORED_TABLES = (
    "documents", "entities", "mentions", "dates", "treaties", "treaty_mentions",
    "recommendations",
)  # fmt: skip

_PUNCT_FOLD = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2015": "-",
    }
)
_QUOTE_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+")
_DECADE = re.compile(r"^(\d+)X+$")
# Tokens that cannot by themselves make two date texts "overlap".
_DATE_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "to",
        "into",
        "this",
        "that",
        "these",
        "those",
        "and",
        "or",
        "from",
        "since",
        "until",
        "as",
        "over",
        "during",
        "within",
        "about",
        "around",
    }
)

ACCURACY_KEYS = ("date_value", "treaty_signed", "treaty_parties", "proposer")


# ---------------------------------------------------------------- folding


def fold_name(text: str) -> str:
    """Fold a name for equality: case, leading "the", quotes, dashes, periods."""
    folded = _SPACE.sub(" ", text.translate(_PUNCT_FOLD).casefold().replace(".", "")).strip()
    if folded.startswith("the "):
        folded = folded[4:].lstrip()
    return folded


def fold_quote(text: str) -> str:
    """Fold white space and typographic quotes, as quote containment requires."""
    return _SPACE.sub(" ", text.translate(_QUOTE_FOLD)).strip()


def fuzzy_score(a: str, b: str) -> float:
    """Token-set ratio of two names after `fold_name` (0-100)."""
    fa, fb = fold_name(a), fold_name(b)
    if not fa or not fb:
        return 0.0
    return float(fuzz.token_set_ratio(fa, fb))


def split_list(cell: str) -> list[str]:
    """Split a "; "-joined cell into its non-empty items."""
    return [part.strip() for part in str(cell).split(";") if part.strip()]


# ---------------------------------------------------------------- scores


@dataclass
class Score:
    """Counts of one table; precision (recall) is 1.0 when nothing was claimed (due)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def _ratio(counts: tuple[int, int]) -> float | None:
    correct, total = counts
    return correct / total if total else None


@dataclass
class DocumentScores:
    """All scores of one document (or of the micro-average)."""

    doc_id: str
    entities: Score = field(default_factory=Score)
    entities_typed: Score = field(default_factory=Score)
    dates: Score = field(default_factory=Score)
    date_value_accuracy: float | None = None
    treaties: Score = field(default_factory=Score)
    treaty_signed_accuracy: float | None = None
    treaty_parties_accuracy: float | None = None
    recommendations: Score = field(default_factory=Score)
    proposer_accuracy: float | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    # (correct, compared) behind each accuracy, keyed by ACCURACY_KEYS; pooled by micro.
    accuracy_counts: dict[str, tuple[int, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        def acc(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        return {
            "doc_id": self.doc_id,
            "entities": self.entities.to_dict(),
            "entities_typed": self.entities_typed.to_dict(),
            "dates": self.dates.to_dict(),
            "date_value_accuracy": acc(self.date_value_accuracy),
            "treaties": self.treaties.to_dict(),
            "treaty_signed_accuracy": acc(self.treaty_signed_accuracy),
            "treaty_parties_accuracy": acc(self.treaty_parties_accuracy),
            "recommendations": self.recommendations.to_dict(),
            "proposer_accuracy": acc(self.proposer_accuracy),
            "accuracy_counts": {
                key: list(self.accuracy_counts.get(key, (0, 0))) for key in ACCURACY_KEYS
            },
            "errors": {key: list(values) for key, values in self.errors.items()},
        }


def micro_average(documents: Sequence[DocumentScores], doc_id: str = "micro") -> DocumentScores:
    """Sum counts over documents; pool accuracy numerators and denominators."""
    total = DocumentScores(doc_id=doc_id)
    counts = {key: (0, 0) for key in ACCURACY_KEYS}
    for doc in documents:
        total.entities += doc.entities
        total.entities_typed += doc.entities_typed
        total.dates += doc.dates
        total.treaties += doc.treaties
        total.recommendations += doc.recommendations
        for key in ACCURACY_KEYS:
            correct, compared = doc.accuracy_counts.get(key, (0, 0))
            counts[key] = (counts[key][0] + correct, counts[key][1] + compared)
    _set_accuracies(total, counts)
    return total


def _set_accuracies(scores: DocumentScores, counts: dict[str, tuple[int, int]]) -> None:
    scores.accuracy_counts = dict(counts)
    scores.date_value_accuracy = _ratio(counts["date_value"])
    scores.treaty_signed_accuracy = _ratio(counts["treaty_signed"])
    scores.treaty_parties_accuracy = _ratio(counts["treaty_parties"])
    scores.proposer_accuracy = _ratio(counts["proposer"])


# ---------------------------------------------------------------- loading


def _scalar(value: Any) -> str:
    """A YAML scalar as text: unquoted ISO dates load as `date`, years as `int`."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _gold_items(path: Path, data: dict, key: str, fields: Iterable[str]) -> list[dict]:
    raw = data.get(key) or []
    if not isinstance(raw, list):
        raise BriefdataError(f"{path}: '{key}' must be a list")
    items = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise BriefdataError(f"{path}: {key}[{index}] must be a mapping")
        clean: dict[str, Any] = {name: _scalar(item.get(name)) for name in fields}
        clean["aliases"] = [_scalar(a) for a in item.get("aliases") or [] if _scalar(a)]
        if "parties" in item:
            clean["parties"] = sorted(_scalar(p) for p in item.get("parties") or [])
        clean["required"] = item.get("required", True) is not False
        items.append(clean)
    return items


def load_gold(path: Path) -> dict:
    """Read one gold YAML file into plain dicts with string values.

    Returns `doc_id` plus lists `entities`, `dates`, `treaties`,
    `recommendations`; every item has `required` (bool) and `aliases` (list).
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BriefdataError(f"{path}: cannot read gold file: {exc}") from exc
    if not isinstance(data, dict):
        raise BriefdataError(f"{path}: a gold file must be a mapping")
    gold = {
        "doc_id": _scalar(data.get("doc_id")) or path.stem,
        "entities": _gold_items(path, data, "entities", ("name", "type")),
        "dates": _gold_items(path, data, "dates", ("text", "value", "kind")),
        "treaties": _gold_items(path, data, "treaties", ("name", "kind", "signed")),
        "recommendations": _gold_items(path, data, "recommendations", ("quote", "proposer")),
    }
    for key, label in (
        ("entities", "name"),
        ("dates", "text"),
        ("treaties", "name"),
        ("recommendations", "quote"),
    ):
        for index, item in enumerate(gold[key]):
            if not item[label]:
                raise BriefdataError(f"{path}: {key}[{index}] has no '{label}'")
    return gold


def load_tables(data_dir: Path) -> dict[str, pd.DataFrame]:
    """Read every CSV of a published folder as strings; absent tables are empty."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise BriefdataError(f"{data_dir}: no such folder of published tables")
    tables = {
        csv.stem: pd.read_csv(csv, dtype=str, keep_default_na=False)
        for csv in sorted(data_dir.glob("*.csv"))
    }
    for name in SCORED_TABLES:
        frame = tables.get(name, pd.DataFrame(columns=columns(name), dtype=str))
        for column in columns(name):
            if column not in frame.columns:
                frame = frame.assign(**{column: ""})
        tables[name] = frame
    return tables


def empty_tables() -> dict[str, pd.DataFrame]:
    """Tables with the minimum columns and no rows (a document the run missed)."""
    return {name: pd.DataFrame(columns=columns(name), dtype=str) for name in SCORED_TABLES}


# ---------------------------------------------------------------- matching


def match_one_to_one(n_out: int, n_gold: int, score: Callable[[int, int], Any]) -> dict[int, int]:
    """Pair outputs with gold items (output index -> gold index), each used once.

    `score` returns a comparable value (higher is better) or None for no match.
    Greedy by descending score (ties: lower output, then lower gold index),
    then augmenting paths from every unpaired output, which yields a matching
    of maximum size without ever unpairing an item the greedy pass paired.
    """
    edges: dict[int, list[tuple[Any, int]]] = {o: [] for o in range(n_out)}
    for o in range(n_out):
        for g in range(n_gold):
            value = score(o, g)
            if value is not None:
                edges[o].append((value, g))
        # Stable sorts: index order first, then score descending.
        edges[o].sort(key=lambda e: e[1])
        edges[o].sort(key=lambda e: e[0], reverse=True)
    ranked = [(s, o, g) for o, es in edges.items() for s, g in es]
    ranked.sort(key=lambda e: (e[1], e[2]))
    ranked.sort(key=lambda e: e[0], reverse=True)
    out_to_gold: dict[int, int] = {}
    gold_to_out: dict[int, int] = {}
    for _, o, g in ranked:
        if o not in out_to_gold and g not in gold_to_out:
            out_to_gold[o], gold_to_out[g] = g, o

    def augment(o: int, seen: set[int]) -> bool:
        for _, g in edges[o]:
            if g in seen:
                continue
            seen.add(g)
            if g not in gold_to_out or augment(gold_to_out[g], seen):
                out_to_gold[o], gold_to_out[g] = g, o
                return True
        return False

    for o in range(n_out):
        if o not in out_to_gold and edges[o]:
            augment(o, set())
    return out_to_gold


@dataclass
class _Outcome:
    score: Score
    pairs: list[tuple[int, int]]  # (output, required gold) true positives
    false_positives: list[int]
    false_negatives: list[int]


def _score_matching(n_out: int, gold: Sequence[dict], score: Callable[[int, int], Any]) -> _Outcome:
    """Apply the required / optional / unmatched rules to a one-to-one matching."""

    def ranked(o: int, g: int) -> tuple[Any, bool] | None:
        value = score(o, g)
        # Prefer a required item over an optional one of equal score.
        return None if value is None else (value, gold[g]["required"])

    paired = match_one_to_one(n_out, len(gold), ranked)
    optional = [g for g, item in enumerate(gold) if not item["required"]]
    pairs = sorted((o, g) for o, g in paired.items() if gold[g]["required"])
    false_positives = [
        o
        for o in range(n_out)
        if o not in paired and not any(score(o, g) is not None for g in optional)
    ]
    matched_gold = set(paired.values())
    false_negatives = [
        g for g, item in enumerate(gold) if item["required"] and g not in matched_gold
    ]
    return _Outcome(
        Score(len(pairs), len(false_positives), len(false_negatives)),
        pairs,
        false_positives,
        false_negatives,
    )


# ---------------------------------------------------------------- entities


@dataclass(frozen=True)
class OutputEntity:
    """An output entity as seen from one document."""

    entity_id: str
    name: str
    type: str
    aliases: tuple[str, ...]  # the KB alias column
    surfaces: tuple[str, ...]  # mention texts in this document


def _rows(frame: pd.DataFrame, column: str, value: str) -> pd.DataFrame:
    return frame[frame[column] == value]


def document_entities(tables: dict[str, pd.DataFrame], doc_id: str) -> list[OutputEntity]:
    """Entities with a mention in the document or listing it in `documents`."""
    mentions = _rows(tables["mentions"], "doc_id", doc_id)
    surfaces: dict[str, list[str]] = {}
    for entity_id, text in zip(mentions["entity_id"], mentions["text"], strict=True):
        surfaces.setdefault(entity_id, []).append(text)
    found = []
    for row in tables["entities"].itertuples(index=False):
        if row.entity_id in surfaces or doc_id in split_list(row.documents):
            found.append(
                OutputEntity(
                    row.entity_id,
                    row.name,
                    row.type,
                    tuple(split_list(row.aliases)),
                    tuple(dict.fromkeys(surfaces.get(row.entity_id, []))),
                )
            )
    return sorted(found, key=lambda e: e.entity_id)


def entity_match_rank(entity: OutputEntity, gold_item: dict) -> float | None:
    """3 if the name matches, 2 a surface form in the document, 1 a KB alias."""
    targets = {fold_name(gold_item["name"])} | {fold_name(a) for a in gold_item["aliases"]}
    if fold_name(entity.name) in targets:
        return 3.0
    if any(fold_name(s) in targets for s in entity.surfaces):
        return 2.0
    if any(fold_name(a) in targets for a in entity.aliases):
        return 1.0
    return None


def _score_entities(
    gold: Sequence[dict], entities: Sequence[OutputEntity], errors: dict[str, list[str]]
) -> tuple[Score, Score]:
    def untyped(o: int, g: int) -> float | None:
        return entity_match_rank(entities[o], gold[g])

    def typed(o: int, g: int) -> float | None:
        same = entities[o].type == gold[g]["type"]
        return entity_match_rank(entities[o], gold[g]) if same else None

    plain = _score_matching(len(entities), gold, untyped)
    with_type = _score_matching(len(entities), gold, typed)
    errors["entities_fp"] = [
        f"{entities[o].name} [{entities[o].type}]" for o in plain.false_positives
    ]
    errors["entities_fn"] = [
        f"{gold[g]['name']} [{gold[g]['type']}]" for g in plain.false_negatives
    ]
    errors["entities_type"] = [
        f"{gold[g]['name']}: got {entities[o].type or '-'}, want {gold[g]['type']}"
        for o, g in plain.pairs
        if entities[o].type != gold[g]["type"]
    ]
    return plain.score, with_type.score


# ---------------------------------------------------------------- dates


def _date_tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold_name(text))


def _is_content(tokens: Sequence[str]) -> bool:
    return any(any(c.isdigit() for c in t) or t not in _DATE_STOPWORDS for t in tokens)


def date_overlap(output_text: str, gold_text: str) -> float | None:
    """How two date texts overlap, as spans in one document would.

    Without gold offsets, overlap is read off the token sequences (after
    `fold_name`): 3 equal, 2 one contains the other as a contiguous run,
    1 a suffix of one is a prefix of the other (a partial overlap). The shared
    run must hold a digit-bearing or non-stopword token, so "the" or "of"
    alone never makes a match. None when they do not overlap.
    """
    a, b = _date_tokens(output_text), _date_tokens(gold_text)
    if not a or not b:
        return None
    if a == b:
        return 3.0 if _is_content(a) else None
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    for start in range(len(long_) - len(short) + 1):
        if long_[start : start + len(short)] == short:
            return 2.0 if _is_content(short) else None
    for size in range(min(len(a), len(b)) - 1, 0, -1):
        for left, right in ((a, b), (b, a)):
            if left[-size:] == right[:size] and _is_content(left[-size:]):
                return 1.0
    return None


def date_value_equal(output_value: str, gold_value: str) -> bool:
    """TIMEX3 equality, where a decade `195X` and `195` are the same value."""

    def norm(value: str) -> str:
        value = value.strip()
        decade = _DECADE.match(value)
        return decade.group(1) if decade else value

    return norm(output_value) == norm(gold_value)


def _score_dates(
    gold: Sequence[dict], rows: pd.DataFrame, errors: dict[str, list[str]]
) -> tuple[Score, tuple[int, int]]:
    texts, values = list(rows["text"]), list(rows["value"])

    def score(o: int, g: int) -> float | None:
        return date_overlap(texts[o], gold[g]["text"])

    outcome = _score_matching(len(texts), gold, score)
    wrong = [(o, g) for o, g in outcome.pairs if not date_value_equal(values[o], gold[g]["value"])]
    errors["dates_fp"] = [f"{texts[o]!r} ({values[o]})" for o in outcome.false_positives]
    errors["dates_fn"] = [
        f"{gold[g]['text']!r} ({gold[g]['value']})" for g in outcome.false_negatives
    ]
    errors["dates_value"] = [
        f"{gold[g]['text']!r}: got {values[o] or '-'}, want {gold[g]['value']}" for o, g in wrong
    ]
    return outcome.score, (len(outcome.pairs) - len(wrong), len(outcome.pairs))


# ---------------------------------------------------------------- treaties


@dataclass(frozen=True)
class OutputTreaty:
    """An output treaty as seen from one document."""

    treaty_id: str
    names: tuple[str, ...]  # name, aliases, then mention texts in this document
    parties: frozenset[str]
    signed: str


def document_treaties(tables: dict[str, pd.DataFrame], doc_id: str) -> list[OutputTreaty]:
    """Treaties with a mention in the document or listing it in `documents`."""
    mentions = _rows(tables["treaty_mentions"], "doc_id", doc_id)
    surfaces: dict[str, list[str]] = {}
    for treaty_id, text in zip(mentions["treaty_id"], mentions["text"], strict=True):
        surfaces.setdefault(treaty_id, []).append(text)
    found = []
    for row in tables["treaties"].itertuples(index=False):
        if row.treaty_id in surfaces or doc_id in split_list(row.documents):
            names = [row.name, *split_list(row.aliases), *surfaces.get(row.treaty_id, [])]
            found.append(
                OutputTreaty(
                    row.treaty_id,
                    tuple(dict.fromkeys(n for n in names if n.strip())),
                    frozenset(split_list(row.parties)),
                    row.signed.strip(),
                )
            )
    return sorted(found, key=lambda t: t.treaty_id)


def treaty_match_score(treaty: OutputTreaty, gold_item: dict) -> tuple[float, float] | None:
    """Best (token-set ratio, plain ratio) over name/alias pairs; None below 85.

    The plain ratio only breaks ties: a token subset scores 100 on token-set
    ratio ("Armistice" vs "Korean Armistice Agreement"), so an exact name
    should win over it when both are available.
    """
    targets = [fold_name(t) for t in (gold_item["name"], *gold_item["aliases"])]
    best = max(
        (
            (fuzzy_score(n, t), float(fuzz.ratio(fold_name(n), t)))
            for n in treaty.names
            for t in targets
        ),
        default=(0.0, 0.0),
    )
    return best if best[0] >= FUZZY_THRESHOLD else None


def _year(value: str) -> str:
    match = re.match(r"^(\d{4})", value.strip())
    return match.group(1) if match else ""


def _score_treaties(
    gold: Sequence[dict], treaties: Sequence[OutputTreaty], errors: dict[str, list[str]]
) -> tuple[Score, tuple[int, int], tuple[int, int]]:
    def score(o: int, g: int) -> tuple[float, float] | None:
        return treaty_match_score(treaties[o], gold[g])

    outcome = _score_matching(len(treaties), gold, score)
    signed_bad, parties_bad = [], []
    signed_total = parties_total = 0
    for o, g in outcome.pairs:
        treaty, item = treaties[o], gold[g]
        if item["signed"]:
            signed_total += 1
            if _year(treaty.signed) != _year(item["signed"]):
                signed_bad.append(
                    f"{item['name']}: got {treaty.signed or '-'}, want {item['signed']}"
                )
        if "parties" in item:
            parties_total += 1
            if set(treaty.parties) != set(item["parties"]):
                got = "; ".join(sorted(treaty.parties)) or "-"
                want = "; ".join(item["parties"]) or "-"
                parties_bad.append(f"{item['name']}: got {got}, want {want}")
    errors["treaties_fp"] = [treaties[o].names[0] for o in outcome.false_positives]
    errors["treaties_fn"] = [gold[g]["name"] for g in outcome.false_negatives]
    errors["treaties_signed"] = signed_bad
    errors["treaties_parties"] = parties_bad
    return (
        outcome.score,
        (signed_total - len(signed_bad), signed_total),
        (parties_total - len(parties_bad), parties_total),
    )


# ---------------------------------------------------------------- recommendations


def proposers_match(output: str, gold: str) -> bool:
    """Equal as sets of names, each name fuzzy-matched to a distinct one."""
    got, want = split_list(output), split_list(gold)
    if len(got) != len(want):
        return False
    if not want:
        return True

    def score(o: int, g: int) -> tuple[float, float] | None:
        value = fuzzy_score(got[o], want[g])
        exact = float(fuzz.ratio(fold_name(got[o]), fold_name(want[g])))
        return (value, exact) if value >= FUZZY_THRESHOLD else None

    return len(match_one_to_one(len(got), len(want), score)) == len(want)


def _score_recommendations(
    gold: Sequence[dict], rows: pd.DataFrame, errors: dict[str, list[str]]
) -> tuple[Score, tuple[int, int]]:
    texts = [fold_quote(t) for t in rows["text"]]
    proposers = list(rows["proposer"])
    quotes = [fold_quote(item["quote"]) for item in gold]

    def score(o: int, g: int) -> float | None:
        return 1.0 if quotes[g] and quotes[g] in texts[o] else None

    outcome = _score_matching(len(texts), gold, score)
    wrong = [
        (o, g) for o, g in outcome.pairs if not proposers_match(proposers[o], gold[g]["proposer"])
    ]
    errors["recommendations_fp"] = [_clip(texts[o]) for o in outcome.false_positives]
    errors["recommendations_fn"] = [_clip(gold[g]["quote"]) for g in outcome.false_negatives]
    errors["proposer"] = [
        f"{_clip(gold[g]['quote'], 60)}: got {proposers[o] or '-'}, want {gold[g]['proposer']}"
        for o, g in wrong
    ]
    return outcome.score, (len(outcome.pairs) - len(wrong), len(outcome.pairs))


def _clip(text: str, limit: int = 90) -> str:
    text = fold_quote(text)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


# ---------------------------------------------------------------- documents


def evaluate_document(gold: dict, tables: dict[str, pd.DataFrame]) -> DocumentScores:
    """Score one document's output rows against its gold file."""
    doc_id = gold["doc_id"]
    tables = {**empty_tables(), **tables}
    errors: dict[str, list[str]] = {}
    entities, entities_typed = _score_entities(
        gold["entities"], document_entities(tables, doc_id), errors
    )
    dates, date_counts = _score_dates(
        gold["dates"], _rows(tables["dates"], "doc_id", doc_id), errors
    )
    treaties, signed_counts, parties_counts = _score_treaties(
        gold["treaties"], document_treaties(tables, doc_id), errors
    )
    recommendations, proposer_counts = _score_recommendations(
        gold["recommendations"], _rows(tables["recommendations"], "doc_id", doc_id), errors
    )
    scores = DocumentScores(
        doc_id=doc_id,
        entities=entities,
        entities_typed=entities_typed,
        dates=dates,
        treaties=treaties,
        recommendations=recommendations,
        errors=errors,
    )
    _set_accuracies(
        scores,
        {
            "date_value": date_counts,
            "treaty_signed": signed_counts,
            "treaty_parties": parties_counts,
            "proposer": proposer_counts,
        },
    )
    return scores


# ---------------------------------------------------------------- report


_TABLE_ROWS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("entities", "entities", ()),
    ("entities (typed)", "entities_typed", ()),
    ("dates", "dates", (("value", "date_value_accuracy"),)),
    (
        "treaties",
        "treaties",
        (("signed", "treaty_signed_accuracy"), ("parties", "treaty_parties_accuracy")),
    ),
    ("recommendations", "recommendations", (("proposer", "proposer_accuracy"),)),
)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


@dataclass
class EvaluationReport:
    """Per-document scores and their micro-average, over the gold documents the dataset
    has; `missing` lists the gold documents it does not have (not scored)."""

    documents: list[DocumentScores]
    micro: DocumentScores
    missing: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with a stable key order."""
        return {
            "documents": [doc.to_dict() for doc in self.documents],
            "micro": self.micro.to_dict(),
            "missing": list(self.missing),
        }

    def render(self, console: Console) -> None:
        """Print a table per document, then a summary with the micro-average row."""
        for doc in [*self.documents, self.micro]:
            title = "micro-average" if doc is self.micro else doc.doc_id
            console.print(_document_table(doc, title))
        console.print(_summary_table(self))
        if self.missing:
            console.print(
                f"not in the dataset (not scored): {', '.join(self.missing)}",
                highlight=False, soft_wrap=False,
            )  # fmt: skip


SHORT_ID = 28


def short_id(doc_id: str, width: int = SHORT_ID) -> str:
    """A document id that fits a table column: its start and end, elided in between."""
    if len(doc_id) <= width:
        return doc_id
    return f"{doc_id[: width - 9]}…{doc_id[-8:]}"


def _document_table(doc: DocumentScores, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for header in ("table", "TP", "FP", "FN", "P", "R", "F1", "attribute accuracy"):
        table.add_column(
            header, justify="left" if header in ("table", "attribute accuracy") else "right"
        )
    for label, attr, accuracies in _TABLE_ROWS:
        score: Score = getattr(doc, attr)
        extra = ", ".join(f"{name} {_pct(getattr(doc, key))}" for name, key in accuracies)
        table.add_row(
            label,
            str(score.tp),
            str(score.fp),
            str(score.fn),
            _pct(score.precision),
            _pct(score.recall),
            _pct(score.f1),
            extra,
        )
    return table


def _summary_table(report: EvaluationReport) -> Table:
    table = Table(title="F1 by document (typed = entities with type)", title_justify="left")
    table.add_column("document", no_wrap=True, max_width=SHORT_ID)
    for header in ("ent.", "typed", "dates", "treat.", "recs"):
        table.add_column(header, justify="right", no_wrap=True, min_width=5)
    for doc in [*report.documents, report.micro]:
        is_micro = doc is report.micro
        name = "micro-average" if is_micro else short_id(doc.doc_id)
        table.add_row(
            name,
            *(_pct(getattr(doc, attr).f1) for _, attr, _ in _TABLE_ROWS),
            style="bold" if is_micro else None,
            end_section=is_micro,
        )
    return table


def published_doc_ids(tables: dict[str, pd.DataFrame]) -> set[str]:
    """The documents the run ingested, per documents.csv."""
    return {d for d in tables["documents"]["doc_id"] if d.strip()}


def evaluate(data_dir: Path, gold_dir: Path) -> EvaluationReport:
    """Score a folder of published tables against the gold files in `gold_dir` whose
    documents it has; the others are listed in `missing`, not scored."""
    tables = load_tables(data_dir)
    gold_paths = sorted([*Path(gold_dir).glob("*.yaml"), *Path(gold_dir).glob("*.yml")])
    if not gold_paths:
        raise BriefdataError(f"{gold_dir}: no gold files (*.yaml)")
    present = published_doc_ids(tables)
    documents, missing = [], []
    for path in gold_paths:
        gold = load_gold(path)
        if gold["doc_id"] in present:
            documents.append(evaluate_document(gold, tables))
        else:
            missing.append(gold["doc_id"])
    if not documents:
        raise BriefdataError(
            f"{data_dir}: none of the {len(missing)} gold documents in {gold_dir} is in the "
            "dataset; run `briefdata run --input <their sources>` first"
        )
    return EvaluationReport(documents, micro_average(documents), missing)
