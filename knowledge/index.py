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
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

import faiss
import numpy as np

from knowledge.files import atomic_write


INDEX_KINDS = ("flat", "ivf")
# One customer question is one query vector: FAISS's OpenMP threads only add wake-up cost,
# and they fight the encoder's threads that ran a moment before (measured at 25k phrasings:
# encode + IndexIDMap2 search 15.8 ms with 2 OpenMP threads, 8.8 ms with 1). Builds raise it.
SEARCH_THREADS = 1
faiss.omp_set_num_threads(SEARCH_THREADS)
IVF_MIN_VECTORS = 20_000  # below this an exact scan is fast and an IVF partition would be poorly trained


def layout_for(requested: str, vectors: int) -> str:
    """The layout an index of this many vectors gets when `requested` is configured."""
    return "ivf" if requested == "ivf" and vectors >= IVF_MIN_VECTORS else "flat"


@dataclass(frozen=True)
class IndexSignature:
    """What the vectors in an index were made from, and how they are searched."""

    model: str
    dimension: int
    fingerprint: str
    kind: str = "flat"

    @staticmethod
    def fingerprint_of(rows: Iterable[tuple[int, str]]) -> str:
        """A digest of (id, text) pairs, order-independent."""
        digest = hashlib.sha256()
        for row_id, text in sorted(rows):
            digest.update(f"{row_id}\x00{text}\x01".encode("utf-8"))
        return digest.hexdigest()


class VectorIndex:
    """Inner-product search over unit vectors, addressable by database row id.

    Two layouts, both keeping the row ids next to the vectors so rows can be removed and
    replaced one by one when an article changes:

    - "flat": `IndexIDMap2(IndexFlatIP)`, exact; every query scans every vector.
    - "ivf": `IndexIVFFlat`, approximate; vectors are partitioned around k-means centroids
      and a query scans only the `nprobe` nearest partitions. Worth it from tens of
      thousands of phrasings on; below `IVF_MIN_VECTORS` the index stays flat, because a
      partition trained on a handful of vectors would cost recall and save nothing.
      Rows added later join the trained partitions; a rebuild retrains them.
    """

    def __init__(self, dimension: int, model: str, nprobe: int = 16) -> None:
        """An empty index; empty is always flat (`build` chooses the layout for real rows)."""
        self.dimension = dimension
        self.model = model
        self.kind = "flat"
        self.nprobe = nprobe
        self._index: faiss.Index = faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        self.fingerprint = IndexSignature.fingerprint_of([])

    @classmethod
    def build(cls, ids: Sequence[int], vectors: np.ndarray, model: str, kind: str = "flat",
              nprobe: int = 16) -> "VectorIndex":
        """A new index over these rows, trained first when the layout needs it."""
        if kind not in INDEX_KINDS:
            raise ValueError(f"unknown index kind {kind!r}; expected one of {', '.join(INDEX_KINDS)}")
        index = cls(vectors.shape[1], model, nprobe)
        if layout_for(kind, len(ids)) == "ivf":
            vectors = np.ascontiguousarray(vectors, dtype=np.float32)
            # About 4·√n partitions, each trained on at least 39 vectors (FAISS's own minimum).
            nlist = int(min(65536, max(64, 4 * np.sqrt(len(ids))), max(1, len(ids) // 39)))
            quantizer = faiss.IndexFlatIP(index.dimension)
            ivf = faiss.IndexIVFFlat(quantizer, index.dimension, nlist, faiss.METRIC_INNER_PRODUCT)
            sample = vectors[np.random.default_rng(0).permutation(len(vectors))[: nlist * 40]]
            index._index = ivf
            index.kind = "ivf"
            # Training and assigning a million vectors to partitions are the batch jobs that
            # do gain from every core (1M phrasings took 388 s with the assignment on one thread).
            faiss.omp_set_num_threads(os.cpu_count() or 1)
            try:
                ivf.train(sample)
                index.add(ids, vectors)
            finally:
                faiss.omp_set_num_threads(SEARCH_THREADS)
            return index
        index.add(ids, vectors)
        return index

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def signature(self) -> IndexSignature:
        return IndexSignature(self.model, self.dimension, self.fingerprint, self.kind)

    def ids(self) -> set[int]:
        if self.kind == "flat":
            return set(faiss.vector_to_array(self._index.id_map).tolist())
        invlists = self._index.invlists
        found: set[int] = set()
        for number in range(self._index.nlist):
            size = invlists.list_size(number)
            if size:
                pointer = invlists.get_ids(number)
                found.update(faiss.rev_swig_ptr(pointer, size).tolist())
                invlists.release_ids(number, pointer)
        return found

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """Every row's id and vector, for training on what the index holds (the ranker)."""
        if not len(self):
            return np.zeros(0, dtype=np.int64), np.zeros((0, self.dimension), dtype=np.float32)
        if self.kind == "flat":
            ids = faiss.vector_to_array(self._index.id_map).astype(np.int64)
            return ids, self._index.index.reconstruct_n(0, len(self))
        ids = np.asarray(sorted(self.ids()), dtype=np.int64)
        self._index.make_direct_map(True)  # only for the copy: removing rows needs it off again
        try:
            return ids, np.vstack([self._index.reconstruct(int(i)) for i in ids])
        finally:
            self._index.make_direct_map(False)

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
        if self.kind == "ivf":
            self._index.nprobe = self.nprobe
        return self._index.search(vectors, k)

    def save(self, path: Path) -> None:
        """Write index and sidecar atomically, so a crash leaves the old pair or the new one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, faiss.serialize_index(self._index).tobytes())
        meta = {"model": self.model, "dimension": self.dimension, "fingerprint": self.fingerprint, "kind": self.kind}
        atomic_write(_sidecar(path), json.dumps(meta).encode("utf-8"))

    @classmethod
    def load_matching(cls, path: Path, wanted: IndexSignature, ids: set[int],
                      nprobe: int = 16) -> Optional["VectorIndex"]:
        """The index saved at `path` if it was built by the wanted model over exactly these
        rows (signature and ids); None when it is missing, unreadable or out of date."""
        loaded = cls.load(path, nprobe)
        if loaded is not None and loaded.signature == wanted and loaded.ids() == ids:
            return loaded
        return None

    @classmethod
    def load(cls, path: Path, nprobe: int = 16) -> Optional["VectorIndex"]:
        """The index saved at `path`, or None when it is missing or unreadable."""
        try:
            meta = json.loads(_sidecar(path).read_text("utf-8"))
            raw = np.frombuffer(path.read_bytes(), dtype=np.uint8)
            loaded = faiss.deserialize_index(raw)
            kind = str(meta.get("kind", "flat"))
            if kind not in INDEX_KINDS:
                return None
            index = cls(int(meta["dimension"]), str(meta["model"]), nprobe)
        except (OSError, ValueError, KeyError, RuntimeError):
            return None
        index._index = loaded
        index.kind = kind
        index.fingerprint = str(meta["fingerprint"])
        return index


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".json")
