"""Who is connected: agents with the console open, customers with the widget open.

The helpdesk asks presence, never a socket table of its own, so the in-process
implementation (one server) and the Redis one (several server processes) are swapped
without touching the queue or the desk. Presence also owns the grace period: an agent
whose last console closed is reported gone only after `grace_seconds` without a reconnect.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Awaitable, Callable, Iterable, Optional, Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from helpdesk.tasks import end_tasks

logger = logging.getLogger(__name__)

AgentGone = Callable[[int], Awaitable[None]]


class Presence(Protocol):
    async def agents_online(self) -> list[int]: ...

    def agents_online_count(self) -> int:
        """For the metrics scrape, which cannot wait: the count as last seen."""

    async def agent_connected(self, agent_id: int) -> None: ...

    async def agent_disconnected(self, agent_id: int) -> None: ...

    async def expect_agents(self, agent_ids: Iterable[int]) -> None:
        """Agents who held chats before a restart: gone unless they connect within the grace period."""

    async def customer_connected(self, conversation_id: int) -> bool:
        """True when this is the customer's first open widget (they just arrived)."""

    async def customer_disconnected(self, conversation_id: int) -> bool:
        """True when the customer's last open widget closed (they just left)."""

    async def customer_present(self, conversation_id: int) -> bool: ...

    def on_agent_gone(self, callback: AgentGone) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def _last_closed(sockets: dict[int, int], conversation_id: int) -> bool:
    """Count one of this process's widgets of a conversation closed; True if it was the last."""
    left = max(0, sockets.get(conversation_id, 1) - 1)
    if left:
        sockets[conversation_id] = left
        return False
    sockets.pop(conversation_id, None)
    return True


