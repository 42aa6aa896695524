"""Fixed Dutch texts of the demo data: names, roles, ticket summaries, uplift motivations.

Every person here is fictitious; names are drawn from common Dutch first and last names.
"""

from __future__ import annotations

# fmt: off
FIRST_NAMES: tuple[str, ...] = (
    "Anna", "Emma", "Sophie", "Julia", "Lotte", "Sanne", "Fleur", "Lisa", "Eva", "Anouk",
    "Femke", "Iris", "Noor", "Lieke", "Maaike", "Marloes", "Esther", "Ingrid", "Petra",
    "Monique", "Sandra", "Linda", "Karin", "Marieke", "Annemieke", "Wendy", "Mirjam",
    "Ilse", "Joyce", "Naomi", "Yvonne", "Hanneke", "Saskia", "Ellen", "Renate", "Judith",
    "Charlotte", "Roos", "Merel", "Floor", "Tessa", "Nina", "Demi", "Kim", "Laura",
    "Fatima", "Samira", "Nadia", "Yasmina", "Aylin", "Elif", "Priya", "Shanti", "Mei",
    "Jan", "Pieter", "Kees", "Willem", "Hendrik", "Gert", "Erik", "Mark", "Martijn",
    "Jeroen", "Bas", "Thijs", "Daan", "Sem", "Lucas", "Milan", "Jesse", "Ruben", "Tim",
    "Niels", "Bram", "Stijn", "Koen", "Joost", "Maarten", "Rob", "Frank", "Paul",
    "Marcel", "Dennis", "Patrick", "Sander", "Wouter", "Arjen", "Vincent", "Roel",
    "Remco", "Hans", "Johan", "Peter", "Michiel", "Jasper", "Lars", "Jorrit", "Sjoerd",
    "Tjeerd", "Mohamed", "Youssef", "Ahmed", "Bilal", "Omar", "Mehmet", "Emre", "Burak",
    "Rajesh", "Anil", "Kevin", "Jordy", "Dirk", "Floris", "Gijs", "Hugo", "Jelle",
    "Luuk", "Olivier", "Sven", "Teun", "Wessel", "Bart", "Laurens", "Ewout",
)

SURNAMES: tuple[str, ...] = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
    "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
    "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
    "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan",
    "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn",
    "de Bruin", "van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet",
    "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal",
    "Prins", "Blom", "Huisman", "Peeters", "de Jonge", "Kuipers", "van Veen", "Post",
    "Kuiper", "Veenstra", "Kramer", "van den Brink", "Scholten", "van Wijk", "Postma",
    "Martens", "Vink", "de Ruiter", "Timmermans", "Groen", "Gerritsen", "Jonker",
    "van Loon", "Boer", "van der Velde", "Willemsen", "Smeets", "de Lange", "de Vos",
    "Bosch", "van Dongen", "Schipper", "de Koning", "van der Laan", "Koning",
    "van der Velden", "Driessen", "van Doorn", "Hermans", "Evers", "van den Bosch",
    "van der Meulen", "Hofman", "Bosman", "Wolters", "Sanders", "van der Horst", "Mol",
    "Kuijpers", "Molenaar", "van de Pol", "de Leeuw", "Verbeek", "Haverkamp", "Wijnands",
    "Zwart", "Hoogendoorn", "Brinkman", "Oosterhuis", "Veldman", "Terpstra", "Wiersma",
    "Bijl", "Lammers", "Roelofs", "Siebers", "Claassen", "Stam", "Hoek", "Pronk",
    "Yilmaz", "Kaya", "Öztürk", "Çelik", "Demir", "El Amrani", "Bouzid", "Tahiri",
    "El Idrissi", "Benali", "Ramdin", "Sewnarain", "Jagessar", "Nguyen", "Tran",
    "Kartosen", "Pinas", "Doelwijt", "Wong", "Kowalski",
)
# fmt: on

