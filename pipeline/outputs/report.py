"""One self-contained HTML report of a published dataset folder.

`render_report(folder)` reads the published CSVs and manifest.json and returns a single
HTML page with inline CSS, inline JavaScript and inline SVG charts (nothing fetched from
the network): a notice of the run's missing, failed and stale sources; for the corpus and
for each document, a timeline of dated events (each quoting its clause, the date
highlighted), the treaties, the recommendations by topic, the most mentioned entities and
an entity co-occurrence graph; a sortable entity table (type, aliases, Wikidata id, ISO
code, counts); the citations; the run's provenance (versions and release key). Every item
links to its sentence (`href="#<sentence_id>"`); each document's "Sentences" list holds
exactly the sentences something links to.

The output is deterministic (same folder, byte-identical HTML) and bounded for large
corpora: every list and chart is capped (see the constants below), with an "… and N more"
line. Shortened texts are cut at word boundaries.

    python -m pipeline.outputs.report data/processed     # writes data/processed/report.html
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from pipeline.release.schema import TABLES, columns, load_schema, read_table

TOP_ENTITIES = 30
GRAPH_NODES = 30
GRAPH_EDGES = 120
CORPUS_EVENTS = 60
TOPIC_ITEMS = 10
MENTION_LINKS = 5
COMPACT_ABOVE = 50  # documents: larger corpora get compact document sections
DOC_LINKS = 5
LABEL_CHARS = 30
NODE_LABEL_CHARS = 22
SNIPPET_CHARS = 240
CLAUSE_CHARS = 70  # context each side of a date in a timeline list
COMPACT_CLAUSE_CHARS = 40
CITATION_CLAUSE_CHARS = 100
ENTITY_ROWS = 200
ALIASES_SHOWN = 5
CITATION_ROWS = 100
GAP_ITEMS = 20
WIKIDATA = "https://www.wikidata.org/wiki/"
QID = re.compile(r"Q\d+")
READY_MARKER = "briefdata-report: ready"

TYPE_COLORS = {
    "PERSON": "#4e79a7",
    "ORG": "#f28e2b",
    "GPE": "#59a14f",
    "LOC": "#76b7b2",
    "NORP": "#edc948",
    "EVENT": "#b07aa1",
    "LAW": "#ff9da7",
    "WORK_OF_ART": "#9c755f",
}
OTHER_COLOR = "#bab0ac"
YEAR = re.compile(r"^(\d{4})")

Row = dict[str, str]


@dataclass(frozen=True)
class DocCaps:
    """How much each document section shows (the corpus sections have fixed caps)."""

    events: int
    recommendations: int
    snippet: int | None  # recommendation text cut to this many characters
    bars: int
    graph_nodes: int
    graph_edges: int
    timeline_chart: bool
    entity_chart: bool
    mention_links: int
    clause: int  # context each side of a date in the timeline list


FULL = DocCaps(40, 60, None, 10, 12, 30, True, True, MENTION_LINKS, CLAUSE_CHARS)
COMPACT = DocCaps(4, 4, 120, 5, 0, 0, False, False, 2, COMPACT_CLAUSE_CHARS)


def doc_caps(documents: int) -> DocCaps:
    """Full document sections for small corpora, compact ones past COMPACT_ABOVE documents."""
    return FULL if documents <= COMPACT_ABOVE else COMPACT


# ---------------------------------------------------------------- reading


def _read(folder: Path, table: str) -> list[Row]:
    """Rows of one table as dicts of strings ("" when missing); no file, no rows."""
    path = folder / f"{table}.csv"
    if not path.exists():
        return []
    frame = read_table(path)
    names = list(dict.fromkeys([*columns(table), *frame.columns]))
    values = [
        frame[name].fillna("").tolist() if name in frame.columns else [""] * len(frame)
        for name in names
    ]
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


@dataclass
class Corpus:
    """The published tables, indexed for the report."""

    documents: list[Row]
    sentences: dict[str, Row]
    entities: dict[str, Row]
    mentions: list[Row]
    dates: list[Row]
    treaties: dict[str, Row]
    treaty_mentions: list[Row]
    recommendations: list[Row]
    citations: list[Row]
    manifest: dict[str, Any] | None = None  # manifest.json; None when absent or unreadable

    @classmethod
    def read(cls, folder: Path) -> Corpus:
        tables = {table: _read(folder, table) for table in TABLES}
        documents = sorted(tables["documents"], key=lambda row: row["doc_id"])
        known = {row["doc_id"] for row in documents}
        return cls(
            documents=documents,
            sentences={
                row["sentence_id"]: row for row in tables["sentences"] if row["doc_id"] in known
            },
            entities={row["entity_id"]: row for row in tables["entities"]},
            mentions=_sorted(tables["mentions"], "mention_id", known),
            dates=_sorted(tables["dates"], "date_id", known),
            treaties={row["treaty_id"]: row for row in tables["treaties"]},
            treaty_mentions=_sorted(tables["treaty_mentions"], "treaty_mention_id", known),
            recommendations=_sorted(tables["recommendations"], "recommendation_id", known),
            citations=sorted(
                (row for row in tables["citations"] if row["citing_doc_id"] in known),
                key=lambda row: row["citation_id"],
            ),
            manifest=read_manifest(folder),
        )


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """manifest.json as a dict; None when it is absent, unreadable or not a JSON object."""
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _sorted(rows: list[Row], key: str, known_docs: set[str]) -> list[Row]:
    return sorted((row for row in rows if row["doc_id"] in known_docs), key=lambda r: r[key])


def _by_doc(rows: Iterable[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row["doc_id"]].append(row)
    return grouped


# ---------------------------------------------------------------- links


@dataclass
class Links:
    """Sentence links handed out so far; only linkable sentences get an <a>."""

    sentences: dict[str, Row]
    used: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def sentence(self, sentence_id: str, label: str, title: str = "") -> str:
        return self.wrap(sentence_id, escape(label), title)

    def wrap(self, sentence_id: str, inner_html: str, title: str = "", css: str = "") -> str:
        """`inner_html` linked to its sentence (left as it is when the sentence is unknown)."""
        row = self.sentences.get(sentence_id)
        if row is None:
            return inner_html
        self.used[row["doc_id"]].add(sentence_id)
        hint = f' title="{escape(title)}"' if title else ""
        cls = f' class="{css}"' if css else ""
        return f'<a{cls} href="#{escape(sentence_id)}"{hint}>{inner_html}</a>'

    def href(self, sentence_id: str) -> str | None:
        """The href of a sentence (recorded as used), or None when it is not in the report."""
        row = self.sentences.get(sentence_id)
        if row is None:
            return None
        self.used[row["doc_id"]].add(sentence_id)
        return f"#{escape(sentence_id)}"

    def numbered(self, sentence_ids: list[str], limit: int = MENTION_LINKS) -> str:
        """Links "1 2 3" to the first `limit` sentences, then "+N"."""
        shown = [
            self.sentence(sid, str(n), title=_where(self.sentences.get(sid)))
            for n, sid in enumerate(sentence_ids[:limit], start=1)
        ]
        more = _more_mark(len(sentence_ids) - limit, "sentence")
        return " ".join([*shown, more] if more else shown)


def _where(row: Row | None) -> str:
    if row is None:
        return ""
    parts = [f"p. {row['page']}" if row.get("page") else "", row.get("section", "")]
    return " · ".join(part for part in parts if part)


def _doc_anchor(doc_id: str) -> str:
    return f"doc-{doc_id}"


def _doc_link(doc_id: str) -> str:
    return f'<a href="#{escape(_doc_anchor(doc_id))}">{escape(doc_id)}</a>'


def _doc_links(doc_ids: list[str], known: set[str], limit: int = DOC_LINKS) -> str:
    shown = [_doc_link(d) if d in known else escape(d) for d in doc_ids[:limit]]
    more = _more_mark(len(doc_ids) - limit, "document")
    return ", ".join([*shown, more] if more else shown)


def _split(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(";") if item.strip()]


# ---------------------------------------------------------------- wording


def noun(count: int, singular: str, plural: str | None = None) -> str:
    """`singular` for one, else `plural` (default: `singular` + "s")."""
    return singular if count == 1 else plural or singular + "s"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """ "1 event", "18 events", "1,204 entities"."""
    return f"{count:,} {noun(count, singular, plural)}"


def _more(count: int, singular: str, plural: str | None = None, where: str = "") -> str:
    """ "… and 1 more event." or "… and 18 more events{where}." (nothing when count <= 0)."""
    if count <= 0:
        return ""
    what = noun(count, singular, plural)
    return f'<p class="muted more">… and {count:,} more {escape(what)}{escape(where)}.</p>'


def _more_mark(count: int, singular: str, plural: str | None = None) -> str:
    """ "+3" with the full wording as its tooltip (nothing when count <= 0)."""
    if count <= 0:
        return ""
    title = f"{count:,} more {noun(count, singular, plural)}"
    return f'<span class="muted" title="{escape(title)}">+{count:,}</span>'


# ---------------------------------------------------------------- shortening

TRAILING = " \t\n\r\f\v\xa0,;:([{/–—-"  # not left at the end of a shortened text
LEADING = " \t\n\r\f\v\xa0,;:)]}/–—-."  # not left at the start of a text's tail


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word boundary, "…" marking the cut.

    Words are never split: a first word longer than `limit` is kept whole.
    """
    text = text.strip()
    if len(text) <= limit:
        return text
    head = leading_words(text, limit - 1) or text.split(None, 1)[0]
    return text if head == text else head + "…"


