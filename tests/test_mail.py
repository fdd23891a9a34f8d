"""Agents' answers to offline messages by e-mail: the outbox on real databases, the sender
against a real SMTP server on 127.0.0.1 (aiosmtpd), and the whole way through the server."""

from __future__ import annotations

import asyncio
import ipaddress
import queue
import ssl
from collections import deque
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Optional

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from benchmarks.server_process import free_port
from helpdesk.conversations import ConversationStore, new_token
from helpdesk.handoff_store import HandoffStore
from helpdesk.mailer import MailSender, MailSettings
from helpdesk.outbox import INTERRUPTED, OutgoingMail, Outbox
from helpdesk.schema import outgoing_mail
from knowledge.store import utcnow
from nahbar.database import make_engine
from nahbar.settings import Settings, SettingsError
from tests.agent_client import AgentClient
from tests.test_handoff import escalate, nobody_online
from tests.widget_client import WidgetClient

ADDRESS = "kim.lindqvist@example.org"
SENDER = "Velora Support <support@velora.example>"
REPLY = "Your bike is ready: pick it up at Hafenstraße 3 any day after 10."


# -- a real SMTP server on 127.0.0.1 ---------------------------------------------------------

@dataclass
class Received:
    sender: str
    to: list[str]
    message: EmailMessage
    login: Optional[bytes]


class Inbox:
    """The test SMTP server's handler: keeps every mail it accepted; answers the next
    recipients with the refusals queued in `refusals` first."""

    def __init__(self) -> None:
        self.mails: queue.Queue[Received] = queue.Queue()
        self.refusals: deque[str] = deque()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.refusals:
            return self.refusals.popleft()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.mails.put(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                message_from_bytes(envelope.content, policy=policy.default),
                                session.auth_data.login if session.auth_data else None))
        return "250 Message accepted for delivery"

    def taken(self) -> list[Received]:
        """Every mail accepted so far (the server accepts before the sender hears 250)."""
        found = []
        while not self.mails.empty():
            found.append(self.mails.get_nowait())
        return found

    async def next(self, timeout: float = 20) -> Received:
        return await asyncio.to_thread(self.mails.get, True, timeout)


@dataclass
class SMTPServer:
    port: int
    inbox: Inbox
    controller: Optional[Controller] = None

    def start(self, **options: Any) -> "SMTPServer":
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = SMTPServer(free_port(), Inbox()).start()
    yield server
    server.stop()


@pytest.fixture
def smtp_down():
    """A port with no mail server behind it yet; the test may start one there."""
    server = SMTPServer(free_port(), Inbox())
    yield server
    server.stop()


def settings_for(server: SMTPServer, **changes: Any) -> MailSettings:
    return replace(MailSettings(host="127.0.0.1", port=server.port, tls="none", sender=SENDER, timeout=10.0),
                   **changes)


# -- the outbox on a real database --------------------------------------------------------------

@pytest.fixture
def outbox(engine) -> Outbox:  # the fixture's database is migrated to the newest schema
    return Outbox(engine)


def answered_offline_message(engine, language: str = "en", text: str = REPLY) -> OutgoingMail:
    """A customer left a message and an address; an agent claimed it and replied: the reply
    and its mail stored in one transaction, as the agent's desk does."""
    chats, handoffs = ConversationStore(engine), HandoffStore(engine)
    conversation = chats.find_or_create(new_token(), language)
    chats.add_message(conversation.id, "customer", "Is my bike ready?")
    handoffs.escalate(conversation.id, "request", 0, True)
    handoffs.set_contact(conversation.id, ADDRESS)
    handoffs.claim(conversation.id, 1, "Alex")
    reply = chats.add_message(conversation.id, "agent", text, {"agent_name": "Alex"},
                              also=lambda conn, m: Outbox.queue(conn, conversation.id, m.id, ADDRESS, language))
    return Outbox(engine).by_message(reply.id)


