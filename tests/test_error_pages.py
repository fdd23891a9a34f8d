"""A browser that meets an error gets a page in its language; API clients keep their bodies."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web

from i18n import translate
from i18n.web import language_middleware
from nahbar.error_pages import error_pages
from nahbar.templates import environment

HTML = {"Accept": "text/html,application/xhtml+xml", "Accept-Language": "de-DE,de;q=0.9"}


async def _missing(_request: web.Request) -> web.Response:
    raise web.HTTPNotFound(text=translate("de", "No published article at this address."))


async def _broken(_request: web.Request) -> web.Response:
    raise RuntimeError("a bug")


async def _api(_request: web.Request) -> web.Response:
    raise web.HTTPNotFound(text="no such thing")


@pytest.fixture
async def site():
    app = web.Application(middlewares=[language_middleware, error_pages(environment())])
    app.router.add_get("/kb/{slug}", _missing)
    app.router.add_get("/broken", _broken)
    app.router.add_get("/api/thing", _api)
    runner = web.AppRunner(app)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def test_a_missing_page_is_an_html_page_with_the_handlers_words(site):
    async with aiohttp.ClientSession() as http, http.get(f"{site}/kb/nothing", headers=HTML) as response:
        assert response.status == 404
        assert response.content_type == "text/html"
        page = await response.text()
    assert '<html lang="de">' in page
    assert "Kein veröffentlichter Artikel unter dieser Adresse." in page or \
        translate("de", "No published article at this address.") in page


async def test_an_address_nobody_serves_gets_a_plain_sentence_not_aiohttps_reason(site):
    async with aiohttp.ClientSession() as http, http.get(f"{site}/no/such/page", headers=HTML) as response:
        assert response.status == 404
        page = await response.text()
    assert translate("de", "There is nothing at this address.") in page
    assert "404: Not Found" not in page


async def test_a_server_error_is_a_page_that_apologizes_and_shows_no_traceback(site):
    async with aiohttp.ClientSession() as http, http.get(f"{site}/broken", headers=HTML) as response:
        assert response.status == 500
        page = await response.text()
    assert translate("de", "Something went wrong on our side; please try again in a moment.") in page
    assert "RuntimeError" not in page and "a bug" not in page


async def test_api_clients_keep_their_error_bodies(site):
    async with aiohttp.ClientSession() as http, http.get(f"{site}/api/thing", headers=HTML) as response:
        assert response.status == 404
        assert await response.text() == "no such thing"
    async with aiohttp.ClientSession() as http, http.get(f"{site}/kb/nothing") as response:  # no HTML wanted
        assert response.content_type == "text/plain"
