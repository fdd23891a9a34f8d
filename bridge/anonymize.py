"""Anonymization of chat text, German and English, on Presidio's analyzer and anonymizer.

Presidio finds and replaces; what it does not bring for German is added on its extension
points: recognizers for names (those the conversation already knows, introductions and
salutations, a packaged first-name list), addresses, dates, order/customer/contract numbers
and URLs that carry tokens, plus the German card context. It runs offline on blank spaCy
pipelines saved to disk (no model download) with tldextract's bundled suffix list.

Every replacement is a typed placeholder ("[NAME]", "[E-MAIL]" …) so the text still reads
well. Findings the recognizers are unsure of (a first name that is also a word, a long
number without context) are replaced too, and flagged for an editor. A text in which
something that looks personal survives (a long digit run, an "@", a URL with a query) is
`uncertain`: the bridge does not propose it.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Collection, Iterable, Optional

import tldextract.tldextract

# Offline: the suffix list snapshot that ships with tldextract, never a download.
tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

from presidio_analyzer import (  # noqa: E402
    AnalyzerEngine,
    EntityRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine  # noqa: E402
from presidio_analyzer.predefined_recognizers import (  # noqa: E402
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    PhoneRecognizer,
)
from presidio_anonymizer import AnonymizerEngine  # noqa: E402
from presidio_anonymizer.entities import OperatorConfig  # noqa: E402

LANGUAGES = ("de", "en")
UNSURE = "_UNSURE"
SURE_SCORE = 0.9
UNSURE_SCORE = 0.5
FIRST_NAMES_FILE = Path(__file__).parent / "data" / "first_names.txt"

PLACEHOLDERS = {
    "PERSON": "[NAME]",
    "EMAIL_ADDRESS": "[E-MAIL]",
    "PHONE_NUMBER": "[PHONE]",
    "IBAN_CODE": "[IBAN]",
    "CREDIT_CARD": "[CARD]",
    "IP_ADDRESS": "[IP]",
    "ADDRESS": "[ADDRESS]",
    "DATE_OF_BIRTH": "[DATE OF BIRTH]",
    "DATE": "[DATE]",
    "ORDER_NUMBER": "[NUMBER]",
    "PERSONAL_URL": "[LINK]",
    "LICENCE_PLATE": "[PLATE]",
}

# A typed placeholder in anonymized text ("[NAME]", "[DATE OF BIRTH]"): the one pattern for every reader.
PLACEHOLDER = re.compile(r"\[[A-Z][A-Z .\-]*\]")

# What still looks personal after anonymization: then the text is not proposed.
_RESIDUE = [
    ("long number", re.compile(r"(?:\d[ \-./]?){6,}\d")),
    ("e-mail sign", re.compile(r"@")),
    ("link with parameters", re.compile(r"https?://\S*[?#=]\S*", re.I)),
    ("IBAN-like code", re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,}", re.I)),
]

# A capitalised name word: "Jana", "Karl-Heinz", "McAllister", "O'Brien".
_UPPER = "A-ZÄÖÜÉÈÁÀÍÓÚÇŞĞİÑØÅÆŠŽČĆŁŃŚŹŻ"
_LOWER = "a-zäöüßéèáàíóúçşğıñøåæœšžčćłńśźżãõâêîôûëïý"
_NAME_WORD = (rf"[{_UPPER}](?:[{_LOWER}]+|['’][{_UPPER}][{_LOWER}]+)(?:[{_UPPER}][{_LOWER}]+)?"
              rf"(?:-[{_UPPER}][{_LOWER}]+)?")
# "van der Berg", "von Hohenberg": particles between first name and surname, or opening a surname.
_PARTICLES = r"(?:(?:[Vv]an|[Vv]on|[Dd]e|[Dd]er|[Dd]en|[Dd]a|[Dd]i|[Zz]u|[Tt]en|[Tt]er|[Ll]e|[Ll]a)\s+){0,2}"
_FULL_NAME = rf"{_PARTICLES}{_NAME_WORD}(?:\s+{_PARTICLES}{_NAME_WORD})?"
# Academic titles between a salutation and the name ("Frau Dr. Brandstätter", "Herr Prof. Dr. Lindner").
_TITLES = r"(?:(?i:dr|prof|dipl\.-ing|ing|mag|med|rer\.\s?nat|phil)\.?\s+)*"
# Cues after which a capitalised word is a name whatever it is.
# The cue words are matched in any case, the name itself only capitalised.
_STRONG_CUES = re.compile(
    rf"\b(?i:ich\s+hei(?:ß|ss)e|mein\s+name\s+ist|my\s+name\s+is|name:|"
    rf"frau|herrn?|mr\.?|mrs\.?|ms\.?|miss|dr\.?|prof\.?|dear|liebe[rs]?|sehr\s+geehrte[rs]?)\s+{_TITLES}({_FULL_NAME})"
)
# Cues after which a capitalised word is a name if it is a first name or not a common word:
# introductions, greetings, sign-offs ("LG Hiltrud", "VG, Bertram", "Cheers, Hamish"),
# and the people customers order for ("für meinen Partner Leopold", "for my daughter Saoirse").
_RELATIVE = (r"(?:partner(?:in)?|frau|mann|ehemann|ehefrau|freund(?:in)?|tochter|sohn|mutter|vater|oma|opa|bruder|"
             r"schwester|wife|husband|daughter|son|mother|mum|mom|father|dad|friend|girlfriend|boyfriend|brother|"
             r"sister|grandma|grandpa|neighbour|neighbor|nachbar(?:in)?|kollege|kollegin|colleague|neffen?|nichte|"
             r"enkel(?:in)?|cousin(?:e)?|onkel|tante|schwager|schwägerin|schwiegermutter|schwiegervater|nephew|niece|"
             r"grandson|granddaughter|grandchild|uncle|aunt|stepson|stepdaughter|fiancée?|verlobte[rn]?)")
# Sign-offs a name follows: "Gruß Becker", "LG Hiltrud", "Cheers, Hamish".
_SIGN_OFFS = r"gruß|grüße|grüßen|regards|thanks|danke|cheers|best|lg|vg|mfg"
_WEAK_CUES = re.compile(
    rf"\b(?i:ich\s+bin|hier\s+ist|hier\s+spricht|i\s+am|i'm|this\s+is|hallo|hi|hey|hello|moin|servus|{_SIGN_OFFS}|"
    rf"thank\s+you|bg|cu|ciao|tschüss|bye|"
    rf"(?:für|for|an|to)\s+(?:mein(?:e[nmr]?)?|my|unser(?:e[nmr]?)?|our)\s+{_RELATIVE}|"
    rf"(?:mein(?:e[nmr]?)?|my)\s+{_RELATIVE})\s*[,:]?\s+({_FULL_NAME})"
)
# "Hamish Fox here", "Ebba hier": the name before the cue.
_NAME_HERE = re.compile(rf"(?:^|[,.!?:;]\s*|\n\s*|\b(?i:hi|hallo|hello|hey|moin|servus)\s+(?i:there\s+)?,?\s*)"
                        rf"({_FULL_NAME})\s*,?\s+(?i:here|hier)\b")
# A signature: a dash, or a sign-off, and a name at the end of a message ("– Ferdinand Nussbaumer",
# "Gruß Becker"): whatever word it is, there it names the writer.
_SIGNATURE = re.compile(rf"(?:(?:^|\n|\s)[–—-]|\b(?i:{_SIGN_OFFS}))"
                        rf"\s*[,!]?\s*({_FULL_NAME})\s*[.!]?\s*$")
# Someone addressed at the start of a sentence: "Gethin, if anything else comes up, …".
_VOCATIVE = re.compile(rf"(?:^|[.!?]\s+|\n\s*)({_FULL_NAME}),\s+(?=[a-zäöüß])")
# Every capitalised word with the one after it, overlapping: in "Yesterday Hauke Zimmermann"
# both "Yesterday Hauke" and "Hauke Zimmermann" are looked at.
_CAPITALISED = re.compile(rf"\b(?=({_NAME_WORD})(?:\s+({_PARTICLES}{_NAME_WORD}))?)")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s*|\n\s*)$")


@dataclass(frozen=True)
class Span:
    """A replacement in the anonymized text: where it is, what it replaced, and how sure."""

    start: int
    end: int
    kind: str
    unsure: bool

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "kind": self.kind, "unsure": self.unsure}


@dataclass(frozen=True)
class Anonymized:
    text: str
    spans: tuple[Span, ...]
    residue: tuple[str, ...] = ()

    @property
    def uncertain(self) -> bool:
        return bool(self.residue)

    @property
    def unsure_spans(self) -> list[Span]:
        return [s for s in self.spans if s.unsure]

    def kinds(self) -> list[str]:
        return [s.kind for s in self.spans]


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """The packaged list (German and English names, including those that are also words)."""
    words = FIRST_NAMES_FILE.read_text("utf-8").split()
    return frozenset(w.lower() for w in words if not w.startswith("#") and w.isalpha())


@lru_cache(maxsize=1)
def dictionary_names() -> frozenset[str]:
    """About 45,000 first names of many countries, from gender-guesser's dictionary (lowercase).

    The dictionary holds words too ("Bitte", "Alle", "Mark"): a caller decides with the
    word's frequency (`is_clear_name`) or with context whether a match is a name.
    """
    import gender_guesser

    path = Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"
    names = set()
    with path.open(encoding="iso-8859-1") as handle:
        for line in handle:
            if line.startswith("#") or len(line) < 30:
                continue
            name = line[3:29].strip()
            # "+" joins the parts of a compound name; the parts are names as well.
            for part in name.replace("+", " ").replace("-", " ").split():
                if len(part) >= 3 and part.isalpha():
                    names.add(part.lower())
    return frozenset(names) | first_names()


WORD_LIKE_ZIPF = 4.3  # a name this frequent in the language is often a word too ("Mark", "Lage", "Bitte")
COMMON_ZIPF = 3.0  # about once in a million words: below it a word is rare enough to point at someone


@lru_cache(maxsize=200_000)
def zipf(word: str, language: str) -> float:
    """How common a word is in the language (wordfreq's Zipf scale: 3 = once per million words)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, language if language in LANGUAGES else "en")


def is_clear_name(word: str, language: str) -> bool:
    """A first name that is not also a common word of the language, or one of the packaged names."""
    lowered = word.lower()
    if lowered in first_names():
        return True
    return lowered in dictionary_names() and zipf(lowered, language) < WORD_LIKE_ZIPF


class PersonNameRecognizer(EntityRecognizer):
    """Names from how people write them: introductions, salutations, and known first names.

    A name after a strong cue ("mein Name ist", "Frau", "Dear") or a first name followed by a
    surname is sure; a lone capitalised first name in mid-sentence may be a word ("Will",
    "Rose", "Frank") and is flagged as unsure.
    """

    def __init__(self, supported_language: str) -> None:
        super().__init__(supported_entities=["PERSON"], supported_language=supported_language,
                         name=f"PersonNameRecognizer_{supported_language}")

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Optional[NlpArtifacts] = None) -> list[RecognizerResult]:
        language = self.supported_language
        results: list[RecognizerResult] = []
        for match in _STRONG_CUES.finditer(text):
            results.append(_result("PERSON", match.start(1), match.end(1), SURE_SCORE))
        for pattern in (_WEAK_CUES, _NAME_HERE):
            for match in pattern.finditer(text):
                words = match.group(1).split()
                # "I'm Hauke Petersen": two capitalised words after an introduction are a full name;
                # one is a name when it is a first name or no common word ("LG Hiltrud", not "Hi Team").
                if len(words) >= 2 or is_clear_name(words[0], language) or zipf(words[0].lower(), language) < COMMON_ZIPF:
                    results.append(_result("PERSON", match.start(1), match.end(1), SURE_SCORE))
        for match in _SIGNATURE.finditer(text):
            results.append(_result("PERSON", match.start(1), match.end(1), SURE_SCORE))
        for match in _VOCATIVE.finditer(text):
            words = match.group(1).split()  # "Gethin, if …", "Oberhuber, für …"; not "Okay, if …" or "Hi Team, can …"
            if is_clear_name(words[0], language) or all(zipf(w.lower(), language) < COMMON_ZIPF for w in words):
                results.append(_result("PERSON", match.start(1), match.end(1), SURE_SCORE))
        for match in _CAPITALISED.finditer(text):
            first, last = match.group(1), match.group(2)
            initial = bool(_SENTENCE_START.search(text[:match.start()]))
            if not is_clear_name(first, language):
                # "Wolf Grabowski": a name that is also a word, followed by a rare capitalised word.
                surname = (last or "").split()[-1:]
                if (first.lower() in dictionary_names() and zipf(first.lower(), language) < 5.0 and surname
                        and zipf(surname[0].lower(), language) < COMMON_ZIPF and not initial):
                    results.append(_result("PERSON", match.start(1), match.end(2), SURE_SCORE))
                continue
            if initial and not last:
                continue  # "Will the bike …": capitalised because it starts the sentence
            if last:  # "Jana Becker": a first name with a surname
                results.append(_result("PERSON", match.start(1), match.end(2), SURE_SCORE))
            else:
                results.append(_result("PERSON" + UNSURE, match.start(1), match.end(1), UNSURE_SCORE))
        return results


