"""The Windows installer script agrees with the bundle build.spec makes and with DEPLOY.md.

Inno Setup runs on Windows only; these tests read installer/windows/halt-desk.iss as text
and check everything that must match: the bundle folder and exe names, the version's one
source, the per-machine and silent-install settings, that no user data is touched, the
machine-configuration parameters, and the detection rule IT copies into Intune.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import importlib.util
import re
import struct
import sys
from pathlib import Path, PureWindowsPath
from types import ModuleType

import pytest

import halt_desk
from halt_desk.config import MACHINE_KEYS

ROOT = Path(__file__).resolve().parents[2]
ISS = ROOT / "installer" / "windows" / "halt-desk.iss"
DEPLOY = ROOT / "installer" / "windows" / "DEPLOY.md"
SPEC = ROOT / "build.spec"


def load_bundle_info() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bundle_info", ROOT / "installer" / "bundle_info.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


info = load_bundle_info()


class Iss:
    """halt-desk.iss read as Inno Setup reads it: defines, sections, entries."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.defines: dict[str, str] = {}
        self.sections: dict[str, list[str]] = {}
        section = ""
        for raw in text.splitlines():
            line = raw.strip()
            if section != "Code" and (not line or line.startswith(";")):
                continue
            if match := re.fullmatch(r"#define (\w+) (.+)", line):
                self.defines.setdefault(match[1], match[2])
            elif match := re.fullmatch(r"\[(\w+)\]", line):
                section = match[1]
                self.sections.setdefault(section, [])
            elif section and not line.startswith("#"):
                self.sections[section].append(line)

    def define(self, name: str) -> str:
        """A #define's string value (quotes removed)."""
        value = self.defines[name]
        assert value.startswith('"') and value.endswith('"'), f"{name} is not a string"
        return value[1:-1]

    def setup(self) -> dict[str, str]:
        return dict(line.split("=", 1) for line in self.sections["Setup"])

    def entries(self, section: str) -> list[dict[str, str]]:
        found = []
        for line in self.sections.get(section, []):
            fields = re.findall(r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)', line)
            found.append({key: value.strip().strip('"') for key, value in fields})
        return found

    def expand(self, value: str) -> str:
        """Replaces {#Name} with the string defines (as ISPP does)."""
        return re.sub(r"\{#(\w+)\}", lambda m: self.define(m[1]), value)


