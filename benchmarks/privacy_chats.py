"""Resolved support chats with personal data woven in, for the "nothing personal goes public" evaluation.

A seeded generator of realistic, already resolved helpdesk chats of a fictional bike shop
("Velora", shop and web shop, customers in Germany, Austria, Switzerland and the UK), in
German and English. Every chat carries personal values of its customer (names, addresses,
licence plates, link tokens, e-mails, phones, IBANs, order numbers, dates of birth), in the
customer's question and in the agent's reply, and lists them exactly as they appear in the text.
A benchmark feeds the chats to the bridge and checks that none of these values reaches a
published FAQ article; `shared_answer` is what every agent of a topic says, so the benchmark
can also check that the useful part of the answer does get published.

The hard cases are deliberate: names without a cue word (sign-offs, "Moin, Ebba hier:"),
rare names and names that are ordinary words (Wolf, Fox, Will, Summer), academic titles,
the agent naming the customer mid-sentence, German/Austrian/Swiss/UK address formats,
link tokens of letters only, IBANs with valid check digits, dates of birth in words.

Written independently of the generator in benchmarks/eval_loop.py (different names, phrasings
and structure); only the standard library is used, and everything depends on the seed alone.

    python3 benchmarks/privacy_chats.py        # prints counts per kind and checks them
"""

from __future__ import annotations

import random
from dataclasses import dataclass

KINDS = ("first_name", "surname", "full_name", "address", "postcode_city", "licence_plate", "url_token", "email",
         "phone", "iban", "order_number", "date_of_birth")


@dataclass(frozen=True)
class Value:
    kind: str  # one of KINDS
    text: str  # the exact substring as it appears in the chat text


@dataclass(frozen=True)
class Chat:
    topic: str  # topic id, e.g. "return-refund-time"
    language: str  # "de" or "en"
    customer: str  # a unique id per customer (distinct customers per topic)
    question: str  # everything the customer wrote, one string (may hold several sentences)
    answer: str  # the agent's reply, one string
    values: tuple[Value, ...]  # every personal value woven into question or answer
    shared_answer: str  # the topic's shared core answer in this chat's language, without anything personal


# --------------------------------------------------------------------------------------------------
# People: first names by language and gender, surnames. Many are rare; some are ordinary words.
# --------------------------------------------------------------------------------------------------

FEMALE_DE = ("Ebba", "Ortrud", "Wiebke", "Aylin", "Hiltrud", "Frauke", "Gesa", "Thekla", "Wenke", "Ottilie",
             "Swantje", "Henrike", "Roswitha", "Mechthild", "Dagny", "Solveig", "Zofia", "Elif", "Rose", "Almut",
             "Gerlinde", "Marit", "Liesel", "Hedda")
MALE_DE = ("Hauke", "Radomir", "Yusuf", "Bertram", "Ferdinand", "Gunnar", "Leopold", "Wolf", "Frank", "Eberhard",
           "Gottfried", "Jobst", "Ruprecht", "Wendelin", "Onno", "Tjark", "Anselm", "Volkmar", "Kasimir", "Ignaz",
           "Emrah", "Branimir", "Mark", "Eckehard")
FEMALE_EN = ("Saoirse", "Tamsin", "Eilidh", "Orla", "Summer", "Morwenna", "Ailsa", "Fenella", "Nuala", "Oonagh",
             "Kezia", "Grainne", "Bronwen", "Cerys", "Rhiannon", "Philippa", "Imogen", "Rose", "Blythe", "Perdita")
MALE_EN = ("Hamish", "Ewan", "Will", "Torquil", "Lachlan", "Cormac", "Fiachra", "Alasdair", "Rory", "Dougal",
           "Gethin", "Piers", "Crispin", "Tarquin", "Ruairi", "Bram", "Jago", "Mark", "Frank", "Declan")
SURNAMES_DE = ("Nussbaumer", "Grabowski", "Brandstätter", "Öztürk", "Lindqvist", "Lindner", "Kaiser", "Wolf",
               "Fischer", "Becker", "Vogel", "Fuchs", "Haberkorn", "Zwanziger", "Oberhuber", "Pfisterer", "Hinterseer",
               "Kowalczyk", "Schimmelpfennig", "Strohmaier", "Wüthrich", "Tschudi", "Kälin", "Van der Berg",
               "Przybylski", "Hahn", "Frank", "Dönmez")
SURNAMES_EN = ("McAllister", "O'Brien", "Fox", "Wood", "Rose", "Baker", "Van der Berg", "Abernethy", "Quigley",
               "Dunwoody", "MacLeod", "Featherstone", "Pennington", "Trelawney", "Stone", "Bird", "Hill",
               "Rutherford", "Ní Bhriain", "Summer", "Mark")

# Third persons a customer writes about: (German accusative after "für", female?, child?).
RELATIONS = {
    "de": (("meinen Partner", False, False), ("meine Partnerin", True, False), ("meine Frau", True, False),
           ("meinen Mann", False, False), ("meine Mutter", True, False), ("meinen Vater", False, False),
           ("meine Tochter", True, True), ("meinen Sohn", False, True), ("meine Enkelin", True, True),
           ("meinen Neffen", False, True)),
    "en": (("my partner", False, False), ("my partner", True, False), ("my wife", True, False),
           ("my husband", False, False), ("my mum", True, False), ("my dad", False, False),
           ("my daughter", True, True), ("my son", False, True), ("my granddaughter", True, True),
           ("my nephew", False, True)),
}

# --------------------------------------------------------------------------------------------------
# Places, numbers, links
# --------------------------------------------------------------------------------------------------

STREETS = {
    "DE": ("Lindenstraße", "Hauptstr.", "Am Mühlgraben", "Zur alten Mühle", "An der Kirche", "Kastanienallee",
           "Friedrich-Ebert-Ring", "Im Grund", "Hinter den Höfen", "Auf dem Kamp", "Bergmannstraße", "Töpferstieg",
           "Unterm Eichholz", "Alter Deich", "Schwalbenweg", "Große Brunnenstr.", "Am Steinbruch", "Rosenhang"),
    "AT": ("Neubaugasse", "Herrengasse", "Mariahilfer Straße", "Annenstraße", "Schottenfeldgasse", "Lendkai",
           "Landstraßer Hauptstraße", "Zieglergasse", "Am Spitz", "Lederergasse"),
    "CH": ("Spalenberg", "Langstrasse", "Kramgasse", "Rue de Bourg", "Weggisgasse", "Militärstrasse",
           "Steinenvorstadt", "Seefeldstrasse", "Gerechtigkeitsgasse", "Im Lee"),
    "UK": ("Kings Road", "Albion Terrace", "Marchmont Crescent", "Harrow Close", "Copperfield Way",
           "Larkspur Gardens", "Thistle Row", "Ferndale Avenue", "Rowan Mews", "Cathedral Walk", "Osborne Place"),
}
PLACES = {  # (postcode, city)
    "DE": (("10115", "Berlin"), ("10999", "Berlin"), ("01097", "Dresden"), ("04229", "Leipzig"), ("20357", "Hamburg"),
           ("80331", "München"), ("50667", "Köln"), ("24103", "Kiel"), ("99084", "Erfurt"), ("26121", "Oldenburg"),
           ("79098", "Freiburg im Breisgau"), ("18055", "Rostock"), ("30159", "Hannover"), ("28195", "Bremen"),
           ("69117", "Heidelberg"), ("93047", "Regensburg"), ("37073", "Göttingen"), ("25813", "Husum"),
           ("06108", "Halle (Saale)"), ("55116", "Mainz")),
    "AT": (("1070", "Wien"), ("1160", "Wien"), ("1020", "Wien"), ("8010", "Graz"), ("4020", "Linz"),
           ("5020", "Salzburg"), ("6020", "Innsbruck"), ("9020", "Klagenfurt am Wörthersee"), ("3100", "St. Pölten"),
           ("6900", "Bregenz")),
    "CH": (("4051", "Basel"), ("8004", "Zürich"), ("8032", "Zürich"), ("3011", "Bern"), ("1003", "Lausanne"),
           ("6003", "Luzern"), ("9000", "St. Gallen"), ("8400", "Winterthur"), ("7000", "Chur"),
           ("2502", "Biel/Bienne")),
    "UK": (("SW3 4UD", "London"), ("LS6 1AB", "Leeds"), ("EH9 1QG", "Edinburgh"), ("BS3 1QX", "Bristol"),
           ("M14 5RZ", "Manchester"), ("G12 8QQ", "Glasgow"), ("BT9 6AF", "Belfast"), ("CF24 4HQ", "Cardiff"),
           ("YO31 7PB", "York"), ("BN2 1TW", "Brighton"), ("NR2 3AB", "Norwich"), ("IV2 3HQ", "Inverness")),
}
MAIL_DOMAINS = {
    "DE": ("web.de", "gmx.de", "posteo.de", "t-online.de", "mailbox.org"),
    "AT": ("gmx.at", "aon.at", "chello.at"),
    "CH": ("bluewin.ch", "gmx.ch", "hispeed.ch"),
    "UK": ("btinternet.com", "outlook.com", "yahoo.co.uk", "gmail.com"),
}
PLATE_AREAS = {
    "DE": ("B", "HH", "M", "K", "DD", "L", "HB", "KI", "F", "S", "H", "OL", "HD", "ROS", "EF", "GÖ", "NF", "HAL"),
    "AT": ("W", "G", "L", "S", "I", "K", "GU", "BN", "MD"),
    "CH": ("ZH", "BE", "BS", "BL", "LU", "AG", "SG", "GE", "VD", "ZG"),
}
PLATE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
SHOP_SITES = {"de": ("https://velora.example", "https://www.velora-raeder.example"),
              "en": ("https://www.example-shop.co.uk", "https://velora.example")}
COUNTRY_WORDS = (("Österreich", "AT"), ("Austria", "AT"), ("Vienna", "AT"), ("Schweiz", "CH"),
                 ("Switzerland", "CH"), ("switzerland", "CH"))
MONTHS = {"de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                 "November", "Dezember"),
          "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December")}

# --------------------------------------------------------------------------------------------------
# What customers write around their question. {name} is the personal name; {title} e.g. "Frau Dr." / "Mr.";
# {acad} an academic title with trailing space or nothing. The second element says which name is used.
# --------------------------------------------------------------------------------------------------

