"""The `briefdata` command line."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.errors import BriefdataError
from pipeline.orchestrate import DEFAULT_CRON
from pipeline.run.release import EXIT_FAILED, exit_code

app = typer.Typer(
    help=(
        "Policy documents into validated tables: entities, dates, treaties, recommendations.\n\n"
        "Examples:\n\n"
        "  briefdata run                              # the registry into data/processed/\n\n"
        "  briefdata run --input my-docs/ --output out/\n\n"
        "  briefdata add report.pdf --title 'A Report' --url https://example.org/report\n\n"
        "  briefdata evaluate --gold tests/quality/dev/gold"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
console = Console(stderr=True)
out = Console()
_debug = {"on": False}


@app.callback()
def main_options(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks and Prefect's own log lines.")
    ] = False,
) -> None:
    _debug["on"] = debug


def _fail(error: Exception) -> None:
    console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_FAILED)


@contextmanager
def _reported_errors() -> Iterator[None]:
    """Expected errors as one line; unexpected ones too, with the traceback under --debug."""
    try:
        yield
    except BriefdataError as error:
        if _debug["on"]:
            console.print_exception()
        _fail(error)
    except OSError as error:
        if _debug["on"]:
            raise
        _fail(BriefdataError(f"{error.filename or ''}: {error.strerror or error}".lstrip(": ")))
    except (typer.Exit, KeyboardInterrupt):
        raise
    except Exception as error:
        if _debug["on"]:
            raise
        _fail(
            BriefdataError(
                f"unexpected {type(error).__name__}: {error} (run with --debug for the traceback)"
            )
        )


@contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """SIGTERM and SIGINT stop the run cleanly: worker processes and Prefect's server
    are stopped, the staging folder removed, the published release left as it was."""
    import signal

    received: list[int] = []

    def interrupt(signum: int, frame: Any) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    except KeyboardInterrupt:
        signum = received[0] if received else signal.SIGINT
        console.print(
            f"[bold red]stopped[/] by {signal.Signals(signum).name}: this run published nothing",
            highlight=False,
        )
        stop_children()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(128 + signum)  # Prefect's services would take many seconds to wind down
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def stop_children(grace: float = 3.0) -> None:
    """Terminate every process this one started (Prefect's server, workers), then kill
    what is still there after `grace` seconds."""
    import psutil

    children = psutil.Process().children(recursive=True)
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _, alive = psutil.wait_procs(children, timeout=grace)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()


@contextmanager
def _prefect_console_muted() -> Iterator[None]:
    """Prefect's console log lines off (they repeat what the CLI prints), unless --debug."""
    import logging

    if _debug["on"]:
        yield
        return
    import prefect.main  # noqa: F401 - configures Prefect's logging, which we then adjust
    from prefect.logging.handlers import PrefectConsoleHandler

    handlers = [
        handler
        for name in (None, "prefect", "prefect.flow_runs", "prefect.task_runs", "uvicorn")
        for handler in logging.getLogger(name).handlers
        if isinstance(handler, PrefectConsoleHandler)
    ]
    levels = [handler.level for handler in handlers]
    for handler in handlers:
        handler.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for handler, level in zip(handlers, levels, strict=True):
            handler.setLevel(level)


@app.command()
def run(
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            "-s",
            help="Re-extract only these source ids; the whole registry is still published "
            "(only these, with an explicit --output).",
        ),
    ] = None,
    input_dir: Annotated[
        Path | None, typer.Option("--input", help="Process every document in this folder instead.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Where to publish [data/processed].")
    ] = None,
    registry: Annotated[Path, typer.Option(help="Source registry.")] = Path("data/sources.yaml"),
    raw: Annotated[Path, typer.Option(help="Folder of registered files.")] = Path("data/raw"),
    prune: Annotated[
        bool,
        typer.Option("--prune", help="Allow the release to drop documents already published."),
    ] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Re-extract every document.")
    ] = False,
    runner: Annotated[str, typer.Option(help="Task runner: default or dask.")] = "default",
    address: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address (tcp://HOST:PORT); a local cluster if unset."),
    ] = None,
    n_process: Annotated[
        int | None, typer.Option(help="Worker processes for extraction (default: one per core).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the manifest and the run record as JSON.")
    ] = False,
) -> None:
    """Run the pipeline: ingest, extract, validate, publish.

    Exit codes: 0 all published; 2 published, but some sources are missing,
    failed or stale; 1 nothing published.
    """  # fmt: skip
    from pipeline.orchestrate import run_flow
    from pipeline.progress import listening

    target = output or Path("data/processed")
    with (
        _stopped_by_signals(),
        _reported_errors(),
        _progress_bars(enabled=not (quiet or as_json)) as listener,
        listening(listener),
        _prefect_console_muted(),
    ):
        result = run_flow(
            registry=str(registry),
            raw=str(raw),
            output=str(target),
            input_dir=str(input_dir) if input_dir else None,
            only=list(source or []),
            subset=bool(source) and output is not None,
            prune=prune,
            use_cache=not no_cache,
            runner=runner,
            address=address,
            n_process=n_process,
        )
    manifest, record = result["manifest"], result["run"]
    if as_json:
        out.print_json(json.dumps({**manifest, "run": record}))
    elif not quiet:
        _print_summary(manifest, record, target)
    for failure in manifest["failed"]:
        console.print(
            f"[red]failed:[/] {failure['doc_id']}: {failure['error']}",
            highlight=False, soft_wrap=True,
        )  # fmt: skip
    raise typer.Exit(exit_code(manifest))


