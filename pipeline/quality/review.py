"""Blind review rounds: pick documents from a corpus, sample rows of the published tables
into sheets for judges (who see only the sheet and the annotation guidelines).

    pick_documents(corpus, n, seed, into)     N documents, seeded, into a new folder
    write_sheets(data, tables, n, seed, out)  one CSV and one HTML sheet per table

Everything is seeded and ordered: the same inputs and seed give byte-identical files.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.ingest.reader import MEDIA_TYPES
from pipeline.paths import GUIDELINES as PATH_GUIDELINES
from pipeline.quality.context import Anchor, Published, ReviewError, cell
from pipeline.quality.sheet import SheetMeta, SheetRow, render_csv, render_html, sample_id
from pipeline.quality.specs import GUIDELINES_NAME, REVIEW_TABLES, SPECS, SheetSpec
from pipeline.release.schema import primary_key
from pipeline.run.plan import folder_files

PICKED_LIST = "picked.txt"
PICKED_FOLDER = "documents"
GUIDELINES = PATH_GUIDELINES
CONTEXTS_PER_ITEM = 2

# ------------------------------------------------------------------------ pick


@dataclass(frozen=True)
class Picked:
    folder: Path  # the documents, under <into>/documents/
    listing: Path  # <into>/picked.txt
    paths: tuple[str, ...]  # relative to the corpus, sorted
    available: int


def choose(items: list[str], n: int, seed: int) -> list[str]:
    """`n` items (all when there are fewer), chosen by `seed` from the sorted items; sorted."""
    ordered = sorted(items)
    return sorted(random.Random(seed).sample(ordered, min(n, len(ordered))))


def corpus_documents(corpus: Path) -> list[str]:
    """Every document a run would read in `corpus`, relative to it (POSIX), sorted."""
    if not corpus.is_dir():
        raise ReviewError(f"{corpus}: not a folder")
    files, _ = folder_files(corpus)
    return sorted(
        path.relative_to(corpus).as_posix() for path in files if path.suffix.lower() in MEDIA_TYPES
    )


def check_new_folder(into: Path, corpus: Path) -> None:
    """`into` must be absent or an empty folder, and outside the corpus."""
    if into.resolve().is_relative_to(corpus.resolve()):
        raise ReviewError(f"{into}: inside the corpus {corpus}; choose a folder outside it")
    if into.exists() and not into.is_dir():
        raise ReviewError(f"{into}: exists and is not a folder")
    if into.is_dir() and any(into.iterdir()):
        raise ReviewError(f"{into}: not empty; pick into a new or empty folder")


def pick_documents(corpus: Path, n: int, seed: int, into: Path) -> Picked:
    """Copy `n` documents of `corpus`, chosen by `seed`, into `<into>/documents/` (their
    paths kept) and list them in `<into>/picked.txt`. Nothing is written when a check
    fails, and a failed copy leaves no partial folder."""
    if n < 1:
        raise ReviewError(f"--n must be at least 1 (got {n})")
    available = corpus_documents(corpus)
    if not available:
        raise ReviewError(f"{corpus}: no documents ({', '.join(sorted(MEDIA_TYPES))})")
    check_new_folder(into, corpus)
    chosen = choose(available, n, seed)
    into.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{into.name}.", dir=into.parent))
    try:
        for relative in chosen:
            target = staging / PICKED_FOLDER / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(corpus / relative, target)
        listing = [f"# {len(chosen)} of {len(available)} documents of {corpus}, seed {seed}"]
        (staging / PICKED_LIST).write_text("\n".join([*listing, *chosen]) + "\n", "utf-8")
        if into.is_dir():
            into.rmdir()
        os.replace(staging, into)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Picked(into / PICKED_FOLDER, into / PICKED_LIST, tuple(chosen), len(available))


# ------------------------------------------------------------------------ sample


def sample_positions(total: int, n: int, seed: int, table: str) -> list[int]:
    """Row positions sampled uniformly without replacement, in the order drawn."""
    return random.Random(f"{table}:{seed}").sample(range(total), min(n, total))


def _records(frame: pd.DataFrame, positions: list[int]) -> list[dict[str, str]]:
    picked = frame.iloc[positions]
    return [
        {column: cell(value) for column, value in record.items()}
        for record in picked.to_dict("records")
    ]


def _anchor(table: str, key: str, record: dict[str, str]) -> Anchor:
    return Anchor(
        record["doc_id"], record["sentence_id"], int(record["start_char"]),
        int(record["end_char"]), record["text"], f"{table} {record[key]}",
    )  # fmt: skip


def _lookup(frame: pd.DataFrame, key: str, ids: set[str]) -> dict[str, dict[str, str]]:
    """The records of `frame` whose `key` is one of `ids`, by that key."""
    wanted = frame[frame[key].isin(ids)]
    return {record[key]: record for record in _records(wanted, list(range(len(wanted))))}


Sampled = list[tuple[dict[str, str], list[Anchor]]]  # each row's fields and its anchors


def _mentions_of(
    published: Published, table: str, key: str, ids: list[str], rng: random.Random
) -> dict[str, list[Anchor]]:
    """Up to two random mentions of each id, in document order."""
    frame = published.table(table)
    wanted = frame[frame[key].isin(set(ids))]
    primary = primary_key(table)
    by_id: dict[str, list[dict[str, str]]] = {}
    for record in _records(wanted, list(range(len(wanted)))):
        by_id.setdefault(record[key], []).append(record)
    chosen: dict[str, list[Anchor]] = {}
    for item in ids:
        mentions = by_id.get(item, [])
        picks = sorted(rng.sample(range(len(mentions)), min(CONTEXTS_PER_ITEM, len(mentions))))
        chosen[item] = [_anchor(table, primary, mentions[index]) for index in picks]
    return chosen


def _entities(published: Published, positions: list[int], rng: random.Random) -> Sampled:
    records = _records(published.table("entities"), positions)
    ids = [record["entity_id"] for record in records]
    mentions = _mentions_of(published, "mentions", "entity_id", ids, rng)
    return [(record, mentions[record["entity_id"]]) for record in records]


def _mentions(published: Published, positions: list[int], rng: random.Random) -> Sampled:
    records = _records(published.table("mentions"), positions)
    ids = {record["entity_id"] for record in records}
    entities = _lookup(published.table("entities"), "entity_id", ids)
    rows: Sampled = []
    for record in records:
        entity = entities.get(record["entity_id"], {})
        fields = {
            **record,
            "entity_name": entity.get("name", ""),
            "entity_type": entity.get("type", ""),
            "entity_wikidata_id": entity.get("wikidata_id", ""),
            "entity_iso3": entity.get("iso3", ""),
        }
        rows.append((fields, [_anchor("mentions", "mention_id", record)]))
    return rows


def _treaty_names(published: Published) -> dict[str, str]:
    frame = published.table("treaties")
    return {cell(k): cell(v) for k, v in zip(frame["treaty_id"], frame["name"], strict=True)}


def _dates(published: Published, positions: list[int], rng: random.Random) -> Sampled:
    names = _treaty_names(published)
    return [
        (
            {**record, "treaty": names.get(record["treaty_id"], "")},
            [_anchor("dates", "date_id", record)],
        )
        for record in _records(published.table("dates"), positions)
    ]


def _treaties(published: Published, positions: list[int], rng: random.Random) -> Sampled:
    records = _records(published.table("treaties"), positions)
    ids = [record["treaty_id"] for record in records]
    mentions = _mentions_of(published, "treaty_mentions", "treaty_id", ids, rng)
    return [(record, mentions[record["treaty_id"]]) for record in records]


def _treaty_mentions(published: Published, positions: list[int], rng: random.Random) -> Sampled:
    names = _treaty_names(published)
    return [
        (
            {**record, "treaty": names.get(record["treaty_id"], "")},
            [_anchor("treaty_mentions", "treaty_mention_id", record)],
        )
        for record in _records(published.table("treaty_mentions"), positions)
    ]


def _recommendations(published: Published, positions: list[int], rng: random.Random) -> Sampled:
    return [
        (record, [_anchor("recommendations", "recommendation_id", record)])
        for record in _records(published.table("recommendations"), positions)
    ]


SAMPLERS: dict[str, Callable[[Published, list[int], random.Random], Sampled]] = {
    "entities": _entities,
    "mentions": _mentions,
    "dates": _dates,
    "treaties": _treaties,
    "treaty_mentions": _treaty_mentions,
    "recommendations": _recommendations,
}


def sheet_rows(published: Published, spec: SheetSpec, meta: SheetMeta, n: int) -> list[SheetRow]:
    """The sampled rows of one table, each with its fields and contexts."""
    positions = sample_positions(meta.total, n, meta.seed, spec.table)
    rng = random.Random(f"{spec.table}:{meta.seed}:contexts")
    sampled = SAMPLERS[spec.table](published, positions, rng)
    contexts = published.contexts(anchor for _, anchors in sampled for anchor in anchors)
    return [
        SheetRow(
            sample_id(meta, number, len(sampled)),
            {name: fields.get(name, "") for name in spec.fields},
            tuple(contexts[anchor] for anchor in anchors),
        )
        for number, (fields, anchors) in enumerate(sampled, start=1)
    ]


def tables_named(table: str) -> list[str]:
    """The tables `--table` names: one of REVIEW_TABLES, or all of them."""
    if table == "all":
        return list(REVIEW_TABLES)
    if table not in SPECS:
        choices = ", ".join(REVIEW_TABLES)
        raise ReviewError(f"--table {table}: not a reviewed table; use one of {choices}, or all")
    return [table]


@dataclass(frozen=True)
class WrittenSheet:
    table: str
    csv: Path
    html: Path
    rows: int
    total: int


def write_new_files(files: list[tuple[Path, bytes]]) -> None:
    """Write each file; an existing one is left alone when it holds exactly that content.
    Any other existing file is refused (it may hold a judge's verdicts), before anything
    is written."""
    for path, data in files:
        if path.exists() and not (path.is_file() and path.read_bytes() == data):
            raise ReviewError(
                f"{path}: already exists with other content (it may hold verdicts); "
                "write the sheets of a new round into a new --out folder"
            )
    for path, data in files:
        if path.exists():
            continue
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(data)
        os.replace(partial, path)


def write_sheets(
    data: Path, tables: list[str], n: int, seed: int, out: Path,
    guidelines: Path | None = GUIDELINES,
) -> list[WrittenSheet]:  # fmt: skip
    """Sample `n` rows of each table by `seed`; write `<out>/<table>-<seed>.csv` and
    `.html`, and a copy of the annotation guidelines beside them."""
    if n < 1:
        raise ReviewError(f"--n must be at least 1 (got {n})")
    if seed < 0:
        raise ReviewError(f"--seed must be 0 or more (got {seed})")
    if not data.is_dir():
        raise ReviewError(f"{data}: not a folder; run `briefdata run` first")
    published = Published(data)
    release = published.release()
    sheets: list[WrittenSheet] = []
    files: list[tuple[Path, bytes]] = []
    if guidelines is not None and guidelines.is_file():
        files.append((out / GUIDELINES_NAME, guidelines.read_bytes()))
    for table in tables:
        spec = SPECS[table]
        total = len(published.table(table))
        meta = SheetMeta(table, seed, str(data), release, total)
        rows = sheet_rows(published, spec, meta, n)
        sheet = WrittenSheet(
            table, out / f"{meta.stem}.csv", out / f"{meta.stem}.html", len(rows), total
        )
        # A byte-order mark: spreadsheet programs then read the CSV as UTF-8.
        files.append((sheet.csv, ("\ufeff" + render_csv(spec, meta, rows)).encode("utf-8")))
        files.append((sheet.html, render_html(spec, meta, rows).encode("utf-8")))
        sheets.append(sheet)
    out.mkdir(parents=True, exist_ok=True)
    write_new_files(files)
    return sheets