def leading_words(text: str, limit: int) -> str:
    """The longest run of whole words that starts `text` and fits in `limit` characters
    ("" when the first word alone is longer)."""
    if len(text) <= limit:
        return text
    end = max(limit, 0)
    while end > 0 and not text[end].isspace():
        end -= 1
    return text[:end].rstrip(TRAILING)


def trailing_words(text: str, limit: int) -> str:
    """The longest run of whole words that ends `text` and fits in `limit` characters
    ("" when the last word alone is longer)."""
    if len(text) <= limit:
        return text
    start = len(text) - max(limit, 0) - 1
    while start < len(text) and not text[start].isspace():
        start += 1
    return text[start + 1 :].lstrip(LEADING)


@dataclass(frozen=True)
class Clause:
    """The words around a highlighted span of a sentence, cut at word boundaries."""

    before: str
    hit: str
    after: str
    cut_before: bool
    cut_after: bool

    def html(self) -> str:
        return (
            f"{'…' if self.cut_before else ''}{escape(self.before)}"
            f"<mark>{escape(self.hit)}</mark>"
            f"{escape(self.after)}{'…' if self.cut_after else ''}"
        )


def clause(sentence: str, start: int, end: int, width: int) -> Clause:
    """sentence[start:end] with at most `width` characters of whole words on each side."""
    before, after = sentence[:start], sentence[end:]
    left = trailing_words(before, width)
    right = leading_words(after, width)
    return Clause(
        before=left.lstrip(),
        hit=sentence[start:end],
        after=right.rstrip(),
        cut_before=_has_words(before[: len(before) - len(left)]),
        cut_after=_has_words(after[len(right) :]),
    )


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def span_in_sentence(sentence: Row, start_char: int, end_char: int, text: str) -> tuple[int, int]:
    """Where `text` (at document offsets start_char:end_char) sits in the sentence's text:
    at those offsets when they agree, else its first occurrence; (-1, -1) when absent."""
    body = sentence["text"]
    start = start_char - _int(sentence["start_char"])
    end = end_char - _int(sentence["start_char"])
    if text and 0 <= start <= end <= len(body) and body[start:end] == text:
        return start, end
    found = body.find(text) if text else -1
    return (found, found + len(text)) if found >= 0 else (-1, -1)


def quote_html(sentence: Row | None, start_char: int, end_char: int, text: str, width: int) -> str:
    """The clause around `text` in its sentence, highlighted ("" when it cannot be placed)."""
    if sentence is None:
        return ""
    start, end = span_in_sentence(sentence, start_char, end_char, text)
    if start < 0:
        return ""
    return clause(sentence["text"], start, end, width).html()


# ---------------------------------------------------------------- timeline


@dataclass(frozen=True)
class Event:
    year: int
    sort_key: str
    label: str
    kind: str  # "date", "treaty" (a date linked to a treaty) or "signing"
    sentence_id: str
    detail: str
    mark: str = ""  # the text highlighted in the sentence: the date, or the treaty's mention
    start_char: int = -1  # document offsets of `mark`
    end_char: int = -1


def _year(value: str) -> int | None:
    match = YEAR.match(value or "")
    return int(match.group(1)) if match else None


def date_events(dates: Iterable[Row], treaties: dict[str, Row]) -> list[Event]:
    """Dates of kind `date` with a year; those with a treaty_id are kind "treaty"."""
    events = []
    for row in dates:
        year = _year(row["start"]) or _year(row["value"])
        if row["kind"] != "date" or year is None:
            continue
        treaty = treaties.get(row["treaty_id"], {}).get("name", row["treaty_id"])
        events.append(
            Event(
                year=year,
                sort_key=f"{row['start'] or row['value']}|{row['date_id']}",
                label=row["text"],
                kind="treaty" if row["treaty_id"] else "date",
                sentence_id=row["sentence_id"],
                detail=treaty,
                mark=row["text"],
                start_char=_int(row["start_char"]),
                end_char=_int(row["end_char"]),
            )
        )
    return events


def signing_events(treaties: dict[str, Row], first_mention: dict[str, Row]) -> list[Event]:
    """One event per treaty with a signing year, quoting its first mention."""
    events = []
    for treaty_id, row in sorted(treaties.items()):
        year = _year(row["signed"])
        mention = first_mention.get(treaty_id)
        if year is None or mention is None:
            continue
        events.append(
            Event(
                year=year,
                sort_key=f"{row['signed']}|{treaty_id}",
                label=f"{row['name']} signed",
                kind="signing",
                sentence_id=mention["sentence_id"],
                detail=row["signed"],
                mark=mention["text"],
                start_char=_int(mention["start_char"]),
                end_char=_int(mention["end_char"]),
            )
        )
    return events


def _ticks(first: int, last: int, most: int = 12) -> list[int]:
    span = max(1, last - first)
    steps = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 10**6)
    step = next(s for s in steps if span / s <= most)
    return list(range(math.ceil(first / step) * step, last + 1, step))


def timeline_svg(events: list[Event], links: Links, width: int = 1100) -> str:
    """Events per year as stacked bars (dates, treaty dates) with diamonds for signings."""
    if not events:
        return '<p class="empty">No dated events.</p>'
    left, right, top, height = 36, 24, 34, 170
    base = height - 34
    first = min(e.year for e in events) - 1
    last = max(e.year for e in events) + 1
    step = (width - left - right) / (last - first)

    def x(year: int) -> float:
        return left + (year - first) * step

    bars = [e for e in events if e.kind != "signing"]
    per_year: dict[int, list[Event]] = defaultdict(list)
    for event in sorted(bars, key=lambda e: e.sort_key):
        per_year[event.year].append(event)
    most = max((len(v) for v in per_year.values()), default=1)
    bar_w = max(2.0, min(14.0, step * 0.8))
    parts = [
        f'<svg class="chart timeline" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="Timeline of dated events">',
        f'<line class="axis" x1="{left}" y1="{base}" x2="{width - right}" y2="{base}"/>',
    ]
    for tick in _ticks(first, last):
        parts.append(
            f'<line class="tick" x1="{x(tick):.1f}" y1="{base}" x2="{x(tick):.1f}" '
            f'y2="{base + 5}"/><text class="tick-label" x="{x(tick):.1f}" y="{base + 18}" '
            f'text-anchor="middle">{tick}</text>'
        )
    for year, year_events in sorted(per_year.items()):
        parts.append(_year_bar(year, year_events, x(year) - bar_w / 2, bar_w, base, most, links))
    parts += _signing_marks(events, x, top, links)
    parts.append(_timeline_legend(width - right, 14))
    parts.append("</svg>")
    return "".join(parts)


