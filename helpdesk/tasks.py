"""Ending background tasks, bounded, even when one cancellation is not enough.

redis-py (4.x, through async-timeout 4) can swallow a cancellation that arrives while it
checks a pooled connection with a zero timeout: the `CancelledError` becomes a timeout it
handles, and the task goes on as if nothing had happened. A loop that catches Redis errors to
keep renewing leases then never ends, and a stop that awaits it hangs the process (as CI
once did for 90 minutes). So a stop cancels again until its tasks are done, and gives up
after a while with a warning: a stopping process must stop.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Iterable

logger = logging.getLogger(__name__)

# Between cancellations: long enough for a task's own clean-up (a lock released in a
# `finally`, one Redis round trip) to finish before it is interrupted again.
RECANCEL_SECONDS = 0.5
# How long a part's stop waits for its workers and loops (a turn being answered is stored
# and answered again after a restart; see helpdesk/service.py).
STOP_SECONDS = 10.0


async def end_tasks(tasks: Iterable[asyncio.Task], timeout: float) -> bool:
    """Cancel `tasks` and wait until they are done, at most `timeout` seconds; True if they are."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    pending = {task for task in tasks if not task.done()}
    while pending:
        left = deadline - loop.time()
        if left <= 0:
            logger.warning("%d background tasks did not end within %.1f s: %s", len(pending), timeout,
                           ", ".join(sorted(task.get_name() for task in pending)))
            return False
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=min(RECANCEL_SECONDS, left))
    return True