def near(moment: datetime, expected: datetime, seconds: float = 5) -> bool:
    return abs((moment - expected).total_seconds()) <= seconds


async def test_a_queued_reply_goes_to_the_address_the_customer_left_with_the_reference(outbox, smtp):
    queued = answered_offline_message(outbox.engine)
    assert queued.shown == "queued"

    (done,) = await MailSender(outbox, settings_for(smtp)).send_due()

    (mail,) = smtp.inbox.taken()
    assert (mail.to, mail.message["To"], mail.message["From"]) == ([ADDRESS], ADDRESS, SENDER)
    reference = f"#{queued.conversation_id}"
    assert reference in mail.message["Subject"]
    body = mail.message.get_content()
    assert REPLY in body and reference in body and "Alex" in body
    assert "Replies to this e-mail are not read" in body
    assert (done.status, done.attempts, done.last_error) == ("sent", 1, None)
    assert near(done.sent_at, utcnow())


async def test_a_german_chat_gets_its_answer_in_german(outbox, smtp):
    queued = answered_offline_message(outbox.engine, "de", "Dein Rad ist fertig.")

    await MailSender(outbox, settings_for(smtp)).send_due()

    (mail,) = smtp.inbox.taken()
    assert mail.message["Subject"] == f"Unsere Antwort auf deine Nachricht (Vorgangsnummer #{queued.conversation_id})"
    body = mail.message.get_content()
    assert "Dein Rad ist fertig." in body and "Antworten auf diese E-Mail werden nicht gelesen" in body
    assert mail.message["Content-Language"] == "de"


async def test_every_reply_is_its_own_mail_and_each_goes_out_once(outbox, smtp):
    first = answered_offline_message(outbox.engine)
    chats = ConversationStore(outbox.engine)
    chats.add_message(first.conversation_id, "agent", "One more thing: bring the receipt.", {"agent_name": "Alex"},
                      also=lambda conn, m: Outbox.queue(conn, first.conversation_id, m.id, ADDRESS, "en"))
    sender = MailSender(outbox, settings_for(smtp))

    assert len(await sender.send_due()) == 2
    assert await sender.send_due() == []  # nothing left: a sent mail is never sent again

    bodies = [mail.message.get_content() for mail in smtp.inbox.taken()]
    assert len(bodies) == 2 and REPLY in bodies[0] and "bring the receipt" in bodies[1]


def test_a_reply_and_its_mail_are_stored_together_or_not_at_all(outbox):
    queued = answered_offline_message(outbox.engine)
    chats = ConversationStore(outbox.engine)

    def broken(conn, message):
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        chats.add_message(queued.conversation_id, "agent", "Lost?", {"agent_name": "Alex"}, also=broken)
    assert [m.text for m in chats.history(queued.conversation_id)][-1] == REPLY  # the reply is not stored either
    with pytest.raises(IntegrityError):  # and one reply is never queued twice
        with outbox.engine.begin() as conn:
            Outbox.queue(conn, queued.conversation_id, queued.message_id, ADDRESS, "en")
    assert [m.id for m in outbox.of_conversation(queued.conversation_id)] == [queued.id]


async def test_a_failed_attempt_waits_for_the_next_step_of_the_backoff(outbox, smtp_down):
    queued = answered_offline_message(outbox.engine)
    sender = MailSender(outbox, settings_for(smtp_down))  # the default waits: 1, 5, 30 minutes, 2 hours

    (after,) = await sender.send_due()

    assert (after.shown, after.attempts) == ("retrying", 1)
    assert "no connection to the mail server" in after.last_error
    assert near(after.next_attempt_at, utcnow() + timedelta(minutes=1))
    smtp_down.start()
    assert await sender.send_due() == []  # not due yet: the server is not asked again at once
    assert smtp_down.inbox.taken() == [] and outbox.get(queued.id).shown == "retrying"


