"""The turn workers on their own: order within a conversation, one worker per conversation,
work that arrives while a conversation is being answered, and retries after a failure."""

import asyncio
import uuid
from contextlib import asynccontextmanager

import pytest

from helpdesk.turns import RedisLocks, TurnWorkers
from nahbar.cluster import redis_client
from tests.conftest import REDIS_URL


class Inbox:
    """Open turns per conversation, answered by the workers; records what happened."""

    def __init__(self, fail_first: int = 0) -> None:
        self.open: dict[int, list[str]] = {}
        self.answered: list[tuple[int, str]] = []
        self.working: set[int] = set()
        self.overlaps = 0
        self.fail_first = fail_first
        self.done = asyncio.Event()

    def add(self, conversation_id: int, text: str) -> None:
        self.open.setdefault(conversation_id, []).append(text)

    async def answer_next(self, conversation_id: int) -> bool:
        if conversation_id in self.working:
            self.overlaps += 1
        self.working.add(conversation_id)
        try:
            await asyncio.sleep(0.01)
            if self.fail_first:
                self.fail_first -= 1
                raise ConnectionError("database gone")
            if not self.open.get(conversation_id):
                return False
            self.answered.append((conversation_id, self.open[conversation_id].pop(0)))
            if not any(self.open.values()):
                self.done.set()
            return True
        finally:
            self.working.discard(conversation_id)


async def test_each_conversation_is_answered_in_order_by_one_worker_at_a_time():
    inbox = Inbox()
    workers = TurnWorkers(inbox.answer_next, 3)
    workers.start()
    try:
        for n in range(5):
            for conversation_id in (1, 2):
                inbox.add(conversation_id, f"m{n}")
                workers.submit(conversation_id)
                await asyncio.sleep(0.003)  # new messages arrive while the conversation is being answered
        await asyncio.wait_for(inbox.done.wait(), 5)
    finally:
        await workers.stop()
    for conversation_id in (1, 2):
        assert [t for c, t in inbox.answered if c == conversation_id] == [f"m{n}" for n in range(5)]
    assert inbox.overlaps == 0


async def test_a_conversation_waiting_behind_busy_workers_learns_how_many_are_ahead():
    release = asyncio.Event()

    async def slow(conversation_id: int) -> bool:
        await release.wait()
        return False

    workers = TurnWorkers(slow, 2)
    workers.start()
    try:
        assert workers.submit(1) is None and workers.submit(2) is None  # both start at once
        await asyncio.sleep(0.01)
        assert [workers.submit(3), workers.submit(4)] == [0, 1]
        assert workers.backlog == 2
    finally:
        release.set()
        await workers.stop()


async def test_a_failed_answer_is_tried_again_later(monkeypatch):
    monkeypatch.setattr("helpdesk.turns.RETRY_MAX_SECONDS", 0.05)
    inbox = Inbox(fail_first=2)
    workers = TurnWorkers(inbox.answer_next, 1)
    workers.start()
    try:
        inbox.add(7, "hello")
        workers.submit(7)
        await asyncio.wait_for(inbox.done.wait(), 5)
    finally:
        await workers.stop()
    assert inbox.answered == [(7, "hello")]


@pytest.mark.skipif(not REDIS_URL, reason="needs Redis")
async def test_two_processes_sharing_conversations_never_answer_one_at_the_same_time():
    """Each process's workers take a conversation's lock in Redis first; the one that finds it
    taken looks again shortly, so every message is answered once, in order, by one at a time."""
    client = redis_client(REDIS_URL)
    prefix = f"nahbar-test-{uuid.uuid4().hex[:8]}"
    inbox = Inbox()
    processes = [TurnWorkers(inbox.answer_next, 4, RedisLocks(client, prefix, lease_seconds=5)) for _ in range(2)]
    for workers in processes:
        workers.start()
    try:
        for n in range(5):
            for conversation_id in (1, 2, 3):
                inbox.add(conversation_id, f"m{n}")
                for workers in processes:  # both processes hear of the same work
                    workers.submit(conversation_id)
        await asyncio.wait_for(inbox.done.wait(), 30)
        assert inbox.overlaps == 0
        for conversation_id in (1, 2, 3):
            assert [text for c, text in inbox.answered if c == conversation_id] == [f"m{n}" for n in range(5)]
    finally:
        for workers in processes:
            await workers.stop()
        await client.close()


@pytest.mark.skipif(not REDIS_URL, reason="needs Redis")
async def test_a_conversation_locked_by_a_process_that_died_is_answered_once_its_lease_runs_out():
    client = redis_client(REDIS_URL)
    prefix = f"nahbar-test-{uuid.uuid4().hex[:8]}"
    dead = client.lock(f"{prefix}:conversation:7", timeout=1.0)  # taken, never released: the holder was killed
    assert await dead.acquire(blocking=False)
    inbox = Inbox()
    inbox.add(7, "hello")
    workers = TurnWorkers(inbox.answer_next, 2, RedisLocks(client, prefix, lease_seconds=5))
    workers.start()
    try:
        workers.submit(7)
        await asyncio.wait_for(inbox.done.wait(), 10)
        assert inbox.answered == [(7, "hello")]
    finally:
        await workers.stop()
        await client.close()


class SlowToRelease:
    """Locks whose release takes a round trip, as Redis's does."""

    def __init__(self) -> None:
        self.releasing = asyncio.Event()

    @asynccontextmanager
    async def hold(self, conversation_id: int):
        yield True
        self.releasing.set()
        await asyncio.sleep(0.05)


async def test_a_message_that_arrives_while_the_lock_is_being_released_is_still_answered():
    inbox = Inbox()
    locks = SlowToRelease()
    workers = TurnWorkers(inbox.answer_next, 2, locks)
    workers.start()
    try:
        inbox.add(1, "first")
        workers.submit(1)
        await asyncio.wait_for(locks.releasing.wait(), 5)  # the worker looked, found nothing more, lets go
        inbox.done.clear()
        inbox.add(1, "second")
        workers.submit(1)
        await asyncio.wait_for(inbox.done.wait(), 5)
        assert inbox.answered == [(1, "first"), (1, "second")]
    finally:
        await workers.stop()
