"""Where a month's events come from: the local cache, or the central API's changes feed.

Both give the same `EventSource` view (organisations, depots, the ticket streams reported
in a period, the device streams), so the export and the report are built one way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.events import Event
from halt_desk.domain.profiles import profile_document
from halt_desk.reports.errors import SourceUnavailable

if TYPE_CHECKING:
    from halt_desk.sync.client import TlsOptions

log = logging.getLogger(__name__)

#: Events per page asked of `GET /api/v1/changes` (the server's maximum).
PAGE_SIZE = 5000


class EventSource(Protocol):
    """What the export needs to know; every method reads, none changes anything."""

    name: str

    def organisations(self) -> Mapping[str, Mapping[str, Any]]:
        """Organisation id → its reference fields (`name`, `profile`, …)."""
        ...

    def depots(self) -> Mapping[str, Mapping[str, Any]]:
        """Depot id → its reference fields (`name`, `city`, `minimum`, …)."""
        ...

    def published_profile(self, name: str) -> str | None:
        """The TOML text of contract profile `name` as last published through the changes
        feed, or None when only the built-in profile exists."""
        ...

    def ticket_streams(
        self, org: str, start: datetime, end: datetime
    ) -> Iterator[tuple[str, Sequence[Event]]]:
        """(ticket id, events ordered by `at`) of the tickets of `org` reported in
        [start, end), in report order."""
        ...

    def device_streams(self) -> Iterator[Sequence[Event]]:
        """The events of every device, each ordered by `at`."""
        ...

    def streams_of(self, kind: str) -> Iterator[tuple[str, Sequence[Event]]]:
        """(stream, events ordered by `at`) of every stream of `kind` (`vulnerability`)."""
        ...


def _report_of(events: Sequence[Event]) -> Event | None:
    reports = [e for e in events if e.type == "ticket_reported"]
    return min(reports, key=lambda e: e.at) if reports else None


class EventsSource:
    """An EventSource over events held in memory (the changes feed of the central API)."""

    def __init__(self, events: Iterable[Event], name: str) -> None:
        self.name = name
        self._streams: dict[str, list[Event]] = {}
        for event in events:
            self._streams.setdefault(event.stream, []).append(event)
        for stream_events in self._streams.values():
            stream_events.sort(key=lambda e: e.at)  # stable: ties keep the feed's order

    def _references(self, kind: str) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        prefix = f"{kind}:"
        for stream, stream_events in self._streams.items():
            if stream.startswith(prefix):
                fields: dict[str, Any] = {}
                for event in stream_events:
                    fields.update(event.data)
                found[stream[len(prefix) :]] = fields
        return found

    def organisations(self) -> Mapping[str, Mapping[str, Any]]:
        return self._references("org")

    def published_profile(self, name: str) -> str | None:
        published = self._streams.get(f"profile:{name}")
        return profile_document(published[-1].data, name) if published else None

    def depots(self) -> Mapping[str, Mapping[str, Any]]:
        return self._references("depot")

    def ticket_streams(
        self, org: str, start: datetime, end: datetime
    ) -> Iterator[tuple[str, Sequence[Event]]]:
        found: list[tuple[datetime, str, Sequence[Event]]] = []
        for stream, stream_events in self._streams.items():
            if not stream.startswith("ticket:"):
                continue
            report = _report_of(stream_events)
            if report is None or report.data.get("org") != org:
                continue
            if start <= report.at < end:
                found.append((report.at, stream[len("ticket:") :], stream_events))
        found.sort(key=lambda item: (item[0], item[1]))
        for _, ticket_id, ticket_events in found:
            yield ticket_id, ticket_events

    def device_streams(self) -> Iterator[Sequence[Event]]:
        for stream, stream_events in self._streams.items():
            if stream.startswith("device:"):
                yield stream_events

    def streams_of(self, kind: str) -> Iterator[tuple[str, Sequence[Event]]]:
        for stream, stream_events in sorted(self._streams.items()):
            if stream.startswith(f"{kind}:"):
                yield stream, stream_events


class StoreSource:
    """An EventSource over the local cache (`halt_desk.store.Store`)."""

    def __init__(self, store: Any) -> None:
        from halt_desk.store import Store

        assert isinstance(store, Store)
        self._store = store
        self.name = f"local cache {store.path.name}"

    def organisations(self) -> Mapping[str, Mapping[str, Any]]:
        organisations: Mapping[str, Mapping[str, Any]] = self._store.references("org")
        return organisations

    def published_profile(self, name: str) -> str | None:
        published = self._store.events_for_streams([f"profile:{name}"])[f"profile:{name}"]
        return profile_document(published[-1].data, name) if published else None

    def depots(self) -> Mapping[str, Mapping[str, Any]]:
        depots: Mapping[str, Mapping[str, Any]] = self._store.references("depot")
        return depots

    def ticket_streams(
        self, org: str, start: datetime, end: datetime
    ) -> Iterator[tuple[str, Sequence[Event]]]:
        ids = [
            ticket.id
            for ticket in self._store.tickets()
            if ticket.org == org and start <= ticket.reported_at < end
        ]
        streams = self._store.events_for_streams([f"ticket:{i}" for i in ids])
        for ticket_id in ids:
            yield ticket_id, streams[f"ticket:{ticket_id}"]

    def device_streams(self) -> Iterator[Sequence[Event]]:
        tags = [device.asset_tag for device in self._store.devices()]
        streams = self._store.events_for_streams([f"device:{tag}" for tag in tags])
        for tag in tags:
            yield streams[f"device:{tag}"]

    def streams_of(self, kind: str) -> Iterator[tuple[str, Sequence[Event]]]:
        names = sorted(self._store.streams_of_kind(kind))
        streams = self._store.events_for_streams(names)
        for name in names:
            yield name, sorted(streams[name], key=lambda e: e.at)


def open_store_source(path: Path | None) -> Any:
    """The local cache at `path` (default: the user's cache), which must exist already:
    a report never creates an empty cache. Returns the open Store (close it after use)."""
    from halt_desk.store import Store, default_path

    target = path if path is not None else default_path()
    if not target.is_file():
        raise SourceUnavailable(
            f"local cache {str(target)!r}",
            "no such file (give --from EXPORT.json, --server URL or --store FILE)",
        )
    return Store.open(target)


def api_base(url: str) -> str:
    """`https://host:port` or `https://host:port/api/v1` → the `/api/v1` base URL."""
    base = url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise SourceUnavailable(url, "expected an http:// or https:// URL")
    if not base.endswith("/api/v1"):
        base += "/api/v1"
    return base


def fetch_changes(
    url: str, token: str, timeout: float = 60.0, tls: TlsOptions | None = None
) -> list[Event]:
    """Every event the central API serves, paged through `GET /api/v1/changes`.

    TLS certificates are verified (never switched off): against `tls.ca_bundle` if given
    (a private CA), else the system's; `tls.client_cert` is sent for mutual TLS. The token
    goes only into the Authorization header; it is never logged or put in a message.
    """
    import requests

    from halt_desk.sync.client import TlsOptions, tls_reason

    base = api_base(url)
    events: list[Event] = []
    since = 0
    tls = tls or TlsOptions()
    verify: str | bool = str(tls.ca_bundle) if tls.ca_bundle else True
    cert: tuple[str, str] | str | None = None
    if tls.client_cert is not None:
        key = tls.client_key
        cert = (str(tls.client_cert), str(key)) if key else str(tls.client_cert)
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {token}"
        while True:
            try:
                response = session.get(
                    f"{base}/changes",
                    params={"since": since, "limit": PAGE_SIZE},
                    timeout=timeout,
                    verify=verify,
                    cert=cert,
                )
            except requests.exceptions.SSLError as exc:
                raise SourceUnavailable(base, f"TLS failed: {tls_reason(exc)}") from None
            except requests.RequestException as exc:
                raise SourceUnavailable(
                    base, f"cannot reach the server ({type(exc).__name__})"
                ) from None
            if response.status_code in (401, 403):
                raise SourceUnavailable(
                    base,
                    f"the server refused the token in HALT_DESK_TOKEN "
                    f"(HTTP {response.status_code})",
                )
            if response.status_code != 200:
                raise SourceUnavailable(base, f"GET /changes answered HTTP {response.status_code}")
            try:
                page = response.json()
                raw_events = page["events"]
                next_seq = int(page["next"])
                more = bool(page["more"])
            except (ValueError, KeyError, TypeError):
                raise SourceUnavailable(
                    base, "GET /changes did not answer a changes page"
                ) from None
            try:
                events.extend(Event.from_json(raw) for raw in raw_events)
            except HaltDeskError as exc:
                raise SourceUnavailable(
                    base, f"the changes feed holds a bad event: {exc}"
                ) from None
            log.debug("pulled %d events (up to seq %d)", len(raw_events), next_seq)
            if not more or next_seq <= since:
                return events
            since = next_seq