#: Summaries per priority of profile `halt`: (summary, category, kind). The kind steers
#: the follow-up: hardware → swap or onsite, outage/security → workaround first.
HALT_SUMMARIES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "P1": (
        ("Microsoft 365 niet bereikbaar voor hele organisatie", "m365", "outage"),
        ("VPN landelijk onbereikbaar, niemand kan inloggen", "netwerk", "outage"),
        ("Netwerkstoring hoofdkantoor Den Haag", "netwerk", "outage"),
        ("Kernapplicatie dossierregistratie ligt plat", "applicatie", "outage"),
        ("Teams en Outlook vallen landelijk weg", "m365", "outage"),
        ("Mogelijk datalek: dossier naar verkeerde ketenpartner gemaild", "security", "security"),
        ("Verdachte inlogpogingen op meerdere accounts (actieve aanval)", "security", "security"),
    ),
    "P2": (
        ("Wifi regiokantoor Zwolle werkt niet", "netwerk", "plain"),
        ("Printer regiokantoor Eindhoven offline voor hele team", "werkplek", "plain"),
        ("Teams-telefonie valt weg voor team Brabant", "telefonie", "plain"),
        ("Gedeelde mailbox van het team niet bereikbaar", "m365", "plain"),
        ("SharePoint-teamsite Midden-Nederland niet bereikbaar", "m365", "plain"),
        ("Internet traag op regiokantoor Utrecht", "netwerk", "plain"),
        ("Koppeling met Justitienet geeft foutmeldingen", "applicatie", "plain"),
        ("Vergaderruimte Rotterdam: scherm en camera werken niet", "werkplek", "plain"),
    ),
    "P3": (
        ("Laptop start niet op", "werkplek", "hardware"),
        ("Beeldscherm laptop blijft zwart", "werkplek", "hardware"),
        ("Laptop gevallen, scherm gebarsten", "werkplek", "hardware"),
        ("Accu laptop laadt niet meer op", "werkplek", "hardware"),
        ("Laptop valt steeds uit", "werkplek", "hardware"),
        ("Toetsenbord laptop reageert niet", "werkplek", "hardware"),
        ("Geen toegang tot Teams", "m365", "plain"),
        ("Outlook synchroniseert niet", "m365", "plain"),
        ("OneDrive synchroniseert niet meer", "m365", "plain"),
        ("VPN valt weg", "netwerk", "plain"),
        ("Geen verbinding met wifi op locatie", "netwerk", "plain"),
        ("Account geblokkeerd", "account", "plain"),
        ("MFA-app werkt niet op nieuwe telefoon", "account", "plain"),
        ("Kan dossier niet openen in kernapplicatie", "applicatie", "plain"),
        ("Printen lukt niet", "werkplek", "plain"),
        ("Headset wordt niet herkend in Teams", "werkplek", "plain"),
        ("Mobiele telefoon kan niet bellen", "telefonie", "plain"),
        ("Simkaart geblokkeerd (PUK-code nodig)", "telefonie", "plain"),
        ("Verdachte phishingmail geopend", "security", "plain"),
    ),
    "P4": (
        ("Wachtwoord reset", "account", "request"),
        ("Rechten op teammap aanvragen", "account", "request"),
        ("Nieuwe medewerker: account en laptop aanvragen", "verzoek", "request"),
        ("Software-installatie aanvragen", "verzoek", "request"),
        ("Vraag over thuiswerken en beveiligde verbinding", "vraag", "request"),
        ("Headset aanvragen", "verzoek", "request"),
        ("Extra beeldscherm voor thuiswerkplek", "verzoek", "request"),
        ("Vraag over delen van bestanden met ketenpartner", "vraag", "request"),
        ("Handtekening in Outlook aanpassen", "vraag", "request"),
        ("Distributielijst wijzigen", "verzoek", "request"),
    ),
}

#: Summaries of profile `desom` per urgency (its impact decides the reach).
DESOM_SUMMARIES: dict[str, tuple[tuple[str, str], ...]] = {
    "high": (
        ("Burgerzaken-applicatie niet beschikbaar", "kernapplicatie"),
        ("Telefonie klantcontactcentrum ligt eruit", "telefonie"),
        ("Geen netwerk in het gemeentehuis", "netwerk"),
        ("Zaaksysteem geeft geen toegang", "kernapplicatie"),
        ("Werkplek start niet op, baliewerk ligt stil", "werkplek"),
    ),
    "middle": (
        ("Zaaksysteem traag", "kernapplicatie"),
        ("Printen aan de balie lukt niet", "werkplek"),
        ("Outlook synchroniseert niet", "werkplek"),
        ("Geen toegang tot gedeelde map", "beveiliging"),
        ("Paspoortprinter geeft foutmelding", "kernapplicatie"),
        ("Thuiswerken: verbinding valt steeds weg", "netwerk"),
    ),
    "low": (
        ("Wachtwoord reset", "beveiliging"),
        ("Vraag over Teams-vergadering", "werkplek"),
        ("Nieuwe gebruiker aanmaken", "operationeel beheer"),
        ("Software-installatie aanvragen", "operationeel beheer"),
        ("Bureaublad-snelkoppeling ontbreekt", "werkplek"),
    ),
}

