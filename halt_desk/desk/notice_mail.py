"""How a notice's mails fared, as the notices window shows it: asked of central
(`GET /api/v1/notices/{id}/deliveries`) off the UI thread, worded in one line ("E-mail:
verstuurd aan 980 van 1.001 medewerkers · 21 niet afgeleverd · 0 wachten") and a list of
the addresses that were not delivered with the mail server's reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from halt_desk.i18n import _, grouped, ngettext
from halt_desk.sync.client import CentralClient
from halt_desk.sync.errors import SyncError
from halt_desk.sync.signin import SyncTarget


@dataclass(frozen=True, slots=True)
class MailRound:
    """The mails of one notice event (`type`: notice_published, notice_updated,
    notice_closed) and the failed ones, (address, reason)."""

    type: str
    at: str
    queued: int
    sent: int
    failed: int
    failures: tuple[tuple[str, str], ...] = ()

    @property
    def total(self) -> int:
        return self.queued + self.sent + self.failed


@dataclass(frozen=True, slots=True)
class NoticeMail:
    """What central said about a notice's mails: `reached` False when it could not be
    asked, `known` False when it does not know the notice (not synced yet)."""

    reached: bool
    known: bool = False
    rounds: tuple[MailRound, ...] = ()
    addresses_shown: bool = False


def read_rounds(answer: Mapping[str, Any]) -> NoticeMail:
    """A NoticeMail from central's answer (unusable parts are left out)."""
    rounds: list[MailRound] = []
    for item in answer.get("events") or []:
        if not isinstance(item, Mapping):
            continue
        failures = tuple(
            (str(f.get("to", "")), str(f.get("reason", "")))
            for f in item.get("failures") or []
            if isinstance(f, Mapping)
        )
        rounds.append(
            MailRound(
                str(item.get("type", "")),
                str(item.get("at", "")),
                _count(item, "queued"),
                _count(item, "sent"),
                _count(item, "failed"),
                failures,
            )
        )
    shown = answer.get("addresses_shown") is True
    return NoticeMail(True, True, tuple(rounds), shown)


def _count(item: Mapping[str, Any], key: str) -> int:
    value = item.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def fetch_notice_mail(target: SyncTarget, notice_id: str) -> NoticeMail:
    """Asks central (a few seconds at most); offline or refused: `reached` False."""
    try:
        token = target.round_token()
        with CentralClient(target.server, token, tls=target.tls, timeout=(3.0, 10.0)) as client:
            answer = client.notice_deliveries(notice_id)
    except SyncError:
        return NoticeMail(False)
    return NoticeMail(True) if answer is None else read_rounds(answer)


def round_words(kind: str) -> str:
    """Which mail of a notice: of the publication, a follow-up or the all-clear."""
    if kind == "notice_updated":
        return _("E-mail of the follow-up")
    if kind == "notice_closed":
        return _("E-mail of the all-clear")
    return _("E-mail")


def latest_round(mail: NoticeMail) -> MailRound | None:
    """The newest notice event that sent mail (else the newest event)."""
    with_mail = [r for r in mail.rounds if r.total]
    if with_mail:
        return with_mail[-1]
    return mail.rounds[-1] if mail.rounds else None


def mail_line(mail: NoticeMail | None, online: bool) -> str:
    """The one line of the notices window about the chosen notice's mails."""
    if not online or (mail is not None and not mail.reached):
        return _("E-mail: not known (offline)")
    if mail is None:
        return _("E-mail: asking central…")
    latest = latest_round(mail)
    if not mail.known or latest is None:
        return _("E-mail: central does not know this notice yet")
    head = round_words(latest.type)
    if not latest.total:
        return _("{head}: none sent (yet)").format(head=head)
    sent = ngettext(
        "sent to {sent} of {total} employee", "sent to {sent} of {total} employees", latest.total
    ).format(sent=grouped(latest.sent), total=grouped(latest.total))
    failed = ngettext("{n} not delivered", "{n} not delivered", latest.failed)
    waiting = ngettext("{n} waiting", "{n} waiting", latest.queued)
    parts = (
        sent,
        failed.format(n=grouped(latest.failed)),
        waiting.format(n=grouped(latest.queued)),
    )
    return f"{head}: " + " · ".join(parts)


def which_mail(kind: str) -> str:
    """Which of a notice's mails, in a list of them."""
    if kind == "notice_updated":
        return _("follow-up")
    if kind == "notice_closed":
        return _("all clear")
    return _("notice")


def failure_lines(mail: NoticeMail) -> list[str]:
    """Each mail not delivered: the address, which mail and the mail server's answer."""
    lines: list[str] = []
    for item in mail.rounds:
        for to, reason in item.failures:
            lines.append(
                _("{address} · {which} · mail server: {reason}").format(
                    address=to, which=which_mail(item.type), reason=reason or _("unknown reason")
                )
            )
    return lines
