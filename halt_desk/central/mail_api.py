"""The mail routes of the central API: resend a mail of a ticket
(`POST /api/v1/tickets/{ticket_id}/mail/resend` {message_id} → {message_id}).

No `from __future__ import annotations` here: FastAPI reads the routes' annotations,
which name the dependencies `api.py` hands in.
"""

from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Path
from pydantic import BaseModel, Field

from halt_desk.central.mail_admin import MailAdminError, resend_mail
from halt_desk.central.openapi import declared
from halt_desk.central.service import Central


class ResendRequest(BaseModel):
    message_id: str = Field(
        min_length=3, max_length=250, description="the Message-ID of the mail to send again"
    )


class ResendAnswer(BaseModel):
    message_id: str = Field(description="the Message-ID of the copy queued")


def add_mail_routes(app: FastAPI, central: Central, current_user: Any, address: Any) -> None:
    """Adds the mail routes; `current_user` and `address`: api.py's dependencies."""

    @app.post(
        "/api/v1/tickets/{ticket_id}/mail/resend",
        response_model=ResendAnswer,
        **declared(400, 401, 403, 404, 413, 503),
    )
    def post_resend(
        ticket_id: Annotated[str, Path(max_length=100, examples=["HALT-2026-000862"])],
        body: ResendRequest,
        user: current_user,
        client: address,
    ) -> dict[str, str]:
        # An agent sends a mail of the ticket again (after "niet afgeleverd").
        if "\x00" in ticket_id + body.message_id:
            raise HTTPException(404, f"ticket {ticket_id!r} has no such mail")
        try:
            return {"message_id": resend_mail(central, user, ticket_id, body.message_id, client)}
        except MailAdminError as exc:
            raise HTTPException(404, str(exc)) from None
