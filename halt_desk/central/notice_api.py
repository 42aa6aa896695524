"""The route of a notice's mail delivery, for the desk's notices window
(`GET /api/v1/notices/{notice_id}/deliveries`, central/notice_deliveries.py).

No `from __future__ import annotations` here: FastAPI reads the routes' annotations,
which name the dependencies `api.py` hands in.
"""

from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Path
from pydantic import BaseModel, Field

from halt_desk.central.notice_deliveries import UnknownNotice, notice_deliveries
from halt_desk.central.openapi import declared
from halt_desk.central.service import Central


class DeliveryFailure(BaseModel):
    to: str = Field(description="the employee's work address")
    reason: str = Field(description="why it was not delivered (the mail server's answer)")


class EventDeliveries(BaseModel):
    event_id: str
    type: str = Field(description="notice_published, notice_updated or notice_closed")
    at: str
    queued: int = Field(description="mails still waiting (a retry included)")
    sent: int
    failed: int
    skipped: int = Field(description="not sent on purpose (an event sent again after a restore)")
    failures: list[DeliveryFailure] | None = Field(
        default=None, description="the failed mails; only for roles that read the directory"
    )


class NoticeDeliveries(BaseModel):
    notice: str
    org: str | None
    events: list[EventDeliveries]
    addresses_shown: bool


def add_notice_routes(app: FastAPI, central: Central, current_user: Any) -> None:
    """Adds the route; `current_user`: api.py's dependency."""

    @app.get(
        "/api/v1/notices/{notice_id}/deliveries",
        response_model=NoticeDeliveries,
        response_model_exclude_none=True,
        **declared(400, 401, 403, 404, 413, 503),
    )
    def get_deliveries(
        notice_id: Annotated[str, Path(max_length=100, examples=["20261206-3f9a1c2e"])],
        user: current_user,
    ) -> dict[str, Any]:
        # Per notice event: its mails queued, sent and failed (any role of the organisation).
        try:
            if "\x00" in notice_id:
                raise UnknownNotice(f"unknown notice {notice_id!r}")
            return notice_deliveries(central.db, user, notice_id)
        except UnknownNotice as exc:
            raise HTTPException(404, str(exc)) from None
