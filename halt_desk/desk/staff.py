"""The colleagues' directory: who an `actor` is by name, and finding a colleague to assign a
ticket to (type-ahead on every key, in memory).

A colleague is a `staff:<user name>` reference record (`central user add --display-name`):
its key is the user name its events carry as `actor` (`agent:sanne.visser`), its data the
display name, role, work e-mail and, for a customer's regie user, the organisation. An
actor without a record still reads as a person: the part after the role, capitalised
(`field:pieter.degroot` → "Pieter Degroot"), never as the raw id.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from halt_desk.i18n import N_, _

if TYPE_CHECKING:
    from halt_desk.store import Store

#: Roles a ticket can be assigned to (the others see tickets, they do not work them).
ASSIGNABLE_ROLES = frozenset({"agent", "field"})
#: Role words as shown beside a name.
ROLE_WORDS: dict[str, str] = {
    "agent": N_("Servicedesk"),
    "field": N_("Field engineer"),
    "logistics": N_("Logistics"),
    "regie": N_("Service management"),
    "admin": N_("Administrator"),
}
#: Actors that are not people (`system`, `system:demo-import`, `cli`): what they read as.
SYSTEM_ACTORS: dict[str, str] = {
    "system": N_("HALT Desk"),
    "central": N_("HALT Desk"),
    "cli": N_("HALT Desk"),
}


@dataclass(frozen=True, slots=True)
class Colleague:
    """One person who works tickets or devices: `id` is the user name (the `actor`)."""

    id: str
    name: str
    role: str | None = None
    email: str | None = None
    org: str | None = None

    @property
    def role_word(self) -> str:
        """The role in the UI's language ("Servicedesk", "Buitendienst"), or ""."""
        word = ROLE_WORDS.get(self.role or "")
        return _(word) if word else ""

    @property
    def assignable(self) -> bool:
        return (self.role or "") in ASSIGNABLE_ROLES


def role_of(actor: str) -> str | None:
    """The role an actor id names (`field:…` → "field"), or None."""
    prefix, sep, _rest = actor.partition(":")
    return prefix if sep and prefix in ROLE_WORDS else None


def fallback_name(actor: str) -> str:
    """A readable name for an actor without a staff record: "agent:linda.dekker" →
    "Linda Dekker"; a system actor → "HALT Desk"."""
    system = SYSTEM_ACTORS.get(actor.partition(":")[0])
    if system is not None:
        return _(system)
    rest = actor.partition(":")[2] if role_of(actor) else actor
    rest = rest.partition("@")[0] or rest
    words = [w for w in rest.replace("_", ".").replace("-", ".").split(".") if w]
    return " ".join(w[:1].upper() + w[1:] for w in words) or actor


def _folded(text: str) -> str:
    """Lower case without accents: what type-ahead compares ("Emre Yılmaz" ~ "yilmaz")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ı", "i")


class StaffDirectory:
    """Every colleague in memory, for a name per actor and a type-ahead on every key."""

    def __init__(self, colleagues: Iterable[Colleague]) -> None:
        self._by_id = {c.id: c for c in colleagues}
        ordered = sorted(self._by_id.values(), key=lambda c: (_folded(c.name), c.id))
        # Per colleague: the folded words of its name and id, for prefix matching.
        self._index = [
            (c, _folded(c.name).split(), _folded(c.id.partition(":")[2] or c.id)) for c in ordered
        ]

    @classmethod
    def load(cls, store: Store) -> StaffDirectory:
        return cls(colleague_from_record(key, f) for key, f in store.references("staff").items())

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, actor: str) -> Colleague | None:
        return self._by_id.get(actor)

    def name(self, actor: str | None) -> str:
        """The display name of `actor` ("" for None)."""
        if not actor:
            return ""
        colleague = self._by_id.get(actor)
        return colleague.name if colleague is not None else fallback_name(actor)

    def colleague(self, actor: str) -> Colleague:
        """The record of `actor`, or one made from its id (unknown colleague)."""
        found = self._by_id.get(actor)
        return found or Colleague(actor, fallback_name(actor), role_of(actor))

    def find(
        self, text: str, limit: int = 20, roles: Iterable[str] | None = None
    ) -> list[Colleague]:
        """Colleagues whose name has a word starting with `text`'s words (all of them, in
        any order, ignoring case and accents), or whose user name contains it; by name."""
        wanted = frozenset(roles) if roles is not None else None
        words = _folded(text).split()
        found: list[Colleague] = []
        for colleague, name_words, user in self._index:
            if wanted is not None and (colleague.role or "") not in wanted:
                continue
            if words and not _matches(words, name_words, user):
                continue
            found.append(colleague)
            if len(found) >= limit:
                break
        return found

    def all(self, roles: Iterable[str] | None = None) -> list[Colleague]:
        return self.find("", limit=len(self._by_id) or 1, roles=roles)


def _matches(words: Sequence[str], name_words: Sequence[str], user: str) -> bool:
    if len(words) == 1 and words[0] in user:
        return True
    return all(any(n.startswith(w) for n in name_words) for w in words)


def colleague_from_record(key: str, fields: dict[str, Any]) -> Colleague:
    def text(name: str) -> str | None:
        value = fields.get(name)
        return value if isinstance(value, str) and value else None

    return Colleague(
        id=key,
        name=text("name") or fallback_name(key),
        role=text("role") or role_of(key),
        email=text("email"),
        org=text("org"),
    )
