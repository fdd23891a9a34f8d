"""The learned ranker: trained on the published phrasings, kept in step with the index."""

import numpy as np

from knowledge.articles import ArticleInput
from knowledge.base import KnowledgeBase
from knowledge.ranker import ArticleRanker


def _article(slug: str, question: str, *alternatives: str, answer: str = "See the steps.") -> ArticleInput:
    return ArticleInput.from_mapping({"slug": slug, "language": "en", "question": question, "answer": answer,
                                      "alternatives": list(alternatives)})


CARD = _article("card-arrival", "My card has not arrived yet", "When will my new card come?",
                "Still waiting for my card to be delivered", "How long does card delivery take?",
                answer="Cards arrive within 5 working days.")
PIN = _article("change-pin", "How do I change my PIN?", "I want a new PIN", "Can I set a different PIN number?",
               "Where do I reset my card PIN?", answer="Change your PIN in the app under Card settings.")
TOPUP = _article("top-up-failed", "My top-up did not work", "Why was my top up declined?",
                 "Adding money to my account failed", "The top-up is not showing up",
                 answer="A failed top-up is returned to your card within a day.")


def slugs(hits):
    return [hit.article.slug for hit in hits]


def test_articles_with_several_phrasings_train_the_ranker_and_it_joins_the_ranking(knowledge):
    knowledge.save(CARD, "editor")
    knowledge.save(PIN, "editor")
    info = knowledge.ranker_info
    assert info["articles"] == 2
    assert 0 < info["weight"] < 1


def test_with_one_phrasing_per_article_the_vote_ranks_alone(demo_knowledge):
    assert demo_knowledge.ranker_info["weight"] == 0.0


def test_publishing_an_article_retrains_the_ranker(knowledge):
    knowledge.save(CARD, "editor")
    knowledge.save(PIN, "editor")
    knowledge.save(TOPUP, "editor")
    assert knowledge.ranker_info["articles"] == 3
    assert slugs(knowledge.search("my top up was rejected"))[0] == "top-up-failed"


def test_a_withdrawn_article_is_never_ranked(knowledge):
    for article in (CARD, PIN, TOPUP):
        knowledge.save(article, "editor")
    knowledge.set_status("top-up-failed", "withdrawn", actor="editor")
    assert knowledge.ranker_info["articles"] == 2
    assert "top-up-failed" not in slugs(knowledge.search("My top-up did not work", k=10))


def test_the_ranker_gives_no_share_to_an_article_it_may_not_rank():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(30, 8)).astype(np.float32)
    ranker = ArticleRanker.fit(vectors, [1] * 10 + [2] * 10 + [3] * 10)
    allowed = np.array([True, False, True])  # article 2 was withdrawn after the fit
    probabilities = ranker.probabilities(vectors[10], allowed)
    assert probabilities[1] == 0.0
    assert abs(probabilities.sum() - 1.0) < 1e-9


def test_a_new_phrasing_changes_the_ranking(knowledge):
    knowledge.save(CARD, "editor")
    knowledge.save(PIN, "editor")
    question = "my card got blocked after three wrong codes"
    before = knowledge.search(question)[0]
    other = PIN if before.article.slug == "card-arrival" else CARD
    knowledge.save(_article(other.slug, other.question, *other.alternatives, question, answer=other.answer), "editor")
    after = knowledge.search(question)[0]
    assert after.article.slug == other.slug != before.article.slug


def test_confidence_is_a_share_and_higher_for_a_clear_question_than_for_an_ambiguous_one(knowledge):
    for article in (CARD, PIN, TOPUP):
        knowledge.save(article, "editor")
    clear = knowledge.search("When will my new card be delivered?")
    ambiguous = knowledge.search("card")
    for hits in (clear, ambiguous):
        assert all(0.0 <= hit.confidence <= 1.0 for hit in hits)
        assert sum(hit.confidence for hit in hits) <= 1.0 + 1e-9
    assert clear[0].article.slug == "card-arrival"
    assert clear[0].confidence > ambiguous[0].confidence


def test_another_process_that_refreshes_ranks_as_the_writer_does(knowledge, store, encoder, tmp_path):
    other = KnowledgeBase(store, encoder, tmp_path / "other" / "knowledge.faiss")
    other.open()
    for article in (CARD, PIN, TOPUP):
        knowledge.save(article, "editor")
    assert other.refresh() == 3
    for question in ("I still have no card", "new pin please", "top up failed again", "card"):
        mine, theirs = knowledge.search(question), other.search(question)
        assert slugs(mine) == slugs(theirs)
        assert np.allclose([h.confidence for h in mine], [h.confidence for h in theirs], atol=1e-3)


def test_a_restart_loads_the_ranker_saved_beside_the_index_instead_of_training_again(knowledge, store, encoder):
    for article in (CARD, PIN, TOPUP):
        knowledge.save(article, "editor")
    restarted = KnowledgeBase(store, encoder, knowledge.index_path)
    assert restarted.open() == "loaded"
    assert restarted.ranker_info["articles"] == 3
    assert restarted.ranker_info["fit_seconds"] == 0.0  # loaded, not fitted
    question = "where is my card"
    assert ([(h.article.slug, h.confidence) for h in restarted.search(question)]
            == [(h.article.slug, h.confidence) for h in knowledge.search(question)])
