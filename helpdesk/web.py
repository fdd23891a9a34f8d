"""The widget's files and the demo page that shows it on a sample company site."""

from __future__ import annotations

from pathlib import Path

import jinja2
from aiohttp import web

STATIC_DIR = Path(__file__).parent / "static"
TEMPLATE_DIR = Path(__file__).parent / "templates"  # the demo page and the agent console


def widget_routes(session_days: int, templates: jinja2.Environment, keep_bot_days: int = 30,
                  keep_people_days: int = 180) -> list[web.AbstractRouteDef]:
    """`keep_*_days`: how long chats are kept, which the widget tells customers."""
    async def demo_page(_request: web.Request) -> web.Response:
        html = templates.get_template("demo.html").render(session_days=session_days, keep_bot_days=keep_bot_days,
                                                          keep_people_days=keep_people_days)
        return web.Response(text=html, content_type="text/html")

    return [web.get("/", demo_page), web.static("/widget", STATIC_DIR)]
