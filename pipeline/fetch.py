"""Download registered sources whose file is absent, verifying their sha256."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import httpx

from pipeline.errors import FetchError, RegistryError
from pipeline.registry import Registry, Source, resolve_in

MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class FetchResult:
    source_id: str
    status: str  # downloaded, present, no-url, failed
    message: str


def fetch_source(
    source: Source, raw: Path, *, timeout: float = 60.0, force: bool = False
) -> FetchResult:
    """Download one source into raw/ unless it is there; never overwrite on failure."""
    try:
        target = resolve_in(raw, source.path, f"source {source.id}")
    except RegistryError as error:
        return FetchResult(source.id, "failed", str(error))
    if target.exists() and not force:
        return FetchResult(source.id, "present", f"{target} already exists")
    if not source.download_url:
        where = f" from {source.url}" if source.url else ""
        return FetchResult(
            source.id,
            "no-url",
            f"{source.id}: no download_url registered; "
            f"download it by hand{where} and save it as {target}",
        )
    try:
        data = download(source.download_url, timeout=timeout)
    except FetchError as error:
        return FetchResult(source.id, "failed", f"{source.id}: {error}")
    digest = hashlib.sha256(data).hexdigest()
    if source.sha256 and digest != source.sha256:
        return FetchResult(
            source.id,
            "failed",
            f"{source.id}: sha256 mismatch for {source.download_url}: got {digest}, "
            f"the registry expects {source.sha256}; nothing was written",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.part")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return FetchResult(source.id, "downloaded", f"{source.id}: {len(data):,} bytes into {target}")


def download(url: str, *, timeout: float) -> bytes:
    if not url.startswith(("http://", "https://")):
        raise FetchError(f"unsupported URL scheme in {url!r}")
    try:
        with httpx.stream("GET", url, timeout=timeout, follow_redirects=True) as response:
            if response.status_code != 200:
                raise FetchError(f"HTTP {response.status_code} from {url}")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_DOWNLOAD_BYTES:
                    raise FetchError(f"{url} is larger than {MAX_DOWNLOAD_BYTES:,} bytes")
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.TimeoutException as error:
        raise FetchError(f"timed out after {timeout:g} s fetching {url}") from error
    except httpx.HTTPError as error:
        raise FetchError(f"could not fetch {url}: {error}") from error


def fetch_all(
    registry: Registry, raw: Path, *, only: tuple[str, ...] = (), timeout: float = 60.0
) -> list[FetchResult]:
    return [
        fetch_source(source, raw, timeout=timeout)
        for source in registry.sources
        if not only or source.id in only
    ]
