"""Blind review rounds: picking documents, sampling sheets, scoring verdicts, the log.

Most tests build a small published dataset by hand (two documents whose every row is
known), so that each sheet row's context can be predicted exactly; one runs the
pipeline on two tiny documents and samples what it publishes.
"""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.quality.review import sample_positions
from pipeline.quality.score import Z_95, wilson_interval
from pipeline.quality.specs import SPECS, sheet_columns
from pipeline.release.schema import TABLES, columns, read_table
from pipeline.text import slugify

runner = CliRunner()
SECRET_LABEL = "LABEL-FROM-EXTRACTOR-XYZ"
NAMES = [
    ("Japan", "GPE"),
    ("South Korea", "GPE"),
    ("Australia", "GPE"),
    ("Canada", "GPE"),
    ("Côte d'Ivoire", "GPE"),
    ("AT&T <Labs>", "ORG"),
    ("Norway", "GPE"),
    ("Chile", "GPE"),
    ("Kenya", "GPE"),
    ("Peru", "GPE"),
    ("Spain", "GPE"),
    ("Egypt", "GPE"),
]
TREATIES = {
    "Treaty of Testing": "treaty-of-testing",
    "Pact of Samples": "pact-of-samples",
    "Accord of Checks": "accord-of-checks",
}


def invoke(*args: object) -> Result:
    return runner.invoke(app, [str(arg) for arg in args])


# ------------------------------------------------------------------------ a dataset by hand


@dataclass
class Where:
    """A row's span: its document, sentence (index) and offsets inside that sentence."""

    doc_id: str
    sentence: int
    start: int
    end: int


@dataclass
class Dataset:
    folder: Path
    sentences: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    where: dict[str, Where] = field(default_factory=dict)  # row id -> its span

    def expected_context(self, row_id: str) -> str:
        """The previous sentence, the sentence with [[span]], the next sentence."""
        at = self.where[row_id]
        sentences = self.sentences[at.doc_id]
        sentence = sentences[at.sentence]
        marked = f"{sentence[: at.start]}[[{sentence[at.start : at.end]}]]{sentence[at.end :]}"
        before = [sentences[at.sentence - 1]] if at.sentence > 0 else []
        after = [sentences[at.sentence + 1]] if at.sentence + 1 < len(sentences) else []
        return " ".join([*before, marked, *after])

    def ids(self, table: str) -> list[str]:
        key = columns(table)[0]
        return [row[key] for row in self.rows[table]]


class Builder:
    """Documents as lists of sentences; rows added by the surface text they cover."""

    def __init__(self, folder: Path) -> None:
        self.data = Dataset(folder, rows={table: [] for table in TABLES})
        self.offsets: dict[str, list[int]] = {}
        self.counters: Counter[tuple[str, str]] = Counter()

    def document(self, doc_id: str, title: str, published: str, sentences: list[str]) -> None:
        self.data.sentences[doc_id] = sentences
        starts, position = [], 0
        for sentence in sentences:
            starts.append(position)
            position += len(sentence) + 2  # sentences are separated by a blank line
        self.offsets[doc_id] = starts
        self.data.rows["documents"].append(
            {"doc_id": doc_id, "title": title, "published": published,
             "media_type": "text/markdown", "language": "en", "sha256": "0" * 64, "words": "10",
             "status": "current"}
        )  # fmt: skip
        for index, (sentence, start) in enumerate(zip(sentences, starts, strict=True)):
            self.data.rows["sentences"].append(
                {"sentence_id": f"{doc_id}:s{index + 1:05d}", "doc_id": doc_id,
                 "kind": "title" if index == 0 else "body", "start_char": str(start),
                 "end_char": str(start + len(sentence)), "text": sentence}
            )  # fmt: skip

    def span(
        self, table: str, letter: str, doc_id: str, index: int, surface: str, **values: str
    ) -> dict[str, str]:
        sentence = self.data.sentences[doc_id][index]
        local = sentence.index(surface)
        start = self.offsets[doc_id][index] + local
        self.counters[(doc_id, letter)] += 1
        row_id = f"{doc_id}:{letter}{self.counters[(doc_id, letter)]:05d}"
        row = {
            columns(table)[0]: row_id, "doc_id": doc_id,
            "sentence_id": f"{doc_id}:s{index + 1:05d}", "start_char": str(start),
            "end_char": str(start + len(surface)), "text": surface, **values,
        }  # fmt: skip
        self.data.rows[table].append(row)
        self.data.where[row_id] = Where(doc_id, index, local, local + len(surface))
        return row

    def write(self, release: str = "feedc0ffee") -> Dataset:
        folder = self.data.folder
        (folder / "text").mkdir(parents=True)
        for doc_id, sentences in self.data.sentences.items():
            (folder / "text" / f"{doc_id}.txt").write_text("\n\n".join(sentences), "utf-8")
        for table in TABLES:
            key = columns(table)[0]
            rows = sorted(self.data.rows[table], key=lambda row, key=key: row[key])
            self.data.rows[table] = rows
            with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, columns(table), restval="", lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
        (folder / "manifest.json").write_text(json.dumps({"release_key": release}), "utf-8")
        return self.data


