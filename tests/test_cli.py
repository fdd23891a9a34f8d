"""The `nahbar` command as an operator runs it."""

import io
import json

import pytest

from nahbar.cli import DEMO_FILE, main


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("NAHBAR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path


def test_import_search_export_and_reimport(env, capsys):
    assert main(["kb", "import", str(DEMO_FILE)]) == 0
    assert "40 created" in capsys.readouterr().out
    assert main(["kb", "search", "Wie lange dauert die Lieferung?", "--lang", "de", "--limit", "1"]) == 0
    assert "lieferzeit" in capsys.readouterr().out
    exported = env / "export.yml"
    assert main(["kb", "export", "-o", str(exported)]) == 0
    capsys.readouterr()
    assert main(["kb", "import", str(exported)]) == 0
    assert "0 created, 0 updated, 40 unchanged" in capsys.readouterr().out


def test_reindex_rebuilds_the_index(env, capsys):
    main(["kb", "import", str(DEMO_FILE)])
    (env / "data" / "knowledge.faiss").unlink()
    assert main(["kb", "reindex"]) == 0
    assert "40 phrasings" in capsys.readouterr().out


def test_json_import_files_are_accepted(env, capsys):
    source = env / "articles.json"
    source.write_text(json.dumps([{"language": "en", "question": "Do you rent bikes?", "answer": "Not yet."}]))
    assert main(["kb", "import", str(source)]) == 0
    assert "1 created" in capsys.readouterr().out


@pytest.mark.parametrize(
    "content, suffix, message",
    [
        ("articles: [unclosed", ".yml", "is not valid YAML"),
        ("{not json", ".json", "is not valid JSON"),
        ("just a string", ".yml", "must hold a list of articles"),
        (b"\xff\xfe\x00binary", ".yml", "is not UTF-8 text"),
        ("- {language: en, answer: no question}", ".yml", "question is missing"),
    ],
)
def test_bad_import_files_get_a_clear_error_and_store_nothing(env, capsys, content, suffix, message):
    main(["kb", "import", str(DEMO_FILE)])
    capsys.readouterr()
    bad = env / f"bad{suffix}"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert main(["kb", "import", str(bad)]) == 2
    assert message in capsys.readouterr().err
    main(["kb", "search", "Rechnung", "--limit", "1"])
    assert "rechnung" in capsys.readouterr().out


def test_a_missing_file_is_reported(env, capsys):
    assert main(["kb", "import", str(env / "nope.yml")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_wrong_setting_stops_the_command_with_what_to_fix(env, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://x@y/z")
    assert main(["kb", "search", "hi"]) == 2
    assert "DATABASE_URL uses 'mysql'" in capsys.readouterr().err


def test_user_add_creates_a_staff_account_that_can_log_in(env, capsys, monkeypatch):
    from nahbar.services import connect
    from nahbar.settings import Settings
    from staff.accounts import StaffStore

    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["user", "add", "alex", "--role", "agent", "--display-name", "Alex", "--password-stdin"]) == 0
    assert "user alex created: role agent, shown to customers as 'Alex'" in capsys.readouterr().out
    store = StaffStore(connect(Settings.from_env()))
    assert store.authenticate("alex", "a long enough password").display_name == "Alex"
    assert main(["user", "list"]) == 0
    assert "alex" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv,stdin,message",
    [
        (["user", "add", "bo", "--role", "agent"], "short\n", "at least 10 characters"),
        (["user", "add", "Not Valid!", "--role", "agent"], "a long enough password\n", "A username needs"),
        (["user", "password", "nobody"], "a long enough password\n", "no user named 'nobody'"),
    ],
)
def test_bad_user_commands_explain_the_problem(env, capsys, monkeypatch, argv, stdin, message):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main([*argv, "--password-stdin"]) == 2
    assert message in capsys.readouterr().err


def test_a_second_user_with_the_same_name_is_refused(env, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["user", "add", "kim", "--role", "editor", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["user", "add", "kim", "--role", "agent", "--password-stdin"]) == 2
    assert "exists already" in capsys.readouterr().err


def test_bridge_run_while_another_run_is_under_way_says_so_and_changes_nothing(env, capsys):
    from nahbar.services import connect, open_bridge, open_bridge_runs, open_knowledge
    from nahbar.settings import Settings

    assert main(["bridge", "run"]) == 0
    assert "pairs read            0" in capsys.readouterr().out
    settings = Settings.from_env()
    engine = connect(settings)
    runs = open_bridge_runs(engine, open_bridge(settings, engine, open_knowledge(settings, engine)))
    runs.start("editor erin")
    assert main(["bridge", "run"]) == 1
    assert "Another bridge run is under way: started by editor erin" in capsys.readouterr().err
    assert runs.latest().started_by == "editor erin"


def offline_chat(email: str) -> int:
    """A customer's offline message with their address, as the widget leaves it."""
    from helpdesk.conversations import ConversationStore, new_token
    from helpdesk.handoff_store import HandoffStore
    from nahbar.services import connect
    from nahbar.settings import Settings

    engine = connect(Settings.from_env())
    chats = ConversationStore(engine)
    conversation = chats.find_or_create(new_token(), "de")
    chats.add_message(conversation.id, "customer", "Bitte ruft mich zurück")
    HandoffStore(engine).escalate(conversation.id, "request", 0, True)
    HandoffStore(engine).set_contact(conversation.id, email)
    return conversation.id


def test_customer_export_prints_the_chat_as_json_and_erase_asks_first(env, capsys, monkeypatch):
    reference = offline_chat("kim@example.org")
    assert main(["customer", "export", f"#{reference}", "--actor", "dpo"]) == 0
    export = json.loads(capsys.readouterr().out)
    assert export["messages"][0]["text"] == "Bitte ruft mich zurück"
    monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
    assert main(["customer", "erase", "kim@example.org"]) == 1
    out = capsys.readouterr().out
    assert f"#{reference}" in out and "nothing erased" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("erase\n"))
    assert main(["customer", "erase", "kim@example.org", "--actor", "dpo"]) == 0
    assert f"erased #{reference}: 1 messages" in capsys.readouterr().out
    assert main(["customer", "export", "kim@example.org"]) == 2
    assert "No conversation has the e-mail address kim@example.org." in capsys.readouterr().err


def test_purge_dry_run_counts_and_purge_removes(env, capsys):
    from datetime import timedelta

    from sqlalchemy import update

    from helpdesk.schema import conversations
    from knowledge.store import utcnow
    from nahbar.services import connect
    from nahbar.settings import Settings

    offline_chat("old@example.org")
    with connect(Settings.from_env()).begin() as conn:
        conn.execute(update(conversations).values(last_activity_at=utcnow() - timedelta(days=91)))
    assert main(["purge", "--dry-run"]) == 0
    assert "would remove      1  offline messages" in capsys.readouterr().out
    assert main(["purge"]) == 0
    assert "removed      1  offline messages" in capsys.readouterr().out
    assert main(["purge", "--dry-run"]) == 0
    assert "would remove      0  offline messages" in capsys.readouterr().out
