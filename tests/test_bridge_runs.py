"""One bridge run at a time, whoever starts it; progress and the last summary are recorded."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from bridge.runs import AlreadyRunning, BridgeRuns
from tests.test_bridge import DOG_ANSWER, DOG_QUESTIONS, bridge, chats, resolved_chat  # noqa: F401  (fixtures)


@pytest.fixture
def runs(bridge):  # noqa: F811
    instance = BridgeRuns(bridge.engine, bridge)
    instance.create_tables()
    return instance


def test_a_run_records_its_summary_and_frees_the_lock(runs, chats):  # noqa: F811
    for language, question in DOG_QUESTIONS[:3]:
        resolved_chat(chats, question, DOG_ANSWER, language)
    summary = runs.run("command line")
    assert summary.drafts_created == 1
    latest = runs.latest()
    assert (latest.status, latest.started_by, latest.done, latest.total) == ("done", "command line", 3, 3)
    assert "new drafts            1" in latest.summary
    runs.run("schedule")  # the lock is free again
    assert runs.latest().started_by == "schedule"


def test_a_second_run_while_one_is_under_way_is_refused_with_who_holds_it(runs):
    runs.start("editor erin")
    with pytest.raises(AlreadyRunning, match="editor erin"):
        runs.start("schedule")
    assert runs.latest().started_by == "editor erin"  # the refused run left no row


def test_two_runs_started_at_once_by_different_threads_run_once(runs):
    outcomes, barrier = [], threading.Barrier(2)

    def start(who):
        barrier.wait()
        try:
            outcomes.append(runs.start(who))
        except AlreadyRunning:
            outcomes.append("refused")

    threads = [threading.Thread(target=start, args=(who,)) for who in ("schedule", "command line")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(map(str, outcomes))[-1] == "refused" and len(outcomes) == 2


def test_a_run_whose_process_died_frees_the_lock_when_its_lease_ends(bridge):  # noqa: F811
    crashed = BridgeRuns(bridge.engine, bridge, lease=timedelta(seconds=-1))  # its lease is over at once
    crashed.create_tables()
    crashed.start("a process that died")
    assert crashed.latest().status == "failed"
    BridgeRuns(bridge.engine, bridge).run("schedule")
    assert crashed.latest().status == "done"


def test_a_failing_run_is_recorded_as_failed_and_frees_the_lock(runs, monkeypatch):
    def broken(progress=None):
        raise RuntimeError("encoder gone")

    monkeypatch.setattr(runs.bridge, "run", broken)
    with pytest.raises(RuntimeError):
        runs.run("schedule")
    assert runs.latest().status == "failed"
    monkeypatch.undo()
    runs.run("schedule")
    assert runs.latest().status == "done"
