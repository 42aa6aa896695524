"""Contract profiles: the shipped files load, and broken ones are refused by name."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from halt_desk.domain.errors import InvalidProfile, UnknownProfile
from halt_desk.domain.profiles import (
    available_profiles,
    load_profile,
    parse_profile,
    parse_profile_text,
    profile_document,
    resolve_profile,
)
from halt_desk.paths import resources_dir


def halt_raw() -> dict[str, Any]:
    return tomllib.loads((resources_dir() / "profiles" / "halt.toml").read_text())


def test_shipped_profiles_load() -> None:
    assert available_profiles() == ["desom", "halt"]
    halt, desom = load_profile("halt"), load_profile("desom")
    assert halt.priorities == ("P1", "P2", "P3", "P4") and halt.uplift
    assert desom.priorities == ("P1", "P2", "P3", "P4", "P5") and not desom.uplift
    assert halt.norms == {"P1": 98.0, "P2": 95.0, "P3": 90.0, "P4": 90.0}


def test_unknown_profile_lists_the_known_ones() -> None:
    with pytest.raises(UnknownProfile, match="known: desom, halt"):
        load_profile("acme")


def test_path_like_profile_name_is_refused() -> None:
    with pytest.raises(UnknownProfile):
        load_profile("../profiles/halt")


def test_unknown_priority_in_targets_is_named() -> None:
    raw = halt_raw()
    raw["clocks"]["reaction"]["targets"]["P9"] = "1h"
    with pytest.raises(InvalidProfile, match=r"clocks\.reaction\.targets\.P9: unknown priority"):
        parse_profile(raw)


def test_missing_target_is_named() -> None:
    raw = halt_raw()
    del raw["clocks"]["resolution"]["targets"]["P3"]
    with pytest.raises(InvalidProfile, match=r"clocks\.resolution\.targets: no target for P3"):
        parse_profile(raw)


def test_bad_window_time_is_named() -> None:
    raw = halt_raw()
    raw["calendar"]["opens"] = "25:00"
    with pytest.raises(InvalidProfile, match=r"calendar\.opens: '25:00' is not a time"):
        parse_profile(raw)


def test_window_closing_before_opening_is_refused() -> None:
    raw = halt_raw()
    raw["calendar"]["closes"] = "07:00"
    with pytest.raises(InvalidProfile, match=r"calendar\.closes"):
        parse_profile(raw)


def test_bad_duration_is_named() -> None:
    raw = halt_raw()
    raw["clocks"]["onsite"]["targets"]["P1"] = "four hours"
    with pytest.raises(InvalidProfile, match=r"clocks\.onsite\.targets\.P1: 'four hours'"):
        parse_profile(raw)


def test_day_end_target_only_on_the_swap_clock() -> None:
    raw = halt_raw()
    raw["clocks"]["resolution"]["targets"]["P1"] = "same_day"
    with pytest.raises(InvalidProfile, match="only allowed on the swap clock"):
        parse_profile(raw)


def test_unknown_clock_is_refused() -> None:
    raw = halt_raw()
    raw["clocks"]["coffee"] = {"targets": {}}
    with pytest.raises(InvalidProfile, match=r"clocks\.coffee: unknown clock"):
        parse_profile(raw)


def test_missing_matrix_cell_is_named() -> None:
    raw = halt_raw()
    del raw["intake"]["matrix"]["one"]["stopped"]
    with pytest.raises(InvalidProfile, match=r"intake\.matrix\.one\.stopped: missing"):
        parse_profile(raw)


def test_unknown_time_zone_is_named() -> None:
    raw = halt_raw()
    raw["calendar"]["timezone"] = "Mars/Olympus"
    with pytest.raises(InvalidProfile, match=r"calendar\.timezone"):
        parse_profile(raw)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    from halt_desk.domain.profiles import load_profile_file

    path = tmp_path / "broken.toml"
    path.write_text("name = ")
    with pytest.raises(InvalidProfile, match="profile 'broken': file: not valid TOML"):
        load_profile_file(path)


def test_suggested_priority_accepts_aliases_and_rejects_unknown_levels() -> None:
    desom = load_profile("desom")
    assert desom.suggest_priority("high", "unavailable") == "P1"
    with pytest.raises(ValueError, match="unknown impact 'huge'"):
        desom.suggest_priority("huge", "high")


# --- published profiles (documents that travel through the changes feed) -------------------

HALT_TEXT = (resources_dir() / "profiles" / "halt.toml").read_text(encoding="utf-8")


def test_a_published_document_is_parsed_under_its_name() -> None:
    text = HALT_TEXT.replace('name = "halt"', 'name = "halt-2028"', 1)
    assert resolve_profile("halt-2028", text).name == "halt-2028"


def test_without_a_document_the_built_in_profile_is_used() -> None:
    assert resolve_profile("halt", None) is load_profile("halt")


def test_a_document_that_names_another_profile_is_refused() -> None:
    with pytest.raises(InvalidProfile, match="names itself 'halt'"):
        parse_profile_text(HALT_TEXT, "halt-2028")


def test_a_document_that_is_not_toml_is_refused() -> None:
    with pytest.raises(InvalidProfile, match="not valid TOML"):
        parse_profile_text("name = ", "halt-2028")


def test_event_data_without_its_toml_text_is_refused() -> None:
    with pytest.raises(InvalidProfile, match="toml: a published profile carries its TOML text"):
        profile_document({"toml": "  "}, "halt-2028")
