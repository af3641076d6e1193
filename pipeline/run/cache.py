"""Content-addressed cache of per-document records.

A record is keyed by the sha256 of the document's bytes plus everything that
shapes its extraction (code version, model, knowledge bases, settings), so an
unchanged document is never parsed twice and any change that matters
invalidates exactly the records it affects.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def record_key(content_sha256: str, fingerprint: dict[str, Any]) -> str:
    payload = json.dumps({"content": content_sha256, **fingerprint}, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class RecordCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        path = self._path(key)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError, UnicodeDecodeError):
            return None  # absent, unreadable or torn by a crash: recompute

    def has(self, key: str) -> bool:
        try:
            return self._path(key).is_file()
        except OSError:
            return False

    def put(self, key: str, record: dict[str, Any]) -> bool:
        """Store a record; False (and nothing left behind) when the cache cannot be written."""
        path = self._path(key)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, path)
            return True
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            return False
