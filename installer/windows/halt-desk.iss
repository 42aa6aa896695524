; HALT Desk - Windows installer script (Inno Setup 6.3 or later).
;
; Packs the PyInstaller one-folder bundle dist\halt-desk\ (build.spec) into
; dist\HALT-Desk-Setup-<version>.exe: a per-machine install into Program Files that an
; Intune Win32 app runs silently in the system context. From the repository root:
;
;   .venv\Scripts\pyinstaller --noconfirm --clean build.spec
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\windows\halt-desk.iss
;
; Silent install:    HALT-Desk-Setup-<version>.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;                    [/SERVER=https://desk.example.nl:8765] [/ORG=halt] [/CABUNDLE=path]
;                    [/CLIENTCERT=path] [/CLIENTKEY=path] [/LOG="C:\Windows\Temp\halt-desk.log"]
; Silent uninstall:  "C:\Program Files\HALT Desk\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;
; User data is never touched, not by an upgrade and not by the uninstaller: the per-user
; data folder (%LOCALAPPDATA%\HALT Desk\halt-desk: the local cache with its outbox of
; work not yet sent), the per-user settings (settings.toml) and the tokens in Windows
; Credential Manager stay. This script has no [UninstallDelete] section and no entry in
; a user folder; it removes only what it installed in {app} and its registry key.
; The machine configuration (%ProgramData%\HALT Desk\config.toml) stays too: it is IT's.
; See DEPLOY.md next to this file.

#define AppName "HALT Desk"
#define AppPublisher "HALT Desk"
#define BundleName "halt-desk"
#define ExeName "halt-desk.exe"
#define CliExeName "halt-desk-cli.exe"
#define BundleDir SourcePath + "..\..\dist\" + BundleName
#define RegKey "Software\HALT Desk"
#define MachineConfigDir "{commonappdata}\HALT Desk"

; The version is the one build.spec wrote into the exe (halt_desk.__version__); give
; /DAppVersion=... to ISCC only to build from a bundle without a version resource.
#ifndef AppVersion
  #define AppVersion GetStringFileInfo(BundleDir + "\" + ExeName, "ProductVersion")
#endif
#if AppVersion == ""
  #error No version: build the bundle first (build.spec writes ProductVersion into halt-desk.exe)
#endif
#define FileVersion GetVersionNumbersString(BundleDir + "\" + ExeName)

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{69070256-7659-4FE7-9C98-A1EA2BEE541C}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#FileVersion}
VersionInfoProductTextVersion={#AppVersion}
VersionInfoDescription={#AppName} Setup
; Per machine, into Program Files (64-bit), for every user of the computer.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
UsePreviousAppDir=yes
; A running HALT Desk is closed (Restart Manager) and not started again by the installer:
; in Intune's system context it would start as the wrong user. Never reboot by itself.
CloseApplications=yes
CloseApplicationsFilter=*.exe,*.dll,*.pyd
RestartApplications=no
RestartIfNeededByRun=no
AlwaysRestart=no
SetupLogging=yes
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#ExeName}
SetupIconFile=..\..\resources\icons\halt-desk.ico
OutputDir=..\..\dist
OutputBaseFilename=HALT-Desk-Setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "nl"; MessagesFile: "compiler:Languages\Dutch.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle: no library of an older version may stay behind.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Dirs]
; Where IT keeps the machine configuration; kept on uninstall.
Name: "{#MachineConfigDir}"; Flags: uninsneveruninstall

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#ExeName}"; WorkingDir: "{app}"; Comment: "{#AppName} servicedesk"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#ExeName}"; WorkingDir: "{app}"; Tasks: desktopicon

[Registry]
; The Intune detection rule reads this key (DEPLOY.md); it goes with the uninstall.
Root: HKLM; Subkey: "{#RegKey}"; ValueType: string; ValueName: "Version"; ValueData: "{#AppVersion}"; Flags: uninsdeletekey
Root: HKLM; Subkey: "{#RegKey}"; ValueType: string; ValueName: "InstallDir"; ValueData: "{app}"; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#ExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
{ The machine configuration from the command line: /SERVER= /ORG= /CABUNDLE= /CLIENTCERT=
  /CLIENTKEY= write %ProgramData%\HALT Desk\config.toml as a whole (its [sync] table, the
  format of halt_desk/config.py). Without any of them an existing file is left alone.
  Done in PrepareToInstall: a bad value or a file that cannot be written stops the
  installation before anything is copied, with exit code 7 and the reason in the log. }

function TomlString(const Value: String): String;
var
  Escaped: String;
begin
  Escaped := Value;
  StringChangeEx(Escaped, '\', '\\', True);
  StringChangeEx(Escaped, '"', '\"', True);
  Result := '"' + Escaped + '"';
end;

procedure AddSetting(var Lines: TArrayOfString; const Key, Value: String);
var
  Count: Integer;
begin
  if Value <> '' then
  begin
    Count := GetArrayLength(Lines);
    SetArrayLength(Lines, Count + 1);
    Lines[Count] := Key + ' = ' + TomlString(Value);
  end;
end;

function SetupParam(const Name: String): String;
begin
  Result := Trim(ExpandConstant('{param:' + Name + '|}'));
end;

function WriteMachineConfig: String;
var
  Lines: TArrayOfString;
  Path, Server: String;
begin
  Result := '';
  Server := SetupParam('SERVER');
  if (Server <> '') and (Pos('https://', Lowercase(Server)) <> 1) then
  begin
    Result := '/SERVER must be an https:// address, not ' + Server;
    Exit;
  end;
  SetArrayLength(Lines, 2);
  Lines[0] := '# HALT Desk machine configuration, written by the installer. Settings in a user''s own settings.toml win.';
  Lines[1] := '[sync]';
  AddSetting(Lines, 'server', Server);
  AddSetting(Lines, 'organisation', SetupParam('ORG'));
  AddSetting(Lines, 'ca_bundle', SetupParam('CABUNDLE'));
  AddSetting(Lines, 'client_cert', SetupParam('CLIENTCERT'));
  AddSetting(Lines, 'client_key', SetupParam('CLIENTKEY'));
  if GetArrayLength(Lines) = 2 then
    Exit;
  Path := ExpandConstant('{#MachineConfigDir}\config.toml');
  if not ForceDirectories(ExtractFileDir(Path)) or not SaveStringsToUTF8File(Path, Lines, False) then
    Result := 'Cannot write the machine configuration ' + Path
  else
    Log('Machine configuration written to ' + Path);
end;

function PrepareToInstall(var NeedsRestart: Boolean): String;
begin
  Result := WriteMachineConfig;
  if Result <> '' then
    Log(Result);
end;
