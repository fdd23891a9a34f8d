"""What the actions tell the helpdesk besides what the customer reads, as data.

An action adds a custom message `{MARKER: {...}}`; the conversation service
(helpdesk/service.py) takes it out of the replies and acts on it or records it. The bot's
words can change freely: nothing learns from them.
"""

from __future__ import annotations

from typing import Any, Optional

HANDOFF = "nahbar_handoff"  # {"reason"}: hand the chat to people
ANSWER = "nahbar_answer"  # {"article_id", "slug", "version", "score", "confidence"}: answered from an article
VOTE = "nahbar_vote"  # {"article_id", "slug", "helpful"}: the customer said whether the answer helped
KINDS = (HANDOFF, ANSWER, VOTE)


def marker(kind: str, **data: Any) -> dict[str, Any]:
    """The custom message for `dispatcher.utter_message(json_message=…)`."""
    return {kind: data}


def read(custom: Any) -> Optional[tuple[str, dict[str, Any]]]:
    """(kind, data) when a bot message is one of the markers, else None."""
    if isinstance(custom, dict) and len(custom) == 1:
        kind, data = next(iter(custom.items()))
        if kind in KINDS and isinstance(data, dict):
            return kind, data
    return None
