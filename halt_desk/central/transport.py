"""How central is reached: HTTPS (TLS 1.2 or newer, modern ciphers, optionally mutual TLS)
and which reverse proxies may name the client's address (X-Forwarded-For).

`halt-desk serve --tls-cert FILE --tls-key FILE [--tls-client-ca FILE]` builds its
`ssl.SSLContext` here (`server_context`), once to check the files before the server starts
and again in every server process (`uvicorn_options` hands uvicorn a picklable factory, so
`--workers N` works too). Plain HTTP is for loopback only, unless the operator says
`--insecure-http` (a TLS-terminating proxy in front on another host).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from halt_desk.domain.errors import HaltDeskError

#: TLS 1.2 suites: forward secrecy (ECDHE) and AEAD (AES-GCM, ChaCha20-Poly1305) only, as in
#: Mozilla's "intermediate" profile. TLS 1.3's suites are all of that kind already.
TLS12_CIPHERS = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL:!MD5:!DSS"


class TransportError(HaltDeskError):
    """A TLS file or a transport option central cannot use; names the option and the file."""


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """The server's certificate chain and key (PEM), and the CA certificates that sign the
    client certificates it requires (mutual TLS), if any."""

    cert: Path
    key: Path
    client_ca: Path | None = None


def server_context(files: TlsFiles) -> ssl.SSLContext:
    """The server side of TLS: 1.2 or newer, modern ciphers, the certificate and key of
    `files`, and with a client CA: a client certificate signed by it is required."""
    _check_pair(files)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers(TLS12_CIPHERS)
    context.options |= ssl.OP_NO_COMPRESSION | ssl.OP_NO_RENEGOTIATION
    context.set_alpn_protocols(["http/1.1"])
    try:
        context.load_cert_chain(str(files.cert), str(files.key))
    except (ssl.SSLError, OSError) as exc:
        raise TransportError(
            f"--tls-cert {files.cert} / --tls-key {files.key}: cannot use them: {_reason(exc)}"
        ) from None
    if files.client_ca is not None:
        _read_certificates("--tls-client-ca", files.client_ca)
        try:
            context.load_verify_locations(cafile=str(files.client_ca))
        except (ssl.SSLError, OSError) as exc:
            raise TransportError(
                f"--tls-client-ca {files.client_ca}: cannot use it: {_reason(exc)}"
            ) from None
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def tls_warnings(files: TlsFiles, now: datetime | None = None) -> list[str]:
    """What the operator should fix but that does not stop the server: a key file others
    may read, a certificate out of its validity period."""
    warnings: list[str] = []
    if os.name == "posix":
        mode = files.key.stat().st_mode & 0o777
        if mode & 0o077:
            warnings.append(
                f"--tls-key {files.key} can be read by group or others (mode {mode:04o}); "
                f"chmod 600 {files.key}"
            )
    now = now or datetime.now(UTC)
    leaf = _read_certificates("--tls-cert", files.cert)[0]
    if leaf.not_valid_after_utc < now:
        warnings.append(
            f"--tls-cert {files.cert} expired on {leaf.not_valid_after_utc:%Y-%m-%d %H:%M} UTC; "
            "clients will refuse it"
        )
    elif leaf.not_valid_before_utc > now:
        warnings.append(
            f"--tls-cert {files.cert} is valid only from "
            f"{leaf.not_valid_before_utc:%Y-%m-%d %H:%M} UTC; clients will refuse it until then"
        )
    return warnings


def is_loopback(host: str) -> bool:
    """True when `host` (an address, or a name resolved here) is this computer only."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return False
    addresses = {str(info[4][0]) for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def trusted_proxies(values: list[str] | None) -> list[str]:
    """The peers whose X-Forwarded-For central believes (`--trusted-proxy`, an address or a
    network such as 10.0.0.0/24), normalised; TransportError for anything else."""
    networks: list[str] = []
    for value in values or ():
        text = value.strip()
        try:
            if "/" in text:
                networks.append(str(ipaddress.ip_network(text, strict=False)))
            else:
                networks.append(str(ipaddress.ip_address(text)))
        except ValueError:
            raise TransportError(
                f"--trusted-proxy {value!r}: not an IP address or network (e.g. 10.0.0.5, "
                "10.0.0.0/24); central trusts the forwarded-for header from those peers only"
            ) from None
    return networks


def uvicorn_options(tls: TlsFiles | None, proxies: list[str]) -> dict[str, Any]:
    """uvicorn's settings for TLS and forwarded headers. The context is built in each
    server process by a picklable factory (processes of `--workers` are spawned); the
    forwarded-for header counts only from `proxies` (by default from nobody, not uvicorn's
    127.0.0.1: the audit log's address must not be what a local program claims)."""
    options: dict[str, Any] = {
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": ",".join(proxies) if proxies else "",
    }
    if tls is not None:
        options["ssl_context_factory"] = partial(_uvicorn_context, tls)
    return options


def _uvicorn_context(files: TlsFiles, _config: object, _default: object) -> ssl.SSLContext:
    return server_context(files)


def _check_pair(files: TlsFiles) -> None:
    """Readable PEM files, an unencrypted key, and a key that belongs to the certificate:
    each said in words (OpenSSL's own errors name none of it)."""
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        PublicFormat,
        load_pem_private_key,
    )

    leaf = _read_certificates("--tls-cert", files.cert)[0]
    data = _read("--tls-key", files.key)
    try:
        key = load_pem_private_key(data, password=None)
    except TypeError:
        raise TransportError(
            f"--tls-key {files.key}: the key is encrypted; give it unencrypted, readable "
            "only by the server's account (chmod 600)"
        ) from None
    except ValueError:
        raise TransportError(f"--tls-key {files.key}: not a PEM private key") from None
    spki = Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(*spki) != leaf.public_key().public_bytes(*spki):
        raise TransportError(
            f"--tls-key {files.key} does not belong to the certificate in --tls-cert {files.cert}"
        )


def _read_certificates(option: str, path: Path) -> list[Any]:
    from cryptography.x509 import load_pem_x509_certificates

    data = _read(option, path)
    try:
        return load_pem_x509_certificates(data)
    except ValueError:
        raise TransportError(f"{option} {path}: no PEM certificate in it") from None


def _read(option: str, path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TransportError(f"{option} {path}: cannot read it: {exc.strerror or exc}") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError):
        return str(exc.reason or exc.strerror or exc)
    if isinstance(exc, OSError):
        return str(exc.strerror or exc)
    return str(exc)
