"""The hand-written evaluation files: big enough to measure issue 17's goals, and valid."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from benchmarks.evaldata import EvalDataError, banking77_csv, german_questions, off_topic


def _banking77() -> list[tuple[str, str]]:
    path = banking77_csv()
    if path is None or not path.exists():
        pytest.skip("the BANKING77 training CSV is not on this machine (set BANKING77_CSV)")
    with path.open(encoding="utf-8") as handle:
        return [(row["text"], row["category"]) for row in csv.DictReader(handle)]


def test_german_questions_are_at_least_200():
    assert len(german_questions()) >= 200


def test_german_questions_cover_at_least_60_intents_evenly():
    counts = Counter(intent for _, intent in german_questions())
    assert len(counts) >= 60
    assert min(counts.values()) >= 3


def test_every_german_intent_is_a_category_of_the_csv():
    categories = {category for _, category in _banking77()}
    assert {intent for _, intent in german_questions()} <= categories


def test_no_german_question_is_copied_from_the_csv():
    csv_questions = {text.strip().casefold() for text, _ in _banking77()}
    assert [q for q, _ in german_questions() if q.casefold() in csv_questions] == []


def test_german_splits_are_disjoint_halves():
    dev, test = german_questions("dev"), german_questions("test")
    assert set(dev).isdisjoint(test)
    assert len(dev) + len(test) == len(german_questions())
    assert abs(len(dev) - len(test)) <= len(german_questions()) * 0.1


def test_off_topic_questions_are_at_least_200():
    assert len(off_topic("banking")) + len(off_topic("shop")) >= 200


def test_off_topic_has_at_least_100_questions_per_language():
    langs = Counter(lang for domain in ("banking", "shop") for _, lang in off_topic(domain))
    assert langs["de"] >= 100 and langs["en"] >= 100


def test_each_off_topic_list_has_both_splits_in_both_languages():
    for domain in ("banking", "shop"):
        for split in ("dev", "test"):
            langs = Counter(lang for _, lang in off_topic(domain, split))
            assert langs["de"] >= 20 and langs["en"] >= 20, (domain, split, langs)


def test_an_unknown_intent_is_refused_with_its_line_and_question(tmp_path):
    path = tmp_path / "german.yml"
    path.write_text(
        "questions:\n"
        '  - {q: "Wo bleibt meine Karte?", intent: card_arrival, split: dev}\n'
        '  - {q: "Karte kaputt", intent: card_broken, split: test}\n',
        encoding="utf-8",
    )
    with pytest.raises(EvalDataError, match=r"german\.yml:3: .*card_broken.*Karte kaputt"):
        german_questions(path=path)


def test_a_repeated_question_is_refused_whatever_its_case(tmp_path):
    path = tmp_path / "off.yml"
    path.write_text(
        "banking:\n"
        '  - {q: "Wie wird das Wetter?", lang: de, split: dev}\n'
        '  - {q: "wie wird das  wetter?", lang: de, split: test}\n',
        encoding="utf-8",
    )
    with pytest.raises(EvalDataError, match=r"off\.yml:3: .*repeats the question on line 2"):
        off_topic("banking", path=path)


def test_an_unknown_language_is_refused(tmp_path):
    path = tmp_path / "off.yml"
    path.write_text('shop:\n  - {q: "Quel temps fait-il ?", lang: fr, split: dev}\n', encoding="utf-8")
    with pytest.raises(EvalDataError, match=r"off\.yml:2: lang 'fr'"):
        off_topic("shop", path=path)
