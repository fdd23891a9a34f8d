"""The queue and its assignments: who holds each chat, who waits, in which order, for how long.

This is the one owner of "who holds a chat" (bot, waiting, agent, resolved): the state
lives in the handoff store and changes only here, each change a conditional UPDATE.
Rasa's pause follows it (`resume_bot` when people are done), never the other way round.
"""

from __future__ import annotations

import asyncio
import logging
import re
import statistics
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Awaitable, Callable, Optional

from bot.text import MessageError, validate_text
from helpdesk.conversations import Conversation, ConversationStore, StoredMessage
from helpdesk.handoff_store import RESOLUTION_KINDS, Handoff, HandoffError, HandoffStore, QueueEntry
from helpdesk.metrics import HelpdeskMetrics
from helpdesk.notifications import Notifications, say
from helpdesk.office_hours import OfficeHours
from helpdesk.presence import Presence
from helpdesk.ratings import RatingStore
from i18n import N_, translate
from i18n import gettext as _
from knowledge.store import utcnow
from staff.accounts import StaffUser

logger = logging.getLogger(__name__)

PRIORITY = {"upset": 1, "safety": 2}  # a safety incident (someone hurt, a failed brake) before everyone
MIN_SAMPLES_FOR_ESTIMATE = 3
MAX_SUMMARY_CHARS = 2000
_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$")


# Said in the customer's notice when an agent has no display name ("Die Verbindung zu … ist abgerissen").
UNNAMED_AGENT = N_("Your agent")


@dataclass
class HandoffSettings:
    max_chars: int = 2000
    grace_seconds: float = 60.0
    base_url: str = ""


async def find_conversation(conversations: ConversationStore, conversation_id: Any) -> Conversation:
    """The conversation an agent's request names, or a HandoffError the agent can read."""
    if not isinstance(conversation_id, int) or isinstance(conversation_id, bool):
        raise HandoffError(_("A conversation id must be a number."))
    conversation = await asyncio.to_thread(conversations.get, conversation_id)
    if conversation is None:
        raise HandoffError(_("There is no such conversation."))
    return conversation


