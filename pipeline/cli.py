"""The `briefdata` command line."""

from __future__ import annotations

import json
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
from pipeline.run import EXIT_FAILED, exit_code

app = typer.Typer(
    help=(
        "Policy documents into validated tables: entities, dates, treaties, recommendations.\n\n"
        "Examples:\n\n"
        "  briefdata run                              # the registry into data/processed/\n\n"
        "  briefdata run --input my-docs/ --output out/\n\n"
        "  briefdata add report.pdf --title 'A Report' --url https://example.org/report\n\n"
        "  briefdata evaluate --gold tests/gold"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
console = Console(stderr=True)
out = Console()


def _fail(error: Exception) -> None:
    console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_FAILED)


@app.command()
def run(
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Only these source ids.")
    ] = None,
    input_dir: Annotated[
        Path | None, typer.Option("--input", help="Process every document in this folder instead.")
    ] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to publish.")] = Path(
        "data/processed"
    ),
    registry: Annotated[Path, typer.Option(help="Source registry.")] = Path("data/sources.yaml"),
    raw: Annotated[Path, typer.Option(help="Folder of registered files.")] = Path("data/raw"),
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
        bool, typer.Option("--json", help="Print the run manifest as JSON.")
    ] = False,
) -> None:
    """Run the pipeline: ingest, extract, validate, publish.

    Exit codes: 0 all published; 2 published, but some sources are missing,
    failed or stale; 1 nothing published.
    """
    from pipeline.orchestrate import run_flow
    from pipeline.progress import listening

    try:
        with _progress_bars(enabled=not (quiet or as_json)) as listener, listening(listener):
            manifest = run_flow(
                registry=str(registry),
                raw=str(raw),
                output=str(output),
                input_dir=str(input_dir) if input_dir else None,
                only=list(source or []),
                use_cache=not no_cache,
                runner=runner,
                address=address,
                n_process=n_process,
            )
    except BriefdataError as error:
        _fail(error)
        return
    if as_json:
        out.print_json(json.dumps(manifest))
    elif not quiet:
        _print_summary(manifest, output)
    for failure in manifest["failed"]:
        console.print(f"[red]failed:[/] {failure['error']}", highlight=False, soft_wrap=True)
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


def _print_summary(manifest: dict[str, Any], output: Path) -> None:
    documents = Table(title="Documents", show_lines=False)
    for column in ("document", "status", "seconds"):
        documents.add_column(column)
    for outcome in manifest.get("outcomes", []):
        documents.add_row(outcome["doc_id"], outcome["status"], f"{outcome['seconds']:.2f}")
    if len(manifest.get("outcomes", [])) <= 30:
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


@app.command()
def add(
    file: Annotated[
        Path, typer.Argument(help="A PDF, Markdown or text file.", exists=True, dir_okay=False)
    ],
    title: Annotated[str, typer.Option(help="The document's title.")],
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
    license_: Annotated[str, typer.Option("--license", help="License.")] = "",
    cites: Annotated[
        list[str] | None, typer.Option("--cites", help="Id of a cited source (repeatable).")
    ] = None,
    registry: Annotated[Path, typer.Option(help="Source registry.")] = Path("data/sources.yaml"),
    raw: Annotated[Path, typer.Option(help="Folder of registered files.")] = Path("data/raw"),
) -> None:
    """Register a document and copy it into data/raw/; then `briefdata run`."""
    from pipeline.registry import add_source

    try:
        source = add_source(
            registry,
            raw,
            file,
            title=title,
            doc_id=doc_id,
            url=url,
            download_url=download_url,
            authors=tuple(author or ()),
            publisher=publisher,
            published=published,
            license=license_,
            cites=tuple(cites or ()),
        )
    except BriefdataError as error:
        _fail(error)
        return
    out.print(
        f"registered [bold]{source.id}[/] ({raw / source.path}); run `briefdata run` to publish it"
    )


@app.command()
def fetch(
    ids: Annotated[list[str] | None, typer.Argument(help="Source ids (default: all).")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds before a download is abandoned.")] = 60.0,
    registry: Annotated[Path, typer.Option(help="Source registry.")] = Path("data/sources.yaml"),
    raw: Annotated[Path, typer.Option(help="Folder of registered files.")] = Path("data/raw"),
) -> None:
    """Download registered sources that are absent, checking their sha256."""
    from pipeline.fetch import fetch_all
    from pipeline.registry import load_registry

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
    from pipeline.tableschema import validate_package

    if not (folder / "datapackage.json").exists():
        _fail(BriefdataError(f"{folder}: no datapackage.json; is this a published dataset?"))
    report = validate_package(folder)
    if not report.ok:
        console.print(report.summary(limit=50), highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_FAILED)
    out.print(f"[green]valid[/]: {folder}")


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Option(help="Folder of gold YAML files.")] = Path("tests/gold"),
    data: Annotated[Path, typer.Option(help="Published dataset to score.")] = Path(
        "data/processed"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print scores as JSON.")] = False,
) -> None:
    """Score the published tables against gold annotations."""
    from pipeline.evaluate import evaluate as score

    if not (data / "documents.csv").exists():
        _fail(BriefdataError(f"{data}: no documents.csv; run `briefdata run` first"))
    report = score(data, gold)
    if as_json:
        out.print_json(json.dumps(report.to_dict()))
    else:
        report.render(out)


@app.command()
def report(
    folder: Annotated[Path, typer.Argument(help="A published dataset.")] = Path("data/processed"),
) -> None:
    """Write report.html (self-contained) for a published dataset."""
    from pipeline.report import write_report

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


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