async def test_a_mail_goes_out_when_the_mail_server_is_back(outbox, smtp_down):
    queued = answered_offline_message(outbox.engine)
    sender = MailSender(outbox, settings_for(smtp_down, retry_after=(0.0, 0.0)))
    assert (await sender.send_due())[0].shown == "retrying"

    smtp_down.start()
    (done,) = await sender.send_due()

    assert (done.status, done.attempts) == ("sent", 2)
    assert [mail.to for mail in smtp_down.inbox.taken()] == [[ADDRESS]]
    assert outbox.get(queued.id).status == "sent"


async def test_a_mail_refused_for_the_moment_is_tried_again(outbox, smtp):
    answered_offline_message(outbox.engine)
    smtp.inbox.refusals.append("451 4.3.0 Mailbox busy, try again later")
    sender = MailSender(outbox, settings_for(smtp, retry_after=(0.0,)))

    (first,) = await sender.send_due()
    (second,) = await sender.send_due()

    assert (first.shown, "451" in first.last_error) == ("retrying", True)
    assert (second.status, second.attempts) == ("sent", 2)
    assert len(smtp.inbox.taken()) == 1


async def test_after_the_last_attempt_the_mail_is_failed_with_the_reason(outbox, smtp):
    queued = answered_offline_message(outbox.engine)
    smtp.inbox.refusals.extend(["451 4.3.0 Mailbox busy"] * 3)
    sender = MailSender(outbox, settings_for(smtp, retry_after=(0.0, 0.0)))  # three attempts in all

    shown = [(await sender.send_due())[0].shown for _ in range(3)]

    assert shown == ["retrying", "retrying", "failed"]
    failed = outbox.get(queued.id)
    assert failed.attempts == 3 and "451 4.3.0 Mailbox busy" in failed.last_error
    assert await sender.send_due() == [] and smtp.inbox.taken() == []


async def test_an_address_the_server_refuses_for_good_fails_at_once(outbox, smtp):
    queued = answered_offline_message(outbox.engine)
    smtp.inbox.refusals.append("550 5.1.1 No such user here")

    (after,) = await MailSender(outbox, settings_for(smtp)).send_due()

    assert (after.status, after.attempts) == ("failed", 1)
    assert "550 5.1.1 No such user here" in after.last_error
    assert outbox.get(queued.id).to_dict()["error"] == after.last_error  # what the console shows


async def test_a_mail_another_process_has_taken_is_left_to_it(outbox, smtp):
    queued = answered_offline_message(outbox.engine)
    other = make_engine(outbox.engine.url.render_as_string(hide_password=False))  # a second server process
    try:
        assert Outbox(other).claim(queued.id, utcnow()) is not None
        assert Outbox(other).claim(queued.id, utcnow()) is None  # taken once, whoever asks

        assert await MailSender(outbox, settings_for(smtp)).send_due() == []

        assert smtp.inbox.taken() == [] and outbox.get(queued.id).status == "sending"
    finally:
        other.dispose()


async def test_two_senders_at_once_send_a_mail_once(outbox, smtp):
    for _ in range(5):
        answered_offline_message(outbox.engine)
    senders = [MailSender(outbox, settings_for(smtp)) for _ in range(2)]

    results = await asyncio.gather(*(sender.send_due() for sender in senders))

    assert sorted(mail.id for done in results for mail in done) == [m.id for m in outbox_rows(outbox)]
    assert len(smtp.inbox.taken()) == 5


def outbox_rows(outbox: Outbox) -> list[OutgoingMail]:
    with outbox.engine.connect() as conn:
        ids = list(conn.execute(select(outgoing_mail.c.id).order_by(outgoing_mail.c.id)).scalars())
    return [outbox.get(mail_id) for mail_id in ids]


