#!/usr/bin/env bash
# Runs a command in a private D-Bus session with a gnome-keyring of its own, so a test can stop
# that daemon or leave it without keyrings without disturbing the keyring other tests share.
#   bash tooling/test/keyring-session.sh unlocked <command> [args...]   a "login" keyring, unlocked
#   bash tooling/test/keyring-session.sh empty <command> [args...]      no keyring: no default collection
#   bash tooling/test/keyring-session.sh locked <command> [args...]     a "login" keyring holding one
#                                      entry (rattler / seed.example.com), locked
# The serving daemon's pid is in $AUTH_KEYRING_PID (to SIGSTOP it).
set -euo pipefail
mode=$1; shift
home=$(mktemp -d "${TMPDIR:-/tmp}/auth-session-home.XXXXXX")
trap 'rm -rf "$home"' EXIT
# Set before the bus starts: a daemon the bus activates on its own gets this HOME too, never the user's.
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_RUNTIME_DIR="$home/run" AUTH_SESSION_MODE="$mode"
mkdir -m 700 "$XDG_RUNTIME_DIR"
dbus-run-session -- bash -c '
  set -e
  owner() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null | awk "/uint32/{print \$2}"
  }
  # Waits for the daemon to own the name; asking the Secret Service itself would make the bus start another.
  start() {
    gnome-keyring-daemon --foreground --components=secrets "$@" >/dev/null 2>&1 &
    for _ in $(seq 100); do [ -n "$(owner)" ] && return; sleep 0.05; done
  }
  stop() { pid=$(owner); kill "$pid"; while [ -n "$(owner)" ]; do sleep 0.05; done; }
  case "$AUTH_SESSION_MODE" in
    unlocked) printf pw | start --unlock ;;
    empty) start ;;
    locked)
      printf pw | start --unlock
      printf "{\"BearerToken\":\"x\"}" | secret-tool store --label=seed service rattler username seed.example.com
      stop
      start ;;
    *) echo "keyring-session: unknown mode $AUTH_SESSION_MODE" >&2; exit 2 ;;
  esac
  export AUTH_KEYRING_PID=$(owner)
  status=0; "$@" || status=$?
  kill -CONT "$AUTH_KEYRING_PID" 2>/dev/null || true
  kill "$AUTH_KEYRING_PID" 2>/dev/null || true
  exit $status
' keyring-session "$@" 2> >(grep -v "Failed to set fd limit" >&2)
