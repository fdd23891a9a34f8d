"""Bad input gets a clear 4xx and one log line, never a server error with a traceback.

Some input reaches a library before any handler can check it: an id beyond the
database's integers (SQLite raises OverflowError), a form whose declared charset does not
exist (the codec lookup raises LookupError), a static path longer than the file system
allows (OSError ENAMETOOLONG). One middleware answers those for every route.
"""

from __future__ import annotations

import errno
import logging
from typing import Awaitable, Callable

from aiohttp import web

from i18n import gettext as _

logger = logging.getLogger(__name__)


@web.middleware
async def bad_input(request: web.Request,
                    handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    try:
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
