"""Sending the outbox: each due mail taken, composed in the customer's language, handed to
the SMTP server (aiosmtplib), and marked sent, to be retried, or failed with the reason.

It runs beside the server (`start`/`stop`), woken when a reply is queued and looking
anyway every few seconds, for retries and for mails other processes queued. Nothing here
needs the web layer; `send_due` is one pass, for tests and for the loop alike.

An attempt the server refused for the moment (4xx), or that found it away, is tried again
after the next wait of `retry_after`; a refusal for good (5xx for the address or the
message) fails at once, since trying again would only be refused again. A sender that
stops waits for the mail it is sending, so a restart leaves none half-sent; one whose
process died mid-send leaves its mail "sending", and the next pass marks it failed with a
reason that says it may have gone out: sent at most once, never silently lost.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Awaitable, Callable, Optional

import aiosmtplib

from helpdesk.notifications import say
from helpdesk.outbox import Claimed, OutgoingMail, Outbox
from i18n import N_
from knowledge.store import utcnow

logger = logging.getLogger(__name__)

MailChanged = Callable[[OutgoingMail], Awaitable[None]]


@dataclass(frozen=True)
class MailSettings:
    """Where mail goes (from the SMTP settings); no host: mail is not sent at all."""

    host: str = ""
    port: int = 587
    tls: str = "starttls"  # none, starttls, tls
    user: Optional[str] = None
    password: Optional[str] = field(default=None, repr=False)
    sender: str = ""
    timeout: float = 30.0  # seconds for each step of a conversation with the SMTP server
    # Seconds to wait after the first, second, … failed attempt; one attempt more than waits.
    retry_after: tuple[float, ...] = (60.0, 300.0, 1800.0, 7200.0)
    poll_seconds: float = 10.0  # how often the sender looks for due mail without being woken
    interrupted_after: float = 600.0  # a mail "sending" this long: its sender died mid-send

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    @property
    def max_attempts(self) -> int:
        return len(self.retry_after) + 1


def compose(settings: MailSettings, claimed: Claimed) -> EmailMessage:
    """The mail for one reply: the agent's words, the reference, and how to go on, in the
    customer's language. Its Message-ID is the same for every attempt, so a mail retried by
    hand after an interrupted send is recognised as one by the mail programs that look."""
    mail = claimed.mail
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = mail.to
    message["Subject"] = say("mail_subject", mail.language, reference=mail.conversation_id)
    message["Date"] = format_datetime(utcnow())
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or "nahbar.invalid"
    message["Message-ID"] = f"<nahbar.{mail.conversation_id}.{mail.id}@{domain}>"
    message.set_content(say("mail_body", mail.language, reference=mail.conversation_id,
                            name=claimed.agent_name or "Support", text=claimed.text))
    message["Content-Language"] = mail.language  # after set_content, which clears Content-* headers
    return message


def refused_for_good(error: Exception) -> bool:
    """The server refused this address or this message permanently (5xx): no retry helps."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(r.code >= 500 for r in error.recipients)
    return isinstance(error, (aiosmtplib.SMTPRecipientRefused, aiosmtplib.SMTPDataError)) and error.code >= 500


# Reasons of our own are catalog texts, stored in English and translated in the console
# (helpdesk.agent_web passes them to the page); a server's own answer is shown as it came.
REFUSED = N_("the mail server refused the recipient")
NO_ANSWER = N_("the mail server did not answer in time")


def describe(error: Exception) -> str:
    """The reason agents read: the server's own answer where there is one."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return "; ".join(describe(r) for r in error.recipients) or REFUSED
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return f"the mail server answered {error.code} {error.message}".strip()
    if isinstance(error, (TimeoutError, asyncio.TimeoutError)):  # before OSError, which TimeoutError is
        return NO_ANSWER
    if isinstance(error, OSError):  # refused, unreachable, disconnected, a TLS failure
        return f"no connection to the mail server: {error}"
    return f"{type(error).__name__}: {error}"


async def _nothing(_mail: OutgoingMail) -> None:
    return None


class MailSender:
    def __init__(self, outbox: Outbox, settings: MailSettings, on_change: MailChanged = _nothing) -> None:
        """`on_change(mail)` hears of every change a pass makes (the console shows them)."""
        self.outbox = outbox
        self.settings = settings
        self.on_change = on_change
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: Optional[asyncio.Task[None]] = None

    def wake(self) -> None:
        """A mail was queued (or queued again): look now rather than at the next poll."""
        self._wake.set()

    async def send_due(self) -> list[OutgoingMail]:
        """One pass: every due mail this sender can take is sent (or its failure recorded);
        the mails as they are now, in the order they were tried."""
        now = utcnow()
        for mail in await asyncio.to_thread(
                self.outbox.interrupted, now - timedelta(seconds=self.settings.interrupted_after)):
            logger.error("mail %s of conversation %s was left half-sent by a stopped process; marked failed",
                         mail.id, mail.conversation_id)
            await self._tell(mail)
        done = []
        for mail_id in await asyncio.to_thread(self.outbox.due, now):
            if self._stopping:
                break
            claimed = await asyncio.to_thread(self.outbox.claim, mail_id, now)
            if claimed is None:
                continue  # another sender took it
            await self._tell(claimed.mail)
            result = await self._send(claimed)
            if result is not None:  # None: the chat was erased while its mail was out
                done.append(result)
                await self._tell(result)
        return done

    async def _send(self, claimed: Claimed) -> Optional[OutgoingMail]:
        mail, settings = claimed.mail, self.settings
        try:
            await aiosmtplib.send(
                compose(settings, claimed), hostname=settings.host, port=settings.port,
                username=settings.user, password=settings.password, timeout=settings.timeout,
                use_tls=settings.tls == "tls", start_tls=settings.tls == "starttls",
            )
        except Exception as error:  # every way a send can fail is recorded, none ends the sender
            final = refused_for_good(error) or mail.attempts >= settings.max_attempts
            retry_at = None if final else utcnow() + timedelta(seconds=settings.retry_after[mail.attempts - 1])
            # The log names the mail, never the address or the server's words (they may quote it).
            logger.warning("mail %s of conversation %s not sent (attempt %d, %s): %s", mail.id,
                           mail.conversation_id, mail.attempts, "failed" if final else "will retry",
                           type(error).__name__)
            return await asyncio.to_thread(self.outbox.not_sent, mail.id, describe(error), retry_at)
        return await asyncio.to_thread(self.outbox.sent, mail.id)

    async def _tell(self, mail: OutgoingMail) -> None:
        try:
            await self.on_change(mail)
        except Exception:  # the mail's state is stored; a console that missed it reads it on opening the chat
            logger.warning("could not tell the consoles about mail %s", mail.id, exc_info=True)

    # -- running beside the server --------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="mail-sender")

    async def stop(self) -> None:
        """Let the mail being sent finish (bounded by the SMTP timeout), then end."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), self.settings.timeout * 4)
        except asyncio.TimeoutError:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._task = None

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self.send_due()
            except Exception:  # the database away, say: the mails wait in it for the next pass
                logger.exception("sending mail failed; trying again in %.0f s", self.settings.poll_seconds)
            if self._stopping:
                return
            try:
                await asyncio.wait_for(self._wake.wait(), self.settings.poll_seconds)
            except asyncio.TimeoutError:
                pass