@contextmanager
def _progress_bars(*, enabled: bool) -> Iterator[Any]:
    """A Rich progress display fed by the stages' progress events."""
    if not enabled:
        yield lambda event, data: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[note]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        tasks: dict[str, Any] = {}

        def listener(event: str, data: dict[str, Any]) -> None:
            if event == "extract-start":
                tasks["extract"] = progress.add_task(
                    "extract", total=data["total"], completed=data["cached"],
                    note=f"{data['cached']} unchanged (cached)",
                )  # fmt: skip
            elif event == "extract-advance" and "extract" in tasks:
                outcomes = data["outcomes"]
                failed = sum(1 for o in outcomes if o.status == "failed")
                note = f"last: {outcomes[-1].doc_id} ({outcomes[-1].status})" if outcomes else ""
                progress.update(tasks["extract"], advance=len(outcomes), note=note)
                if failed:
                    progress.console.print(f"[red]{failed} document(s) failed[/]")
            elif event == "publish-start":
                tasks["publish"] = progress.add_task("publish", total=1, note="validate and swap")
            elif event == "publish-done" and "publish" in tasks:
                progress.update(tasks["publish"], completed=1, note="done")

        yield listener


def _print_summary(manifest: dict[str, Any], record: dict[str, Any], output: Path) -> None:
    documents = Table(title="Documents", show_lines=False)
    for column in ("document", "status", "seconds"):
        documents.add_column(column)
    for outcome in record["outcomes"]:
        documents.add_row(outcome["doc_id"], outcome["status"], f"{outcome['seconds']:.2f}")
    if len(record["outcomes"]) <= 30:
        out.print(documents)
    counts = Table(title=f"Published to {output}")
    counts.add_column("table")
    counts.add_column("rows", justify="right")
    for table, count in manifest["counts"].items():
        counts.add_row(table, str(count))
    out.print(counts)
    for missing in manifest["missing"]:
        console.print(
            f"[yellow]missing:[/] {missing['doc_id']} ({missing['title']}): {missing['reason']}",
            highlight=False,
        )
    for stale in manifest["stale"]:
        console.print(
            f"[yellow]stale:[/] {stale['doc_id']} kept from the last release: {stale['reason']}",
            highlight=False,
        )
    for warning in manifest["warnings"]:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    counts = ", ".join(f"{n} {status}" for status, n in record["documents"].items())
    out.print(f"{record['state']} in {record['seconds']:.1f} s: {counts}", highlight=False)


