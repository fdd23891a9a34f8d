"""Canned replies for the agent console, from a YAML file operators can replace."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_CANNED_REPLIES = Path(__file__).parent / "canned_replies.yml"


@dataclass(frozen=True)
class CannedReply:
    title: str
    texts: dict[str, str]


def load_canned_replies(path: Path) -> list[CannedReply]:
    """Read and check the canned replies; a broken file stops the start with its reason."""
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"cannot read canned replies from {path}: {exc}") from exc
    if not isinstance(entries, list):
        raise ValueError(f"{path} must hold a list of canned replies")
    replies = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not str(entry.get("title", "")).strip():
            raise ValueError(f"canned reply {number} in {path} needs a title")
        texts = {lang: str(entry[lang]).strip() for lang in ("en", "de") if str(entry.get(lang) or "").strip()}
        if not texts:
            raise ValueError(f"canned reply {entry['title']!r} in {path} needs an 'en' or 'de' text")
        replies.append(CannedReply(str(entry["title"]).strip(), texts))
    return replies