class NumberInContextRecognizer(EntityRecognizer):
    """Order, customer, contract and ticket numbers: sure with a naming word near, else unsure."""

    NUMBER = re.compile(r"\b(?:[A-Z]{1,5}[-/ ]?)?\d(?:[\d\-/ ]{3,18}\d)\b")
    CONTEXT = re.compile(
        r"(bestell|auftrag|kunden|vertrag|rechnung|ticket|vorgang|sendung|order|customer|contract|invoice|"
        r"account|reference|tracking|nummer|number|nr\.?|no\.?|#)",
        re.IGNORECASE,
    )

    def __init__(self, supported_language: str) -> None:
        super().__init__(supported_entities=["ORDER_NUMBER"], supported_language=supported_language,
                         name=f"NumberInContextRecognizer_{supported_language}")

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Optional[NlpArtifacts] = None) -> list[RecognizerResult]:
        results = []
        for match in self.NUMBER.finditer(text):
            digits = sum(ch.isdigit() for ch in match.group())
            if digits < 4:
                continue
            before = text[max(0, match.start() - 40):match.start()]
            if self.CONTEXT.search(before) or digits >= 6:
                # Without a naming word a long number may be a phone number: leave it the lower score.
                score = 0.85 if self.CONTEXT.search(before) else 0.35
                results.append(_result("ORDER_NUMBER", match.start(), match.end(), score))
            else:
                results.append(_result("ORDER_NUMBER" + UNSURE, match.start(), match.end(), UNSURE_SCORE))
        return results


