"""Score filled review sheets: precision per table and per attribute, with the 95% Wilson
score interval, and a round appended to the quality log.

A verdict is `y`, `n`, `na` or blank (case and surrounding spaces do not matter). For an
attribute, the judged rows are those with `y` or `n`, the correct ones those with `y`.
For a table (attribute `all`), a row is judged when any verdict is `y` or `n`, and
correct when none is `n`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich import box
from rich.table import Table

from pipeline.quality.context import ReviewError
from pipeline.quality.sheet import META_KEYS
from pipeline.quality.specs import REVIEW_TABLES, SPECS, VERDICT_VALUES

Z_95 = 1.959963984540054  # the 0.975 quantile of the standard normal distribution
ROW_ATTRIBUTE = "all"
MAX_ERRORS = 50
LOG_TITLE = "# Quality review rounds"
LOG_INTRO = (
    "Blind review rounds, appended by `briefdata review score --log`. Precision is the share "
    "of judged rows the judges found right, with its 95% Wilson score interval."
)
_META_LINE = re.compile(r"#\s*([a-z_]+)\s*:\s*(.*)")


def wilson_interval(correct: int, judged: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for a proportion of `correct` out of `judged`."""
    if judged <= 0 or not 0 <= correct <= judged:
        raise ValueError(f"no interval for {correct} correct out of {judged}")
    share = correct / judged
    z2 = z * z
    denominator = 1 + z2 / judged
    centre = (share + z2 / (2 * judged)) / denominator
    half = z * math.sqrt(share * (1 - share) / judged + z2 / (4 * judged * judged)) / denominator
    low = 0.0 if correct == 0 else centre - half  # exact at the ends, free of rounding
    high = 1.0 if correct == judged else centre + half
    return low, high


# ------------------------------------------------------------------------ reading sheets


@dataclass(frozen=True)
class FilledRow:
    sample_id: str
    line: int  # the row's number in the file (as a spreadsheet shows it)
    verdicts: dict[str, str]  # verdict column -> "y", "n" or "" (na and blank)


@dataclass(frozen=True)
class FilledSheet:
    path: Path
    table: str
    seed: str
    data: str
    release: str
    rows: tuple[FilledRow, ...]


def normalized_verdict(value: str) -> str | None:
    """`y`, `n`, or "" for na and blank; None for anything else."""
    verdict = value.strip().lower()
    if verdict not in VERDICT_VALUES:
        return None
    return "" if verdict == "na" else verdict


def _decoded(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReviewError(
            f"{path}: not UTF-8 (byte {error.start}); save the sheet as CSV in UTF-8"
        ) from error


def _records(path: Path) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(_decoded(path), newline="")))
    except csv.Error as error:
        raise ReviewError(f"{path}: not a readable CSV file ({error})") from error


def read_sheet(path: Path, errors: list[str]) -> FilledSheet | None:
    """A filled sheet; every problem is added to `errors` naming the file, row and column."""
    if not path.is_file():
        errors.append(f"{path}: no such file")
        return None
    records = _records(path)
    meta: dict[str, str] = {}
    header_at = None
    for index, record in enumerate(records):
        first = record[0].strip() if record else ""
        if first == "sample_id":
            header_at = index
            break
        match = _META_LINE.fullmatch(first)
        if match and match.group(1) in META_KEYS:
            meta.setdefault(match.group(1), match.group(2).strip())
    if header_at is None:
        errors.append(f"{path}: no header row starting with sample_id; is this a review sheet?")
        return None
    table = meta.get("table", "")
    if table not in SPECS:
        found = f"'# table: {table}'" if table else "no '# table:' line"
        errors.append(f"{path}: {found}; expected one of {', '.join(REVIEW_TABLES)}")
        return None
    header = [name.strip() for name in records[header_at]]
    missing = [name for name in SPECS[table].verdict_columns if name not in header]
    if missing:
        errors.append(f"{path}: row {header_at + 1}: no column {', '.join(missing)}")
        return None
    rows = _filled_rows(path, table, header, records, header_at + 1, errors)
    return FilledSheet(
        path, table, meta.get("seed", ""), meta.get("data", ""), meta.get("release", ""),
        tuple(rows),
    )  # fmt: skip


