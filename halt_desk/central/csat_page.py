"""The survey page `/csat/<token>` served by central (csat.py): one small HTML page that
works on a phone without a login or script; Dutch, English on request (`?lang=en` or the
browser's Accept-Language, the link on the page switches). A link that cannot be answered
gets a page that says why, with a 4xx: 404 unknown, 410 answered or expired; a form
without an overall score comes back with the question marked, 400.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from html import escape
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from halt_desk.central import csat
from halt_desk.central.auth import Role, User
from halt_desk.central.service import Central
from halt_desk.domain.events import Event
from halt_desk.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, translator

log = logging.getLogger(__name__)

#: The largest form the page sends (three numbers and a language) with room to spare.
MAX_FORM_BYTES = 2048

TEXTS = {
    "title": N_("How satisfied are you?"),
    "intro": N_("Your ticket {ticket} has been resolved. Would you tell us how it went?"),
    "score": N_("How satisfied are you with how your ticket was handled?"),
    "servicedesk": N_("How was your experience with the servicedesk? (optional)"),
    "information": N_("How well were you kept informed? (optional)"),
    "scale": N_("1 = very dissatisfied, 10 = very satisfied"),
    "send": N_("Send"),
    "required": N_("Choose a score from 1 to 10 for the first question."),
    "thanks_title": N_("Thank you for your answer"),
    "thanks": N_("Your rating has been received. You can close this page."),
    "unknown_title": N_("This link is not valid"),
    "unknown": N_(
        "Check that you used the whole link from the e-mail. If it still does not work, "
        "contact the servicedesk."
    ),
    "answered_title": N_("You have already answered"),
    "answered": N_("Thank you! Each link can be used once."),
    "expired_title": N_("This link has expired"),
    "expired": N_("You can answer up to 14 days after your ticket was resolved."),
    "reopened_title": N_("Your ticket has been reopened"),
    "reopened": N_(
        "We are working on your ticket again. When it is resolved you will receive a new "
        "link to tell us how it went."
    ),
    # The link to the page in the other language, in that language.
    "switch": N_("Language link: this page in the other language"),
}

_STYLE = """
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
 background:#f3f5f8;color:#1d2430;font-size:17px;line-height:1.45}
main{max-width:560px;margin:0 auto;padding:20px 16px 32px}
h1{font-size:1.45em;margin:.2em 0 .4em}
p{margin:.4em 0 1em}
fieldset{border:0;margin:0 0 18px;padding:14px;background:#fff;border-radius:12px;
 box-shadow:0 1px 3px rgba(0,0,0,.08)}
legend{font-weight:600;padding:0;margin-bottom:10px;float:left;width:100%}
.scale{display:grid;grid-template-columns:repeat(5,1fr);gap:8px;clear:both}
.scale input{position:absolute;opacity:0;width:1px;height:1px}
.scale label{display:flex;align-items:center;justify-content:center;min-height:48px;
 border:2px solid #c5cdd8;border-radius:10px;background:#fff;font-size:1.1em;
 font-weight:600;cursor:pointer}
