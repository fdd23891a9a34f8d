"""Handing conversations from the bot to people and back: the helpdesk's core.

It runs without a web framework: the widget and agent channels are thin layers that call
it, and it reaches connected clients only through a `Notifier`. Every message is stored
before it is pushed, so a client that was away gets it from the history instead.
"""

from __future__ import annotations

import asyncio
import logging
import re
import statistics
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Optional, Protocol

from bot.conversations import Conversation, ConversationStore, StoredMessage
from bot.handoff_store import RESOLUTION_KINDS, Handoff, HandoffError, HandoffStore, QueueEntry
from bot.metrics import HelpdeskMetrics
from bot.office_hours import OfficeHours
from bot.protocol import bot_uttered_payload, transcript_entry
from bot.text import MessageError, is_command, validate_text
from knowledge.articles import article_url
from knowledge.base import KnowledgeBase
from knowledge.render import summarize
from knowledge.store import utcnow
from staff.accounts import StaffUser

logger = logging.getLogger(__name__)

PRIORITY = {"upset": 1}
MIN_SAMPLES_FOR_ESTIMATE = 3
MAX_SUMMARY_CHARS = 2000
_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$")

TEXTS = {
    "queued": {
        "en": "I'm handing you over to our support team. Your reference is #{reference}; you're number {position} in the queue. {estimate}",
        "de": "Ich übergebe dich an unser Support-Team. Deine Vorgangsnummer ist #{reference}; du bist Nummer {position} in der Warteschlange. {estimate}",
    },
    "estimate": {
        "en": "The wait is about {minutes} minute(s).",
        "de": "Die Wartezeit beträgt etwa {minutes} Minute(n).",
    },
    "no_estimate": {
        "en": "We can't estimate the wait yet.",
        "de": "Die Wartezeit können wir noch nicht abschätzen.",
    },
    "offline": {
        "en": "Nobody from our support team is available right now{hours}. Leave your message and your e-mail address, and we'll answer by e-mail. Your reference is #{reference}.",
        "de": "Gerade ist niemand aus unserem Support-Team erreichbar{hours}. Hinterlass deine Nachricht und deine E-Mail-Adresse, wir antworten per E-Mail. Deine Vorgangsnummer ist #{reference}.",
    },
    "hours": {"en": " (we're here {hours})", "de": " (wir sind da: {hours})"},
    "offline_received": {
        "en": "Thank you! We have your message and will answer to {email}.",
        "de": "Danke! Wir haben deine Nachricht und antworten an {email}.",
    },
    "joined": {
        "en": "{name} from our support team has joined the chat.",
        "de": "{name} aus unserem Support-Team ist jetzt im Chat.",
    },
    "requeued": {
        "en": "{name} lost the connection. You're back in the queue and keep your place.",
        "de": "Die Verbindung zu {name} ist abgerissen. Du bist wieder in der Warteschlange und behältst deinen Platz.",
    },
    "resolved": {
        "en": "{name} has marked this chat as resolved. If you write again, our assistant answers first.",
        "de": "{name} hat diesen Chat als gelöst markiert. Wenn du wieder schreibst, antwortet zuerst unser Assistent.",
    },
    "handed_back": {
        "en": "{name} has handed you back to our assistant. Ask me anything.",
        "de": "{name} hat dich wieder an unseren Assistenten übergeben. Frag mich gern.",
    },
}


def say(key: str, language: Optional[str], **values: Any) -> str:
    return TEXTS[key]["de" if language == "de" else "en"].format(**values)


class Notifier(Protocol):
    """Pushes events to connected clients; storing has happened before any call."""

    async def customer(self, conversation: Conversation, event: str, payload: dict[str, Any]) -> None: ...

    async def agent(self, agent_id: int, event: str, payload: dict[str, Any]) -> None: ...


@dataclass
class HandoffSettings:
    max_chars: int = 2000
    grace_seconds: float = 60.0
    base_url: str = ""


