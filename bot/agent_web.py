"""The agent console's pages and JSON, and the operators' `/metrics`.

Thin over the handoff core: pages render what the core returns, live work goes through
the `/agent` socket (bot/agent_channel.py). Every route here names the roles it admits.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from pathlib import Path
from typing import Optional

import jinja2
from aiohttp import web

from bot.agent_channel import AGENT_ROLES
from bot.canned import CannedReply
from bot.handoff import HandoffService
from bot.handoff_store import HandoffError
from staff.accounts import StaffError
from staff.web import SECURITY_HEADERS, STAFF_SESSION, StaffAuth

STATIC_DIR = Path(__file__).parent / "static"


# Notices are chosen by code, so a link cannot make the console show text of its own.
NOTICES = {
    "name-saved": "Your display name is saved.",
    "name-invalid": "A display name needs 1 to 40 printable characters.",
}


class AgentConsole:
    def __init__(self, handoff: HandoffService, auth: StaffAuth, canned: list[CannedReply],
                 templates: jinja2.Environment, metrics_token: Optional[str] = None) -> None:
        self.handoff = handoff
        self.templates = templates
        self.auth = auth
        self.canned = canned
        self.metrics_token = metrics_token

    def routes(self) -> list[web.AbstractRouteDef]:
        page = self.auth.require(*AGENT_ROLES)
        api = self.auth.require(*AGENT_ROLES, api=True)
        return [
            web.get("/agent", page(self.console)),
            web.post("/agent/profile", page(self.profile)),
            web.get("/api/agent/overview", api(self.overview)),
            web.get("/api/agent/conversations/{conversation_id}", api(self.conversation)),
            web.static("/agent/static", STATIC_DIR / "console"),
            web.get("/metrics", self.metrics),
        ]

    async def console(self, request: web.Request) -> web.Response:
        session = request[STAFF_SESSION]
        canned = [{"title": c.title, "texts": c.texts} for c in self.canned]
        html = self.templates.get_template("agent.html").render(
            user=session.user, csrf_token=session.csrf_token, canned_json=json.dumps(canned),
            notice=NOTICES.get(request.query.get("notice", ""), ""),
        )
        return web.Response(text=html, content_type="text/html", headers=SECURITY_HEADERS)

    async def profile(self, request: web.Request) -> web.Response:
        session = request[STAFF_SESSION]
        form = await request.post()
        try:
            await asyncio.to_thread(self.auth.store.set_display_name, session.user.id, str(form.get("display_name", "")))
        except StaffError:
            raise web.HTTPSeeOther("/agent?notice=name-invalid")
        raise web.HTTPSeeOther("/agent?notice=name-saved")

    async def overview(self, request: web.Request) -> web.Response:
        return web.json_response(await self.handoff.overview(request[STAFF_SESSION].user.id), headers=SECURITY_HEADERS)

    async def conversation(self, request: web.Request) -> web.Response:
        try:
            conversation_id = int(request.match_info["conversation_id"])
            transcript = await self.handoff.transcript(conversation_id)
        except (ValueError, HandoffError):
            raise web.HTTPNotFound(text="There is no such conversation.")
        return web.json_response(transcript, headers=SECURITY_HEADERS)

    async def metrics(self, request: web.Request) -> web.Response:
        """For Prometheus with `Authorization: Bearer $NAHBAR_METRICS_TOKEN`, or for a logged-in admin."""
        header = request.headers.get("Authorization", "")
        allowed = bool(self.metrics_token) and hmac.compare_digest(header, f"Bearer {self.metrics_token}")
        if not allowed:
            session = await self.auth.current(request.cookies)
            if session is None:
                raise web.HTTPUnauthorized(text="Send the metrics token or log in as an admin.",
                                           headers={"WWW-Authenticate": "Bearer"})
            if not session.user.has_role():
                raise web.HTTPForbidden(text="Only admins and the metrics token may read metrics.")
        body = await asyncio.to_thread(self.handoff.metrics.render)
        return web.Response(body=body, headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})

