"""Customers' data on real stores (SQLite and PostgreSQL): export, erase everywhere, retention purge."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from functools import partial
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from sqlalchemy import inspect, select, update

from bot.trackers import CachedSQLTrackerStore, sql_tracker_store
from bridge.gaps import gap_list
from bridge.review import Review
from bridge.schema import audit, groups, pairs
from helpdesk.conversations import ConversationStore, new_token
from helpdesk.handoff_store import HandoffStore
from helpdesk.outbox import Outbox
from helpdesk.records import RecordsError, readable
from helpdesk.schema import conversations, data_requests, handoffs, outgoing_mail
from knowledge.articles import ArticleInput
from knowledge.schema import clarifications, search_misses
from knowledge.store import ArticleStore, utcnow
from nahbar.customer_data import CustomerData, Retention
from nahbar.database import make_engine
from nahbar.migrate import upgrade
from nahbar.settings import PROJECT_ROOT, Settings
from staff.accounts import StaffStore
from staff.schema import login_failures, sessions
from tests.test_bridge import DOG_ANSWER, DOG_QUESTIONS, bridge, chats, resolved_chat  # noqa: F401 (fixtures)

MARK = "zebraquartz7781"  # a word only this customer ever wrote
EMAIL = "marla.quellmalz@example.org"


@pytest.fixture
def trackers(engine, tmp_path) -> CachedSQLTrackerStore:
    store = sql_tracker_store(engine.url.render_as_string(hide_password=False), tmp_path, 10,
                              partial(make_engine, future=False))
    store.domain = Domain.load(str(PROJECT_ROOT / "bot" / "domain.yml"))
    yield store
    if engine.dialect.name == "postgresql":
        SQLTrackerStore.SQLEvent.__table__.drop(store.engine, checkfirst=True)
    store.engine.dispose()


@pytest.fixture
def data(engine, trackers, bridge) -> CustomerData:  # noqa: F811
    return CustomerData(engine, trackers, Retention.from_settings(Settings()), 3, lambda: bridge)


def customer_with_everything(chats: ConversationStore, trackers: CachedSQLTrackerStore) -> int:  # noqa: F811
    """A chat as a real one leaves it: messages, an offline handoff with an address, an agent's
    note, the bot's memory of it, and a question the bot missed."""
    conversation = chats.find_or_create(new_token(), "en")
    handoff_store = HandoffStore(chats.engine)
    chats.add_message(conversation.id, "customer", f"My code word is {MARK}, mail me at {EMAIL}")
    handoff_store.escalate(conversation.id, "no_answer", 0, True)
    handoff_store.set_contact(conversation.id, EMAIL)
    handoff_store.add_note(conversation.id, 1, "Alex", f"Customer {MARK} sounded worried")
    ArticleStore(chats.engine).record_miss(f"where is {MARK}", "en", 0.1, "bot", conversation.public_id)
    tracker = asyncio.run(trackers.get_or_create_tracker(conversation.public_id))
    tracker.update(UserUttered(f"My code word is {MARK}", {"name": "ask_question"}))
    asyncio.run(trackers.save(tracker))
    return conversation.id


def scan(engines, *needles: str) -> list[str]:
    """Every row of every table of these databases that holds one of the needles."""
    found = []
    for db in engines:
        with db.connect() as conn:
            for name in inspect(db).get_table_names():
                for row in conn.execute(sa.text(f'SELECT * FROM "{name}"')):
                    text = " ".join(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row)
                    found += [f"{name}: {needle}" for needle in needles if needle.lower() in text.lower()]
    return found


def pointing_to(engine, conversation_id: int) -> list[str]:
    """Rows with a column that names the conversation, other than the audit log of data requests."""
    found = []
    with engine.connect() as conn:
        for name in inspect(engine).get_table_names():
            if name == "chat_data_requests":
                continue
            columns = {c["name"] for c in inspect(engine).get_columns(name)}
            column = "conversation_id" if "conversation_id" in columns else ("id" if name == "chat_conversations" else None)
            if column and conn.execute(sa.text(f'SELECT count(*) FROM "{name}" WHERE "{column}" = :id'),
                                       {"id": conversation_id}).scalar():
                found.append(name)
    return found


