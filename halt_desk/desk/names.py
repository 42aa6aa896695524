"""Names for the ids the store keeps: organisations ("Stichting Halt", not `halt`),
locations, depots, employees (callers) and colleagues (`agent:…`, `field:…`), so no screen
ever shows an id where a person expects a name.

`names_for(store)` keeps one `Names` per open cache in memory and reads it again only when
reference data (organisations, employees, locations, depots, staff) was written since:
one indexed read when nothing changed. Qt-free, safe from any thread.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from halt_desk.desk.staff import Colleague, StaffDirectory, fallback_name
from halt_desk.i18n import _

if TYPE_CHECKING:
    from halt_desk.store import Store
    from halt_desk.store.list_rows import FirstPage

#: Stream kinds whose records give names.
NAME_KINDS = frozenset({"org", "employee", "location", "depot", "staff"})


def _readable(key: str) -> str:
    """An id without a name record, made readable: `depot-utrecht` → "Depot Utrecht"."""
    words = [w for w in key.replace("_", "-").replace(".", "-").split("-") if w]
    return " ".join(w[:1].upper() + w[1:] for w in words) or key


def _names(records: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    return {
        key: str(fields.get("name")).strip()
        for key, fields in records.items()
        if isinstance(fields.get("name"), str) and str(fields.get("name")).strip()
    }


@dataclass(frozen=True)
class Names:
    """The names of one cache's reference records, each with a readable fallback."""

    orgs: Mapping[str, str] = field(default_factory=dict)
    locations: Mapping[str, str] = field(default_factory=dict)
    depots: Mapping[str, str] = field(default_factory=dict)
    employees: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    staff: StaffDirectory = field(default_factory=lambda: StaffDirectory([]))

    @classmethod
    def load(cls, store: Store) -> Names:
        return cls(
            orgs=_names(store.references("org")),
            locations=_names(store.references("location")),
            depots=_names(store.references("depot")),
            employees={str(e["id"]): e for e in store.employees()},
            staff=StaffDirectory.load(store),
        )

    def org(self, org_id: str | None) -> str:
        """ "Stichting Halt" for `halt`; an unknown organisation by its id made readable."""
        if not org_id:
            return ""
        return self.orgs.get(org_id) or _readable(org_id)

    def location(self, location_id: str | None) -> str:
        if not location_id:
            return ""
        return self.locations.get(location_id) or _readable(location_id)

    def depot(self, depot_id: str | None) -> str:
        if not depot_id:
            return ""
        return self.depots.get(depot_id) or _readable(depot_id)

    def employee(self, employee_id: str | None) -> str:
        """The caller's name; an employee not (yet) in this cache as "Medewerker e42"."""
        if not employee_id:
            return ""
        record = self.employees.get(employee_id)
        name = record.get("name") if record else None
        if isinstance(name, str) and name.strip():
            return name.strip()
        return _("Employee {id}").format(id=employee_id)

    def employee_record(self, employee_id: str | None) -> Mapping[str, Any]:
        """All directory fields of an employee (phone, e-mail, location…), or {}."""
        return self.employees.get(employee_id or "") or {}

    def person(self, actor: str | None) -> str:
        """Who did something: a colleague's display name, a caller (`employee:e1`) by
        employee name, a system actor as "HALT Desk"; never the raw id."""
        if not actor:
            return ""
        kind, sep, key = actor.partition(":")
        if sep and kind == "employee":
            return self.employee(key)
        if actor in self.employees:  # an id of the employee directory
            return self.employee(actor)
        colleague = self.staff.get(actor)
        return colleague.name if colleague is not None else fallback_name(actor)


def page_names(page: FirstPage) -> Names:
    """The names a first page read straight from the cache file brings (organisations,
    colleagues), for the list's first screenful before the store is open."""
    staff = StaffDirectory(Colleague(key, name) for key, name in page.staff.items() if name)
    return Names(orgs={k: v for k, v in page.orgs.items() if v}, staff=staff)


@dataclass
class _Cached:
    names: Names
    marker: int


_lock = threading.Lock()
_cache: weakref.WeakKeyDictionary[Store, _Cached] = weakref.WeakKeyDictionary()


def names_for(store: Store) -> Names:
    """The names of `store`'s cache, read again only after reference data changed."""
    with _lock:
        cached = _cache.get(store)
    marker = store.change_marker()
    if cached is not None:
        if cached.marker == marker:
            return cached.names
        written = store.streams_written_since(cached.marker)
        if not any(stream.partition(":")[0] in NAME_KINDS for stream, _type in written):
            with _lock:
                cached.marker = max(cached.marker, marker)
            return cached.names
    names = Names.load(store)
    with _lock:
        _cache[store] = _Cached(names, marker)
    return names


def forget_names(store: Store) -> None:
    """Drops the names kept for `store` (the next `names_for` reads them again)."""
    with _lock:
        _cache.pop(store, None)
