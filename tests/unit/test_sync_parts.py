"""Sync parts without a server: clock offset estimation, token stores, settings, reading
an answer of central."""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from halt_desk.sync import (
    CredentialStoreError,
    EncryptedFileTokens,
    KeychainTokens,
    ServerUnreachable,
    SettingsError,
    SyncSettings,
    load_settings,
    open_token_store,
    save_settings,
)
from halt_desk.sync.client import CentralClient, RawAnswer
from halt_desk.sync.clock import ServerClock, describe_offset, estimate_offset, parse_http_date

T0 = datetime(2027, 1, 12, 10, 0, 0, tzinfo=UTC)


# --- clock ---------------------------------------------------------------------------------


def test_a_date_header_consistent_with_the_device_keeps_the_offset_at_zero() -> None:
    sent, received = T0, T0 + timedelta(milliseconds=80)
    assert estimate_offset(T0 - timedelta(seconds=1), sent, received, timedelta(0)) == timedelta(0)


def test_a_slow_device_gets_the_middle_of_the_possible_range() -> None:
    sent, received = T0, T0 + timedelta(milliseconds=100)
    server = T0 + timedelta(minutes=10)
    offset = estimate_offset(server, sent, received, timedelta(0))
    # central − device lies in [server − received, server + 2 s − sent].
    assert timedelta(minutes=10) - timedelta(milliseconds=100) <= offset
    assert offset <= timedelta(minutes=10, seconds=2)


def test_http_dates_are_parsed_and_garbage_is_ignored() -> None:
    assert parse_http_date("Tue, 12 Jan 2027 09:00:00 GMT") == T0 - timedelta(hours=1)
    assert parse_http_date("yesterday") is None
    assert parse_http_date(None) is None


def test_a_clock_takes_the_offset_from_an_answer_and_warns_past_two_minutes() -> None:
    clock = ServerClock(lambda: T0)
    clock.observe("Tue, 12 Jan 2027 10:05:00 GMT", T0, T0)
    assert timedelta(minutes=5) <= clock.offset() <= timedelta(minutes=5, seconds=2)
    assert clock.warning and clock.now() - T0 == clock.offset()
    assert describe_offset(timedelta(minutes=5, seconds=1)) == "5 min 1 s behind central"
    assert describe_offset(timedelta(seconds=-3)) == "3 s ahead of central"


# --- tokens --------------------------------------------------------------------------------


class MemoryKeyring(KeyringBackend):
    priority = 5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


def test_the_system_keychain_is_used_when_there_is_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = MemoryKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    tokens = open_token_store(path=tmp_path / "credentials.enc")
    assert isinstance(tokens, KeychainTokens) and not tokens.is_fallback
    tokens.set("https://desk.example", "tok")
    assert backend.entries == {("halt-desk", "https://desk.example"): "tok"}
    assert not (tmp_path / "credentials.enc").exists()


def test_without_a_keychain_the_encrypted_file_is_used_and_announced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    with caplog.at_level(logging.WARNING):
        tokens = open_token_store(path=tmp_path / "c.enc", passphrase=lambda: "pw")
    assert isinstance(tokens, EncryptedFileTokens) and tokens.is_fallback
    assert "no system keychain" in caplog.text and "encrypted file" in caplog.text


def test_the_encrypted_file_round_trips_and_holds_no_plaintext(tmp_path: Path) -> None:
    path = tmp_path / "c.enc"
    EncryptedFileTokens(path, lambda: "pw").set("https://desk.example", "secret-token-xyz")
    assert b"secret-token-xyz" not in path.read_bytes()
    assert os.stat(path).st_mode & 0o077 == 0
    assert EncryptedFileTokens(path, lambda: "pw").get("https://desk.example") == "secret-token-xyz"
    with pytest.raises(CredentialStoreError, match="wrong passphrase"):
        EncryptedFileTokens(path, lambda: "other").get("https://desk.example")
    with pytest.raises(CredentialStoreError, match="no passphrase"):
        EncryptedFileTokens(path, lambda: None).get("https://desk.example")


# --- settings ------------------------------------------------------------------------------


def test_settings_round_trip_without_secrets(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    settings = SyncSettings().with_server("https://desk.example:8765/", "jan")
    save_settings(settings, path)
    assert load_settings(path) == SyncSettings(server="https://desk.example:8765", user="jan")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://desk", r"not an http\(s\) URL"),
        ("http://desk.example", "only allowed to this computer"),
        ("https://user:pw@desk.example", "only scheme"),
    ],
)
def test_a_bad_server_url_is_refused(url: str, problem: str) -> None:
    with pytest.raises(SettingsError, match=problem):
        SyncSettings().with_server(url, None)


def test_a_client_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    key = tmp_path / "client.key"
    key.write_text("key")
    key.chmod(0o644)
    (tmp_path / "c.pem").write_text("cert")
    with pytest.raises(SettingsError, match="chmod 600"):
        SyncSettings(client_cert=tmp_path / "c.pem", client_key=key).tls()
    key.chmod(0o600)
    assert SyncSettings(client_cert=tmp_path / "c.pem", client_key=key).tls().client_key == key


def test_a_malformed_settings_file_names_the_setting(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("[sync]\nserver = 5\n")
    with pytest.raises(SettingsError, match=r"sync\.server"):
        load_settings(path)


# --- answers of central ----------------------------------------------------------------------


def changes_answer(body: bytes) -> RawAnswer:
    return RawAnswer("changes", 200, None, body, T0, T0)


def test_a_page_of_changes_keeps_an_integer_beyond_64_bits_exact() -> None:
    # orjson would read it as a float; the event would then differ from central's copy.
    event = {
        "id": "7d4f2d8e-3c1b-4b7a-9f5e-2a6c8b1d0e3f",
        "stream": "ticket:T1",
        "type": "comment",
        "at": "2027-01-12T10:00:00+01:00",
        "actor": "agent",
        "data": {"text": "serial", "number": 2**70, "small": 12},
        "seq": 7,
    }
    body = json.dumps({"events": [event], "next": 7, "more": False}).encode()
    with CentralClient("http://127.0.0.1:9", "token") as client:
        page = client.read_changes(changes_answer(body))
    ((seq, read),) = page.events
    assert seq == 7 and read.data == {"text": "serial", "number": 2**70, "small": 12}
    assert (page.next, page.more) == (7, False)


def test_a_cut_off_page_of_changes_is_a_transient_failure() -> None:
    body = json.dumps({"events": [], "next": 0, "more": False}).encode()[:-3]
    with CentralClient("http://127.0.0.1:9", "token") as client, pytest.raises(ServerUnreachable):
        client.read_changes(changes_answer(body))
