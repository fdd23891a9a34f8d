"""Article Markdown made safe to show, and short enough for a chat bubble.

Raw HTML in an article is shown as text (markdown-it's `html` option off), and
markdown-it's link validation refuses `javascript:`, `vbscript:`, `file:` and `data:`
targets, so neither an editor's slip nor text from the bridge can inject script.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def render_markdown(text: str) -> Markup:
    return Markup(_markdown.render(text))


def plain_text(text: str) -> str:
    """The words of a Markdown text without its markup, for chat replies and snippets."""
    parts: list[str] = []
    for token in _markdown.parse(text):
        if token.type == "inline" and token.children:
            for child in token.children:
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
            parts.append(" ")
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def summarize(text: str, limit: int = 320) -> str:
    """Whole sentences up to about `limit` characters: a chat answer, not the full article."""
    plain = plain_text(text)
    if len(plain) <= limit:
        return plain
    sentences = re.split(r"(?<=[.!?])\s+", plain)
    summary = ""
    for sentence in sentences:
        if summary and len(summary) + len(sentence) + 1 > limit:
            break
        summary = f"{summary} {sentence}".strip()
    if len(summary) > limit:
        summary = summary[: limit - 1].rsplit(" ", 1)[0] + "…"
    return summary
