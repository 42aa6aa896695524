"""The central HTTP API (DESIGN §3.2): FastAPI over `Central`; JSON problem bodies."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Annotated, Any

import orjson
from annotated_types import Ge, Le
from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, BeforeValidator, Field, field_validator
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from halt_desk import __version__
from halt_desk.central.auth import NotAllowed, TokenCache, User, token_hash
from halt_desk.central.courier_poll import poller_jobs
from halt_desk.central.courier_webhook import add_webhook_route
from halt_desk.central.csat_page import add_survey_routes
from halt_desk.central.engine import create_central_engine
from halt_desk.central.entra import (
    EntraValidator,
    InvalidToken,
    KeysUnavailable,
    entra_from_environment,
)
from halt_desk.central.entra import looks_like_jwt as _jwt
from halt_desk.central.escalation_job import escalation_job
from halt_desk.central.group_commit import GroupCommitter
from halt_desk.central.history import MAX_SEQS, MAX_SERIES, held_numbers
from halt_desk.central.leases import JobRunner, configured_jobs
from halt_desk.central.mail_api import add_mail_routes
from halt_desk.central.mail_org_api import add_template_routes
from halt_desk.central.mail_sender import mail_job
from halt_desk.central.notice_api import add_notice_routes
from halt_desk.central.notifications import MAX_NOTIFICATIONS, notifications_page
from halt_desk.central.number_series import MAX_BLOCK, UnknownOrganisation, YearNotOpen
from halt_desk.central.openapi import PROBLEM_MEDIA_TYPE, declared, document
from halt_desk.central.server_processes import one_socket_per_process, run_processes
from halt_desk.central.service import Central
from halt_desk.central.validation import MAX_BATCH, MAX_PAGE, EventResult
from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.limits import MAX_REQUEST_BYTES
from halt_desk.store.errors import StoreDiskError

log = logging.getLogger(__name__)


class EventBatch(BaseModel):
    events: list[Any] = Field(max_length=MAX_BATCH, description="events of DESIGN §3.2")


class EventResultModel(BaseModel):
    id: str | None
    status: str
    seq: int | None
    reason: str | None


class EventResults(BaseModel):
    results: list[EventResultModel]


class ChangesPage(BaseModel):
    events: list[dict[str, Any]]
    next: int
    more: bool
    chain: str | None = Field(
        default=None, description="hash chain of the event at `next` (history of central)"
    )
    head: int = Field(
        description=(
            "the highest seq central had handed out when the page was read (of every "
            "organisation: for a user bound to some, an upper bound of the seqs left to "
            "read); lets a client show how far a long pull is"
        )
    )


#: The largest integer every JSON reader keeps exactly (2^53 − 1).
MAX_JSON_INT = 2**53 - 1


def _json_integer(value: object) -> object:
    # 50 and 50.0 are the same JSON integer; "50" and true are not numbers at all.
    if isinstance(value, str | bool):
        raise ValueError("a JSON integer")
    return value


JsonInt = Annotated[int, BeforeValidator(_json_integer)]
#: Constraints first: after the validator they would not reach the OpenAPI schema.
SeqInt = Annotated[int, Ge(1), Le(MAX_JSON_INT), BeforeValidator(_json_integer)]


class HeldSeries(BaseModel):
    org: str = Field(min_length=1, max_length=100, strict=True)
    year: JsonInt = Field(ge=1, le=9999)
    last: JsonInt = Field(ge=1, le=MAX_JSON_INT)


class HistoryQuestion(BaseModel):
    seqs: list[SeqInt] = Field(
        default=[], max_length=MAX_SEQS, description="seqs whose chain the client kept"
    )
    numbers: list[HeldSeries] = Field(
        default=[], max_length=MAX_SERIES, description="ticket numbers the desk holds"
    )
    found_behind: SeqInt | None = Field(
        default=None, description="the client found central behind (it had this seq)"
    )


class HistoryAnswer(BaseModel):
    central: str
    head: int
    chains: list[str | None]
    numbers_moved: list[dict[str, Any]]


class AuditPage(BaseModel):
    entries: list[dict[str, Any]]
    next: int


class NumbersRequest(BaseModel):
    org: str = Field(min_length=1, max_length=100, strict=True, examples=["halt"])
    count: int = Field(ge=1, le=MAX_BLOCK, examples=[50])
    year: int | None = Field(
        default=None,
        ge=1,
        le=9999,
        description="this year (the default), or from 15 December on also the next",
    )

    @field_validator("count", "year", mode="before")
    @classmethod
    def _a_number(cls, value: object) -> object:
        # 50 and 50.0 are the same JSON integer; "50" and true are not numbers at all.
        if isinstance(value, str | bool):
            raise ValueError("a JSON integer")
        return value


class NumbersBlock(BaseModel):
    org: str
    series: str = Field(examples=["HALT-2026"])
    year: int
    first: int
    last: int


class Health(BaseModel):
    status: str
    version: str


def _problem(status: int, title: str, detail: str) -> JSONResponse:
    return JSONResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
    )


#: Seconds a client is asked to wait when the central cannot serve for now.
RETRY_AFTER_SECONDS = 2


def _unavailable(exc: BaseException) -> JSONResponse | None:
    """The 503 answer when the central cannot serve for now (its database unreachable or
    busy, its disk refusing writes): clients retry that later, where a 400 would tell
    them the request was wrong and a 500 would hide what happened. None for any other
    error."""
    if isinstance(exc, StoreDiskError):
        detail = "the central's disk refused the write; try again later"
    elif isinstance(exc, OperationalError):
        detail = "the central's database is unavailable; try again later"
    else:
        return None
    log.warning("answered 503: %s", exc)
    response = _problem(503, "service unavailable", detail)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _central(request: Request) -> Central:
    central: Central = request.app.state.central
    return central


def _bearer_token(header: str) -> str | None:
    scheme, _, token = header.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


class Authenticator:
    """Who sent a bearer token: the app's TokenCache, else a database look-up on a worker
    thread that every request waiting for the same token shares.

    Under load a cached token expires (TOKEN_CACHE_SECONDS) while many pushes with it are
    in flight; each looking it up on a thread of its own made a burst of slow answers
    every second, which set the push's p99.
    """

    def __init__(
        self, central: Central, tokens: TokenCache, entra: EntraValidator | None = None
    ) -> None:
        self.central = central
        self.tokens = tokens
        self.entra = entra
        self._pending: dict[tuple[str, int], asyncio.Future[User | None]] = {}

    async def user(self, token: str) -> User | None:
        """The active user of `token`, or None: unknown or revoked (or an Entra ID token
        that is not trusted, or whose user has no role: current_user tells which)."""
        if self.entra is not None and _jwt(token):
            try:
                return await self.entra_user(token)
            except (InvalidToken, NotAllowed, KeysUnavailable):
                return None  # the route answers it, with the reason
        version = self.central.users_version
        user = self.tokens.get(token, version)
        if user is not None:
            return user
        key = (token_hash(token), version)
        pending = self._pending.get(key)
        if pending is None:
            pending = self._pending[key] = asyncio.ensure_future(self._look_up(token, version))
            pending.add_done_callback(lambda _: self._pending.pop(key, None))
        # Shielded: a client that goes away must not cancel the others' look-up.
        return await asyncio.shield(pending)

    async def entra_user(self, token: str) -> User:
        """The user of an Entra ID access token (central/entra.py): a token checked
        before costs a dictionary look-up; a new one is checked on a worker thread (a
        fetch of the tenant's keys may be needed). InvalidToken, NotAllowed otherwise."""
        assert self.entra is not None
        user = self.entra.cached(token)
        if user is None:
            user = await run_in_threadpool(self.entra.user, token)
        return user

    async def _look_up(self, token: str, version: int) -> User | None:
        user = await run_in_threadpool(self.central.authenticate, token)
        if user is not None:
            self.tokens.put(token, user, version)
        return user


async def current_user(request: Request) -> User:
    """The user of the bearer token; 401 with a problem body otherwise.

    Async, like every dependency of the push path, so that a push needs no worker thread
    for a token the app's TokenCache knows."""
    token = _bearer_token(request.headers.get("authorization", ""))
    if token is None:
        raise HTTPException(401, "missing bearer token", {"WWW-Authenticate": "Bearer"})
    authenticator: Authenticator = request.app.state.authenticator
    if authenticator.entra is not None and _jwt(token):
        try:
            return await authenticator.entra_user(token)  # NotAllowed: 403
        except InvalidToken as exc:
            raise HTTPException(
                401, str(exc), {"WWW-Authenticate": 'Bearer error="invalid_token"'}
            ) from None
        except KeysUnavailable as exc:
            log.warning("answered 503: %s", exc)
            raise HTTPException(503, str(exc), {"Retry-After": str(RETRY_AFTER_SECONDS)}) from None
    user = await authenticator.user(token)
    if user is None:
        raise HTTPException(401, "unknown or revoked token", {"WWW-Authenticate": "Bearer"})
    return user


async def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


CurrentUser = Annotated[User, Depends(current_user)]
Address = Annotated[str, Depends(client_address)]

PUSH_PATH = "/api/v1/events"
#: 19 digits in a row: possibly a number orjson would read otherwise than the route's json.
_LONG_NUMBER = re.compile(rb"[0-9]{19}")


def _results_body(results: list[EventResult]) -> bytes:
    return orjson.dumps({"results": [r.to_json() for r in results]})


class PushFastPath:
    """ASGI middleware that answers the everyday push itself: POST /api/v1/events, JSON,
    an object whose `events` list the route would accept, with the token of an active user.

    Same writer, same results and the same response bytes as the route, without FastAPI's
    routing, dependency and validation layers, which cost more CPU than the push itself.
    Anything else (another path, an unknown or revoked token, a body that is not such an
    object) goes on to the app with the body already read, so every error answer, and
    the API's description, come from the route alone.
    """

    def __init__(self, app: ASGIApp, authenticator: Authenticator, writer: GroupCommitter) -> None:
        self.app = app
        self.authenticator = authenticator
        self.writer = writer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > MAX_REQUEST_BYTES:
            await _too_large(scope, receive, send)
            return
        if scope["method"] != "POST":
            await self.app(scope, receive, send)  # only POST routes read a body
            return
        read = await _read_body(receive)
        if read is None:
            return  # the client went away before sending its body
        body, too_large = read
        if too_large:
            await _too_large(scope, receive, send)
            return
        if scope["path"] != PUSH_PATH:  # another POST (numbers): its body within the limit
            await self.app(scope, _replay(body, receive), send)
            return
        try:
            payload = await self._answer(scope, body)
        except Exception as exc:
            unavailable = _unavailable(exc)
            if unavailable is None:
                raise
            await unavailable(scope, receive, send)
            return
        if payload is None:
            await self.app(scope, _replay(body, receive), send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-length", str(len(payload)).encode("latin-1")),
                    (b"content-type", b"application/json"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    async def _answer(self, scope: Scope, body: bytes) -> bytes | None:
        """The response body of a push this path answers, or None to leave it to the app."""
        pushed = self._push_of(scope, body)
        user = await self.authenticator.user(pushed[0]) if pushed is not None else None
        if pushed is None or user is None:
            return None
        client = scope.get("client")
        address = client[0] if client else "unknown"  # as client_address() says
        return _results_body(await self.writer.record_async(user, pushed[1], address))

    def _push_of(self, scope: Scope, body: bytes) -> tuple[str, list[Any]] | None:
        """The bearer token and events of a push this path answers if the token is a
        user's, or None to leave it to the route."""
        headers = dict(reversed(scope["headers"]))  # the first of a repeated header counts
        content_type = headers.get(b"content-type", b"").partition(b";")[0].strip().lower()
        if content_type != b"application/json":
            return None
        token = _bearer_token(headers.get(b"authorization", b"").decode("latin-1"))
        if token is None:
            return None
        if _LONG_NUMBER.search(body):
            return None  # orjson reads an integer beyond 64 bits as a float; json does not
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        raw_events = document.get("events") if isinstance(document, dict) else None
        if not isinstance(raw_events, list) or len(raw_events) > MAX_BATCH:
            return None
        return token, raw_events


def _declared_length(scope: Scope) -> int:
    """The Content-Length a request declares (0 when none or not a number)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


#: What is still read (and dropped) of a body after its limit, so that a client that
#: sent a little too much gets the 413 instead of a reset connection.
_DRAIN_BYTES = 1024 * 1024


async def _read_body(receive: Receive) -> tuple[bytes, bool] | None:
    """The request body and whether it is over MAX_REQUEST_BYTES, counted as it streams
    in: past the limit nothing more is kept (and at most _DRAIN_BYTES more is read).
    None when the client went away."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= MAX_REQUEST_BYTES:
            chunks.append(chunk)
        elif size > MAX_REQUEST_BYTES + _DRAIN_BYTES:
            break
        if not message.get("more_body", False):
            break
    if size > MAX_REQUEST_BYTES:
        return b"", True
    return b"".join(chunks), False


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    limit = MAX_REQUEST_BYTES // (1024 * 1024)
    detail = f"the request body is larger than {MAX_REQUEST_BYTES} bytes ({limit} MiB)"
    await _problem(413, "request too large", detail)(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives `body` once, then whatever the client sends next."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class _CentralAPI(FastAPI):
    """The FastAPI app with the PushFastPath in front of everything FastAPI and Starlette
    wrap around a request (telemetry, body limit, error middleware): as a middleware
    inside those, a push paid for all of them without using any."""

    push_fast_path: PushFastPath

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.push_fast_path(scope, receive, send)

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            self.openapi_schema = document(self)
        return self.openapi_schema


def create_app(
    central: Central, *, owns_central: bool = False, entra: EntraValidator | None = None
) -> FastAPI:
    """The API over `central`; with `owns_central`, the app closes it when it stops.
    Entra ID tokens are trusted as `entra` says, else as the file named by
    HALT_DESK_ENTRA_CONFIG says (`serve --entra-config`), else not at all."""
    writer = GroupCommitter(central)
    built_in = [*poller_jobs(central), mail_job(central), escalation_job(central)]
    jobs = JobRunner(central.engine, [*built_in, *configured_jobs()])

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        jobs.start()
        yield
        await run_in_threadpool(jobs.stop)
        writer.close()
        if owns_central:
            central.close()

    app = _CentralAPI(
        lifespan=lifespan,
        title="HALT Desk central API",
        version=__version__,
        description="Events, changes feed and ticket state shared by every HALT Desk client.",
    )
    app.state.central = central
    app.state.tokens = tokens = TokenCache()
    entra = entra if entra is not None else entra_from_environment()
    app.state.authenticator = authenticator = Authenticator(central, tokens, entra)
    app.push_fast_path = PushFastPath(partial(FastAPI.__call__, app), authenticator, writer)
    _add_problem_handlers(app)
    _add_routes(app, central, writer)
    add_webhook_route(app, central)
    add_survey_routes(app, central)
    _add_notifications(app, central)
    return app


def _add_problem_handlers(app: FastAPI) -> None:
    """Every refusal as a JSON problem body with its status: 4xx for the request, 503 while
    the database cannot be reached."""

    @app.exception_handler(StarletteHTTPException)
    async def http_problem(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = _problem(exc.status_code, "request refused", str(exc.detail))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_problem(_: Request, exc: RequestValidationError) -> JSONResponse:
        # 400 like every other malformed request (a body that is not JSON, a batch too
        # long): a client need not tell FastAPI's validation from the central's own.
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        return _problem(400, "invalid request", f"{where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(NotAllowed)
    async def not_allowed(_: Request, exc: NotAllowed) -> JSONResponse:
        return _problem(403, "not allowed", str(exc))

    @app.exception_handler(OperationalError)
    @app.exception_handler(StoreDiskError)
    async def unavailable(_: Request, exc: Exception) -> JSONResponse:
        response = _unavailable(exc)
        assert response is not None
        return response

    @app.exception_handler(HaltDeskError)
    async def bad_input(_: Request, exc: HaltDeskError) -> JSONResponse:
        return _problem(400, "bad request", str(exc))


def _add_notifications(app: FastAPI, central: Central) -> None:
    """`GET /api/v1/notifications` (central/notifications.py)."""

    @app.get("/api/v1/notifications", **declared(400, 401, 403, 413, 503))
    def get_notifications(
        user: CurrentUser,
        since: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_NOTIFICATIONS)] = 100,
    ) -> dict[str, Any]:
        # The regie's notifications of its own organisations (central/notifications.py).
        page = notifications_page(central.db, user, since, limit)
        return {"notifications": page.notifications, "next": page.next, "more": page.more}


def _add_routes(app: FastAPI, central: Central, writer: GroupCommitter) -> None:
    """The routes of the API (a push that PushFastPath answers never reaches them)."""
    add_mail_routes(app, central, CurrentUser, Address)
    add_template_routes(app, central, CurrentUser, Address)
    add_notice_routes(app, central, CurrentUser)

    @app.get("/api/v1/health", response_model=Health, **declared(413))
    async def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.post("/api/v1/events", response_model=EventResults, **declared(400, 401, 413, 503))
    async def post_events(batch: EventBatch, user: CurrentUser, client: Address) -> Response:
        # Waits for the writer thread on the event loop; the results are plain JSON
        # already, so they are sent as they are instead of validated again as EventResults.
        results = await writer.record_async(user, batch.events, client)
        return Response(_results_body(results), media_type="application/json")

    @app.post(
        "/api/v1/numbers",
        response_model=NumbersBlock,
        **declared(400, 401, 403, 404, 409, 413, 503),
    )
    def post_numbers(body: NumbersRequest, user: CurrentUser, client: Address) -> Any:
        # The next numbers of the organisation's ticket series of this year (number_series.py).
        try:
            block = central.reserve_numbers(user, body.org, body.count, client, body.year)
        except UnknownOrganisation as exc:
            raise HTTPException(404, str(exc)) from None
        except YearNotOpen as exc:
            raise HTTPException(409, str(exc)) from None
        return block.to_json()

    @app.get("/api/v1/changes", response_model=ChangesPage, **declared(400, 401, 413, 503))
    def get_changes(
        user: CurrentUser,
        client: Address,
        since: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 500,
    ) -> dict[str, Any]:
        page = central.changes_page(user, since, limit, client)
        return {
            "events": page.events,
            "next": page.next,
            "more": page.more,
            "head": page.head,
            "chain": page.chain,
        }

    @app.post("/api/v1/history", response_model=HistoryAnswer, **declared(400, 401, 413, 503))
    def post_history(body: HistoryQuestion, user: CurrentUser, client: Address) -> Any:
        # Where the client stands in central's history (central/history.py).
        held = held_numbers(item.model_dump() for item in body.numbers)
        answer = central.position(user, body.seqs, held, client, body.found_behind)
        return answer.to_json()

    @app.get("/api/v1/tickets/{ticket_id}", **declared(400, 401, 404, 413, 503))
    def get_ticket(
        ticket_id: Annotated[str, Path(max_length=100, examples=["HALT-2027-K7M2Q9XW"])],
        user: CurrentUser,
        client: Address,
    ) -> dict[str, Any]:
        # No ticket id holds a NUL (its stream would be refused), and PostgreSQL cannot
        # even compare with one: answered without asking the database.
        state = None if "\x00" in ticket_id else central.ticket_state(user, ticket_id, client)
        if state is None:
            raise HTTPException(404, f"unknown ticket {ticket_id!r}")
        return state

    @app.get("/api/v1/audit", response_model=AuditPage, **declared(400, 401, 403, 413, 503))
    def get_audit(
        user: CurrentUser,
        client: Address,
        after: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1000,
    ) -> dict[str, Any]:
        rows = central.audit_rows(user, client, after, limit)
        return {"entries": rows, "next": rows[-1]["id"] if rows else after}


#: The database URL of the worker processes of `serve(..., workers=N)`, set by `serve`.
WORKER_DB_ENV = "HALT_DESK_CENTRAL_DB"


def create_worker_app() -> FastAPI:
    """The app of one worker process of `serve(..., workers=N)`: its own `Central` on the
    database that `serve` opened (and migrated) first."""
    central = Central(create_central_engine(os.environ[WORKER_DB_ENV]))
    central.warm_up()
    app = create_app(central, owns_central=True)
    gc.freeze()  # as in `serve`
    return app


def serve(
    central: Central,
    host: str = "127.0.0.1",
    port: int = 8765,
    workers: int = 1,
    transport: dict[str, Any] | None = None,
) -> None:
    """Runs the API with uvicorn until interrupted; in `workers` processes if more than one.
    `transport`: uvicorn's TLS and forwarded-header settings (`transport.uvicorn_options`;
    default: plain HTTP, no forwarded header believed).

    One process runs Python on one core at a time; more processes use more cores. They
    share the database safely: every write transaction takes the sequence counter's lock
    first (SQLite: the database's write lock), so `seq` and the audit chain continue from
    what the other process committed; a revoked token is refused by every process within
    TOKEN_CACHE_SECONDS.
    """
    import uvicorn

    from halt_desk.central.transport import uvicorn_options

    options = transport if transport is not None else uvicorn_options(None, [])
    if workers <= 1:
        central.warm_up()
        app = create_app(central)
        # Everything loaded so far lives as long as the process: left out of the
        # collector's full passes, which then take ~20 ms instead of ~150 ms (seen in a
        # push's p99 under load).
        gc.freeze()
        uvicorn.run(app, host=host, port=port, log_level="info", access_log=False, **options)
        return
    os.environ[WORKER_DB_ENV] = central.engine.url.render_as_string(hide_password=False)
    central.close()  # each process opens its own; the workers must not share its pool
    every: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "info",
        "access_log": False,
        **options,
    }
    if one_socket_per_process():  # a listening socket per process: connections spread
        code = run_processes(f"{__name__}:create_worker_app", workers, every)
        if code:
            raise SystemExit(code)
        return
    uvicorn.run(f"{__name__}:create_worker_app", factory=True, workers=workers, **every)
