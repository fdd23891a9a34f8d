"""Exact-term search: BM25 over the character n-grams of each article's whole text.

Dense vectors know that "Kreditkarte" and "PayPal" are both ways to pay, which is why a
question about one can land on the gift-card article; they do not know which names an
answer actually contains. This index does: a query scores by how much of its wording an
article's question, phrasings and answer contain, weighted by how rare each piece is.

Character n-grams inside words (scikit-learn's `char_wb` analyzer, hashed) instead of
words: German inflections and compounds share most of their n-grams with the base word
("samstags"/"Samstag", "Kreditkarte"/"Karte", "Zahlungsarten"/"bezahlen"), and so do
typos, without a stemmer or a compound dictionary per language. Stop words (spaCy's
German and English lists) are dropped first, so "kann ich" matches nothing.

Kept in memory, rebuilt from the published articles with the vector index, so it behaves
the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Mapping

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from spacy.lang.de.stop_words import STOP_WORDS as GERMAN_STOP_WORDS
from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_STOP_WORDS

K1 = 1.2
B = 0.5  # articles differ in length mostly by how much detail they give, not by topic drift
NGRAMS = (3, 5)
FEATURES = 1 << 20

_STOP = frozenset(GERMAN_STOP_WORDS | ENGLISH_STOP_WORDS)
_WORD = re.compile(r"\w+")


def normalize(text: str) -> str:
    """Lower case, umlauts and accents folded (customers type "oe" or drop the dots), stop words out."""
    words = (w for w in _WORD.findall(text.lower()) if w not in _STOP)
    folded = " ".join(words)
    folded = unicodedata.normalize("NFKD", folded.replace("ß", "ss"))
    return "".join(c for c in folded if not unicodedata.combining(c))


_VECTORIZER = HashingVectorizer(analyzer="char_wb", ngram_range=NGRAMS, n_features=FEATURES, alternate_sign=False,
                                norm=None, lowercase=False, preprocessor=normalize, dtype=np.float32)


class LexicalIndex:
    """BM25 scores of articles for a query, normalized to 0..1: the share of the query's
    (idf-weighted) n-grams an article contains, saturated by how often it contains them."""

    def __init__(self, texts: Mapping[int, str] | None = None) -> None:
        self._texts: dict[int, str] = {}
        self._rows: dict[int, sparse.csr_matrix] = {}
        self._ids: list[int] = []
        self._weights = sparse.csc_matrix((0, FEATURES), dtype=np.float32)
        self._idf = np.zeros(FEATURES, dtype=np.float32)
        if texts:
            self.update(texts, ())

    def __len__(self) -> int:
        return len(self._ids)

    def update(self, texts: Mapping[int, str], removed: Iterable[int]) -> None:
        """Replace the texts of some articles and drop others; the weights are recomputed.

        Recomputing is a few sparse-matrix operations over every article (milliseconds per
        thousand), done on a write, never on a search.
        """
        for article_id in removed:
            self._texts.pop(article_id, None)
            self._rows.pop(article_id, None)
        if texts:
            counted = _VECTORIZER.transform(list(texts.values())).tocsr()
            for position, (article_id, text) in enumerate(texts.items()):
                self._texts[article_id] = text
                self._rows[article_id] = counted[position]
        self._ids = sorted(self._rows)
        if not self._ids:
            self._weights = sparse.csc_matrix((0, FEATURES), dtype=np.float32)
            self._idf = np.zeros(FEATURES, dtype=np.float32)
            return
        counts = sparse.vstack([self._rows[i] for i in self._ids]).tocsr()
        documents = len(self._ids)
        frequency = np.bincount(counts.indices, minlength=FEATURES).astype(np.float32)
        self._idf = np.log1p((documents - frequency + 0.5) / (frequency + 0.5)).astype(np.float32)
        lengths = np.asarray(counts.sum(axis=1)).ravel()
        norm = K1 * (1 - B + B * lengths / max(lengths.mean(), 1.0))
        saturated = counts.copy()
        row_of = np.repeat(np.arange(documents), np.diff(counts.indptr))
        saturated.data = counts.data * (K1 + 1) / (counts.data + norm[row_of])
        self._weights = saturated.tocsc()

    def scores(self, query: str) -> dict[int, float]:
        """Articles that share any n-gram with the query, with their normalized score."""
        if not self._ids:
            return {}
        columns = np.unique(_VECTORIZER.transform([query]).indices)
        if not len(columns):
            return {}
        idf = self._idf[columns]
        best = float(idf.sum()) * (K1 + 1)
        if best <= 0:
            return {}
        raw = self._weights[:, columns] @ idf
        found = np.flatnonzero(raw)
        return {self._ids[row]: float(raw[row]) / best for row in found}
