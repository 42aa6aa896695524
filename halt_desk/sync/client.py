"""HTTP client of the central API (DESIGN §3.2): push a batch, read a page of changes.

`requests` with verified TLS (optionally a CA bundle and a client certificate), a bearer
token that never appears in a log or an error, timeouts on every call, and a few quick
retries of a request inside one call (urllib3 `Retry`, POST included: central is idempotent
on event ids, so a repeated push only gives `duplicate`). Longer outages are the engine's
business (back-off between sync rounds).
"""

from __future__ import annotations

import json
import logging
import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from halt_desk import __version__
from halt_desk.domain.events import Event
from halt_desk.domain.limits import MAX_REQUEST_BYTES
from halt_desk.sync.errors import AuthenticationFailed, ProtocolError, ServerUnreachable

log = logging.getLogger(__name__)

#: Every digit becomes "0", any other byte "x": then 19 digits in a row (possibly an
#: integer orjson would read otherwise than `json`) are a plain substring search, ten times
#: faster on a page of changes than a regular expression.
_DIGITS = bytes(48 if 48 <= byte <= 57 else 120 for byte in range(256))
_LONG_NUMBER = b"0" * 19

#: Called after every answer: (Date header, device time sent, device time received).
ResponseObserver = Callable[[str | None, datetime, datetime], None]


@dataclass(frozen=True, slots=True)
class TlsOptions:
    """TLS is always verified: against the system's CAs, or `ca_bundle` if given. A client
    certificate (mutual TLS) is `client_cert` (PEM) and `client_key` (PEM, unencrypted,
    readable only by the user), or both in `client_cert`."""

    ca_bundle: Path | None = None
    client_cert: Path | None = None
    client_key: Path | None = None


@dataclass(frozen=True, slots=True)
class PushResult:
    id: str | None
    status: str  # accepted | duplicate | rejected
    seq: int | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class ReservedNumbers:
    """A block of ticket numbers central reserved: `first` … `last` of `org`'s series of
    `year`."""

    org: str
    year: int
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class ChangesPage:
    events: list[tuple[int, Event]]
    next: int
    more: bool
    #: The highest seq central had handed out (None from a central that does not say):
    #: how far the feed reaches, for a pull's progress.
    head: int | None = None
    #: Central's hash chain at `next` (None for an empty page, or from an older central).
    chain: str | None = None


@dataclass(frozen=True, slots=True)
class CentralPosition:
    """Central's identity and head, and its chain at each seq asked (None: it has no
    event there) — `POST /api/v1/history`."""

    central: str
    head: int
    chains: list[str | None]


@dataclass(frozen=True, slots=True)
class RawAnswer:
    """An answer as it came off the wire, before it is observed, checked and parsed."""

    what: str  # which call, for messages
    status: int
    date: str | None  # the Date header
    content: bytes
    sent: datetime  # device time when the request left
    received: datetime  # device time when the answer was in


def _retry() -> Retry:
    return Retry(
        total=3,
        connect=3,
        read=2,
        # TLS errors (an untrusted certificate, a refused handshake) are neither connect
        # nor read errors: a second later they are the same, so the round ends at once.
        other=0,
        status=2,
        backoff_factor=0.2,
        status_forcelist=(502, 503, 504),
        allowed_methods=None,  # every method: pushes are idempotent on event ids
        raise_on_status=False,
        respect_retry_after_header=True,
    )


