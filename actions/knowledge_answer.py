"""Answer the customer's question from the public knowledge base."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import get_context
from knowledge.base import SearchHit
from knowledge.render import summarize


def choose_answer(hits: List[SearchHit], language: str, threshold: float) -> Optional[SearchHit]:
    """The best article in the customer's language if it is good enough, else the best in any.

    Cross-language hits are a fallback: a German customer should read a German article
    when one exists, and an English one rather than nothing.
    """
    good = [hit for hit in hits if hit.score >= threshold]
    own = [hit for hit in good if hit.article.language == language]
    return (own or good or [None])[0]


class ActionAnswerFromKnowledge(Action):
    def name(self) -> Text:
        return "action_answer_from_knowledge"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        context = get_context()
        question = (tracker.latest_message.get("text") or "").strip()
        language = tracker.get_slot("language") or "en"
        hits = await asyncio.to_thread(context.knowledge.search, question, None, 10)
        best = choose_answer(hits, language, context.answer_threshold)
        if best is None:
            top = hits[0].score if hits else None
            await asyncio.to_thread(context.knowledge.store.record_miss, question, language, top, "bot")
            dispatcher.utter_message(response="utter_no_answer")
            return [
                SlotSet("awaiting", "human"),
                SlotSet("handoff_reason", "no_answer"),
                SlotSet("last_article", None),
                SlotSet("last_answer_id", None),
            ]
        article = best.article
        dispatcher.utter_message(
            response="utter_kb_answer",
            question=article.question,
            summary=summarize(article.answer),
            url=context.article_url(article.slug),
        )
        dispatcher.utter_message(response="utter_ask_helpful")
        return [
            SlotSet("last_article", article.slug),
            SlotSet("last_answer_id", uuid.uuid4().hex),
            SlotSet("awaiting", "feedback"),
        ]
