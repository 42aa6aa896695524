"""The one message catalogue stays complete and errors stay codes: every marked text of
halt_desk/ and ui/ has a translation in every language, with the same placeholders, and no
DeskInputError is raised with literal text."""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords
from babel.messages.pofile import read_po

from halt_desk import i18n
from halt_desk.domain.errors import DeskInputError, IllegalTransition, Refusal
from halt_desk.domain.messages import Msg
from halt_desk.logistics.refusals import DeviceRefused
from halt_desk.reports.texts import CATALOGUE, texts

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "halt_desk", ROOT / "ui"]


def catalogue(lang: str) -> Catalog:
    with (ROOT / "resources" / "locale" / lang / "LC_MESSAGES" / "halt_desk.po").open("rb") as f:
        return read_po(f)


def marked_texts() -> set[tuple[str | None, str]]:
    """(context, message id) of every text marked in the code, as pybabel extract finds it
    (scripts/build-translations.sh --update, babel.cfg)."""
    keywords = {**DEFAULT_KEYWORDS, **parse_keywords(["NP_:1c,2"])}
    found: set[tuple[str | None, str]] = set()
    method_map = [("halt_desk/**.py", "python"), ("ui/**.py", "python")]
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, keywords=keywords
    ):
        found.add((context, _singular(message)))
    return found


def _singular(message: str | tuple[str, ...]) -> str:
    return message if isinstance(message, str) else message[0]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_marked_text_has_an_entry_in_every_language(lang: str) -> None:
    entries = {(m.context, _singular(m.id)) for m in catalogue(lang) if m.id}
    missing = sorted(marked_texts() - entries, key=str)
    assert missing == [], "run scripts/build-translations.sh --update and translate these"


def _literal_calls(names: frozenset[str]) -> Iterator[tuple[Path, int, str]]:
    """Every `N_("…")` / `_("…")` call with a literal text in the sources, nested calls too
    (pybabel's extract does not see an N_() inside the arguments of a _())."""
    for source in SOURCES:
        for path in source.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in names
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    yield path, node.lineno, node.args[0].value


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_literal_text_even_nested_has_an_entry(lang: str) -> None:
    entries = {_singular(m.id) for m in catalogue(lang) if m.id}
    missing = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path, line, text in _literal_calls(frozenset({"N_", "_"}))
        if text not in entries
    ]
    assert missing == [], "mark these where pybabel's extract sees them (not nested in _())"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_entry_is_translated_with_the_same_placeholders(lang: str) -> None:
    problems = []
    for message in catalogue(lang):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        forms = [message.string] if isinstance(message.string, str) else list(message.string)
        if not all(forms) or message.fuzzy:
            problems.append(f"untranslated or fuzzy: {message.id!r}")
        elif any(_fields(form) != _fields(ids[-1]) for form in forms):
            problems.append(f"placeholders differ: {message.id!r} → {forms!r}")
    assert problems == [], "\n".join(problems)


def _fields(text: str) -> set[str]:
    try:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field}
    except ValueError:  # a lone brace: not a template
        return set()


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_error_code_is_worded_in_every_language(lang: str) -> None:
    translated = {m.id: str(m.string) for m in catalogue(lang) if m.id and not m.context}
    assert [code.name for code in Msg if not translated.get(code.value)] == []


def test_an_error_is_worded_in_the_readers_language_and_english_in_str() -> None:
    error = DeskInputError("ticket", Msg.TICKET_NOT_FOUND, ticket="HALT-2027-X")
    assert error.message("nl") == "Melding HALT-2027-X bestaat niet."
    assert error.message("en") == "Ticket HALT-2027-X does not exist."
    assert str(error) == "ticket: Ticket HALT-2027-X does not exist."
    assert error.field == "ticket" and error.code is Msg.TICKET_NOT_FOUND
    assert error.message() == error.message(i18n.DEFAULT_LANGUAGE)


def test_a_refusal_branches_on_the_domains_code_not_on_its_english() -> None:
    gone = IllegalTransition(
        "HALT-LT-1", "retired", "device_reserved", Refusal.LEFT_LIFE_CYCLE, "x"
    )
    assert DeviceRefused(gone).message("nl") == (
        "Apparaat HALT-LT-1 is afgevoerd; reserveren kan niet: het apparaat is uit de omloop."
    )
    assert str(DeviceRefused(gone)) == str(gone)


def test_the_report_reads_its_words_from_the_catalogue() -> None:
    assert texts("nl")("met") == "gehaald" and texts("en")("met") == "met"
    assert texts("nl").month_name(3, 2027) == "maart 2027"
    assert all(texts("nl")(key) for key in CATALOGUE)


def _python_files() -> Iterator[tuple[Path, ast.Module]]:
    for folder in SOURCES:
        for path in sorted(folder.rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(encoding="utf-8"))


def _is_text(node: ast.expr) -> bool:
    """A literal text: a string, an f-string, or a sum or format of them."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return _is_text(node.func.value)
    return False


def test_no_input_error_is_raised_with_literal_text() -> None:
    found = []
    for path, tree in _python_files():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in {"DeskInputError", "InputError"}:
                continue
            if len(node.args) != 2 or any(_is_text(arg) for arg in node.args[1:]):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == [], "raise DeskInputError(field, Msg.CODE, **params) instead"


def test_no_module_that_uses_the_catalogue_binds_the_name_underscore() -> None:
    """`_` is the catalogue; `for _ in …` or `a, _ = …` in such a module would shadow it."""
    found = []
    for path, tree in _python_files():
        imports_it = any(
            isinstance(node, ast.ImportFrom)
            and node.module == "halt_desk.i18n"
            and any(alias.name == "_" for alias in node.names)
            for node in tree.body
        )
        if not imports_it:
            continue
        for node in ast.walk(tree):
            bound = (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)) or (
                isinstance(node, ast.arg)
            )
            if bound and getattr(node, "id", getattr(node, "arg", None)) == "_":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []
