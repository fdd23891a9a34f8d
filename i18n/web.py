"""The page language for browsers: chosen from Accept-Language, switchable, remembered.

A person switches with `?hl=de` (any page; "host language", so it cannot clash with a
page's own `lang` filter); the choice is kept in a cookie for a year and wins over the
browser's preference from then on.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Awaitable, Callable, Optional

from aiohttp import web
from yarl import URL

from i18n import LANGUAGES, NAMES, current_language, set_language, supported

COOKIE = "nahbar_lang"
SWITCH = "hl"
REMEMBER_SECONDS = 365 * 24 * 3600

_page: ContextVar[Optional[web.Request]] = ContextVar("nahbar_page", default=None)


def from_accept_language(header: str) -> Optional[str]:
    """The supported language the browser prefers most, by its q-values, or None."""
    best: tuple[float, int, Optional[str]] = (0.0, 0, None)
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        code = tag.strip().lower()[:2]
        if code in LANGUAGES and quality > 0 and (quality, -position) > best[:2]:
            best = (quality, -position, code)
    return best[2]


def remembered_or_preferred(remembered: Optional[str], accept_language: str) -> str:
    """The language a person chose before (the cookie), else the one their browser prefers."""
    if remembered in LANGUAGES:
        return remembered
    return supported(from_accept_language(accept_language))


def choose(request: web.Request) -> tuple[str, bool]:
    """The request's language and whether it was switched just now (so the cookie is set)."""
    switched = request.query.get(SWITCH, "")
    if switched[:2].lower() in LANGUAGES:
        return supported(switched), True
    return remembered_or_preferred(request.cookies.get(COOKIE), request.headers.get("Accept-Language", "")), False


@web.middleware
async def language_middleware(request: web.Request,
                              handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    language, switched = choose(request)
    set_language(language)
    _page.set(request)
    response = await handler(request)
    if response is None:  # engine.io's handler answers a WebSocket itself
        return response
    if switched and not response.prepared:
        response.set_cookie(COOKIE, language, max_age=REMEMBER_SECONDS, samesite="Lax", path="/")
    if not response.prepared:
        response.headers.setdefault("Content-Language", language)
        vary = response.headers.get("Vary", "")
        if "Accept-Language" not in vary:
            response.headers["Vary"] = ", ".join(v for v in (vary, "Accept-Language, Cookie") if v)
    return response


def language_links() -> list[dict[str, object]]:
    """Links that switch the current page to each language, for a page's header."""
    request = _page.get()
    links = []
    for code in LANGUAGES:
        if request is None:
            url: object = f"?{SWITCH}={code}"
        elif request.method in ("GET", "HEAD"):
            url = request.rel_url.update_query({SWITCH: code})
        else:  # a page answering a form: its URL takes no GET, so switch on the section's first page
            url = URL("/" + request.path.strip("/").split("/")[0]).with_query({SWITCH: code})
        links.append({"code": code, "name": NAMES[code], "url": str(url), "current": code == current_language()})
    return links