@app.command()
def add(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE_OR_URL",
            help="A PDF, Word, web page, Markdown or text file, or the URL of a page or file.",
        ),
    ],
    title: Annotated[
        str, typer.Option(help="The document's title (a URL's page may give it).")
    ] = "",
    doc_id: Annotated[
        str | None, typer.Option("--id", help="Source id (default: the file name as a slug).")
    ] = None,
    url: Annotated[str, typer.Option(help="Landing page.")] = "",
    download_url: Annotated[str, typer.Option(help="Direct download URL for `fetch`.")] = "",
    author: Annotated[
        list[str] | None, typer.Option("--author", help="An author (repeatable).")
    ] = None,
    publisher: Annotated[str, typer.Option(help="Publisher.")] = "",
    published: Annotated[str, typer.Option(help="Publication date, YYYY[-MM[-DD]].")] = "",
    license_: Annotated[
        str, typer.Option("--license", help="SPDX licence (CC-BY-4.0) or 'All rights reserved'.")
    ] = "",
    cites: Annotated[
        list[str] | None, typer.Option("--cites", help="Id of a cited source (repeatable).")
    ] = None,
    registry: Annotated[Path, typer.Option(help="Source registry.")] = Path("data/sources.yaml"),
    raw: Annotated[Path, typer.Option(help="Folder of registered files.")] = Path("data/raw"),
) -> None:
    """Register a document and copy it into data/raw/; then `briefdata run`.

    A URL is downloaded, its type told from its content, and its title, authors, date,
    publisher, canonical address and licence taken from the page or file (any option given
    here wins). Everything is checked before anything is written: the date, the licence,
    the file (not already registered under another id), the metadata a run needs.

    Examples: briefdata add brief.pdf --title "A Brief" --published 2021-04;
    briefdata add https://example.org/briefs/alliances --author "Jane Doe"
    """
    from pipeline.sources.maintain import add_source, add_url

    fields = {
        "url": url, "download_url": download_url, "authors": tuple(author or ()),
        "publisher": publisher, "published": published, "license": license_,
        "cites": tuple(cites or ()),
    }  # fmt: skip
    with _reported_errors():
        if file.startswith(("http://", "https://")):
            from pipeline.run.options import Settings

            settings = Settings.from_env()
            overrides = {**fields, "title": title, "doc_id": doc_id}
            source, found = add_url(
                registry, raw, file, timeout=settings.fetch_timeout, overrides=overrides
            )
            shown = ", ".join(
                f"{k}: {'; '.join(v) if isinstance(v, tuple) else v}" for k, v in found.items()
            )
            out.print(f"the page says {shown or 'nothing of itself'}", highlight=False)
        else:
            if not title:
                raise BriefdataError("--title is required for a file")
            source = add_source(registry, raw, Path(file), title=title, doc_id=doc_id, **fields)
    out.print(
        f"registered [bold]{source.id}[/] ({raw / source.path}); run `briefdata run` to publish it",
        highlight=False,
    )


@app.command()
def update(
    source_id: Annotated[str, typer.Argument(metavar="ID", help="The source to update.")],
    file: Annotated[
        Path | None, typer.Option("--file", help="A new version of the file to copy in.")
    ] = None,
    title: Annotated[str | None, typer.Option(help="New title.")] = None,
    url: Annotated[str | None, typer.Option(help="New landing page.")] = None,
    download_url: Annotated[str | None, typer.Option(help="New download URL.")] = None,
    author: Annotated[
        list[str] | None, typer.Option("--author", help="Authors (repeatable; replaces them).")
    ] = None,
    publisher: Annotated[str | None, typer.Option(help="New publisher.")] = None,
    published: Annotated[str | None, typer.Option(help="New date, YYYY[-MM[-DD]].")] = None,
    license_: Annotated[str | None, typer.Option("--license", help="New licence.")] = None,
    registry: Annotated[Path, typer.Option(help="Source registry.")] = Path("data/sources.yaml"),
    raw: Annotated[Path, typer.Option(help="Folder of registered files.")] = Path("data/raw"),
) -> None:
    """Accept a changed file (record its new sha256), replace it (--file), or fix metadata."""
    from pipeline.sources.maintain import update_source

    fields = {
        "title": title, "url": url, "download_url": download_url,
        "authors": tuple(author) if author else None, "publisher": publisher,
        "published": published, "license": license_,
    }  # fmt: skip
    with _reported_errors():
        source = update_source(
            registry, raw, source_id, file=file,
            **{key: value for key, value in fields.items() if value is not None},
        )  # fmt: skip
    out.print(
        f"updated [bold]{source.id}[/] (sha256 {source.sha256[:12]}…); "
        "run `briefdata run` to publish it",
        highlight=False,
    )


@app.command()
def remove(
    source_id: Annotated[str, typer.Argument(metavar="ID", help="The source to unregister.")],
    delete_file: Annotated[
        bool, typer.Option("--delete-file", help="Also delete its file from data/raw/.")
    ] = False,
    registry: Annotated[Path, typer.Option(help="Source registry.")] = Path("data/sources.yaml"),
    raw: Annotated[Path, typer.Option(help="Folder of registered files.")] = Path("data/raw"),
) -> None:
    """Unregister a source. The next `briefdata run --prune` drops its rows."""
    from pipeline.sources.maintain import remove_source

    with _reported_errors():
        removal = remove_source(registry, raw, source_id, delete_file=delete_file)
    kept = "deleted" if removal.file_deleted else "kept"
    out.print(
        f"removed [bold]{removal.source_id}[/] from {registry} ({removal.file} {kept}); "
        "run `briefdata run --prune` to drop its rows from the published dataset",
        highlight=False,
    )


