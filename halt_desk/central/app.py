"""The central HTTP API (DESIGN §3.2): FastAPI over `Central`; JSON problem bodies."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from halt_desk import __version__
from halt_desk.central.auth import NotAllowed, TokenCache, User
from halt_desk.central.service import MAX_BATCH, MAX_PAGE, Central, GroupCommitter
from halt_desk.domain.errors import HaltDeskError

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


def _problem(status: int, title: str, detail: str) -> JSONResponse:
    return JSONResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status_code=status,
        media_type="application/problem+json",
    )


def _central(request: Request) -> Central:
    central: Central = request.app.state.central
    return central


async def current_user(request: Request) -> User:
    """The user of the bearer token; 401 with a problem body otherwise.

    Async, like every dependency of the push path, so that a push needs no worker thread:
    a token seen within the last second is answered from the app's TokenCache, any other
    is looked up in the database on a worker thread."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(401, "missing bearer token", {"WWW-Authenticate": "Bearer"})
    central = _central(request)
    tokens: TokenCache = request.app.state.tokens
    version = central.users_version
    user = tokens.get(token, version)
    if user is None:
        user = await run_in_threadpool(central.authenticate, token)
        if user is None:
            raise HTTPException(401, "unknown or revoked token", {"WWW-Authenticate": "Bearer"})
        tokens.put(token, user, version)
    return user


async def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


CurrentUser = Annotated[User, Depends(current_user)]
Address = Annotated[str, Depends(client_address)]


def create_app(central: Central) -> FastAPI:
    writer = GroupCommitter(central)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        writer.close()

    app = FastAPI(
        lifespan=lifespan,
        title="HALT Desk central API",
        version=__version__,
        description="Events, changes feed and ticket state shared by every HALT Desk client.",
    )
    app.state.central = central
    app.state.tokens = TokenCache()

    @app.exception_handler(StarletteHTTPException)
    async def http_problem(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = _problem(exc.status_code, "request refused", str(exc.detail))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_problem(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        return _problem(422, "invalid request", f"{where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(NotAllowed)
    async def not_allowed(_: Request, exc: NotAllowed) -> JSONResponse:
        return _problem(403, "not allowed", str(exc))

    @app.exception_handler(HaltDeskError)
    async def bad_input(_: Request, exc: HaltDeskError) -> JSONResponse:
        return _problem(400, "bad request", str(exc))

    @app.get("/api/v1/health")
    async def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.post("/api/v1/events", response_model=EventResults)
    async def post_events(batch: EventBatch, user: CurrentUser, client: Address) -> Response:
        # Waits for the writer thread on the event loop; the results are plain JSON
        # already, so they are sent as they are instead of validated again as EventResults.
        results = await writer.record_async(user, batch.events, client)
        body = orjson.dumps({"results": [r.to_json() for r in results]})
        return Response(body, media_type="application/json")

    @app.get("/api/v1/changes", response_model=ChangesPage)
    def get_changes(
        user: CurrentUser,
        client: Address,
        since: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 500,
    ) -> dict[str, Any]:
        page, next_seq, more = central.changes(user, since, limit, client)
        return {"events": page, "next": next_seq, "more": more}

    @app.get("/api/v1/tickets/{ticket_id}")
    def get_ticket(
        ticket_id: Annotated[str, Path(max_length=100)], user: CurrentUser, client: Address
    ) -> dict[str, Any]:
        state = central.ticket_state(user, ticket_id, client)
        if state is None:
            raise HTTPException(404, f"unknown ticket {ticket_id!r}")
        return state

    @app.get("/api/v1/audit")
    def get_audit(
        user: CurrentUser,
        client: Address,
        after: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1000,
    ) -> dict[str, Any]:
        rows = central.audit_rows(user, client, after, limit)
        return {"entries": rows, "next": rows[-1]["id"] if rows else after}

    return app


def serve(central: Central, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Runs the API with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(central), host=host, port=port, log_level="info", access_log=False)
