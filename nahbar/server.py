"""The Nahbar server: one aiohttp application that owns every conversation.

It composes the parts and adds nothing of its own: the widget channel, the demo page,
the helpdesk core and the agent console (`helpdesk`), staff logins (`staff`), the public
knowledge base (`knowledge`), the Rasa model with its custom actions running in-process
(`actions`), and a health check for operators.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from datetime import timedelta
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional

import jinja2
from aiohttp import web
from sqlalchemy.engine import Engine

from actions.context import configure
from bot.brain import Brain
from bot.trackers import sql_tracker_store
from bot.training import model_path
from bridge.pipeline import Bridge
from bridge.review import Review
from bridge.runs import AlreadyRunning, BridgeRuns
from bridge.web import EditorConsole
from helpdesk.agent_channel import AgentChannel
from helpdesk.agent_web import AgentConsole
from helpdesk.canned import load_canned_replies
from helpdesk.channel import WidgetChannel, create_socket_server
from helpdesk.conversations import ConversationStore
from helpdesk.core import Helpdesk
from helpdesk.handoff_store import HandoffStore
from helpdesk.mailer import MailSettings
from helpdesk.notifier import SocketNotifier
from helpdesk.office_hours import OfficeHours
from i18n.web import language_middleware
from helpdesk.queue import HandoffSettings
from helpdesk.ratings_web import RatingPages
from helpdesk.service import ConversationService, ServiceSettings
from helpdesk.web import widget_routes
from knowledge.base import KnowledgeBase
from knowledge.web import KnowledgeSite
from nahbar.bad_input import bad_input
from nahbar.cluster import Cluster
from nahbar.customer_data import CustomerData, LiveCustomerData, Retention
from nahbar.data_web import DataRightsWeb
from nahbar.database import make_engine
from nahbar.error_pages import error_pages
from nahbar.openapi import openapi_routes
from nahbar.services import action_context, connect, open_bridge, open_bridge_runs, open_knowledge
from nahbar.settings import Settings, SettingsError
from nahbar.templates import environment
from staff.accounts import StaffStore
from staff.web import LoginLimits, StaffAuth

logger = logging.getLogger(__name__)


@dataclass
class Parts:
    """The running parts of one server, for tests and benchmarks to reach into."""

    settings: Settings
    engine: Engine
    knowledge: KnowledgeBase
    brain: Brain
    service: ConversationService
    helpdesk: Helpdesk
    staff: StaffStore
    auth: StaffAuth
    channel: WidgetChannel
    agents: AgentChannel
    bridge: Bridge
    bridge_runs: BridgeRuns
    templates: jinja2.Environment  # the one template environment of every console and page
    customer_data: LiveCustomerData
    cluster: Optional[Cluster] = None  # several processes: what they share through Redis


PARTS = web.AppKey("parts", Parts)


def resolve_model(settings: Settings) -> Path:
    path = settings.rasa_model or model_path(settings.models_dir)
    if not path.is_file():
        raise SettingsError(
            f"no trained Rasa model for the current training data at {path}; run `nahbar train` first"
        )
    return path


async def build_parts(settings: Settings) -> Parts:
    """Everything the server needs, loaded before it accepts the first connection."""
    engine = await asyncio.to_thread(connect, settings)
    knowledge = await asyncio.to_thread(open_knowledge, settings, engine)
    conversations = ConversationStore(engine)
    staff = StaffStore(engine)
    configure(action_context(settings, knowledge))
    brain = await asyncio.to_thread(
        Brain.load,
        resolve_model(settings),
        settings.action_endpoint,
        sql_tracker_store(settings.database_url, settings.data_dir, settings.tracker_cache,
                          partial(make_engine, future=False)),
        settings.action_seconds,
    )
    cluster = await Cluster.connect(settings) if settings.redis_url else None
    sio = create_socket_server(client_manager=cluster.manager if cluster else None)
    helpdesk = Helpdesk.build(
        HandoffStore(engine),
        conversations,
        knowledge,
        OfficeHours.parse(settings.office_hours, settings.timezone),
        HandoffSettings(settings.max_message_chars, settings.agent_grace_seconds, settings.base_url),
        SocketNotifier(sio),
        brain.resume,
        cluster.presence if cluster else None,
        MailSettings(settings.smtp_host, settings.smtp_port, settings.smtp_tls, settings.smtp_user,
                     settings.smtp_password, settings.smtp_sender),
    )
    service = ConversationService(conversations, brain, helpdesk, ServiceSettings(
        settings.max_message_chars, settings.session_days, settings.turn_workers, settings.max_waiting_conversations,
        settings.turn_seconds, sweep_seconds=settings.lease_seconds if cluster else 0.0,
    ), cluster.locks if cluster else None, cluster.unavailable if cluster else lambda: False)
    templates = environment()
    auth = StaffAuth(
        staff,
        secure_cookies=settings.base_url.startswith("https://"),
        session_lifetime=timedelta(hours=settings.staff_session_hours),
        limits=LoginLimits(max_failures=settings.login_max_failures),
        templates=templates,
    )
    bridge = await asyncio.to_thread(open_bridge, settings, engine, knowledge)
    customer_data = LiveCustomerData(
        CustomerData(engine, brain.tracker_store, Retention.from_settings(settings), settings.bridge_min_customers,
                     lambda: bridge), service, helpdesk.queue)
    return Parts(
        settings, engine, knowledge, brain, service, helpdesk, staff, auth,
        WidgetChannel(sio, service), AgentChannel(sio, helpdesk, auth), bridge,
        await asyncio.to_thread(open_bridge_runs, engine, bridge), templates, customer_data, cluster,
    )


def create_app(parts: Parts) -> web.Application:
    app = web.Application(client_max_size=256 * 1024, middlewares=[language_middleware, error_pages(parts.templates), bad_input])
    app[PARTS] = parts
    parts.channel.sio.attach(app, socketio_path="socket.io")
    settings = parts.settings
    site = KnowledgeSite(parts.knowledge, settings.base_url, settings.answer_threshold, parts.templates)
    app.add_routes(site.routes())
    app.add_routes(widget_routes(settings.session_days, parts.templates, settings.keep_bot_chats_days,
                                 settings.keep_resolved_chats_days))
    app.add_routes(parts.auth.routes())
    console = AgentConsole(
        parts.helpdesk, parts.auth, load_canned_replies(settings.canned_replies_path), parts.templates,
        settings.metrics_token,
    )
    app.add_routes(console.routes())
    rating_pages = RatingPages(parts.helpdesk.rating_figures, parts.auth)
    console_apps = console.apps()
    console_apps["/agent"].add_routes(rating_pages.agent_routes())
    for prefix, subapp in console_apps.items():
        app.add_subapp(prefix, subapp)
    review = Review(parts.engine, parts.knowledge, settings.bridge_min_customers)
    app.add_subapp("/editor", EditorConsole(parts.bridge_runs, review, parts.knowledge, parts.auth, parts.templates).app())
    if settings.bridge_interval_minutes > 0:
        app.cleanup_ctx.append(_every("bridge run", settings.bridge_interval_minutes * 60, _bridge_run(parts.bridge_runs)))
    data_rights = DataRightsWeb(parts.customer_data, parts.auth)
    app.add_routes(data_rights.widget_routes())
    admin = data_rights.admin_app()
    admin.add_routes(rating_pages.admin_routes())
    app.add_subapp("/admin", admin)
    if settings.purge_interval_hours > 0:
        # Ten minutes after the start, then every interval: a server restarted daily still purges.
        app.cleanup_ctx.append(_every("purge", settings.purge_interval_hours * 3600, parts.customer_data.purge,
                                      first_after=600.0))
    app.add_routes([web.get("/healthz", health), web.get("/livez", alive)])
    app.add_routes(openapi_routes(settings.base_url))

    app.cleanup_ctx.append(_conversations(parts))
    app.cleanup_ctx.append(_mail_sender(parts))  # after the rest is up; stopped before the rest stops
    return app


def _conversations(parts: Parts):
    """Handoffs and Rasa's pauses made consistent, then the workers that answer customers
    started with every message a previous process left unanswered; stopped at shutdown."""

    async def run(_app: web.Application):
        # Every database step runs in the loop's thread pool (asyncio.to_thread). Its default
        # size (cores + 4) let the turn workers' steps queue /healthz and the consoles behind them.
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=parts.settings.turn_workers * 2 + 16, thread_name_prefix="nahbar-db"))
        if parts.cluster is not None:
            await parts.cluster.start(parts.knowledge, parts.channel.sio)
        await parts.helpdesk.presence.start()
        await parts.helpdesk.queue.recover()
        await parts.helpdesk.queue.repair_bot_pauses(await asyncio.to_thread(parts.brain.paused_senders))
        await parts.service.start()
        yield
        await parts.service.stop()
        await parts.helpdesk.presence.stop()
        if parts.cluster is not None:
            await parts.cluster.stop()
        parts.brain.close()

    return run


def _mail_sender(parts: Parts):
    """The sender of the mail outbox, with SMTP configured: it lets the mail it is sending
    finish when the server stops (helpdesk.mailer)."""

    async def run(_app: web.Application):
        parts.helpdesk.mail.start()
        yield
        await parts.helpdesk.mail.stop()

    return run


def _every(name: str, interval_seconds: float, job: Callable[[], Awaitable[Any]], first_after: Optional[float] = None):
    """A cleanup context that runs `job` every interval (the first time after `first_after`)
    for as long as the server runs; a failure is logged and the next run comes as planned."""

    async def schedule(_app: web.Application):
        async def loop() -> None:
            delay = interval_seconds if first_after is None else min(first_after, interval_seconds)
            while True:
                await asyncio.sleep(delay)
                delay = interval_seconds
                try:
                    await job()
                except Exception:
                    logger.exception("the scheduled %s failed; it runs again in %.0f s", name, interval_seconds)

        task = asyncio.create_task(loop())
        yield
        task.cancel()

    return schedule


def _bridge_run(runs: BridgeRuns) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            summary = await asyncio.to_thread(runs.run, "schedule")
            logger.info("bridge run: %s", "; ".join(summary.lines()))
        except AlreadyRunning as exc:
            logger.info("scheduled bridge run skipped: %s", exc)

    return run


async def alive(_request: web.Request) -> web.Response:
    """The load balancer's check: this process answers (whatever Redis does, see /healthz)."""
    return web.json_response({"status": "alive"})


