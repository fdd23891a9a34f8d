"""Stored messages in the shape the widget protocol sends them.

Bot, agent and system messages all travel as Rasa's `bot_uttered`, with exactly the keys
Rasa sends (`text`, `quick_replies`, `attachment`, or a custom payload): rasa-webchat
decides how to show a frame by counting its keys, and renders nothing for a frame with
one key more. What Nahbar adds (the message id, who wrote, the agent's name) rides in
`metadata`, the one extra key Rasa itself sends and rasa-webchat strips before counting.
Nahbar's own widget reads it; with the id a client that gets a message twice (live and
again after a reconnect) shows it once, and tells the server the last id it has.
"""

from __future__ import annotations

from typing import Any

from helpdesk.conversations import StoredMessage


def message_metadata(message: StoredMessage) -> dict[str, Any]:
    meta: dict[str, Any] = {"id": message.id, "sender": message.sender}
    if message.data.get("agent_name"):
        meta["agent_name"] = message.data["agent_name"]
    return meta


def bot_uttered_payload(message: StoredMessage) -> dict[str, Any]:
    data = message.data
    if isinstance(data.get("custom"), dict) and not message.text:
        custom = dict(data["custom"])
        custom["metadata"] = {**(custom.get("metadata") or {}), **message_metadata(message)}
        return custom
    payload: dict[str, Any] = {"text": message.text}
    if data.get("buttons"):
        payload["quick_replies"] = [
            {"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in data["buttons"]
        ]
    if data.get("image"):
        payload["attachment"] = {"type": "image", "payload": {"src": data["image"]}}
    elif data.get("attachment") is not None:
        payload["attachment"] = data["attachment"]
    payload["metadata"] = message_metadata(message)
    return payload


def history_entry(message: StoredMessage) -> dict[str, Any]:
    """A message in the `history` event (Nahbar's own, which Rasa widgets ignore): flat."""
    entry = {"text": message.text} if message.sender == "customer" else bot_uttered_payload(message)
    entry.pop("metadata", None)
    return {**entry, **message_metadata(message), "time": message.created_at.isoformat()}


def transcript_entry(message: StoredMessage) -> dict[str, Any]:
    """A message as agents see it: everything, including which buttons the bot offered."""
    entry = history_entry(message)
    if message.sender == "bot" and "custom" in message.data:
        entry["custom"] = message.data["custom"]
    return entry
