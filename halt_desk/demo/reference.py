"""Reference records of the demo: organisations, locations, employees, depots, loaners."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from halt_desk.demo.sample_texts import FIRST_NAMES, SURNAMES


@dataclass(frozen=True, slots=True)
class Organisation:
    id: str
    name: str
    profile: str


@dataclass(frozen=True, slots=True)
class Location:
    id: str
    org: str
    name: str
    city: str
    region: str


@dataclass(frozen=True, slots=True)
class Employee:
    """A customer employee. `uplift_role` is the P1-uplift role type (§2.3) the role can
    carry, or None; it steers the demo only and is not part of the registered event."""

    id: str
    org: str
    name: str
    email: str
    phone: str
    team: str
    region: str
    location: str
    role: str
    uplift_role: str | None = None


@dataclass(frozen=True, slots=True)
class Depot:
    id: str
    name: str
    city: str


@dataclass(frozen=True, slots=True)
class Device:
    asset_tag: str
    serial: str
    model: str
    type: str
    org: str
    depot: str


ORGANISATIONS: tuple[Organisation, ...] = (
    Organisation("halt", "Stichting Halt", "halt"),
    Organisation("desom", "SSC DeSom", "desom"),
)
EMAIL_DOMAINS: dict[str, str] = {"halt": "halt.nl", "desom": "desom.nl"}

#: Five Halt sites (seed 003 §3: network for five locations); Den Haag is the head office.
HALT_LOCATIONS: tuple[Location, ...] = (
    Location("halt-denhaag", "halt", "Hoofdkantoor Den Haag", "Den Haag", "West"),
    Location("halt-rotterdam", "halt", "Regiokantoor Rotterdam", "Rotterdam", "West"),
    Location("halt-utrecht", "halt", "Regiokantoor Utrecht", "Utrecht", "Oost"),
    Location("halt-zwolle", "halt", "Regiokantoor Zwolle", "Zwolle", "Noord"),
    Location("halt-eindhoven", "halt", "Regiokantoor Eindhoven", "Eindhoven", "Zuid"),
)
#: Nine regional teams over four regions (seed 003 §2), with their home location.
HALT_TEAMS: tuple[tuple[str, str, str], ...] = (
    ("Noord-Nederland", "Noord", "halt-zwolle"),
    ("IJssel-Vecht", "Noord", "halt-zwolle"),
    ("Gelderland", "Oost", "halt-utrecht"),
    ("Midden-Nederland", "Oost", "halt-utrecht"),
    ("Brabant", "Zuid", "halt-eindhoven"),
    ("Limburg", "Zuid", "halt-eindhoven"),
    ("Rotterdam-Rijnmond", "West", "halt-rotterdam"),
    ("Haaglanden", "West", "halt-denhaag"),
    ("Noord-Holland", "West", "halt-rotterdam"),
)
#: The central unit (seed 003 §2: HR, finance, ICT, facilities, communication, policy,
#: board office); it sits at the head office and counts as region West.
HALT_CENTRAL_TEAM = ("Halt Service Eenheid", "West", "halt-denhaag")
HALT_CENTRAL_ROLES: tuple[tuple[str, int, str | None], ...] = (
    ("Directeur-bestuurder", 1, "board_or_press"),
    ("Directie", 2, "board_or_press"),
    ("Woordvoerder", 2, "board_or_press"),
    ("Communicatieadviseur", 4, None),
    ("Bestuurssecretaris", 2, "other"),
    ("HR-adviseur", 6, None),
    ("Salarisadministrateur", 2, None),
    ("Controller", 1, None),
    ("Financieel medewerker", 5, None),
    ("ICT-coördinator", 3, None),
    ("Functioneel beheerder", 3, None),
    ("Facilitair medewerker", 5, None),
    ("Beleidsmedewerker", 8, None),
    ("Jurist", 3, "court_session"),
    ("Relatiemanager landelijk", 2, "chain_partner_meeting"),
    ("Managementassistent", 4, None),
    ("Stagiair", 3, None),
)
HALT_EMPLOYEES = 300

DESOM_LOCATIONS: tuple[Location, ...] = (
    Location(
        "desom-drechterland", "desom", "Gemeentehuis Drechterland", "Hoogkarspel", "West-Friesland"
    ),
    Location("desom-enkhuizen", "desom", "Stadhuis Enkhuizen", "Enkhuizen", "West-Friesland"),
    Location(
        "desom-stedebroec", "desom", "Gemeentehuis Stede Broec", "Bovenkarspel", "West-Friesland"
    ),
    Location("desom-opmeer", "desom", "Gemeentehuis Opmeer", "Opmeer", "West-Friesland"),
    Location("desom-medemblik", "desom", "Gemeentehuis Medemblik", "Medemblik", "West-Friesland"),
    Location("desom-hoorn", "desom", "WerkSaam Westfriesland", "Hoorn", "West-Friesland"),
)
#: SSC DeSom serves the municipalities Drechterland, Enkhuizen, Stede Broec, Opmeer and
#: Medemblik plus WerkSaam Westfriesland (seed 004); team = participant, with head count.
DESOM_TEAMS: tuple[tuple[str, str, int], ...] = (
    ("Gemeente Drechterland", "desom-drechterland", 22),
    ("Gemeente Enkhuizen", "desom-enkhuizen", 24),
    ("Gemeente Stede Broec", "desom-stedebroec", 20),
    ("Gemeente Opmeer", "desom-opmeer", 16),
    ("Gemeente Medemblik", "desom-medemblik", 22),
    ("WerkSaam Westfriesland", "desom-hoorn", 16),
)
DESOM_ROLES: tuple[tuple[str, int], ...] = (
    ("Gemeentesecretaris", 1),
    ("Teamleider", 2),
    ("Medewerker Burgerzaken", 4),
    ("Medewerker Klantcontactcentrum", 3),
    ("Medewerker Vergunningen", 2),
    ("Beleidsmedewerker", 3),
    ("Medewerker Belastingen", 1),
    ("Communicatieadviseur", 1),
)

DEPOTS: tuple[Depot, ...] = (
    Depot("depot-utrecht", "Depot Utrecht", "Utrecht"),
    Depot("depot-zwolle", "Depot Zwolle", "Zwolle"),
)
#: Loaner stock per depot and the models with their weight in the fleet.
DEPOT_STOCK: dict[str, int] = {"depot-utrecht": 24, "depot-zwolle": 16}
#: Agreed minimum of ready loaners per depot and model (DESIGN §2.6; reference data of
#: the depot record, field `minimum`); below it the desk shows a shortage.
DEPOT_MINIMUM: dict[str, dict[str, int]] = {
    "depot-utrecht": {
        "Dell Latitude 5450": 6,
        "HP EliteBook 840 G11": 4,
        "Lenovo ThinkPad T14 Gen 5": 2,
    },
    "depot-zwolle": {
        "Dell Latitude 5450": 4,
        "HP EliteBook 840 G11": 2,
        "Lenovo ThinkPad T14 Gen 5": 1,
    },
}
LOANER_MODELS: tuple[tuple[str, int], ...] = (
    ("Dell Latitude 5450", 5),
    ("HP EliteBook 840 G11", 3),
    ("Lenovo ThinkPad T14 Gen 5", 2),
)
#: The depot a region's swaps ship from first.
NEAREST_DEPOT: dict[str, tuple[str, str]] = {
    "Noord": ("depot-zwolle", "depot-utrecht"),
    "Oost": ("depot-zwolle", "depot-utrecht"),
    "Zuid": ("depot-utrecht", "depot-zwolle"),
    "West": ("depot-utrecht", "depot-zwolle"),
}

DESK_AGENTS: tuple[str, ...] = (
    "agent:anna.devries",
    "agent:mark.jansen",
    "agent:fatima.elamrani",
    "agent:joost.bakker",
    "agent:sanne.visser",
    "agent:emre.yilmaz",
    "agent:linda.dekker",
    "agent:bas.mulder",
)
FIELD_ENGINEERS: tuple[str, ...] = (
    "field:pieter.degroot",
    "field:niels.hoekstra",
    "field:ruben.peeters",
    "field:wendy.smit",
    "field:arjen.kramer",
)
LOGISTICS_STAFF: tuple[str, ...] = (
    "logistics:kees.brouwer",
    "logistics:naomi.pinas",
    "logistics:dirk.wolters",
)
#: The names colleagues see (`staff:<user name>` records).
STAFF_NAMES: dict[str, str] = {
    "agent:anna.devries": "Anna de Vries",
    "agent:mark.jansen": "Mark Jansen",
    "agent:fatima.elamrani": "Fatima El Amrani",
    "agent:joost.bakker": "Joost Bakker",
    "agent:sanne.visser": "Sanne Visser",
    "agent:emre.yilmaz": "Emre Yılmaz",
    "agent:linda.dekker": "Linda Dekker",
    "agent:bas.mulder": "Bas Mulder",
    "field:pieter.degroot": "Pieter de Groot",
    "field:niels.hoekstra": "Niels Hoekstra",
    "field:ruben.peeters": "Ruben Peeters",
    "field:wendy.smit": "Wendy Smit",
    "field:arjen.kramer": "Arjen Kramer",
    "logistics:kees.brouwer": "Kees Brouwer",
    "logistics:naomi.pinas": "Naomi Pinas",
    "logistics:dirk.wolters": "Dirk Wolters",
}


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in plain.lower() if ch.isalnum())


class _People:
    """Hands out unique names, e-mail addresses and mobile numbers."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._names: set[tuple[str, str]] = set()
        self._emails: set[str] = set()
        self._phones: set[str] = set()

    def person(self, domain: str) -> tuple[str, str, str]:
        rng = self._rng
        while True:
            pair = (rng.choice(FIRST_NAMES), rng.choice(SURNAMES))
            if pair not in self._names:
                break
        self._names.add(pair)
        first, last = pair
        base = f"{_slug(first)}.{_slug(last)}"
        local, n = base, 1
        while local in self._emails:
            n += 1
            local = f"{base}{n}"
        self._emails.add(local)
        while True:
            phone = f"06-{rng.randrange(10_000_000, 100_000_000)}"
            if phone not in self._phones:
                break
        self._phones.add(phone)
        return f"{first} {last}", f"{local}@{domain}", phone