def test_an_erased_conversation_leaves_no_trace_in_any_table_or_in_the_bot_memory(data, chats, trackers):  # noqa: F811
    other = resolved_chat(chats, "Do you sell helmets?", "Yes, in three sizes.")
    erased = customer_with_everything(chats, trackers)
    public_id = chats.get(erased).public_id
    databases = {data.engine, trackers.engine}
    assert scan(databases, MARK, EMAIL)  # the scan sees them before
    in_flight = asyncio.run(trackers.retrieve(public_id))  # a turn that holds the bot's memory meanwhile

    report = data.erase(erased, "admin alex")
    asyncio.run(trackers.save(in_flight))  # ... and saves it after the erase: not written back

    assert (report.messages, report.tracker_events, report.missed_questions) == (1, 2, 1)
    assert scan(databases, MARK, EMAIL, public_id) == []
    assert pointing_to(data.engine, erased) == []
    assert public_id not in trackers._cache  # nor in memory
    assert chats.get(other) is not None and len(chats.history(other)) == 6  # another customer's chat is untouched


def article(engine) -> int:
    """A published article (a customer's pick after "Did you mean …?" refers to one)."""
    store = ArticleStore(engine)
    return store.save(ArticleInput.from_mapping({"slug": "helmets", "language": "en", "question": "Do you sell helmets?",
                                                 "answer": "Yes, in three sizes.", "status": "published"}), "test").article.id


def test_erasing_a_customers_data_removes_the_articles_they_chose_after_did_you_mean(data, chats, trackers):  # noqa: F811
    helmets = article(data.engine)
    erased = chats.find_or_create(new_token(), "en")
    other = chats.find_or_create(new_token(), "en")
    store = ArticleStore(data.engine)
    store.record_clarification(helmets, f"helmet for {MARK}", "en", erased.public_id)
    store.record_clarification(helmets, "helmet sizes", "en", other.public_id)

    report = data.erase(erased.id, "admin alex")

    assert report.articles_chosen == 1 and report.details()["articles_chosen"] == 1
    assert scan([data.engine], MARK, erased.public_id) == []
    with data.engine.connect() as conn:
        assert [row.asker for row in conn.execute(select(clarifications))] == [other.public_id]


def test_an_erase_is_in_the_audit_log_with_who_and_which_but_not_what(data, chats, trackers):  # noqa: F811
    erased = customer_with_everything(chats, trackers)
    data.erase(erased, "admin alex")
    (entry,) = data.records.requests()
    assert (entry["action"], entry["conversation_id"], entry["actor"]) == ("erase", erased, "admin alex")
    assert MARK not in str(entry) and EMAIL not in str(entry)


def test_an_unknown_reference_or_address_gets_a_clear_error_and_changes_nothing(data, chats, trackers):  # noqa: F811
    kept = customer_with_everything(chats, trackers)
    for reference, message in (("#999", "No conversation has reference number #999."),
                               ("nobody@example.org", "No conversation has the e-mail address nobody@example.org."),
                               ("hello world", "is not a reference number")):
        with pytest.raises(RecordsError, match=message):
            data.find(reference)
    with pytest.raises(RecordsError):
        data.erase(999, "admin")
    assert [c.id for c in data.find(EMAIL.upper())] == [kept]  # addresses match whatever their case
    assert data.records.requests() == [] and len(chats.history(kept)) == 1


def test_an_erase_that_fails_half_way_leaves_nothing_half_erased_and_can_run_again(data, chats, trackers,
                                                                                      monkeypatch):  # noqa: F811
    erased = customer_with_everything(chats, trackers)

    def broken(conn, asker):
        raise sa.exc.OperationalError("DELETE", {}, Exception("the database went away"))

    monkeypatch.setattr(ArticleStore, "forget_asker", staticmethod(broken))
    with pytest.raises(sa.exc.OperationalError):
        data.erase(erased, "admin")
    assert len(chats.history(erased)) == 1 and data.find(erased)  # the transaction rolled back whole
    assert data.records.requests() == []
    monkeypatch.undo()
    data.erase(erased, "admin")  # the same erase, again: done
    assert scan({data.engine, trackers.engine}, MARK, EMAIL) == []


