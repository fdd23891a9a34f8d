"""What the helpdesk tells customers and agents: stored first, then pushed.

Every notice to a customer is a stored system message before it is pushed, so a customer
who was away reads it in the history. Pushing goes through a `Notifier` (socket.io rooms
in the server), so the helpdesk runs and is tested without a web framework.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Optional, Protocol

from sqlalchemy.engine import Connection

from helpdesk.conversations import Conversation, ConversationStore, StoredMessage
from helpdesk.metrics import HelpdeskMetrics
from helpdesk.protocol import bot_uttered_payload

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
    # The e-mail that carries an agent's answer to an offline message (helpdesk.mailer).
    "mail_subject": {
        "en": "Our answer to your message (reference #{reference})",
        "de": "Unsere Antwort auf deine Nachricht (Vorgangsnummer #{reference})",
    },
    "mail_body": {
        "en": "Hello,\n\n{name} from our support team has answered your message (reference #{reference}):\n\n"
              "{text}\n\n"
              "Replies to this e-mail are not read. To write to us again, use the chat on our website "
              "and give your reference #{reference}.\n",
        "de": "Hallo,\n\n{name} aus unserem Support-Team hat auf deine Nachricht geantwortet "
              "(Vorgangsnummer #{reference}):\n\n"
              "{text}\n\n"
              "Antworten auf diese E-Mail werden nicht gelesen. Wenn du uns wieder schreiben möchtest, nutze den "
              "Chat auf unserer Website und nenne deine Vorgangsnummer #{reference}.\n",
    },
}


def say(key: str, language: Optional[str], **values: Any) -> str:
    return TEXTS[key]["de" if language == "de" else "en"].format(**values)


class Notifier(Protocol):
    """Pushes events to connected clients; storing has happened before any call."""

    async def customer(self, conversation: Conversation, event: str, payload: dict[str, Any]) -> None: ...

    async def agent(self, agent_id: int, event: str, payload: dict[str, Any]) -> None: ...


class Notifications:
    def __init__(self, conversations: ConversationStore, notifier: Notifier, metrics: HelpdeskMetrics) -> None:
        self.conversations = conversations
        self.notifier = notifier
        self.metrics = metrics

    async def store(self, conversation_id: int, sender: str, text: str, data: dict[str, Any],
                    also: Optional[Callable[[Connection, StoredMessage], Any]] = None) -> StoredMessage:
        """`also`: written in the message's transaction (see ConversationStore.add_message)."""
        message = await asyncio.to_thread(self.conversations.add_message, conversation_id, sender, text, data,
                                          None, also)
        self.metrics.messages.labels(sender).inc()
        return message

    async def notice(self, conversation: Conversation, key: str, **values: Any) -> StoredMessage:
        """A system notice in the customer's language, stored, then shown in their widget."""
        message = await self.store(conversation.id, "system", say(key, conversation.language, **values), {})
        await self.notifier.customer(conversation, "bot_uttered", bot_uttered_payload(message))
        return message

    async def customer(self, conversation: Conversation, event: str, payload: dict[str, Any]) -> None:
        await self.notifier.customer(conversation, event, payload)

    async def agent(self, agent_id: Optional[int], event: str, payload: dict[str, Any]) -> None:
        if agent_id is not None:
            await self.notifier.agent(agent_id, event, payload)
