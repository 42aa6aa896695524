"""What a scanned code is, from the text alone: an asset tag (`HALT-LT-00042`), a courier
barcode (each carrier's published format, from the courier registry), a GS1 shipment label
(SSCC, application identifier 00) or a serial number.
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
#: GS1 SSCC: application identifier 00 and 18 digits, as the barcode carries it
#: (`00` + digits) or as printed under it (`(00)` + digits).
_SSCC = re.compile(r"^(?:\(00\)|00)(\d{18})$")


class CodeKind(StrEnum):
    ASSET_TAG = "asset_tag"
    TRACKING = "tracking"
    SERIAL = "serial"
    SSCC = "sscc"  # a GS1 shipment label (Serial Shipping Container Code)
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ScanCode:
    """A classified code: `value` is the canonical text (the tracking code for a courier
    barcode, the 18 digits of an SSCC); `carrier` is set for a tracking code; `problem`
    says why a code of a known form is not valid (`check_digit`)."""

    raw: str
    kind: CodeKind
    value: str
    carrier: str | None = None
    problem: str | None = None


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
    sscc = _SSCC.match(text)
    if sscc:  # a shipment label, never a serial number
        digits = sscc.group(1)
        if gs1_check_digit(digits[:-1]) != int(digits[-1]):
            return ScanCode(raw, CodeKind.UNKNOWN, digits, problem="check_digit")
        return ScanCode(raw, CodeKind.SSCC, digits)
    tracking = classify_tracking(text)
    if tracking is not None:
        return ScanCode(raw, CodeKind.TRACKING, tracking[1], tracking[0])
    if _SERIAL.match(text) and any(ch.isdigit() for ch in text):
        return ScanCode(raw, CodeKind.SERIAL, text)
    return ScanCode(raw, CodeKind.UNKNOWN, text)


def gs1_check_digit(digits: str) -> int:
    """The GS1 check digit of `digits` (the code without it): weights 3 and 1 from the
    right, the sum rounded up to a multiple of ten."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10
