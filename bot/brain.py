"""The Rasa model, loaded in-process, answering one customer message at a time.

Two Rasa behaviours are handled here, because they are unsafe for a public widget:
- text that starts with `/` is parsed by Rasa as an intent command (`/restart`,
  `/intent{"slot": "x"}`), so a customer could steer the bot by typing it. Only the
  payload of a button the bot offered in this conversation is passed on as a command;
  any other text is classified by the NLU pipeline as the plain words it is.
- `Agent.load` silently falls back to the newest model in the folder when the given file
  is missing, so the path is checked first.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

import sqlalchemy as sa  # noqa: E402
from rasa.core.agent import Agent  # noqa: E402
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage  # noqa: E402
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore  # noqa: E402
from rasa.shared.core.constants import ACTION_LISTEN_NAME  # noqa: E402
from rasa.shared.core.events import ActionExecuted, ConversationPaused, ConversationResumed  # noqa: E402
from rasa.utils.endpoints import ClientResponseError, EndpointConfig  # noqa: E402
from rasa_sdk.executor import ActionExecutor  # noqa: E402
from rasa_sdk.interfaces import ActionExecutionRejection  # noqa: E402

from bot.text import COMMAND_PREFIX, is_command  # noqa: E402

logger = logging.getLogger(__name__)


def quiet_rasa_logging() -> None:
    """Rasa 3.6 logs every prediction at debug level through structlog; benchmarks that print
    their figures to the terminal turn that off."""
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    logging.getLogger("rasa").setLevel(logging.WARNING)


@dataclass(frozen=True)
class BotReply:
    """One bubble of the bot's answer, in the shape the widget protocol sends."""

    text: str = ""
    buttons: tuple[dict[str, str], ...] = ()
    custom: Optional[dict[str, Any]] = None
    image: Optional[str] = None
    attachment: Optional[Any] = None

    @classmethod
    def from_rasa(cls, message: dict[str, Any]) -> "BotReply":
        buttons = tuple(
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in message.get("buttons") or ()
        )
        return cls(
            text=message.get("text") or "",
            buttons=buttons,
            custom=message.get("custom"),
            image=message.get("image"),
            attachment=message.get("attachment"),
        )

    def payloads(self) -> list[str]:
        return [b["payload"] for b in self.buttons if b["payload"]]


class InProcessActionEndpoint(EndpointConfig):
    """Runs custom actions through rasa_sdk's executor in this process, without HTTP.

    Rasa 3.6 calls every custom action through its action endpoint; this endpoint answers
    the call directly, and turns a crashing action into the error Rasa expects from a
    failing action server (the bot logs it and carries on with the conversation).
    """

    def __init__(self, package: str = "actions") -> None:
        super().__init__(url="in-process://actions")
        self.executor = ActionExecutor()
        self.executor.register_package(package)

    async def request(self, method: str = "post", subpath: Optional[str] = None, **kwargs: Any) -> Any:
        try:
            return await self.executor.run(kwargs["json"])
        except ActionExecutionRejection as exc:
            body = json.dumps({"error": exc.message, "action_name": exc.action_name})
            raise ClientResponseError(400, "action rejected", body) from exc
        except Exception as exc:
            logger.exception("custom action failed")
            raise ClientResponseError(500, "action failed", str(exc)) from exc


@dataclass
class Brain:
    agent: Agent
    model_path: Path
    tracker_store: Optional[TrackerStore] = None

    @classmethod
    def load(
        cls,
        model_path: Path,
        action_endpoint: Optional[str] = None,
        tracker_store: Optional[TrackerStore] = None,
    ) -> "Brain":
        if not model_path.is_file():
            raise FileNotFoundError(f"no Rasa model at {model_path}; train one with `nahbar train`")
        endpoint = EndpointConfig(url=action_endpoint) if action_endpoint else InProcessActionEndpoint()
        agent = Agent.load(str(model_path), action_endpoint=endpoint, tracker_store=tracker_store)
        if not agent.is_ready():
            raise RuntimeError(f"the Rasa model at {model_path} could not be loaded")
        return cls(agent, model_path, tracker_store)

    async def respond(
        self, sender_id: str, text: str, metadata: dict[str, Any], allowed_commands: frozenset[str] = frozenset()
    ) -> list[BotReply]:
        """The bot's replies to one customer message.

        `allowed_commands` are the button payloads the bot offered in this conversation;
        only those are passed to Rasa as intent commands.
        """
        output = CollectingOutputChannel()
        message = UserMessage(text, output, sender_id, metadata=metadata, input_channel="widget")
        if is_command(text.strip()) and text.strip() not in allowed_commands:
            message.parse_data = await self._parse_as_plain_text(text, metadata)
        await self.agent.handle_message(message)
        return [BotReply.from_rasa(m) for m in output.messages]

    async def resume(self, sender_id: str) -> bool:
        """Let the bot answer again after people had the conversation; True if it was paused.

        The handoff action paused the tracker; resuming needs `action_listen` too, or the
        next message is mispredicted as another handoff (RASA_NOTES).
        """
        processor = self.agent.processor
        async with processor.lock_store.lock(sender_id):
            tracker = await processor.get_tracker(sender_id)
            if not tracker.is_paused():
                return False
            tracker.update(ConversationResumed())
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
            await processor.save_tracker(tracker)
            return True

    def paused_senders(self) -> list[str]:
        """Conversations whose Rasa tracker is paused (its last pause came after its last resume).

        Read from the SQL tracker store's event table in one query, so the helpdesk can
        compare every paused tracker with who holds the chat at start; other tracker stores
        (the in-memory one of a test) have nothing that outlived a restart.
        """
        if not isinstance(self.tracker_store, SQLTrackerStore):
            return []
        events = SQLTrackerStore.SQLEvent.__table__
        pause = sa.func.max(sa.case((events.c.type_name == ConversationPaused.type_name, events.c.id), else_=0))
        resume = sa.func.max(sa.case((events.c.type_name == ConversationResumed.type_name, events.c.id), else_=0))
        query = (
            sa.select(events.c.sender_id)
            .where(events.c.type_name.in_([ConversationPaused.type_name, ConversationResumed.type_name]))
            .group_by(events.c.sender_id)
            .having(pause > resume)
        )
        with self.tracker_store.engine.connect() as conn:
            return [row.sender_id for row in conn.execute(query)]

    async def _parse_as_plain_text(self, text: str, metadata: dict[str, Any]) -> dict[str, Any]:
        """NLU on the words without the command prefix; the tracker still logs what was typed."""
        words = text.strip().lstrip(COMMAND_PREFIX).strip() or text
        probe = UserMessage(words, CollectingOutputChannel(), "nlu-probe", metadata=metadata)
        parse_data = await self.agent.processor.parse_message(probe)
        parse_data["text"] = text
        return parse_data
