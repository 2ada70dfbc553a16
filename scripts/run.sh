#!/usr/bin/env bash
# `make run`: creates ./data with a first workspace if there is none (printing its API key once)
# and serves on 127.0.0.1:8080, printing the agent console's address. DATA and LISTEN override
# the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA:-./data}
listen=${LISTEN:-127.0.0.1:8080}
if [ ! -f "$data/ticketd.db" ]; then
  key=$(build/ticketd init --data "$data")
  echo "Created $data with workspace 'default'. Its API key (shown once):"
  echo "  $key"
fi
echo "The agent console: http://$listen/app"
exec build/ticketd serve --data "$data" --listen "$listen"