def build_dataset(folder: Path) -> Dataset:
    """Two documents: `alpha` (envoys meeting in a year) and `beta` (treaties, dates,
    recommendations, an entity mentioned once, a mention in the last sentence)."""
    build = Builder(folder)
    names = [name for name, _ in NAMES]
    alpha = ["Alpha Report on Japan."] + [
        f"Envoys of {names[i]} and {names[(i + 3) % 12]} met in {1950 + i}." for i in range(12)
    ]
    beta = (
        ["Beta Brief"]
        + [f"The Treaty of Testing binds {names[i]} since {1990 + i}." for i in range(6)]
        + ["The Pact of Samples was signed in 2001.", "Lone Entity spoke once."]
        + [f"{names[i]} should ratify the Accord of Checks." for i in range(6, 10)]
        + ["Kenya is mentioned last."]
    )
    build.document("alpha", "Alpha Report", "2021-03", alpha)
    build.document("beta", "Beta Brief", "2022-07-01", beta)
    mentions: Counter[str] = Counter()
    for doc_id, sentences in (("alpha", alpha), ("beta", beta)):
        for index, sentence in enumerate(sentences):
            for name, kind in [*NAMES, ("Lone Entity", "PERSON")]:
                if name in sentence:
                    entity_id = f"{kind.lower()}:{slugify(name)}"
                    build.span("mentions", "m", doc_id, index, name,
                               entity_id=entity_id, label=SECRET_LABEL)  # fmt: skip
                    mentions[entity_id] += 1
            for year in range(1950, 2010):
                if str(year) in sentence:
                    treaty = ("treaty-of-testing" if "Testing" in sentence
                              else "pact-of-samples" if "Samples" in sentence else "")  # fmt: skip
                    build.span("dates", "d", doc_id, index, str(year), value=str(year),
                               kind="date", granularity="year", start=f"{year}-01-01",
                               end=f"{year}-12-31", treaty_id=treaty)  # fmt: skip
            for treaty_name, treaty_id in TREATIES.items():
                if treaty_name in sentence:
                    build.span("treaty_mentions", "t", doc_id, index, treaty_name,
                               treaty_id=treaty_id)  # fmt: skip
            if " should " in sentence:
                build.span("recommendations", "r", doc_id, index, sentence,
                           proposer="Beta Author", addressee=sentence.split(" should ")[0],
                           topic="other", modality="should")  # fmt: skip
    for name, kind in [*NAMES, ("Lone Entity", "PERSON")]:
        entity_id = f"{kind.lower()}:{slugify(name)}"
        build.data.rows["entities"].append(
            {"entity_id": entity_id, "name": name, "type": kind, "aliases": "",
             "mentions": str(mentions[entity_id]), "documents": "alpha; beta"}
        )  # fmt: skip
    uses = Counter(row["treaty_id"] for row in build.data.rows["treaty_mentions"])
    for treaty_name, treaty_id in TREATIES.items():
        build.data.rows["treaties"].append(
            {"treaty_id": treaty_id, "name": treaty_name, "kind": "other",
             "parties": "JPN; KOR", "signed": "2001", "mentions": str(uses[treaty_id]),
             "documents": "beta"}
        )  # fmt: skip
    return build.write()


@pytest.fixture
def dataset(tmp_path: Path) -> Dataset:
    return build_dataset(tmp_path / "data")


# ------------------------------------------------------------------------ reading sheets


def read_sheet(path: Path) -> tuple[list[str], list[str], list[dict[str, str]]]:
    """The `# ` lines, the header and the rows of a sheet, read with the csv module."""
    records = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"), newline="")))
    at = next(i for i, record in enumerate(records) if record and record[0] == "sample_id")
    header = records[at]
    rows = [dict(zip(header, record, strict=True)) for record in records[at + 1 :]]
    return [record[0] for record in records[:at]], header, rows