class HandoffQueue:
    def __init__(self, store: HandoffStore, conversations: ConversationStore, presence: Presence,
                 notifications: Notifications, hours: OfficeHours, metrics: HelpdeskMetrics,
                 settings: HandoffSettings, resume_bot: Callable[[str], Awaitable[Any]], ratings: RatingStore) -> None:
        """`resume_bot(sender_id)` lets the bot answer again after people are done; `ratings`
        says whether a resolved chat's customer is still to be asked how we did."""
        self.store = store
        self.conversations = conversations
        self.presence = presence
        self.notifications = notifications
        self.hours = hours
        self.metrics = metrics
        self.settings = settings
        self.resume_bot = resume_bot
        self.ratings = ratings
        presence.on_agent_gone(self.release_agent)

    # -- who holds the chat ----------------------------------------------------------------

    async def holder(self, conversation: Conversation) -> str:
        """'bot' or 'waiting' or 'agent' for a new customer message; a resolved chat goes back to the bot."""
        state = await asyncio.to_thread(self.store.state, conversation.id)
        if state == "resolved" and await asyncio.to_thread(self.store.reopen, conversation.id):
            return "bot"
        return state

    async def escalate(self, conversation: Conversation, reason: str) -> list[StoredMessage]:
        """Queue the conversation for an agent, or for a later answer when nobody is there."""
        offline = not await self.presence.agents_online() or not self.hours.is_open(utcnow())
        handoff = await asyncio.to_thread(self.store.escalate, conversation.id, reason, PRIORITY.get(reason, 0), offline)
        self.metrics.handoffs.labels(reason).inc()
        language = conversation.language
        if handoff.offline:
            hours = self.hours.describe()
            text = say("offline", language, reference=conversation.id,
                       hours=say("hours", language, hours=hours) if hours else "")
        else:
            status = await self.status(conversation.id)
            estimate = (
                say("estimate", language, minutes=max(1, round(status["wait_seconds"] / 60)))
                if status["wait_seconds"] is not None else say("no_estimate", language)
            )
            text = say("queued", language, reference=conversation.id, position=status["position"], estimate=estimate)
        message = await self.notifications.store(conversation.id, "system", text, {})
        await self.broadcast()
        return [message]

    async def leave_message(self, conversation: Conversation, email: Any, text: Any) -> list[StoredMessage]:
        """The offline form: a message and an address to answer to, shown to agents as a waiting item."""
        if not isinstance(email, str) or not _EMAIL.match(email.strip()) or len(email.strip()) > 254:
            raise MessageError("bad_email", N_("Please give a valid e-mail address, e.g. name@example.com."))
        text = validate_text(text, self.settings.max_chars)
        email = email.strip()
        try:
            await asyncio.to_thread(self.store.set_contact, conversation.id, email)
        except HandoffError as exc:
            raise MessageError("not_waiting", N_("This conversation is not waiting for our team.")) from exc
        customer = await self.notifications.store(conversation.id, "customer", text, {})
        thanks = await self.notifications.store(
            conversation.id, "system", say("offline_received", conversation.language, email=email), {}
        )
        await self.broadcast()
        return [customer, thanks]

    async def claim(self, conversation_id: int, agent: StaffUser) -> Conversation:
        handoff = await asyncio.to_thread(self.store.claim, conversation_id, agent.id, agent.display_name)
        if handoff.wait_seconds is not None:
            self.metrics.wait.observe(handoff.wait_seconds)
        conversation = await find_conversation(self.conversations, conversation_id)
        await self._tell(conversation, "joined", name=agent.display_name)
        await self.broadcast()
        return conversation

    async def resolve(self, conversation_id: int, agent: StaffUser, summary: Any, kind: Any) -> Handoff:
        summary = " ".join(str(summary or "").split())
        if not summary:
            raise HandoffError(_("Write a short resolution summary first."))
        if len(summary) > MAX_SUMMARY_CHARS:
            raise HandoffError(_("The summary is longer than {limit} characters.", limit=MAX_SUMMARY_CHARS))
        if kind not in RESOLUTION_KINDS:
            raise HandoffError(_("Mark the chat as a general question or as a personal / account matter."))
        return await self._finish(conversation_id, agent, "resolved", "resolved", summary, kind)

    async def hand_back(self, conversation_id: int, agent: StaffUser) -> Handoff:
        return await self._finish(conversation_id, agent, "handed_back", "bot", None, None)

    async def _finish(self, conversation_id: int, agent: StaffUser, outcome: str, to_state: str,
                      summary: Optional[str], kind: Optional[str]) -> Handoff:
        handoff = await asyncio.to_thread(
            self.store.finish, conversation_id, agent.id, agent.username, outcome, to_state, summary, kind
        )
        conversation = await find_conversation(self.conversations, conversation_id)
        await self.resume_bot(conversation.public_id)
        await self._tell(conversation, outcome, name=agent.display_name)
        await self.broadcast()
        return handoff

    async def release_agent(self, agent_id: int) -> None:
        """An agent gone for longer than the grace period: their chats go back to the queue."""
        for handoff in await asyncio.to_thread(self.store.claimed_by, agent_id):
            released = await asyncio.to_thread(
                self.store.release, handoff.conversation_id, agent_id, "agent disconnected", None
            )
            if released is None:
                continue
            conversation = await find_conversation(self.conversations, handoff.conversation_id)
            name = handoff.agent_name or translate(conversation.language, UNNAMED_AGENT)
            await self._tell(conversation, "requeued", name=name)
        await self.broadcast()

    async def erased(self, conversation: Conversation) -> None:
        """After a conversation was erased: every widget of its customer forgets it, every
        agent is told (a console that shows it closes it: the one who had it, or one who was
        reading it in the queue), and every agent sees the queue anew."""
        await self.notifications.customer(conversation, "chat_erased", {"reference": conversation.id})
        for agent_id in await self.presence.agents_online():
            await self.notifications.agent(agent_id, "conversation_erased", {"conversation_id": conversation.id})
        await self.broadcast()

    async def recover(self) -> None:
        """At start no console is connected yet: agents who had chats get the grace period to
        come back, then their chats return to the queue (they would wait forever otherwise)."""
        agents = await asyncio.to_thread(self.store.claiming_agents)
        await self.presence.expect_agents(agent_id for agent_id, _name in agents)

    async def repair_bot_pauses(self, paused: list[str]) -> list[str]:
        """At start: a Rasa tracker left paused while the helpdesk gives the chat to the bot
        (a process died between the pause and the queue) is resumed, and logged.

        The other disagreement, a tracker not paused while people hold the chat, needs no
        repair: the conversation service never asks the bot while people hold it.
        """
        repaired = []
        for conversation in await asyncio.to_thread(self.conversations.by_public_ids, paused):
            if await asyncio.to_thread(self.store.state, conversation.id) in ("bot", "resolved"):
                await self.resume_bot(conversation.public_id)
                repaired.append(conversation.public_id)
                logger.warning("conversation #%s: Rasa's tracker was paused while the helpdesk gives the chat "
                               "to the bot; resumed", conversation.id)
        return repaired

    # -- what customers and agents are told ------------------------------------------------

    async def status(self, conversation_id: int) -> dict[str, Any]:
        """What the customer is told about their handoff: state, place in the queue, wait, agent."""
        state = await asyncio.to_thread(self.store.state, conversation_id)
        handoff = await asyncio.to_thread(self.store.open_handoff, conversation_id)
        if state == "waiting" and handoff is not None and not handoff.offline:
            statuses = await self._queue_statuses(await asyncio.to_thread(self.store.queue))
            if conversation_id in statuses:
                return statuses[conversation_id]
        status = _status(conversation_id, state, handoff, None, None)
        if state == "resolved":
            due = await asyncio.to_thread(self.ratings.due, conversation_id)
            if due is not None:
                status["rating"] = {"handoff_id": due}  # the widget asks "How did we do?" for this handoff
        return status

    async def _queue_statuses(self, queue: list[QueueEntry]) -> dict[int, dict[str, Any]]:
        """Every waiting customer's status from one look at the queue."""
        waits = await asyncio.to_thread(self.store.recent_waits, timedelta(days=7))
        typical = statistics.median(waits) if len(waits) >= MIN_SAMPLES_FOR_ESTIMATE else None
        agents = max(1, len(await self.presence.agents_online()))
        statuses: dict[int, dict[str, Any]] = {}
        position = 0
        for entry in queue:
            if entry.handoff.offline:
                statuses[entry.conversation_id] = _status(entry.conversation_id, "waiting", entry.handoff, None, None)
                continue
            position += 1
            # Median recent wait, scaled by the place in the queue and the agents online;
            # with fewer than three recent claims there is honestly no estimate.
            estimate = typical * position / agents if typical is not None else None
            statuses[entry.conversation_id] = _status(entry.conversation_id, "waiting", entry.handoff, position, estimate)
        return statuses

    async def overview(self, agent_id: int) -> dict[str, Any]:
        queue = await asyncio.to_thread(self.store.queue)
        mine = await asyncio.to_thread(self.store.claimed_by, agent_id)
        now = utcnow()
        return {
            "waiting": [_queue_item(entry, now) for entry in queue],
            "mine": [{"conversation_id": h.conversation_id, "reference": h.conversation_id, **h.to_dict()} for h in mine],
            "agents_online": len(await self.presence.agents_online()),
        }

    async def broadcast(self) -> None:
        """Every connected agent gets the new overview; every waiting customer their new place."""
        for agent_id in await self.presence.agents_online():
            await self.notifications.agent(agent_id, "overview", await self.overview(agent_id))
        queue = await asyncio.to_thread(self.store.queue)
        for conversation_id, status in (await self._queue_statuses(queue)).items():
            conversation = await find_conversation(self.conversations, conversation_id)
            await self.notifications.customer(conversation, "handoff", status)

    async def _tell(self, conversation: Conversation, key: str, **values: Any) -> None:
        """A system notice to the customer, plus their new handoff status."""
        await self.notifications.notice(conversation, key, **values)
        await self.notifications.customer(conversation, "handoff", await self.status(conversation.id))


def _status(conversation_id: int, state: str, handoff: Optional[Handoff], position: Optional[int],
            estimate: Optional[float]) -> dict[str, Any]:
    result: dict[str, Any] = {"state": state, "reference": conversation_id, "position": position,
                              "wait_seconds": round(estimate) if estimate is not None else None, "agent_name": None}
    if handoff is not None and state == "waiting" and handoff.offline:
        result["state"] = "offline"
        result["contact_left"] = handoff.contact_email is not None
    elif handoff is not None and state == "agent":
        result["agent_name"] = handoff.agent_name
    return result


def _queue_item(entry: QueueEntry, now: Any) -> dict[str, Any]:
    handoff = entry.handoff
    return {
        "conversation_id": entry.conversation_id,
        "reference": entry.conversation_id,
        "language": entry.language,
        "reason": handoff.reason,
        "priority": handoff.priority,
        "offline": handoff.offline,
        "contact_email": handoff.contact_email,
        "requested_at": handoff.requested_at.isoformat(),
        "waiting_seconds": round((now - handoff.requested_at).total_seconds()),
        "preview": entry.last_customer_text[:200],
    }
