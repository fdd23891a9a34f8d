"""Train the Rasa model when, and only when, its training data changed.

The model's file name carries a fingerprint of everything that shapes it (pipeline,
domain, NLU data, rules, our NLU components), so a start with unchanged data reuses the
model on disk and a change trains a new one, without anyone remembering to run `rasa train`.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)

BOT_DIR = Path(__file__).resolve().parent
CONFIG_FILE = BOT_DIR.parent / "config.yml"  # the pipeline's config stands at the project's top level
DOMAIN_FILE = BOT_DIR / "domain.yml"
DATA_DIR = BOT_DIR / "data"


def training_inputs() -> list[Path]:
    return [CONFIG_FILE, DOMAIN_FILE, BOT_DIR / "nlu.py", BOT_DIR / "language.py", BOT_DIR / "feelings.py",
            BOT_DIR / "feelings_train.yml", *sorted(DATA_DIR.glob("*.yml"))]


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in training_inputs():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path(models_dir: Path) -> Path:
    return models_dir / f"nahbar-{fingerprint()}.tar.gz"


def ensure_model(models_dir: Path) -> Path:
    """The trained model for the current training data, training it first if there is none."""
    target = model_path(models_dir)
    if target.is_file():
        return target
    logger.info("training data changed: training the Rasa model (about a minute)")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from rasa.model_training import train

    models_dir.mkdir(parents=True, exist_ok=True)
    result = train(
        domain=str(DOMAIN_FILE),
        config=str(CONFIG_FILE),
        training_files=[str(DATA_DIR)],
        output=str(models_dir),
        fixed_model_name=target.name[: -len(".tar.gz")],
        force_training=True,
    )
    if result.code != 0 or not target.is_file():
        raise RuntimeError(f"Rasa training failed (code {result.code}); see the log above")
    return target
