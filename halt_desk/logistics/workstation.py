"""The depot a logistics workstation works for: a setting of this computer's user (or its
machine configuration), chosen in the logistics window and remembered in settings.toml.
Unset, the only depot the cache knows is taken; with several, the user is asked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from halt_desk.store import Store
from halt_desk.sync.settings import effective_settings, load_settings, save_settings


@dataclass(frozen=True, slots=True)
class WorkstationDepot:
    """The known depots (id → name, by name) and the one to use, None: ask."""

    depots: dict[str, str]
    chosen: str | None


def known_depots(store: Store) -> dict[str, str]:
    """Every depot of the reference data: id → name, sorted by name."""
    names = {key: str(f.get("name") or key) for key, f in store.references("depot").items()}
    return dict(sorted(names.items(), key=lambda item: (item[1].lower(), item[0])))


def default_depot(setting: str | None, depots: dict[str, str]) -> str | None:
    """The setting when there is one; else the only depot; else None (ask)."""
    if setting:
        return setting
    return next(iter(depots)) if len(depots) == 1 else None


def load_workstation_depot(store: Store) -> WorkstationDepot:
    """The depots of `store` and the depot of this workstation (settings, else default)."""
    depots = known_depots(store)
    return WorkstationDepot(depots, default_depot(effective_settings().depot, depots))


def remember_depot(depot: str, path: Path | None = None) -> Path:
    """Keeps `depot` as this user's workstation depot in settings.toml."""
    return save_settings(replace(load_settings(path), depot=depot), path)
