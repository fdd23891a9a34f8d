"""Passages: an article's answer cut into sentences, so search can find what the answer says.

A shop starts with one phrasing per article, and customers ask about the details in its
answer ("Kann ich mit PayPal bezahlen?" when the answer lists PayPal). Each passage is
embedded beside the phrasings; it has no row of its own in the database, it is derived
from the answer, so its id in the vector index is computed from the article's id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

# Passage ids live above every phrasing row id, `PASSAGE_SLOTS` per article.
PASSAGE_ID_BASE = 1 << 40
PASSAGE_SLOTS = 1000
MIN_WORDS = 3  # "Yes." or a bare price is no passage: it would match anything of its kind

_MARKUP = re.compile(r"^\s*(?:[-+]|\d+[.)])\s+|[*_`#>]+|\[([^\]]*)\]\([^)]*\)")
# A sentence ends at . ! ? ; before a space, a paragraph at a blank line or a list item;
# a single line break inside a paragraph is only wrapping.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n\s*\n\s*|\n\s*(?=[-+*]\s|\d+[.)]\s)")


@dataclass(frozen=True)
class Passage:
    id: int
    article_id: int
    text: str
    language: str


def is_passage_id(row_id: int) -> bool:
    return row_id >= PASSAGE_ID_BASE


def split_answer(answer: str) -> list[str]:
    """The sentences of an answer without Markdown marks; short ones join the one before."""
    pieces: list[str] = []
    for piece in _SENTENCE_END.split(answer.strip()):
        piece = _MARKUP.sub(lambda m: m.group(1) or "", piece)
        piece = " ".join(piece.split())
        if not piece:
            continue
        if pieces and len(piece.split()) < MIN_WORDS:
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    if len(pieces) > 1 and len(pieces[0].split()) < MIN_WORDS:
        pieces[1] = f"{pieces[0]} {pieces[1]}"
        del pieces[0]
    return pieces


def passages_of(articles: Iterable[tuple[int, str, str, str]]) -> list[Passage]:
    """Passages of (article id, language, question, answer) rows, with their index ids.

    The first is the whole article, question and answer in one: a question that touches
    two of its sentences is closer to the whole than to either. A one-sentence answer has
    only that one, so a large knowledge base of short answers doubles its vectors, no more.
    """
    found: list[Passage] = []
    for article_id, language, question, answer in articles:
        sentences = split_answer(answer)[: PASSAGE_SLOTS - 1]
        texts = [" ".join([question, *sentences]), *(sentences if len(sentences) > 1 else [])]
        found.extend(Passage(whole_article_id(article_id) + number, article_id, text, language)
                     for number, text in enumerate(texts))
    return found


def whole_article_id(article_id: int) -> int:
    """The id of an article's first passage, the one with its whole text."""
    return PASSAGE_ID_BASE + article_id * PASSAGE_SLOTS
