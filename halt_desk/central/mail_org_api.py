"""The route of an organisation's published mail wording, for the desk's preview
(`GET /api/v1/mail-templates/{org}/{kind}/{lang}` → {org, kind, lang, version, source};
404 while the organisation uses the built-in wording).

No `from __future__ import annotations` here: FastAPI reads the routes' annotations,
which name the dependencies `api.py` hands in.
"""

from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Path
from pydantic import BaseModel

from halt_desk.central.auth import check_org
from halt_desk.central.mail_org import published_template_row
from halt_desk.central.openapi import declared
from halt_desk.central.service import Central


class PublishedTemplateAnswer(BaseModel):
    org: str
    kind: str
    lang: str
    version: int
    source: str


def add_template_routes(app: FastAPI, central: Central, current_user: Any, address: Any) -> None:
    """Adds the route; `current_user` and `address`: api.py's dependencies."""

    @app.get(
        "/api/v1/mail-templates/{org}/{kind}/{lang}",
        response_model=PublishedTemplateAnswer,
        **declared(400, 401, 403, 404, 413, 503),
    )
    def get_template(
        org: Annotated[str, Path(max_length=100, examples=["halt"])],
        kind: Annotated[str, Path(max_length=40, examples=["caller_resolved"])],
        lang: Annotated[str, Path(max_length=8, examples=["nl"])],
        user: current_user,
        client: address,
    ) -> dict[str, Any]:
        # The wording `org` published for `kind` in `lang` (any role of the organisation).
        check_org(user, org, f"the mail templates of {org}")
        found = (
            None
            if "\x00" in org + kind + lang
            else published_template_row(central, org, kind, lang)
        )
        if found is None:
            raise HTTPException(404, f"{org} uses the built-in {kind} ({lang}) wording")
        return found
