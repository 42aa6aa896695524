"""Screenshots of the sign-in dialog with Entra ID under a real X server (Xvfb): as it
opens (Microsoft, a code, or a token), and with the device code of a real OpenID Connect
provider on screen (tests/oidc_provider.py, over HTTPS with its own CA).

    xvfb-run -a .venv/bin/python -m tests.gui.test_screenshots_sso OUT_DIR
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.gui.shot_run import assert_not_blank, needs_xvfb, run_shots

SHOTS = ["sso-sign-in.png", "sso-sign-in-code.png"]


def main(out: Path) -> int:
    from halt_desk.sync.credentials import EncryptedFileTokens
    from halt_desk.sync.settings import SyncSettings
    from tests.gui.screenshots import settle, shoot
    from tests.integration.test_sso_login import machine_config
    from tests.oidc_provider import OidcProvider
    from ui.app import application
    from ui.sign_in import SignInDialog

    out.mkdir(parents=True, exist_ok=True)
    app = application("nl")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        os.environ.update(
            HALT_DESK_DATA_DIR=str(folder / "laptop"),
            HALT_DESK_CONFIG_DIR=str(folder / "laptop"),
            HALT_DESK_CREDENTIALS_BACKEND="file",
            HALT_DESK_CREDENTIALS_PASSPHRASE="een lange wachtzin",
        )
        provider = OidcProvider(folder).start()
        server = "https://desk.halt.example:8765"
        os.environ["HALT_DESK_MACHINE_CONFIG"] = str(machine_config(folder, server, provider))
        tokens = EncryptedFileTokens(folder / "credentials.enc", passphrase=lambda: "x")
        dialog = SignInDialog(SyncSettings(server=server), tokens)
        dialog.move(0, 0)
        dialog.show()
        dialog.activateWindow()
        settle(app)
        shoot(dialog, out / SHOTS[0])
        dialog.code_button.click()
        deadline = time.monotonic() + 60
        while not dialog.code.text() and time.monotonic() < deadline:
            settle(app, 100)
        settle(app)
        shoot(dialog, out / SHOTS[1])
        dialog.reject()
        provider.stop()
    print("\n".join(str(p) for p in sorted(out.glob("*.png"))))
    return 0


@pytest.mark.slow
@needs_xvfb
def test_screenshots_of_the_sso_sign_in(tmp_path: Path) -> None:
    run_shots("tests.gui.test_screenshots_sso", tmp_path, timeout=300)
    names = sorted(path.name for path in tmp_path.glob("*.png"))
    assert set(SHOTS) <= set(names), names
    for name in SHOTS:
        assert_not_blank(tmp_path / name, size=(300, 150), rows=(40, 80, 120))
    code = QImage(str(tmp_path / SHOTS[1]))
    assert code.height() > QImage(str(tmp_path / SHOTS[0])).height()  # the code is shown


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))