OPENERS = {
    "de": (("Moin, {name} hier: ", "first"), ("Hallo, hier ist {name}. ", "full"), ("Servus, {name} hier. ", "first"),
           ("Guten Tag, mein Name ist {name}. ", "full"), ("Hi, {name} hier – ", "full"),
           ("Hallo, ich bin's, {name}. ", "first")),
    "en": (("Hi there, {name} here. ", "full"), ("Hello, this is {name}. ", "first"), ("Hey, {name} here – ", "first"),
           ("Good morning, {name} writing. ", "full"), ("{title} {name} here. ", "surname")),
}
SIGN_OFFS = {
    "de": (("LG {name}", "first"), ("VG, {name}", "first"), ("– {name}", "full"), ("Viele Grüße\n{name}", "full"),
           ("Danke & Gruß, {name}", "first"), ("Mit freundlichen Grüßen\n{acad}{name}", "full"),
           ("Gruß {name}", "surname")),
    "en": (("Cheers, {name}", "first"), ("Thanks! {name}", "first"), ("– {name}", "full"), ("Best,\n{name}", "full"),
           ("Kind regards,\n{title} {name}", "full"), ("Regards, {title} {name}", "surname"), ("ta, {name}", "first")),
}
THIRD_PARTY = {  # {rel} the relation, {name} the other person, {dob} a child's date of birth
    "de": ("Ich frage für {rel} {name}.", "Es geht eigentlich um {rel} {name}.", "Das Ganze ist für {rel} {name}."),
    "en": ("I'm asking for {rel} {name}.", "It's actually about {rel} {name}.", "This is for {rel} {name}."),
}
THIRD_PARTY_CHILD = {
    "de": ("Es ist für {rel} {name}.", "Das Rad ist für {rel} {name}, geboren am {dob}."),
    "en": ("It's for {rel} {name}.", "It's for {rel} {name}, born {dob}."),
}
# Details a customer mentions, by detail kind ("address" covers street and postcode + city).
DETAILS = {
    "de": {
        "order": ("Bestellung {v}.", "Meine Bestellnummer: {v}", "Es geht um die Bestellung {v}.", "({v})",
                  "Bestellnr. {v}"),
        "email": ("Meine E-Mail: {v}", "Erreichbar bin ich unter {v}.",
                  "Bitte antworten Sie an {v}, die alte Adresse nutze ich nicht mehr."),
        "phone": ("Tel.: {v}", "Rufen Sie mich gern an unter {v}.", "Handy {v}, tagsüber erreichbar."),
        "iban": ("Meine IBAN: {v}", "Kontoverbindung: {v}", "Falls Sie die Bankdaten brauchen: {v}"),
        "address": ("Adresse: {v}.", "Ich wohne {v}.", "Anschrift ist {v}."),
        "place": ("Ich wohne in {v}.", "Wohnort: {v}"),  # an address given as postcode and city only
        "plate": ("Ich komme mit dem Auto, Kennzeichen {v}.", "Kennzeichen: {v}",
                  "Unser Auto hat das Kennzeichen {v}."),
        "dob": ("Ich bin am {v} geboren.", "Geburtsdatum: {v}", "(geb. {v})", "Zur Sicherheit: geboren am {v}."),
        "url": ("Der Link aus Ihrer Mail funktioniert nicht: {v}", "Ich hatte diesen Link bekommen: {v}"),
    },
    "en": {
        "order": ("Order {v}.", "My order number is {v}.", "It's order {v}.", "({v})", "ref {v}"),
        "email": ("My email is {v}.", "You can reach me at {v}.",
                  "Please reply to {v} rather than the address on file."),
        "phone": ("Phone: {v}", "Feel free to call me on {v}.", "mobile is {v} if that's easier"),
        "iban": ("My IBAN is {v}.", "Bank details: IBAN {v}", "In case you need my account: {v}"),
        "address": ("Address: {v}.", "I live at {v}.", "We're at {v}."),
        "place": ("I live in {v}.", "I'm in {v}."),
        "plate": ("I'll come by car, reg {v}.", "Number plate is {v}.", "Our car's plate: {v}"),
        "dob": ("I was born on {v}.", "DOB: {v}", "(born {v})", "For security: date of birth {v}."),
        "url": ("The link from your email doesn't work: {v}", "This is the link I got: {v}"),
    },
}

# --------------------------------------------------------------------------------------------------
# What agents write around the shared answer.
# --------------------------------------------------------------------------------------------------

GREETINGS = {  # by language, then by country ("*" for everyone)
    "de": {"*": (("Hallo {name},", "first"), ("Guten Tag {title} {name},", "surname"), ("Hallo {name},", "full"),
                 ("Moin {name},", "first")),
           "AT": (("Servus {name},", "first"), ("Grüß Gott {title} {name},", "surname")),
           "CH": (("Grüezi {title} {name},", "surname"), ("Hoi {name},", "first"))},
    "en": {"*": (("Hi {name},", "first"), ("Dear {title} {name},", "surname"), ("Hello {name},", "full"),
                 ("Hey {name}!", "first"), ("Dear {title} {name},", "full"))},
}
PLAIN_GREETINGS = {"de": ("Hallo,", "Guten Tag,"), "en": ("Hi there,", "Hello,")}
NAME_LINES = {
    "de": (("Ich habe das für Sie geprüft, {name}.", "full"), ("Danke für Ihre Geduld, {title} {name}.", "surname"),
           ("Vielen Dank, {title} {name}, für die schnelle Rückmeldung.", "surname"),
           ("{name}, falls noch etwas offen ist, schreiben Sie einfach hier im Chat.", "first")),
    "en": (("I've checked this for you, {name}.", "full"), ("Thanks for your patience, {title} {name}.", "surname"),
           ("{name}, if anything else comes up, just reply here.", "first"),
           ("Good to hear from you again, {name}.", "first")),
}
RECIPIENT_LINES = {"de": ("Ich habe {name} als {recipient} hinterlegt.",),
                   "en": ("I've noted {name} as the recipient.",)}
ECHOES = {  # the agent repeats a detail the customer gave
    "de": {"order": ("Ihre Bestellung {v} habe ich entsprechend markiert.", "Zu Bestellung {v} ist alles vermerkt."),
           "email": ("Eine Bestätigung geht an {v}.",),
           "phone": ("Falls Rückfragen sind, rufen wir Sie unter {v} an.",),
           "iban": ("Als Bankverbindung ist {v} hinterlegt.",),
           "address": ("Hinterlegt ist jetzt: {v}.",),
           "place": ("Als Wohnort ist {v} hinterlegt.",),
           "plate": ("Das Kennzeichen {v} habe ich notiert.",),
           "dob": ("Ihr Geburtsdatum ({v}) haben wir zur Prüfung vermerkt.",)},
    "en": {"order": ("I've added a note to order {v}.", "Order {v} is flagged accordingly."),
           "email": ("A confirmation is on its way to {v}.",),
           "phone": ("If we have questions, we'll call you on {v}.",),
           "iban": ("We have {v} on file as your bank account.",),
           "address": ("The address on file is now {v}.",),
           "place": ("We have {v} on file as your town.",),
           "plate": ("I've noted the plate {v}.",),
           "dob": ("Your date of birth ({v}) is noted for the check.",)},
}
LINK_LINES = {"de": ("Ihr persönlicher Link: {v}", "Hier geht es direkt weiter: {v}"),
              "en": ("Here's your personal link: {v}", "You can continue here: {v}")}
FRIENDLY = {"de": ("Melden Sie sich gern, wenn noch etwas offen ist.", "Ich hoffe, das hilft weiter!",
                   "Gute Fahrt und bis bald!"),
            "en": ("Let us know if there's anything else.", "Hope that helps!", "Happy riding!")}
CLOSINGS = {"de": ("Viele Grüße\nIhr Velora-Team", "Beste Grüße aus der Werkstatt", "Schöne Grüße, Team Velora"),
            "en": ("Best wishes,\nthe Velora team", "Kind regards, Velora Customer Care",
                   "All the best from the workshop")}

# --------------------------------------------------------------------------------------------------
# Topics: customer wordings (5+ per language), one shared core answer per language, and one
# alternative wording of one core sentence (index, sentence) some agents use instead.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Side:
    asks: tuple[str, ...]
    core: tuple[str, ...]
    alt: tuple[int, str]


@dataclass(frozen=True)
class _Topic:
    id: str
    main: str  # the language most of its customers write in
    kinds: tuple[str, ...]  # details customers mention; the first `always` of them every customer does
    link: tuple[str, str]  # path of the personal link the agent may send (de, en), "" for none
    de: _Side
    en: _Side
    always: int = 1
    recipient: bool = False  # the agent may note someone as recipient
    third_party: float = 0.2  # how often the customer writes about another person
    children: bool = False  # that other person is a child
    countries: tuple[str, ...] = ()  # where its customers live, if it matters
    insurance_plate: bool = False  # German customers give a moped insurance plate ("482 KTR"), not a car's
    phrasing: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (language, detail kind, wordings) replacing DETAILS


