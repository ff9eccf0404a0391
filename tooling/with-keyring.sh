#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring (a real Secret
# Service) and a private HOME, so keychain tests never touch the user's own keyring.
#   bash tooling/with-keyring.sh <command> [args...]
# Without gnome-keyring or dbus-run-session it runs the command as it is and says so; the
# keychain tests then skip themselves (AUTH_KEYRING is not set).
set -euo pipefail

if [ "${AUTH_KEYRING:-}" = "1" ]; then exec "$@"; fi

if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "with-keyring: no dbus-run-session/gnome-keyring here; keychain tests will be skipped" >&2
  exec "$@"
fi

home=$(mktemp -d "${TMPDIR:-/tmp}/auth-keyring-home.XXXXXX")
trap 'rm -rf "$home"' EXIT
export AUTH_KEYRING_HOME="$home" AUTH_REAL_HOME="${HOME:-}"
export XDG_DATA_HOME="$home/.local/share" XDG_RUNTIME_DIR="$home/run" XDG_CONFIG_HOME="$home/.config"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME"
chmod 700 "$XDG_RUNTIME_DIR"

dbus-run-session -- bash -c '
  set -e
  # The keyring daemon keeps its files under HOME; the command keeps the caller'"'"'s HOME so
  # tools like pnpm find their caches, and tests give every spawned process a HOME of its own.
  HOME="$AUTH_KEYRING_HOME" bash -c "printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null"
  export AUTH_KEYRING=1
  exec "$@"
' with-keyring "$@"
