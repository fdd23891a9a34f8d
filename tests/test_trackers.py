"""Rasa's tracker store with recent trackers in memory: the database stays the record."""

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered

from bot.trackers import CachedSQLTrackerStore
from nahbar.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "bot" / "domain.yml"))


def store_at(path: Path, domain: Domain) -> CachedSQLTrackerStore:
    return CachedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(path))


async def test_a_saved_tracker_is_read_back_from_memory_and_matches_the_database(tmp_path, domain):
    store = store_at(tmp_path / "t.db", domain)
    tracker = await store.get_or_create_tracker("c1")
    tracker.update(UserUttered("hello", {"name": "greet"}))
    tracker.update(ActionExecuted("utter_greet"))
    await store.save(tracker)
    assert await store.retrieve("c1") is tracker  # no read and replay of the whole conversation
    fresh = await store_at(tmp_path / "t.db", domain).retrieve("c1")  # what a restart would read
    assert [e.as_dict() for e in fresh.events] == [e.as_dict() for e in tracker.events]


async def test_events_another_process_wrote_are_read_from_the_database(tmp_path, domain):
    ours, theirs = store_at(tmp_path / "t.db", domain), store_at(tmp_path / "t.db", domain)
    tracker = await ours.get_or_create_tracker("c1")
    tracker.update(UserUttered("hello", {"name": "greet"}))
    await ours.save(tracker)
    other = await theirs.retrieve("c1")
    other.update(UserUttered("where is my parcel", {"name": "ask_question"}))
    await theirs.save(other)
    seen = await ours.retrieve("c1")
    assert seen is not tracker and [e.text for e in seen.events if isinstance(e, UserUttered)] == [
        "hello", "where is my parcel"]


async def test_a_tracker_changed_but_never_saved_is_not_handed_out_again(tmp_path, domain):
    store = store_at(tmp_path / "t.db", domain)
    tracker = await store.get_or_create_tracker("c1")
    tracker.update(UserUttered("hello", {"name": "greet"}))
    await store.save(tracker)
    (await store.retrieve("c1")).update(UserUttered("half a turn, then a crash", {"name": "greet"}))
    again = await store.retrieve("c1")
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["hello"]
