#!/usr/bin/env bash
# Installs the Debian packages ticketd builds, tests and benchmarks with, when any is missing
# (chromium: the console's browser tests, tests/browser/; prometheus: only for its promtool,
# which tests/api/metrics.test.mjs checks the scrape with -- Debian ships promtool in no smaller
# package: a 19 MB download, 96 MB installed, the server's web UI included).
# Idempotent and quiet when everything is already there; called by `make deps`.
set -euo pipefail
pkgs=(build-essential pkg-config clang libclang-rt-14-dev
      libmicrohttpd-dev libjansson-dev libsqlite3-dev libssl-dev libcmocka-dev libvips-dev libwebp-dev
      libvips-tools libargon2-dev libzip-dev libcairo2-dev libfontconfig-dev libcurl4-openssl-dev
      libpq-dev postgresql haproxy poppler-utils fonts-dejavu-core unzip
      sqlite3 nodejs curl jq chromium prometheus)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
fi