def test_the_export_holds_messages_handoffs_and_internal_notes_and_is_logged(data, chats, trackers):  # noqa: F811
    conversation_id = customer_with_everything(chats, trackers)
    export = data.export(conversation_id, "admin alex")
    assert export["conversation"]["reference"] == conversation_id
    assert [m["text"] for m in export["messages"]] == [f"My code word is {MARK}, mail me at {EMAIL}"]
    assert export["handoffs"][0]["contact_email"] == EMAIL and export["handoffs"][0]["offline"] is True
    assert export["internal_notes"][0]["text"] == f"Customer {MARK} sounded worried"
    assert [(r["action"], r["actor"]) for r in data.records.requests()] == [("export", "admin alex")]


def test_the_customers_own_download_is_the_chat_as_they_saw_it_without_internal_notes(data, chats, trackers):  # noqa: F811
    conversation_id = customer_with_everything(chats, trackers)
    export = data.export(conversation_id, "customer (widget)", internal_notes=False)
    assert "internal_notes" not in export
    text = readable(export, "de")
    assert f"Chat #{conversation_id}" in text and f"Sie: My code word is {MARK}" in text
    assert "worried" not in text


def test_erasing_evidence_below_k_takes_the_draft_out_of_the_review_queue(data, bridge, chats):  # noqa: F811
    ids = [resolved_chat(chats, q, DOG_ANSWER, lang) for lang, q in DOG_QUESTIONS[:3]]
    bridge.run()
    review = Review(bridge.engine, bridge.knowledge)
    (item,) = review.queue()

    report = data.erase(ids[0], "admin")

    assert report.drafts_withdrawn == 1 and review.queue() == []
    assert bridge.knowledge.article(item.slug, public_only=False).status == "withdrawn"
    with data.engine.connect() as conn:
        group = conn.execute(select(groups).where(groups.c.id == item.group_id)).one()
        assert (group.status, group.customers) == ("collecting", 2)
        assert conn.execute(select(pairs.c.id).where(pairs.c.conversation_id == ids[0])).first() is None


def test_a_draft_that_keeps_k_customers_is_drafted_anew_without_the_erased_wording(data, bridge, chats):  # noqa: F811
    ids = [resolved_chat(chats, q, DOG_ANSWER, lang) for lang, q in DOG_QUESTIONS]
    bridge.run()
    review = Review(bridge.engine, bridge.knowledge)
    (item,) = review.queue()
    draft = bridge.knowledge.article(item.slug, public_only=False)
    assert DOG_QUESTIONS[3][1] in {draft.question, *bridge.knowledge.alternatives(draft.id)}

    report = data.erase(ids[3], "admin")

    assert report.drafts_redrafted == 1
    (item,) = review.queue()
    assert (item.customers, item.evidence) == (3, 3)
    draft = bridge.knowledge.article(item.slug, public_only=False)
    assert DOG_QUESTIONS[3][1] not in {draft.question, *bridge.knowledge.alternatives(draft.id)}


def test_a_published_article_stays_but_no_longer_links_to_the_erased_conversation(data, bridge, chats):  # noqa: F811
    ids = [resolved_chat(chats, q, DOG_ANSWER, lang) for lang, q in DOG_QUESTIONS[:3]]
    bridge.run()
    review = Review(bridge.engine, bridge.knowledge)
    (item,) = review.queue()
    draft = bridge.knowledge.article(item.slug, public_only=False)
    review.approve(item.group_id, "editor", draft.question, draft.answer, [f["id"] for f in
                                                                           bridge.group(item.group_id)[0]["flags"]])

    data.erase(ids[0], "admin")

    article = bridge.knowledge.article(item.slug)
    assert article is not None and article.status == "published"
    assert pointing_to(data.engine, ids[0]) == []
    with data.engine.connect() as conn:
        assert conn.execute(select(groups.c.status, groups.c.customers)
                            .where(groups.c.id == item.group_id)).one() == ("approved", 2)