async def health(request: web.Request) -> web.Response:
    """200 while this process can serve; 503 when Redis, which several processes share, is
    away, so the load balancer and the operator's monitoring both see it."""
    parts = request.app[PARTS]
    published = await asyncio.to_thread(parts.knowledge.count, "published")
    body = {
        "status": "ok",
        "published_articles": published,
        "indexed_phrasings": len(parts.knowledge),
        "embedding_model": parts.knowledge.encoder.name,
        "rasa_model": parts.brain.model_path.name,
    }
    if parts.cluster is not None:
        problem = await parts.cluster.check()
        body["redis"] = problem or "ok"
        body["process"] = parts.cluster.presence.process
        if problem is not None:
            body["status"] = "degraded"
            return web.json_response(body, status=503)
    return web.json_response(body)


class ServerThread:
    """The real server on a real port, in a thread with its own event loop (tests, benchmarks)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = settings.base_url
        self.parts = None
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._error: Optional[BaseException] = None
        self._thread = threading.Thread(target=self._run, name="nahbar-test-server", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.parts = self.loop.run_until_complete(build_parts(self.settings))
            self._runner = web.AppRunner(create_app(self.parts))
            self.loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, self.settings.host, self.settings.port)
            self.loop.run_until_complete(site.start())
        except BaseException as exc:  # surfaced in start()
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self._runner.cleanup())
        self.parts.engine.dispose()

    def start(self) -> "ServerThread":
        self._thread.start()
        self._ready.wait(timeout=300)
        if self._error:
            raise self._error
        return self

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=30)


def serve(settings: Settings, notes: str = "") -> None:
    """Run until interrupted; `notes` are printed under the URLs (the demo's login)."""
    async def app_factory() -> web.Application:
        print("starting Nahbar (loading the bot, the search index and the anonymizer) …", flush=True)
        parts = await build_parts(settings)
        app = create_app(parts)

        async def dispose(_app: web.Application) -> None:
            parts.engine.dispose()

        app.on_cleanup.append(dispose)
        base = settings.base_url
        print(
            f"\nNahbar is running:\n"
            f"  demo page with the chat widget  {base}/\n"
            f"  public knowledge base           {base}/kb\n"
            f"  agent console (staff login)     {base}/agent\n"
            f"  editor console (staff login)    {base}/editor\n"
            f"  knowledge search API            {base}/api/kb/search?q=delivery\n"
            f"  customers' data (admins)        {base}/admin/customers\n"
            f"  health                          {base}/healthz\n\n"
            f"{notes}",
            flush=True,
        )
        return app

    web.run_app(app_factory(), host=settings.host, port=settings.port, print=None)