TOPICS = (
    _Topic("return-refund-time", "de", ("order", "iban", "url", "email"), ("retoure/status", "returns/confirm"),
           always=2,
           de=_Side(("Ich habe mein Rad vor einer Woche zurückgeschickt. Wann bekomme ich mein Geld zurück?",
                     "wie lange dauert die rückerstatung bei euch eigentlich?",
                     "Hallo zusammen, die Retoure ist laut DHL seit Montag bei Ihnen angekommen, aber auf meinem Konto "
                     "ist noch nichts. Ist das normal oder muss ich mir Sorgen machen?",
                     "Kurze Frage: Rücksendung ist raus, wann kommt die Erstattung?",
                     "Ich warte jetzt schon ziemlich lange auf die Gutschrift für den zurückgesendeten Helm. Wie viele "
                     "Tage braucht das normalerweise?",
                     "Retoure angekommen? Geld noch nicht da..."),
                    ("Sobald Ihre Rücksendung bei uns eingegangen und geprüft ist, erstatten wir den Betrag innerhalb "
                     "von 5 Werktagen.", "Die Gutschrift erfolgt immer über die ursprüngliche Zahlungsart.",
                     "Je nach Bank kann es danach noch 2–3 Tage dauern, bis das Geld auf Ihrem Konto sichtbar ist."),
                    (1, "Das Geld geht dabei immer auf dem Weg zurück, auf dem Sie bezahlt haben.")),
           en=_Side(("I sent my bike back last week. When will I get my refund?",
                     "how long do refunds take?? returned a saddle ages ago",
                     "Hello, tracking says my return was delivered to you on Tuesday but I haven't seen any mony yet. "
                     "Is that normal?",
                     "Quick one: return's been posted, when does the refund come through?",
                     "Hi, I'm still waiting on the refund for the helmet I sent back. How many days does it usually "
                     "take for you to process it?"),
                    ("Once your return has arrived and been checked, we refund the amount within 5 working days.",
                     "The refund always goes back to the original payment method.",
                     "Depending on your bank it can take another 2–3 days to show up on your account."),
                    (0, "We process the refund within 5 working days of your return arriving and being checked."))),
    _Topic("change-delivery-address", "en", ("address", "order", "phone"), ("", ""), recipient=True, third_party=0.35,
           phrasing=(("de", "address", ("Die neue Adresse lautet {v}.", "Neu wäre: {v}.")),
                     ("en", "address", ("The new address is {v}.", "New one: {v}."))),
           de=_Side(("Ich bin umgezogen und möchte die Lieferadresse für meine offene Bestellung ändern.",
                     "Kann ich die Lieferadresse noch ändern? Das Paket soll lieber zu meiner Arbeit.",
                     "Hallo, hab mich bei der Adresse vertippt, geht das noch zu ändern?",
                     "Guten Tag, ist es möglich, die Zustelladresse nachträglich zu ändern? Ich bin die nächsten "
                     "Wochen nicht zu Hause.",
                     "adresse ändern bei bestellung, geht das noch?"),
                    ("Solange Ihre Bestellung noch nicht versandt wurde, können wir die Lieferadresse kostenlos "
                     "ändern.",
                     "Ist das Paket schon unterwegs, leiten wir es über den Paketdienst um; das kann einen Tag länger "
                     "dauern."),
                    (1, "Wenn das Paket bereits unterwegs ist, lassen wir es vom Paketdienst umleiten, was meist "
                        "einen Tag länger dauert.")),
           en=_Side(("I've moved house and need to change the delivery address on my open order.",
                     "Can I still change where my parcel goes? I'd rather have it sent to my office.",
                     "Hi, I typed my address wrong when ordering, can that still be fixed?",
                     "Hello, is it possible to change the shipping address after ordering? I'll be away for a few "
                     "weeks.",
                     "change delivery adress pls, wrong one on the order"),
                    ("As long as your order hasn't shipped yet, we can change the delivery address free of charge.",
                     "If the parcel is already on its way, we ask the carrier to redirect it, which may add a day."),
                    (1, "Once the parcel is on its way, the carrier can still redirect it, usually with a day's "
                        "delay."))),
    _Topic("bike-assembly", "en", ("order", "address", "phone", "url"), ("montage/video", "assembly/video"),
           de=_Side(("Wird das Fahrrad fertig montiert geliefert oder muss ich selbst noch was zusammenbauen?",
                     "Muss ich beim Rad noch viel schrauben, wenn es ankommt? Ich bin handwerklich nicht so begabt.",
                     "Hallo, mein Trekkingrad kommt nächste Woche. Was genau muss ich da noch montieren, Lenker und "
                     "Pedale?",
                     "Brauche ich Werkzeug für den Aufbau vom Rad?",
                     "Hi! Kommt das E-Bike vormontiert? Und falls nicht, könnt ihr das gegen Aufpreis machen?"),
                    ("Unsere Räder kommen zu 95 % vormontiert: Sie müssen nur den Lenker ausrichten, die Pedale "
                     "anschrauben und den Sattel einstellen.", "Das passende Werkzeug liegt im Karton bei.",
                     "Eine Schritt-für-Schritt-Anleitung finden Sie auch als Video auf der Produktseite."),
                    (2, "Auf der Produktseite gibt es außerdem ein kurzes Aufbauvideo.")),
           en=_Side(("Does the bike arrive fully assembled or do I have to put it together?",
                     "How much assembly is needed when the bike arrives? I'm not very handy.",
                     "Hi, my hybrid bike is being delivered next week – what exactly do I still have to fit, "
                     "handlebars and pedals?",
                     "do i need tools to assemble the bike",
                     "Is the e-bike pre-assembled? If not, can you do it for a fee?"),
                    ("Our bikes arrive 95% pre-assembled: you only need to straighten the handlebars, screw on the "
                     "pedals and adjust the saddle.", "The tools you need are in the box.",
                     "There is also a step-by-step video on the product page."),
                    (2, "The product page also has a short assembly video."))),
    _Topic("battery-warranty", "en", ("order", "url", "email", "phone"), ("garantie/antrag", "warranty/claim"),
           de=_Side(("Mein E-Bike-Akku hält nach anderthalb Jahren nur noch halb so lange. Ist das ein Garantiefall?",
                     "Wie lange ist die Garantie auf den Akku?",
                     "Hallo, der Akku lädt seit gestern gar nicht mehr, das Ladegerät blinkt rot. Das Rad ist knapp "
                     "zwei Jahre alt. Was kann ich tun?",
                     "gilt die garantie auch für den akku oder nur fürs rad?",
                     "Guten Tag, mein Akku hat deutlich an Reichweite verloren. Ich würde ihn gern prüfen lassen – wie "
                     "läuft das mit der Gewährleistung?"),
                    ("Auf Akkus geben wir 2 Jahre Garantie oder 500 volle Ladezyklen, je nachdem, was zuerst erreicht "
                     "wird.", "Hat der Akku in dieser Zeit weniger als 60 % seiner Kapazität, tauschen wir ihn "
                     "kostenlos aus.", "Dafür lesen wir ihn bei uns im Laden oder per Einsendung aus."),
                    (2, "Zur Prüfung lesen wir den Akku im Laden aus, Sie können ihn aber auch einschicken.")),
           en=_Side(("My e-bike battery only lasts half as long as it did after 18 months. Is that covered by "
                     "warranty?",
                     "How long is the warranty on the battery?",
                     "Hello, since yesterday my battery won't charge at all, the charger just blinks red. The bike is "
                     "nearly two years old. What can I do?",
                     "is the battery covered by the warranty or only the frame?",
                     "Hi there, my battery range has dropped a lot this year. I'd like to get it tested – how does the "
                     "warranty work for that?"),
                    ("Batteries come with a 2-year warranty or 500 full charge cycles, whichever comes first.",
                     "If the battery has less than 60% of its capacity within that time, we replace it free of "
                     "charge.", "To check this we read it out in the shop or you can send it in."),
                    (2, "We check it with a diagnostic read-out, either in the shop or after you post it to us."))),
    _Topic("store-pickup", "de", ("plate", "order", "phone"), ("", ""), recipient=True, third_party=0.45,
           de=_Side(("Kann ich mein bestelltes Rad auch im Laden abholen statt es liefern zu lassen?",
                     "Ist Abholung in der Filiale möglich? Dann spar ich mir den Versand.",
                     "Hallo, ich würde das Lastenrad gern selbst abholen, komme mit dem Auto. Gibt es bei euch "
                     "Parkplätze?",
                     "Abholung im Laden – wie lange vorher muss ich Bescheid geben?",
                     "Moin, kann ich click & collect machen? Und kann das auch jemand anderes für mich abholen?"),
                    ("Sie können jede Bestellung kostenlos in unserem Laden abholen; wählen Sie dafür im Checkout "
                     "„Abholung“.", "Sobald das Rad bereitsteht, bekommen Sie eine Nachricht und wir halten es 14 Tage "
                     "für Sie zurück.", "Für die Abholung mit dem Auto reservieren wir Ihnen gern einen Parkplatz im "
                     "Hof."),
                    (1, "Wir sagen Bescheid, sobald alles bereitsteht, und legen es 14 Tage für Sie zurück.")),
           en=_Side(("Can I pick up my bike in the shop instead of having it delivered?",
                     "Is click and collect possible? Would save me the shipping.",
                     "Hi, I'd like to collect the cargo bike myself, I'll come by car. Is there parking at the store?",
                     "How much notice do you need for an in-store pickup?",
                     "hey can someone else collect my order for me?"),
                    ("You can collect any order from our shop free of charge; just choose \"Pickup\" at checkout.",
                     "Once the bike is ready you'll get a message and we hold it for you for 14 days.",
                     "If you come by car, we're happy to reserve a parking space in the yard."),
                    (1, "We'll let you know when it's ready and keep it aside for 14 days."))),
    _Topic("shipping-austria-switzerland", "de", ("address", "order", "email", "phone"), ("", ""),
           countries=("AT", "CH"),
           de=_Side(("Liefert ihr auch nach Österreich? Und was kostet das?",
                     "Versendet ihr in die Schweiz und wie ist das mit dem Zoll?",
                     "Grüß Gott, ich würde gern ein E-Bike nach Österreich bestellen. Wie hoch sind die Versandkosten "
                     "und wie lange dauert das?",
                     "Schweiz Lieferung möglich?? Muss ich da Zoll zahlen",
                     "Hallo, ich wohne in der Schweiz. Kommen da noch Gebühren dazu, wenn ich bei euch ein Rad "
                     "bestelle?"),
                    ("Wir liefern nach Österreich für 9,90 € und in die Schweiz für 29,90 €, Räder jeweils mit "
                     "Spedition.", "Bei Lieferungen in die Schweiz kommen Einfuhrumsatzsteuer und Zollgebühren hinzu, "
                     "die der Paketdienst bei Zustellung erhebt.", "Die Lieferzeit beträgt 3–5 Werktage."),
                    (2, "Rechnen Sie mit 3–5 Werktagen bis zur Zustellung.")),
           en=_Side(("Do you ship to Austria? How much does it cost?",
                     "Can you deliver to Switzerland and what about customs?",
                     "Hello, I'd like to order an e-bike to Vienna. What are the shipping costs and how long does it "
                     "take?",
                     "ship to switzerland? any import fees i should know about",
                     "Hi, I live in Switzerland. Are there any extra charges if I order a bike from you?"),
                    ("We deliver to Austria for €9.90 and to Switzerland for €29.90, bikes by freight carrier in both "
                     "cases.", "For Switzerland, import VAT and customs fees are added and collected by the carrier "
                     "on delivery.", "Delivery takes 3–5 working days."),
                    (2, "Expect delivery within 3–5 working days."))),
    _Topic("invoice-copy", "en", ("order", "email", "address", "url"), ("rechnung", "invoice"), recipient=True,
           third_party=0.3,
           de=_Side(("Ich brauche eine Kopie meiner Rechnung, die ursprüngliche finde ich nicht mehr.",
                     "Können Sie mir die Rechnung nochmal schicken? Brauche die für die Steuer.",
                     "Hallo, mein Arbeitgeber will für den Zuschuss eine Rechnung mit ausgewiesener MwSt. Wo bekomme "
                     "ich die her?",
                     "rechnung verloren, bekomme ich eine neue?",
                     "Guten Tag, könnte ich bitte eine Rechnungskopie bekommen? Außerdem müsste die Rechnungsadresse "
                     "angepasst werden."),
                    ("Alle Rechnungen finden Sie als PDF in Ihrem Kundenkonto unter „Bestellungen“.",
                     "Eine Kopie schicken wir Ihnen auch gern per E-Mail.",
                     "Änderungen der Rechnungsadresse sind bis 30 Tage nach Kauf möglich."),
                    (1, "Auf Wunsch mailen wir Ihnen eine Kopie.")),
           en=_Side(("I need a copy of my invoice, I can't find the original.",
                     "Could you resend the invoice please? Need it for my tax return.",
                     "Hello, my employer needs an invoice showing VAT for the cycle-to-work scheme. Where can I get "
                     "that?",
                     "lost my invoice, can i get another one",
                     "Hi, could I have a copy of my invoice please? The billing address also needs correcting."),
                    ("You'll find all invoices as PDFs in your customer account under \"Orders\".",
                     "We're also happy to email you a copy.",
                     "The billing address can be changed up to 30 days after purchase."),
                    (1, "If you prefer, we can send a copy by email."))),
    _Topic("gift-wrapping", "en", ("order", "address", "email"), ("", ""), recipient=True, third_party=0.6,
           de=_Side(("Bietet ihr Geschenkverpackung an? Das Rad ist ein Geburtstagsgeschenk.",
                     "Kann man die Bestellung als Geschenk verpacken lassen und ohne Preis verschicken?",
                     "Hallo! Ich möchte einen Helm verschenken und direkt an die beschenkte Person schicken lassen. "
                     "Geht das mit Karte?",
                     "geschenkverpackung möglich?",
                     "Guten Abend, ich suche noch ein Weihnachtsgeschenk. Könnt ihr das hübsch einpacken und eine "
                     "kleine Karte beilegen?"),
                    ("Zubehör und Kleinteile verpacken wir für 3,90 € als Geschenk, Räder bekommen eine große Schleife "
                     "am Karton.", "Auf Wunsch legen wir eine Grußkarte mit Ihrem Text bei und verschicken ohne "
                     "Preisangabe auf dem Lieferschein.", "Beides wählen Sie im Checkout unter „Geschenkoptionen“."),
                    (2, "Beides können Sie beim Bestellen unter „Geschenkoptionen“ auswählen.")),
           en=_Side(("Do you offer gift wrapping? The bike is a birthday present.",
                     "Can you wrap my order as a gift and leave the price off?",
                     "Hi! I want to give someone a helmet and have it sent straight to them. Can you add a card?",
                     "gift wrap available?",
                     "Evening, I'm still looking for a Christmas present. Could you wrap it nicely and put a little "
                     "card in?"),
                    ("We gift-wrap accessories and small parts for €3.90, and bikes get a big bow on the box.",
                     "On request we add a greeting card with your message and ship without prices on the delivery "
                     "note.", "You can choose both at checkout under \"Gift options\"."),
                    (2, "Both are under \"Gift options\" when you check out."))),
    _Topic("test-ride-booking", "de", ("phone", "plate", "url", "email"), ("probefahrt/termin", "test-ride/slot"),
           always=2, third_party=0.35,
           de=_Side(("Kann ich das E-Bike vorher Probe fahren?",
                     "Wie buche ich eine Probefahrt bei euch?",
                     "Hallo, ich schwanke zwischen zwei Trekkingrädern und würde beide gern am Samstag testen. Muss "
                     "ich dafür einen Termin machen?",
                     "probefahrt möglich? am besten nächste woche",
                     "Guten Tag, bevor ich so viel Geld ausgebe, würde ich das Rad gern einmal richtig fahren, nicht "
                     "nur auf dem Parkplatz. Geht das?"),
                    ("Probefahrten sind kostenlos und dauern bis zu 60 Minuten.",
                     "Buchen Sie dafür einen Termin online oder telefonisch, damit das gewünschte Modell in Ihrer "
                     "Größe bereitsteht.", "Bitte bringen Sie einen Ausweis mit."),
                    (2, "Denken Sie bitte an einen Lichtbildausweis.")),
           en=_Side(("Can I test ride the e-bike first?",
                     "How do I book a test ride?",
                     "Hi, I can't decide between two hybrids and would like to try both on Saturday. Do I need an "
                     "appointment?",
                     "test ride possible? ideally next week",
                     "Hello, before spending that much I'd like to ride the bike properly, not just round the car "
                     "park. Is that possible?"),
                    ("Test rides are free and last up to 60 minutes.",
                     "Please book a slot online or by phone so the model is ready in your size.",
                     "Bring some photo ID with you."),
                    (2, "Please remember to bring photo ID."))),
    _Topic("spare-parts", "en", ("order", "email", "url", "address", "phone"), ("ersatzteile/anfrage", "parts/request"),
           de=_Side(("Habt ihr Ersatzteile für ältere Modelle? Mir ist das Schaltauge abgebrochen.",
                     "Wo bekomme ich einen neuen Ständer für mein Rad von euch?",
                     "Hallo, ich brauche Bremsbeläge für mein E-Bike von 2019, finde sie aber nicht im Shop. Könnt ihr "
                     "die bestellen?",
                     "ersatzteil schutzblech gesucht",
                     "Guten Tag, an meinem Rad ist die Kettenschutzhalterung gebrochen. Gibt es das Teil einzeln?"),
                    ("Ersatzteile für alle Modelle der letzten 8 Jahre können wir bestellen, auch wenn sie nicht im "
                     "Onlineshop stehen.", "Schicken Sie uns dafür ein Foto des Teils und, falls vorhanden, die "
                     "Rahmennummer.", "Die Lieferzeit liegt meist bei 5–10 Werktagen."),
                    (2, "In der Regel ist das Teil nach 5–10 Werktagen da.")),
           en=_Side(("Do you stock spare parts for older models? My derailleur hanger snapped.",
                     "Where can I get a new kickstand for my bike from you?",
                     "Hi, I need brake pads for my 2019 e-bike but can't find them in the shop. Can you order them in?",
                     "looking for a replacement mudguard",
                     "Hello, the chain guard bracket on my bike broke. Can I buy that part separately?"),
                    ("We can order spare parts for all models from the last 8 years, even if they're not listed in "
                     "the online shop.", "Just send us a photo of the part and, if you have it, the frame number.",
                     "Delivery usually takes 5–10 working days."),
                    (2, "The part normally arrives within 5–10 working days."))),
    _Topic("bike-carrier-plate", "de", ("plate", "order", "address"), ("", ""),
           de=_Side(("Ich habe bei euch einen Heckträger gekauft. Brauche ich dafür ein extra Kennzeichen?",
                     "Muss ich für den Fahrradträger auf der Anhängerkupplung ein drittes Nummernschild haben?",
                     "Hallo, der Heckträger verdeckt mein Kennzeichen komplett. Könnt ihr mir ein Schild dafür "
                     "besorgen?",
                     "kennzeichen für fahrradträger, wo bekomm ich das?",
                     "Guten Tag, ich fahre nächste Woche in den Urlaub und habe gerade erst gemerkt, dass beim Träger "
                     "ein Kennzeichenhalter dabei ist. Wie komme ich an das Schild?"),
                    ("Verdeckt der Träger Ihr Kennzeichen, brauchen Sie ein drittes Kennzeichen, das Sie bei der "
                     "Zulassungsstelle beantragen.", "Mit dem Fahrzeugschein bekommen Sie es dort meist sofort, die "
                     "Kosten liegen bei etwa 10–30 €.", "Der Halter dafür ist bei allen unseren Heckträgern bereits "
                     "dabei."),
                    (1, "Das geht mit dem Fahrzeugschein meist direkt vor Ort und kostet etwa 10–30 €.")),
           en=_Side(("I bought a rear bike carrier from you. Do I need an extra number plate for it?",
                     "Do I need a third licence plate for the bike rack on my tow bar?",
                     "Hi, the rear carrier hides my number plate completely. Can you get me a plate for it?",
                     "plate for bike rack, where do i get one?",
                     "Hello, I'm driving to Austria next week and only just noticed the carrier has a plate holder. "
                     "How do I get the plate?"),
                    ("If the carrier hides your number plate, you need a third plate, which you apply for at the "
                     "vehicle registration office.", "With your vehicle documents you usually get it on the spot, "
                     "and it costs around €10–30.", "The holder for it already comes with all our rear carriers."),
                    (1, "Bring your vehicle documents and you'll normally get it straight away for about €10–30."))),
    _Topic("financing-instalments", "de", ("dob", "iban", "address", "phone"), ("", ""), always=2,
           de=_Side(("Kann ich das E-Bike auch in Raten bezahlen?",
                     "Bietet ihr Finanzierung an? 0 % wäre toll.",
                     "Hallo, ich würde das Lastenrad gern über 24 Monate finanzieren. Welche Angaben braucht ihr dafür "
                     "von mir?",
                     "ratenzahlung möglich??",
                     "Guten Tag, gibt es bei Ihnen eine Möglichkeit, in monatlichen Raten zu zahlen? Ich kann gerade "
                     "nicht alles auf einmal zahlen."),
                    ("Ab 300 € Warenwert bieten wir Ratenkauf über 6 bis 48 Monate an, bis 12 Monate zu 0 % Zinsen.",
                     "Für die Kreditprüfung brauchen wir Ihre Anschrift, Ihr Geburtsdatum und Ihre Bankverbindung.",
                     "Die Entscheidung bekommen Sie meist innerhalb weniger Minuten."),
                    (2, "In der Regel steht die Entscheidung nach wenigen Minuten fest.")),
           en=_Side(("Can I pay for the e-bike in instalments?",
                     "Do you offer finance? 0% would be great.",
                     "Hi, I'd like to spread the cost of the cargo bike over 24 months. What details do you need from "
                     "me?",
                     "pay monthly possible??",
                     "Hello, is there a way to pay in monthly instalments? I can't pay it all at once right now."),
                    ("For orders over €300 we offer instalments over 6 to 48 months, interest-free for up to 12 "
                     "months.", "For the credit check we need your address, date of birth and bank details.",
                     "You usually get a decision within a few minutes."),
                    (2, "The decision normally comes through within minutes."))),
    _Topic("job-bike-leasing", "en", ("email", "dob", "phone", "order"), ("", ""), always=2,
           de=_Side(("Kann ich ein Rad bei euch über Dienstradleasing bekommen?",
                     "Arbeitet ihr mit Dienstrad-Portalen oder anderen Leasinganbietern zusammen?",
                     "Hallo, mein Arbeitgeber bietet Fahrradleasing an. Wie läuft das bei euch ab, muss ich erst zu "
                     "euch in den Laden?",
                     "dienstrad leasing bei euch möglich?",
                     "Guten Tag, ich möchte ein E-Bike über meinen Arbeitgeber leasen. Welche Unterlagen brauchen Sie "
                     "von mir?"),
                    ("Wir arbeiten mit allen großen Dienstrad-Anbietern zusammen.",
                     "Sie wählen Ihr Rad bei uns aus, wir erstellen ein Angebot, und Ihr Arbeitgeber gibt es im Portal "
                     "des Leasinganbieters frei.", "Danach können Sie das Rad in 1–2 Wochen abholen."),
                    (2, "Abholbereit ist das Rad dann meist nach 1–2 Wochen.")),
           en=_Side(("Can I get a bike from you through a cycle-to-work scheme?",
                     "Do you work with bike leasing providers?",
                     "Hi, my employer offers bike leasing. How does it work with you, do I have to come into the shop "
                     "first?",
                     "work bike lease possible with you?",
                     "Hello, I'd like to lease an e-bike through my employer. Which documents do you need from me?"),
                    ("We work with all the major bike leasing providers.",
                     "You choose your bike with us, we prepare a quote, and your employer approves it in the leasing "
                     "provider's portal.", "After that you can pick up the bike within 1–2 weeks."),
                    (2, "The bike is then usually ready for pickup in 1–2 weeks."))),
    _Topic("payment-failed", "de", ("order", "url", "iban", "email"), ("zahlung", "pay"),
           de=_Side(("Meine Zahlung ist fehlgeschlagen, ist die Bestellung jetzt weg?",
                     "Die Kartenzahlung wurde abgelehnt, was nun?",
                     "Hallo, beim Bezahlen mit PayPal kam eine Fehlermeldung, aber ich habe trotzdem eine "
                     "Bestellbestätigung bekommen. Ist alles bezahlt?",
                     "zahlung hat nicht geklappt, wie kann ich nochmal zahlen",
                     "Guten Tag, ich habe per Vorkasse bestellt, aber die Überweisung ist zurückgekommen. Was muss ich "
                     "tun?"),
                    ("Ihre Bestellung bleibt 7 Tage reserviert, auch wenn die Zahlung nicht geklappt hat.",
                     "Sie können sie über den Zahlungslink in Ihrer Bestellbestätigung mit einer anderen Zahlungsart "
                     "erneut bezahlen.", "Eventuell vorgemerkte Beträge gibt Ihre Bank automatisch wieder frei."),
                    (0, "Keine Sorge, die Bestellung bleibt 7 Tage für Sie reserviert.")),
           en=_Side(("My payment failed – is my order gone now?",
                     "My card payment was declined, what now?",
                     "Hi, PayPal showed an error when I paid but I still got an order confirmation. Has it been paid?",
                     "payment didnt go through, how do i pay again",
                     "Hello, I paid by bank transfer but the transfer bounced back. What do I need to do?"),
                    ("Your order stays reserved for 7 days even if the payment didn't go through.",
                     "You can pay again with a different method using the payment link in your order confirmation.",
                     "Any amount reserved on your account will be released by your bank automatically."),
                    (0, "Don't worry, your order is held for 7 days."))),
    _Topic("tracking-delayed", "en", ("order", "url", "address", "phone"), ("sendung", "track"),
           de=_Side(("Mein Paket hängt seit Tagen im Verteilzentrum. Wo ist es?",
                     "Die Sendungsverfolgung zeigt seit Freitag nichts Neues an.",
                     "Hallo, laut Bestätigung hätte das Rad gestern kommen sollen, ist es aber nicht. Könnt ihr "
                     "nachschauen, was los ist?",
                     "wo bleibt meine lieferung",
                     "Guten Tag, die Spedition wollte sich für einen Liefertermin melden, hat sie aber bisher nicht. "
                     "Wie lange muss ich noch warten?"),
                    ("Räder versenden wir per Spedition, die sich 1–2 Tage vorher für einen Liefertermin meldet.",
                     "Zeigt die Sendungsverfolgung länger als 3 Werktage keinen neuen Status, starten wir einen "
                     "Nachforschungsauftrag.", "Den aktuellen Status sehen Sie jederzeit über den Tracking-Link."),
                    (1, "Bleibt der Status mehr als 3 Werktage gleich, lassen wir die Sendung suchen.")),
           en=_Side(("My parcel has been stuck at the depot for days. Where is it?",
                     "Tracking hasn't updated since Friday.",
                     "Hi, according to the confirmation the bike should have arrived yesterday, but it didn't. Can you "
                     "check what's going on?",
                     "where is my delivery",
                     "Hello, the freight company was supposed to contact me to arrange a delivery date but they "
                     "haven't. How much longer do I wait?"),
                    ("Bikes are shipped by freight carrier, who contacts you 1–2 days in advance to arrange a delivery "
                     "slot.", "If tracking shows no new status for more than 3 working days, we open an "
                     "investigation.", "You can see the current status at any time via the tracking link."),
                    (1, "If the status hasn't changed for over 3 working days, we ask the carrier to trace it."))),
    _Topic("cancel-order", "de", ("order", "iban", "email"), ("", ""), always=2,
           de=_Side(("Ich möchte meine Bestellung stornieren.",
                     "Kann ich noch stornieren? Hab mich für ein anderes Modell entschieden.",
                     "Hallo, ich habe versehentlich zweimal bestellt. Bitte eine der beiden Bestellungen stornieren.",
                     "bestellung stornieren bitte!",
                     "Guten Morgen, ich habe gestern Abend ein Rad bestellt, es mir aber über Nacht anders überlegt. "
                     "Geht das noch rückgängig zu machen?"),
                    ("Solange die Bestellung noch nicht versandt wurde, stornieren wir sie kostenlos.",
                     "Bereits gezahlte Beträge erstatten wir innerhalb von 3 Werktagen über die ursprüngliche "
                     "Zahlungsart.", "Ist die Ware schon unterwegs, können Sie sie nach Erhalt innerhalb von 30 Tagen "
                     "zurückschicken."),
                    (1, "Was Sie schon bezahlt haben, bekommen Sie binnen 3 Werktagen zurück.")),
           en=_Side(("I'd like to cancel my order.",
                     "Can I still cancel? I've decided on a different model.",
                     "Hi, I accidentally ordered twice. Please cancel one of them.",
                     "cancel order please!",
                     "Morning, I ordered a bike last night but changed my mind overnight. Can it still be undone?"),
                    ("As long as the order hasn't shipped, we cancel it free of charge.",
                     "Anything already paid is refunded within 3 working days to the original payment method.",
                     "If the goods are already on their way, you can send them back within 30 days of receipt."),
                    (1, "You'll get back whatever you've paid within 3 working days."))),
    _Topic("frame-size-advice", "en", ("phone", "email", "order"), ("", ""), third_party=0.7, children=True,
           de=_Side(("Welche Rahmengröße brauche ich bei 1,82 m?",
                     "Ich bin 1,65 groß, passt mir S oder M?",
                     "Hallo, ich suche ein Kinderrad und bin unsicher bei der Größe – 20 oder 24 Zoll?",
                     "rahmengröße bei schrittlänge 84 cm?",
                     "Guten Tag, laut Ihrer Tabelle liege ich genau zwischen zwei Größen. Welche würden Sie "
                     "empfehlen?"),
                    ("Entscheidend ist die Schrittlänge: Multiplizieren Sie sie bei Trekkingrädern mit 0,66, dann "
                     "erhalten Sie die Rahmenhöhe in Zentimetern.", "Liegen Sie zwischen zwei Größen, empfehlen wir "
                     "für eine aufrechte Haltung die kleinere.", "Im Laden messen wir Sie gern kostenlos aus."),
                    (2, "Gern vermessen wir Sie auch kostenlos bei uns im Laden.")),
           en=_Side(("What frame size do I need at 6'0\"?",
                     "I'm 1.65 m, should I go for S or M?",
                     "Hi, I'm looking for a kids' bike and I'm not sure about the size – 20 or 24 inch?",
                     "frame size for 84cm inseam?",
                     "Hello, according to your chart I'm right between two sizes. Which would you recommend?"),
                    ("What matters is your inside leg: for hybrid bikes multiply it by 0.66 to get the frame height "
                     "in centimetres.", "If you're between two sizes, we recommend the smaller one for a more upright "
                     "position.", "We're happy to measure you for free in the shop."),
                    (2, "You can also pop into the shop and we'll measure you free of charge."))),
    _Topic("first-service", "en", ("phone", "url", "plate", "order"), ("werkstatt/termin", "workshop/booking"),
           de=_Side(("Ist die erste Inspektion bei euch kostenlos?",
                     "Wann sollte ich mit dem neuen Rad zur ersten Durchsicht kommen?",
                     "Hallo, ich habe mein E-Bike vor sechs Wochen bei euch gekauft. Die Bremsen quietschen etwas, "
                     "kann ich das bei der Erstinspektion machen lassen?",
                     "erstinspektion termin?",
                     "Guten Tag, im Kaufvertrag steht etwas von einem Gratis-Check. Wie bekomme ich dafür einen "
                     "Termin?"),
                    ("Die erste Inspektion nach 300 km oder spätestens 3 Monaten ist für alle bei uns gekauften Räder "
                     "kostenlos.", "Dabei stellen wir Schaltung und Bremsen nach und prüfen alle Schrauben.",
                     "Einen Termin vereinbaren Sie online oder telefonisch, die Durchsicht dauert etwa einen Tag."),
                    (1, "Wir justieren dabei Schaltung und Bremsen und ziehen alle Schrauben nach.")),
           en=_Side(("Is the first service free with you?",
                     "When should I bring my new bike in for its first check?",
                     "Hi, I bought my e-bike from you six weeks ago. The brakes squeak a bit – can that be done at the "
                     "first service?",
                     "first service appointment?",
                     "Hello, my purchase agreement mentions a free check-up. How do I get an appointment for it?"),
                    ("The first service after 300 km or at the latest 3 months is free for all bikes bought from us.",
                     "We adjust the gears and brakes and check all bolts.",
                     "You can book an appointment online or by phone, and the service takes about a day."),
                    (1, "During it we adjust gears and brakes and go over every bolt."))),
    _Topic("damaged-delivery", "en", ("order", "url", "phone", "iban"), ("schaden/fotos", "damage/photos"),
           de=_Side(("Das Rad kam mit einem Kratzer am Rahmen an. Was jetzt?",
                     "Der Karton war total zerdrückt und das Schutzblech ist verbogen.",
                     "Hallo, beim Auspacken habe ich gesehen, dass das Display gesprungen ist. Wie geht es weiter, "
                     "muss ich das Rad zurückschicken?",
                     "lieferung beschädigt!!",
                     "Guten Tag, leider ist die Lieferung beschädigt angekommen, der Lenker ist verbogen. Ich habe "
                     "Fotos gemacht."),
                    ("Das tut uns leid! Bitte schicken Sie uns Fotos vom Schaden und vom Karton innerhalb von 14 Tagen "
                     "nach Lieferung.", "Kleine Schäden beheben wir mit einem Ersatzteil oder einer Gutschrift, bei "
                     "größeren holen wir das Rad kostenlos ab und tauschen es aus."),
                    (0, "Das ist ärgerlich! Schicken Sie uns bitte innerhalb von 14 Tagen Fotos vom Schaden und vom "
                        "Karton.")),
           en=_Side(("The bike arrived with a scratch on the frame. What now?",
                     "The box was completely crushed and the mudguard is bent.",
                     "Hi, when unpacking I saw the display is cracked. What happens next, do I have to send the bike "
                     "back?",
                     "delivery damaged!!",
                     "Hello, unfortunately my delivery arrived damaged, the handlebar is bent. I've taken photos."),
                    ("We're sorry about that! Please send us photos of the damage and the box within 14 days of "
                     "delivery.", "Small damage we fix with a spare part or a credit, for bigger damage we collect "
                     "the bike free of charge and replace it."),
                    (0, "Sorry to hear that! Photos of the damage and the box within 14 days of delivery help us "
                        "most."))),
    _Topic("account-password-reset", "de", ("email", "url", "dob"), ("konto/passwort", "account/reset"), always=2,
           de=_Side(("Ich komme nicht mehr in mein Kundenkonto, Passwort vergessen.",
                     "Der Link zum Zurücksetzen des Passworts funktioniert nicht.",
                     "Hallo, ich habe keine Mail zum Passwort-Reset bekommen, auch nicht im Spam. Können Sie helfen?",
                     "login geht nicht mehr",
                     "Guten Tag, ich habe meine alte E-Mail-Adresse nicht mehr und komme deshalb nicht in mein Konto. "
                     "Was kann ich tun?"),
                    ("Über „Passwort vergessen“ auf der Anmeldeseite schicken wir Ihnen einen Link, der 24 Stunden "
                     "gültig ist.", "Kommt keine E-Mail an, prüfen Sie bitte den Spam-Ordner oder fordern Sie den Link "
                     "erneut an.", "Bei einer geänderten E-Mail-Adresse bestätigen wir Ihre Identität und schicken "
                     "Ihnen einen neuen Link."),
                    (1, "Sollte nichts ankommen, schauen Sie bitte im Spam nach oder fordern Sie einen neuen Link "
                        "an.")),
           en=_Side(("I can't get into my account, forgot my password.",
                     "The password reset link isn't working.",
                     "Hi, I haven't received the password reset email, not even in spam. Can you help?",
                     "cant log in anymore",
                     "Hello, I no longer have access to my old email address so I can't get into my account. What can "
                     "I do?"),
                    ("Via \"Forgot password\" on the login page we send you a link that is valid for 24 hours.",
                     "If no email arrives, please check your spam folder or request the link again.",
                     "If your email address has changed, we verify your identity and send you a new link."),
                    (1, "If nothing turns up, look in your spam folder or ask for a new link."))),
    _Topic("gift-voucher", "de", ("email", "order", "url"), ("gutschein", "voucher"), recipient=True,
           third_party=0.5,
           de=_Side(("Kann man bei euch Gutscheine kaufen?",
                     "Wie lange ist ein Gutschein gültig?",
                     "Hallo, ich habe einen Gutschein geschenkt bekommen, aber der Code wird im Shop nicht angenommen. "
                     "Woran liegt das?",
                     "gutschein auch im laden einlösbar?",
                     "Guten Tag, ich möchte einen Gutschein über 100 € verschenken, am liebsten per E-Mail direkt an "
                     "die beschenkte Person. Geht das?"),
                    ("Gutscheine gibt es ab 10 € als E-Mail oder als gedruckte Karte.",
                     "Sie sind 3 Jahre gültig und im Onlineshop wie im Laden einlösbar.",
                     "Wird ein Code nicht angenommen, prüfen Sie bitte, ob er ohne Leerzeichen eingegeben wurde."),
                    (1, "Einlösen lassen sie sich 3 Jahre lang, online und bei uns im Laden.")),
           en=_Side(("Can I buy gift vouchers from you?",
                     "How long is a gift voucher valid for?",
                     "Hi, I was given a voucher but the code isn't accepted in the shop. Why is that?",
                     "can vouchers be used in store too?",
                     "Hello, I'd like to give someone a €100 voucher, ideally sent by email straight to them. Is that "
                     "possible?"),
                    ("Vouchers are available from €10 as an email or as a printed card.",
                     "They're valid for 3 years and can be redeemed online and in the shop.",
                     "If a code isn't accepted, please check it was entered without spaces."),
                    (1, "You can use them for 3 years, both online and in the shop."))),
    _Topic("trade-in", "de", ("plate", "phone", "iban", "address"), ("", ""), always=2,
           de=_Side(("Nehmt ihr mein altes Rad in Zahlung?",
                     "Kann ich mein gebrauchtes E-Bike bei euch verkaufen?",
                     "Hallo, ich will auf ein neues Trekkingrad umsteigen. Würdet ihr mein fünf Jahre altes Rad "
                     "anrechnen?",
                     "inzahlungnahme altes fahrrad?",
                     "Guten Tag, wir haben noch zwei Kinderräder im Keller stehen. Kann man die bei Ihnen gegen ein "
                     "neues Rad eintauschen?"),
                    ("Ja, beim Kauf eines neuen Rads nehmen wir Ihr altes in Zahlung.",
                     "Bringen Sie es dafür in den Laden, wir schätzen den Wert vor Ort und rechnen ihn direkt auf den "
                     "Kaufpreis an.", "E-Bikes nehmen wir bis zu einem Alter von 6 Jahren an."),
                    (2, "Bei E-Bikes gilt eine Altersgrenze von 6 Jahren.")),
           en=_Side(("Do you take old bikes in part exchange?",
                     "Can I sell my used e-bike to you?",
                     "Hi, I want to upgrade to a new hybrid. Would you take my five-year-old bike off the price?",
                     "trade in old bike?",
                     "Hello, we still have two kids' bikes in the garage. Can we exchange them against a new bike with "
                     "you?"),
                    ("Yes, when you buy a new bike we take your old one in part exchange.",
                     "Just bring it to the shop, we value it on the spot and take it straight off the price.",
                     "We accept e-bikes up to 6 years old."),
                    (2, "For e-bikes the limit is 6 years of age."))),
    _Topic("size-exchange", "en", ("order", "url", "address"), ("umtausch/etikett", "exchange/label"),
           de=_Side(("Der Helm ist zu klein, kann ich ihn gegen eine Nummer größer tauschen?",
                     "Umtausch Größe möglich?",
                     "Hallo, die Radhose passt leider nicht, ich bräuchte M statt S. Wie läuft ein Umtausch bei euch?",
                     "helm passt nicht, umtauschen?",
                     "Guten Tag, ich habe Handschuhe in der falschen Größe bestellt. Muss ich sie zurückschicken und "
                     "neu bestellen oder geht das direkt?"),
                    ("Größen tauschen wir innerhalb von 30 Tagen kostenlos um.",
                     "Sie bekommen von uns ein Rücksendeetikett, und wir schicken die neue Größe los, sobald der "
                     "Artikel bei uns ist.", "Bitte schicken Sie die Ware ungetragen und mit Etikett zurück."),
                    (1, "Mit unserem Rücksendeetikett schicken Sie den Artikel zurück, die neue Größe geht raus, "
                        "sobald er da ist.")),
           en=_Side(("The helmet is too small, can I swap it for the next size up?",
                     "Size exchange possible?",
                     "Hi, the cycling shorts don't fit, I'd need M instead of S. How does an exchange work with you?",
                     "helmet doesnt fit, can i exchange it?",
                     "Hello, I ordered gloves in the wrong size. Do I have to return them and order again or can you "
                     "swap them directly?"),
                    ("We exchange sizes free of charge within 30 days.",
                     "We send you a return label and ship the new size as soon as the item has reached us.",
                     "Please send the item back unworn and with its tags."),
                    (1, "Use our return label and the new size goes out as soon as we have the item back."))),
    _Topic("s-pedelec-plate", "de", ("plate", "dob", "iban", "order"), ("", ""), always=2, insurance_plate=True,
           phrasing=(("de", "plate", ("Mein Versicherungskennzeichen ist {v}.", "Das alte Kennzeichen war {v}.",
                                      "Kennzeichen vom letzten Jahr: {v}")),
                     ("en", "plate", ("My insurance plate is {v}.", "The old plate was {v}.",
                                      "last year's plate: {v}"))),
           de=_Side(("Braucht mein S-Pedelec ein Kennzeichen?",
                     "Wo bekomme ich das Versicherungskennzeichen für das schnelle E-Bike her?",
                     "Hallo, ich hole nächste Woche mein S-Pedelec ab. Könnt ihr das Kennzeichen gleich dranschrauben "
                     "und was brauche ich sonst noch, Führerschein?",
                     "s pedelec kennzeichen abgelaufen, was tun",
                     "Guten Tag, mein Versicherungskennzeichen gilt nur noch bis Ende Februar. Muss ich mich selbst um "
                     "ein neues kümmern oder machen Sie das?"),
                    ("S-Pedelecs bis 45 km/h brauchen ein Versicherungskennzeichen, das Sie bei jeder "
                     "Kfz-Versicherung bekommen und das jeweils bis Ende Februar gilt.",
                     "Zum Fahren brauchen Sie außerdem mindestens den Führerschein der Klasse AM.",
                     "Bei der Übergabe schrauben wir das Kennzeichen gern für Sie an."),
                    (2, "Wenn Sie das Kennzeichen mitbringen, montieren wir es bei der Übergabe.")),
           en=_Side(("Does my S-pedelec need a number plate?",
                     "Where do I get the insurance plate for the fast e-bike?",
                     "Hi, I'm collecting my S-pedelec next week. Can you fit the plate for me and what else do I need, "
                     "a driving licence?",
                     "speed pedelec plate expired, what now",
                     "Hello, my insurance plate is only valid until the end of February. Do I have to sort out a new "
                     "one myself or do you do it?"),
                    ("S-pedelecs up to 45 km/h need an insurance plate, which any motor insurer issues and which is "
                     "valid until the end of February each year.",
                     "To ride one you also need at least a class AM driving licence.",
                     "We're happy to fit the plate for you when you collect the bike."),
                    (2, "Bring the plate along and we'll mount it at handover."))),
    _Topic("data-deletion", "de", ("email", "dob", "url", "order"), ("konto/loeschen", "account/delete"), always=2,
           de=_Side(("Bitte löschen Sie mein Kundenkonto und alle meine Daten.",
                     "Wie kann ich mich vom Newsletter abmelden und mein Konto löschen?",
                     "Hallo, ich möchte wissen, welche Daten Sie über mich gespeichert haben, und diese dann löschen "
                     "lassen.",
                     "konto löschen bitte",
                     "Guten Tag, nach meinem letzten Kauf bekomme ich ständig Werbung. Ich möchte, dass mein Konto "
                     "vollständig gelöscht wird."),
                    ("Wir löschen Ihr Kundenkonto innerhalb von 7 Tagen, sobald wir bestätigt haben, dass die Anfrage "
                     "von Ihnen kommt.", "Rechnungen müssen wir aus steuerlichen Gründen 10 Jahre aufbewahren, sie "
                     "werden danach automatisch gelöscht.", "Vom Newsletter können Sie sich jederzeit über den Link am "
                     "Ende jeder Mail abmelden."),
                    (2, "Den Newsletter können Sie jederzeit über den Abmeldelink in jeder Mail abbestellen.")),
           en=_Side(("Please delete my customer account and all my data.",
                     "How do I unsubscribe from the newsletter and close my account?",
                     "Hi, I'd like to know what data you hold about me and then have it deleted.",
                     "delete account pls",
                     "Hello, since my last purchase I keep getting marketing emails. I want my account removed "
                     "completely."),
                    ("We delete your customer account within 7 days once we've confirmed the request comes from you.",
                     "For tax reasons we have to keep invoices for 10 years, after which they are deleted "
                     "automatically.", "You can unsubscribe from the newsletter at any time via the link at the bottom "
                     "of every email."),
                    (2, "The unsubscribe link at the end of each email takes you off the newsletter at any time."))),
)

