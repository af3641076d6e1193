"""Write, validate and atomically publish a dataset.

The new release is built in a sibling staging folder, validated there, and
swapped with the published folder in one `renameat2(RENAME_EXCHANGE)` call, so
a reader (or a crash) only ever sees the complete old or the complete new
dataset. A run that dies midway leaves a staging folder, which the next run
removes.

The output folder is the pipeline's, provably: a release replaces only a folder
that does not exist, is empty, or holds a release and nothing else. A symbolic
link to the output is followed (the release goes where it points) and the lock
is keyed by the real folder, so two names of one folder share one lock.
"""

from __future__ import annotations

import contextlib
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

from pipeline.errors import BriefdataError, PublishLocked, ValidationFailed
from pipeline.release.schema import (
    TABLES,
    ValidationReport,
    datapackage_descriptor,
    validate_package,
)
from pipeline.text import printable

STAGING_PREFIX = ".staging-"
RETIRED_PREFIX = ".retired-"
FAILURE_REPORT = "validation-failures.json"
PACKAGE_NAME = "briefdata"
# Every entry a release folder holds; anything else in an output folder is not ours.
RELEASE_FILES = frozenset(
    {f"{table}.csv" for table in TABLES}
    | {"text", "datapackage.json", "manifest.json", "report.html"}
)
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


_held: dict[Path, int] = {}


class OutputRefused(BriefdataError):
    """The output folder is not a release folder (or cannot be one)."""


def real_output(output: Path) -> Path:
    """The folder a release goes to: `output` with every symbolic link resolved."""
    return output.resolve()


@contextmanager
def publish_lock(output: Path) -> Iterator[None]:
    """One run at a time per output folder; the kernel drops the lock if we die.

    Keyed by the real folder. Re-entrant within a process. The lock file beside the
    folder is removed when released; a run that finds it replaced after locking it
    (another run removed it meanwhile) locks the new one instead.
    """
    key = real_output(output)
    if _held.get(key):
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    handle = _acquire(key, output)
    _held[key] = 1
    try:
        yield
    finally:
        _held.pop(key, None)
        lock_path = _lock_path(key)
        with contextlib.suppress(OSError):
            if os.fstat(handle.fileno()).st_ino == os.stat(lock_path).st_ino:
                lock_path.unlink()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _lock_path(real: Path) -> Path:
    return real.parent / f".{real.name}.lock"


def _acquire(real: Path, shown: Path) -> Any:
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputRefused(
            f"{shown}: cannot create its parent folder: {error.strerror}"
        ) from error
    while True:
        lock_path = _lock_path(real)
        try:
            handle = lock_path.open("a+")
        except OSError as error:
            raise OutputRefused(
                f"{shown}: cannot write in {real.parent}: {error.strerror}"
            ) from error
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise PublishLocked(
                f"another briefdata run (pid {holder}) is writing {shown}; "
                "wait for it to finish and run again"
            ) from error
        try:
            same = os.fstat(handle.fileno()).st_ino == os.stat(lock_path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            return handle
        handle.close()  # removed by the run that just finished: lock the new file


def check_output(output: Path) -> None:
    """Refuse an output that is a file, or a folder holding anything but a release."""
    real = real_output(output)
    if real.exists() and not real.is_dir():
        raise OutputRefused(f"{output}: exists and is not a folder; choose another --output")
    if not real.exists():
        return
    entries = sorted(p.name for p in real.iterdir())
    if not entries:
        return
    foreign = [name for name in entries if name not in RELEASE_FILES]
    if not (real / "datapackage.json").is_file() or _package_name(real) != PACKAGE_NAME:
        raise OutputRefused(
            f"{output}: not empty and not a briefdata release ({_listing(entries)}); "
            "publishing would replace what is there. Choose an empty or new folder."
        )
    if foreign:
        raise OutputRefused(
            f"{output}: holds files that are not part of a release ({_listing(foreign)}); "
            "publishing would delete them. Move them elsewhere or choose another folder."
        )


def _package_name(folder: Path) -> str:
    try:
        return str(json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["name"])
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def recover(output: Path) -> list[str]:
    """Remove what an interrupted publish left behind; restore a missing release."""
    output = real_output(output)
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
    report_folder: Path | None = None,
) -> ValidationReport:
    """Build the release in staging, validate it, swap it in.

    Raises ValidationFailed (the full list of failures goes to `report_folder`,
    default: the system's temporary folder), OutputRefused for an output that is not
    a release folder, and PublishFailed when the disk refuses the release (full,
    read-only); in every case the published release is unchanged and nothing is left.
    """
    shown = output
    check_output(output)
    output = real_output(output)
    staging = output.parent / f"{STAGING_PREFIX}{output.name}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        write_release(staging, tables, texts, manifest, extra_files)
        if with_report:
            from pipeline.outputs.report import write_report

            write_report(staging)
        report = validate_package(staging)
        if not report.ok:
            listed = _failure_list(report, report_folder, output)
            where = f"\nfull list: {listed}" if listed else ""
            raise ValidationFailed(f"nothing published: {report.summary()}{where}", listed)
        swap_into_place(staging, output)
    except OSError as error:
        reason = error.strerror or str(error)
        raise PublishFailed(
            f"nothing published: could not write the release next to {shown} ({reason}); "
            "the published release is unchanged"
        ) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report


class PublishFailed(BriefdataError):
    """The file system refused the release (disk full, read-only, permissions)."""


def _failure_list(report: ValidationReport, folder: Path | None, output: Path) -> Path | None:
    """Where the full list of validation failures was written (None if nowhere)."""
    import tempfile

    target = (folder or Path(tempfile.gettempdir())) / f"{output.name}-{FAILURE_REPORT}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_json(target, {"failures": report.failures})
    except OSError:
        return None
    return target


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
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    path.write_text(printable(text), encoding="utf-8")
