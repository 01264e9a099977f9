"""Static lists for ``manage.py seed_demo``: fictitious people and places in Enschede.

Every person here is made up. Street names are common Dutch street names, several of which exist in
Enschede, but street, house number and postcode letters are combined at random, so no address is real.

The wijk names are real Enschede neighbourhoods and their stadsdeel is as the gemeente groups them as
far as we know, but the postcode→wijk assignments below are ILLUSTRATIVE: Enschede's 4-digit postcodes
(7511–7548) do not follow wijk boundaries, and no official table was at hand. That is why every
PostcodeArea seeded from this list has ``is_illustrative=True``; replace it with the gemeente's own
table before using the neighbourhood of a postcode for anything real.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal


def _split(text: str) -> list[str]:
    """A comma-separated list, so that long lists of names stay a few lines long."""
    return [item.strip() for item in text.split(",")]


PILOT_START = date(2014, 2, 21)  # stadsdeel Oost, the three-year pilot of the 2014 convenant
ROLLOUT = date(2017, 2, 21)  # the rest of the city

# (stadsdeel, wijk, postcode digits, relative share of cases: roughly the number of households)
NEIGHBOURHOODS: list[tuple[str, str, tuple[str, ...], int]] = [
    ("Centrum", "Binnenstad", ("7511", "7512"), 4),
    ("Centrum", "Lasonder-Zeggelt", ("7513",), 4),
    ("Centrum", "De Laares", ("7514",), 3),
    ("Noord", "Roombeek-Roomweg", ("7521",), 4),
    ("Noord", "Drienerveld-U.T.", ("7522",), 1),
    ("Noord", "Mekkelholt", ("7523",), 4),
    ("Noord", "Deppenbroek", ("7524",), 5),
    ("Noord", "Bolhaar", ("7525",), 2),
    ("Oost", "Hogeland", ("7531",), 3),
    ("Oost", "Velve-Lindenhof", ("7532",), 5),
    ("Oost", "Dolphia", ("7533",), 3),
    ("Oost", "Glanerbrug", ("7534", "7535"), 6),
    ("Oost", "Eschmarke", ("7536",), 4),
    ("West", "Boswinkel-Stadsveld", ("7541",), 6),
    ("West", "Pathmos", ("7542",), 4),
    ("West", "Ruwenbos", ("7543",), 3),
    ("West", "Twekkelerveld", ("7544",), 4),
    ("Zuid", "Wesselerbrink", ("7545",), 7),
    ("Zuid", "Stroinkslanden", ("7546", "7547"), 6),
    ("Zuid", "Helmerhoek", ("7548",), 5),
]


def joined_service_on(stadsdeel: str) -> date:
    return PILOT_START if stadsdeel == "Oost" else ROLLOUT


STREETS: dict[str, list[str]] = {
    "Centrum": _split(
        "Walstraat, Noorderhagen, Lasondersingel, Boddenkampstraat, Molenstraat, Hofstraat, Brammelerstraat, "
        "Piet Heinstraat, Laaressingel, Emmastraat"
    ),
    "Noord": _split(
        "Deurningerstraat, Roomweg, Lijsterstraat, Merelstraat, Spreeuwenstraat, Vinkenstraat, Mekkelholtsweg, "
        "Kastanjelaan, Bolhaarweg, Esdoornstraat"
    ),
    "Oost": _split(
        "Gronausestraat, Oldenzaalsestraat, Kuipersdijk, Lipperkerkstraat, Dolphiastraat, Beatrixstraat, "
        "Julianastraat, Tulpstraat, Rozenstraat, Eschmarkerweg, Populierenlaan"
    ),
    "West": _split(
        "Hengelosestraat, Boekelosestraat, Pathmossingel, Rembrandtlaan, Vondelstraat, Bilderdijkstraat, "
        "Twekkelerweg, Ruwenbosweg, Stadsveldstraat, Eikenlaan"
    ),
    "Zuid": _split(
        "Haaksbergerstraat, Wesselerbrinklaan, Helmerhoekweg, Stroinksbleekweg, Berkenstraat, Wilgenstraat, "
        "Lindenlaan, Akkerstraat, Esstraat, Beukenlaan"
    ),
}

# Dutch postcode letters; the combinations SA, SD and SS are not used in the Netherlands.
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
POSTCODE_PAIRS_NOT_USED = frozenset({"SA", "SD", "SS"})

# Where residents' names come from, with the language they may prefer: Enschede is mostly Dutch and
# Twents, with Turkish, Moroccan, Syrian, Polish and Eritrean communities, German neighbours across the
# border at Gronau and international students at the university.
ORIGINS: list[tuple[str, int]] = [("nl", 76), ("tr", 8), ("ar", 7), ("pl", 4), ("ti", 2), ("de", 2), ("en", 1)]

FIRST_NAMES: dict[str, list[str]] = {
    "nl": _split(
        "Anna, Bram, Daan, Eva, Femke, Gerrit, Hennie, Ineke, Jan, Joke, Karin, Lars, Lotte, Marco, Marieke, "
        "Niels, Petra, Rik, Sanne, Thijs, Wim, Yvonne, Gerda, Henk, Bennie, Truus, Annet, Jeroen, Willemijn, "
        "Sjoerd, Rianne, Dennis, Mirjam, Erwin, Johan, Hilde, Koen, Esther, Sven, Tineke, Mieke, Harm, Ilse, Ruud"
    ),
    "tr": _split("Mehmet, Ayşe, Mustafa, Fatma, Emre, Elif, Hasan, Zeynep, Murat, Esra, Kemal, Hatice"),
    "ar": _split("Mohamed, Fatima, Youssef, Khadija, Ahmed, Amina, Omar, Nadia, Rachid, Samira, Karim, Layla"),
    "pl": _split("Piotr, Anna, Tomasz, Katarzyna, Marek, Agnieszka, Paweł, Magdalena"),
    "ti": _split("Tesfay, Yonas, Senait, Mehari, Helen, Filmon, Selam, Awet"),
    "de": _split("Jürgen, Sabine, Uwe, Claudia, Matthias, Heike"),
    "en": _split("James, Emily, Daniel, Sophie, Oliver, Grace"),
}

LAST_NAMES: dict[str, list[str]] = {
    "nl": _split(
        "Oude Luttikhuis, Nijhuis, Kamphuis, Wolters, Haverkate, Leferink, Scholten, Bruggink, Lansink, Mulder, "
        "Kuipers, Nijenhuis, ter Horst, Hofstede, Oosterhof, Wessels, Brinkhuis, Smit, de Vries, Jansen, Bakker, "
        "Visser, Meijer, de Boer, Dijkstra, Hendriks, van der Veen, Kok, Veldhuis, Pot, Huisman, Stegeman, "
        "Klein Gunnewiek, Roelofs, ten Dam, Hulshof, Reinders, Eshuis, Vrielink, Pierik"
    ),
    "tr": _split("Yılmaz, Kaya, Demir, Şahin, Çelik, Öztürk, Aydın, Arslan, Doğan, Koç"),
    "ar": _split("El Amrani, Bouzid, Benali, El Idrissi, Ouali, Al-Hassan, Haddad, Khalil, Mansour, Nasser"),
    "pl": _split("Nowak, Wójcik, Kowalczyk, Mazur, Krawczyk, Zając, Król, Dudek"),
    "ti": _split("Tekle, Gebremedhin, Haile, Kidane, Berhane, Tesfamariam"),
    "de": _split("Schulte, Möller, Bergmann, Schröder, Hoffmann, Brüning"),
    "en": _split("Smith, Walker, Brown, Clarke, Wilson, Taylor"),
}

# (code, name, kind, notification email, prefix of the partner's own reference)
ORGANISATIONS: list[tuple[str, str, str, str, str]] = [
    ("gemeente", "Gemeente Enschede", "gemeente", "buurtbemiddeling.gemeente@example.nl", "GEM"),
    ("onshuis", "Ons Huis", "woningcorporatie", "woonconsulenten.onshuis@example.nl", "OH"),
    ("domijn", "Domijn", "woningcorporatie", "woonconsulenten.domijn@example.nl", "DOM"),
    ("politie", "Politie (regiopolitie Twente)", "politie", "wijkagenten.enschede@example.nl", "POL"),
    ("alifa", "Alifa Welzijn", "welzijn", "welzijn.alifa@example.nl", "ALF"),
]

# Share of partner referrals per organisation: the corporations refer most.
REFERRAL_SHARE: dict[str, int] = {"onshuis": 30, "domijn": 30, "politie": 20, "gemeente": 10, "alifa": 10}

CONVENANT = {
    "title": "Convenant Buurtbemiddeling Enschede 2014–2017",
    "signed_on": date(2014, 2, 13),
    "starts_on": PILOT_START,
    "ends_on": date(2017, 2, 20),
    "area": "Enschede, stadsdeel Oost; daarna de hele stad",
}

CONVENANT_PARTIES: dict[str, tuple[Decimal, str]] = {
    "gemeente": (
        Decimal("42500.00"),
        "Financiert de coördinator en de training van de vrijwilligers; zit de stuurgroep voor.",
    ),
    "onshuis": (
        Decimal("12500.00"),
        "Woonconsulenten verwijzen huurders door; gespreksruimte in de wijkpost voor bemiddelingsgesprekken.",
    ),
    "domijn": (
        Decimal("12500.00"),
        "Woonconsulenten verwijzen huurders door; drukwerk en communicatie naar huurders.",
    ),
    "politie": (
        Decimal("0.00"),
        "Wijkagenten verwijzen burenruzies door en nemen deel aan de stuurgroep.",
    ),
    "alifa": (
        Decimal("5000.00"),
        "Werkplek en begeleiding van de coördinator; werving van vrijwilligers via het vrijwilligerspunt.",
    ),
}

# (username, first name, last name, organisation code or "")
COORDINATOR = ("coordinator", "Marieke", "Oude Luttikhuis")
REFERRERS: list[tuple[str, str, str, str]] = [
    ("verwijzer-onshuis", "Sanne", "Haverkate", "onshuis"),
    ("verwijzer-domijn", "Rik", "Scholten", "domijn"),
    ("verwijzer-politie", "Dennis", "ter Horst", "politie"),
    ("verwijzer-gemeente", "Petra", "Lansink", "gemeente"),
    ("verwijzer-alifa", "Yvonne", "Hofstede", "alifa"),
]
STEERING_GROUP = ("stuurgroep", "Johan", "Kuipers", "gemeente")
ADMIN = ("admin", "Bas", "Veldhuis")

# (username, first, last, home postcode, languages, status, certified on, joined on, max concurrent cases)
# The first five are the pilot's five certified mediators of February 2014.
MEDIATORS: list[tuple[str, str, str, str, list[str], str, date | None, date | None, int]] = [
    ("bemiddelaar1", "Gerda", "Nijhuis", "7533 KL", ["nl"], "active", date(2014, 1, 31), date(2013, 10, 1), 4),
    ("bemiddelaar2", "Emre", "Yılmaz", "7546 BT", ["nl", "tr"], "active", date(2014, 1, 31), date(2013, 10, 1), 3),
    ("bemiddelaar3", "Nadia", "El Amrani", "7541 HM", ["nl", "ar"], "active", date(2014, 1, 31), date(2013, 10, 1), 3),
    ("bemiddelaar4", "Jeroen", "Kamphuis", "7523 CW", ["nl", "en"], "active", date(2014, 1, 31), date(2013, 10, 1), 4),
    ("bemiddelaar5", "Sabine", "Leferink", "7512 PX", ["nl", "de"], "active", date(2014, 1, 31), date(2013, 10, 1), 3),
    ("bemiddelaar6", "Katarzyna", "Nowak", "7535 VE", ["nl", "pl"], "active", date(2017, 1, 27), date(2016, 9, 5), 4),
    ("bemiddelaar7", "Thijs", "Wolters", "7545 RG", ["nl", "en"], "in_training", None, None, 2),
    ("bemiddelaar8", "Henk", "Bruggink", "7543 AJ", ["nl"], "paused", date(2015, 6, 12), date(2015, 2, 2), 3),
]

# Relative weights of the conflict types of migration cases/0003 when picking 1–3 per case.
CONFLICT_TYPE_WEIGHTS: dict[str, int] = {
    "noise-people": 30,
    "noise-appliances": 15,
    "harassment": 20,
    "garden": 12,
    "pets": 8,
    "children": 7,
    "parking": 8,
    "rubbish": 8,
    "smell-smoke": 6,
    "other": 4,
}

DESCRIPTIONS: dict[str, list[str]] = {
    "noise-people": [
        "De bovenburen lopen 's nachts hard over de laminaatvloer.",
        "Er wordt in het weekend tot diep in de nacht gefeest.",
        "Harde ruzies bij de buren, vaak laat op de avond.",
    ],
    "noise-appliances": [
        "De wasmachine van de buren draait elke nacht.",
        "Harde muziek met veel bas, ook doordeweeks na middernacht.",
        "Een warmtepomp bij de erfgrens maakt 's nachts een zoemend geluid.",
    ],
    "harassment": [
        "De verhouding met de buren is verstoord; er wordt gescholden als melder buiten komt.",
        "Melder voelt zich nagekeken en gefilmd door de buren.",
        "Na een eerdere ruzie praten de buren niet meer met elkaar en wordt er over en weer geklaagd.",
    ],
    "garden": [
        "Onenigheid over de schutting op de erfgrens.",
        "De bomen van de buren hangen over en nemen alle zon weg.",
        "De heg is al jaren niet gesnoeid en groeit over het pad.",
    ],
    "pets": [
        "De hond van de buren blaft urenlang als ze niet thuis zijn.",
        "Katten van de buren gebruiken de zandbak als kattenbak.",
        "Duiven op het balkon van de buren zorgen voor overlast.",
    ],
    "children": [
        "Kinderen spelen tot laat voetbal tegen de gevel.",
        "Spelende kinderen klimmen over de schutting om hun bal te pakken.",
    ],
    "parking": ["De buren parkeren steeds voor de inrit.", "Een bedrijfsbus van de buren staat al weken op de stoep."],
    "rubbish": [
        "Vuilniszakken worden naast de container gezet en trekken ratten aan.",
        "In de gezamenlijke gang staat grofvuil van de buren.",
    ],
    "smell-smoke": [
        "De buren stoken vaak hout; de rook komt het huis binnen.",
        "Sigarettenrook van het balkon eronder trekt de slaapkamer in.",
    ],
    "other": [
        "Melder ervaart overlast van de buren, maar kan die moeilijk omschrijven.",
        "Onenigheid over het onderhoud van de gezamenlijke galerij.",
    ],
}

TRIED_ALREADY = [
    "",
    "Zelf aangebeld, maar dat liep uit op een ruzie.",
    "Een briefje in de bus gedaan, daar is niet op gereageerd.",
    "Klacht ingediend bij de woningcorporatie.",
    "De wijkagent is al eens langs geweest.",
    "Een paar keer aangesproken op straat, zonder resultaat.",
]

NOT_SUITABLE: list[tuple[str, str]] = [
    ("Ernstige verslavingsproblematiek bij een van de partijen; bemiddeling is niet haalbaar.", "Wijkteam Enschede"),
    ("Vermoeden van psychiatrische problematiek; eerst hulpverlening nodig.", "Wijkteam Enschede"),
    ("Er is sprake van strafbare feiten (bedreiging); dat hoort bij de politie.", "Politie (regiopolitie Twente)"),
    ("Familieconflict, geen burenconflict.", "Alifa Welzijn"),
    (
        "Buitensporige agressie; de veiligheid van de vrijwilligers is niet te garanderen.",
        "Politie (regiopolitie Twente)",
    ),
    ("Het conflict is met de verhuurder, niet met de buren.", "Huurcommissie"),
]

WAITING_REASONS = [
    "Melder wil het eerst nog zelf proberen.",
    "Melder gaat binnenkort op vakantie; daarna weer oppakken.",
    "Overlast is tijdelijk minder; melder neemt contact op als het weer begint.",
]

AGREEMENT_ITEMS: list[tuple[str, str]] = [
    ("Na 22.00 uur geen muziek meer en de bas zachter.", "Partij B"),
    ("De wasmachine alleen overdag gebruiken.", "Partij B"),
    ("Bij overlast eerst aanbellen en het rustig bespreken, niet meteen klagen bij de corporatie.", "Beide partijen"),
    ("De schutting samen vervangen; kosten delen.", "Beide partijen"),
    ("De heg voor 1 juni snoeien tot 1,80 meter.", "Partij B"),
    ("De hond niet langer dan twee uur alleen thuis laten.", "Partij B"),
    ("Niet meer voor de inrit parkeren.", "Partij B"),
    ("Vuilniszakken alleen op ophaaldag buiten zetten.", "Partij B"),
    ("Viltjes onder de stoelen en binnen op sloffen lopen.", "Partij A"),
    ("Over zes weken evalueren of het beter gaat.", "Beide partijen"),
    ("Elkaar weer groeten op straat.", "Beide partijen"),
]

FOLLOW_UP_NOTES = {
    "kept": "Beide partijen gebeld: de afspraken worden nagekomen.",
    "partly": "Beide partijen gebeld: de afspraken worden deels nagekomen.",
    "not_kept": "Beide partijen gebeld: de afspraken worden niet nagekomen.",
}

# Texts of timeline events. No names: the timeline ends up on screens and in exports.
CONTACT_FAILED = [
    "Gebeld, geen gehoor.",
    "Gebeld, voicemail ingesproken.",
    "Gemaild met het verzoek om terug te bellen.",
]
CONTACT_LETTER = "Brief gestuurd met het verzoek contact op te nemen."
CONTACT_B_FAILED = [
    "Partij B niet thuis getroffen; briefje achtergelaten.",
    "Partij B gebeld, geen gehoor.",
]
NOTE_INTAKE = [
    "Intakegesprek met partij A gevoerd (telefonisch).",
    "Intakegesprek met partij A gevoerd bij de melder thuis.",
]
NOTE_AFTER_MEETING = {
    "intake_a": "Gesprek met partij A gevoerd; A staat open voor een gezamenlijk gesprek.",
    "intake_b": "Gesprek met partij B gevoerd; B wil meewerken.",
    "joint": "Gezamenlijk gesprek gevoerd; de partijen hebben afspraken gemaakt.",
    "other": "Tweede gesprek met partij A gevoerd; voorstel van B besproken.",
    "follow_up": "Vervolggesprek gevoerd; de afspraken opnieuw doorgenomen.",
}
PARTY_B_DECLINED = "Partij B wil niet meewerken aan bemiddeling."
REOPENED = "Partij A meldt dat de overlast opnieuw is begonnen."
DECLINE_REASONS = ["Woont vlak bij de melder.", "Geen ruimte in de agenda.", "Kent een van de partijen."]
