"""The Rasa model, loaded in-process, answering one customer message at a time.

Two Rasa behaviours are handled here, because they are unsafe for a public widget:
- text that starts with `/` is parsed by Rasa as an intent command (`/restart`,
  `/intent{"slot": "x"}`), so a customer could steer the bot by typing it. Only the
  payload of a button the bot offered in this conversation is passed on as a command;
  any other text is classified by the NLU pipeline as the plain words it is.
- `Agent.load` silently falls back to the newest model in the folder when the given file
  is missing, so the path is checked first.

Rasa's NLU and policies are CPU work that never yields to the event loop; run on the
server's loop they stall socket.io heartbeats (the server then closes customers' sockets),
the agent console and `/healthz`. So Rasa runs on an event loop of its own, in one thread
(`RasaThread`); the server's loop only waits for the result.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Optional, TypeVar

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

import aiohttp  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from jsonschema.exceptions import best_match  # noqa: E402
from jsonschema.validators import validator_for  # noqa: E402
from rasa.core.actions.action import RemoteAction  # noqa: E402
from rasa.core.agent import Agent  # noqa: E402
from rasa.engine.graph import GraphSchema  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage  # noqa: E402
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore  # noqa: E402
from rasa.shared.core.constants import ACTION_LISTEN_NAME  # noqa: E402
from rasa.shared.core.events import ActionExecuted, ConversationPaused, ConversationResumed  # noqa: E402
from rasa.utils.endpoints import ClientResponseError, EndpointConfig  # noqa: E402
from rasa_sdk.executor import ActionExecutor  # noqa: E402
from rasa_sdk.interfaces import ActionExecutionRejection  # noqa: E402

from bot.logs import quiet_rasa_logging  # noqa: E402
from bot.text import COMMAND_PREFIX, is_command  # noqa: E402

logger = logging.getLogger(__name__)

T = TypeVar("T")


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

    def __init__(self, package: str = "actions", timeout: float = 10.0) -> None:
        super().__init__(url="in-process://actions")
        self.executor = ActionExecutor()
        self.executor.register_package(package)
        self.timeout = timeout

    async def request(self, method: str = "post", subpath: Optional[str] = None, **kwargs: Any) -> Any:
        try:
            return await asyncio.wait_for(self.executor.run(kwargs["json"]), self.timeout)
        except ActionExecutionRejection as exc:
            body = json.dumps({"error": exc.message, "action_name": exc.action_name})
            raise ClientResponseError(400, "action rejected", body) from exc
        except asyncio.TimeoutError as exc:
            logger.error("custom action %s took longer than %.1f s", kwargs["json"].get("next_action"), self.timeout)
            raise ClientResponseError(504, "action timed out", "timeout") from exc
        except Exception as exc:
            logger.exception("custom action failed")
            raise ClientResponseError(500, "action failed", str(exc)) from exc


def compile_action_validation() -> None:
    """Validate an action server's results against a schema compiled once, not per call.

    Rasa 3.6's `RemoteAction._validate_action_result` calls `jsonschema.validate`, which
    checks the schema itself against its meta-schema and builds a new validator every
    time: a third of the time of a whole message in the profile of issue 11. A separate
    action server's results are still validated, against the same schema, with the same
    error; results of the in-process actions are not (rasa_sdk built them here, and even
    with the schema compiled the check cost 3 ms a message).
    """
    if getattr(RemoteAction._validate_action_result, "compiled", False):
        return
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    original = RemoteAction._validate_action_result

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        if isinstance(self.action_endpoint, InProcessActionEndpoint):
            return True  # rasa_sdk built this result in this process from our own actions
        if best_match(validator.iter_errors(result)) is None:
            return True
        return original(self, result)  # raises, in Rasa's own words

    validate_action_result.compiled = True  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def memoize_graph_schemas() -> None:
    """Work out each graph's minimal schema for a set of targets once, not per message.

    Rasa 3.6's `DaskGraphRunner.run` recomputes `GraphSchema.minimal_graph_schema` on every
    call (twice or more per message: NLU, then each prediction), walking every dependency
    path again: 7 % of the process's time under load. A loaded model's schema never changes.
    """
    if getattr(GraphSchema.minimal_graph_schema, "memoized", False):
        return
    original = GraphSchema.minimal_graph_schema

    def minimal_graph_schema(self: GraphSchema, targets: Optional[list[str]] = None) -> GraphSchema:
        memo = self.__dict__.setdefault("_nahbar_minimal", {})
        key = tuple(targets) if targets else None
        if key not in memo:
            memo[key] = original(self, targets)
        return memo[key]

    minimal_graph_schema.memoized = True  # type: ignore[attr-defined]
    GraphSchema.minimal_graph_schema = minimal_graph_schema  # type: ignore[method-assign]


class _DebugOnlyCopies:
    """Stands in for the `copy` module inside `rasa.core.processor`.

    Every use of `copy` there deep-copies events, slots or parse data as arguments of a
    `structlogger.debug(...)` call: Python builds the copies on every message even when
    debug logging is off (8 % of the process's time under load). They are made only when
    Rasa's debug logging is on; everything else is the real module.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        if logging.getLogger("rasa").isEnabledFor(logging.DEBUG):
            return copy.deepcopy(value, memo)
        return value


def skip_copies_for_debug_logs() -> None:
    import rasa.core.processor as processor

    if not isinstance(processor.copy, _DebugOnlyCopies):
        processor.copy = _DebugOnlyCopies()  # type: ignore[assignment]


def share_past_states() -> None:
    """Compute a tracker's past states once per prediction, not once per policy call.

    Rasa 3.6's rule policy asks for the states of the whole conversation twice per
    prediction (with and without the text of the last message), and each time replays every
    event since the conversation began (17 % of the process's time under load, growing
    with the conversation). The states are kept on the tracker for as long as its events
    and the arguments are the same; callers get their own copy, since the featurizer edits
    the last state in place.
    """
    if getattr(DialogueStateTracker.past_states, "shared", False):
        return
    original = DialogueStateTracker.past_states

    def past_states(self: DialogueStateTracker, domain: Any, omit_unset_slots: bool = False,
                    ignore_rule_only_turns: bool = False, rule_only_data: Optional[dict[str, Any]] = None) -> Any:
        key = (id(domain), omit_unset_slots, ignore_rule_only_turns, id(rule_only_data), len(self.events),
               id(self.events[-1]) if self.events else None)
        memo = self.__dict__.get("_nahbar_past_states")
        if memo is None or memo[0] != key:
            memo = (key, original(self, domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data))
            self.__dict__["_nahbar_past_states"] = memo
        return [{part: dict(values) if isinstance(values, dict) else values for part, values in state.items()}
                for state in memo[1]]

    past_states.shared = True  # type: ignore[attr-defined]
    DialogueStateTracker.past_states = past_states  # type: ignore[method-assign]


class RasaThread:
    """An event loop in a thread of its own, where every call into Rasa runs."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="rasa", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    async def run(self, work: Awaitable[T]) -> T:
        """Run a coroutine on Rasa's loop; the caller's loop stays free meanwhile."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self.loop))  # type: ignore[arg-type]

    def stop(self) -> None:
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=10)


