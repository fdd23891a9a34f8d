"""The helpdesk's parts, put together: the queue with its assignments, the agent's desk,
presence, notifications, customers' ratings and replies by mail. Channels and the conversation
service use the parts, each through its own interface; nothing outside the helpdesk reaches its stores.
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
from helpdesk.rating_figures import RatingFigures
from helpdesk.ratings import CustomerRatings, RatingStore
from knowledge.base import KnowledgeBase
from staff.accounts import StaffStore


@dataclass
class Helpdesk:
    queue: HandoffQueue
    desk: AgentDesk
    presence: Presence
    notifications: Notifications
    metrics: HelpdeskMetrics
    ratings: CustomerRatings
    rating_figures: RatingFigures
    mail: MailReplies

    @classmethod
    def build(cls, store: HandoffStore, conversations: ConversationStore, knowledge: KnowledgeBase,
              hours: OfficeHours, settings: HandoffSettings, notifier: Notifier,
              resume_bot: Callable[[str], Awaitable[Any]], presence: Optional[Presence] = None,
              mail: Optional[MailSettings] = None) -> "Helpdesk":
        """`presence` defaults to this process's own (one server); several processes share one.
        `mail`: the SMTP server answers to offline messages go through (none: no mail is sent)."""
        presence = presence or LocalPresence(settings.grace_seconds)
        figures = RatingFigures(store.engine, StaffStore(store.engine))
        metrics = HelpdeskMetrics(store, presence.agents_online_count, figures)
        notifications = Notifications(conversations, notifier, metrics)
        rating_store = RatingStore(store.engine)
        queue = HandoffQueue(store, conversations, presence, notifications, hours, metrics, settings, resume_bot,
                             rating_store)
        replies = MailReplies(Outbox(store.engine), mail or MailSettings(), presence, notifications)
        desk = AgentDesk(store, conversations, knowledge, presence, notifications, metrics, settings, replies)
        ratings = CustomerRatings(rating_store, notifications, metrics)
        return cls(queue, desk, presence, notifications, metrics, ratings, figures, replies)
