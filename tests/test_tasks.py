"""Ending background tasks: a stop must end, whatever the task does with a cancellation."""

import asyncio

from helpdesk.tasks import end_tasks


async def test_a_task_that_swallows_a_cancellation_is_cancelled_again_until_it_ends():
    """As redis-py does when a cancellation meets its zero-timeout connection check."""
    swallowed = asyncio.Event()

    async def renew_leases() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if swallowed.is_set():
                    raise
                swallowed.set()

    task = asyncio.create_task(renew_leases())
    await asyncio.sleep(0)
    assert await end_tasks([task], timeout=5)
    assert swallowed.is_set() and task.cancelled()


async def test_a_task_that_never_ends_is_given_up_after_the_timeout():
    release = asyncio.Event()

    async def stubborn() -> None:
        while not release.is_set():
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                pass

    task = asyncio.create_task(stubborn(), name="stubborn")
    await asyncio.sleep(0)
    assert await end_tasks([task], timeout=0.3) is False
    assert not task.done()
    release.set()
    task.cancel()
    await task