def sample(dataset: Dataset, out: Path, table: str, seed: int, n: int = 60) -> Result:
    return invoke("review", "sample", "--table", table, "--seed", seed, "--n", n,
                  "--data", dataset.folder, "--out", out)  # fmt: skip


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def fill(path: Path, verdicts: dict[str, list[str]]) -> None:
    """Write verdicts into a sheet's columns, row by row, as a judge would."""
    records = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"), newline="")))
    at = next(i for i, record in enumerate(records) if record and record[0] == "sample_id")
    header = records[at]
    for column, values in verdicts.items():
        position = header.index(column)
        for record, value in zip(records[at + 1 :], values, strict=False):
            record[position] = value
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(records)


# ------------------------------------------------------------------------ sample


def test_same_seed_same_bytes_and_a_fresh_seed_a_different_sample(dataset, tmp_path):
    assert sample(dataset, tmp_path / "one", "all", 7, 10).exit_code == 0
    result = sample(dataset, tmp_path / "two", "all", 7, 10)
    assert result.exit_code == 0, result.output
    first, second = folder_bytes(tmp_path / "one"), folder_bytes(tmp_path / "two")
    names = {f"{table}-7.{kind}" for table in SPECS for kind in ("csv", "html")}
    assert set(first) == names | {"GUIDELINES.md"}
    assert first == second

    assert sample(dataset, tmp_path / "three", "mentions", 8, 10).exit_code == 0
    _, _, seven = read_sheet(tmp_path / "one" / "mentions-7.csv")
    _, _, eight = read_sheet(tmp_path / "three" / "mentions-8.csv")
    assert [row["mention_id"] for row in seven] != [row["mention_id"] for row in eight]
    assert {row["mention_id"] for row in seven} != {row["mention_id"] for row in eight}


def test_rows_are_drawn_without_replacement_and_uniformly():
    for seed in range(50):
        drawn = sample_positions(20, 5, seed, "mentions")
        assert len(set(drawn)) == 5 and all(0 <= p < 20 for p in drawn)
    counts = Counter(p for seed in range(2000) for p in sample_positions(20, 5, seed, "dates"))
    # 2,000 draws of 5 of 20 rows: each row 500 times expected (sd about 19).
    assert set(counts) == set(range(20))
    assert all(400 < count < 600 for count in counts.values()), counts


def test_n_larger_than_the_table_takes_every_row_once(dataset, tmp_path):
    result = sample(dataset, tmp_path / "out", "treaties", 3, 500)
    assert result.exit_code == 0, result.output
    assert "3 of 3 rows" in result.output
    _, _, rows = read_sheet(tmp_path / "out" / "treaties-3.csv")
    assert sorted(row["treaty_id"] for row in rows) == sorted(dataset.ids("treaties"))
    assert [row["sample_id"] for row in rows] == [f"treaties-3-00{i}" for i in (1, 2, 3)]


@pytest.mark.parametrize("table", ["mentions", "dates", "treaty_mentions", "recommendations"])
def test_each_span_is_highlighted_in_its_sentence_between_its_neighbours(dataset, tmp_path, table):
    assert sample(dataset, tmp_path / "out", table, 11, 1000).exit_code == 0
    _, header, rows = read_sheet(tmp_path / "out" / f"{table}-11.csv")
    key = columns(table)[0]
    assert header == list(sheet_columns(SPECS[table]))
    assert sorted(row[key] for row in rows) == sorted(dataset.ids(table))
    published = {row[key]: row for row in dataset.rows[table]}
    for row in rows:
        assert row["context"] == dataset.expected_context(row[key]), row[key]
        assert row["text"] == published[row[key]]["text"]
        assert row["doc_id"] == published[row[key]]["doc_id"]
        assert row["title"] == {"alpha": "Alpha Report", "beta": "Beta Brief"}[row["doc_id"]]
        assert all(row[column] == "" for column in SPECS[table].verdict_columns)
    # The first sentence has no neighbour before it, the last none after it.
    contexts = {row[key]: row["context"] for row in rows}
    if table == "mentions":
        first = next(
            i for i, at in dataset.where.items() if (at.doc_id, at.sentence) == ("alpha", 0)
        )
        assert (
            contexts[first] == "Alpha Report on [[Japan]]. Envoys of Japan and Canada met in 1950."
        )
        last = next(
            i for i, at in dataset.where.items() if (at.doc_id, at.sentence) == ("beta", 13)
        )
        assert (
            contexts[last]
            == "Peru should ratify the Accord of Checks. [[Kenya]] is mentioned last."
        )