@app.command()
def fetch(
    ids: Annotated[list[str] | None, typer.Argument(help="Source ids (default: all).")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds before a download is abandoned.")] = 60.0,
    registry: Annotated[Path, typer.Option(help="Source registry.")] = Path("data/sources.yaml"),
    raw: Annotated[Path, typer.Option(help="Folder of registered files.")] = Path("data/raw"),
) -> None:
    """Download registered sources that are absent, checking their sha256."""
    from pipeline.sources.fetch import fetch_all
    from pipeline.sources.registry import load_registry

    try:
        reg = load_registry(registry)
        wanted = tuple(ids or ())
        for source_id in wanted:
            reg.get(source_id)
        results = fetch_all(reg, raw, only=wanted, timeout=timeout)
    except BriefdataError as error:
        _fail(error)
        return
    colors = {"downloaded": "green", "present": "dim", "no-url": "yellow", "failed": "red"}
    for result in results:
        out.print(
            f"[{colors[result.status]}]{result.status}[/] {result.message}",
            highlight=False,
            soft_wrap=True,
        )
    if any(r.status == "failed" for r in results):
        raise typer.Exit(EXIT_FAILED)


@app.command()
def validate(
    folder: Annotated[Path, typer.Argument(help="A published dataset.")] = Path("data/processed"),
) -> None:
    """Validate a published dataset against schemas/ (types, keys, offsets)."""
    from pipeline.release.schema import validate_package

    if not (folder / "datapackage.json").exists():
        _fail(BriefdataError(f"{folder}: no datapackage.json; is this a published dataset?"))
    report = validate_package(folder)
    if not report.ok:
        console.print(report.summary(limit=50), highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_FAILED)
    out.print(f"[green]valid[/]: {folder}")


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Option(help="Folder of gold YAML files.")] = Path(
        "tests/quality/dev/gold"
    ),
    data: Annotated[Path, typer.Option(help="Published dataset to score.")] = Path(
        "data/processed"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print scores as JSON.")] = False,
) -> None:
    """Score the published tables against gold annotations."""
    from pipeline.quality.evaluate import evaluate as score

    if not (data / "documents.csv").exists():
        _fail(BriefdataError(f"{data}: no documents.csv; run `briefdata run` first"))
    report = score(data, gold)
    if as_json:
        out.print_json(json.dumps(report.to_dict()))
    else:
        report.render(out)


