"""The run record: what happened in one run (times, statuses, counts), apart from the
release, which stays byte-identical for the same inputs."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pipeline.run.release import has_gaps

PARTIAL = "Partial"  # the Completed state's name for a run published with gaps


def run_record(
    manifest: dict[str, Any], outcomes: list[Any], started: str, finished: str, seconds: float
) -> dict[str, Any]:
    statuses = Counter(i["status"] for i in manifest["inputs"])
    statuses.update({"missing": len(manifest["missing"])})
    return {
        "state": PARTIAL if has_gaps(manifest) else "Completed",
        "started": started,
        "finished": finished,
        "seconds": round(seconds, 3),
        "documents": {status: count for status, count in sorted(statuses.items()) if count},
        "outcomes": [
            {"doc_id": o.doc_id, "status": o.status, "seconds": round(o.seconds, 3)}
            for o in outcomes
        ],
    }


def gaps_message(manifest: dict[str, Any]) -> str:
    """One line: what is missing, failed or stale ("" when nothing is)."""
    parts = []
    for key in ("missing", "failed", "stale"):
        ids = [entry["doc_id"] for entry in manifest[key]]
        if ids:
            shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
            parts.append(f"{len(ids)} {key} ({shown})")
    return "published with gaps: " + "; ".join(parts) if parts else ""


def markdown_summary(manifest: dict[str, Any], record: dict[str, Any], output: str) -> str:
    """The run as a Markdown report (a Prefect artifact): statuses, rows, warnings, time."""
    lines = [
        f"# briefdata run: {record['state']}",
        "",
        f"Published to `{output}` in {record['seconds']:.1f} s "
        f"(started {record['started']}, release `{manifest.get('release_key', '')[:12]}`).",
        "",
        "| documents | count |",
        "|---|---:|",
        *(f"| {status} | {count} |" for status, count in record["documents"].items()),
        "",
        "| table | rows |",
        "|---|---:|",
        *(f"| {table} | {count} |" for table, count in manifest["counts"].items()),
    ]
    problems = [
        *(f"missing: {m['doc_id']}: {m['reason']}" for m in manifest["missing"]),
        *(f"failed: {f['doc_id']}: {f['error']}" for f in manifest["failed"]),
        *(f"stale: {s['doc_id']}: {s['reason']}" for s in manifest["stale"]),
        *(f"warning: {w}" for w in manifest["warnings"]),
    ]
    if problems:
        lines += ["", "## Problems and warnings", ""]
        lines += [f"- {_escape(p)}" for p in problems[:200]]
        if len(problems) > 200:
            lines.append(f"- ... and {len(problems) - 200} more (see manifest.json)")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
