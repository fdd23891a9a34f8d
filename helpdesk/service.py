"""The conversation service: customer messages in, the bot's stored replies out.

A message is first accepted: stored with its turn in one transaction, once per client
message id, and only then acknowledged. Answering it is separate work (helpdesk.turns):
the bot's replies, stored in the transaction that closes the turn, then pushed to the
customer's sockets. So a message the server acknowledged is never lost (a restart finds
its open turn) and never answered twice (closing the turn is a conditional UPDATE).

It runs without any web framework (the socket.io channel is a thin layer over it), so
tests and benchmarks drive exactly what the widget drives.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Awaitable, Callable, Optional, TypeVar

from actions import markers
from bot.brain import Brain, BotReply
from bot.language import SUPPORTED, detect_language
from bot.text import START_COMMANDS, MessageError, is_command, validate_text
from helpdesk.conversations import Conversation, ConversationStore, StoredMessage, new_token
from helpdesk.core import Helpdesk
from helpdesk.protocol import bot_uttered_payload
from helpdesk.tasks import STOP_SECONDS, end_tasks
from helpdesk.turns import ConversationLocks, TurnWorkers
from i18n import N_, translate
from knowledge.store import utcnow

T = TypeVar("T")

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")

FAILURE_REPLY = N_("Sorry, something went wrong on my side. Your message is saved; please try again in a moment.")
HANDOFF_FAILED = N_("Sorry, I couldn't reach our team just now. Your message is saved; please ask for a person again in a moment.")

# Said once per conversation while the shared state (Redis) of several processes is away:
# the message is stored and acknowledged, but nobody can answer it until it is back.
DELAYED = N_("We have a technical problem just now. Your message is saved; you'll get the answer here as soon as it's fixed.")


@dataclass
class Session:
    """A widget session: the token the browser holds, and its conversation once it exists.

    The conversation row is created at the first message, so opening a page with the
    widget stores nothing about a visitor who never writes.
    """

    token: str
    conversation: Optional[Conversation] = None
    language_hint: Optional[str] = None


@dataclass(frozen=True)
class ServiceSettings:
    """The service's part of nahbar.settings.Settings (defaults and validation live there)."""

    max_chars: int
    session_days: int
    workers: int  # conversations answered side by side
    max_waiting: int  # conversations waiting for a worker before new ones are turned away
    turn_seconds: float  # the longest the bot may take before the customer is told it failed
    sweep_seconds: float = 0.0  # several processes: how often to look for turns nobody answers (0: never)


@dataclass(frozen=True)
class Accepted:
    """A stored customer message: `new` is False for a resend of a message already stored;
    `ahead` is None when the bot starts on it at once, else how many waiting conversations
    are before this one (0: it is next)."""

    message: StoredMessage
    new: bool
    ahead: Optional[int] = None
    notice: Optional[StoredMessage] = None  # stored; for this client alone, since pushing to rooms is down


