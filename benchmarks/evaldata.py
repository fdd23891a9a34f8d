"""Hand-written evaluation questions: German BANKING77 questions and off-topic questions.

The files live in benchmarks/data/ (see their header comments for how they were written).
They are checked when loaded, not when a benchmark's figures look odd: a misspelt intent
would otherwise count as a wrong answer forever, and a question listed twice would weigh
double. Every error names the file, the line and the question.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

import yaml

from benchmarks.banking77_answers import ANSWERS

DATA = Path(__file__).resolve().parent / "data"
GERMAN_FILE = DATA / "banking77_german.yml"
OFF_TOPIC_FILE = DATA / "off_topic.yml"
SPLITS = ("dev", "test")
LANGUAGES = ("de", "en")
DOMAINS = ("banking", "shop")


class EvalDataError(ValueError):
    """An evaluation file does not say what the benchmarks expect it to."""


def banking77_csv() -> Optional[Path]:
    """The BANKING77 training questions, if this machine has them.

    BANKING77_CSV wins; otherwise the shared data directory next to the checkout (for the
    main tree) or next to the worktrees' folder (for /work/wt/<branch>).
    """
    if os.environ.get("BANKING77_CSV"):
        return Path(os.environ["BANKING77_CSV"])
    repo = Path(__file__).resolve().parent.parent
    for base in (repo.parent, repo.parent.parent):
        candidate = base / "shared" / "data" / "banking77" / "train.csv"
        if candidate.exists():
            return candidate
    return None


def _items(path: Path, key: str) -> list[tuple[int, dict[str, Any]]]:
    """The entries of the list under `key`, each with its 1-based line in the file."""
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise EvalDataError(f"{path.name}: expected a list under '{key}:'")
    nodes = next(value for name, value in root.value if name.value == key).value
    return [(node.start_mark.line + 1, item) for node, item in zip(nodes, data[key])]


def _check(path: Path, line: int, item: Any, field: str, allowed: tuple[str, ...]) -> str:
    where = f"{path.name}:{line}"
    if not isinstance(item, dict) or not isinstance(item.get("q"), str) or not item["q"].strip():
        raise EvalDataError(f"{where}: an entry needs a non-empty q, got {item!r}")
    value = item.get(field)
    if value not in allowed:
        shown = ", ".join(allowed) if len(allowed) <= 5 else "one of the BANKING77 intents"
        raise EvalDataError(f"{where}: {field} {value!r} of {item['q']!r} is not {shown}")
    if item.get("split") not in SPLITS:
        raise EvalDataError(f"{where}: split {item.get('split')!r} of {item['q']!r} is not dev or test")
    return value


def _read(path: Path, key: str, field: str, allowed: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(question, label, split) for every entry, refusing unknown labels and repeated questions."""
    seen: dict[str, int] = {}
    out = []
    for line, item in _items(path, key):
        label = _check(path, line, item, field, allowed)
        text = item["q"].strip()
        folded = " ".join(text.casefold().split())
        if folded in seen:
            raise EvalDataError(f"{path.name}:{line}: {text!r} repeats the question on line {seen[folded]}")
        seen[folded] = line
        out.append((text, label, item["split"]))
    return out


def _pick(rows: list[tuple[str, str, str]], split: Optional[str]) -> list[tuple[str, str]]:
    if split is not None and split not in SPLITS:
        raise ValueError(f"split must be None, 'dev' or 'test', not {split!r}")
    return [(text, label) for text, label, part in rows if split is None or part == split]


def german_questions(split: Optional[str] = None, path: Path = GERMAN_FILE) -> list[tuple[str, str]]:
    """(question, BANKING77 intent) pairs; `split` None gives dev and test together."""
    return _pick(_read(path, "questions", "intent", tuple(ANSWERS)), split)


def off_topic(domain: str, split: Optional[str] = None, path: Path = OFF_TOPIC_FILE) -> list[tuple[str, str]]:
    """(question, language) pairs no article of `domain` ('banking' or 'shop') answers."""
    if domain not in DOMAINS:
        raise ValueError(f"domain must be one of {', '.join(DOMAINS)}, not {domain!r}")
    return _pick(_read(path, domain, "lang", LANGUAGES), split)
