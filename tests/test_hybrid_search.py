"""Search reads the whole article: answer passages, exact terms, German word forms."""

from knowledge.articles import ArticleInput
from knowledge.base import KnowledgeBase
from knowledge.lexical import LexicalIndex
from knowledge.passages import split_answer
from nahbar.settings import Settings

THRESHOLD, CONFIDENCE = Settings.answer_threshold, Settings.answer_confidence


def _save(knowledge, slug: str, question: str, answer: str, language: str = "en") -> None:
    knowledge.save(ArticleInput.from_mapping({"slug": slug, "language": language, "question": question,
                                              "answer": answer}), "editor")


def test_a_payment_method_named_only_in_the_answer_finds_the_payment_article(demo_knowledge):
    best = demo_knowledge.answer("Kann ich mit PayPal bezahlen?", "de", THRESHOLD, CONFIDENCE)
    assert best is not None and best.article.slug == "zahlungsarten"


def test_a_credit_card_question_gets_the_payment_article_not_the_gift_cards(demo_knowledge):
    best = demo_knowledge.answer("Nehmt ihr Kreditkarte?", "de", THRESHOLD, CONFIDENCE)
    assert best is not None and best.article.slug == "zahlungsarten"


def test_an_inflected_german_word_finds_the_answer_that_has_its_base_form(demo_knowledge):
    # "samstags" is nowhere in the demo; the opening-hours answer says "Samstag".
    best = demo_knowledge.answer("Habt ihr samstags offen?", "de", THRESHOLD, CONFIDENCE)
    assert best is not None and best.article.slug == "laden-oeffnungszeiten"


def test_an_exact_model_name_ranks_the_article_that_contains_it(knowledge):
    _save(knowledge, "city-bikes", "Which city bikes do you stock?",
          "We stock the Velora Urban 7 and the Velora Metro 3 in every frame size.")
    _save(knowledge, "cargo-bikes", "Which cargo bikes do you stock?",
          "We stock the Velora Lastenheld and the Velora Kiste 2 with and without motor.")
    assert knowledge.search("is the Lastenheld available?", "en")[0].article.slug == "cargo-bikes"
    assert knowledge.search("is the Urban 7 available?", "en")[0].article.slug == "city-bikes"


def test_a_german_compound_and_its_parts_find_each_other():
    index = LexicalIndex({1: "Wir verkaufen Fahrradschlösser von Abus und Kryptonite.",
                          2: "Wir verkaufen Fahrradhelme in allen Größen.",
                          3: "Die Werkstatt repariert jedes Fahrrad."})
    found = index.scores("Habt ihr ein Schloss?")
    assert max(found, key=found.get) == 1
    found = index.scores("Helm kaufen")
    assert max(found, key=found.get) == 2


def test_stop_words_alone_match_nothing():
    index = LexicalIndex({1: "Kann ich mit Karte zahlen?", 2: "Was kann ich tun?"})
    assert index.scores("kann ich das?") == {}
    assert index.scores("") == {}


def test_an_answer_is_cut_into_sentences_without_markup():
    assert split_answer("You can pay by **credit card**, PayPal\nor bank transfer. Yes.\n\n- Apple Pay is *not* taken.") == [
        "You can pay by credit card, PayPal or bank transfer. Yes.",
        "Apple Pay is not taken.",
    ]


def test_a_changed_answer_is_searched_by_its_new_words_at_once(knowledge):
    _save(knowledge, "payment", "Which payment methods do you accept?", "Credit card and PayPal.")
    _save(knowledge, "gift", "Do you sell gift cards?", "Yes, from 10 to 500 euros.")
    _save(knowledge, "payment", "Which payment methods do you accept?", "Credit card and Klarna.")
    assert knowledge.search("Klarna", "en")[0].article.slug == "payment"
    hits = knowledge.search("PayPal", "en")
    assert all("PayPal" not in hit.matched for hit in hits)


def test_a_withdrawn_article_is_not_found_by_its_answer(knowledge):
    _save(knowledge, "payment", "Which payment methods do you accept?", "Credit card, PayPal and Klarna.")
    _save(knowledge, "gift", "Do you sell gift cards?", "Yes, from 10 to 500 euros.")
    knowledge.set_status("payment", "withdrawn", "editor")
    assert [hit.article.slug for hit in knowledge.search("Klarna", "en")] == ["gift"]


def test_an_index_that_missed_an_answer_change_is_rebuilt_with_the_new_passages(knowledge, store, encoder, tmp_path):
    _save(knowledge, "payment", "Which payment methods do you accept?", "Credit card and PayPal.")
    _save(knowledge, "gift", "Do you sell gift cards?", "Yes, from 10 to 500 euros.")
    # The process dies after the database write, before the index followed.
    store.save(ArticleInput.from_mapping({"slug": "payment", "language": "en", "answer": "Only Klarna and bank transfer.",
                                          "question": "Which payment methods do you accept?"}), "editor")
    again = KnowledgeBase(store, encoder, knowledge.index_path)
    assert again.open() == "rebuilt"
    hit = again.search("Klarna", "en")[0]
    assert hit.article.slug == "payment" and "Only Klarna and bank transfer." in hit.matched
    assert KnowledgeBase(store, encoder, knowledge.index_path).open() == "loaded"


def test_another_process_that_changed_an_answer_is_caught_up_by_refresh(knowledge, store, encoder, tmp_path):
    _save(knowledge, "payment", "Which payment methods do you accept?", "Credit card and PayPal.")
    _save(knowledge, "gift", "Do you sell gift cards?", "Yes, from 10 to 500 euros.")
    other = KnowledgeBase(store, encoder, tmp_path / "other" / "knowledge.faiss")
    other.open()
    _save(other, "payment", "Which payment methods do you accept?", "Only Klarna and bank transfer.")
    assert knowledge.refresh() == 1
    assert "Only Klarna and bank transfer." in knowledge.search("Klarna", "en")[0].matched
    assert knowledge.refresh() == 0
