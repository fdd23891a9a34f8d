"""Record whether the bot's last answer helped, and offer a person when it did not (hand over
at once when a worried customer was promised one)."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import markers
from actions.context import get_context
from actions.handoff import WORRY_NOT_HELPED, hand_over
from i18n import translate
from knowledge.articles import ArticleError

HELPFUL_INTENTS = {"feedback_helpful", "affirm"}


class ActionRecordFeedback(Action):
    def name(self) -> Text:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        helpful = (tracker.latest_message.get("intent") or {}).get("name") in HELPFUL_INTENTS
        slug = tracker.get_slot("last_article")
        answer_id = tracker.get_slot("last_answer_id")
        if slug and answer_id:
            knowledge = get_context().knowledge
            try:
                # The nonce makes a second click on the same answer's buttons count once.
                counted = await asyncio.to_thread(knowledge.record_feedback, slug, helpful, "bot", f"bot-{answer_id}")
            except ArticleError:
                counted = False  # withdrawn since it was shown: the vote has nothing left to count for
            if counted:
                article = await asyncio.to_thread(knowledge.article, slug)
                dispatcher.utter_message(json_message=markers.marker(
                    markers.VOTE, article_id=article.id if article else None, slug=slug, helpful=helpful))
        if helpful:
            dispatcher.utter_message(response="utter_glad_helped")
            return [SlotSet("awaiting", None), SlotSet("handoff_reason", None)]
        if tracker.get_slot("handoff_reason") == "upset":
            # A worried customer answered at once was promised a person if the answer did not help:
            # no second question, and the reason they would have been handed over for at first.
            dispatcher.utter_message(text=translate(tracker.get_slot("language") or "en", WORRY_NOT_HELPED))
            return hand_over(dispatcher, "upset")
        dispatcher.utter_message(response="utter_sorry_unhelpful")
        return [SlotSet("awaiting", "human"), SlotSet("handoff_reason", "unhelpful")]
