"""Socket.io events a test client received, one queue per kind, read in order."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any, Callable


class EventQueues:
    def __init__(self) -> None:
        # One queue per kind: pushes (handoff status, typing) interleave with replies.
        self.queues: defaultdict[str, asyncio.Queue] = defaultdict(asyncio.Queue)

    def collector(self, kind: str) -> Callable[[Any], Any]:
        async def collect(data: Any) -> None:
            self.queues[kind].put_nowait(data)

        return collect

    async def next(self, kind: str, timeout: float = 30) -> Any:
        return await asyncio.wait_for(self.queues[kind].get(), timeout)

    async def next_matching(self, kind: str, predicate: Callable[[Any], bool], timeout: float = 30) -> Any:
        """The next `kind` event for which `predicate` holds; earlier ones are dropped."""

        async def wait() -> Any:
            while True:
                data = await self.queues[kind].get()
                if predicate(data):
                    return data

        return await asyncio.wait_for(wait(), timeout)

    def drain(self, kind: str) -> list[Any]:
        items = []
        while not self.queues[kind].empty():
            items.append(self.queues[kind].get_nowait())
        return items
