#!/usr/bin/env bash
# Runs a command against a *locked* Secret Service: a private D-Bus session whose gnome-keyring
# holds a login keyring that was created unlocked, then restarted without its password.
#   bash tooling/test/locked-keyring.sh <command> [args...]
set -euo pipefail
home=$(mktemp -d "${TMPDIR:-/tmp}/auth-locked-home.XXXXXX")
trap 'rm -rf "$home"' EXIT
export AUTH_LOCKED_HOME="$home"
exec dbus-run-session -- bash -c '
  set -e
  export HOME="$AUTH_LOCKED_HOME" XDG_DATA_HOME="$AUTH_LOCKED_HOME/.local/share"
  # Only this session'"'"'s daemon is stopped (by its pid): other tests have keyrings of their own.
  printf pw | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
  daemon=$!
  for _ in $(seq 50); do secret-tool search service none >/dev/null 2>&1 && break; sleep 0.1; done
  printf "{\"BearerToken\":\"x\"}" | secret-tool store --label=seed service rattler username seed.example.com
  kill "$daemon"; wait "$daemon" 2>/dev/null || true
  gnome-keyring-daemon --foreground --components=secrets >/dev/null 2>&1 &
  for _ in $(seq 50); do secret-tool search service none >/dev/null 2>&1 && break; sleep 0.1; done
  "$@"
' locked-keyring "$@"
