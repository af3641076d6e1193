"""The HTML report: links, determinism, escaping, caps, speed, and a headless Chromium run.

The fixture dataset is written here (modelled on a real published run), so these tests
do not depend on the extractors.
"""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.report import READY_MARKER, TOP_ENTITIES, render_report, write_report
from pipeline.tableschema import TABLES, columns, validate_package

ROOT = Path(__file__).resolve().parent.parent
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
DURATION = "four years"
FILLER = ", with the kind of qualifying context that real policy briefs put around each claim."
TOPICS = {"alliance": "alliance", "chips": "technology", "tariffs": "trade"}


@dataclass
class Doc:
    doc_id: str
    title: str
    sentences: list[tuple[str, str]]  # (section, text)
    pages: int | None = None
    authors: str = "Stephan Haggard"
    extra: dict[str, str] = field(default_factory=dict)


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
            ],
            pages=2,
            authors="",
        ),
    ]


def write_dataset(folder: Path, docs: list[Doc]) -> Path:
    """A published-looking dataset folder: every table, the texts, consistent offsets."""
    rows: dict[str, list[dict[str, str]]] = {table: [] for table in TABLES}
    entity_docs: dict[str, Counter[str]] = {}
    treaty_docs: dict[str, Counter[str]] = {}
    (folder / "text").mkdir(parents=True, exist_ok=True)
    for doc in docs:
        text = _write_doc(folder, doc, doc.doc_id, rows, entity_docs, treaty_docs)
        rows["documents"].append(_document_row(doc, doc.doc_id, text))
    for name, (entity_id, kind) in ENTITIES.items():
        if entity_id in entity_docs:
            counts = entity_docs[entity_id]
            rows["entities"].append(
                {
                    "entity_id": entity_id,
                    "name": name,
                    "type": kind,
                    "aliases": "",
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
    return folder


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
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "pages": str(doc.pages or ""),
        "words": str(len(text.split())),
        "status": "current",
        **doc.extra,
    }


def _write_doc(folder, doc, doc_id, rows, entity_docs, treaty_docs) -> str:
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
        _annotate(sentence, start, base, rows, counters, entity_docs, treaty_docs, doc)
    (folder / "text" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return text


def _annotate(sentence, start, base, rows, counters, entity_docs, treaty_docs, doc) -> None:
    doc_id = base["doc_id"]

    def next_id(letter: str) -> str:
        counters[letter] += 1
        return f"{doc_id}:{letter}{counters[letter]:05d}"

    def spans(surface: str):
        for match in re.finditer(re.escape(surface), sentence):
            yield start + match.start(), start + match.end()

    for surface, (entity_id, kind) in ENTITIES.items():
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
    assert "four years" not in html.split('id="documents"')[0], "durations are not events"
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
    assert bars.count("<rect") == 5 and "Japan (GPE): 7 mention(s)" in bars
    graph = html.split('id="network"')[1].split("</section>")[0]
    assert graph.count('class="edge"') >= 5
    # Japan and Korea share sentences 2, 7 and 8 of the brief.
    assert "Japan — Korea: 3 sentence(s)" in graph or "Korea — Japan: 3 sentence(s)" in graph


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
    started = time.perf_counter()
    html = render_report(folder)
    elapsed = time.perf_counter() - started
    size = len(html.encode("utf-8"))
    print(f"1,000 documents: {elapsed:.2f} s, {size / 1e6:.2f} MB")
    assert elapsed < 5.0
    assert size < 10_000_000
    page = parse(html)
    assert not set(page.hrefs) - set(page.ids)
    bars = html.split('id="entities"')[1].split("</section>")[0]
    assert bars.count("<rect") <= TOP_ENTITIES
    assert html.count('<details class="doc"') == 1000


# ---------------------------------------------------------------- headless Chromium


@pytest.fixture(scope="module")
def chromium() -> str:
    from browser import INSTALL_HINT, find_chromium

    path = find_chromium()
    if path is None:
        print("\n" + "!" * 78 + f"\n{INSTALL_HINT}\n" + "!" * 78)
        pytest.skip(f"SKIPPED LOUDLY: {INSTALL_HINT}")
    return path


@pytest.mark.browser
def test_report_in_headless_chromium(chromium: str, tmp_path: Path) -> None:
    from browser import devtools_page, screenshot

    folder = write_dataset(tmp_path / "processed", sample_docs())
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
        page.drain()
        assert not page.console.errors()
    png = ARTIFACTS / "report.png"
    screenshot(chromium, page_path, png)
    _assert_non_trivial_png(png)


def _assert_non_trivial_png(png: Path) -> None:
    from PIL import Image

    assert png.stat().st_size > 20_000, f"{png} is only {png.stat().st_size} bytes"
    with Image.open(png) as image:
        colors = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colors is None or len(colors) > 50, "the screenshot is (nearly) one color"
