import pytest

from bot.language import detect_language


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Wie lange dauert die Lieferung?", "de"),
        ("Kann ich mit PayPal bezahlen?", "de"),
        ("How much does shipping cost?", "en"),
        ("Where can I find my invoice?", "en"),
    ],
)
def test_questions_are_recognised_in_german_and_english(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["ok", "ja", "Hallo", "no", "👍"])
def test_short_replies_keep_the_conversation_language(text):
    assert detect_language(text, previous="de") == "de"
    assert detect_language(text, previous=None) is None
