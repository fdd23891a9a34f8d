"""Customers' data across every part: found, exported, erased on request, purged when old.

Each part owns its traces of a conversation: the helpdesk its chat tables, Rasa its
tracker store, the bridge the evidence of its groups, the knowledge base the questions
the bot missed. This composes them, without a web layer, for the widget, the admin
console, the CLI and the server's purge schedule alike.

An erase is three steps, each repeatable: Rasa's events (a store of its own on SQLite),
then one transaction over every row of ours with its audit entry, then the bridge's
drafts settled. A failure before the commit leaves every row of ours and the conversation
findable (Rasa's memory of it may be gone already), so the same erase runs again; after
the commit only a draft's re-drafting can be left, and a draft that fell below k has
already left the review queue in the transaction.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Optional

from sqlalchemy.engine import Engine

from bot.trackers import CachedSQLTrackerStore
from bridge.forget import forget_pairs, settle
from bridge.pipeline import Bridge
from bridge.review import purge_audit
from helpdesk.conversations import Conversation
from helpdesk.queue import HandoffQueue
from helpdesk.records import NOT_FOUND, ChatPeriods, CustomerRecords, Found, RecordsError, readable
from helpdesk.service import ConversationService
from i18n import gettext as _
from knowledge.store import ArticleStore, utcnow
from nahbar.settings import Settings
from staff.accounts import StaffStore

logger = logging.getLogger(__name__)

__all__ = ["CustomerData", "Erased", "Retention", "RecordsError"]


@dataclass(frozen=True)
class Retention:
    chats: ChatPeriods
    gap_events: timedelta
    staff_sessions: timedelta
    audit_log: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> "Retention":
        days = lambda n: timedelta(days=n)  # noqa: E731
        return cls(
            ChatPeriods(days(settings.keep_bot_chats_days), days(settings.keep_resolved_chats_days),
                        days(settings.keep_offline_messages_days)),
            days(settings.keep_gap_events_days), days(settings.keep_staff_sessions_days),
            days(settings.keep_audit_days),
        )


@dataclass(frozen=True)
class Erased:
    conversation_id: int
    messages: int
    tracker_events: int
    missed_questions: int
    drafts_withdrawn: int
    drafts_redrafted: int
    articles_chosen: int = 0  # the customer's picks among the bot's "Did you mean …?" choices

    def details(self) -> dict[str, int]:
        return {"messages": self.messages, "tracker_events": self.tracker_events,
                "missed_questions": self.missed_questions, "drafts_withdrawn": self.drafts_withdrawn,
                "drafts_redrafted": self.drafts_redrafted, "articles_chosen": self.articles_chosen}


@dataclass
class PurgeReport:
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    def lines(self) -> list[str]:
        verb = "would remove" if self.dry_run else "removed"
        return [f"{verb} {count:6d}  {kind}" for kind, count in self.counts.items()]


class CustomerData:
    def __init__(self, engine: Engine, trackers: CachedSQLTrackerStore, retention: Retention, min_customers: int,
                 bridge: Callable[[], Bridge]) -> None:
        """`bridge` makes the bridge when a draft must be settled (it loads Presidio and the
        encoder: a command that only exports need not); `min_customers` is its k."""
        self.engine = engine
        self.records = CustomerRecords(engine)
        self.trackers = trackers
        self.retention = retention
        self.min_customers = min_customers
        self._bridge = bridge

    def find(self, reference: Any) -> list[Found]:
        return self.records.find(reference)

    def export(self, conversation_id: int, actor: str, internal_notes: bool = True) -> dict[str, Any]:
        export = self.records.export(conversation_id, internal_notes)
        with self.engine.begin() as conn:
            self.records.log(conn, "export", conversation_id, actor, {"messages": len(export["messages"])})
        return export

    def erase(self, conversation_id: int, actor: str, action: str = "erase") -> Erased:
        """Everything about one conversation, everywhere; the audit log keeps who, when and the reference."""
        found = self.records.find(conversation_id)[0]
        tracker_events = self.trackers.erase([found.public_id])
        with self.engine.begin() as conn:
            messages = CustomerRecords.delete(conn, found.id)
            forgotten = forget_pairs(conn, [found.id], self.min_customers)
            missed = ArticleStore.forget_asker(conn, found.public_id)
            chosen = ArticleStore.forget_asker_choices(conn, found.public_id)
            erased = Erased(found.id, messages, tracker_events, missed, len(forgotten.withdraw), len(forgotten.redraft),
                            chosen)
            CustomerRecords.log(conn, action, found.id, actor, erased.details())
        if forgotten.withdraw or forgotten.redraft:
            try:
                settle(self._bridge(), forgotten, actor)
            except Exception:  # the erase itself is done; drafts below k left the queue with it
                logger.exception("settling the bridge's drafts after erasing conversation %s failed", found.id)
        logger.info("conversation %s erased (%s) by %s", found.id, action, actor)
        return erased

    def purge(self, now: Optional[datetime] = None, dry_run: bool = False) -> PurgeReport:
        """Remove whatever is past its retention period, or only count it (`dry_run`)."""
        now = now or utcnow()
        report = PurgeReport(dry_run=dry_run)
        for kind, due in self.due_chats(now).items():
            report.counts[kind] = len(due) if dry_run else sum(self._purge_chat(c) for c in due)
        self.purge_the_rest(now, report)
        return report

    def due_chats(self, now: datetime) -> dict[str, list[int]]:
        return {kind: [conversation_id for conversation_id, _ in due]
                for kind, due in self.records.due(now, self.retention.chats).items()}

    def _purge_chat(self, conversation_id: int) -> bool:
        """One due chat erased; False if it was gone already or could not be (logged: the purge goes on)."""
        try:
            self.erase(conversation_id, "retention", action="purge")
            return True
        except RecordsError:
            return False  # erased meanwhile (a customer, an admin, another process's purge)
        except Exception:
            logger.exception("purging conversation %s failed; the next purge tries again", conversation_id)
            return False

    def purge_the_rest(self, now: datetime, report: PurgeReport) -> None:
        """Everything but the chats themselves, counted into `report`."""
        dry_run = report.dry_run
        # Rasa trackers no conversation of ours knows (the conversation was erased while Rasa
        # was writing, or a tool talked to Rasa directly): once idle for a bot chat's period.
        known = self.records.chat_ids()
        stray = [s for s in self.trackers.idle_senders((now - self.retention.chats.bot_chats).timestamp())
                 if s not in known]
        report.counts["bot memories without a chat"] = len(stray)
        if stray and not dry_run:
            self.trackers.erase(stray)
        report.counts["unanswered questions (gap list)"] = ArticleStore(self.engine).purge_misses(
            now - self.retention.gap_events, dry_run)
        report.counts["articles customers chose (suggested wordings)"] = ArticleStore(self.engine).purge_clarifications(
            now - self.retention.gap_events, dry_run)
        report.counts["staff login records"] = StaffStore(self.engine).purge(now - self.retention.staff_sessions,
                                                                             dry_run)
        audit_before = now - self.retention.audit_log
        report.counts["audit log entries"] = (purge_audit(self.engine, audit_before, dry_run)
                                              + self.records.purge_requests(audit_before, dry_run))
        if not dry_run:
            logger.info("purge: %s", ", ".join(f"{kind} {n}" for kind, n in report.counts.items()))


class LiveCustomerData:
    """The server's door to customers' data: a chat being erased is first taken from the
    turn workers (no answer is half-written into it), and whoever shows it is told after:
    the customer's widgets forget it, the agent who had it sees it closed."""

    def __init__(self, data: CustomerData, service: ConversationService, queue: HandoffQueue) -> None:
        self.data = data
        self.service = service
        self.queue = queue

    async def find(self, reference: Any) -> list[Found]:
        return await asyncio.to_thread(self.data.find, reference)

    async def export(self, conversation_id: int, actor: str, internal_notes: bool = True) -> dict[str, Any]:
        return await asyncio.to_thread(self.data.export, conversation_id, actor, internal_notes)

    async def erase(self, conversation_id: int, actor: str, action: str = "erase") -> Erased:
        conversation = await asyncio.to_thread(self.service.store.get, conversation_id)
        if conversation is None:
            raise RecordsError(_(NOT_FOUND["id"], value=conversation_id))
        erased = await self.service.exclusively(
            conversation_id, lambda: asyncio.to_thread(self.data.erase, conversation_id, actor, action))
        await self.queue.erased(conversation)
        return erased

    async def customer_transcript(self, token: Any) -> Optional[tuple[Conversation, str]]:
        """The chat of this token as a text its customer can keep; None for no such chat."""
        conversation = await self.service.conversation_of(token)
        if conversation is None:
            return None
        export = await self.export(conversation.id, "customer (widget)", internal_notes=False)
        return conversation, readable(export, conversation.language)

    async def customer_erase(self, token: Any) -> Optional[Erased]:
        conversation = await self.service.conversation_of(token)
        if conversation is None:
            return None
        return await self.erase(conversation.id, "customer (widget)")

    async def requests(self, limit: int = 50) -> list[dict[str, Any]]:
        """The latest entries of the audit log of data requests."""
        return await asyncio.to_thread(self.data.records.requests, limit)

    async def purge(self, dry_run: bool = False) -> PurgeReport:
        """As `CustomerData.purge`, each due chat erased as a live one is (taken from the turn
        workers, its widgets and agents told), for a customer may come back at the last minute."""
        if dry_run:
            return await asyncio.to_thread(self.data.purge, None, True)
        now = utcnow()
        report = PurgeReport()
        for kind, due in (await asyncio.to_thread(self.data.due_chats, now)).items():
            report.counts[kind] = 0
            for conversation_id in due:
                try:
                    await self.erase(conversation_id, "retention", action="purge")
                    report.counts[kind] += 1
                except RecordsError:
                    pass  # erased meanwhile
                except Exception:
                    logger.exception("purging conversation %s failed; the next purge tries again", conversation_id)
        await asyncio.to_thread(self.data.purge_the_rest, now, report)
        return report
