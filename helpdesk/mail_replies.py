"""Which agent replies go out by e-mail, and what agents see of them.

The rule: a customer who left a message while nobody was there was told "we'll answer by
e-mail", so every reply an agent writes in that chat (the open handoff is an offline one
with the address they left) is mailed to that address, one mail per reply, whether or not
the customer happens to have the chat open too (a tab left open overnight is no reader).
Replies in any other chat are not mailed. With no SMTP server configured nothing is
queued, and the console says plainly that answers must go from the agent's own mail.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Optional

from sqlalchemy.engine import Connection

from helpdesk.conversations import Conversation, StoredMessage
from helpdesk.handoff_store import Handoff, HandoffError
from helpdesk.mailer import MailSender, MailSettings
from helpdesk.notifications import Notifications
from helpdesk.outbox import OutgoingMail, Outbox
from helpdesk.presence import Presence
from i18n import gettext as _
from knowledge.store import utcnow

QueueMail = Callable[[Connection, StoredMessage], Any]


class MailReplies:
    def __init__(self, outbox: Outbox, settings: MailSettings, presence: Presence,
                 notifications: Notifications) -> None:
        self.outbox = outbox
        self.settings = settings
        self.presence = presence
        self.notifications = notifications
        self.sender = MailSender(outbox, settings, self.changed) if settings.enabled else None

    @property
    def enabled(self) -> bool:
        return self.sender is not None

    def address(self, handoff: Handoff) -> Optional[str]:
        """Where replies in this handoff are mailed, by the rule above; None: not mailed."""
        return handoff.contact_email if self.enabled and handoff.offline else None

    def queue_for(self, conversation: Conversation, to: str) -> QueueMail:
        """What queues a reply's mail in the transaction that stores the reply."""
        return lambda conn, message: Outbox.queue(conn, conversation.id, message.id, to, conversation.language)

    async def queued(self, message_id: int) -> Optional[dict[str, Any]]:
        """After the reply is stored and shown: the sender is woken; the mail as agents see it."""
        mail = await asyncio.to_thread(self.outbox.by_message, message_id)
        if self.sender is not None:
            self.sender.wake()
        return mail.to_dict() if mail else None

    async def changed(self, mail: OutgoingMail) -> None:
        """Every agent console hears of the change (any of them may show the chat)."""
        for agent_id in await self.presence.agents_online():
            await self.notifications.agent(agent_id, "mail", mail.to_dict())

    async def view(self, conversation_id: int, handoffs: list[Handoff]) -> dict[str, Any]:
        """What the console shows of a chat's mail: whether mail is sent, to whom, each mail."""
        latest = handoffs[-1] if handoffs else None
        mails = await asyncio.to_thread(self.outbox.of_conversation, conversation_id)
        return {
            "smtp": self.enabled,
            "offline": bool(latest and latest.offline),
            "to": latest.contact_email if latest and latest.offline else None,
            "mails": [mail.to_dict() for mail in mails],
        }

    async def retry(self, mail_id: Any) -> dict[str, Any]:
        """An agent sends a failed mail again."""
        if not isinstance(mail_id, int) or isinstance(mail_id, bool):
            raise HandoffError(_("A mail id must be a number."))
        if self.sender is None:
            raise HandoffError(_("No mail server is configured; send the answer from your own mail program."))
        mail = await asyncio.to_thread(self.outbox.retry, mail_id, utcnow())
        if mail is None:
            raise HandoffError(_("Only a mail that failed can be sent again."))
        await self.changed(mail)
        self.sender.wake()
        return mail.to_dict()

    def start(self) -> None:
        if self.sender is not None:
            self.sender.start()

    async def stop(self) -> None:
        if self.sender is not None:
            await self.sender.stop()