async def test_a_mail_left_half_sent_by_a_stopped_process_is_failed_not_sent_again(outbox, smtp):
    queued = answered_offline_message(outbox.engine)
    outbox.claim(queued.id, utcnow())  # a process took it, and died before it knew the outcome
    with outbox.engine.begin() as conn:
        conn.execute(update(outgoing_mail).values(claimed_at=utcnow() - timedelta(minutes=11)))
    heard: list[OutgoingMail] = []

    async def tell(mail: OutgoingMail) -> None:
        heard.append(mail)

    sender = MailSender(outbox, settings_for(smtp), tell)
    assert await sender.send_due() == []

    interrupted = outbox.get(queued.id)
    assert (interrupted.status, interrupted.last_error) == ("failed", INTERRUPTED)
    assert [m.status for m in heard] == ["failed"] and smtp.inbox.taken() == []

    again = outbox.retry(queued.id, utcnow())  # an agent checked and sends it again
    assert (again.shown, again.attempts) == ("queued", 0)
    assert outbox.retry(queued.id, utcnow()) is None  # only a failed mail can be sent again
    (done,) = await sender.send_due()
    assert done.status == "sent" and len(smtp.inbox.taken()) == 1


async def test_every_change_is_told_with_a_growing_revision(outbox, smtp):
    queued = answered_offline_message(outbox.engine)
    heard: list[OutgoingMail] = []

    async def tell(mail: OutgoingMail) -> None:
        heard.append(mail)

    await MailSender(outbox, settings_for(smtp), tell).send_due()

    assert [(m.shown, m.revision) for m in heard] == [("sending", 1), ("sent", 2)]
    assert queued.revision == 0


async def test_a_sender_that_stops_lets_its_mail_finish(outbox, smtp):
    queued = answered_offline_message(outbox.engine)
    sent = asyncio.Event()

    async def tell(mail: OutgoingMail) -> None:
        if mail.status == "sent":
            sent.set()

    sender = MailSender(outbox, settings_for(smtp), tell)
    sender.start()
    await asyncio.wait_for(sent.wait(), 20)
    await sender.stop()
    assert outbox.get(queued.id).status == "sent" and len(smtp.inbox.taken()) == 1


# -- encryption and login ------------------------------------------------------------------------

def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp.crt", directory / "smtp.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def smtp_with_login(tmp_path, monkeypatch):
    """A mail server that takes mail only after STARTTLS and a login, with a certificate the
    sender trusts through SSL_CERT_FILE (as an operator with a private CA would set it)."""
    cert, key = self_signed_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def check(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (auth_data.login, auth_data.password) == (b"velora", b"s3cret pass")
        # handled=False: aiosmtpd answers a refusal itself (535)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    server = SMTPServer(free_port(), Inbox()).start(tls_context=context, require_starttls=True,
                                                    authenticator=check, auth_required=True)
    yield server
    server.stop()


async def test_mail_goes_over_starttls_with_the_login(outbox, smtp_with_login):
    answered_offline_message(outbox.engine)
    settings = settings_for(smtp_with_login, tls="starttls", user="velora", password="s3cret pass")

    (done,) = await MailSender(outbox, settings).send_due()

    assert done.status == "sent"
    (mail,) = smtp_with_login.inbox.taken()
    assert mail.login == b"velora" and mail.to == [ADDRESS]


async def test_a_wrong_password_is_shown_as_the_reason_and_retried(outbox, smtp_with_login):
    answered_offline_message(outbox.engine)
    settings = settings_for(smtp_with_login, tls="starttls", user="velora", password="wrong")

    (after,) = await MailSender(outbox, settings).send_due()

    assert after.shown == "retrying" and "535" in after.last_error  # the operator may fix it meanwhile
    assert smtp_with_login.inbox.taken() == []


# -- settings -------------------------------------------------------------------------------------