@app.command(name="kb-report")
def kb_report(
    data: Annotated[Path, typer.Option(help="Published dataset to look at.")] = Path(
        "data/processed"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Reference knowledge the dataset never used: entries to review or prune."""
    from pipeline.quality.knowledge_report import knowledge_report

    with _reported_errors():
        if not (data / "entities.csv").exists():
            raise BriefdataError(f"{data}: no entities.csv; run `briefdata run` first")
        found = knowledge_report(data)
    if as_json:
        out.print_json(json.dumps(found.to_dict()))
        return
    out.print(
        f"entities: {found.entities_used} of {found.entities_total} knowledge-base entries used "
        f"(countries from ISO 3166: {found.countries_used} of {found.countries_total}); "
        f"treaties: {found.treaties_used} of {found.treaties_total}",
        highlight=False,
    )
    for kind, ids in (("entity", found.unused_entities), ("treaty", found.unused_treaties)):
        if ids:
            out.print(f"never used ({kind}): {', '.join(ids)}", highlight=False, soft_wrap=True)


@app.command()
def report(
    folder: Annotated[Path, typer.Argument(help="A published dataset.")] = Path("data/processed"),
) -> None:
    """Write report.html (self-contained) for a published dataset."""
    from pipeline.outputs.report import write_report

    if not (folder / "documents.csv").exists():
        _fail(BriefdataError(f"{folder}: no documents.csv; run `briefdata run` first"))
    path = write_report(folder)
    out.print(f"report: {path}")


@app.command()
def serve(
    cron: Annotated[str, typer.Option(help="Cron schedule (UTC).")] = DEFAULT_CRON,
    name: Annotated[str, typer.Option(help="Deployment name.")] = "briefdata-scheduled",
) -> None:
    """Serve the main flow on a schedule (needs a Prefect server: `prefect server start`)."""
    from prefect import serve as prefect_serve

    from pipeline.orchestrate import scheduled_deployment

    try:
        deployment = scheduled_deployment(cron=cron, name=name)
    except BriefdataError as error:
        _fail(error)
        return
    out.print(f"serving {name} on '{cron}' (UTC); Ctrl-C to stop")
    prefect_serve(deployment)


review_app = typer.Typer(
    help=(
        "Blind review rounds: pick documents, sample sheets for judges, score their verdicts.\n\n"
        "Examples:\n\n"
        "  briefdata review pick --corpus corpus/ --n 150 --seed 7 --into rounds/r1\n\n"
        "  briefdata run --input rounds/r1/documents --output rounds/r1/data\n\n"
        "  briefdata review sample --table all --seed 7 --data rounds/r1/data "
        "--out rounds/r1/sheets\n\n"
        "  briefdata review score rounds/r1/sheets/*.csv --log docs/quality.md --round r1"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(review_app, name="review")


@review_app.command("pick")
def review_pick(
    corpus: Annotated[Path, typer.Option(help="Folder of documents to pick from.")],
    seed: Annotated[int, typer.Option(help="Random seed (a fresh one each round).")],
    into: Annotated[Path, typer.Option(help="A new or empty folder for the picked documents.")],
    n: Annotated[int, typer.Option("--n", help="How many documents.")] = 150,
) -> None:
    """Copy N documents chosen at random (seeded) into INTO/documents/; list them in
    INTO/picked.txt. Then `briefdata run --input INTO/documents --output INTO/data`."""
    from pipeline.quality.review import pick_documents

    with _reported_errors():
        picked = pick_documents(corpus, n, seed, into)
    out.print(
        f"picked {len(picked.paths)} of {picked.available} documents into {picked.folder} "
        f"(listed in {picked.listing})",
        highlight=False,
        soft_wrap=True,
    )


@review_app.command("sample")
def review_sample(
    table: Annotated[
        str,
        typer.Option(
            help="entities, mentions, dates, treaties, treaty_mentions, recommendations, or all."
        ),
    ],
    seed: Annotated[int, typer.Option(help="Random seed (a fresh one each round).")],
    n: Annotated[int, typer.Option("--n", help="Rows per table.")] = 60,
    data: Annotated[Path, typer.Option(help="Published dataset.")] = Path("data/processed"),
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the sheets.")] = Path("review"),
) -> None:
    """Sample N rows of a table (seeded, without replacement) into OUT/<table>-<seed>.csv,
    for judges to fill in, and .html, to read; with the annotation guidelines beside them."""
    from pipeline.quality.review import tables_named, write_sheets

    with _reported_errors():
        sheets = write_sheets(data, tables_named(table), n, seed, out_dir)
    for sheet in sheets:
        out.print(
            f"{sheet.csv} and {sheet.html.name}: {sheet.rows} of {sheet.total} rows",
            highlight=False,
            soft_wrap=True,
        )


@review_app.command("score")
def review_score(
    sheets: Annotated[list[Path], typer.Argument(help="Filled sheets (CSV).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    log: Annotated[
        Path | None, typer.Option(help="Append the round to this Markdown log (docs/quality.md).")
    ] = None,
    round_name: Annotated[
        str | None, typer.Option("--round", help="The round's name in the log.")
    ] = None,
) -> None:
    """Check the verdicts (y, n, na or blank) and report, per table and attribute, the rows
    judged, those correct, precision and its 95% Wilson score interval."""
    from pipeline.quality.score import log_round, read_sheets, score_sheets, scores_table

    if log is not None and not (round_name or "").strip():
        _fail(BriefdataError("--log needs --round NAME (the round's name in the log)"))
    with _reported_errors():
        scores = score_sheets(read_sheets(list(sheets)))
        if log is not None and round_name is not None:
            log_round(log, scores, round_name.strip())
    if as_json:
        out.print_json(json.dumps(scores.to_dict()))
    else:
        out.print(scores_table(scores))
        for table in scores.tables:
            if table.unjudged:
                console.print(
                    f"[yellow]warning:[/] {table.table}: {table.unjudged} of {table.rows} rows "
                    "have no verdict",
                    highlight=False,
                    soft_wrap=True,
                )
    if log is not None:
        console.print(f"logged round {round_name} in {log}", highlight=False, soft_wrap=True)


@review_app.command("hygiene")
def review_hygiene(
    data: Annotated[Path, typer.Option(help="Published dataset.")] = Path("data/processed"),
) -> None:
    """Entity names no analyst should see (unbalanced brackets, a trailing function word, a
    possessive, a handle) and U.S. states linked to another place ("New Jersey" to Jersey).
    Exit 1 when there is any."""
    from pipeline.quality.hygiene import dataset_problems

    with _reported_errors():
        problems = dataset_problems(data)
    for problem in problems:
        out.print(
            f"{problem.table} {problem.row_id}: {problem.text!r}: {problem.problem}",
            highlight=False,
            soft_wrap=True,
        )
    out.print(f"{len(problems)} hygiene problems in {data}", highlight=False, soft_wrap=True)
    if problems:
        raise typer.Exit(1)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
