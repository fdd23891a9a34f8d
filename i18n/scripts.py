"""Texts for scripts that run in the browser (the widget, the agent console).

A script marks its texts as `_("…")` like the Python code; Babel finds them in the file
itself, so the server sends a browser exactly the catalog entries that script uses.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.messages.extract import extract

from i18n import LANGUAGES, catalog_for


@lru_cache(maxsize=None)
def script_messages(path: Path) -> tuple[str, ...]:
    """The message ids a script marks with `_()` (read once per process)."""
    with path.open("rb") as script:
        found = extract("javascript", script, keywords={"_": None})
        return tuple(dict.fromkeys(message for _line, message, _comments, _context in found))


def script_catalog(path: Path, language: str) -> dict[str, str]:
    return catalog_for(language, script_messages(path))


def script_catalogs(path: Path) -> dict[str, dict[str, str]]:
    """Every language's texts, for a script that switches language without asking the server."""
    return {language: script_catalog(path, language) for language in LANGUAGES}
