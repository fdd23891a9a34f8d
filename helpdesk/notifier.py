"""Pushing handoff events to connected browsers through socket.io rooms.

A customer's sockets (every tab) share the room of their session's token hash; an agent's
sockets share the room of their account, in the `/agent` namespace. With a socket.io
message queue (Redis) configured, rooms span several server processes.
"""

from __future__ import annotations

import inspect
from typing import Any

import socketio

from helpdesk.conversations import Conversation

AGENT_NAMESPACE = "/agent"


def customer_room(token_hash: str) -> str:
    return f"c:{token_hash}"


def agent_room(agent_id: int) -> str:
    return f"agent:{agent_id}"


class SocketNotifier:
    def __init__(self, sio: socketio.AsyncServer) -> None:
        self.sio = sio

    async def customer(self, conversation: Conversation, event: str, payload: dict[str, Any]) -> None:
        await self.sio.emit(event, payload, room=customer_room(conversation.token_hash))

    async def agent(self, agent_id: int, event: str, payload: dict[str, Any]) -> None:
        await self.sio.emit(event, payload, room=agent_room(agent_id), namespace=AGENT_NAMESPACE)


async def maybe_await(result: Any) -> None:
    """python-socketio >= 5.10 made enter_room/leave_room coroutines; 5.9 returns None."""
    if inspect.isawaitable(result):
        await result
