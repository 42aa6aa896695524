"""Resources are found in a checkout, in a wheel install and inside the PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from halt_desk import paths


def make_resources(root: Path) -> Path:
    (root / "profiles").mkdir(parents=True)
    return root


def test_a_checkout_uses_the_resources_folder_next_to_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HALT_DESK_RESOURCES", raising=False)
    monkeypatch.delattr(sys, "frozen", raising=False)
    expected = Path(paths.__file__).resolve().parent.parent / "resources"
    assert paths.resources_dir() == expected


def test_the_bundle_uses_resources_under_meipass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HALT_DESK_RESOURCES", raising=False)
    bundle = make_resources(tmp_path / "_internal" / paths.BUNDLE_RESOURCES).parent
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert paths.resources_dir() == bundle / "resources"


def test_the_bundle_never_falls_back_to_a_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An installed app with damaged resources says so instead of reading a stray checkout.
    monkeypatch.delenv("HALT_DESK_RESOURCES", raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "_internal"), raising=False)
    with pytest.raises(FileNotFoundError, match="reinstall"):
        paths.resources_dir()


def test_the_environment_variable_comes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    override = make_resources(tmp_path / "elsewhere")
    monkeypatch.setenv("HALT_DESK_RESOURCES", str(override))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "_internal"), raising=False)
    assert paths.resources_dir() == override