.scale input:checked+label{background:#1f5fbf;border-color:#1f5fbf;color:#fff}
.scale input:focus-visible+label{outline:3px solid #f0a020;outline-offset:2px}
.hint{font-size:.85em;color:#5a6472;margin:8px 0 0}
.error{color:#a11a1a;font-weight:600}
fieldset.missing{box-shadow:0 0 0 2px #a11a1a}
button{width:100%;min-height:52px;border:0;border-radius:12px;background:#1f5fbf;
 color:#fff;font-size:1.1em;font-weight:600}
.lang{text-align:right;margin:0 0 4px}
.lang a{color:#1f5fbf}
"""


def add_survey_routes(app: FastAPI, central: Central) -> None:
    """`GET` and `POST /csat/{token}` on `app` (no login: the token is the permission)."""

    @app.get("/csat/{token:path}", response_class=HTMLResponse, include_in_schema=False)
    async def survey(token: str, request: Request) -> HTMLResponse:
        lang = page_language(request.query_params.get("lang"), request)
        found = await run_in_threadpool(_look_up, central, token)
        if isinstance(found, csat.Refusal):
            return refusal_page(found, lang)
        return HTMLResponse(form_page(found.ticket, lang))

    @app.post("/csat/{token:path}", response_class=HTMLResponse, include_in_schema=False)
    async def answer(token: str, request: Request) -> HTMLResponse:
        body = await _form_body(request)
        form = _form(body)
        lang = page_language(form.get("lang"), request)
        scores = {name: _score(form.get(name)) for name in ("score", *csat.DIMENSIONS)}
        score = scores["score"]
        if score is None:
            found = await run_in_threadpool(_look_up, central, token)
            if isinstance(found, csat.Refusal):
                return refusal_page(found, lang)
            return HTMLResponse(form_page(found.ticket, lang, scores, missing=True), 400)
        given = csat.Answer(score, scores["servicedesk"], scores["information"])
        address = request.client.host if request.client else "unknown"
        now = datetime.now(UTC)
        done = await run_in_threadpool(record_answer, central, token, given, address, now)
        if isinstance(done, csat.Refusal):
            return refusal_page(done, lang)
        return HTMLResponse(_page(lang, "thanks_title", f"<p>{_t(lang, 'thanks')}</p>"))


def _look_up(central: Central, token: str) -> csat.Invitation | csat.Refusal:
    return central.db.read(lambda conn: csat.look_up(conn, token))


def record_answer(
    central: Central, token: str, answer: csat.Answer, address: str, now: datetime | None = None
) -> csat.Invitation | csat.Refusal:
    """Records `answer` as `csat_recorded` on the ticket of `token`; the link, or why
    nothing was recorded (unknown, answered before, expired)."""
    now = now or datetime.now(UTC)
    found = central.db.read(lambda conn: csat.look_up(conn, token, now))
    if isinstance(found, csat.Refusal):
        return found
    event = Event(
        id=found.answer_id,
        stream=f"ticket:{found.ticket}",
        type="csat_recorded",
        at=now,
        actor=csat.SURVEY_ACTOR,
        data=answer.data(),
    )
    (result,) = central.record(User(0, csat.SURVEY_ACTOR, Role.AGENT), [event.to_json()], address)
    if result.status == "accepted":
        return found
    if result.status == "rejected" and "id reused" not in (result.reason or ""):
        log.warning("survey answer for ticket %s not recorded: %s", found.ticket, result.reason)
        return csat.Refusal.UNKNOWN
    return csat.Refusal.ANSWERED  # an answer with this link's id came first


def page_language(asked: str | None, request: Request) -> str:
    """`asked` (the page's own link) if it is a language of the catalogue; else the first
    one of the browser's Accept-Language that is; else Dutch."""
    if asked in LANGUAGES:
        return str(asked)
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def form_page(
    ticket: str,
    lang: str,
    chosen: dict[str, int | None] | None = None,
    missing: bool = False,
) -> str:
    chosen = chosen or {}
    intro = _t(lang, "intro").format(ticket=escape(ticket))
    error = f'<p class="error" role="alert">{_t(lang, "required")}</p>' if missing else ""
    questions = "".join(
        _question(name, lang, chosen.get(name), missing and name == "score")
        for name in ("score", *csat.DIMENSIONS)
    )
    body = (
        f"<p>{intro}</p>{error}"
        f'<form method="post" novalidate><input type="hidden" name="lang" value="{lang}">'
        f'{questions}<button type="submit">{_t(lang, "send")}</button></form>'
    )
    return _page(lang, "title", body, switch=True)


def refusal_page(refusal: csat.Refusal, lang: str) -> HTMLResponse:
    status = 404 if refusal is csat.Refusal.UNKNOWN else 410
    name = str(refusal.value)
    return HTMLResponse(_page(lang, f"{name}_title", f"<p>{_t(lang, name)}</p>"), status)


def _question(name: str, lang: str, chosen: int | None, missing: bool) -> str:
    options = "".join(
        f'<input type="radio" id="{name}-{n}" name="{name}" value="{n}"'
        f"{' checked' if chosen == n else ''}{' required' if name == 'score' else ''}>"
        f'<label for="{name}-{n}">{n}</label>'
        for n in range(1, 11)
    )
    css = ' class="missing"' if missing else ""
    return (
        f"<fieldset{css}><legend>{_t(lang, name)}</legend>"
        f'<div class="scale">{options}</div><p class="hint">{_t(lang, "scale")}</p></fieldset>'
    )


def _page(lang: str, title: str, body: str, switch: bool = False) -> str:
    heading = _t(lang, title)
    link = ""
    if switch:
        other = "en" if lang == "nl" else "nl"
        word = _t(lang, "switch")
        link = f'<p class="lang"><a href="?lang={other}" hreflang="{other}">{word}</a></p>'
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{heading}</title><style>{_STYLE}</style></head>"
        f"<body><main>{link}<h1>{heading}</h1>{body}</main></body></html>"
    )


def _t(lang: str, key: str) -> str:
    return escape(translator(lang).gettext(TEXTS[key]), quote=False)


def _score(value: str | None) -> int | None:
    if value is None or not value.isdecimal() or len(value) > 2:
        return None
    number = int(value)
    return number if 1 <= number <= 10 else None


def _form(body: str) -> dict[str, str]:
    """The first value of each field of an urlencoded form; {} for anything else."""
    try:
        return {k: v[0] for k, v in parse_qs(body, max_num_fields=10).items()}
    except ValueError:  # more fields than the page has
        return {}


async def _form_body(request: Request) -> str:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return ""
    return body.decode("utf-8", "replace")
