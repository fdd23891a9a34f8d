"""What the custom actions need from the rest of Nahbar, and how they get it.

rasa_sdk instantiates actions itself, without arguments, so the server hands the
running knowledge base over here once at start (`configure`). A separate action server
(`python -m rasa_sdk --actions actions`) has no server to do that; there the first action
builds the same services from the environment's settings.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Optional

from knowledge.base import KnowledgeBase


@dataclass(frozen=True)
class ActionContext:
    knowledge: KnowledgeBase
    base_url: str
    answer_threshold: float
    answer_confidence: float

    def article_url(self, slug: str) -> str:
        return f"{self.base_url}/kb/{slug}"


_context: Optional[ActionContext] = None
_lock = threading.Lock()


def configure(context: ActionContext) -> None:
    global _context
    _context = context


def get_context() -> ActionContext:
    global _context
    with _lock:
        if _context is None:
            from nahbar.services import connect, open_knowledge
            from nahbar.settings import Settings

            settings = Settings.from_env()
            knowledge = open_knowledge(settings, connect(settings))
            _context = ActionContext(knowledge, settings.base_url, settings.answer_threshold,
                                     settings.answer_confidence)
        return _context
