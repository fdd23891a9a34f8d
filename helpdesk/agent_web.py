"""The agent console's pages and JSON, and the operators' `/metrics`.

Thin over the helpdesk core: pages render what the core returns, live work goes through
the `/agent` socket (helpdesk/agent_channel.py). The pages and the JSON are sub-applications
behind the staff guard (`StaffAuth.guard`), which admits agents and admins to every route in them.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Optional

import jinja2
from aiohttp import web

from helpdesk.agent_channel import AGENT_ROLES
from helpdesk.canned import CannedReply
from helpdesk.core import Helpdesk
from helpdesk.handoff_store import HandoffError
from helpdesk.mailer import NO_ANSWER, REFUSED
from helpdesk.outbox import INTERRUPTED
from i18n import N_, catalog_for, current_language
from i18n import gettext as _
from i18n.scripts import script_catalog
from staff.accounts import StaffError
from staff.web import STAFF_SESSION, StaffAuth, same_secret

STATIC_DIR = Path(__file__).parent / "static"
# Mail failure reasons of our own, stored in English: the console shows them in its language.
MAIL_REASONS = (INTERRUPTED, NO_ANSWER, REFUSED)


# Notices are chosen by code, so a link cannot make the console show text of its own;
# translated where shown, in the request's language.
NOTICES = {
    "name-saved": N_("Your display name is saved."),
    "name-invalid": N_("A display name needs 1 to 40 printable characters."),
}


class AgentConsole:
    def __init__(self, helpdesk: Helpdesk, auth: StaffAuth, canned: list[CannedReply],
                 templates: jinja2.Environment, metrics_token: Optional[str] = None) -> None:
        self.helpdesk = helpdesk
        self.templates = templates
        self.auth = auth
        self.canned = canned
        self.metrics_token = metrics_token

    def apps(self) -> dict[str, web.Application]:
        """The console's sub-applications by prefix: pages (redirect to the login) and JSON
        (401/403), each behind a guard that admits agents (and admins)."""
        pages = web.Application(middlewares=[self.auth.guard(*AGENT_ROLES)])
        pages.add_routes([
            web.get("", self.console),
            web.post("/profile", self.profile),
        ])
        api = web.Application(middlewares=[self.auth.guard(*AGENT_ROLES, api=True)])
        api.add_routes([
            web.get("/overview", self.overview),
            web.get("/conversations/{conversation_id}", self.conversation),
        ])
        return {"/agent": pages, "/api/agent": api}

    def routes(self) -> list[web.AbstractRouteDef]:
        """Outside the guard: the console's style sheet and script (the login page uses them
        too, and they are open source), and operators' figures with their own credentials."""
        return [web.static("/agent/static", STATIC_DIR / "console"), web.get("/metrics", self.metrics)]

    async def console(self, request: web.Request) -> web.Response:
        session = request[STAFF_SESSION]
        canned = [{"title": c.title, "texts": c.texts} for c in self.canned]
        notice = NOTICES.get(request.query.get("notice", ""))
        html = self.templates.get_template("agent.html").render(
            user=session.user, csrf_token=session.csrf_token, canned_json=json.dumps(canned),
            texts_json=json.dumps({**script_catalog(STATIC_DIR / "console" / "agent.js", current_language()),
                                   **catalog_for(current_language(), MAIL_REASONS)}),
            notice=_(notice) if notice else "",
        )
        return web.Response(text=html, content_type="text/html")

    async def profile(self, request: web.Request) -> web.Response:
        session = request[STAFF_SESSION]
        form = await request.post()
        try:
            await asyncio.to_thread(self.auth.store.set_display_name, session.user.id, str(form.get("display_name", "")))
        except StaffError:
            raise web.HTTPSeeOther("/agent?notice=name-invalid")
        raise web.HTTPSeeOther("/agent?notice=name-saved")

    async def overview(self, request: web.Request) -> web.Response:
        return web.json_response(await self.helpdesk.queue.overview(request[STAFF_SESSION].user.id))

    async def conversation(self, request: web.Request) -> web.Response:
        try:
            conversation_id = int(request.match_info["conversation_id"])
            transcript = await self.helpdesk.desk.transcript(conversation_id)
        except (ValueError, HandoffError):
            raise web.HTTPNotFound(text=_("There is no such conversation."))
        return web.json_response(transcript)

    async def metrics(self, request: web.Request) -> web.Response:
        """For Prometheus with `Authorization: Bearer $NAHBAR_METRICS_TOKEN`, or for a logged-in admin."""
        header = request.headers.get("Authorization", "")
        allowed = bool(self.metrics_token) and same_secret(header, f"Bearer {self.metrics_token}")
        if not allowed:
            session = await self.auth.current(request.cookies)
            if session is None:
                raise web.HTTPUnauthorized(text=_("Send the metrics token or log in as an admin."),
                                           headers={"WWW-Authenticate": "Bearer"})
            if not session.user.has_role():
                raise web.HTTPForbidden(text=_("Only admins and the metrics token may read metrics."))
        body = await asyncio.to_thread(self.helpdesk.metrics.render)
        return web.Response(body=body, headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})

