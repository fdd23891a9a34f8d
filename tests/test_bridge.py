"""The bridge pipeline on real stores, encoder, FAISS and Presidio; chats seeded in the database."""

from __future__ import annotations

import re

import pytest

from helpdesk.conversations import ConversationStore, new_token
from helpdesk.handoff_store import HandoffStore
from bridge.anonymize import load_anonymizer
from bridge.gaps import anonymize_misses
from bridge.pipeline import Bridge, BridgeSettings
from bridge.privacy import DEFAULT_PRIVATE_TOPICS, PrivateTopics
from bridge.review import Review, ReviewError

DOG_QUESTIONS = [
    ("en", "Can I take my dog along on the guided bike tour?"),
    ("en", "Is my dog allowed to come on the guided bike tour?"),
    ("de", "Darf mein Hund bei der geführten Radtour mitkommen?"),
    ("en", "Can my dog join me on the guided bike tour?"),
]
DOG_ANSWER = "Yes, dogs are welcome on all guided tours as long as they stay on a leash and you bring water for them."


@pytest.fixture
def chats(engine):
    conversations = ConversationStore(engine)
    conversations.create_tables()
    return conversations


@pytest.fixture
def bridge(engine, demo_knowledge, chats, tmp_path_factory) -> Bridge:
    instance = Bridge(engine, demo_knowledge, load_anonymizer(str(tmp_path_factory.getbasetemp() / "nlp")),
                      PrivateTopics.load(DEFAULT_PRIVATE_TOPICS), BridgeSettings(min_customers=3))
    instance.create_tables()
    return instance


def resolved_chat(chats: ConversationStore, question: str, answer: str, language: str = "en", kind: str = "general",
                  agent: str = "Alex", before: tuple[str, ...] = ()) -> int:
    """A conversation as the widget and the console leave it: question, handoff, agent answer, resolution."""
    conversation = chats.find_or_create(new_token(), language)
    handoffs = HandoffStore(chats.engine)
    for text in before:
        chats.add_message(conversation.id, "customer", text)
    chats.add_message(conversation.id, "customer", question)
    chats.add_message(conversation.id, "bot", "Sorry, I couldn't find a good answer to that.")
    chats.add_message(conversation.id, "customer", "/request_human")
    handoffs.escalate(conversation.id, "no_answer", 0, False)
    chats.add_message(conversation.id, "system", "I'm handing you over to our support team.")
    handoffs.claim(conversation.id, 1, agent)
    chats.add_message(conversation.id, "agent", f"Hi, I'm {agent}.", {"agent_name": agent})
    chats.add_message(conversation.id, "agent", answer, {"agent_name": agent})
    handoffs.finish(conversation.id, 1, "alex", "resolved", "resolved", "explained", kind)
    return conversation.id


def drafted(bridge: Bridge, chats: ConversationStore) -> tuple[Review, object]:
    """Three customers asked the dog question and an agent answered each: one draft waits."""
    for language, question in DOG_QUESTIONS[:3]:
        resolved_chat(chats, question, DOG_ANSWER, language)
    bridge.run()
    review = Review(bridge.engine, bridge.knowledge)
    (item,) = review.queue()
    return review, item


def test_a_question_asked_by_fewer_than_k_customers_is_not_proposed(bridge, chats):
    for language, question in DOG_QUESTIONS[:2]:
        resolved_chat(chats, question, DOG_ANSWER, language)
    summary = bridge.run()
    assert (summary.read, summary.anonymized, summary.drafts_created) == (2, 2, 0)
    assert Review(bridge.engine, bridge.knowledge).queue() == []


def test_k_customers_asking_the_same_thing_across_languages_make_one_draft(bridge, chats):
    for language, question in DOG_QUESTIONS[:3]:
        resolved_chat(chats, question, DOG_ANSWER, language)
    summary = bridge.run()
    assert summary.drafts_created == 1
    (item,) = Review(bridge.engine, bridge.knowledge).queue()
    assert (item.customers, item.evidence) == (3, 3)
    draft = bridge.knowledge.article(item.slug, public_only=False)
    assert draft.status == "draft" and draft.origin == "bridge" and draft.answer == DOG_ANSWER
    phrasings = {draft.question, *bridge.knowledge.alternatives(draft.id)}
    assert phrasings == {q for _, q in DOG_QUESTIONS[:3]}
    assert bridge.knowledge.search("dog on the bike tour") == [] or all(
        h.article.slug != item.slug for h in bridge.knowledge.search("dog on the bike tour"))


