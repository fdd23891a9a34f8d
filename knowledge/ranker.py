"""A classifier that learns which article a question belongs to from the articles' phrasings.

The nearest-phrasing vote (knowledge/base.py) asks "which phrasings are closest to this
question?"; it treats every phrasing alike, so an article whose phrasings spread widely
loses against a neighbour that happens to have one phrasing close by. A multinomial
logistic regression over the same phrasing vectors learns, per article, which directions
of the vector space matter: on BANKING77 with 10 phrasings per article it classifies held-out
customer questions 79 % right where the nearest phrasing is right 70 % of the time.

Its own small trainer (softmax regression, L2, L-BFGS in float32) instead of scikit-learn's
`LogisticRegression`: on 7,000 phrasings × 77 articles scikit-learn's took 27 s (float64,
no warm start), while the knowledge base refits after every publish or withdrawal and
starts from the previous weights, so a refit after one changed article takes a fraction of
a cold fit (see `ArticleRanker.fit`; figures in the README's answer-quality section).

The ranker is a pure function of (vectors, article ids): it knows nothing of the database
or the index. `KnowledgeBase` decides what to train it on, when, and how much to trust it.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
from scipy.optimize import minimize

from knowledge.files import atomic_write

# The inverse regularization strength, scikit-learn's C (loss summed over rows + ½‖W‖²/C):
# the evaluation's logistic-regression baseline uses 10, and so does the ranker.
C = 10.0
MAX_ITERATIONS = 300
TOLERANCE = 1e-3  # on the gradient per row: 1e-4 took 1.6x as long for the same held-out accuracy


@dataclass
class ArticleRanker:
    """Weights of a softmax regression from a phrasing vector to the articles in `classes`."""

    classes: np.ndarray  # article ids, int64, sorted
    weights: np.ndarray  # (dimension, articles) float32
    bias: np.ndarray  # (articles,) float32
    fingerprint: str = ""  # of the rows it was trained on (the index's fingerprint)
    rows: int = 0
    seconds: float = 0.0  # how long the fit took, for the log and the benchmark
    _position: dict[int, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._position = {int(a): i for i, a in enumerate(self.classes.tolist())}

    def __len__(self) -> int:
        return len(self.classes)

    def knows(self, article_id: int) -> bool:
        return article_id in self._position

    @classmethod
    def fit(cls, vectors: np.ndarray, article_ids: Sequence[int], previous: Optional["ArticleRanker"] = None,
            fingerprint: str = "", c: float = C) -> Optional["ArticleRanker"]:
        """Train on rows (vector, article); None with fewer than two articles (nothing to tell apart).

        `previous` warm-starts the articles it knows: after one article changed, the optimum
        moves little and L-BFGS gets there in a few iterations.
        """
        import time

        started = time.perf_counter()
        labels = np.asarray(article_ids, dtype=np.int64)
        classes, y = np.unique(labels, return_inverse=True)
        if len(classes) < 2:
            return None
        x = np.ascontiguousarray(vectors, dtype=np.float32)
        n, d = x.shape
        k = len(classes)
        start = np.zeros((d + 1, k), dtype=np.float64)
        if previous is not None and previous.weights.shape[0] == d:  # not after a change of model
            for column, article_id in enumerate(classes.tolist()):
                position = previous._position.get(article_id)
                if position is not None:
                    start[:d, column] = previous.weights[:, position]
                    start[d, column] = previous.bias[position]
        onehot = np.zeros((n, k), dtype=np.float32)
        onehot[np.arange(n), y] = 1.0
        penalty = np.float32(1.0 / c)

        def loss_and_gradient(flat: np.ndarray) -> tuple[float, np.ndarray]:
            theta = flat.reshape(d + 1, k).astype(np.float32)
            w, b = theta[:d], theta[d]
            logits = x @ w + b
            logits -= logits.max(axis=1, keepdims=True)
            exp = np.exp(logits)
            total = exp.sum(axis=1, keepdims=True)
            log_likelihood = float((logits[np.arange(n), y] - np.log(total[:, 0])).sum())
            residual = exp / total - onehot
            gradient = np.empty((d + 1, k), dtype=np.float32)
            gradient[:d] = x.T @ residual + penalty * w
            gradient[d] = residual.sum(axis=0)
            loss = -log_likelihood + 0.5 * float(penalty) * float((w * w).sum())
            return loss, gradient.astype(np.float64).ravel()

        result = minimize(loss_and_gradient, start.ravel(), jac=True, method="L-BFGS-B",
                          options={"maxiter": MAX_ITERATIONS, "gtol": TOLERANCE * n})
        theta = result.x.reshape(d + 1, k).astype(np.float32)
        return cls(classes, np.ascontiguousarray(theta[:d]), theta[d].copy(), fingerprint, n,
                   time.perf_counter() - started)

    def logits(self, vector: np.ndarray) -> np.ndarray:
        """One score per article in `classes` for one query vector (shape (1, d) or (d,)).

        `einsum`, not `@`: a matrix-vector product this small went to the multi-threaded BLAS,
        whose threads woke next to FAISS's and the encoder's and took 1.5 ms instead of 30 µs."""
        return np.einsum("d,dk->k", np.asarray(vector, dtype=np.float32).reshape(-1), self.weights) + self.bias

    def probabilities(self, vector: np.ndarray, allowed: np.ndarray) -> np.ndarray:
        """Softmax over the `allowed` articles only (a boolean mask over `classes`); zeros elsewhere.

        Renormalizing over the allowed ones is what keeps a withdrawn article, or one in
        another language, from taking a share it could never be answered with.
        """
        out = np.zeros(len(self.classes), dtype=np.float64)
        if not allowed.any():
            return out
        scores = self.logits(vector)[allowed].astype(np.float64)
        scores -= scores.max()
        exp = np.exp(scores)
        out[allowed] = exp / exp.sum()
        return out

    def position(self, article_id: int) -> Optional[int]:
        return self._position.get(article_id)

    # -- on disk ------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Beside the index, tagged with the fingerprint it was trained for, so a start
        whose index loads also loads its ranker instead of training it again."""
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        np.savez(buffer, classes=self.classes, weights=self.weights, bias=self.bias,
                 meta=np.frombuffer(json.dumps({"fingerprint": self.fingerprint, "rows": self.rows})
                                    .encode("utf-8"), dtype=np.uint8))
        atomic_write(path, buffer.getvalue())

    @classmethod
    def load(cls, path: Path) -> Optional["ArticleRanker"]:
        """The ranker saved at `path`, or None when missing or unreadable."""
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(data["meta"].tobytes().decode("utf-8"))
                return cls(data["classes"].astype(np.int64), data["weights"].astype(np.float32),
                           data["bias"].astype(np.float32), str(meta["fingerprint"]), int(meta["rows"]))
        except (OSError, ValueError, KeyError):
            return None


def agree(first: np.ndarray, second: np.ndarray, first_share: float) -> np.ndarray:
    """Two rankers' probabilities over the same articles, combined as a weighted product
    (first ** share · second ** (1 - share), renormalized).

    A product, not a mean: an article both rankers find likely beats one that only one of
    them likes, which is what two encoders that err differently are worth (on BANKING77,
    10 phrasings per article: USE alone 79 %, MiniLM alone 84.5 %, the product 85.4 %).
    Zeros stay zeros (an article one of them may not rank)."""
    out = np.zeros(len(first), dtype=np.float64)
    alive = (first > 0) & (second > 0)
    if not alive.any():
        return out
    log = first_share * np.log(first[alive]) + (1.0 - first_share) * np.log(second[alive])
    log -= log.max()
    out[alive] = np.exp(log)
    return out / out.sum()
