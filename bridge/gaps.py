"""The gap list: where knowledge is missing, grouped by meaning, ranked by how many hit it.

Five signals in one list: questions the bot could not answer, chats handed to agents (and
why), knowledge searches that found nothing, articles marked unhelpful, and low ratings
with a comment of chats that concern an article (the customer says what it lacked). The
texts are grouped greedily with the embeddings (each joins the first group whose first
text is close enough), which is linear in the number of signals, not pairwise.

Editors see customers' words only anonymized, as the bridge anonymizes a mined pair:
missed questions are anonymized once and stored so (their raw words are gone then; the
bridge run does the same for the ones nobody looked at), the first words of a handed-over
chat and a rating's comment are anonymized as they are shown, and kept so only in memory,
by message id and by rating.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Hashable, Optional

import faiss
import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.text import is_customer_words
from helpdesk.ratings import RatingStore
from helpdesk.schema import conversations, handoffs, messages
from i18n import N_
from knowledge.base import KnowledgeBase
from knowledge.schema import articles, feedback, search_misses

# Signal labels are catalog texts: the gap list shows them in the editor's language.
KINDS = {
    "bot": N_("the bot had no answer"),
    "search": N_("knowledge search found nothing"),
    "unhelpful": N_("article marked unhelpful"),
    "rating": N_("low rating with a comment"),
}
HANDED = {
    "request": N_("handed to agents: asked for a person"),
    "no_answer": N_("handed to agents: the bot had no answer"),
    "unhelpful": N_("handed to agents: the answer did not help"),
    "upset": N_("handed to agents: upset customer"),
    "safety": N_("handed to agents: safety incident"),
}
LOW_STARS = 2  # a rating of at most this many stars, with a comment, is a gap signal


@dataclass
class Gap:
    example: str
    texts: list[str] = field(default_factory=list)
    kinds: Counter = field(default_factory=Counter)
    who: set = field(default_factory=set)
    articles: Counter = field(default_factory=Counter)  # slugs the signals concern (low ratings)

    @property
    def count(self) -> int:
        return len(self.who)


# (text, language) → what editors may see of it.
Anonymize = Callable[[str, Optional[str]], str]


def anonymize_misses(knowledge: KnowledgeBase, anonymize: Anonymize, limit: int = 1000) -> int:
    """Replace the raw words of missed questions, and of questions whose customer picked an
    article after "Did you mean …?", by their anonymized form, in the database."""
    raw = knowledge.raw_misses(limit)
    knowledge.replace_miss_words({miss_id: anonymize(words, language) for miss_id, words, language in raw})
    picked = knowledge.raw_clarifications(limit)
    knowledge.replace_clarification_words({row_id: anonymize(words, language) for row_id, words, language in picked})
    return len(raw) + len(picked)


@dataclass(frozen=True)
class Signal:
    text: str
    kind: str
    who: str  # a customer (conversation) where known, else the single event
    articles: tuple[str, ...] = ()


def signals(engine: Engine, anonymize: Anonymize, limit: int = 500,
            shown: Optional[dict[Hashable, str]] = None) -> list[Signal]:
    """`shown`: anonymized first words of handed-over chats by message id, and ratings'
    comments by ("rating", id), kept between calls."""
    shown = {} if shown is None else shown
    used: set[Hashable] = set()
    found: list[Signal] = []
    with engine.connect() as conn:
        # Only anonymized ones: a miss recorded since `anonymize_misses` waits for the next look.
        for row in conn.execute(select(search_misses).where(search_misses.c.anonymized.is_(True))
                                .order_by(search_misses.c.id.desc()).limit(limit)):
            found.append(Signal(row.query, KINDS.get(row.source, row.source), f"miss:{row.id}"))
        handed = conn.execute(
            select(handoffs.c.conversation_id, handoffs.c.reason, handoffs.c.requested_at, conversations.c.language)
            .join(conversations, conversations.c.id == handoffs.c.conversation_id)
            .order_by(handoffs.c.id.desc()).limit(limit))
        for handoff in handed:
            first = conn.execute(
                select(messages.c.id, messages.c.text).where(
                    messages.c.conversation_id == handoff.conversation_id, messages.c.sender == "customer",
                    messages.c.created_at <= handoff.requested_at,
                ).order_by(messages.c.id.desc()).limit(4)
            ).all()
            message = next((m for m in first if is_customer_words(m.text)), None)
            if message is not None:
                used.add(message.id)
                if message.id not in shown:
                    shown[message.id] = anonymize(message.text, handoff.language)
                found.append(Signal(shown[message.id], HANDED.get(handoff.reason, f"handed to agents ({handoff.reason})"),
                                    f"conversation:{handoff.conversation_id}"))
        unhelpful = conn.execute(
            select(feedback.c.id, articles.c.question).join(articles, articles.c.id == feedback.c.article_id)
            .where(feedback.c.helpful.is_(False)).order_by(feedback.c.id.desc()).limit(limit)
        )
        for row in unhelpful:
            found.append(Signal(row.question, KINDS["unhelpful"], f"vote:{row.id}"))
    for rating in RatingStore(engine).low_with_comment(LOW_STARS, limit):
        key = ("rating", rating.id)
        used.add(key)
        if key not in shown:
            shown[key] = anonymize(rating.comment, rating.language)
        found.append(Signal(shown[key], KINDS["rating"],
                            f"conversation:{rating.conversation_id}", rating.articles))
    for gone in set(shown) - used:  # an erased or purged chat's words stay in no cache
        del shown[gone]
    return found


def gap_list(engine: Engine, knowledge: KnowledgeBase, anonymize: Anonymize, threshold: float = 0.7,
             limit: int = 500, shown: Optional[dict[Hashable, str]] = None) -> list[Gap]:
    anonymize_misses(knowledge, anonymize, limit)
    found = signals(engine, anonymize, limit, shown)
    if not found:
        return []
    vectors = knowledge.encoder.encode([s.text for s in found])
    index = faiss.IndexFlatIP(vectors.shape[1])
    gaps: list[Gap] = []
    for signal, vector in zip(found, vectors):
        target: Optional[Gap] = None
        if index.ntotal:
            scores, ids = index.search(vector.reshape(1, -1), 1)
            if scores[0][0] >= threshold:
                target = gaps[int(ids[0][0])]
        if target is None:
            target = Gap(signal.text)
            gaps.append(target)
            index.add(np.ascontiguousarray(vector.reshape(1, -1)))
        target.texts.append(signal.text)
        target.kinds[signal.kind] += 1
        target.who.add(signal.who)
        target.articles.update(signal.articles)
    return sorted(gaps, key=lambda g: -g.count)
