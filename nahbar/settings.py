"""All of Nahbar's settings in one place.

Defaults describe the embedded set-up (SQLite and a FAISS index in one data directory),
so a fresh checkout runs with no configuration at all. Every value can be overridden by an
environment variable; a wrong value stops the start with a message that names the variable
and says what would be accepted, instead of failing later somewhere deep in a request.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Callable, Mapping, Optional

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bridge.privacy import DEFAULT_PRIVATE_TOPICS, PrivateTopics
from helpdesk.canned import DEFAULT_CANNED_REPLIES, load_canned_replies
from helpdesk.office_hours import OfficeHours, OfficeHoursError
from knowledge.index import INDEX_KINDS

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_EMBEDDING_MODEL = "use-multilingual"
SUPPORTED_DATABASES = ("sqlite", "postgresql")
# How mail leaves: the mode and the port it usually uses.
SMTP_TLS_PORTS = {"none": 25, "starttls": 587, "tls": 465}
SMTP_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
RETENTION = ("keep_bot_chats_days", "keep_resolved_chats_days", "keep_offline_messages_days", "keep_gap_events_days",
             "keep_staff_sessions_days", "keep_audit_days")


class SettingsError(ValueError):
    """A setting has a value Nahbar cannot work with; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = PROJECT_ROOT / "data"
    database_url: str = ""
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    # A second encoder for English questions (knowledge.base ENGLISH_SHARE); empty: none.
    english_model: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    models_dir: Path = PROJECT_ROOT / "models"
    rasa_model: Optional[Path] = None
    action_endpoint: Optional[str] = None
    answer_threshold: float = 0.55
    answer_confidence: float = 0.8
    # "Did you mean …?": 2–3 close articles that together hold this share of the vote are offered
    # as buttons instead of a hand-over (knowledge.base.choose_candidates); 1 never asks.
    clarify_confidence: float = 0.8
    index_kind: str = "flat"
    index_nprobe: int = 16
    max_message_chars: int = 2000
    public_url: str = ""
    session_days: int = 30
    office_hours: str = ""
    timezone: str = "Europe/Berlin"
    agent_grace_seconds: float = 60.0
    staff_session_hours: float = 12.0
    login_max_failures: int = 5
    metrics_token: Optional[str] = None
    canned_replies: Optional[Path] = None
    bridge_min_customers: int = 3
    bridge_group_threshold: float = 0.4
    bridge_answer_threshold: float = 0.8
    bridge_sensitive_threshold: float = 0.5  # probability of a sensitive matter that holds a chat back
    bridge_interval_minutes: float = 60.0
    private_topics: Optional[Path] = None
    turn_workers: int = 4  # conversations the bot answers side by side
    max_waiting_conversations: int = 500  # past this many waiting, new conversations are turned away
    turn_seconds: float = 30.0  # the longest the bot may take for one message
    action_seconds: float = 10.0  # the longest one custom action may take
    tracker_cache: int = 2000  # Rasa trackers kept in memory
    redis_url: Optional[str] = None  # set: several processes share presence, locks and events through Redis
    redis_prefix: str = "nahbar"  # every Redis key and channel starts with it (several deployments, one Redis)
    lease_seconds: float = 15.0  # presence and conversation leases: a dead process's run out after this
    knowledge_check_seconds: float = 30.0  # several processes: how often each compares its index with the database
    # Retention (days after the last message or entry); `nahbar purge` and the server remove what is older.
    keep_bot_chats_days: int = 30  # chats only the bot answered
    keep_resolved_chats_days: int = 180  # chats that reached people
    keep_offline_messages_days: int = 90  # offline messages nobody answered
    keep_gap_events_days: int = 90  # questions nobody found an answer to (the gap list)
    keep_staff_sessions_days: int = 30  # staff login sessions and failed-login records
    keep_audit_days: int = 730  # the editors' audit log and the log of data requests
    purge_interval_hours: float = 24.0  # how often the server purges; 0: only `nahbar purge`
    # E-mail answers to offline messages; no host: agents answer from their own mail program.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_tls: str = "starttls"  # none, starttls or tls (see SMTP_TLS_PORTS)
    smtp_user: Optional[str] = None
    smtp_password: Optional[str] = field(default=None, repr=False)  # never in a log or a traceback
    smtp_sender: str = ""  # the From of every mail, e.g. "Velora Support <support@velora.example>"

    @property
    def index_path(self) -> Path:
        return self.data_dir / "knowledge.faiss"

    @property
    def private_topics_path(self) -> Path:
        return self.private_topics or DEFAULT_PRIVATE_TOPICS

    @property
    def canned_replies_path(self) -> Path:
        return self.canned_replies or DEFAULT_CANNED_REPLIES

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        """Read the environment, validate everything, and report all problems at once."""
        env = os.environ if env is None else env
        problems: list[str] = []

        def get(name: str, default: str) -> str:
            value = env.get(name, "").strip()
            return value or default

        def number(name: str, default: float, kind: type, low: float, high: float) -> float:
            raw = get(name, str(default))
            try:
                value = kind(raw)
            except ValueError:
                problems.append(f"{name}={raw!r} is not a {kind.__name__}")
                return default
            if not low <= value <= high:
                problems.append(f"{name}={raw!r} must lie between {low} and {high}")
                return default
            return value

        data_dir = Path(get("NAHBAR_DATA_DIR", str(cls.data_dir))).expanduser()
        database_url = get("DATABASE_URL", f"sqlite:///{data_dir / 'nahbar.db'}")
        try:
            url = make_url(database_url)
            backend = url.get_backend_name()
            if backend not in SUPPORTED_DATABASES:
                problems.append(
                    f"DATABASE_URL uses {backend!r}; supported are "
                    f"{', '.join(SUPPORTED_DATABASES)} (e.g. postgresql://user@127.0.0.1:5432/nahbar)"
                )
        except ArgumentError:
            problems.append(
                f"DATABASE_URL={database_url!r} is not a database URL "
                "(e.g. sqlite:///data/nahbar.db or postgresql://user@127.0.0.1:5432/nahbar)"
            )

        action_endpoint = env.get("NAHBAR_ACTION_ENDPOINT", "").strip() or None
        if action_endpoint and not action_endpoint.startswith(("http://", "https://")):
            problems.append(
                f"NAHBAR_ACTION_ENDPOINT={action_endpoint!r} must be an http(s) URL of a "
                "rasa_sdk action server (e.g. http://127.0.0.1:5055/webhook), or unset to run "
                "actions in-process"
            )

        public_url = get("NAHBAR_PUBLIC_URL", "").rstrip("/")
        if public_url and not public_url.startswith(("http://", "https://")):
            problems.append(f"NAHBAR_PUBLIC_URL={public_url!r} must start with http:// or https://")

        index_kind = get("NAHBAR_INDEX_KIND", cls.index_kind).lower()
        if index_kind not in INDEX_KINDS:
            problems.append(f"NAHBAR_INDEX_KIND={index_kind!r} must be one of: {', '.join(INDEX_KINDS)}")

        office_hours = get("NAHBAR_OFFICE_HOURS", "")
        timezone = get("NAHBAR_TIMEZONE", cls.timezone)
        try:
            OfficeHours.parse(office_hours, timezone)
        except OfficeHoursError as exc:
            problems.append(f"NAHBAR_OFFICE_HOURS / NAHBAR_TIMEZONE: {exc}")
        def data_file(name: str, check: Callable[[Path], object]) -> Optional[Path]:
            """An operator's replacement for a packaged data file, read once now to check it."""
            raw = env.get(name, "").strip()
            if not raw:
                return None
            path = Path(raw).expanduser()
            try:
                check(path)
            except ValueError as exc:
                problems.append(f"{name}: {exc}")
            return path

        redis_url = env.get("NAHBAR_REDIS_URL", "").strip() or None
        if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
            problems.append(f"NAHBAR_REDIS_URL={redis_url!r} must be a Redis URL (e.g. redis://127.0.0.1:6379/0), "
                            "or unset for one process without Redis")
        redis_prefix = get("NAHBAR_REDIS_PREFIX", cls.redis_prefix)
        if not redis_prefix.replace("-", "").replace("_", "").isalnum():
            problems.append(f"NAHBAR_REDIS_PREFIX={redis_prefix!r} may hold only letters, digits, - and _")

        smtp_host = get("NAHBAR_SMTP_HOST", "")
        smtp_tls = get("NAHBAR_SMTP_TLS", cls.smtp_tls).lower()
        if smtp_tls not in SMTP_TLS_PORTS:
            problems.append(f"NAHBAR_SMTP_TLS={smtp_tls!r} must be one of: {', '.join(SMTP_TLS_PORTS)}")
            smtp_tls = cls.smtp_tls
        smtp_port = int(number("NAHBAR_SMTP_PORT", SMTP_TLS_PORTS[smtp_tls], int, 1, 65535))
        smtp_user = env.get("NAHBAR_SMTP_USER", "").strip() or None
        smtp_password = env.get("NAHBAR_SMTP_PASSWORD", "") or None  # a password may begin with a space
        smtp_sender = get("NAHBAR_SMTP_SENDER", "")
        if smtp_host:
            if "://" in smtp_host or any(c.isspace() for c in smtp_host):
                problems.append(f"NAHBAR_SMTP_HOST={smtp_host!r} must be a host name or address "
                                "(e.g. smtp.example.com), not a URL")
            if not smtp_sender:
                problems.append("NAHBAR_SMTP_SENDER is required when NAHBAR_SMTP_HOST is set: the address answers "
                                "come from (e.g. Velora Support <support@velora.example>)")
            if (smtp_user is None) != (smtp_password is None):
                problems.append("NAHBAR_SMTP_USER and NAHBAR_SMTP_PASSWORD go together: set both, or neither "
                                "for a server that needs no login")
            if smtp_user and smtp_tls == "none" and smtp_host not in SMTP_LOCAL_HOSTS:
                problems.append(f"NAHBAR_SMTP_TLS=none would send NAHBAR_SMTP_PASSWORD unencrypted to {smtp_host}; "
                                "use starttls or tls")
        if smtp_sender and not _mail_address(smtp_sender):
            problems.append(f"NAHBAR_SMTP_SENDER={smtp_sender!r} is not an e-mail address "
                            "(e.g. support@velora.example or Velora Support <support@velora.example>)")

        canned_path = data_file("NAHBAR_CANNED_REPLIES", load_canned_replies)
        topics_path = data_file("NAHBAR_PRIVATE_TOPICS", PrivateTopics.load)

        settings = cls(
            data_dir=data_dir,
            database_url=database_url,
            embedding_model=get("NAHBAR_EMBEDDING_MODEL", DEFAULT_EMBEDDING_MODEL),
            english_model=get("NAHBAR_ENGLISH_MODEL", ""),
            host=get("NAHBAR_HOST", cls.host),
            port=int(number("NAHBAR_PORT", cls.port, int, 1, 65535)),
            models_dir=Path(get("NAHBAR_MODELS_DIR", str(cls.models_dir))).expanduser(),
            rasa_model=Path(env["NAHBAR_RASA_MODEL"]).expanduser() if env.get("NAHBAR_RASA_MODEL", "").strip() else None,
            action_endpoint=action_endpoint,
            answer_threshold=number("NAHBAR_ANSWER_THRESHOLD", cls.answer_threshold, float, 0.0, 1.0),
            answer_confidence=number("NAHBAR_ANSWER_CONFIDENCE", cls.answer_confidence, float, 0.0, 1.0),
            clarify_confidence=number("NAHBAR_CLARIFY_CONFIDENCE", cls.clarify_confidence, float, 0.0, 1.0),
            index_kind=index_kind,
            index_nprobe=int(number("NAHBAR_INDEX_NPROBE", cls.index_nprobe, int, 1, 65536)),
            max_message_chars=int(number("NAHBAR_MAX_MESSAGE_CHARS", cls.max_message_chars, int, 1, 100_000)),
            public_url=public_url,
            session_days=int(number("NAHBAR_SESSION_DAYS", cls.session_days, int, 1, 3650)),
            office_hours=office_hours,
            timezone=timezone,
            agent_grace_seconds=number("NAHBAR_AGENT_GRACE_SECONDS", cls.agent_grace_seconds, float, 0.0, 3600.0),
            staff_session_hours=number("NAHBAR_STAFF_SESSION_HOURS", cls.staff_session_hours, float, 0.1, 720.0),
            login_max_failures=int(number("NAHBAR_LOGIN_MAX_FAILURES", cls.login_max_failures, int, 1, 1000)),
            metrics_token=env.get("NAHBAR_METRICS_TOKEN", "").strip() or None,
            canned_replies=canned_path,
            bridge_min_customers=int(number("NAHBAR_BRIDGE_MIN_CUSTOMERS", cls.bridge_min_customers, int, 2, 1000)),
            bridge_group_threshold=number("NAHBAR_BRIDGE_GROUP_THRESHOLD", cls.bridge_group_threshold, float, 0.0, 0.99),
            bridge_answer_threshold=number("NAHBAR_BRIDGE_ANSWER_THRESHOLD", cls.bridge_answer_threshold, float, 0.0, 0.99),
            bridge_sensitive_threshold=number("NAHBAR_BRIDGE_SENSITIVE_THRESHOLD", cls.bridge_sensitive_threshold, float,
                                              0.05, 0.95),
            bridge_interval_minutes=number("NAHBAR_BRIDGE_INTERVAL_MINUTES", cls.bridge_interval_minutes, float, 0.0, 10080.0),
            private_topics=topics_path,
            turn_workers=int(number("NAHBAR_TURN_WORKERS", cls.turn_workers, int, 1, 64)),
            max_waiting_conversations=int(number("NAHBAR_MAX_WAITING_CONVERSATIONS", cls.max_waiting_conversations,
                                                 int, 1, 1_000_000)),
            turn_seconds=number("NAHBAR_TURN_SECONDS", cls.turn_seconds, float, 1.0, 600.0),
            action_seconds=number("NAHBAR_ACTION_SECONDS", cls.action_seconds, float, 0.5, 600.0),
            tracker_cache=int(number("NAHBAR_TRACKER_CACHE", cls.tracker_cache, int, 0, 1_000_000)),
            redis_url=redis_url,
            redis_prefix=redis_prefix,
            lease_seconds=number("NAHBAR_LEASE_SECONDS", cls.lease_seconds, float, 1.0, 600.0),
            knowledge_check_seconds=number("NAHBAR_KNOWLEDGE_CHECK_SECONDS", cls.knowledge_check_seconds, float,
                                           0.5, 86400.0),
            **{name: int(number(f"NAHBAR_{name.upper()}", getattr(cls, name), int, 1, 3650)) for name in RETENTION},
            purge_interval_hours=number("NAHBAR_PURGE_INTERVAL_HOURS", cls.purge_interval_hours, float, 0.0, 720.0),
            smtp_host=smtp_host,
            smtp_port=smtp_port,
            smtp_tls=smtp_tls,
            smtp_user=smtp_user,
            smtp_password=smtp_password,
            smtp_sender=smtp_sender,
        )
        if settings.rasa_model is not None and not settings.rasa_model.is_file():
            problems.append(f"NAHBAR_RASA_MODEL={str(settings.rasa_model)!r} is not a file (train one with `nahbar train`)")
        if problems:
            raise SettingsError("Nahbar cannot start; fix these settings:\n  - " + "\n  - ".join(problems))
        return settings

    def prepare(self) -> None:
        """Create the data directory, or explain why it cannot be used."""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SettingsError(f"NAHBAR_DATA_DIR={str(self.data_dir)!r} cannot be created: {exc.strerror}") from exc
        if not os.access(self.data_dir, os.W_OK):
            raise SettingsError(f"NAHBAR_DATA_DIR={str(self.data_dir)!r} is not writable")


def _mail_address(value: str) -> bool:
    """A bare address or "Name <address>", with one @ and a dot in its domain."""
    _name, address = parseaddr(value)
    local, _, domain = address.rpartition("@")
    return bool(local) and "." in domain and not any(c.isspace() or c in "<>" for c in address)
