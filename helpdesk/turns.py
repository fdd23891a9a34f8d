"""Answering accepted customer messages off the socket handlers, one conversation at a time.

A socket handler only stores the message and acknowledges it; the work of answering it
(Rasa, the knowledge search, the agent's screen) is done here by a fixed number of workers.
The database holds the work itself (helpdesk.schema.turns): this queue holds only which
conversations have some, so a restart rebuilds it from the table (`recover`) and loses
nothing. A conversation is worked on by one worker at a time, its messages in the order
they were accepted; different conversations go on side by side.

With several server processes a conversation can have work on more than one (a customer
with two tabs, a reconnect after a process died, the sweep for forgotten turns), so a
worker first takes the conversation's lock (`ConversationLocks`, in Redis); a process that
finds it taken tries again shortly, until the holder is done or its lease ran out.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator, Awaitable, Callable, Optional, Protocol, TypeVar

import redis.asyncio as aioredis
from redis.exceptions import LockError

from helpdesk.tasks import STOP_SECONDS, end_tasks

logger = logging.getLogger(__name__)

# Answers the oldest open turn of a conversation; False when it has none left.
AnswerNext = Callable[[int], Awaitable[bool]]
T = TypeVar("T")

RETRY_MAX_SECONDS = 30.0
LOCKED_RETRY_SECONDS = 0.5  # another process has the conversation: look again this soon


class ConversationLocks(Protocol):
    def hold(self, conversation_id: int) -> "AsyncIterator[bool]":
        """An async context that holds the conversation's lock, yielding False if another has it."""


class OneProcess:
    """One server process: its workers already take a conversation one at a time."""

    @asynccontextmanager
    async def hold(self, conversation_id: int) -> AsyncIterator[bool]:
        yield True


class RedisLocks:
    """A lease per conversation in Redis (redis-py's Lock: SET NX PX, released by token),
    renewed while held, so a process that dies holds a conversation for one lease at most."""

    def __init__(self, client: aioredis.Redis, prefix: str, lease_seconds: float,
                 ready: Callable[[], bool] = lambda: True) -> None:
        """`ready()` is False while this process could not push the answer (Redis events not
        heard): the conversation is then left for later, as if another process had it."""
        self.redis = client
        self.prefix = prefix
        self.lease_seconds = lease_seconds
        self.ready = ready

    @asynccontextmanager
    async def hold(self, conversation_id: int) -> AsyncIterator[bool]:
        if not self.ready():
            yield False
            return
        lock = self.redis.lock(f"{self.prefix}:conversation:{conversation_id}", timeout=self.lease_seconds,
                               blocking=False)
        if not await lock.acquire():
            yield False
            return
        renewal = asyncio.create_task(self._renew(lock))
        try:
            yield True
        finally:
            await end_tasks([renewal], self.lease_seconds)
            try:
                await lock.release()
            except LockError:
                logger.warning("the lease on conversation %s ran out before its turn was done", conversation_id)

    async def _renew(self, lock) -> None:
        """Renew until cancelled; a failed renewal is tried again at the next third of the
        lease (Redis briefly away), and a lease already lost is logged."""
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                await lock.reacquire()
            except LockError:
                logger.error("the lock of %s was lost while its turn was answered", lock.name)
                return
            except Exception:
                logger.warning("renewing the lock of %s failed; trying again", lock.name, exc_info=True)


