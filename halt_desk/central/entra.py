"""Microsoft Entra ID access tokens at the central: who sent a Bearer that is a JWT.

A token is trusted when PyJWT verifies it: an RS256 signature (no other `alg`, never
`none`) by a key of the tenant's JWKS, the configured issuer and audience (the central's
application ID URI), and `exp`/`nbf` with LEEWAY. The key set is fetched once and kept;
a token signed by a key id the set does not hold fetches it again (the tenant rotated its
keys), at most once per `jwks_min_refresh_seconds`, so forged key ids cannot make the
central hammer the tenant. A checked token is remembered until it expires (at most
CHECKED_SECONDS), so a push with it costs no signature check.

Who the user is:

* role: the token's app roles (`roles` claim: Agent, Field, Logistics, Regie, Admin) map
  to HALT roles; with several, the first of ROLE_ORDER; none of them: 403.
* organisations: the values of `org_claim` (a string or a list of names) and the
  organisations that `groups` maps the token's group ids to; "*" means the provider (every
  organisation). When neither is configured, every signed-in user is the provider's.
  When one is configured and the token maps to nothing: 403.
* name (the `actor` of the events recorded): `name_claim` (default preferred_username,
  then upn, then oid), in lower case. A user renamed in Entra records under the new name;
  `name_claim = "oid"` keeps it stable for ever, at the cost of readable names.

The configuration is a TOML file (`halt-desk serve --entra-config FILE`):

    [entra]
    tenant_id = "0c5c…"                    # gives authority and issuers below
    audiences = ["api://halt-desk-central"]
    org_claim = "halt_orgs"                # optional
    [entra.groups]                         # optional: group object id → organisation
    "6f0f…" = "gemeente-a"
    "9a1b…" = "*"
"""

from __future__ import annotations

import logging
import os
import threading
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
import requests

from halt_desk.central.auth import NotAllowed, Role, User, token_hash
from halt_desk.domain.errors import HaltDeskError

log = logging.getLogger(__name__)

#: The environment variable that hands the configuration file to `serve`'s workers.
ENTRA_CONFIG_ENV = "HALT_DESK_ENTRA_CONFIG"
#: Clock skew allowed on `exp`, `nbf` and `iat` (seconds).
LEEWAY = 60
#: Entra app role → HALT role; a user with several gets the first of ROLE_ORDER.
APP_ROLES: dict[str, Role] = {
    "Admin": Role.ADMIN,
    "Agent": Role.AGENT,
    "Logistics": Role.LOGISTICS,
    "Field": Role.FIELD,
    "Regie": Role.REGIE,
}
ROLE_ORDER = tuple(APP_ROLES)
#: A checked token is believed again without a new check for at most this long.
CHECKED_SECONDS = 60.0
#: The organisation value that stands for the provider: every organisation.
PROVIDER = "*"
ENTRA_LOGIN = "https://login.microsoftonline.com"


class InvalidToken(HaltDeskError):
    """A JWT the central does not trust (HTTP 401)."""


class KeysUnavailable(HaltDeskError):
    """The tenant's keys cannot be fetched now (HTTP 503: try again later)."""


class EntraConfigError(HaltDeskError):
    """The Entra configuration file cannot be used."""


