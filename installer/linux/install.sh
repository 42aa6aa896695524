#!/usr/bin/env bash
# Installs the built bundle (dist/halt-desk, from scripts/build-bundle.sh) for every user of
# a Linux computer: the program in PREFIX/lib/halt-desk, the command PREFIX/bin/halt-desk,
# the desktop entry and the icon. Run as root; DESTDIR stages the files for a package.
#
#   sudo installer/linux/install.sh                 # into /usr/local
#   DESTDIR=/tmp/stage PREFIX=/usr installer/linux/install.sh
#   sudo installer/linux/install.sh --uninstall     # removes exactly those files again
#
# User data (~/.local/share/halt-desk, ~/.config/halt-desk, the keyring) is never touched;
# the machine settings are /etc/halt-desk/config.toml (README: Building and deploying).
set -euo pipefail
cd "$(dirname "$0")/../.."
prefix=${PREFIX:-/usr/local}
dest=${DESTDIR:-}
bundle=dist/halt-desk
installed=("$dest$prefix/lib/halt-desk" "$dest$prefix/bin/halt-desk"
  "$dest$prefix/share/applications/halt-desk.desktop"
  "$dest$prefix/share/icons/hicolor/scalable/apps/halt-desk.svg")

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "${installed[@]}"
  echo "removed HALT Desk from $dest$prefix; user data and /etc/halt-desk are kept"
  exit 0
fi
[ -x "$bundle/halt-desk" ] || { echo "no bundle in $bundle: run scripts/build-bundle.sh" >&2; exit 1; }

rm -rf "$dest$prefix/lib/halt-desk"
install -d "$dest$prefix/lib" "$dest$prefix/bin" "$dest$prefix/share/applications" \
  "$dest$prefix/share/icons/hicolor/scalable/apps"
cp -a "$bundle" "$dest$prefix/lib/halt-desk"
ln -sfn "$prefix/lib/halt-desk/halt-desk" "$dest$prefix/bin/halt-desk"
install -m 644 installer/linux/halt-desk.desktop "$dest$prefix/share/applications/halt-desk.desktop"
install -m 644 resources/icons/halt-desk.svg \
  "$dest$prefix/share/icons/hicolor/scalable/apps/halt-desk.svg"
if [ -z "$dest" ]; then
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$prefix/share/applications" || true
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q "$prefix/share/icons/hicolor" || true
fi
echo "installed HALT Desk in $dest$prefix/lib/halt-desk ($dest$prefix/bin/halt-desk)"
