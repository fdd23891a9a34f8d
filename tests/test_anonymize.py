"""Anonymization, table-driven: every kind of personal data, German and English, hard cases too."""

from __future__ import annotations

import pytest

from bridge.anonymize import Anonymizer


@pytest.fixture(scope="module")
def anonymizer(tmp_path_factory) -> Anonymizer:
    return Anonymizer(tmp_path_factory.mktemp("nlp"))


CASES = [
    # (language, text, the personal part, the placeholder it must become)
    ("en", "My name is Jana Becker and I need help.", "Jana Becker", "[NAME]"),
    ("de", "Hallo, ich heiße Jana Becker.", "Jana Becker", "[NAME]"),
    ("de", "Frau Schneider hat gesagt, das Rad kommt morgen.", "Schneider", "[NAME]"),
    ("en", "Dear Mr Kowalski, thanks for waiting.", "Kowalski", "[NAME]"),
    ("de", "Danke, Lukas! Das hat geholfen.", "Lukas", "[NAME]"),
    ("en", "Please write to jana.becker@example.org today.", "jana.becker@example.org", "[E-MAIL]"),
    ("de", "Meine Adresse ist max_m+velo@web.de", "max_m+velo@web.de", "[E-MAIL]"),
    ("de", "Ruf mich unter 0170 1234567 an.", "0170 1234567", "[PHONE]"),
    ("de", "Meine Nummer: +49 (0)341 9876543", "9876543", "[PHONE]"),
    ("en", "Call me on +44 20 7946 0958 please.", "7946 0958", "[PHONE]"),
    ("de", "Die IBAN ist DE89 3704 0044 0532 0130 00.", "DE89 3704 0044 0532 0130 00", "[IBAN]"),
    ("en", "Refund to GB82 WEST 1234 5698 7654 32 please.", "GB82 WEST 1234 5698 7654 32", "[IBAN]"),
    ("en", "I paid with card 4111 1111 1111 1111.", "4111 1111 1111 1111", "[CARD]"),
    ("de", "Bezahlt mit der Kreditkarte 5555-5555-5555-4444.", "5555-5555-5555-4444", "[CARD]"),
    ("de", "Ich wohne in der Hauptstraße 12, 04109 Leipzig.", "Hauptstraße 12", "[ADDRESS]"),
    ("de", "Lieferung bitte an Karl-Heine-Straße 3a.", "Karl-Heine-Straße 3a", "[ADDRESS]"),
    ("en", "Ship it to 221 Baker Street, London NW1 6XE.", "221 Baker Street", "[ADDRESS]"),
    ("de", "Ich bin am 12.03.1985 geboren.", "12.03.1985", "[DATE"),
    ("en", "My date of birth is March 3, 1990.", "March 3, 1990", "[DATE OF BIRTH]"),
    ("de", "Meine Bestellnummer ist 4711-2233.", "4711-2233", "[NUMBER]"),
    ("en", "Order no. VEL-20931 has not arrived.", "20931", "[NUMBER]"),
    ("de", "Kundennummer 88 21 93 04", "88 21 93 04", "[NUMBER]"),
    ("en", "Track it at https://shop.example.com/track?token=ab12cd34 now.", "token=ab12cd34", "[LINK]"),
    ("de", "Hier der Link: https://velora.example/reset/a8f3k29dk2l", "a8f3k29dk2l", "[LINK]"),
    ("en", "My router shows 192.168.178.20 as the address.", "192.168.178.20", "[IP]"),
    # Names without the cues people are usually introduced with, outside the packaged list.
    ("de", "Moin, Ebba hier: wann kommt mein Geld?", "Ebba", "[NAME]"),
    ("de", "Danke für die Hilfe! LG Ortrud", "Ortrud", "[NAME]"),
    ("de", "Danke für die Hilfe. VG, Bertram", "Bertram", "[NAME]"),
    ("en", "That sorted it. – Ferdinand Nussbaumer", "Nussbaumer", "[NAME]"),
    ("en", "Hi there, Hamish Fox here. Where is my parcel?", "Hamish Fox", "[NAME]"),
    ("de", "Das Paket ist für meinen Partner Leopold Kaiser.", "Leopold Kaiser", "[NAME]"),
    ("en", "Please ship it to my partner Orla McAllister.", "Orla McAllister", "[NAME]"),
    ("de", "Ich habe das für Sie geprüft, Wolf Grabowski.", "Wolf Grabowski", "[NAME]"),
    ("de", "Ich habe Frauke Kaiser als Empfängerin hinterlegt.", "Frauke Kaiser", "[NAME]"),
    ("en", "I've noted Ewan Fox as the recipient.", "Ewan Fox", "[NAME]"),
    ("de", "Guten Tag Frau Dr. Brandstätter, hier ist Ihre Antwort.", "Brandstätter", "[NAME]"),
    ("en", "Dear Mr O'Brien, your refund is on its way.", "O'Brien", "[NAME]"),
    # Addresses without a street suffix, Austrian and Swiss postcodes, plates, tokens of letters only.
    ("de", "Bitte liefern an Am Mühlgraben 33a.", "Am Mühlgraben 33a", "[ADDRESS]"),
    ("de", "Die Adresse ist Zur alten Mühle 92.", "Zur alten Mühle 92", "[ADDRESS]"),
    ("de", "Abholung bei Spalenberg 95 bitte.", "Spalenberg 95", "[ADDRESS]"),
    ("de", "Ich wohne in 1070 Wien.", "1070 Wien", "[ADDRESS]"),
    ("de", "Lieferung nach CH-8004 Zürich.", "8004 Zürich", "[ADDRESS]"),
    ("de", "Mein Auto hat das Kennzeichen DD-J 504.", "DD-J 504", "[PLATE]"),
    ("de", "Das Auto mit W-12345X steht vor der Tür.", "W-12345X", "[PLATE]"),
    ("de", "Unser Transporter ZH 123456 holt es ab.", "ZH 123456", "[PLATE]"),
    ("de", "Mein Versicherungskennzeichen ist 843 MD.", "843 MD", "[PLATE]"),
    ("de", "Alles klar, danke. Gruß Becker", "Becker", "[NAME]"),
    ("en", "Done. Gethin, if anything else comes up, just write.", "Gethin", "[NAME]"),
    ("en", "Hi, I'm Ayşe Kowalski, I ordered a bike.", "Ayşe Kowalski", "[NAME]"),
    ("de", "Vielen Dank, Frau Dr. Oberhuber, für die schnelle Rückmeldung.", "Oberhuber", "[NAME]"),
    ("de", "Es ist für meinen Neffen Emrah.", "Emrah", "[NAME]"),
    ("de", "Anschrift ist Rosenhang 40.", "Rosenhang 40", "[ADDRESS]"),
    ("de", "Hinterlegt ist jetzt: Unterm Eichholz 31.", "Unterm Eichholz 31", "[ADDRESS]"),
    ("de", "Ich wohne Hinter den Höfen 36a.", "Hinter den Höfen 36a", "[ADDRESS]"),
    ("en", "Number plate is AN58 EFP.", "AN58 EFP", "[PLATE]"),
    ("de", "Das alte Kennzeichen war 605 PS.", "605 PS", "[PLATE]"),
    ("en", "Confirm at https://www.example-shop.co.uk/returns/confirm/KACzplfgsuiyHkOaSZN today.",
     "KACzplfgsuiyHkOaSZN", "[LINK]"),
]