@dataclass(frozen=True, slots=True)
class EntraSettings:
    """Whose tokens the central trusts and how it reads users from them."""

    issuers: tuple[str, ...]
    audiences: tuple[str, ...]
    jwks_uri: str | None = None
    authority: str | None = None  # OpenID discovery base, when jwks_uri is not given
    ca_bundle: Path | None = None
    org_claim: str | None = None
    groups: Mapping[str, str] = field(default_factory=dict)
    name_claim: str = "preferred_username"
    leeway: int = LEEWAY
    jwks_min_refresh_seconds: float = 60.0
    #: Keys older than this are fetched again at the next token (a key the tenant
    #: withdrew stops being trusted within a day without a restart).
    jwks_max_age_seconds: float = 86_400.0

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], base: Path | None = None) -> EntraSettings:
        tenant = _text(raw, "tenant_id")
        authority = _text(raw, "authority") or (f"{ENTRA_LOGIN}/{tenant}/v2.0" if tenant else None)
        default_issuers = [f"{ENTRA_LOGIN}/{tenant}/v2.0", f"https://sts.windows.net/{tenant}/"]
        issuers = _texts(raw, "issuers") or (default_issuers if tenant else [])
        audiences = _texts(raw, "audiences")
        jwks_uri = _text(raw, "jwks_uri")
        if not issuers:
            raise EntraConfigError("entra: give tenant_id, or issuers")
        if not audiences:
            raise EntraConfigError("entra: give audiences (the central's application ID URI)")
        if not jwks_uri and not authority:
            raise EntraConfigError("entra: give tenant_id, authority or jwks_uri")
        groups = raw.get("groups", {})
        if not isinstance(groups, Mapping) or not all(isinstance(v, str) for v in groups.values()):
            raise EntraConfigError("entra.groups: group id = organisation name")
        ca = _text(raw, "ca_bundle")
        ca_path = Path(ca) if ca else None
        if ca_path is not None and not ca_path.is_absolute() and base is not None:
            ca_path = base / ca_path
        return cls(
            issuers=tuple(issuers),
            audiences=tuple(audiences),
            jwks_uri=jwks_uri,
            authority=authority,
            ca_bundle=ca_path,
            org_claim=_text(raw, "org_claim"),
            groups=dict(groups),
            name_claim=_text(raw, "name_claim") or "preferred_username",
            leeway=int(raw.get("leeway_seconds", LEEWAY)),
            jwks_min_refresh_seconds=float(raw.get("jwks_min_refresh_seconds", 60.0)),
            jwks_max_age_seconds=float(raw.get("jwks_max_age_seconds", 86_400.0)),
        )


