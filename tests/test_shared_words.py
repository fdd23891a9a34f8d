"""Word-level k-anonymity: a word fewer than k conversations wrote is masked unless it is common or the knowledge base's own."""

from __future__ import annotations

from bridge.shared_words import SharedWords, answer_agreement

ANSWER = "Ihre Rücksendung ist angekommen. Das Geld ist in drei bis fünf Werktagen auf Ihrem Konto."


def group(*texts: str, k: int = 3, vocabulary: tuple[str, ...] = ()) -> SharedWords:
    return SharedWords(enumerate(texts), k, vocabulary)


def test_a_rare_word_only_one_conversation_wrote_is_masked():
    words = group("Mein Hund Zwirbelquast darf mit?", "Darf mein Hund mit?", "Darf der Hund mit?")
    checked = words.check("Mein Hund Zwirbelquast darf mit?", "de")
    assert "Zwirbelquast" not in checked.text and not checked.clean


def test_a_rare_word_k_conversations_share_stays():
    words = group(*[f"Gibt es das Velora Zwirbelquast Modell? ({n})" for n in range(3)])
    assert words.check("Gibt es das Velora Zwirbelquast Modell?", "de").clean


def test_a_common_word_one_conversation_wrote_stays():
    words = group("Kommt das Paket am Montag?", "Wann kommt es?", "Wann kommt die Lieferung?")
    assert words.check("Kommt das Paket am Montag?", "de").clean


def test_a_word_of_the_published_knowledge_base_stays():
    words = group("Geht das mit Velora?", "Geht das?", "Geht das auch?", vocabulary=("velora",))
    assert words.check("Geht das mit Velora?", "de").clean


def test_a_first_name_is_masked_however_common_it_is():
    words = group("Ich habe Leopold als Empfänger eingetragen.", ANSWER, ANSWER)
    checked = words.check("Ich habe Leopold als Empfänger eingetragen.", "de")
    assert checked.text == "Ich habe [NAME] als Empfänger eingetragen."


def test_a_common_word_beside_a_masked_name_goes_with_it():
    words = group("Das ist für Leopold Kaiser.", ANSWER, ANSWER)
    assert words.check("Das ist für Leopold Kaiser.", "de").text == "Das ist für [NAME]."


def test_long_numbers_and_codes_are_masked_short_quantities_stay():
    words = group("Bestellung VL-558812 kam nach 1070 Tagen, 3 Teile fehlen.", "Es fehlt was.", "Teile fehlen.")
    checked = words.check("Bestellung VL-558812 kam nach 1070 Tagen, 3 Teile fehlen.", "de")
    assert "558812" not in checked.text and "1070" not in checked.text and "3 Teile" in checked.text


def test_a_link_only_one_conversation_wrote_is_masked():
    words = group("Siehe https://example.org/returns/abc", "Hallo", "Hallo")
    assert words.check("Siehe https://example.org/returns/abc", "de").text == "Siehe [LINK]"


def test_kept_words_few_customers_wrote_are_reported_when_they_are_names_or_rare():
    words = group("Ich wohne in Lüneburg, kommt das Paket?", "Kommt das Paket?", "Kommt das Paket?")
    checked = words.check("Ich wohne in Lüneburg, kommt das Paket?", "de")
    assert checked.clean
    assert [w.text for w in checked.kept_rare] == ["Lüneburg"]
    assert checked.text[checked.kept_rare[0].start:checked.kept_rare[0].end] == "Lüneburg"


def test_the_answer_most_agents_share_agrees_best():
    answers = [ANSWER, ANSWER, ANSWER.replace("Ihre", "Frau Brandstätters"), "Bitte wenden Sie sich an die Filiale."]
    agents = group(*answers)
    scores = [answer_agreement(agents, text) for text in answers]
    assert scores[0] == max(scores) and scores[3] == min(scores)


def test_a_slug_source_leaves_out_the_words_an_editor_is_asked_to_check():
    words = group("Kommt das Paket nach Lüneburg?", "Kommt das Paket?", "Kommt das Paket?")
    checked = words.check("Kommt das Paket nach Lüneburg?", "de")
    assert "Lüneburg" in checked.text and "Lüneburg" not in checked.without_flagged()


def test_a_name_of_three_words_goes_whole():
    words = group("Bitte an Leopold Maria Kaiser schicken.", ANSWER, ANSWER)
    assert words.check("Bitte an Leopold Maria Kaiser schicken.", "de").text == "Bitte an [NAME] schicken."
