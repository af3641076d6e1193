"""A review sheet as files: the CSV judges fill in and a self-contained HTML page to read.

The CSV opens with `# ` lines (what the sheet is, the instructions, one question per
verdict column), then a header row starting with `sample_id`, then one row per sample.
The scorer reads the `# table:`, `# seed:`, `# data:` and `# release:` lines back.
"""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass

from pipeline.quality.context import Context
from pipeline.quality.specs import GUIDELINES_NAME, INSTRUCTIONS, SheetSpec, sheet_columns

CSV_MARK = ("[[", "]]")
META_KEYS = ("table", "seed", "data", "release")
_CODE = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class SheetMeta:
    table: str
    seed: int
    data: str  # the dataset folder, as given
    release: str  # the dataset's release key ("" when unknown)
    total: int  # rows in the published table

    @property
    def stem(self) -> str:
        return f"{self.table}-{self.seed}"


@dataclass(frozen=True)
class SheetRow:
    sample_id: str
    fields: dict[str, str]  # the spec's fields, in order
    contexts: tuple[Context, ...]


def sample_id(meta: SheetMeta, number: int, count: int) -> str:
    """`<table>-<seed>-<nnn>`: unique across the sheets of a round."""
    return f"{meta.stem}-{number:0{max(3, len(str(count)))}d}"


def header_lines(spec: SheetSpec, meta: SheetMeta, rows: int) -> list[str]:
    """The `# ` lines that open the CSV: what the sheet is, then how to judge it."""
    return [
        f"# Review sheet: {meta.table}. One row is {spec.what}.",
        f"# table: {meta.table}",
        f"# seed: {meta.seed}",
        f"# data: {meta.data}",
        f"# release: {meta.release}",
        f"# sampled: {rows} of {meta.total} rows, uniformly without replacement",
        f"# guidelines: {GUIDELINES_NAME}",
        *(f"# {line}" for line in INSTRUCTIONS),
        *(f"# {verdict.column}: {verdict.question}" for verdict in spec.verdicts),
    ]


def context_cells(spec: SheetSpec, contexts: tuple[Context, ...]) -> list[str]:
    cells: list[str] = []
    for index in range(spec.contexts):
        context = contexts[index] if index < len(contexts) else None
        if context is None:
            cells += [""] * (4 if spec.document_date else 3)
            continue
        cells += [context.doc_id, context.title]
        if spec.document_date:
            cells.append(context.published)
        cells.append(context.marked(*CSV_MARK))
    return cells


def render_csv(spec: SheetSpec, meta: SheetMeta, rows: list[SheetRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for line in header_lines(spec, meta, len(rows)):
        writer.writerow([line])
    columns = sheet_columns(spec)
    writer.writerow(columns)
    blank = [""] * (len(spec.verdicts) + 1)  # the verdicts and the comment
    for row in rows:
        values = [row.sample_id, *(row.fields[name] for name in spec.fields)]
        writer.writerow([*values, *context_cells(spec, row.contexts), *blank])
    return buffer.getvalue()


STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 62em; color: #222;
       padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.1em; margin: 0 0 .4em; }
.instructions { background: #f4f6f8; border: 1px solid #d5dbe1; padding: .8em 1.2em; }
.instructions dt { font-weight: 600; margin-top: .4em; font-family: monospace; }
.sample { border-top: 2px solid #888; padding: 1em 0; break-inside: avoid; }
table { border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: .15em .8em .15em 0; }
th { font-weight: 600; white-space: nowrap; font-family: monospace; color: #444; }
.source { color: #555; margin: .6em 0 .1em; font-size: .9em; }
.passage { margin: 0 0 .4em; padding-left: .8em; border-left: 3px solid #ccc; }
mark { background: #ffe26a; padding: 0 .1em; }
.verdicts td { border: 1px solid #999; width: 4em; height: 1.4em; }
.verdicts th { padding-right: .6em; }
code { font-size: .95em; }
"""


def _inline(text: str) -> str:
    """Escaped text, with `names` in code type."""
    return _CODE.sub(r"<code>\1</code>", html.escape(text))


def _context_html(context: Context, spec: SheetSpec) -> str:
    where = context.doc_id + (f", {context.published}" if spec.document_date else "")
    passage = (
        f"{html.escape(context.before)}<mark>{html.escape(context.span)}</mark>"
        f"{html.escape(context.after)}"
    )
    return (
        f'<p class="source">{html.escape(context.title)} ({html.escape(where)})</p>'
        f'<p class="passage">{passage}</p>'
    )


def _sample_html(spec: SheetSpec, row: SheetRow) -> str:
    fields = "".join(
        f"<tr><th>{html.escape(name)}</th><td>{html.escape(row.fields[name])}</td></tr>"
        for name in spec.fields
    )
    contexts = "".join(_context_html(context, spec) for context in row.contexts)
    if not row.contexts:
        contexts = '<p class="source">(no mention to show)</p>'
    verdicts = "".join(
        f"<tr><th>{html.escape(verdict.column)}</th><td></td></tr>" for verdict in spec.verdicts
    )
    return (
        f'<article class="sample" id="{html.escape(row.sample_id)}">'
        f"<h2>{html.escape(row.sample_id)}</h2>"
        f'<table class="fields">{fields}</table>{contexts}'
        f'<table class="verdicts">{verdicts}</table></article>'
    )


def render_html(spec: SheetSpec, meta: SheetMeta, rows: list[SheetRow]) -> str:
    instructions = "".join(f"<li>{_inline(line)}</li>" for line in INSTRUCTIONS)
    questions = "".join(
        f"<dt>{html.escape(verdict.column)}</dt><dd>{_inline(verdict.question)}</dd>"
        for verdict in spec.verdicts
    )
    samples = "\n".join(_sample_html(spec, row) for row in rows)
    title = f"Review sheet: {meta.table} (seed {meta.seed})"
    release = f", release {html.escape(meta.release[:16])}" if meta.release else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n"
        f"<p>One row is {html.escape(spec.what)}. {len(rows)} of {meta.total} rows, sampled "
        f"uniformly without replacement from <code>{html.escape(meta.data)}</code>{release}.</p>\n"
        '<section class="instructions">\n<h2>How to judge</h2>\n'
        f"<ul>{instructions}<li>Record the verdicts in <code>{html.escape(meta.stem)}.csv"
        f"</code>; this page is for reading. The guidelines are in "
        f"<code>{GUIDELINES_NAME}</code>.</li></ul>\n<dl>{questions}</dl>\n</section>\n"
        f"<main>\n{samples}\n</main>\n</body>\n</html>\n"
    )
