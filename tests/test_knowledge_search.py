"""Knowledge search: ranking, languages, and what must never be found."""

from knowledge.articles import ArticleInput


def slugs(hits):
    return [hit.article.slug for hit in hits]


def test_a_german_question_finds_the_german_article_first(demo_knowledge):
    hits = demo_knowledge.search("Wie lange muss ich auf meine Lieferung warten?")
    assert hits[0].article.slug == "lieferzeit"
    assert hits[0].score > 0.6


def test_an_english_question_finds_the_english_article_first_in_english(demo_knowledge):
    assert slugs(demo_knowledge.search("What payment options do you have?", language="en"))[0] == "payment-methods"


def test_without_a_language_filter_both_translations_lead_the_results(demo_knowledge):
    top_two = set(slugs(demo_knowledge.search("What payment options do you have?", k=2)))
    assert top_two == {"payment-methods", "zahlungsarten"}


def test_a_german_question_finds_the_english_article_across_languages(demo_knowledge):
    hits = demo_knowledge.search("Welche Zahlungsmöglichkeiten gibt es?", language="en")
    assert hits[0].article.slug == "payment-methods"
    assert all(hit.article.language == "en" for hit in hits)


def test_results_are_ranked_by_confidence_then_score_with_one_entry_per_article(demo_knowledge):
    hits = demo_knowledge.search("return an item", k=10)
    keys = [(hit.confidence, hit.score) for hit in hits]
    assert keys == sorted(keys, reverse=True)
    assert len(set(slugs(hits))) == len(hits) == 10
    assert 0 < sum(hit.confidence for hit in hits) <= 1.0 + 1e-9


def _article(slug: str, question: str, *alternatives: str) -> ArticleInput:
    return ArticleInput.from_mapping({"slug": slug, "language": "en", "question": question, "answer": "See the steps.",
                                      "alternatives": list(alternatives)})


def test_an_article_whose_phrasings_agree_wins_over_a_single_close_phrasing(knowledge):
    knowledge.save(_article("card-arrival", "My card has not arrived yet", "When will my new card come?",
                            "Still waiting for my card to be delivered", "How long does card delivery take?"), "editor")
    knowledge.save(_article("card-activation", "How do I activate my new card?"), "editor")
    hits = knowledge.search("Where is my new card?")
    assert hits[0].article.slug == "card-arrival"
    assert hits[0].confidence > 0.6 > hits[1].confidence


def test_two_equally_close_articles_share_the_confidence(knowledge):
    knowledge.save(_article("password-reset", "How do I reset my password?"), "editor")
    knowledge.save(_article("password-change", "How do I change my password?"), "editor")
    hits = knowledge.search("password")
    assert {h.article.slug for h in hits} == {"password-reset", "password-change"}
    assert all(0.3 < h.confidence < 0.7 for h in hits)


def test_draft_articles_are_never_found(knowledge):
    knowledge.save(
        ArticleInput.from_mapping(
            {"slug": "secret-sale", "language": "en", "question": "Is there a secret sale?", "answer": "Yes.", "status": "draft"}
        ),
        actor="editor",
    )
    assert "secret-sale" not in slugs(knowledge.search("Is there a secret sale?"))
    assert knowledge.article("secret-sale") is None


def test_withdrawing_removes_an_article_from_search_at_once_and_publishing_brings_it_back(demo_knowledge):
    question = "How long does delivery take?"
    demo_knowledge.set_status("delivery-time", "withdrawn", actor="editor")
    assert "delivery-time" not in slugs(demo_knowledge.search(question, k=40))
    demo_knowledge.set_status("delivery-time", "published", actor="editor")
    assert slugs(demo_knowledge.search(question))[0] == "delivery-time"


def test_alternative_phrasings_find_the_article(knowledge):
    knowledge.save(
        ArticleInput.from_mapping(
            {
                "slug": "bike-theft",
                "language": "en",
                "question": "What do I do if my bike was stolen?",
                "answer": "Report it to the police and send us the report.",
                "alternatives": ["someone nicked my e-bike outside the station"],
            }
        ),
        actor="editor",
    )
    hit = knowledge.search("my e-bike got nicked at the station")[0]
    assert hit.article.slug == "bike-theft"
    assert hit.matched == "someone nicked my e-bike outside the station"
    assert "nicked" not in str(hit.to_dict("/kb/bike-theft"))  # the public API shows the article's question only


def test_empty_queries_find_nothing(demo_knowledge):
    assert demo_knowledge.search("   ") == []


def test_a_text_encoded_twice_in_a_row_is_encoded_once(encoder, monkeypatch):
    """The bot's NLU and the knowledge search both encode the customer's message."""
    calls = []
    original = encoder.model.encode
    monkeypatch.setattr(encoder.model, "encode", lambda texts, **kw: calls.append(texts) or original(texts, **kw))
    text = "Wie lange dauert die Lieferung eines Lastenrads nach Graz?"
    first = encoder.encode([text])
    first[0, 0] += 1.0  # a caller changing its copy changes nobody else's
    second = encoder.encode([text])
    assert len(calls) == 1
    assert abs(second[0, 0] - (first[0, 0] - 1.0)) < 1e-6