def _text(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise EntraConfigError(f"entra.{key}: a text")
    return value.strip()


def _texts(raw: Mapping[str, Any], key: str) -> list[str]:
    value = raw.get(key)
    if value is None:
        return []
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise EntraConfigError(f"entra.{key}: a text or a list of texts")
    return list(values)


def load_entra_settings(path: Path) -> EntraSettings:
    """The `[entra]` table of the TOML file `path`."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise EntraConfigError(f"cannot read {path}: {exc}") from None
    table = raw.get("entra")
    if not isinstance(table, Mapping):
        raise EntraConfigError(f"{path} has no [entra] table")
    return EntraSettings.from_mapping(table, path.parent)


def looks_like_jwt(token: str) -> bool:
    """Whether a Bearer is a JWT (header.payload.signature) rather than a CLI token, which
    is one base64url word without dots."""
    return token.count(".") == 2


class KeySet:
    """The tenant's signing keys by key id, fetched with requests (its CA bundle), kept,
    and fetched again for an unknown key id at most once per `min_refresh` seconds."""

    def __init__(
        self,
        settings: EntraSettings,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._jwks_uri = settings.jwks_uri
        self.fetches = 0

    def key(self, kid: str) -> jwt.PyJWK:
        with self._lock:
            now = self._clock()
            found = self._keys.get(kid)
            fresh = (
                self._fetched_at is not None
                and now - self._fetched_at < self.settings.jwks_max_age_seconds
            )
            if found is not None and fresh:
                return found
            recent = (
                self._fetched_at is not None
                and now - self._fetched_at < self.settings.jwks_min_refresh_seconds
            )
            if not recent:
                self._fetched_at = now
                try:
                    self._keys = self._fetch()
                except KeysUnavailable as exc:
                    if found is None:
                        raise
                    log.warning("kept the tenant's keys a while longer: %s", exc)
                    return found
                found = self._keys.get(kid)
        if found is None:
            raise InvalidToken(f"token signed with unknown key id {kid!r}")
        return found

    def _get(self, url: str) -> Any:
        verify: str | bool = str(self.settings.ca_bundle) if self.settings.ca_bundle else True
        try:
            response = requests.get(url, timeout=10, verify=verify)
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as exc:
            raise KeysUnavailable(f"cannot read the tenant's keys ({url}): {exc}") from None

    def _fetch(self) -> dict[str, jwt.PyJWK]:
        if self._jwks_uri is None:
            base = (self.settings.authority or "").rstrip("/")
            discovery = self._get(f"{base}/.well-known/openid-configuration")
            uri = discovery.get("jwks_uri") if isinstance(discovery, dict) else None
            if not isinstance(uri, str):
                raise KeysUnavailable(f"no jwks_uri in the OpenID configuration of {base}")
            self._jwks_uri = uri
        data = self._get(self._jwks_uri)
        self.fetches += 1
        keys: dict[str, jwt.PyJWK] = {}
        for raw in data.get("keys", []) if isinstance(data, dict) else []:
            if not isinstance(raw, dict) or raw.get("kty") != "RSA" or "kid" not in raw:
                continue
            if raw.get("use", "sig") != "sig":
                continue
            try:
                keys[str(raw["kid"])] = jwt.PyJWK(raw, algorithm="RS256")
            except jwt.PyJWTError:
                continue
        return keys


class EntraValidator:
    """Users of Entra ID access tokens (see the module's description)."""

    MAX_CHECKED = 10_000

    def __init__(
        self, settings: EntraSettings, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.settings = settings
        self.keys = KeySet(settings, clock)
        self._clock = clock
        self._checked: dict[str, tuple[float, User]] = {}
        self._lock = threading.Lock()

    def cached(self, token: str) -> User | None:
        """The user of a token checked before and not expired since, else None."""
        key = token_hash(token)
        with self._lock:
            entry = self._checked.get(key)
            if entry is None:
                return None
            if self._clock() >= entry[0]:
                del self._checked[key]
                return None
            return entry[1]

    def user(self, token: str) -> User:
        """The user of `token`. Raises InvalidToken (401), NotAllowed (403), or
        KeysUnavailable (503) when a key it needs cannot be fetched now."""
        found = self.cached(token)
        if found is not None:
            return found
        claims = self.claims(token)
        user = self.user_of(claims)
        left = float(claims["exp"]) - time.time() + self.settings.leeway
        with self._lock:
            if len(self._checked) >= self.MAX_CHECKED:
                self._checked.clear()
            self._checked[token_hash(token)] = (
                self._clock() + min(CHECKED_SECONDS, max(left, 0.0)),
                user,
            )
        return user

    def claims(self, token: str) -> dict[str, Any]:
        """The verified claims of `token`; InvalidToken if it is not to be trusted."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"not a valid token: {exc}") from None
        if header.get("alg") != "RS256":
            raise InvalidToken(f"token algorithm {header.get('alg')!r} refused (RS256 only)")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("token without a key id")
        key = self.keys.key(kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=["RS256"],
                audience=list(self.settings.audiences),
                issuer=list(self.settings.issuers),
                leeway=self.settings.leeway,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"token refused: {exc}") from None
        return claims

    def user_of(self, claims: Mapping[str, Any]) -> User:
        """The HALT user of verified claims; NotAllowed without a known role or org."""
        name = self._name(claims)
        roles = claims.get("roles")
        held = set(roles) if isinstance(roles, list) else set()
        role_name = next((r for r in ROLE_ORDER if r in held), None)
        if role_name is None:
            raise NotAllowed(f"{name} has no HALT Desk app role (one of {', '.join(ROLE_ORDER)})")
        return User(0, name, APP_ROLES[role_name], self._orgs(name, claims))

    def _name(self, claims: Mapping[str, Any]) -> str:
        for key in (self.settings.name_claim, "preferred_username", "upn", "oid"):
            value = claims.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip().lower()
        raise InvalidToken("token names no user (preferred_username, upn, oid)")

    def _orgs(self, name: str, claims: Mapping[str, Any]) -> frozenset[str]:
        claim, groups = self.settings.org_claim, self.settings.groups
        if claim is None and not groups:
            return frozenset()  # one organisation's central: every user is the provider's
        found: set[str] = set()
        if claim is not None:
            found.update(_strings(claims.get(claim)))
        found.update(groups[g] for g in _strings(claims.get("groups")) if g in groups)
        if PROVIDER in found:
            return frozenset()
        if not found:
            raise NotAllowed(f"{name} belongs to no HALT Desk organisation")
        return frozenset(found)


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v]
    return []


def entra_from_environment() -> EntraValidator | None:
    """The validator of the configuration file named by HALT_DESK_ENTRA_CONFIG, if any."""
    path = os.environ.get(ENTRA_CONFIG_ENV)
    return EntraValidator(load_entra_settings(Path(path))) if path else None