def _year_bar(
    year: int, events: list[Event], x0: float, bar_w: float, base: int, most: int, links: Links
) -> str:
    scale = 86 / most
    linked = sum(1 for e in events if e.kind == "treaty")
    plain = len(events) - linked
    title = f"{year}: {counted(len(events), 'date')}, {linked} linked to a treaty"
    shapes = []
    y = float(base)
    for count, css in ((plain, "date"), (linked, "treaty")):
        if count:
            h = max(3.0, count * scale)
            y -= h
            shapes.append(
                f'<rect class="ev-{css}" x="{x0:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}"/>'
            )
    body = f"<title>{escape(title)}</title>{''.join(shapes)}"
    return _linked(body, links.href(events[0].sentence_id))


def _signing_marks(events: list[Event], x, top: int, links: Links) -> list[str]:
    stacks: Counter[int] = Counter()
    marks = []
    for event in sorted((e for e in events if e.kind == "signing"), key=lambda e: e.sort_key):
        cx, cy = x(event.year), top + 12 * min(stacks[event.year], 4)
        stacks[event.year] += 1
        diamond = (
            f'<path class="ev-signing" d="M{cx:.1f} {cy - 6} L{cx + 6:.1f} {cy} '
            f'L{cx:.1f} {cy + 6} L{cx - 6:.1f} {cy} Z"/>'
        )
        body = f"<title>{escape(f'{event.label} ({event.detail})')}</title>{diamond}"
        marks.append(_linked(body, links.href(event.sentence_id)))
    return marks


def _timeline_legend(right: int, y: int) -> str:
    items = (
        ("ev-date", "date"),
        ("ev-treaty", "date linked to a treaty"),
        ("ev-signing", "signed"),
    )
    parts, x = [], right - sum(30 + 6 * len(label) for _, label in items)
    for css, label in items:
        parts.append(
            f'<rect class="{css}" x="{x}" y="{y - 9}" width="10" height="10"/>'
            f'<text class="legend" x="{x + 14}" y="{y}">{escape(label)}</text>'
        )
        x += 30 + 6 * len(label)
    return "".join(parts)


def events_list(
    events: list[Event],
    links: Links,
    limit: int,
    show_doc: bool = False,
    width: int = CLAUSE_CHARS,
) -> str:
    """The first `limit` events in date order, each quoting its clause (`width` characters
    of context each side of the date) linked to its sentence."""
    if not events:
        return ""
    ordered = sorted(events, key=lambda e: (e.sort_key, e.kind))
    items = "".join(_event_item(event, links, show_doc, width) for event in ordered[:limit])
    return f'<ol class="events">{items}</ol>{_more(len(ordered) - limit, "event")}'


def _event_item(event: Event, links: Links, show_doc: bool, width: int) -> str:
    """Year, then the clause with the date highlighted (a signing: "X signed", its date and
    the clause naming the treaty), the treaty a date belongs to, and the document."""
    sentence = links.sentences.get(event.sentence_id)
    quote = quote_html(sentence, event.start_char, event.end_char, event.mark, width)
    tag = f' <span class="tag tag-{event.kind}">{escape(event.detail)}</span>'
    parts = [f'<span class="year">{event.year}</span> ']
    if event.kind == "signing":
        parts.append(f'<b class="signed">{escape(event.label)}</b>{tag}')
        if quote:
            parts.append(" " + links.wrap(event.sentence_id, quote, _where(sentence), "clause"))
    else:
        parts.append(
            links.wrap(event.sentence_id, quote, _where(sentence), "clause")
            if quote
            else links.sentence(event.sentence_id, event.label)
        )
        parts.append(tag if event.detail else "")
    if show_doc and sentence is not None:
        parts.append(f" · {_doc_link(sentence['doc_id'])}")
    return f'<li class="ev ev-{event.kind}-item">{"".join(parts)}</li>'


# ---------------------------------------------------------------- treaties


@dataclass
class TreatyUse:
    """How one treaty is mentioned in a scope (the corpus or one document)."""

    row: Row
    sentence_ids: list[str]
    count: int
    documents: list[str]


def treaty_uses(
    treaties: dict[str, Row], mentions: list[Row], corpus_counts: bool = True
) -> list[TreatyUse]:
    """The treaties mentioned in `mentions` (all treaties for the corpus), by name."""
    sentence_ids: dict[str, list[str]] = defaultdict(list)
    docs: dict[str, set[str]] = defaultdict(set)
    for row in mentions:
        sentence_ids[row["treaty_id"]].append(row["sentence_id"])
        docs[row["treaty_id"]].add(row["doc_id"])
    chosen = treaties if corpus_counts else {t: treaties[t] for t in sentence_ids if t in treaties}
    uses = []
    for treaty_id, row in chosen.items():
        count = int(row["mentions"] or 0) if corpus_counts else len(sentence_ids[treaty_id])
        documents = _split(row["documents"]) if corpus_counts else sorted(docs[treaty_id])
        uses.append(TreatyUse(row, _unique(sentence_ids[treaty_id]), count, sorted(documents)))
    return sorted(uses, key=lambda u: (u.row["name"].casefold(), u.row["treaty_id"]))


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def treaties_table(
    uses: list[TreatyUse], links: Links, known: set[str], mention_links: int = MENTION_LINKS
) -> str:
    """Name, kind, parties, signed, mentions (linked to sentences) and documents."""
    if not uses:
        return '<p class="empty">No treaties.</p>'
    head = (
        "<tr><th>Treaty</th><th>Kind</th><th>Parties</th><th>Signed</th>"
        "<th>Mentions</th><th>Documents</th></tr>"
    )
    rows = "".join(_treaty_row(use, links, known, mention_links) for use in uses)
    return f'<table class="data"><thead>{head}</thead><tbody>{rows}</tbody></table>'


def _treaty_row(use: TreatyUse, links: Links, known: set[str], mention_links: int) -> str:
    row = use.row
    aliases = f' title="{escape("Also: " + row["aliases"])}"' if row["aliases"] else ""
    status = f' <span class="muted">({escape(row["status"])})</span>' if row["status"] else ""
    return (
        f"<tr><td><span{aliases}>{escape(row['name'])}</span>{status}</td>"
        f"<td>{escape(row['kind'])}</td>"
        f"<td>{escape(', '.join(_split(row['parties'])))}</td>"
        f'<td class="nowrap">{escape(row["signed"])}</td>'
        f'<td>{use.count} <span class="links">'
        f"{links.numbered(use.sentence_ids, mention_links)}</span></td>"
        f"<td>{_doc_links(use.documents, known)}</td></tr>"
    )


# ---------------------------------------------------------------- recommendations


def _topics() -> list[str]:
    spec = {f["name"]: f for f in load_schema("recommendations")["fields"]}
    return list(spec["topic"]["constraints"]["enum"])


def _modalities() -> list[str]:
    spec = {f["name"]: f for f in load_schema("recommendations")["fields"]}
    return list(spec["modality"]["constraints"]["enum"])


