"""Small text helpers shared across stages."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from text_unidecode import unidecode

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_SURROGATES = re.compile("[\ud800-\udfff]")
MAX_DOC_ID = 220  # `<doc_id>.txt` stays well under the 255-byte file-name limit


def slugify(value: str) -> str:
    """ASCII slug: "Korea–U.S. Free Trade Agreement" -> "korea-u-s-free-trade-agreement"."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return _NON_SLUG.sub("-", ascii_text.lower()).strip("-")


def _digest(value: str, length: int) -> str:
    return hashlib.sha1(value.encode("utf-8", "surrogateescape")).hexdigest()[:length]


def document_id(name: str) -> str:
    """A document id for any file name: a slug, transliterated when the name is not
    Latin ("보고서" -> "bogoseo"), a hash when nothing is left, at most MAX_DOC_ID long."""
    clean = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    slug = slugify(clean) or slugify(unidecode(clean))
    if not slug:
        return f"doc-{_digest(name, 10)}"
    if len(slug) > MAX_DOC_ID:
        slug = f"{slug[: MAX_DOC_ID - 9].rstrip('-')}-{_digest(slug, 8)}"
    return slug


def printable(text: str) -> str:
    """Text that can be written anywhere: undecodable bytes of a file name (surrogate
    escapes) and lone surrogates become U+FFFD."""
    return _SURROGATES.sub("\ufffd", text)