def test_running_again_reads_nothing_twice(bridge, chats):
    for language, question in DOG_QUESTIONS[:3]:
        resolved_chat(chats, question, DOG_ANSWER, language)
    bridge.run()
    again = bridge.run()
    assert (again.read, again.drafts_created, again.drafts_updated) == (0, 0, 0)
    resolved_chat(chats, DOG_QUESTIONS[3][1], DOG_ANSWER)
    grown = bridge.run()
    assert (grown.read, grown.drafts_updated) == (1, 1)


def test_chats_marked_personal_are_never_proposed_and_their_text_is_not_kept(bridge, chats):
    for language, question in DOG_QUESTIONS[:3]:
        resolved_chat(chats, question, DOG_ANSWER, language, kind="personal")
    summary = bridge.run()
    assert (summary.skipped_private, summary.drafts_created) == (3, 0)
    assert bridge.counts() == {"private": 3}
    with bridge.engine.connect() as conn:
        from sqlalchemy import select

        from bridge.schema import pairs

        assert conn.execute(select(pairs.c.question, pairs.c.answer)).all() == [(None, None)] * 3


@pytest.mark.parametrize("language,questions,answer", [
    ("de", ["Ich hatte eine OP am Knie. Könnt ihr das Rad bis in die Wohnung tragen?",
            "Nach meiner Knie-Operation kann ich nichts Schweres heben; bringt ihr das Rad in den dritten Stock?",
            "Seit dem Eingriff an der Hüfte darf ich nicht tragen. Tragt ihr das Rad hoch?"],
     "Ja, unsere Spedition trägt das Rad gegen Aufpreis bis in die Wohnung."),
    ("en", ["My dad passed away last month; can I return the bike he ordered?",
            "Since my father's funeral I found an unopened bike he bought from you. Can it go back?",
            "We lost my mum in March and her new e-bike is still boxed. Can we send it back?"],
     "Yes, unused bikes can be returned; we will collect it free of charge."),
    ("en", ["Someone got into my account and ordered two bikes, please stop them!",
            "I never placed these orders, somebody must have hacked me. Cancel them please.",
            "A stranger changed my e-mail address and bought stuff with my account."],
     "We have cancelled the orders; set a new password with the reset link."),
])
def test_chats_on_sensitive_matters_are_never_proposed_whatever_the_agent_marked(bridge, chats, language, questions,
                                                                                 answer):
    for question in questions:
        resolved_chat(chats, question, answer, language, kind="general")
    summary = bridge.run()
    assert (summary.skipped_private, summary.drafts_created) == (3, 0)


def test_a_sensitive_aside_in_an_earlier_message_keeps_the_chat_private(bridge, chats):
    for before in ("Ich bin seit drei Wochen in der Reha.", "Mir droht gerade eine Pfändung.",
                   "I've just been laid off."):
        resolved_chat(chats, DOG_QUESTIONS[0][1], DOG_ANSWER, before=(before,))
    assert bridge.run().skipped_private == 3


def test_ordinary_questions_that_mention_a_problem_are_still_proposed(bridge, chats):
    for question in ("My e-bike battery died after a year, is that covered by the warranty?",
                     "The battery of my e-bike is dead after one year. Warranty?",
                     "Is a battery that stopped working after a year covered by warranty?"):
        resolved_chat(chats, question, "Yes, batteries have a two-year warranty; bring it to any of our shops.")
    summary = bridge.run()
    assert summary.skipped_private == 0


def test_the_reason_a_chat_was_held_back_names_the_category_never_the_text(bridge, chats):
    resolved_chat(chats, "Wegen meiner Chemo kann ich das Rad nicht abholen. Liefert ihr?", DOG_ANSWER, "de")
    bridge.run()
    from sqlalchemy import select

    from bridge.schema import pairs
    with bridge.engine.connect() as conn:
        (row,) = conn.execute(select(pairs.c.status, pairs.c.skip_reason, pairs.c.question)).all()
    assert row.status == "private" and "health" in row.skip_reason and "Chemo" not in row.skip_reason
    assert row.question is None
    assert Review(bridge.engine, bridge.knowledge).held_back() == [("health", 1)]  # what the editor console shows


