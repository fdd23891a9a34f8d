"""What several server processes share through Redis, put together for one process.

With `NAHBAR_REDIS_URL` set, every process behind the load balancer uses the same Redis
for the four things that must not live in one process's memory: socket.io's rooms
(python-socketio's AsyncRedisManager, so an event reaches a socket on any process),
presence with its grace period (helpdesk.presence.RedisPresence), one lock per
conversation (helpdesk.turns.RedisLocks), and the news that the knowledge base changed.
Everything else, conversations, trackers, handoffs, logins, bridge runs, is in the
database already. Without Redis one process runs alone, as in the embedded default.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Optional

import redis
import redis.asyncio as aioredis
import socketio
from redis.exceptions import RedisError

from helpdesk.presence import RedisPresence
from helpdesk.tasks import STOP_SECONDS, end_tasks
from helpdesk.turns import RedisLocks
from knowledge.base import KnowledgeBase
from nahbar.settings import Settings, SettingsError

logger = logging.getLogger(__name__)

HEALTH_EVERY = 1.0  # seconds between pings: how soon an outage is noticed
PING_TIMEOUT = 1.0


def knowledge_channel(settings: Settings) -> str:
    return f"{settings.redis_prefix}:knowledge"


def tell_knowledge_changes(settings: Settings, knowledge: KnowledgeBase) -> None:
    """After a write on this process (or in `nahbar kb import`), the others refresh at once.

    The knowledge base calls its listeners from the writing thread, so this publishes with
    a blocking client; if Redis cannot take it, the others catch up on their timer.
    """
    client = redis.Redis.from_url(settings.redis_url, socket_timeout=PING_TIMEOUT)
    channel = knowledge_channel(settings)
    knowledge.change_listeners.append(lambda: client.publish(channel, "changed"))


class RedisEvents(socketio.AsyncRedisManager):
    """python-socketio's Redis manager, which says whether this process hears events now and
    subscribes again within half a second of an outage, instead of backing off up to a minute.

    Redis's publish/subscribe keeps nothing for a subscriber that is away: an event published
    then never reaches this process's sockets. So turns are answered only while `listening`
    (their replies are stored either way; a widget that reconnects gets what it missed).
    """

    RETRY_SECONDS = 0.5
    listening = False

    async def _redis_listen_with_retries(self):  # the library's loop, with a short fixed retry
        connect = False
        while True:
            try:
                if connect:
                    self._redis_connect()
                    await self.pubsub.subscribe(self.channel)
                self.listening = True
                async for message in self.pubsub.listen():
                    yield message
            except RedisError:
                if self.listening:
                    logger.error("socket.io events from other processes are not heard until Redis is back")
                self.listening = False
                connect = True
                await asyncio.sleep(self.RETRY_SECONDS)


def redis_client(url: str) -> aioredis.Redis:
    """The asyncio client every Redis-backed part of a process shares.

    Every wait on it is bounded: redis-py closes a connection after a cancelled or failed
    command and, without a connect timeout, waits for the close without limit, so a stop
    (a task cancelled in the middle of a command) could hang on a connection Redis no
    longer answers on.
    """
    return aioredis.Redis.from_url(url, socket_timeout=PING_TIMEOUT * 5, socket_connect_timeout=PING_TIMEOUT * 5,
                                   health_check_interval=10)


class Cluster:
    """This process's share of a deployment of several: Redis-backed parts and their upkeep."""

    def __init__(self, settings: Settings, client: aioredis.Redis) -> None:
        self.settings = settings
        self.redis = client
        prefix = settings.redis_prefix
        self.presence = RedisPresence(client, prefix, settings.agent_grace_seconds, settings.lease_seconds)
        self.locks = RedisLocks(client, prefix, settings.lease_seconds, ready=lambda: not self.unavailable())
        self.manager = RedisEvents(settings.redis_url, channel=f"{prefix}:socketio")
        self.reachable = True
        self.problem: Optional[str] = None
        self._tasks: list[asyncio.Task[None]] = []

    @classmethod
    async def connect(cls, settings: Settings) -> "Cluster":
        """The cluster's parts, once Redis has answered; a SettingsError says where it failed."""
        assert settings.redis_url
        client = redis_client(settings.redis_url)
        try:
            await client.ping()
        except RedisError as exc:
            raise SettingsError(f"NAHBAR_REDIS_URL={settings.redis_url!r} cannot be reached: {exc}") from exc
        return cls(settings, client)

    def unavailable(self) -> bool:
        """True while Redis cannot be reached or its events are not heard: turns wait, and
        customers are told."""
        return not (self.reachable and self.manager.listening)

    async def start(self, knowledge: KnowledgeBase, sio: socketio.AsyncServer) -> None:
        if not sio.manager_initialized:  # listen from the start, not from the first connection on
            sio.manager_initialized = True
            sio.manager.initialize()
        self._tasks = [
            asyncio.create_task(self._watch_health(), name="redis-health"),
            asyncio.create_task(self._follow_knowledge(knowledge), name="knowledge-sync"),
        ]

    async def stop(self) -> None:
        await end_tasks(self._tasks, STOP_SECONDS)
        await self.redis.close()

    async def check(self) -> Optional[str]:
        """None when Redis answers now and its events are heard, else what is wrong (for /healthz)."""
        try:
            await asyncio.wait_for(self.redis.ping(), PING_TIMEOUT)
        except (RedisError, OSError, asyncio.TimeoutError) as exc:
            self._set(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        else:
            self._set(None)
        if self.problem is not None:
            return f"unreachable ({self.problem})"
        return None if self.manager.listening else "reachable, but not yet subscribed to socket.io events"

    def _set(self, problem: Optional[str]) -> None:
        if problem and self.reachable:
            logger.error("Redis cannot be reached (%s): customers' messages are stored and answered once it is back",
                         problem)
        elif not problem and not self.reachable:
            logger.warning("Redis is reachable again")
        self.problem = problem
        self.reachable = problem is None

    async def _watch_health(self) -> None:
        while True:
            await self.check()
            await asyncio.sleep(HEALTH_EVERY)

    async def _follow_knowledge(self, knowledge: KnowledgeBase) -> None:
        """Refresh the index when another process says the knowledge base changed, and on a
        timer in any case: a notification missed (Redis away, the process busy starting)
        is caught up by the fingerprint check at the next tick."""
        every = self.settings.knowledge_check_seconds
        pubsub = None
        checked = time.monotonic()
        while True:
            told = False
            try:
                if pubsub is None:
                    pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                    await pubsub.subscribe(knowledge_channel(self.settings))
                wait = max(0.05, every - (time.monotonic() - checked))
                told = await pubsub.get_message(timeout=min(wait, 1.0)) is not None
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis away, say: subscribe again later, and keep the timer going meanwhile
                if pubsub is not None:
                    try:
                        await pubsub.reset()
                    except Exception:
                        pass
                pubsub = None
                await asyncio.sleep(1.0)
            if told or time.monotonic() - checked >= every:
                checked = time.monotonic()
                try:
                    changed = await asyncio.to_thread(knowledge.refresh)
                except Exception:
                    logger.exception("comparing the knowledge index with the database failed")
                    continue
                if changed:
                    logger.info("knowledge index: %d articles changed on another process, re-indexed", changed)
