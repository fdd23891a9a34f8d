"""How a customer feels, read from the meaning of a message: calm, or one of the upset feelings.

Rasa's `complain` intent only caught complaints worded like its few examples (issue 17: 7 of
12 upset, worried or hurt customers got a knowledge answer or were thanked for feedback).
This is a multinomial logistic regression on the sentence embeddings of the same
multilingual encoder the NLU already runs for every message, trained on
`bot/feelings_train.yml`; so it costs one small matrix product per message, and German and
English share one model.

A safety incident (someone hurt, a brake or battery that failed, smoke) must never be
missed, so besides the classifier's own `safety` class a message is also a safety
incident when its vector is very close to one of the safety examples, or when the
classifier finds it upset and gives `safety` a fair share of the probability.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, Sequence

import numpy as np
import yaml

CALM = "calm"
SAFETY = "safety"
FEELINGS = (CALM, "worried", "frustrated", "angry", "disappointed", "distressed", SAFETY)
LANGUAGES = ("de", "en")
TRAINING_FILE = Path(__file__).resolve().parent / "feelings_train.yml"

# Chosen by cross-validation on the training examples only (benchmarks/eval_feelings.py --cv).
SAFETY_SIMILARITY = 0.8  # cosine to the nearest safety example: a near-paraphrase of an incident
SAFETY_SHARE = 0.25  # P(safety) of a message found upset that makes it an incident
MIN_WORDS = 2  # a feeling is read from a sentence: "/restart", "ok" or "asdf" carry none
_WORD = re.compile(r"[^\W\d_]{2,}")


def carries_feeling(text: Any) -> bool:
    """Whether a message is worded enough to read a feeling from: typed commands and single
    words are not (the classifier read "/restart" as frustrated)."""
    return isinstance(text, str) and not text.lstrip().startswith("/") and len(_WORD.findall(text)) >= MIN_WORDS


class FeelingError(ValueError):
    """Training examples or a vector the classifier cannot use; the message says what is wrong."""


class TextEncoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Feeling:
    label: str
    confidence: float

    @property
    def upset(self) -> bool:
        return self.label != CALM

    @property
    def safety(self) -> bool:
        return self.label == SAFETY


@dataclass(frozen=True)
class Example:
    text: str
    feeling: str
    language: str


def load_examples(path: Path = TRAINING_FILE) -> list[Example]:
    """The examples of a feelings file: `{feeling: {language: [text, ...]}}`."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FeelingError(f"{path}: cannot read the feeling examples: {exc}") from exc
    if not isinstance(data, dict):
        raise FeelingError(f"{path}: expected a mapping of feelings to languages to example lists")
    examples: list[Example] = []
    for feeling, by_language in data.items():
        if feeling not in FEELINGS:
            raise FeelingError(f"{path}: unknown feeling {feeling!r} (known: {', '.join(FEELINGS)})")
        if not isinstance(by_language, dict):
            raise FeelingError(f"{path}: {feeling}: expected languages ({', '.join(LANGUAGES)}) with example lists")
        for language, texts in by_language.items():
            if language not in LANGUAGES or not isinstance(texts, list):
                raise FeelingError(f"{path}: {feeling}.{language}: expected a list of examples in de or en")
            for text in texts:
                if not isinstance(text, str) or not text.strip():
                    raise FeelingError(f"{path}: {feeling}.{language}: an example is empty or not text: {text!r}")
                examples.append(Example(text.strip(), feeling, language))
    missing = set(FEELINGS) - {e.feeling for e in examples}
    if missing:
        raise FeelingError(f"{path}: no examples for {', '.join(sorted(missing))}")
    return examples


def fingerprint(path: Path = TRAINING_FILE) -> str:
    return hashlib.sha256(path.read_bytes() + Path(__file__).read_bytes()).hexdigest()[:16]


@dataclass(frozen=True)
class FeelingModel:
    """The trained classifier: plain arrays, so it is saved and loaded without pickle."""

    classes: tuple[str, ...]
    coef: np.ndarray  # (classes, dimension)
    intercept: np.ndarray  # (classes,)
    safety_examples: np.ndarray  # (n, dimension), unit length

    @classmethod
    def train(cls, vectors: np.ndarray, labels: Sequence[str], c: float = 10.0) -> "FeelingModel":
        from sklearn.linear_model import LogisticRegression

        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(labels) or not len(labels):
            raise FeelingError("training needs one vector per label")
        unknown = set(labels) - set(FEELINGS)
        if unknown:
            raise FeelingError(f"unknown feelings {sorted(unknown)}")
        model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced", random_state=17)
        model.fit(vectors, list(labels))
        safety = vectors[[label == SAFETY for label in labels]]
        return cls(tuple(model.classes_), model.coef_.astype(np.float32), model.intercept_.astype(np.float32), safety)

    @property
    def dimension(self) -> int:
        return int(self.coef.shape[1])

    def probabilities(self, vector: np.ndarray) -> dict[str, float]:
        vector = self._checked(vector)
        scores = _products(self.coef, vector) + self.intercept
        scores = np.exp(scores - scores.max())
        return dict(zip(self.classes, (scores / scores.sum()).tolist()))

    def classify(self, vector: np.ndarray) -> Feeling:
        vector = self._checked(vector)
        p = self.probabilities(vector)
        label = max(p, key=p.__getitem__)
        nearest = float(_products(self.safety_examples, vector).max()) if len(self.safety_examples) else 0.0
        if label != SAFETY and (nearest >= SAFETY_SIMILARITY or (label != CALM and p[SAFETY] >= SAFETY_SHARE)):
            return Feeling(SAFETY, max(p[SAFETY], nearest))
        return Feeling(label, p[label])

    def _checked(self, vector: np.ndarray) -> np.ndarray:
        vector = np.asarray(vector, dtype=np.float32).reshape(-1)
        if vector.shape[0] != self.dimension:
            raise FeelingError(f"a vector of {vector.shape[0]} numbers, the classifier was trained on {self.dimension}")
        if not np.isfinite(vector).all():
            raise FeelingError("the vector holds numbers that are not finite")
        return vector

    def save(self, path: Path) -> None:
        np.savez(path, classes=np.array(self.classes), coef=self.coef, intercept=self.intercept,
                 safety_examples=self.safety_examples)

    @classmethod
    def load(cls, path: Path) -> "FeelingModel":
        with np.load(path, allow_pickle=False) as data:
            return cls(tuple(str(c) for c in data["classes"]), data["coef"], data["intercept"], data["safety_examples"])


def _products(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Row-by-vector products without BLAS: in the bot's process (TensorFlow loaded, threads
    busy) a BLAS call on these few rows took 2.4 ms; elementwise it is some 20 µs."""
    return np.einsum("ij,j->i", matrix, vector, optimize=False)


def train_from_file(encoder: TextEncoder, path: Path = TRAINING_FILE) -> FeelingModel:
    examples = load_examples(path)
    return FeelingModel.train(encoder.encode([e.text for e in examples]), [e.feeling for e in examples])


def feeling_of_text(model: FeelingModel, encoder: TextEncoder, text: Any) -> Feeling:
    """The feeling of one text, for callers without a sentence vector at hand (tests, evaluation)."""
    if not isinstance(text, str) or not text.strip():
        raise FeelingError("there is no text to read a feeling from")
    return model.classify(encoder.encode([text.strip()])[0])
