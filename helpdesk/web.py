"""The widget's files and the demo page that shows it on a sample company site."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
from aiohttp import web

from i18n.scripts import script_catalogs

STATIC_DIR = Path(__file__).parent / "static"
TEMPLATE_DIR = Path(__file__).parent / "templates"  # the demo page and the agent console
WIDGET_SCRIPT = STATIC_DIR / "widget.js"
TEXTS_SLOT = "/*NAHBAR_TEXTS*/null"


def widget_script() -> str:
    """widget.js with both languages' texts in it: one request, and the customer switches
    language in the widget without asking the server again."""
    source = WIDGET_SCRIPT.read_text(encoding="utf-8")
    if TEXTS_SLOT not in source:
        raise RuntimeError(f"{WIDGET_SCRIPT} has lost its {TEXTS_SLOT} slot for the catalogs")
    # "</" cannot end a script element when the widget is inlined into a page.
    texts = json.dumps(script_catalogs(WIDGET_SCRIPT), ensure_ascii=False).replace("</", "<\\/")
    return source.replace(TEXTS_SLOT, texts, 1)


def widget_routes(session_days: int, templates: jinja2.Environment, keep_bot_days: int = 30,
                  keep_people_days: int = 180) -> list[web.AbstractRouteDef]:
    """`keep_*_days`: how long chats are kept, which the widget tells customers."""
    async def demo_page(_request: web.Request) -> web.Response:
        html = templates.get_template("demo.html").render(session_days=session_days, keep_bot_days=keep_bot_days,
                                                          keep_people_days=keep_people_days)
        return web.Response(text=html, content_type="text/html")

    script = widget_script()

    async def widget_js(_request: web.Request) -> web.Response:
        return web.Response(text=script, content_type="application/javascript", charset="utf-8",
                            headers={"Cache-Control": "public, max-age=300"})

    return [web.get("/", demo_page), web.get("/widget/widget.js", widget_js), web.static("/widget", STATIC_DIR)]
