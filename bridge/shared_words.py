"""Word-level k-anonymity: what one customer alone wrote never reaches the public.

Recognizers find the kinds of personal data someone thought of; this finds the rest by a
principle instead of a pattern. An article is what several customers and agents share;
personal data is what one customer alone wrote (their name, their street, their plate,
their child's name). So a word or number that occurs in the texts of fewer than k
distinct conversations of a group, and is neither common in the language (wordfreq) nor
part of the published knowledge base, is masked. Names are masked whatever their
frequency when few conversations share them. What the masking keeps although only one or
two customers wrote it is reported, so an editor checks it before anything is published.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from bridge.anonymize import COMMON_ZIPF, PLACEHOLDER, dictionary_names, zipf

# A link, a placeholder the anonymizer left, or a word (with inner hyphens, dots or apostrophes).
TOKEN = re.compile(rf"(?:https?://|www\.)\S+[^\s.,;:!?)]|{PLACEHOLDER.pattern}|[^\W_]+(?:['’.\-][^\W_]+)*", re.UNICODE)
FUNCTION_WORD_ZIPF = 5.0  # "the", "und", "your": too frequent to be part of a name
EVERYDAY_ZIPF = 4.0  # a kept word this frequent ("bike", "tour", "Lieferung") is not shown to editors, unless a name
NAME_WORD_ZIPF = 4.5  # a name word more frequent than this is kept (and flagged) rather than masked
LONG_NUMBER_DIGITS = 4  # "95" in an answer is a quantity; "1070" or "4711" can be a postcode or an order
_SENTENCE_END = re.compile(rf"(?:^|[.!?:;\n]|{PLACEHOLDER.pattern}[,:]?)\s*[\"'„“(]*$")


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str
    support: int  # distinct conversations of the group whose text holds the word


@dataclass(frozen=True)
class Checked:
    """A text after masking: the masked text, what was masked, and what was kept though rare."""

    text: str
    masked: tuple[Word, ...]
    kept_rare: tuple[Word, ...]  # positions refer to `text`
    moved: dict[int, int]  # where each kept word of the original text starts in `text`
    name_like: tuple[Word, ...] = ()  # kept words few wrote that may be a name ("Wolf", an English "Fox")

    @property
    def clean(self) -> bool:
        return not self.masked

    def without_flagged(self) -> str:
        """The text without the kept words an editor is asked to check (for a slug, which never changes)."""
        text = self.text
        for word in sorted({w.start: w for w in self.kept_rare + self.name_like}.values(), key=lambda w: -w.start):
            text = text[:word.start] + " " + text[word.end:]
        return text

    @property
    def public(self) -> bool:
        """Fit to stand as a customer's wording in public: nothing masked, nothing that may be a name."""
        return not self.masked and not self.name_like


def tokens(text: str) -> list[re.Match]:
    return list(TOKEN.finditer(text))


def _key(token: str) -> str:
    return token.lower().strip("'’.-")


