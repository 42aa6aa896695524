#!/usr/bin/env bash
# Builds the desktop bundle dist/halt-desk/ with PyInstaller (build.spec) from a clone of
# this repository, then checks it: the built program's --version must be this version and
# its --self-test (resources, store, settings, main window offscreen) must pass.
# Installs what it needs first (scripts/setup.sh --build). On Windows the same build.spec
# runs with `pyinstaller build.spec`; installer/windows/DEPLOY.md takes it from there.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --build
version=$(.venv/bin/python -c 'import sys; sys.path.insert(0, "installer"); import bundle_info; print(bundle_info.read_version())')

echo "== PyInstaller: HALT Desk $version"
rm -rf build/halt-desk dist/halt-desk
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN build.spec

program=dist/halt-desk/halt-desk
echo "== $program --version"
reported=$("$program" --version)
echo "$reported"
if [ "$reported" != "halt-desk $version" ]; then
  echo "the bundle says '$reported', expected 'halt-desk $version'" >&2
  exit 1
fi
echo "== $program --self-test"
# A throwaway data and machine configuration: the check must not depend on this computer.
check_home=$(mktemp -d)
trap 'rm -rf "$check_home"' EXIT
HALT_DESK_DATA_DIR="$check_home/data" HALT_DESK_MACHINE_CONFIG="$check_home/config.toml" \
  "$program" --self-test
echo "== built $(du -sh dist/halt-desk | cut -f1) in dist/halt-desk"
