"""Hand the conversation to people: the bot pauses, the helpdesk queues the chat.

The action only decides *why* (the customer asked, accepted an offer after no answer or
an unhelpful one, or is upset) and tells the helpdesk through a custom message; queueing,
office hours and what the customer is told happen in the helpdesk's queue (helpdesk/queue.py),
which also works when this action runs on a separate action server.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import markers


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "complain":
            reason = "upset"
            dispatcher.utter_message(response="utter_complaint")
        elif tracker.get_slot("awaiting") == "human":
            reason = tracker.get_slot("handoff_reason") or "request"
        else:
            reason = "request"
        dispatcher.utter_message(json_message=markers.marker(markers.HANDOFF, reason=reason))
        return [SlotSet("awaiting", None), SlotSet("handoff_reason", None), ConversationPaused()]


class ActionCloseOffer(Action):
    def name(self) -> Text:
        return "action_close_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_anything_else")
        return [SlotSet("awaiting", None), SlotSet("handoff_reason", None)]
