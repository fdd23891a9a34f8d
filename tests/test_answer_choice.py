"""When the bot answers from the knowledge base, and when it hands over instead."""

from datetime import datetime, timezone

from knowledge.articles import Article, ArticleInput
from knowledge.base import SearchHit, choose_candidates
from nahbar.settings import Settings

THRESHOLD, CONFIDENCE = Settings.answer_threshold, Settings.answer_confidence
CLARIFY = Settings.clarify_confidence


def two_password_articles(knowledge):
    for slug, question in (("password-reset", "How do I reset my password?"),
                           ("password-change", "How do I change my password?")):
        knowledge.save(ArticleInput.from_mapping({"slug": slug, "language": "en", "question": question,
                                                  "answer": "Open your profile."}), "editor")


def test_a_clear_question_is_answered_in_the_customers_language(demo_knowledge):
    best = demo_knowledge.answer("Welche Zahlungsmöglichkeiten gibt es?", "de", THRESHOLD, CONFIDENCE)
    assert best.article.slug == "zahlungsarten"


def test_an_english_twin_does_not_split_the_vote_for_a_german_customer(demo_knowledge):
    # Without the language-first ranking both translations share the vote and neither is sure.
    every = demo_knowledge.search("Welche Zahlungsmöglichkeiten gibt es?", k=2)
    assert {h.article.slug for h in every} == {"zahlungsarten", "payment-methods"}
    best = demo_knowledge.answer("Welche Zahlungsmöglichkeiten gibt es?", "de", THRESHOLD, CONFIDENCE)
    assert best.confidence >= CONFIDENCE


def test_an_english_article_answers_a_german_customer_when_no_german_one_fits(knowledge):
    knowledge.save(ArticleInput.from_mapping({"slug": "tyre", "language": "en", "question": "How do I fix a flat tyre?",
                                              "answer": "Use the patch kit."}), "editor")
    best = knowledge.answer("Wie repariere ich einen platten Reifen?", "de", THRESHOLD, CONFIDENCE)
    assert best.article.slug == "tyre"


def test_the_bot_does_not_guess_between_two_equally_close_articles(knowledge):
    for slug, question in (("password-reset", "How do I reset my password?"),
                           ("password-change", "How do I change my password?")):
        knowledge.save(ArticleInput.from_mapping({"slug": slug, "language": "en", "question": question,
                                                  "answer": "Open your profile."}), "editor")
    assert knowledge.answer("password", "en", THRESHOLD, CONFIDENCE) is None
    (miss,) = knowledge.misses()
    assert (miss["query"], miss["source"]) == ("password", "bot")
    assert miss["best_score"] is not None  # the miss is logged with how close the knowledge base came


def test_a_question_the_knowledge_base_does_not_cover_is_not_answered_and_logged_as_a_miss(demo_knowledge):
    best = demo_knowledge.answer("What is the capital of Mongolia?", "en", THRESHOLD, CONFIDENCE)
    assert best is None
    assert [m["query"] for m in demo_knowledge.misses()] == ["What is the capital of Mongolia?"]


def test_an_empty_question_is_not_searched_nor_logged_as_a_miss(demo_knowledge):
    assert demo_knowledge.answer("   ", "en", THRESHOLD, CONFIDENCE) is None
    assert demo_knowledge.misses() == []


def test_between_two_equally_close_articles_the_bot_asks_which_one_and_logs_no_miss_yet(knowledge):
    two_password_articles(knowledge)
    decision = knowledge.decide("password", "en", THRESHOLD, CONFIDENCE, CLARIFY)
    assert decision.kind == "clarify" and decision.best is None
    assert {hit.article.slug for hit in decision.choices} == {"password-reset", "password-change"}
    assert knowledge.misses() == []


def test_with_clarification_off_two_close_articles_are_a_miss_as_before(knowledge):
    two_password_articles(knowledge)
    decision = knowledge.decide("password", "en", THRESHOLD, CONFIDENCE, 1.0)
    assert decision.kind == "miss"
    assert [m["query"] for m in knowledge.misses()] == ["password"]


def test_a_clear_question_is_answered_not_clarified(demo_knowledge):
    decision = demo_knowledge.decide("Welche Zahlungsmöglichkeiten gibt es?", "de", THRESHOLD, CONFIDENCE, CLARIFY)
    assert decision.kind == "answer" and decision.best.article.slug == "zahlungsarten"


def test_a_question_nothing_covers_is_neither_answered_nor_clarified(demo_knowledge):
    decision = demo_knowledge.decide("What is the capital of Mongolia?", "en", THRESHOLD, CONFIDENCE, CLARIFY)
    assert decision.kind == "miss"
    assert [m["query"] for m in demo_knowledge.misses()] == ["What is the capital of Mongolia?"]


def test_the_article_a_customer_picks_keeps_their_question_for_the_editors(knowledge):
    two_password_articles(knowledge)
    article = knowledge.clarification_chosen("password", "en", "password-change", "conversation-1")
    assert article.slug == "password-change"
    knowledge.replace_clarification_words({row_id: words for row_id, words, _ in knowledge.raw_clarifications()})
    (pick,) = knowledge.clarifications()
    assert (pick["article_id"], pick["query"], pick["asker"]) == (article.id, "password", "conversation-1")
    assert knowledge.misses() == []


def test_picking_none_of_the_articles_logs_the_question_as_a_miss(knowledge):
    two_password_articles(knowledge)
    knowledge.clarification_declined("password", "en", "conversation-1", 0.6)
    (miss,) = knowledge.misses()
    assert (miss["query"], miss["source"], miss["asker"]) == ("password", "bot", "conversation-1")
    assert knowledge.clarifications() == []


def hits(*scores_and_shares: tuple[float, float]) -> list[SearchHit]:
    now = datetime.now(timezone.utc)
    return [SearchHit(Article(n, f"article-{n}", "en", "", (), f"Question {n}?", "Answer.", "published", "editor", 1,
                              now, now), score, f"Question {n}?", share)
            for n, (score, share) in enumerate(scores_and_shares, 1)]


def test_a_third_close_article_is_offered_however_small_its_share_of_the_vote():
    offered = choose_candidates(hits((0.7, 0.6), (0.65, 0.35), (0.6, 0.03)), THRESHOLD, CLARIFY)
    assert [hit.article.slug for hit in offered] == ["article-1", "article-2", "article-3"]


def test_an_article_not_close_enough_to_answer_is_not_offered():
    offered = choose_candidates(hits((0.7, 0.6), (0.65, 0.35), (THRESHOLD - 0.01, 0.05)), THRESHOLD, CLARIFY)
    assert [hit.article.slug for hit in offered] == ["article-1", "article-2"]


def test_close_articles_that_hold_too_little_of_the_vote_together_are_not_offered():
    assert choose_candidates(hits((0.7, 0.4), (0.65, 0.2), (0.6, 0.1)), THRESHOLD, CLARIFY) == []


def test_one_close_article_alone_is_no_choice():
    assert choose_candidates(hits((0.7, 0.79), (THRESHOLD - 0.01, 0.2)), THRESHOLD, CLARIFY) == []
