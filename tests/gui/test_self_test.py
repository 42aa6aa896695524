"""`halt-desk --self-test`: what IT runs after a deployment (and the bundle build runs)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from halt_desk.cli.self_test import run_self_test

EXE = Path(sys.executable).with_name("halt-desk")


def self_test(env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXE), "--self-test"],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_self_test_passes_on_a_working_installation(tmp_path: Path) -> None:
    result = self_test({"QT_QPA_PLATFORM": "xcb"})  # forced to offscreen all the same
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("HALT Desk ") and "self-test" in lines[0]
    for check in ("resources", "store", "settings", "window", "scanning"):
        assert any(line.split()[:2] == ["ok", check] for line in lines), result.stdout
    assert "main window shown" in result.stdout
    assert "QR code read back" in result.stdout
    assert lines[-1] == "self-test passed"
    assert "Traceback" not in result.stderr


def test_the_self_test_never_touches_the_users_cache(tmp_path: Path) -> None:
    data = tmp_path / "user-data"
    assert self_test({"HALT_DESK_DATA_DIR": str(data)}).returncode == 0
    assert not (data / "cache.sqlite3").exists()


def test_a_broken_machine_configuration_fails_the_self_test_naming_it() -> None:
    machine = Path(os.environ["HALT_DESK_MACHINE_CONFIG"])
    machine.parent.mkdir(parents=True, exist_ok=True)
    machine.write_text('[sync]\nserver = "http://desk.example.nl"\n', encoding="utf-8")
    result = self_test()
    assert result.returncode == 1
    failed = [line for line in result.stdout.splitlines() if line.lstrip().startswith("FAIL")]
    assert len(failed) == 1 and "settings" in failed[0] and str(machine) in failed[0]
    assert "self-test FAILED: settings" in result.stdout


def test_missing_bundle_resources_fail_and_the_other_checks_still_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HALT_DESK_RESOURCES", raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "_internal"), raising=False)
    out = io.StringIO()
    assert run_self_test(out, window=False) == 1
    report = out.getvalue()
    assert "FAIL  resources" in report and "reinstall" in report
    assert "ok    store" in report
    assert report.splitlines()[-1] == "self-test FAILED: resources"