class HandoffService:
    def __init__(
        self,
        store: HandoffStore,
        conversations: ConversationStore,
        knowledge: KnowledgeBase,
        hours: OfficeHours,
        settings: HandoffSettings,
        notifier: Notifier,
        resume_bot: Any,
    ) -> None:
        """`resume_bot(sender_id)` lets the bot answer again after people are done."""
        self.store = store
        self.conversations = conversations
        self.knowledge = knowledge
        self.hours = hours
        self.settings = settings
        self.notifier = notifier
        self.resume_bot = resume_bot
        self._agent_sockets: dict[int, int] = {}
        self._grace: dict[int, asyncio.TimerHandle] = {}
        self._customer_sockets: dict[int, int] = {}
        self._tasks: set[asyncio.Task] = set()
        self.metrics = HelpdeskMetrics(store, self.agents_online)

    # -- presence -----------------------------------------------------------------------

    def agents_online(self) -> int:
        return sum(1 for count in self._agent_sockets.values() if count > 0)

    async def agent_connected(self, agent: StaffUser) -> None:
        self._agent_sockets[agent.id] = self._agent_sockets.get(agent.id, 0) + 1
        timer = self._grace.pop(agent.id, None)
        if timer is not None:
            timer.cancel()

    async def agent_disconnected(self, agent: StaffUser) -> None:
        """After the grace period without a reconnect, the agent's chats go back to the queue."""
        left = self._agent_sockets.get(agent.id, 1) - 1
        self._agent_sockets[agent.id] = max(0, left)
        if left > 0:
            return
        loop = asyncio.get_running_loop()
        self._grace[agent.id] = loop.call_later(
            self.settings.grace_seconds, lambda: self._spawn(self._requeue_after_grace(agent))
        )

    async def recover(self) -> None:
        """At start no console is connected yet: agents who had chats get the grace period to
        come back, then their chats return to the queue (they would wait forever otherwise)."""
        loop = asyncio.get_running_loop()
        for agent_id, name in await asyncio.to_thread(self.store.claiming_agents):
            if self._agent_sockets.get(agent_id, 0) > 0 or agent_id in self._grace:
                continue
            agent = StaffUser(agent_id, name, name, "agent")
            self._grace[agent_id] = loop.call_later(
                self.settings.grace_seconds, lambda agent=agent: self._spawn(self._requeue_after_grace(agent))
            )

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _requeue_after_grace(self, agent: StaffUser) -> None:
        self._grace.pop(agent.id, None)
        if self._agent_sockets.get(agent.id, 0) > 0:
            return
        for handoff in await asyncio.to_thread(self.store.claimed_by, agent.id):
            released = await asyncio.to_thread(
                self.store.release, handoff.conversation_id, agent.id, "agent disconnected", agent.username
            )
            if released is None:
                continue
            conversation = await self._conversation(handoff.conversation_id)
            await self._tell(conversation, "requeued", name=agent.display_name)
        await self.broadcast_queue()

    async def customer_connected(self, conversation: Conversation) -> None:
        count = self._customer_sockets.get(conversation.id, 0) + 1
        self._customer_sockets[conversation.id] = count
        if count == 1:
            await self._presence(conversation.id, True)

    async def customer_disconnected(self, conversation: Conversation) -> None:
        count = max(0, self._customer_sockets.get(conversation.id, 1) - 1)
        self._customer_sockets[conversation.id] = count
        if count == 0:
            self._customer_sockets.pop(conversation.id, None)
            await self._presence(conversation.id, False)

    def customer_present(self, conversation_id: int) -> bool:
        return self._customer_sockets.get(conversation_id, 0) > 0

    async def _presence(self, conversation_id: int, present: bool) -> None:
        handoff = await asyncio.to_thread(self.store.open_handoff, conversation_id)
        if handoff is not None and handoff.agent_id is not None:
            await self.notifier.agent(
                handoff.agent_id, "customer_presence", {"conversation_id": conversation_id, "present": present}
            )

    # -- the customer's side --------------------------------------------------------------

    async def escalate(self, conversation: Conversation, reason: str) -> list[StoredMessage]:
        """Queue the conversation for an agent, or for a later answer when nobody is there."""
        offline = self.agents_online() == 0 or not self.hours.is_open(utcnow())
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
        message = await self._store_message(conversation.id, "system", text, {})
        await self.broadcast_queue()
        return [message]

    async def customer_wrote(self, conversation: Conversation, message: StoredMessage, state: str) -> None:
        """A customer message while people have the chat: to the agent, or to the queue item."""
        handoff = await asyncio.to_thread(self.store.open_handoff, conversation.id)
        if state == "agent" and handoff is not None and handoff.agent_id is not None:
            await self.notifier.agent(
                handoff.agent_id, "message", {"conversation_id": conversation.id, "message": transcript_entry(message)}
            )
        else:
            await self.broadcast_queue()

    async def customer_typing(self, conversation: Conversation, typing: bool) -> None:
        handoff = await asyncio.to_thread(self.store.open_handoff, conversation.id)
        if handoff is not None and handoff.agent_id is not None:
            await self.notifier.agent(
                handoff.agent_id, "customer_typing", {"conversation_id": conversation.id, "typing": bool(typing)}
            )

    async def leave_message(self, conversation: Conversation, email: Any, text: Any) -> list[StoredMessage]:
        """The offline form: a message and an address to answer to, shown to agents as a waiting item."""
        if not isinstance(email, str) or not _EMAIL.match(email.strip()) or len(email.strip()) > 254:
            raise MessageError("bad_email", "Please give a valid e-mail address, e.g. name@example.com.")
        text = validate_text(text, self.settings.max_chars)
        email = email.strip()
        try:
            await asyncio.to_thread(self.store.set_contact, conversation.id, email)
        except HandoffError as exc:
            raise MessageError("not_waiting", str(exc)) from exc
        customer = await self._store_message(conversation.id, "customer", text, {})
        thanks = await self._store_message(
            conversation.id, "system", say("offline_received", conversation.language, email=email), {}
        )
        await self.broadcast_queue()
        return [customer, thanks]

    async def status(self, conversation_id: int) -> dict[str, Any]:
        """What the customer is told about their handoff: state, place in the queue, wait, agent."""
        state = await asyncio.to_thread(self.store.state, conversation_id)
        handoff = await asyncio.to_thread(self.store.open_handoff, conversation_id)
        if state == "waiting" and handoff is not None and not handoff.offline:
            statuses = await self._queue_statuses(await asyncio.to_thread(self.store.queue))
            if conversation_id in statuses:
                return statuses[conversation_id]
        return _status(conversation_id, state, handoff, None, None)

    async def _queue_statuses(self, queue: list[QueueEntry]) -> dict[int, dict[str, Any]]:
        """Every waiting customer's status from one look at the queue."""
        waits = await asyncio.to_thread(self.store.recent_waits, timedelta(days=7))
        typical = statistics.median(waits) if len(waits) >= MIN_SAMPLES_FOR_ESTIMATE else None
        agents = max(1, self.agents_online())
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

    # -- the agent's side -----------------------------------------------------------------

    async def claim(self, conversation_id: int, agent: StaffUser) -> dict[str, Any]:
        handoff = await asyncio.to_thread(self.store.claim, conversation_id, agent.id, agent.display_name)
        if handoff.wait_seconds is not None:
            self.metrics.wait.observe(handoff.wait_seconds)
        conversation = await self._conversation(conversation_id)
        await self._tell(conversation, "joined", name=agent.display_name)
        await self.broadcast_queue()
        return await self.transcript(conversation_id)

    async def reply(self, conversation_id: int, agent: StaffUser, text: Any) -> dict[str, Any]:
        text = validate_text(text, self.settings.max_chars)
        handoff = await asyncio.to_thread(self.store.check_owner, conversation_id, agent.id)
        message = await self._store_message(conversation_id, "agent", text, {"agent_name": agent.display_name})
        first = await asyncio.to_thread(self.store.mark_first_response, handoff.id)
        if first is not None and first.first_response_seconds is not None:
            self.metrics.first_response.observe(first.first_response_seconds)
        conversation = await self._conversation(conversation_id)
        await self.notifier.customer(conversation, "bot_uttered", bot_uttered_payload(message))
        entry = transcript_entry(message)
        await self.notifier.agent(agent.id, "message", {"conversation_id": conversation_id, "message": entry})
        return entry

    async def send_article(self, conversation_id: int, agent: StaffUser, slug: Any) -> dict[str, Any]:
        article = await asyncio.to_thread(self.knowledge.store.get, str(slug or ""))
        if article is None or article.status != "published":
            raise HandoffError("That article is not published.")
        url = article_url(self.settings.base_url, article.slug)
        return await self.reply(conversation_id, agent, f"{article.question}\n{summarize(article.answer)}\n{url}")

    async def agent_typing(self, conversation_id: int, agent: StaffUser, typing: bool) -> None:
        await asyncio.to_thread(self.store.check_owner, conversation_id, agent.id)
        conversation = await self._conversation(conversation_id)
        await self.notifier.customer(
            conversation, "agent_typing", {"typing": bool(typing), "agent_name": agent.display_name}
        )

    async def add_note(self, conversation_id: int, agent: StaffUser, text: Any) -> dict[str, Any]:
        text = validate_text(text, self.settings.max_chars)
        await self._conversation(conversation_id)
        note = await asyncio.to_thread(self.store.add_note, conversation_id, agent.id, agent.display_name, text)
        return note.to_dict()

    async def resolve(self, conversation_id: int, agent: StaffUser, summary: Any, kind: Any) -> Handoff:
        summary = " ".join(str(summary or "").split())
        if not summary:
            raise HandoffError("Write a short resolution summary first.")
        if len(summary) > MAX_SUMMARY_CHARS:
            raise HandoffError(f"The summary is longer than {MAX_SUMMARY_CHARS} characters.")
        if kind not in RESOLUTION_KINDS:
            raise HandoffError("Mark the chat as a general question or as a personal / account matter.")
        return await self._finish(conversation_id, agent, "resolved", "resolved", summary, kind)

    async def hand_back(self, conversation_id: int, agent: StaffUser) -> Handoff:
        return await self._finish(conversation_id, agent, "handed_back", "bot", None, None)

    async def _finish(self, conversation_id: int, agent: StaffUser, outcome: str, to_state: str,
                      summary: Optional[str], kind: Optional[str]) -> Handoff:
        handoff = await asyncio.to_thread(
            self.store.finish, conversation_id, agent.id, agent.username, outcome, to_state, summary, kind
        )
        conversation = await self._conversation(conversation_id)
        await self.resume_bot(conversation.public_id)
        await self._tell(conversation, outcome, name=agent.display_name)
        await self.broadcast_queue()
        return handoff

    # -- what agents see ------------------------------------------------------------------

    async def overview(self, agent_id: int) -> dict[str, Any]:
        queue = await asyncio.to_thread(self.store.queue)
        mine = await asyncio.to_thread(self.store.claimed_by, agent_id)
        now = utcnow()
        return {
            "waiting": [_queue_item(entry, now) for entry in queue],
            "mine": [{"conversation_id": h.conversation_id, "reference": h.conversation_id, **h.to_dict()} for h in mine],
            "agents_online": self.agents_online(),
        }

    async def transcript(self, conversation_id: int) -> dict[str, Any]:
        conversation = await self._conversation(conversation_id)
        history = await asyncio.to_thread(self.conversations.history, conversation_id)
        notes = await asyncio.to_thread(self.store.notes, conversation_id)
        handoffs = await asyncio.to_thread(self.store.handoffs, conversation_id)
        changes = await asyncio.to_thread(self.store.state_changes, conversation_id)
        state = await asyncio.to_thread(self.store.state, conversation_id)
        return {
            "conversation_id": conversation_id,
            "reference": conversation_id,
            "state": state,
            "language": conversation.language,
            "customer_present": self.customer_present(conversation_id),
            "messages": [transcript_entry(m) for m in history],
            "notes": [n.to_dict() for n in notes],
            "handoffs": [h.to_dict() for h in handoffs],
            "state_changes": [
                {"from": c.from_state, "to": c.to_state, "cause": c.cause, "actor": c.actor, "time": c.at.isoformat()}
                for c in changes
            ],
            "suggestions": await self.suggestions(history, conversation.language),
        }

    async def suggestions(self, history: list[StoredMessage], language: Optional[str], k: int = 3) -> list[dict[str, Any]]:
        """Published articles for the customer's latest question.

        Of the last few typed messages, the one that matches the knowledge base best is
        taken as the question: the very last is often "a person, please", which matches
        nothing, while the real question came just before it.
        """
        recent = [m.text for m in history if m.sender == "customer" and not is_command(m.text)][-3:]
        best: list[Any] = []
        for question in recent:
            hits = await asyncio.to_thread(self.knowledge.search, question, None, k * 2)
            if hits and (not best or hits[0].score > best[0].score):
                best = hits
        best.sort(key=lambda h: (h.article.language != language, -h.score))
        return [
            {"slug": h.article.slug, "question": h.article.question, "language": h.article.language,
             "score": round(h.score, 3), "summary": summarize(h.article.answer),
             "url": article_url(self.settings.base_url, h.article.slug)}
            for h in best[:k]
        ]

    async def broadcast_queue(self) -> None:
        """Every connected agent gets the new overview; every waiting customer their new place."""
        for agent_id, count in list(self._agent_sockets.items()):
            if count > 0:
                await self.notifier.agent(agent_id, "overview", await self.overview(agent_id))
        queue = await asyncio.to_thread(self.store.queue)
        for conversation_id, status in (await self._queue_statuses(queue)).items():
            conversation = await self._conversation(conversation_id)
            await self.notifier.customer(conversation, "handoff", status)

    # -- helpers ------------------------------------------------------------------------------

    async def _conversation(self, conversation_id: Any) -> Conversation:
        if not isinstance(conversation_id, int) or isinstance(conversation_id, bool):
            raise HandoffError("A conversation id must be a number.")
        conversation = await asyncio.to_thread(self.conversations.get, conversation_id)
        if conversation is None:
            raise HandoffError("There is no such conversation.")
        return conversation

    async def _store_message(self, conversation_id: int, sender: str, text: str, data: dict[str, Any]) -> StoredMessage:
        message = await asyncio.to_thread(self.conversations.add_message, conversation_id, sender, text, data)
        self.metrics.messages.labels(sender).inc()
        return message

    async def _tell(self, conversation: Conversation, key: str, **values: Any) -> None:
        """A system notice to the customer, stored first, plus their new handoff status."""
        message = await self._store_message(conversation.id, "system", say(key, conversation.language, **values), {})
        await self.notifier.customer(conversation, "bot_uttered", bot_uttered_payload(message))
        await self.notifier.customer(conversation, "handoff", await self.status(conversation.id))


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
