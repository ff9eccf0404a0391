#!/usr/bin/env bash
# Runs a command in a private D-Bus session with a gnome-keyring of its own, so a test can stop
# that daemon or leave it without keyrings without disturbing the keyring other tests share.
#   bash tooling/test/keyring-session.sh unlocked <command> [args...]   a "login" keyring, unlocked
#   bash tooling/test/keyring-session.sh empty <command> [args...]      no keyring: no default collection
# The daemon's pid is in $AUTH_KEYRING_PID (to SIGSTOP it).
set -euo pipefail
mode=$1; shift
home=$(mktemp -d "${TMPDIR:-/tmp}/auth-session-home.XXXXXX")
trap 'rm -rf "$home"' EXIT
export AUTH_SESSION_HOME="$home" AUTH_SESSION_MODE="$mode"
dbus-run-session -- bash -c '
  set -e
  export HOME="$AUTH_SESSION_HOME" XDG_DATA_HOME="$AUTH_SESSION_HOME/.local/share"
  if [ "$AUTH_SESSION_MODE" = unlocked ]; then
    printf pw | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
  else
    gnome-keyring-daemon --foreground --components=secrets >/dev/null 2>&1 &
  fi
  export AUTH_KEYRING_PID=$!
  for _ in $(seq 50); do secret-tool search service none >/dev/null 2>&1 && break; sleep 0.1; done
  status=0; "$@" || status=$?
  kill -CONT "$AUTH_KEYRING_PID" 2>/dev/null || true
  kill "$AUTH_KEYRING_PID" 2>/dev/null || true
  exit $status
' keyring-session "$@" 2> >(grep -v "Failed to set fd limit" >&2)
