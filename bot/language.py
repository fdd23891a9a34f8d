"""Which of the bot's languages a customer writes in.

Lingua, restricted to German and English, decides for texts long enough to carry
signal (it was clearly better than py3langid on short chat questions here: py3langid took
"How much does shipping cost?" for German). Very short replies ("ok", "ja", "Hallo") are
ambiguous; for them the conversation keeps the language it already had, so a German
customer who types "ok" is not suddenly answered in English.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

SUPPORTED = ("de", "en")
MIN_CONFIDENCE = 0.8
MIN_LETTERS = 8


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.GERMAN, Language.ENGLISH).with_preloaded_language_models().build()


def detect_language(text: str, previous: Optional[str] = None) -> Optional[str]:
    """The text's language, or `previous` when the text is too short or too unclear to tell."""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return previous
    best = _detector().compute_language_confidence_values(text)[0]
    if best.value < MIN_CONFIDENCE:
        return previous
    return best.language.iso_code_639_1.name.lower()
