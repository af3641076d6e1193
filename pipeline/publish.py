"""Write, validate and atomically publish a dataset.

The new release is built in a sibling staging folder, validated there, and
swapped with the published folder in one `renameat2(RENAME_EXCHANGE)` call, so
a reader (or a crash) only ever sees the complete old or the complete new
dataset. A run that dies midway leaves a staging folder, which the next run
removes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.errors import PublishLocked, ValidationFailed
from pipeline.tableschema import TABLES, ValidationReport, datapackage_descriptor, validate_package

STAGING_PREFIX = ".staging-"
RETIRED_PREFIX = ".retired-"
FAILURE_REPORT = "validation-failures.json"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


_held: dict[Path, int] = {}


@contextmanager
def publish_lock(output: Path) -> Iterator[None]:
    """One run at a time per output folder; the kernel drops the lock if we die.

    Re-entrant within a process, so the main flow and its publish step can both
    ask for it.
    """
    key = output.resolve()
    if _held.get(key):
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    lock_path = output.parent / f".{output.name}.lock"
    handle = lock_path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as error:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise PublishLocked(
            f"another briefdata run (pid {holder}) is writing {output}; "
            "wait for it to finish and run again"
        ) from error
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    _held[key] = 1
    try:
        yield
    finally:
        _held.pop(key, None)
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def recover(output: Path) -> list[str]:
    """Remove what an interrupted publish left behind; restore a missing release."""
    notes = []
    parent = output.parent
    if not parent.exists():
        return notes
    retired = sorted(parent.glob(f"{RETIRED_PREFIX}{output.name}-*"))
    if not output.exists() and retired:
        os.rename(retired[-1], output)
        notes.append(f"restored {output} from an interrupted publish")
        retired = retired[:-1]
    for leftover in [*parent.glob(f"{STAGING_PREFIX}{output.name}-*"), *retired]:
        shutil.rmtree(leftover, ignore_errors=True)
        notes.append(f"removed leftover {leftover.name}")
    return notes


def write_release(
    folder: Path,
    tables: dict[str, pd.DataFrame],
    texts: dict[str, str],
    manifest: dict[str, Any],
    extra_files: dict[str, str] | None = None,
) -> None:
    """Every file of a release, written deterministically into `folder`."""
    (folder / "text").mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        tables[table].to_csv(
            folder / f"{table}.csv", index=False, lineterminator="\n", encoding="utf-8"
        )
    for doc_id, text in sorted(texts.items()):
        (folder / "text" / f"{doc_id}.txt").write_text(text, encoding="utf-8", newline="\n")
    write_json(folder / "datapackage.json", datapackage_descriptor())
    write_json(folder / "manifest.json", manifest)
    for name, content in (extra_files or {}).items():
        (folder / name).write_text(content, encoding="utf-8", newline="\n")


def publish(
    output: Path,
    tables: dict[str, pd.DataFrame],
    texts: dict[str, str],
    manifest: dict[str, Any],
    extra_files: dict[str, str] | None = None,
    *,
    with_report: bool = True,
) -> ValidationReport:
    """Build the release in staging, validate it, swap it in. Raises ValidationFailed."""
    staging = output.parent / f"{STAGING_PREFIX}{output.name}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        write_release(staging, tables, texts, manifest, extra_files)
        if with_report:
            from pipeline.report import write_report

            write_report(staging)
        report = validate_package(staging)
        if not report.ok:
            failure_path = output.parent / f"{output.name}-{FAILURE_REPORT}"
            write_json(failure_path, {"failures": report.failures})
            raise ValidationFailed(
                f"nothing published: {report.summary()}\nfull list: {failure_path}", failure_path
            )
        swap_into_place(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report


def swap_into_place(staging: Path, output: Path) -> None:
    if output.exists() and _exchange(staging, output):
        return  # staging now holds the old release; the caller removes it
    if output.exists():
        retired = output.parent / f"{RETIRED_PREFIX}{output.name}-{os.getpid()}"
        os.rename(output, retired)
        os.rename(staging, output)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.rename(staging, output)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(b))


def write_json(path: Path, data: Any) -> None:
    path.write_text(
        json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8"
    )