class DateRecognizer(EntityRecognizer):
    """Full dates; with "geboren" / "born" / "Geburtsdatum" near, dates of birth."""

    MONTHS = (r"(?:jan(?:uar|uary)?|feb(?:ruar|ruary)?|mär(?:z)?|mar(?:ch)?|apr(?:il)?|mai|may|jun[ie]?|jul[iy]?|"
              r"aug(?:ust)?|sep(?:tember)?|okt(?:ober)?|oct(?:ober)?|nov(?:ember)?|dez(?:ember)?|dec(?:ember)?)\.?")
    DATE = re.compile(
        rf"\b(?:\d{{1,2}}[./-]\d{{1,2}}[./-](?:19|20)\d{{2}}|(?:19|20)\d{{2}}-\d{{2}}-\d{{2}}|"
        rf"\d{{1,2}}\.?\s+{MONTHS}\s+(?:19|20)\d{{2}}|{MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}})\b",
        re.IGNORECASE,
    )
    BIRTH = re.compile(r"(geboren|geburt|born|birth|dob|b\.\s*d\.)", re.IGNORECASE)

    def __init__(self, supported_language: str) -> None:
        super().__init__(supported_entities=["DATE", "DATE_OF_BIRTH"], supported_language=supported_language,
                         name=f"DateRecognizer_{supported_language}")

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Optional[NlpArtifacts] = None) -> list[RecognizerResult]:
        results = []
        for match in self.DATE.finditer(text):
            near = text[max(0, match.start() - 40):match.start()]
            kind = "DATE_OF_BIRTH" if self.BIRTH.search(near) else "DATE"
            results.append(_result(kind, match.start(), match.end(), SURE_SCORE))
        return results


