#!/usr/bin/env bash
# Set up and start Redress on the embedded SQLite database (./redress.db), with demo data loaded
# (the last full reporting year and the current one) and two keys printed for trying the API in
# /docs: a CRM key and an analyst key.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/ensure-letters.sh
.venv/bin/redress migrate
.venv/bin/redress demo
echo "Redress: http://${REDRESS_HOST:-127.0.0.1}:${REDRESS_PORT:-8000}/docs (Authorize with a key above)"
# The worker runs inside the service: webhooks are delivered and deadline alerts raised (the
# demo's overdue complaints get theirs in the first minute).
REDRESS_WORKER_IN_SERVE="${REDRESS_WORKER_IN_SERVE:-true}" exec .venv/bin/redress serve
