"""Articles in the database: import, versions, validation; on SQLite and PostgreSQL."""

import pytest

from knowledge.articles import ArticleError, ArticleInput, slugify

ARTICLE = {"language": "en", "question": "How do I pump up my tyres?", "answer": "Use a **track pump**.", "topic": "service"}


def test_import_creates_published_articles_with_a_first_version(knowledge, demo_entries):
    report = knowledge.import_articles(demo_entries, actor="test")
    assert (report.created, report.updated, report.unchanged) == (40, 0, 0)
    assert knowledge.count("published") == 40
    versions = knowledge.versions("lieferzeit")
    assert [(v["version"], v["changed_by"], v["status"]) for v in versions] == [(1, "test", "published")]


def test_importing_the_same_file_again_changes_nothing(demo_knowledge, demo_entries):
    report = demo_knowledge.import_articles(demo_entries, actor="test")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 40)
    assert len(demo_knowledge.versions("lieferzeit")) == 1


def test_a_changed_answer_becomes_a_new_version_and_keeps_the_old_one(knowledge):
    knowledge.save(ArticleInput.from_mapping(ARTICLE), actor="alice")
    knowledge.save(ArticleInput.from_mapping({**ARTICLE, "answer": "Use a floor pump."}), actor="bob")
    versions = knowledge.versions(slugify(ARTICLE["question"]))
    assert [(v["version"], v["answer"], v["changed_by"]) for v in versions] == [
        (1, "Use a **track pump**.", "alice"),
        (2, "Use a floor pump.", "bob"),
    ]


def test_one_bad_entry_stops_the_whole_import_and_keeps_what_was_stored(demo_knowledge):
    entries = [
        {**ARTICLE, "slug": "lieferzeit", "language": "de", "answer": "overwritten"},
        {"language": "fr", "question": "Bonjour?", "answer": "Oui."},
        {"language": "en", "answer": "No question here."},
    ]
    with pytest.raises(ArticleError) as error:
        demo_knowledge.import_articles(entries, actor="test")
    message = str(error.value)
    assert "nothing was imported" in message
    assert "entry 2" in message and "language 'fr' is not one of de, en" in message
    assert "entry 3" in message and "question is missing" in message
    assert demo_knowledge.article("lieferzeit").answer.startswith("Teile und Zubehör")
    assert demo_knowledge.count() == 40


def test_duplicate_slugs_in_one_import_are_refused(knowledge):
    with pytest.raises(ArticleError, match="same slug appears more than once: tyres"):
        knowledge.import_articles([{**ARTICLE, "slug": "tyres"}, {**ARTICLE, "slug": "tyres"}], actor="t")
    assert knowledge.count() == 0


def test_an_article_cannot_change_its_language(knowledge):
    knowledge.save(ArticleInput.from_mapping({**ARTICLE, "slug": "tyres"}), actor="t")
    with pytest.raises(ArticleError, match="its language cannot change"):
        knowledge.save(ArticleInput.from_mapping({**ARTICLE, "slug": "tyres", "language": "de"}), actor="t")


@pytest.mark.parametrize(
    "entry, problem",
    [
        ({**ARTICLE, "question": "x" * 301}, "question is longer than 300 characters"),
        ({**ARTICLE, "answer": 42}, "answer must be text"),
        ({**ARTICLE, "status": "secret"}, "status 'secret' is not one of"),
        ({**ARTICLE, "slug": "Not A Slug"}, "may only hold lowercase letters"),
        ({**ARTICLE, "tags": "fine"}, None),
        ({**ARTICLE, "tags": [1, 2]}, "tags must be a list of texts"),
        ("just text", "must be a mapping"),
    ],
)
def test_article_input_is_checked_field_by_field(entry, problem):
    if problem is None:
        assert ArticleInput.from_mapping(entry).tags == ("fine",)
    else:
        with pytest.raises(ArticleError, match=problem):
            ArticleInput.from_mapping(entry)


def test_slugs_are_readable_ascii():
    assert slugify("Wie lösche ich mein Kundenkonto?") == "wie-loesche-ich-mein-kundenkonto"
    assert slugify("Größe & Maße") == "groesse-masse"


def test_feedback_counts_once_per_nonce(demo_knowledge):
    assert demo_knowledge.record_feedback("lieferzeit", True, "web", "nonce-1") is True
    assert demo_knowledge.record_feedback("lieferzeit", True, "web", "nonce-1") is False
    assert demo_knowledge.record_feedback("lieferzeit", False, "web", "nonce-2") is True
    article = demo_knowledge.article("lieferzeit")
    assert demo_knowledge.feedback_counts(article.id) == {"helpful": 1, "unhelpful": 1}


def test_feedback_on_an_unpublished_article_is_refused(demo_knowledge):
    demo_knowledge.set_status("lieferzeit", "withdrawn", actor="editor")
    with pytest.raises(ArticleError, match="no published article"):
        demo_knowledge.record_feedback("lieferzeit", True, "web", "nonce-3")
