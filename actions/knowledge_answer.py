"""Answer the customer's question from the public knowledge base."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import markers
from actions.context import get_context
from knowledge.base import KnowledgeBase, SearchHit
from knowledge.render import summarize


def choose_answer(hits: List[SearchHit], threshold: float, confidence: float) -> Optional[SearchHit]:
    """The top article if it is close enough to the question and clearly ahead of the rest.

    Both are needed: the cosine floor turns away questions about something the knowledge
    base does not cover at all; the vote share turns away questions where several articles
    are about equally close, the case in which a wrong answer is most likely.
    """
    top = hits[0] if hits else None
    if top is None or top.score < threshold or top.confidence < confidence:
        return None
    return top


def find_answer(knowledge: KnowledgeBase, question: str, language: str, threshold: float,
                confidence: float) -> tuple[Optional[SearchHit], Optional[float]]:
    """The article to answer with, and the best cosine seen (for the miss log).

    Articles in the customer's language are ranked among themselves first, so that a
    German article's English twin does not split the vote; only when none is good enough
    is every language considered, since an English answer beats none.
    """
    if not question.strip():
        return None, None
    vector = knowledge.encoder.encode([question])
    own = knowledge.search_vector(vector, language, 10)
    best = choose_answer(own, threshold, confidence)
    if best is not None:
        return best, best.score
    every = knowledge.search_vector(vector, None, 10)
    best = choose_answer(every, threshold, confidence)
    return best, (every[0].score if every else None)


class ActionAnswerFromKnowledge(Action):
    def name(self) -> Text:
        return "action_answer_from_knowledge"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        context = get_context()
        question = (tracker.latest_message.get("text") or "").strip()
        language = tracker.get_slot("language") or "en"
        best, top = await asyncio.to_thread(
            find_answer, context.knowledge, question, language, context.answer_threshold, context.answer_confidence
        )
        if best is None:
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
        dispatcher.utter_message(json_message=markers.marker(
            markers.ANSWER, article_id=article.id, slug=article.slug, version=article.version,
            score=round(best.score, 4), confidence=round(best.confidence, 4)))
        return [
            SlotSet("last_article", article.slug),
            SlotSet("last_answer_id", uuid.uuid4().hex),
            SlotSet("awaiting", "feedback"),
        ]