# How wordings may begin; dropped when the customer's opener already greets.
ASK_GREETINGS = ("Hallo zusammen,", "Hallo,", "Hallo!", "Hi there,", "Hi,", "Hi!", "Hello,", "Guten Tag,",
                 "Guten Morgen,", "Guten Abend,", "Grüß Gott,", "Moin,", "Evening,", "Morning,", "hey")
DETAIL_CHANCE = 0.65  # how often a customer mentions each of a topic's optional details
MAIN_LANGUAGE_SHARE = 0.8  # customers of a topic writing in its main language


# --------------------------------------------------------------------------------------------------
# IBAN check digits (ISO 7064 MOD 97-10, as ISO 13616 uses it)
# --------------------------------------------------------------------------------------------------

def _mod97(text: str) -> int:
    """Remainder modulo 97 of `text` read as a number, letters A..Z standing for 10..35, digit by digit."""
    remainder = 0
    for char in text:
        for digit in str(int(char, 36)):
            remainder = (remainder * 10 + int(digit)) % 97
    return remainder


def make_iban(country: str, bban: str) -> str:
    """The IBAN for a country code and a domestic account number (BBAN), without spaces."""
    check = 98 - _mod97(bban + country + "00")
    return f"{country}{check:02d}{bban}"


def iban_is_valid(iban: str) -> bool:
    compact = iban.replace(" ", "")
    return _mod97(compact[4:] + compact[:4]) == 1


