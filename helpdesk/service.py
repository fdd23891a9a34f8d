"""The conversation service: one customer message in, the bot's stored replies out.

It runs without any web framework (the socket.io channel is a thin layer over it), so
tests and benchmarks drive exactly what the widget drives.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Optional

from actions import markers
from bot.brain import Brain, BotReply
from bot.language import SUPPORTED, detect_language
from bot.text import validate_text
from helpdesk.conversations import Conversation, ConversationStore, StoredMessage, new_token
from helpdesk.core import Helpdesk

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")

FAILURE_REPLY = {
    "de": "Entschuldigung, da ist bei mir etwas schiefgelaufen. Deine Nachricht ist gespeichert; bitte versuch es gleich noch einmal.",
    "en": "Sorry, something went wrong on my side. Your message is saved; please try again in a moment.",
}


@dataclass
class Session:
    """A widget session: the token the browser holds, and its conversation once it exists.

    The conversation row is created at the first message, so opening a page with the
    widget stores nothing about a visitor who never writes.
    """

    token: str
    conversation: Optional[Conversation] = None
    language_hint: Optional[str] = None


class ConversationService:
    def __init__(
        self, store: ConversationStore, brain: Brain, helpdesk: Helpdesk, max_chars: int, session_days: int
    ) -> None:
        self.store = store
        self.brain = brain
        self.helpdesk = helpdesk
        self.max_chars = max_chars
        self.max_age = timedelta(days=session_days)

    async def open(self, token: Any, language_hint: Any = None) -> tuple[Session, list[StoredMessage]]:
        """Resume the conversation of a known token, or start a fresh session.

        An unknown, expired or malformed token never reveals anything: it gets a new
        token, so a guessed or forged id starts an empty conversation.
        """
        hint = language_hint if language_hint in SUPPORTED else None
        if isinstance(token, str) and _TOKEN.match(token):
            conversation = await asyncio.to_thread(self.store.find, token, self.max_age)
            if conversation is not None:
                history = await asyncio.to_thread(self.store.history, conversation.id)
                return Session(token, conversation, hint), history
        return Session(new_token(), None, hint), []

    def validate(self, text: Any) -> str:
        return validate_text(text, self.max_chars)

    async def handle(self, session: Session, text: Any) -> tuple[StoredMessage, list[StoredMessage]]:
        """Store the customer's message, ask the bot, store and return its replies."""
        text = self.validate(text)
        previous = session.conversation.language if session.conversation else None
        language = detect_language(text, previous or session.language_hint) or "en"
        if session.conversation is None:
            session.conversation = await asyncio.to_thread(self.store.find_or_create, session.token, language)
        conversation = session.conversation
        customer = await asyncio.to_thread(self.store.add_message, conversation.id, "customer", text, None, language)
        metrics = self.helpdesk.metrics.messages
        metrics.labels("customer").inc()
        conversation = session.conversation = replace(conversation, language=language)
        if await self.helpdesk.queue.holder(conversation) != "bot":  # people have it: the bot stays silent
            if not await self.helpdesk.desk.customer_wrote(conversation, customer):
                await self.helpdesk.queue.broadcast()  # a waiting item's preview changed
            return customer, []
        replies, told = await self._ask_bot(conversation, text, language)
        escalation = told.get(markers.HANDOFF)
        if not replies and escalation is None:  # a crashed action leaves Rasa silent; nobody must wait forever
            replies = [BotReply(text=FAILURE_REPLY[language])]
        offered = [payload for reply in replies for payload in reply.payloads()]
        vote = (customer.id, told[markers.VOTE]) if markers.VOTE in told else None
        stored = await asyncio.to_thread(
            self.store.add_bot_messages, conversation.id, [_stored_form(r) for r in replies], offered,
            told.get(markers.ANSWER), vote,
        )
        metrics.labels("bot").inc(len(stored))
        session.conversation = replace(conversation, offered_commands=frozenset(offered))
        if escalation is not None:
            try:
                stored += await self.helpdesk.queue.escalate(session.conversation, str(escalation.get("reason", "request")))
            except Exception:
                # The helpdesk owns who holds the chat, and it still says the bot: Rasa's pause follows it.
                await self.brain.resume(conversation.public_id)
                raise
        return customer, stored

    async def _ask_bot(self, conversation: Conversation, text: str,
                       language: str) -> tuple[list[BotReply], dict[str, dict[str, Any]]]:
        """The bot's replies, and what its actions told the helpdesk as data (actions.markers).

        A bot that stays silent while the helpdesk has given it the chat may have a tracker
        a failed handoff left paused: the helpdesk's state wins, the tracker is resumed (and
        logged) and the message asked once more.
        """
        for attempt in (1, 2):
            try:
                replies = await self.brain.respond(
                    conversation.public_id, text, {"language": language}, conversation.offered_commands
                )
            except Exception:
                logger.exception("the bot failed on a message of conversation %s", conversation.public_id)
                replies = []
            told: dict[str, dict[str, Any]] = {}
            spoken: list[BotReply] = []
            for reply in replies:  # each reply is read once: words for the customer, or a marker
                found = markers.read(reply.custom)
                if found is None:
                    spoken.append(reply)
                else:
                    told[found[0]] = found[1]
            replies = spoken
            if replies or told or attempt == 2 or not await self.brain.resume(conversation.public_id):
                return replies, told
            logger.warning("conversation %s: Rasa's tracker was paused while the helpdesk gave the chat to the bot; "
                           "resumed", conversation.public_id)
        return [], {}


def _stored_form(reply: BotReply) -> tuple[str, dict[str, Any]]:
    data: dict[str, Any] = {}
    if reply.buttons:
        data["buttons"] = list(reply.buttons)
    if reply.custom is not None:
        data["custom"] = reply.custom
    if reply.image:
        data["image"] = reply.image
    if reply.attachment is not None:
        data["attachment"] = reply.attachment
    return reply.text, data
