"""The helpdesk's parts, put together: the queue with its assignments, the agent's desk,
presence, notifications and replies by mail. Channels and the conversation service use the
parts, each through its own interface; nothing outside the helpdesk reaches its stores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Optional

from helpdesk.conversations import ConversationStore
from helpdesk.desk import AgentDesk
from helpdesk.handoff_store import HandoffStore
from helpdesk.mail_replies import MailReplies
from helpdesk.mailer import MailSettings
from helpdesk.metrics import HelpdeskMetrics
from helpdesk.notifications import Notifications, Notifier
from helpdesk.office_hours import OfficeHours
from helpdesk.outbox import Outbox
from helpdesk.presence import LocalPresence, Presence
from helpdesk.queue import HandoffQueue, HandoffSettings
from knowledge.base import KnowledgeBase


@dataclass
class Helpdesk:
    queue: HandoffQueue
    desk: AgentDesk
    presence: Presence
    notifications: Notifications
    metrics: HelpdeskMetrics
    mail: MailReplies

    @classmethod
    def build(cls, store: HandoffStore, conversations: ConversationStore, knowledge: KnowledgeBase,
              hours: OfficeHours, settings: HandoffSettings, notifier: Notifier,
              resume_bot: Callable[[str], Awaitable[Any]], presence: Optional[Presence] = None,
              mail: Optional[MailSettings] = None) -> "Helpdesk":
        """`presence` defaults to this process's own (one server); several processes share one.
        `mail`: the SMTP server answers to offline messages go through (none: no mail is sent)."""
        presence = presence or LocalPresence(settings.grace_seconds)
        metrics = HelpdeskMetrics(store, presence.agents_online_count)
        notifications = Notifications(conversations, notifier, metrics)
        queue = HandoffQueue(store, conversations, presence, notifications, hours, metrics, settings, resume_bot)
        replies = MailReplies(Outbox(store.engine), mail or MailSettings(), presence, notifications)
        desk = AgentDesk(store, conversations, knowledge, presence, notifications, metrics, settings, replies)
        return cls(queue, desk, presence, notifications, metrics, replies)
