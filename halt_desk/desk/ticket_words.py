"""The words for the codes a ticket's timeline carries (event types, channels, categories,
intake answers, uplift roles and refusals, shipment statuses), marked for the catalogue and
put in the reader's language where they are shown. Qt-free: the ticket story uses them."""

from __future__ import annotations

from collections.abc import Mapping

from halt_desk.i18n import N_, _

#: What happened, per ticket (and linked swap) event type: the label of a timeline entry.
EVENT_LABELS: Mapping[str, str] = {
    "ticket_reported": N_("Reported"),
    "first_response": N_("First response"),
    "status_update": N_("Status update"),
    "priority_changed": N_("Priority changed"),
    "waiting_on_user": N_("Waiting on user"),
    "resumed": N_("Resume"),
    "onsite_requested": N_("Field engineer requested"),
    "onsite_arrival": N_("Field engineer on site"),
    "workaround": N_("Workaround"),
    "swap_requested": N_("Device swap requested"),
    "swap_delivered": N_("Replacement device delivered"),
    "emergency_workplace": N_("Emergency workplace"),
    "productive_again": N_("Productive again"),
    "resolved": N_("Resolved"),
    "uplift_decided": N_("P1 uplift decided"),
    "assigned": N_("Assigned"),
    "comment": N_("Note"),
    "csat_recorded": N_("Satisfaction"),
    "closed": N_("Closed"),
    "conflict_resolved": N_("Concurrent changes settled"),
    "ticket_updated": N_("Ticket changed"),
    "reopened": N_("Reopened"),
    "mail_queued": N_("E-mail queued"),
    "mail_sent": N_("E-mail sent"),
    "mail_failed": N_("E-mail not sent"),
    "mail_resend_requested": N_("E-mail requested again"),
    "linked_to_notice": N_("Linked to a disruption notice"),
    "change_planned": N_("Change planned"),
    "change_implemented": N_("Change implemented"),
    "swap_opened": N_("Device swap planned"),
    "swap_updated": N_("Device swap changed"),
    "shipment_status": N_("Shipment"),
    "swap_closed": N_("Device swap closed"),
}
#: How the caller was reached or told, as an adverb ("telefonisch", "per e-mail").
CHANNEL_WAYS: Mapping[str, str] = {
    "phone": N_("by phone"),
    "email": N_("by e-mail"),
    "portal": N_("through the portal"),
    "onsite": N_("on site"),
}
CATEGORIES: Mapping[str, str] = {
    "werkplek": N_("Workplace and laptop"),
    "m365": N_("Microsoft 365"),
    "netwerk": N_("Network and VPN"),
    "kernapplicatie": N_("Core application"),
    "applicatie": N_("Other application"),
    "account": N_("Account and password"),
    "telefonie": N_("Telephony"),
    "security": N_("Security"),
    "verzoek": N_("Request"),
    "vraag": N_("Question"),
}
IMPACTS: Mapping[str, str] = {
    "organisation": N_("Whole organisation"),
    "several": N_("Several teams or locations"),
    "one": N_("One employee or a small team"),
    "none": N_("No hindrance"),
    "low": N_("Low"),
    "middle": N_("Medium"),
    "high": N_("High"),
}
URGENCIES: Mapping[str, str] = {
    "stopped": N_("Work has stopped"),
    "degraded": N_("Work is degraded"),
    "workaround": N_("Workaround possible, or a question"),
    "low": N_("Workaround present"),
    "middle": N_("Service limited"),
    "high": N_("Service unavailable"),
}
#: What a mail central sent was about (mail_* events' `kind`).
MAIL_KINDS: Mapping[str, str] = {
    "caller_registered": N_("Registration confirmation to the caller"),
    "caller_first_response": N_("First response to the caller"),
    "caller_status_update": N_("Status update to the caller"),
    "caller_resolved": N_("Resolution to the caller"),
    "regie_p1": N_("P1 notice to service management"),
    "regie_uplift": N_("P1-uplift notice to service management"),
    "regie_breach": N_("Breached norm notice to service management"),
    "engineer_onsite": N_("Onsite request to the field engineer"),
}
ROLE_TYPES: Mapping[str, str] = {
    "board_or_press": N_("Board or press spokesperson"),
    "crisis_meeting": N_("Crisis meeting"),
    "court_session": N_("Court session"),
    "class_or_group": N_("Lesson or talk to a class or large group"),
    "chain_partner_meeting": N_("Administrative meeting with chain partners"),
    "other": N_("Other (with explanation)"),
}
REFUSALS: Mapping[str, str] = {
    "no_critical_role": N_("The employee has no critical role or time-critical obligation now."),
    "no_direct_impact": N_(
        "There is no direct impact on continuity, safety, the public task or reputation."
    ),
    "can_still_work": N_("The employee can still do the task."),
    "role_type_missing": N_("Choose the type of critical role."),
    "role_explanation_missing": N_("'Other' needs an explanation of the role."),
    "motivation_missing": N_("A written motivation (at least 10 characters) is required."),
}
#: The criteria of an uplift, in the order of the refusal reasons they give.
CRITERIA_REFUSALS: tuple[tuple[str, str], ...] = (
    ("critical_role", "no_critical_role"),
    ("direct_impact", "no_direct_impact"),
    ("cannot_work", "can_still_work"),
)
STATUSES: Mapping[str, str] = {
    "open": N_("Open"),
    "waiting": N_("Waiting on user"),
    "resolved": N_("Resolved"),
    "closed": N_("Closed"),
}
#: The names of a ticket's clocks (a breach "HALT-1:reaction", the SLA board).
TICKET_CLOCK_WORDS: Mapping[str, str] = {
    "reaction": N_("Reaction"),
    "resolution": N_("Resolution"),
    "update": N_("Status update"),
    "onsite": N_("On site"),
    "swap": N_("Device swap"),
    "emergency_workplace": N_("Emergency workplace"),
}
#: The fields of a ticket an edit (`ticket_updated`) or a conflict names.
FIELD_NAMES: Mapping[str, str] = {
    "summary": N_("Summary"),
    "description": N_("Description"),
    "category": N_("Category"),
    "impact": N_("Impact"),
    "urgency": N_("Urgency"),
    "priority": N_("Priority"),
    "caller": N_("Caller"),
    "channel": N_("Channel"),
    "security": N_("Security incident"),
    "location": N_("Location"),
    "assignee": N_("Assigned to"),
    "status": N_("Status"),
    "uplift": N_("P1 uplift"),
}
EMERGENCY_KIND_WORDS: Mapping[str, str] = {
    "virtual_workplace": N_("virtual workplace"),
    "pool_device": N_("pool device"),
}
SHIPMENT_STATUSES: Mapping[str, str] = {
    "booked": N_("booked"),
    "picked_up": N_("picked up"),
    "in_transit": N_("in transit"),
    "out_for_delivery": N_("out for delivery"),
    "delivered": N_("delivered"),
    "failed_attempt": N_("failed attempt"),
    "returned": N_("returned to sender"),
}
CHANNELS: Mapping[str, str] = {
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "portal": N_("Portal"),
    "onsite": N_("On site"),
}


def word(table: Mapping[str, str], code: object, unknown: str | None = None) -> str:
    """The word for `code` in `table` in the reader's language; a code without one reads as
    `unknown` if given, else as itself (free text such as a summary is its own word)."""
    text = table.get(str(code))
    if text is not None:
        return _(text)
    return _(unknown) if unknown is not None else str(code)