class CentralClient:
    """One user's connection to central. Not shared between threads."""

    def __init__(
        self,
        server: str,
        token: str,
        *,
        tls: TlsOptions | None = None,
        timeout: tuple[float, float] = (5.0, 30.0),
        device_clock: Callable[[], datetime] | None = None,
        observer: ResponseObserver | None = None,
    ) -> None:
        self.server = server.rstrip("/")
        self._token = token
        self._timeout = timeout
        self._device_clock = device_clock
        self._observer = observer
        self._session = requests.Session()
        self._session.headers["User-Agent"] = f"halt-desk/{__version__}"
        adapter = HTTPAdapter(max_retries=_retry(), pool_connections=1, pool_maxsize=2)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        tls = tls or TlsOptions()
        # Never verify=False: a CA bundle path replaces the system CAs, nothing disables them.
        # Given with every request: requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE in the
        # environment override a session's `verify`, and the private CA IT configured must win.
        self._verify: str | bool = str(tls.ca_bundle) if tls.ca_bundle else True
        self._session.verify = self._verify
        if tls.client_cert is not None:
            self._session.cert = (
                (str(tls.client_cert), str(tls.client_key))
                if tls.client_key is not None
                else str(tls.client_cert)
            )

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> CentralClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:  # never the token
        return f"CentralClient({self.server!r})"

    # ------------------------------------------------------------------ calls

    def health(self) -> dict[str, Any]:
        return self._call("GET", "/api/v1/health", "health", auth=False)

    def push(self, events: Sequence[Event]) -> list[PushResult]:
        """POST /api/v1/events; one result per event, in order. Sent in as many requests
        as keep each body within PUSH_BODY_BYTES (central answers 413 beyond its limit)."""
        results: list[PushResult] = []
        for part in push_parts(events):
            results.extend(self._push_part(part))
        return results

    def _push_part(self, events: Sequence[Event]) -> list[PushResult]:
        body = {"events": [event.to_json() for event in events]}
        answer = self._call("POST", "/api/v1/events", "push", json=body)
        raw = answer.get("results")
        if not isinstance(raw, list) or len(raw) != len(events):
            raise ProtocolError(self.server, "push", "results do not match the batch")
        results: list[PushResult] = []
        for event, item in zip(events, raw, strict=True):
            if not isinstance(item, Mapping) or item.get("status") not in (
                "accepted",
                "duplicate",
                "rejected",
            ):
                raise ProtocolError(self.server, "push", f"malformed result for {event.id}")
            if item.get("id") not in (None, event.id):
                raise ProtocolError(self.server, "push", f"result out of order at {event.id}")
            seq = item.get("seq")
            results.append(
                PushResult(
                    event.id,
                    str(item["status"]),
                    seq if isinstance(seq, int) else None,
                    str(item["reason"]) if item.get("reason") is not None else None,
                )
            )
        return results

    def reserve_numbers(
        self, org: str, count: int, year: int | None = None
    ) -> ReservedNumbers | None:
        """POST /api/v1/numbers: the next `count` numbers of `org`'s ticket series of `year`
        (default: central's this year); None when central refuses them to this user (403:
        its role or organisation; 404: an organisation central does not know), which is no
        reason to sign out."""
        body = {"org": org, "count": count} | ({"year": year} if year is not None else {})
        raw = self._send("POST", "/api/v1/numbers", "numbers", json=body)
        if raw.status in (403, 404):
            return None
        answer = self._answer(raw)
        first, last, series = answer.get("first"), answer.get("last"), answer.get("year")
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in (first, last, series)):
            raise ProtocolError(self.server, "numbers", "no first/last/year")
        assert isinstance(first, int) and isinstance(last, int) and isinstance(series, int)
        if not 1 <= first <= last or last - first + 1 != count or year not in (None, series):
            raise ProtocolError(self.server, "numbers", f"a block {first}…{last} for {count}")
        return ReservedNumbers(org, series, first, last)

    def mail_template(self, org: str, kind: str, lang: str) -> str | None:
        """GET /api/v1/mail-templates/{org}/{kind}/{lang}: the wording `org` published for
        a mail of `kind` in `lang`, or None while it uses the built-in one (404) or this
        user may not read it (403)."""
        path = "/api/v1/mail-templates/" + "/".join(quote(p, safe="") for p in (org, kind, lang))
        raw = self._send("GET", path, "mail template")
        if raw.status in (403, 404):
            return None
        source = self._answer(raw).get("source")
        if not isinstance(source, str):
            raise ProtocolError(self.server, "mail template", "no source")
        return source

    def notice_deliveries(self, notice_id: str) -> dict[str, Any] | None:
        """GET /api/v1/notices/{notice_id}/deliveries: how the notice's mails fared per
        notice event, or None when central does not know it (404) or this user may not
        read it (403)."""
        path = f"/api/v1/notices/{quote(notice_id, safe='')}/deliveries"
        raw = self._send("GET", path, "notice deliveries")
        if raw.status in (403, 404):
            return None
        answer = self._answer(raw)
        if not isinstance(answer.get("events"), list):
            raise ProtocolError(self.server, "notice deliveries", "no events")
        return answer

    def changes(self, since: int, limit: int) -> ChangesPage:
        """GET /api/v1/changes: events after `since` in seq order."""
        return self.read_changes(self.fetch_changes(since, limit))

    def fetch_changes(self, since: int, limit: int) -> RawAnswer:
        """The network half of `changes`: sends the request and reads the whole answer,
        nothing more (no clock observation, no parsing). It may run in a helper thread
        while the caller writes the page before (the session is then used by that thread
        alone); `read_changes` turns the answer into the page in the caller's thread."""
        return self._send(
            "GET", "/api/v1/changes", "changes", params={"since": since, "limit": limit}
        )

    def read_changes(self, raw: RawAnswer) -> ChangesPage:
        """The page of changes in an answer from `fetch_changes`."""
        answer = self._answer(raw)
        events_raw = answer.get("events")
        if not isinstance(events_raw, list):
            raise ProtocolError(self.server, "changes", "no event list")
        events: list[tuple[int, Event]] = []
        from_json = Event.from_json
        for item in events_raw:
            seq = item.get("seq") if isinstance(item, Mapping) else None
            if not isinstance(seq, int):
                raise ProtocolError(self.server, "changes", "an event without seq")
            # `from_json` reads only the event's own fields: `seq` beside them is ignored.
            events.append((int(seq), from_json(item)))
        next_seq, more = answer.get("next"), answer.get("more")
        if not isinstance(next_seq, int) or not isinstance(more, bool):
            raise ProtocolError(self.server, "changes", "no next/more")
        head, chain = answer.get("head"), answer.get("chain")
        return ChangesPage(
            events,
            next_seq,
            more,
            head if isinstance(head, int) else None,
            chain if isinstance(chain, str) and events else None,
        )

    def history(
        self,
        seqs: Sequence[int],
        numbers: Sequence[tuple[str, int, int]] = (),
        found_behind: int | None = None,
    ) -> CentralPosition | None:
        """POST /api/v1/history: central's identity, head and chain at `seqs`; reports the
        ticket numbers this desk holds (org, year, last). None from a central that does not
        know the call (older than this client)."""
        body: dict[str, Any] = {
            "seqs": list(seqs),
            "numbers": [{"org": o, "year": y, "last": n} for o, y, n in numbers],
        }
        if found_behind is not None:
            body["found_behind"] = found_behind
        raw = self._send("POST", "/api/v1/history", "history", json=body)
        if raw.status in (404, 405):
            return None
        answer = self._answer(raw)
        central, head, chains = answer.get("central"), answer.get("head"), answer.get("chains")
        if (
            not isinstance(central, str)
            or not isinstance(head, int)
            or not isinstance(chains, list)
            or len(chains) != len(seqs)
            or not all(chain is None or isinstance(chain, str) for chain in chains)
        ):
            raise ProtocolError(self.server, "history", "no central/head/chains")
        return CentralPosition(central, head, chains)

    # ------------------------------------------------------------------ plumbing

    def _now(self) -> datetime:
        if self._device_clock is not None:
            return self._device_clock()
        from halt_desk.sync.clock import system_clock

        return system_clock()

    def _call(
        self, method: str, path: str, what: str, *, auth: bool = True, **kwargs: Any
    ) -> dict[str, Any]:
        return self._answer(self._send(method, path, what, auth=auth, **kwargs))

    def _send(
        self, method: str, path: str, what: str, *, auth: bool = True, **kwargs: Any
    ) -> RawAnswer:
        headers = {"Authorization": f"Bearer {self._token}"} if auth else {}
        sent = self._now()
        try:
            response = self._session.request(
                method,
                self.server + path,
                headers=headers,
                timeout=self._timeout,
                verify=self._verify,
                **kwargs,
            )
            content = response.content  # the whole body: a cut connection shows here
        except requests.exceptions.SSLError as exc:
            reason = tls_reason(exc)
            raise ServerUnreachable(
                self.server, f"TLS failed: {reason}", untrusted=reason.startswith(UNTRUSTED)
            ) from None
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise ServerUnreachable(self.server, _short(exc)) from None
        except requests.RequestException as exc:
            raise ServerUnreachable(self.server, _short(exc)) from None
        return RawAnswer(
            what, response.status_code, response.headers.get("Date"), content, sent, self._now()
        )

    def _answer(self, raw: RawAnswer) -> dict[str, Any]:
        """The JSON object of an answer; observes its Date header; raises for an error."""
        if self._observer is not None:
            self._observer(raw.date, raw.sent, raw.received)
        status, what = raw.status, raw.what
        if status >= 500:
            raise ServerUnreachable(self.server, f"{what}: HTTP {status}")
        body = _decode(raw.content)
        if status in (401, 403):
            detail = body.get("detail") if isinstance(body, Mapping) else None
            raise AuthenticationFailed(self.server, status, str(detail or "refused"))
        if status >= 400:
            detail = body.get("detail") if isinstance(body, Mapping) else None
            raise ProtocolError(self.server, what, f"HTTP {status}: {detail or 'refused'}")
        if not isinstance(body, dict):
            # A cut connection can leave a truncated body: transient, try again later.
            raise ServerUnreachable(self.server, f"{what}: incomplete answer")
        return body


