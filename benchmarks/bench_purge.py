"""Erasure and retention purge: conversations per second, next to a bare SQL delete.

N expired chats (customer and bot messages, a handoff with an agent's note for every
third, Rasa tracker events for each) are seeded, then purged by `CustomerData.purge`:
for each chat Rasa's events, then every row of ours with an audit entry in one
transaction. The baseline is what no purge can beat on the same database: one bare
`DELETE … WHERE conversation_id IN (…)` per table for all chats at once, and one for
Rasa's events, with no audit entry. Runs on SQLite and, with `--postgres URL`, on
PostgreSQL too (a database of its own, dropped after).

    .venv/bin/python benchmarks/bench_purge.py [--chats 2000] [--postgres postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import timedelta
from functools import partial
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def seed(engine, trackers, chats: int) -> list[str]:
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
    from sqlalchemy import update

    from helpdesk.conversations import ConversationStore, new_token
    from helpdesk.handoff_store import HandoffStore
    from helpdesk.schema import conversations
    from knowledge.store import utcnow

    store, handoffs = ConversationStore(engine), HandoffStore(engine)
    ids = []
    for n in range(chats):
        conversation = store.find_or_create(new_token(), "en")
        for turn in range(3):
            store.add_message(conversation.id, "customer", f"question {turn} of customer {n}")
            store.add_message(conversation.id, "bot", f"answer {turn}")
        if n % 3 == 0:
            handoffs.escalate(conversation.id, "request", 0, False)
            handoffs.claim(conversation.id, 1, "Alex")
            handoffs.add_note(conversation.id, 1, "Alex", f"note about customer {n}")
            handoffs.finish(conversation.id, 1, "alex", "resolved", "resolved", "done", "general")
        tracker = asyncio.run(trackers.get_or_create_tracker(conversation.public_id))
        for turn in range(3):
            tracker.update(UserUttered(f"question {turn} of customer {n}", {"name": "ask_question"}))
            tracker.update(ActionExecuted("action_answer_from_knowledge"))
            tracker.update(BotUttered(f"answer {turn}"))
            tracker.update(ActionExecuted("action_listen"))
        asyncio.run(trackers.save(tracker))
        ids.append(conversation.public_id)
    with engine.begin() as conn:
        conn.execute(update(conversations).values(last_activity_at=utcnow() - timedelta(days=400)))
    return ids


def bare_delete(engine, trackers, public_ids: list[str]) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from sqlalchemy import delete, select

    from helpdesk.schema import conversations, events, handoffs, messages, notes, state_changes, turns

    rasa_events = SQLTrackerStore.SQLEvent.__table__
    with trackers.engine.begin() as conn:
        conn.execute(delete(rasa_events).where(rasa_events.c.sender_id.in_(public_ids)))
    with engine.begin() as conn:
        ids = select(conversations.c.id).where(conversations.c.public_id.in_(public_ids)).scalar_subquery()
        for table in (turns, events, notes, state_changes, handoffs, messages):
            conn.execute(delete(table).where(table.c.conversation_id.in_(ids)))
        conn.execute(delete(conversations).where(conversations.c.public_id.in_(public_ids)))


def run(label: str, url: str, data_dir: Path, chats: int) -> None:
    from bot.trackers import sql_tracker_store
    from nahbar.customer_data import CustomerData, Retention
    from nahbar.database import make_engine
    from nahbar.migrate import upgrade
    from nahbar.settings import Settings

    results = {}
    for kind in ("bare SQL delete", "nahbar purge"):
        engine = make_engine(url)
        upgrade(engine)
        trackers = sql_tracker_store(url, data_dir, 0, partial(make_engine, future=False))
        public_ids = seed(engine, trackers, chats)
        started = time.perf_counter()
        if kind == "bare SQL delete":
            bare_delete(engine, trackers, public_ids)
        else:
            data = CustomerData(engine, trackers, Retention.from_settings(Settings()), 3, lambda: None)
            report = data.purge()
            assert report.counts["bot-only chats"] + report.counts["resolved chats"] == chats, report.counts
        results[kind] = time.perf_counter() - started
        reset(engine, trackers)
    for kind, seconds in results.items():
        print(f"{label:10} {kind:16} {chats:6d} chats  {seconds:7.2f} s  {chats / seconds:8.1f} chats/s")


def reset(engine, trackers) -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    from bridge.schema import metadata as bridge
    from helpdesk.schema import metadata as helpdesk
    from knowledge.schema import metadata as knowledge
    from staff.schema import metadata as staff

    for tables in (bridge, helpdesk, knowledge, staff):
        tables.drop_all(engine)
    SQLTrackerStore.SQLEvent.__table__.drop(trackers.engine, checkfirst=True)
    engine.dispose()
    trackers.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=2000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL; a database of its own is made and dropped")
    args = parser.parse_args()
    import logging

    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{tmp}/purge.db", Path(tmp), args.chats)
    if args.postgres:
        import sqlalchemy as sa
        from sqlalchemy.engine import make_url

        server = make_url(args.postgres)
        name = f"nahbar_purge_{os.getpid()}"
        admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'create database "{name}"'))
        try:
            with tempfile.TemporaryDirectory() as tmp:
                run("PostgreSQL", server.set(database=name).render_as_string(hide_password=False), Path(tmp),
                    args.chats)
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'drop database if exists "{name}" with (force)'))
            admin.dispose()


if __name__ == "__main__":
    main()