def test_smtp_settings_are_read_from_the_environment_and_the_password_is_never_shown():
    settings = Settings.from_env({"NAHBAR_SMTP_HOST": "smtp.velora.example", "NAHBAR_SMTP_TLS": "TLS",
                                  "NAHBAR_SMTP_USER": "velora", "NAHBAR_SMTP_PASSWORD": "s3cret pass",
                                  "NAHBAR_SMTP_SENDER": SENDER})
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_tls) == ("smtp.velora.example", 465, "tls")
    assert (settings.smtp_user, settings.smtp_password, settings.smtp_sender) == ("velora", "s3cret pass", SENDER)
    assert "s3cret" not in repr(settings)
    assert Settings.from_env({"NAHBAR_SMTP_HOST": "mail", "NAHBAR_SMTP_SENDER": "a@b.example"}).smtp_port == 587
    assert Settings.from_env({}).smtp_host == ""  # no SMTP: answers go from the agents' own mail


def test_a_mail_server_without_a_sender_is_refused_with_the_reason():
    with pytest.raises(SettingsError, match="NAHBAR_SMTP_SENDER is required when NAHBAR_SMTP_HOST is set"):
        Settings.from_env({"NAHBAR_SMTP_HOST": "smtp.velora.example"})


def test_every_bad_smtp_setting_is_named():
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"NAHBAR_SMTP_HOST": "smtp://smtp.velora.example", "NAHBAR_SMTP_TLS": "ssl",
                           "NAHBAR_SMTP_PORT": "0", "NAHBAR_SMTP_USER": "velora", "NAHBAR_SMTP_SENDER": "support"})
    message = str(error.value)
    for expected in ("NAHBAR_SMTP_HOST='smtp://smtp.velora.example' must be a host name",
                     "NAHBAR_SMTP_TLS='ssl' must be one of: none, starttls, tls",
                     "NAHBAR_SMTP_PORT='0' must lie between 1 and 65535",
                     "NAHBAR_SMTP_USER and NAHBAR_SMTP_PASSWORD go together",
                     "NAHBAR_SMTP_SENDER='support' is not an e-mail address"):
        assert expected in message


def test_a_password_is_never_sent_unencrypted_to_another_machine():
    with pytest.raises(SettingsError, match="NAHBAR_SMTP_TLS=none would send NAHBAR_SMTP_PASSWORD unencrypted"):
        Settings.from_env({"NAHBAR_SMTP_HOST": "smtp.velora.example", "NAHBAR_SMTP_TLS": "none",
                           "NAHBAR_SMTP_USER": "velora", "NAHBAR_SMTP_PASSWORD": "x", "NAHBAR_SMTP_SENDER": SENDER})


# -- the whole way: widget, agent console, server, SMTP ------------------------------------------

async def on_server(server, coroutine) -> Any:
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, server.loop))


@pytest.fixture
async def mail_on(server, smtp):
    """The shared server sends mail to this test's SMTP server, for this test only."""
    mail = server.parts.helpdesk.mail
    regular = (mail.settings, mail.sender)
    mail.settings = settings_for(smtp)
    mail.sender = MailSender(mail.outbox, mail.settings, mail.changed)

    async def start() -> None:
        mail.start()

    await on_server(server, start())
    yield smtp
    await on_server(server, mail.stop())
    mail.settings, mail.sender = regular


async def offline_message(server, widget: WidgetClient) -> int:
    """With nobody online, the customer leaves a message and an address; the reference."""
    await nobody_online(server)
    status = await escalate(widget)
    assert status["state"] == "offline"
    await widget.sio.call("offline_message", {"email": ADDRESS, "message": "Is my bike ready?",
                                              "session_id": widget.token})
    return status["reference"]


