"""Render a Markdown source as a web page with a real site's boilerplate, or as a Word file,
for reader round-trip tests."""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

from tests.pdfgen import plain_inline

# Lines a site wraps around its content; none may reach the published sentences.
BOILERPLATE = (
    "We use cookies to improve your experience on our site",
    "Accept all cookies",
    "Subscribe to our newsletter for weekly analysis",
    "Share this page on social media",
    "Related research from our experts",
    "Copyright Example Policy Institute. All rights reserved.",
    "Privacy policy and terms of use",
)


_NOTE = re.compile(r"<p><sup>(\w+)</sup>\s*(.*?)</p>\s*", re.DOTALL)
_MARK = re.compile(r"<sup>(\w+)</sup>")


def _article_html(markdown_text: str) -> str:
    """The Markdown rendered (markdown-it, raw HTML allowed), its `<sup>` marks made links
    to the notes, and its footnote paragraphs gathered under a "Notes" heading."""
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown_text)
    notes = _NOTE.findall(rendered)
    rendered = _NOTE.sub("", rendered)
    rendered = _MARK.sub(r'<sup><a href="#fn\1" id="ref\1">\1</a></sup>', rendered)
    if notes:
        items = "".join(f'<li id="fn{mark}">{text}</li>' for mark, text in notes)
        rendered += f"<h2>Notes</h2><ol>{items}</ol>"
    return rendered


def render_html(
    markdown_text: str, *, title: str, author: str, published: str, site: str, url: str
) -> str:
    """A web page: navigation, a cookie banner, a sidebar of related links, share bars, a
    footer, scripts and styles around an article with `<sup>` footnote links and notes."""
    article = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": title,
        "datePublished": published,
        "publisher": {"@type": "Organization", "name": site},
    }
    if author:
        article["author"] = {"@type": "Person", "name": author}
    author_meta = f'<meta name="author" content="{escape(author)}">' if author else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(title)} | Example Policy Institute</title>
{author_meta}
<meta property="og:title" content="{escape(title)}">
<meta property="og:site_name" content="{escape(site)}">
<meta property="article:published_time" content="{published}">
<link rel="canonical" href="{escape(url)}">
<script type="application/ld+json">{json.dumps(article)}</script>
<style>body {{ font-family: Georgia, serif; }} .banner {{ position: fixed; }}</style>
<script>window.dataLayer = window.dataLayer || []; function gtag() {{ dataLayer.push(arguments); }}</script>
</head><body>
<div class="banner cookie-consent"><p>{BOILERPLATE[0]}.</p><button>{BOILERPLATE[1]}</button></div>
<header><a class="logo" href="/">Example Policy Institute</a>
<nav><ul><li><a href="/">Home</a></li><li><a href="/research">Research</a></li>
<li><a href="/experts">Experts</a></li><li><a href="/events">Events</a></li>
<li><a href="/about">About</a></li></ul></nav></header>
<main><article>
<h1>{escape(title)}</h1>
<p class="byline">{published}</p>
<div class="share">{BOILERPLATE[3]}: <a href="#">Twitter</a> <a href="#">LinkedIn</a></div>
{_article_html(markdown_text)}
</article></main>
<aside class="sidebar"><h3>{BOILERPLATE[4]}</h3><ul>
<li><a href="/r/1">Alliances in an Age of Rivalry</a></li>
<li><a href="/r/2">The Future of Deterrence in Asia</a></li></ul>
<form><label>{BOILERPLATE[2]}</label><input type="email"></form></aside>
<footer><p>{BOILERPLATE[5]}</p><p><a href="/privacy">{BOILERPLATE[6]}</a></p></footer>
<script>gtag("config", "UA-000000-1");</script>
</body></html>
"""


def render_docx(markdown_text: str, path: Path, *, title: str, author: str) -> None:
    """A Word file: the title, headings, paragraphs, bulleted and numbered lists, and the
    footnote paragraphs under a "Notes" heading."""
    import docx
    from markdown_it import MarkdownIt

    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = author
    document.add_paragraph(title, style="Title")
    tokens = MarkdownIt("commonmark", {"html": True}).parse(markdown_text)
    lists: list[str] = []
    notes: list[str] = []
    for i, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append("List Bullet" if token.type == "bullet_list_open" else "List Number")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "inline":
            opening = tokens[i - 1]
            note = _FOOTNOTE_LINE.match(token.content)
            plain = " ".join(plain_inline(_MARK.sub("", token.content)).split())
            if not plain:
                continue
            if opening.type == "heading_open":
                level = int(opening.tag[1])
                if not (level == 1 and plain.casefold() == title.casefold()):
                    document.add_heading(plain, level=min(level, 3))
            elif note:
                notes.append(" ".join(plain_inline(note.group(2)).split()))
            else:
                for line in _HARD_BREAK.split(token.content):
                    text = " ".join(plain_inline(_MARK.sub("", line)).split())
                    if text:
                        document.add_paragraph(text, style=lists[-1] if lists else None)
    if notes:
        document.add_heading("Notes", level=1)
        for note in notes:
            document.add_paragraph(note, style="List Number")
    document.save(str(path))


_HARD_BREAK = re.compile(r"(?: {2,}|\\)\n")
_FOOTNOTE_LINE = re.compile(r"^<sup>(\w+)</sup>\s*(.*)$", re.DOTALL)
