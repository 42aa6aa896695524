"""A real OpenID Connect provider for the tests, on 127.0.0.1 over HTTPS with a CA the test
makes: the parts of Entra ID that HALT Desk uses. OpenID discovery at
`{authority}/v2.0/.well-known/openid-configuration` (where MSAL looks for a custom
authority), the JWKS, the device-code flow (RFC 8628: a user approves the code, as in the
browser), refresh tokens, and RS256 access tokens with Entra's claims. Keys rotate on
request; the JWKS fetches are counted."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import ipaddress
import json
import secrets
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

TENANT = "7d2c6a4e-0000-4000-8000-00000000a1b2"
CLIENT_ID = "3f6b1a77-0000-4000-8000-0000000d35c0"
AUDIENCE = "api://halt-desk-central"
SCOPE = f"{AUDIENCE}/access_as_user"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_ca_and_server_cert(folder: Path) -> tuple[Path, Path, Path]:
    """A test CA and a certificate for 127.0.0.1 signed by it: (ca.pem, cert.pem, key.pem)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("HALT test CA"))
        .issuer_name(_name("HALT test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "idp-cert.pem", folder / "idp-key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@dataclass
class SigningKey:
    kid: str
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )

    def jwk(self) -> dict[str, Any]:
        data = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {**data, "kid": self.kid, "use": "sig", "alg": "RS256"}


@dataclass
class DeviceCode:
    user_code: str
    claims: dict[str, Any] | None = None  # set when the user approved


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class OidcProvider:
    """The provider; `authority` is what MSAL and the central are pointed at."""

    def __init__(self, folder: Path) -> None:
        self.ca, cert, key = make_ca_and_server_cert(folder)
        self.keys = [SigningKey("key-1")]
        self.jwks_fetches = 0
        self.devices: dict[str, DeviceCode] = {}
        self.refresh_tokens: dict[str, dict[str, Any]] = {}
        self.token_lifetime = 3600
        self.refreshes = 0  # tokens handed out for a refresh token (silent renewal)
        #: Who signs in in the browser (the authorization endpoint), and the codes given.
        self.browser_claims: dict[str, Any] | None = None
        self.codes: dict[str, tuple[dict[str, Any], str, str, str | None]] = {}
        self.pkce_verified = 0
        self._lock = threading.Lock()
        provider = self

        class Handler(_Handler):
            owner = provider

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.base = f"https://127.0.0.1:{self.port}/{TENANT}"
        self.authority = self.base  # MSAL's authority
        self.issuer = f"{self.base}/v2.0"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> OidcProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # what the tenant's administrator and users do

    def rotate(self) -> SigningKey:
        """A new signing key; the old one leaves the JWKS."""
        with self._lock:
            new = SigningKey(f"key-{len(self.keys) + 1}-{secrets.token_hex(2)}")
            self.keys = [new]
            return new

    def claims_for(self, user: str, roles: list[str] | None = None, **extra: Any) -> dict[str, Any]:
        now = int(time.time())
        return {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "iat": now,
            "nbf": now,
            "exp": now + self.token_lifetime,
            "tid": TENANT,
            "oid": f"oid-{user}",
            "sub": f"sub-{user}",
            "preferred_username": user,
            "roles": ["Agent"] if roles is None else roles,
            "scp": "access_as_user",
            **extra,
        }

    def mint(self, claims: dict[str, Any], *, key: SigningKey | None = None, **headers: Any) -> str:
        signer = key or self.keys[0]
        return jwt.encode(
            claims, signer.key, algorithm="RS256", headers={"kid": signer.kid, **headers}
        )

    def approve(self, user_code: str, claims: dict[str, Any]) -> None:
        """The user enters `user_code` in a browser and signs in as `claims` says."""
        with self._lock:
            for device in self.devices.values():
                if device.user_code == user_code:
                    device.claims = claims
                    return
        raise KeyError(user_code)

    def pending_user_codes(self) -> list[str]:
        with self._lock:
            return [d.user_code for d in self.devices.values() if d.claims is None]

    # the endpoints

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{self.base}/oauth2/v2.0/token",
            "device_authorization_endpoint": f"{self.base}/oauth2/v2.0/devicecode",
            "jwks_uri": f"{self.base}/discovery/v2.0/keys",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def jwks(self) -> dict[str, Any]:
        with self._lock:
            self.jwks_fetches += 1
            return {"keys": [k.jwk() for k in self.keys]}

    def device_code(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        code = secrets.token_urlsafe(16)
        user_code = secrets.token_hex(4).upper()
        with self._lock:
            self.devices[code] = DeviceCode(user_code)
        uri = f"https://127.0.0.1:{self.port}/devicelogin"
        return 200, {
            "device_code": code,
            "user_code": user_code,
            "verification_uri": uri,
            "expires_in": 900,
            "interval": 1,
            "message": f"To sign in, open {uri} and enter the code {user_code}.",
        }

    def authorize(self, query: dict[str, str]) -> tuple[int, str]:
        """The browser's sign-in: straight back to the app's loopback address with a code
        (the user is `browser_claims`), as a redirect or (response_mode=form_post, what
        MSAL asks for) a page that posts it there. Only PKCE with S256 and a loopback
        redirect. Returns (status, Location or page)."""
        redirect = query.get("redirect_uri", "")
        challenge = query.get("code_challenge", "")
        if (
            self.browser_claims is None
            or query.get("code_challenge_method") != "S256"
            or not challenge
            or not redirect.startswith(("http://localhost", "http://127.0.0.1"))
        ):
            return 400, ""
        code = secrets.token_urlsafe(16)
        with self._lock:
            self.codes[code] = (self.browser_claims, challenge, redirect, query.get("nonce"))
        back = {"code": code, "state": query.get("state", "")}
        if query.get("response_mode") == "form_post":
            fields = "".join(
                f'<input type="hidden" name="{k}" value="{html.escape(v)}">'
                for k, v in back.items()
            )
            page = f'<form method="post" action="{html.escape(redirect)}">{fields}</form>'
            return 200, page + "<script>document.forms[0].submit()</script>"
        return 302, f"{redirect}?{urllib.parse.urlencode(back)}"

    def _code_grant(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            given = self.codes.pop(form.get("code", ""), None)
        if given is None:
            return 400, {"error": "invalid_grant"}
        claims, challenge, redirect, nonce = given
        verifier = form.get("code_verifier", "")
        if _b64(hashlib.sha256(verifier.encode()).digest()) != challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE check failed"}
        if form.get("redirect_uri") != redirect:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        self.pkce_verified += 1
        return 200, self._tokens(claims, nonce)

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        grant = form.get("grant_type", "")
        if grant == "authorization_code":
            return self._code_grant(form)
        if grant == "urn:ietf:params:oauth:grant-type:device_code":
            with self._lock:
                device = self.devices.get(form.get("device_code", ""))
            if device is None:
                return 400, {"error": "expired_token"}
            if device.claims is None:
                return 400, {"error": "authorization_pending"}
            return 200, self._tokens(device.claims)
        if grant == "refresh_token":
            with self._lock:
                claims = self.refresh_tokens.pop(form.get("refresh_token", ""), None)
            if claims is None:
                return 400, {"error": "invalid_grant"}
            self.refreshes += 1
            return 200, self._tokens(claims)
        return 400, {"error": "unsupported_grant_type"}

    def _tokens(self, claims: dict[str, Any], nonce: str | None = None) -> dict[str, Any]:
        now = int(time.time())
        fresh = {**claims, "iat": now, "nbf": now, "exp": now + self.token_lifetime}
        refresh = secrets.token_urlsafe(24)
        with self._lock:
            self.refresh_tokens[refresh] = claims
        id_claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 3600,
            "tid": TENANT,
            "oid": claims["oid"],
            "sub": claims["sub"],
            "preferred_username": claims["preferred_username"],
            "name": claims["preferred_username"],
            **({"nonce": nonce} if nonce else {}),
        }
        client_info = {"uid": claims["oid"], "utid": TENANT}
        return {
            "token_type": "Bearer",
            "scope": f"{SCOPE} openid profile offline_access",
            "expires_in": self.token_lifetime,
            "access_token": self.mint(fresh),
            "refresh_token": refresh,
            "id_token": self.mint(id_claims),
            "client_info": _b64(json.dumps(client_info).encode()),
        }


class _Handler(BaseHTTPRequestHandler):
    owner: OidcProvider

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        base = f"/{TENANT}"
        if path == f"{base}/v2.0/.well-known/openid-configuration":
            self._send(200, self.owner.discovery())
        elif path == f"{base}/discovery/v2.0/keys":
            self._send(200, self.owner.jwks())
        elif path == f"{base}/oauth2/v2.0/authorize":
            query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
            status, answer = self.owner.authorize(query)
            page = answer.encode() if status == 200 else b""
            self.send_response(status)
            if status == 302:
                self.send_header("Location", answer)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
        else:
            self._send(404, {"error": "not_found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        path = urllib.parse.urlsplit(self.path).path
        if path == f"/{TENANT}/oauth2/v2.0/devicecode":
            self._send(*self.owner.device_code(form))
        elif path == f"/{TENANT}/oauth2/v2.0/token":
            self._send(*self.owner.token(form))
        else:
            self._send(404, {"error": "not_found"})
