"""`halt-desk --self-test`: checks an installation end to end and prints a short report.

Run by IT after a deployment (and by scripts/build-bundle.sh on every bundle): the bundled
resources, a throwaway store (create, migrate, record, read back, reopen), the machine and
user settings, and the main window shown and closed offscreen. Exit 0 when all pass, 1 not.
Never touches the user's own cache: the store lives in a temporary folder.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from halt_desk import __version__

ORG_STREAM = "org:self-test"


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


def check_resources() -> str:
    from halt_desk.domain.profiles import available_profiles, load_profile
    from halt_desk.i18n import DOMAIN, LANGUAGES
    from halt_desk.paths import resources_dir

    root = resources_dir()
    names = available_profiles()
    for name in names:
        load_profile(name)  # a damaged profile fails here, naming the setting
    if "halt" not in names:
        raise RuntimeError(f"profile 'halt' missing in {root / 'profiles'}")
    translations = sorted(p.parts[-3] for p in root.glob(f"locale/*/LC_MESSAGES/{DOMAIN}.mo"))
    if missing := sorted(set(LANGUAGES) - set(translations)):
        raise RuntimeError(f"message catalogue {', '.join(missing)} missing in {root / 'locale'}")
    if not (root / "icons" / "halt-desk.svg").is_file():
        raise RuntimeError(f"icon missing in {root / 'icons'}")
    return f"{root} (profiles {', '.join(names)}; translations {', '.join(translations)}; icon)"


def check_store(folder: Path) -> str:
    from halt_desk.domain.events import new_event
    from halt_desk.store import Store

    path = folder / "self-test.sqlite3"
    event = new_event(
        ORG_STREAM,
        "organisation_registered",
        datetime.now(UTC),
        "self-test",
        {"name": "Self-test", "profile": "halt"},
    )
    with Store.open(path) as store:
        if not store.record_event(event):
            raise RuntimeError("the event was not recorded")
    with Store.open(path) as store:  # reopened: the event must have been committed
        kept = store.events_for(ORG_STREAM)
        if [e.id for e in kept] != [event.id] or store.organisation_profile("self-test") != "halt":
            raise RuntimeError(f"the recorded event did not come back: {kept!r}")
        pending = store.outbox_size()
    return f"created, recorded an event, reopened and read it back ({pending} in the outbox)"


def check_settings() -> str:
    from halt_desk.config import machine_config_path
    from halt_desk.sync.settings import effective_settings, settings_path

    settings = effective_settings()  # a malformed file fails here, naming the setting
    machine = machine_config_path()
    where = f"machine {machine}" + ("" if machine.is_file() else " (none)")
    server = settings.server or "not set"
    org = f"; organisation {settings.organisation}" if settings.organisation else ""
    return f"{where}; user {settings_path()}; server {server}{org}"


def check_window(folder: Path) -> str:
    # The window lives in the Qt package; imported only now, so the core never loads Qt.
    ui_self_test = importlib.import_module("ui.self_test")
    detail: str = ui_self_test.check_main_window(folder / "window.sqlite3")
    return detail


def check_scanning() -> str:
    ui_self_test = importlib.import_module("ui.self_test")
    detail: str = ui_self_test.check_scanning()
    return detail


def run_checks(checks: list[tuple[str, Callable[[], str]]], out: TextIO) -> list[CheckResult]:
    results = []
    for name, check in checks:
        started = time.perf_counter()
        try:
            detail = check()
            ok = True
        except Exception as exc:  # every failure is reported, then the next check runs
            detail, ok = f"{type(exc).__name__}: {exc}", False
        elapsed = time.perf_counter() - started
        result = CheckResult(name, ok, f"{detail} [{elapsed:.2f} s]")
        print(f"  {'ok  ' if ok else 'FAIL'}  {name:<9} {result.detail}", file=out, flush=True)
        results.append(result)
    return results


def run_self_test(out: TextIO = sys.stdout, window: bool = True) -> int:
    """Runs every check, prints one line each and a verdict; 0 when all passed, else 1."""
    from halt_desk.paths import is_frozen

    where = f"bundle {Path(sys.executable).parent}" if is_frozen() else f"Python {sys.executable}"
    print(f"HALT Desk {__version__} self-test ({where})", file=out)
    with tempfile.TemporaryDirectory(prefix="halt-desk-self-test-") as tmp:
        folder = Path(tmp)
        checks: list[tuple[str, Callable[[], str]]] = [
            ("resources", check_resources),
            ("store", lambda: check_store(folder)),
            ("settings", check_settings),
        ]
        if window:
            checks.append(("window", lambda: check_window(folder)))
            checks.append(("scanning", check_scanning))
        results = run_checks(checks, out)
    failed = [result.name for result in results if not result.ok]
    if failed:
        print(f"self-test FAILED: {', '.join(failed)}", file=out)
        return 1
    print("self-test passed", file=out)
    return 0
