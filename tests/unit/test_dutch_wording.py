"""The Dutch screens and report speak Dutch: no English word of the trade ("loaner",
"swap", "bufferstock"), no terminal option or Python repr in any translation of the
compiled nl catalogue — the one place every word on screen and in the PDF comes from."""

from __future__ import annotations

import io
import re

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from halt_desk import i18n

#: pattern (case-insensitive, on a translation without its {placeholders} and <markup>)
#: → the Dutch to use instead, or why it may not show.
FORBIDDEN = {
    r"loaner": "leenapparaat",
    r"swap": "omruiling",
    r"buffer ?stock": "buffervoorraad",
    r"\bengineers?\b": "monteur",
    r"\bonsite\b": "op locatie",
    r"\btickets?\b": "melding",
    r"\bcache\b": "op deze computer",
    r"\bservice levels?\b": "serviceniveaus",
    r"\bkeychain\b": "wachtwoordkluis",
    r"\bencrypted\b|credentials|\.enc\b": "an English file name or description",
    r"\bthe\b|\bnot an?\b|\bexpected\b": "an English sentence",
    r"settings --": "a setting's file and option",
    r"(?<![\w-])--[a-z][\w-]*": "an option of the terminal command",
    r"halt-desk \w+": "a terminal command",
    r"http\(s\)|\bURL\b": "webadres",
}
#: A terminal text (the CLI's own help, in Dutch too) names its commands and options as the
#: English does: those patterns pass where the message id has the very same words.
NAMED_AS_IN_ENGLISH = {r"(?<![\w-])--[a-z][\w-]*", r"halt-desk \w+"}
#: Python reprs and conversions: a value in quotes ('https://'), or {value!r}.
REPR = re.compile(r"![rsa]\}|'[^'\s]*(?:://|[=_])[^'\s]*'")


def compiled_catalogue(lang: str) -> Catalog:
    """The compiled catalogue of `lang` as the app loads it (the .mo; compiled from the .po
    here when scripts/build-translations.sh has not run since it changed, as i18n does)."""
    folder = i18n.locale_dir() / lang / "LC_MESSAGES"
    mo, po = folder / f"{i18n.DOMAIN}.mo", folder / f"{i18n.DOMAIN}.po"
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as handle:
            return read_mo(handle)
    with po.open("rb") as handle:
        source = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, source)
    buffer.seek(0)
    return read_mo(buffer)


def dutch_texts() -> list[tuple[str, str]]:
    """(English message id, Dutch text) of every translation."""
    texts = []
    for message in compiled_catalogue("nl"):
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else " ".join(message.id)
        forms = [message.string] if isinstance(message.string, str) else message.string
        texts += [(english, form) for form in forms if form]
    return texts


def offends(pattern: str, english: str, text: str) -> bool:
    hits = re.findall(pattern, _plain(text), re.IGNORECASE)
    if pattern in NAMED_AS_IN_ENGLISH:
        return any(hit not in english for hit in hits)
    return bool(hits)


def _plain(text: str) -> str:
    return re.sub(r"\{[^{}]*\}|<[^<>]*>", " ", text)


@pytest.mark.parametrize("pattern", sorted(FORBIDDEN))
def test_no_dutch_text_uses_an_english_or_technical_word(pattern: str) -> None:
    found = [text for english, text in dutch_texts() if offends(pattern, english, text)]
    assert found == [], f"write {FORBIDDEN[pattern]!r} instead in:\n" + "\n".join(found)


def test_no_dutch_text_shows_a_python_repr() -> None:
    assert [text for _english, text in dutch_texts() if REPR.search(text)] == []


def test_the_scan_finds_what_it_forbids() -> None:
    """The patterns catch the defects the new user found (so the test can fail)."""
    found = [
        "Bufferstock per depot",
        "Geen loaner op voorraad",
        "{n} swaps open",
        "het wordt bewaard in the encrypted file /home/x/credentials.enc",
        "Ongeldig serveradres: settings --server: server: 'https://' is not an http(s) URL",
    ]
    for text in found:
        assert any(offends(p, "", text) for p in FORBIDDEN) or REPR.search(text), text
    assert REPR.search("server: 'https://' is geen webadres")
    dutch = "Geen leenapparaat op voorraad in de buffervoorraad"
    assert not any(offends(p, "", dutch) for p in FORBIDDEN)
    option = r"(?<![\w-])--[a-z][\w-]*"
    assert offends(option, "Invalid server address: {error}", "Ongeldig: --server")
    assert not offends(option, "without --no-window", "zonder --no-window")
    assert len(dutch_texts()) > 500  # the whole catalogue, not an empty one
