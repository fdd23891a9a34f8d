"""The database as the oracle of delivery: what customers who behave like Nahbar's widget
(tests/resending_client.py) were acknowledged and shown, checked against every stored row.
Shared by the fault tests of one process and of several behind a load balancer."""

from __future__ import annotations

import asyncio
from typing import Callable

import sqlalchemy as sa

from helpdesk.conversations import hash_token
from helpdesk.schema import conversations, messages, turns
from tests.resending_client import ResendingCustomer

QUESTIONS = ["Hello", "How long does delivery take?", "Can I pay with PayPal?", "Do you ship to Austria?",
             "Do you sell gift cards?", "Which frame size do I need?"]


async def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await asyncio.to_thread(condition):
        if loop.time() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        await asyncio.sleep(0.3)


def open_turns(engine: sa.engine.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(turns).where(turns.c.handled_at.is_(None))).scalar()


def assert_nothing_lost(engine: sa.engine.Engine, customers: list[ResendingCustomer]) -> None:
    """Every acknowledged message stored once, in order, answered; every answer delivered once."""
    with engine.connect() as conn:
        for customer in customers:
            conversation = conn.execute(sa.select(conversations.c.id)
                                        .where(conversations.c.token_hash == hash_token(customer.token))).scalar_one()
            rows = list(conn.execute(sa.select(messages).where(messages.c.conversation_id == conversation)
                                     .order_by(messages.c.id)))
            assert [r.text for r in rows if r.sender == "customer"] == customer.sent, customer.name
            for row in rows:
                if row.sender == "customer":  # answered by one batch of replies, stored together
                    answers = {r.created_at for r in rows if (r.data or {}).get("reply_to") == row.id}
                    assert len(answers) == 1, f"{customer.name}: {row.text!r} answered {len(answers)} times"
            pushed = {r.id for r in rows if r.sender != "customer"}
            assert pushed <= set(customer.received), f"{customer.name}: stored but never delivered"
            assert not customer.pushed_twice, f"{customer.name}: {customer.pushed_twice} pushed twice on one socket"


async def converse(customers: list[ResendingCustomer], pause: float = 0.2) -> None:
    async def talk(customer: ResendingCustomer) -> None:
        await customer.connect()
        for question in QUESTIONS:
            await customer.send(question)
            await asyncio.sleep(pause)

    await asyncio.gather(*(talk(c) for c in customers))


async def collect_the_rest(customers: list[ResendingCustomer]) -> None:
    """Each customer comes back once more and gets what it missed (the `last_id` replay)."""
    for customer in customers:
        await customer.reconnect()
        await asyncio.sleep(0.5)
        await customer.close()
