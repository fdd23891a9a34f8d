"""Who is connected: agents with the console open, customers with the widget open.

The helpdesk asks presence, never a socket table of its own, so the in-process
implementation here can be swapped for one shared by several server processes (Redis)
without touching the queue or the desk. Presence also owns the grace period: an agent
whose last console closed is reported gone only after `grace_seconds` without a reconnect.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable, Iterable, Optional, Protocol

logger = logging.getLogger(__name__)

AgentGone = Callable[[int], Awaitable[None]]


class Presence(Protocol):
    def agents_online(self) -> list[int]: ...

    async def agent_connected(self, agent_id: int) -> None: ...

    async def agent_disconnected(self, agent_id: int) -> None: ...

    async def expect_agents(self, agent_ids: Iterable[int]) -> None:
        """Agents who held chats before a restart: gone unless they connect within the grace period."""

    async def customer_connected(self, conversation_id: int) -> bool:
        """True when this is the customer's first open widget (they just arrived)."""

    async def customer_disconnected(self, conversation_id: int) -> bool:
        """True when the customer's last open widget closed (they just left)."""

    def customer_present(self, conversation_id: int) -> bool: ...

    def on_agent_gone(self, callback: AgentGone) -> None: ...


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

    def agents_online(self) -> list[int]:
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
        left = max(0, self._customers.get(conversation_id, 1) - 1)
        if left:
            self._customers[conversation_id] = left
            return False
        self._customers.pop(conversation_id, None)
        return True

    def customer_present(self, conversation_id: int) -> bool:
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