def _by_topic(recommendations: list[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in recommendations:
        grouped[row["topic"]].append(row)
    order = _topics()
    return dict(sorted(grouped.items(), key=lambda kv: (_rank(order, kv[0]), kv[0])))


def _topic_label(topic: str) -> str:
    return "AI" if topic == "ai" else topic.capitalize()


def _rank(order: list[str], value: str) -> int:
    return order.index(value) if value in order else len(order)


def topic_matrix(recommendations: list[Row]) -> str:
    """Counts of recommendations per topic (rows) and modality (columns)."""
    if not recommendations:
        return ""
    counts = Counter((row["topic"], row["modality"]) for row in recommendations)
    modalities = [m for m in _modalities() if any(k[1] == m for k in counts)]
    most = max(counts.values())
    head = "".join(f"<th>{escape(m)}</th>" for m in modalities)
    body = []
    for topic, rows in _by_topic(recommendations).items():
        cells = "".join(_heat_cell(counts.get((topic, m), 0), most) for m in modalities)
        body.append(
            f'<tr><th><a href="#rec-{escape(topic)}">{escape(_topic_label(topic))}</a></th>'
            f"{cells}"
            f"<td><b>{len(rows)}</b></td></tr>"
        )
    return (
        f'<table class="data matrix"><thead><tr><th>topic</th>{head}<th>total</th></tr>'
        f"</thead><tbody>{''.join(body)}</tbody></table>"
    )


def _heat_cell(count: int, most: int) -> str:
    if not count:
        return '<td class="muted">·</td>'
    alpha = 0.12 + 0.6 * count / most
    return f'<td style="background:rgba(78,121,167,{alpha:.2f})">{count}</td>'


def recommendations_html(
    recommendations: list[Row],
    links: Links,
    limit: int,
    anchors: bool = False,
    show_doc: bool = False,
    snippet: int | None = None,
) -> str:
    """Recommendations grouped by topic, each with proposer, addressee and modality.

    `show_doc` adds a link to the document; `snippet` cuts long texts (the full text is
    in the linked sentence).
    """
    if not recommendations:
        return '<p class="empty">No recommendations.</p>'
    parts = []
    for topic, rows in _by_topic(recommendations).items():
        anchor = f' id="rec-{escape(topic)}"' if anchors else ""
        items = "".join(_recommendation_item(row, links, show_doc, snippet) for row in rows[:limit])
        parts.append(
            f"<h4{anchor}>{escape(_topic_label(topic))} "
            f'<span class="muted">({len(rows)})</span></h4>'
            f'<ul class="recs">{items}</ul>{_more(len(rows) - limit, "recommendation")}'
        )
    return "".join(parts)


def _recommendation_item(row: Row, links: Links, show_doc: bool, snippet: int | None) -> str:
    addressee = f" → {escape(row['addressee'])}" if row["addressee"] else ""
    doc = f" · {_doc_link(row['doc_id'])}" if show_doc else ""
    sentence_id = row["sentence_id"]
    where = _where(links.sentences.get(sentence_id))
    return (
        f'<li><span class="modality">{escape(row["modality"])}</span> '
        f"{escape(shorten(row['text'], snippet) if snippet else row['text'])}"
        f'<div class="meta">{escape(row["proposer"]) or "<i>unknown</i>"}{addressee}'
        f"{doc} · {links.sentence(sentence_id, 'sentence', where)}"
        f"</div></li>"
    )


# ---------------------------------------------------------------- entities


@dataclass
class EntityStats:
    """Mention counts, first sentence and co-mentions of the entities in one scope."""

    counts: Counter[str]
    first_sentence: dict[str, str]
    sentences: dict[str, list[str]]  # sentence_id -> entity ids, in reading order

    @classmethod
    def of(cls, mentions: Iterable[Row]) -> EntityStats:
        counts: Counter[str] = Counter()
        first: dict[str, str] = {}
        per_sentence: dict[str, list[str]] = defaultdict(list)
        for row in mentions:
            entity_id, sentence_id = row["entity_id"], row["sentence_id"]
            counts[entity_id] += 1
            first.setdefault(entity_id, sentence_id)
            per_sentence[sentence_id].append(entity_id)
        return cls(counts, first, per_sentence)

    def top(self, entities: dict[str, Row], limit: int) -> list[str]:
        def key(entity_id: str) -> tuple[int, str, str]:
            name = entities.get(entity_id, {}).get("name", entity_id)
            return (-self.counts[entity_id], name.casefold(), entity_id)

        return sorted(self.counts, key=key)[:limit]

    def edges(self, nodes: list[str], limit: int) -> list[tuple[str, str, int, str]]:
        """(a, b, sentences together, first such sentence) for the heaviest pairs of nodes."""
        chosen = set(nodes)
        weight: Counter[tuple[str, str]] = Counter()
        first: dict[tuple[str, str], str] = {}
        for sentence_id, entity_ids in self.sentences.items():
            present = sorted(set(entity_ids) & chosen)
            for i, a in enumerate(present):
                for b in present[i + 1 :]:
                    weight[(a, b)] += 1
                    first.setdefault((a, b), sentence_id)
        ranked = sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [(a, b, w, first[(a, b)]) for (a, b), w in ranked]


def _entity_title(name: str, kind: str, count: int) -> str:
    return f"{name} ({kind or '?'}): {counted(count, 'mention')}"


def _entity(entities: dict[str, Row], entity_id: str) -> tuple[str, str]:
    row = entities.get(entity_id, {})
    return row.get("name", entity_id) or entity_id, row.get("type", "")


def entity_bars_svg(
    stats: EntityStats, top: list[str], entities: dict[str, Row], links: Links, width: int = 620
) -> str:
    """Horizontal bars of the most mentioned entities, each linked to its first mention."""
    if not top:
        return '<p class="empty">No entity mentions.</p>'
    row_h, label_w, pad = 20, 240, 8
    height = pad * 2 + row_h * len(top)
    most = stats.counts[top[0]]
    scale = (width - label_w - 50) / most
    parts = [
        f'<svg class="chart bars" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="Most mentioned entities">'
    ]
    for i, entity_id in enumerate(top):
        name, kind = _entity(entities, entity_id)
        y = pad + i * row_h
        count = stats.counts[entity_id]
        body = (
            f"<title>{escape(_entity_title(name, kind, count))}</title>"
            f'<text class="bar-label" x="{label_w - 6}" y="{y + 14}" text-anchor="end">'
            f"{escape(shorten(name, LABEL_CHARS))}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{max(1.0, count * scale):.1f}" height="14" '
            f'fill="{TYPE_COLORS.get(kind, OTHER_COLOR)}"/>'
            f'<text class="bar-value" x="{label_w + count * scale + 4:.1f}" y="{y + 14}">'
            f"{count}</text>"
        )
        parts.append(_linked(body, links.href(stats.first_sentence[entity_id])))
    parts.append("</svg>")
    return "".join(parts)


def entity_list(stats: EntityStats, entities: dict[str, Row], links: Links, limit: int) -> str:
    """The most mentioned entities as one line of links (compact document sections)."""
    top = stats.top(entities, limit)
    if not top:
        return '<p class="empty">No entity mentions.</p>'
    items = " · ".join(
        f"{links.sentence(stats.first_sentence[e], _entity(entities, e)[0])} "
        f'<span class="muted">{stats.counts[e]}</span>'
        for e in top
    )
    return f'<p class="entity-list">{items}</p>'


def type_legend(types: Iterable[str]) -> str:
    items = "".join(
        f'<span class="swatch" style="background:{TYPE_COLORS.get(t, OTHER_COLOR)}"></span>'
        f"{escape(t or '?')} "
        for t in sorted(set(types))
    )
    return f'<p class="legend">{items}</p>' if items else ""


def cooccurrence_svg(
    stats: EntityStats,
    nodes: list[str],
    entities: dict[str, Row],
    links: Links,
    max_edges: int,
    radius: int = 220,
) -> str:
    """Entities co-mentioned in a sentence: a circular layout grouped by type, edges by weight.

    Nodes sit on a circle, grouped by entity type (then by mentions), sized by mentions;
    an edge's width grows with the number of sentences mentioning both ends.
    """
    edges = stats.edges(nodes, max_edges)
    if len(nodes) < 2 or not edges:
        return '<p class="empty">No entities mentioned together in a sentence.</p>'
    ordered = sorted(nodes, key=lambda e: (_entity(entities, e)[1], nodes.index(e)))
    margin = 140
    width = height = 2 * (radius + margin)
    center = (width / 2, height / 2)
    angle = {e: 2 * math.pi * i / len(ordered) - math.pi / 2 for i, e in enumerate(ordered)}
    position = {e: _polar(center, radius, a) for e, a in angle.items()}
    parts = [
        f'<svg class="chart graph" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="Entity co-occurrence graph">'
    ]
    heaviest = edges[0][2]
    for a, b, weight, sentence_id in edges:
        pair = f"{_entity(entities, a)[0]} — {_entity(entities, b)[0]}"
        title = f"{pair}: {counted(weight, 'sentence')}"
        parts.append(
            _edge(
                position[a],
                position[b],
                center,
                1 + 5 * weight / heaviest,
                title,
                links.href(sentence_id),
            )
        )
    most = max(stats.counts[e] for e in ordered)
    for entity_id in ordered:
        parts.append(
            _node(entities, stats, entity_id, center, radius, angle[entity_id], most, links)
        )
    parts.append("</svg>")
    return "".join(parts)


def _polar(center: tuple[float, float], radius: float, angle: float) -> tuple[float, float]:
    return center[0] + radius * math.cos(angle), center[1] + radius * math.sin(angle)


def _linked(body: str, href: str | None) -> str:
    return f'<a href="{href}">{body}</a>' if href else f"<g>{body}</g>"


def _edge(
    start: tuple[float, float],
    end: tuple[float, float],
    center: tuple[float, float],
    stroke: float,
    title: str,
    href: str | None,
) -> str:
    """A quadratic curve bent toward the center, so parallel chords stay apart."""
    (x1, y1), (x2, y2) = start, end
    cx, cy = (x1 + x2 + 2 * center[0]) / 4, (y1 + y2 + 2 * center[1]) / 4
    body = (
        f"<title>{escape(title)}</title>"
        f'<path class="edge" d="M{x1:.1f} {y1:.1f} Q{cx:.1f} {cy:.1f} {x2:.1f} {y2:.1f}" '
        f'stroke-width="{stroke:.1f}"/>'
    )
    return _linked(body, href)


def _node(
    entities: dict[str, Row],
    stats: EntityStats,
    entity_id: str,
    center: tuple[float, float],
    radius: float,
    angle: float,
    most: int,
    links: Links,
) -> str:
    """A node and its radial label (flipped on the left half so it reads left to right)."""
    name, kind = _entity(entities, entity_id)
    x, y = _polar(center, radius, angle)
    count = stats.counts[entity_id]
    r = 4 + 8 * math.sqrt(count / most)
    lx, ly = _polar(center, radius + r + 5, angle)
    degrees = math.degrees(angle)
    left = math.cos(angle) < -1e-9
    rotate = degrees + 180 if left else degrees
    body = (
        f"<title>{escape(_entity_title(name, kind, count))}</title>"
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" '
        f'fill="{TYPE_COLORS.get(kind, OTHER_COLOR)}"/>'
        f'<text class="node-label" x="{lx:.1f}" y="{ly:.1f}" dy="0.35em" '
        f'text-anchor="{"end" if left else "start"}" '
        f'transform="rotate({rotate:.1f} {lx:.1f} {ly:.1f})">'
        f"{escape(shorten(name, NODE_LABEL_CHARS))}</text>"
    )
    return _linked(body, links.href(stats.first_sentence[entity_id]))


def entities_html(
    stats: EntityStats,
    entities: dict[str, Row],
    links: Links,
    bars: int,
    nodes: int,
    edges: int,
    radius: int,
) -> tuple[str, str]:
    """(bar chart with legend, co-occurrence graph) for one scope."""
    top = stats.top(entities, bars)
    graph_nodes = stats.top(entities, nodes)
    legend = type_legend(_entity(entities, e)[1] for e in _unique([*top, *graph_nodes]))
    chart = entity_bars_svg(stats, top, entities, links) + legend
    if not nodes:
        return chart, ""
    return chart, cooccurrence_svg(stats, graph_nodes, entities, links, edges, radius)


# ---------------------------------------------------------------- sentences and documents


def sentences_html(sentence_ids: set[str], sentences: dict[str, Row]) -> str:
    """The linked sentences of one document, in reading order, each an anchor."""
    if not sentence_ids:
        return '<p class="empty">No linked sentences.</p>'
    ordered = sorted(sentence_ids, key=lambda s: (_int(sentences[s]["start_char"]), s))
    items = []
    for sentence_id in ordered:
        row = sentences[sentence_id]
        sid = escape(sentence_id)
        short = escape(sentence_id.rsplit(":", 1)[-1])
        where = _where(row)
        where_html = f'<span class="where">{escape(where)}</span> ' if where else ""
        items.append(
            f'<li id="{sid}"><a class="sid" href="#{sid}">{short}</a> {where_html}'
            f"{escape(row['text'])}</li>"
        )
    return f'<ol class="sentences">{"".join(items)}</ol>'


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


@dataclass
class Index:
    """Rows grouped for the report: per document, first mentions, counts."""

    corpus: Corpus
    known: set[str]
    mentions: dict[str, list[Row]]
    dates: dict[str, list[Row]]
    treaty_mentions: dict[str, list[Row]]
    recommendations: dict[str, list[Row]]
    sentence_counts: Counter[str]
    first_treaty_mention: dict[str, Row]

    @classmethod
    def of(cls, corpus: Corpus) -> Index:
        first: dict[str, Row] = {}
        for row in corpus.treaty_mentions:
            first.setdefault(row["treaty_id"], row)
        return cls(
            corpus=corpus,
            known={row["doc_id"] for row in corpus.documents},
            mentions=_by_doc(corpus.mentions),
            dates=_by_doc(corpus.dates),
            treaty_mentions=_by_doc(corpus.treaty_mentions),
            recommendations=_by_doc(corpus.recommendations),
            sentence_counts=Counter(row["doc_id"] for row in corpus.sentences.values()),
            first_treaty_mention=first,
        )

    def doc_events(self, doc_id: str) -> list[Event]:
        corpus = self.corpus
        first: dict[str, Row] = {}
        for row in self.treaty_mentions.get(doc_id, []):
            first.setdefault(row["treaty_id"], row)
        treaties = {t: corpus.treaties[t] for t in first if t in corpus.treaties}
        return date_events(self.dates.get(doc_id, []), corpus.treaties) + signing_events(
            treaties, first
        )

    def corpus_events(self) -> list[Event]:
        corpus = self.corpus
        return date_events(corpus.dates, corpus.treaties) + signing_events(
            corpus.treaties, self.first_treaty_mention
        )


def _section(anchor: str, title: str, body: str, level: int = 2) -> str:
    return f'<section id="{anchor}"><h{level}>{escape(title)}</h{level}>{body}</section>'


def _sub(title: str, body: str) -> str:
    return f"<h3>{escape(title)}</h3>{body}"


def document_html(document: Row, index: Index, links: Links, caps: DocCaps = FULL) -> str:
    """One collapsible document: its timeline, treaties, recommendations, entities, sentences."""
    doc_id = document["doc_id"]
    corpus = index.corpus
    events = index.doc_events(doc_id)
    treaty_rows = index.treaty_mentions.get(doc_id, [])
    recommendations = index.recommendations.get(doc_id, [])
    timeline = timeline_svg(events, links) if caps.timeline_chart or not events else ""
    uses = treaty_uses(corpus.treaties, treaty_rows, corpus_counts=False)
    body = "".join(
        [
            _document_meta(document, index),
            _sub(
                "Timeline",
                timeline + events_list(events, links, caps.events, width=caps.clause),
            ),
            _sub("Treaties", treaties_table(uses, links, index.known, caps.mention_links)),
            _sub(
                "Recommendations",
                recommendations_html(
                    recommendations[: caps.recommendations],
                    links,
                    caps.recommendations,
                    snippet=caps.snippet,
                )
                + _more(len(recommendations) - caps.recommendations, "recommendation"),
            ),
            _sub("Entities", _document_entities(doc_id, index, links, caps)),
        ]
    )
    sentences = _sub("Sentences", sentences_html(links.used.get(doc_id, set()), links.sentences))
    summary = _document_summary(document, len(events), len(treaty_rows), len(recommendations))
    return (
        f'<details class="doc" id="{escape(_doc_anchor(doc_id))}">'
        f'<summary>{summary}</summary><div class="doc-body">{body}{sentences}</div></details>'
    )


def _document_entities(doc_id: str, index: Index, links: Links, caps: DocCaps) -> str:
    stats = EntityStats.of(index.mentions.get(doc_id, []))
    entities = index.corpus.entities
    if not caps.entity_chart:
        note = (
            f'<p class="muted">Charts and graphs per document are left out for corpora of more '
            f"than {COMPACT_ABOVE} documents: see the corpus sections.</p>"
        )
        return entity_list(stats, entities, links, caps.bars) + note
    bars, graph = entities_html(
        stats, entities, links, caps.bars, caps.graph_nodes, caps.graph_edges, 130
    )
    return f'<div class="two"><div>{bars}</div><div>{graph}</div></div>'


def _document_summary(document: Row, events: int, treaties: int, recommendations: int) -> str:
    byline = " · ".join(
        escape(part)
        for part in (document["authors"], document["publisher"], document["published"])
        if part
    )
    counts = " · ".join(
        (
            counted(events, "dated event"),
            counted(treaties, "treaty mention"),
            counted(recommendations, "recommendation"),
        )
    )
    stale = ' <span class="tag tag-stale">stale</span>' if document["status"] == "stale" else ""
    return (
        f'<span class="doc-title">{escape(document["title"] or document["doc_id"])}</span>{stale}'
        f'<span class="byline">{byline}</span><span class="counts">{counts}</span>'
    )


def _document_meta(document: Row, index: Index) -> str:
    parts = [f"<code>{escape(document['doc_id'])}</code>"]
    url = document["source_url"]
    if url.startswith(("https://", "http://")):
        parts.append(f'<a href="{escape(url)}" rel="noopener">source</a>')
    if document["license"]:
        parts.append(escape(document["license"]))
    if document["pages"]:
        parts.append(f"{escape(document['pages'])} pages")
    parts.append(f"{escape(document['words'] or '0')} words")
    parts.append(f"{index.sentence_counts.get(document['doc_id'], 0)} sentences")
    return f'<p class="meta">{" · ".join(parts)}</p>'


# ---------------------------------------------------------------- entity table


def entity_table(
    entities: dict[str, Row],
    first_sentence: dict[str, str],
    links: Links,
    known: set[str],
    limit: int = ENTITY_ROWS,
) -> str:
    """Every entity (the `limit` most mentioned) with its type, aliases, Wikidata id, ISO
    code, mention and document counts; the name links to its first mention."""
    if not entities:
        return '<p class="empty">No entities.</p>'
    ranked = sorted(
        entities.values(),
        key=lambda row: (-_int(row["mentions"]), row["name"].casefold(), row["entity_id"]),
    )
    columns = (
        ("Entity", "text"),
        ("Type", "text"),
        ("Aliases", "text"),
        ("Wikidata", "text"),
        ("ISO alpha-3", "text"),
        ("Mentions", "number"),
        ("Documents", "number"),
    )
    head = "".join(_sort_head(label, kind, label == "Mentions") for label, kind in columns)
    rows = "".join(_entity_row(row, first_sentence, links, known) for row in ranked[:limit])
    intro = (
        f'<p class="muted">{counted(len(ranked), "entity", "entities")}, most mentioned first; '
        "select a column heading to sort by it.</p>"
    )
    table = (
        f'<table class="data sortable"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    )
    more = _more(len(ranked) - limit, "entity", "entities", where=" (all are in entities.csv)")
    return intro + table + more


def _sort_head(label: str, kind: str, descending: bool = False) -> str:
    state = ' aria-sort="descending"' if descending else ""
    return (
        f'<th data-type="{kind}"{state}><button type="button" class="sort">'
        f"{escape(label)}</button></th>"
    )


def _entity_row(row: Row, first_sentence: dict[str, str], links: Links, known: set[str]) -> str:
    name = row["name"] or row["entity_id"]
    first = first_sentence.get(row["entity_id"])
    label = links.sentence(first, name, "first mention") if first else escape(name)
    documents = _split(row["documents"])
    mentions = _int(row["mentions"])
    return (
        f"<tr><td>{label}</td><td>{escape(row['type'])}</td>"
        f"<td>{_aliases(row['aliases'])}</td><td>{_wikidata(row['wikidata_id'])}</td>"
        f"<td>{escape(row['iso3'])}</td>"
        f'<td class="num" data-sort="{mentions}">{mentions:,}</td>'
        f'<td class="num" data-sort="{len(documents)}">{len(documents):,} '
        f'<span class="links">{_doc_links(documents, known, 3)}</span></td></tr>'
    )


def _aliases(cell: str, limit: int = ALIASES_SHOWN) -> str:
    """The first `limit` aliases, then "and 1 more alias" / "and 3 more aliases"."""
    aliases = _split(cell)
    shown = escape(", ".join(aliases[:limit]))
    rest = len(aliases) - limit
    if rest <= 0:
        return shown
    return f'{shown} <span class="muted">and {rest:,} more {noun(rest, "alias", "aliases")}</span>'


def _wikidata(qid: str) -> str:
    if QID.fullmatch(qid):
        return f'<a href="{WIKIDATA}{qid}" rel="noopener">{qid}</a>'
    return escape(qid)


# ---------------------------------------------------------------- citations


def citations_html(
    citations: list[Row],
    documents: dict[str, Row],
    links: Links,
    manifest: dict[str, Any] | None,
    limit: int = CITATION_ROWS,
) -> str:
    """Each reference: the cited work (linked when it is a published document), the citing
    document and the citing sentence with the reference highlighted."""
    if not citations:
        return '<p class="empty">No citations.</p>'
    missing = {entry["doc_id"] for entry in _entries(manifest, "missing")}
    failed = {entry["doc_id"] for entry in _entries(manifest, "failed")}
    rows = "".join(
        _citation_row(row, documents, links, missing, failed) for row in citations[:limit]
    )
    status = Counter(_citation_status(row, documents) for row in citations)
    kinds = (
        ("published", "of documents in the dataset"),
        ("absent", "of registered sources not in the dataset"),
        ("unregistered", "of works that are not registered sources"),
    )
    parts = ", ".join(f"{status[k]:,} {what}" for k, what in kinds if status[k])
    intro = f'<p class="muted">{counted(len(citations), "citation")}: {parts}.</p>'
    head = "<tr><th>Cited work</th><th>Cited by</th><th>Citing sentence</th></tr>"
    table = f'<table class="data"><thead>{head}</thead><tbody>{rows}</tbody></table>'
    return intro + table + _more(len(citations) - limit, "citation")


def _citation_status(row: Row, documents: dict[str, Row]) -> str:
    cited = row["cited_doc_id"]
    if not cited:
        return "unregistered"
    return "published" if cited in documents else "absent"


def _citation_row(
    row: Row, documents: dict[str, Row], links: Links, missing: set[str], failed: set[str]
) -> str:
    cited = row["cited_doc_id"]
    work = f"<cite>{escape(row['cited_title'] or cited)}</cite>"
    status = _citation_status(row, documents)
    if status == "published":
        title = documents[cited]["title"] or cited
        where = f'in the dataset: <a href="#{escape(_doc_anchor(cited))}">{escape(title)}</a>'
    elif status == "absent":
        why = (
            ' (<a href="#gaps">missing</a>)'
            if cited in missing
            else (' (<a href="#gaps">failed</a>)' if cited in failed else "")
        )
        where = f"<code>{escape(cited)}</code> · not in the dataset{why}"
    else:
        where = "not a registered source"
    sentence = links.sentences.get(row["sentence_id"])
    quote = quote_html(
        sentence,
        _int(row["start_char"]),
        _int(row["end_char"]),
        row["text"],
        CITATION_CLAUSE_CHARS,
    )
    said = (
        links.wrap(row["sentence_id"], quote, _where(sentence), "clause")
        if quote
        else links.sentence(row["sentence_id"], row["text"])
    )
    return (
        f'<tr><td>{work}<div class="meta">{where}</div></td>'
        f"<td>{_doc_link(row['citing_doc_id'])}</td><td>{said}</td></tr>"
    )


# ---------------------------------------------------------------- the run


def _entries(manifest: dict[str, Any] | None, key: str) -> list[dict[str, str]]:
    """The well-formed entries (objects with a doc_id) of one manifest list, as text."""
    value = manifest.get(key) if manifest else None
    if not isinstance(value, list):
        return []
    return [
        {name: str(item) for name, item in entry.items()}
        for entry in value
        if isinstance(entry, dict) and entry.get("doc_id")
    ]


def gaps_html(manifest: dict[str, Any] | None, known: set[str], limit: int = GAP_ITEMS) -> str:
    """A notice of the missing, failed and stale sources of the run ("" when there are none)."""
    missing = _entries(manifest, "missing")
    failed = _entries(manifest, "failed")
    stale = _entries(manifest, "stale")
    if not (missing or failed or stale):
        return ""
    parts = ["<p><b>This release is incomplete.</b></p>"]
    if missing:
        head = (
            f"{counted(len(missing), 'registered source')} "
            f"{'is' if len(missing) == 1 else 'are'} missing, so not in this dataset:"
        )
        items = [_missing_item(entry) for entry in missing[:limit]]
        parts.append(_gap_list(head, items, len(missing) - limit, "missing source"))
    if failed:
        head = (
            f"{counted(len(failed), 'source')} failed to process, so "
            f"{'is' if len(failed) == 1 else 'are'} not in this dataset:"
        )
        items = [
            f"<code>{escape(e['doc_id'])}</code> ({escape(e.get('path', ''))}): "
            f"{escape(e.get('error', ''))}"
            for e in failed[:limit]
        ]
        parts.append(_gap_list(head, items, len(failed) - limit, "failed source"))
    if stale:
        head = (
            f"{counted(len(stale), 'document')} {'is' if len(stale) == 1 else 'are'} stale: "
            "this run could not process "
            f"{'it' if len(stale) == 1 else 'them'}, so the previous extraction is shown:"
        )
        items = [
            f"{_doc_link(e['doc_id']) if e['doc_id'] in known else escape(e['doc_id'])}: "
            f"{escape(e.get('reason', ''))}"
            for e in stale[:limit]
        ]
        parts.append(_gap_list(head, items, len(stale) - limit, "stale document"))
    return f'<div class="notice" id="gaps" role="note">{"".join(parts)}</div>'


def _missing_item(entry: dict[str, str]) -> str:
    title = f" <cite>{escape(entry['title'])}</cite>" if entry.get("title") else ""
    url = entry.get("url", "")
    source = (
        f' · <a href="{escape(url)}" rel="noopener">source</a>'
        if url.startswith(("https://", "http://"))
        else ""
    )
    reason = f": {escape(entry['reason'])}" if entry.get("reason") else ""
    return f"<code>{escape(entry['doc_id'])}</code>{title}{reason}{source}"


def _gap_list(head: str, items: list[str], more: int, singular: str) -> str:
    rows = "".join(f"<li>{item}</li>" for item in items)
    return f"<p>{escape(head)}</p><ul>{rows}</ul>{_more(more, singular)}"


def provenance_html(manifest: dict[str, Any] | None) -> str:
    """The versions the dataset was made with, from manifest.json."""
    if manifest is None:
        return (
            '<p class="empty">No readable manifest.json in this folder: the versions this '
            "dataset was made with are not known.</p>"
        )
    model = manifest.get("model") if isinstance(manifest.get("model"), dict) else {}
    name = " ".join(str(model[k]) for k in ("name", "version") if model.get(k))
    spacy = f" (spaCy {model['spacy']})" if model.get("spacy") else ""
    bases = manifest.get("knowledge_bases")
    kb = (
        " · ".join(
            f"{escape(str(base))} <code>{escape(str(version))}</code>"
            for base, version in sorted(bases.items())
        )
        if isinstance(bases, dict) and bases
        else ""
    )
    rows = (
        ("briefdata version", escape(_text(manifest.get("briefdata_version")))),
        ("code version", _code(manifest.get("code_version"))),
        ("model", escape(name + spacy) if name else ""),
        ("knowledge bases", kb),
        ("release key", _code(manifest.get("release_key"))),
    )
    items = "".join(
        f"<dt>{label}</dt><dd>{value or '<i>not recorded</i>'}</dd>" for label, value in rows
    )
    return f'<dl class="provenance">{items}</dl>'


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value)


def _code(value: Any) -> str:
    text = _text(value)
    return f"<code>{escape(text)}</code>" if text else ""


# ---------------------------------------------------------------- corpus


def overview_html(corpus: Corpus, events: int) -> str:
    cards = (
        ("documents", len(corpus.documents)),
        ("sentences", len(corpus.sentences)),
        ("entities", len(corpus.entities)),
        ("mentions", len(corpus.mentions)),
        ("dated events", events),
        ("treaties", len(corpus.treaties)),
        ("treaty mentions", len(corpus.treaty_mentions)),
        ("recommendations", len(corpus.recommendations)),
        ("citations", len(corpus.citations)),
    )
    items = "".join(
        f'<div class="card"><b>{count:,}</b><span>{escape(label)}</span></div>'
        for label, count in cards
    )
    return f'<div class="cards">{items}</div>'


def key_events(events: list[Event], limit: int) -> list[Event]:
    """At most `limit` events, treaty-related ones first, then the earliest dates."""
    ranked = sorted(events, key=lambda e: (e.kind == "date", e.sort_key, e.kind))
    return ranked[:limit]


def corpus_html(index: Index, links: Links) -> str:
    corpus = index.corpus
    events = index.corpus_events()
    stats = EntityStats.of(corpus.mentions)
    bars, graph = entities_html(
        stats, corpus.entities, links, TOP_ENTITIES, GRAPH_NODES, GRAPH_EDGES, 240
    )
    timeline = timeline_svg(events, links) + events_list(
        key_events(events, CORPUS_EVENTS), links, CORPUS_EVENTS, show_doc=True
    )
    if len(events) > CORPUS_EVENTS:
        timeline += _more(
            len(events) - CORPUS_EVENTS, "event", where=", listed under each document"
        )
    recommendations = topic_matrix(corpus.recommendations) + recommendations_html(
        corpus.recommendations,
        links,
        TOPIC_ITEMS,
        anchors=True,
        show_doc=True,
        snippet=SNIPPET_CHARS,
    )
    uses = treaty_uses(corpus.treaties, corpus.treaty_mentions)
    table = entity_table(corpus.entities, stats.first_sentence, links, index.known)
    documents = {row["doc_id"]: row for row in corpus.documents}
    citations = citations_html(corpus.citations, documents, links, corpus.manifest)
    return "".join(
        [
            gaps_html(corpus.manifest, index.known),
            _section("overview", "Overview", overview_html(corpus, len(events))),
            _section("timeline", "Timeline", timeline),
            _section("treaties", "Treaties", treaties_table(uses, links, index.known)),
            _section("recommendations", "Recommendations by topic", recommendations),
            _section("entities", "Most mentioned entities", bars),
            _section("network", "Entities mentioned together", graph),
            _section("entity-table", "Entities", table),
            _section("citations", "Citations", citations),
            _section("provenance", "Provenance", provenance_html(corpus.manifest)),
        ]
    )


def documents_html(index: Index, links: Links) -> str:
    controls = (
        '<div class="controls"><input id="doc-filter" type="search" '
        'placeholder="Filter documents…" aria-label="Filter documents">'
        '<button type="button" id="expand-all">Expand all</button>'
        '<button type="button" id="collapse-all">Collapse all</button></div>'
    )
    if not index.corpus.documents:
        return _section("documents", "Documents", '<p class="empty">No documents.</p>')
    caps = doc_caps(len(index.corpus.documents))
    docs = "".join(document_html(doc, index, links, caps) for doc in index.corpus.documents)
    return _section("documents", "Documents", controls + docs)


# ---------------------------------------------------------------- page

CSS = """
:root{--fg:#1f2328;--muted:#667085;--line:#d0d7de;--bg:#f6f8fa;--accent:#0969da}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg)}
nav{position:sticky;top:0;z-index:10;display:flex;gap:1.2em;align-items:center;flex-wrap:wrap;
padding:.6em 1.5em;background:#24292f}
nav a{color:#fff;text-decoration:none;font-weight:500}nav a:hover{text-decoration:underline}
nav .brand{font-weight:700;margin-right:1em}
main{max-width:1200px;margin:0 auto;padding:1em 1.5em 4em}
h1{margin:.4em 0 .2em}h2{border-bottom:1px solid var(--line);padding-bottom:.2em;margin-top:1.6em}
h3{margin:1.2em 0 .4em;font-size:1.05em}h4{margin:.9em 0 .3em}
section{scroll-margin-top:3em}
a{color:var(--accent)}
.muted,.empty{color:var(--muted)}.empty{font-style:italic}
.cards{display:flex;flex-wrap:wrap;gap:.8em}
.card{background:var(--bg);border:1px solid var(--line);border-radius:8px;padding:.6em 1em;
min-width:9em}
.card b{display:block;font-size:1.5em}.card span{color:var(--muted)}
table.data{border-collapse:collapse;width:100%;font-size:.92em}
table.data th,table.data td{border-bottom:1px solid var(--line);padding:.35em .5em;
text-align:left;vertical-align:top}
table.data thead th{background:var(--bg)}table.matrix{width:auto}
table.matrix td{text-align:center;min-width:4em}
.nowrap{white-space:nowrap}.links a{margin-right:.25em;font-size:.85em}
svg.chart{max-width:100%;height:auto;display:block;margin:.4em 0}
svg text{font:11px system-ui,sans-serif;fill:#333}
.axis,.tick{stroke:#888}.tick-label{fill:#555}.legend{font-size:.85em;color:var(--muted)}
.ev-date{fill:#4e79a7}.ev-treaty{fill:#f28e2b}.ev-signing{fill:#e15759;stroke:#fff}
.edge{fill:none;stroke:#4e79a7;stroke-opacity:.35}
svg a:hover .edge{stroke-opacity:.9}svg a:hover rect,svg a:hover circle{opacity:.75}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin:0 .3em 0 .8em}
ol.events{columns:2;column-gap:2em;padding-left:1.2em}ol.events li{break-inside:avoid}
.year{font-variant-numeric:tabular-nums;color:var(--muted);margin-right:.3em}
.tag{font-size:.8em;border-radius:3px;padding:0 .35em;margin-left:.3em;background:var(--bg);
border:1px solid var(--line)}
.tag-treaty{border-color:#f28e2b}.tag-signing{border-color:#e15759}.tag-stale{background:#fff3cd}
ul.recs{padding-left:1.2em}ul.recs li{margin:.35em 0}
.modality{font-size:.78em;text-transform:uppercase;background:#ddf4ff;border-radius:3px;
padding:0 .35em}
.meta{color:var(--muted);font-size:.88em}
.two{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1em;align-items:start}
@media (max-width:900px){.two{grid-template-columns:1fr}ol.events{columns:1}}
details.doc{border:1px solid var(--line);border-radius:8px;margin:.5em 0;background:#fff}
details.doc>summary{cursor:pointer;padding:.6em 1em;background:var(--bg);border-radius:8px}
details.doc[open]>summary{border-bottom:1px solid var(--line);border-radius:8px 8px 0 0}
.doc-title{font-weight:600}.byline,.counts{display:block;color:var(--muted);font-size:.85em}
.doc-body{padding:0 1em 1em}
ol.sentences{padding-left:0;list-style:none;font-size:.93em}
ol.sentences li{padding:.3em .5em;border-left:3px solid transparent;scroll-margin-top:4em}
ol.sentences li:target{background:#fff8c5;border-left-color:#d4a72c}
.sid{font-family:ui-monospace,monospace;font-size:.8em;margin-right:.4em}
.where{font-size:.8em;color:var(--muted);margin-right:.4em}
.controls{display:flex;gap:.5em;margin:.5em 0}
.controls input{flex:1;padding:.35em .6em;border:1px solid var(--line);border-radius:6px}
.controls button{padding:.35em .8em;border:1px solid var(--line);border-radius:6px;
background:var(--bg);cursor:pointer}
mark{background:#fff1a8;color:inherit;padding:0 .1em;border-radius:2px}
a.clause{color:inherit;text-decoration:none}a.clause:hover{text-decoration:underline}
.signed{font-weight:600}
.notice{border:1px solid #d4a72c;background:#fff8c5;border-radius:8px;padding:.4em 1em;
margin:1em 0}
.notice p{margin:.4em 0}.notice ul{margin:.2em 0 .6em;padding-left:1.4em}
td.num{font-variant-numeric:tabular-nums}
th button.sort{font:inherit;font-weight:600;border:0;background:none;padding:0;
cursor:pointer;color:inherit}
th[aria-sort=ascending] button.sort::after{content:" ▲"}
th[aria-sort=descending] button.sort::after{content:" ▼"}
dl.provenance{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}
dl.provenance dt{color:var(--muted)}dl.provenance dd{margin:0;overflow-wrap:anywhere}
cite{font-style:italic}
footer{color:var(--muted);font-size:.85em;margin-top:3em}
"""

JS = """
(function () {
  "use strict";
  function openAncestors(el) {
    for (var p = el.parentElement; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") { p.open = true; }
    }
  }
  function targetOf(hash) {
    if (!hash || hash.length < 2) { return null; }
    var id = hash.slice(1);
    try { id = decodeURIComponent(id); } catch (e) { /* keep the raw id */ }
    return document.getElementById(id);
  }
  function showHash() {
    var el = targetOf(location.hash);
    if (el) { openAncestors(el); el.scrollIntoView({block: "center"}); }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a") : null;
    var href = link ? link.getAttribute("href") : null;
    if (href && href.charAt(0) === "#") {
      var el = targetOf(href);
      if (el) { openAncestors(el); }
    }
  });
  window.addEventListener("hashchange", showHash);
  var filter = document.getElementById("doc-filter");
  var docs = Array.prototype.slice.call(document.querySelectorAll("details.doc"));
  if (filter) {
    filter.addEventListener("input", function () {
      var q = filter.value.trim().toLowerCase();
      docs.forEach(function (d) {
        var text = d.querySelector("summary").textContent.toLowerCase() + " " + d.id;
        d.hidden = q !== "" && text.indexOf(q) < 0;
      });
    });
  }
  function sortValue(row, column, numeric) {
    var cell = row.cells[column];
    var value = cell.getAttribute("data-sort");
    if (value === null) { value = cell.textContent.trim(); }
    return numeric ? Number(value) : value.toLowerCase();
  }
  function sortTable(table, column) {
    var head = table.tHead.rows[0].cells[column];
    var numeric = head.getAttribute("data-type") === "number";
    var current = head.getAttribute("aria-sort");
    var descending = current ? current === "ascending" : numeric;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = sortValue(a, column, numeric), y = sortValue(b, column, numeric);
      var order = numeric ? x - y : x.localeCompare(y);
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    head.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      var button = th.querySelector("button.sort");
      if (button) {
        button.addEventListener("click", function () { sortTable(table, column); });
      }
    });
  });
  function setAll(open) { docs.forEach(function (d) { d.open = open; }); }
  var expand = document.getElementById("expand-all");
  var collapse = document.getElementById("collapse-all");
  if (expand) { expand.addEventListener("click", function () { setAll(true); }); }
  if (collapse) { collapse.addEventListener("click", function () { setAll(false); }); }
  showHash();
  document.documentElement.setAttribute("data-report-ready", "1");
  console.log("%%READY%% (" + docs.length + " documents, " +
    document.querySelectorAll("svg.chart").length + " charts)");
})();
""".replace("%%READY%%", READY_MARKER)

NAV = (
    ("overview", "Overview"),
    ("timeline", "Timeline"),
    ("treaties", "Treaties"),
    ("recommendations", "Recommendations"),
    ("entities", "Entities"),
    ("network", "Network"),
    ("entity-table", "Entity table"),
    ("citations", "Citations"),
    ("provenance", "Provenance"),
    ("documents", "Documents"),
)


def page(body: str) -> str:
    nav = "".join(f'<a href="#{anchor}">{label}</a>' for anchor, label in NAV)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>briefdata report</title>"
        f"<style>{CSS}</style></head><body>"
        f'<nav><span class="brand"><a href="#overview">briefdata</a></span>{nav}</nav>'
        f"<main><h1>briefdata report</h1>"
        '<p class="muted">Entities, dates, treaties and recommendations extracted from policy '
        "documents. Every item links to the sentence it comes from.</p>"
        f"{body}<footer>Generated by <code>briefdata report</code> from the published tables."
        f"</footer></main><script>{JS}</script></body></html>\n"
    )


def render_report(folder: Path) -> str:
    """The report of the published dataset in `folder`, as one self-contained HTML page."""
    corpus = Corpus.read(Path(folder))
    index = Index.of(corpus)
    links = Links(corpus.sentences)
    body = corpus_html(index, links) + documents_html(index, links)
    return page(body)


def write_report(folder: Path) -> Path:
    """Write `folder / "report.html"` and return its path."""
    path = Path(folder) / "report.html"
    path.write_text(render_report(Path(folder)), encoding="utf-8", newline="\n")
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0] if args else "data/processed")
    print(write_report(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
