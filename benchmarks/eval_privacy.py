"""Nothing personal goes public: the bridge on chats written apart from the product, end to end.

Two runs, each on a fresh SQLite database with the demo knowledge base, the real encoder,
Presidio, the shared-words masking and the sensitive-matter classifier:

1. Personal data (benchmarks/privacy_chats.py): resolved chats over 25 topics with names,
   addresses, plates, tokens, e-mails, phones, IBANs, order numbers and dates of birth
   woven into questions and answers. The bridge runs; a simulated editor ticks every flag,
   approves every draft and adds every suggested wording to existing articles. Then every
   injected value is searched (case-insensitively, as a whole word) in every published
   text: question, answer, phrasings, slug and every stored version of each published
   article. Reported per kind: injected, leaked into published text, left in the
   bridge's stored pairs; and how many of the words the agents' shared answer holds
   survive into the published answer.
2. Sensitive matters (benchmarks/sensitive_chats.py): 360 chats over 18 categories that
   the agent marked "general", and 140 ordinary control chats. Reported: sensitive chats
   behind any published article (must be 0), sensitive chats held back, control groups
   that reached k and were published.

    .venv/bin/python benchmarks/eval_privacy.py [--k 3] [--seed 29] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import privacy_chats, sensitive_chats  # noqa: E402


def setup(workdir: Path, k: int):
    from helpdesk.conversations import ConversationStore
    from bridge.anonymize import load_anonymizer
    from bridge.pipeline import Bridge, BridgeSettings
    from bridge.privacy import DEFAULT_PRIVATE_TOPICS, PrivateTopics
    from bridge.review import Review
    from knowledge.base import KnowledgeBase
    from knowledge.embeddings import load_encoder
    from knowledge.store import ArticleStore
    from nahbar.cli import DEMO_FILE, read_articles
    from nahbar.database import make_engine

    engine = make_engine(f"sqlite:///{workdir / 'eval.db'}")
    store = ArticleStore(engine)
    store.create_tables()
    knowledge = KnowledgeBase(store, load_encoder(), workdir / "knowledge.faiss")
    knowledge.open()
    knowledge.import_articles(read_articles(DEMO_FILE), actor="demo")
    chats = ConversationStore(engine)
    chats.create_tables()
    bridge = Bridge(engine, knowledge, load_anonymizer(str(workdir / "nlp")), PrivateTopics.load(DEFAULT_PRIVATE_TOPICS),
                    BridgeSettings(min_customers=k))
    bridge.create_tables()
    return engine, chats, bridge, Review(engine, knowledge, k)


def resolve(chats, question: str, answer: str, language: str) -> int:
    """A chat as the widget and the console leave it: question, handoff, agent answer, resolved as general."""
    from helpdesk.conversations import new_token
    from helpdesk.handoff_store import HandoffStore

    conversation = chats.find_or_create(new_token(), language)
    handoffs = HandoffStore(chats.engine)
    chats.add_message(conversation.id, "customer", question)
    chats.add_message(conversation.id, "bot", "Sorry, I couldn't find a good answer to that.")
    chats.add_message(conversation.id, "customer", "/request_human")
    handoffs.escalate(conversation.id, "no_answer", 0, False)
    chats.add_message(conversation.id, "system", "I'm handing you over to our support team.")
    handoffs.claim(conversation.id, 1, "Alex")
    chats.add_message(conversation.id, "agent", answer, {"agent_name": "Alex"})
    handoffs.finish(conversation.id, 1, "alex", "resolved", "resolved", "answered", "general")
    return conversation.id


def editor_approves_everything(review) -> dict[str, int]:
    approved = added = flags = 0
    for item in review.queue():
        draft = review.draft(item.group_id)
        ticks = [f["id"] for f in draft["group"]["flags"] or []]
        flags += len(ticks)
        review.approve(item.group_id, "eval-editor", draft["article"].question, draft["article"].answer, ticks)
        approved += 1
    for update in review.suggested_updates():
        review.add_phrasings(update["group_id"], "eval-editor")
        added += 1
    return {"drafts_approved": approved, "flags_ticked": flags, "suggested_updates_added": added}


def published_texts(engine) -> dict[int, list[str]]:
    """Every text of every published article, by article id: question, answer, phrasings, slug, all versions."""
    from sqlalchemy import select

    from knowledge.schema import article_versions, articles, phrasings

    texts: dict[int, list[str]] = defaultdict(list)
    with engine.connect() as conn:
        for row in conn.execute(select(articles).where(articles.c.status == "published")):
            texts[row.id] += [row.question, row.answer, row.slug]
        ids = list(texts)
        for row in conn.execute(select(phrasings.c.article_id, phrasings.c.text).where(phrasings.c.article_id.in_(ids))):
            texts[row.article_id].append(row.text)
        for row in conn.execute(select(article_versions).where(article_versions.c.article_id.in_(ids))):
            texts[row.article_id] += [row.question, row.answer]
    return texts


def contains(haystack: str, value: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(value.lower())}(?!\w)", haystack.lower()) is not None


def words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W_]+", text)}


def personal_data_run(args, workdir: Path) -> dict:
    from sqlalchemy import select

    from bridge.schema import groups, pairs

    engine, chats, bridge, review = setup(workdir, args.k)
    generated = privacy_chats.generate(args.seed)
    conversation_of: dict[int, privacy_chats.Chat] = {}
    for chat in generated:
        conversation_of[resolve(chats, chat.question, chat.answer, chat.language)] = chat
    start = time.perf_counter()
    summary = bridge.run()
    seconds = time.perf_counter() - start
    decisions = editor_approves_everything(review)
    published = published_texts(engine)
    public = "\n".join(t for texts in published.values() for t in texts)
    with engine.connect() as conn:
        stored = "\n".join(f"{q or ''}\n{a or ''}" for q, a in conn.execute(select(pairs.c.question, pairs.c.answer)))
        behind = conn.execute(select(groups.c.article_id, pairs.c.conversation_id)
                              .join(pairs, pairs.c.group_id == groups.c.id)
                              .where(groups.c.status == "approved")).all()
    per_kind: dict[str, Counter] = defaultdict(Counter)
    leaks = []
    for chat in generated:
        for value in chat.values:
            per_kind[value.kind]["injected"] += 1
            if contains(public, value.text):
                per_kind[value.kind]["leaked"] += 1
                leaks.append({"kind": value.kind, "value": value.text, "topic": chat.topic})
            if contains(stored, value.text):
                per_kind[value.kind]["left in stored pairs"] += 1
    # Survival of the agents' shared answer: for each article approved from a topic's chats.
    survival = []
    topic_of_article: dict[int, Counter] = defaultdict(Counter)
    for article_id, conversation_id in behind:
        topic_of_article[article_id][conversation_of[conversation_id].topic] += 1
    shared_by_topic = {(c.topic, c.language): c.shared_answer for c in generated}
    for article_id, topics in topic_of_article.items():
        topic = topics.most_common(1)[0][0]
        answer = words(published[article_id][1])
        # The published answer is in one language; a topic's customers may have asked in both.
        shares = [len(shared & answer) / len(shared) for language in ("de", "en")
                  if (shared := words(shared_by_topic.get((topic, language), "")))]
        if shares:
            survival.append(max(shares))
    topics_reaching_k = sum(1 for n in Counter(c.topic for c in generated).values() if n >= args.k)
    return {
        "chats": len(generated), "topics": len({c.topic for c in generated}), "bridge_seconds": round(seconds, 1),
        "summary": summary.lines(), "decisions": decisions, "published_articles": len(published),
        "articles_from_chats": len(topic_of_article), "topics_reaching_k": topics_reaching_k,
        "per_kind": {kind: dict(counts) for kind, counts in sorted(per_kind.items())},
        "leaked": sum(c["leaked"] for c in per_kind.values()),
        "injected": sum(c["injected"] for c in per_kind.values()),
        "shared_answer_survival": round(sum(survival) / len(survival), 4) if survival else None,
        "leaks": leaks[:50],
    }


def sensitive_run(args, workdir: Path) -> dict:
    from sqlalchemy import select

    from bridge.schema import groups, pairs

    engine, chats, bridge, review = setup(workdir, args.k)
    sensitive, controls = sensitive_chats.sensitive(), sensitive_chats.controls()
    chat_of: dict[int, sensitive_chats.Chat] = {}
    for chat in sensitive + controls:
        chat_of[resolve(chats, chat.question, chat.answer, chat.language)] = chat
    start = time.perf_counter()
    summary = bridge.run()
    seconds = time.perf_counter() - start
    editor_approves_everything(review)
    with engine.connect() as conn:
        statuses = dict(conn.execute(select(pairs.c.conversation_id, pairs.c.status)).all())
        reasons = Counter(conn.execute(select(pairs.c.skip_reason).where(pairs.c.status == "private")).scalars())
        # A chat is behind a published article when its pair is in an approved group or in
        # an attached group whose wordings the editor added.
        behind = conn.execute(select(pairs.c.conversation_id, groups.c.status, groups.c.article_id)
                              .join(groups, groups.c.id == pairs.c.group_id)
                              .where(groups.c.status.in_(("approved", "attached")))).all()
    published_phrasings = "\n".join(t for texts in published_texts(engine).values() for t in texts)
    behind_published = {c for c, status, _ in behind if status == "approved"}
    wording_published = {c for c, status, _ in behind if status == "attached"
                         and chat_of[c].question in published_phrasings}
    leaked = [c for c in behind_published | wording_published if chat_of[c].category != "none"]
    held = [c for c, chat in chat_of.items() if chat.category != "none" and statuses.get(c) == "private"]
    per_category = Counter(chat_of[c].category for c in held)
    control_groups: dict[str, list[int]] = defaultdict(list)
    for c, chat in chat_of.items():
        if chat.category == "none":
            control_groups[chat.group].append(c)
    reaching = {g: cs for g, cs in control_groups.items()
                if sum(1 for c in cs if statuses.get(c) not in ("private", "uncertain")) >= args.k}
    published_controls = {g for g, cs in control_groups.items()
                          if any(c in behind_published or c in {x for x, s, _ in behind if s == "attached"} for c in cs)}
    controls_held = sum(1 for c, chat in chat_of.items() if chat.category == "none" and statuses.get(c) == "private")
    return {
        "sensitive_chats": len(sensitive), "control_chats": len(controls), "bridge_seconds": round(seconds, 1),
        "summary": summary.lines(),
        "sensitive_chats_behind_published_articles": len(leaked),
        "sensitive_leaks": [{"category": chat_of[c].category, "question": chat_of[c].question} for c in leaked][:30],
        "sensitive_held_back": len(held), "held_back_by_category": dict(sorted(per_category.items())),
        "reasons": dict(reasons.most_common()),
        "control_chats_held_back": controls_held,
        "control_groups": len(control_groups), "control_groups_reaching_k": len(reaching),
        "control_groups_published_or_attached": len(published_controls),
        "control_groups_reaching_k_published": len(set(reaching) & published_controls),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--seed", type=int, default=29)
    parser.add_argument("--json", type=Path, default=Path(__file__).resolve().parent / "results" / "eval_privacy.json")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="nahbar-eval-privacy-") as tmp:
        (Path(tmp) / "personal").mkdir()
        (Path(tmp) / "sensitive").mkdir()
        results["personal_data"] = personal_data_run(args, Path(tmp) / "personal")
        results["sensitive"] = sensitive_run(args, Path(tmp) / "sensitive")
    personal, sensitive = results["personal_data"], results["sensitive"]
    print(f"Personal data: {personal['chats']} chats over {personal['topics']} topics, "
          f"{personal['published_articles']} published articles ({personal['articles_from_chats']} approved from chats; "
          f"{personal['decisions']})")
    print(f"{'kind':<16}{'injected':>9}{'leaked':>8}{'in pairs':>10}")
    for kind, counts in personal["per_kind"].items():
        print(f"{kind:<16}{counts.get('injected', 0):>9}{counts.get('leaked', 0):>8}{counts.get('left in stored pairs', 0):>10}")
    print(f"{'all':<16}{personal['injected']:>9}{personal['leaked']:>8}")
    print(f"shared answer words surviving into the published answer: {personal['shared_answer_survival']}")
    for leak in personal["leaks"][:15]:
        print("  leaked:", leak)
    print(f"\nSensitive matters: {sensitive['sensitive_chats']} sensitive chats (marked 'general'), "
          f"{sensitive['control_chats']} controls")
    print(f"sensitive chats behind a published article: {sensitive['sensitive_chats_behind_published_articles']}")
    print(f"sensitive chats held back: {sensitive['sensitive_held_back']} of {sensitive['sensitive_chats']}")
    print(f"control chats held back: {sensitive['control_chats_held_back']} of {sensitive['control_chats']}; "
          f"control groups reaching k: {sensitive['control_groups_reaching_k']} of {sensitive['control_groups']}, "
          f"of those published: {sensitive['control_groups_reaching_k_published']}")
    for leak in sensitive["sensitive_leaks"][:15]:
        print("  sensitive published:", leak)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\nsaved {args.json}")


if __name__ == "__main__":
    main()
