"""Names and version of the desktop bundle, in one place for build.spec, the Windows
installer (halt-desk.iss reads the version from the exe this writes) and their tests.

Plain Python without imports of HALT Desk or PyInstaller: build.spec loads it from here.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The PyInstaller output folder (dist/halt-desk/) and the program in it (halt-desk[.exe]).
BUNDLE_NAME = "halt-desk"
#: Windows only: the same program built as a console app, for scripts and `--self-test`.
CLI_NAME = "halt-desk-cli"
PRODUCT_NAME = "HALT Desk"
PUBLISHER = "HALT Desk"
DESCRIPTION = "HALT Desk servicedesk"


def read_version(root: Path = ROOT) -> str:
    """`__version__` of halt_desk/__init__.py: the one place the version is written."""
    text = (root / "halt_desk" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if found is None:
        raise ValueError('halt_desk/__init__.py has no __version__ = "..." line')
    return found.group(1)


def version_numbers(version: str) -> tuple[int, int, int, int]:
    """The four numbers of a Windows file version: "1.2.3rc1" -> (1, 2, 3, 0)."""
    found = re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?", version)
    if found is None:
        raise ValueError(f"version {version!r} does not start with a number")
    a, b, c, d = (int(part or 0) for part in found.groups())
    return a, b, c, d


def windows_version_file(version: str) -> str:
    """The VSVersionInfo text PyInstaller turns into the exe's version resource.

    FileVersion is the four numbers (what Intune's file-version detection compares);
    ProductVersion is the version as written (what halt-desk.iss takes as AppVersion).
    """
    numbers = version_numbers(version)
    strings = {
        "CompanyName": PUBLISHER,
        "FileDescription": DESCRIPTION,
        "FileVersion": ".".join(map(str, numbers)),
        "InternalName": BUNDLE_NAME,
        "LegalCopyright": f"© {PUBLISHER}",
        "OriginalFilename": f"{BUNDLE_NAME}.exe",
        "ProductName": PRODUCT_NAME,
        "ProductVersion": version,
    }
    table = ",\n".join(f"          StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers!r},
    prodvers={numbers!r},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0),
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '040904B0',
        [
{table},
        ],
      )
    ]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])]),
  ],
)
"""
