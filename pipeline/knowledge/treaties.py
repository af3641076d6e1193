"""The reference knowledge base of international agreements (`data/reference/treaties.yaml`).

Names are compared after `fold_key`: case, quotes, dashes and periods folded,
"the" dropped, states' names replaced by their ISO codes, and a leading country pair
("U.S.-Japan", "Japan-U.S.") put in a fixed order, so that the usual spelling
variants of one name meet in a dictionary lookup. Near-names fall back to a
guarded fuzzy comparison that tolerates spelling variants but never a
different content word (so "U.S.-ROK Mutual Defense Treaty" does not become
the U.S.-Philippines one).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from pipeline.paths import REFERENCE_DIR

DEFAULT_PATH = REFERENCE_DIR / "treaties.yaml"
KINDS = (
    "peace treaty", "security treaty", "armistice", "trade agreement", "organization",
    "joint statement", "other",
)  # fmt: skip

_CHAR_FOLD = str.maketrans(
    {
        "\u2019": "", "\u2018": "", "'": "", "\u201c": "", "\u201d": "", '"': "",
        "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2015": "-",
        "\u2060": "", ".": "", ",": " ", "(": " ", ")": " ", ":": " ", "\u00e9": "e",
    }
)  # fmt: skip
_SPACE = re.compile(r"\s+")
_DASH_SPACE = re.compile(r"\s*-\s*")
_FUNCTION_WORDS = frozenset(["the", "of", "on", "for", "and", "in", "to", "a", "an", "between"])
_LEADING_PAIR = re.compile(r"^([a-z]+(?:-[a-z]+)+)(?= |$)")


def _basic_fold(text: str) -> str:
    folded = _SPACE.sub(" ", text.translate(_CHAR_FOLD).casefold()).strip()
    return _DASH_SPACE.sub("-", folded)


@lru_cache(maxsize=1)
def _country_names() -> tuple[re.Pattern[str], dict[str, str]]:
    """Every name the entity knowledge base gives a state (its name and aliases, not its
    capital), folded -> its ISO 3166-1 alpha-3 code, lower case; and a pattern finding them."""
    from pipeline.knowledge.entities import capital_names, load_entity_kb

    capitals = capital_names()
    codes: dict[str, str] = {}
    for record in load_entity_kb().records:
        if record.type != "GPE" or not record.iso3 or record.country not in ("", record.iso3):
            continue
        for name in (record.name, *record.aliases):
            folded = _basic_fold(name)
            if folded and folded not in capitals and not folded.startswith("government"):
                codes.setdefault(folded, record.iso3.casefold())
    names = sorted(codes, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, names)) + r")(?![\w])")
    return pattern, codes


def _with_country_codes(folded: str) -> str:
    """States' names replaced by their codes: "us-japan", "japan-united states" and
    "united states-japan" all become "usa-jpn" once the pair is ordered."""
    pattern, codes = _country_names()
    return pattern.sub(lambda m: codes[m.group()], folded)


def fold_key(text: str) -> str:
    """The lookup key of a name: folded so that spelling variants coincide."""
    folded = text.translate(_CHAR_FOLD).casefold()
    folded = _SPACE.sub(" ", folded).strip()
    folded = _DASH_SPACE.sub("-", folded)
    if folded.startswith("the "):
        folded = folded[4:]
    folded = _with_country_codes(folded)
    # "japan-us x" and "us-japan x" name the same bilateral agreement
    pair = _LEADING_PAIR.match(folded)
    if pair:
        parts = sorted(pair.group(1).split("-"))
        folded = "-".join(parts) + folded[pair.end() :]
    return folded


@dataclass(frozen=True)
class TreatyRecord:
    """One agreement of the knowledge base."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    signed: str = ""
    amended: tuple[str, ...] = ()
    status: str = ""
    wikidata_id: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def years(self) -> set[str]:
        """Years of signature and amendment (for resolving "the 1960 treaty")."""
        return {value[:4] for value in (self.signed, *self.amended) if value[:4].isdigit()}


