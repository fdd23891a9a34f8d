"""Step 3: what never goes public, whatever else is true of it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

DEFAULT_PRIVATE_TOPICS = Path(__file__).parent / "private_topics.yml"


@dataclass(frozen=True)
class PrivateTopics:
    topics: dict[str, tuple[str, ...]]

    @classmethod
    def load(cls, path: Path) -> "PrivateTopics":
        try:
            data = yaml.safe_load(path.read_text("utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ValueError(f"cannot read private topics from {path}: {exc}") from exc
        if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
            raise ValueError(f"{path} must map each topic to a list of words")
        return cls({str(k): tuple(str(w).lower() for w in v if str(w).strip()) for k, v in data.items()})

    def topic_of(self, *texts: str) -> Optional[str]:
        joined = " ".join(texts).lower()
        for topic, words in self.topics.items():
            if any(word in joined for word in words):
                return topic
        return None


def private_reason(topics: PrivateTopics, resolution_kind: Optional[str], question: str, answer: str) -> Optional[str]:
    """Why the pair must stay private, or None. Checked on the raw text, before anything is kept."""
    if resolution_kind == "personal":
        return "marked personal / account matter"
    topic = topics.topic_of(question, answer)
    return f"private topic: {topic}" if topic else None