class ActionServerEndpoint(EndpointConfig):
    """A separate action server, with our time limit instead of Rasa's fixed five minutes."""

    def __init__(self, url: str, timeout: float) -> None:
        super().__init__(url=url)
        self.timeout = timeout

    def session(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(headers=self.headers, timeout=aiohttp.ClientTimeout(total=self.timeout))


@dataclass
class Brain:
    agent: Agent
    model_path: Path
    tracker_store: Optional[TrackerStore] = None
    rasa: RasaThread = field(default_factory=RasaThread)

    @classmethod
    def load(
        cls,
        model_path: Path,
        action_endpoint: Optional[str] = None,
        tracker_store: Optional[TrackerStore] = None,
        action_seconds: float = 10.0,
    ) -> "Brain":
        if not model_path.is_file():
            raise FileNotFoundError(f"no Rasa model at {model_path}; train one with `nahbar train`")
        endpoint = (ActionServerEndpoint(action_endpoint, action_seconds) if action_endpoint
                    else InProcessActionEndpoint(timeout=action_seconds))
        compile_action_validation()
        memoize_graph_schemas()
        skip_copies_for_debug_logs()
        share_past_states()
        quiet_rasa_logging()
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
        return await self.rasa.run(self._respond(sender_id, text, metadata, allowed_commands))

    async def _respond(
        self, sender_id: str, text: str, metadata: dict[str, Any], allowed_commands: frozenset[str]
    ) -> list[BotReply]:
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
        return await self.rasa.run(self._resume(sender_id))

    async def _resume(self, sender_id: str) -> bool:
        processor = self.agent.processor
        async with processor.lock_store.lock(sender_id):
            tracker = await processor.get_tracker(sender_id)
            if not tracker.is_paused():
                return False
            tracker.update(ConversationResumed())
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
            await processor.save_tracker(tracker)
            return True

    def close(self) -> None:
        self.rasa.stop()

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
