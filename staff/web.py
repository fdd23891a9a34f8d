"""Staff login and the guards every staff page and request goes through.

- Sessions: an HttpOnly, SameSite=Strict cookie (Secure behind https) naming a session row.
- CSRF: every state-changing request carries the session's token (form field `csrf_token`
  or header `X-CSRF-Token`), compared in constant time; the login form itself uses a
  double-submit cookie, since there is no session yet.
- Login attempts: failures are counted per username and per address in the database;
  past the limit the form answers 429 with Retry-After, before checking any password.
"""

from __future__ import annotations

import asyncio
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional
from urllib.parse import quote

import jinja2
from aiohttp import web

from i18n import gettext as _
from knowledge.store import utcnow
from staff.accounts import StaffSession, StaffStore

SESSION_COOKIE = "nahbar_staff"
LOGIN_CSRF_COOKIE = "nahbar_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
STAFF_SESSION = "nahbar.staff_session"  # the request key the guards set

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Middleware = Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]

TEMPLATE_DIR = Path(__file__).parent / "templates"


# Staff pages embed nothing from elsewhere and are never framed.
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}


@dataclass
class LoginLimits:
    max_failures: int = 5  # per username within the window
    max_failures_per_address: int = 20
    window: timedelta = timedelta(minutes=15)


