"""Feelings first (issue 17): are upset, worried or hurt customers recognized, and calm ones left alone?

The classifier (bot/feelings.py) is trained on bot/feelings_train.yml exactly as the Rasa
pipeline trains it, and judged on benchmarks/data/feelings_eval.yml, a separate set written
in other words (no sentence of it is in the training file: checked here). Then, for the
whole bot, every evaluation message goes as the first message of a fresh conversation
through the real conversation service (Rasa model, actions, handoff queue, SQLite): was it
handed over as "upset"/"safety", or answered? Last, the hot path: what the classifier adds
to a message, next to what the bot's whole turn costs, with the model of today (before the
feelings) and with the new one.

    .venv/bin/python benchmarks/eval_feelings.py [--bot-sample 0|N] [--baseline-model models/nahbar-….tar.gz]
        [--banking77 300] [--cv]

Goals: ≥ 90 % of upset/worried/hurt messages recognized, every safety incident, ≤ 5 % of calm
questions taken for upset; the hot path no more than 1.2× today's.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import yaml  # noqa: E402

from bot.feelings import CALM, FEELINGS, SAFETY, FeelingModel, load_examples  # noqa: E402

EVAL_FILE = ROOT / "benchmarks" / "data" / "feelings_eval.yml"
# the steering repo's shared/ sits beside the checkout (../shared), or beside the worktrees' folder
BANKING77 = next((p / "shared" / "data" / "banking77" / "train.csv" for p in (ROOT.parent, ROOT.parent.parent)
                  if (p / "shared" / "data" / "banking77" / "train.csv").is_file()), ROOT.parent / "shared")


@dataclass(frozen=True)
class Case:
    text: str
    feeling: str
    language: str
    keywords: bool


def load_cases(path: Path = EVAL_FILE) -> list[Case]:
    groups = yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]
    cases = []
    for group in groups:
        if group["feeling"] not in FEELINGS or group["language"] not in ("de", "en"):
            raise SystemExit(f"{path}: bad group {group['feeling']!r}/{group['language']!r}")
        for text in group["texts"]:
            if not isinstance(text, str) or not text.strip():
                raise SystemExit(f"{path}: {group['feeling']}: an entry is not text: {text!r} (quote yes/no)")
            cases.append(Case(text.strip(), group["feeling"], group["language"], bool(group["keywords"])))
    return cases


def share(hits: list[bool]) -> str:
    return f"{sum(hits)}/{len(hits)} = {100 * sum(hits) / len(hits):.1f} %" if hits else "-"


def classifier_figures(model: FeelingModel, cases: list[Case], vectors: np.ndarray) -> dict[str, Any]:
    found = [model.classify(v) for v in vectors]
    upset = [(c, f) for c, f in zip(cases, found) if c.feeling != CALM]
    calm = [(c, f) for c, f in zip(cases, found) if c.feeling == CALM]
    rows: dict[str, list[bool]] = {"upset/worried/hurt, all": []}
    rows.update({f"  {f}": [] for f in FEELINGS if f != CALM})
    rows.update({"  language de": [], "  language en": [], "  with feeling words": [], "  without feeling words": [],
                 "  exact feeling named": []})
    for case, feeling in upset:
        rows["upset/worried/hurt, all"].append(feeling.upset)
        rows[f"  {case.feeling}"].append(feeling.upset)
        rows[f"  language {case.language}"].append(feeling.upset)
        rows["  with feeling words" if case.keywords else "  without feeling words"].append(feeling.upset)
        rows["  exact feeling named"].append(feeling.label == case.feeling)
    rows["safety incidents marked safety"] = [f.safety for c, f in upset if c.feeling == SAFETY]
    rows["calm taken for upset (false positives)"] = [f.upset for _, f in calm]
    rows["  calm de"] = [f.upset for c, f in calm if c.language == "de"]
    rows["  calm en"] = [f.upset for c, f in calm if c.language == "en"]
    rows["calm taken for safety"] = [f.safety for _, f in calm]
    misses = [(c.feeling, f.label, c.text) for c, f in upset
              if not f.upset or (c.feeling == SAFETY and not f.safety)]
    false_alarms = [(f.label, c.text) for c, f in calm if f.upset]
    return {"rows": rows, "misses": misses, "false_alarms": false_alarms}


def banking77_false_positives(model: FeelingModel, encoder: Any, n: int, seed: int) -> Optional[list[bool]]:
    """Real customer questions of a bank (not written by us): how many look upset to the classifier.

    Some of them are upset indeed ("my card was stolen!"), so this is an upper bound of false alarms."""
    if n <= 0 or not BANKING77.is_file():
        return None
    with BANKING77.open(encoding="utf-8") as f:
        texts = [row["text"] for row in csv.DictReader(f)]
    sample = random.Random(seed).sample(texts, min(n, len(texts)))
    return [model.classify(v).upset for v in encoder.encode(sample)]


def cross_validate(examples: list, vectors: np.ndarray, folds: int = 5, seed: int = 3) -> None:
    """Recall and false positives on the training examples, each fold predicted by a model that never saw it."""
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    recall: list[bool] = []
    false_pos: list[bool] = []
    safety: list[bool] = []
    for k in range(folds):
        held = set(order[k::folds])
        train = [i for i in order if i not in held]
        model = FeelingModel.train(vectors[train], [examples[i].feeling for i in train])
        for i in held:
            feeling = model.classify(vectors[i])
            if examples[i].feeling == CALM:
                false_pos.append(feeling.upset)
            else:
                recall.append(feeling.upset)
            if examples[i].feeling == SAFETY:
                safety.append(feeling.safety)
    print(f"{folds}-fold cross-validation on the training examples: recall {share(recall)}, "
          f"safety {share(safety)}, false positives {share(false_pos)}")


async def whole_bot(cases: list[Case], model_path: Path) -> dict[str, Any]:
    """Each message as the first of a fresh conversation through the real conversation service."""
    from bot.logs import quiet_rasa_logging
    from helpdesk.conversations import new_token
    from helpdesk.service import Session
    from nahbar.cli import DEMO_FILE, read_articles
    from nahbar.server import build_parts
    from nahbar.settings import Settings

    from actions.handoff import WORRY_ANSWERED
    from i18n import translate

    with tempfile.TemporaryDirectory() as workdir:
        settings = replace(Settings.from_env({}), data_dir=Path(workdir), database_url=f"sqlite:///{workdir}/eval.db",
                           rasa_model=model_path, bridge_interval_minutes=0, purge_interval_hours=0)
        parts = await build_parts(settings)
        quiet_rasa_logging()
        parts.knowledge.import_articles(read_articles(DEMO_FILE), actor="eval")  # the demo shop's articles
        results = []
        seconds = []
        try:
            for text in ("hello", "How long does delivery take?", "I'm furious!", "Wie lange dauert der Versand?"):
                session = Session(new_token())  # warm-up: Rasa's and SQLite's first calls are slower
                await parts.service.accept(session, text)
                await parts.service.answer_next(session.conversation.id)
            for case in cases:
                session = Session(new_token())
                await parts.service.accept(session, case.text)
                start = time.perf_counter()
                await parts.service.answer_next(session.conversation.id)
                seconds.append(time.perf_counter() - start)
                handoff = parts.helpdesk.queue.store.open_handoff(session.conversation.id)
                bot = [m.text for m in await parts.service.history(session) if m.sender == "bot"]
                answered = any("/kb/" in text for text in bot)
                # A worried customer the knowledge base answers for sure: the worry named, the answer,
                # a person with priority on "no" (actions/handoff.py). Recognized, not handed over.
                if answered and bot[0] == translate(case.language, WORRY_ANSWERED):
                    results.append((case, "worry answered", answered))
                else:
                    results.append((case, handoff.reason if handoff else None, answered))
        finally:
            await parts.service.stop()
            parts.brain.close()
            parts.engine.dispose()
    calm_ms = [s * 1000 for (case, _, _), s in zip(results, seconds) if case.feeling == CALM]
    return {"results": results, "seconds": seconds, "calm_ms": calm_ms}


async def nlu_milliseconds(model_paths: list[Path], texts: list[str], rounds: int = 3) -> list[float]:
    """Median time of Rasa's NLU per message for each model, the models taking turns message by
    message and changing who goes first every round (the machine is shared: medians, not means).

    The encoder keeps the vectors of recent texts (knowledge/embeddings.py); its memory is
    emptied before every parse, so each model pays for encoding as a new message does."""
    from rasa.core.agent import Agent

    from bot.logs import quiet_rasa_logging
    from knowledge.embeddings import USE_MULTILINGUAL, load_encoder

    agents = [Agent.load(str(p)) for p in model_paths]
    quiet_rasa_logging()
    encoder = load_encoder(USE_MULTILINGUAL)  # the featurizer's instance (load_encoder() would be another)
    times: list[list[float]] = [[] for _ in agents]
    for agent in agents:  # warm up
        await agent.parse_message(texts[0])
    for round_ in range(rounds):
        for text in texts:
            for i in (range(len(agents)) if round_ % 2 == 0 else reversed(range(len(agents)))):
                encoder._recent.clear()
                started = time.perf_counter()
                await agents[i].parse_message(text)
                times[i].append(time.perf_counter() - started)
    return [statistics.median(t) * 1000 for t in times]


RECOGNIZED = ("upset", "safety", "worry answered")


def bot_rows(results: list) -> dict[str, list[bool]]:
    rows: dict[str, list[bool]] = defaultdict(list)
    for case, reason, answered in results:
        if case.feeling == CALM:
            rows["calm taken for upset (handed over or worry named)"].append(reason in RECOGNIZED)
            rows["calm answered from the knowledge base"].append(answered)
        else:
            rows["upset/worried/hurt recognized (handed over as upset/safety or worry named and answered)"].append(
                reason in RECOGNIZED)
            rows["  of them: worry named and answered, a person on 'no'"].append(reason == "worry answered")
            if not case.keywords:
                rows["  without feeling words"].append(reason in RECOGNIZED)
            if case.feeling == SAFETY:
                rows["safety incidents handed over as safety"].append(reason == "safety")
    return rows


def print_rows(title: str, rows: dict[str, list[bool]]) -> None:
    print(f"\n{title}")
    width = max(len(k) for k in rows) + 2
    for name, hits in rows.items():
        print(f"  {name:<{width}} {share(hits)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bot-sample", type=int, default=-1, help="messages through the whole bot (-1: all, 0: none)")
    parser.add_argument("--baseline-model", type=Path, help="today's Rasa model, for the hot-path comparison")
    parser.add_argument("--banking77", type=int, default=300, help="BANKING77 questions checked for false alarms")
    parser.add_argument("--cv", action="store_true", help="also cross-validate on the training examples")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()

    from knowledge.embeddings import load_encoder

    encoder = load_encoder()
    examples = load_examples()
    cases = load_cases()
    seen = {e.text.lower() for e in examples}
    overlap = [c.text for c in cases if c.text.lower() in seen]
    if overlap:
        raise SystemExit(f"evaluation sentences found in the training file: {overlap}")
    upset_cases = [c for c in cases if c.feeling != CALM]
    print(f"training: {len(examples)} examples; evaluation: {len(upset_cases)} upset/worried/hurt "
          f"({sum(c.feeling == SAFETY for c in cases)} safety, {sum(not c.keywords for c in upset_cases)} without "
          f"feeling words), {len(cases) - len(upset_cases)} calm")

    started = time.perf_counter()
    train_vectors = encoder.encode([e.text for e in examples])
    model = FeelingModel.train(train_vectors, [e.feeling for e in examples])
    print(f"trained in {time.perf_counter() - started:.1f} s (encoding included)")
    if args.cv:
        cross_validate(examples, train_vectors)

    vectors = encoder.encode([c.text for c in cases])
    figures = classifier_figures(model, cases, vectors)
    print_rows("Classifier on the evaluation set", figures["rows"])
    banking = banking77_false_positives(model, encoder, args.banking77, args.seed)
    if banking is not None:
        print(f"  BANKING77 questions taken for upset (upper bound) {share(banking)}")
    if args.show_misses:
        for feeling, label, text in figures["misses"]:
            print(f"  missed {feeling:>12} as {label:<12} {text}")
        for label, text in figures["false_alarms"]:
            print(f"  calm taken for {label:<12} {text}")

    # The hot path: the classifier reuses the NLU's sentence vector, so it adds one matrix product.
    repeats = 2000
    started = time.perf_counter()
    for i in range(repeats):
        model.classify(vectors[i % len(vectors)])
    classify_ms = (time.perf_counter() - started) / repeats * 1000
    started = time.perf_counter()
    for case in cases[:100]:
        encoder.model.encode([case.text + " "])  # past the encoder's cache: what the NLU pays once per message
    encode_ms = (time.perf_counter() - started) / 100 * 1000
    print(f"\nHot path per message: classifier {classify_ms:.3f} ms (the sentence vector is the NLU's), "
          f"encoding that vector {encode_ms:.1f} ms")

    if args.bot_sample != 0:
        from bot.training import ensure_model

        sample = cases if args.bot_sample < 0 else random.Random(args.seed).sample(cases, min(args.bot_sample, len(cases)))
        new = asyncio.run(whole_bot(sample, ensure_model(ROOT / "models")))
        print_rows(f"Whole bot, {len(sample)} messages through the conversation service", bot_rows(new["results"]))
        print(f"  turn p50 {statistics.median(new['seconds']) * 1000:.1f} ms, mean {statistics.mean(new['seconds']) * 1000:.1f} ms"
              f" (classifier share {classify_ms / (statistics.mean(new['seconds']) * 1000) * 100:.2f} %)")
        if args.show_misses:
            for case, reason, answered in new["results"]:
                if (case.feeling == CALM) == (reason in RECOGNIZED) or (case.feeling == SAFETY and reason != "safety"):
                    print(f"  bot: {case.feeling:>12} -> {reason or ('answered' if answered else 'not handed over')}: {case.text}")
        if args.baseline_model:
            old_ms, new_ms = asyncio.run(nlu_milliseconds([args.baseline_model, ensure_model(ROOT / "models")],
                                                          [c.text for c in sample[::2]]))
            print(f"\nRasa NLU per message (the hot path: encoding, intents, language, now feelings), "
                  f"models taking turns, median: today {old_ms:.2f} ms, with feelings {new_ms:.2f} ms = {new_ms / old_ms:.2f}x")
            old = asyncio.run(whole_bot(sample, args.baseline_model))
            print_rows("Whole bot with today's model (before the feelings)", bot_rows(old["results"]))
            # Turn times of whole runs drift with the shared machine's load and with which run
            # goes first, so the two models take turns, twice, on the same 100 calm messages
            # (the same path in both: NLU, rules, knowledge answer); the better pass counts.
            calm = [c for c in cases if c.feeling == CALM][:100]
            best = {}
            for _ in range(2):
                for name, path in (("today", args.baseline_model), ("feelings", ensure_model(ROOT / "models"))):
                    p50 = statistics.median(asyncio.run(whole_bot(calm, path))["calm_ms"])
                    best[name] = min(best.get(name, p50), p50)
            print(f"  calm turn p50, models taking turns: today {best['today']:.1f} ms, with feelings "
                  f"{best['feelings']:.1f} ms = {best['feelings'] / best['today']:.2f}x")


if __name__ == "__main__":
    main()
