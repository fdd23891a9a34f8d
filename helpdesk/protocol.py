"""Stored messages in the shape the widget protocol sends them.

Bot, agent and system messages all travel as Rasa's `bot_uttered`, so widgets built for
Rasa show an agent's words like the bot's; Nahbar's own widget reads the extra `sender`
and `agent_name` fields to show who wrote. Every payload carries the message id, so a
client that gets a message twice (live and again in the history) shows it once.
"""

from __future__ import annotations

from typing import Any

from helpdesk.conversations import StoredMessage


def bot_uttered_payload(message: StoredMessage) -> dict[str, Any]:
    data = message.data
    if data.get("custom") is not None and not message.text:
        return data["custom"]
    payload: dict[str, Any] = {"text": message.text, "id": message.id, "sender": message.sender}
    if data.get("agent_name"):
        payload["agent_name"] = data["agent_name"]
    if data.get("buttons"):
        payload["quick_replies"] = [
            {"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in data["buttons"]
        ]
    if data.get("image"):
        payload["attachment"] = {"type": "image", "payload": {"src": data["image"]}}
    elif data.get("attachment") is not None:
        payload["attachment"] = data["attachment"]
    return payload


def history_entry(message: StoredMessage) -> dict[str, Any]:
    entry = {"text": message.text, "id": message.id} if message.sender == "customer" else bot_uttered_payload(message)
    return {**entry, "sender": message.sender, "time": message.created_at.isoformat()}


def transcript_entry(message: StoredMessage) -> dict[str, Any]:
    """A message as agents see it: everything, including which buttons the bot offered."""
    entry = history_entry(message)
    if message.sender == "bot" and "custom" in message.data:
        entry["custom"] = message.data["custom"]
    return entry
