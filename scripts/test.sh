#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds, then runs unit and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
npx turbo run typecheck --output-logs=errors-only
exec npx vitest run "$@"
