"""The Entra ID settings of the central (`serve --entra-config`) and of the desk (the
machine configuration's [sso] table): what they accept, what they refuse, and the JWT test
that sends a Bearer to the Entra check rather than to the CLI tokens."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from halt_desk.central.auth import new_token
from halt_desk.central.entra import (
    EntraConfigError,
    EntraSettings,
    load_entra_settings,
    looks_like_jwt,
)
from halt_desk.sync.errors import SettingsError
from halt_desk.sync.sso import ENTRA_LOGIN, SsoConfig, sso_config

TENANT = "0c5c0000-0000-4000-8000-000000000001"


def test_a_tenant_gives_the_issuers_and_the_key_discovery() -> None:
    settings = EntraSettings.from_mapping({"tenant_id": TENANT, "audiences": "api://halt"})
    assert settings.issuers == (
        f"{ENTRA_LOGIN}/{TENANT}/v2.0",
        f"https://sts.windows.net/{TENANT}/",
    )
    assert settings.authority == f"{ENTRA_LOGIN}/{TENANT}/v2.0"
    assert settings.audiences == ("api://halt",)
    assert (settings.leeway, settings.name_claim, settings.org_claim) == (
        60,
        "preferred_username",
        None,
    )


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"audiences": ["api://halt"]}, "tenant_id, or issuers"),
        ({"tenant_id": TENANT}, "audiences"),
        ({"tenant_id": TENANT, "audiences": [""]}, "audiences"),
        ({"tenant_id": TENANT, "audiences": "a", "groups": {"g": 1}}, "groups"),
        ({"issuers": ["https://x/"], "audiences": "a"}, "authority or jwks_uri"),
        ({"tenant_id": 7, "audiences": "a"}, "tenant_id"),
    ],
)
def test_what_the_central_refuses(raw: dict[str, object], problem: str) -> None:
    with pytest.raises(EntraConfigError, match=problem):
        EntraSettings.from_mapping(raw)


def test_the_file_and_a_relative_ca(tmp_path: Path) -> None:
    path = tmp_path / "entra.toml"
    path.write_text(
        f'[entra]\ntenant_id = "{TENANT}"\naudiences = ["api://halt"]\nca_bundle = "ca.pem"\n'
        '[entra.groups]\n"g1" = "halt"\n',
        encoding="utf-8",
    )
    settings = load_entra_settings(path)
    assert settings.ca_bundle == tmp_path / "ca.pem" and settings.groups == {"g1": "halt"}
    path.write_text("[sync]\n", encoding="utf-8")
    with pytest.raises(EntraConfigError, match=r"no \[entra\] table"):
        load_entra_settings(path)
    with pytest.raises(EntraConfigError, match="cannot read"):
        load_entra_settings(tmp_path / "missing.toml")


def test_serve_stops_on_a_bad_entra_config(tmp_path: Path) -> None:
    bad = tmp_path / "entra.toml"
    bad.write_text("[entra]\naudiences = []\n", encoding="utf-8")
    exe = Path(sys.executable).with_name("halt-desk")
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    run = subprocess.run(
        [str(exe), "serve", "--db", db, "--entra-config", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode != 0 and "tenant_id, or issuers" in run.stderr
    assert "Traceback" not in run.stderr


def test_cli_tokens_are_not_jwts() -> None:
    assert not any(looks_like_jwt(new_token()) for _ in range(200))
    assert looks_like_jwt("eyJhbGciOiJSUzI1NiJ9.eyJ9.c2ln")


def test_the_machine_sso_table(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert sso_config(path) is None  # no file
    path.write_text('[sync]\nserver = "https://desk.example.nl"\n', encoding="utf-8")
    assert sso_config(path) is None  # no [sso] table: no Entra ID sign-in
    path.write_text(
        f'[sso]\ntenant = "{TENANT}"\nclient_id = "app"\n'
        'scopes = "api://halt/access_as_user"\nca_bundle = "idp.pem"\n',
        encoding="utf-8",
    )
    config = sso_config(path)
    assert config == SsoConfig(
        f"{ENTRA_LOGIN}/{TENANT}", "app", ("api://halt/access_as_user",), tmp_path / "idp.pem"
    )
    assert config.entra  # Microsoft's own: instance discovery and validation stay on
    assert not SsoConfig("https://127.0.0.1:9/t", "app", ("s",)).entra


@pytest.mark.parametrize(
    ("table", "setting"),
    [
        ('client_id = "a"\nscopes = ["s"]', "sso.tenant"),
        ('authority = "http://idp/t"\nclient_id = "a"\nscopes = ["s"]', "sso.tenant"),
        ('tenant = "t"\nscopes = ["s"]', "sso.client_id"),
        ('tenant = "t"\nclient_id = "a"', "sso.scopes"),
        ('tenant = "t"\nclient_id = "a"\nscopes = []', "sso.scopes"),
    ],
)
def test_what_the_machine_sso_table_refuses(tmp_path: Path, table: str, setting: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[sso]\n{table}\n", encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        sso_config(path)
    assert caught.value.setting == setting
