"""The API description (`nahbar/openapi.yml`), served at `/api/openapi.json`.

Written by hand rather than generated: the routes live in five packages that must not
import a documentation layer, and a document that says what each answer means reads better
than one pieced together from decorators. `tests/test_openapi.py` keeps it true: every
route of the running app is in it with its methods and nothing else is, and the public API
answers generated requests only as it says.
"""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

DOCUMENT_PATH = Path(__file__).parent / "openapi.yml"
URL = "/api/openapi.json"


def load_document(base_url: str) -> dict[str, Any]:
    """The document with this server's public address and Nahbar's version in it."""
    document = yaml.safe_load(DOCUMENT_PATH.read_text(encoding="utf-8"))
    document["servers"] = [{"url": base_url.rstrip("/")}]
    try:
        document["info"]["version"] = version("nahbar")
    except PackageNotFoundError:  # run from a source tree that is not installed
        document["info"]["version"] = "unreleased"
    return document


def openapi_routes(base_url: str) -> list[web.RouteDef]:
    """`GET /api/openapi.json`; the JSON is made once, at start. Any origin may read it, so
    API tools on other sites (a Swagger UI, an editor) can load it from the server."""
    body = json.dumps(load_document(base_url), ensure_ascii=False).encode("utf-8")

    async def document(_request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json", charset="utf-8",
                            headers={"Access-Control-Allow-Origin": "*"})

    return [web.get(URL, document)]
