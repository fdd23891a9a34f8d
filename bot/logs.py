"""Rasa's logs, quiet by default and without customers' words at any level.

Rasa 3.6 logs every prediction through structlog, whose default (Rasa's own CLI would
configure it; we run Rasa in-process) prints everything, debug included, to stdout: the
customer's text (`parse_data_text=…`), slot values, whole events. That is a tenth of the
time of a message, noise for operators, and personal data in a log file. Rasa's output
follows the level of Python's `rasa` logger (NAHBAR_LOG_LEVEL, WARNING by default), and
the fields that carry what people wrote are withheld at every level: an operator who turns
on debug logs gets intents, actions and ids, never a customer's message.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

import structlog

# The keys Rasa's own anonymization hook treats as personal (rasa/utils/log_utils.py,
# `_anonymizer`, which does something only with Rasa Pro's pipeline), and a few more.
TEXT_KEYS = frozenset({
    "text", "response_text", "user_text", "slot_values", "parse_data_text", "parse_data_entities",
    "prediction_events", "tracker_latest_message", "prefilled_slots", "message", "response", "slot_candidates",
    "rasa_event", "rasa_events", "tracker_states", "current_states", "old_states", "successes", "current_entity",
    "next_entity", "states", "entity", "token_text", "user_message", "json_message", "events", "tracker",
    "metadata", "utter_action", "bot_message", "parse_data",
})


def withhold_text(_logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    """A structlog processor: what people wrote is replaced by a note of its kind."""
    for key in TEXT_KEYS.intersection(event):
        event[key] = f"<withheld {type(event[key]).__name__}>"
    return event


def quiet_rasa_logging(level: Optional[int] = None) -> None:
    level = level if level is not None else logging.getLogger("rasa").getEffectiveLevel()
    structlog.reset_defaults()
    processors = [withhold_text, *structlog.get_config()["processors"]]
    structlog.configure(processors=processors, wrapper_class=structlog.make_filtering_bound_logger(level))
    logging.getLogger("rasa").setLevel(level)