class LocalPresence:
    """Presence of one server process: socket counts and grace timers in memory."""

    def __init__(self, grace_seconds: float) -> None:
        self.grace_seconds = grace_seconds
        self._agents: dict[int, int] = {}
        self._customers: dict[int, int] = {}
        self._grace: dict[int, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task] = set()
        self._gone: Optional[AgentGone] = None

    def on_agent_gone(self, callback: AgentGone) -> None:
        self._gone = callback

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        for timer in self._grace.values():
            timer.cancel()

    async def agents_online(self) -> list[int]:
        return self._online()

    def agents_online_count(self) -> int:
        return len(self._online())

    def _online(self) -> list[int]:
        return [agent_id for agent_id, count in self._agents.items() if count > 0]

    async def agent_connected(self, agent_id: int) -> None:
        self._agents[agent_id] = self._agents.get(agent_id, 0) + 1
        timer = self._grace.pop(agent_id, None)
        if timer is not None:
            timer.cancel()

    async def agent_disconnected(self, agent_id: int) -> None:
        left = max(0, self._agents.get(agent_id, 1) - 1)
        self._agents[agent_id] = left
        if left == 0:
            self._start_grace(agent_id)

    async def expect_agents(self, agent_ids: Iterable[int]) -> None:
        for agent_id in agent_ids:
            if self._agents.get(agent_id, 0) == 0 and agent_id not in self._grace:
                self._start_grace(agent_id)

    async def customer_connected(self, conversation_id: int) -> bool:
        self._customers[conversation_id] = self._customers.get(conversation_id, 0) + 1
        return self._customers[conversation_id] == 1

    async def customer_disconnected(self, conversation_id: int) -> bool:
        return _last_closed(self._customers, conversation_id)

    async def customer_present(self, conversation_id: int) -> bool:
        return self._customers.get(conversation_id, 0) > 0

    def _start_grace(self, agent_id: int) -> None:
        loop = asyncio.get_running_loop()
        self._grace[agent_id] = loop.call_later(self.grace_seconds, self._grace_over, agent_id)

    def _grace_over(self, agent_id: int) -> None:
        self._grace.pop(agent_id, None)
        if self._agents.get(agent_id, 0) > 0 or self._gone is None:
            return
        task = asyncio.get_running_loop().create_task(self._report_gone(agent_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _report_gone(self, agent_id: int) -> None:
        try:
            await self._gone(agent_id)  # type: ignore[misc]
        except Exception:
            logger.exception("releasing the chats of agent %s after the grace period failed", agent_id)


class RedisPresence:
    """Presence shared by several server processes: leases in Redis that each process renews.

    Every process counts its own sockets and holds, in Redis, one lease per agent and per
    customer it has a socket of, renewed every `lease_seconds / 3`. A process that dies
    stops renewing, so its agents and customers count as gone once their leases run out,
    and nobody stays "online" because of a dead process. The grace period runs from the
    moment an agent was last seen anywhere (kept in Redis as well): whichever process
    first finds it over removes the mark and reports the agent gone, so the chats are
    released once, not once per process.
    """

    def __init__(self, client: aioredis.Redis, prefix: str, grace_seconds: float, lease_seconds: float,
                 check_seconds: Optional[float] = None) -> None:
        self.redis = client
        self.grace_seconds = grace_seconds
        self.lease_seconds = lease_seconds
        self.check_seconds = check_seconds or min(lease_seconds / 3, max(grace_seconds / 4, 0.05))
        self.process = uuid.uuid4().hex[:12]
        self._agents_key = f"{prefix}:presence:agents"
        self._seen_key = f"{prefix}:presence:agent_seen"
        self._customer_prefix = f"{prefix}:presence:customer:"
        self._agents: dict[int, int] = {}
        self._customers: dict[int, int] = {}
        self._online_count = 0
        self._gone: Optional[AgentGone] = None
        self._task: Optional[asyncio.Task] = None

    def on_agent_gone(self, callback: AgentGone) -> None:
        self._gone = callback

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._keep(), name="presence-leases")

    async def stop(self) -> None:
        """Give up this process's leases at once: a stopped process is not online anywhere."""
        if self._task is not None:
            await end_tasks([self._task], self.lease_seconds)
            self._task = None
        try:
            # Bounded: a process that stops must stop, whatever Redis (or a connection left
            # behind by the cancelled renewal) does; the leases run out by themselves.
            await asyncio.wait_for(self._give_up(), self.lease_seconds)
        except (RedisError, OSError, asyncio.TimeoutError):
            logger.warning("could not give up this process's presence leases; they run out by themselves")

    async def _give_up(self) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for agent_id, count in self._agents.items():
                if count:
                    pipe.zrem(self._agents_key, self._member(agent_id))
                    pipe.hset(self._seen_key, str(agent_id), time.time())
            for conversation_id in self._customers:
                pipe.zrem(self._customer_key(conversation_id), self.process)
            await pipe.execute()

    # -- agents ----------------------------------------------------------------------

    async def agents_online(self) -> list[int]:
        members = await self.redis.zrangebyscore(self._agents_key, time.time(), "+inf")
        online = sorted({int(m.split(b":", 1)[0]) for m in members})
        self._online_count = len(online)
        return online

    def agents_online_count(self) -> int:
        return self._online_count

    async def agent_connected(self, agent_id: int) -> None:
        self._agents[agent_id] = self._agents.get(agent_id, 0) + 1
        now = time.time()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(self._agents_key, {self._member(agent_id): now + self.lease_seconds})
            # Seen now, not only at the next renewal: if this process dies before it, the
            # others still know the agent and release their chats after the grace period.
            pipe.hset(self._seen_key, str(agent_id), now)
            await pipe.execute()

    async def agent_disconnected(self, agent_id: int) -> None:
        left = max(0, self._agents.get(agent_id, 1) - 1)
        self._agents[agent_id] = left
        if left == 0:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.zrem(self._agents_key, self._member(agent_id))
                pipe.hset(self._seen_key, str(agent_id), time.time())  # the grace period starts now
                await pipe.execute()

    async def expect_agents(self, agent_ids: Iterable[int]) -> None:
        now = time.time()
        for agent_id in agent_ids:
            await self.redis.hsetnx(self._seen_key, str(agent_id), now)

    # -- customers -------------------------------------------------------------------

    async def customer_connected(self, conversation_id: int) -> bool:
        self._customers[conversation_id] = self._customers.get(conversation_id, 0) + 1
        if self._customers[conversation_id] > 1:
            return False
        key = self._customer_key(conversation_id)
        now = time.time()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zrangebyscore(key, now, "+inf")
            pipe.zadd(key, {self.process: now + self.lease_seconds})
            pipe.expire(key, int(self.lease_seconds) + 1)
            holders, _added, _expiry = await pipe.execute()
        return not self._others(holders)

    async def customer_disconnected(self, conversation_id: int) -> bool:
        if not _last_closed(self._customers, conversation_id):
            return False
        key = self._customer_key(conversation_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zrem(key, self.process)
            pipe.zrangebyscore(key, time.time(), "+inf")
            _removed, holders = await pipe.execute()
        return not self._others(holders)

    def _others(self, holders: list[bytes]) -> list[bytes]:
        """The other processes among a customer's lease holders. This process's own lease does
        not count: its renewal loop may have written it a moment before (it renews every
        customer this process counts, and the count goes up before the lease is checked)."""
        mine = self.process.encode()
        return [holder for holder in holders if holder != mine]

    async def customer_present(self, conversation_id: int) -> bool:
        if self._customers.get(conversation_id):
            return True
        return await self.redis.zcount(self._customer_key(conversation_id), time.time(), "+inf") > 0

    # -- leases and the grace period -------------------------------------------------

    async def _keep(self) -> None:
        renewed = 0.0
        while True:
            try:
                if time.monotonic() - renewed >= self.lease_seconds / 3:
                    await self._renew()
                    renewed = time.monotonic()
                await self._check_grace()
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:  # the health check reports the outage; leases wait for Redis
                logger.debug("presence leases not renewed: %s", exc)
            except Exception:  # whatever it was, renewing must go on
                logger.exception("renewing presence leases failed")
            await asyncio.sleep(self.check_seconds)

    async def _renew(self) -> None:
        now = time.time()
        expiry = now + self.lease_seconds
        async with self.redis.pipeline(transaction=False) as pipe:
            for agent_id, count in self._agents.items():
                if count:
                    pipe.zadd(self._agents_key, {self._member(agent_id): expiry})
                    pipe.hset(self._seen_key, str(agent_id), now)
            for conversation_id in self._customers:
                key = self._customer_key(conversation_id)
                pipe.zadd(key, {self.process: expiry})
                pipe.expire(key, int(self.lease_seconds) + 1)
            pipe.zremrangebyscore(self._agents_key, "-inf", now)
            await pipe.execute()

    async def _check_grace(self) -> None:
        seen = await self.redis.hgetall(self._seen_key)
        if not seen:
            return
        online = set(await self.agents_online())
        now = time.time()
        for raw_id, raw_when in seen.items():
            agent_id = int(raw_id)
            if agent_id in online or self._agents.get(agent_id, 0) or float(raw_when) + self.grace_seconds > now:
                continue
            if await self.redis.hdel(self._seen_key, raw_id) and self._gone is not None:  # one process wins
                try:
                    await self._gone(agent_id)
                except Exception:
                    logger.exception("releasing the chats of agent %s after the grace period failed", agent_id)

    def _member(self, agent_id: int) -> str:
        return f"{agent_id}:{self.process}"

    def _customer_key(self, conversation_id: int) -> str:
        return f"{self._customer_prefix}{conversation_id}"