def _result(kind: str, start: int, end: int, score: float) -> RecognizerResult:
    return RecognizerResult(kind, start, end, score)


_STREET_SUFFIX = (r"(?:[Ss]tra(?:ß|ss)e|[Ss]tr\.|[Ww]eg|[Gg]asse|[Aa]llee|[Pp]latz|[Rr]ing|[Dd]amm|[Uu]fer|[Cc]haussee|"
                  r"[Ss]teig|[Pp]fad|[Gg]raben|[Bb]erg|[Ff]eld|[Hh]of|[Mm]arkt|[Bb]rücke|[Tt]or|[Kk]amp|[Ww]all|[Ww]iese|"
                  r"[Gg]arten|[Rr]ain|[Aa]cker|[Hh]öhe|[Bb]ühl|[Mm]att|[Hh]alde|[Ss]tieg|[Gg]ässli|[Ww]inkel|[Zz]eile|"
                  r"[Hh]ang|[Ss]traat|[Ll]eite|[Aa]ue|[Gg]rund|[Hh]orst|[Hh]ain|[Ww]eide|[Kk]oppel|[Dd]eich|[Ss]ee)")
_HOUSE_NUMBER = r"\d{1,4}\s?[a-zA-Z]?\b"
# Units after a number that make "4 Wochen" or "1000 Euro" a quantity, not a postcode and town.
_QUANTITY = (r"(?:Euro|EUR|Franken|CHF|Pfund|Stück|Mal|Km|Kilometer|Meter|Watt|Wh|Prozent|Jahre?n?|Tage?n?|Wochen?|"
             r"Monate?n?|Stunden?|Minuten?|Sekunden?|Kilo|Gramm|Liter|Zoll|Bestellungen|Räder|Fahrräder|Kunden)\b")


