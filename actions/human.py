"""Offers of a person, and what the bot says when the customer accepts or declines.

Agents cannot take over chats yet (the handoff comes with the agent console), so the
honest answer to "a person, please" is how to reach the support team.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import get_context


class ActionContactHuman(Action):
    def name(self) -> Text:
        return "action_contact_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_human_contact", contact=get_context().support_contact)
        return [SlotSet("awaiting", None)]


class ActionOfferHuman(Action):
    def name(self) -> Text:
        return "action_offer_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_complaint")
        return [SlotSet("awaiting", "human")]


class ActionCloseOffer(Action):
    def name(self) -> Text:
        return "action_close_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_anything_else")
        return [SlotSet("awaiting", None)]