@pytest.mark.slow
async def test_the_customer_gets_the_agents_answer_to_an_offline_message_by_email(server, widget, make_staff,
                                                                                  mail_on):
    reference = await offline_message(server, widget)
    await widget.close()  # the customer has gone; the answer comes the next morning
    user, password = make_staff("agent", "Alex")
    agent = await (await AgentClient(server.url).login(user.username, password)).connect()
    try:
        assert (await agent.call("claim", conversation_id=reference))["ok"]
        answer = await agent.call("reply", conversation_id=reference, text=REPLY)
        assert answer["ok"] and answer["message"]["mail"]["to"] == ADDRESS

        sent = await agent.next_matching("mail", lambda m: m["status"] == "sent")
        mail = await mail_on.inbox.next()

        assert mail.to == [ADDRESS] and f"#{reference}" in mail.message["Subject"]
        assert REPLY in mail.message.get_content() and f"#{reference}" in mail.message.get_content()
        assert (sent["conversation_id"], sent["message_id"]) == (reference, answer["message"]["id"])
        assert mail_on.inbox.taken() == []  # one reply, one mail
        transcript = (await agent.call("open", conversation_id=reference))["conversation"]
        assert transcript["mail"]["smtp"] and transcript["mail"]["to"] == ADDRESS
        assert [(m["message_id"], m["status"]) for m in transcript["mail"]["mails"]] == [
            (answer["message"]["id"], "sent")]
    finally:
        await agent.close()


@pytest.mark.slow
async def test_a_reply_in_a_live_chat_is_not_mailed(server, widget, agent, mail_on):
    status = await escalate(widget)
    assert status["state"] == "waiting"  # an agent is online: no offline message, no address
    assert (await agent.call("claim", conversation_id=status["reference"]))["ok"]
    answer = await agent.call("reply", conversation_id=status["reference"], text="Hi, I'm Alex.")
    assert answer["ok"] and "mail" not in answer["message"]
    transcript = (await agent.call("open", conversation_id=status["reference"]))["conversation"]
    assert transcript["mail"]["mails"] == [] and not transcript["mail"]["offline"]


@pytest.mark.slow
async def test_without_smtp_no_mail_is_queued_and_the_console_is_told_to_use_the_agents_own_mail(server, widget,
                                                                                                 make_staff):
    reference = await offline_message(server, widget)
    user, password = make_staff("agent", "Alex")
    agent = await (await AgentClient(server.url).login(user.username, password)).connect()
    try:
        assert (await agent.call("claim", conversation_id=reference))["ok"]
        answer = await agent.call("reply", conversation_id=reference, text=REPLY)
        assert answer["ok"] and "mail" not in answer["message"]
        transcript = (await agent.call("open", conversation_id=reference))["conversation"]
        assert transcript["mail"] == {"smtp": False, "offline": True, "to": ADDRESS, "mails": []}
        with server.parts.engine.connect() as conn:
            assert conn.execute(select(outgoing_mail.c.id)).first() is None
        retry = await agent.call("retry_mail", mail_id=1)
        assert not retry["ok"] and "own mail program" in retry["error"]
    finally:
        await agent.close()


@pytest.mark.slow
async def test_an_agent_can_send_a_failed_mail_again_and_every_console_sees_it(server, widget, make_staff, mail_on):
    reference = await offline_message(server, widget)
    mail_on.inbox.refusals.append("550 5.1.1 No such user here")
    user, password = make_staff("agent", "Alex")
    agent = await (await AgentClient(server.url).login(user.username, password)).connect()
    try:
        await agent.call("claim", conversation_id=reference)
        answer = await agent.call("reply", conversation_id=reference, text=REPLY)
        failed = await agent.next_matching("mail", lambda m: m["status"] == "failed")
        assert "550 5.1.1 No such user here" in failed["error"]

        again = await agent.call("retry_mail", mail_id=failed["id"])
        assert again["ok"] and again["mail"]["status"] == "queued"
        sent = await agent.next_matching("mail", lambda m: m["status"] == "sent")
        assert sent["message_id"] == answer["message"]["id"] and sent["revision"] > failed["revision"]
        assert (await mail_on.inbox.next()).to == [ADDRESS]
        refused = await agent.call("retry_mail", mail_id=failed["id"])
        assert not refused["ok"] and refused["error"] == "Only a mail that failed can be sent again."
    finally:
        await agent.close()

