"""The pieces of `serve`'s transport that need no server: what counts as loopback, trusted
proxies, the TLS context's floor, warnings about the key and the certificate, uvicorn's
options (picklable, for `--workers`), and the client's check of its own TLS files."""

from __future__ import annotations

import os
import pickle
import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from halt_desk.central.transport import (
    TlsFiles,
    TransportError,
    is_loopback,
    server_context,
    tls_warnings,
    trusted_proxies,
    uvicorn_options,
)
from halt_desk.sync.errors import SettingsError
from halt_desk.sync.settings import SyncSettings
from tests.tls_certs import TestCA


@pytest.fixture
def files(tmp_path: Path) -> TlsFiles:
    ca = TestCA(tmp_path, "halt")
    server = ca.server()
    return TlsFiles(server.cert, server.key, ca.cert_path)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_addresses(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5", "192.0.2.1", "no-such-host.invalid"])
def test_addresses_other_computers_may_reach(host: str) -> None:
    assert not is_loopback(host)


def test_trusted_proxies_are_addresses_or_networks() -> None:
    assert trusted_proxies(["10.0.0.5", " 10.1.2.3/24", "::1"]) == [
        "10.0.0.5",
        "10.1.2.0/24",
        "::1",
    ]
    assert trusted_proxies(None) == []
    for wrong in ("*", "nginx", "10.0.0.300"):
        with pytest.raises(TransportError, match="--trusted-proxy"):
            trusted_proxies([wrong])


def test_no_forwarded_header_is_believed_without_a_trusted_proxy() -> None:
    assert uvicorn_options(None, []) == {"proxy_headers": False, "forwarded_allow_ips": ""}
    options = uvicorn_options(None, ["10.0.0.5", "10.0.1.0/24"])
    assert options == {"proxy_headers": True, "forwarded_allow_ips": "10.0.0.5,10.0.1.0/24"}


def test_the_context_factory_survives_pickling_for_spawned_workers(files: TlsFiles) -> None:
    factory = pickle.loads(pickle.dumps(uvicorn_options(files, [])["ssl_context_factory"]))
    context = factory(None, None)
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED


def test_the_context_is_tls_1_2_or_newer_with_forward_secret_aead_suites(
    files: TlsFiles,
) -> None:
    context = server_context(TlsFiles(files.cert, files.key))
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert context.verify_mode == ssl.CERT_NONE  # no client CA: no client certificate asked
    tls12 = [c for c in context.get_ciphers() if c["protocol"] == "TLSv1.2"]
    assert tls12 and all(c["kea"] == "kx-ecdhe" and c["aead"] for c in tls12)


def test_a_key_others_can_read_is_warned_about(files: TlsFiles) -> None:
    assert tls_warnings(files) == []
    os.chmod(files.key, 0o644)
    (warning,) = tls_warnings(files)
    assert "mode 0644" in warning and f"chmod 600 {files.key}" in warning


def test_an_expired_certificate_is_warned_about(files: TlsFiles) -> None:
    later = datetime.now(UTC) + timedelta(days=60)
    (warning,) = tls_warnings(files, now=later)
    assert "expired on" in warning
    earlier = datetime.now(UTC) - timedelta(days=1)
    (warning,) = tls_warnings(files, now=earlier)
    assert "valid only from" in warning


def test_the_client_names_a_tls_file_it_cannot_read(tmp_path: Path, files: TlsFiles) -> None:
    with pytest.raises(SettingsError, match=r"ca_bundle: .*missing\.pem: no such file"):
        SyncSettings(ca_bundle=tmp_path / "missing.pem").tls()
    with pytest.raises(SettingsError, match="client_cert"):
        SyncSettings(ca_bundle=files.client_ca, client_cert=tmp_path / "gone.pem").tls()
    tls = SyncSettings(ca_bundle=files.client_ca).tls()
    assert tls.ca_bundle == files.client_ca
