"""Answer the customer's question from the public knowledge base."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import markers
from actions.context import get_context
from knowledge.render import summarize


class ActionAnswerFromKnowledge(Action):
    def name(self) -> Text:
        return "action_answer_from_knowledge"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        context = get_context()
        question = (tracker.latest_message.get("text") or "").strip()
        language = tracker.get_slot("language") or "en"
        best = await asyncio.to_thread(
            context.knowledge.answer, question, language, context.answer_threshold, context.answer_confidence,
            "bot", tracker.sender_id,  # the asker: a question the bot missed is erased with its conversation
        )
        if best is None:
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
