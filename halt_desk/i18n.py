"""The one message catalogue of HALT Desk (gettext domain `halt_desk`, a `.po` per language
under resources/locale): `_()` words a text in the current language, `translator(lang)` in
an explicit one (the report renders in its `--lang` whatever the screen speaks).

Message ids are English, the language of the code; Dutch is a translation like any other
(and the default language of the screens). Tables of texts mark their entries with `N_()`
and translate where they are shown. The module imports nothing of HALT Desk but `paths`, so
every layer, the domain included, may use it. It never imports Qt: the GUI uses the same
`_()`, as MusicBrainz Picard does.
"""

from __future__ import annotations

import gettext
import io
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from halt_desk.paths import resources_dir

log = logging.getLogger(__name__)

DOMAIN = "halt_desk"
#: The languages with a catalogue; the first is the default of the screens.
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"

_lock = threading.Lock()
_catalogues: dict[str, gettext.NullTranslations] = {}
_current = DEFAULT_LANGUAGE


class UnknownLanguage(ValueError):
    """A language code that has no catalogue."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        known = ", ".join(sorted({*LANGUAGES, *_catalogues}))
        super().__init__(f"language {lang!r}: expected one of {known}")


def N_(message: str) -> str:
    """Marks `message` for the catalogue where it is defined (a table, an enum); it is
    translated where it is shown."""
    return message


def NP_(context: str, message: str) -> str:
    """Marks `message` in `context` (for `pgettext`) where it is defined."""
    return message


def locale_dir() -> Path:
    """resources/locale: `<lang>/LC_MESSAGES/halt_desk.po` (and its compiled `.mo`)."""
    return resources_dir() / "locale"


def translator(lang: str) -> gettext.NullTranslations:
    """The catalogue of `lang`, loaded once; UnknownLanguage for a language without one."""
    with _lock:
        found = _catalogues.get(lang)
        if found is None:
            if lang not in LANGUAGES:
                raise UnknownLanguage(lang)
            found = _catalogues[lang] = _load(lang)
        return found


def add_language(lang: str, catalogue: gettext.NullTranslations) -> None:
    """Makes `catalogue` available as `lang` (tests use it for a pseudo-language)."""
    with _lock:
        _catalogues[lang] = catalogue


def set_language(lang: str) -> None:
    """The language of `_()` from now on (the screens, the CLI's messages)."""
    global _current
    translator(lang)  # refuses an unknown language before anything changes
    _current = lang


def current_language() -> str:
    return _current


def chosen_language(asked: str | None = None) -> str:
    """The language a command speaks: `asked` (its `--lang`), else the environment's
    HALT_DESK_LANG, else Dutch; one without a catalogue is Dutch too."""
    chosen = asked or os.environ.get("HALT_DESK_LANG", DEFAULT_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def _(message: str) -> str:
    """`message` (an English message id) in the current language."""
    return translator(_current).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """`singular` or `plural` (English message ids) as the current language says `n` of
    something (Dutch and English: the singular for 1 only; say 0 in words where it reads
    better, "geen omruilingen open")."""
    return translator(_current).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in `context`, for an English word that Dutch says in two ways."""
    return translator(_current).pgettext(context, message)


def grouped(number: int, lang: str | None = None) -> str:
    """`number` with its thousands grouped as `lang` (default: the current language) writes
    them: 16.000 in Dutch, 16,000 in English."""
    text = f"{number:,}"
    return text.replace(",", ".") if (lang or _current) == "nl" else text


@dataclass(frozen=True, slots=True)
class Amount:
    """A number for a Words parameter that is written with grouped thousands in the
    reader's language (a limit of 16.000 characters); plain ints stay as they are (years,
    sequence numbers)."""

    value: int

    def text(self, lang: str | None = None) -> str:
        return grouped(self.value, lang)


@dataclass(frozen=True, slots=True)
class Words:
    """A marked catalogue text (with its placeholders) still to be put into a language:
    what an error or an outcome carries, so each reader gets it in their own language."""

    message: str
    params: tuple[tuple[str, object], ...] = ()
    context: str | None = None

    @classmethod
    def of(cls, message: str, /, **params: object) -> Words:
        return cls(message, tuple(params.items()))

    def text(self, lang: str | None = None) -> str:
        """In `lang` (default: the current language); parameters that are Words or Amount
        are put in the same language."""
        catalogue = translator(lang or _current)
        if self.context is None:
            template = catalogue.gettext(self.message)
        else:
            template = catalogue.pgettext(self.context, self.message)
        if not self.params:
            return template
        values = {
            key: value.text(lang) if isinstance(value, Words | Amount) else value
            for key, value in self.params
        }
        return template.format(**values)

    def english(self) -> str:
        """The text in English (logs, the CLI, the wire)."""
        return self.text("en")

    def __str__(self) -> str:
        return self.text()


def _load(lang: str) -> gettext.NullTranslations:
    folder = locale_dir() / lang / "LC_MESSAGES"
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if po.is_file():
        # A checkout where scripts/build-translations.sh has not run since the .po changed.
        log.info("catalogue %s: compiling %s in memory", lang, po)
        return _compile(po)
    log.warning("catalogue %s not found in %s; texts stay in English", lang, folder)
    return gettext.NullTranslations()


def _compile(po: Path) -> gettext.GNUTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
