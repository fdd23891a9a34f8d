"""Bad input gets a clear 4xx and one log line, never a server error with a traceback.

Some input reaches a library before any handler can check it: an id beyond the
database's integers (SQLite raises OverflowError), a form whose declared charset does not
exist (the codec lookup raises LookupError), a static path longer than the file system
allows (OSError ENAMETOOLONG), a multipart form without its boundary or cut short (the
form is read before the handler, see `_read_form`), a NUL character, which PostgreSQL
refuses in any text (checked in the path, the query and the form before the handler).
One middleware answers those for every route.
"""

from __future__ import annotations

import errno
import logging
from typing import Awaitable, Callable

from aiohttp import web
from multidict import MultiDictProxy

from i18n import gettext as _

logger = logging.getLogger(__name__)

FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


@web.middleware
async def bad_input(request: web.Request,
                    handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    try:
        await _refuse_what_no_handler_can_take(request)
        return await handler(request)
    except OverflowError:
        logger.info("bad input: a number too large in %s %s", request.method, request.path[:200])
        raise web.HTTPNotFound() from None
    except UnicodeDecodeError:
        logger.info("bad input: undecodable text in %s %s", request.method, request.path[:200])
        raise web.HTTPBadRequest(text=_("The request's text could not be decoded.")) from None
    except LookupError as exc:
        if type(exc) is not LookupError:  # KeyError, IndexError: a bug, not the client's input
            raise
        logger.info("bad input: unknown charset in %s %s", request.method, request.path[:200])
        raise web.HTTPBadRequest(text=_("The request declares a character set that does not exist.")) from None
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            raise
        logger.info("bad input: a path too long in %s %s", request.method, request.path[:80])
        raise web.HTTPNotFound() from None


async def _refuse_what_no_handler_can_take(request: web.Request) -> None:
    if "\x00" in request.path:
        logger.info("bad input: NUL in the path of %s %s", request.method, request.path[:200])
        raise web.HTTPNotFound()
    texts = list(request.query.values())  # names are never read but by fixed spellings
    if request.method == "POST" and request.content_type in FORMS:
        texts += _texts(await _read_form(request))
    if any("\x00" in text for text in texts):
        logger.info("bad input: NUL in %s %s", request.method, request.path[:200])
        raise web.HTTPBadRequest(text=_("The request holds a NUL character, which no text here may hold."))


async def _read_form(request: web.Request) -> MultiDictProxy:
    """The form read here, before any handler: only aiohttp's parser runs, so its errors can
    only mean a body it cannot read (from a handler, a ValueError could be our bug). aiohttp
    keeps the parsed form for the handler's `post()`. Its multipart parser refuses a bad
    body with ValueError, AssertionError (a part without a name, reading past the end) or
    RuntimeError (an unknown Content-Transfer-Encoding)."""
    try:
        return await request.post()
    except UnicodeDecodeError:
        raise  # answered above
    except (ValueError, AssertionError, RuntimeError):
        logger.info("bad input: an unreadable form in %s %s", request.method, request.path[:200])
        raise web.HTTPBadRequest(text=_("The form could not be read.")) from None


def _texts(form: MultiDictProxy) -> list[str]:
    """The text values; an uploaded file's name too (its content is bytes)."""
    return [value if isinstance(value, str) else str(getattr(value, "filename", "") or "") for value in form.values()]
