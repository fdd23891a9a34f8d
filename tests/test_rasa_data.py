"""The bot's training data is consistent (what `rasa data validate` checks)."""

import subprocess
import sys

import pytest

from bot.training import CONFIG_FILE, DATA_DIR, DOMAIN_FILE

pytestmark = pytest.mark.slow


def test_rasa_data_validate_finds_no_problem():
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--fail-on-warnings",
         "--domain", str(DOMAIN_FILE), "--data", str(DATA_DIR), "--config", str(CONFIG_FILE)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