def _address_recognizers(language: str) -> list[EntityRecognizer]:
    street_de = rf"\b[A-ZÄÖÜ][a-zäöüß]+(?:[-\s][A-ZÄÖÜ][a-zäöüß]+)*-?{_STREET_SUFFIX}\s+{_HOUSE_NUMBER}"
    street_de_split = r"\b[A-ZÄÖÜ][a-zäöüß]+\s+(?:Straße|Strasse|Str\.|Weg|Gasse|Allee|Platz|Ring|Damm)\s+\d{1,4}\s?[a-zA-Z]?\b"
    # Streets named without a suffix: "Am Mühlgraben 33a", "Zur alten Mühle 92", "An der Kirche 4".
    street_de_prefix = (r"\b(?:Am|Im|Zum|Zur|Beim|Unterm|Überm|Hinterm|Vorm|Ans|Aufm|"
                        r"(?:An|Auf|In|Unter|Hinter|Vor|Bei|Über|Neben|Zwischen)\s+(?:der|den|dem|die|das)|"
                        r"Alte[rnms]?|Neue[rnms]?|Obere[rnms]?|Untere[rnms]?|Lange[rnms]?|Kleine[rnms]?|Große[rnms]?)"
                        r"\s+(?:[a-zäöüß]+\s+)?[A-ZÄÖÜ][a-zäöüß]+(?:[-\s][A-ZÄÖÜ][a-zäöüß]+)?\s+" + _HOUSE_NUMBER)
    postcode_city = r"\b(?:D-)?\d{5}\s+[A-ZÄÖÜ][a-zäöüß]+(?:[-\s](?:an\s+der\s+|am\s+|im\s+)?[A-ZÄÖÜ][a-zäöüß]+)?\b"
    # Austria and Switzerland: four digits and a town ("1070 Wien", "CH-8004 Zürich").
    postcode_city_at_ch = (rf"\b(?:A-|CH-)?[1-9]\d{{3}}\s+(?!{_QUANTITY})[A-ZÄÖÜ][a-zäöüßéè]+"
                           r"(?:[-\s](?:am\s+|an\s+der\s+|im\s+|bei\s+)?[A-ZÄÖÜ][a-zäöüß]+)?\b")
    street_en = (r"\b\d{1,5}\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*\s+(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Ln\.?|"
                 r"Drive|Dr\.?|Boulevard|Blvd\.?|Way|Court|Ct\.?|Place|Pl\.?|Terrace|Close|Crescent|Gardens|Grove|Mews|"
                 r"Row|Square|Walk|Hill|Park)\b")
    uk_postcode = r"\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b"
    patterns = [
        Pattern("street (de)", street_de, SURE_SCORE),
        Pattern("street, two words (de)", street_de_split, SURE_SCORE),
        Pattern("street without suffix (de)", street_de_prefix, SURE_SCORE),
        Pattern("postcode and city", postcode_city, 0.85),
        Pattern("postcode and city (at, ch)", postcode_city_at_ch, 0.85),
        Pattern("street (en)", street_en, SURE_SCORE),
        Pattern("UK postcode", uk_postcode, 0.85),
    ]
    # Licence plates: Germany "DD-J 504", "M-AB 1234E"; Austria "W-12345X", "W 12345 X"; Switzerland "ZH 123456".
    plates = [
        Pattern("licence plate (de)", r"\b[A-ZÄÖÜ]{1,3}[- ][A-Z]{1,2}\s?\d{1,4}[EH]?\b", 0.85),
        Pattern("licence plate (uk)", r"\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b", 0.85),
        Pattern("licence plate (at)", r"\b[A-Z]{1,2}[- ]\d{3,6}\s?[A-Z]{1,3}\b", 0.85),
        # German insurance plates of mopeds and S-pedelecs: "843 MD", "482 KTR".
        Pattern("insurance plate (de)", r"\b\d{3}\s?(?!EUR\b|USD\b|CHF\b|GBP\b|PDF\b|USB\b|MB\b|GB\b|KB\b|PS\b|KW\b)"
                r"[A-Z]{2,3}\b", 0.85),
        Pattern("licence plate (ch)", r"\b(?:AG|AI|AR|BE|BL|BS|FR|GE|GL|GR|JU|LU|NE|NW|OW|SG|SH|SO|SZ|TG|TI|UR|VD|VS|ZG|ZH)"
                r"[- ]?\d{1,6}\b", 0.85),
    ]
    case_sensitive = re.DOTALL | re.MULTILINE  # Presidio's default ignores case: "in der Hauptstraße" is not a street
    return [
        PatternRecognizer(supported_entity="ADDRESS", patterns=patterns, supported_language=language,
                          name=f"AddressRecognizer_{language}", global_regex_flags=case_sensitive),
        PatternRecognizer(supported_entity="LICENCE_PLATE", patterns=plates, supported_language=language,
                          name=f"LicencePlateRecognizer_{language}", global_regex_flags=case_sensitive),
        PersonalUrlRecognizer(language),
        CuedRecognizer("ADDRESS", _ADDRESS_AFTER_CUE, language),
        CuedRecognizer("LICENCE_PLATE", _PLATE_AFTER_CUE, language),
    ]


