"""The widget's files and the demo page that shows it on a sample company site."""

from __future__ import annotations

from pathlib import Path

import jinja2
from aiohttp import web

STATIC_DIR = Path(__file__).parent / "static"
_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=jinja2.select_autoescape(default=True),
)


def widget_routes(session_days: int) -> list[web.AbstractRouteDef]:
    async def demo_page(_request: web.Request) -> web.Response:
        html = _templates.get_template("demo.html").render(session_days=session_days)
        return web.Response(text=html, content_type="text/html")

    return [web.get("/", demo_page), web.static("/widget", STATIC_DIR)]