@dataclass
class TreatyKB:
    """Records plus a folded alias index."""

    records: list[TreatyRecord]
    version: str = ""
    by_id: dict[str, TreatyRecord] = field(default_factory=dict)
    index: dict[str, list[str]] = field(default_factory=dict)  # folded name -> record ids

    def __post_init__(self) -> None:
        self.by_id = {record.id: record for record in self.records}
        self.index = {}
        for record in self.records:
            for name in record.names:
                ids = self.index.setdefault(fold_key(name), [])
                if record.id not in ids:
                    ids.append(record.id)
        self._keys = list(self.index)

    def exact(self, text: str) -> TreatyRecord | None:
        """The record one of whose names folds to the same key, if unique."""
        ids = self.index.get(fold_key(text), [])
        return self.by_id[ids[0]] if len(ids) == 1 else None

    def match(self, text: str) -> TreatyRecord | None:
        """Exact folded alias match, else a guarded fuzzy match on near-names."""
        found = self.exact(text)
        if found is not None:
            return found
        key = fold_key(text)
        if len(key) < 8:
            return None
        best: tuple[float, str] | None = None
        for candidate in self._keys:
            if abs(len(candidate) - len(key)) > 12:
                continue
            score = fuzz.token_sort_ratio(key, candidate)
            if score >= 90 and _near_name(key, candidate) and (best is None or score > best[0]):
                best = (score, candidate)
        if best is None:
            return None
        ids = self.index[best[1]]
        return self.by_id[ids[0]] if len(ids) == 1 else None

    def find(
        self, kind: str, parties: tuple[str, ...] | set[str], year: str = ""
    ) -> TreatyRecord | None:
        """The first record (KB order = salience) of a kind between exactly these parties.

        A year, when given, must be the year of signature or of an amendment.
        """
        wanted = set(parties)
        for record in self.records:
            if record.kind != kind or set(record.parties) != wanted:
                continue
            if year and year not in record.years():
                continue
            return record
        return None

    def validate(self) -> list[str]:
        """Problems of the file: duplicate ids, ambiguous aliases, bad kinds or dates."""
        problems: list[str] = []
        seen: set[str] = set()
        for record in self.records:
            if record.id in seen:
                problems.append(f"duplicate id {record.id}")
            seen.add(record.id)
            if record.kind not in KINDS:
                problems.append(f"{record.id}: unknown kind {record.kind!r}")
            for value in (record.signed, *record.amended):
                if value and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
                    problems.append(f"{record.id}: bad date {value!r}")
            if list(record.parties) != sorted(record.parties):
                problems.append(f"{record.id}: parties not sorted")
            if any(not re.fullmatch(r"[A-Z]{3}", p) for p in record.parties):
                problems.append(f"{record.id}: bad party code")
        for key, ids in self.index.items():
            if len(ids) != 1:
                problems.append(f"alias {key!r} resolves to {ids}")
        return problems


def _near_name(a: str, b: str) -> bool:
    """Two folded names differ at most by one spelling variant of a word."""
    ta = set(a.replace("-", " ").split()) - _FUNCTION_WORDS
    tb = set(b.replace("-", " ").split()) - _FUNCTION_WORDS
    only_a, only_b = ta - tb, tb - ta
    if len(only_a) > 1 or len(only_b) > 1:
        return False
    if not only_a or not only_b:
        return not only_a and not only_b
    return fuzz.ratio(next(iter(only_a)), next(iter(only_b))) >= 80


def _record(entry: dict) -> TreatyRecord:
    return TreatyRecord(
        id=str(entry["id"]),
        name=str(entry["name"]),
        kind=str(entry.get("kind") or "other"),
        aliases=tuple(str(a) for a in entry.get("aliases") or ()),
        parties=tuple(str(p) for p in entry.get("parties") or ()),
        signed=str(entry.get("signed") or ""),
        amended=tuple(str(a) for a in entry.get("amended") or ()),
        status=str(entry.get("status") or ""),
        wikidata_id=str(entry.get("wikidata_id") or ""),
    )


def parse_treaty_kb(raw: bytes) -> TreatyKB:
    data = yaml.safe_load(raw) or {}
    records = [_record(entry) for entry in data.get("treaties") or ()]
    return TreatyKB(records, version=hashlib.sha256(raw).hexdigest())


@lru_cache(maxsize=4)
def load_treaty_kb(path: Path | str = DEFAULT_PATH) -> TreatyKB:
    """The knowledge base at `path`, parsed once per process."""
    return parse_treaty_kb(Path(path).read_bytes())