# What follows a word that announces an address or a plate is one, whatever its shape:
# "Anschrift ist Rosenhang 40", "Hinterlegt ist jetzt: Unterm Eichholz 31", "Kennzeichen war 605 PS".
_ADDRESS_AFTER_CUE = re.compile(
    r"\b(?i:adresse|anschrift|lieferadresse|rechnungsadresse|wohne\s+(?:in\s+der\s+|im\s+|am\s+)?|wohnhaft\s+in|"
    r"hinterlegt\s+ist(?:\s+jetzt)?|address(?:\s+is)?|live\s+at|living\s+at)\s*(?:ist|is|lautet|:)?\s*:?\s*"
    r"((?:Flat\s+\d+,\s*)?(?:\d{1,5}\s+)?[A-ZÄÖÜ][\wäöüß.'-]*(?:\s+[\wäöüß.'-]+){0,3}?\s+\d{1,4}\s?[a-zA-Z]?\b"
    r"(?:/\d{1,3})?)")
_PLATE_AFTER_CUE = re.compile(
    r"\b(?i:kennzeichen|versicherungskennzeichen|nummernschild|number\s+plate|licen[cs]e\s+plate|plate|reg(?:istration)?)"
    r"\s*(?:(?i:war|ist|is|was|lautet|number|nummer)\s+)?:?\s*([A-ZÄÖÜ0-9]{1,4}[- ]?[A-Z0-9]{1,4}(?:\s?[A-Z0-9]{1,4})?)\b")


