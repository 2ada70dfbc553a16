#!/usr/bin/env bash
# Builds the agent console into build/console/ (scripts/build-console.mjs, docs/CONSOLE.md):
# hashed file names, .gz twins, files.txt for the Makefile's embedding, the size budget.
# Usage: build-console.sh [SRC [OUT]]; needs node_modules (make deps).
set -euo pipefail
cd "$(dirname "$0")/.."
exec node scripts/build-console.mjs "$@"
