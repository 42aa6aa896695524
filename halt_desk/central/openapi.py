"""What `/openapi.json` says the API answers: every refusal a route really gives, as a
problem body (RFC 9457) under `application/problem+json`, and the bearer token it needs.

A route lists its refusals with `declared(400, 401, …)`; `document()` builds the whole
description once. Bad input is answered 400 (api.py's validation handler), so the 422 that
FastAPI lists by default for every route with parameters is left out: the description
names only answers the API gives, which `tests/integration/test_central_openapi.py` checks
with schemathesis.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

PROBLEM_MEDIA_TYPE = "application/problem+json"
BEARER_SCHEME = "bearer"


class Problem(BaseModel):
    """The body of every refusal (RFC 9457 problem details)."""

    type: str = Field(description="always about:blank: the status says what happened")
    title: str = Field(description="short, the same for every refusal of one kind")
    status: int = Field(description="the HTTP status of the answer")
    detail: str = Field(description="what was wrong with this request, in English")


#: What each refusal means, the same for every route that gives it.
_MEANING = {
    400: "The request is malformed: its body, a query or a path parameter.",
    401: "No bearer token, or one that is unknown or revoked.",
    403: "The user's role or organisation does not allow this.",
    404: "Nothing with this id is known (or visible to this user).",
    409: "The request is well-formed but cannot be served now (such as numbers of a year "
    "whose series is not open yet).",
    413: "The request body is larger than the central accepts.",
    503: "The central's database cannot be reached or its disk refuses writes for now: "
    "nothing was written; try again after Retry-After seconds.",
}
#: Headers a refusal always carries.
_HEADERS = {
    401: {
        "WWW-Authenticate": {
            "description": "Bearer",
            "required": True,
            "schema": {"type": "string"},
        }
    },
    503: {
        "Retry-After": {
            "description": "seconds to wait before trying again",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        }
    },
}
_PROBLEM_SCHEMA = {"$ref": "#/components/schemas/Problem"}


def declared(*statuses: int) -> dict[str, Any]:
    """The keyword arguments of a route decorator that declare its refusals `statuses`;
    with 401 among them, the route also needs the bearer token."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        answer: dict[str, Any] = {
            "description": _MEANING[status],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_SCHEMA}},
        }
        if status in _HEADERS:
            answer["headers"] = _HEADERS[status]
        responses[status] = answer
    extra: dict[str, Any] | None = {"security": [{BEARER_SCHEME: []}]} if 401 in statuses else None
    return {"responses": responses, "openapi_extra": extra}


def document(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI description of `app`: its routes' own declarations, the Problem schema
    and the bearer scheme, without FastAPI's default 422."""
    built = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    components = built.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = Problem.model_json_schema()
    components["securitySchemes"] = {
        BEARER_SCHEME: {"type": "http", "scheme": "bearer", "description": "an API token"}
    }
    for operations in built.get("paths", {}).values():
        for operation in operations.values():
            operation.get("responses", {}).pop("422", None)
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    return built
