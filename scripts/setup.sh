#!/usr/bin/env bash
# Installs HALT Desk into ./.venv (with --test, everything its tests need; with --bench,
# also wrk, the load generator of tests/perf/bench_central.py; with --build, PyInstaller
# for the desktop bundle; with --native-later, everything but the engine's mypyc build, which
# the caller then runs itself: scripts/run-tests runs it beside ruff and mypy). Safe to run
# again: it only adds what is missing.
# Works as root or as a user with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
want_bench=0
want_build=0
want_native=1
for arg in "$@"; do
  case "$arg" in
    --test) want_tests=1 ;;
    --bench) want_tests=1; want_bench=1 ;;
    --build) want_build=1 ;;
    --native-later) want_native=0 ;;
    *) echo "usage: scripts/setup.sh [--test] [--bench] [--build] [--native-later]" >&2; exit 2 ;;
  esac
done

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_install() {
  # Installs Debian packages that are not there yet.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || { echo "Please install: ${missing[*]}" >&2; exit 1; }
  if [ $apt_updated -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  echo "Installing system packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

python=$(find_python) || { apt_install python3 python3-venv; python=$(find_python); }

# Libraries the Qt desktop app needs on Linux (OpenGL/EGL, fonts, keyboard, X11 cursor).
apt_install libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0 \
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 fonts-dejavu-core
# QtMultimedia (webcam scanning, the scan sounds) links the PulseAudio client library.
apt_install libpulse0

if [ $want_tests -eq 1 ]; then
  # A virtual screen for the window screenshots of the GUI tests (they run offscreen too).
  apt_install xvfb xauth
  # Server binaries for the integration tests: tests/pg.py runs its own throwaway server from
  # /usr/lib/postgresql/*/bin on a free port; the system service is never used.
  apt_install postgresql
  # The README's reverse-proxy example runs in a real nginx (its own config, a free port).
  apt_install nginx-light
  # pdftoppm renders the printed labels PDF to images that the label test decodes again.
  apt_install poppler-utils
  # The satisfaction survey page (/csat/<token>) is tested in a real browser, headless.
  apt_install chromium
fi
if [ $want_bench -eq 1 ]; then
  # An HTTP load generator in C, so that the load costs little of the CPU it measures.
  apt_install wrk
fi

if [ $want_build -eq 1 ]; then
  # PyInstaller reads the libraries' dependencies with ldd and objdump (binutils).
  apt_install binutils
fi

if [ ! -x .venv/bin/python ]; then
  if ! "$python" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    apt_install python3-venv
    "$python" -m venv .venv
  fi
fi

# One stamp per pyproject.toml version and set of extras; the app install is part of every
# one, so a stamp that covers the wanted extras is enough.
hash=$(sha1sum pyproject.toml | cut -c1-12)
covered() {
  local t b
  for t in 0 1; do
    for b in 0 1; do
      [ $t -ge $want_tests ] && [ $b -ge $want_build ] && [ -f ".venv/.installed-$hash-$t$b" ] &&
        return 0
    done
  done
  return 1
}
if ! covered; then
  have_tests=$want_tests have_build=$want_build
  # Keep what an earlier run of this pyproject.toml installed (tests stay installed after
  # a --build run, and the other way round).
  [ -f ".venv/.installed-$hash-10" ] || [ -f ".venv/.installed-$hash-11" ] && have_tests=1
  [ -f ".venv/.installed-$hash-01" ] || [ -f ".venv/.installed-$hash-11" ] && have_build=1
  extras=(native)
  [ $have_tests -eq 1 ] && extras+=(test)
  [ $have_build -eq 1 ] && extras+=(build)
  spec=.
  [ ${#extras[@]} -gt 0 ] && spec=".[$(IFS=,; echo "${extras[*]}")]"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e "$spec"
  rm -f .venv/.installed-*
  touch ".venv/.installed-$hash-$have_tests$have_build"
fi

# The engine's hot modules compiled to C with mypyc (halt_desk/domain/native.py: `sla check`
# takes about a quarter less CPU); needs a C compiler and the Python headers, installed
# here where apt-get can. Rebuilt only when their sources changed; without a compiler the
# Python sources run as they are (a failed install or build does not stop the setup).
if command -v apt-get >/dev/null; then
  command -v cc >/dev/null || command -v gcc >/dev/null || (apt_install gcc) || true
  .venv/bin/python -c 'import sysconfig, os, sys
sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' ||
    (apt_install python3-dev) || true
fi
if [ $want_native -eq 1 ]; then
  .venv/bin/python scripts/build-native.py || echo "The engine runs from its Python sources."
fi

# The message catalogue (resources/locale/*/LC_MESSAGES/halt_desk.po) compiled into .mo files.
scripts/build-translations.sh