class StaffAuth:
    def __init__(
        self,
        store: StaffStore,
        secure_cookies: bool,
        session_lifetime: timedelta = timedelta(hours=12),
        limits: Optional[LoginLimits] = None,
        *,
        templates: jinja2.Environment,
    ) -> None:
        self.store = store
        self.templates = templates  # the application's one environment (TEMPLATE_DIR is among its folders)
        self.secure_cookies = secure_cookies
        self.session_lifetime = session_lifetime
        self.limits = limits or LoginLimits()
        # Called with (session token, user) after a logout, so live connections end too.
        self.logout_listeners: list[Callable[[str, Any], Awaitable[None]]] = []

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/login", self.login_page),
            web.post("/login", self.login),
            web.post("/logout", self.logout),
        ]

    async def current(self, cookies: Any) -> Optional[StaffSession]:
        token = cookies.get(SESSION_COOKIE)
        if not token:
            return None
        return await asyncio.to_thread(self.store.session, token)

    def guard(self, *roles: str, api: bool = False) -> Middleware:
        """Middleware for a console's sub-application: every route in it needs a login with one
        of `roles`, a CSRF token if it changes state, and answers with the staff security headers.

        One guard per sub-application instead of a check per route: a route added later
        cannot forget it. `api` answers 401/403 instead of redirecting to the login page.
        """

        @web.middleware
        async def guarded(request: web.Request, handler: Handler) -> web.StreamResponse:
            try:
                response = await self._admit(request, handler, roles, api)
            except web.HTTPException as exc:  # a redirect, a refusal or an error is a response too
                _secure(exc.headers)
                raise
            _secure(response.headers)
            return response

        return guarded

    async def _admit(self, request: web.Request, handler: Handler, roles: tuple[str, ...],
                     api: bool) -> web.StreamResponse:
        session = await self.current(request.cookies)
        if session is None:
            if api or request.method != "GET":
                raise web.HTTPUnauthorized(text=_("Log in first."))
            raise web.HTTPSeeOther(f"/login?next={quote(request.path_qs, safe='')}")
        if not session.user.has_role(*roles):
            if api:
                raise web.HTTPForbidden(text=_("Your role may not do this."))
            raise web.HTTPForbidden(
                text=self.render("forbidden.html", user=session.user, csrf_token=session.csrf_token).text,
                content_type="text/html",
            )
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            await self.check_csrf(request, session)
        request[STAFF_SESSION] = session
        return await handler(request)

    def render(self, template: str, status: int = 200, **context: Any) -> web.Response:
        html = self.templates.get_template(template).render(**context)
        return web.Response(text=html, status=status, content_type="text/html", headers=SECURITY_HEADERS)

    async def check_csrf(self, request: web.Request, session: StaffSession) -> None:
        sent = request.headers.get(CSRF_HEADER)
        if sent is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            sent = (await request.post()).get("csrf_token")
        if not self.valid_csrf(session, sent):
            raise web.HTTPForbidden(text=_("The form has expired or did not come from this site; reload the page."))

    def valid_csrf(self, session: StaffSession, sent: Any) -> bool:
        return same_secret(sent, session.csrf_token)

    # -- login and logout -----------------------------------------------------------------

    async def login_page(self, request: web.Request) -> web.Response:
        return self._login_form(request, _safe_next(request.query.get("next")))

    def _login_form(self, request: web.Request, next_url: str, error: str = "", status: int = 200,
                    username: str = "", headers: Optional[dict[str, str]] = None) -> web.Response:
        csrf = secrets.token_urlsafe(32)
        response = self.render("login.html", status=status, csrf_token=csrf, next_url=next_url, error=error,
                          username=username)
        response.set_cookie(LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="Strict",
                            secure=self.secure_cookies, path="/login", max_age=3600)
        if headers:
            response.headers.update(headers)
        return response

    async def login(self, request: web.Request) -> web.Response:
        form = await request.post()
        username = str(form.get("username", "")).strip().lower()[:64]
        next_url = _safe_next(form.get("next"))
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        sent = form.get("csrf_token")
        if not expected or not same_secret(sent, expected):
            return self._login_form(request, next_url, _("The form expired; please try again."), 403, username)
        keys = (f"user:{username}", f"ip:{request.remote or 'unknown'}")
        wait = await asyncio.to_thread(self._lockout, *keys)
        if wait:
            minutes = max(1, round(wait / 60))
            return self._login_form(
                request, next_url, _("Too many failed logins. Try again in about {minutes} min.", minutes=minutes), 429,
                username, {"Retry-After": str(wait)},
            )
        user = await asyncio.to_thread(self.store.authenticate, username, str(form.get("password", "")))
        if user is None:
            await asyncio.to_thread(self.store.record_failure, *keys)
            return self._login_form(request, next_url, _("Wrong username or password."), 401, username)
        await asyncio.to_thread(self.store.clear_failures, keys[0])
        token, _session = await asyncio.to_thread(self.store.start_session, user, self.session_lifetime)
        response = web.HTTPSeeOther(next_url or _home(user.role))
        response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Strict", secure=self.secure_cookies,
                            path="/", max_age=int(self.session_lifetime.total_seconds()))
        response.del_cookie(LOGIN_CSRF_COOKIE, path="/login")
        raise response

    def _lockout(self, user_key: str, address_key: str) -> int:
        """Seconds until another attempt is allowed; 0 when it is allowed now."""
        limits = self.limits
        wait = 0
        for key, limit in ((user_key, limits.max_failures), (address_key, limits.max_failures_per_address)):
            count, oldest = self.store.failures(key, limits.window)
            if count >= limit and oldest is not None:
                wait = max(wait, int((oldest + limits.window - utcnow()).total_seconds()) + 1)
        return wait

    async def logout(self, request: web.Request) -> web.Response:
        session = await self.current(request.cookies)
        if session is not None:
            await self.check_csrf(request, session)
            token = request.cookies.get(SESSION_COOKIE, "")
            await asyncio.to_thread(self.store.end_session, token)
            for listener in self.logout_listeners:
                await listener(token, session.user)
        response = web.HTTPSeeOther("/login")
        response.del_cookie(SESSION_COOKIE, path="/")
        raise response


def _secure(headers: Any) -> None:
    """The staff security headers, where a handler has not set its own."""
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)


def same_secret(sent: Any, expected: str) -> bool:
    """Constant-time comparison of a secret a client sent; anything but the same text is False.

    Compared as bytes: `hmac.compare_digest` raises TypeError on text with non-ASCII
    characters, which a forged token may well contain.
    """
    return isinstance(sent, str) and hmac.compare_digest(sent.encode("utf-8", "surrogatepass"),
                                                         expected.encode("utf-8", "surrogatepass"))


def _home(role: str) -> str:
    return "/editor" if role == "editor" else "/agent"


def _safe_next(value: Any) -> str:
    """Only a path on this site: an open redirect would make the login page a phishing aid."""
    if isinstance(value, str) and _LOCAL_PATH.match(value) and not value.startswith("//"):
        return value
    return ""


# Browsers drop tabs and newlines from URLs ("/\t/evil.example" becomes "//evil.example"), so
# only plain path characters pass.
_LOCAL_PATH = re.compile(r"^/[A-Za-z0-9/_.~%?=&+-]*$")