class ConversationService:
    def __init__(self, store: ConversationStore, brain: Brain, helpdesk: Helpdesk, settings: ServiceSettings,
                 locks: Optional[ConversationLocks] = None, unavailable: Callable[[], bool] = lambda: False) -> None:
        """`locks` is needed as soon as a second process answers from the same database;
        `unavailable()` is True while what several processes share (Redis) is away."""
        self.store = store
        self.brain = brain
        self.helpdesk = helpdesk
        self.settings = settings
        self.max_age = timedelta(days=settings.session_days)
        self.workers = TurnWorkers(self.answer_next, settings.workers, locks)
        self._sweeper: Optional[asyncio.Task[None]] = None
        self.unavailable = unavailable
        self._told_delay: set[int] = set()  # conversations told of the current outage

    async def start(self) -> int:
        """Start the workers and give them every turn a previous process left open."""
        self.workers.start()
        waiting = await asyncio.to_thread(self.store.with_open_turns)
        for conversation_id in waiting:
            self.workers.submit(conversation_id)
        if waiting:
            logger.warning("%d conversations had messages without an answer; answering them now", len(waiting))
        if self.settings.sweep_seconds > 0:
            self._sweeper = asyncio.create_task(self._sweep(), name="turn-sweep")
        return len(waiting)

    async def stop(self) -> None:
        if self._sweeper is not None:
            await end_tasks([self._sweeper], STOP_SECONDS)
        await self.workers.stop()

    async def _sweep(self) -> None:
        """Several processes: a turn whose process died with it, and whose customer does not
        come back to resend, is found here by whichever process looks next."""
        every = self.settings.sweep_seconds
        while True:
            await asyncio.sleep(every)
            try:
                forgotten = await asyncio.to_thread(self.store.with_open_turns,
                                                    utcnow() - timedelta(seconds=2 * every))
            except Exception:
                logger.exception("looking for unanswered turns failed; looking again in %.0f s", every)
                continue
            for conversation_id in forgotten:
                self.workers.submit(conversation_id)

    async def open(self, token: Any, language_hint: Any = None) -> Session:
        """Resume the conversation of a known token, or start a fresh session.

        An unknown, expired or malformed token never reveals anything: it gets a new
        token, so a guessed or forged id starts an empty conversation.
        """
        hint = language_hint if language_hint in SUPPORTED else None
        if isinstance(token, str) and _TOKEN.match(token):
            conversation = await asyncio.to_thread(self.store.find, token, self.max_age)
            if conversation is not None:
                # A message it sent may be unanswered: the process that accepted it died, say.
                self.workers.submit(conversation.id)
                return Session(token, conversation, hint)
        return Session(new_token(), None, hint)

    async def conversation_of(self, token: Any) -> Optional[Conversation]:
        """The conversation a customer's token holds, for their own download or erase; None
        for an unknown, expired or malformed token (which reveals nothing)."""
        if isinstance(token, str) and _TOKEN.match(token):
            return await asyncio.to_thread(self.store.find, token, self.max_age)
        return None

    async def exclusively(self, conversation_id: int, work: Callable[[], Awaitable[T]]) -> T:
        """Run `work` while no turn of the conversation is being answered (an erase)."""
        return await self.workers.exclusively(conversation_id, work)

    async def history(self, session: Session, after: Optional[int] = None) -> list[StoredMessage]:
        """What a (re)connecting client shows: everything, or only what came after its `after`.

        Read after the client's socket joined the session's room, so a reply pushed
        meanwhile is in the history or on the socket, never in neither.
        """
        if session.conversation is None:
            return []
        return await asyncio.to_thread(self.store.history, session.conversation.id, 500, after)

    def validate(self, text: Any) -> str:
        return validate_text(text, self.settings.max_chars)

    async def accept(self, session: Session, text: Any, client_id: Any = None) -> Accepted:
        """Store the customer's message and queue it for an answer; refuse only what was never stored.

        A new conversation is refused while more conversations wait than the configured
        bound; one already going on is always accepted, however long the wait.
        """
        text = self.validate(text)
        if client_id is not None and (not isinstance(client_id, str) or not _CLIENT_ID.match(client_id)):
            raise MessageError("bad_client_id", N_("A client message id is 1 to 64 letters, digits or _.:-"))
        if session.conversation is None and self.workers.backlog >= self.settings.max_waiting:
            raise MessageError("busy", N_("Very many customers are writing right now. Please try again in a few minutes."))
        previous = session.conversation.language if session.conversation else None
        # A button's payload (`/ask_question{"article": "versand-dauer"}`) is no language: a slug's
        # words must not switch an English customer to German.
        language = (previous or session.language_hint if is_command(text)
                    else detect_language(text, previous or session.language_hint)) or "en"
        if session.conversation is None:
            session.conversation = await asyncio.to_thread(
                self.store.find_or_create, session.token, language, START_COMMANDS
            )
        conversation = session.conversation
        message, new = await asyncio.to_thread(self.store.accept, conversation.id, text, language, client_id)
        session.conversation = replace(conversation, language=language)
        if not new:
            # Its turn may still be open (the process that accepted it died): worth a look.
            self.workers.submit(conversation.id)
            return Accepted(message, False)
        self.helpdesk.metrics.messages.labels("customer").inc()
        ahead = self.workers.submit(conversation.id)
        return Accepted(message, True, ahead, await self._delay_notice(conversation.id, language))

    async def _delay_notice(self, conversation_id: int, language: str) -> Optional[StoredMessage]:
        if not self.unavailable():
            self._told_delay.clear()
            return None
        if conversation_id in self._told_delay:
            return None
        self._told_delay.add(conversation_id)
        return await asyncio.to_thread(self.store.add_message, conversation_id, "system", translate(language, DELAYED), {})

    async def answer_next(self, conversation_id: int) -> bool:
        """Answer the oldest open turn of a conversation; False when there is none.

        The bot's replies are stored in the transaction that closes the turn, then pushed;
        while people hold the chat, the agent's screen gets the message instead.
        """
        turn = await asyncio.to_thread(self.store.next_turn, conversation_id)
        if turn is None:
            return False
        customer, language = turn.message, turn.language
        conversation = replace(turn.conversation, language=language)
        if await self.helpdesk.queue.holder(conversation) != "bot":  # people have it: the bot stays silent
            if not await self.helpdesk.desk.customer_wrote(conversation, customer):
                await self.helpdesk.queue.broadcast()  # a waiting item's preview changed
            await asyncio.to_thread(self.store.mark_handled, customer.id)
            await self._handled(conversation, customer)
            return True
        replies, told = await self._ask_bot(conversation, customer.text, language)
        escalation = told.get(markers.HANDOFF)
        if not replies and escalation is None:  # a crashed action leaves Rasa silent; nobody must wait forever
            replies = [BotReply(text=translate(language, FAILURE_REPLY))]
        offered = [payload for reply in replies for payload in reply.payloads()]
        vote = (customer.id, told[markers.VOTE]) if markers.VOTE in told else None
        stored = await asyncio.to_thread(
            self.store.add_bot_messages, conversation.id, [_stored_form(r) for r in replies], offered,
            told.get(markers.ANSWER), vote, customer.id,
        )
        if stored is None:  # another worker closed this turn first: its answer stands
            return True
        self.helpdesk.metrics.messages.labels("bot").inc(len(stored))
        conversation = replace(conversation, offered_commands=frozenset(offered))
        if escalation is not None:
            try:
                stored += await self.helpdesk.queue.escalate(conversation, str(escalation.get("reason", "request")))
            except Exception:
                # The helpdesk owns who holds the chat, and it still says the bot: Rasa's pause follows it,
                # and the customer is told instead of waiting for a queue they are not in.
                logger.exception("conversation %s could not be handed to people", conversation.public_id)
                await self.brain.resume(conversation.public_id)
                stored.append(await self.helpdesk.notifications.store(conversation.id, "system",
                                                                       translate(language, HANDOFF_FAILED), {}))
        for message in stored:
            await self.helpdesk.notifications.customer(conversation, "bot_uttered", bot_uttered_payload(message))
        await self._handled(conversation, customer)
        return True

    async def _handled(self, conversation: Conversation, customer: StoredMessage) -> None:
        # The turn is over: a widget can stop its typing dots, and a client need not wait for silence.
        await self.helpdesk.notifications.customer(conversation, "message_handled", {"id": customer.id})

    async def _ask_bot(self, conversation: Conversation, text: str,
                       language: str) -> tuple[list[BotReply], dict[str, dict[str, Any]]]:
        """The bot's replies, and what its actions told the helpdesk as data (actions.markers).

        A bot that stays silent while the helpdesk has given it the chat may have a tracker
        a failed handoff left paused: the helpdesk's state wins, the tracker is resumed (and
        logged) and the message asked once more.
        """
        for attempt in (1, 2):
            try:
                replies = await asyncio.wait_for(self.brain.respond(
                    conversation.public_id, text, {"language": language}, conversation.offered_commands
                ), self.settings.turn_seconds)
            except asyncio.TimeoutError:
                logger.error("the bot took longer than %.0f s on a message of conversation %s",
                             self.settings.turn_seconds, conversation.public_id)
                replies = []
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


def last_seen_id(value: Any) -> Optional[int]:
    """The message id a reconnecting client says it has, if it is one."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


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