def test_a_question_an_article_already_answers_becomes_evidence_for_it(bridge, chats):
    for question in ("How long does the delivery of a bike take?", "How many days does delivery take?",
                     "How long will the delivery take?"):
        resolved_chat(chats, question, "Parts ship in a day; complete bikes come by freight in 5 to 8 working days.")
    summary = bridge.run()
    assert summary.drafts_created == 0
    assert summary.groups_created == 1 and summary.attached >= 1  # one group, attached to the article
    group, members = bridge.group(1)
    assert group["status"] == "attached" and len(members) == 3
    assert group["article_id"] in {bridge.knowledge.article(s).id for s in ("delivery-time", "lieferzeit")}


def test_no_personal_data_reaches_a_draft(bridge, chats):
    """A stream of chats with personal data woven in: none of it may appear in any draft."""
    injected = []
    people = [("Jana Becker", "jana.becker@example.org", "0170 1234567", "DE89 3704 0044 0532 0130 00"),
              ("Tom Fischer", "tom.f@web.de", "+49 341 9876543", "DE02 1203 0000 0000 2020 51"),
              ("Mia Wagner", "mia.wagner@gmx.net", "0151 23456789", "DE12 5001 0517 0648 4898 90"),
              ("Ben Schulz", "ben@schulz-family.de", "+44 20 7946 0958", "GB82 WEST 1234 5698 7654 32")]
    for (name, email, phone, iban), (language, question) in zip(people, DOG_QUESTIONS):
        injected += [name, *name.split(), email, phone, iban]
        resolved_chat(chats, f"Hi, my name is {name}. {question} You can reach me at {email} or {phone}.",
                      f"Thanks {name.split()[0]}! {DOG_ANSWER} The deposit goes back to {iban}.", language,
                      before=(f"Mein Name ist {name}.",))
    bridge.run()
    (item,) = Review(bridge.engine, bridge.knowledge).queue()
    draft = bridge.knowledge.article(item.slug, public_only=False)
    published_text = " ".join([draft.question, draft.answer, *bridge.knowledge.alternatives(draft.id)])
    leaked = [value for value in injected if value in published_text]
    assert leaked == []
    assert not re.search(r"\d{4}", published_text)


def test_approving_publishes_the_edited_article_and_writes_the_audit_log(bridge, chats):
    review, item = drafted(bridge, chats)
    slug = review.approve(item.group_id, "erin", "Can I bring my dog on a guided tour?", DOG_ANSWER, [])
    article = bridge.knowledge.article(slug)
    assert article.status == "published" and article.question == "Can I bring my dog on a guided tour?"
    assert bridge.knowledge.search("Darf mein Hund mit auf die Radtour?")[0].article.slug == slug
    (entry,) = review.audit_log()
    assert (entry["actor"], entry["action"], entry["before"]["status"], entry["after"]["status"]) == (
        "erin", "approve", "draft", "published")
    assert review.queue() == []


def test_an_unresolved_flag_blocks_approval(bridge, chats):
    for language, question in DOG_QUESTIONS[:3]:
        resolved_chat(chats, question, "Our guide Frank says dogs on a leash are welcome on all guided tours.", language)
    bridge.run()
    review = Review(bridge.engine, bridge.knowledge)
    (item,) = review.queue()
    assert item.open_flags == 1
    with pytest.raises(ReviewError, match="flagged"):
        review.approve(item.group_id, "erin", "Dogs on tours?", DOG_ANSWER, [])
    assert bridge.knowledge.article(item.slug) is None  # still not public
    review.approve(item.group_id, "erin", "Dogs on tours?", DOG_ANSWER, [0])
    assert bridge.knowledge.article(item.slug).status == "published"


