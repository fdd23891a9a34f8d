"""The API description (nahbar/openapi.yml) is valid, names every route the server has, and
the public API answers generated requests only as it says (Schemathesis: no 5xx, every
status, content type, header and body as documented)."""

from __future__ import annotations

import asyncio
import threading
from contextlib import contextmanager
from typing import Iterator

import pytest
import requests
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate_spec

from benchmarks.server_process import free_port
from knowledge.web import KnowledgeSite
from nahbar.bad_input import bad_input
from nahbar.openapi import load_document
from nahbar.templates import environment

# Bounded: so many generated requests per operation, no deadline per request (a search
# encodes its text), and the same examples on every run.
BOUNDED = settings(max_examples=100, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                          HealthCheck.function_scoped_fixture])


def test_the_document_is_valid_openapi_3():
    document = load_document("http://127.0.0.1:8000")
    validate_spec(document)
    assert document["openapi"].startswith("3.0.")
    assert document["servers"] == [{"url": "http://127.0.0.1:8000"}]


@contextmanager
def serving(app: web.Application) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, in a thread with a loop of its own (Schemathesis
    sends its requests synchronously); its URL."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    port = free_port()
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        started.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())

    thread = threading.Thread(target=run, name="openapi-test-site", daemon=True)
    thread.start()
    assert started.wait(30), "the knowledge site did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)


@pytest.fixture
def knowledge_site(demo_knowledge) -> Iterator[str]:
    """The public knowledge base alone, as the server mounts it (bad-input middleware and all),
    over a real database and encoder with the demo articles."""
    app = web.Application(client_max_size=256 * 1024, middlewares=[bad_input])
    site = KnowledgeSite(demo_knowledge, "http://127.0.0.1:8000", 0.55, environment())
    app.add_routes(site.routes())
    with serving(app) as url:
        yield url


@pytest.fixture
def knowledge_schema(knowledge_site):
    return schemathesis.openapi.from_dict(load_document(knowledge_site))


knowledge_api = schemathesis.pytest.from_fixture("knowledge_schema").include(path_regex=r"^/(api/)?kb(/|$)")


@knowledge_api.parametrize()
@BOUNDED
def test_the_public_knowledge_base_answers_generated_requests_as_documented(case, knowledge_site):
    case.call_and_validate(base_url=knowledge_site, timeout=30, allow_redirects=False)


# -- against the whole server (needs the trained bot) --------------------------------------

METHODS = {"get", "post", "put", "patch", "delete", "options", "head"}


def server_routes(app: web.Application) -> set[tuple[str, str]]:
    """(method, path) of every route, sub-applications' included, in the document's spelling:
    `{group_id:\\d+}` is `{group_id}`, a static folder `/widget` is `/widget/{filename}`. The
    HEAD that aiohttp adds beside every GET is left out, as the document says."""
    found = set()
    for route in app.router.routes():
        resource = route.resource
        path = resource.canonical
        if isinstance(resource, web.StaticResource):
            path += "/{filename}"
        found.add((route.method, path))
    return {(method, path) for method, path in found if not (method == "HEAD" and ("GET", path) in found)}


def documented_routes(document: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item if method in METHODS}


@pytest.mark.slow
def test_every_route_of_the_server_is_documented_and_every_documented_route_exists(server):
    routes = server_routes(server._runner.app)
    documented = documented_routes(load_document(server.url))
    assert len(routes) > 30
    assert sorted(routes - documented) == [], "routes missing from nahbar/openapi.yml"
    assert sorted(documented - routes) == [], "nahbar/openapi.yml documents routes the server does not have"


