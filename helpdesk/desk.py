"""The agent's desk: working in a claimed chat, and what the customer does meanwhile.

Who holds a chat is the queue's business (helpdesk.queue); the desk checks ownership on
every agent action through the handoff store and passes messages, typing and presence
between the customer and the agent who has the chat.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Optional

from bot.text import is_command, validate_text
from helpdesk.conversations import Conversation, ConversationStore, StoredMessage
from helpdesk.handoff_store import HandoffError, HandoffStore
from helpdesk.mail_replies import MailReplies
from helpdesk.metrics import HelpdeskMetrics
from helpdesk.notifications import Notifications
from helpdesk.presence import Presence
from helpdesk.protocol import bot_uttered_payload, transcript_entry
from helpdesk.queue import HandoffSettings, find_conversation
from helpdesk.ratings import ARTICLE_SENT
from i18n import gettext as _
from knowledge.articles import article_url
from knowledge.base import KnowledgeBase
from knowledge.render import summarize
from staff.accounts import StaffUser

logger = logging.getLogger(__name__)


class AgentDesk:
    def __init__(self, store: HandoffStore, conversations: ConversationStore, knowledge: KnowledgeBase,
                 presence: Presence, notifications: Notifications, metrics: HelpdeskMetrics,
                 settings: HandoffSettings, mail: MailReplies) -> None:
        self.store = store
        self.conversations = conversations
        self.knowledge = knowledge
        self.presence = presence
        self.notifications = notifications
        self.metrics = metrics
        self.settings = settings
        self.mail = mail

    # -- the agent's side -------------------------------------------------------------------

    async def reply(self, conversation_id: int, agent: StaffUser, text: Any,
                    article_slug: Optional[str] = None) -> dict[str, Any]:
        """The reply stored (with its mail queued, for a customer who left an address for an
        offline message: helpdesk.mail_replies), then shown to the customer and the agent.
        `article_slug`: the article this reply sends, recorded with it as data (a rating of
        the chat then concerns that article)."""
        text = validate_text(text, self.settings.max_chars)
        handoff = await asyncio.to_thread(self.store.check_owner, conversation_id, agent.id)
        data = {"agent_name": agent.display_name}
        if article_slug:
            data[ARTICLE_SENT] = article_slug
        conversation = await find_conversation(self.conversations, conversation_id)
        address = self.mail.address(handoff)
        message = await self.notifications.store(conversation_id, "agent", text, data,
                                                 self.mail.queue_for(conversation, address) if address else None)
        first = await asyncio.to_thread(self.store.mark_first_response, handoff.id)
        if first is not None and first.first_response_seconds is not None:
            self.metrics.first_response.observe(first.first_response_seconds)
        await self.notifications.customer(conversation, "bot_uttered", bot_uttered_payload(message))
        entry = transcript_entry(message)
        if address:
            entry["mail"] = await self.mail.queued(message.id)
        await self.notifications.agent(agent.id, "message", {"conversation_id": conversation_id, "message": entry})
        return entry

    async def retry_mail(self, mail_id: Any) -> dict[str, Any]:
        """Send a reply's failed mail again (after the agent checked why it failed)."""
        return await self.mail.retry(mail_id)

    async def send_article(self, conversation_id: int, agent: StaffUser, slug: Any) -> dict[str, Any]:
        article = await asyncio.to_thread(self.knowledge.article, str(slug or ""))
        if article is None:
            raise HandoffError(_("That article is not published."))
        url = article_url(self.settings.base_url, article.slug)
        return await self.reply(conversation_id, agent, f"{article.question}\n{summarize(article.answer)}\n{url}",
                                article.slug)

    async def agent_typing(self, conversation_id: int, agent: StaffUser, typing: bool) -> None:
        await asyncio.to_thread(self.store.check_owner, conversation_id, agent.id)
        conversation = await find_conversation(self.conversations, conversation_id)
        await self.notifications.customer(
            conversation, "agent_typing", {"typing": bool(typing), "agent_name": agent.display_name}
        )

    async def add_note(self, conversation_id: int, agent: StaffUser, text: Any) -> dict[str, Any]:
        text = validate_text(text, self.settings.max_chars)
        await find_conversation(self.conversations, conversation_id)
        note = await asyncio.to_thread(self.store.add_note, conversation_id, agent.id, agent.display_name, text)
        return note.to_dict()

    async def transcript(self, conversation_id: Any) -> dict[str, Any]:
        conversation = await find_conversation(self.conversations, conversation_id)
        history = await asyncio.to_thread(self.conversations.history, conversation.id)
        notes = await asyncio.to_thread(self.store.notes, conversation.id)
        handoffs = await asyncio.to_thread(self.store.handoffs, conversation.id)
        changes = await asyncio.to_thread(self.store.state_changes, conversation.id)
        state = await asyncio.to_thread(self.store.state, conversation.id)
        return {
            "conversation_id": conversation.id,
            "reference": conversation.id,
            "state": state,
            "language": conversation.language,
            "customer_present": await self.presence.customer_present(conversation.id),
            "messages": [transcript_entry(m) for m in history],
            "notes": [n.to_dict() for n in notes],
            "handoffs": [h.to_dict() for h in handoffs],
            "state_changes": [
                {"from": c.from_state, "to": c.to_state, "cause": c.cause, "actor": c.actor, "time": c.at.isoformat()}
                for c in changes
            ],
            "suggestions": await self.suggestions(history, conversation.language),
            "mail": await self.mail.view(conversation.id, handoffs),
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

    # -- the customer's side, passed to the agent who has the chat ------------------------------

    async def customer_wrote(self, conversation: Conversation, message: StoredMessage) -> bool:
        """True when an agent has the chat and got the message (else it waits in the queue)."""
        agent_id = await self._agent_of(conversation.id)
        if agent_id is None:
            return False
        await self.notifications.agent(
            agent_id, "message", {"conversation_id": conversation.id, "message": transcript_entry(message)}
        )
        return True

    async def customer_typing(self, conversation: Conversation, typing: bool) -> None:
        await self.notifications.agent(
            await self._agent_of(conversation.id), "customer_typing",
            {"conversation_id": conversation.id, "typing": bool(typing)},
        )

    async def customer_connected(self, conversation: Conversation) -> None:
        """What agents see of the customer's presence; it never stops the customer's widget,
        not even while the presence shared by several processes (Redis) is away."""
        try:
            if await self.presence.customer_connected(conversation.id):
                await self._presence(conversation.id, True)
        except Exception:
            logger.warning("the presence of conversation %s could not be recorded", conversation.id, exc_info=True)

    async def customer_disconnected(self, conversation: Conversation) -> None:
        try:
            if await self.presence.customer_disconnected(conversation.id):
                await self._presence(conversation.id, False)
        except Exception:
            logger.warning("the departure of conversation %s could not be recorded", conversation.id, exc_info=True)

    async def _presence(self, conversation_id: int, present: bool) -> None:
        await self.notifications.agent(
            await self._agent_of(conversation_id), "customer_presence",
            {"conversation_id": conversation_id, "present": present},
        )

    async def _agent_of(self, conversation_id: int) -> Optional[int]:
        handoff = await asyncio.to_thread(self.store.open_handoff, conversation_id)
        return handoff.agent_id if handoff is not None else None