# --------------------------------------------------------------------------------------------------
# Making up one customer
# --------------------------------------------------------------------------------------------------

class _Dealer:
    """Deals wordings like cards from shuffled decks, so every hard case comes up about equally often."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.decks: dict[tuple, list] = {}

    def __call__(self, options):
        key = tuple(options)
        deck = self.decks.get(key)
        if not deck:
            deck = self.decks[key] = list(key)
            self.rng.shuffle(deck)
        return deck.pop()


@dataclass(frozen=True)
class _Other:
    """A third person the customer writes about (partner, child, parent)."""
    relation: str
    female: bool
    child: bool
    first: str
    surname: str
    shown: str  # as the customer writes the name
    dob: tuple[int, int, int]


@dataclass(frozen=True)
class _Person:
    first: str
    surname: str
    female: bool
    title: str  # "", "Dr." or "Prof."
    country: str  # DE, AT, CH, UK
    email: str
    phone: str
    iban: str
    street: str
    place: str  # postcode + city as written in that country
    plate: str
    order_shown: str  # as written, e.g. "#A-99812"
    order: str  # the number itself, e.g. "A-99812"
    dob: tuple[int, int, int]
    tokens: tuple[str, str]  # link token the customer pastes, link token the agent sends
    other: _Other | None

    def atoms(self) -> set[str]:
        """Everything that must not be shared with another customer of the same topic."""
        found = {self.first, self.surname, self.email, self.phone, self.iban, self.street, self.place, self.plate,
                 self.order, str(self.dob), *self.tokens}
        if self.other:
            found |= {self.other.first, self.other.surname, str(self.other.dob)}
        return found


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def _ascii(text: str) -> str:
    for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("í", "i"), ("é", "e"), ("'", ""), (" ", "")):
        text = text.replace(src, dst)
    return text.lower()


def _email(first: str, surname: str, dob: tuple[int, int, int], country: str, rng: random.Random) -> str:
    f, s = _ascii(first), _ascii(surname)
    local = rng.choice((f"{f}.{s}", f"{f[0]}.{s}", f"{f}{dob[0] % 100:02d}", f"{s}.{f}",
                        f"{f}_{s}{rng.randint(1, 99)}", f"{s}{f[0]}", f"radl.{f}"))
    return f"{local}@{rng.choice(MAIL_DOMAINS[country])}"


def _phone(country: str, rng: random.Random) -> str:
    style = rng.randrange(4)
    if country == "UK":
        area, number = rng.choice((("7700", "900"), ("20", "7946 0"), ("113", "496 0"), ("161", "496 0")))
        number += f"{rng.randint(0, 999):03d}"
        if area == "7700":
            number = number.replace(" ", "")
        return (f"0{area} {number}", f"+44 {area} {number}", f"+44{area}{number.replace(' ', '')}",
                f"0{area} {number}")[style]
    if country == "DE":
        area = rng.choice(("151", "152", "157", "160", "170", "176", "177", "179", "30", "40", "89", "351", "341"))
        sub = _digits(rng, 8 if len(area) == 3 and area[0] == "1" else 7)
        return (f"0{area} {sub}", f"+49 {area} {sub[:4]} {sub[4:]}", f"+49{area}{sub}", f"0{area}-{sub}")[style]
    if country == "AT":
        area = rng.choice(("664", "676", "699", "650", "1"))
        sub = _digits(rng, 7)
        return (f"+43 {area} {sub}", f"0{area} {sub[:3]} {sub[3:5]} {sub[5:]}", f"+43{area}{sub}",
                f"0{area}/{sub}")[style]
    area = rng.choice(("76", "78", "79", "44", "61", "31"))  # CH
    sub = _digits(rng, 7)
    spaced = f"{sub[:3]} {sub[3:5]} {sub[5:]}"
    return (f"+41 {area} {spaced}", f"0{area} {spaced}", f"+41{area}{sub}", f"0{area} {sub}")[style]


def _iban(country: str, rng: random.Random) -> str:
    if country not in ("DE", "AT", "CH"):
        country = rng.choice(("DE", "DE", "AT", "CH"))  # UK customers of a German shop often keep a euro account
    bban = {"DE": lambda: _digits(rng, 8) + _digits(rng, 10),
            "AT": lambda: _digits(rng, 5) + _digits(rng, 11),
            "CH": lambda: "00" + _digits(rng, 3) + _digits(rng, 12)}[country]()
    iban = make_iban(country, bban)
    assert iban_is_valid(iban), iban
    if rng.random() < 0.7:
        return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    return iban


def _street(country: str, rng: random.Random) -> str:
    name, number = rng.choice(STREETS[country]), rng.randint(1, 140)
    if country == "UK":
        return f"Flat {rng.randint(1, 9)}, {number} {name}" if rng.random() < 0.35 else f"{number} {name}"
    suffix = rng.choice("ab") if country == "DE" and rng.random() < 0.2 else ""
    door = f"/{rng.randint(1, 24)}" if country == "AT" and rng.random() < 0.4 else ""
    return f"{name} {number}{suffix}{door}"


def _place(country: str, rng: random.Random) -> str:
    postcode, city = rng.choice(PLACES[country])
    return f"{city} {postcode}" if country == "UK" else f"{postcode} {city}"


def _plate(country: str, rng: random.Random, insurance: bool = False) -> str:
    letters = lambda n: "".join(rng.choice(PLATE_LETTERS) for _ in range(n))  # noqa: E731
    if insurance and country == "DE":
        return f"{rng.randint(1, 999)} {letters(rng.randint(1, 3))}"
    if country == "UK":
        return f"{letters(2)}{rng.randint(51, 73)} {letters(3)}"
    area = "W" if country == "AT" and rng.random() < 0.4 else rng.choice(PLATE_AREAS[country])
    if country == "DE":
        electric = "E" if rng.random() < 0.1 else ""
        return f"{area}{rng.choice('- ')}{letters(rng.randint(1, 2))} {rng.randint(1, 9999)}{electric}"
    if country == "AT":
        if area == "W":
            digits, letter = rng.randint(100, 99999), letters(1)
            return rng.choice((f"W-{digits}{letter}", f"W {digits} {letter}"))
        return f"{area}{rng.choice('- ')}{rng.randint(10, 9999)} {letters(2)}"
    return f"{area} {rng.randint(1, 999999)}"  # CH


def _order(rng: random.Random) -> tuple[str, str]:
    """(as written, the number)."""
    style = rng.randrange(3)
    if style == 0:
        number = f"{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
        return number, number
    if style == 1:
        number = f"A-{rng.randint(10000, 99999)}"
        return "#" + number, number
    number = f"VL-{rng.randint(100000, 999999)}"
    return number, number


def _token(rng: random.Random) -> str:
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if rng.random() < 0.5:
        return "".join(rng.choice(letters) for _ in range(rng.randint(16, 22)))
    while True:
        token = "".join(rng.choice(letters + "0123456789") for _ in range(rng.randint(10, 13)))
        if any(c.isdigit() for c in token) and any(c.isalpha() for c in token):
            return token


def _dob(rng: random.Random, years: tuple[int, int]) -> tuple[int, int, int]:
    return rng.randint(*years), rng.randint(1, 12), rng.randint(1, 28)


def _pick_name(rng: random.Random, female: bool, english: bool) -> str:
    if english:
        return rng.choice(FEMALE_EN if female else MALE_EN)
    return rng.choice(FEMALE_DE if female else MALE_DE)


def _other(deal: _Dealer, language: str, surname: str, children: bool, english: bool) -> _Other:
    rng = deal.rng
    relation, female, child = deal([r for r in RELATIONS[language] if r[2] or not children])
    first = _pick_name(rng, female, english if rng.random() < 0.8 else not english)
    if child:
        other_surname = surname
        shown = first if rng.random() < 0.7 else f"{first} {surname}"
        dob = _dob(rng, (2010, 2019))
    else:
        other_surname = rng.choice(SURNAMES_EN if english else SURNAMES_DE)
        shown = f"{first} {other_surname}" if rng.random() < 0.8 else first
        dob = _dob(rng, (1945, 2000))
    return _Other(relation, female, child, first, other_surname, shown, dob)


def _country(topic: _Topic, language: str, ask: str, rng: random.Random) -> str:
    if topic.countries:
        named = [country for word, country in COUNTRY_WORDS if word in ask]
        return named[0] if named else rng.choice(topic.countries)
    if language == "de":
        return rng.choices(("DE", "AT", "CH"), (60, 20, 20))[0]
    return rng.choices(("UK", "DE", "AT", "CH"), (60, 30, 5, 5))[0]


def _person(topic: _Topic, language: str, ask: str, deal: _Dealer) -> _Person:
    rng = deal.rng
    country = _country(topic, language, ask, rng)
    english = (country == "UK") != (rng.random() < 0.15)  # some Britons have German names and vice versa
    female = rng.random() < 0.5
    first = _pick_name(rng, female, english)
    surname = rng.choice(SURNAMES_EN if english else SURNAMES_DE)
    title = rng.choices(("", "Dr.", "Prof."), (72, 20, 8))[0]
    dob = _dob(rng, (1946, 2005))
    order_shown, order = _order(rng)
    other = None
    if rng.random() < topic.third_party:
        other = _other(deal, language, surname, topic.children, english)
    return _Person(first, surname, female, title, country, _email(first, surname, dob, country, rng),
                   _phone(country, rng), _iban(country, rng), _street(country, rng), _place(country, rng),
                   _plate(country, rng, topic.insurance_plate), order_shown, order, dob, (_token(rng), _token(rng)),
                   other)


# --------------------------------------------------------------------------------------------------
# Writing one chat
# --------------------------------------------------------------------------------------------------

class _Writer:
    """Collects sentences and the personal values woven into them."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.values: list[Value] = []

    def add(self, text: str, *values: Value) -> None:
        for value in values:
            assert value.text in text, (value, text)
        self.parts.append(text)
        self.values.extend(values)


