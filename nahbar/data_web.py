"""Customers' data on the web: the widget's download and erase, and the admins' search, export, erase.

Thin over `nahbar.customer_data`. The widget proves whose chat it is with its session
token in a header (never in a URL, which logs and browser histories keep); staff pages sit
behind the staff guard for admins, with CSRF tokens on every form that changes something.
"""

from __future__ import annotations

import json
from pathlib import Path
from aiohttp import web

from helpdesk.records import RecordsError
from i18n import N_, gettext as _
from nahbar.customer_data import LiveCustomerData
from staff.web import STAFF_SESSION, StaffAuth

TEMPLATE_DIR = Path(__file__).parent / "templates"
SESSION_HEADER = "X-Nahbar-Session"
# The widget may sit on the shop's own domain: a bearer token in a header is no cookie a
# foreign page could ride on, so any origin may call these two routes.
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": f"{SESSION_HEADER}, Content-Type",
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS", "Access-Control-Expose-Headers": "Content-Disposition",
        "Cache-Control": "no-store"}
NO_CHAT = {"error": "no_chat", "message": N_("There is no chat for this session (it may have been deleted or expired).")}
NO_SESSION = {"error": "no_session", "message": N_("Send the chat's session token in the {header} header.")}
DONE = {"erased": N_("The conversation and everything that pointed to it are erased.")}
# Shown as words on the admins' page, translated there: a conversation's state
# (helpdesk.handoff_store.STATES) and the logged data requests' actions.
WORDS = (N_("bot"), N_("waiting"), N_("agent"), N_("resolved"), N_("export"), N_("erase"), N_("purge"))


def _no_chat() -> dict[str, str]:
    return {**NO_CHAT, "message": _(NO_CHAT["message"])}


def _no_session() -> dict[str, str]:
    return {**NO_SESSION, "message": _(NO_SESSION["message"], header=SESSION_HEADER)}


class DataRightsWeb:
    def __init__(self, data: LiveCustomerData, auth: StaffAuth) -> None:
        self.data = data
        self.auth = auth

    def widget_routes(self) -> list[web.RouteDef]:
        """No token header is the caller's mistake (400 `no_session`); a token that finds no
        chat, whether unknown, expired, malformed, empty or erased, is 404 `no_chat` alike."""
        return [
            web.get("/api/chat/transcript", self.transcript),
            web.post("/api/chat/erase", self.customer_erase),
            web.options("/api/chat/transcript", self.preflight),
            web.options("/api/chat/erase", self.preflight),
        ]

    def admin_app(self) -> web.Application:
        """`/admin`: admins only (the guard with no roles admits admins alone)."""
        app = web.Application(middlewares=[self.auth.guard()])
        app.add_routes([
            web.get("/customers", self.customers),
            # A search is a POST: an e-mail address in a URL would stay in logs and histories.
            web.post("/customers", self.customers),
            web.post("/customers/{conversation_id:\\d+}/export", self.export),
            web.post("/customers/{conversation_id:\\d+}/erase", self.erase),
        ])
        return app

    # -- the widget ---------------------------------------------------------------------

    async def preflight(self, _request: web.Request) -> web.Response:
        return web.Response(status=204, headers=CORS)

    async def transcript(self, request: web.Request) -> web.Response:
        if SESSION_HEADER not in request.headers:
            return web.json_response(_no_session(), status=400, headers=CORS)
        found = await self.data.customer_transcript(request.headers[SESSION_HEADER])
        if found is None:
            return web.json_response(_no_chat(), status=404, headers=CORS)
        conversation, text = found
        return web.Response(text=text, content_type="text/plain", charset="utf-8", headers={
            **CORS, "Content-Disposition": f'attachment; filename="chat-{conversation.id}.txt"'})

    async def customer_erase(self, request: web.Request) -> web.Response:
        if SESSION_HEADER not in request.headers:
            return web.json_response(_no_session(), status=400, headers=CORS)
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict) or body.get("confirm") is not True:
            return web.json_response({"error": "not_confirmed",
                                      "message": _("Send {body} to erase the chat.", body='{"confirm": true}')},
                                     status=400, headers=CORS)
        erased = await self.data.customer_erase(request.headers[SESSION_HEADER])
        if erased is None:
            return web.json_response(_no_chat(), status=404, headers=CORS)
        return web.json_response({"erased": True, "reference": erased.conversation_id}, headers=CORS)

    # -- admins -------------------------------------------------------------------------

    async def customers(self, request: web.Request) -> web.Response:
        session = request[STAFF_SESSION]
        reference = str((await request.post()).get("ref", "")).strip() if request.method == "POST" else ""
        found, error = [], ""
        done = DONE.get(request.query.get("done", ""))
        if reference:
            try:
                found = await self.data.find(reference)
            except RecordsError as exc:
                error = str(exc)
        requests = await self.data.requests()
        return self.auth.render("admin_customers.html", status=404 if error else 200, user=session.user,
                                csrf_token=session.csrf_token, reference=reference, found=found, error=error,
                                done=_(done) if done else "", requests=requests)

    async def export(self, request: web.Request) -> web.Response:
        conversation_id = int(request.match_info["conversation_id"])
        try:
            export = await self.data.export(conversation_id, _actor(request))
        except RecordsError as exc:
            raise web.HTTPNotFound(text=str(exc))
        return web.Response(text=json.dumps(export, ensure_ascii=False, indent=2), content_type="application/json",
                            headers={"Content-Disposition": f'attachment; filename="conversation-{conversation_id}.json"'})

    async def erase(self, request: web.Request) -> web.Response:
        conversation_id = int(request.match_info["conversation_id"])
        form = await request.post()
        if form.get("confirm") != "erase":
            raise web.HTTPBadRequest(text=_("Tick the box that confirms the erasure."))
        try:
            await self.data.erase(conversation_id, _actor(request))
        except RecordsError as exc:
            raise web.HTTPNotFound(text=str(exc))
        raise web.HTTPSeeOther("/admin/customers?done=erased")


def _actor(request: web.Request) -> str:
    return f"admin {request[STAFF_SESSION].user.username}"
