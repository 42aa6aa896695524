"""Machine-wide configuration (IT, at install time) under each user's own settings."""

from __future__ import annotations

from pathlib import Path, PureWindowsPath

import pytest

from halt_desk.config import POSIX_PATH, machine_config_path
from halt_desk.sync import (
    SettingsError,
    SyncSettings,
    effective_settings,
    load_settings,
    machine_settings,
)
from halt_desk.sync.settings import save_settings


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


MACHINE = """
[sync]
server = "https://desk.example.nl:8765/"
organisation = "halt"
ca_bundle = "ca.pem"
client_cert = "/etc/halt-desk/client.pem"
"""


def test_windows_keeps_it_in_programdata() -> None:
    path = machine_config_path("win32", {"PROGRAMDATA": r"D:\ProgramData"})
    assert PureWindowsPath(str(path)) == PureWindowsPath(r"D:\ProgramData\HALT Desk\config.toml")


def test_windows_without_programdata_uses_the_default_folder() -> None:
    path = machine_config_path("win32", {})
    assert PureWindowsPath(str(path)) == PureWindowsPath(r"C:\ProgramData\HALT Desk\config.toml")


def test_linux_and_macos_keep_it_in_etc() -> None:
    assert machine_config_path("linux", {}) == Path("/etc/halt-desk/config.toml")
    assert machine_config_path("darwin", {}) == Path(POSIX_PATH)


def test_the_environment_variable_names_another_file(tmp_path: Path) -> None:
    env = {"HALT_DESK_MACHINE_CONFIG": str(tmp_path / "x.toml"), "PROGRAMDATA": "C:\\P"}
    assert machine_config_path("win32", env) == tmp_path / "x.toml"


def test_no_machine_file_means_no_machine_settings(tmp_path: Path) -> None:
    assert machine_settings(tmp_path / "absent.toml") == SyncSettings()


def test_machine_settings_are_read_and_relative_paths_sit_next_to_the_file(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "machine" / "config.toml", MACHINE)
    assert machine_settings(path) == SyncSettings(
        server="https://desk.example.nl:8765",
        organisation="halt",
        ca_bundle=tmp_path / "machine" / "ca.pem",
        client_cert=Path("/etc/halt-desk/client.pem"),
    )


def test_the_default_location_is_the_environment_variable(tmp_path: Path) -> None:
    # tests/conftest.py points HALT_DESK_MACHINE_CONFIG at a file of this test's own.
    import os

    write(Path(os.environ["HALT_DESK_MACHINE_CONFIG"]), MACHINE)
    assert machine_settings().organisation == "halt"
    assert effective_settings().server == "https://desk.example.nl:8765"


def test_the_users_own_settings_win_setting_by_setting(tmp_path: Path) -> None:
    machine = write(tmp_path / "machine.toml", MACHINE)
    user = tmp_path / "settings.toml"
    save_settings(SyncSettings(server="https://test-desk.example.nl", user="jan"), user)
    settings = effective_settings(user, machine)
    assert settings.server == "https://test-desk.example.nl"  # the user's
    assert settings.user == "jan"
    assert settings.organisation == "halt"  # the machine's: the user set none
    assert settings.ca_bundle == tmp_path / "ca.pem"
    assert settings.client_cert == Path("/etc/halt-desk/client.pem")


def test_a_user_may_override_the_organisation_too(tmp_path: Path) -> None:
    machine = write(tmp_path / "machine.toml", MACHINE)
    user = write(tmp_path / "settings.toml", '[sync]\norganisation = "desom"\n')
    assert effective_settings(user, machine).organisation == "desom"


def test_without_a_user_file_the_machine_settings_apply(tmp_path: Path) -> None:
    machine = write(tmp_path / "machine.toml", MACHINE)
    settings = effective_settings(tmp_path / "no-settings.toml", machine)
    assert settings.server == "https://desk.example.nl:8765"
    assert settings.user is None


@pytest.mark.parametrize(
    ("text", "setting"),
    [
        ('[sync]\nuser = "jan"\n', "sync.user"),  # a person, not a machine
        ('[sync]\ntoken = "secret"\n', "sync.token"),  # never secrets in a config file
        ('[sync]\nserver = "http://desk.example.nl"\n', "sync.server"),
        ('[sync]\norganisation = ""\n', "sync.organisation"),
        ("sync = 3\n", "sync"),
        ("[sync\n", "file"),
    ],
)
def test_a_malformed_machine_file_is_refused_naming_file_and_setting(
    tmp_path: Path, text: str, setting: str
) -> None:
    path = write(tmp_path / "config.toml", text)
    with pytest.raises(SettingsError) as caught:
        machine_settings(path)
    assert caught.value.path == str(path)
    assert caught.value.setting == setting


def test_saving_the_users_settings_never_copies_the_machines(tmp_path: Path) -> None:
    machine = write(tmp_path / "machine.toml", MACHINE)
    user = tmp_path / "settings.toml"
    save_settings(SyncSettings(user="jan"), user)
    assert "desk.example.nl" not in user.read_text(encoding="utf-8")
    assert effective_settings(user, machine).server == "https://desk.example.nl:8765"


def test_a_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    # Inno Setup's SaveStringsToUTF8File and older Notepad write UTF-8 with a BOM.
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MACHINE.encode("utf-8"))
    assert machine_settings(path).server == "https://desk.example.nl:8765"


def test_windows_paths_as_the_installer_escapes_them(tmp_path: Path) -> None:
    # halt-desk.iss doubles every backslash (a TOML basic string).
    text = '[sync]\nclient_cert = "C:\\\\ProgramData\\\\HALT Desk\\\\client.pem"\n'
    path = write(tmp_path / "config.toml", text)
    # (load_settings: the machine reader would read this non-POSIX path as relative here)
    assert str(load_settings(path).client_cert) == r"C:\ProgramData\HALT Desk\client.pem"
