"""Routing (issue 17): feedback words are a vote only when there is an answer to judge.

Measured before (benchmarks/eval_routing.py), a first message such as "the app doesn't
work" was thanked "for the feedback" although nothing had been answered.
"""

import pytest

from tests.widget_client import WidgetClient

THANKS = ("Feedback", "feedback")


@pytest.mark.slow
@pytest.mark.parametrize("text", ["das hat nicht geholfen", "that was not helpful"])
async def test_criticism_with_no_answer_to_judge_is_not_thanked_for_as_feedback(server, widget: WidgetClient, text):
    replies = await widget.ask(text)
    assert replies and not any(word in r["text"] for r in replies for word in THANKS), replies
    # it went to the knowledge base: an answer, or the honest "nothing found" with the offer of a person
    assert any("/kb/" in r["text"] or r.get("quick_replies") for r in replies), replies


@pytest.mark.slow
async def test_criticism_of_an_answer_is_still_a_vote(server, widget: WidgetClient):
    answer = await widget.ask("Wie lange dauert der Versand?")
    assert any("/kb/" in r["text"] for r in answer), answer
    replies = await widget.ask("das hat nicht geholfen")
    assert any("Feedback" in r["text"] for r in replies), replies