@pytest.mark.parametrize("language,text,personal,placeholder", CASES, ids=[f"{c[0]}-{c[3]}-{i}" for i, c in enumerate(CASES)])
def test_personal_data_is_replaced_by_a_typed_placeholder(anonymizer, language, text, personal, placeholder):
    result = anonymizer.anonymize(text, language)
    assert personal not in result.text
    assert placeholder in result.text
    assert not result.uncertain


@pytest.mark.parametrize("language,text", [
    ("en", "How long does delivery take to Austria?"),
    ("de", "Wie lange dauert die Lieferung nach Österreich?"),
    ("en", "Will the bike be delivered assembled?"),
    ("de", "Kann ich mein Rad in 12 Raten bezahlen?"),
    ("de", "Ich wohne in der Nähe von Leipzig."),
    ("de", "Kann ich nach 4 Wochen noch 1000 Euro in Raten zahlen?"),
    ("de", "Kostet das Rad 300 EUR oder mehr?"),
    ("en", "Can you ship to Austria within 3 days?"),
    ("en", "Okay, if that is the case I will wait."),
    ("de", "Meine Bestellung ist da. Ist Ihre Rücksendung schon angekommen?"),
    ("en", "Hi team, can I return a gift?"),
    ("en", "See https://velora.example/kb/delivery-time for details."),
])
def test_ordinary_questions_stay_as_they_are(anonymizer, language, text):
    result = anonymizer.anonymize(text, language)
    assert result.text == text and not result.spans


def test_names_the_conversation_knows_are_removed_even_without_a_cue(anonymizer):
    result = anonymizer.anonymize("Alex sorted it out with the workshop, thanks to Kim.", "en", ["Alex (demo)", "kim.tran@example.org"])
    assert "Alex" not in result.text and "Kim" not in result.text
    assert result.text.count("[NAME]") == 2


def test_a_first_name_that_is_also_a_word_is_replaced_but_flagged(anonymizer):
    result = anonymizer.anonymize("The bike is red and Rose said it would come.", "en")
    assert "Rose" not in result.text
    assert [s.kind for s in result.unsure_spans] == ["PERSON"]


def test_sentence_initial_words_that_are_names_are_left_alone(anonymizer):
    assert anonymizer.anonymize("Will the bike arrive before Friday?", "en").text == "Will the bike arrive before Friday?"


def test_a_number_without_context_is_replaced_but_flagged(anonymizer):
    result = anonymizer.anonymize("Es geht um 48213, bitte prüfen.", "de")
    assert "48213" not in result.text and result.unsure_spans


def test_text_that_still_looks_personal_is_uncertain(anonymizer):
    result = anonymizer.anonymize("write to me at jana at gmx dot de or j@", "en")
    assert result.uncertain and "e-mail sign" in result.residue


def test_replacements_are_positioned_in_the_anonymized_text(anonymizer):
    result = anonymizer.anonymize("Mail an jana@example.org bitte", "de")
    (span,) = result.spans
    assert result.text[span.start:span.end] == "[E-MAIL]" and span.kind == "EMAIL_ADDRESS"


def test_an_unsure_name_that_is_a_word_of_the_published_articles_stays(anonymizer):
    text = "You can pay with Visa or by invoice."
    assert "[NAME]" in anonymizer.anonymize(text, "en").text
    assert anonymizer.anonymize(text, "en", public_words={"visa", "invoice"}).text == text