def test_linked_names_and_entity_fields_are_shown(dataset, tmp_path):
    assert sample(dataset, tmp_path / "out", "all", 2, 1000).exit_code == 0
    _, _, mentions = read_sheet(tmp_path / "out" / "mentions-2.csv")
    entity_of = {row["mention_id"]: row["entity_id"] for row in dataset.rows["mentions"]}
    names = {row["entity_id"]: (row["name"], row["type"]) for row in dataset.rows["entities"]}
    for row in mentions:
        assert row["entity_id"] == entity_of[row["mention_id"]]
        assert (row["entity_name"], row["entity_type"]) == names[row["entity_id"]]
    _, _, dates = read_sheet(tmp_path / "out" / "dates-2.csv")
    treaty_of = {row["date_id"]: row["treaty_id"] for row in dataset.rows["dates"]}
    shown = {row["date_id"]: (row["treaty"], row["published"]) for row in dates}
    assert shown["beta:d00001"] == ("Treaty of Testing", "2022-07-01")
    assert shown["beta:d00007"] == ("Pact of Samples", "2022-07-01")
    assert shown["alpha:d00001"] == ("", "2021-03")
    assert {d for d, (name, _) in shown.items() if name} == {d for d, t in treaty_of.items() if t}
    _, _, links = read_sheet(tmp_path / "out" / "treaty_mentions-2.csv")
    assert {row["text"] for row in links} == set(TREATIES)
    assert all(row["treaty"] == row["text"] for row in links)


@pytest.mark.parametrize("table", ["entities", "treaties"])
def test_entities_and_treaties_show_up_to_two_of_their_mentions(dataset, tmp_path, table):
    mention_table, key = {"entities": ("mentions", "entity_id"),
                          "treaties": ("treaty_mentions", "treaty_id")}[table]  # fmt: skip
    assert sample(dataset, tmp_path / "out", table, 5, 1000).exit_code == 0
    _, _, rows = read_sheet(tmp_path / "out" / f"{table}-5.csv")
    assert sorted(row[key] for row in rows) == sorted(dataset.ids(table))
    mentions_of: dict[str, list[str]] = {}
    for mention in dataset.rows[mention_table]:
        mentions_of.setdefault(mention[key], []).append(mention[columns(mention_table)[0]])
    for row in rows:
        expected = {dataset.expected_context(m) for m in mentions_of[row[key]]}
        shown = [row[f"context_{i}"] for i in (1, 2) if row[f"context_{i}"]]
        assert len(shown) == min(2, len(mentions_of[row[key]])), row[key]
        assert len(set(shown)) == len(shown) and set(shown) <= expected, row[key]
        for i in (1, 2):
            if row[f"context_{i}"]:
                assert (
                    row[f"title_{i}"]
                    == {"alpha": "Alpha Report", "beta": "Beta Brief"}[row[f"doc_id_{i}"]]
                )
    if table == "entities":
        lone = next(row for row in rows if row["name"] == "Lone Entity")
        assert lone["context_1"] == (
            "The Pact of Samples was signed in 2001. [[Lone Entity]] spoke once. "
            "Norway should ratify the Accord of Checks."
        )
        assert lone["doc_id_2"] == lone["title_2"] == lone["context_2"] == ""
    # Which mentions are shown changes with the seed, for an entity with many mentions.
    assert sample(dataset, tmp_path / "other", table, 6, 1000).exit_code == 0
    _, _, again = read_sheet(tmp_path / "other" / f"{table}-6.csv")
    pairs = {r[key]: (r["context_1"], r["context_2"]) for r in rows}
    assert any(pairs[r[key]] != (r["context_1"], r["context_2"]) for r in again)


