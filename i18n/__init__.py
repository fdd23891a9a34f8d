"""What a person reads, in their language: German and English from gettext catalogs.

English is the source language (the message ids), so it needs no catalog; German lives in
`locale/de/LC_MESSAGES/nahbar.po`, kept by Babel (`scripts/i18n.sh`). The `.po` file is the
one place a translation lives: it is compiled in memory when first needed, so there is no
`.mo` file that could disagree with it.

Code that runs for one person at a time (a page, an e-mail, a message to one customer)
reads the language from a context variable, set by the web middleware from the browser's
choice or by `in_language` for a customer's conversation. This package is the lowest layer:
every part may use it, it uses none of them.
"""

from __future__ import annotations

import contextlib
import io
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Optional

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = ("en", "de")
DEFAULT = "en"
NAMES = {"en": "English", "de": "Deutsch"}
DOMAIN = "nahbar"
LOCALE_DIR = Path(__file__).parent / "locale"
TEMPLATE_DIR = Path(__file__).parent / "templates"

_current: ContextVar[str] = ContextVar("nahbar_language", default=DEFAULT)


def supported(language: Optional[str]) -> str:
    """One of LANGUAGES for anything a client sends ('de-AT', 'DE', None, 'fr' → 'de', 'de', 'en', 'en')."""
    code = (language or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def translations(language: str) -> NullTranslations:
    """The language's translations; English (the source language) translates to itself."""
    language = supported(language)
    if language == DEFAULT:
        return NullTranslations()
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def current_language() -> str:
    return _current.get()


def set_language(language: Optional[str]) -> str:
    """Sets the language for the rest of this task (a request's middleware calls it)."""
    language = supported(language)
    _current.set(language)
    return language


@contextlib.contextmanager
def in_language(language: Optional[str]) -> Iterator[str]:
    """Texts made inside are in `language` (an e-mail or a message to one customer)."""
    token = _current.set(supported(language))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def gettext(message: str, **values: Any) -> str:
    """`message` in the current language, with `{name}` placeholders filled from `values`."""
    text = translations(_current.get()).gettext(message)
    return text.format(**values) if values else text


def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
    text = translations(_current.get()).ngettext(singular, plural, n)
    return text.format(n=n, **values)


def translate(language: Optional[str], message: str, **values: Any) -> str:
    """`message` in a given language, whatever the current one is."""
    with in_language(language):
        return gettext(message, **values)


def N_(message: str) -> str:
    """Marks a text for the catalog where it is defined; it is translated where it is shown."""
    return message


_ = gettext


def catalog_for(language: Optional[str], messages: "Iterator[str] | list[str] | tuple[str, ...]") -> dict[str, str]:
    """The given messages in a language, for scripts running in a browser."""
    chosen = translations(supported(language))
    return {message: chosen.gettext(message) for message in messages}
