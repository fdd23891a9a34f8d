"""What a chat message must look like to be accepted, from a customer or an agent."""

from __future__ import annotations

import re
from typing import Any, Optional

from i18n import N_, translate

# Control characters other than tab and newlines mean binary or corrupted input.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class MessageError(ValueError):
    """A message that cannot be accepted; `code` is stable for clients, and the text is told
    to the customer in their language (`in_language`), so it is kept as a catalog message."""

    def __init__(self, code: str, message: str, **values: Any) -> None:
        super().__init__(message.format(**values) if values else message)
        self.code = code
        self.message = str(self)
        self.template = message
        self.values = values

    def in_language(self, language: Optional[str]) -> str:
        return translate(language, self.template, **self.values)


def validate_text(text: Any, max_chars: int) -> str:
    if not isinstance(text, str):
        raise MessageError("malformed", N_("A message must be text."))
    if _CONTROL.search(text):
        raise MessageError("binary", N_("The message contains binary data or control characters."))
    text = text.strip()
    if not text:
        raise MessageError("empty", N_("The message is empty."))
    if len(text) > max_chars:
        raise MessageError("too_long", N_("The message is longer than {limit} characters."), limit=max_chars)
    return text


COMMAND_PREFIX = "/"  # a button's payload ("/feedback_helpful"), not words the customer wrote


# What a Rasa widget sends by itself when a chat opens (rasa-webchat's `initPayload`): the
# one command a conversation accepts before the bot has offered any, so the widget's
# greeting works while every other typed command is still read as plain words.
START_COMMANDS = frozenset({"/greet"})


def is_command(text: str) -> bool:
    return text.startswith(COMMAND_PREFIX)


def is_customer_words(text: str, min_words: int = 3) -> bool:
    """Words a customer wrote that can say what they want: no button press, no lone "ok"."""
    return not is_command(text) and len(text.split()) >= min_words