def _halt_role_slots() -> list[tuple[str, str, str, str, str | None]]:
    """(team, region, location, role, uplift role) for every Halt employee."""
    slots: list[tuple[str, str, str, str, str | None]] = []
    team, region, location = HALT_CENTRAL_TEAM
    for role, count, uplift in HALT_CENTRAL_ROLES:
        slots += [(team, region, location, role, uplift)] * count
    regional = HALT_EMPLOYEES - len(slots)
    per_team, extra = divmod(regional, len(HALT_TEAMS))
    seen_regions: set[str] = set()
    for i, (team, region, location) in enumerate(HALT_TEAMS):
        size = per_team + (1 if i < extra else 0)
        roles: list[tuple[str, str | None]] = []
        if region not in seen_regions:
            seen_regions.add(region)
            roles += [
                ("Regiomanager", "crisis_meeting"),
                ("Relatiemanager", "chain_partner_meeting"),
            ]
        roles += [("Teamleider", "crisis_meeting")]
        roles += [("AO-medewerker", None)] * 5
        roles += [("Halt-medewerker (voorlichting scholen)", "class_or_group")] * 3
        roles += [("Stagiair", None)] * 2
        roles += [("Halt-medewerker", None)] * (size - len(roles))
        slots += [(team, region, location, role, uplift) for role, uplift in roles]
    return slots