def test_a_rejected_draft_stays_away_until_its_group_grows_substantially(bridge, chats):
    review, item = drafted(bridge, chats)
    with pytest.raises(ReviewError, match="why"):
        review.reject(item.group_id, "erin", " ")
    review.reject(item.group_id, "erin", "Tours are not offered any more")
    assert bridge.knowledge.article(item.slug, public_only=False).status == "withdrawn"
    resolved_chat(chats, DOG_QUESTIONS[3][1], DOG_ANSWER)
    bridge.run()
    assert review.queue() == []  # 4 of the 6 it needs to come back
    for _ in range(2):
        resolved_chat(chats, "May I bring my dog on the guided bike tour?", DOG_ANSWER)
    bridge.run()
    assert [i.group_id for i in review.queue()] == [item.group_id]
    assert review.audit_log()[0]["reason"] == "Tours are not offered any more"


def test_merging_adds_the_customers_wording_to_an_existing_article(bridge, chats):
    review, item = drafted(bridge, chats)
    review.merge(item.group_id, "erin", "service-appointment")
    target = bridge.knowledge.article("service-appointment")
    assert DOG_QUESTIONS[0][1] in bridge.knowledge.alternatives(target.id)
    assert bridge.knowledge.article(item.slug, public_only=False).status == "withdrawn"
    assert review.audit_log()[0]["action"] == "merge"


def suggested(bridge: Bridge, chats: ConversationStore) -> tuple[Review, dict]:
    """Two customers asked what the delivery article answers, in new words: one suggested update."""
    for question in ("How long does the delivery of a bike take?", "How many days does delivery take?"):
        resolved_chat(chats, question, "Parts ship in a day; complete bikes come by freight in 5 to 8 working days.")
    bridge.run()
    review = Review(bridge.engine, bridge.knowledge)
    (update,) = review.suggested_updates()
    return review, update


def test_new_wordings_for_an_existing_article_are_suggested_and_can_be_added(bridge, chats):
    review, update = suggested(bridge, chats)
    assert update["article"].slug in ("delivery-time", "lieferzeit")
    assert update["new_phrasings"] == ["How long does the delivery of a bike take?", "How many days does delivery take?"]
    review.add_phrasings(update["group_id"], "erin")
    assert "How many days does delivery take?" in bridge.knowledge.alternatives(update["article"].id)
    assert review.suggested_updates() == []
    assert review.audit_log()[0]["action"] == "phrasings"


def german_pick_of_delivery_time(bridge, wording: str):
    """A German customer picks the English delivery-time article after "Meintest du …?";
    the pick is anonymized as every bridge run does. Returns the review and the article."""
    knowledge = bridge.knowledge
    article = knowledge.article("delivery-time")
    knowledge.clarification_chosen(wording, "de", article.slug, asker="customer-1")
    anonymize_misses(knowledge, bridge.anonymize_words)
    review = Review(bridge.engine, knowledge)
    assert [row["wording"] for row in review.chosen_wordings()] == [wording]
    return review, article


def test_a_german_customers_pick_of_an_english_article_can_become_its_phrasing(bridge):
    wording = "Wie lange dauert die Lieferung von einem neuen Fahrrad?"
    review, article = german_pick_of_delivery_time(bridge, wording)
    review.add_chosen_wording(article.id, wording, "erin")
    assert wording in bridge.knowledge.alternatives(article.id)


def test_a_german_pick_with_a_word_one_customer_alone_wrote_is_kept_out_of_an_english_article(bridge):
    wording = "Wann kommt das Fahrrad für Zwirbelfrosch?"  # a nickname no recognizer knows
    review, article = german_pick_of_delivery_time(bridge, wording)
    with pytest.raises(ReviewError):
        review.add_chosen_wording(article.id, wording, "erin")
    assert bridge.knowledge.alternatives(article.id) == []


def test_a_draft_from_very_long_questions_can_be_approved_as_it_is(bridge, chats):
    story = " I bought it last spring and it has been great, but now the chain keeps slipping on hills." * 4
    for language, question in DOG_QUESTIONS[:3]:
        resolved_chat(chats, question + story, DOG_ANSWER, language)
    bridge.run()
    review = Review(bridge.engine, bridge.knowledge)
    (item,) = review.queue()
    draft = review.draft(item.group_id)["article"]
    assert len(draft.question) <= 300
    review.approve(item.group_id, "erin", draft.question, draft.answer, [])
    assert bridge.knowledge.article(item.slug).status == "published"


