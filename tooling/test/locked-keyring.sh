#!/usr/bin/env bash
# Runs a command against a *locked* Secret Service: a private D-Bus session whose gnome-keyring
# holds a login keyring that was created unlocked, then restarted without its password.
#   bash tooling/test/locked-keyring.sh <command> [args...]
exec bash "$(dirname "$0")/keyring-session.sh" locked "$@"
