"""Step 1: one question/answer pair per resolved conversation, from the stored transcript.

Two sources: chats an agent resolved (with their resolution summary and mark), and bot
answers the customer marked helpful. The question is the customer's own wording, condensed
when it spans several turns; the answer is what resolved it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator, Optional

from sqlalchemy import and_, select
from sqlalchemy.engine import Engine

from bot.text import COMMAND_PREFIX, is_command, is_customer_words
from bridge.schema import pairs
from helpdesk.schema import conversations, events, handoffs, messages

MAX_QUESTION_CHARS = 600


@dataclass(frozen=True)
class RawPair:
    source_key: str
    source: str  # "agent" or "bot"
    conversation_id: int
    language: Optional[str]
    question: str
    answer: str
    resolution_kind: Optional[str] = None
    article_slug: Optional[str] = None  # the article a helpful bot answer came from
    known_names: tuple[str, ...] = field(default_factory=tuple)
    customer_text: str = ""  # all the customer wrote in the chat: checked for sensitive matters, never kept


def condense(texts: list[str]) -> str:
    """The customer's question in one piece: their questions first, the rest as context."""
    asked = [t for t in texts if "?" in t] or texts
    question = " ".join(asked[:2])
    return question[:MAX_QUESTION_CHARS].strip()


def extract(engine: Engine) -> Iterator[RawPair]:
    """Pairs not read before (their source key is not in bridge_pairs yet)."""
    with engine.connect() as conn:
        seen = set(conn.execute(select(pairs.c.source_key)).scalars())
        resolved = list(conn.execute(
            select(handoffs, conversations.c.language)
            .join(conversations, conversations.c.id == handoffs.c.conversation_id)
            .where(handoffs.c.outcome == "resolved")
            .order_by(handoffs.c.id)
        ))
        for handoff in resolved:
            key = f"handoff:{handoff.id}"
            if key in seen:
                continue
            pair = _from_handoff(conn, handoff, key)
            if pair is not None:
                yield pair
        # Votes as the bot recorded them (helpdesk.schema.events), whether the customer pressed
        # "Yes" or typed it; never learned from the bot's or the customer's words.
        helpful_votes = list(conn.execute(
            select(events).where(and_(events.c.kind == "vote", events.c.helpful.is_(True))).order_by(events.c.id)
        ))
        for vote in helpful_votes:
            key = f"helpful:{vote.message_id}"
            if key in seen:
                continue
            pair = _from_helpful_vote(conn, vote, key)
            if pair is not None:
                yield pair


def _from_handoff(conn, handoff, key: str) -> Optional[RawPair]:
    earlier_end = conn.execute(
        select(handoffs.c.ended_at).where(handoffs.c.conversation_id == handoff.conversation_id,
                                          handoffs.c.id < handoff.id).order_by(handoffs.c.id.desc())
    ).scalar()
    query = select(messages).where(messages.c.conversation_id == handoff.conversation_id)
    if earlier_end is not None:
        query = query.where(messages.c.created_at > earlier_end)
    if handoff.ended_at is not None:
        query = query.where(messages.c.created_at <= handoff.ended_at)
    transcript = list(conn.execute(query.order_by(messages.c.id)))
    customer, everything, agent_texts, agent_names = [], [], [], set()
    for index, message in enumerate(transcript):
        following = transcript[index + 1] if index + 1 < len(transcript) else None
        if message.sender == "customer":
            if not is_command(message.text):
                everything.append(message.text)
            # The message that asked for a person is followed at once by the handoff notice.
            if following is not None and following.sender == "system" and message.created_at <= handoff.requested_at:
                continue
            if is_customer_words(message.text):
                customer.append(message.text)
        elif message.sender == "agent":
            agent_texts.append(message.text)
            agent_names.add((message.data or {}).get("agent_name") or "")
    answer = _best_agent_answer(agent_texts)
    if handoff.agent_name:
        agent_names.add(handoff.agent_name)
    names = tuple(n for n in agent_names | {handoff.contact_email or ""} if n)
    return RawPair(key, "agent", handoff.conversation_id, handoff.language, condense(customer), answer,
                   handoff.resolution_kind, None, names, "\n".join(everything))