def build_employees(rng: random.Random) -> tuple[Employee, ...]:
    """About 300 Halt employees in nine teams (plus the central unit) and 120 at DeSom."""
    people = _People(rng)
    employees: list[Employee] = []
    for n, (team, region, location, role, uplift) in enumerate(_halt_role_slots(), start=1):
        name, email, phone = people.person(EMAIL_DOMAINS["halt"])
        employees.append(
            Employee(
                f"halt-e{n:04d}", "halt", name, email, phone, team, region, location, role, uplift
            )
        )
    n = 0
    for team, location, size in DESOM_TEAMS:
        if team.startswith("WerkSaam"):
            roles, filler = ["Teamleider", "Teamleider"], "Consulent Werk en Inkomen"
        else:
            roles = [role for role, count in DESOM_ROLES for _ in range(count)]
            filler = "Medewerker Bedrijfsvoering"
        roles += [filler] * (size - len(roles))
        for role in roles[:size]:
            n += 1
            name, email, phone = people.person(EMAIL_DOMAINS["desom"])
            employees.append(
                Employee(
                    f"desom-e{n:04d}",
                    "desom",
                    name,
                    email,
                    phone,
                    team,
                    "West-Friesland",
                    location,
                    role,
                )
            )
    return tuple(employees)


def _serial(rng: random.Random, model: str) -> str:
    alphabet = "0123456789BCDFGHJKLMNPQRSTVWXYZ"
    if model.startswith("Dell"):
        return "".join(rng.choice(alphabet) for _ in range(7))
    if model.startswith("HP"):
        return "5CG4" + "".join(rng.choice(alphabet) for _ in range(6))
    return "PF" + "".join(rng.choice(alphabet) for _ in range(6))


def build_devices(rng: random.Random) -> tuple[Device, ...]:
    """The loaner laptops in the two depots, tagged `HALT-LT-00001` onward."""
    models = [model for model, _ in LOANER_MODELS]
    weights = [weight for _, weight in LOANER_MODELS]
    devices: list[Device] = []
    serials: set[str] = set()
    number = 0
    for depot in DEPOTS:
        for _ in range(DEPOT_STOCK[depot.id]):
            number += 1
            model = rng.choices(models, weights)[0]
            serial = _serial(rng, model)
            while serial in serials:
                serial = _serial(rng, model)
            serials.add(serial)
            devices.append(
                Device(f"HALT-LT-{number:05d}", serial, model, "laptop", "halt", depot.id)
            )
    return tuple(devices)
