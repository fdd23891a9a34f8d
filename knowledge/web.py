"""The public knowledge base on the web: search page, article pages, JSON API.

Only published articles are ever shown here; drafts and withdrawn articles answer 404
exactly like slugs that never existed, so their existence does not leak either.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from itertools import groupby
from pathlib import Path
from typing import Any, Optional

import jinja2
from aiohttp import web

from i18n import gettext as _
from knowledge.articles import ARTICLE_PATH, ArticleError, article_path, article_url, parse_language
from knowledge.base import KnowledgeBase
from knowledge.render import render_markdown

MAX_QUERY_CHARS = 500
MAX_RESULTS = 20
# The article page's nonce is secrets.token_urlsafe(16); a vote with anything else was not made on it.
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")

TEMPLATE_DIR = Path(__file__).parent / "templates"


class KnowledgeSite:
    """Handlers for the public pages and API, over one knowledge base."""

    def __init__(
        self, knowledge: KnowledgeBase, base_url: str, miss_threshold: float, templates: jinja2.Environment,
        display_floor: float = 0.3
    ) -> None:
        self.knowledge = knowledge
        self.base_url = base_url
        self.miss_threshold = miss_threshold
        self.templates = templates
        self.display_floor = display_floor

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/kb", self.search_page),
            web.get(ARTICLE_PATH, self.article_page),
            web.post(ARTICLE_PATH + "/feedback", self.feedback),
            web.get("/api/kb/search", self.api_search),
            web.get("/api/kb/articles", self.api_articles),
            web.get("/api/kb/articles/{slug}", self.api_article),
        ]

    # -- pages -----------------------------------------------------------------------

    async def search_page(self, request: web.Request) -> web.Response:
        query = request.query.get("q", "")
        error = None
        try:
            language = parse_language(request.query.get("lang"))
            query = _check_query(query, required=False)
        except ArticleError as exc:
            language, query, error = None, "", str(exc)
        hits: list = []
        topics: list = []
        if query:
            hits = await self._search(query, language, 10, source="web")
            hits = [hit for hit in hits if hit.score >= self.display_floor]
        else:
            articles = await asyncio.to_thread(self.knowledge.articles, "published", language)
            topics = [(topic, list(items)) for topic, items in groupby(articles, key=lambda a: a.topic)]
        return self._render(
            "kb_search.html",
            query=query,
            language=language,
            hits=hits,
            topics=topics,
            error=error,
            max_query=MAX_QUERY_CHARS,
            status=400 if error else 200,
        )

    async def article_page(self, request: web.Request) -> web.Response:
        article = await asyncio.to_thread(self.knowledge.article, request.match_info["slug"])
        if article is None:
            raise web.HTTPNotFound(text=_("No published article at this address."))
        return self._render(
            "kb_article.html",
            article=article,
            answer_html=render_markdown(article.answer),
            nonce=secrets.token_urlsafe(16),
            feedback_state=request.query.get("feedback"),
        )

    async def feedback(self, request: web.Request) -> web.Response:
        slug = request.match_info["slug"]
        form = await request.post()
        helpful = form.get("helpful")
        nonce = form.get("nonce")
        if helpful not in ("yes", "no") or not isinstance(nonce, str) or not _NONCE.fullmatch(nonce):
            raise web.HTTPBadRequest(text=_("Feedback needs helpful=yes|no and the form's nonce."))
        try:
            recorded = await asyncio.to_thread(self.knowledge.record_feedback, slug, helpful == "yes", "web", nonce)
        except ArticleError:
            raise web.HTTPNotFound(text=_("No published article at this address.")) from None
        raise web.HTTPSeeOther(f"{article_path(slug)}?feedback={'thanks' if recorded else 'duplicate'}")

    # -- JSON API --------------------------------------------------------------------

    async def api_search(self, request: web.Request) -> web.Response:
        try:
            query = _check_query(request.query.get("q", ""), required=True)
            language = parse_language(request.query.get("lang"))
            limit = _limit(request.query.get("limit"))
        except ArticleError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        hits = await self._search(query, language, limit, source="api")
        return web.json_response(
            {
                "query": query,
                "language": language,
                "results": [hit.to_dict(article_url(self.base_url, hit.article.slug)) for hit in hits],
            }
        )

    async def api_articles(self, request: web.Request) -> web.Response:
        try:
            language = parse_language(request.query.get("lang"))
        except ArticleError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        articles = await asyncio.to_thread(self.knowledge.articles, "published", language)
        return web.json_response({"articles": [a.to_dict() for a in articles]})

    async def api_article(self, request: web.Request) -> web.Response:
        article = await asyncio.to_thread(self.knowledge.article, request.match_info["slug"])
        if article is None:
            return web.json_response({"error": _("no published article with this slug")}, status=404)
        return web.json_response(article.to_dict())

    def _render(self, name: str, status: int = 200, **context: Any) -> web.Response:
        html = self.templates.get_template(name).render(**context)
        return web.Response(text=html, content_type="text/html", status=status)

    async def _search(self, query: str, language: Optional[str], limit: int, source: str) -> list:
        return await asyncio.to_thread(self.knowledge.lookup, query, language, limit, source, self.miss_threshold)


def _check_query(query: str, required: bool) -> str:
    """The text as sent is checked, then trimmed: a control character or the 501st
    character is refused wherever it stands (the API description says so, and the form's
    maxlength counts what the customer typed)."""
    if len(query) > MAX_QUERY_CHARS:
        raise ArticleError(_("the search text is longer than {limit} characters", limit=MAX_QUERY_CHARS))
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in query):
        raise ArticleError(_("the search text contains control characters"))
    query = query.strip()
    if required and not query:
        raise ArticleError(_("parameter q (the question to search for) is missing"))
    return query


def _limit(raw: Optional[str]) -> int:
    """Plain ASCII digits only: int() would take " 7", "+7", "1_0" and other scripts' digits,
    which the API description does not promise and a client should not come to rely on."""
    if raw is None:
        return 5
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_RESULTS):
        raise ArticleError(_("limit must be a number from 1 to {most}", most=MAX_RESULTS))
    return int(raw)