def _best_agent_answer(texts: list[str]) -> str:
    """The agent's last substantial reply (greetings and "anything else?" are short)."""
    substantial = [t for t in texts if len(t.split()) >= 6]
    return answer_core((substantial or texts or [""])[-1])


# Sentence ends, but not after a title ("Frau Dr. Meier" is one sentence).
SENTENCES = re.compile(r"(?<=[.!?])(?<!\bDr\.)(?<!\bdr\.)(?<!Prof\.)(?<!\bMr\.)(?<!Mrs\.)(?<!\bMs\.)(?<!\bSt\.)\s+|\n+")
_SALUTATION = re.compile(
    r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|hallo|liebe[rs]?|sehr geehrte[rs]?|guten (?:tag|morgen|abend)"
    r"|moin|servus)\b(?:\b(?:dr|prof|mr|mrs|ms|st|hr|fr|dipl|ing|mag)\.|[^,.!?\n]){0,40}[,!.:]\s*", re.IGNORECASE)
_SIGN_OFF = re.compile(
    r"^(?:best(?:,|!|\.|\s+regards|\s+wishes)|kind regards|regards|cheers|viele grüße|beste grüße|liebe grüße"
    r"|mit freundlichen grüßen|freundliche grüße|lg\b|vg\b)", re.IGNORECASE)
_PLEASANTRY = re.compile(
    r"^(?:thanks|thank you|many thanks|danke|vielen dank|i hope this helps|hope this helps|ich hoffe"
    r"|have a (?:nice|good|great) day|schönen tag|einen schönen|sorry for the wait|entschuldig)", re.IGNORECASE)


def answer_core(text: str) -> str:
    """The answer without the greeting, thanks and sign-off around it.

    Agents wrap the same reply in different pleasantries ("Hi Jana, thanks for your
    message. … Best, Alex"); they are not part of the answer, would open a public article
    with a placeholder, and made two replies that say the same look different to the
    encoder. Only short sentences are dropped, and never everything.
    """
    text = _SALUTATION.sub("", text.strip(), count=1)
    kept: list[str] = []
    signed_off = False
    for sentence in filter(None, SENTENCES.split(text)):
        short = len(sentence.split()) <= 8
        if short and _SIGN_OFF.match(sentence):
            signed_off = True  # the name lines after "Best regards," go too
        elif not (short and _PLEASANTRY.match(sentence)) and not (signed_off and len(sentence.split()) <= 3):
            kept.append(sentence)
    return " ".join(kept).strip() or text


def _from_helpful_vote(conn, vote, key: str) -> Optional[RawPair]:
    """The question the voted answer answered: the customer's last words before that answer."""
    answer = conn.execute(
        select(events.c.message_id, events.c.article_slug)
        .where(events.c.conversation_id == vote.conversation_id, events.c.kind == "answer",
               events.c.message_id < vote.message_id)
        .order_by(events.c.message_id.desc()).limit(1)
    ).first()
    if answer is None or not answer.article_slug:
        return None
    question = conn.execute(
        select(messages.c.text)
        .where(messages.c.conversation_id == vote.conversation_id, messages.c.sender == "customer",
               messages.c.id < answer.message_id, ~messages.c.text.startswith(COMMAND_PREFIX))
        .order_by(messages.c.id.desc()).limit(1)
    ).scalar()
    if question is None:
        return None
    answer_text = conn.execute(select(messages.c.text).where(messages.c.id == answer.message_id)).scalar()
    language = conn.execute(select(conversations.c.language).where(conversations.c.id == vote.conversation_id)).scalar()
    return RawPair(key, "bot", vote.conversation_id, language, question[:MAX_QUESTION_CHARS], answer_text or "",
                   "general", answer.article_slug, (), question)