FIRST_RESPONSE_TEXTS: tuple[str, ...] = (
    "Medewerker teruggebeld, probleem gereproduceerd.",
    "Melding in behandeling genomen, gebruiker geïnformeerd.",
    "Contact opgenomen met de melder, gegevens aangevuld.",
)
COMMENT_TEXTS: tuple[str, ...] = (
    "Doorgezet naar tweede lijn werkplekbeheer.",
    "Logbestanden opgevraagd bij de medewerker.",
    "Bekend probleem, zie kennisartikel KB-0142.",
    "Afspraak gemaakt met de medewerker voor terugbelmoment.",
    "Leverancier ingeschakeld, wachten op analyse.",
    "Gebruiker heeft laptop opnieuw opgestart op verzoek, probleem blijft.",
    "Rechten aangepast, wachten op replicatie.",
)
#: Explanations of a breached clock for the monthly report (seed 003 §10.1.3: deviations
#: are explained in the SLR), recorded as a `comment` with `breach_explanation`.
BREACH_EXPLANATIONS: tuple[str, ...] = (
    "Piekdrukte na storing bij de leverancier; extra bezetting ingepland vanaf volgende week.",
    "Medewerker onbereikbaar op het opgegeven nummer; terugbelprocedure aangescherpt.",
    "Tweede lijn had onvoldoende capaciteit; escalatieafspraak met leverancier gemaakt.",
    "Onderdeel niet op voorraad bij de partner; bufferstock voor dit model verhoogd.",
    "Ticket verkeerd gerouteerd bij aanmelding; intake-instructie bijgewerkt.",
)
RESOLUTION_TEXTS: dict[str, tuple[str, ...]] = {
    "outage": (
        "Storing bij leverancier verholpen, dienst weer beschikbaar.",
        "Netwerkapparatuur herstart en configuratie hersteld.",
        "Certificaat vernieuwd, verbindingen weer mogelijk.",
    ),
    "security": (
        "Accounts geblokkeerd, wachtwoorden gereset en sessies ingetrokken; melding bij FG.",
        "Verkeerd verzonden bericht ingetrokken, ontvanger heeft verwijdering bevestigd.",
    ),
    "swap": (
        "Medewerker werkt op loaner; defecte laptop retour voor reparatie.",
        "Loaner geleverd en ingericht; oude laptop veilig opgehaald.",
    ),
    "onsite": (
        "Onderdeel ter plaatse vervangen, laptop werkt weer.",
        "Monteur heeft docking en bekabeling ter plaatse hersteld.",
    ),
    "hardware": (
        "Laptop op afstand opnieuw ingericht via Autopilot.",
        "BIOS-update op afstand uitgevoerd, laptop start weer.",
    ),
    "plain": (
        "Instellingen hersteld, gebruiker kan weer werken.",
        "Profiel opnieuw aangemaakt, probleem verholpen.",
        "Update geïnstalleerd, probleem opgelost.",
        "Account ontgrendeld en MFA opnieuw geregistreerd.",
    ),
    "request": (
        "Aanvraag uitgevoerd.",
        "Vraag beantwoord, kennisartikel gedeeld.",
        "Rechten toegekend na akkoord leidinggevende.",
    ),
}
WORKAROUND_TEXTS: dict[str, tuple[str, ...]] = {
    "other": (
        "Noodoplossing: werken via webversie (outlook.office.com).",
        "Noodoplossing: tijdelijke mobiele hotspot ingericht.",
        "Noodoplossing: virtuele werkplek beschikbaar gesteld.",
        "Noodoplossing: dossiers via beveiligde noodmap beschikbaar.",
    ),
    "security": (
        "Noodmaatregel: getroffen accounts geblokkeerd en sessies ingetrokken.",
        "Noodmaatregel: externe toegang tijdelijk beperkt tot beheerde apparaten.",
    ),
}
PRIORITY_CHANGE_REASONS: dict[str, str] = {
    "up": "Meer medewerkers getroffen dan eerst gemeld.",
    "down": "Hinder beperkter dan gemeld; medewerker kan deels door.",
}

#: Uplift motivations per role type: (granted motivation, refused motivation).
UPLIFT_MOTIVATIONS: dict[str, tuple[str, str]] = {
    "board_or_press": (
        "Woordvoerder moet binnen het uur reageren op persvragen over een incident; "
        "laptop met persdossier werkt niet.",
        "Persmoment is pas volgende week; er is vandaag geen tijdkritische verplichting.",
    ),
    "crisis_meeting": (
        "Crisisoverleg met gemeente en politie begint over een uur; "
        "medewerker kan niet inloggen op Teams.",
        "Overleg kan via de telefoon doorgaan; medewerker kan de taak uitvoeren.",
    ),
    "court_session": (
        "Stukken moeten vanmiddag beschikbaar zijn voor een zitting; "
        "dossier niet bereikbaar via VPN.",
        "Zitting is verplaatst naar volgende maand; geen directe impact.",
    ),
    "class_or_group": (
        "Voorlichting aan drie schoolklassen begint over 45 minuten; presentatielaptop start niet.",
        "Voorlichting kan met de reservelaptop van de school doorgaan.",
    ),
    "chain_partner_meeting": (
        "Bestuurlijk overleg met OM en gemeente om 11:00; "
        "medewerker heeft geen toegang tot de stukken.",
        "Overleg is geen bestuurlijk overleg; collega neemt het over.",
    ),
    "other": (
        "Subsidieaanvraag moet vandaag vóór 17:00 worden ingediend; "
        "zonder werkende laptop lukt dat niet.",
        "Deadline is morgen; oplossing binnen P3-norm volstaat.",
    ),
}