def backdate(engine, conversation_id: int, age: timedelta) -> None:
    with engine.begin() as conn:
        conn.execute(update(conversations).where(conversations.c.id == conversation_id)
                     .values(last_activity_at=utcnow() - age))


def test_the_purge_removes_exactly_what_is_past_its_period_and_a_dry_run_changes_nothing(data, chats, trackers):  # noqa: F811
    day, minute = timedelta(days=1), timedelta(minutes=1)
    engine = data.engine
    handoff_store = HandoffStore(engine)

    def bot_chat(age: timedelta) -> int:
        conversation = chats.find_or_create(new_token(), "en")
        chats.add_message(conversation.id, "customer", "hello")
        backdate(engine, conversation.id, age)
        return conversation.id

    def offline(age: timedelta) -> int:
        conversation_id = bot_chat(timedelta(0))
        handoff_store.escalate(conversation_id, "request", 0, True)
        backdate(engine, conversation_id, age)
        return conversation_id

    def remembered(conversation_id: int) -> int:  # the bot's memory of it, too
        tracker = asyncio.run(trackers.get_or_create_tracker(chats.get(conversation_id).public_id))
        tracker.update(UserUttered("hello", {"name": "greet"}))
        asyncio.run(trackers.save(tracker))
        return conversation_id

    def resolved(age: timedelta) -> int:
        conversation_id = resolved_chat(chats, "Do you sell helmets?", "Yes.")
        backdate(engine, conversation_id, age)
        return conversation_id

    old_bot, young_bot = remembered(bot_chat(30 * day + minute)), remembered(bot_chat(30 * day - minute))
    removed = {old_bot, resolved(180 * day + minute), offline(90 * day + minute)}
    kept = {young_bot, resolved(180 * day - minute), offline(90 * day - minute)}
    live = bot_chat(timedelta(0))
    handoff_store.escalate(live, "request", 0, False)  # waiting for an agent: people hold it, never purged
    backdate(engine, live, 400 * day)
    taken = offline(timedelta(0))
    handoff_store.claim(taken, 1, "Alex")  # an offline message an agent is answering
    backdate(engine, taken, 400 * day)
    kept |= {live, taken}
    chat_ids = {c: chats.get(c).public_id for c in kept | removed}

    staff = StaffStore(engine)
    user = staff.add_user("alex", "correct horse battery staple", "agent")
    helmets = article(engine)
    with engine.begin() as conn:
        for age in (90 * day + minute, 90 * day - minute):
            conn.execute(search_misses.insert().values(query="q", source="search", created_at=utcnow() - age))
            conn.execute(clarifications.insert().values(article_id=helmets, query="q", anonymized=True,
                                                        created_at=utcnow() - age))
        for age in (30 * day + minute, 30 * day - minute):
            conn.execute(sessions.insert().values(token_hash=new_token()[:40], user_id=user.id, csrf_token="c",
                                                  created_at=utcnow() - age, expires_at=utcnow() - age + day))
            conn.execute(login_failures.insert().values(key="ip:127.0.0.1", at=utcnow() - age))
        for age in (730 * day + minute, 730 * day - minute):
            conn.execute(audit.insert().values(actor="e", action="approve", at=utcnow() - age))
            conn.execute(data_requests.insert().values(action="export", conversation_id=1, actor="a",
                                                       at=utcnow() - age))
    expected = {"bot-only chats": 1, "resolved chats": 1, "offline messages": 1, "bot memories without a chat": 0,
                "unanswered questions (gap list)": 1, "articles customers chose (suggested wordings)": 1,
                "staff login records": 2, "audit log entries": 2}
    before = scan_counts(engine)

    dry = data.purge(dry_run=True)

    assert dry.counts == expected and dry.dry_run
    assert scan_counts(engine) == before

    done = data.purge()

    assert done.counts == expected
    assert {c for c in kept | removed if chats.get(c) is not None} == kept
    remembered_now = set(trackers.idle_senders(utcnow().timestamp() + 60))  # every memory Rasa still has
    assert chat_ids[young_bot] in remembered_now and chat_ids[old_bot] not in remembered_now
    after = scan_counts(engine)
    assert (after["kb_search_misses"], after["kb_clarifications"], after["staff_sessions"], after["staff_login_failures"],
            after["bridge_audit"]) == (1, 1, 1, 1, 1)
    assert after["chat_data_requests"] == 1 + 3  # the young entry, and one "purge" entry per removed chat



