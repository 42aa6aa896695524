#!/usr/bin/env bash
# Compiles the message catalogue, resources/locale/<lang>/LC_MESSAGES/halt_desk.po, into the
# .mo files the app loads (Babel's compiler). Run by scripts/setup.sh; run it by hand after
# editing a .po. The .mo files are built, not committed (.gitignore).
#
# With --update it first extracts every marked text of halt_desk/ and ui/ (babel.cfg) into
# resources/locale/halt_desk.pot and merges it into every .po: new texts arrive with an empty
# translation, changed ones marked fuzzy; tests/unit/test_catalogue.py fails until each
# is translated. Add a language with:
#   .venv/bin/pybabel init -D halt_desk -i resources/locale/halt_desk.pot -d resources/locale -l LANG
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
locale=resources/locale
if [ "${1:-}" = "--update" ]; then
  "$bin/pybabel" --quiet extract -F babel.cfg -k NP_:1c,2 --add-location=file --sort-output \
    --project="HALT Desk" --copyright-holder="HALT Desk" -o "$locale/halt_desk.pot" .
  "$bin/pybabel" --quiet update -D halt_desk -i "$locale/halt_desk.pot" -d "$locale" \
    --ignore-obsolete
fi
"$bin/pybabel" --quiet compile -D halt_desk -d "$locale"
