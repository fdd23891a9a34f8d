"""Recall of the anonymizer per kind of personal data, German and English, and its false alarms.

Generates chat sentences with personal data of each kind woven in (names in and outside
the packaged first-name list, valid IBANs and Luhn-valid card numbers, phone numbers in
German and international formats, …) and counts how often the value is gone from the
anonymized text. False alarms: replacements in the demo knowledge base's 40 articles,
which hold no personal data. Also times the anonymizer per text.

    .venv/bin/python benchmarks/bench_anonymize.py [--per-kind 200] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bridge.anonymize import Anonymizer, first_names  # noqa: E402
from nahbar.cli import DEMO_FILE, read_articles  # noqa: E402

OUTSIDE_LIST = ["Ansgar", "Wiebke", "Malte", "Imke", "Hauke", "Okka", "Jorinde", "Torben", "Siobhan", "Declan",
                "Niamh", "Callum", "Ayşe", "Emre", "Zeynep", "Priya", "Arjun", "Chiara", "Matteo", "Lorenzo"]
SURNAMES = ["Becker", "Schneider", "Okonkwo", "Kowalski", "Nguyen", "Fischer", "Yilmaz", "Müller", "Smith", "O'Brien",
            "Hoffmann", "Wagner", "Zimmermann", "Novak", "Rossi", "Kaya", "Schulz", "Brown", "Taylor", "Lehmann"]
STREETS = ["Haupt", "Garten", "Linden", "Berg", "Schiller", "Goethe", "Bahnhof", "Kirch", "Wald", "Sonnen"]
EN_STREETS = ["Baker", "High", "Church", "Station", "Victoria", "Green", "Mill", "Park", "Queen", "King"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]


def iban_de(rng: random.Random) -> str:
    bban = f"{rng.randrange(10**7, 10**8)}{rng.randrange(10**9, 10**10)}"
    check = 98 - int(bban + "131400") % 97
    raw = f"DE{check:02d}{bban}"
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def card(rng: random.Random) -> str:
    digits = [4] + [rng.randrange(10) for _ in range(14)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    digits.append((10 - total % 10) % 10)
    s = "".join(map(str, digits))
    return " ".join(s[i:i + 4] for i in range(0, 16, 4))


def first(rng: random.Random) -> str:
    listed = sorted(first_names())
    return rng.choice(OUTSIDE_LIST) if rng.random() < 0.5 else rng.choice(listed).capitalize()


def samples(kind: str, rng: random.Random) -> tuple[str, str, str]:
    """(language, text, the personal value that must disappear)."""
    f, last = first(rng), rng.choice(SURNAMES)
    n = rng.randrange(1, 200)
    options = {
        "name": [("de", f"Hallo, mein Name ist {f} {last} und ich habe eine Frage.", f"{f} {last}"),
                 ("de", f"Frau {last} hat gestern schon angerufen.", last),
                 ("en", f"Dear {f}, thanks for your patience.", f),
                 ("en", f"Hi, I'm {f} {last}, I ordered a bike.", f"{f} {last}"),
                 ("en", f"Yesterday {f} {last} picked up the bike.", f"{f} {last}")],
        "e-mail": [("de", f"Schreib mir an {f.lower()}.{last.lower()}@example.de bitte.", f"{f.lower()}.{last.lower()}@example.de"),
                   ("en", f"My address is {f.lower()}{n}@mail.example.com", f"{f.lower()}{n}@mail.example.com")],
        "phone": [("de", f"Ruf mich an: 01{rng.choice('567')}{rng.randrange(0, 10)} {rng.randrange(1000000, 9999999)}", None),
                  ("de", f"Meine Nummer ist +49 341 {rng.randrange(100000, 9999999)}", None),
                  ("en", f"Call me on +44 20 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}.", None)],
        "IBAN": [("de", f"Bitte erstatten auf {iban_de(rng)}.", None), ("en", f"My IBAN is {iban_de(rng)}", None)],
        "card": [("en", f"I paid with the card {card(rng)} yesterday.", None),
                 ("de", f"Bezahlt mit Kreditkarte {card(rng)}.", None)],
        "address": [("de", f"Ich wohne in der {rng.choice(STREETS)}straße {n}.", f"{n}"),
                    ("en", f"Please ship to {n} {rng.choice(EN_STREETS)} Street.", f"{n} ")],
        "date of birth": [("de", f"Ich bin am {rng.randrange(1, 29):02d}.{rng.randrange(1, 13):02d}.{rng.randrange(1950, 2005)} geboren.", None),
                          ("en", f"I was born on {rng.choice(MONTHS_EN)} {rng.randrange(1, 29)}, {rng.randrange(1950, 2005)}.", None)],
        "order number": [("de", f"Meine Bestellnummer ist {rng.randrange(10000, 99999999)}.", None),
                         ("en", f"Order no. VEL-{rng.randrange(10000, 999999)} has not arrived.", None)],
        "URL with token": [("en", f"Tracking: https://shop.example.com/track?token={rng.getrandbits(48):x}", None)],
        "IP address": [("en", f"My IP is {rng.randrange(1, 255)}.{rng.randrange(0, 255)}.{rng.randrange(0, 255)}.{rng.randrange(1, 255)}", None)],
    }
    language, text, value = rng.choice(options[kind])
    if value is None:  # the whole datum is the last token run after the cue words
        value = _value_in(text)
    return language, text, value


def _value_in(text: str) -> str:
    import re

    match = re.search(r"((?:\+?\d[\d .:/-]*\d)|(?:[A-Z]{2}\d{2}[\d ]+\d)|(?:VEL-\d+)|(?:https?://\S+)|"
                      r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|December) \d+, \d{4}))",
                      text)
    return match.group(1).rstrip(".")


KINDS = ["name", "e-mail", "phone", "IBAN", "card", "address", "date of birth", "order number", "URL with token", "IP address"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    anonymizer = Anonymizer(Path(tempfile.mkdtemp()))
    print(f"{'kind':16} {'recall':>8}  {'n':>5}  {'unsure':>6}  example miss")
    times = []
    for kind in KINDS:
        hits, unsure, miss = 0, 0, ""
        for _ in range(args.per_kind):
            language, text, value = samples(kind, rng)
            start = time.perf_counter()
            result = anonymizer.anonymize(text, language)
            times.append(time.perf_counter() - start)
            if value not in result.text:
                hits += 1
            elif not miss:
                miss = f"{text!r} -> {result.text!r}"
            unsure += bool(result.unsure_spans)
        print(f"{kind:16} {hits / args.per_kind:8.1%}  {args.per_kind:5d}  {unsure:6d}  {miss[:110]}")
    articles = read_articles(DEMO_FILE)
    alarms = []
    for article in articles:
        for text in (article["question"], article["answer"]):
            result = anonymizer.anonymize(text, article["language"])
            alarms += [(text[:60], s.kind) for s in result.spans]
    texts = 2 * len(articles)
    print(f"\nfalse alarms on the demo knowledge base (no personal data): {len(alarms)} replacements in {texts} texts")
    for text, kind in alarms[:10]:
        print(f"  {kind}: {text!r}")
    times.sort()
    print(f"\nanonymize() per sentence: p50 {statistics.median(times) * 1000:.2f} ms, "
          f"p99 {times[int(len(times) * 0.99)] * 1000:.2f} ms over {len(times)} sentences")


if __name__ == "__main__":
    main()
