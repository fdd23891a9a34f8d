"""Answer the customer's question from the public knowledge base, or ask which article they meant.

When no article is clearly ahead but two or three close ones together are
(knowledge.base.choose_candidates), the bot asks "Did you mean …?" with one button per
article and one for something else. A button's payload is `/ask_question{"article": slug}`:
the same intent as a question, so the same rule runs this action, which answers with that
article exactly as it answers directly (same marker, same feedback buttons) and records the
pick, so editors are offered the customer's words as a new phrasing. Only buttons the bot
offered reach Rasa as commands (bot/brain.py); typing a new question instead just asks it.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import markers
from actions.context import ActionContext, get_context
from i18n import N_, translate
from knowledge.articles import Article
from knowledge.base import Decision
from knowledge.render import summarize

ARTICLE_ENTITY = "article"
SOMETHING_ELSE = N_("Something else")
SOMETHING_ELSE_PAYLOAD = "/deny"  # "none of these": the rule for `awaiting: choice` offers a person


def choice_payload(slug: str) -> str:
    return f'/ask_question{{"{ARTICLE_ENTITY}": "{slug}"}}'


def _chosen_slug(tracker: Tracker) -> Optional[str]:
    return next((e.get("value") for e in tracker.latest_message.get("entities") or ()
                 if e.get("entity") == ARTICLE_ENTITY and isinstance(e.get("value"), str)), None)


def _no_answer(dispatcher: CollectingDispatcher) -> List[Dict[Text, Any]]:
    dispatcher.utter_message(response="utter_no_answer")
    return [
        SlotSet("awaiting", "human"),
        SlotSet("handoff_reason", "no_answer"),
        SlotSet("last_article", None),
        SlotSet("last_answer_id", None),
        SlotSet("choices", None),
        SlotSet("asked", None),
    ]


async def decide(context: ActionContext, tracker: Tracker, question: str, language: str) -> Decision:
    """The knowledge base's answer, choices or miss for the customer's question, with this
    deployment's thresholds."""
    return await asyncio.to_thread(
        context.knowledge.decide, question, language, context.answer_threshold, context.answer_confidence,
        context.clarify_confidence,
        "bot", tracker.sender_id,  # the asker: a question the bot missed is erased with its conversation
    )


def answer_with(dispatcher: CollectingDispatcher, context: ActionContext, article: Article, score: Optional[float],
                confidence: Optional[float], handoff_reason: Optional[str] = None,
                **extra: Any) -> List[Dict[Text, Any]]:
    """The article's answer, then "did this help?"; a "no" offers a person, or, with
    `handoff_reason` "upset" (a worried customer answered at once), brings one at once, first
    in line (actions/feedback.py)."""
    dispatcher.utter_message(
        response="utter_kb_answer",
        question=article.question,
        summary=summarize(article.answer),
        url=context.article_url(article.slug),
    )
    dispatcher.utter_message(response="utter_ask_helpful")
    dispatcher.utter_message(json_message=markers.marker(
        markers.ANSWER, article_id=article.id, slug=article.slug, version=article.version,
        score=None if score is None else round(score, 4),
        confidence=None if confidence is None else round(confidence, 4), **extra))
    return [
        SlotSet("last_article", article.slug),
        SlotSet("last_answer_id", uuid.uuid4().hex),
        SlotSet("awaiting", "feedback"),
        SlotSet("handoff_reason", handoff_reason),
        SlotSet("choices", None),
        SlotSet("asked", None),
    ]


class ActionAnswerFromKnowledge(Action):
    def name(self) -> Text:
        return "action_answer_from_knowledge"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        context = get_context()
        language = tracker.get_slot("language") or "en"
        chosen = _chosen_slug(tracker)
        if chosen is not None:
            return await self._chosen(dispatcher, tracker, context, chosen, language)
        question = (tracker.latest_message.get("text") or "").strip()
        decision = await decide(context, tracker, question, language)
        if decision.best is not None:
            return answer_with(dispatcher, context, decision.best.article, decision.best.score, decision.best.confidence)
        if not decision.choices:
            return _no_answer(dispatcher)
        buttons = [{"title": hit.article.question, "payload": choice_payload(hit.article.slug)}
                   for hit in decision.choices]
        buttons.append({"title": translate(language, SOMETHING_ELSE), "payload": SOMETHING_ELSE_PAYLOAD})
        dispatcher.utter_message(response="utter_clarify", buttons=buttons)
        return [
            SlotSet("awaiting", "choice"),
            SlotSet("handoff_reason", None),
            SlotSet("last_article", None),
            SlotSet("last_answer_id", None),
            SlotSet("asked", question),
            SlotSet("choices", [{"slug": hit.article.slug, "score": round(hit.score, 4),
                                 "confidence": round(hit.confidence, 4)} for hit in decision.choices]),
        ]

    @staticmethod
    async def _chosen(dispatcher: CollectingDispatcher, tracker: Tracker, context: ActionContext, slug: str,
                      language: str) -> List[Dict[Text, Any]]:
        """A "Did you mean …?" button: that article answers, and the pick is recorded if it
        was among this clarification's choices (an older button still answers, unrecorded)."""
        offered = {c.get("slug"): c for c in tracker.get_slot("choices") or () if isinstance(c, dict)}
        asked = tracker.get_slot("asked") or ""
        if slug in offered and asked:
            article = await asyncio.to_thread(
                context.knowledge.clarification_chosen, asked, language, slug, tracker.sender_id)
        else:
            article = await asyncio.to_thread(context.knowledge.article, slug)
        if article is None:  # withdrawn since it was offered
            return _no_answer(dispatcher)
        pick = offered.get(slug) or {}
        return answer_with(dispatcher, context, article, pick.get("score"), pick.get("confidence"), chosen=True)


class ActionDeclineChoices(Action):
    """None of the offered articles was it: a gap for the editors, and a person is offered."""

    def name(self) -> Text:
        return "action_decline_choices"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        asked = tracker.get_slot("asked") or ""
        choices = [c for c in tracker.get_slot("choices") or () if isinstance(c, dict)]
        best = max((c["score"] for c in choices if isinstance(c.get("score"), (int, float))), default=None)
        await asyncio.to_thread(get_context().knowledge.clarification_declined, asked,
                                tracker.get_slot("language") or "en", tracker.sender_id, best)
        return _no_answer(dispatcher)
