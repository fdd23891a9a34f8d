"""The editor console (`/editor`, role editor; admins too): review queue, drafts, gap list, audit log.

Server-rendered forms, each with the session's CSRF token; anonymized evidence only, never
a raw conversation. Thin over bridge.review and bridge.gaps.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any, Hashable

import jinja2
from aiohttp import web

from bridge.gaps import gap_list
from bridge.review import Review, ReviewError
from bridge.runs import AlreadyRunning, BridgeRuns
from i18n import N_, gettext as _
from knowledge.base import KnowledgeBase
from staff.web import STAFF_SESSION, StaffAuth

logger = logging.getLogger(__name__)

EDITOR_ROLES = ("editor",)
TEMPLATE_DIR = Path(__file__).parent / "templates"


def segments(text: str, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Text cut into plain parts and replacements, so the page can mark each replacement by kind."""
    parts, position = [], 0
    for span in sorted(spans, key=lambda s: s["start"]):
        if span["start"] > position:
            parts.append({"text": text[position:span["start"]]})
        parts.append({"text": text[span["start"]:span["end"]], "kind": span["kind"], "unsure": span["unsure"]})
        position = span["end"]
    if position < len(text or ""):
        parts.append({"text": text[position:]})
    return parts


# Notices are chosen by code (`?done=…`); translated where shown, in the request's language.
DONE = {
    "approved": N_("The draft is published; search and the bot use it now."),
    "rejected": N_("The draft is rejected; it returns only if many more customers ask."),
    "merged": N_("The draft is merged into the article."),
    "phrasings": N_("The customers' wordings now find the article."),
    "gone": N_("That suggestion was taken care of already."),
    "wording": N_("The customer's wording now finds the article."),
    "dismissed": N_("The wording is dismissed."),
}
# An article's status as the audit log shows it (knowledge.schema.STATUSES), translated there.
ARTICLE_STATUSES = (N_("draft"), N_("published"), N_("withdrawn"))


def _log_failure(future: "asyncio.Future[Any]") -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.error("a bridge run started from the editor console failed", exc_info=future.exception())


