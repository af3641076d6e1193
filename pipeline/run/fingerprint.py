"""What an output is made from: code, model and knowledge-base versions, as keys.

A document's record key depends only on what its own extraction reads (its bytes,
its own metadata, the code, the model, the knowledge bases), so adding or changing
one source re-extracts that source alone. A release key covers everything a release
is made from, so an unchanged re-run rebuilds nothing.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pipeline.paths import PACKAGE_DIR, PROJECT_DIR, REFERENCE_DIR
from pipeline.run.cache import record_key

# Code that shapes a document's record; editing it invalidates the cache.
RECORD_CODE = ("ingest", "nlp", "extract", "knowledge", "learn", "types.py", "text.py",
               "release/record.py")  # fmt: skip
# Models trained here that extraction reads (a retrained model re-extracts every document).
TRAINED_MODELS = PROJECT_DIR / "data" / "models"
# Code that turns records into a release (tables, links, manifest, report).
RELEASE_CODE = ("release", "run", "outputs/report.py", "extract/citations.py")  # fmt: skip


def code_version(names: tuple[str, ...] = RECORD_CODE, root: Path = PACKAGE_DIR) -> str:
    """Hash of the source files (or folders) that shape an output."""
    digest = hashlib.sha256()
    for name in names:
        target = root / name
        files = sorted(p for p in target.rglob("*") if p.is_file()) if target.is_dir() else [target]
        for path in files:
            if path.exists() and path.suffix in (".py", ".json"):
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def knowledge_base_versions() -> dict[str, str]:
    """Every knowledge file by its name under data/reference/ ("entities/events")."""
    return {
        path.relative_to(REFERENCE_DIR).with_suffix("").as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        )
        for path in sorted(REFERENCE_DIR.rglob("*.yaml"))
    }


def model_fingerprint() -> dict[str, str]:
    from pipeline.nlp.model import installed_model_name, model_version

    name = installed_model_name()
    return {
        "name": name,
        "version": model_version(name),
        "spacy": importlib.metadata.version("spacy"),
        "trained": trained_models_version(),
    }


def trained_models_version(root: Path = TRAINED_MODELS) -> str:
    """Hash of every file of the models trained here (`data/models/`)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def fingerprint() -> dict[str, Any]:
    """The versions every record of this run is made with."""
    return {
        "code": code_version(),
        "model": model_fingerprint(),
        "knowledge_bases": knowledge_base_versions(),
    }


def item_key(item: Any, run_fingerprint: dict[str, Any]) -> str:
    """The cache key of one document's record: its bytes, its own metadata, the versions."""
    return record_key(item.sha256, {**run_fingerprint, "meta": asdict(item.meta)})


def release_key(plan: Any, run_fingerprint: dict[str, Any], failures: list[Any]) -> str:
    """Everything a release is made from; equal keys mean byte-identical releases."""
    payload = {
        "records": [(item.doc_id, item_key(item, run_fingerprint)) for item in plan.items],
        "missing": [asdict(m) for m in plan.missing],
        "plan_failed": [asdict(f) for f in plan.failed],
        "registered": sorted(plan.registered.items()),
        "failures": sorted((o.doc_id, o.status, o.error) for o in failures),
        "release_code": code_version(RELEASE_CODE),
        "schemas": code_version(("schemas",), PROJECT_DIR),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
