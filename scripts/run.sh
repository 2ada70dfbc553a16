#!/usr/bin/env bash
# `make run`: creates ./data with a first workspace if there is none (printing its API key and
# the first administrator's sign-in once) and serves on 127.0.0.1:8080, printing the agent
# console's address. DATA and LISTEN override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA:-./data}
listen=${LISTEN:-127.0.0.1:8080}
if [ ! -f "$data/ticketd.db" ]; then
  # The key is init's standard output; the administrator's sign-in its standard error.
  err=$(mktemp)
  trap 'rm -f "$err"' EXIT
  key=$(build/ticketd init --data "$data" 2>"$err") || { cat "$err" >&2; exit 1; }
  signin=$(grep -o 'first administrator: .*' "$err" || true)
  echo "Created $data with workspace 'default'. Shown once:"
  echo "  API key:  $key"
  echo "  Console:  http://$listen/app"
  echo "  Sign in:  ${signin#first administrator: }"
fi
echo "The agent console: http://$listen/app"
exec build/ticketd serve --data "$data" --listen "$listen"
