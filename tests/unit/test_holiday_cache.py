"""The holiday file cache of the business calendar: the same days as the library, always."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from halt_desk.domain import holiday_cache
from halt_desk.domain.holiday_cache import cached_holidays, library_holidays

YEARS = range(2024, 2028)
EXCLUDED = frozenset({"Good Friday"})


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HALT_DESK_CACHE_DIR", str(folder))
    return folder


def _only_file(folder: Path) -> Path:
    files = list(folder.glob("holidays-NL-*.json"))
    assert len(files) == 1, files
    return files[0]


def test_the_cache_gives_the_library_s_days_and_keeps_them(cache: Path) -> None:
    expected = library_holidays("NL", YEARS, EXCLUDED)
    assert date(2027, 4, 27) in expected  # King's Day
    assert date(2026, 4, 3) not in expected  # Good Friday, excluded by the profiles
    assert cached_holidays("NL", YEARS, EXCLUDED) == expected  # a miss: asks the library
    stored = json.loads(_only_file(cache).read_text(encoding="utf-8"))
    assert stored["days"] == sorted(str(day) for day in expected)
    assert cached_holidays("NL", YEARS, EXCLUDED) == expected  # a hit


def test_a_hit_is_read_from_the_file(cache: Path) -> None:
    cached_holidays("NL", YEARS, EXCLUDED)
    path = _only_file(cache)
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["days"] = ["2026-06-01"]
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert cached_holidays("NL", YEARS, EXCLUDED) == {date(2026, 6, 1)}


def test_other_questions_have_files_of_their_own(cache: Path) -> None:
    with_friday = cached_holidays("NL", YEARS, frozenset())
    without = cached_holidays("NL", YEARS, EXCLUDED)
    assert with_friday - without == {date(y, m, d) for y, m, d in _good_fridays()}
    assert cached_holidays("NL", range(2024, 2026), EXCLUDED) == {
        day for day in without if day.year < 2026
    }
    assert len(list(cache.glob("holidays-NL-*.json"))) == 3


def _good_fridays() -> list[tuple[int, int, int]]:
    return [(2024, 3, 29), (2025, 4, 18), (2026, 4, 3), (2027, 3, 26)]


def test_a_damaged_or_stale_file_is_a_miss(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = cached_holidays("NL", YEARS, EXCLUDED)
    path = _only_file(cache)
    path.write_text("{not json", encoding="utf-8")
    assert cached_holidays("NL", YEARS, EXCLUDED) == expected
    assert json.loads(path.read_text(encoding="utf-8"))["days"]  # written again, whole
    # another installed library (an upgrade): another stamp, another file, the library asked
    monkeypatch.setattr(holiday_cache, "library_stamp", lambda: "another|1|2")
    assert cached_holidays("NL", YEARS, EXCLUDED) == expected
    assert len(list(cache.glob("holidays-NL-*.json"))) == 2


def test_a_cache_that_cannot_be_written_costs_only_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("HALT_DESK_CACHE_DIR", str(blocked / "cache"))
    assert cached_holidays("NL", YEARS, EXCLUDED) == library_holidays("NL", YEARS, EXCLUDED)
    assert not list(tmp_path.glob("**/.holidays-*"))


def test_a_calendar_from_the_cache_does_not_import_the_library(cache: Path) -> None:
    """The point of the cache: a warm start never loads `holidays` (every country)."""
    code = (
        "import sys, datetime; from halt_desk.domain.profiles import load_profile; "
        "open_day = load_profile('halt').calendar.is_business_day(datetime.date(2027, 4, 27)); "
        "print(int('holidays' in sys.modules), int(open_day))"
    )
    env = {"HALT_DESK_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert first.stdout.split() == ["1", "0"], first.stderr
    assert second.stdout.split() == ["0", "0"], second.stderr
