"""The depot of a logistics workstation: a setting, remembered, with a default when unset."""

from __future__ import annotations

from pathlib import Path

from halt_desk.logistics.workstation import (
    default_depot,
    known_depots,
    load_workstation_depot,
    remember_depot,
)
from halt_desk.store import Store
from halt_desk.sync.settings import SyncSettings, load_settings, save_settings
from tests.desk_data import NOW, reference_events
from tests.swap_data import depot_events

TWO = {"depot-utrecht": "Depot Utrecht", "depot-zwolle": "Depot Zwolle"}


def test_the_setting_wins_else_the_only_depot_else_ask() -> None:
    assert default_depot("depot-zwolle", TWO) == "depot-zwolle"
    assert default_depot(None, {"depot-utrecht": "Depot Utrecht"}) == "depot-utrecht"
    assert default_depot(None, TWO) is None
    assert default_depot(None, {}) is None


def test_a_chosen_depot_is_kept_beside_the_other_settings(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    save_settings(SyncSettings(server="https://desk.example.nl", user="kees"), path)
    remember_depot("depot-zwolle", path)
    settings = load_settings(path)
    assert (settings.server, settings.user, settings.depot) == (
        "https://desk.example.nl",
        "kees",
        "depot-zwolle",
    )


def test_the_depots_of_the_cache_and_the_remembered_choice(tmp_path: Path) -> None:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as store:
        store.record_events([*reference_events(), *depot_events()], bulk=True)
        assert known_depots(store) == TWO
        assert load_workstation_depot(store).chosen is None  # two depots, nothing set: ask
        remember_depot("depot-utrecht")
        assert load_workstation_depot(store).chosen == "depot-utrecht"
