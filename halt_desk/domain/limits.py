"""The one table of size limits: each free-text field of event data (in characters and in
UTF-8 bytes), a whole event's data as central stores it, and a request to central.

The desk's forms, the core's record functions and central read this table, so nothing a
form accepts offline is refused by central later. A character is a Unicode code point
(Python's `len`), an emoji is one; its UTF-8 bytes are what a database stores.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from halt_desk.domain.errors import DeskInputError, InvalidEvent
from halt_desk.domain.messages import Msg
from halt_desk.i18n import Amount

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True, slots=True)
class FieldLimit:
    """The most a text field of event data may hold, in characters and in UTF-8 bytes."""

    key: str  # the key in an event's `data`
    chars: int
    bytes: int
    what: str  # which texts use this key (English, for the README and the wire)

    def excess(self, text: str) -> str | None:
        """Why `text` is too long for this field (English, naming the limit), or None."""
        if len(text) > self.chars:
            return f"{len(text)} characters, at most {self.chars}"
        # No UTF-8 character takes more than 4 bytes: most texts need no encoding to tell.
        if len(text) * 4 > self.bytes:
            size = len(text.encode("utf-8", "surrogatepass"))
            if size > self.bytes:
                return f"{size} bytes in UTF-8, at most {self.bytes}"
        return None

    def fitting(self, text: str) -> str:
        """The longest start of `text` within both limits (what a form keeps)."""
        text = text[: self.chars]
        while len(text.encode("utf-8", "surrogatepass")) > self.bytes:
            over = len(text.encode("utf-8", "surrogatepass")) - self.bytes
            text = text[: len(text) - max(1, over // 4)]
        return text


def _limit(key: str, chars: int, size: int, what: str) -> tuple[str, FieldLimit]:
    return key, FieldLimit(key, chars, size, what)


#: Every limited field of event data, by its key (the same key in every event type).
FIELD_LIMITS: Mapping[str, FieldLimit] = dict(
    [
        _limit("summary", 200, 800, "summary of a ticket"),
        _limit("title", 200, 800, "title of a disruption or maintenance notice"),
        _limit("caller", 100, 400, "the caller (an employee id)"),
        _limit(
            "text",
            16_000,
            64 * KIB,
            "note, comment, status update, resolution or other text with an action",
        ),
        _limit("description", 16_000, 64 * KIB, "description of a new ticket"),
        _limit("resolution", 16_000, 64 * KIB, "resolution of a ticket (resolved)"),
        _limit("motivation", 4_000, 16 * KIB, "motivation of a P1-uplift decision"),
        _limit("role_explanation", 500, 2 * KIB, "explanation of the role 'other' (uplift)"),
        _limit("reason", 2_000, 8 * KIB, "reason of a priority override or other change"),
        _limit("note", 2_000, 8 * KIB, "explanation of a stock shortage mitigation"),
        _limit("outcome", 2_000, 8 * KIB, "why a swap stops"),
        _limit("confirmed_by", 200, 800, "who confirmed that the employee can work again"),
        _limit("home_address", 500, 2 * KIB, "home address for a courier"),
        _limit("to", 200, 800, "who a ticket is assigned to"),
        _limit("operator", 200, 800, "who wiped a device"),
        _limit("certificate", 200, 800, "number of a wiping certificate"),
        _limit("reference", 200, 800, "reference of a return to the lessor"),
        _limit("engineer", 200, 800, "the engineer who issues a loaner"),
        _limit("serial", 100, 400, "serial number of a device"),
        _limit("model", 100, 400, "model of a device"),
        _limit("lessor", 200, 800, "lessor of a device"),
        _limit("finding", 2_000, 8 * KIB, "what the diagnosis of a device found"),
        _limit("location", 200, 800, "where a device was taken back"),
    ]
)
#: A whole event's `data` as central stores it: the UTF-8 bytes of `stored_data_text`.
MAX_EVENT_DATA_BYTES = 128 * KIB
#: The body of one request to central (answered 413 beyond it).
MAX_REQUEST_BYTES = 8 * MIB


def stored_data_text(data: Mapping[str, Any]) -> str:
    """The JSON text central writes for an event's `data` (UTF-8, keys sorted); its size
    in UTF-8 bytes is what MAX_EVENT_DATA_BYTES limits. Key order does not change the size."""
    return json.dumps(dict(data), sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Excess:
    """What of an event's data is over a limit: the field (None: the whole data) and why."""

    key: str | None
    problem: str
    limit: FieldLimit | None = None


def field_excess(data: Mapping[str, Any]) -> Excess | None:
    """The first text field of `data` over its limit, or None."""
    for key, value in data.items():
        limit = FIELD_LIMITS.get(key)
        if limit is not None and isinstance(value, str):
            problem = limit.excess(value)
            if problem is not None:
                return Excess(key, problem, limit)
    return None


def data_excess(text: str) -> Excess | None:
    """Whether an event's data, as `text` (JSON; `stored_data_text` or the same keys in
    another order), is over MAX_EVENT_DATA_BYTES."""
    if len(text) * 4 <= MAX_EVENT_DATA_BYTES:
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= MAX_EVENT_DATA_BYTES:
        return None
    return Excess(None, f"{size} bytes as stored, at most {MAX_EVENT_DATA_BYTES}")


def check_event_limits(event_id: str, data: Mapping[str, Any], text: str | None = None) -> None:
    """Raises InvalidEvent naming the field and its limit for data over a limit (central's
    refusal); `text` is the data's JSON text when the caller has it already."""
    excess = field_excess(data) or data_excess(stored_data_text(data) if text is None else text)
    if excess is not None:
        where = "data" if excess.key is None else f"data.{excess.key}"
        raise InvalidEvent(event_id, where, f"too long: {excess.problem}")


def check_input_limits(data: Mapping[str, Any]) -> None:
    """Raises DeskInputError (the field, the limit, in the reader's language) for what a
    person typed over a limit: the core's check before it records, the same as central's."""
    excess = field_excess(data) or data_excess(stored_data_text(data))
    if excess is None:
        return
    if excess.limit is None:
        raise DeskInputError("data", Msg.EVENT_TOO_LARGE, limit=Amount(MAX_EVENT_DATA_BYTES // KIB))
    raise DeskInputError(excess.key or "data", Msg.TEXT_TOO_LONG, limit=Amount(excess.limit.chars))