_NAME_KINDS = {"first": "first_name", "surname": "surname", "full": "full_name"}


class _Chatter:
    """Everything personal one chat says about one customer, fixed once so question and answer agree."""

    def __init__(self, person: _Person, language: str, topic: _Topic, deal: _Dealer) -> None:
        rng = deal.rng
        self.p, self.lang, self.topic, self.rng, self.deal = person, language, topic, rng, deal
        self.title = self._title()
        self.acad = {"": "", "Dr.": "Dr. ", "Prof.": "Prof. "}[person.title]
        self.dob = self._date(person.dob)
        self.address = self._address()
        base = rng.choice(SHOP_SITES[language])
        path = topic.link[0 if language == "de" else 1] or ("sendung" if language == "de" else "track")
        tail = rng.choice(("", "", "", "?src=mail", "?lang=" + language))
        self.links = tuple(f"{base}/{path}/{token}{tail}" for token in person.tokens)

    def _title(self) -> str:
        p = self.p
        if self.lang == "de":
            return ("Frau" if p.female else "Herr") + (f" {p.title}" if p.title else "")
        if p.title:
            return {"Dr.": self.rng.choice(("Dr", "Dr.")), "Prof.": "Prof."}[p.title]
        return self.rng.choice(("Ms", "Mrs")) if p.female else self.rng.choice(("Mr.", "Mr"))

    def _date(self, dob: tuple[int, int, int]) -> str:
        y, m, d = dob
        month = MONTHS[self.lang][m - 1]
        style = self.deal(("words", "padded", "short"))
        if self.lang == "de":
            return {"words": f"{d}. {month} {y}", "padded": f"{d:02d}.{m:02d}.{y}", "short": f"{d}.{m}.{y}"}[style]
        return {"words": f"{d} {month} {y}", "padded": f"{d:02d}/{m:02d}/{y}", "short": f"{d}/{m}/{y}"}[style]

    def _address(self) -> tuple[str, tuple[Value, ...]]:
        """The address as this customer writes it: street and town, the street alone, or the town alone."""
        street, place = Value("address", self.p.street), Value("postcode_city", self.p.place)
        form = self.rng.choices(("both", "street", "place"), (75, 15, 10))[0]
        if form == "street":
            return street.text, (street,)
        if form == "place":
            return place.text, (place,)
        return f"{street.text}, {place.text}", (street, place)

    def name(self, template: str, which: str, **extra: str) -> tuple[str, Value]:
        p = self.p
        name = {"first": p.first, "surname": p.surname, "full": f"{p.first} {p.surname}"}[which]
        return template.format(name=name, title=self.title, acad=self.acad, **extra), Value(_NAME_KINDS[which], name)

    def detail(self, kind: str, templates: dict[str, tuple[str, ...]]) -> tuple[str, tuple[Value, ...]]:
        p = self.p
        shown, values = {
            "order": (p.order_shown, (Value("order_number", p.order),)),
            "email": (p.email, (Value("email", p.email),)),
            "phone": (p.phone, (Value("phone", p.phone),)),
            "iban": (p.iban, (Value("iban", p.iban),)),
            "address": self.address,
            "plate": (p.plate, (Value("licence_plate", p.plate),)),
            "dob": (self.dob, (Value("date_of_birth", self.dob),)),
            "url": (self.links[0], (Value("url_token", p.tokens[0]),)),
        }[kind]
        if kind == "address" and len(values) == 1 and values[0].kind == "postcode_city":
            kind = "place"
        return self.deal(templates[kind]).format(v=shown), values

    def other(self) -> tuple[str, tuple[Value, ...]]:
        o = self.p.other
        kind = "full_name" if " " in o.shown else "first_name"
        values = [Value(kind, o.shown)]
        templates = THIRD_PARTY_CHILD[self.lang] if o.child else THIRD_PARTY[self.lang]
        template = self.deal(templates)
        dob = self._date(o.dob)
        if "{dob}" in template:
            values.append(Value("date_of_birth", dob))
        return template.format(rel=o.relation, name=o.shown, dob=dob), tuple(values)


