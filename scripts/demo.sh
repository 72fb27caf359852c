#!/usr/bin/env bash
# The main job on embedded defaults. Until backups land: two sandbox clusters (Kubernetes
# 1.16 and 1.30), a sample app applied to each with kubectl, `kubectl get` from both, then a
# local hub with one agent per cluster, their inventory, and `lifeboat cluster list`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec node test/harness/dist/sandbox-demo.js "$@"