class CuedRecognizer(EntityRecognizer):
    """A value announced by a cue word; the pattern's first group is the value."""

    def __init__(self, entity: str, pattern: re.Pattern, supported_language: str) -> None:
        super().__init__(supported_entities=[entity], supported_language=supported_language,
                         name=f"Cued{entity.title()}Recognizer_{supported_language}")
        self.entity = entity
        self.pattern = pattern

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Optional[NlpArtifacts] = None) -> list[RecognizerResult]:
        return [_result(self.entity, m.start(1), m.end(1), 0.85) for m in self.pattern.finditer(text)
                if any(ch.isdigit() for ch in m.group(1))]


class PersonalUrlRecognizer(EntityRecognizer):
    """Links that carry something of one person: a query, a fragment, or a token in the path.

    A token is a path segment that looks generated rather than written: digits mixed with
    letters, capitals inside lower case ("KACzplfgsuiyHkOaSZN"), or a long run without
    hyphens. Readable slugs ("/kb/delivery-time") stay.
    """

    URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)

    def __init__(self, supported_language: str) -> None:
        super().__init__(supported_entities=["PERSONAL_URL"], supported_language=supported_language,
                         name=f"PersonalUrlRecognizer_{supported_language}")

    def load(self) -> None:
        pass

    @staticmethod
    def is_token(segment: str) -> bool:
        if len(segment) < 8:
            return False
        has_digit = any(ch.isdigit() for ch in segment)
        has_alpha = any(ch.isalpha() for ch in segment)
        inner_capital = re.search(r"[a-z][A-Z]", segment) is not None
        return (has_digit and has_alpha) or inner_capital or (len(segment) >= 16 and "-" not in segment)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Optional[NlpArtifacts] = None) -> list[RecognizerResult]:
        results = []
        for match in self.URL.finditer(text):
            url = match.group().rstrip(".,;:!?)")
            rest = url.split("://", 1)[-1]
            path = rest.split("/", 1)[1] if "/" in rest else ""
            if "?" in url or "#" in url or any(self.is_token(part) for part in re.split(r"[/.=&_]", path)):
                results.append(_result("PERSONAL_URL", match.start(), match.start() + len(url), 0.95))
        return results


CARD_CONTEXT_DE = ["karte", "kreditkarte", "kartennummer", "visa", "mastercard", "amex", "zahlung", "bezahlt"]
PHONE_REGIONS = ("DE", "AT", "CH", "GB", "US", "NL", "FR", "IT", "ES", "PL", "DK", "BE", "LU")


def _registry() -> RecognizerRegistry:
    registry = RecognizerRegistry(supported_languages=list(LANGUAGES))
    for language in LANGUAGES:
        registry.add_recognizer(EmailRecognizer(supported_language=language))
        registry.add_recognizer(IbanRecognizer(supported_language=language))
        registry.add_recognizer(IpRecognizer(supported_language=language))
        registry.add_recognizer(PhoneRecognizer(supported_language=language, supported_regions=PHONE_REGIONS))
        card_context = CARD_CONTEXT_DE if language == "de" else None
        registry.add_recognizer(CreditCardRecognizer(supported_language=language, context=card_context))
        registry.add_recognizer(PersonNameRecognizer(language))
        registry.add_recognizer(NumberInContextRecognizer(language))
        registry.add_recognizer(DateRecognizer(language))
        for recognizer in _address_recognizers(language):
            registry.add_recognizer(recognizer)
    return registry