@pytest.mark.slow
def test_the_server_serves_the_document_with_its_own_address(server):
    response = requests.get(f"{server.url}/api/openapi.json", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.json() == load_document(server.url)
    assert response.json()["servers"] == [{"url": server.url}]


@pytest.fixture
def server_schema(server):
    return schemathesis.openapi.from_dict(load_document(server.url))


def public_beyond_the_knowledge_base(ctx) -> bool:
    """What anyone may call, bar the knowledge base (tested above, on both databases, without
    the bot), the login form's POST (failures would lock 127.0.0.1 out of the shared server)
    and the socket.io transport (not an HTTP API)."""
    operation = ctx.operation.definition.raw
    schemes = {name for requirement in operation.get("security", []) for name in requirement}
    tags = set(operation.get("tags", []))
    return (schemes <= {"customerSession"} and not tags & {"Knowledge base", "Socket.IO"}
            and operation["operationId"] != "login")


server_api = schemathesis.pytest.from_fixture("server_schema").include(public_beyond_the_knowledge_base)


@pytest.mark.slow
@server_api.parametrize()
@BOUNDED
def test_the_public_api_answers_generated_requests_as_documented(case, server):
    # The consoles' files lie under /agent, where the staff guard answers a method the
    # files do not have (TRACE) as it answers any request without a login (the document says so).
    guarded = case.operation.path.startswith("/agent/")
    case.call_and_validate(base_url=server.url, timeout=30, allow_redirects=False,
                           excluded_checks=[schemathesis.checks.unsupported_method] if guarded else [])


# Explicit requests with real credentials: what a generated request never has.
CONFORMANCE = [schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance,
               schemathesis.checks.content_type_conformance, schemathesis.checks.response_headers_conformance,
               schemathesis.checks.response_schema_conformance]


async def call(schema, path: str, method: str, base_url: str, status: int, **parts) -> requests.Response:
    """One request as `schema` describes the operation; its answer checked against the document."""
    case = schema[path][method].Case(**parts)
    response = await asyncio.to_thread(case.call, base_url=base_url, timeout=30, allow_redirects=False)
    assert response.status_code == status, response.text[:300]
    case.validate_response(response, checks=CONFORMANCE)
    return response


@pytest.mark.slow
async def test_a_customers_download_and_erase_answer_as_documented(server, server_schema, widget):
    await widget.ask("How long does delivery take?")
    session = {"X-Nahbar-Session": widget.token}
    await call(server_schema, "/api/chat/transcript", "GET", server.url, 200, headers=session)
    await call(server_schema, "/api/chat/erase", "POST", server.url, 400, headers=session, body={"confirm": False},
               media_type="application/json")
    await call(server_schema, "/api/chat/erase", "POST", server.url, 200, headers=session, body={"confirm": True},
               media_type="application/json")
    await call(server_schema, "/api/chat/transcript", "GET", server.url, 404, headers=session)


@pytest.mark.slow
async def test_the_agent_api_and_the_admins_export_answer_as_documented(server, server_schema, make_staff, agent):
    from tests.test_editor import logged_in
    from tests.test_handoff import claimed, escalate
    from tests.widget_client import WidgetClient

    held, waiting = await WidgetClient(server.url).open(), await WidgetClient(server.url).open()
    admin = await logged_in(server, make_staff, "admin")
    try:
        await held.ask("Where is my refund?")
        reference = await claimed(held, agent)
        await agent.call("reply", conversation_id=reference, text="Let me look.")
        await agent.call("note", conversation_id=reference, text="refund of order 1234")
        await escalate(waiting)
        cookie = {"Cookie": agent.browser.cookie_header()}
        overview = (await call(server_schema, "/api/agent/overview", "GET", server.url, 200, headers=cookie)).json()
        assert overview["waiting"] and overview["mine"]
        path = "/api/agent/conversations/{conversation_id}"
        parts = {"path_parameters": {"conversation_id": reference}}
        transcript = (await call(server_schema, path, "GET", server.url, 200, headers=cookie, **parts)).json()
        assert transcript["notes"] and transcript["handoffs"] and transcript["suggestions"]
        await call(server_schema, path, "GET", server.url, 404, headers=cookie,
                   path_parameters={"conversation_id": 10 ** 9})
        assert (await agent.call("resolve", conversation_id=reference, summary="refund explained", kind="personal"))["ok"]
        await call(server_schema, path, "GET", server.url, 200, headers=cookie, **parts)  # a handoff that ended
        export = (await call(server_schema, "/admin/customers/{conversation_id}/export", "POST", server.url, 200,
                             headers={"Cookie": admin.cookie_header()}, body={"csrf_token": await admin.fetch_csrf()},
                             media_type="application/x-www-form-urlencoded", **parts)).json()
        assert export["internal_notes"] and export["handoffs"][0]["outcome"]
        await call(server_schema, "/api/agent/overview", "GET", server.url, 401)
    finally:
        await held.close()
        await waiting.close()
        await admin.close()
