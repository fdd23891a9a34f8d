"""Hand the conversation to people: the bot pauses, the helpdesk queues the chat.

The action only decides *why* (the customer asked, accepted an offer after no answer or
an unhelpful one, or is upset) and tells the helpdesk through a custom message; queueing,
office hours and what the customer is told happen in the helpdesk's queue (helpdesk/queue.py),
which also works when this action runs on a separate action server.

A worried customer whose question the knowledge base answers confidently gets that answer at
once, after a sentence naming the worry, instead of a wait in the queue: measured on BANKING77,
the feeling classifier reads one bank question in six as worried ("a payment I don't
recognize", "my card was declined"), and the answer is what they need first. One "no, that
didn't help" brings a person at once (actions/feedback.py), first in line as for any upset
customer. Every other feeling, and a worry the knowledge base cannot answer for sure, is
handed over at once (the question is then recorded as a gap, as any the bot cannot answer).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import markers
from actions.context import get_context
from actions.knowledge_answer import answer_with, decide
from i18n import N_, translate

# What the customer reads when the bot's NLU found them upset, worried or hurt (the
# `feeling` entity of bot/nlu.py FeelingClassifier): a sentence that names the feeling,
# not a generic "sorry". A safety incident is handed over as "safety", before everyone.
FEELING_REPLIES = {
    "worried": N_("I understand that this worries you, and I'm sorry. I'm getting someone from our team for you right away."),
    "frustrated": N_("I can tell how frustrating this is, and I'm sorry. I'm getting someone from our team for you right away."),
    "angry": N_("I understand that you're angry, and I'm sorry. I'm getting someone from our team for you right away."),
    "disappointed": N_("I'm sorry we disappointed you. I'm getting someone from our team for you right away."),
    "distressed": N_("I'm sorry you're going through this, it sounds really hard. I'm getting someone from our team for you right away."),
    "safety": N_("That sounds dangerous, and I'm very sorry. Please don't use the product until it has been checked, and if "
                 "anyone is hurt, get medical help first. I'm passing this to our team as urgent."),
}
WORRY_ANSWERED = N_("I understand that this worries you. This should help. If it doesn't, tell me, and someone from our "
                    "team will take over with priority.")
WORRY_NOT_HELPED = N_("I'm sorry that didn't help. I'm getting someone from our team for you right away, with priority.")


def hand_over(dispatcher: CollectingDispatcher, reason: str) -> List[Dict[Text, Any]]:
    """Tell the helpdesk why the chat needs a person (it queues it and tells the customer) and
    pause the bot until the agent is done."""
    dispatcher.utter_message(json_message=markers.marker(markers.HANDOFF, reason=reason))
    return [SlotSet("awaiting", None), SlotSet("handoff_reason", None), ConversationPaused()]


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        feeling = next((e.get("value") for e in tracker.latest_message.get("entities") or ()
                        if e.get("entity") == "feeling"), None)
        language = tracker.get_slot("language") or "en"
        if intent == "complain" and feeling == "worried":
            question = (tracker.latest_message.get("text") or "").strip()
            context = get_context()
            decision = await decide(context, tracker, question, language)
            if decision.best is not None:
                dispatcher.utter_message(text=translate(language, WORRY_ANSWERED))
                return answer_with(dispatcher, context, decision.best.article, decision.best.score,
                                   decision.best.confidence, handoff_reason="upset")
        if intent == "complain" and feeling in FEELING_REPLIES:
            reason = "safety" if feeling == "safety" else "upset"
            dispatcher.utter_message(text=translate(language, FEELING_REPLIES[feeling]))
        elif intent == "complain":
            reason = "upset"
            dispatcher.utter_message(response="utter_complaint")
        elif tracker.get_slot("awaiting") == "human":
            reason = tracker.get_slot("handoff_reason") or "request"
        else:
            reason = "request"
        return hand_over(dispatcher, reason)


class ActionCloseOffer(Action):
    def name(self) -> Text:
        return "action_close_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_anything_else")
        return [SlotSet("awaiting", None), SlotSet("handoff_reason", None)]