def test_sheets_reveal_nothing_beyond_the_published_fields(dataset, tmp_path):
    assert sample(dataset, tmp_path / "out", "all", 4, 1000).exit_code == 0
    for name, content in folder_bytes(tmp_path / "out").items():
        assert SECRET_LABEL.encode() not in content, name
    comments, header, _ = read_sheet(tmp_path / "out" / "mentions-4.csv")
    assert "label" not in header
    assert "# table: mentions" in comments and "# seed: 4" in comments
    assert "# release: feedc0ffee" in comments
    assert any("GUIDELINES.md" in line for line in comments)
    assert any(line.startswith("# ok_span: ") for line in comments)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.marks: list[str] = []
        self._in_mark = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "mark":
            self._in_mark, self.marks = True, [*self.marks, ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._in_mark = False

    def handle_data(self, data: str) -> None:
        if self._in_mark:
            self.marks[-1] += data


def test_html_page_is_self_contained_and_marks_each_span(dataset, tmp_path):
    assert sample(dataset, tmp_path / "out", "mentions", 9, 1000).exit_code == 0
    page = (tmp_path / "out" / "mentions-9.html").read_text("utf-8")
    parser = _Tags()
    parser.feed(page)
    tags = [tag for tag, _ in parser.tags]
    assert "style" in tags
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(tags)
    assert not any("src" in attrs or "href" in attrs for _, attrs in parser.tags)
    assert "url(" not in page and "@import" not in page
    _, _, rows = read_sheet(tmp_path / "out" / "mentions-9.csv")
    assert tags.count("article") == len(rows) == len(dataset.rows["mentions"])
    assert parser.marks == [row["text"] for row in rows]  # "AT&T <Labs>" unescaped back
    assert "AT&amp;T &lt;Labs&gt;" in page


def test_only_the_tables_a_sheet_needs_are_read(dataset, tmp_path):
    for table in ("entities", "mentions", "treaties", "treaty_mentions", "dates"):
        (dataset.folder / f"{table}.csv").unlink()
    result = sample(dataset, tmp_path / "out", "recommendations", 1)
    assert result.exit_code == 0, result.output
    result = sample(dataset, tmp_path / "out2", "mentions", 1)
    assert result.exit_code == 1
    assert f"{dataset.folder / 'mentions.csv'}: missing" in result.output


def test_an_offset_that_does_not_match_the_text_is_an_error(dataset, tmp_path):
    path = dataset.folder / "recommendations.csv"
    frame = read_table(path)
    frame.loc[0, "text"] = "Something else entirely."
    frame.to_csv(path, index=False, lineterminator="\n")
    result = sample(dataset, tmp_path / "out", "recommendations", 1)
    assert result.exit_code == 1
    assert f"recommendations {frame.loc[0, 'recommendation_id']}" in result.output
    assert "briefdata validate" in result.output
    assert not (tmp_path / "out").exists()


def test_a_sheet_is_never_overwritten_once_it_differs(dataset, tmp_path):
    out = tmp_path / "out"
    assert sample(dataset, out, "dates", 1, 5).exit_code == 0
    assert sample(dataset, out, "dates", 1, 5).exit_code == 0  # the same bytes: nothing to do
    fill(out / "dates-1.csv", {"ok_value": ["y", "n"]})
    filled = (out / "dates-1.csv").read_bytes()
    result = sample(dataset, out, "dates", 1, 5)
    assert result.exit_code == 1
    assert "dates-1.csv: already exists with other content" in result.output
    assert (out / "dates-1.csv").read_bytes() == filled


def test_bad_table_and_bad_folder_are_one_line_errors(dataset, tmp_path):
    result = sample(dataset, tmp_path / "out", "citations", 1)
    assert result.exit_code == 1 and "--table citations: not a reviewed table" in result.output
    result = invoke("review", "sample", "--table", "dates", "--seed", 1,
                    "--data", tmp_path / "nowhere", "--out", tmp_path / "out")  # fmt: skip
    assert result.exit_code == 1 and "nowhere: not a folder" in result.output
    assert "Traceback" not in result.output


# ------------------------------------------------------------------------ score


def test_wilson_interval_matches_published_values():
    # Newcombe (1998), Statistics in Medicine 17:857-872, table I, method 3 (score, no
    # continuity correction).
    for correct, judged, low, high in (
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ):
        bounds = wilson_interval(correct, judged)
        assert bounds == pytest.approx((low, high), abs=5e-5), (correct, judged)
    assert wilson_interval(10, 10)[1] == 1.0 and wilson_interval(0, 10)[0] == 0.0


@pytest.mark.parametrize(("correct", "judged"), [(1, 7), (45, 60), (59, 60), (3, 4)])
def test_wilson_bounds_are_where_the_score_test_is_at_its_critical_value(correct, judged):
    share = correct / judged
    for bound in wilson_interval(correct, judged):
        statistic = abs(share - bound) / math.sqrt(bound * (1 - bound) / judged)
        assert statistic == pytest.approx(Z_95, rel=1e-9)


def test_score_counts_judged_and_correct_per_attribute_and_per_row(dataset, tmp_path):
    assert sample(dataset, tmp_path / "out", "mentions", 5, 20).exit_code == 0
    sheet = tmp_path / "out" / "mentions-5.csv"
    fill(sheet, {
        "ok_span": ["y"] * 15 + ["n"] * 4 + [""],
        "ok_entity": ["Y "] * 10 + ["n"] * 5 + ["NA", "na", "", " ", "na"],
    })  # fmt: skip
    result = invoke("review", "score", sheet, "--json")
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)["tables"]["mentions"]
    assert scores["rows"] == 20 and scores["unjudged"] == 1
    attributes = scores["attributes"]
    expected = {"span": (19, 15), "entity": (15, 10), "all": (19, 10)}
    for attribute, (judged, correct) in expected.items():
        got = attributes[attribute]
        assert (got["judged"], got["correct"]) == (judged, correct), attribute
        assert got["precision"] == pytest.approx(correct / judged)
        assert got["interval"] == pytest.approx(list(wilson_interval(correct, judged)))
    table = invoke("review", "score", sheet)
    assert table.exit_code == 0
    assert "78.9%" in table.output and "56.7%–91.5%" in table.output  # span: 15 of 19