def _blank_pipelines(directory: Path) -> list[dict[str, str]]:
    """Blank spaCy pipelines (a tokenizer only) saved once: Presidio loads models from disk."""
    import spacy

    models = []
    for language in LANGUAGES:
        path = directory / f"spacy-blank-{language}"
        if not (path / "config.cfg").is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            spacy.blank(language).to_disk(path)
        models.append({"lang_code": language, "model_name": str(path)})
    return models


class Anonymizer:
    """Presidio's analyzer and anonymizer set up for German and English chat text."""

    def __init__(self, cache_dir: Path) -> None:
        engine = SpacyNlpEngine(models=_blank_pipelines(cache_dir))
        engine.load()
        self.analyzer = AnalyzerEngine(nlp_engine=engine, registry=_registry(), supported_languages=list(LANGUAGES))
        self.anonymizer = AnonymizerEngine()
        operators = {}
        for kind, placeholder in PLACEHOLDERS.items():
            operators[kind] = OperatorConfig("replace", {"new_value": placeholder})
            operators[kind + UNSURE] = OperatorConfig("replace", {"new_value": placeholder})
        self.operators = operators
        self._lock = threading.Lock()  # spaCy pipelines are not thread-safe

    def anonymize(self, text: str, language: str, known_names: Iterable[str] = (),
                  public_words: Collection[str] = frozenset()) -> Anonymized:
        """`public_words` (lowercase; the published articles' words): an unsure finding that is one of them stays."""
        language = language if language in LANGUAGES else "en"
        ad_hoc = _known_names_recognizer(known_names, language)
        with self._lock:
            results = self.analyzer.analyze(
                text=text, language=language, score_threshold=0.3, ad_hoc_recognizers=[ad_hoc] if ad_hoc else None
            )
            # "Visa" is in the name dictionary, and in the shop's payment article.
            results = [r for r in results if not (r.entity_type.endswith(UNSURE)
                                                  and text[r.start:r.end].lower() in public_words)]
            result = self.anonymizer.anonymize(text=text, analyzer_results=results, operators=self.operators)
        spans = tuple(
            sorted(
                (Span(item.start, item.end, item.entity_type.removesuffix(UNSURE), item.entity_type.endswith(UNSURE))
                 for item in result.items),
                key=lambda s: s.start,
            )
        )
        residue = tuple(name for name, pattern in _RESIDUE if pattern.search(_without_placeholders(result.text)))
        return Anonymized(result.text, spans, residue)


def _known_names_recognizer(names: Iterable[str], language: str) -> Optional[PatternRecognizer]:
    """The names this conversation already knows (agent names, the customer's e-mail name parts)."""
    words: set[str] = set()
    for name in names:
        name = str(name or "").split("@")[0]  # of an e-mail address only the part before the @ names someone
        for part in re.split(r"[\s._\-+()]+", name):
            if len(part) >= 3 and part.isalpha():
                words.add(part)
        if len(name.strip()) >= 3:
            words.add(name.strip())
    if not words:
        return None
    return PatternRecognizer(supported_entity="PERSON", deny_list=sorted(words, key=len, reverse=True),
                             supported_language=language, name="KnownNamesRecognizer", deny_list_score=1.0)


def _without_placeholders(text: str) -> str:
    return PLACEHOLDER.sub(" ", text)


@lru_cache(maxsize=4)
def load_anonymizer(cache_dir: str) -> Anonymizer:
    return Anonymizer(Path(cache_dir))


__all__ = ["Anonymized", "Anonymizer", "Span", "load_anonymizer", "PLACEHOLDERS", "first_names"]
