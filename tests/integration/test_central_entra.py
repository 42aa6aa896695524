"""Entra ID access tokens at the central, against a real OpenID Connect provider on
127.0.0.1 over HTTPS (tests/oidc_provider.py, its own CA): signature by the tenant's JWKS,
issuer, audience, expiry, RS256 only, app roles → HALT roles, a claim or group →
organisations; the CLI's bearer tokens keep working beside them."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from halt_desk.central.auth import NotAllowed, Role
from halt_desk.central.entra import (
    ENTRA_CONFIG_ENV,
    EntraValidator,
    InvalidToken,
    KeysUnavailable,
    load_entra_settings,
)
from halt_desk.central.service import Central
from tests.central_server import ProcessServer, ThreadServer, bearer
from tests.oidc_provider import AUDIENCE, OidcProvider, SigningKey


@pytest.fixture
def provider(tmp_path: Path) -> Iterator[OidcProvider]:
    idp = OidcProvider(tmp_path).start()
    yield idp
    idp.stop()


def write_config(provider: OidcProvider, folder: Path, **extra: Any) -> Path:
    lines = [
        "[entra]",
        f'authority = "{provider.issuer}"',
        f'issuers = ["{provider.issuer}"]',
        f'audiences = ["{AUDIENCE}"]',
        'ca_bundle = "ca.pem"',  # relative: next to the file
        'org_claim = "halt_orgs"',
        *(f"{key} = {json.dumps(value)}" for key, value in extra.items()),
        "[entra.groups]",
        '"grp-halt-provider" = "*"',
        '"grp-gemeente-b" = "gemeente-b"',
    ]
    path = folder / "entra.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert (folder / "ca.pem").exists()
    return path


@dataclass
class Site:
    url: str
    provider: OidcProvider
    admin_token: str  # a CLI bearer token

    def post(self, token: str, events: list[dict[str, Any]]) -> requests.Response:
        return requests.post(
            f"{self.url}/api/v1/events", json={"events": events}, headers=bearer(token), timeout=30
        )

    def changes(self, token: str) -> requests.Response:
        return requests.get(f"{self.url}/api/v1/changes", headers=bearer(token), timeout=30)


def ev(stream: str, kind: str, data: dict[str, Any], actor: str = "tester") -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": datetime(2027, 1, 5, 10, 0, tzinfo=UTC).isoformat(),
        "actor": actor,
        "data": data,
    }


def report(org: str) -> dict[str, Any]:
    data = {"org": org, "caller": f"e-{org}", "summary": "Laptop start niet"}
    return ev(f"ticket:T-{uuid.uuid4().hex[:8]}", "ticket_reported", {**data, "priority": "P3"})


@pytest.fixture
def site(provider: OidcProvider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    config = write_config(provider, tmp_path, jwks_min_refresh_seconds=0)
    monkeypatch.setenv(ENTRA_CONFIG_ENV, str(config))
    central = Central.open(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    admin = central.add_user("admin-script", "admin")
    with ThreadServer(central) as server:
        s = Site(server.url, provider, admin)
        reference = [
            ev(f"org:{o}", "organisation_registered", {"name": o, "profile": "halt"})
            for o in ("halt", "gemeente-b")
        ] + [
            ev(f"employee:e-{o}", "employee_registered", {"org": o, "name": "Anna de Vries"})
            for o in ("halt", "gemeente-b")
        ]
        answer = s.post(admin, reference)  # the CLI bearer token of a script still works
        assert answer.status_code == 200, answer.text
        assert {r["status"] for r in answer.json()["results"]} == {"accepted"}
        yield s
    central.close()


def problem(response: requests.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    detail: str = response.json()["detail"]
    return detail


def test_a_valid_token_records_with_its_role_and_organisation(site: Site) -> None:
    idp = site.provider
    token = idp.mint(idp.claims_for("Jan.Agent@halt.example", ["Agent"], halt_orgs=["halt"]))
    answer = site.post(token, [report("halt"), report("gemeente-b")])
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert results[0]["status"] == "accepted"
    assert results[1]["status"] == "rejected"
    assert "gemeente-b" in results[1]["reason"] and "jan.agent@halt.example" in results[1]["reason"]
    # the changes feed within the user's organisation only; received_by is the token's name
    seen = site.changes(token).json()["events"]
    assert {e["data"].get("org") for e in seen if e["type"] == "ticket_reported"} == {"halt"}
    assert not any(
        e["data"].get("org") == "gemeente-b" for e in seen if e["type"] == "employee_registered"
    )


def test_the_role_decides_what_may_be_recorded(site: Site) -> None:
    idp = site.provider
    regie = idp.mint(idp.claims_for("regie@halt.example", ["Regie"], halt_orgs="halt"))
    refused = site.post(regie, [report("halt")]).json()["results"][0]
    assert refused["status"] == "rejected" and "regie" in refused["reason"]
    audit = requests.get(f"{site.url}/api/v1/audit", headers=bearer(regie), timeout=30)
    assert audit.status_code == 200  # regie reads the audit log
    field = idp.mint(idp.claims_for("veld@halt.example", ["Field"], halt_orgs="halt"))
    audit = requests.get(f"{site.url}/api/v1/audit", headers=bearer(field), timeout=30)
    assert "field" in problem(audit, 403)


def test_a_provider_group_works_across_organisations(site: Site) -> None:
    idp = site.provider
    claims = idp.claims_for("desk@leverancier.example", ["Agent"], groups=["grp-halt-provider"])
    answer = site.post(idp.mint(claims), [report("halt"), report("gemeente-b")])
    assert [r["status"] for r in answer.json()["results"]] == ["accepted", "accepted"]
    mapped = idp.claims_for("b@gemeente-b.example", ["Agent"], groups=["grp-gemeente-b", "x"])
    answer = site.post(idp.mint(mapped), [report("halt"), report("gemeente-b")])
    assert [r["status"] for r in answer.json()["results"]] == ["rejected", "accepted"]


def _unsigned(claims: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT', 'kid': 'key-1'})}.{part(claims)}."


def test_untrusted_tokens_are_401_with_a_problem_body(site: Site) -> None:
    idp = site.provider
    good = idp.claims_for("jan@halt.example", ["Agent"], halt_orgs="halt")
    now = int(time.time())
    forger = SigningKey("key-1")  # claims the tenant's key id, signs with its own key
    tokens = {
        "issuer": idp.mint({**good, "iss": "https://login.example/other/v2.0"}),
        "audience": idp.mint({**good, "aud": "api://another-app"}),
        "expired": idp.mint({**good, "exp": now - 600, "nbf": now - 4000}),
        "not yet": idp.mint({**good, "nbf": now + 600}),
        "none": _unsigned(good),
        "forged": idp.mint(good, key=forger),
        "hs256": _hs256(good),
        "garbage": "eyJhbGciOiJSUzI1NiJ9.bm9wZQ.c2ln",
    }
    for what, token in tokens.items():
        for call in (site.changes, lambda t: site.post(t, [report("halt")])):
            response = call(token)
            detail = problem(response, 401)
            assert response.headers["www-authenticate"].startswith("Bearer"), what
            assert token not in detail, what
    assert site.changes(idp.mint(good)).status_code == 200  # the same claims, signed: fine


def _hs256(claims: dict[str, Any]) -> str:
    import jwt

    return jwt.encode(claims, "a-shared-secret-of-32-bytes-long!", "HS256", {"kid": "key-1"})


def test_a_token_without_a_known_role_or_organisation_is_403(site: Site) -> None:
    idp = site.provider
    for claims in (
        idp.claims_for("gast@halt.example", [], halt_orgs="halt"),
        idp.claims_for("gast@halt.example", ["Reader"], halt_orgs="halt"),
        idp.claims_for("los@halt.example", ["Agent"]),  # no organisation claim or group
    ):
        token = idp.mint(claims)
        problem(site.changes(token), 403)
        problem(site.post(token, [report("halt")]), 403)


def test_keys_rotate_at_the_provider_without_a_restart(site: Site) -> None:
    idp = site.provider
    claims = idp.claims_for("jan@halt.example", ["Agent"], halt_orgs="halt")
    assert site.changes(idp.mint(claims)).status_code == 200
    fetched = idp.jwks_fetches
    for _ in range(5):  # new tokens signed by a known key: no fetch of the keys
        assert site.changes(idp.mint(idp.claims_for("x@h.example", ["Agent"], halt_orgs="halt")))
    assert idp.jwks_fetches == fetched
    idp.rotate()
    assert site.changes(idp.mint(claims)).status_code == 200
    assert idp.jwks_fetches == fetched + 1


def test_unknown_key_ids_fetch_the_keys_at_most_once_per_interval(
    provider: OidcProvider, tmp_path: Path
) -> None:
    settings = load_entra_settings(write_config(provider, tmp_path))
    assert settings.jwks_min_refresh_seconds == 60.0
    validator = EntraValidator(settings)
    claims = provider.claims_for("jan@halt.example", ["Logistics"], halt_orgs="halt")
    user = validator.user(provider.mint(claims))
    assert (user.name, user.role, user.orgs) == ("jan@halt.example", Role.LOGISTICS, {"halt"})
    for n in range(5):
        with pytest.raises(InvalidToken, match="unknown key id"):
            validator.user(provider.mint(claims, key=SigningKey(f"made-up-{n}")))
    assert provider.jwks_fetches == 1
    with pytest.raises(NotAllowed):
        validator.user(provider.mint({**claims, "roles": ["Nobody"]}))


def test_serve_with_entra_config_in_worker_processes(
    provider: OidcProvider, tmp_path: Path
) -> None:
    """`halt-desk serve --entra-config FILE` (two workers: each reads the file)."""
    config = write_config(provider, tmp_path)
    server = ProcessServer(f"sqlite:///{tmp_path / 'c.sqlite3'}", tmp_path, workers=2)
    server.extra_args = ["--entra-config", str(config)]
    server.start()
    try:
        claims = provider.claims_for("jan@halt.example", ["Agent"], halt_orgs="halt")
        for _ in range(4):
            answer = requests.get(
                f"{server.url}/api/v1/changes", headers=bearer(provider.mint(claims)), timeout=30
            )
            assert answer.status_code == 200, answer.text
        bad = requests.get(
            f"{server.url}/api/v1/changes",
            headers=bearer(provider.mint({**claims, "aud": "api://x"})),
            timeout=30,
        )
        assert bad.status_code == 401
    finally:
        server.stop()


def test_keys_age_out_and_an_unreachable_tenant_keeps_the_known_ones(
    provider: OidcProvider, tmp_path: Path
) -> None:
    settings = load_entra_settings(write_config(provider, tmp_path, jwks_max_age_seconds=3600))
    now = [1000.0]
    validator = EntraValidator(settings, clock=lambda: now[0])
    claims = provider.claims_for("a@halt.example", ["Agent"], halt_orgs="halt")
    assert validator.user(provider.mint(claims)).name == "a@halt.example"
    now[0] += 3601  # the keys are older than their maximum age: fetched at the next token
    assert validator.user(provider.mint({**claims, "preferred_username": "b"})).name == "b"
    assert provider.jwks_fetches == 2
    provider.stop()
    now[0] += 3601  # too old again, and the tenant cannot be reached: the known keys go on
    assert validator.user(provider.mint({**claims, "preferred_username": "c"})).name == "c"
    now[0] += 61
    with pytest.raises(KeysUnavailable):  # a key it does not know cannot be fetched now
        validator.user(provider.mint(claims, key=SigningKey("key-new")))


def test_an_unreachable_tenant_is_503_not_a_refusal(site: Site) -> None:
    idp = site.provider
    token = idp.mint(idp.claims_for("a@halt.example", ["Agent"], halt_orgs="halt"))
    idp.stop()
    for response in (site.changes(token), site.post(token, [report("halt")])):
        assert "tenant's keys" in problem(response, 503)
        assert response.headers["retry-after"]
