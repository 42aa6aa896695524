"""What sync tells a person, in the gettext catalogue's words: how far a round is
("142.000 van ±1.000.000 gebeurtenissen · nog ±40 s") and how it ended ("Gesynchroniseerd:
12 verstuurd, 340 ontvangen", or why not — never the technical error). The same lines in
the window's status bar and in `halt-desk sync --once` on a terminal.
"""

from __future__ import annotations

import math

from halt_desk.i18n import _, grouped, ngettext
from halt_desk.store.history_marks import RestoreNotice
from halt_desk.sync.progress import PULL, Failure, SyncProgress
from halt_desk.sync.rounds import REACHED, SyncState, SyncSummary


def duration_text(seconds: float) -> str:
    """ "40 s", "3 min": rounded as a person says time left (to 5 s, then minutes)."""
    if seconds < 60:
        return _("{n} s").format(n=max(5, 5 * math.ceil(seconds / 5)))
    return _("{n} min").format(n=math.ceil(seconds / 60))


def pull_text(progress: SyncProgress, seconds_left: float | None) -> str:
    """ "142.000 van ±1.000.000 gebeurtenissen · nog ±40 s" (Dutch), fewer parts while the
    total or the time left are not known."""
    done = grouped(progress.done)
    if progress.total is None:
        return _("{done} events received").format(done=done)
    text = _("{done} of ~{total} events").format(done=done, total=grouped(progress.total))
    if seconds_left is not None and seconds_left > 0:
        text += " · " + _("about {time} left").format(time=duration_text(seconds_left))
    return text


def push_text(progress: SyncProgress) -> str:
    """ "Versturen: 500 van 2.000 gebeurtenissen"."""
    total = grouped(progress.total if progress.total is not None else progress.done)
    return _("Sending: {done} of {total} events").format(done=grouped(progress.done), total=total)


def progress_text(progress: SyncProgress, seconds_left: float | None) -> str:
    return pull_text(progress, seconds_left) if progress.phase == PULL else push_text(progress)


def round_text(summary: SyncSummary) -> str:
    """How a round ended, in one line for the status bar: the counts when it reached
    central, else why not and what happens now (never the technical error)."""
    if summary.state in REACHED:
        text = _("Synchronised: {sent} sent, {received} received").format(
            sent=grouped(summary.pushed + summary.duplicates), received=grouped(summary.pulled)
        )
        if summary.rejected:
            text += ", " + _("{n} refused").format(n=grouped(summary.rejected))
        if summary.state is SyncState.CLOCK_WARNING:
            text += " · " + _("this computer's clock is off")
        return text
    return failure_text(summary)


def failure_text(summary: SyncSummary) -> str:
    failure = summary.failure
    if failure is None:
        failure = {
            SyncState.OFFLINE: Failure.UNREACHABLE,
            SyncState.SIGNED_OUT: Failure.SIGNED_OUT,
        }.get(summary.state, Failure.OTHER)
    reasons = {
        Failure.UNREACHABLE: _("the server cannot be reached"),
        Failure.UNTRUSTED: _("the server's certificate is not trusted; ask your administrator"),
        Failure.SIGNED_OUT: _("the server refused your sign-in; sign in again"),
        Failure.DISK_FULL: _("the disk is full; sync goes on once there is room"),
        Failure.DISK: _("the local cache could not be written"),
        Failure.PROTOCOL: _("the server sent an answer this app cannot use"),
        Failure.STOPPED: _("the sync process stopped; it starts again by itself"),
        Failure.OTHER: _("an unexpected problem; sync tries again by itself"),
    }
    text = _("Sync failed: {reason}").format(reason=reasons[Failure(failure)])
    if summary.outbox:
        waiting = ngettext(
            "{n} change waits on this computer", "{n} changes wait on this computer", summary.outbox
        )
        text += " · " + waiting.format(n=grouped(summary.outbox))
    return text


def restore_text(notice: RestoreNotice) -> str:
    """What a person is told once after central was found restored from an older backup
    (or replaced): what this computer did, and that nothing recorded here is lost."""
    if notice.other_central:
        text = _(
            "This computer synced with another central server before. Everything was "
            "fetched again from the current one."
        )
    else:
        text = _(
            "The central server was put back to an older backup. This computer fetched "
            "everything since then again."
        )
    resent = ngettext(
        "It sent {n} change recorded here again; nothing recorded here is lost.",
        "It sent {n} changes recorded here again; nothing recorded here is lost.",
        notice.resent,
    )
    text += " " + resent.format(n=grouped(notice.resent))
    if notice.lost:
        lost = ngettext(
            "{n} change by colleagues is shown again once their computer sends it again.",
            "{n} changes by colleagues are shown again once their computers send them again.",
            notice.lost,
        )
        text += " " + lost.format(n=grouped(notice.lost))
    return text
