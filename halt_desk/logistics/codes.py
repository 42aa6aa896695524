"""What a scanned code is, from the text alone: an asset tag (`HALT-LT-00042`), a courier
barcode (each carrier's published format, from the courier registry) or a serial number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from halt_desk.couriers.registry import recognise_tracking

#: `HALT-LT-00042`: organisation, device type, five-digit number.
ASSET_TAG_PATTERN = re.compile(r"^([A-Z]{2,10})-([A-Z]{2})-(\d{5})$")
#: Device type codes of an asset tag.
DEVICE_TYPES: dict[str, str] = {
    "LT": "laptop",
    "PC": "desktop",
    "TB": "tablet",
    "PH": "phone",
}
#: Longer than any code scanned here (a serial has at most 30 characters, a DPD label 28,
#: a GS1 SSCC 20; room for an AIM prefix and a scanner's spacing): refused whole, unread.
MAX_CODE_LENGTH = 48
_SERIAL = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,29}$")
#: AIM symbology identifier some scanners put in front (`]C1` for GS1-128 …).
_AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")


class CodeKind(StrEnum):
    ASSET_TAG = "asset_tag"
    TRACKING = "tracking"
    SERIAL = "serial"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ScanCode:
    """A classified code: `value` is the canonical text (the tracking code for a courier
    barcode); `carrier` is set for a tracking code."""

    raw: str
    kind: CodeKind
    value: str
    carrier: str | None = None


def clean(raw: str) -> str:
    """What the scanner meant: upper case, no AIM prefix, control characters or spaces."""
    text = raw.strip()
    text = _AIM_PREFIX.sub("", text)
    return "".join(ch for ch in text if ch.isprintable() and not ch.isspace()).upper()


def classify_tracking(code: str) -> tuple[str, str] | None:
    """(carrier, tracking code) for a courier barcode in one of the published formats."""
    return recognise_tracking(clean(code))


def classify(raw: str) -> ScanCode:
    """Asset tag, courier barcode, serial number or unknown, from the text alone."""
    text = clean(raw)
    match = ASSET_TAG_PATTERN.match(text)
    if match:  # shaped like an asset tag: one of ours, or nothing we know
        kind = CodeKind.ASSET_TAG if match.group(2) in DEVICE_TYPES else CodeKind.UNKNOWN
        return ScanCode(raw, kind, text)
    tracking = classify_tracking(text)
    if tracking is not None:
        return ScanCode(raw, CodeKind.TRACKING, tracking[1], tracking[0])
    if _SERIAL.match(text) and any(ch.isdigit() for ch in text):
        return ScanCode(raw, CodeKind.SERIAL, text)
    return ScanCode(raw, CodeKind.UNKNOWN, text)
