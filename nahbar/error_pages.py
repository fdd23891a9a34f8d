"""Errors a person meets in a browser are a page in their language, not aiohttp's "404: Not Found".

Only for browsers that ask for HTML outside the APIs: the JSON API, socket.io and Rasa's
webhooks keep their own error bodies, which clients parse. A page that is HTML already (the
guard's "not allowed" page) is left as it is.
"""

from __future__ import annotations

import logging
from typing import Awaitable, Callable

import jinja2
from aiohttp import web

from i18n import N_
from i18n import gettext as _

logger = logging.getLogger(__name__)

MACHINE_PATHS = ("/api/", "/socket.io", "/webhooks/", "/metrics", "/healthz", "/livez")
# What aiohttp's bare exceptions mean to a person (a handler's own text is shown instead).
GENERIC = {
    400: N_("The request could not be understood."),
    401: N_("Please log in first."),
    403: N_("You may not see this page."),
    404: N_("There is nothing at this address."),
    405: N_("This address cannot be used like that."),
    413: N_("What you sent is too large."),
    429: N_("Too many requests; please wait a moment."),
    500: N_("Something went wrong on our side; please try again in a moment."),
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def wants_page(request: web.Request) -> bool:
    return "text/html" in request.headers.get("Accept", "") and not request.path.startswith(MACHINE_PATHS)


def error_pages(templates: jinja2.Environment) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    def page(status: int, reason: str, message: str, headers: dict[str, str]) -> web.Response:
        html = templates.get_template("error.html").render(status=status, reason=reason, message=message)
        return web.Response(text=html, status=status, content_type="text/html", headers=headers)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPException as exc:
            if exc.status < 400 or exc.content_type == "text/html" or not wants_page(request):
                raise
            bare = exc.text is None or exc.text == f"{exc.status}: {exc.reason}"
            message = _(GENERIC.get(exc.status, GENERIC[400] if exc.status < 500 else GENERIC[500])) if bare else exc.text
            kept = {k: v for k, v in exc.headers.items() if k in ("WWW-Authenticate", "Retry-After", "Allow")}
            return page(exc.status, exc.reason, message, kept)
        except Exception:
            if not wants_page(request):
                raise
            logger.exception("error in %s %s", request.method, request.path[:200])
            return page(500, "Internal Server Error", _(GENERIC[500]), {})

    return middleware
