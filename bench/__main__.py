"""`make bench`: time and memory of the pipeline on the 1,000-document corpus and a long PDF.

    python -m bench [--quick] [--corpus PATH] [--docs N] [--pages N] [--repeat N]

Writes bench/results.json and prints a table; see bench/README.md for how to read it.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

from bench.workloads import (
    DEFAULT_CORPUS,
    REPO,
    change_one_document,
    copy_corpus,
    make_long_pdf,
    write_registry,
)

RESULTS = Path(__file__).resolve().parent / "results.json"

# Acceptance targets (issue 5): metric -> (comparison, bound).
TARGETS: dict[str, tuple[str, float]] = {
    "ratio_to_ceiling": (">=", 0.8),
    "cold_seconds": ("<", 180.0),
    "peak_rss_mb": ("<", 2000.0),
    "rerun_docs_reprocessed": ("==", 0),
    "rerun_seconds": ("<", 15.0),
    "one_changed_docs_reprocessed": ("==", 1),
    "add_one_docs_reprocessed": ("==", 1),
    "pdf_seconds": ("<", 60.0),
    "pdf_read_to_ceiling": ("<=", 1.3),
}


def _briefdata() -> str:
    script = Path(sys.executable).parent / "briefdata"
    return str(script) if script.exists() else (shutil.which("briefdata") or "briefdata")


class Bench:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.runs = 0
        self.new_prefect_home()

    def new_prefect_home(self) -> None:
        """A Prefect home of its own: the next run starts Prefect from nothing."""
        self.prefect_home = self.work / f"prefect-{self.runs}"
        self.prefect_home.mkdir()

    def env(self, cache: Path) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            PREFECT_HOME=str(self.prefect_home),
            PREFECT_LOGGING_LEVEL="WARNING",
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            BRIEFDATA_CACHE=str(cache),
        )
        env.pop("BRIEFDATA_N_PROCESS", None)
        return env

    def cli_run(self, inputs: Path | list[str], output: Path, cache: Path) -> dict[str, Any]:
        """`briefdata run --input DIR` (or the given input options) `--output --json`,
        in a fresh measuring process."""
        self.runs += 1
        stats_path = self.work / f"run-{self.runs}.json"
        selection = ["--input", str(inputs)] if isinstance(inputs, Path) else inputs
        command = [_briefdata(), "run", *selection, "--output", str(output), "--json"]
        subprocess.run(
            [sys.executable, "-m", "bench.tree_rss", str(stats_path), "--", *command],
            cwd=REPO,
            env=self.env(cache),
            check=True,
        )
        stats = json.loads(stats_path.read_text())
        stdout = stats_path.with_suffix(".stdout").read_text(encoding="utf-8")
        if stats["returncode"] not in (0, 2):
            stderr = stats_path.with_suffix(".stderr").read_text(encoding="utf-8")
            raise SystemExit(f"briefdata run failed ({stats['returncode']}):\n{stderr[-3000:]}")
        report = json.loads(stdout[stdout.index("{") :])
        statuses = [o["status"] for o in report["run"]["outcomes"]]
        stats["processed"] = statuses.count("processed")
        stats["cached"] = statuses.count("cached")
        stats["failed"] = statuses.count("failed")
        stats["extract_seconds"] = self.last_stage_seconds("extract")
        stats["peak_rss_mb"] = max(stats["ru_maxrss_mb"], stats["sampled_single_mb"])
        return stats

    def last_stage_seconds(self, flow_name: str) -> float | None:
        """Wall time of the latest run of a (sub)flow, as Prefect recorded its states."""
        db = self.prefect_home / "prefect.db"
        if not db.exists():
            return None
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            row = conn.execute(
                "SELECT fr.start_time, fr.end_time FROM flow_run fr"
                " JOIN flow f ON f.id = fr.flow_id WHERE f.name = ? AND fr.end_time IS NOT NULL"
                " ORDER BY fr.start_time DESC LIMIT 1",
                (flow_name,),
            ).fetchone()
        if not row:
            return None
        start, end = (datetime.fromisoformat(str(v)) for v in row)
        return (end - start).total_seconds()


def _json_of(command: list[str]) -> dict[str, Any]:
    out = subprocess.run(command, cwd=REPO, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _words(folder: Path) -> int:
    return sum(len(p.read_text(encoding="utf-8").split()) for p in folder.glob("*.txt"))


def machine() -> dict[str, Any]:
    from pipeline.nlp.model import installed_model_name, model_version

    versions = {}
    for name in ("spacy", "prefect", "pdfplumber", "pdfminer.six", "numpy"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    model = installed_model_name()
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        **versions,
        "model": model,
        "model_version": model_version(model),
        "loadavg_at_end": load,
    }


def check(results: dict[str, Any]) -> dict[str, bool | None]:
    verdict: dict[str, bool | None] = {}
    for metric, (op, bound) in TARGETS.items():
        value = results.get(metric)
        if value is None:
            verdict[metric] = None
        elif op == ">=":
            verdict[metric] = value >= bound
        elif op == "<=":
            verdict[metric] = value <= bound
        elif op == "<":
            verdict[metric] = value < bound
        else:
            verdict[metric] = value == bound
    return verdict


def run(args: argparse.Namespace) -> dict[str, Any]:
    from pipeline.run.options import Settings

    say = print
    work = Path(tempfile.mkdtemp(prefix="briefdata-bench-"))
    bench = Bench(work)
    try:
        corpus = work / "corpus"
        files = copy_corpus(args.corpus, corpus, args.docs)
        # The corpus is registered, but for one document that `briefdata add` adds later.
        held = work / "held" / files[-1].name
        held.parent.mkdir()
        files[-1].rename(held)
        files = files[:-1]
        registry = write_registry(files, work / "sources.yaml")
        registered = ["--registry", str(registry), "--raw", str(corpus)]
        docs = len(files)
        workers = (os.cpu_count() or 1) if docs >= Settings().pool_min_docs else 1
        colds, ceilings = [], []
        for i in range(args.cold_repeat):
            # Each sample: empty cache, new output folder, new Prefect home.
            out, cache = work / f"out-{i}", work / f"cache-{i}"
            if i:
                bench.new_prefect_home()
            say(f"cold run {i + 1}/{args.cold_repeat}: {docs} documents ...")
            colds.append(bench.cli_run(registered, out, cache))
            say(f"  {colds[-1]['seconds']:.1f} s; ceiling: bare nlp.pipe, n_process={workers} ...")
            ceilings.append(
                _json_of([sys.executable, "-m", "bench.ceiling", str(out / "text"), str(workers)])
            )
            say(f"  {ceilings[-1]['seconds']:.1f} s")
        corpus_words = _words(out / "text")
        order = sorted(range(len(colds)), key=lambda i: colds[i]["seconds"])
        cold = colds[order[len(order) // 2]]  # the median cold run (upper median if even)
        extract_samples = [c["extract_seconds"] for c in colds]
        ceiling_samples = [c["seconds"] for c in ceilings]
        # Each cold run and its ceiling ran back to back: their ratio is the paired sample.
        ratio_samples = [
            (c["seconds"] / e) if e else None
            for e, c in zip(extract_samples, ceilings, strict=True)
        ]

        say(f"unchanged re-runs x{args.repeat} ...")
        reruns = [bench.cli_run(registered, out, cache) for _ in range(args.repeat)]
        say(f"one changed document x{args.repeat} ...")
        changed = []
        for i in range(args.repeat):
            change_one_document(files[(i * 97) % docs])
            changed.append(bench.cli_run(registered, out, cache))
        say("one document added with `briefdata add` ...")
        subprocess.run(
            [_briefdata(), "add", str(held), "--title", "An added statement", *registered],
            cwd=REPO, env=bench.env(cache), check=True, capture_output=True,
        )  # fmt: skip
        added = bench.cli_run(registered, out, cache)

        say(f"generating a {args.pages}-page two-column PDF ...")
        pdf_dir = work / "pdf"
        pdf_dir.mkdir()
        pdf = pdf_dir / "compilation.pdf"
        started = time.perf_counter()
        pages = make_long_pdf(args.corpus, pdf, args.pages)
        say(f"  {pages} pages in {time.perf_counter() - started:.1f} s; PDF end to end ...")
        pdf_runs = [
            bench.cli_run(pdf_dir, work / f"pdf-out-{i}", work / f"pdf-cache-{i}")
            for i in range(args.repeat)
        ]
        say(f"read_pdf against bare pdfplumber x{args.repeat} ...")
        pdf_time = _json_of([sys.executable, "-m", "bench.pdftime", str(pdf), str(args.repeat)])

        extract_seconds = median(e for e in extract_samples if e) if any(extract_samples) else None
        ceiling_seconds = median(ceiling_samples)
        wps = corpus_words / extract_seconds if extract_seconds else None
        ceiling_wps = ceilings[0]["words"] / ceiling_seconds
        ratios = [r for r in ratio_samples if r is not None]
        results: dict[str, Any] = {
            "corpus": str(args.corpus),
            "corpus_docs": docs,
            "corpus_words": corpus_words,
            "cold_seconds": round(median(c["seconds"] for c in colds), 2),
            "extract_seconds": round(extract_seconds, 2) if extract_seconds else None,
            "words_per_second": round(wps) if wps else None,
            "ceiling_words_per_second": round(ceiling_wps),
            "ceiling_seconds": round(ceiling_seconds, 2),
            "ceiling_n_process": workers,
            "ratio_to_ceiling": round(median(ratios), 3) if ratios else None,
            "cold_docs_processed": cold["processed"],
            "cold_docs_failed": cold["failed"],
            "rerun_seconds": round(median(r["seconds"] for r in reruns), 2),
            "rerun_docs_reprocessed": max(r["processed"] for r in reruns),
            "one_changed_seconds": round(median(r["seconds"] for r in changed), 2),
            "one_changed_docs_reprocessed": max(r["processed"] for r in changed),
            "add_one_seconds": round(added["seconds"], 2),
            "add_one_docs_reprocessed": added["processed"],
            "peak_rss_mb": round(max(c["peak_rss_mb"] for c in colds)),
            "peak_tree_rss_sum_mb": round(max(c["sampled_tree_sum_mb"] for c in colds)),
            "peak_tree_pss_sum_mb": round(max(c["sampled_tree_pss_mb"] for c in colds)),
            "pdf_pages": pages,
            "pdf_words": pdf_time["words"],
            "pdf_seconds": round(median(r["seconds"] for r in pdf_runs), 2),
            "pdf_read_seconds": round(pdf_time["read_seconds"], 2),
            "pdf_ceiling_seconds": round(pdf_time["ceiling_seconds"], 2),
            "pdf_read_to_ceiling": round(pdf_time["read_seconds"] / pdf_time["ceiling_seconds"], 3),
            "samples": {
                "cold_seconds": [round(c["seconds"], 2) for c in colds],
                "extract_seconds": [round(e, 2) if e else None for e in extract_samples],
                "ceiling_seconds": [round(x, 2) for x in ceiling_samples],
                "ratio_to_ceiling": [round(r, 3) if r else None for r in ratio_samples],
                "peak_rss_mb": [round(c["peak_rss_mb"]) for c in colds],
                "rerun_seconds": [round(r["seconds"], 2) for r in reruns],
                "one_changed_seconds": [round(r["seconds"], 2) for r in changed],
                "pdf_seconds": [round(r["seconds"], 2) for r in pdf_runs],
                "pdf_read_seconds": [round(s, 2) for s in pdf_time["read_samples"]],
                "pdf_ceiling_seconds": [round(s, 2) for s in pdf_time["ceiling_samples"]],
                "cold_peak_processes": cold["max_processes"],
            },
            "options": {
                "quick": args.quick,
                "docs": args.docs,
                "pages": args.pages,
                "repeat": args.repeat,
                "cold_repeat": args.cold_repeat,
            },
            "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "machine": machine(),
        }
        results["targets"] = {
            metric: {"target": f"{op} {bound}", "pass": ok}
            for (metric, (op, bound)), ok in zip(
                TARGETS.items(), check(results).values(), strict=True
            )
        }
        return results
    finally:
        if args.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def show(results: dict[str, Any], path: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"briefdata bench ({path})")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("target")
    table.add_column("", justify="center")
    skip = {"samples", "options", "machine", "targets", "corpus", "date"}
    for key, value in results.items():
        if key in skip:
            continue
        target = results["targets"].get(key)
        mark = ""
        if target:
            mark = {True: "[green]pass[/]", False: "[red]FAIL[/]", None: "?"}[target["pass"]]
        shown = f"{value:,}" if isinstance(value, int) else str(value)
        table.add_row(key, shown, target["target"] if target else "", mark)
    m = results["machine"]
    table.caption = (
        f"{m['cores']} cores, Python {m['python']}, spaCy {m['spacy']}, Prefect {m['prefect']}, "
        f"pdfplumber {m['pdfplumber']}, {m['model']} {m['model_version']}"
    )
    Console().print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 documents, a 40-page PDF")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--docs", type=int, default=None, help="documents (default: all)")
    parser.add_argument("--pages", type=int, default=None, help="PDF pages (default 200)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="samples of the cheap measurements (medians reported)"
    )
    parser.add_argument(
        "--cold-repeat",
        type=int,
        default=1,
        help="cold runs, each followed by its ceiling (medians; ratio = median of pairs)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if args.quick:
        args.docs = args.docs or 100
        args.pages = args.pages or 40
    args.pages = args.pages or 200
    results = run(args)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    show(results, args.output)
    return 0 if all(t["pass"] for t in results["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
