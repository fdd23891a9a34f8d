"""Test set for "sensitive matters never go public": resolved support chats of a bike shop /
e-commerce helpdesk, German and English.

`sensitive()` returns chats in which the customer mentions something about their health,
pregnancy, disability, religion, sex life, ethnic origin, political views, union membership,
a death in the family, a separation, domestic violence, debt, insolvency, debt collection or
enforcement, job loss or benefits, the police, lawyers or courts, or a hacked account, while
asking an ordinary business question. Chats come in groups of 4-6 that share one category,
one language and one underlying business request, so without a privacy check every group
would reach k=3 customers and be drafted into a public FAQ article. Most chats avoid the
obvious keyword for their category (euphemisms, specific terms, subordinate clauses), and
about half of the agent answers are neutral and do not repeat the sensitive fact, so a
check that only looks at the answer or at keywords will miss them. None of these chats
may ever feed a public article, even when the agent marked them "general".

`controls()` returns ordinary chats in groups of 4-6 whose chats share one answer text
(with small variations in greeting and sign-off). Many are deliberate near misses that must
stay publishable: a battery that "died", a damaged parcel, instalments asked plainly, opening
hours on Good Friday, returning a gift, delivery to a packing station or to a hospital as a
business, a login error as a general question, a student discount.

This data was written by hand, independently of the product's own classifier examples and
topic lists (bridge/ and bridge/private_topics.yml were not consulted), so it can serve as a
held-out evaluation. Everything is fictional. The seed only changes the order of the chats
(and therefore which customer id each chat gets); the texts are fixed.

    python3 benchmarks/sensitive_chats.py      # prints counts and checks the minimums
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Chat:
    group: str  # chats in one group ask the same kind of thing, so they would be grouped together
    category: str  # one of CATEGORIES, or "none" for control chats
    language: str  # "de" or "en"
    customer: str  # unique id per chat
    question: str  # what the customer wrote (1-3 sentences)
    answer: str  # the agent's reply (general, polite, 1-3 sentences)


CATEGORIES = (
    "health",
    "pregnancy",
    "disability",
    "religion",
    "sexual_life",
    "ethnicity",
    "political_views",
    "union_membership",
    "death_in_family",
    "divorce_separation",
    "domestic_violence",
    "debt",
    "insolvency",
    "collection_enforcement",
    "job_loss_benefits",
    "police",
    "lawyers_courts",
    "hacked_account",
)

# (group, category, language, ((question, answer), ...))
_SENSITIVE = (
    # ------------------------------------------------------------------ health
    ("health-carry-upstairs-en", "health", "en", (
        ("I had an op on my knee two weeks ago and can't manage stairs yet. Can your courier bring the new bike up to my flat on the third floor?",
         "Yes, we can book our two-person delivery, which includes carrying the bike to your flat. I've added it to your order at no extra charge."),
        ("Since my hip replacement I'm not allowed to lift anything heavy. Is it possible to have the e-bike delivered assembled and carried inside?",
         "Of course. We'll deliver it fully assembled and the driver will carry it into your home; you'll get a time slot by email."),
        ("Could the driver carry the bike box up to the 2nd floor? I'm going through chemo at the moment and simply don't have the strength.",
         "I'm sorry you're going through this. I've noted on the delivery that the driver should carry the box up to your door, and we're happy to assemble it too."),
        ("My back is still a mess after the slipped disc surgery. Do you offer delivery where someone carries the bike upstairs for me?",
         "Yes, our premium delivery includes carrying the bike to any floor. I've switched your order over free of charge."),
        ("I'm recovering from a heart attack and my cardiologist says no lifting for six weeks. Can the bike be brought up to the flat rather than left at the front door?",
         "Absolutely, we'll arrange for it to be carried up to your flat. Please let us know if there's a lift or only stairs."),
    )),
    ("health-rueckgabefrist-de", "health", "de", (
        ("Ich bin seit meiner OP am Knie krankgeschrieben und komme nicht zur Post. Könnt ihr die Rückgabefrist für die Schuhe verlängern?",
         "Natürlich, wir verlängern die Rückgabefrist für Ihre Bestellung um 30 Tage."),
        ("Ich bin gerade in der Reha und erst Ende des Monats wieder zu Hause. Kann ich den Helm trotzdem noch zurückschicken?",
         "Ja, das ist kein Problem. Wir haben die Frist bis zum Ende des nächsten Monats verlängert."),
        ("Seit meinem Schlaganfall im März kann ich das Rad nicht mehr fahren. Ist eine Rückgabe nach Ablauf der 30 Tage noch möglich?",
         "Das tut mir sehr leid. Wir machen hier gern eine Ausnahme und nehmen das Rad auch nach Ablauf der Frist zurück."),
        ("Ich lag drei Wochen im Krankenhaus und habe die Rückgabefrist verpasst. Geht da noch was?",
         "Kein Problem, wir nehmen die Rücksendung trotzdem an. Das Retourenetikett schicke ich Ihnen per E-Mail."),
        ("Wegen meiner Chemo bin ich gerade kaum belastbar. Könntet ihr mir für die Rücksendung der Jacke etwas mehr Zeit geben?",
         "Selbstverständlich. Sie haben jetzt bis zum Ende des Folgemonats Zeit, und wir holen das Paket auf Wunsch auch bei Ihnen ab."),
    )),
    ("health-reschedule-delivery-en", "health", "en", (
        ("I'm being admitted to hospital on Monday for a few days. Can you hold my delivery until next week?",
         "Of course, I've moved your delivery to next Wednesday. You can change the date again on your order page."),
        ("Since my diagnosis I have appointments almost every weekday morning. Is it possible to move the delivery to an evening slot?",
         "Yes, we have evening slots between 6 and 9 pm. I've booked Thursday evening for you."),
        ("My MS flared up again and I can't be at home to receive the parcel this week. Could the delivery be postponed?",
         "No problem, we can hold the parcel for up to two weeks. Just tell us the date that suits you."),
        ("I've got a dialysis session on the day you've scheduled. Can you change the delivery to Friday?",
         "Done, your delivery is now scheduled for Friday between 8 am and 12 pm."),
        ("I'm off sick with long covid and sleeping most of the day. Could the delivery be moved to next week so I don't miss the driver?",
         "Sorry to hear you're unwell. I've rescheduled it for next Tuesday and the driver will call 30 minutes ahead."),
    )),
    ("health-stornieren-arzt-de", "health", "de", (
        ("Mein Arzt hat mir nach dem Bandscheibenvorfall vom Rennradfahren abgeraten. Kann ich die Bestellung noch stornieren?",
         "Ja, die Bestellung ist noch nicht versandt. Ich habe sie storniert, der Betrag wird in 3 bis 5 Werktagen erstattet."),
        ("Ich habe Herzrhythmusstörungen bekommen und darf vorerst kein E-MTB fahren. Bitte stornieren Sie meine Bestellung.",
         "Ihre Bestellung ist storniert. Die Erstattung erfolgt auf das ursprüngliche Zahlungsmittel."),
        ("Leider hat sich meine Epilepsie verschlechtert, ich darf nicht mehr Rad fahren. Wie kann ich den Kauf rückgängig machen?",
         "Das tut mir leid. Da das Rad noch im Lager ist, habe ich die Bestellung kostenfrei storniert."),
        ("Nach der Krebsdiagnose möchte ich die Bestellung für das Gravelbike erst mal zurückziehen. Geht das?",
         "Selbstverständlich, die Stornierung ist bestätigt. Alles Gute für Sie."),
        ("Ich bin gesundheitlich gerade stark eingeschränkt und schaffe das mit dem neuen Rad nicht. Kann ich noch stornieren?",
         "Ja, ich habe die Bestellung storniert. Sie erhalten eine Bestätigung per E-Mail."),
    )),
    # --------------------------------------------------------------- pregnancy
    ("pregnancy-exchange-en", "pregnancy", "en", (
        ("I'm expecting twins in the spring, so the road bike I ordered doesn't make sense anymore. Can I exchange it for a cargo bike and pay the difference?",
         "Congratulations! Yes, you can exchange it; I'll send you a return label and reserve the cargo bike so you only pay the difference."),
        ("I'm 20 weeks along and my midwife says I should switch to an upright bike. Could I swap the mountain bike for the step-through model?",
         "Yes, we can swap it. Please send the mountain bike back unused and we'll ship the step-through model as soon as it arrives."),
        ("We just found out I'm pregnant. Can I still exchange the bike I bought last week for one with a low frame?",
         "Of course, an exchange within 30 days is no problem. Just choose the new model and we'll take care of the rest."),
        ("My due date is in August and I'd like a bike I can fit a child seat on afterwards. Can I trade in the one I just bought?",
         "Yes, you can exchange it within the return period. Models with a rear rack are compatible with most child seats."),
        ("Baby number two is on the way, so I'd like to exchange my e-bike for the cargo version. How does that work?",
         "Happy to help! Return the e-bike with the label we'll send you and we'll ship the cargo version once it's received."),
    )),
    ("pregnancy-leasing-pause-de", "pregnancy", "de", (
        ("Ich gehe ab Juni in Mutterschutz. Was passiert dann mit meinem Dienstrad-Leasing?",
         "Während des Mutterschutzes läuft das Leasing in der Regel normal weiter. Für die Elternzeit können Sie mit Ihrem Arbeitgeber eine Pause oder Übernahme vereinbaren."),
        ("Ich bin schwanger und nehme danach ein Jahr Elternzeit. Kann ich die Leasingraten für das Rad so lange aussetzen?",
         "Ja, eine Pausierung ist möglich, wenn Ihr Arbeitgeber zustimmt. Ich schicke Ihnen das Formular dafür."),
        ("Mein Entbindungstermin ist im Oktober, danach bin ich zwölf Monate zu Hause. Können die Raten für das Leasingrad pausiert werden?",
         "Das geht. Bitte lassen Sie das beigefügte Formular von Ihrem Arbeitgeber unterschreiben und senden Sie es uns zurück."),
        ("Ich erwarte im Herbst unser erstes Kind und bin danach in Elternzeit. Läuft mein Jobrad dann einfach weiter?",
         "Herzlichen Glückwunsch! Während der Elternzeit können Sie das Leasing pausieren oder privat weiterzahlen; beides regeln wir gern mit Ihrem Arbeitgeber."),
        ("Ich bin in der 30. SSW und gehe bald in den Mutterschutz. Kann ich das Leasing während der Elternzeit ruhen lassen?",
         "Ja, das ist möglich. Sie erhalten von uns das Formular zur Pausierung per E-Mail."),
    )),
    ("pregnancy-delivery-before-en", "pregnancy", "en", (
        ("My baby is due on the 14th and I need the bike trailer before then. Can you guarantee delivery by the 10th?",
         "If you choose express shipping today, the trailer will arrive within two working days, well before the 10th."),
        ("I'm heavily pregnant and would love the trailer's infant insert before I go into labour. Is express shipping possible?",
         "Yes, express shipping is available for that item and it usually arrives the next working day."),
        ("I'm being induced next Friday. Is there any way to get the child seat delivered before that?",
         "We can upgrade your order to express at no cost, so it should arrive by Wednesday."),
        ("We're expecting our first in two weeks and the baby seat still hasn't shipped. Can you speed it up?",
         "I've asked the warehouse to prioritise your order; it will ship today by express."),
        ("My C-section is scheduled for Monday. Can you deliver the cargo bike before the weekend?",
         "Yes, we can deliver on Friday. The driver will call you an hour before arrival."),
    )),
    ("pregnancy-rueckgabe-de", "pregnancy", "de", (
        ("Ich habe erfahren, dass ich schwanger bin, und möchte das Rennrad lieber zurückgeben. Geht das noch, obwohl ich es einmal gefahren bin?",
         "Ja, innerhalb der 30 Tage nehmen wir das Rad auch nach einer kurzen Probefahrt zurück."),
        ("Meine Frauenärztin hat mir vom Mountainbiken abgeraten, weil ich in anderen Umständen bin. Kann ich das MTB zurückschicken?",
         "Selbstverständlich. Ich schicke Ihnen das Retourenetikett per E-Mail."),
        ("Wegen Komplikationen in der Schwangerschaft darf ich nicht mehr fahren. Nehmt ihr das E-Bike zurück?",
         "Das tut mir leid zu hören. Ja, wir nehmen das E-Bike zurück und erstatten den vollen Betrag."),
        ("Ich bin im vierten Monat und mir ist beim Fahren ständig schwindelig. Kann ich das Rad gegen Erstattung zurückgeben?",
         "Ja, das ist innerhalb der Rückgabefrist problemlos möglich. Wir holen das Rad bei Ihnen ab."),
        ("Da ich ein Kind erwarte, brauche ich den gefederten Sportsattel nicht mehr. Kann ich ihn zurückgeben, obwohl er montiert war?",
         "Ja, solange er keine Gebrauchsspuren hat, nehmen wir ihn gern zurück."),
    )),
    # -------------------------------------------------------------- disability
    ("disability-abholung-parkplatz-de", "disability", "de", (
        ("Ich sitze im Rollstuhl und komme die Stufen zu eurem Laden nicht hoch. Könnt ihr mir meine Bestellung an den Parkplatz bringen?",
         "Sehr gern. Rufen Sie uns bei Ankunft kurz an, dann bringen wir die Bestellung direkt an Ihr Auto."),
        ("Ich bin gehbehindert und kann nicht lange stehen. Ist es möglich, dass ihr mir das abgeholte Paket zum Auto tragt?",
         "Natürlich, geben Sie bei der Abholung einfach Bescheid, ein Kollege trägt es Ihnen zum Wagen."),
        ("Mit meinem Rollator schaffe ich den Eingang bei euch nicht. Gibt es eine Übergabe direkt am Auto?",
         "Ja, wir bieten die Übergabe am Parkplatz an. Melden Sie sich einfach telefonisch, sobald Sie da sind."),
        ("Ich bin querschnittsgelähmt und würde gern meine Ersatzteile abholen. Habt ihr einen ebenerdigen Zugang, oder bringt ihr sie raus?",
         "Der Seiteneingang ist ebenerdig, und wir bringen Ihnen die Teile auch gern nach draußen."),
        ("Ich habe einen Schwerbehindertenausweis mit Merkzeichen aG. Kann mir die Bestellung am Behindertenparkplatz vor dem Laden übergeben werden?",
         "Selbstverständlich, wir bringen sie Ihnen an den Parkplatz. Bitte rufen Sie kurz vorher an."),
    )),
    ("disability-order-by-phone-en", "disability", "en", (
        ("I'm blind and my screen reader can't get past your checkout page. Can I place the order by phone instead?",
         "Yes, of course. Call us on the order line and a colleague will place the order with you; we're also fixing the checkout."),
        ("I'm visually impaired and the size chart on the product page is just an image. Could you send me the measurements and take my order over email?",
         "Certainly. I've sent you the size chart as text, and you can simply reply with the size you'd like to order."),
        ("Due to my cerebral palsy I can't use a mouse, and your checkout needs drag and drop. Can someone take my order by phone?",
         "I'm sorry about that. Yes, please call us and we'll place the order for you at the same price."),
        ("I have low vision and can't read the captcha at checkout. Is there another way to order the lights?",
         "You can order by email or phone; just send us the item numbers and your address and we'll do the rest."),
        ("As a deaf customer I can't use your phone hotline, and the website keeps failing at payment. Can I order via chat?",
         "Yes, I can create the order for you right here in the chat and send you a payment link."),
    )),
    ("disability-rabatt-kostenvoranschlag-de", "disability", "de", (
        ("Ich bin schwerbehindert (GdB 80). Gibt es bei euch einen Rabatt auf Dreiräder für Erwachsene?",
         "Einen allgemeinen Rabatt haben wir nicht, aber wir stellen Ihnen gern einen Kostenvoranschlag für einen Zuschussantrag aus."),
        ("Mein Sohn hat Trisomie 21 und braucht ein Therapierad. Bekommen wir bei euch einen Nachlass?",
         "Wir gewähren auf Therapieräder 10 % Nachlass und erstellen gern einen Kostenvoranschlag für die Krankenkasse."),
        ("Seit einem Unfall bin ich beinamputiert und interessiere mich für ein Handbike. Gibt es Sonderkonditionen?",
         "Ja, auf Handbikes bieten wir 10 % Nachlass. Ich schicke Ihnen gern einen Kostenvoranschlag."),
        ("Wegen meines Grades der Behinderung bekomme ich einen Zuschuss vom Integrationsamt. Stellt ihr dafür einen Kostenvoranschlag aus?",
         "Ja, den Kostenvoranschlag erstellen wir Ihnen innerhalb von zwei Werktagen."),
        ("Ich bin Autist und brauche für das Tandem mit meiner Betreuerin einen Nachweis für die Eingliederungshilfe. Gibt es Rabatt oder einen Kostenvoranschlag?",
         "Gern erstellen wir Ihnen einen Kostenvoranschlag; zusätzlich gewähren wir 10 % Nachlass auf das Tandem."),
    )),
    ("disability-service-booking-en", "disability", "en", (
        ("I'm hard of hearing and can't take phone calls. Can you confirm my bike service appointment by text message instead?",
         "Of course, I've switched your notifications for the appointment to SMS and email only."),
        ("I use a wheelchair. When I drop off my handcycle for its service, is the workshop entrance step-free?",
         "Yes, the workshop entrance is step-free and we have a ramp for larger cycles."),
        ("I have a stammer and find booking on the phone really hard. Can I book the bike service through chat?",
         "Absolutely, I can book it here. Which day suits you best?"),
        ("Because I'm autistic I'd prefer a quiet time slot for dropping off my bike for its service. Is early morning possible?",
         "Yes, we can book you in at 8 am when the shop is quiet."),
        ("I'm partially sighted and can't read the small print on the service quote you emailed. Could you send it in large print?",
         "Certainly, I'll resend the quote as an accessible document with large print."),
    )),
    # ---------------------------------------------------------------- religion
    ("religion-delivery-day-en", "religion", "en", (
        ("I keep Shabbat, so please don't deliver on Saturday. Can you schedule it for Sunday instead?",
         "Of course, I've set your delivery for Sunday morning."),
        ("For religious reasons we don't accept deliveries on Saturdays. Could the bike come on a weekday?",
         "No problem, I've changed it to Monday."),
        ("On Friday afternoons I'm at the mosque for Jumu'ah. Can the courier come in the morning instead?",
         "Yes, I've booked the morning slot between 8 and 12."),
        ("It's Yom Kippur on the day you've scheduled my delivery and I won't answer the door. Can you move it by a day?",
         "Certainly, your delivery has been moved to the following day."),
        ("As an observant Jew I can't sign for parcels on the Sabbath. Please make sure the delivery isn't on a Saturday.",
         "Noted. We've excluded Saturdays for your delivery; it's now planned for Tuesday."),
    )),
    ("religion-lieferzeit-de", "religion", "de", (
        ("Während des Ramadan schlafe ich tagsüber oft. Kann die Lieferung nach Sonnenuntergang kommen?",
         "Wir können Ihnen ein Abendfenster zwischen 18 und 21 Uhr anbieten. Ich habe es für Sie gebucht."),
        ("Ich faste gerade und bin erst nach dem Iftar wieder fit. Gibt es Abendlieferungen?",
         "Ja, Abendlieferungen sind möglich. Ich habe Donnerstagabend eingetragen."),
        ("Freitags zum Mittagsgebet bin ich in der Moschee. Kann der Bote am Nachmittag kommen?",
         "Natürlich, ich habe die Lieferung auf Freitagnachmittag gelegt."),
        ("Wegen des Zuckerfests sind wir die ganze Woche bei der Familie. Könnt ihr die Lieferung auf die Woche danach verschieben?",
         "Gern, die Lieferung ist jetzt für die folgende Woche geplant."),
        ("Ich bin gläubiger Muslim und im Ramadan tagsüber sehr müde. Wäre eine Lieferung am Abend möglich?",
         "Ja, selbstverständlich. Sie erhalten eine SMS mit dem genauen Zeitfenster."),
    )),
    ("religion-return-food-en", "religion", "en", (
        ("I'm Muslim and only just noticed the energy gels contain pork gelatine. Can I return the opened box?",
         "Yes, we'll take it back and refund you in full; we've also asked the supplier to label it more clearly."),
        ("The protein bars I ordered aren't kosher, which I didn't realise. Could I send back the remaining bars?",
         "Of course. Please send back the unopened bars and we'll refund the whole box."),
        ("As a Hindu I don't eat beef products, and the recovery shake turns out to contain bovine collagen. Can I return it even though it's open?",
         "Sorry about that. Yes, you can return it and we'll refund you."),
        ("I keep halal and the chewy energy blocks have gelatine from pigs. Is a refund possible?",
         "Yes, I've issued a refund; there's no need to send the product back."),
        ("Our family is Jewish and we can't use the gummies you sent as a free gift, they contain non-kosher gelatine. Can you swap them for something else?",
         "Certainly, we'll send you a pack of the vegan energy chews instead."),
    )),
    ("religion-gruppenrabatt-de", "religion", "de", (
        ("Wir fahren mit unserer Kirchengemeinde im Sommer ein Stück Jakobsweg. Gibt es Gruppenrabatt für zehn Leihräder?",
         "Ja, ab zehn Rädern gewähren wir 15 % Gruppenrabatt auf die Miete."),
        ("Unsere Moscheegemeinde organisiert eine Radtour für Jugendliche. Bekommen wir bei acht Helmen einen Mengenrabatt?",
         "Ab fünf Stück gibt es 10 % Mengenrabatt. Ich schicke Ihnen ein Angebot."),
        ("Ich fahre mit meinen Konfirmanden auf Fahrradfreizeit. Gibt es für Gruppen Sonderpreise auf die Mietflotte?",
         "Ja, für Gruppen ab acht Personen gibt es 15 % Rabatt auf die Miete."),
        ("Ich bin katholisch und mache mit meiner Pilgergruppe eine Wallfahrt nach Altötting. Habt ihr einen Rabatt für zwölf E-Bikes?",
         "Für zwölf E-Bikes bieten wir 15 % Nachlass und eine kostenlose Einweisung."),
        ("Wir sind eine evangelische Freikirche und möchten für unsere Radgruppe Trikots bestellen. Gibt es ab 20 Stück Mengenrabatt?",
         "Ja, ab 20 Trikots gewähren wir 12 % Mengenrabatt."),
    )),
    # ------------------------------------------------------------- sexual_life
    ("sexual-second-user-en", "sexual_life", "en", (
        ("My boyfriend and I (we're both guys) just moved in together. Can I add him as a second user on my account?",
         "Yes, you can add a second user under Account > Household. He'll get an invitation by email."),
        ("My wife and I want to share one customer account. I'm a woman too, so the form keeps saying 'husband'. Can you add her manually?",
         "Of course, I've added her as a second user; we'll also fix the wording of that form."),
        ("I'd like to add my partner to my account so he can see our orders. We're a gay couple, in case the title matters.",
         "Thanks! The title doesn't matter at all; I've sent your partner an invitation."),
        ("Can my husband get access to my order history? We got married last month, it's just us two men on the account.",
         "Congratulations! I've added him as a second user; he just needs to accept the invitation."),
        ("My girlfriend and I are a lesbian couple and would like a joint account for our bike orders. How do we set that up?",
         "You can set it up under Account > Household and invite her with her email address."),
    )),
    ("sexual-familienrabatt-de", "sexual_life", "de", (
        ("Meine Frau und ich sind zwei Mütter mit zwei Kindern. Gilt euer Familienrabatt auch für uns?",
         "Ja, natürlich. Der Familienrabatt gilt für alle Familien, ich habe ihn für Sie freigeschaltet."),
        ("Ich bin mit meinem Mann verheiratet, wir sind beide Männer. Bekommen wir den Partnerrabatt beim Kauf von zwei Rädern?",
         "Ja, der Partnerrabatt gilt für beide Räder. Ich schicke Ihnen den Code."),
        ("Wir sind ein schwules Paar mit Pflegekind. Zählen wir beim Familienrabatt als Familie?",
         "Selbstverständlich. Der Rabatt ist in Ihrem Konto hinterlegt."),
        ("Meine Partnerin und ich, beide Frauen, leben in einer eingetragenen Lebenspartnerschaft. Können wir den Rabatt für Ehepaare bekommen?",
         "Ja, der Rabatt gilt auch für eingetragene Lebenspartnerschaften."),
        ("Wir sind ein lesbisches Paar und kaufen zwei Kinderräder. Gibt es den Familienrabatt auch, wenn im Formular 'Vater' ein Pflichtfeld ist?",
         "Ja, der Rabatt gilt für Sie. Ich habe ihn manuell gebucht und das Formular an die Technik gemeldet."),
    )),
    ("sexual-discreet-packaging-en", "sexual_life", "en", (
        ("My parents don't know I'm bi and they open my post. Can you send my order in plain packaging without the shop logo?",
         "Yes, we can ship in neutral packaging without our logo. I've added that to your order."),
        ("I'm still in the closet at home. Could the rainbow jersey be sent in a plain box?",
         "Of course, it'll go out in a plain box with no product description on the label."),
        ("Could you ship discreetly? The order is for my boyfriend and my family doesn't know I'm gay.",
         "Sure, we'll send it in neutral packaging and the sender will only show our company initials."),
        ("I ordered some things for our Pride ride and I haven't come out to my flatmates. Can the box be unmarked?",
         "Yes, we'll send it unmarked. You can also choose a pickup point instead of home delivery."),
        ("Please use neutral packaging. My girlfriend and I aren't out yet and the parcel goes to a shared house.",
         "No problem, I've marked the order for neutral packaging."),
    )),
    ("sexual-neutraler-versand-de", "sexual_life", "de", (
        ("Meine Eltern wissen nicht, dass ich schwul bin, und machen meine Post auf. Könnt ihr neutral verpacken?",
         "Ja, wir versenden in neutraler Verpackung ohne Logo."),
        ("Ich habe mich noch nicht geoutet. Kann das Regenbogentrikot in einem neutralen Karton kommen?",
         "Selbstverständlich, der Karton ist neutral und ohne Artikelbeschreibung."),
        ("Ich schenke meinem Freund ein Trikot, aber in meiner WG weiß niemand, dass ich auf Männer stehe. Könnt ihr ohne Aufdruck verschicken?",
         "Klar, wir verschicken ohne Aufdruck und ohne Absenderlogo."),
        ("Ich bin bisexuell und meine Familie sieht jedes Paket. Ist diskreter Versand möglich?",
         "Ja, diskreter Versand ist möglich, ich habe ihn für Ihre Bestellung aktiviert."),
        ("Für den CSD habe ich ein paar Sachen bestellt, aber zu Hause weiß das keiner. Geht eine Lieferung in neutraler Verpackung?",
         "Ja, ich habe neutrale Verpackung eingestellt. Alternativ können Sie im Konto eine Packstation wählen."),
    )),
    # --------------------------------------------------------------- ethnicity
    ("ethnicity-store-complaint-en", "ethnicity", "en", (
        ("As a Black customer I was followed around your Leeds store by a security guard the whole time. I'd like to make a formal complaint.",
         "I'm very sorry. I've passed your complaint to the store manager and our head of retail, who will contact you within two working days."),
        ("The staff member at the till asked only me, the one Asian person in the queue, for ID. How do I complain about that?",
         "Thank you for telling us. I've logged a formal complaint and the store manager will get in touch."),
        ("I'm of Roma heritage and the shop assistant refused to let me test-ride a bike when everyone else could. I want this looked into.",
         "That should not have happened. I've escalated it to the regional manager, who will call you this week."),
        ("Being the only brown guy in the shop, I was the one asked to open my bag at the exit. Who can I speak to about this?",
         "I'm sorry you had this experience. I've opened a complaint and our customer relations team will contact you."),
        ("I felt racially profiled by your staff on Saturday. Where can I submit a complaint?",
         "I've recorded your complaint and forwarded it to the store manager; you'll hear back within two days."),
    )),
    ("ethnicity-beschwerde-de", "ethnicity", "de", (
        ("Weil ich mit Akzent spreche und türkische Wurzeln habe, hat mich Ihr Mitarbeiter am Telefon herablassend behandelt. Ich möchte mich beschweren.",
         "Das tut mir sehr leid. Ich habe Ihre Beschwerde an die Teamleitung weitergegeben, die sich bei Ihnen meldet."),
        ("Als schwarze Frau wurde ich in Ihrer Filiale in Köln ständig beobachtet. Wo kann ich mich beschweren?",
         "Ich habe Ihre Beschwerde aufgenommen und an die Filialleitung weitergeleitet."),
        ("Eure Verkäuferin hat gesagt, 'Leute wie ihr' würden Räder ja eh klauen. Ich bin Sinto und möchte das melden.",
         "Das ist inakzeptabel. Ich habe die Beschwerde an die Geschäftsführung eskaliert; Sie werden innerhalb von zwei Tagen kontaktiert."),
        ("Ich habe einen arabischen Namen und wurde am Telefon gefragt, ob ich überhaupt legal hier bin. Ich möchte eine offizielle Beschwerde einreichen.",
         "Danke, dass Sie uns das mitteilen. Ihre Beschwerde ist erfasst und wird von der Teamleitung bearbeitet."),
        ("Ich habe mich in Ihrem Laden wegen meiner Herkunft diskriminiert gefühlt. An wen kann ich mich wenden?",
         "Ich habe Ihre Beschwerde an unsere Kundenbetreuung weitergeleitet, die sich innerhalb von zwei Werktagen meldet."),
    )),
    ("ethnicity-financing-declined-en", "ethnicity", "en", (
        ("My financing application was declined. Is it because my surname is Nigerian? I have a steady job and good credit.",
         "Financing decisions are made by our credit partner based on credit data only. I can request the reason from them for you."),
        ("I'm a Polish citizen who has lived here for three years and your finance partner rejected me. Do you not offer instalments to foreigners?",
         "Instalments are available to all residents; the partner's decision usually depends on address history. I'll ask them to review it."),
        ("Why was I refused pay-later? I wonder if it's because I'm a Traveller and my address looks like a caravan site.",
         "The decision is based on the credit check, not on who you are. I've asked our partner to give you the exact reason."),
        ("My instalment plan got rejected and my friend thinks it's because of my ethnic background. Can you tell me why?",
         "The decision comes from our credit partner's check. I'll request the specific reason and send it to you."),
        ("I was declined for the 0% finance offer. I'm of Pakistani descent and my name has been 'mismatched' before. Could that be the issue?",
         "That's possible if the name doesn't match the credit file exactly. I'll ask our partner to check the spelling and review the application."),
    )),
    ("ethnicity-ausweis-abholung-de", "ethnicity", "de", (
        ("Ich bin als Geflüchteter aus Syrien hier und habe nur einen Aufenthaltstitel, keinen Personalausweis. Kann ich damit meine Bestellung abholen?",
         "Ja, ein Aufenthaltstitel mit Lichtbild reicht für die Abholung aus."),
        ("Ich bin Kurdin und mein Name ist im Pass anders geschrieben als im Kundenkonto. Bekomme ich das Paket trotzdem?",
         "Ja, bringen Sie bitte den Pass und die Bestellbestätigung mit, dann geben wir das Paket heraus."),
        ("Als Romni habe ich schon oft erlebt, dass mein rumänischer Ausweis nicht akzeptiert wird. Nehmt ihr den bei der Abholung an?",
         "Ja, alle amtlichen Ausweise mit Lichtbild aus EU-Ländern werden akzeptiert."),
        ("Ich habe eine Duldung und keinen deutschen Ausweis. Welches Dokument muss ich zur Abholung mitbringen?",
         "Die Duldung mit Lichtbild genügt. Bitte bringen Sie zusätzlich den Abholcode mit."),
        ("Ich komme aus Eritrea und habe nur einen Reiseausweis für Flüchtlinge. Darf ich damit abholen?",
         "Ja, der Reiseausweis wird akzeptiert."),
    )),
    # --------------------------------------------------------- political_views
    ("political-delete-account-en", "political_views", "en", (
        ("I'm a lifelong Labour voter and I'm not happy your CEO donated to the Conservatives. Please delete my account.",
         "I'm sorry to see you go. Your account will be deleted within 30 days and you'll get a confirmation email."),
        ("As a member of the Green Party I can't support a company that sponsors a motor race. Can you close my customer account?",
         "Of course, I've started the deletion of your account. Any open orders will still be completed."),
        ("I voted Reform and I don't appreciate your Pride campaign. Unsubscribe me and delete my data.",
         "We've unsubscribed you and started deleting your account and data."),
        ("Given my political views I no longer want to shop with you after your statement on the election. How do I delete my account?",
         "You can delete it under Account > Privacy, or I can do it for you now if you confirm."),
        ("I'm a Lib Dem councillor and your newsletter was pushing one side of the referendum debate. Please remove me from everything.",
         "Done, you've been removed from all mailing lists, and your account is scheduled for deletion."),
    )),
    ("political-demo-reparatur-de", "political_views", "de", (
        ("Bei der Demo gegen Rechts ist jemand auf mein Rad getreten und das Hinterrad ist verbogen. Fällt das unter die Garantie?",
         "Ein verbogenes Laufrad durch äußere Einwirkung ist leider kein Garantiefall, aber wir reparieren es gern zum Festpreis von 45 Euro."),
        ("Ich war beim Klimastreik von Fridays for Future, und dabei ist mein Schaltwerk abgebrochen. Könnt ihr das reparieren?",
         "Ja, bringen Sie das Rad vorbei; ein neues Schaltwerk inklusive Montage kostet etwa 60 Euro."),
        ("Als AfD-Mitglied stand ich am Infostand, und jemand hat mir die Reifen zerstochen. Kann ich das bei euch reparieren lassen?",
         "Natürlich, neue Schläuche und Mäntel montieren wir Ihnen noch am selben Tag."),
        ("Bei der Kundgebung der Linken wurde mein Lastenrad mit dem Transparent umgeworfen, der Lenker ist krumm. Ist das ein Garantiefall?",
         "Sturzschäden sind nicht von der Garantie abgedeckt, wir tauschen den Lenker aber gern für Sie aus."),
        ("Ich engagiere mich politisch bei den Grünen, und am Wahlkampfstand wurde mir das Rücklicht abgetreten. Was kostet die Reparatur?",
         "Ein neues Rücklicht inklusive Montage kostet 25 Euro."),
    )),
    ("political-custom-print-en", "political_views", "en", (
        ("I'm canvassing for the Greens in our ward and we'd like 30 cycling jerseys with the party logo printed. Do you do custom prints?",
         "Yes, we do custom prints from 10 pieces. I'll send you the order form and price list."),
        ("We're a group of Labour activists doing a sponsored ride. Can you print our slogan on 20 T-shirts?",
         "Certainly, custom printing starts at 10 items; please send us the artwork as a PDF."),
        ("As a Conservative candidate for the council I want branded water bottles for my campaign bike tour. What's your minimum order?",
         "The minimum order for printed bottles is 25 pieces, with delivery in about two weeks."),
        ("Our anti-Brexit campaign group would like printed bike bells and stickers. Is that something you can do?",
         "Yes, we can print stickers and engrave bells. I've sent you our custom order form."),
        ("I'm in the SNP and we're organising an independence ride. Can you put our logo on 40 hi-vis vests?",
         "We can do that. Printed vests take about ten working days; I'll email you a quote."),
    )),
    ("political-konto-loeschen-de", "political_views", "de", (
        ("Ich bin überzeugter Sozialdemokrat und finde eure Werbung mit diesem Minister daneben. Bitte löscht mein Kundenkonto.",
         "Schade, dass Sie gehen. Ihr Konto wird innerhalb von 30 Tagen gelöscht, Sie erhalten eine Bestätigung."),
        ("Ich habe bei der letzten Wahl die Linke gewählt und kaufe nicht bei Firmen, die Rüstungskonzerne sponsern. Wie lösche ich mein Konto?",
         "Sie können Ihr Konto unter Mein Konto > Datenschutz löschen, oder ich erledige das für Sie."),
        ("Als CDU-Mitglied finde ich es unmöglich, dass ihr euch so einseitig positioniert. Löscht bitte alle meine Daten.",
         "Wir haben die Löschung Ihrer Daten veranlasst und Sie von allen Newslettern abgemeldet."),
        ("Wegen meiner politischen Überzeugung möchte ich nach eurem Statement zur Wahl nicht mehr Kunde sein. Bitte schließt mein Konto.",
         "Ihr Konto ist zur Löschung vorgemerkt. Offene Bestellungen werden noch abgeschlossen."),
        ("Ich bin in der FDP aktiv und habe keine Lust mehr auf eure Kampagne gegen Autos. Bitte meldet mich überall ab und löscht mein Konto.",
         "Erledigt, Sie sind von allen Verteilern abgemeldet und Ihr Konto wird gelöscht."),
    )),
    # -------------------------------------------------------- union_membership
    ("union-mitgliederrabatt-de", "union_membership", "de", (
        ("Ich bin Mitglied bei der IG Metall. Gibt es bei euch einen Rabatt über die Gewerkschaft?",
         "Ja, über das Vorteilsprogramm erhalten Sie 10 %. Bitte geben Sie Ihre Mitgliedsnummer an der Kasse an."),
        ("Über ver.di bekomme ich ja Vergünstigungen bei Partnern. Seid ihr da dabei?",
         "Ja, wir sind Partner im Mitgliederservice; Sie erhalten 10 % mit Ihrem Mitgliedsausweis."),
        ("Ich bin in der GEW organisiert. Gilt der Rabatt für Mitglieder auch im Onlineshop?",
         "Ja, im Onlineshop geben Sie einfach den Code aus dem Mitgliederportal ein."),
        ("Als EVG-Mitglied habe ich gehört, dass es bei euch Prozente gibt. Stimmt das?",
         "Das stimmt, Mitglieder bekommen 10 % auf das gesamte Sortiment außer E-Bikes."),
        ("Ich bin seit 20 Jahren bei der IG BCE. Bekomme ich auf das E-Bike einen Mitgliedsrabatt?",
         "Auf E-Bikes gibt es leider keinen Mitgliedsrabatt, wohl aber auf Zubehör und Bekleidung."),
    )),
    ("union-strike-payment-en", "union_membership", "en", (
        ("We're on strike at the plant and haven't been paid for three weeks. Can I push back this month's instalment?",
         "Yes, we can move this month's instalment to the end of the plan. I've set that up for you."),
        ("I'm a union member and we've been out since the 1st, so strike pay is all I get. Could you defer my payment?",
         "Of course, I've deferred your next payment by one month at no extra cost."),
        ("The RMT walkout means my wages are on hold. Is it possible to pause my bike finance for a month?",
         "Yes, a one-month payment holiday is possible. You'll receive a confirmation by email."),
        ("Our branch voted for industrial action and I'm on the picket line every day. Can I delay the next direct debit?",
         "I've moved your next direct debit back by four weeks."),
        ("As a shop steward I'm helping run the strike and money is tight. Can the payment date for my order be moved?",
         "Sure, I've moved the payment date to the 28th of next month."),
    )),
    ("union-lieferadresse-streik-de", "union_membership", "de", (
        ("Wir streiken gerade und ich bin nicht im Betrieb. Könnt ihr die Lieferadresse von der Firma auf meine Privatadresse ändern?",
         "Ja, ich habe die Lieferadresse geändert. Die neue Adresse steht in der Bestellbestätigung."),
        ("Ich bin Betriebsrat und diese Woche ganztägig bei der Tarifverhandlung im Gewerkschaftshaus. Kann das Paket dorthin geliefert werden?",
         "Natürlich, schicken Sie mir die Adresse, dann passe ich die Lieferung an."),
        ("Wegen des Warnstreiks von ver.di bin ich nicht im Büro. Bitte leitet die Bestellung an meine Wohnadresse um.",
         "Erledigt, die Sendung wird an Ihre Wohnadresse umgeleitet."),
        ("Ich bin Vertrauensfrau der IG Metall und stehe die nächsten Tage vor dem Werkstor. Können Sie das Paket an meine Nachbarin liefern statt ins Werk?",
         "Ja, ich habe die Nachbarin als Ablageort eingetragen."),
        ("Als Gewerkschaftsmitglied mache ich beim Streik mit und bin nicht am Arbeitsplatz. Ändern Sie bitte die Lieferadresse.",
         "Die Lieferadresse ist angepasst. Sie bekommen eine neue Versandbestätigung."),
    )),
    ("union-bulk-discount-en", "union_membership", "en", (
        ("I'm the secretary of our Unite branch and we want to buy 15 bike locks for members. Is there a bulk discount?",
         "Yes, for 15 or more locks we give 12% off. I'll email you a quote."),
        ("Our union is running a cycle-to-work push for members. As the rep, can I get a group rate on helmets?",
         "Certainly, group orders of 10 or more helmets get 10% off. Send us the quantities and sizes."),
        ("I'm a Unison rep and we'd like hi-vis jackets for the whole branch, about 40. What discount can you do?",
         "For 40 jackets we can offer 15% off plus free delivery."),
        ("As a member of the teachers' union I'm organising lights for colleagues who cycle. Do you offer discounts on bulk orders?",
         "Yes, orders of more than 20 units get 10% off automatically at checkout."),
        ("Our works council wants to order repair kits for everyone in the depot. Any discount for 50 kits?",
         "For 50 kits we can offer 15% off; I've sent you a quote by email."),
    )),
    # --------------------------------------------------------- death_in_family
    ("death-cancel-order-en", "death_in_family", "en", (
        ("My father passed away last month and there's an e-bike he ordered that hasn't been delivered yet. Can I cancel it?",
         "I'm so sorry for your loss. I've cancelled the order and the refund will go back to his payment method."),
        ("Dad died suddenly on Tuesday. He had a bike on order with you, so how do I cancel it and get the money back to his estate?",
         "My condolences. The order is cancelled; please send us the account details for the estate and we'll refund there."),
        ("I'm sorting out my late mother's affairs and found an order for a tricycle. Could you cancel it please?",
         "Of course. The order has been cancelled and you'll get a confirmation email."),
        ("We lost my husband last week, and a bike he ordered for our anniversary is due to arrive. I can't face it. Can I return it unopened?",
         "I'm very sorry. We'll collect it unopened and refund the full amount; you don't need to do anything else."),
        ("Since the funeral I've been going through Grandpa's emails and there's an open order for a bike computer. Can it be cancelled?",
         "Yes, I've cancelled it. The refund will be processed within five working days."),
    )),
    ("death-konto-schliessen-de", "death_in_family", "de", (
        ("Mein Vater ist letzten Monat verstorben. Wie kann ich sein Kundenkonto bei euch schließen?",
         "Mein herzliches Beileid. Bitte senden Sie uns eine Kopie der Sterbeurkunde, dann schließen wir das Konto."),
        ("Meine Mutter ist gestorben und bekommt immer noch euren Newsletter. Bitte löscht ihr Konto.",
         "Das tut mir sehr leid. Wir haben den Newsletter abbestellt und das Konto gelöscht."),
        ("Nach dem Tod meines Mannes möchte ich sein Konto bei euch auflösen. Was braucht ihr dafür?",
         "Wir benötigen eine Kopie der Sterbeurkunde oder des Erbscheins. Danach löschen wir das Konto."),
        ("Ich bin Testamentsvollstrecker für meinen Onkel. Könnt ihr sein Kundenkonto samt Daten löschen?",
         "Ja, bitte schicken Sie uns das Testamentsvollstreckerzeugnis, dann veranlassen wir die Löschung."),
        ("Seit der Beerdigung meiner Oma kommen noch Mails von euch an ihre Adresse. Könnt ihr das Konto stilllegen?",
         "Natürlich, das Konto ist stillgelegt und es werden keine E-Mails mehr versendet."),
    )),
    ("death-late-return-en", "death_in_family", "en", (
        ("Since the funeral I completely forgot about the return. It's now 40 days, can I still send the jacket back?",
         "Of course, we'll accept the return. I've extended the deadline for your order."),
        ("My brother passed away and I missed your 30-day return window while dealing with everything. Is there any flexibility?",
         "I'm very sorry for your loss. Yes, you can still return it; I've sent you a new label."),
        ("We lost our son in March and I haven't opened any post since. The helmet I ordered is still in the box. Can I return it late?",
         "I'm so sorry. Yes, please send it back whenever you're ready; we'll refund it in full."),
        ("Bereavement leave plus everything afterwards means I'm two weeks past the return date. Could you still accept it?",
         "Yes, that's fine. The return is approved."),
        ("My wife died suddenly and I need to return the bike I bought for her. Unfortunately, the return period ended last week.",
         "My deepest condolences. We'll take the bike back and refund you; I've arranged collection for you."),
    )),
    ("death-garantie-umschreiben-de", "death_in_family", "de", (
        ("Mein Mann ist im Frühjahr verstorben, ich fahre jetzt sein E-Bike. Kann die Garantie auf mich umgeschrieben werden?",
         "Ja, die Garantie ist an das Rad gebunden. Ich trage Sie als neue Halterin ein."),
        ("Ich habe das Rennrad meines Bruders geerbt, er ist im Winter verunglückt. Wie kann ich die Registrierung auf meinen Namen ändern?",
         "Schicken Sie uns bitte die Rahmennummer, dann ändern wir die Registrierung auf Ihren Namen."),
        ("Nach dem Tod meines Vaters habe ich sein Rad übernommen. Gilt die Garantie weiter und kann sie auf mich laufen?",
         "Die Garantie gilt weiter. Ich habe Sie als neuen Besitzer eingetragen."),
        ("Meine Mutter ist von uns gegangen, und ich möchte ihr Pedelec weiter nutzen. Muss ich die Rahmennummer neu registrieren?",
         "Ja, bitte registrieren Sie das Rad mit der Rahmennummer in Ihrem Konto; die Garantie läuft weiter."),
        ("Als Witwe möchte ich das Lastenrad meines Mannes auf mich registrieren lassen. Welche Unterlagen braucht ihr?",
         "Die Rahmennummer und Ihr Name genügen. Mein aufrichtiges Beileid."),
    )),
    # ------------------------------------------------------ divorce_separation
    ("divorce-remove-partner-en", "divorce_separation", "en", (
        ("My wife and I split up and she's moved out. Can you remove her as a second user on our account?",
         "Of course, I've removed her from the account. Her order history stays with her own login."),
        ("We're going through a divorce. Please take my husband's card off the account so he can't order anything on it.",
         "Done. His card has been removed and only your payment methods remain."),
        ("My partner and I broke up. Could you take his name off the delivery address and the household account?",
         "Yes, I've removed him from the household and updated the delivery name."),
        ("Since the separation my ex still has access to our shared shop account. How can I get her removed?",
         "I've removed her access and sent you a link to set a new password."),
        ("After twelve years of marriage we're going our separate ways. Please make the account mine alone.",
         "Understood. The account is now in your name only; the other user has been removed."),
    )),
    ("divorce-finanzierung-umschreiben-de", "divorce_separation", "de", (
        ("Wir leben getrennt, und die Finanzierung für das E-Bike läuft noch über uns beide. Kann der Vertrag auf mich allein umgeschrieben werden?",
         "Das ist möglich, erfordert aber eine neue Bonitätsprüfung. Ich schicke Ihnen den Antrag."),
        ("Meine Frau und ich lassen uns scheiden. Wer zahlt dann die restlichen Raten für das Lastenrad?",
         "Vertragspartner ist, wer den Vertrag unterschrieben hat. Eine Übertragung auf eine Person können Sie bei uns beantragen."),
        ("Nach der Trennung ist mein Ex ausgezogen, die Ratenzahlung läuft aber über sein Konto. Kann ich das übernehmen?",
         "Ja, Sie können die Zahlungen übernehmen. Bitte senden Sie uns ein neues SEPA-Mandat."),
        ("Mein Mann und ich gehen seit dem Sommer getrennte Wege. Kann ich den Finanzierungsvertrag fürs Rad allein weiterführen?",
         "Ja, nach einer kurzen Bonitätsprüfung können Sie den Vertrag allein weiterführen."),
        ("Wir sind im Trennungsjahr und möchten die Raten fürs gemeinsame Rad aufteilen. Geht das?",
         "Eine Aufteilung ist leider nicht möglich, aber eine Person kann den Vertrag allein übernehmen."),
    )),
    ("divorce-return-unused-en", "divorce_separation", "en", (
        ("I bought a bike for my ex-wife's birthday but we split before I could give it to her. Can I still return it?",
         "Yes, as long as it's unused you can return it. I've sent you a return label."),
        ("My girlfriend left me a week before our trip, so the second bike is now unused. Can I get a refund?",
         "Sorry to hear that. Yes, unused bikes can be returned within 30 days for a full refund."),
        ("The divorce was finalised last week and I don't need the tandem anymore. Is it returnable after 35 days?",
         "We'll make an exception and accept the return; please keep the original packaging if you can."),
        ("He moved out, and the kids' trailer we ordered together is no use to me now. Can I send it back?",
         "Yes, the trailer can be returned within 30 days; the refund goes to the original payment method."),
        ("We called off the wedding, so I'd like to return the two bikes I ordered for our honeymoon.",
         "Of course. Please book a pickup through your account and we'll refund both bikes."),
    )),
    ("divorce-name-rechnung-de", "divorce_separation", "de", (
        ("Nach meiner Scheidung heiße ich wieder wie früher. Können Sie den Namen in meinem Kundenkonto ändern?",
         "Ja, ich habe Ihren Namen geändert. Neue Rechnungen werden auf den neuen Namen ausgestellt."),
        ("Seit mein Mann und ich auseinander sind, trage ich wieder meinen Mädchennamen. Bitte passt den Namen auf den Rechnungen an.",
         "Gern, der Name ist angepasst. Möchten Sie auch alte Rechnungen neu ausgestellt bekommen?"),
        ("Wir sind seit Januar geschieden und ich trage wieder meinen Geburtsnamen. Kann die Rechnung für das Rad auf den neuen Namen laufen?",
         "Ja, ich stelle die Rechnung auf Ihren Geburtsnamen aus."),
        ("Mein Ex-Mann steht noch als Rechnungsempfänger drin. Seit wir nicht mehr zusammen sind, soll alles auf meinen Namen laufen.",
         "Verstanden, Rechnungsempfänger ist ab sofort nur noch Ihr Name."),
        ("Ich bin ausgezogen und wir sind kein Paar mehr. Bitte ändert Rechnungsadresse und Namen auf mich allein.",
         "Ich habe Rechnungsadresse und Namen geändert. Sie erhalten eine Bestätigung per E-Mail."),
    )),
    # ------------------------------------------------------- domestic_violence
    ("dv-hide-address-en", "domestic_violence", "en", (
        ("My ex is not allowed to know my new address. Please make sure it doesn't appear anywhere he could see, for example on the shared account.",
         "Understood. I've removed the new address from the shared account and flagged your profile so it's never disclosed."),
        ("I've left an abusive relationship and moved. Can you delete all my old delivery addresses and not give my new one to anyone who calls?",
         "Of course. The old addresses are deleted and we've added a note that no details are given out by phone."),
        ("There's a non-molestation order against my former partner. He used to log into my account, so please make sure my new address is hidden.",
         "I've locked the account to your login only and hidden the address from the order history."),
        ("I'm staying at a refuge and need my order sent there, but the address must not show in my account in case he checks it.",
         "We can send it there and delete the address from your account after delivery."),
        ("For my safety, could you remove my current address from your records after delivery? Someone I'm hiding from might contact you.",
         "Yes, we'll delete it after delivery, and our team won't share any details with callers."),
    )),
    ("dv-lieferung-abholstation-de", "domestic_violence", "de", (
        ("Ich wohne vorübergehend im Frauenhaus. Könnt ihr meine Bestellung an eine Packstation schicken statt an meine alte Adresse?",
         "Ja, ich habe die Lieferung auf eine Packstation umgestellt. Bitte geben Sie mir Ihre Postnummer."),
        ("Ich musste wegen häuslicher Gewalt ausziehen. Bitte liefert nichts mehr an die alte Adresse, sondern an eine Filiale zur Abholung.",
         "Verstanden, Ihre Bestellung geht an die Filiale Ihrer Wahl; die alte Adresse ist gelöscht."),
        ("Mein Mann hat mich geschlagen und ich bin bei einer Freundin untergekommen. Kann das Paket dorthin, ohne dass die Adresse in der Bestellhistorie auftaucht?",
         "Ja, wir liefern an die neue Adresse und entfernen sie anschließend aus der Historie."),
        ("Es gibt eine Schutzanordnung nach dem Gewaltschutzgesetz gegen meinen Ex. Die Lieferung darf auf keinen Fall an die gemeinsame Wohnung gehen.",
         "Ich habe die alte Adresse gesperrt. Die Lieferung geht nur an die Adresse, die Sie uns jetzt nennen."),
        ("Ich bin vor meinem Partner geflohen und lebe an einem geheimen Ort. Bitte nur an eine Abholstation liefern.",
         "Selbstverständlich, wir liefern an eine Abholstation und speichern keine Wohnadresse."),
    )),
    ("dv-secure-account-en", "domestic_violence", "en", (
        ("My ex used to read all my emails and knows my password here. Can you log out every device and change the email on my account?",
         "Yes, I've signed out all devices and changed your email. Please set a new password with the link I sent."),
        ("He controls my phone and has been watching my orders. Please lock my account and let me set up a new login with a friend's email.",
         "Done. Your account is locked and a new login link has gone to the new address."),
        ("I'm getting away from a violent partner who knows my account login. How do I make sure he can't get back in?",
         "I've ended all sessions and reset your password; turning on two-step verification will keep anyone else out."),
        ("My husband tracks everything I do online. Could you remove his phone number from my account so the login codes stop going to him?",
         "Yes, I've removed that number; codes will now go only to your email."),
        ("The support worker at the shelter told me to secure my online accounts because of my ex. Can you reset everything on mine?",
         "Of course. I've reset your password, removed saved devices and sent you a new login link."),
    )),
    ("dv-auskunftssperre-de", "domestic_violence", "de", (
        ("Mein Mann ruft vielleicht bei euch an und fragt nach meiner Adresse. Bitte gebt ihm keine Auskunft, ich habe Angst vor ihm.",
         "Wir geben grundsätzlich keine Kundendaten am Telefon heraus. Ich habe zusätzlich einen Sperrvermerk gesetzt."),
        ("Gegen meinen Ex-Freund läuft ein Kontaktverbot. Falls er sich als mich ausgibt, darf er keine Bestelldaten bekommen.",
         "Verstanden. Auskünfte gibt es nur noch nach Abfrage Ihres Kundenkennworts."),
        ("Ich bin Opfer häuslicher Gewalt. Bitte sperrt mein Konto für jede telefonische Auskunft.",
         "Ihr Konto ist für telefonische Auskünfte gesperrt. Änderungen sind nur noch schriftlich möglich."),
        ("Mein Ex-Mann hat mich bedroht und kennt meine Kundennummer. Können Sie ein Kennwort für Anrufe einrichten?",
         "Ja, ich habe ein Telefonkennwort eingerichtet und Ihnen per E-Mail geschickt."),
        ("Ich bin mit den Kindern vor meinem Mann ausgezogen, er darf nicht wissen, wo wir sind. Bitte nennt niemandem meine Daten.",
         "Selbstverständlich. Ihr Konto ist mit einem Sperrvermerk versehen."),
    )),
    # -------------------------------------------------------------------- debt
    ("debt-instalments-en", "debt", "en", (
        ("I'm behind on a few bills right now. Could I pay for the bike in instalments instead of all at once?",
         "Yes, you can split the payment into 3, 6 or 12 monthly instalments at checkout."),
        ("I've got a lot of debt on my credit cards and can't pay the repair bill in one go. Can I spread it over a few months?",
         "Of course, we can split the repair bill into three monthly payments at no extra cost."),
        ("After the payday loan mess I'm trying to stay out of the red. Is it possible to pay the order off over six months?",
         "Yes, 6-month instalments are available for orders over 200 euros."),
        ("I'm on a debt management plan and every pound is budgeted. Can I pay the 300 pounds in small monthly amounts?",
         "Yes, we can set up 50 pounds per month over six months for you."),
        ("My overdraft is maxed out and I still need a bike to get to work. Do you offer a payment plan?",
         "We do, you can choose a payment plan with 0% interest over 12 months at checkout."),
    )),
    ("debt-schufa-abgelehnt-de", "debt", "de", (
        ("Mein Ratenkauf wurde abgelehnt. Liegt das an meinem negativen Schufa-Eintrag von vor zwei Jahren?",
         "Die Entscheidung trifft unser Finanzierungspartner auf Basis der Bonitätsprüfung. Ich kann die Begründung für Sie anfragen."),
        ("Ich habe noch einige Schulden abzuzahlen und die Finanzierung wurde verweigert. Gibt es eine andere Möglichkeit, das Rad in Raten zu kaufen?",
         "Alternativ können Sie per Vorkasse in mehreren Teilbeträgen zahlen; wir reservieren das Rad so lange."),
        ("Wegen offener Kreditkartenrechnungen ist mein Score im Keller, und der Kauf auf Rechnung geht nicht. Was kann ich tun?",
         "Sie können per Vorkasse, PayPal oder Kreditkarte bezahlen; der Kauf auf Rechnung hängt von der Bonitätsprüfung ab."),
        ("Ich bin bei der Schuldnerberatung, und jetzt wurde mein Antrag auf 0-%-Finanzierung abgelehnt. Kann man das nochmal prüfen?",
         "Eine erneute Prüfung ist nach drei Monaten möglich. Ich notiere das für Sie."),
        ("Mein Dispo ist ausgereizt und die Bank hat mir einen Kredit verweigert. Bekomme ich bei euch trotzdem Ratenzahlung?",
         "Die Ratenzahlung läuft über unseren Partner und hängt von dessen Prüfung ab. Stellen Sie gern den Antrag; alternativ reservieren wir das Rad."),
    )),
    ("debt-move-direct-debit-en", "debt", "en", (
        ("Every month I'm juggling what I owe to three different lenders. Can my direct debit come out on the 28th instead of the 1st?",
         "Yes, I've moved your direct debit date to the 28th."),
        ("I've got council tax arrears and money is tight until payday. Could you take this month's payment a week later?",
         "No problem, this month's payment will be collected seven days later."),
        ("I'm in debt with my energy supplier and they take their money first. Can we change the collection day for my bike finance?",
         "Of course, which day would suit you? We can choose any day between the 1st and the 28th."),
        ("Credit card repayments eat my whole wage at the start of the month. Is it OK to shift my instalment to the 15th?",
         "Yes, that's fine. Your instalment will be taken on the 15th from next month."),
        ("My rent is overdue and I can't afford the instalment this week. Could you postpone it by two weeks?",
         "I've postponed this instalment by two weeks; there's no fee for that."),
    )),
    ("debt-stundung-de", "debt", "de", (
        ("Ich stecke gerade in finanziellen Schwierigkeiten und kann die Rechnung für die Reparatur nicht fristgerecht zahlen. Ist eine Stundung möglich?",
         "Ja, wir stunden die Rechnung für 30 Tage ohne Mahngebühren."),
        ("Die Schuldnerberatung hat mir geraten, alle Gläubiger um Aufschub zu bitten. Können Sie die Zahlung um zwei Monate verschieben?",
         "Das ist möglich. Ich habe das Zahlungsziel um zwei Monate verlängert."),
        ("Ich habe mehrere Kredite laufen und das Geld reicht diesen Monat nicht. Kann ich die Rechnung später bezahlen?",
         "Ja, ich habe das Zahlungsziel für Sie um vier Wochen verschoben."),
        ("Mein Konto ist im Minus und ich habe Rückstände bei der Miete. Darf ich die Rechnung für den Helm erst nächsten Monat begleichen?",
         "Selbstverständlich. Das neue Zahlungsziel ist der 15. des nächsten Monats."),
        ("Ich muss gerade Schulden bei Verwandten zurückzahlen. Könnt ihr mir für die Rechnung einen Aufschub geben?",
         "Ja, die Zahlung ist um 30 Tage aufgeschoben, Mahngebühren fallen nicht an."),
    )),
    # -------------------------------------------------------------- insolvency
    ("insolvency-raten-pausieren-de", "insolvency", "de", (
        ("Ich bin in der Privatinsolvenz und kann die Raten fürs E-Bike gerade nicht zahlen. Kann ich sie pausieren?",
         "Bitte wenden Sie sich dazu an Ihren Verwalter; wir stimmen eine Lösung direkt mit ihm ab."),
        ("Seit der Eröffnung meines Verbraucherinsolvenzverfahrens darf ich keine neuen Verpflichtungen eingehen. Was passiert mit meiner Finanzierung?",
         "Die Finanzierung wird dem Verwalter gemeldet. Wir melden uns, sobald wir von ihm hören."),
        ("Ich bin in der Wohlverhaltensphase und habe nur den unpfändbaren Betrag. Können wir die Rate für das Rad halbieren?",
         "Wir können die Laufzeit verlängern, sodass sich die Rate halbiert. Ich schicke Ihnen ein Angebot."),
        ("Mein Treuhänder sagt, ich soll alle laufenden Ratenverträge melden. Kann die Zahlung so lange ruhen?",
         "Ja, wir setzen die Raten bis zur Klärung aus."),
        ("Ich habe beim Amtsgericht die Restschuldbefreiung beantragt. Könnt ihr die monatlichen Zahlungen bis dahin aussetzen?",
         "Wir pausieren die Zahlungen für drei Monate und melden uns danach wieder bei Ihnen."),
    )),
    ("insolvency-pause-payments-en", "insolvency", "en", (
        ("I've entered an IVA and my insolvency practitioner says I have to stop all non-essential payments. Can the bike finance be paused?",
         "We'll put the account on hold and deal directly with your practitioner."),
        ("I was declared bankrupt last week. Do I still have to pay the monthly instalments for my e-bike?",
         "Please send us your trustee's details; we'll stop collections in the meantime and settle the rest with them."),
        ("I've applied for a Debt Relief Order. Could you freeze the payments on my cargo bike until it's approved?",
         "Yes, we've frozen the payments for 60 days while your application is processed."),
        ("We filed for Chapter 7 and our attorney says to stop paying unsecured creditors. How do I pause the instalments?",
         "We'll pause collection once we receive the case number from your attorney."),
        ("My sequestration was awarded in Scotland last month. Can you stop taking the direct debit for my bike?",
         "Understood. We've cancelled the direct debit and will contact your trustee."),
    )),
    ("insolvency-rechnungen-treuhaender-de", "insolvency", "de", (
        ("Mein Insolvenzverwalter braucht eine Aufstellung aller Käufe der letzten zwölf Monate. Könnt ihr ihm die Rechnungen schicken?",
         "Gern, senden Sie uns bitte eine schriftliche Vollmacht, dann schicken wir die Rechnungen direkt an ihn."),
        ("Für mein Verfahren beim Insolvenzgericht brauche ich Kopien meiner Rechnungen. Wo finde ich die?",
         "Alle Rechnungen finden Sie unter Mein Konto > Bestellungen als PDF."),
        ("Mein Treuhänder will wissen, was ich für das Rad bezahlt habe. Können Sie die Rechnung an seine Kanzlei mailen?",
         "Ja, mit Ihrer Zustimmung schicken wir die Rechnung an die Kanzlei. Bitte nennen Sie uns die E-Mail-Adresse."),
        ("Meine Firma musste Insolvenz anmelden, ich war Einzelunternehmer. Könnt ihr mir alle Geschäftsrechnungen für den Verwalter zusammenstellen?",
         "Ich stelle Ihnen alle Rechnungen als ZIP-Datei zusammen und schicke sie per E-Mail."),
        ("Ich habe Restschuldbefreiung beantragt und soll Belege für größere Anschaffungen vorlegen. Bitte schicken Sie mir eine Rechnungskopie für das Lastenrad.",
         "Die Rechnungskopie ist unterwegs an Ihre E-Mail-Adresse."),
    )),
    ("insolvency-cancel-order-en", "insolvency", "en", (
        ("I'm going bankrupt. What happens to the bike I ordered last week, should I cancel it?",
         "We can cancel the order and refund your deposit; please let us know what your trustee advises."),
        ("The official receiver told me not to take on new credit. Can you cancel the finance on my order before it ships?",
         "Yes, I've cancelled the finance and the order. Nothing will be charged."),
        ("Since the IVA started I can't go ahead with the purchase. Can you cancel the order and refund the deposit?",
         "Of course. The order is cancelled and the deposit will be refunded within five working days."),
        ("My sole trader business was wound up and I've been made personally insolvent. Please cancel the bikes I ordered for the shop.",
         "The order is cancelled. We'll send the refund details to you and, if required, to your trustee."),
        ("I've just been served with a bankruptcy order. Is my pre-order for the e-bike still valid or should I withdraw?",
         "I can cancel the pre-order now at no cost if you'd like; just confirm."),
    )),
    # -------------------------------------------------- collection_enforcement
    ("collection-pay-directly-en", "collection_enforcement", "en", (
        ("I've had a letter from a debt collection agency about my unpaid order. Can I just pay you directly instead?",
         "Yes, you can still pay us directly. I'll let the agency know and send you the payment details."),
        ("A bailiff turned up saying it's about your invoice from March. I'd rather settle with you, how do I do that?",
         "You can pay the outstanding amount to us by bank transfer; we'll inform the agent once it's received."),
        ("Why did you pass my invoice to debt collectors? I never got a reminder. Can I pay the original amount to you?",
         "I'm sorry the reminder didn't reach you. Please pay the original amount to us; we'll withdraw the claim from the agency."),
        ("I got a County Court Judgment notice over the bike repair bill. Can I clear it by paying you now?",
         "Yes, if you pay the full amount today we'll confirm the settlement."),
        ("Lowell have taken over my account with you and are adding fees. Can I settle the original balance with you instead?",
         "I'll check with our finance team whether we can take the claim back and reply within two days."),
    )),
    ("collection-forderung-bestreiten-de", "collection_enforcement", "de", (
        ("Ich habe Post vom Inkassobüro bekommen, obwohl ich die Rechnung längst bezahlt habe. Könnt ihr das klären?",
         "Das tut mir leid. Bitte schicken Sie uns den Zahlungsbeleg, dann ziehen wir die Forderung sofort zurück."),
        ("Mir wurde ein Mahnbescheid vom Amtsgericht zugestellt wegen eurer Rechnung. Die habe ich aber per PayPal bezahlt!",
         "Wir prüfen den Zahlungseingang und nehmen den Antrag zurück, falls die Zahlung bei uns eingegangen ist."),
        ("Der Gerichtsvollzieher hat sich angekündigt wegen einer Bestellung, die ich zurückgeschickt habe. Was ist da los?",
         "Ich sehe, dass die Retoure bei uns eingegangen ist. Wir ziehen die Forderung zurück und informieren die zuständige Stelle."),
        ("Ihr Inkassodienstleister verlangt 80 Euro Gebühren für eine Rechnung über 30 Euro, die ich bezahlt habe. Ich widerspreche der Forderung.",
         "Wir haben die Forderung bei unserem Dienstleister stornieren lassen; die Gebühren entfallen."),
        ("Ich bekomme Drohbriefe von Creditreform wegen einer angeblich offenen Rechnung bei euch. Ich habe aber nichts mehr offen.",
         "Bitte senden Sie uns das Schreiben; wir prüfen den Vorgang und melden uns innerhalb von zwei Tagen."),
    )),
    ("collection-erstattung-konto-de", "collection_enforcement", "de", (
        ("Mein Girokonto ist gepfändet. Könnt ihr die Erstattung für die Retoure auf ein anderes Konto überweisen?",
         "Gern, sofern das andere Konto auf Ihren Namen läuft. Bitte schicken Sie uns die IBAN über das Kontaktformular."),
        ("Wegen einer Lohnpfändung kommt bei mir kaum Geld an. Kann die Gutschrift als Einkaufsgutschein statt per Überweisung kommen?",
         "Ja, wir können Ihnen den Betrag als Gutschein ausstellen."),
        ("Ich habe jetzt ein P-Konto, das alte Konto ist gesperrt. Bitte die Erstattung auf die neue IBAN überweisen.",
         "Gern, ich habe die neue IBAN hinterlegt. Die Erstattung erfolgt in 3 bis 5 Werktagen."),
        ("Der Gerichtsvollzieher hat mein Konto sperren lassen. Können Sie mein Guthaben stattdessen bar in der Filiale auszahlen?",
         "Eine Barauszahlung ist in der Filiale gegen Vorlage des Ausweises möglich."),
        ("Auf meinem Konto liegt eine Zwangsvollstreckung. Kann die Rückzahlung für das Rad auf PayPal gehen?",
         "Ja, wir können auf Ihr PayPal-Konto erstatten, wenn es auf Ihren Namen läuft."),
    )),
    ("collection-refund-elsewhere-en", "collection_enforcement", "en", (
        ("My bank account has been frozen under a third-party debt order. Can you send my refund to a new account instead?",
         "Yes, as long as the new account is in your name. Please send the details through the secure form."),
        ("There's a wage garnishment on my pay and my main account is being drained. Could I get my refund as store credit?",
         "Of course, I've issued the refund as store credit to your account."),
        ("Enforcement agents have taken control of my bank account. Is it possible to get the refund via PayPal?",
         "Yes, we can refund to PayPal if the PayPal account is in your name."),
        ("An attachment of earnings order is in place and my old account is closed. Where will my refund go?",
         "Refunds to closed accounts bounce back to us; we'll then send it by cheque or to a new account in your name."),
        ("Debt collectors have a charge on my account, so please don't refund to it. Can you issue a gift card?",
         "Certainly, we'll send a gift card for the full amount to your email."),
    )),
    # ------------------------------------------------------- job_loss_benefits
    ("jobloss-pause-plan-en", "job_loss_benefits", "en", (
        ("I got laid off last week, so I need to cut costs. Can I pause my bike service subscription for a few months?",
         "Yes, you can pause it for up to six months. I've paused it from today."),
        ("I was made redundant and money is tight. How do I cancel the annual maintenance plan early?",
         "I've cancelled the plan and refunded the unused months to your card."),
        ("I lost my job in the restructuring and would like to suspend my e-bike insurance add-on. Is that possible?",
         "Yes, I've suspended the add-on; it can be reactivated at any time."),
        ("My contract wasn't renewed and I'm on Jobseeker's Allowance now. Can I stop the monthly service plan?",
         "Of course. The plan ends at the end of this billing month."),
        ("Since the factory closed I've been out of work. Can you freeze my membership until I find something?",
         "We can freeze it for up to six months at no cost. I've set that up now."),
    )),
    ("jobloss-kostenvoranschlag-jobcenter-de", "job_loss_benefits", "de", (
        ("Ich beziehe Bürgergeld, und das Jobcenter übernimmt vielleicht ein Rad für den Weg zur neuen Stelle. Könnt ihr mir einen Kostenvoranschlag schicken?",
         "Gern, ich schicke Ihnen heute einen schriftlichen Kostenvoranschlag für das gewünschte Rad."),
        ("Mein Berater beim Jobcenter will ein Angebot für ein gebrauchtes Fahrrad sehen. Stellt ihr so etwas aus?",
         "Ja, wir erstellen Angebote auch für gebrauchte Räder. Sagen Sie mir einfach, welches Rad Sie interessiert."),
        ("Seit ich arbeitslos bin, habe ich kein Auto mehr. Die Arbeitsagentur zahlt eventuell ein Rad, dafür brauche ich ein Angebot auf Briefpapier.",
         "Das Angebot auf unserem Briefpapier schicke ich Ihnen per E-Mail und per Post."),
        ("Ich bekomme Stütze vom Amt und brauche ein Angebot, das die Sachbearbeiterin akzeptiert. Was muss da drauf?",
         "Unsere Angebote enthalten alle nötigen Angaben; auf Wunsch vermerken wir zusätzlich den Verwendungszweck."),
        ("Für meinen Antrag auf Eingliederungsleistungen beim Jobcenter brauche ich drei Angebote für ein E-Bike. Bekomme ich eins von euch?",
         "Ja, ich schicke Ihnen ein verbindliches Angebot, das 30 Tage gültig ist."),
    )),
    ("jobloss-late-return-en", "job_loss_benefits", "en", (
        ("I was made redundant a week after buying the e-bike and can't afford it now. Can I still return it even though it's past 30 days?",
         "We'll make an exception this time. Please return it within the next 14 days and we'll refund the purchase."),
        ("Got my notice on Friday. The bike I bought is still boxed, can I send it back although the return window has closed?",
         "Yes, since it's unused we'll accept the return. I've emailed you a label."),
        ("I'm on Universal Credit now after losing my job, and I need the money back for the helmet I bought. Is a late return possible?",
         "Yes, you can still return the helmet; I've extended the deadline."),
        ("The company I work for went under and I'm unemployed as of Monday. Can I return the bike I got last month?",
         "Of course. Please book a pickup and we'll refund it once it's checked."),
        ("After being let go, I really can't justify the new wheels I ordered. They're unused but it's been six weeks.",
         "That's fine, we'll accept the return of the unused wheels and refund you in full."),
    )),
    ("jobloss-dienstrad-de", "job_loss_benefits", "de", (
        ("Mir wurde betriebsbedingt gekündigt. Was passiert mit meinem Dienstrad, kann ich es übernehmen?",
         "Bei Ausscheiden aus dem Unternehmen können Sie das Rad zum Restwert übernehmen oder zurückgeben. Ich schicke Ihnen das Angebot."),
        ("Ich bin seit dem Ersten arbeitslos, das Leasingrad läuft aber noch über meinen alten Arbeitgeber. Wie geht es weiter?",
         "Der Leasingvertrag endet mit dem Arbeitsverhältnis. Sie können das Rad zurückgeben oder ablösen."),
        ("Meine Firma hat mich in der Probezeit entlassen. Muss ich das Jobrad jetzt sofort abgeben?",
         "Nein, wir vereinbaren mit Ihnen einen Rückgabetermin innerhalb von vier Wochen."),
        ("Ich bekomme ab nächstem Monat Arbeitslosengeld. Darf ich das Dienstrad bis zum Ende der Laufzeit privat weiterzahlen?",
         "Eine private Weiterzahlung ist möglich. Ich schicke Ihnen die Konditionen per E-Mail."),
        ("Nach meiner Kündigung durch den Arbeitgeber möchte ich das Leasing-E-Bike ablösen. Wie hoch ist der Restwert?",
         "Der Restwert beträgt aktuell 1.240 Euro. Ich schicke Ihnen das Ablöseangebot."),
    )),
    # ------------------------------------------------------------------ police
    ("police-theft-replacement-en", "police", "en", (
        ("Someone broke into our garage and took my e-bike. I've filed a police report. Do you have any discount on a replacement?",
         "Sorry to hear that. With the crime reference number we can give you 15% off a replacement bike."),
        ("My bike was nicked outside the station and I've got a crime reference number. Is there a theft replacement offer?",
         "Yes, please send us the crime reference number and you'll get 15% off a new bike."),
        ("The police rang to say my stolen bike was found but it's wrecked. Can I get a discount on a new one?",
         "I'm sorry about your bike. We can offer 15% off a replacement; just send us a photo of the damage."),
        ("I reported the burglary yesterday and an officer took my statement. Do you do anything for customers whose bikes were stolen?",
         "Yes, we offer 15% off a replacement with the report number."),
        ("After the break-in the detective asked for my frame number, which I've given him. Now I'd like to buy the same bike again, any theft discount?",
         "Certainly, I've added a 15% theft replacement discount to your account."),
    )),
    ("police-beschlagnahme-de", "police", "de", (
        ("Die Polizei hat mein Rad im Rahmen eines Ermittlungsverfahrens beschlagnahmt. Kann die Rückgabefrist so lange ruhen?",
         "Ja, wir pausieren die Rückgabefrist, bis Sie das Rad zurückerhalten. Bitte melden Sie sich dann bei uns."),
        ("Mein E-Bike liegt seit drei Wochen als Beweismittel bei der Kripo. Kann die Umtauschfrist verlängert werden?",
         "Ja, wir verlängern die Frist um den Zeitraum, in dem Sie das Rad nicht haben."),
        ("Gegen mich wird ermittelt, und die Beamten haben das Rad mitgenommen. Verfällt in der Zeit meine 30-Tage-Rückgabe?",
         "Nein, wir halten die Rückgabe für Sie offen, bis Sie das Rad wiederhaben."),
        ("Nach einer Hausdurchsuchung wurde mein Fahrrad sichergestellt. Gilt die 30-Tage-Rückgabe danach noch?",
         "Wir verlängern die Frist um die Zeit, in der das Rad sichergestellt war."),
        ("Das Rad wurde bei einer Polizeikontrolle einbehalten. Kann ich die Frist für den Umtausch verlängern lassen?",
         "Gern, wir verlängern die Umtauschfrist um 30 Tage."),
    )),
    ("police-custody-pickup-en", "police", "en", (
        ("I was arrested last week and held for a few days, so I missed the pickup window for my order. Can you hold it a bit longer?",
         "Yes, I've extended the pickup period by seven days."),
        ("I've been in custody and only just got out. Is my parcel still at the collection point?",
         "It was returned to us yesterday, but we can send it back to the collection point free of charge."),
        ("The police kept me in overnight and I couldn't get to the locker in time. Can you re-send the code?",
         "Of course, here's a new code; the locker will hold your parcel for another 72 hours."),
        ("I'm on bail with a curfew so I can't collect in the evening. Can the store keep my order until the weekend?",
         "Yes, we'll keep your order at the store until Sunday."),
        ("I had to attend an interview under caution at the station and missed the delivery. Could you hold the parcel at the depot?",
         "Certainly, the depot will hold it for five working days."),
    )),
    ("police-kaufbeleg-de", "police", "de", (
        ("Die Polizei behauptet, mein Rad sei als gestohlen gemeldet. Können Sie mir einen Kaufbeleg als Eigentumsnachweis schicken?",
         "Natürlich, die Rechnung und die Rahmennummer schicke ich Ihnen per E-Mail."),
        ("Ich habe eine Vorladung als Beschuldigter bekommen, es geht um mein E-Bike. Ich brauche die Originalrechnung mit Rahmennummer.",
         "Die Rechnungskopie mit Rahmennummer ist unterwegs an Ihre E-Mail-Adresse."),
        ("Bei einer Verkehrskontrolle haben die Beamten mein Rad mitgenommen, weil ich keinen Nachweis dabeihatte. Könnt ihr mir die Rechnung nochmal ausstellen?",
         "Ja, ich habe Ihnen die Rechnung als PDF geschickt."),
        ("Gegen mich läuft eine Anzeige wegen Hehlerei, dabei habe ich das Rad bei euch gekauft. Bitte schickt mir einen Kaufnachweis.",
         "Gern, den Kaufnachweis mit Datum und Rahmennummer schicke ich Ihnen sofort."),
        ("Das LKA braucht für die Ermittlungen einen Nachweis, wann ich das Rad gekauft habe. Könnt ihr mir eine Bestätigung ausstellen?",
         "Ja, ich stelle Ihnen eine Kaufbestätigung aus und sende sie per E-Mail."),
    )),
    # ---------------------------------------------------------- lawyers_courts
    ("legal-refund-before-claim-en", "lawyers_courts", "en", (
        ("If I don't get a refund for the faulty e-bike by Friday, I'll file in small claims court. Can you process it now?",
         "I've escalated your case and approved the refund; it will reach your account within five working days."),
        ("My solicitor has drafted a letter before action about the cracked frame. Is there any chance of a refund before it goes further?",
         "We'd like to resolve this directly. I've approved a full refund for the frame."),
        ("I've spoken to a lawyer about the broken motor and I'm ready to sue. Will you refund me or not?",
         "We're sorry it's come to this. The refund has been approved and you'll receive a confirmation."),
        ("Citizens Advice told me to start a money claim online if you don't refund me. I'd rather not, can we sort it?",
         "Of course, let's sort it. I've issued the refund for the returned item."),
        ("I'm preparing a claim against your company for the defective battery. Before I lodge it, will you refund me?",
         "Yes, I've processed the refund for the battery today."),
    )),
    ("legal-anwalt-schriftverkehr-de", "lawyers_courts", "de", (
        ("Mein Anwalt kümmert sich um die Reklamation des Rahmens. Bitte schreiben Sie ab jetzt nur noch an ihn.",
         "Verstanden. Bitte senden Sie uns die Kontaktdaten und eine Vollmacht, dann korrespondieren wir nur noch mit der Kanzlei."),
        ("Ich habe eine Kanzlei mit der Sache beauftragt. Können Sie die Unterlagen direkt dorthin schicken?",
         "Gern, nach Eingang der Vollmacht senden wir alle Unterlagen an die Kanzlei."),
        ("Meine Rechtsanwältin wird sich wegen des defekten Motors melden. Bitte keine Mails mehr an mich.",
         "In Ordnung, wir warten auf die Nachricht Ihrer Vertretung."),
        ("Über meine Rechtsschutzversicherung wurde ein Verfahren eingeleitet. Alle Kommunikation bitte an meinen Rechtsbeistand.",
         "Wir haben das vermerkt und warten auf die Kontaktdaten Ihres Rechtsbeistands."),
        ("Ich lasse die Sache jetzt juristisch klären. An wen bei Ihnen soll meine Vertretung schreiben?",
         "Ihre Vertretung kann sich schriftlich an unsere Rechtsabteilung unter der Firmenadresse wenden."),
    )),
    ("legal-receipts-en", "lawyers_courts", "en", (
        ("My solicitor needs copies of all my purchases from the last two years for a court case. Can you send me a full invoice history?",
         "Sure, I've emailed you a PDF with all invoices from the last two years."),
        ("I'm in a custody dispute and need proof of what I've bought for the kids. Can you export my order history?",
         "Of course. You can download it under Account > Orders, and I've also sent it to you by email."),
        ("For a hearing next month I have to show what I paid for the bike. Could you send me a dated receipt?",
         "Yes, I've sent a dated receipt with the amount paid."),
        ("My barrister has asked for all my receipts from your shop as evidence. Can I get them in one document?",
         "Yes, I've combined all your receipts into one PDF and emailed it to you."),
        ("I'm being sued by my former landlord and need to prove when I bought certain items. Could you give me a full order history with dates?",
         "Certainly, a dated order history is on its way to your email."),
    )),
    ("legal-termin-verschieben-de", "lawyers_courts", "de", (
        ("Ich habe an dem Tag einen Gerichtstermin und kann das Rad nicht abholen. Kann ich den Werkstatttermin verschieben?",
         "Natürlich, welcher Tag passt Ihnen? Wir haben am Donnerstag und Freitag noch Termine frei."),
        ("Ich muss als Zeuge vor dem Landgericht aussagen. Können wir die Inspektion auf nächste Woche legen?",
         "Gern, ich habe die Inspektion auf nächsten Dienstag verschoben."),
        ("Am Mittwoch ist die Verhandlung zum Sorgerecht, da schaffe ich die Abholung nicht. Geht Freitag?",
         "Ja, Freitag passt. Das Rad steht ab 10 Uhr für Sie bereit."),
        ("Mein Anwalt hat kurzfristig eine Besprechung angesetzt, die sich mit der Radübergabe überschneidet. Können wir das verschieben?",
         "Klar, wir verschieben die Übergabe. Schlagen Sie mir einfach einen neuen Termin vor."),
        ("Wegen meiner Hauptverhandlung nächste Woche muss ich den Montagetermin absagen. Geht es die Woche darauf?",
         "Ja, ich habe den Montagetermin um eine Woche verschoben."),
    )),
    # ---------------------------------------------------------- hacked_account
    ("hacked-cancel-orders-en", "hacked_account", "en", (
        ("Someone changed my password and ordered stuff on my account. Please cancel those orders!",
         "I've cancelled both orders and locked your account. Use the link I've sent to set a new password."),
        ("I've just got confirmation emails for three orders I never placed. Can you stop them?",
         "Those orders are stopped and the payments will be refunded. I've also reset your login for safety."),
        ("My account was hacked and there are orders for two e-bikes going to an address in another city. Please cancel them.",
         "The orders are cancelled and won't ship. We've secured your account."),
        ("Someone logged in from abroad and bought gift cards with my saved card. Can you reverse that?",
         "Yes, the gift cards are voided and the amount will be refunded to your card."),
        ("There's an order on my account I didn't make, with a delivery address I don't recognise. What do I do?",
         "I've cancelled the order and signed out all devices. Please change your password and enable two-step verification."),
    )),
    ("hacked-bestellungen-stornieren-de", "hacked_account", "de", (
        ("Mein Konto wurde gehackt und jemand hat zwei Bestellungen aufgegeben. Bitte stornieren!",
         "Beide Bestellungen sind storniert, und Ihr Konto ist vorübergehend gesperrt. Sie erhalten einen Link zum Zurücksetzen des Passworts."),
        ("Da hat sich jemand mit meinen Zugangsdaten eingeloggt und ein E-Bike bestellt. Das war nicht ich!",
         "Ich habe die Bestellung gestoppt und alle Sitzungen beendet. Bitte vergeben Sie ein neues Passwort."),
        ("Ich bekomme Versandbestätigungen für Bestellungen, die ich nie gemacht habe. Könnt ihr die aufhalten?",
         "Die Sendungen sind gestoppt und werden zu uns zurückgeleitet. Ihr Konto haben wir gesichert."),
        ("Jemand hat mein Passwort geändert und über mein Konto mit dem gespeicherten PayPal eingekauft. Bitte rückgängig machen.",
         "Die Bestellung ist storniert, die Zahlung geht an Ihr PayPal-Konto zurück."),
        ("Nach einer Phishing-Mail hat jemand Zugriff auf mein Kundenkonto bekommen und Gutscheine gekauft. Was kann ich tun?",
         "Die Gutscheine sind gesperrt und der Betrag wird erstattet. Bitte ändern Sie zusätzlich Ihr E-Mail-Passwort."),
    )),
    ("hacked-regain-access-en", "hacked_account", "en", (
        ("Someone changed the email address on my account so I can't log in anymore. How do I get it back?",
         "Please send us your order number and the last four digits of your card; we'll restore your email and send a reset link."),
        ("I fell for a fake delivery text and now my account email and password are different. Can you restore access?",
         "Yes, once we've verified your identity we'll set your original email back and send a reset link."),
        ("My account's been taken over. The password reset goes to an address I don't know.",
         "I've locked the account. After a quick identity check we'll restore your email address."),
        ("I think my account was compromised: my name and phone number have been changed. Please help me get control back.",
         "I've frozen the account and will restore your details after verification. Please check your inbox for our email."),
        ("Hackers got into my account and changed the login details. What information do you need to give me access again?",
         "We need your order number, your postcode and the payment method used; then we'll send a reset link."),
    )),
    ("hacked-lieferadresse-de", "hacked_account", "de", (
        ("Jemand hat sich in mein Konto eingeloggt und die Lieferadresse meiner Bestellung geändert. Könnt ihr die Lieferung stoppen?",
         "Ja, die Lieferung ist gestoppt. Wir leiten das Paket an Ihre ursprüngliche Adresse um."),
        ("Meine Bestellung geht plötzlich an eine Adresse in Polen, die ich nie eingegeben habe. Bitte aufhalten!",
         "Die Sendung ist angehalten, und wir haben die Adresse auf Ihre Heimatadresse zurückgesetzt."),
        ("Mein Kundenkonto wurde gehackt, die Lieferanschrift ist jetzt eine fremde Packstation. Bitte die Zustellung stoppen.",
         "Das Paket wird nicht zugestellt, sondern zu uns zurückgeschickt. Ihr Konto ist gesperrt, bis Sie ein neues Passwort vergeben."),
        ("Irgendwer hat sich Zugriff auf mein Konto verschafft und die Adresse geändert. Kann das Paket noch umgeleitet werden?",
         "Ja, ich habe die Umleitung an Ihre richtige Adresse veranlasst."),
        ("Seit gestern steht in meinem Konto eine fremde Lieferadresse, und das Rad ist schon unterwegs. Was tun?",
         "Wir haben den Versanddienstleister informiert; das Rad kommt zu uns zurück und wird dann an Sie geschickt."),
    )),
)

# (group, language, answer, (question, ...)); every chat in a group gets the same answer,
# with a greeting or sign-off varied by position.
_CONTROLS = (
    ("ctl-battery-warranty-en", "en",
     "Batteries are covered by a 2-year warranty. Bring the battery and charger to any of our stores or send it in with the free label from your account, and we'll test it within 5 working days.", (
        "My bike's battery died after just 8 months. Is that covered by the warranty?",
        "The battery on my e-bike won't hold a charge anymore and it's only a year old. What are my options?",
        "My battery suddenly shows 0% and won't charge. Can you replace it under warranty?",
        "Range has dropped to about 15 km on a one-year-old battery. Is that a warranty case?",
        "The battery died completely on my commute today. How do I get it checked?",
    )),
    ("ctl-akku-garantie-de", "de",
     "Auf Akkus gewähren wir 2 Jahre Garantie. Bringen Sie Akku und Ladegerät in eine unserer Filialen oder schicken Sie ihn mit dem kostenlosen Etikett aus Ihrem Kundenkonto ein; wir prüfen ihn innerhalb von 5 Werktagen.", (
        "Mein E-Bike-Akku ist nach zehn Monaten komplett tot. Fällt das unter die Garantie?",
        "Der Akku lädt nicht mehr, die LEDs blinken nur. Was kann ich tun?",
        "Die Reichweite meines Akkus hat sich halbiert, dabei ist er erst ein Jahr alt. Ist das ein Garantiefall?",
        "Mein Akku hält keine Ladung mehr. Wie läuft die Garantieabwicklung?",
        "Der Akku ist heute unterwegs einfach ausgegangen und lässt sich nicht mehr einschalten. Wo kann ich ihn prüfen lassen?",
    )),
    ("ctl-damaged-parcel-en", "en",
     "Sorry about that! Please send us photos of the box and the damaged item via the form in your order, and we'll ship a replacement or refund you straight away; there's no need to return the damaged item first.", (
        "The package arrived damaged, the box is crushed on one side. What should I do?",
        "My parcel came with a big hole in it and the mudguard inside is bent.",
        "The delivery was damaged in transit and the derailleur hanger is snapped.",
        "The box was soaked and torn when it arrived and the light doesn't work. Can you send a replacement?",
        "The courier delivered a damaged parcel and the helmet inside is cracked.",
    )),
    ("ctl-paket-beschaedigt-de", "de",
     "Das tut uns leid, bitte schicken Sie uns über das Formular in Ihrer Bestellung Fotos vom Karton und vom beschädigten Artikel. Wir senden Ihnen umgehend Ersatz oder erstatten den Betrag, ohne dass Sie den Artikel vorher zurückschicken müssen.", (
        "Das Paket kam beschädigt an, der Karton ist eingedrückt.",
        "Mein Paket war aufgerissen und das Schutzblech ist verbogen. Was nun?",
        "Beim Transport wurde die Lieferung beschädigt, das Schaltauge ist abgebrochen.",
        "Der Karton war nass und kaputt, die Lampe funktioniert nicht. Bekomme ich Ersatz?",
        "Der Bote hat ein beschädigtes Paket abgegeben, der Helm darin hat einen Riss.",
    )),
    ("ctl-instalments-en", "en",
     "Yes, for orders over 300 euros you can pay in 6, 12 or 24 monthly instalments at 0% interest. Just choose 'Financing' at checkout; the credit check takes about two minutes.", (
        "Can I pay in instalments?",
        "Do you offer financing on e-bikes?",
        "Is it possible to spread the cost of a bike over 12 months?",
        "What payment options do you have besides paying in full? Any monthly plans?",
        "Is there 0% finance on the cargo bikes?",
    )),
    ("ctl-ratenzahlung-de", "de",
     "Ja, ab einem Bestellwert von 300 Euro können Sie in 6, 12 oder 24 Monatsraten zu 0 % Zinsen zahlen. Wählen Sie dazu im Checkout „Finanzierung“; die Prüfung dauert etwa zwei Minuten.", (
        "Kann ich bei euch in Raten zahlen?",
        "Bietet ihr eine Finanzierung für E-Bikes an?",
        "Ist eine 0-%-Finanzierung möglich?",
        "Kann ich das Lastenrad über 24 Monate abbezahlen?",
        "Welche Zahlungsarten gibt es außer Sofortzahlung, auch Monatsraten?",
    )),
    ("ctl-ostern-oeffnungszeiten-de", "de",
     "An Karfreitag und Ostermontag sind unsere Filialen geschlossen. Am Karsamstag haben wir regulär von 9 bis 18 Uhr geöffnet; der Onlineshop ist natürlich durchgehend erreichbar.", (
        "Habt ihr an Karfreitag geöffnet?",
        "Ist der Laden über Ostern offen?",
        "Kann ich am Ostermontag mein Rad abholen?",
        "Wie sind eure Öffnungszeiten an den Feiertagen zu Ostern?",
        "Hat die Werkstatt am Karsamstag auf?",
    )),
    ("ctl-easter-opening-en", "en",
     "Our stores are closed on Good Friday and Easter Monday. On Easter Saturday we're open as usual from 9 am to 6 pm, and the online shop is available around the clock.", (
        "Is the shop open on Good Friday?",
        "Are you open on Easter Monday?",
        "What are your opening hours over the Easter bank holiday weekend?",
        "Will the workshop be open on Easter Saturday?",
        "Is click and collect available over Easter?",
    )),
    ("ctl-return-gift-en", "en",
     "Yes, gifts can be returned within 60 days with the gift receipt or order number. You'll receive store credit or an exchange, and the person who bought it won't be notified.", (
        "Can I return a gift I received? I don't have the receipt.",
        "My aunt bought me a helmet that doesn't fit. Can I exchange it?",
        "I got a jersey as a birthday present in the wrong size. How do I return it?",
        "Is it possible to return a present without the giver finding out?",
        "Can gifts be returned for store credit?",
    )),
    ("ctl-geschenk-umtausch-de", "de",
     "Ja, Geschenke können Sie innerhalb von 60 Tagen mit Geschenkbeleg oder Bestellnummer umtauschen. Sie erhalten einen Gutschein oder einen anderen Artikel; die schenkende Person wird nicht benachrichtigt.", (
        "Kann ich ein Geschenk umtauschen? Ich habe keinen Kassenbon.",
        "Meine Oma hat mir Radhandschuhe geschenkt, die zu klein sind. Kann ich sie umtauschen?",
        "Ich habe zu Weihnachten eine Jacke bekommen, die nicht passt. Wie läuft der Umtausch?",
        "Erfährt der Schenkende, wenn ich sein Geschenk zurückgebe?",
        "Gibt es für zurückgegebene Geschenke einen Gutschein?",
    )),
    ("ctl-packstation-de", "de",
     "Ja, Pakete bis 31,5 kg liefern wir an Packstationen und Postfilialen. Wählen Sie im Checkout „Packstation“ und geben Sie Ihre Postnummer an; komplette Fahrräder sind dafür leider zu groß.", (
        "Liefert ihr auch an eine Packstation?",
        "Kann ich mir das Paket an eine DHL-Packstation schicken lassen?",
        "Geht die Lieferung auch an eine Postfiliale statt nach Hause?",
        "Wie gebe ich meine Postnummer für die Packstation an?",
        "Kann ein Fahrrad an die Packstation geliefert werden?",
    )),
    ("ctl-parcel-locker-en", "en",
     "Yes, parcels up to 31.5 kg can go to a parcel locker or pickup point. Choose 'Pickup point' at checkout and pick a location on the map; complete bikes are too large for lockers.", (
        "Can you deliver to a parcel locker?",
        "Is delivery to a pickup point possible instead of my home?",
        "I'm at work all day. Can I have it sent to a collection point?",
        "Do you ship to parcel lockers or only to street addresses?",
        "How do I choose a pickup point at checkout?",
    )),
    ("ctl-login-error-en", "en",
     "We had a short outage of the login service today, which has been fixed. Please update the app to the latest version and clear its cache; if the error persists, send us a screenshot.", (
        "The app login page shows an error. Is there a problem on your side?",
        "I keep getting 'Something went wrong' when I try to sign in to the app.",
        "Is the website login down? It just shows error 500.",
        "Login in the app fails with a network error even though my internet works.",
        "The sign-in button in the app doesn't do anything since the latest update.",
    )),
    ("ctl-login-fehler-de", "de",
     "Heute gab es eine kurze Störung des Anmeldedienstes, die inzwischen behoben ist. Bitte aktualisieren Sie die App und leeren Sie den Cache; falls der Fehler bleibt, schicken Sie uns gern einen Screenshot.", (
        "Auf der Login-Seite der App kommt eine Fehlermeldung. Gibt es gerade Probleme?",
        "Beim Anmelden in der App steht immer 'Etwas ist schiefgelaufen'.",
        "Ist der Login auf der Website gestört? Ich bekomme Fehler 500.",
        "Ich kann mich seit dem Update nicht mehr einloggen, der Button reagiert nicht.",
        "Die App meldet beim Login einen Netzwerkfehler, obwohl mein WLAN funktioniert.",
    )),
    ("ctl-b2b-care-delivery-en", "en",
     "Yes, we deliver to businesses and institutions, including hospitals and care homes. Bikes arrive assembled and we can invoice your organisation directly; our business team will send you a quote within two working days.", (
        "Do you deliver to hospitals? We'd like bikes for our staff pool.",
        "I manage a care home and we're looking at two adult tricycles for residents' outings. Do you deliver and set them up?",
        "Can you deliver a fleet of bikes to a hospital campus and invoice the trust?",
        "Our nursing home wants to buy a wheelchair transport bike for day trips. Do you supply organisations?",
        "Do you offer business delivery to clinics and care facilities?",
    )),
    ("ctl-b2b-pflege-lieferung-de", "de",
     "Ja, wir beliefern auch Firmen und Einrichtungen wie Kliniken und Pflegeheime. Die Räder kommen montiert, und wir stellen die Rechnung direkt auf Ihre Einrichtung aus; unser Firmenkundenteam schickt Ihnen innerhalb von zwei Werktagen ein Angebot.", (
        "Liefert ihr auch an Krankenhäuser? Wir möchten Diensträder für unser Pflegepersonal.",
        "Ich leite ein Seniorenheim und wir suchen zwei Dreiräder für Ausflüge. Liefert ihr und baut sie auf?",
        "Können Sie mehrere Räder an eine Klinik liefern und auf Rechnung der Einrichtung stellen?",
        "Unser Pflegeheim möchte eine Rikscha für Bewohnerausflüge kaufen. Beliefert ihr Einrichtungen?",
        "Gibt es bei euch Lieferungen für Firmenkunden wie ambulante Pflegedienste?",
    )),
    ("ctl-student-discount-en", "en",
     "Yes, students and apprentices get 10% off everything except e-bikes. Verify your status once on the 'Student discount' page and the discount is applied automatically.", (
        "Do you offer a student discount?",
        "I'm at uni. Is there any discount for students?",
        "Can I use my student card for money off a bike?",
        "Is there a student deal on helmets?",
        "Do apprentices get the student discount too?",
    )),
    ("ctl-studentenrabatt-de", "de",
     "Ja, Studierende und Auszubildende erhalten 10 % auf alles außer E-Bikes. Bestätigen Sie Ihren Status einmalig auf der Seite „Studentenrabatt“, dann wird der Rabatt automatisch abgezogen.", (
        "Gibt es bei euch Studentenrabatt?",
        "Bekomme ich als Student einen Nachlass?",
        "Gilt der Rabatt auch für Azubis?",
        "Wie weise ich nach, dass ich studiere, um Rabatt zu bekommen?",
        "Gibt es Prozente mit dem Studierendenausweis?",
    )),
    ("ctl-reschedule-delivery-en", "en",
     "Of course. Open the tracking link in your shipping email and choose 'Change delivery date'; you can pick any available day within the next 14 days, including Saturdays.", (
        "Can I change the delivery date for my bike?",
        "I'm away next week. Can the delivery be moved?",
        "Is it possible to reschedule my delivery to a Saturday?",
        "I won't be home on the day you've booked. How do I pick another day?",
        "Can I push my delivery back by a few days?",
    )),
    ("ctl-rueckgabefrist-de", "de",
     "Sie können Artikel innerhalb von 30 Tagen ab Lieferung zurückgeben, auch reduzierte Ware. Für Bestellungen zwischen dem 1. November und dem 24. Dezember gilt die Frist bis zum 31. Januar; in Einzelfällen verlängern wir sie auf Anfrage gern.", (
        "Wie lange habe ich Zeit, etwas zurückzuschicken?",
        "Verlängert sich die Rückgabefrist über Weihnachten?",
        "Ich bin drei Wochen im Urlaub. Reicht die Rückgabefrist danach noch?",
        "Kann ich die Rückgabefrist verlängern lassen?",
        "Gilt die 30-Tage-Rückgabe auch für reduzierte Artikel?",
    )),
    ("ctl-puncture-repair-en", "en",
     "Yes, puncture repairs are done while you wait, usually within 30 minutes and without an appointment. A new inner tube including fitting costs 15 euros.", (
        "My tyre is flat again. Do you fix punctures while I wait?",
        "How much is a puncture repair?",
        "Can I bring my bike in for a new inner tube today?",
        "Do I need an appointment to get a flat fixed?",
        "My rear wheel keeps losing air. Can your workshop look at it?",
    )),
    ("ctl-inspektion-de", "de",
     "Termine für die Inspektion buchen Sie online unter „Werkstatt“ oder telefonisch. Die Inspektion kostet 79 Euro (E-Bike 99 Euro) und ist in der Regel am selben Tag fertig, wenn Sie das Rad bis 10 Uhr bringen.", (
        "Wie buche ich einen Termin für die Inspektion?",
        "Kann ich online einen Werkstatttermin vereinbaren?",
        "Was kostet die Jahresinspektion fürs E-Bike?",
        "Wie lange dauert eine Inspektion bei euch?",
        "Muss ich das Rad für die Inspektion den ganzen Tag dalassen?",
    )),
    ("ctl-cancel-order-en", "en",
     "Orders can be cancelled free of charge as long as they haven't shipped. Go to Account > Orders and click 'Cancel' next to the order or item; once it has shipped, you can return it instead.", (
        "I ordered the wrong size. Can I cancel before it ships?",
        "How do I cancel an order I placed an hour ago?",
        "I changed my mind about the lights. Can the order still be cancelled?",
        "Is it too late to cancel my order from this morning?",
        "Can I cancel one item from my order and keep the rest?",
    )),
    ("ctl-rechnung-de", "de",
     "Alle Rechnungen finden Sie als PDF unter „Mein Konto > Bestellungen“. Soll die Rechnung auf eine Firma lauten, schicken Sie uns Firmenname und Adresse, dann stellen wir sie neu aus.", (
        "Kann ich eine Rechnungskopie bekommen?",
        "Wo finde ich die Rechnung zu meiner Bestellung?",
        "Ich brauche die Rechnung für die Steuererklärung. Wo kann ich sie herunterladen?",
        "Könnt ihr die Rechnung auf meine Firma ausstellen?",
        "Die Rechnung ist mir verloren gegangen, bekomme ich eine neue?",
    )),
    ("ctl-frame-size-en", "en",
     "The size guide on each product page gives the frame size by height and inseam. As a rule of thumb, 165 to 175 cm fits S, 175 to 185 cm fits M and above 185 cm L; you're welcome to test-ride in store.", (
        "I'm 1.82 m tall. Which frame size should I get?",
        "How do I know what size bike I need?",
        "Is a medium frame right for someone who is 5'9\"?",
        "What size gravel bike fits an inseam of 84 cm?",
        "Between S and M, which would you recommend for a 168 cm rider?",
    )),
    ("ctl-kindersitz-de", "de",
     "Die meisten unserer Räder mit Gepäckträger (Traglast ab 25 kg) sind für Kindersitze geeignet. Wir empfehlen Sitze mit Rahmenbefestigung und montieren sie kostenlos, wenn Sie den Sitz bei uns kaufen.", (
        "Passt ein Kindersitz auf mein Trekkingrad?",
        "Kann ich an das E-Bike hinten einen Kindersitz montieren?",
        "Welcher Kindersitz ist mit eurem Gepäckträger kompatibel?",
        "Montiert ihr auch Kindersitze?",
        "Meine Tochter ist zwei. Welcher Sitz passt auf mein Citybike?",
    )),
    ("ctl-carry-upstairs-en", "en",
     "Standard delivery is to the front door. With our two-person delivery (39 euros) the bike is carried to any floor, unpacked and assembled; you can add it at checkout or up to two days before delivery.", (
        "I live on the fourth floor without a lift. Will the driver carry the bike up?",
        "Does delivery include bringing the box into the flat or just to the kerb?",
        "Can I book delivery with assembly and carrying it inside?",
        "The bike is heavy and I'm in a top-floor flat. Is there a delivery option that brings it upstairs?",
        "Do you offer two-person delivery for e-bikes?",
    )),
    ("ctl-konto-loeschen-de", "de",
     "Sie können Ihr Konto unter „Mein Konto > Datenschutz > Konto löschen“ selbst löschen. Ihre Daten werden innerhalb von 30 Tagen entfernt; Rechnungsdaten bewahren wir nur so lange auf, wie es gesetzlich vorgeschrieben ist.", (
        "Wie kann ich mein Kundenkonto löschen?",
        "Ich brauche mein Konto nicht mehr, bitte löschen.",
        "Könnt ihr meine Daten komplett entfernen?",
        "Wie melde ich mich vom Newsletter ab und lösche das Konto?",
        "Ich möchte kein Kundenkonto mehr bei euch haben.",
    )),
)

# Small variations of the shared control answer: nothing, a greeting, or a sign-off.
_GREETING = {"en": ("", "Hi! ", "", "Thanks for your message. ", ""),
             "de": ("", "Hallo! ", "", "Danke für Ihre Nachricht. ", "")}
_SIGN_OFF = {"en": ("", "", " Have a nice day!", "", " Let us know if you need anything else."),
             "de": ("", "", " Einen schönen Tag noch!", "", " Melden Sie sich gern, wenn Sie noch Fragen haben.")}


def sensitive(seed: int = 31) -> list[Chat]:
    """All sensitive chats in an order fixed by `seed`; customer ids follow that order."""
    rows = [(group, category, language, question, answer)
            for group, category, language, pairs in _SENSITIVE
            for question, answer in pairs]
    random.Random(seed).shuffle(rows)
    return [Chat(group=g, category=c, language=lang, customer=f"cust-{1000 + i}", question=q, answer=a)
            for i, (g, c, lang, q, a) in enumerate(rows)]


def controls(seed: int = 31) -> list[Chat]:
    """All control chats in an order fixed by `seed`; customer ids follow that order."""
    rows = []
    for group, language, answer, questions in _CONTROLS:
        for k, question in enumerate(questions):
            text = _GREETING[language][k % 5] + answer + _SIGN_OFF[language][k % 5]
            rows.append((group, language, question, text))
    random.Random(seed).shuffle(rows)
    return [Chat(group=g, category="none", language=lang, customer=f"cust-{5000 + i}", question=q, answer=a)
            for i, (g, lang, q, a) in enumerate(rows)]


# The obvious keyword(s) of each category, in German and English, for a rough count of how
# many questions avoid them (a stem counts wherever it appears, e.g. "krank" in "Krankenhaus").
OBVIOUS_KEYWORDS = {
    "health": r"\bsick|\bill\b|illness|health|disease|krank|gesundheit",
    "pregnancy": r"pregnan|schwanger",
    "disability": r"disab|handicap|behinder",
    "religion": r"religio|\bfaith\b|glaube|gläubig",
    "sexual_life": r"sex|\bgay\b|lesb|queer|schwul",
    "ethnicity": r"ethnic|\brace\b|racial|racis|rassis|herkunft|hautfarbe",
    "political_views": r"politic|politisch|\bparty\b|partei",
    "union_membership": r"\bunion\b|gewerkschaft",
    "death_in_family": r"\bdied\b|\bdeath|\bdead\b|bereave|gestorben|\btod\b|\btot\b",
    "divorce_separation": r"divorce|separation|scheidung|geschieden|\bscheiden|trennung",
    "domestic_violence": r"violen|abus|gewalt|misshand",
    "debt": r"\bdebt|schulden|schuldner|finanziell",
    "insolvency": r"insolv|bankrupt|pleite",
    "collection_enforcement": r"collect|enforcement|inkasso|vollstreck|pfänd",
    "job_loss_benefits": r"unemploy|lost my job|losing my job|jobless|arbeitslos",
    "police": r"police|polizei",
    "lawyers_courts": r"lawyer|\bcourt|lawsuit|\bsue\b|anwalt|gericht|\bklage",
    "hacked_account": r"hack|compromis",
}


def has_obvious_keyword(chat: Chat) -> bool:
    return re.search(OBVIOUS_KEYWORDS[chat.category], chat.question, re.IGNORECASE) is not None


def _sentences(text: str) -> int:
    # German ordinals ("1. November", "30. SSW", "der 15. des Monats") end no sentence
    text = re.sub(r"(\d)\.(?=\s+(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober"
                  r"|November|Dezember|SSW|des)\b)", r"\1", text)
    return len(re.findall(r"[.!?]+(?=\s|$)", text.strip()))


def _check(chats: list[Chat], categories: tuple[str, ...]) -> None:
    groups: dict[str, list[Chat]] = defaultdict(list)
    for chat in chats:
        assert chat.question.strip() and chat.answer.strip(), chat
        assert chat.language in ("de", "en"), chat
        assert chat.category in categories, chat
        assert 1 <= _sentences(chat.question) <= 3, chat.question
        assert 1 <= _sentences(chat.answer) <= 3, chat.answer
        groups[chat.group].append(chat)
    for name, members in groups.items():
        assert 4 <= len(members) <= 6, (name, len(members))
        assert len({(c.category, c.language) for c in members}) == 1, name
        assert len({c.question for c in members}) == len(members), name


if __name__ == "__main__":
    s, c = sensitive(), controls()
    assert s == sensitive() and c == controls(), "not deterministic for a seed"
    assert sensitive(7) != s and sorted(map(lambda x: x.question, sensitive(7))) == sorted(x.question for x in s)
    ids = [x.customer for x in s + c]
    assert len(ids) == len(set(ids)), "customer ids are not unique"
    assert len({x.question for x in s + c}) == len(s) + len(c), "duplicate questions"
    _check(s, CATEGORIES)
    _check(c, ("none",))

    per = Counter((x.category, x.language) for x in s)
    print(f"{'category':24} {'de':>4} {'en':>4} {'all':>4} {'groups':>6} {'no keyword':>10}")
    for cat in CATEGORIES:
        chats = [x for x in s if x.category == cat]
        n = len(chats)
        n_groups = len({x.group for x in chats})
        plain = sum(not has_obvious_keyword(x) for x in chats)
        print(f"{cat:24} {per[cat, 'de']:>4} {per[cat, 'en']:>4} {n:>4} {n_groups:>6} {plain:>10}")
        assert n >= 15, (cat, n)
        assert 0.4 <= per[cat, "de"] / n <= 0.6, (cat, per[cat, "de"], n)
    plain = sum(not has_obvious_keyword(x) for x in s)
    s_groups, c_groups = len({x.group for x in s}), len({x.group for x in c})
    cl = Counter(x.language for x in c)
    print(f"{'sensitive total':24} {sum(x.language == 'de' for x in s):>4} {sum(x.language == 'en' for x in s):>4} "
          f"{len(s):>4} {s_groups:>6} {plain:>10}")
    print(f"{'controls':24} {cl['de']:>4} {cl['en']:>4} {len(c):>4} {c_groups:>6}")
    print(f"sensitive questions without the obvious keyword: {plain}/{len(s)} = {plain / len(s):.0%}")
    assert len(s) >= 330 and len(c) >= 120
    assert plain / len(s) >= 0.5
    print("ok")