CHILD_QUESTIONS = ["Can I take my child along on the guided bike tour?", "Is my child allowed to come on the guided bike tour?",
                   "Can my child join me on the guided bike tour?"]
CHILD_ANSWER = "Children from 12 years can join if they ride their own bike and wear a helmet; younger ones ride in a trailer."


def test_similar_questions_that_agents_answered_differently_become_separate_drafts(bridge, chats):
    for (language, dog), child in zip(DOG_QUESTIONS[:3], CHILD_QUESTIONS):
        resolved_chat(chats, dog, DOG_ANSWER, language)
        resolved_chat(chats, child, CHILD_ANSWER)
    assert bridge.run().drafts_created == 2
    answers = {}
    for item in Review(bridge.engine, bridge.knowledge).queue():
        draft = bridge.knowledge.article(item.slug, public_only=False)
        answers[draft.answer] = {draft.question, *bridge.knowledge.alternatives(draft.id)}
    assert answers == {DOG_ANSWER: {q for _, q in DOG_QUESTIONS[:3]}, CHILD_ANSWER: set(CHILD_QUESTIONS)}


def test_greetings_sign_offs_and_personal_lines_around_an_answer_neither_split_the_group_nor_reach_the_draft(
        bridge, chats):
    wrapped = [f"Hi Jana, thanks for your message. {DOG_ANSWER} Best regards,\nAlex",
               f"Hallo! {DOG_ANSWER} I have sent the tour details to jana.becker@example.org. I hope this helps.",
               DOG_ANSWER]
    for (language, question), answer in zip(DOG_QUESTIONS[:3], wrapped):
        resolved_chat(chats, question, answer, language)
    assert bridge.run().drafts_created == 1
    (item,) = Review(bridge.engine, bridge.knowledge).queue()
    assert bridge.knowledge.article(item.slug, public_only=False).answer == DOG_ANSWER


def test_pairs_stored_before_answer_comparison_get_answer_vectors_and_group_with_new_ones(bridge, chats):
    """The column itself came with the baseline migration (tests/test_migrations.py); the rows
    the release before it stored have no answer vector until the next run."""
    from sqlalchemy import select, update

    from bridge import schema

    for language, question in DOG_QUESTIONS[:2]:
        resolved_chat(chats, question, DOG_ANSWER, language)
    bridge.run()
    with bridge.engine.begin() as conn:  # as the previous release stored them
        conn.execute(update(schema.pairs).values(answer_vector=None))
    language, question = DOG_QUESTIONS[2]
    resolved_chat(chats, question, DOG_ANSWER, language)
    assert bridge.run().drafts_created == 1  # the old pairs got answer vectors and were grouped with the new one
    with bridge.engine.connect() as conn:
        stored = conn.execute(select(schema.pairs.c.answer_vector)).scalars().all()
    assert len(stored) == 3 and all(stored)


@pytest.mark.parametrize("reply,core", [
    ("Hi Jana, thanks for your message. Cards arrive within 7 days. Best regards,\nAlex", "Cards arrive within 7 days."),
    ("Hallo Frau Meier, Ihre Karte kommt in 7 Tagen. Viele Grüße\nAlex Schmidt\nVelora Support", "Ihre Karte kommt in 7 Tagen."),
    ("Guten Tag Frau Dr. Brandstätter, Ihre Karte kommt in 7 Tagen.", "Ihre Karte kommt in 7 Tagen."),
    ("Best way is the app: open settings and tap export.", "Best way is the app: open settings and tap export."),
    ("Thanks!", "Thanks!"),  # never everything
])
def test_the_answer_core_drops_only_pleasantries(reply, core):
    from bridge.extract import answer_core

    assert answer_core(reply) == core


def test_a_wording_that_links_two_young_groups_with_the_same_answer_folds_them_into_one(bridge, chats):
    strict = Bridge(bridge.engine, bridge.knowledge, bridge.anonymizer, bridge.topics,
                    BridgeSettings(min_customers=3, group_threshold=0.78))
    resolved_chat(chats, "Can I take my dog along on the guided bike tour?", DOG_ANSWER)
    resolved_chat(chats, "Are pets permitted during the cycling excursion?", DOG_ANSWER)  # cosine 0.74 to the first
    first = strict.run()
    assert (first.groups_created, first.groups_merged) == (2, 0)
    resolved_chat(chats, "Can I bring my pet dog on the guided cycling tour?", DOG_ANSWER)  # close to both
    second = strict.run()
    assert (second.groups_merged, second.drafts_created) == (1, 1)
    (item,) = Review(bridge.engine, bridge.knowledge).queue()
    assert (item.customers, item.evidence) == (3, 3)


