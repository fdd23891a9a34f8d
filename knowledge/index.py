"""The FAISS index of article phrasings, kept on disk beside the database.

The database is the truth; this index is a derived copy that can always be rebuilt from
it. A small sidecar file records which encoder made the vectors and a fingerprint of the
rows they came from, so a start after a crash (or after the model was changed) notices
that index and database disagree and rebuilds instead of answering from stale vectors.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

import faiss
import numpy as np


@dataclass(frozen=True)
class IndexSignature:
    """What the vectors in an index were made from."""

    model: str
    dimension: int
    fingerprint: str

    @staticmethod
    def fingerprint_of(rows: Iterable[tuple[int, str]]) -> str:
        """A digest of (id, text) pairs, order-independent."""
        digest = hashlib.sha256()
        for row_id, text in sorted(rows):
            digest.update(f"{row_id}\x00{text}\x01".encode("utf-8"))
        return digest.hexdigest()


class VectorIndex:
    """Exact inner-product search over unit vectors, addressable by database row id.

    `IndexIDMap2(IndexFlatIP)` keeps the ids next to the vectors, so rows can be removed
    and replaced one by one when an article changes, and search results come back as row
    ids that the store resolves to articles.
    """

    def __init__(self, dimension: int, model: str) -> None:
        self.dimension = dimension
        self.model = model
        self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        self.fingerprint = IndexSignature.fingerprint_of([])

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def signature(self) -> IndexSignature:
        return IndexSignature(self.model, self.dimension, self.fingerprint)

    def ids(self) -> set[int]:
        return set(faiss.vector_to_array(self._index.id_map).tolist())

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.shape != (len(ids), self.dimension):
            raise ValueError(f"expected {len(ids)} vectors of {self.dimension} dimensions, got {vectors.shape}")
        self.remove(ids)
        self._index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))

    def remove(self, ids: Sequence[int]) -> None:
        if len(ids):
            self._index.remove_ids(np.asarray(ids, dtype=np.int64))

    def search(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores and ids of the k nearest rows for each query vector; id -1 pads."""
        k = max(1, min(k, len(self))) if len(self) else 1
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        return self._index.search(vectors, k)

    def save(self, path: Path) -> None:
        """Write index and sidecar atomically, so a crash leaves the old pair or the new one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(path, faiss.serialize_index(self._index).tobytes())
        meta = {"model": self.model, "dimension": self.dimension, "fingerprint": self.fingerprint}
        _atomic_write(_sidecar(path), json.dumps(meta).encode("utf-8"))

    @classmethod
    def load(cls, path: Path) -> Optional["VectorIndex"]:
        """The index saved at `path`, or None when it is missing or unreadable."""
        try:
            meta = json.loads(_sidecar(path).read_text("utf-8"))
            raw = np.frombuffer(path.read_bytes(), dtype=np.uint8)
            loaded = faiss.deserialize_index(raw)
        except (OSError, ValueError, RuntimeError):
            return None
        index = cls(int(meta["dimension"]), str(meta["model"]))
        index._index = loaded
        index.fingerprint = str(meta["fingerprint"])
        return index


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