class SharedWords:
    """The words of one group's texts and how many distinct conversations wrote each."""

    def __init__(self, texts: Iterable[tuple[object, str]], k: int, vocabulary: Iterable[str] = ()) -> None:
        by_word: dict[str, set] = defaultdict(set)
        for who, text in texts:
            for match in tokens(text or ""):
                by_word[_key(match.group())].add(who)
        self.support = {word: len(who) for word, who in by_word.items()}
        self.k = k
        self.vocabulary = frozenset(vocabulary)

    @classmethod
    def vocabulary_of(cls, texts: Iterable[str]) -> set[str]:
        """The words of published articles: an article's own words are never someone's secret."""
        return {_key(m.group()) for text in texts for m in tokens(text or "")}

    def check(self, text: str, language: str) -> Checked:
        """Mask every word fewer than k conversations share unless the language or the knowledge base has it."""
        matches = tokens(text)
        verdicts = [self._verdict(m, text, language) for m in matches]
        # A name is often two words of which only one is rare ("Wolf Grabowski", "[NAME] Kaiser"):
        # capitalised neighbours of a masked name that few conversations share go with it.
        for index in range(len(matches)):
            if verdicts[index][0] != "NAME":
                continue
            for step in (-1, 1):
                other = index + step
                while 0 <= other < len(matches) and self._joins_name(matches, verdicts, other - step, other, text,
                                                                     language):
                    verdicts[other] = ("NAME", verdicts[other][1])
                    other += step
        pieces, masked, kept_rare, name_like = [], [], [], []
        moved: dict[int, int] = {}
        position, shift = 0, 0
        for match, (verdict, support) in zip(matches, verdicts):
            word = Word(match.start(), match.end(), match.group(), support)
            pieces.append(text[position:match.start()])
            if verdict in ("keep", "shared", "placeholder"):
                moved[match.start()] = match.start() + shift
                pieces.append(match.group())
                if verdict == "keep" and self._worth_a_look(match.group(), language):
                    kept_rare.append(Word(match.start() + shift, match.end() + shift, match.group(), support))
                if verdict == "keep" and self._may_be_a_name(match, text, language):
                    name_like.append(Word(match.start() + shift, match.end() + shift, match.group(), support))
            else:
                placeholder = f"[{verdict}]"
                # Two masked words in a row become one placeholder ("[NAME] [NAME]" → "[NAME]").
                if pieces[-1].strip() == "" and len(pieces) >= 2 and pieces[-2] == placeholder:
                    shift -= len(pieces.pop()) + len(match.group())
                else:
                    pieces.append(placeholder)
                    shift += len(placeholder) - len(match.group())
                masked.append(word)
            position = match.end()
        pieces.append(text[position:])
        return Checked("".join(pieces), tuple(masked), tuple(kept_rare), moved, tuple(name_like))

    def shared_share(self, text: str, language: str) -> float:
        """The share of a text's content words (not function words, not placeholders) that k conversations wrote."""
        content = [_key(m.group()) for m in tokens(text) if not m.group().startswith("[")
                   and zipf(_key(m.group()), language) < FUNCTION_WORD_ZIPF]
        if not content:
            return 1.0
        return sum(1 for word in content if self.support.get(word, 0) >= self.k) / len(content)

    def _verdict(self, match: re.Match, text: str, language: str) -> tuple[str, int]:
        token = match.group()
        key = _key(token)
        support = self.support.get(key, 0)
        if token.startswith("["):
            return "placeholder", support
        if support >= self.k:
            return "shared", support
        if token.lower().startswith(("http", "www.")):
            return "LINK", support
        if any(ch.isdigit() for ch in token):
            # A house number or a quantity alone says little; a long number or a code says a lot.
            if token.isdigit() and len(token) < LONG_NUMBER_DIGITS:
                return "keep", support
            return "NUMBER", support
        frequency = zipf(key, language)
        if token[:1].isupper() and key in dictionary_names():
            initial = bool(_SENTENCE_END.search(text[:match.start()]))
            if frequency < NAME_WORD_ZIPF and not (initial and frequency >= COMMON_ZIPF + 1):
                return "NAME", support
        if frequency >= COMMON_ZIPF or key in self.vocabulary:
            return "keep", support
        return "PRIVATE", support

    @staticmethod
    def _worth_a_look(token: str, language: str) -> bool:
        """A kept word few conversations share that an editor should see: a name word, or not an everyday word."""
        key = _key(token)
        frequency = zipf(key, language)
        return (token[:1].isupper() and key in dictionary_names() and frequency < FUNCTION_WORD_ZIPF) \
            or frequency < EVERYDAY_ZIPF

    def _may_be_a_name(self, match: re.Match, text: str, language: str) -> bool:
        """A capitalised first-name word, or in English a capitalised word inside a sentence (a proper noun)."""
        token = match.group()
        if not token[:1].isupper() or _key(token) in self.vocabulary or zipf(_key(token), language) >= FUNCTION_WORD_ZIPF:
            return False
        if _key(token) in dictionary_names():
            return True
        return language == "en" and not _SENTENCE_END.search(text[:match.start()]) and token != "I"

    def _joins_name(self, matches: list[re.Match], verdicts: list[tuple[str, int]], index: int, other: int,
                    text: str, language: str) -> bool:
        near, far = sorted((index, other))
        between = text[matches[near].end():matches[far].start()]
        token = matches[other].group()
        return (between in (" ", "-") and token[:1].isupper() and verdicts[other][0] in ("keep", "PRIVATE")
                and verdicts[other][1] < self.k and zipf(_key(token), language) < FUNCTION_WORD_ZIPF)


def answer_agreement(words: SharedWords, answer: str) -> float:
    """How much of what the group's agents share an answer holds, and how little else (F1 over words).

    The draft's answer is the one most agents share: the medoid in words, not the one in
    which the anonymizer happened to find the fewest things.
    """
    own = {_key(m.group()) for m in tokens(answer) if not m.group().startswith("[")}
    shared = {w for w, n in words.support.items() if n >= words.k and not w.startswith("[")}
    if not own or not shared:
        return 0.0
    common = len(own & shared)
    precision, recall = common / len(own), common / len(shared)
    return 0.0 if not common else 2 * precision * recall / (precision + recall)