class TurnWorkers:
    def __init__(self, answer_next: AnswerNext, workers: int, locks: Optional[ConversationLocks] = None) -> None:
        self._answer_next = answer_next
        self._workers = workers
        self._locks = locks or OneProcess()
        self._waiting: asyncio.Queue[int] = asyncio.Queue()
        self._active: set[int] = set()  # queued or being worked on
        self._again: set[int] = set()  # new work arrived while a worker had the conversation
        self._busy = 0  # workers answering a conversation now
        self._tasks: list[asyncio.Task[None]] = []
        self._retries: dict[int, float] = {}  # conversation -> seconds to wait before the next try
        self._scheduled: set[asyncio.TimerHandle] = set()

    def start(self) -> None:
        if not self._tasks:
            self._tasks = [asyncio.create_task(self._work(), name=f"turns-{n}") for n in range(self._workers)]

    async def stop(self) -> None:
        for retry in self._scheduled:
            retry.cancel()
        await end_tasks(self._tasks, STOP_SECONDS)
        self._tasks = []

    def submit(self, conversation_id: int) -> Optional[int]:
        """Note that a conversation has work.

        Returns None when a worker takes it at once, else how many waiting conversations
        are ahead of it (0: it is next), so the customer can be told honestly.
        """
        if conversation_id in self._active:
            self._again.add(conversation_id)
            return None
        self._active.add(conversation_id)
        queued_before = self._waiting.qsize()
        idle = self._workers - self._busy
        self._waiting.put_nowait(conversation_id)
        return None if queued_before < idle else queued_before - idle

    async def exclusively(self, conversation_id: int, work: Callable[[], Awaitable[T]], timeout: float = 60.0) -> T:
        """Run `work` while no worker answers the conversation (in this process, and in any
        other when the locks are shared): an erase must not race a turn that writes."""
        deadline = asyncio.get_running_loop().time() + timeout
        while conversation_id in self._active:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"conversation {conversation_id} stayed busy for {timeout:.0f} s")
            await asyncio.sleep(0.05)
        self._active.add(conversation_id)
        done = False
        try:
            while True:
                async with self._locks.hold(conversation_id) as held:
                    if held:
                        result = await work()
                        done = True
                        return result
                if asyncio.get_running_loop().time() > deadline:
                    raise TimeoutError(f"another process held conversation {conversation_id} for {timeout:.0f} s")
                await asyncio.sleep(LOCKED_RETRY_SECONDS)
        finally:
            self._active.discard(conversation_id)
            again = conversation_id in self._again
            self._again.discard(conversation_id)
            if again and not done:  # the work failed: a message accepted meanwhile is still answered
                self.submit(conversation_id)

    @property
    def backlog(self) -> int:
        """Conversations with work that no worker has started yet."""
        return self._waiting.qsize()

    async def _work(self) -> None:
        while True:
            conversation_id = await self._waiting.get()
            self._busy += 1
            failed = False
            locked = False
            try:
                async with self._locks.hold(conversation_id) as held:
                    locked = not held
                    if held:
                        await self._drain(conversation_id)
                self._retries.pop(conversation_id, None)
            except asyncio.CancelledError:
                raise
            except Exception:  # the database gone, say: the turn stays open there and is tried again
                failed = True
                logger.exception("answering conversation %s failed; trying again", conversation_id)
            finally:
                self._busy -= 1
                self._active.discard(conversation_id)
                # Work that arrived after the last look (while the lock was being released, say)
                # must not be forgotten: the conversation goes back in the queue.
                again = conversation_id in self._again
                self._again.discard(conversation_id)
            if again and not failed:
                self.submit(conversation_id)
            elif locked:
                self._retry_later(conversation_id, LOCKED_RETRY_SECONDS)
            elif failed:
                delay = self._retries[conversation_id] = min(RETRY_MAX_SECONDS, 2 * self._retries.get(conversation_id, 0.25))
                self._retry_later(conversation_id, delay)

    def _retry_later(self, conversation_id: int, delay: float) -> None:
        def retry() -> None:
            self._scheduled.discard(handle)
            self.submit(conversation_id)

        handle = asyncio.get_running_loop().call_later(delay, retry)
        self._scheduled.add(handle)

    async def _drain(self, conversation_id: int) -> None:
        while True:
            if await self._answer_next(conversation_id):
                continue
            if conversation_id in self._again:  # submitted while we looked: look once more
                self._again.discard(conversation_id)
                continue
            return