def _without_greeting(ask: str) -> str:
    """The wording without its own "Hallo," when an opener already greets."""
    for greeting in ASK_GREETINGS:
        if ask.startswith(greeting):
            rest = ask[len(greeting):].lstrip()
            return rest[0].upper() + rest[1:]
    return ask


def _question(c: _Chatter, ask: str, details: list[str]) -> _Writer:
    rng, lang, out = c.rng, c.lang, _Writer()
    opener = rng.random() < 0.4
    if opener:
        text, value = c.name(*c.deal(OPENERS[lang]))
        out.add(text + _without_greeting(ask), value)
    else:
        out.add(ask)
    wordings = {**DETAILS[lang], **{kind: texts for language, kind, texts in c.topic.phrasing if language == lang}}
    for kind in details:
        text, values = c.detail(kind, wordings)
        out.add(text, *values)
    if c.p.other:
        text, values = c.other()
        out.add(text, *values)
    if rng.random() < (0.5 if opener else 0.75):
        text, value = c.name(*c.deal(SIGN_OFFS[lang]))
        out.add(("\n" if "\n" in text else rng.choice(("\n", ""))) + text, value)
    return out


def _core(c: _Chatter, side: _Side) -> list[str]:
    sentences = list(side.core)
    roll = c.rng.random()
    if roll < 0.2:
        index, sentence = side.alt
        sentences[index] = sentence
    elif roll < 0.4:
        sentences.append(c.rng.choice(FRIENDLY[c.lang]))
    return sentences