#: The most one push request carries: half central's limit, room for the JSON around the
#: events (each event's size is measured as the request writes it, ASCII-escaped).
PUSH_BODY_BYTES = MAX_REQUEST_BYTES // 2


def push_parts(events: Sequence[Event]) -> list[Sequence[Event]]:
    """`events` in order, in runs whose push body stays within PUSH_BODY_BYTES (an event
    is never split; every event within the limits table fits many times)."""
    parts: list[Sequence[Event]] = []
    start, size = 0, 0
    for index, event in enumerate(events):
        length = len(json.dumps(event.to_json())) + 2
        if size + length > PUSH_BODY_BYTES and index > start:
            parts.append(events[start:index])
            start, size = index, 0
        size += length
    if start < len(events):
        parts.append(events[start:])
    return parts


def _decode(content: bytes) -> Any:
    """The JSON body, or None if it is not JSON (a cut connection leaves a truncated one).

    orjson parses a page of 5,000 changes several times faster than `json`; a body it
    would read otherwise than `json` (an integer beyond 64 bits becomes a float; NaN is
    refused) goes to `json`, so the answer means the same whichever parser read it.
    """
    if _LONG_NUMBER not in content.translate(_DIGITS):
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            pass
    try:
        return json.loads(content)
    except ValueError:
        return None


#: How `tls_reason` begins when the server's certificate failed verification.
UNTRUSTED = "server certificate not trusted"


def tls_reason(exc: BaseException) -> str:
    """Why a TLS connection failed, in OpenSSL's words (an untrusted server certificate, an
    old protocol), without the URL or anything else of the request."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            break
        if isinstance(seen, ssl.SSLCertVerificationError):
            return f"{UNTRUSTED} ({seen.verify_message})"
        if isinstance(seen, ssl.SSLError):
            return str(seen.reason or type(seen).__name__).lower().replace("_", " ")
        inner = getattr(seen, "reason", None)
        if isinstance(inner, BaseException):
            seen = inner
        elif seen.args and isinstance(seen.args[0], BaseException):
            seen = seen.args[0]
        else:
            seen = seen.__cause__ or seen.__context__
    return type(exc).__name__


def _short(exc: BaseException) -> str:
    """A one-line reason without the URL's query or any header."""
    name = type(exc).__name__
    if isinstance(exc, requests.Timeout):
        return f"timed out ({name})"
    return f"connection failed ({name})"
