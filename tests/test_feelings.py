"""Feelings first (issue 17): upset, worried or hurt customers are recognized by meaning,
answered with a sentence naming the feeling and handed over with priority; a safety
incident goes to the top of the queue; a calm question that mentions a problem is answered.

The classifier tests use the real encoder and the real training file; the sentences here
are in none of the training or evaluation examples. The end-to-end tests run the real
server with the trained Rasa model (slow).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.feelings import (
    CALM, SAFETY, FeelingError, FeelingModel, carries_feeling, feeling_of_text, load_examples, train_from_file,
)
from tests.agent_client import AgentClient  # noqa: F401  (the `agent` fixture's client)
from tests.widget_client import WidgetClient

HELD_OUT = {
    "worried": [
        "Ich habe Angst, dass mein Geld weg ist. Die Rückerstattung kam nie an.",
        "I keep refreshing my bank app every hour, please tell me the 900 euros aren't lost.",
        "Hoffentlich komme ich da wieder raus, ich habe schon 1.800 Euro angezahlt und höre nichts mehr.",
    ],
    "frustrated": [
        "For the third time: the display still shows the same error after your repair.",
        "Ich schreibe euch jetzt seit drei Wochen und bekomme immer nur Textbausteine.",
    ],
    "angry": [
        "This is an absolute disgrace, you kept my money and sent me nothing.",
        "Eine bodenlose Frechheit, wie ihr mit Kunden umgeht.",
    ],
    "disappointed": [
        "We waited two months for the cargo bike and it arrived with a bent wheel. What a letdown.",
        "Ich hatte mich so auf das neue Rad gefreut, und jetzt steht es nur kaputt im Keller.",
    ],
    "distressed": [
        "Ich bin wirklich verzweifelt, ich weiß nicht mehr, wie ich zur Arbeit kommen soll.",
        "Please, I'm on my own with three kids and that refund is what we live on this month.",
    ],
    "safety": [
        "Unglaublich, der Rahmen ist nach zwei Wochen gebrochen, ich hätte mich verletzen können!",
        "My child fell because the brakes failed on the bike you sold us.",
        "The e-bike battery began to smoke in the kitchen while it was charging.",
    ],
}
CALM_WITH_A_PROBLEM = [
    "My order hasn't arrived yet, when will it come?",
    "Die Bremse quietscht, muss ich zur Werkstatt?",
    "The bell on my new bike rattles a little, can I tighten it myself?",
    "Meine Rücksendung ist seit einer Woche bei euch, wann kommt die Erstattung?",
]


@pytest.fixture(scope="module")
def model(encoder) -> FeelingModel:
    return train_from_file(encoder)


@pytest.mark.parametrize("feeling,text", [(f, t) for f, texts in HELD_OUT.items() for t in texts])
def test_an_upset_worried_or_hurt_customer_is_recognized_by_meaning(model, encoder, feeling, text):
    found = feeling_of_text(model, encoder, text)
    assert found.upset, f"{text!r} read as {found}"
    if feeling == SAFETY:
        assert found.safety, f"{text!r} read as {found}"


@pytest.mark.parametrize("text", CALM_WITH_A_PROBLEM)
def test_a_calm_question_that_mentions_a_problem_is_calm(model, encoder, text):
    assert feeling_of_text(model, encoder, text).label == CALM


def test_a_saved_classifier_reads_feelings_as_the_trained_one(model, encoder, tmp_path: Path):
    model.save(tmp_path / "feelings.npz")
    loaded = FeelingModel.load(tmp_path / "feelings.npz")
    vector = encoder.encode(["The brake cable snapped on the way to school and my son crashed."])[0]
    assert loaded.classify(vector) == model.classify(vector)


@pytest.mark.parametrize("text", ["", "   ", None, 42])
def test_no_text_is_a_clear_error(model, encoder, text):
    with pytest.raises(FeelingError, match="no text"):
        feeling_of_text(model, encoder, text)


def test_a_vector_of_another_encoder_is_a_clear_error(model):
    with pytest.raises(FeelingError, match="trained on 512"):
        model.classify(np.ones(384, dtype=np.float32))
    with pytest.raises(FeelingError, match="not finite"):
        model.classify(np.full(512, np.nan, dtype=np.float32))


@pytest.mark.parametrize("content,complaint", [
    ("calm:\n  en: [hello]\nsad:\n  en: [oh no]\n", "unknown feeling 'sad'"),
    ("calm:\n  fr: [bonjour]\n", "calm.fr"),
    ("calm:\n  en: ['']\n", "empty"),
    ("- just a list\n", "expected a mapping"),
    ("calm:\n  en: [hello]\n", "no examples for"),
    ("calm: [unclosed\n", "cannot read"),
])
def test_a_broken_training_file_is_refused_with_what_is_wrong(tmp_path: Path, content, complaint):
    path = tmp_path / "feelings.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FeelingError, match=complaint):
        load_examples(path)


def test_the_training_file_covers_every_feeling_in_both_languages():
    examples = load_examples()
    assert {(e.feeling, e.language) for e in examples} >= {(f, lang) for f in HELD_OUT for lang in ("de", "en")}


# -- the whole bot ------------------------------------------------------------------------------


async def handed_over(widget: WidgetClient, text: str) -> tuple[list[dict], dict]:
    replies = await widget.ask(text)
    status = await widget.next_matching("handoff", lambda s: s["state"] in ("waiting", "offline"))
    return replies, status


@pytest.mark.slow
@pytest.mark.parametrize("text,words", [
    ("I keep refreshing my bank app every hour, please tell me the 900 euros aren't lost.", "worries you"),
    ("Ich habe Angst, dass mein Geld weg ist. Die Rückerstattung kam nie an.", "Sorgen"),
    ("We saved all year for this bike and it looks nothing like the one in your catalogue.", "disappointed"),
    ("Wir haben das ganze Jahr auf dieses Rad gespart und es sieht ganz anders aus als im Katalog.", "enttäuscht"),
])
async def test_the_reply_names_the_feeling_in_the_customers_language(server, widget, agent, text, words):
    replies, status = await handed_over(widget, text)
    assert any(words in r["text"] for r in replies), replies
    overview = await agent.next_matching("overview", lambda o: any(i["reference"] == status["reference"]
                                                                    for i in o["waiting"]))
    assert [i["reason"] for i in overview["waiting"] if i["reference"] == status["reference"]] == ["upset"]


WORRIED_WITH_AN_ANSWERED_QUESTION = [
    ("I'm so anxious about this, my parcel is nowhere and I need it for Saturday. How can I track my order?",
     "worries you"),
    ("Ich mache mir echt Sorgen, mein Paket ist noch nicht da. Wie kann ich meine Bestellung verfolgen?", "Sorgen"),
]


@pytest.mark.slow
@pytest.mark.parametrize("text,words", WORRIED_WITH_AN_ANSWERED_QUESTION)
async def test_a_worried_customer_whose_question_the_knowledge_base_answers_gets_the_answer_at_once(
        server, widget, text, words):
    replies = await widget.ask(text)
    assert words in replies[0]["text"], replies
    assert any("/kb/" in r["text"] for r in replies), replies
    assert [r["payload"] for r in replies[-1]["quick_replies"]] == ["/feedback_helpful", "/feedback_unhelpful"]
    assert widget.drain("handoff") == []  # told before `message_handled`, had it been queued


@pytest.mark.slow
@pytest.mark.parametrize("text,no", [(WORRIED_WITH_AN_ANSWERED_QUESTION[0][0], "/feedback_unhelpful"),
                                     (WORRIED_WITH_AN_ANSWERED_QUESTION[1][0], "nein")])
async def test_a_worried_customer_the_answer_did_not_help_gets_a_person_first_in_line_without_a_second_question(
        server, widget, agent, text, no):
    calm = await WidgetClient(server.url).open()
    try:
        await handed_over(calm, "I'd like to talk to a person please.")
        await widget.ask(text)
        replies, status = await handed_over(widget, no)
        assert not any(r.get("quick_replies") for r in replies), replies
        overview = await agent.next_matching("overview", lambda o: len(o["waiting"]) == 2)
        first = overview["waiting"][0]
        assert (first["reference"], first["reason"]) == (status["reference"], "upset")
    finally:
        await calm.close()


@pytest.mark.slow
async def test_a_safety_incident_goes_before_upset_customers_and_is_marked(server, widget, agent):
    await handed_over(widget, "Das ist eine Frechheit, ich bin total verärgert!")
    hurt = await WidgetClient(server.url).open()
    try:
        replies, status = await handed_over(hurt, "My daughter fell off when the front brake stopped working.")
        assert any("dangerous" in r["text"] for r in replies), replies
        overview = await agent.next_matching("overview", lambda o: len(o["waiting"]) == 2)
        first = overview["waiting"][0]
        assert (first["reference"], first["reason"]) == (status["reference"], "safety")
        assert first["priority"] > overview["waiting"][1]["priority"]
    finally:
        await hurt.close()


@pytest.mark.slow
@pytest.mark.parametrize("text", ["My parcel arrived with a damaged box, what should I do?",
                                  "Die Bremse quietscht, wie buche ich einen Termin in der Werkstatt?"])
async def test_a_calm_question_with_a_problem_gets_its_knowledge_answer(server, widget, text):
    replies = await widget.ask(text)
    assert any("/kb/" in r["text"] for r in replies), replies


@pytest.mark.parametrize("text", ["/restart", '/affirm{"awaiting": "human"}', "ok", "asdf", "", None, 42])
def test_a_typed_command_or_a_single_word_carries_no_feeling(text):
    assert not carries_feeling(text)


def test_a_sentence_carries_a_feeling_to_read():
    assert carries_feeling("Ich bin wirklich verzweifelt.")