def test_introductions_and_contact_lines_are_left_out_of_the_published_wordings(bridge, chats):
    resolved_chat(chats, "Hi, my name is Jana Becker. Can I take my dog along on the guided bike tour?", DOG_ANSWER)
    resolved_chat(chats, "Is my dog allowed to come on the guided bike tour? You can reach me at jana@example.org.",
                  DOG_ANSWER)
    resolved_chat(chats, "Can my dog join me on the guided bike tour?", DOG_ANSWER)
    bridge.run()
    (item,) = Review(bridge.engine, bridge.knowledge).queue()
    draft = bridge.knowledge.article(item.slug, public_only=False)
    assert draft.question == "Can my dog join me on the guided bike tour?"
    assert set(bridge.knowledge.alternatives(draft.id)) == {
        "Can I take my dog along on the guided bike tour?", "Is my dog allowed to come on the guided bike tour?"}


def test_a_group_started_after_two_groups_were_folded_in_the_same_run_is_drafted(bridge, chats):
    """Folding deletes the younger group; a new group must never be mistaken for the folded one.

    SQLite hands a deleted row's id to the next insert when it was the highest: the group
    started right after the fold got the folded group's id and was skipped.
    """
    strict = Bridge(bridge.engine, bridge.knowledge, bridge.anonymizer, bridge.topics,
                    BridgeSettings(min_customers=3, group_threshold=0.78))
    resolved_chat(chats, "Can I take my dog along on the guided bike tour?", DOG_ANSWER)
    resolved_chat(chats, "Are pets permitted during the cycling excursion?",  # cosine 0.74 to the first
                  DOG_ANSWER.replace("as long as", "provided that"))
    resolved_chat(chats, "Can I bring my pet dog on the guided cycling tour?", DOG_ANSWER)  # links both
    seats = "Yes, we rent child seats for the guided tours for 5 euros a day; please book them with the tour."
    for question in ("Do you rent out child seats for the guided tours?", "Can I hire a child seat for the tour?",
                     "Is there a child seat I can rent for the guided tour?"):
        resolved_chat(chats, question, seats)
    summary = strict.run()
    assert summary.groups_merged >= 1 and summary.drafts_created == 2
    assert sorted(item.customers for item in Review(bridge.engine, bridge.knowledge).queue()) == [3, 3]


def test_a_line_the_agent_wrote_for_one_customer_is_left_out_of_the_answer(bridge, chats):
    contacts = ("Rose Baker", "Mark Wood", "Grace Hill")
    for (language, question), contact in zip(DOG_QUESTIONS, contacts):
        resolved_chat(chats, question, f"{DOG_ANSWER} I have noted {contact} as your contact.", language)
    bridge.run()
    (item,) = Review(bridge.engine, bridge.knowledge).queue()
    draft = bridge.knowledge.article(item.slug, public_only=False)
    assert draft.answer == DOG_ANSWER


def test_a_wording_with_a_word_that_may_be_a_name_is_no_phrasing(bridge, chats):
    resolved_chat(chats, "Can I take my dog along on the guided bike tour? Asking for Fox.", DOG_ANSWER)
    resolved_chat(chats, "Is my dog allowed to come on the guided bike tour?", DOG_ANSWER)
    resolved_chat(chats, "Can my dog join me on the guided bike tour?", DOG_ANSWER)
    bridge.run()
    (item,) = Review(bridge.engine, bridge.knowledge).queue()
    draft = bridge.knowledge.article(item.slug, public_only=False)
    public = [draft.question, draft.answer, *bridge.knowledge.alternatives(draft.id)]
    assert not any("Fox" in text for text in public)