def _filled_rows(
    path: Path, table: str, header: list[str], records: list[list[str]], first: int,
    errors: list[str],
) -> list[FilledRow]:  # fmt: skip
    columns = {name: header.index(name) for name in ("sample_id", *SPECS[table].verdict_columns)}
    rows: list[FilledRow] = []
    seen: dict[str, int] = {}
    for index in range(first, len(records)):
        record, line = records[index], index + 1

        def value(column: str, record: list[str] = record) -> str:
            position = columns[column]
            return record[position] if position < len(record) else ""

        if not any(cell.strip() for cell in record):
            continue
        sample = value("sample_id").strip()
        if not sample:
            errors.append(f"{path}: row {line}: no sample_id")
            continue
        if sample in seen:
            errors.append(f"{path}: row {line}: sample_id {sample} repeats row {seen[sample]}")
            continue
        seen[sample] = line
        verdicts: dict[str, str] = {}
        for column in SPECS[table].verdict_columns:
            verdict = normalized_verdict(value(column))
            if verdict is None:
                errors.append(
                    f"{path}: row {line} ({sample}), column {column}: {value(column)!r} is "
                    "not a verdict; write y, n or na, or leave it blank"
                )
                continue
            verdicts[column] = verdict
        rows.append(FilledRow(sample, line, verdicts))
    return rows


def read_sheets(paths: list[Path]) -> list[FilledSheet]:
    """Every sheet, checked; all problems reported at once in one error."""
    if not paths:
        raise ReviewError("no sheet given; pass the filled CSV files")
    errors: list[str] = []
    sheets = [sheet for path in paths if (sheet := read_sheet(path, errors)) is not None]
    owner: dict[str, Path] = {}
    for sheet in sheets:
        for row in sheet.rows:
            if row.sample_id in owner and owner[row.sample_id] != sheet.path:
                errors.append(
                    f"{sheet.path}: row {row.line}: sample_id {row.sample_id} is also in "
                    f"{owner[row.sample_id]}; score one copy of each sheet"
                )
            owner.setdefault(row.sample_id, sheet.path)
    if errors:
        more = f"\n... and {len(errors) - MAX_ERRORS} more" if len(errors) > MAX_ERRORS else ""
        raise ReviewError("\n".join(errors[:MAX_ERRORS]) + more)
    return sheets


# ------------------------------------------------------------------------ scores


@dataclass(frozen=True)
class Score:
    table: str
    attribute: str
    judged: int
    correct: int
    precision: float | None
    low: float | None  # the 95% Wilson score interval
    high: float | None


def score_of(table: str, attribute: str, verdicts: list[str]) -> Score:
    """Precision of `y`/`n` verdicts (blanks are not judged)."""
    judged = sum(1 for verdict in verdicts if verdict in ("y", "n"))
    correct = sum(1 for verdict in verdicts if verdict == "y")
    if not judged:
        return Score(table, attribute, 0, 0, None, None, None)
    low, high = wilson_interval(correct, judged)
    return Score(table, attribute, judged, correct, correct / judged, low, high)


def row_verdict(verdicts: dict[str, str]) -> str:
    """A row as a whole: n when any verdict is n, else y when any is y, else blank."""
    values = set(verdicts.values())
    return "n" if "n" in values else "y" if "y" in values else ""


@dataclass
class TableScores:
    table: str
    rows: int
    unjudged: int  # rows with no y or n at all
    scores: list[Score]


@dataclass
class RoundScores:
    sheets: list[FilledSheet]
    tables: list[TableScores] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sheets": [
                {"path": str(s.path), "table": s.table, "seed": s.seed, "data": s.data,
                 "release": s.release, "rows": len(s.rows)}
                for s in self.sheets
            ],
            "tables": {
                t.table: {"rows": t.rows, "unjudged": t.unjudged,
                          "attributes": {s.attribute: _score_dict(s) for s in t.scores}}
                for t in self.tables
            },
        }  # fmt: skip


def _score_dict(score: Score) -> dict[str, Any]:
    values = asdict(score)
    del values["table"], values["attribute"]
    values["interval"] = [values.pop("low"), values.pop("high")]
    return values


