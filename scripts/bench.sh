#!/usr/bin/env bash
# Benchmarks (not part of the test suite). Usage: scripts/bench.sh [emulator-list|living-cluster|fleet|repository|backup|restore] [options]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
which="${1:-emulator-list}"
shift || true
exec npx tsx "test/bench/${which}.ts" "$@"