class EditorConsole:
    def __init__(self, runs: BridgeRuns, review: Review, knowledge: KnowledgeBase, auth: StaffAuth,
                 templates: jinja2.Environment) -> None:
        self.runs = runs
        self.templates = templates
        self.review = review
        self.knowledge = knowledge
        self.auth = auth
        self._shown: dict[Hashable, str] = {}  # the gap list's anonymized chat openings and rating comments

    def app(self) -> web.Application:
        """The console as a sub-application for `/editor`: its guard admits editors (and admins)."""
        app = web.Application(middlewares=[self.auth.guard(*EDITOR_ROLES)])
        app.add_routes([
            web.get("", self.queue),
            web.get("/drafts/{group_id:\\d+}", self.draft),
            web.post("/drafts/{group_id:\\d+}/approve", self.approve),
            web.post("/drafts/{group_id:\\d+}/reject", self.reject),
            web.post("/drafts/{group_id:\\d+}/merge", self.merge),
            web.post("/run", self.run),
            web.post("/updates/{group_id:\\d+}", self.add_phrasings),
            web.post("/choices/{article_id:\\d+}/add", self.add_chosen_wording),
            web.post("/choices/{article_id:\\d+}/dismiss", self.dismiss_chosen_wording),
            web.get("/gaps", self.gaps),
            web.get("/audit", self.audit),
        ])
        return app

    def _render(self, request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
        session = request[STAFF_SESSION]
        html = self.templates.get_template(template).render(user=session.user, csrf_token=session.csrf_token, **context)
        return web.Response(text=html, status=status, content_type="text/html")

    async def queue(self, request: web.Request) -> web.Response:
        done = DONE.get(request.query.get("done", ""))
        return await self._queue_page(request, done=_(done) if done else "")

    async def run(self, request: web.Request) -> web.Response:
        """Start a bridge run in the background and answer at once (202): the page shows its progress."""
        username = request[STAFF_SESSION].user.username
        try:
            run_id = await asyncio.to_thread(self.runs.start, f"editor {username}")
        except AlreadyRunning as exc:
            return await self._queue_page(request, status=409, done="", busy=str(exc))
        task = asyncio.get_running_loop().run_in_executor(None, self.runs.carry_out, run_id)
        task.add_done_callback(_log_failure)
        return await self._queue_page(request, status=202, done=_("The bridge is running; this page shows how far it got."))

    async def _queue_page(self, request: web.Request, status: int = 200, **extra: Any) -> web.Response:
        return self._render(request, "editor_queue.html", status=status,
                            items=await asyncio.to_thread(self.review.queue),
                            updates=await asyncio.to_thread(self.review.suggested_updates),
                            held_back=await asyncio.to_thread(self.review.held_back),
                            chosen=await asyncio.to_thread(self._chosen_wordings),
                            last_run=await asyncio.to_thread(self.runs.latest), **extra)

    async def add_phrasings(self, request: web.Request) -> web.Response:
        try:
            await asyncio.to_thread(self.review.add_phrasings, int(request.match_info["group_id"]),
                                    request[STAFF_SESSION].user.username)
        except ReviewError:
            raise web.HTTPSeeOther("/editor?done=gone")
        raise web.HTTPSeeOther("/editor?done=phrasings")

    def _chosen_wordings(self) -> list[dict[str, Any]]:
        # Picks recorded since the last bridge run are anonymized first, as the gap list's misses are.
        raw = self.knowledge.raw_clarifications()
        if raw:
            anonymize = self.runs.bridge.anonymize_words
            self.knowledge.replace_clarification_words({row_id: anonymize(words, language)
                                                        for row_id, words, language in raw})
        return self.review.chosen_wordings()

    async def add_chosen_wording(self, request: web.Request) -> web.Response:
        form = await request.post()
        try:
            await asyncio.to_thread(self.review.add_chosen_wording, int(request.match_info["article_id"]),
                                    str(form.get("wording", "")), request[STAFF_SESSION].user.username)
        except ReviewError as exc:
            return await self._queue_page(request, status=409, done="", busy=str(exc))
        raise web.HTTPSeeOther("/editor?done=wording")

    async def dismiss_chosen_wording(self, request: web.Request) -> web.Response:
        form = await request.post()
        try:
            await asyncio.to_thread(self.review.dismiss_chosen_wording, int(request.match_info["article_id"]),
                                    str(form.get("wording", "")), request[STAFF_SESSION].user.username)
        except ReviewError:
            raise web.HTTPSeeOther("/editor?done=gone")
        raise web.HTTPSeeOther("/editor?done=dismissed")

    async def draft(self, request: web.Request, error: str = "", status: int = 200) -> web.Response:
        group_id = int(request.match_info["group_id"])
        try:
            draft = await asyncio.to_thread(self.review.draft, group_id)
        except ReviewError:
            raise web.HTTPNotFound(text=_("There is no such draft."))
        evidence = [
            {**e, "question_parts": segments(e["question"], e["question_spans"]),
             "answer_parts": segments(e["answer"], e["answer_spans"])}
            for e in draft["evidence"]
        ]
        published = await asyncio.to_thread(self.knowledge.articles, "published")
        return self._render(request, "editor_draft.html", status=status, draft=draft, group=draft["group"],
                            article=draft["article"], evidence=evidence, error=error, published=published)

    async def approve(self, request: web.Request) -> web.Response:
        form = await request.post()
        resolved = [int(v) for v in form.getall("resolved", []) if str(v).isdigit()]
        return await self._decide(request, lambda actor, gid: self.review.approve(
            gid, actor, str(form.get("question", "")), str(form.get("answer", "")), resolved), "approved")

    async def reject(self, request: web.Request) -> web.Response:
        form = await request.post()
        return await self._decide(request, lambda actor, gid: self.review.reject(gid, actor, str(form.get("reason", ""))),
                                  "rejected")

    async def merge(self, request: web.Request) -> web.Response:
        form = await request.post()
        return await self._decide(request, lambda actor, gid: self.review.merge(gid, actor, str(form.get("target", ""))),
                                  "merged")

    async def _decide(self, request: web.Request, decide: Any, done: str) -> web.Response:
        group_id = int(request.match_info["group_id"])
        actor = request[STAFF_SESSION].user.username
        try:
            await asyncio.to_thread(decide, actor, group_id)
        except ReviewError as exc:
            return await self.draft(request, error=str(exc), status=409)
        raise web.HTTPSeeOther(f"/editor?done={done}")

    async def gaps(self, request: web.Request) -> web.Response:
        found = await asyncio.to_thread(gap_list, self.review.engine, self.knowledge, self.runs.bridge.anonymize_words,
                                        shown=self._shown)
        return self._render(request, "editor_gaps.html", gaps=found[:100])

    async def audit(self, request: web.Request) -> web.Response:
        entries = await asyncio.to_thread(self.review.audit_log)
        return self._render(request, "editor_audit.html", entries=entries)
