"""Files with personal data or secrets are only for their owner (defect 6 of issue 17): the
local cache and the central SQLite database with their -wal and -shm, a cache backup, the
encrypted token file and the settings are 0600, in 0700 folders; existing ones are
tightened when opened. POSIX only."""

from __future__ import annotations

import os
import stat
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from halt_desk.central.auth import Role, User
from halt_desk.central.service import Central
from halt_desk.paths import private_dir, user_data_dir
from halt_desk.store import Store
from halt_desk.store.schema import backup_database
from halt_desk.sync.credentials import EncryptedFileTokens
from halt_desk.sync.settings import SyncSettings, config_dir, save_settings

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def sqlite_files(path: Path) -> dict[str, int]:
    """The mode of the database and of each file SQLite keeps beside it."""
    found = {path.name: mode(path)}
    for suffix in ("-wal", "-shm", "-journal"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            found[companion.name] = mode(companion)
    return found


@pytest.fixture(autouse=True)
def open_umask() -> object:
    """The usual umask (022), under which files come out 0644 unless made private."""
    old = os.umask(0o022)
    yield None
    os.umask(old)


def test_a_new_cache_is_0600_in_a_0700_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "cache.sqlite3"
    with Store.open(path):
        files = sqlite_files(path)
        assert {f"{path.name}-wal", f"{path.name}-shm"} <= files.keys()  # WAL in use
        assert set(files.values()) == {0o600}, files
    assert mode(path.parent) == 0o700


def test_an_existing_cache_and_its_wal_are_tightened_on_open(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    Store.open(path).close()
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        name.touch()
        name.chmod(0o644)
    with Store.open(path):
        assert set(sqlite_files(path).values()) == {0o600}


def test_a_cache_backup_is_0600(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    Store.open(path).close()
    path.chmod(0o644)
    backup = backup_database(path, "r1")
    assert mode(backup) == 0o600


def test_the_central_database_in_the_data_folder_is_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    monkeypatch.setenv("HALT_DESK_DATA_DIR", str(data))
    with Central.open() as central:  # the default: central.sqlite3 in the data folder
        admin = User(1, "admin", Role.ADMIN, None)
        event = {
            "id": str(uuid.uuid4()),
            "stream": "org:halt",
            "type": "organisation_registered",
            "at": datetime(2027, 1, 5, tzinfo=UTC).isoformat(),
            "actor": "test",
            "data": {"name": "Halt", "profile": "halt"},
        }
        assert central.record(admin, [event], "127.0.0.1")[0].status == "accepted"
        files = sqlite_files(data / "central.sqlite3")
        assert "central.sqlite3-wal" in files and set(files.values()) == {0o600}, files
    assert mode(data) == 0o700  # the data folder was tightened
    assert mode(data / "central.sqlite3-writer.lock") == 0o600


def test_the_data_and_config_folders_are_tightened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, config = tmp_path / "data", tmp_path / "config"
    for folder in (data, config):
        folder.mkdir()
        folder.chmod(0o755)
    monkeypatch.setenv("HALT_DESK_DATA_DIR", str(data))
    monkeypatch.setenv("HALT_DESK_CONFIG_DIR", str(config))
    assert user_data_dir() == data and mode(data) == 0o700
    assert config_dir() == config and mode(config) == 0o700
    saved = save_settings(SyncSettings(server="https://central.example", user="agent"))
    assert saved.parent == config and mode(saved) == 0o600


def test_a_chosen_existing_folder_is_left_alone_and_a_shared_one_never_tightened(
    tmp_path: Path,
) -> None:
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    chosen.chmod(0o755)
    with Store.open(chosen / "cache.sqlite3"):
        assert mode(chosen / "cache.sqlite3") == 0o600
    assert mode(chosen) == 0o755  # someone chose it: theirs to set
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # like /tmp
    private_dir(shared, tighten=True)
    assert mode(shared) == 0o1777


def test_the_encrypted_token_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "tokens.json"
    tokens = EncryptedFileTokens(path, lambda: "geheim wachtwoord")
    tokens.set("https://central.example", "token-1")
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    path.chmod(0o644)
    assert (
        EncryptedFileTokens(path, lambda: "geheim wachtwoord").get("https://central.example")
        == "token-1"
    )
    assert mode(path) == 0o600
