"""German and English everywhere a person reads: catalogs complete, no text outside them,
the language chosen from the browser, switchable and remembered."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import i18n
from i18n.scripts import script_messages
from i18n.web import COOKIE, from_accept_language, language_middleware

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("actions", "bot", "bridge", "helpdesk", "i18n", "knowledge", "nahbar", "staff")
TEMPLATES = sorted(path for package in PACKAGES for path in (ROOT / package).glob("templates/*.html"))
SCRIPTS = [ROOT / "helpdesk/static/widget.js", ROOT / "helpdesk/static/console/agent.js"]
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "translate": (2,)}
# Words a template may show as they are: names, and units that read the same in both languages.
UNTRANSLATED = {"Velora", "Nahbar", "UTC", "JSON", "v", "Q", "A", "#", "Deutsch", "English"}


def extracted() -> dict[str, str]:
    """Every text the code marks, with where it is (what `scripts/i18n.sh` puts in the .pot)."""
    found: dict[str, str] = {}
    for package in PACKAGES:
        for filename, _line, message, _comments, _context in extract_from_dir(
                ROOT / package, METHODS, keywords=KEYWORDS, options_map={"**/templates/**.html": {
                    "extensions": "jinja2.ext.i18n"}}):
            for text in (message if isinstance(message, tuple) else (message,)):
                if text:
                    found.setdefault(text, f"{package}/{filename}")
    for script in SCRIPTS:
        for text in script_messages(script):
            found.setdefault(text, str(script.relative_to(ROOT)))
    return found


def german_catalog():
    with i18n.catalog_path("de").open("rb") as po:
        return read_po(po, locale="de")


def test_every_text_the_code_marks_has_a_german_translation():
    catalog = german_catalog()
    missing = [f"{where}: {text!r}" for text, where in sorted(extracted().items(), key=lambda kv: kv[1])
               if not (catalog.get(text) and catalog.get(text).string and not catalog.get(text).fuzzy)]
    assert not missing, "untranslated (run scripts/i18n.sh, then translate in i18n/locale/de):\n" + "\n".join(missing)


def test_the_german_catalog_holds_no_text_the_code_no_longer_uses():
    used = set(extracted())
    stale = sorted(message.id for message in german_catalog() if message.id and message.id not in used)
    assert not stale, "remove with scripts/i18n.sh: " + "; ".join(map(repr, stale))


def test_a_translation_keeps_the_placeholders_of_its_text():
    wrong = []
    for message in german_catalog():
        if message.id and message.string:
            wanted, got = sorted(re.findall(r"\{\w+\}", message.id)), sorted(re.findall(r"\{\w+\}", message.string))
            if wanted != got:
                wrong.append(f"{message.id!r}: {got} instead of {wanted}")
    assert not wrong, "\n".join(wrong)


class _TextFinder(HTMLParser):
    """Text and human-read attributes a template shows without passing them through `_()`."""

    READ_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}

    def __init__(self) -> None:
        super().__init__()
        self.loose: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):  # a command's name reads the same in every language
            self._skip += 1
        for name, value in attrs:
            if name in self.READ_ATTRIBUTES and value and _words(value):
                self.loose.append(f'{name}="{value}"')

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and _words(data):
            self.loose.append(data.strip())


def _words(text: str) -> list[str]:
    words = re.findall(r"[^\W\d_]+", text)
    return [word for word in words if word not in UNTRANSLATED]


def _without_jinja(source: str) -> str:
    source = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
    source = re.sub(r"\{%.*?%\}", "", source, flags=re.S)
    return re.sub(r"\{\{.*?\}\}", "", source, flags=re.S)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: f"{path.parent.parent.name}/{path.name}")
def test_a_template_shows_no_text_outside_the_catalog(template: Path):
    finder = _TextFinder()
    finder.feed(_without_jinja(template.read_text(encoding="utf-8")))
    assert not finder.loose, f"wrap in {{{{ _('…') }}}}: {finder.loose}"


_SCRIPT_LITERAL = re.compile(r'(?<![\w$])(_\(\s*)?"((?:[^"\\\n]|\\.)*)"')
_SENTENCE = re.compile(r"[^\W\d_]{2,}[ ,]+[^\W\d_]{2,}")
# Protocol, markup and CSS strings, never shown to a person.
_TECHNICAL = {"use strict", "io server disconnect", "input[name=kind]:checked", "noopener noreferrer", "nahbar-msg nahbar-",
              "msg msg-"}


def _without_comments(source: str) -> str:
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    return re.sub(r"(^|\s)//[^\n]*", "", source)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_a_script_shows_no_sentence_outside_the_catalog(script: Path):
    loose = [literal for marked, literal in _SCRIPT_LITERAL.findall(_without_comments(script.read_text(encoding="utf-8")))
             if not marked and _SENTENCE.search(literal) and literal not in _TECHNICAL]
    assert not loose, f"wrap in _(…): {loose}"


@pytest.mark.parametrize("header, expected", [
    ("de-DE,de;q=0.9,en;q=0.8", "de"), ("en-US,en;q=0.9,de;q=0.8", "en"), ("fr-FR,fr;q=0.9,de;q=0.5", "de"),
    ("fr, it", None), ("de;q=0.2, en;q=0.7", "en"), ("", None), ("de;q=abc, en", "en"),
])
def test_the_browser_language_is_the_supported_one_it_prefers_most(header, expected):
    assert from_accept_language(header) == expected


def test_texts_made_for_a_customer_are_in_their_language_whatever_the_current_one_is():
    with i18n.in_language("en"):
        assert i18n.translate("de", "Send") == "Senden"
        assert i18n.gettext("Send") == "Send"
    assert i18n.translate("de-AT", "The message is longer than {limit} characters.", limit=10) \
        == "Die Nachricht ist länger als 10 Zeichen."


@pytest.fixture
async def page_server(aiohttp_server_factory):
    async def page(_request: web.Request) -> web.Response:
        return web.Response(text=f"{i18n.current_language()}:{i18n.gettext('Send')}")

    app = web.Application(middlewares=[language_middleware])
    app.router.add_get("/page", page)
    return await aiohttp_server_factory(app)


@pytest.fixture
async def aiohttp_server_factory():
    runners = []

    async def start(app: web.Application) -> str:
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        return f"http://127.0.0.1:{runner.addresses[0][1]}"

    yield start
    for runner in runners:
        await runner.cleanup()


async def test_a_page_is_in_the_language_the_browser_prefers(page_server):
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{page_server}/page", headers={"Accept-Language": "de-CH,de;q=0.9"}) as response:
            assert await response.text() == "de:Senden"
            assert response.headers["Content-Language"] == "de"
        async with http.get(f"{page_server}/page") as response:
            assert await response.text() == "en:Send"


async def test_switching_the_language_is_remembered_over_the_browser_preference(page_server):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:  # unsafe: an IP address
        async with http.get(f"{page_server}/page?hl=de", headers={"Accept-Language": "en"}) as response:
            assert await response.text() == "de:Senden"
            assert response.cookies[COOKIE].value == "de"
        async with http.get(f"{page_server}/page", headers={"Accept-Language": "en"}) as response:
            assert await response.text() == "de:Senden"
        async with http.get(f"{page_server}/page?hl=en") as response:
            assert await response.text() == "en:Send"
        async with http.get(f"{page_server}/page", headers={"Accept-Language": "de"}) as response:
            assert await response.text() == "en:Send"