def score_sheets(sheets: list[FilledSheet]) -> RoundScores:
    """Scores per table (in the order of REVIEW_TABLES) and attribute, sheets pooled."""
    result = RoundScores(sheets)
    for table in REVIEW_TABLES:
        rows = [row for sheet in sheets if sheet.table == table for row in sheet.rows]
        if not any(sheet.table == table for sheet in sheets):
            continue
        scores = [
            score_of(table, verdict.attribute, [row.verdicts[verdict.column] for row in rows])
            for verdict in SPECS[table].verdicts
        ]
        overall = [row_verdict(row.verdicts) for row in rows]
        scores.append(score_of(table, ROW_ATTRIBUTE, overall))
        unjudged = sum(1 for verdict in overall if not verdict)
        result.tables.append(TableScores(table, len(rows), unjudged, scores))
    return result


def scores_table(scores: RoundScores) -> Table:
    """The scores as a console table."""
    table = Table(title="Review scores", box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("table", "attribute", "judged", "correct", "precision", "95% interval"):
        table.add_column(column, justify="left" if column in ("table", "attribute") else "right")
    for scored in scores.tables:
        for index, score in enumerate(scored.scores):
            table.add_row(
                scored.table if index == 0 else "", score.attribute, str(score.judged),
                str(score.correct), percent(score.precision), interval_text(score),
                end_section=index == len(scored.scores) - 1,
            )  # fmt: skip
    return table


def percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def interval_text(score: Score) -> str:
    if score.low is None or score.high is None:
        return "–"
    return f"{percent(score.low)}–{percent(score.high)}"


# ------------------------------------------------------------------------ the log


def markdown_section(scores: RoundScores, name: str, day: dt.date) -> str:
    """A round as a Markdown section: what was judged, then the figures."""
    datas = sorted({_dataset(sheet) for sheet in scores.sheets})
    seeds = sorted({f"{sheet.table} {sheet.seed}" for sheet in scores.sheets})
    lines = [
        f"## Round {name}",
        "",
        f"- Date: {day.isoformat()}",
        f"- Data: {', '.join(datas)}",
        f"- Seeds: {', '.join(seeds)}",
        f"- Sheets: {', '.join(f'`{sheet.path.as_posix()}`' for sheet in scores.sheets)}",
        "",
        "| table | attribute | judged | correct | precision | 95% interval |",
        "|---|---|---:|---:|---:|---|",
    ]
    for table in scores.tables:
        for score in table.scores:
            lines.append(
                f"| {table.table} | {score.attribute} | {score.judged} | {score.correct} | "
                f"{percent(score.precision)} | {interval_text(score)} |"
            )
    unjudged = [f"{t.table} {t.unjudged}" for t in scores.tables if t.unjudged]
    if unjudged:
        lines += ["", f"Rows without any verdict: {', '.join(unjudged)}."]
    return "\n".join(lines) + "\n"


def _dataset(sheet: FilledSheet) -> str:
    folder = f"`{sheet.data}`" if sheet.data else "(folder not recorded)"
    return f"{folder} (release {sheet.release[:16]})" if sheet.release else folder


def log_round(log: Path, scores: RoundScores, name: str, day: dt.date | None = None) -> None:
    """Append a round to the log, creating it with a title when absent; what is there is
    kept byte for byte. A round name already in the log is refused."""
    if not name or len(name.splitlines()) != 1:
        raise ReviewError(f"--round {name!r}: a round's name is one line of text")
    section = markdown_section(scores, name, day or dt.date.today())
    heading = section.splitlines()[0]
    existing = log.read_bytes() if log.exists() else b""
    try:
        text = existing.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ReviewError(f"{log}: not UTF-8; the round was not logged") from error
    if heading in text.splitlines():
        raise ReviewError(f"{log}: round {name!r} is already logged; give this round a new name")
    prefix = f"{LOG_TITLE}\n\n{LOG_INTRO}\n" if not existing else ""
    if existing and not text.endswith("\n"):
        prefix = "\n"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8", newline="\n") as handle:
        handle.write(f"{prefix}\n{section}")
