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
from i18n import N_, translate

TEXTS = {
    "queued": N_("I'm handing you over to our support team. Your reference is #{reference}; you're number {position} in the queue. {estimate}"),
    "estimate": N_("The wait is about {minutes} minute(s)."),
    "no_estimate": N_("We can't estimate the wait yet."),
    "offline": N_("Nobody from our support team is available right now{hours}. Leave your message and your e-mail address, and we'll answer by e-mail. Your reference is #{reference}."),
    "hours": N_(" (we're here {hours})"),
    "offline_received": N_("Thank you! We have your message and will answer to {email}."),
    "joined": N_("{name} from our support team has joined the chat."),
    "requeued": N_("{name} lost the connection. You're back in the queue and keep your place."),
    "resolved": N_("{name} has marked this chat as resolved. If you write again, our assistant answers first."),
    "handed_back": N_("{name} has handed you back to our assistant. Ask me anything."),
    # The e-mail that carries an agent's answer to an offline message (helpdesk.mailer).
    "mail_subject": N_("Our answer to your message (reference #{reference})"),
    "mail_body": N_("Hello,\n\n{name} from our support team has answered your message (reference #{reference}):\n\n"
                    "{text}\n\n"
                    "Replies to this e-mail are not read. To write to us again, use the chat on our website "
                    "and give your reference #{reference}.\n"),
}


def say(key: str, language: Optional[str], **values: Any) -> str:
    """A notice in the customer's conversation language, whatever the page or agent speaks."""
    return translate(language, TEXTS[key], **values)


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
