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

from bot.brain import Brain, BotReply
from bot.conversations import Conversation, ConversationStore, StoredMessage, new_token
from bot.language import SUPPORTED, detect_language

logger = logging.getLogger(__name__)

# Control characters other than tab and newlines mean binary or corrupted input.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")

FAILURE_REPLY = {
    "de": "Entschuldigung, da ist bei mir etwas schiefgelaufen. Deine Nachricht ist gespeichert; bitte versuch es gleich noch einmal.",
    "en": "Sorry, something went wrong on my side. Your message is saved; please try again in a moment.",
}


class MessageError(ValueError):
    """A customer message that cannot be accepted; `code` is stable for clients."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


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
    def __init__(self, store: ConversationStore, brain: Brain, max_chars: int, session_days: int) -> None:
        self.store = store
        self.brain = brain
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
        if not isinstance(text, str):
            raise MessageError("malformed", "A message must be text.")
        if _CONTROL.search(text):
            raise MessageError("binary", "The message contains binary data or control characters.")
        text = text.strip()
        if not text:
            raise MessageError("empty", "The message is empty.")
        if len(text) > self.max_chars:
            raise MessageError("too_long", f"The message is longer than {self.max_chars} characters.")
        return text

    async def handle(self, session: Session, text: Any) -> tuple[StoredMessage, list[StoredMessage]]:
        """Store the customer's message, ask the bot, store and return its replies."""
        text = self.validate(text)
        previous = session.conversation.language if session.conversation else None
        language = detect_language(text, previous or session.language_hint) or "en"
        if session.conversation is None:
            session.conversation = await asyncio.to_thread(self.store.find_or_create, session.token, language)
        conversation = session.conversation
        customer = await asyncio.to_thread(self.store.add_message, conversation.id, "customer", text, None, language)
        try:
            replies = await self.brain.respond(
                conversation.public_id, text, {"language": language}, conversation.offered_commands
            )
        except Exception:
            logger.exception("the bot failed on a message of conversation %s", conversation.public_id)
            replies = []
        if not replies:  # a crashed action leaves Rasa silent; the customer must not wait forever
            replies = [BotReply(text=FAILURE_REPLY[language])]
        offered = [payload for reply in replies for payload in reply.payloads()]
        stored = await asyncio.to_thread(
            self.store.add_bot_messages, conversation.id, [_stored_form(r) for r in replies], offered
        )
        session.conversation = replace(conversation, language=language, offered_commands=frozenset(offered))
        return customer, stored


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