def _answer(c: _Chatter, side: _Side, details: list[str]) -> _Writer:
    rng, lang, p, out = c.rng, c.lang, c.p, _Writer()
    if rng.random() < 0.75:
        greetings = GREETINGS[lang]["*"] + GREETINGS[lang].get(p.country, ())
        text, value = c.name(*c.deal(greetings))
        out.add(text, value)
    else:
        out.add(rng.choice(PLAIN_GREETINGS[lang]))
    name_line_first = rng.random() < 0.3
    if name_line_first:
        out.add(*c.name(*c.deal(NAME_LINES[lang])))
    for sentence in _core(c, side):
        out.add(sentence)
    echoed = [k for k in details if k != "url"]
    for kind in rng.sample(echoed, min(len(echoed), rng.choice((1, 1, 2)))):
        text, values = c.detail(kind, ECHOES[lang])
        out.add(text, *values)
    if c.topic.link[0] and rng.random() < 0.6:
        out.add(rng.choice(LINK_LINES[lang]).format(v=c.links[1]), Value("url_token", p.tokens[1]))
    if c.topic.recipient and rng.random() < 0.6:
        who = p.other if p.other and " " in p.other.shown else None
        female = who.female if who else p.female
        shown = who.shown if who else f"{p.first} {p.surname}"
        recipient = "Empfängerin" if female else "Empfänger"
        out.add(rng.choice(RECIPIENT_LINES[lang]).format(name=shown, recipient=recipient), Value("full_name", shown))
    elif not name_line_first and rng.random() < 0.35:
        out.add(*c.name(*c.deal(NAME_LINES[lang])))
    out.add(rng.choice(CLOSINGS[lang]))
    return out


def _details(topic: _Topic, rng: random.Random) -> list[str]:
    chosen = list(topic.kinds[:topic.always])
    chosen += [k for k in topic.kinds[topic.always:] if rng.random() < DETAIL_CHANCE]
    for extra in ("email", "phone"):
        if extra not in chosen and rng.random() < 0.15:
            chosen.append(extra)
    rng.shuffle(chosen)
    return chosen


def _unique(values: list[Value]) -> tuple[Value, ...]:
    return tuple(dict.fromkeys(values))


def _join_lines(parts: list[str]) -> str:
    """Sentences follow each other; a detail without closing punctuation ends its chat line."""
    text = parts[0]
    for part in parts[1:]:
        glue = "" if part.startswith("\n") else " " if text[-1] in ".?!:)–" else "\n"
        text += glue + part
    return text


def _chat(topic: _Topic, language: str, customer: str, person: _Person, ask: str, deal: _Dealer) -> Chat:
    side = topic.de if language == "de" else topic.en
    c = _Chatter(person, language, topic, deal)
    details = _details(topic, deal.rng)
    question, answer = _question(c, ask, details), _answer(c, side, details)
    q_text = _join_lines(question.parts)
    a_text = "\n".join([answer.parts[0], " ".join(answer.parts[1:-1]), answer.parts[-1]])
    return Chat(topic.id, language, customer, q_text, a_text, _unique(question.values + answer.values),
                " ".join(side.core))


# --------------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------------

def _static_words() -> set[str]:
    """Every word of the fixed texts (templates without their placeholders): no name may be one of them."""
    texts: list[str] = []

    def collect(item: object) -> None:
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, (tuple, list)):
            for x in item:
                collect(x)
        elif isinstance(item, dict):
            for x in item.values():
                collect(x)
        elif isinstance(item, (_Topic, _Side)):
            for x in vars(item).values():
                collect(x)

    collect([OPENERS, SIGN_OFFS, THIRD_PARTY, THIRD_PARTY_CHILD, DETAILS, GREETINGS, PLAIN_GREETINGS, NAME_LINES,
             RECIPIENT_LINES, ECHOES, LINK_LINES, FRIENDLY, CLOSINGS, TOPICS, [r[0] for rs in RELATIONS.values()
                                                                                  for r in rs]])
    words: set[str] = set()
    for text in texts:
        cleaned = "".join(ch if ch.isalnum() or ch == "'" else " " for ch in text)
        words.update(cleaned.split())
    return words


def _check(chats: list[Chat]) -> None:
    static = _static_words()
    owners: dict[tuple[str, str], str] = {}
    for chat in chats:
        assert chat.language in ("de", "en")
        for value in chat.values:
            assert value.kind in KINDS, value
            assert value.text in chat.question or value.text in chat.answer, (value, chat)
            assert value.text not in chat.shared_answer, (value, chat.shared_answer)
            if value.kind in ("first_name", "surname", "full_name"):
                parts = [part for part in value.text.split() if part[0].isupper()]  # not the "der" of "Van der Berg"
                assert not static.intersection(parts), (value, "also a word of the fixed texts")
            if value.kind == "iban":
                assert iban_is_valid(value.text), value
            owner = owners.setdefault((chat.topic, value.text), chat.customer)
            assert owner == chat.customer, (value, "shared by two customers of", chat.topic)


# --------------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------------

def generate(seed: int = 29, customers_per_topic: tuple[int, int] = (4, 6)) -> list[Chat]:
    """Resolved chats, a few distinct customers per topic, deterministic for the seed."""
    rng = random.Random(seed)
    deal = _Dealer(rng)
    chats: list[Chat] = []
    for topic in TOPICS:
        taken: set[str] = set()
        other_language = "en" if topic.main == "de" else "de"
        asks = {lang: rng.sample(side.asks, len(side.asks)) for lang, side in (("de", topic.de), ("en", topic.en))}
        for n in range(rng.randint(*customers_per_topic)):
            language = topic.main if rng.random() < MAIN_LANGUAGE_SHARE else other_language
            ask = asks[language][n % len(asks[language])]
            for _ in range(1000):
                person = _person(topic, language, ask, deal)
                if not person.atoms() & taken:
                    break
            else:
                raise RuntimeError(f"no distinct customer found for {topic.id}")
            taken |= person.atoms()
            chats.append(_chat(topic, language, f"cust-{len(chats) + 1:04d}", person, ask, deal))
    _check(chats)
    return chats


if __name__ == "__main__":
    from collections import Counter

    chats = generate()
    values = [v for chat in chats for v in chat.values]
    per_kind = Counter(v.kind for v in values)
    in_answers = sum(v.text in chat.answer for chat in chats for v in chat.values)
    in_questions = sum(v.text in chat.question for chat in chats for v in chat.values)
    languages = Counter(chat.language for chat in chats)
    german_topics = sum(topic.main == "de" for topic in TOPICS)
    print(f"{len(TOPICS)} topics ({german_topics} mainly German), {len(chats)} chats "
          f"({languages['de']} de, {languages['en']} en), {len(values)} personal values "
          f"({in_questions} in questions, {in_answers} in answers)")
    for kind in KINDS:
        print(f"  {kind:14} {per_kind[kind]:4d}")
    assert len(TOPICS) >= 22
    assert all(4 <= n <= 6 for n in Counter(chat.topic for chat in chats).values())
    assert len(values) >= 500, len(values)
    assert all(per_kind[kind] >= 20 for kind in KINDS), per_kind
    assert in_answers >= 150, in_answers
    assert generate() == chats, "not deterministic"
    example = chats[0]
    print(f"\nexample ({example.topic}, {example.language}):\n--- question\n{example.question}\n--- answer\n"
          f"{example.answer}\n--- values\n" + "\n".join(f"  {v.kind}: {v.text}" for v in example.values))