def answered_by_mail(chats: ConversationStore, conversation_id: int) -> None:  # noqa: F811
    """An agent took the offline message and answered: the reply and its mail to the customer's address."""
    HandoffStore(chats.engine).claim(conversation_id, 1, "Alex")
    chats.add_message(conversation_id, "agent", f"About {MARK}: all done.", {"agent_name": "Alex"},
                      also=lambda conn, m: Outbox.queue(conn, conversation_id, m.id, EMAIL, "en"))


def test_an_erased_conversation_takes_the_mails_of_its_answers_with_it(data, chats, trackers):  # noqa: F811
    erased = customer_with_everything(chats, trackers)
    answered_by_mail(chats, erased)
    assert "chat_outgoing_mail" in pointing_to(data.engine, erased)
    assert data.export(erased, "admin alex")["mails"][0]["to"] == EMAIL  # what was mailed is part of the export

    data.erase(erased, "admin alex")

    assert scan({data.engine, trackers.engine}, MARK, EMAIL) == []
    assert pointing_to(data.engine, erased) == []


def test_the_purge_removes_an_old_chat_with_the_mails_of_its_answers(data, chats, trackers):  # noqa: F811
    old = customer_with_everything(chats, trackers)
    answered_by_mail(chats, old)
    HandoffStore(chats.engine).finish(old, 1, "alex", "resolved", "resolved", "answered by mail", "personal")
    backdate(data.engine, old, timedelta(days=181))

    assert data.purge().counts["resolved chats"] == 1

    with data.engine.connect() as conn:
        assert conn.execute(select(outgoing_mail.c.id)).first() is None
    assert scan({data.engine}, EMAIL) == []

def scan_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar()
                for name in inspect(engine).get_table_names()}


def test_the_gap_list_shows_missed_questions_only_anonymized_and_forgets_their_raw_words(data, bridge):  # noqa: F811
    raw = f"My e-mail is {EMAIL}, my IBAN DE89370400440532013000, call +49 170 5550199: where is my parcel?"
    ArticleStore(data.engine).record_miss(raw, "en", 0.1, "bot", "a" * 32)

    gaps = gap_list(data.engine, bridge.knowledge, bridge.anonymize_words)

    shown = " ".join(text for gap in gaps for text in gap.texts)
    assert "parcel" in shown
    for secret in (EMAIL, "DE89370400440532013000", "5550199"):
        assert secret not in shown
    assert scan({data.engine}, EMAIL, "DE89370400440532013000", "5550199") == []  # the raw words are gone


def test_a_database_of_the_previous_release_gains_the_new_columns_and_keeps_its_rows(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:  # kb_search_misses as the previous release made it
        conn.execute(sa.text("CREATE TABLE kb_search_misses (id INTEGER PRIMARY KEY, query TEXT NOT NULL, "
                             "language VARCHAR(2), best_score FLOAT, source VARCHAR(12) NOT NULL, "
                             "created_at DATETIME NOT NULL)"))
        conn.execute(sa.text("INSERT INTO kb_search_misses (query, source, created_at) "
                             "VALUES ('old question', 'search', '2026-11-01 10:00:00')"))
    upgrade(engine)
    columns = {c["name"] for c in inspect(engine).get_columns("kb_search_misses")}
    assert {"asker", "anonymized"} <= columns
    with engine.connect() as conn:
        assert conn.execute(select(search_misses.c.query)).scalars().all() == ["old question"]
        assert inspect(engine).has_table("chat_data_requests")
    assert handoffs.name in inspect(engine).get_table_names()
