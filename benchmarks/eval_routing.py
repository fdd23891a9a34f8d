"""Routing (issue 17): does a question about the business reach the knowledge base, and does a
real request for a person or a complaint still hand over at once?

Every message is the first of a fresh conversation. The trained Rasa model (NLU, the feeling
classifier, the rules) predicts the bot's first action, exactly as it would in the widget;
the action decides where the message goes:

- knowledge: `action_answer_from_knowledge` (the answer, a clarification or a miss follows)
- person: `action_handoff` (a request for a person, a complaint, an upset customer)
- feedback: `action_record_feedback` ("thanks for the feedback", although nothing was answered)
- other: greetings, thanks, "anything else?"

Sets: BANKING77 questions (business, English; and the hand-written German ones of
benchmarks/data/banking77_german.yml), the demo shop's customer-worded questions
(benchmarks/data/demo_questions.yml, the ones an article answers), the hard cases and the
requests for a person and complaints of benchmarks/data/routing.yml (none of them a training
example: checked here). With --baseline-model, the same table for another model (e.g. one
trained from today's main) in the same run.

    .venv/bin/python benchmarks/eval_routing.py [--banking77 5] [--baseline-model models/….tar.gz] [--wrong]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import sys
import uuid
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from benchmarks.evaldata import german_questions  # noqa: E402

ROUTING = ROOT / "benchmarks" / "data" / "routing.yml"
DEMO = ROOT / "benchmarks" / "data" / "demo_questions.yml"
BANKING77 = next((p / "shared" / "data" / "banking77" / "train.csv" for p in (ROOT.parent, ROOT.parent.parent)
                  if (p / "shared" / "data" / "banking77" / "train.csv").is_file()), ROOT.parent / "shared")
ROUTES = {
    "action_answer_from_knowledge": "knowledge",
    "action_handoff": "person",
    "action_record_feedback": "feedback",
}
# Where each set belongs.
EXPECTED = {"banking77": "knowledge", "banking77 German": "knowledge", "demo": "knowledge", "hard business": "knowledge",
            "request a person": "person", "complaint": "person"}


def load_sets(banking77_per_intent: int, seed: int) -> dict[str, list[tuple[str, str]]]:
    routing = yaml.safe_load(ROUTING.read_text(encoding="utf-8"))
    sets: dict[str, list[tuple[str, str]]] = {}
    rng = random.Random(seed)
    by_intent: dict[str, list[str]] = defaultdict(list)
    with BANKING77.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_intent[row["category"]].append(row["text"].strip())
    sets["banking77"] = [(q, "en") for intent in sorted(by_intent)
                         for q in rng.sample(by_intent[intent], min(banking77_per_intent, len(by_intent[intent])))]
    sets["banking77 German"] = [(q, "de") for q, _ in german_questions()]
    demo = yaml.safe_load(DEMO.read_text(encoding="utf-8"))["questions"]
    sets["demo"] = [(d["q"], d["lang"]) for d in demo if d["article"] != "none"]
    sets["hard business"] = [(d["q"], d["lang"]) for d in routing["business"]]
    sets["request a person"] = [(d["q"], d["lang"]) for d in routing["request_human"]]
    sets["complaint"] = [(d["q"], d["lang"]) for d in routing["complain"]]
    return sets


def training_examples() -> set[str]:
    nlu = yaml.safe_load((ROOT / "bot" / "data" / "nlu.yml").read_text(encoding="utf-8"))["nlu"]
    return {line[2:].strip().lower() for item in nlu for line in item.get("examples", "").splitlines()
            if line.strip().startswith("- ")}


async def first_actions(model: Path, messages: list[str]) -> list[tuple[str, str, float]]:
    """(first action, intent, intent confidence) for each message as a new conversation's first;
    the intent reads "upset:<feeling>" when the feeling classifier took the message."""
    from rasa.core.agent import Agent
    from rasa.core.channels import UserMessage

    from bot.logs import quiet_rasa_logging

    quiet_rasa_logging()
    agent = Agent.load(str(model))
    processor = agent.processor
    results = []
    for text in messages:
        sender = uuid.uuid4().hex
        tracker = await processor.log_message(UserMessage(text, sender_id=sender), should_save_tracker=True)
        intent = dict(tracker.latest_message.intent)
        feeling = next((e["value"] for e in tracker.latest_message.entities if e.get("entity") == "feeling"), None)
        if feeling:
            intent["name"] = f"upset:{feeling}"
        prediction = await processor.predict_next_for_sender_id(sender)
        scores = prediction["scores"]
        best = max(scores, key=lambda s: s["score"])["action"]
        results.append((best, intent.get("name", ""), float(intent.get("confidence") or 0.0)))
    return results


def table(label: str, sets: dict[str, list[tuple[str, str]]], routed: dict[str, list[tuple[str, str, float]]],
          show_wrong: bool) -> None:
    print(f"\n{label}")
    print(f"{'set':<18}{'n':>5}{'knowledge':>11}{'person':>9}{'(upset)':>9}{'feedback':>10}{'other':>8}   right")
    for name, items in sets.items():
        counts = Counter(ROUTES.get(action, "other") for action, _, _ in routed[name])
        upset = sum(intent.startswith("upset:") for _, intent, _ in routed[name])
        n = len(items)
        right = counts[EXPECTED[name]] / n
        print(f"{name:<18}{n:>5}{100 * counts['knowledge'] / n:>11.1f}{100 * counts['person'] / n:>9.1f}"
              f"{100 * upset / n:>9.1f}{100 * counts['feedback'] / n:>10.1f}{100 * counts['other'] / n:>8.1f}"
              f"   {100 * right:5.1f} %")
        if show_wrong:
            for (text, lang), (action, intent, confidence) in zip(items, routed[name]):
                if ROUTES.get(action, "other") != EXPECTED[name]:
                    print(f"      {lang} {text!r} -> {action} ({intent} {confidence:.2f})")


def main() -> None:
    from bot.training import ensure_model

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--banking77", type=int, default=5, help="BANKING77 questions per intent")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--model", type=Path, help="the model to judge (default: today's, trained if needed)")
    parser.add_argument("--baseline-model", type=Path, help="another model (e.g. trained from main) in the same run")
    parser.add_argument("--wrong", action="store_true", help="list the messages routed elsewhere")
    args = parser.parse_args()

    sets = load_sets(args.banking77, args.seed)
    seen = training_examples()
    sets = {name: [(text, lang) for text, lang in items if name != "demo" or text.lower() not in seen]
            for name, items in sets.items()}  # two demo questions are also training examples: not judged
    copied = [text for name, items in sets.items() for text, _ in items if text.lower() in seen]
    if copied:
        raise SystemExit(f"evaluation messages that are training examples: {copied}")
    models = [("baseline", args.baseline_model)] if args.baseline_model else []
    models.append(("this tree", args.model or ensure_model(ROOT / "models")))
    for label, model in models:
        routed = {}
        flat = [text for items in sets.values() for text, _ in items]
        actions = asyncio.run(first_actions(model, flat))
        position = 0
        for name, items in sets.items():
            routed[name] = actions[position:position + len(items)]
            position += len(items)
        table(f"{label}: {model.name}", sets, routed, args.wrong)


if __name__ == "__main__":
    main()