def test_a_word_one_customer_wrote_reaches_no_draft_text_or_slug(bridge, chats):
    resolved_chat(chats, "Hi there, Zwirbelquast here: can I take my dog along on the guided bike tour?",
                  f"Sure, Zwirbelquast! {DOG_ANSWER}")
    resolved_chat(chats, "Is my dog allowed to come on the guided bike tour?", DOG_ANSWER)
    resolved_chat(chats, "Can my dog join me on the guided bike tour?", DOG_ANSWER)
    bridge.run()
    (item,) = Review(bridge.engine, bridge.knowledge).queue()
    draft = bridge.knowledge.article(item.slug, public_only=False)
    public = " ".join([draft.slug, draft.question, draft.answer, *bridge.knowledge.alternatives(draft.id)])
    assert "zwirbelquast" not in public.lower()


def test_a_lower_sensitive_threshold_holds_back_more(encoder):
    question = "Ich fahre mit meiner Kirchengemeinde auf Radtour. Gibt es Gruppenrabatt?"
    strict, lenient = (PrivateTopics.load(DEFAULT_PRIVATE_TOPICS, threshold) for threshold in (0.05, 0.95))
    strict.trained(encoder)
    lenient.trained(encoder)
    assert strict.find(question) is not None
    assert lenient.find(question) is None


def _with_many_phrasings(knowledge, slug: str, count: int = 60) -> list[str]:
    """Imported articles often carry more phrasings than a bridge run ever adds at once."""
    from knowledge.articles import ArticleInput

    article = knowledge.article(slug)
    phrasings = [f"{article.question} (wording {number})" for number in range(count)]
    knowledge.save(ArticleInput(article.slug, article.language, article.question, article.answer, article.topic,
                                article.tags, "published", article.origin, tuple(phrasings)), actor="importer")
    return phrasings


def test_adding_wordings_to_an_article_with_many_phrasings_keeps_every_one(bridge, chats):
    review, update = suggested(bridge, chats)
    existing = _with_many_phrasings(bridge.knowledge, update["article"].slug)
    review.add_phrasings(update["group_id"], "erin")
    phrasings = bridge.knowledge.alternatives(update["article"].id)
    assert set(existing) <= set(phrasings) and "How many days does delivery take?" in phrasings


def test_merging_into_an_article_with_many_phrasings_keeps_every_one(bridge, chats):
    review, item = drafted(bridge, chats)
    existing = _with_many_phrasings(bridge.knowledge, "service-appointment")
    review.merge(item.group_id, "erin", "service-appointment")
    phrasings = bridge.knowledge.alternatives(bridge.knowledge.article("service-appointment").id)
    assert set(existing) <= set(phrasings) and DOG_QUESTIONS[0][1] in phrasings


def test_two_editors_approving_one_draft_at_once_publish_it_once(bridge, chats, monkeypatch):
    import threading
    import time

    review, item = drafted(bridge, chats)
    save, published = bridge.knowledge.save, []

    def slow_save(data, *args, **kwargs):  # widens the window between the check and the decision
        if data.status == "published":
            published.append(data.slug)
            time.sleep(0.3)
        return save(data, *args, **kwargs)

    monkeypatch.setattr(bridge.knowledge, "save", slow_save)
    outcomes = []

    def approve(editor):
        try:
            outcomes.append(review.approve(item.group_id, editor, "Dogs on guided tours?", DOG_ANSWER, []))
        except ReviewError as exc:
            outcomes.append(str(exc))

    editors = [threading.Thread(target=approve, args=(name,)) for name in ("erin", "frank")]
    for thread in editors:
        thread.start()
    for thread in editors:
        thread.join(10)
    assert len(published) == 1
    assert len(outcomes) == 2 and item.slug in outcomes
    assert any("decided" in outcome for outcome in outcomes)  # the other editor is told
    assert [entry["action"] for entry in review.audit_log()] == ["approve"]


def test_a_draft_whose_publishing_fails_is_pending_again(bridge, chats, monkeypatch):
    review, item = drafted(bridge, chats)

    def broken_save(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(bridge.knowledge, "save", broken_save)
    with pytest.raises(RuntimeError):
        review.approve(item.group_id, "erin", "Dogs on guided tours?", DOG_ANSWER, [])
    monkeypatch.undo()
    assert [i.group_id for i in review.queue()] == [item.group_id]
    assert review.approve(item.group_id, "erin", "Dogs on guided tours?", DOG_ANSWER, []) == item.slug
