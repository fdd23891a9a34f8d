"""A small load through the benchmark's own harness (benchmarks/bench_load.py): customers
at once on the shared server, the database the oracle. The full-size run with figures and
today's main side by side is the benchmark's; this checks the zeros on every CI run."""

import pytest

from benchmarks.bench_load import check, run_load

pytestmark = pytest.mark.slow


async def test_twenty_customers_at_once_lose_duplicate_and_leave_undelivered_nothing(server):
    result = await run_load(server.url, customers=20, messages=5, turn_timeout=60, ramp_seconds=0.5)
    assert result.sent == 100
    assert check(server.settings.database_url, result) == {
        "lost": 0, "duplicated": 0, "out_of_order": 0, "unanswered": 0, "undelivered": 0,
        "delivered_twice": 0, "sockets_closed_by_server": 0,
    }
    assert sum(c.unanswered for c in result.customers) == 0