def test_sheets_of_several_tables_and_seeds_are_scored_together(dataset, tmp_path):
    out = tmp_path / "out"
    for seed in (1, 2):
        assert sample(dataset, out, "recommendations", seed, 2).exit_code == 0
        fill(out / f"recommendations-{seed}.csv", {"ok_real": ["y", "n"]})
    assert sample(dataset, out, "treaties", 1, 3).exit_code == 0
    fill(out / "treaties-1.csv", {"ok_signed": ["n", "n", "y"]})
    result = invoke("review", "score", *sorted(out.glob("*.csv")), "--json")
    assert result.exit_code == 0, result.output
    tables = json.loads(result.stdout)["tables"]
    assert list(tables) == ["treaties", "recommendations"]
    assert tables["recommendations"]["attributes"]["real"]["judged"] == 4
    assert tables["recommendations"]["attributes"]["real"]["correct"] == 2
    assert tables["recommendations"]["attributes"]["proposer"]["precision"] is None
    assert tables["treaties"]["attributes"]["signed"]["correct"] == 1


def test_a_sheet_saved_again_by_a_spreadsheet_scores_the_same(dataset, tmp_path):
    out = tmp_path / "out"
    assert sample(dataset, out, "dates", 3, 6).exit_code == 0
    verdicts = {"ok_value": ["y", "y", "n", "y", "", "y"], "ok_treaty": ["", "y", "na"]}
    fill(out / "dates-3.csv", verdicts)
    before = json.loads(invoke("review", "score", out / "dates-3.csv", "--json").stdout)
    records = list(csv.reader(io.StringIO((out / "dates-3.csv").read_text("utf-8-sig"))))
    width = max(len(record) for record in records)
    padded = [record + [""] * (width - len(record)) for record in records]  # as spreadsheets do
    with (out / "dates-3.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(padded)
    after = json.loads(invoke("review", "score", out / "dates-3.csv", "--json").stdout)
    assert after["tables"] == before["tables"]
    assert before["tables"]["dates"]["attributes"]["value"]["judged"] == 5


def test_bad_verdicts_are_all_reported_with_file_row_and_column(dataset, tmp_path):
    out = tmp_path / "out"
    assert sample(dataset, out, "mentions", 1, 5).exit_code == 0
    assert sample(dataset, out, "treaties", 1, 3).exit_code == 0
    fill(out / "mentions-1.csv", {"ok_span": ["y", "yes"], "ok_entity": ["", "", "0"]})
    fill(out / "treaties-1.csv", {"ok_parties": ["n", "n", "maybe"]})
    comments, _, rows = read_sheet(out / "mentions-1.csv")
    first_row = len(comments) + 2  # the row number a spreadsheet shows for the first sample
    result = invoke("review", "score", out / "mentions-1.csv", out / "treaties-1.csv")
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    mentions, treaties = out / "mentions-1.csv", out / "treaties-1.csv"
    assert (f"{mentions}: row {first_row + 1} ({rows[1]['sample_id']}), column ok_span: 'yes' "
            "is not a verdict") in text  # fmt: skip
    assert (
        f"{mentions}: row {first_row + 2} ({rows[2]['sample_id']}), column ok_entity: '0'" in text
    )
    treaty_comments, _, treaty_rows = read_sheet(treaties)
    third = len(treaty_comments) + 2 + 2
    assert (f"{treaties}: row {third} ({treaty_rows[2]['sample_id']}), column ok_parties: "
            "'maybe' is not a verdict") in text  # fmt: skip
    assert "Traceback" not in result.output


def test_sheets_that_are_not_review_sheets_are_refused(dataset, tmp_path):
    out = tmp_path / "out"
    assert sample(dataset, out, "dates", 1, 3).exit_code == 0
    sheet = out / "dates-1.csv"
    text = sheet.read_text("utf-8-sig")
    no_column = out / "no-column.csv"
    no_column.write_text(text.replace(",ok_treaty,", ",something,"), "utf-8")
    no_header = out / "no-header.csv"
    no_header.write_text("a,b\n1,2\n", "utf-8")
    copy = out / "copy.csv"
    shutil.copy(sheet, copy)
    latin = out / "latin.csv"
    latin.write_bytes(text.replace("Report", "Répört").encode("latin-1", "replace"))
    for path, message in (
        (no_column, "no column ok_treaty"),
        (no_header, "no header row starting with sample_id"),
        (latin, "not UTF-8"),
        (out / "absent.csv", "no such file"),
    ):
        result = invoke("review", "score", path)
        assert result.exit_code == 1, path
        assert f"{path}:" in result.output and message in " ".join(result.output.split())
    result = invoke("review", "score", sheet, copy)
    assert result.exit_code == 1
    assert "dates-1-001 is also in" in result.output and "score one copy" in result.output


# ------------------------------------------------------------------------ the log


def test_rounds_are_appended_to_the_log_and_never_rewrite_it(dataset, tmp_path):
    out = tmp_path / "out"
    assert sample(dataset, out, "recommendations", 12, 4).exit_code == 0
    fill(out / "recommendations-12.csv", {"ok_real": ["y", "y", "n", "y"]})
    log = tmp_path / "docs" / "quality.md"
    log.parent.mkdir()
    earlier = "# Quality\n\nNotes kept by hand, with no newline at the end"
    log.write_text(earlier, "utf-8")
    sheet = out / "recommendations-12.csv"
    result = invoke("review", "score", sheet, "--log", log, "--round", "2024-r1")
    assert result.exit_code == 0, result.output
    first = log.read_text("utf-8")
    assert first.startswith(earlier + "\n\n## Round 2024-r1\n")
    assert f"- Data: `{dataset.folder}` (release feedc0ffee)" in first
    assert "- Seeds: recommendations 12" in first
    assert f"`{sheet.as_posix()}`" in first
    assert "| recommendations | real | 4 | 3 | 75.0% | 30.1%–95.4% |" in first

    assert invoke("review", "score", sheet, "--log", log, "--round", "2024-r2").exit_code == 0
    second = log.read_text("utf-8")
    assert second.startswith(first) and second.count("## Round") == 2

    again = invoke("review", "score", sheet, "--log", log, "--round", "2024-r1")
    assert again.exit_code == 1 and "'2024-r1' is already logged" in again.output
    assert log.read_text("utf-8") == second

    missing_round = invoke("review", "score", sheet, "--log", log)
    assert missing_round.exit_code == 1 and "--log needs --round" in missing_round.output
    assert log.read_text("utf-8") == second


def test_a_new_log_starts_with_a_title(dataset, tmp_path):
    out = tmp_path / "out"
    assert sample(dataset, out, "dates", 1, 2).exit_code == 0
    log = tmp_path / "quality.md"
    assert (
        invoke("review", "score", out / "dates-1.csv", "--log", log, "--round", "a").exit_code == 0
    )
    text = log.read_text("utf-8")
    assert text.startswith("# Quality review rounds\n") and "\n## Round a\n" in text
    assert "Rows without any verdict: dates 2." in text


# ------------------------------------------------------------------------ pick


def make_corpus(folder: Path) -> list[str]:
    """31 documents (one in a subfolder), plus files a run would not read."""
    folder.mkdir()
    names = [f"doc-{i:02d}.md" for i in range(30)]
    for name in names:
        (folder / name).write_text(f"# {name}\n\nText of {name}.\n", "utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "deep.txt").write_text("A plain text document.\n", "utf-8")
    (folder / ".hidden.md").write_text("# hidden\n", "utf-8")
    (folder / "table.csv").write_text("a,b\n", "utf-8")
    return sorted([*names, "sub/deep.txt"])


def pick(corpus: Path, into: Path, seed: int, n: int = 5) -> Result:
    return invoke("review", "pick", "--corpus", corpus, "--n", n, "--seed", seed, "--into", into)


def picked_list(into: Path) -> list[str]:
    lines = (into / "picked.txt").read_text("utf-8").splitlines()
    return [line for line in lines if not line.startswith("#")]


def test_pick_is_deterministic_and_copies_what_it_lists(tmp_path):
    corpus = tmp_path / "corpus"
    documents = make_corpus(corpus)
    assert pick(corpus, tmp_path / "a", 11).exit_code == 0
    result = pick(corpus, tmp_path / "b", 11)
    assert result.exit_code == 0, result.output
    assert folder_bytes(tmp_path / "a") == folder_bytes(tmp_path / "b")
    chosen = picked_list(tmp_path / "a")
    assert len(chosen) == 5 and chosen == sorted(chosen) and set(chosen) <= set(documents)
    copied = folder_bytes(tmp_path / "a" / "documents")
    assert copied == {name: (corpus / name).read_bytes() for name in chosen}
    assert pick(corpus, tmp_path / "c", 12).exit_code == 0
    assert picked_list(tmp_path / "c") != chosen


def test_pick_more_than_the_corpus_takes_every_document_a_run_would_read(tmp_path):
    corpus = tmp_path / "corpus"
    documents = make_corpus(corpus)
    result = pick(corpus, tmp_path / "all", 1, 1000)
    assert result.exit_code == 0, result.output
    assert "picked 31 of 31 documents" in " ".join(result.output.split())
    assert picked_list(tmp_path / "all") == documents
    assert not (tmp_path / "all" / "documents" / ".hidden.md").exists()


def test_pick_refuses_a_target_that_is_not_empty_or_inside_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    make_corpus(corpus)
    target = tmp_path / "used"
    target.mkdir()
    (target / "verdicts.csv").write_text("keep me\n", "utf-8")
    result = pick(corpus, target, 1)
    assert result.exit_code == 1 and f"{target}: not empty" in result.output
    assert sorted(p.name for p in target.iterdir()) == ["verdicts.csv"]
    inside = pick(corpus, corpus / "round", 1)
    assert inside.exit_code == 1 and "inside the corpus" in inside.output
    assert not (corpus / "round").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert pick(corpus, empty, 1).exit_code == 0 and len(picked_list(empty)) == 5
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# ------------------------------------------------------------------------ on a real run


@pytest.mark.slow
def test_sheets_of_a_real_run_highlight_the_published_spans(tmp_path):
    from pipeline.run import run_local
    from pipeline.run.options import Settings

    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "alliance-note.md").write_text(
        "# Alliance Note\n\nJapan and South Korea signed the Treaty of San Francisco in "
        "September 1951. The United States should expand cooperation with Japan and "
        "Australia on 5G.\n\nIn 2019, Shinzo Abe met Moon Jae-in in Osaka.\n",
        "utf-8",
    )
    (documents / "trade-memo.md").write_text(
        "# Trade Memo\n\nThe Korea-U.S. Free Trade Agreement entered into force in 2012. "
        "Washington should work with Seoul and Tokyo on semiconductor supply chains.\n",
        "utf-8",
    )
    data = tmp_path / "data"
    manifest = run_local(Settings(input_dir=documents, output=data, cache=tmp_path / "cache"))
    assert manifest["failed"] == []
    assert all(manifest["counts"][table] > 0 for table in SPECS), manifest["counts"]
    result = invoke("review", "sample", "--table", "all", "--seed", 1, "--n", 100,
                    "--data", data, "--out", tmp_path / "sheets")  # fmt: skip
    assert result.exit_code == 0, result.output
    sentences = {
        row.sentence_id: row.text for row in read_table(data / "sentences.csv").itertuples()
    }
    for table in ("mentions", "dates", "treaty_mentions", "recommendations"):
        published = read_table(data / f"{table}.csv")
        key = columns(table)[0]
        _, header, rows = read_sheet(tmp_path / "sheets" / f"{table}-1.csv")
        assert "label" not in header
        assert sorted(row[key] for row in rows) == sorted(published[key]), table
        by_id = published.set_index(key)
        for row in rows:
            record = by_id.loc[row[key]]
            text = (data / "text" / f"{record.doc_id}.txt").read_text("utf-8")
            span = text[int(record.start_char) : int(record.end_char)]
            assert f"[[{span}]]" in row["context"], (table, row[key])
            assert sentences[record.sentence_id] in row["context"].replace("[[", "").replace(
                "]]", ""
            )
    _, _, entities = read_sheet(tmp_path / "sheets" / "entities-1.csv")
    mentioned = set(read_table(data / "mentions.csv")["text"])
    for row in entities:
        for i in (1, 2):
            if row[f"context_{i}"]:
                marked = row[f"context_{i}"].split("[[", 1)[1].split("]]", 1)[0]
                assert marked in mentioned
