#!/usr/bin/env bash
# Compiles the Qt Linguist translations (resources/translations/*.ts) into the .qm files the
# app loads. Run by scripts/setup.sh; run it by hand after editing a .ts in Qt Linguist.
# With --update it first collects new and changed texts from ui/ into the .ts files.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
if [ "${1:-}" = "--update" ]; then
  for ts in resources/translations/*.ts; do
    lang=$(basename "$ts" .ts); lang=${lang##*_}
    "$bin/pyside6-lupdate" ui/*.py -source-language nl -target-language "$lang" -no-obsolete -ts "$ts"
  done
fi
for ts in resources/translations/*.ts; do
  "$bin/pyside6-lrelease" -silent "$ts" -qm "${ts%.ts}.qm"
done
