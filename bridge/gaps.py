"""The gap list: where knowledge is missing, grouped by meaning, ranked by how many hit it.

Four signals in one list: questions the bot could not answer, chats handed to agents (and
why), knowledge searches that found nothing, and articles marked unhelpful. The texts are
grouped greedily with the embeddings (each joins the first group whose first text is close
enough), which is linear in the number of signals, not pairwise.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

import faiss
import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.text import is_customer_words
from helpdesk.schema import handoffs, messages
from knowledge.base import KnowledgeBase
from knowledge.schema import articles, feedback, search_misses

KINDS = {
    "bot": "the bot had no answer",
    "search": "knowledge search found nothing",
    "unhelpful": "article marked unhelpful",
}


@dataclass
class Gap:
    example: str
    texts: list[str] = field(default_factory=list)
    kinds: Counter = field(default_factory=Counter)
    who: set = field(default_factory=set)

    @property
    def count(self) -> int:
        return len(self.who)


@dataclass(frozen=True)
class Signal:
    text: str
    kind: str
    who: str  # a customer (conversation) where known, else the single event


def signals(engine: Engine, limit: int = 500) -> list[Signal]:
    found: list[Signal] = []
    with engine.connect() as conn:
        for row in conn.execute(select(search_misses).order_by(search_misses.c.id.desc()).limit(limit)):
            found.append(Signal(row.query, KINDS.get(row.source, row.source), f"miss:{row.id}"))
        handed = conn.execute(select(handoffs).order_by(handoffs.c.id.desc()).limit(limit))
        for handoff in handed:
            first = conn.execute(
                select(messages.c.text).where(
                    messages.c.conversation_id == handoff.conversation_id, messages.c.sender == "customer",
                    messages.c.created_at <= handoff.requested_at,
                ).order_by(messages.c.id.desc()).limit(4)
            ).scalars().all()
            text = next((t for t in first if is_customer_words(t)), None)
            if text:
                found.append(Signal(text, f"handed to agents ({handoff.reason})", f"conversation:{handoff.conversation_id}"))
        unhelpful = conn.execute(
            select(feedback.c.id, articles.c.question).join(articles, articles.c.id == feedback.c.article_id)
            .where(feedback.c.helpful.is_(False)).order_by(feedback.c.id.desc()).limit(limit)
        )
        for row in unhelpful:
            found.append(Signal(row.question, KINDS["unhelpful"], f"vote:{row.id}"))
    return found


def gap_list(engine: Engine, knowledge: KnowledgeBase, threshold: float = 0.7, limit: int = 500) -> list[Gap]:
    found = signals(engine, limit)
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
    return sorted(gaps, key=lambda g: -g.count)
