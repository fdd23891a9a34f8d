"""Which of the bot's languages a customer writes in.

py3langid, restricted to German and English, decides for texts long enough to carry
signal. Short replies ("ok", "ja", "thanks") are ambiguous; for them the conversation keeps
the language it already had, so a German customer who types "ok" is not answered in English.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

SUPPORTED = ("de", "en")
MIN_CONFIDENCE = 0.8
MIN_LETTERS = 8


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(SUPPORTED))
    return identifier


def detect_language(text: str, previous: Optional[str] = None) -> Optional[str]:
    """The text's language, or `previous` when the text is too short or too unclear to tell."""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return previous
    language, confidence = _identifier().classify(text)
    if confidence < MIN_CONFIDENCE:
        return previous
    return language