@pytest.fixture(scope="module")
def iss() -> Iss:
    return Iss(ISS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def deploy() -> str:
    return DEPLOY.read_text(encoding="utf-8")


def table_row(text: str, title: str, row: str) -> str:
    """The value cell of `row` in the DEPLOY.md table whose header starts with `title`."""
    table = text.split(f"| {title} |", 1)[1].split("\n\n", 1)[0]
    match = re.search(rf"^\| {re.escape(row)} \| (.+?) \|$", table, re.MULTILINE)
    assert match, f"DEPLOY.md table {title!r} has no row {row!r}"
    return match[1].strip().strip("`")


# --- the bundle: names and folder ----------------------------------------------------


def spec_calls() -> dict[str, list[ast.Call]]:
    calls: dict[str, list[ast.Call]] = {}
    for node in ast.walk(ast.parse(SPEC.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            calls.setdefault(node.func.id, []).append(node)
    return calls


def test_build_spec_names_the_folder_and_programs_from_bundle_info() -> None:
    calls = spec_calls()
    (collect,) = calls["COLLECT"]
    name = next(k.value for k in collect.keywords if k.arg == "name")
    assert ast.unparse(name) == "bundle_info.BUNDLE_NAME"
    programs = {ast.unparse(call.args[0]) for call in calls["program"]}
    assert programs == {"bundle_info.BUNDLE_NAME", "bundle_info.CLI_NAME"}
    assert info.BUNDLE_NAME == "halt-desk"


def test_the_iss_packs_the_pyinstaller_output_folder(iss: Iss) -> None:
    assert iss.define("BundleName") == info.BUNDLE_NAME
    assert iss.defines["BundleDir"] == r'SourcePath + "..\..\dist\" + BundleName'
    # SourcePath is installer\windows\; PyInstaller writes dist\ under the root it runs in.
    bundle = (ISS.parent / "../../dist" / info.BUNDLE_NAME).resolve()
    assert bundle == ROOT / "dist" / info.BUNDLE_NAME
    build = (ROOT / "scripts" / "build-bundle.sh").read_text(encoding="utf-8")
    assert "pyinstaller --noconfirm --clean" in build and "--distpath" not in build
    (files,) = iss.entries("Files")
    assert files["Source"] == "{#BundleDir}\\*"
    assert files["DestDir"] == "{app}"
    assert set(files["Flags"].split()) >= {"recursesubdirs", "createallsubdirs", "ignoreversion"}


def test_the_exe_names_match_the_programs_of_the_bundle(iss: Iss) -> None:
    assert iss.define("ExeName") == f"{info.BUNDLE_NAME}.exe"
    assert iss.define("CliExeName") == f"{info.CLI_NAME}.exe"
    shortcuts = iss.entries("Icons")
    assert shortcuts and all(s["Filename"] == "{app}\\{#ExeName}" for s in shortcuts)
    assert iss.setup()["UninstallDisplayIcon"] == "{app}\\{#ExeName}"


def test_every_define_used_is_defined(iss: Iss) -> None:
    used = set(re.findall(r"\{#(\w+)\}", iss.text))
    assert used <= set(iss.defines), used - set(iss.defines)


def test_an_upgrade_replaces_the_whole_bundle(iss: Iss) -> None:
    assert {"Type": "filesandordirs", "Name": "{app}\\_internal"} in iss.entries("InstallDelete")


# --- one version ----------------------------------------------------------------------


def test_the_version_has_one_source() -> None:
    version = info.read_version()
    assert version == halt_desk.__version__
    assert importlib.metadata.version("halt-desk") == version  # the wheel reads it too
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and '\nversion = "' not in pyproject


def test_the_exe_carries_the_version_the_iss_reads(iss: Iss) -> None:
    version = info.read_version()
    text = info.windows_version_file(version)
    ast.parse(text)  # PyInstaller evaluates it
    assert f"StringStruct('ProductVersion', {version!r})" in text
    assert f"filevers={info.version_numbers(version)!r}" in text
    assert f"StringStruct('OriginalFilename', '{info.BUNDLE_NAME}.exe')" in text
    spec = SPEC.read_text(encoding="utf-8")
    assert "bundle_info.windows_version_file(VERSION)" in spec
    assert '"version": str(version_file)' in spec
    assert iss.defines["AppVersion"] == (
        'GetStringFileInfo(BundleDir + "\\" + ExeName, "ProductVersion")'
    )
    setup = iss.setup()
    assert setup["AppVersion"] == "{#AppVersion}"
    assert setup["OutputBaseFilename"] == "HALT-Desk-Setup-{#AppVersion}"


def test_pyinstaller_turns_the_version_file_into_a_version_resource(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PyInstaller's reader imports Windows-only modules at the top; stand-ins let its own
    # parser and serialiser run here (only with the build extra installed).
    compat = pytest.importorskip("PyInstaller.compat")
    monkeypatch.setattr(compat, "win32api", ModuleType("win32api"), raising=False)
    monkeypatch.setitem(sys.modules, "pefile", ModuleType("pefile"))
    monkeypatch.delitem(sys.modules, "PyInstaller.utils.win32.versioninfo", raising=False)
    versioninfo = importlib.import_module("PyInstaller.utils.win32.versioninfo")
    path = tmp_path / "version_info.txt"
    path.write_text(info.windows_version_file(info.read_version()), encoding="utf-8")
    resource = versioninfo.load_version_info_from_text_file(str(path))
    assert resource.ffi.fileVersionMS >> 16 == info.version_numbers(info.read_version())[0]
    assert len(resource.toRaw()) > 0


@pytest.mark.parametrize(
    ("version", "numbers"),
    [("0.1.0", (0, 1, 0, 0)), ("1.2", (1, 2, 0, 0)), ("2.0.1rc1", (2, 0, 1, 0))],
)
def test_windows_file_versions_are_four_numbers(version: str, numbers: tuple[int, ...]) -> None:
    assert info.version_numbers(version) == numbers


# --- per machine, silent, user data kept ------------------------------------------------


def test_it_installs_per_machine_into_program_files(iss: Iss) -> None:
    setup = iss.setup()
    assert setup["PrivilegesRequired"] == "admin"
    assert "PrivilegesRequiredOverridesAllowed" not in setup
    assert setup["DefaultDirName"] == "{autopf}\\{#AppName}"
    assert setup["ArchitecturesInstallIn64BitMode"] == "x64compatible"
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", setup["AppId"])
    assert (ISS.parent / setup["SetupIconFile"].replace("\\", "/")).resolve().is_file()


def test_a_silent_install_never_restarts_anything(iss: Iss) -> None:
    setup = iss.setup()
    assert setup["CloseApplications"] == "yes"
    assert setup["RestartApplications"] == "no"  # not as SYSTEM in the user's session
    assert setup["RestartIfNeededByRun"] == "no"
    assert setup["AlwaysRestart"] == "no"
    assert setup["SetupLogging"] == "yes"
    for run in iss.entries("Run"):
        flags = run["Flags"].split()
        assert "postinstall" not in flags or "skipifsilent" in flags


def test_the_uninstaller_keeps_user_data(iss: Iss) -> None:
    assert "UninstallDelete" not in iss.sections
    for user_area in (
        "{userappdata}",
        "{localappdata}",
        "{userdocs}",
        "{%USERPROFILE",
        "{%APPDATA",
    ):
        assert user_area.lower() not in iss.text.lower()
    (machine_config_dir,) = iss.entries("Dirs")
    assert iss.expand(machine_config_dir["Name"]) == "{commonappdata}\\HALT Desk"
    assert "uninsneveruninstall" in machine_config_dir["Flags"].split()
    assert "never touched" in iss.text


# --- machine configuration -----------------------------------------------------------------


def test_the_iss_writes_the_machine_configuration_where_the_app_reads_it(iss: Iss) -> None:
    code = "\n".join(iss.sections["Code"])
    written = dict(
        re.findall(r"AddSetting\(Lines, '(\w+)', (?:Server|SetupParam\('(\w+)'\))\)", code)
    )
    written = {key: param or "SERVER" for key, param in written.items()}
    assert set(written) == set(MACHINE_KEYS)
    assert "Server := SetupParam('SERVER')" in code
    path = iss.expand("{#MachineConfigDir}") + "\\config.toml"
    assert path == "{commonappdata}\\HALT Desk\\config.toml"  # halt_desk.config: ProgramData
    assert "Lines[1] := '[sync]';" in code
    assert "function PrepareToInstall(" in code


def test_deploy_documents_every_installer_parameter(iss: Iss, deploy: str) -> None:
    code = "\n".join(iss.sections["Code"])
    params = set(re.findall(r"SetupParam\('(\w+)'\)", code))
    assert params == {"SERVER", "ORG", "CABUNDLE", "CLIENTCERT", "CLIENTKEY"}
    for param in params:
        assert f"/{param}=" in deploy
    for key in MACHINE_KEYS:
        assert f"`{key}`" in deploy


# --- DEPLOY.md: commands and detection rule -------------------------------------------------


def test_deploy_gives_the_silent_install_and_uninstall_commands(iss: Iss, deploy: str) -> None:
    install = table_row(deploy, "setting", "Install command")
    uninstall = table_row(deploy, "setting", "Uninstall command")
    silent = "/VERYSILENT /SUPPRESSMSGBOXES /NORESTART"
    assert re.match(rf"HALT-Desk-Setup-[\w.]+\.exe {silent}", install)
    program_dir = r"C:\Program Files" + "\\" + iss.define("AppName")
    assert uninstall == f'"{program_dir}\\unins000.exe" {silent}'
    assert table_row(deploy, "setting", "Install behavior") == "System"


def test_deploy_detection_rule_matches_the_registry_key_the_iss_writes(
    iss: Iss, deploy: str
) -> None:
    registry = [e for e in iss.entries("Registry") if e.get("ValueName") == "Version"]
    (entry,) = registry
    assert entry["Root"] == "HKLM" and entry["ValueData"] == "{#AppVersion}"
    assert "uninsdeletekey" in entry["Flags"].split()
    key = "HKEY_LOCAL_MACHINE\\" + iss.expand(entry["Subkey"])
    assert table_row(deploy, "Registry rule", "Key path").lower() == key.lower()
    assert table_row(deploy, "Registry rule", "Value name") == entry["ValueName"]
    assert table_row(deploy, "Registry rule", "Detection method") == "Version comparison"
    # 64-bit install mode writes the 64-bit registry view and Program Files, not (x86).
    assert (
        table_row(deploy, "Registry rule", "Associated with a 32-bit app on 64-bit clients") == "No"
    )
    app_id = iss.setup()["AppId"].removeprefix("{")
    assert f"Uninstall\\{app_id}_is1" in deploy


def test_deploy_file_rule_matches_the_installed_exe(iss: Iss, deploy: str) -> None:
    program_dir = PureWindowsPath(r"C:\Program Files") / iss.define("AppName")
    assert PureWindowsPath(table_row(deploy, "File rule", "Path")) == program_dir
    assert table_row(deploy, "File rule", "File or folder") == iss.define("ExeName")
    assert table_row(deploy, "File rule", "Associated with a 32-bit app on 64-bit clients") == "No"


def test_deploy_uses_the_cli_program_of_the_bundle(iss: Iss, deploy: str) -> None:
    assert f"{iss.define('CliExeName')} --self-test" in deploy


# --- icons ---------------------------------------------------------------------------------


def test_the_windows_icon_holds_the_sizes_windows_uses() -> None:
    data = (ROOT / "resources" / "icons" / "halt-desk.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sizes = {struct.unpack_from("<B", data, 6 + 16 * i)[0] or 256 for i in range(count)}
    assert sizes >= {16, 32, 48, 256}


def test_the_linux_desktop_entry_starts_the_bundle_with_its_icon() -> None:
    entry = (ROOT / "installer" / "linux" / "halt-desk.desktop").read_text(encoding="utf-8")
    fields = dict(line.split("=", 1) for line in entry.splitlines() if "=" in line)
    assert fields["Type"] == "Application"
    assert fields["Exec"].split()[0] == info.BUNDLE_NAME
    assert fields["Icon"] == "halt-desk"
    assert (ROOT / "resources" / "icons" / f"{fields['Icon']}.svg").is_file()
