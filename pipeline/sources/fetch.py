"""Download registered sources whose file is absent, verifying what arrives.

Every download has a deadline for the whole transfer (not per read: a server that
trickles one byte at a time is cut off), a size limit, its sha256 checked when the
registry has one, and its content checked against the file type the registry expects
(an HTML login page is not saved as a PDF). Nothing is written unless all checks pass.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from pipeline.errors import FetchError, RegistryError
from pipeline.sources.registry import Registry, Source, resolve_in

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
    problem = content_problem(data, expected_media_type(source))
    if problem:
        return FetchResult(
            source.id,
            "failed",
            f"{source.id}: {source.download_url} {problem}; nothing was written",
        )
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


def download(url: str, *, timeout: float, max_bytes: int = MAX_DOWNLOAD_BYTES) -> bytes:
    """The body at `url`, within `timeout` seconds for the whole transfer and `max_bytes`."""
    if not url.startswith(("http://", "https://")):
        raise FetchError(f"unsupported URL scheme in {url!r}")
    deadline = time.monotonic() + timeout
    late = FetchError(f"timed out after {timeout:g} s fetching {url}")
    try:
        with httpx.stream("GET", url, timeout=timeout, follow_redirects=True) as response:
            if response.status_code != 200:
                raise FetchError(f"HTTP {response.status_code} from {url}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"{url} is larger than {max_bytes:,} bytes")
            chunks, size = [], 0
            for chunk in response.iter_raw():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"{url} is larger than {max_bytes:,} bytes")
                if time.monotonic() > deadline:
                    raise late
                chunks.append(chunk)
            return _decoded(response, b"".join(chunks), url)
    except httpx.TimeoutException as error:
        raise late from error
    except httpx.HTTPError as error:
        raise FetchError(f"could not fetch {url}: {error}") from error


def _decoded(response: httpx.Response, raw: bytes, url: str) -> bytes:
    """The body without its transfer encoding (gzip, deflate), read raw to count bytes."""
    encoding = response.headers.get("content-encoding", "identity").lower()
    if encoding in ("", "identity"):
        return raw
    import zlib

    try:
        if encoding == "gzip":
            return zlib.decompress(raw, 16 + zlib.MAX_WBITS)
        if encoding == "deflate":
            return zlib.decompress(raw)
    except zlib.error as error:
        raise FetchError(f"{url}: damaged {encoding} body ({error})") from error
    raise FetchError(f"{url}: unsupported content encoding {encoding!r}")


def expected_media_type(source: Source) -> str:
    from pipeline.ingest.reader import MEDIA_TYPES

    return source.media_type or MEDIA_TYPES.get(Path(source.path).suffix.lower(), "")


def content_problem(data: bytes, media_type: str) -> str:
    """Why `data` is not a file of `media_type` ("" when it may be)."""
    head = data[:1024].lstrip().lower()
    looks_html = head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:300]
    if media_type == "application/pdf" and not data.startswith(b"%PDF-"):
        what = "an HTML page (a login or error page?)" if looks_html else "not a PDF"
        return f"returned {what}, but the registry expects a PDF"
    if media_type in ("text/markdown", "text/plain") and looks_html:
        return "returned an HTML page, but the registry expects text"
    return ""


def fetch_all(
    registry: Registry, raw: Path, *, only: tuple[str, ...] = (), timeout: float = 60.0
) -> list[FetchResult]:
    return [
        fetch_source(source, raw, timeout=timeout)
        for source in registry.sources
        if not only or source.id in only
    ]
