"""Step 3: what never goes public, whatever else is true of it.

A chat in which a customer tells something about their health, family, money, beliefs or
legal trouble, or about their account, is kept out of the bridge whatever the agent
marked. Such matters are recognized by meaning, not by a word list: every sentence the
customer wrote is scored by a logistic regression on the embeddings of the sentence
encoder the knowledge base already has, trained on curated example sentences of each
category and on ordinary shop sentences, which teach the boundary; a lexicon of word stems,
looked for in the customer's and the agent's words, catches the unambiguous terms besides. Operators extend both in one YAML file
(`NAHBAR_PRIVATE_TOPICS`, default `bridge/private_topics.yml`).
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional, Protocol

import numpy as np
import yaml

from bridge.anonymize import PLACEHOLDER

DEFAULT_PRIVATE_TOPICS = Path(__file__).parent / "private_topics.yml"
ORDINARY = "ordinary"
# A sentence is held back when the detector gives "sensitive" at least this probability. Chosen by cross-validation on the examples (benchmarks/eval_privacy.py
# prints the figures for an independent set).
DEFAULT_THRESHOLD = 0.5
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+|\s+[–—-]\s+")


class SentenceEncoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Category:
    name: str
    stems: tuple[str, ...]
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """Why a chat stays private: the category, and how it was found. Never the text."""

    category: str
    how: str  # "meaning" or "word"

    def reason(self) -> str:
        return f"private topic: {self.category} ({self.how})"


@dataclass(frozen=True)
class PrivateTopics:
    categories: dict[str, Category]
    ordinary: tuple[str, ...] = ()
    threshold: float = DEFAULT_THRESHOLD
    _model: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls, path: Path, threshold: float = DEFAULT_THRESHOLD) -> "PrivateTopics":
        try:
            data = yaml.safe_load(path.read_text("utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ValueError(f"cannot read private topics from {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise ValueError(f"{path} must be a mapping")
        if "categories" not in data:  # the older format: topic → list of word stems
            if not all(isinstance(v, list) for v in data.values()):
                raise ValueError(f"{path} must map each topic to a list of words, or have 'categories'")
            data = {"categories": {k: {"stems": v} for k, v in data.items()}}
        categories = {}
        for name, entry in (data.get("categories") or {}).items():
            if not isinstance(entry, dict) or not isinstance(entry.get("stems", []), list) \
                    or not isinstance(entry.get("examples", []), list):
                raise ValueError(f"{path}: category {name!r} needs lists 'stems' and/or 'examples'")
            categories[str(name)] = Category(
                str(name), tuple(str(s).lower().strip() for s in entry.get("stems", []) if str(s).strip()),
                tuple(str(e).strip() for e in entry.get("examples", []) if str(e).strip()))
        ordinary = data.get("ordinary") or []
        if not isinstance(ordinary, list):
            raise ValueError(f"{path}: 'ordinary' must be a list of sentences")
        return cls(categories, tuple(str(s).strip() for s in ordinary if str(s).strip()), threshold)

    # -- words ----------------------------------------------------------------------------

    def _by_words(self, text: str) -> Optional[Finding]:
        joined = " " + re.sub(r"\s+", " ", text.lower()) + " "
        for category in self.categories.values():
            if category.stems and _stems_pattern(category.stems).search(joined):
                return Finding(category.name, "word")
        return None

    # -- meaning --------------------------------------------------------------------------

    def trained(self, encoder: SentenceEncoder) -> "PrivateTopics":
        """Fit the classifier on the examples with this encoder (once per process, file content and encoder)."""
        digest = hashlib.sha256(repr((sorted(self.categories.items()), self.ordinary)).encode()).hexdigest()
        key = (id(encoder), digest)
        with _TRAINING:
            if key not in _TRAINED:
                _TRAINED[key] = _fit(self, encoder)
            self._model.clear()
            self._model.update(_TRAINED[key], encoder=encoder)
        return self

    def scores(self, sentences: list[str]) -> list[tuple[str, float]]:
        """For each sentence: the most likely sensitive category and the probability of any."""
        model = self._model
        if not sentences or "detector" not in model:
            return []
        vectors = model["encoder"].encode(sentences)
        detector, namer = model["detector"], model["namer"]
        probability = detector.predict_proba(vectors)[:, list(detector.classes_).index(True)]
        return [(str(name), float(p)) for name, p in zip(namer.predict(vectors), probability)]

    def find(self, *texts: str, by_meaning: Iterable[str] = ()) -> Optional[Finding]:
        """The sensitive matter the texts touch, or None.

        Stems are looked for in every text; the classifier reads `by_meaning` (or the texts),
        sentence by sentence: what the customer wrote about themselves. Agents' replies
        ("you can pay in 12 monthly instalments") read like money matters to it without being any.
        """
        finding = self._by_words("\n".join(t for t in texts if t))
        if finding:
            return finding
        texts = tuple(by_meaning) or texts
        sentences = [s for s in sentences_of(texts) if len(PLACEHOLDER.sub(" ", s).split()) >= 3]
        for category, probability in self.scores(sentences):
            if probability >= self.threshold:
                return Finding(category, "meaning")
        return None


@lru_cache(maxsize=256)
def _stems_pattern(stems: tuple[str, ...]) -> re.Pattern:
    """One pattern for a category's stems, each matched at the start of a word."""
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(stem) for stem in stems) + ")")


_TRAINING = threading.Lock()
_TRAINED: dict[tuple[int, str], dict[str, Any]] = {}


def _fit(topics: PrivateTopics, encoder: SentenceEncoder) -> dict[str, Any]:
    texts, labels = [], []
    for category in topics.categories.values():
        texts += category.examples
        labels += [category.name] * len(category.examples)
    if not texts or not topics.ordinary:
        return {}  # stems only (the older file format): nothing to learn from
    texts += topics.ordinary
    labels += [ORDINARY] * len(topics.ordinary)
    from sklearn.linear_model import LogisticRegression

    # One binary decision (sensitive or not) is better calibrated than the sum of 18
    # categories against one "ordinary" class; the category is named by a second model.
    vectors = encoder.encode(list(texts))
    sensitive = [label != ORDINARY for label in labels]
    detector = LogisticRegression(C=10.0, max_iter=3000).fit(vectors, sensitive)
    rows = [i for i, label in enumerate(labels) if label != ORDINARY]
    namer = LogisticRegression(C=10.0, max_iter=3000).fit(vectors[rows], [labels[i] for i in rows])
    return {"detector": detector, "namer": namer}


def private_reason(topics: PrivateTopics, resolution_kind: Optional[str], customer: str, *others: str) -> Optional[str]:
    """Why the pair must stay private, or None. Checked on the raw text, before anything is kept.

    `customer` is everything the customer wrote in the chat, not only the question taken
    from it: a sensitive aside ("since my operation …") in another message counts too. The
    classifier reads it with personal data already replaced by placeholders: an address or
    an IBAN is personal, not sensitive, and the anonymizer deals with it.
    """
    if resolution_kind == "personal":
        return "marked personal / account matter"
    finding = topics.find(customer, *others, by_meaning=(customer,))
    return finding.reason() if finding else None


def sentences_of(texts: Iterable[str]) -> list[str]:
    """Sentences and dash-separated clauses: a sensitive aside is judged on its own, not diluted."""
    return [s.strip() for t in texts for s in _SENTENCES.split(t or "") if s.strip()]
