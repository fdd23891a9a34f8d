"""What the custom actions need from the rest of Nahbar, and how they get it.

rasa_sdk instantiates actions itself, without arguments, so whoever runs the actions
hands the knowledge base over here once at start (`configure`): the server for actions
in-process, `nahbar actions` for a separate action server. This package never builds
services itself; composition is `nahbar`'s.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Optional

from knowledge.articles import article_url
from knowledge.base import KnowledgeBase


@dataclass(frozen=True)
class ActionContext:
    knowledge: KnowledgeBase
    base_url: str
    answer_threshold: float
    answer_confidence: float
    clarify_confidence: float = 1.0  # knowledge.base.choose_candidates; 1 never asks

    def article_url(self, slug: str) -> str:
        return article_url(self.base_url, slug)


_context: Optional[ActionContext] = None
_lock = threading.Lock()


def configure(context: ActionContext) -> None:
    global _context
    with _lock:
        _context = context


def get_context() -> ActionContext:
    with _lock:
        if _context is None:
            raise RuntimeError("Nahbar's actions have no knowledge base: start a separate action server with "
                               "`nahbar actions`, not `python -m rasa_sdk`.")
        return _context
